/* Dates in headers: RFC 5322, its obsolete forms, and common breakage. */
#include "common.h"

#include <langinfo.h>

#include "msg/msg-private.h"
#include "util/strutil.h"

struct tokens {
	const char *s;
	size_t len, i;
};

/* The next token: a run of digits, of letters, or one other character;
 * blanks, commas and comments are skipped. */
static bool next_token(struct tokens *t, const char **tok, size_t *n)
{
	while (t->i < t->len) {
		char c = t->s[t->i];
		if (msg_is_space(c) || c == ',') {
			t->i++;
		} else if (c == '(') {
			size_t depth = 0;
			while (t->i < t->len) {
				char d = t->s[t->i++];
				if (d == '(')
					depth++;
				else if (d == ')' && --depth == 0)
					break;
			}
		} else {
			break;
		}
	}
	if (t->i >= t->len)
		return false;
	size_t start = t->i;
	char c = t->s[start];
	if (c >= '0' && c <= '9') {
		while (t->i < t->len && t->s[t->i] >= '0' && t->s[t->i] <= '9')
			t->i++;
	} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
		while (t->i < t->len && ((msg_lower(t->s[t->i]) >= 'a' && msg_lower(t->s[t->i]) <= 'z')))
			t->i++;
	} else {
		t->i++;
	}
	*tok = t->s + start;
	*n = t->i - start;
	return true;
}

static bool is_digits(const char *s, size_t n)
{
	return n && s[0] >= '0' && s[0] <= '9';
}

static long number(const char *s, size_t n)
{
	long v = 0;
	for (size_t i = 0; i < n && i < 9; i++)
		v = v * 10 + (s[i] - '0');
	return n > 9 ? -1 : v;
}

static int month_of(const char *s, size_t n)
{
	static const char months[] = "janfebmaraprmayjunjulaugsepoctnovdec";
	if (n < 3)
		return -1;
	for (int m = 0; m < 12; m++)
		if (str_ncasecmp(s, months + m * 3, 3) == 0)
			return m + 1;
	return -1;
}

/* Zone names of RFC 5322 (and its military letters, all taken as UTC). */
static bool zone_name(const char *s, size_t n, int *zone)
{
	static const struct { const char *name; int minutes; } zones[] = {
		{ "ut", 0 }, { "utc", 0 }, { "gmt", 0 }, { "z", 0 },
		{ "est", -300 }, { "edt", -240 }, { "cst", -360 }, { "cdt", -300 },
		{ "mst", -420 }, { "mdt", -360 }, { "pst", -480 }, { "pdt", -420 },
		{ "cet", 60 }, { "cest", 120 }, { "bst", 60 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(zones); i++) {
		if (strlen(zones[i].name) == n && str_ncasecmp(s, zones[i].name, n) == 0) {
			*zone = zones[i].minutes;
			return true;
		}
	}
	if (n == 1) {
		*zone = 0;
		return true;
	}
	return false;
}

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static long long days_from_civil(long y, long m, long d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (long long)era * 146097 + doe - 719468;
}

struct fields {
	long year, month, day, hour, min, sec;
	int zone;
};

/* hh:mm[:ss] starting with the digits in tok. */
static bool parse_time(struct tokens *t, const char *tok, size_t n, struct fields *f)
{
	const char *x;
	size_t m;
	f->hour = number(tok, n);
	if (!next_token(t, &x, &m) || *x != ':' || !next_token(t, &x, &m) || !is_digits(x, m))
		return false;
	f->min = number(x, m);
	size_t save = t->i;
	if (next_token(t, &x, &m) && *x == ':' && next_token(t, &x, &m) && is_digits(x, m))
		f->sec = number(x, m);
	else
		t->i = save;
	return true;
}

static void parse_zone(struct tokens *t, struct fields *f)
{
	const char *x;
	size_t m;
	if (!next_token(t, &x, &m))
		return;
	if ((*x == '+' || *x == '-') && t->i < t->len) {
		int sign = *x == '-' ? -1 : 1;
		const char *d;
		size_t dn;
		if (next_token(t, &d, &dn) && is_digits(d, dn) && dn == 4) {
			long v = number(d, dn);
			if (v % 100 < 60 && v / 100 < 24)
				f->zone = sign * (int)(v / 100 * 60 + v % 100);
		}
		return;
	}
	int z;
	if (zone_name(x, m, &z))
		f->zone = z;
}

static bool parse_fields(const char *s, size_t len, struct fields *f)
{
	struct tokens t = { s, len, 0 };
	const char *x;
	size_t n;
	bool have_day = false, have_year = false, have_time = false;
	f->month = -1;
	while ((!have_day || f->month < 0 || !have_year || !have_time) && next_token(&t, &x, &n)) {
		if (!is_digits(x, n)) {
			int m = month_of(x, n);
			if (m > 0 && f->month < 0)
				f->month = m;
			continue;  /* a day name, or noise */
		}
		size_t save = t.i;
		const char *y;
		size_t yn;
		if (!have_time && next_token(&t, &y, &yn) && *y == ':') {
			t.i = save;
			if (!parse_time(&t, x, n, f))
				return false;
			have_time = true;
		} else {
			t.i = save;
			if (!have_day && n <= 2 && (f->month < 0 || !have_year)) {
				f->day = number(x, n);
				have_day = true;
			} else if (!have_year) {
				f->year = number(x, n);
				if (n == 2)
					f->year += f->year < 50 ? 2000 : 1900;
				else if (n == 3)
					f->year += 1900;
				have_year = true;
			} else {
				return false;
			}
		}
	}
	if (!have_day || f->month < 0 || !have_year)
		return false;
	parse_zone(&t, f);
	return true;
}

int msg_date_parse(const char *value, size_t len, time_t *t_r, int *zone_r)
{
	struct fields f = { 0, -1, 0, 0, 0, 0, 0 };
	if (!parse_fields(value, len, &f))
		return -1;
	if (f.year < 1900 || f.year > 9999 || f.day < 1 || f.day > 31 || f.hour < 0 ||
	    f.hour > 23 || f.min < 0 || f.min > 59 || f.sec < 0 || f.sec > 60)
		return -1;
	if (f.sec == 60)
		f.sec = 59;
	long long days = days_from_civil(f.year, f.month, f.day);
	long long secs = days * 86400 + f.hour * 3600 + f.min * 60 + f.sec - (long long)f.zone * 60;
	if ((long long)(time_t)secs != secs)
		return -1;
	*t_r = (time_t)secs;
	*zone_r = f.zone;
	return 0;
}

char *msg_date_format(time_t t)
{
	struct tm tm;
	char s[128];
	const char *fmt = "%a, %d %b %Y %H:%M:%S %z";
	if (!i18n_time_locale_is_c()) {
		const char *local = nl_langinfo(D_T_FMT);
		if (local && *local)
			fmt = local;
	}
	/* The format comes from the C library's locale data, not from a message. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	size_t n = localtime_r(&t, &tm) ? strftime(s, sizeof s, fmt, &tm) : 0;
#pragma GCC diagnostic pop
	return xstrdup(n ? s : "?");
}
