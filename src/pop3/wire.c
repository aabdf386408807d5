/* The pure parts of the POP3 protocol (see wire.h). */
#include "common.h"

#include <gnutls/crypto.h>

#include "pop3/wire.h"
#include "store/summary.h"
#include "util/buf.h"

/* Digits only, no sign, no leading blank; at most max. *end gets the first
 * character after them. */
static int parse_num(const char *s, uint64_t max, uint64_t *v, const char **end)
{
	uint64_t n = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > (max - (uint64_t)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return -1;
	*v = n;
	*end = p;
	return 0;
}

int pop3_parse_stat(const char *text, uint32_t *count, uint64_t *octets)
{
	uint64_t c, o;
	const char *p;
	if (parse_num(text, POP3_COUNT_MAX, &c, &p) < 0 || *p != ' ' ||
	    parse_num(p + 1, POP3_SIZE_MAX, &o, &p) < 0 || (*p && *p != ' '))
		return -1;
	*count = (uint32_t)c;
	*octets = o;
	return 0;
}

int pop3_parse_scan_line(const char *line, uint32_t *num, uint64_t *size)
{
	uint64_t n, z;
	const char *p;
	/* RFC 1939 allows more after the size; nothing is made of it. */
	if (parse_num(line, POP3_COUNT_MAX, &n, &p) < 0 || *p != ' ' ||
	    parse_num(p + 1, POP3_SIZE_MAX, &z, &p) < 0 || (*p && *p != ' '))
		return -1;
	*num = (uint32_t)n;
	*size = z;
	return 0;
}

int pop3_parse_uidl_line(const char *line, uint32_t *num, const char **uidl, size_t *len)
{
	uint64_t n;
	const char *p;
	if (parse_num(line, POP3_COUNT_MAX, &n, &p) < 0 || *p != ' ')
		return -1;
	const char *u = p + 1;
	size_t l = 0;
	/* RFC 1939 7: 1 to 70 characters from 0x21 to 0x7e. Some servers send
	 * longer ones; those are kept up to POP3_UIDL_MAX. */
	for (; u[l]; l++)
		if ((unsigned char)u[l] < 0x21 || (unsigned char)u[l] > 0x7e)
			return -1;
	if (l == 0 || l > POP3_UIDL_MAX)
		return -1;
	*num = (uint32_t)n;
	*uidl = u;
	*len = l;
	return 0;
}

/* U_BOL must be 0: a zeroed struct starts at the beginning of a line. */
enum { U_BOL, U_MID, U_DOT, U_DOTCR };

size_t pop3_unstuff(struct pop3_unstuff *u, const char *in, size_t n, struct buf *out,
		    bool *done)
{
	size_t i = 0;
	*done = false;
	while (i < n) {
		switch (u->state) {
		case U_MID: {
			const char *nl = memchr(in + i, '\n', n - i);
			size_t end = nl ? (size_t)(nl - in) + 1 : n;
			buf_add(out, in + i, end - i);
			i = end;
			if (nl)
				u->state = U_BOL;
			break;
		}
		case U_BOL:
			if (in[i] == '.') {
				u->state = U_DOT;
				i++;
			} else {
				u->state = U_MID;
			}
			break;
		case U_DOT:
			if (in[i] == '\r') {
				u->state = U_DOTCR;
				i++;
			} else if (in[i] == '\n') {
				u->state = U_BOL;
				*done = true;
				return i + 1;
			} else {
				u->state = U_MID;       /* the stuffed dot goes */
			}
			break;
		case U_DOTCR:
			if (in[i] == '\n') {
				u->state = U_BOL;
				*done = true;
				return i + 1;
			}
			buf_addc(out, '\r');            /* ".\rX": the dot was stuffing */
			u->state = U_MID;
			break;
		}
	}
	return n;
}

void pop3_digest_id(const char *msg, size_t len, uint64_t size, char out[POP3_DIGEST_ID_LEN])
{
	struct msg_summary s;
	msg_summary_init(&s);
	msg_summary_fill_header(&s, msg, len);
	/* Servers rewrite some headers between sessions (Status:, X-UIDL:), so
	 * only fields that travel with the message count. */
	struct buf text = BUF_INIT;
	const char *fields[] = { s.message_id, s.from, s.subject };
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		buf_adds(&text, fields[i] ? fields[i] : "");
		buf_addc(&text, '\0');
	}
	buf_addf(&text, "%lld%c%llu", (long long)s.date, 0, (unsigned long long)size);
	unsigned char d[32];
	gnutls_hash_fast(GNUTLS_DIG_SHA256, text.data, text.len, d);
	buf_release(&text);
	msg_summary_release(&s);
	static const char hex[] = "0123456789abcdef";
	memcpy(out, POP3_DIGEST_PREFIX, sizeof POP3_DIGEST_PREFIX - 1);
	char *p = out + sizeof POP3_DIGEST_PREFIX - 1;
	for (size_t i = 0; i < 20; i++) {
		*p++ = hex[d[i] >> 4];
		*p++ = hex[d[i] & 15];
	}
	*p = '\0';
}
