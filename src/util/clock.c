#include "common.h"

#include <limits.h>
#include <time.h>

#include "util/clock.h"
#include "util/strutil.h"

int64_t clock_now(void)
{
	const char *fake = getenv(CLOCK_TEST_ENV);
	long v;
	if (fake && *fake && str_to_long(fake, 0, LONG_MAX, &v) == 0)
		return v;
	return (int64_t)time(NULL);
}

int64_t clock_mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
