/* e2e_time.c: see e2e_time.h. */
#include "e2e_time.h"

#include <stdlib.h>
#include <time.h>

double e2e_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double e2e_slack_ms(double normal_ms)
{
	return getenv("DANCE_TEST_SLOW") != NULL ? 3000 : normal_ms;
}
