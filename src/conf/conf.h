/* Configuration: the global postie.conf and one file per account.
 *
 * Layout under the config dir (see util/paths.h):
 *   postie.conf            global settings (optional)
 *   accounts/NAME.conf     one account each; NAME is what -a takes
 * Each file is `key = value` lines. A line whose first non-blank character is
 * '#' is a comment; so is the rest of an unquoted value from a blank followed
 * by '#'. A value in double quotes keeps blanks and '#', with \" and \\ as
 * escapes.
 *
 * conf_load() reads every file and reports every problem it finds, each as a
 * diagnostic "FILE:LINE: message", instead of stopping at the first; the
 * configuration is usable only when it reports none.
 *
 * Ownership: a struct conf owns every string and account in it; conf_free()
 * releases all of it. Strings that were not set are NULL. */
#ifndef POSTIE_CONF_CONF_H
#define POSTIE_CONF_CONF_H

#include <stdbool.h>
#include <stddef.h>

struct err;

enum conf_protocol { PROTO_IMAP, PROTO_POP3 };
enum conf_tls { TLS_IMPLICIT, TLS_STARTTLS, TLS_NONE };
enum conf_sync_bodies { SYNC_BODIES_NONE, SYNC_BODIES_RECENT, SYNC_BODIES_ALL };
/* What deleting a message does (key delete_policy). */
enum conf_delete_policy {
	DELETE_TRASH,           /* move it to the Trash folder; flag it in the Trash itself
				 * or when the account has none */
	DELETE_FLAG,            /* set \Deleted; it goes at the next expunge (mutt without $trash) */
};

struct account_conf {
	char *account;          /* the file name without .conf */
	char *path;             /* the file it came from */

	enum conf_protocol protocol;
	char *host;
	int port;               /* 0 in the file means: from protocol and tls */
	enum conf_tls tls;
	char *user;
	char *password_command;
	char *password;         /* discouraged; only from a file nobody else can read */
	char *oauth_token_command;
	char *auth;             /* preferred mechanism, NULL: best the server offers;
				 * plain, login, user, apop, xoauth2 or oauthbearer */
	char *ca_file;
	char *tls_pin;          /* "sha256:BASE64" of the server's public key */
	bool allow_plaintext_password;
	int timeout;            /* seconds, connect and each read */
	/* IMAP: seconds one IDLE lasts before postie ends it and starts another
	 * (RFC 2177 asks for under 29 minutes). The end waits for the server's
	 * answer within timeout, which is how a connection that died silently
	 * (a suspended laptop, a NAT that forgot it) is noticed. Default 600. */
	int idle_interval;

	char *real_name;        /* key `name` */
	char *address;

	char *smtp_host;
	int smtp_port;
	enum conf_tls smtp_tls;
	char *smtp_user;              /* defaults to user */
	char *smtp_password_command;  /* defaults to password_command */

	/* Sending (core/compose.h, core/outbox.h). */
	char *alternates;       /* more addresses that are the user's, blank- or
				 * comma-separated; shell patterns allowed (*@example.org) */
	char *signature_file;   /* appended to new messages, replies and forwards */
	bool save_sent;         /* keep a copy of sent mail in the Sent folder (default yes) */
	/* Mail kept on this machine (IMAP), sync_bodies = none | recent DAYS | all:
	 * bodies fetched ahead by a sync, for reading offline (opened ones are
	 * always kept). sync_bodies_days is DAYS for recent. Default none. */
	enum conf_sync_bodies sync_bodies;
	int sync_bodies_days;
	char *sync_bodies_text; /* the value as written; parsed into the two above */

	/* Special folders by name, overriding what the server's SPECIAL-USE (or
	 * XLIST) attributes say, like mutt's $record, $postponed and $trash.
	 * UTF-8 names, as postie folders shows them. */
	char *sent_folder;
	char *drafts_folder;
	char *trash_folder;
	char *junk_folder;
	char *archive_folder;
	/* Show (and sync) only subscribed folders, plus INBOX (default yes, like
	 * mutt's imap_list_subscribed); no shows every folder the server lists. */
	bool subscribed_only;
	/* delete_policy = trash | flag: what deleting a message does (default
	 * trash). See enum conf_delete_policy. */
	enum conf_delete_policy delete_policy;

	/* POP3 (see pop3/pop3.h); conf_load refuses them for IMAP accounts. */
	bool leave_on_server;         /* keep downloaded messages on the server */
	int delete_after_days;        /* with leave_on_server: DELE N days after download; 0 never */
	bool delete_on_server_when_deleted; /* deleting the local copy deletes the server's */

	/* Filled by conf_load after parsing: whether a key was given. */
	bool set_port, set_tls, set_smtp_port, set_smtp_tls, set_subscribed_only;
};

/* A key that may be given on many lines (bind, color): each value with the
 * file and line it came from, so that a later check can name them. */
struct conf_line {
	char *value;
	char *file;
	unsigned line;
};

