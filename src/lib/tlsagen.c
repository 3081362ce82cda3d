/* tlsagen.c: placeholder until implemented */
