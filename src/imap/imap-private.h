/* Inside the imap module: the session's libetpan handle and the error
 * mapping every IMAP command shares. */
#ifndef POSTIE_IMAP_PRIVATE_H
#define POSTIE_IMAP_PRIVATE_H

#include <libetpan/libetpan.h>

#include "imap/imap.h"
#include "net/net.h"
#include "util/buf.h"

struct imap_session {
	mailimap *imap;                 /* owns the stream, which owns conn */
	struct net_conn *conn;
	struct net_ctx *ctx;
	struct net_endpoint ep;         /* strings borrowed from the account */
	char *login_method;
	bool broken;
	char tag[16];                   /* of the command sent by hand (AUTHENTICATE) */
	struct buf caps;                /* for imap_session_capabilities() */
};

/* The libetpan session, for the module's other files. */
static inline mailimap *imap_session_etpan(struct imap_session *s)
{
	return s->imap;
}

/* Turns the result r of a libetpan call into an error naming the server
 * and what it said; what names the command ("selecting INBOX"). Marks the
 * session broken when the stream is out of sync (I/O, parse error, BYE,
 * BAD). Returns -1 (0 for MAILIMAP_NO_ERROR*). */
int imap_error(struct imap_session *s, int r, const char *what, struct err *err);

/* Logs in on a connected session (auth.c). */
int imap_login(struct imap_session *s, struct err *err);
/* Reads the capabilities again (after STARTTLS and login). */
int imap_refresh_capabilities(struct imap_session *s, struct err *err);

#endif
