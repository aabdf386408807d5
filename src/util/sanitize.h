/* Making text from servers and messages safe for a terminal.
 *
 * Everything a server or a message supplies (headers, bodies, file names,
 * folder names, server error text) passes through here before it reaches the
 * screen or stdout. The output is valid UTF-8 in which:
 *  - invalid UTF-8 (bad bytes, overlong forms, surrogates) is U+FFFD;
 *  - C0 controls and DEL are shown in caret form (ESC as "^["), except a
 *    newline or tab when the flags keep them; a CR before LF is dropped when
 *    newlines are kept;
 *  - C1 controls (U+0080..U+009F), bidirectional embeddings, overrides and
 *    isolates (U+202A..U+202E, U+2066..U+2069, U+061C) and the Unicode line
 *    and paragraph separators are U+FFFD.
 * So no escape sequence, no terminal control and no reordering trick survives,
 * whatever the input. */
#ifndef POSTIE_UTIL_SANITIZE_H
#define POSTIE_UTIL_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum sanitize_flags {
	SANITIZE_KEEP_NEWLINE = 1 << 0,
	SANITIZE_KEEP_TAB = 1 << 1,
};

/* Appends the safe form of s[0..len) to out. */
void sanitize_append(struct buf *out, const char *s, size_t len, unsigned flags);
/* The safe form of a C string, as a new string the caller frees. */
char *sanitize_dup(const char *s, unsigned flags);
/* Decodes one UTF-8 sequence at s (at most len bytes). Returns its length and
 * stores the code point, or returns 0 for an invalid sequence (skip
 * utf8_invalid_length() bytes of it). Never reads past len. */
size_t utf8_decode(const char *s, size_t len, unsigned *cp);
/* How many bytes of an invalid sequence at s to replace with one U+FFFD: a
 * possible lead byte with the continuation bytes that follow it, else 1. */
size_t utf8_invalid_length(const char *s, size_t len);
/* Encodes cp as UTF-8 into out (4 bytes room); returns the length. */
size_t utf8_encode(unsigned cp, char *out);
/* Whether s[0..len) is entirely valid UTF-8. */
bool utf8_valid(const char *s, size_t len);

#endif
