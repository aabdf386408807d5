#include "common.h"

#include "util/buf.h"
#include "util/sanitize.h"

#define REPLACEMENT "\xEF\xBF\xBD"  /* U+FFFD */

size_t utf8_decode(const char *str, size_t len, unsigned *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	if (!len)
		return 0;
	unsigned c = s[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t n;
	unsigned min;
	if (c >= 0xC2 && c <= 0xDF) {
		n = 2; min = 0x80; c &= 0x1F;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3; min = 0x800; c &= 0x0F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4; min = 0x10000; c &= 0x07;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3F);
	}
	if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return n;
}

size_t utf8_encode(unsigned cp, char *out)
{
	unsigned char *o = (unsigned char *)out;
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xC0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xE0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	o[0] = (unsigned char)(0xF0 | (cp >> 18));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
	o[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

size_t utf8_invalid_length(const char *str, size_t len)
{
	/* A lead byte that could start a sequence takes its continuation bytes
	 * with it (a truncated sequence is one error); any other byte stands alone. */
	const unsigned char *s = (const unsigned char *)str;
	size_t want = s[0] >= 0xC2 && s[0] <= 0xDF ? 2 : s[0] >= 0xE0 && s[0] <= 0xEF ? 3 :
		      s[0] >= 0xF0 && s[0] <= 0xF4 ? 4 : 1;
	size_t n = 1;
	while (n < want && n < len && (s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

bool utf8_valid(const char *s, size_t len)
{
	size_t i = 0;
	unsigned cp;
	while (i < len) {
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (!n)
			return false;
		i += n;
	}
	return true;
}

static bool is_unsafe_codepoint(unsigned cp)
{
	return (cp >= 0x80 && cp <= 0x9F) ||       /* C1 controls, incl. CSI */
	       (cp >= 0x202A && cp <= 0x202E) ||   /* bidi embeddings and overrides */
	       (cp >= 0x2066 && cp <= 0x2069) ||   /* bidi isolates */
	       cp == 0x061C ||                     /* Arabic letter mark */
	       cp == 0x2028 || cp == 0x2029;       /* line and paragraph separators */
}

void sanitize_append(struct buf *out, const char *s, size_t len, unsigned flags)
{
	size_t i = 0;
	buf_grow(out, len);
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c < 0x7F) {
			size_t j = i + 1;
			while (j < len && (unsigned char)s[j] >= 0x20 && (unsigned char)s[j] < 0x7F)
				j++;
			buf_add(out, s + i, j - i);
			i = j;
			continue;
		}
		if (c < 0x80) {
			if ((c == '\n' && (flags & SANITIZE_KEEP_NEWLINE)) ||
			    (c == '\t' && (flags & SANITIZE_KEEP_TAB))) {
				buf_addc(out, (char)c);
			} else if (c == '\r' && (flags & SANITIZE_KEEP_NEWLINE) &&
				   i + 1 < len && s[i + 1] == '\n') {
				/* CRLF line end: the LF alone is the line break. */
			} else {
				buf_addc(out, '^');
				buf_addc(out, c == 0x7F ? '?' : (char)(c + 0x40));
			}
			i++;
			continue;
		}
		unsigned cp;
		size_t n = utf8_decode(s + i, len - i, &cp);
		if (!n) {
			buf_adds(out, REPLACEMENT);
			i += utf8_invalid_length(s + i, len - i);
			continue;
		}
		if (is_unsafe_codepoint(cp))
			buf_adds(out, REPLACEMENT);
		else
			buf_add(out, s + i, n);
		i += n;
	}
}

char *sanitize_dup(const char *s, unsigned flags)
{
	struct buf b = BUF_INIT;
	sanitize_append(&b, s, strlen(s), flags);
	return buf_detach(&b, NULL);
}
