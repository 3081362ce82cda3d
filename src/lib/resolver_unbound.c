/* resolver_unbound.c: placeholder until implemented */
