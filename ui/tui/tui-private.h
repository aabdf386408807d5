/* Inside the full-screen interface: the state every screen shares.
 *
 * One thread (this one) owns curses, the models and this struct. The
 * account workers reach it only through the manager's inbox, which the loop
 * polls beside the keyboard; nothing here waits for the network. */
#ifndef POSTIE_UI_TUI_PRIVATE_H
#define POSTIE_UI_TUI_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/commands.h"
#include "core/msglist.h"
#include "core/proto.h"
#include "core/uiconf.h"
#include "store/store.h"
#include "util/buf.h"

struct cli;
struct conf;
struct index_format;
struct manager;
struct msg;
struct msg_mailcap;
struct msg_view;
struct pattern;

/* What one account looks like in the sidebar. */
struct acct_view {
	enum acct_state state;
	char *state_text;
	store_folders folders;
	bool folders_known;
};

enum tui_screen { SCR_INDEX, SCR_PAGER, SCR_HELP, SCR_ATTACH, SCR_OUTBOX, SCR_COMPOSE };

/* What a submitted request is for, so its reply can be handled. */
enum pend_kind {
	PEND_LOAD_INDEX, PEND_OPEN_FOLDER, PEND_BODY, PEND_OP, PEND_DELETE, PEND_EXPUNGE,
	PEND_SEARCH, PEND_SYNC, PEND_OUTBOX, PEND_COMPOSE, PEND_COMPOSE_DONE, PEND_FOLDER_OP,
	PEND_OTHER,
};

struct pend {
	uint64_t id;
	size_t account;
	enum pend_kind kind;
	uint32_t folder;
	uint32_t *uids;         /* PEND_DELETE, PEND_EXPUNGE: the messages */
	size_t n;
	int search_dir;         /* PEND_SEARCH: 0 limit, +1/-1 search, 2 tag, 3 untag;
				 * PEND_COMPOSE: the command; PEND_COMPOSE_DONE: the kind */
	char *what;             /* shown while it runs ("Fetching the message") */
	char *name;             /* PEND_FOLDER_OP: the folder (its new name for a rename) */
	struct timespec started;
	bool silent;            /* no progress display, no "done" message */
	uint32_t cursor_uid;    /* PEND_LOAD_INDEX: where the newest part put the cursor */
};

struct prompt;

/* The pager's message. */
struct pager {
	bool open;
	bool waiting;           /* the body is on its way */
	size_t account;
	uint32_t folder, uid;
	uint64_t req;
	struct msg *msg;
	struct msg_view *view;
	unsigned view_width;
	bool all_headers, raw;
	struct buf raw_text;    /* the raw view, sanitized, lines split */
	size_t *raw_lines;      /* offsets of the raw view's lines */
	size_t n_raw_lines;
	size_t top;             /* first line shown */
	char *search;           /* the last search in the message */
	size_t attach_cursor, attach_top;
};

struct tui {
	struct cli *cli;
	struct conf *conf;
	struct manager *mgr;
	struct keymap *km;
	struct ui_theme theme;
	struct index_format *fmt;
	struct msg_mailcap *mailcap;
	bool colors;            /* the terminal has colours */
	int rows, cols;

	struct acct_view *accts;
	size_t n_accts;
	size_t cur_acct;        /* the account of the index */
	char *want_folder;      /* open this folder of cur_acct when it appears */
	struct msglist ml;
	uint64_t index_req;     /* the latest REQ_LOAD_INDEX of the shown folder */
	bool index_loading;

	/* sidebar */
	bool sidebar;
	int sidebar_width;
	size_t sb_cursor;       /* the highlighted line of the sidebar */

	enum tui_screen screen;
	enum tui_screen prev_screen;  /* where help and the outbox return to */
	struct pager pager;
	size_t help_top;
	enum cmd_ctx help_ctx;

	/* the bottom line */
	char *message;
	bool message_error;
	struct timespec message_until;
	char *progress;         /* the latest progress text */
	size_t progress_acct;
	struct timespec progress_at;

	struct pend *pends;
	size_t n_pends, cap_pends;

	struct prompt *prompt;  /* a prompt is open: keys go to it */
	/* questions from workers, answered one at a time */
	struct event **questions;
	size_t n_questions;

	/* search and limit */
	char *last_search;
	int last_search_dir;
	bool tag_prefix;        /* ';' was pressed: the next command is for the tagged */

	/* outbox view */
	store_outbox_entries outbox;
	size_t outbox_cursor;

	bool quit;
	bool redraw_all;
	bool suspended;         /* stopped by Ctrl-Z and not yet back in the foreground */
	struct timespec last_rebuild;   /* when the last rebuild ended */
	long rebuild_ms;        /* the work the last rebuild took, all its slices */
	long rebuild_work_ms;   /* the work of the rebuild under way so far */
	uint32_t pending_key;   /* an Esc waiting for its second key */
};

