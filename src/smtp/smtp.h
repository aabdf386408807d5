/* SMTP submission: a logged-in session with an account's SMTP server.
 *
 * smtp_session_open() connects through src/net to smtp_host:smtp_port
 * (implicit TLS, usually 465, or STARTTLS, usually 587: a server that does
 * not offer STARTTLS is refused), says EHLO (again after STARTTLS, since what
 * came before TLS may have been forged) and logs in:
 *   - with oauth_token_command: OAUTHBEARER, else XOAUTH2 (as offered);
 *   - else AUTH PLAIN when offered, else AUTH LOGIN;
 *   - `auth` in the account file forces one: plain, login (also spelt user),
 *     xoauth2 or oauthbearer; apop (POP3 only) leaves SMTP to the default.
 * The login uses smtp_user and smtp_password_command when set, else the
 * account's user and password source. A wrong password gives ERR_AUTH "login
 * failed for USER at HOST: <the server's words>".
 * Threads, cancellation and broken sessions work as in imap/imap.h. */
#ifndef POSTIE_SMTP_SMTP_H
#define POSTIE_SMTP_SMTP_H

#include <stdbool.h>
#include <stddef.h>

struct account_conf;
struct err;
struct net_cancel;
struct net_conn;
struct net_ctx;

struct smtp_session;

int smtp_session_open(const struct account_conf *a, struct net_ctx *net,
		      struct net_cancel *cancel, struct smtp_session **out, struct err *err);
/* QUIT (skipped on a broken session), then free. NULL is fine. */
void smtp_session_close(struct smtp_session **s);
void smtp_session_free(struct smtp_session **s);

int smtp_session_noop(struct smtp_session *s, struct err *err);

/* Whether the EHLO reply lists keyword (e.g. "PIPELINING", "SIZE"). */
bool smtp_session_has_extension(const struct smtp_session *s, const char *keyword);
/* The EHLO keywords as one line ("PIPELINING SIZE 10240000 AUTH PLAIN ..."). */
const char *smtp_session_extensions(const struct smtp_session *s);
/* The largest message the server takes (SIZE), 0 if it did not say. */
size_t smtp_session_max_size(const struct smtp_session *s);
/* "AUTH PLAIN", "AUTH LOGIN", ... */
const char *smtp_session_login_method(const struct smtp_session *s);
const struct net_conn *smtp_session_conn(const struct smtp_session *s);
bool smtp_session_broken(const struct smtp_session *s);

/* ---- Submitting a message (submit.c) ----------------------------------- */

enum smtp_rcpt_status {
	SMTP_RCPT_UNTRIED,      /* the transaction ended before this recipient */
	SMTP_RCPT_ACCEPTED,     /* the server took the message for it */
	SMTP_RCPT_TEMPFAIL,     /* 4xx: try again later */
	SMTP_RCPT_REJECTED,     /* 5xx: the server will not take it */
};

struct smtp_rcpt_result {
	enum smtp_rcpt_status status;
	int code;               /* the server's reply code; 0 when untried */
	char *text;             /* the server's words, owned; NULL when untried */
};

struct smtp_submission {
	const char *from;               /* envelope sender; "" for the null sender */
	const char *const *rcpts;       /* envelope recipients (n_rcpts > 0) */
	size_t n_rcpts;
	const char *msg;                /* the message: 7-bit, CRLF line ends */
	size_t len;
	/* Called when every byte but the final "." has gone out (after RCPT and
	 * DATA succeeded), with the recipients' results so far: the last moment
	 * at which the server cannot have taken the message yet. The outbox
	 * records "sending" here. Returning -1 (with err) abandons the
	 * transaction: the connection is dropped, so the server discards the
	 * message. NULL: no hook. */
	int (*commit)(void *aux, const struct smtp_rcpt_result *results, struct err *err);
	void *aux;
};

/* An address that is safe in MAIL FROM/RCPT TO: printable ASCII without
 * blanks, '<', '>', at most 254 bytes, local@domain (or "" for the null
 * sender when null_ok). ERR_INPUT names the problem. */
int smtp_check_address(const char *addr, bool null_ok, struct err *err);

/* One mail transaction on a logged-in session: checks the size against the
 * server's SIZE limit (ERR_SERVER_PERM, nothing sent), MAIL FROM (with SIZE=
 * when offered), RCPT TO for each recipient, DATA with dot-stuffing, the
 * commit hook, the final "." and its reply. results (n_rcpts entries,
 * zeroed by the caller; release with smtp_rcpt_results_release) say what
 * became of each recipient, as far as the transaction came.
 *
 * Returns 0 when the server took the message for at least one recipient
 * (the others are TEMPFAIL or REJECTED in results). Returns -1 otherwise:
 * ERR_SERVER_PERM when the server refused the sender, the message or every
 * recipient (a 5xx), ERR_SERVER_TEMP for a 4xx (also when every recipient
 * failed and one of them only for now), ERR_INPUT for an unsafe address,
 * ERR_NET/ERR_TIMEOUT/ERR_CANCELLED/... when the connection failed. After a
 * refusal the transaction is reset (RSET), so the session can send the next
 * message unless smtp_session_broken() says otherwise. On -1 no recipient is
 * ACCEPTED in results (those accepted by RCPT take the refusal's code, or
 * become UNTRIED when the connection failed), except in one case: the
 * connection failed after the commit hook ran, so the server may or may not
 * have the message; results then show the recipients as RCPT left them. */
int smtp_submit(struct smtp_session *s, const struct smtp_submission *sub,
		struct smtp_rcpt_result *results, struct err *err);
void smtp_rcpt_results_release(struct smtp_rcpt_result *results, size_t n);

#endif
