/* Small string helpers that the C library lacks. */
#ifndef POSTIE_UTIL_STRUTIL_H
#define POSTIE_UTIL_STRUTIL_H

#include <stdbool.h>
#include <stddef.h>

bool str_startswith(const char *s, const char *prefix);
bool str_endswith(const char *s, const char *suffix);
/* ASCII-only, locale-independent case-insensitive comparisons. */
int str_casecmp(const char *a, const char *b);
int str_ncasecmp(const char *a, const char *b, size_t n);
bool str_casestartswith(const char *s, const char *prefix);
/* Pointer to the first non-blank character; blanks are space and tab. */
char *str_ltrim(char *s);
/* Removes trailing blanks and line ends in place; returns s. */
char *str_rtrim(char *s);
char *str_trim(char *s);
/* Edit distance (insert, delete, substitute, swap neighbours), for
 * did-you-mean hints. */
size_t str_distance(const char *a, const char *b);
/* Parses a whole decimal number in [min, max]; -1 if s is anything else. */
int str_to_long(const char *s, long min, long max, long *out);
/* Case-insensitive search of needle in haystack (ASCII). */
const char *str_casestr(const char *haystack, const char *needle);

#endif
