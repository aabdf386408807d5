#include "common.h"

#include "util/buf.h"
#include "util/json.h"
#include "util/sanitize.h"

void json_add_str(struct buf *b, const char *s)
{
	if (!s) {
		buf_adds(b, "null");
		return;
	}
	buf_addc(b, '"');
	size_t len = strlen(s);
	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
			i++;
		} else if (c < 0x20 || c == 0x7f) {
			buf_addf(b, "\\u%04x", c);
			i++;
		} else if (c < 0x80) {
			buf_addc(b, (char)c);
			i++;
		} else {
			unsigned cp;
			size_t n = utf8_decode(s + i, len - i, &cp);
			if (n) {
				buf_add(b, s + i, n);
				i += n;
			} else {
				buf_adds(b, "\\ufffd");
				i += utf8_invalid_length(s + i, len - i);
			}
		}
	}
	buf_addc(b, '"');
}

void json_add_key(struct buf *b, const char *key, bool first)
{
	if (!first)
		buf_addc(b, ',');
	json_add_str(b, key);
	buf_addc(b, ':');
}
