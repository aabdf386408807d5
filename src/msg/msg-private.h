/* Inside the msg module: shared by its files only. */
#ifndef POSTIE_MSG_PRIVATE_H
#define POSTIE_MSG_PRIVATE_H

#include "msg/msg.h"

/* ---- header blocks (header.c) ---- */

/* One field of a header block. Both point into the block; value is raw:
 * still folded, not decoded. */
struct msg_hfield {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

struct msg_hfields {
	struct msg_hfield *v;
	size_t n, cap;
};

/* Splits the header block at the start of s into fields, up to the first
 * empty line or len. Lines that are neither a field nor a continuation
 * (an mbox "From " line, garbage) are skipped. Returns the length of the
 * block including the empty line. */
size_t msg_headers_split(const char *s, size_t len, struct msg_hfields *out);
/* The first field called name (any case), or NULL. */
const struct msg_hfield *msg_headers_find(const struct msg_hfields *h, const char *name);
/* Appends value without line breaks and without blanks at both ends. */
void msg_unfold(const char *s, size_t len, struct buf *out);
bool msg_name_is(const struct msg_hfield *f, const char *name);

/* ---- charsets (charset.c) ---- */

void msg_cp1252_to_utf8(const char *s, size_t len, struct buf *out);
/* Undeclared 8-bit text: UTF-8 if valid, else Windows-1252. */
void msg_text_to_utf8(const char *s, size_t len, struct buf *out);

/* ---- header values (rfc2047.c, params.c) ---- */

/* Raw text as a clean value: UTF-8 (or Windows-1252 read as such), tabs and
 * line breaks as spaces, NUL as U+FFFD, trimmed. A new string. */
char *msg_text_clean(const char *s, size_t len);
/* The value of parameter name exactly as written (unquoted), or NULL; a new
 * string. For boundaries, which must not be decoded. */
char *msg_param_raw(const char *s, size_t len, const char *name);

/* ---- transfer encodings (transfer.c) ---- */


/* ---- small helpers ---- */

static inline bool msg_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool msg_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline char msg_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

#endif
