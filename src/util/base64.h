/* Base64 (RFC 4648, standard alphabet, with padding), as SASL, TLS key pins
 * and MIME use it. */
#ifndef POSTIE_UTIL_BASE64_H
#define POSTIE_UTIL_BASE64_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* Appends the base64 form of data[0..len) to out, on one line. */
void base64_encode(struct buf *out, const void *data, size_t len);
/* Writes the base64 form of data[0..len) to out, which has room for
 * base64_encoded_len(len) bytes (no NUL is added), and returns that length.
 * For secrets, whose buffers must not be reallocated on the way. */
size_t base64_encode_mem(char *out, const void *data, size_t len);
/* Appends the bytes that base64 text s[0..len) stands for to out, decoding
 * as far as it can: blanks and line ends are skipped, '=' ends a group (and
 * another may follow, as in concatenated MIME parts). Returns true when the
 * text was clean; false when it had characters outside the alphabet (they
 * are skipped) or a truncated group (a lone last character carries no byte). */
bool base64_decode(struct buf *out, const char *s, size_t len);
/* The encoded length of len bytes, without a NUL. */
size_t base64_encoded_len(size_t len);

#endif
