#include "common.h"

#include "net/net-private.h"
#include "util/base64.h"
#include "util/buf.h"

#define PIN_PREFIX "sha256:"

int net_pin_parse(const char *s, unsigned char pin[NET_PIN_LEN])
{
	if (!s || strncmp(s, PIN_PREFIX, strlen(PIN_PREFIX)) != 0)
		return -1;
	s += strlen(PIN_PREFIX);
	struct buf raw = BUF_INIT;
	int r = -1;
	if (*s && !strpbrk(s, " \t\r\n") && base64_decode(&raw, s, strlen(s)) &&
	    raw.len == NET_PIN_LEN) {
		memcpy(pin, raw.data, NET_PIN_LEN);
		r = 0;
	}
	buf_release(&raw);
	return r;
}

char *net_pin_format(const unsigned char pin[NET_PIN_LEN])
{
	struct buf b = BUF_INIT;
	buf_adds(&b, PIN_PREFIX);
	base64_encode(&b, pin, NET_PIN_LEN);
	return buf_detach(&b, NULL);
}

char *net_hex_colons(const unsigned char *p, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_addf(&b, i ? ":%02X" : "%02X", p[i]);
	return buf_detach(&b, NULL);
}
