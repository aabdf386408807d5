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

#endif
