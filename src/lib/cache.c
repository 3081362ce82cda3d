/* cache.c: placeholder until implemented */
