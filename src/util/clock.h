/* The time of day, settable for tests.
 *
 * Everything that compares "now" with a stored time (POP3 delete_after_days,
 * retry times) asks clock_now() instead of time(), so a test can move the
 * clock without waiting: POSTIE_TEST_NOW=SECONDS (since the epoch) in the
 * environment makes clock_now() return that value. It is a test hook only,
 * read on every call; an unreadable value is ignored. */
#ifndef POSTIE_UTIL_CLOCK_H
#define POSTIE_UTIL_CLOCK_H

#include <stdint.h>

#define CLOCK_TEST_ENV "POSTIE_TEST_NOW"

/* Seconds since the epoch (UTC). */
int64_t clock_now(void);

/* Milliseconds on the monotonic clock: for timeouts and rates, never
 * affected by the test hook or by the time of day being set. */
int64_t clock_mono_ms(void);

#endif
