/* resolver_ad.c: placeholder until implemented */
