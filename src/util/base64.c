#include "common.h"

#include "util/base64.h"
#include "util/buf.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t len)
{
	return (len + 2) / 3 * 4;   /* UNSAFE: callers pass sizes far below SIZE_MAX / 2 */
}

size_t base64_encode_mem(char *out, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t o = 0;
	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		out[o++] = i + 2 < len ? alphabet[v & 63] : '=';
	}
	return o;
}

void base64_encode(struct buf *out, const void *data, size_t len)
{
	size_t n = base64_encoded_len(len);
	buf_grow(out, n);
	out->len += base64_encode_mem(out->data + out->len, data, len);
	out->data[out->len] = '\0';
}

static int digit_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool base64_decode(struct buf *out, const char *s, size_t len)
{
	bool clean = true;
	unsigned acc = 0;
	int bits = 0, group = 0;
	buf_grow(out, len / 4 * 3 + 3);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		int v = digit_value(c);
		if (v < 0) {
			if (c == '=') {
				acc = 0;
				bits = 0;
				group = 0;
			} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
				clean = false;
			}
			continue;
		}
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		group = (group + 1) % 4;
		if (bits >= 8) {
			bits -= 8;
			buf_addc(out, (char)((acc >> bits) & 0xFF));
		}
	}
	if (group == 1)
		clean = false;
	return clean;
}
