/* dnsfixture.c: placeholder */
