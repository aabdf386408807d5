/* POP3: a logged-in session with an account's POP3 server.
 *
 * pop3_session_open() connects through src/net (implicit TLS, or STLS when
 * the account says tls = starttls: a server that does not offer it is
 * refused), reads CAPA again after the upgrade, and logs in:
 *   - with oauth_token_command: SASL OAUTHBEARER, else XOAUTH2 (as offered);
 *   - else SASL PLAIN when CAPA lists it, else USER/PASS, else APOP when
 *     the greeting carries a timestamp;
 *   - `auth` in the account file forces one: plain, login or user (both
 *     USER/PASS), apop, xoauth2 or oauthbearer.
 * A wrong password gives ERR_AUTH "login failed for USER at HOST: <the
 * server's words>".
 *
 * Deletions are committed only by a successful QUIT: pop3_session_quit()
 * checks the server's answer (libetpan's own QUIT ignores it).
 * Threads, cancellation and broken sessions work as in imap/imap.h. */
#ifndef POSTIE_POP3_POP3_H
#define POSTIE_POP3_POP3_H

#include <stdbool.h>
#include <stddef.h>

struct account_conf;
struct err;
struct net_cancel;
struct net_conn;
struct net_ctx;

struct pop3_session;

int pop3_session_open(const struct account_conf *a, struct net_ctx *net,
		      struct net_cancel *cancel, struct pop3_session **out, struct err *err);
/* Sends QUIT and checks the reply: 0 only when the server answered +OK, so
 * the deletions marked in this session are done. The session is freed either
 * way. */
int pop3_session_quit(struct pop3_session **s, struct err *err);
/* QUIT without checking (nothing was deleted), then free. NULL is fine. */
void pop3_session_close(struct pop3_session **s);
/* Frees the session without QUIT: marked deletions are not committed. */
void pop3_session_free(struct pop3_session **s);

/* STAT: the number of messages and their total size. */
int pop3_session_stat(struct pop3_session *s, unsigned *count, size_t *size, struct err *err);
int pop3_session_noop(struct pop3_session *s, struct err *err);

/* Whether CAPA listed name (e.g. "UIDL", "TOP"). */
bool pop3_session_has_capability(const struct pop3_session *s, const char *name);
/* The CAPA names as one line; "" when the server has no CAPA. */
const char *pop3_session_capabilities(const struct pop3_session *s);
/* "SASL PLAIN", "USER/PASS", "APOP". */
const char *pop3_session_login_method(const struct pop3_session *s);
const struct net_conn *pop3_session_conn(const struct pop3_session *s);
bool pop3_session_broken(const struct pop3_session *s);

#endif
