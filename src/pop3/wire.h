/* Inside the pop3 module: the pure parts of the protocol, without a
 * connection (and without libetpan), so the unit tests reach them: reply and
 * listing lines, dot-stuffing, the digest that stands in for a UIDL. */
#ifndef POSTIE_POP3_WIRE_H
#define POSTIE_POP3_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

#define POP3_COUNT_MAX 50000000u        /* more messages than this is not believed */
#define POP3_SIZE_MAX (UINT64_C(1) << 53)
#define POP3_UIDL_MAX 512

/* Lines of STAT's reply ("COUNT SIZE"), of LIST ("NUMBER SIZE", RFC 1939
 * allows more after a blank) and of UIDL ("NUMBER ID", the id 1 to
 * POP3_UIDL_MAX characters from 0x21 to 0x7e): 0, or -1 when the line is
 * not of the form. Numbers are digits only, within the limits above. */
int pop3_parse_stat(const char *text, uint32_t *count, uint64_t *octets);
int pop3_parse_scan_line(const char *line, uint32_t *num, uint64_t *size);
int pop3_parse_uidl_line(const char *line, uint32_t *num, const char **uidl, size_t *len);

/* Undoing dot-stuffing over a stream of chunks (RFC 1939 3). */
struct pop3_unstuff {
	int state;
};
/* Appends the message bytes of in[0..n) to out and returns how much of in
 * was used: all of it, or up to and including the final "." line, when
 * *done is set. Line ends are kept as they came. */
size_t pop3_unstuff(struct pop3_unstuff *u, const char *in, size_t n, struct buf *out,
		    bool *done);

/* A server without UIDL: an id from the message's Message-ID, Date, From,
 * Subject and size, "digest:" and 40 hex digits. Headers servers rewrite
 * between sessions (Status:, X-UIDL:) do not count. */
#define POP3_DIGEST_PREFIX "digest:"
#define POP3_DIGEST_ID_LEN (sizeof POP3_DIGEST_PREFIX + 40)
void pop3_digest_id(const char *msg, size_t len, uint64_t size, char out[POP3_DIGEST_ID_LEN]);

#endif
