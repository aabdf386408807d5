/* IMAP: a logged-in session with an account's IMAP server.
 *
 * imap_session_open() connects through src/net (implicit TLS, or STARTTLS
 * when the account says tls = starttls: a server that does not offer it is
 * refused, never used in plain text), reads the capabilities again after
 * every upgrade and after login, and authenticates:
 *   - with oauth_token_command: OAUTHBEARER, else XOAUTH2 (as offered);
 *   - else AUTHENTICATE PLAIN when offered, else the LOGIN command (unless
 *     the server says LOGINDISABLED);
 *   - `auth` in the account file forces one: plain, login (the LOGIN
 *     command; also spelt user), xoauth2 or oauthbearer; apop (POP3 only)
 *     leaves IMAP to the default.
 * A PREAUTH greeting is accepted on implicit TLS or tls = none and refused
 * with STARTTLS (it would keep the session unencrypted).
 *
 * A wrong password gives ERR_AUTH "login failed for USER at HOST: <the
 * server's words>". Other failures name the server and what it said.
 *
 * A session belongs to one thread at a time; the cancel handle given to
 * open may be fired from any thread and makes the blocked call return
 * ERR_CANCELLED. After a cancel, a timeout or a protocol error the session
 * is broken (imap_session_broken()): close it and open a new one.
 * Higher-level IMAP code (folders, sync) lives in this module too and reaches
 * libetpan through imap-private.h. */
#ifndef POSTIE_IMAP_IMAP_H
#define POSTIE_IMAP_IMAP_H

#include <stdbool.h>

struct account_conf;
struct err;
struct net_cancel;
struct net_conn;
struct net_ctx;

struct imap_session;

/* Connects and logs in to the account's IMAP server. cancel may be NULL.
 * On success *out is a new session the caller closes with
 * imap_session_close(). */
int imap_session_open(const struct account_conf *a, struct net_ctx *net,
		      struct net_cancel *cancel, struct imap_session **out, struct err *err);
/* Logs out (politely, bounded by the timeout; skipped on a broken session)
 * and frees the session. NULL is fine. */
void imap_session_close(struct imap_session **s);
/* Frees the session without logging out (after a failure). */
void imap_session_free(struct imap_session **s);

/* A round trip that changes nothing (NOOP), e.g. to check the connection. */
int imap_session_noop(struct imap_session *s, struct err *err);

bool imap_session_has_capability(const struct imap_session *s, const char *name);
/* The capabilities as one line ("IMAP4rev1 IDLE ..."); owned by the session,
 * valid until the next command. */
const char *imap_session_capabilities(struct imap_session *s);
/* How the session logged in: "AUTHENTICATE PLAIN", "LOGIN", "PREAUTH". */
const char *imap_session_login_method(const struct imap_session *s);
/* The connection, for its TLS details and trace id (net.h). */
const struct net_conn *imap_session_conn(const struct imap_session *s);
/* Whether the session is out of sync and must be reopened. */
bool imap_session_broken(const struct imap_session *s);

/* ---- Folder names ---- */

/* A folder name from the server (modified UTF-7) as UTF-8 (new string).
 * Names that are not valid modified UTF-7 are taken as UTF-8 when they are
 * (some servers send that), else made valid with U+FFFD. */
char *imap_mutf7_decode(const char *name);
/* A UTF-8 folder name in modified UTF-7 (new string), or NULL when it is not
 * valid UTF-8. */
char *imap_mutf7_encode(const char *utf8);

/* ---- The sync driver ---- */

struct driver;
/* Makes d (whose fields but ops and priv are set) an IMAP driver
 * (core/driver.h). Folders, flags, bodies and the journal go both ways as
 * described there; see sync.c for how a folder is brought in line. What the
 * IMAP driver adds to the contract:
 *   - sync_folders() keeps every folder of the server in the store (lists
 *     leave out unsubscribed ones with subscribed_only: store_folder_listed())
 *     and asks every listed folder but the selected one for its STATUS:
 *     those synced before are synced again when it changed (the periodic
 *     check of folders other than the open one); those never synced wait for
 *     a sync_folder(), their STATUS counts kept for the folder list;
 *   - sync_folder() replays the journal first when it holds anything, so what
 *     the user did offline reaches the server before the server's state
 *     comes back;
 *   - new_mail() is raised for unseen mail that arrived since the folder's
 *     last sync, not for a folder's first sync;
 *   - wait_changes() on a folder that is not the selected one syncs it first;
 *   - every call connects when there is no session (so a failed call can be
 *     retried at once), and a call that fails on the connection leaves the
 *     driver disconnected (connected() false) and ready for connect(). */
int imap_driver_new(struct driver *d, struct err *err);

#endif
