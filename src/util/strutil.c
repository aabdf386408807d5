#include "common.h"

#include "util/strutil.h"

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool str_startswith(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

int str_ncasecmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int ca = lower((unsigned char)a[i]), cb = lower((unsigned char)b[i]);
		if (ca != cb || !ca)
			return ca - cb;
	}
	return 0;
}

int str_casecmp(const char *a, const char *b)
{
	return str_ncasecmp(a, b, SIZE_MAX);
}

bool str_casestartswith(const char *s, const char *prefix)
{
	return str_ncasecmp(s, prefix, strlen(prefix)) == 0;
}

char *str_ltrim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

char *str_rtrim(char *s)
{
	size_t n = strlen(s);
	while (n && strchr(" \t\r\n", s[n - 1]))
		s[--n] = '\0';
	return s;
}

char *str_trim(char *s)
{
	return str_rtrim(str_ltrim(s));
}

size_t str_distance(const char *a, const char *b)
{
	/* Optimal string alignment: a swap of two neighbours is one edit, the
	 * commonest typo in a key name. */
	size_t n = strlen(a), m = strlen(b);
	size_t w = m + 1;
	size_t *d = xcalloc((n + 1) * w, sizeof *d);
	for (size_t i = 0; i <= n; i++)
		d[i * w] = i;
	for (size_t j = 0; j <= m; j++)
		d[j] = j;
	for (size_t i = 1; i <= n; i++) {
		for (size_t j = 1; j <= m; j++) {
			int ca = lower((unsigned char)a[i - 1]), cb = lower((unsigned char)b[j - 1]);
			size_t best = d[(i - 1) * w + j - 1] + (ca != cb);
			if (d[(i - 1) * w + j] + 1 < best)
				best = d[(i - 1) * w + j] + 1;
			if (d[i * w + j - 1] + 1 < best)
				best = d[i * w + j - 1] + 1;
			if (i > 1 && j > 1 && ca == lower((unsigned char)b[j - 2]) &&
			    lower((unsigned char)a[i - 2]) == cb && d[(i - 2) * w + j - 2] + 1 < best)
				best = d[(i - 2) * w + j - 2] + 1;
			d[i * w + j] = best;
		}
	}
	size_t r = d[n * w + m];
	free(d);
	return r;
}

int str_to_long(const char *s, long min, long max, long *out)
{
	if (!*s)
		return -1;
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

const char *str_casestr(const char *haystack, const char *needle)
{
	size_t m = strlen(needle);
	for (const char *p = haystack; *p; p++)
		if (str_ncasecmp(p, needle, m) == 0)
			return p;
	return m ? NULL : haystack;
}
