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
	struct buf caps;                /* " NAME NAME ... " with the SASL list as SASL:MECH */
	struct buf caps_line;           /* the names for people: "NAME NAME" */
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

#endif
