/* What every new message needs: a date, a unique id, MIME boundaries. */
#include "common.h"

#include <sys/random.h>
#include <time.h>

#include "msg/compose.h"

void msg_date_rfc5322(time_t t, char s[40])
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		t = 0;
		gmtime_r(&t, &tm);
	}
	long off = tm.tm_gmtoff / 60;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(s, 40, "%s, %02d %s %04d %02d:%02d:%02d %c%02ld%02ld", days[tm.tm_wday % 7],
		 tm.tm_mday, months[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
		 tm.tm_sec, sign, off / 60 % 100, off % 60);
}

/* Random hex digits; from the kernel, which never fails for small reads
 * once it is seeded. */
static void random_hex(char *out, size_t bytes)
{
	unsigned char r[32];
	if (bytes > sizeof r)
		bytes = sizeof r;
	size_t got = 0;
	while (got < bytes) {
		ssize_t n = getrandom(r + got, bytes - got, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "postie: no random numbers from the kernel\n");
			abort();
		}
		got += (size_t)n;
	}
	static const char hex[] = "0123456789abcdef";
	for (size_t i = 0; i < bytes; i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[2 * bytes] = '\0';
}

char *msg_make_message_id(const char *domain)
{
	char rnd[25];
	random_hex(rnd, 12);
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	return xasprintf("%04d%02d%02d%02d%02d%02d.%s@%s", tm.tm_year + 1900, tm.tm_mon + 1,
			 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, rnd,
			 domain && *domain ? domain : "postie.invalid");
}

char *msg_make_boundary(void)
{
	char rnd[33];
	random_hex(rnd, 16);
	return xasprintf("=_postie_%s", rnd);
}
