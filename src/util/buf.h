/* A growable byte buffer.
 *
 * Invariants: after buf_init() (or BUF_INIT) a buffer is empty with data ==
 * NULL; as soon as anything is added, data points at len bytes followed by a
 * NUL that is not counted in len, so data can be used as a C string when the
 * content has no NULs of its own. buf_cstr() is valid even on an empty buffer.
 * The buffer owns data until buf_detach() hands it to the caller. */
#ifndef POSTIE_UTIL_BUF_H
#define POSTIE_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_init(struct buf *b);
/* Frees the content; the buffer is empty and reusable afterwards. */
void buf_release(struct buf *b);
/* Empties the buffer but keeps its memory for reuse. */
void buf_reset(struct buf *b);
/* Makes room for at least n more bytes (plus the NUL). */
void buf_grow(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vaddf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Shortens the buffer to n bytes (n <= len). */
void buf_truncate(struct buf *b, size_t n);
/* Removes the first n bytes. */
void buf_consume(struct buf *b, size_t n);
/* The content as a C string; "" for an empty buffer. Owned by the buffer. */
const char *buf_cstr(const struct buf *b);
/* Hands the content (always NUL-terminated, never NULL) to the caller, who
 * frees it; the buffer is empty afterwards. *len_r, if not NULL, gets its length. */
char *buf_detach(struct buf *b, size_t *len_r);

#endif