struct conf_lines {
	struct conf_line *v;
	size_t n, cap;
};

/* The sort orders of the message list (key `sort`). */
enum conf_sort { SORT_THREADS, SORT_DATE, SORT_FROM, SORT_SUBJECT, SORT_SIZE };
/* Where the cursor starts in a folder (key `cursor_start`). */
enum conf_cursor_start { CURSOR_NEWEST, CURSOR_OLDEST, CURSOR_FIRST_UNREAD };

struct global_conf {
	char *trace_file;       /* protocol trace, passwords redacted */
	char *log_file;
	char *default_account;

	/* Reading mail (msg/msg.h): postie show and the pager. */
	char *show_headers;     /* header display list, names separated by commas or blanks */
	bool prefer_html;       /* multipart/alternative: the HTML part over text/plain */
	bool html_mailcap;      /* HTML through a mailcap copiousoutput entry (default yes) */
	char *mailcap_path;     /* colon-separated mailcap files; NULL: $MAILCAPS or the usual */
	bool set_html_mailcap;

	/* Composing (core/compose.h). */
	bool edit_headers;      /* the editor shows From, To, Cc, ... above the body */
	char *attribution;      /* the line before a quote; NULL: "On %d, %n wrote:" */
	/* The full-screen interface (ui/tui). bind and color lines are checked
	 * by core/uiconf.h, which knows the commands and screen elements. */
	struct conf_lines bind;         /* "CONTEXT[,CONTEXT] KEY COMMAND" */
	struct conf_lines color;        /* "ELEMENT FOREGROUND [BACKGROUND] [ATTRIBUTE...]" */
	char *index_format;             /* format of a line of the message list */
	char *date_format;              /* strftime format; NULL: a short date that depends on age */
	enum conf_sort sort;
	bool sort_reverse;
	bool collapse_threads;          /* threads start collapsed */
	bool ascii_tree;                /* draw the thread tree with ASCII characters */
	enum conf_cursor_start cursor_start;
	int sidebar_width;              /* columns; 0: the default */
	bool sidebar_hidden;
	char *editor;                   /* NULL: $VISUAL, $EDITOR, vi */
	char *aliases_file;             /* mutt-style `alias NAME ADDRESS` lines */
	char *query_command;            /* address lookup, %s the query (like mutt's) */
	char *new_mail_command;         /* run when new mail arrives: %n the count, %a the account, */
					/* %f the folder (also $POSTIE_NEW, _ACCOUNT, _FOLDER) */
	bool bell;                      /* ring the terminal bell on new mail */
	int check_interval;             /* seconds between checks of other folders; 0: default */
};

struct conf {
	char *dir;              /* the config dir it was read from */
	struct global_conf global;
	unsigned *global_lines; /* per global key (conf_global_key_names order): its line, 0 */
	struct account_conf *accounts;  /* sorted by name */
	size_t n_accounts;
};

/* One problem found while loading. line is 0 when it concerns a whole file. */
struct conf_diag {
	char *file;
	unsigned line;
	char *msg;
};

struct conf_diags {
	struct conf_diag *v;
	size_t n, cap;
};

/* Reads the configuration under dir into a new struct conf (*conf_r, freed
 * with conf_free) and appends every problem to diags. Returns 0 when there was
 * no problem, -1 when there was at least one (*conf_r is still set then, with
 * what could be read). A missing dir or an empty accounts dir is not a
 * problem here: commands that need an account say so themselves. */
int conf_load(const char *dir, struct conf **conf_r, struct conf_diags *diags);
void conf_free(struct conf **conf);

/* The line of postie.conf that set the global key name, 0 when none did. */
unsigned conf_global_line(const struct conf *conf, const char *name);

/* The account called name, or NULL. */
const struct account_conf *conf_find_account(const struct conf *conf, const char *name);
/* The account a command works on: the one named (error if unknown), else
 * default_account, else the only/first one (error if there is none). */
const struct account_conf *conf_pick_account(const struct conf *conf, const char *name,
					     struct err *err);

/* Port the account uses for its mail protocol and for SMTP, with defaults
 * applied (993/143, 995/110, 465/587). */
int account_port(const struct account_conf *a);
int account_smtp_port(const struct account_conf *a);
const char *account_smtp_user(const struct account_conf *a);
const char *account_smtp_password_command(const struct account_conf *a);

const char *conf_protocol_name(enum conf_protocol p);
const char *conf_tls_name(enum conf_tls t);

void conf_diags_add(struct conf_diags *d, const char *file, unsigned line,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void conf_diags_release(struct conf_diags *d);

/* Appends a copy of value (and of file, which may be NULL) to l. */
void conf_lines_add(struct conf_lines *l, const char *value, const char *file, unsigned line);
void conf_lines_release(struct conf_lines *l);

/* The names of every key an account file or postie.conf accepts, NULL-ended,
 * for documentation checks and completion. */
const char *const *conf_account_key_names(void);
const char *const *conf_global_key_names(void);

#endif
