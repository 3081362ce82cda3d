/* match_ta.c: placeholder until implemented */
