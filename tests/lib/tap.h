/* A minimal TAP producer for postie's C unit tests.
 *
 *   int main(void) {
 *       ok(1 + 1 == 2, "addition");
 *       is_str(got, "want", "the name");
 *       return tap_done();
 *   }
 *
 * Each check prints one "ok N - name" or "not ok N - name" line, with the
 * values on "#" lines after a failure; tap_done() prints the plan and returns
 * the exit status. automake's tap-driver counts each line as a test. */
#ifndef POSTIE_TESTS_TAP_H
#define POSTIE_TESTS_TAP_H

#include <stdbool.h>
#include <stddef.h>

bool tap_ok(bool pass, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
bool tap_is_str(const char *got, const char *want, const char *file, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool tap_is_long(long long got, long long want, const char *file, int line,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
bool tap_is_mem(const void *got, size_t got_len, const void *want, size_t want_len,
		const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));
void tap_diag(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tap_skip(const char *why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tap_done(void);
/* A directory made for this test run and removed by tap_done(); the
 * caller must not free it. */
const char *tap_tmpdir(void);

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)
#define is_str(got, want, ...) tap_is_str((got), (want), __FILE__, __LINE__, __VA_ARGS__)
#define is_int(got, want, ...) tap_is_long((long long)(got), (long long)(want), __FILE__, __LINE__, __VA_ARGS__)
#define is_mem(got, glen, want, wlen, ...) \
	tap_is_mem((got), (glen), (want), (wlen), __FILE__, __LINE__, __VA_ARGS__)

#endif
