/* authz.c: placeholder until implemented */
