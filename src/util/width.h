/* Terminal column width of text.
 *
 * Widths follow the C library's UTF-8 tables (East Asian wide and fullwidth
 * characters take 2 columns, combining marks and other zero-width characters
 * 0), independent of the user's locale, so a message lays out the same in
 * every environment. Code points the tables do not know count as 1 column;
 * control characters count as 0 here: text reaching a layout has passed the
 * sanitizer (util/sanitize.h), which left none. */
#ifndef POSTIE_UTIL_WIDTH_H
#define POSTIE_UTIL_WIDTH_H

#include <stddef.h>

/* Columns of one code point: 0, 1 or 2. Thread-safe. */
int uc_width(unsigned cp);
/* Columns of valid UTF-8 text s[0..len); invalid bytes count 1 each. */
size_t utf8_width(const char *s, size_t len);
/* The longest prefix of s[0..len) that fits in cols columns without cutting a
 * character or separating a base character from the combining marks that
 * follow it. Returns its length in bytes and its width in *width_r. */
size_t utf8_fit(const char *s, size_t len, size_t cols, size_t *width_r);

#endif