/* ---- tui.c ---- */
void tui_message(struct tui *t, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct pend *tui_pend(struct tui *t, uint64_t id, size_t account, enum pend_kind kind,
		      const char *what);
/* Submits r to the account; returns its id. */
uint64_t tui_submit(struct tui *t, size_t account, struct request *r);
struct account *tui_account(const struct tui *t, size_t i);
/* Suspends curses around a command that needs the terminal (editor, viewer). */
int tui_run_foreground(struct tui *t, const char *cmd);
void tui_suspend(struct tui *t);
void tui_resume(struct tui *t);

/* ---- signals.c ---- */
enum { TUI_SIG_QUIT = 1, TUI_SIG_STOP = 2, TUI_SIG_CONT = 4 };
/* Handlers for SIGINT, SIGTERM, SIGHUP (quit), SIGTSTP (stop), SIGCONT,
 * which write to the pipe of tui_signals_fd(), and for crash signals. */
void tui_signals_install(void);
int tui_signals_fd(void);
/* What came since the last call: TUI_SIG_* bits. */
unsigned tui_signals_take(void);
/* Whether curses has the terminal (a crash then gives it back). */
void tui_signals_curses(bool on);
bool tui_signals_curses_on(void);
/* Stops the process as a plain SIGTSTP would; returns once continued. */
void tui_signals_stop_self(void);
/* on: Ctrl-Z stops postie at once, with the program it runs in the
 * terminal (an editor), as one job; off: through the loop again. */
void tui_signals_job_stop(bool on);

/* ---- events.c ---- */
void tui_apply_event(struct tui *t, struct event *ev);
void tui_open_folder(struct tui *t, size_t account, uint32_t folder);
const struct store_folder *tui_folder(const struct tui *t, size_t account, uint32_t id);
const struct store_folder *tui_folder_named(const struct tui *t, size_t account,
					    const char *name);
/* The selectable folders of an account starting with word (any case), for a
 * prompt's completion: a NULL-terminated array of new strings. */
char **tui_folder_completions(const struct tui *t, size_t account, const char *word);

/* ---- draw.c ---- */
void draw_init_colors(struct tui *t);
void draw_set(struct tui *t, enum ui_element e);
/* Puts UTF-8 text at (y, x) in at most width columns; pads with blanks to
 * width when pad. Returns the columns written. */
int draw_text(struct tui *t, int y, int x, const char *s, size_t len, int width, bool pad);
void draw_fill(struct tui *t, int y, int x, int width, enum ui_element e);
void draw_screen(struct tui *t);
void draw_bar(struct tui *t, int y, const char *text);
void draw_help_line(struct tui *t, enum cmd_ctx ctx);

/* ---- sidebar.c ---- */
void sidebar_draw(struct tui *t, int top, int height);
void sidebar_move(struct tui *t, int dir);
void sidebar_open(struct tui *t);
/* Lines of the sidebar: accounts and their folders. */
size_t sidebar_lines(const struct tui *t);
/* The highlighted folder (NULL on an account's line) and its account. */
const struct store_folder *sidebar_selected(const struct tui *t, size_t *acct_r);

/* ---- index.c ---- */
void index_draw(struct tui *t, int top, int left, int height, int width);
void index_key(struct tui *t, enum cmd c);
/* The messages a command acts on: the tagged ones after ';', else the
 * cursor's (its whole thread when collapsed). New array. */
uint32_t *index_selection(struct tui *t, size_t *n_r);
void index_move(struct tui *t, long row);
/* Commands the index and the pager share that are not about the selected
 * messages: folders, accounts, the sidebar, sync, the outbox, composing. */
bool index_common_command(struct tui *t, enum cmd c);

/* ---- actions.c: operations shared by the index and the pager ---- */
bool action_mail_command(struct tui *t, enum cmd c);
void action_set_flags(struct tui *t, const uint32_t *uids, size_t n, uint32_t add, uint32_t del);
void action_open_message(struct tui *t, uint32_t uid);

/* ---- pager.c ---- */
void pager_draw(struct tui *t, int top, int height);
void pager_key(struct tui *t, enum cmd c);
void pager_show_body(struct tui *t, struct event *ev);
void pager_close(struct tui *t);
void attach_draw(struct tui *t, int top, int height);
void attach_key(struct tui *t, enum cmd c);

/* ---- help.c ---- */
void help_draw(struct tui *t, int top, int height);
void help_key(struct tui *t, enum cmd c);
void help_open(struct tui *t, enum cmd_ctx ctx);

/* ---- folders.c ---- */
/* Runs c when it is a folder command (create-mailbox, ...); false if not. */
bool folders_command(struct tui *t, enum cmd c);
/* A folder command's request ended (PEND_FOLDER_OP). */
void folders_op_done(struct tui *t, const struct pend *p, bool ok);

/* ---- outbox.c ---- */
void outbox_open(struct tui *t);
void outbox_draw(struct tui *t, int top, int height);
void outbox_key(struct tui *t, enum cmd c);
void outbox_update(struct tui *t, struct event *ev);

/* ---- compose.c ---- */
void compose_start(struct tui *t, enum cmd how);
void compose_draw(struct tui *t, int top, int height);
void compose_key(struct tui *t, enum cmd c);
bool compose_unsaved(const struct tui *t);
/* The body a reply or forward waited for arrived (PEND_COMPOSE). */
void compose_got_body(struct tui *t, struct event *ev, enum cmd how);
/* A send or postpone ended (PEND_COMPOSE_DONE). */
void compose_finished(struct tui *t, struct event *ev, int kind);
void compose_release_all(void);

/* ---- keys: the terminal's key codes as key ids (loop in tui.c) ---- */
uint32_t keys_from_curses(int r, unsigned ch);

#endif
