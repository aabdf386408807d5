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
#include <stdint.h>

struct account_conf;
struct driver;
struct err;
struct net_cancel;
struct net_conn;
struct net_ctx;
struct store_acct;

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

/* ---- The sync driver (core/driver.h) ----
 *
 * Download and delete (download.c has the details): each sync_folder of the
 * INBOX is one session: STAT, LIST and UIDL, every line checked; RETR of each
 * message the store lacks, stored with its UIDL in batches committed to disk
 * (STORE_SYNC) before any DELE; DELE of what is due; QUIT, whose answer is
 * checked. The store keeps every message exactly as received, dot-stuffing
 * undone (CRLF line ends, as POP3 sends them). What is due:
 *   - leave_on_server = no (default): every message once it is stored;
 *   - leave_on_server = yes: none, except those downloaded delete_after_days
 *     ago or more (when set), and those whose local copy the user deleted
 *     with delete_on_server_when_deleted = yes (journalled by core/ops.c as
 *     OP_EXPUNGE with the UIDLs in kw_del; replay_journal() deletes them).
 * Downloaded messages are remembered by UIDL (store_pop3_*) until the server
 * no longer lists them, so moving or deleting the local copy never brings a
 * message back. Servers without UIDL: by a digest of Message-ID, Date, From,
 * Subject and size (TOP n 0, or the message itself without TOP); a notice
 * says so. A session lasts one pass: connected() is false after a sync.
 * wait_changes() sleeps on wake_fd and then syncs the INBOX. folder_op()
 * works on the store alone (the folders exist nowhere else): the INBOX and
 * the special folders stay, and a folder is deleted only when empty. */

/* Makes d (whose fields but ops and priv are set) a POP3 driver, creating
 * the local folders INBOX, Sent, Drafts and Trash when missing. */
int pop3_driver_new(struct driver *d, struct err *err);
/* Creates INBOX, Sent, Drafts and Trash (with their roles) when missing;
 * *inbox_r (may be NULL) gets the INBOX's id. */
int pop3_local_folders_ensure(struct store_acct *store, uint32_t *inbox_r, struct err *err);

#endif
