/* e2e_time.h: time in the end-to-end suites: a monotonic clock and the
 * scheduling slack allowed past a deadline in correctness bounds (more
 * under valgrind, where DANCE_TEST_SLOW is set). Never a benchmark. */
#ifndef DANCE_TEST_E2E_TIME_H
#define DANCE_TEST_E2E_TIME_H

/* Monotonic milliseconds. */
double e2e_now_ms(void);

/* normal_ms, or 3000 ms when DANCE_TEST_SLOW is set. */
double e2e_slack_ms(double normal_ms);

#endif
