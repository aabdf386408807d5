/* Content-Transfer-Encoding: base64 and quoted-printable, decoded as far as
 * the input allows. */
#include "common.h"

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
