/* Inside the pop3 module: the session's libetpan handle and shared helpers. */
#ifndef POSTIE_POP3_PRIVATE_H
#define POSTIE_POP3_PRIVATE_H

#include <libetpan/libetpan.h>

#include "net/net.h"
#include "pop3/pop3.h"
#include "util/buf.h"

/* libetpan's internal state after a successful login (mailpop3.c's
 * POP3_STATE_TRANSACTION); set by hand after a SASL login it did not see. */
#define POP3_STATE_TRANSACTION 2

struct pop3_session {
	mailpop3 *pop3;                 /* owns the stream, which owns conn */
	struct net_conn *conn;
	struct net_ctx *ctx;
	struct net_endpoint ep;
	char *login_method;
	bool broken;
	bool has_capa;                  /* the server answered CAPA */
	bool pipelining;                /* CAPA lists PIPELINING */
	struct buf caps;                /* " NAME NAME ... " with the SASL list as SASL:MECH */
	struct buf caps_line;           /* the names for people: "NAME NAME" */
	/* Bytes read ahead by proto.c, which does every command after login. */
	char *in;
	size_t in_start, in_end;
};

static inline mailpop3 *pop3_session_etpan(struct pop3_session *s)
{
	return s->pop3;
}

/* As imap_error() (imap-private.h), for mailpop3 results. */
int pop3_error(struct pop3_session *s, int r, const char *what, struct err *err);
/* Reads CAPA again (after STLS and login). */
int pop3_refresh_capabilities(struct pop3_session *s, struct err *err);
/* Whether CAPA's SASL line lists mech. */
bool pop3_has_sasl(const struct pop3_session *s, const char *mech);
int pop3_login(struct pop3_session *s, struct err *err);

/* ---- proto.c: the POP3 client of every command after login ----
 *
 * libetpan's mailpop3_* are not used once logged in (libs-brief §2: LIST
 * entry 0 crashes it, QUIT's -ERR passes as success, LIST sends UIDL behind
 * the caller's back and keeps both lists): postie reads the stream itself,
 * bounds every line and checks every reply. */

#define POP3_LINE_MAX 8192              /* a reply or listing line with its line end */
#define POP3_IN_SIZE (64 * 1024)        /* read-ahead */
/* The largest message postie downloads: as large as an IMAP body may be
 * (net/net-private.h), so that a server sending without end costs bounded
 * memory. */
#define POP3_MESSAGE_MAX (64u << 20)

/* Writes one command line; with flush also sends it (and any written
 * before): pipelining writes several, then flushes. */
int pop3_write_cmd(struct pop3_session *s, bool flush, const char *what, struct err *err,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Reads a status line: 1 for +OK, 0 for -ERR, with the rest of the line
 * in text (may be NULL). Anything else is ERR_PROTOCOL quoting the line; what
 * names the step ("listing the messages on"). */
int pop3_read_status(struct pop3_session *s, const char *what, struct buf *text,
		     struct err *err);
/* A command and its status line: 1, 0 (-ERR, with err set to the server's
 * words as ERR_SERVER_PERM) or -1. */
int pop3_simple(struct pop3_session *s, const char *what, struct buf *text, struct err *err,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The next line of a multi-line reply, without its line end and with a
 * leading dot removed: 1, or 0 at the final ".". */
int pop3_read_list_line(struct pop3_session *s, const char *what, struct buf *line,
			struct err *err);
/* The rest of a multi-line reply (RETR, TOP) appended to out as received,
 * dot-stuffing undone; more than max bytes is ERR_PROTOCOL. */
int pop3_read_body(struct pop3_session *s, const char *what, size_t max, struct buf *out,
		   struct err *err);
/* Marks the session broken and fills err with why the connection failed. */
int pop3_conn_failed(struct pop3_session *s, const char *what, struct err *err);

#endif
