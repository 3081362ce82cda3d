/* resolver.c: placeholder until implemented */
