/* keyindex.c: placeholder until implemented */
