/* name.c: placeholder until implemented */
