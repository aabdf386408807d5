#include "common.h"

#include <ftw.h>
#include <stdarg.h>
#include <unistd.h>

#include "tap.h"

static int tap_count, tap_failed;
static char *tmpdir;

static void print_name(const char *fmt, va_list ap)
{
	char *name = xvasprintf(fmt, ap);
	for (char *p = name; *p; p++)
		if (*p == '\n' || *p == '#')
			*p = ' ';
	printf(" - %s\n", name);
	free(name);
}

static bool report(bool pass, const char *file, int line, const char *fmt, va_list ap)
{
	tap_count++;
	printf("%sok %d", pass ? "" : "not ", tap_count);
	print_name(fmt, ap);
	if (!pass) {
		tap_failed++;
		printf("#   Failed at %s line %d\n", file, line);
	}
	fflush(stdout);
	return pass;
}

bool tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	return pass;
}

static void diag_value(const char *label, const char *s, size_t len)
{
	printf("#   %8s: ", label);
	if (!s) {
		printf("NULL\n");
		return;
	}
	putchar('"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			printf("\\n\n#             ");
		else if (c < 0x20 || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
	printf("\"\n");
}

bool tap_is_str(const char *got, const char *want, const char *file, int line, const char *fmt, ...)
{
	bool pass = (got == NULL && want == NULL) || (got && want && strcmp(got, want) == 0);
	va_list ap;
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag_value("got", got, got ? strlen(got) : 0);
		diag_value("expected", want, want ? strlen(want) : 0);
	}
	return pass;
}

bool tap_is_mem(const void *got, size_t got_len, const void *want, size_t want_len,
		const char *file, int line, const char *fmt, ...)
{
	bool pass = got_len == want_len && (got_len == 0 || memcmp(got, want, got_len) == 0);
	va_list ap;
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass) {
		diag_value("got", got, got_len);
		diag_value("expected", want, want_len);
	}
	return pass;
}

bool tap_is_long(long long got, long long want, const char *file, int line, const char *fmt, ...)
{
	bool pass = got == want;
	va_list ap;
	va_start(ap, fmt);
	report(pass, file, line, fmt, ap);
	va_end(ap);
	if (!pass)
		printf("#        got: %lld\n#   expected: %lld\n", got, want);
	return pass;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	printf("# %s\n", msg);
	free(msg);
}

void tap_skip(const char *why, const char *fmt, ...)
{
	tap_count++;
	printf("ok %d", tap_count);
	va_list ap;
	va_start(ap, fmt);
	char *name = xvasprintf(fmt, ap);
	va_end(ap);
	printf(" - %s # SKIP %s\n", name, why);
	free(name);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

const char *tap_tmpdir(void)
{
	if (!tmpdir) {
		const char *base = getenv("TMPDIR");
		tmpdir = xasprintf("%s/postie-test.XXXXXX", base && *base ? base : "/tmp");
		if (!mkdtemp(tmpdir)) {
			perror("mkdtemp");
			exit(99);
		}
	}
	return tmpdir;
}

int tap_done(void)
{
	printf("1..%d\n", tap_count);
	if (tmpdir) {
		nftw(tmpdir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		FREE(&tmpdir);
	}
	return tap_failed ? 1 : 0;
}
