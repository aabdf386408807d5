/* Writing JSON, for the command line's machine-readable output. */
#ifndef POSTIE_UTIL_JSON_H
#define POSTIE_UTIL_JSON_H

#include <stdbool.h>
#include <stdint.h>

struct buf;

/* Appends s as a JSON string (quoted, escaped); NULL becomes null. Invalid
 * UTF-8 becomes U+FFFD, so the output is always valid JSON. */
void json_add_str(struct buf *b, const char *s);
/* Appends "key": with the comma before it unless it opens the object (first). */
void json_add_key(struct buf *b, const char *key, bool first);

#endif
