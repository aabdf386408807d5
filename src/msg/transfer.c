/* Content-Transfer-Encoding: base64 and quoted-printable, decoded as far as
 * the input allows, and written for outgoing mail. */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/base64.h"
#include "util/buf.h"
#include "util/strutil.h"

enum msg_encoding msg_encoding_parse(const char *value, size_t len)
{
	static const struct { const char *name; enum msg_encoding enc; } names[] = {
		{ "7bit", MSG_ENC_7BIT }, { "8bit", MSG_ENC_8BIT }, { "binary", MSG_ENC_BINARY },
		{ "quoted-printable", MSG_ENC_QP }, { "base64", MSG_ENC_BASE64 },
	};
	while (len && msg_is_space(*value)) {
		value++;
		len--;
	}
	size_t n = 0;
	while (n < len && !msg_is_space(value[n]) && value[n] != ';' && value[n] != '(')
		n++;
	if (n == 0)
		return MSG_ENC_7BIT;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i].name) == n && str_ncasecmp(value, names[i].name, n) == 0)
			return names[i].enc;
	return MSG_ENC_UNKNOWN;
}

static bool qp_decode(const char *s, size_t len, struct buf *out)
{
	bool clean = true;
	size_t i = 0;
	buf_grow(out, len);
	while (i < len) {
		/* One line: its blanks before the line break were added in transit. */
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t stop = end;
		if (stop > i && s[stop - 1] == '\r')
			stop--;
		while (stop > i && msg_is_blank(s[stop - 1]))
			stop--;
		bool soft = false;
		for (size_t j = i; j < stop; j++) {
			if (s[j] != '=') {
				buf_addc(out, s[j]);
				continue;
			}
			if (j + 1 == stop) {
				soft = true;
				break;
			}
			int hi = msg_hexval(s[j + 1]), lo = j + 2 < stop ? msg_hexval(s[j + 2]) : -1;
			if (hi >= 0 && lo >= 0) {
				buf_addc(out, (char)(hi * 16 + lo));
				j += 2;
			} else {
				buf_addc(out, '=');
				clean = false;
			}
		}
		if (nl && !soft)
			buf_addc(out, '\n');
		i = nl ? end + 1 : len;
	}
	return clean;
}

bool msg_transfer_decode(enum msg_encoding enc, const char *s, size_t len, struct buf *out)
{
	switch (enc) {
	case MSG_ENC_BASE64:
		return base64_decode(out, s, len);
	case MSG_ENC_QP:
		return qp_decode(s, len, out);
	default:
		buf_add(out, s, len);
		return true;
	}
}

/* ---- the writing side ---- */

#define QP_LINE 76

void msg_base64_lines(struct buf *out, const void *data, size_t len)
{
	struct buf one = BUF_INIT;
	base64_encode(&one, data, len);
	buf_grow(out, one.len + one.len / 76 * 2 + 2);
	for (size_t i = 0; i < one.len; i += 76) {
		size_t n = one.len - i < 76 ? one.len - i : 76;
		buf_add(out, one.data + i, n);
		buf_adds(out, "\r\n");
	}
	buf_release(&one);
}

static bool qp_literal(unsigned char c)
{
	return (c >= 33 && c <= 126 && c != '=') || c == ' ' || c == '\t';
}

/* One line of text (without its line end) as quoted-printable lines. */
static void qp_line(struct buf *out, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t col = 0;
	bool from = n >= 5 && memcmp(s, "From ", 5) == 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool last = i + 1 == n;
		bool lit = qp_literal(c) && !(last && (c == ' ' || c == '\t')) && !(from && i == 0);
		size_t w = lit ? 1 : 3;
		/* Room for a soft break "=" unless this is the line's last character. */
		if (col + w > (last ? QP_LINE : QP_LINE - 1)) {
			buf_adds(out, "=\r\n");
			col = 0;
		}
		if (lit) {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '=');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
		col += w;
	}
}

void msg_qp_encode(struct buf *out, const char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t stop = end > i && s[end - 1] == '\r' ? end - 1 : end;
		qp_line(out, s + i, stop - i);
		if (nl)
			buf_adds(out, "\r\n");
		i = nl ? end + 1 : len;
	}
}

bool msg_is_7bit(const char *s, size_t len, size_t max_line)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n') {
			col = 0;
			continue;
		}
		if (c == 0 || c >= 0x80 || (c == '\r' && (i + 1 == len || s[i + 1] != '\n')))
			return false;
		if (c != '\r' && ++col > max_line)
			return false;
	}
	return true;
}
