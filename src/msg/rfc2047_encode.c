/* RFC 2047 encoded words, the writing side: UTF-8 text cut into words of at
 * most 75 characters, never inside a character (a decoder may convert each
 * word on its own). */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/sanitize.h"

#define PREFIX "=?UTF-8?"
#define OVERHEAD 12             /* "=?UTF-8?Q?" and "?=" */

/* Characters a Q word may hold as they are, even inside a phrase
 * (RFC 2047 section 5 (3)). */
static bool q_literal(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '!' || c == '*' || c == '+' || c == '-' || c == '/';
}

static size_t q_cost(unsigned char c)
{
	return q_literal(c) || c == ' ' ? 1 : 3;
}

static size_t b_cost(size_t bytes)
{
	return (bytes + 2) / 3 * 4;
}

/* Length of the character at s: a whole UTF-8 sequence, or one byte of
 * anything else. */
static size_t char_len(const char *s, size_t n)
{
	unsigned cp;
	size_t k = utf8_decode(s, n, &cp);
	return k ? k : 1;
}

char msg_rfc2047_choose(const char *s, size_t n)
{
	size_t q = 0;
	for (size_t i = 0; i < n; i++)
		q += q_cost((unsigned char)s[i]);
	return q <= b_cost(n) ? 'Q' : 'B';
}

static void q_write(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == ' ') {
			buf_addc(out, '_');
		} else if (q_literal(c)) {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '=');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
}

size_t msg_rfc2047_word(struct buf *out, const char *s, size_t n, size_t room, char enc)
{
	if (room > MSG_WORD_MAX)
		room = MSG_WORD_MAX;
	if (room <= OVERHEAD)
		return 0;
	size_t payload = room - OVERHEAD, took = 0, cost = 0;
	while (took < n) {
		size_t k = char_len(s + took, n - took);
		size_t c = 0;
		if (enc == 'B') {
			c = b_cost(took + k) - cost;
		} else {
			for (size_t j = 0; j < k; j++)
				c += q_cost((unsigned char)s[took + j]);
		}
		if (cost + c > payload)
			break;
		cost += c;
		took += k;
	}
	if (took == 0)
		return 0;
	buf_adds(out, PREFIX);
	buf_addc(out, enc);
	buf_addc(out, '?');
	if (enc == 'B')
		base64_encode(out, s, took);
	else
		q_write(out, s, took);
	buf_adds(out, "?=");
	return took;
}
