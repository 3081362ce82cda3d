/* tlsa.c: placeholder until implemented */
