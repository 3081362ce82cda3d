/* refresher.c: placeholder until implemented */
