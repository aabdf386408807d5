/* Inside the smtp module: the session's libetpan handle and shared helpers. */
#ifndef POSTIE_SMTP_PRIVATE_H
#define POSTIE_SMTP_PRIVATE_H

#include <libetpan/libetpan.h>

#include "net/net.h"
#include "smtp/smtp.h"
#include "util/buf.h"

struct smtp_session {
	mailsmtp *smtp;                 /* owns the stream, which owns conn */
	struct net_conn *conn;
	struct net_ctx *ctx;
	struct net_endpoint ep;
	char *login_method;
	bool broken;
	struct buf ehlo;                /* the EHLO reply's lines after the first, "\n"-separated */
	struct buf ehlo_line;           /* the same on one line, for smtp_session_extensions */
};

static inline mailsmtp *smtp_session_etpan(struct smtp_session *s)
{
	return s->smtp;
}

/* As imap_error() (imap-private.h), for mailsmtp results; the server's code
 * decides between ERR_SERVER_TEMP (4xx) and ERR_SERVER_PERM (5xx). */
int smtp_error(struct smtp_session *s, int r, const char *what, struct err *err);
/* Whether the EHLO reply's AUTH line lists mech. */
bool smtp_has_auth(const struct smtp_session *s, const char *mech);
int smtp_login(struct smtp_session *s, struct err *err);

/* Reads one reply (reply.c): *code and its text, the lines of a multi-line
 * reply joined with blanks. A garbled reply is ERR_PROTOCOL; 421 and read
 * failures mark the session broken. what names the step ("sending the
 * message to"). */
int smtp_read_reply(struct smtp_session *s, int *code, struct buf *text, const char *what,
		    struct err *err);
/* The error for a reply the server refused: ERR_SERVER_TEMP for 4xx, else
 * ERR_SERVER_PERM, "WHAT HOST: the server said: CODE TEXT". Returns -1. */
int smtp_reply_error(struct smtp_session *s, int code, const char *said, const char *what,
		     struct err *err);

#endif
