/* Allocation that never fails.
 *
 * Every function here aborts the program with a message on out-of-memory, so
 * callers never check for NULL. Everything returned is owned by the caller and
 * released with free(). */
#ifndef POSTIE_UTIL_XALLOC_H
#define POSTIE_UTIL_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
/* Zeroed memory for nmemb elements of size bytes; checks the product for overflow. */
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows an array of nmemb elements of size bytes; checks for overflow. */
void *xreallocarray(void *p, size_t nmemb, size_t size);
char *xstrdup(const char *s);
/* Copies at most n bytes of s and always NUL-terminates. */
char *xstrndup(const char *s, size_t n);
/* Copies exactly n bytes (which may hold NULs) and adds a NUL. */
void *xmemdup(const void *p, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* free() that also clears the caller's pointer. */
#define FREE(pp) do { free(*(pp)); *(pp) = NULL; } while (0)

#endif
