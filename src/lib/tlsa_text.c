/* tlsa_text.c: placeholder until implemented */
