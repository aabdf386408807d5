/* The full-screen interface: start-up, the poll loop, signals, teardown.
 *
 * The loop waits in poll() on the keyboard, the manager's inbox (the
 * workers' events), the signals' self-pipe (signals.c: quitting, Ctrl-Z,
 * continuing), and a timeout for its timers (the message line, progress,
 * the next slice of a rebuild of a list that a sync is filling). It drains
 * every pending key and event, then draws once. The workers block
 * SIGWINCH, so a resize interrupts this poll at once and arrives as
 * KEY_RESIZE. */
#include "common.h"

#include <curses.h>
#include <fcntl.h>
#include <langinfo.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "core/account.h"
#include "core/driver.h"
#include "core/format.h"
#include "core/manager.h"
#include "core/queue.h"
#include "msg/msg.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "tui/tui.h"
#include "util/err.h"
#include "util/log.h"
#include "util/paths.h"
#include "util/sanitize.h"

/* ---- Helpers for the screens ---- */

static void timespec_now(struct timespec *ts)
{
	clock_gettime(CLOCK_MONOTONIC, ts);
}

void tui_message(struct tui *t, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	free(t->message);
	t->message = sanitize_dup(s, 0);
	free(s);
	t->message_error = error;
	timespec_now(&t->message_until);
	t->message_until.tv_sec += error ? 8 : 4;
}

struct account *tui_account(const struct tui *t, size_t i)
{
	return manager_account(t->mgr, i);
}

struct pend *tui_pend(struct tui *t, uint64_t id, size_t account, enum pend_kind kind,
		      const char *what)
{
	if (t->n_pends == t->cap_pends) {
		t->cap_pends = t->cap_pends ? t->cap_pends * 2 : 16;
		t->pends = xreallocarray(t->pends, t->cap_pends, sizeof *t->pends);
	}
	struct pend *p = &t->pends[t->n_pends++];
	memset(p, 0, sizeof *p);
	p->id = id;
	p->account = account;
	p->kind = kind;
	p->what = what ? xstrdup(what) : NULL;
	p->silent = what == NULL;
	timespec_now(&p->started);
	return p;
}

uint64_t tui_submit(struct tui *t, size_t account, struct request *r)
{
	return account_submit(tui_account(t, account), r);
}

static bool in_foreground(void)
{
	return tcgetpgrp(STDIN_FILENO) == getpgrp();
}

/* endwin, also from the background: after Ctrl-Z a parent in the same job
 * (a wrapper script) stops at once, so the shell may have taken the
 * terminal first, and SIGTTOU would stop postie half way through. */
static void end_curses(void)
{
	sigset_t ttou, old;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	pthread_sigmask(SIG_BLOCK, &ttou, &old);
	endwin();
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	tui_signals_curses(false);
}

void tui_suspend(struct tui *t)
{
	(void)t;
	/* The terminal's modes are ours to keep for tui_resume(), unless the
	 * shell has taken the terminal already (see end_curses) and set its
	 * own: then curses keeps the ones it set itself. */
	if (in_foreground())
		def_prog_mode();
	end_curses();
}

void tui_resume(struct tui *t)
{
	reset_prog_mode();
	tui_signals_curses(true);
	t->redraw_all = true;
	refresh();
}

int tui_run_foreground(struct tui *t, const char *cmd)
{
	tui_suspend(t);
	tui_signals_job_stop(true);
	int status = system(cmd);
	tui_signals_job_stop(false);
	tui_resume(t);
	if (status == -1)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* ---- Keys ---- */

uint32_t keys_from_curses(int r, unsigned ch)
{
	if (r == OK) {
		if (ch == '\n' || ch == '\r')
			return PK_ENTER;
		if (ch == 127 || ch == 8)
			return ch == 127 ? PK_BACKSPACE : 8;
		return ch;
	}
	switch (ch) {
	case KEY_ENTER: return PK_ENTER;
	case KEY_UP: return PK_UP;
	case KEY_DOWN: return PK_DOWN;
	case KEY_LEFT: return PK_LEFT;
	case KEY_RIGHT: return PK_RIGHT;
	case KEY_HOME: return PK_HOME;
	case KEY_END: return PK_END;
	case KEY_PPAGE: return PK_PGUP;
	case KEY_NPAGE: return PK_PGDN;
	case KEY_IC: return PK_INSERT;
	case KEY_DC: return PK_DELETE;
	case KEY_BACKSPACE: return PK_BACKSPACE;
	case KEY_BTAB: return PK_BACKTAB;
	default:
		if (ch >= (unsigned)KEY_F(1) && ch <= (unsigned)KEY_F(12))
			return PK_F1 + (ch - (unsigned)KEY_F(1));
		return 0;
	}
}

static enum cmd_ctx current_ctx(const struct tui *t)
{
	switch (t->screen) {
	case SCR_INDEX: return CTX_INDEX;
	case SCR_PAGER: return CTX_PAGER;
	case SCR_HELP: return CTX_PAGER;
	case SCR_ATTACH: return CTX_ATTACH;
	case SCR_OUTBOX: return CTX_OUTBOX;
	case SCR_COMPOSE: return CTX_COMPOSE;
	}
	return CTX_GENERIC;
}

static void cancel_running(struct tui *t)
{
	bool any = false;
	for (size_t i = 0; i < t->n_pends; i++)
		if (!t->pends[i].silent || t->pends[i].kind == PEND_BODY)
			any |= account_cancel(tui_account(t, t->pends[i].account), t->pends[i].id);
	for (size_t i = 0; !any && i < manager_count(t->mgr); i++)
		if (account_busy(tui_account(t, i)))
			any |= account_cancel(tui_account(t, i), 0);
	tui_message(t, false, any ? _("Cancelling...") : _("Nothing to cancel."));
}

static void handle_key(struct tui *t, uint32_t key)
{
	if (t->prompt) {
		prompt_key(t, key);
		return;
	}
	FREE(&t->message);
	enum cmd c = keymap_lookup(t->km, current_ctx(t), key);
	switch (c) {
	case CMD_NOOP:
		if (key) {
			struct buf b = BUF_INIT;
			keyspec_format(key, &b);
			uint32_t help = keymap_key_for(t->km, current_ctx(t), CMD_HELP);
			struct buf h = BUF_INIT;
			keyspec_format(help, &h);
			tui_message(t, false, _("Key %s is not bound; %s lists the keys."),
				    buf_cstr(&b), buf_cstr(&h));
			buf_release(&b);
			buf_release(&h);
		}
		return;
	case CMD_REDRAW:
		t->redraw_all = true;
		return;
	case CMD_CANCEL:
		cancel_running(t);
		return;
	case CMD_HELP:
		if (t->screen != SCR_HELP)
			help_open(t, current_ctx(t));
		return;
	default:
		break;
	}
	switch (t->screen) {
	case SCR_INDEX: index_key(t, c); break;
	case SCR_PAGER: pager_key(t, c); break;
	case SCR_HELP: help_key(t, c); break;
	case SCR_ATTACH: attach_key(t, c); break;
	case SCR_OUTBOX: outbox_key(t, c); break;
	case SCR_COMPOSE: compose_key(t, c); break;
	}
}

/* Reads every pending key. Esc followed at once by a key is that key with
 * Meta (terminals send Alt-x that way). */
static bool read_keys(struct tui *t)
{
	wint_t ch;
	int r;
	bool any = false;
	while ((r = get_wch(&ch)) != ERR) {
		any = true;
		if (r == KEY_CODE_YES && ch == KEY_RESIZE) {
			t->redraw_all = true;
			continue;
		}
		uint32_t key = keys_from_curses(r, (unsigned)ch);
		if (!key)
			continue;
		if (t->pending_key == PK_ESC) {
			t->pending_key = 0;
			handle_key(t, key == PK_ESC ? PK_ESC : key | PKF_META);
			continue;
		}
		if (key == PK_ESC) {
			t->pending_key = PK_ESC;
			continue;
		}
		handle_key(t, key);
	}
	/* a lone Esc */
	if (t->pending_key == PK_ESC) {
		t->pending_key = 0;
		handle_key(t, PK_ESC);
	}
	return any;
}

/* ---- The loop ---- */

static int ms_left(const struct timespec *until)
{
	struct timespec now;
	timespec_now(&now);
	long ms = (until->tv_sec - now.tv_sec) * 1000 + (until->tv_nsec - now.tv_nsec) / 1000000;
	return ms < 0 ? 0 : ms > 60000 ? 60000 : (int)ms;
}

static int loop_timeout(struct tui *t)
{
	int ms = 60000;
	if (t->message)
		ms = ms_left(&t->message_until);
	for (size_t i = 0; i < t->n_pends; i++)
		if (!t->pends[i].silent)
			ms = ms < 250 ? ms : 250;   /* the progress display */
	if (msglist_rebuilding(&t->ml))
		ms = 0;   /* the next slice */
	else if (msglist_needs_rebuild(&t->ml))
		ms = ms < 100 ? ms : 100;
	return ms;
}

#define STALL_MS 100

static long ms_between(const struct timespec *a, const struct timespec *b)
{
	return (b->tv_sec - a->tv_sec) * 1000 + (b->tv_nsec - a->tv_nsec) / 1000000;
}

/* How long one slice of a rebuild may take: a key pressed meanwhile waits
 * for the end of the slice, then for its own answer and the drawing. */
#define REBUILD_SLICE_MS 10

static bool keys_pending(void)
{
	struct pollfd in = { STDIN_FILENO, POLLIN, 0 };
	return poll(&in, 1, 0) > 0 && (in.revents & POLLIN);
}

/* A list that a sync keeps filling is rebuilt a few times a second, not
 * after every batch: the pause between rebuilds grows with their cost, so
 * that they take at most a fifth of the time. A large one runs in slices
 * between the turns of the loop, and never before the answer to a key is
 * drawn; the rows stay valid meanwhile. keys_waiting: the user just typed.
 * Returns whether the rows changed. */
static bool rebuild_slice(struct tui *t, bool keys_waiting)
{
	if (!msglist_needs_rebuild(&t->ml))
		return false;
	/* small: at once (counting what waits: a sync's first batches are
	 * thousands of messages for an index that had fifty) */
	if (t->ml.idx.n + t->ml.n_adds < 5000) {
		msglist_rebuild(&t->ml);
		return true;
	}
	struct timespec now;
	timespec_now(&now);
	long pause = 300 > 4 * t->rebuild_ms ? 300 : 4 * t->rebuild_ms;
	if (!msglist_rebuilding(&t->ml) && ms_between(&t->last_rebuild, &now) < pause)
		return false;
	if (keys_waiting || keys_pending())
		return false;
	bool done = msglist_rebuild_step(&t->ml, REBUILD_SLICE_MS);
	struct timespec end;
	timespec_now(&end);
	t->rebuild_work_ms += ms_between(&now, &end);
	if (!done)
		return false;
	t->last_rebuild = end;
	t->rebuild_ms = t->rebuild_work_ms;
	t->rebuild_work_ms = 0;
	return true;
}

/* Returns whether the screen needs drawing for what changed. */
static bool timers(struct tui *t, bool keys_waiting)
{
	bool changed = false;
	if (t->message && ms_left(&t->message_until) == 0 && !t->prompt) {
		FREE(&t->message);
		changed = true;
	}
	return rebuild_slice(t, keys_waiting) || changed;
}

static void drain_events(struct tui *t)
{
	struct event *ev = inbox_take(manager_inbox(t->mgr));
	while (ev) {
		struct event *next = ev->next;
		tui_apply_event(t, ev);
		ev = next;
	}
}

/* A stall of the loop is worth a line in the log: it is what the user felt. */
static void note_slow(const struct timespec *start, const struct timespec *after_events,
		      const struct timespec *after_keys, const struct timespec *after_rebuild,
		      const struct timespec *after_draw)
{
	long total = ms_between(start, after_draw);
	if (total < STALL_MS)
		return;
	log_warn("interface: %ld ms for one turn (events %ld, keys %ld, rebuild %ld, draw %ld)",
		 total, ms_between(start, after_events), ms_between(after_events, after_keys),
		 ms_between(after_keys, after_rebuild), ms_between(after_rebuild, after_draw));
}

/* ---- Stopping and continuing (Ctrl-Z, fg) ---- */

/* Back to the screen once the terminal is ours again. Continued in the
 * background (bg, or a SIGCONT from elsewhere), postie stays off the
 * terminal, which would stop it again at once (SIGTTOU, SIGTTIN), and goes
 * on acting on signals and events: a SIGTERM then still ends it. */
static void resume_if_foreground(struct tui *t)
{
	if (!t->suspended || !in_foreground())
		return;
	t->suspended = false;
	tui_resume(t);
}

/* Ctrl-Z: the terminal goes back to the shell, then the process stops. */
static void suspend_to_shell(struct tui *t)
{
	if (tui_signals_curses_on())
		tui_suspend(t);
	t->suspended = true;
	tui_signals_stop_self();
	resume_if_foreground(t);
}

static void act_on_signals(struct tui *t)
{
	unsigned s = tui_signals_take();
	if (s & TUI_SIG_QUIT)
		t->quit = true;   /* SIGINT, SIGTERM, SIGHUP: leave cleanly */
	else if (s & TUI_SIG_STOP)
		suspend_to_shell(t);
	else if ((s & TUI_SIG_CONT) && t->suspended)
		resume_if_foreground(t);
	else if (s & TUI_SIG_CONT)
		t->redraw_all = true;   /* stopped by SIGSTOP: the screen may be stale */
}

/* A turn while suspended and continued in the background: no keys, no
 * drawing; the foreground is checked again on SIGCONT (fg sends one after
 * giving the terminal back) and every half second. */
static void suspended_turn(struct tui *t)
{
	struct pollfd p[2] = {
		{ inbox_fd(manager_inbox(t->mgr)), POLLIN, 0 },
		{ tui_signals_fd(), POLLIN, 0 },
	};
	int n = poll(p, 2, 500);
	if (n > 0 && (p[1].revents & POLLIN))
		act_on_signals(t);
	if (n > 0 && (p[0].revents & POLLIN))
		drain_events(t);
	resume_if_foreground(t);
}

static void run_loop(struct tui *t)
{
	bool keyed = false, woken = true;
	struct timespec woke, after_events, after_keys, after_rebuild, after_draw;
	timespec_now(&woke);
	after_events = after_keys = woke;
	while (!t->quit) {
		if (t->suspended) {
			suspended_turn(t);
			woken = true;
			timespec_now(&woke);
			after_events = after_keys = woke;
			continue;
		}
		bool rows_changed = timers(t, keyed);
		timespec_now(&after_rebuild);
		/* A turn that only ran a slice of a rebuild changed nothing to see. */
		if (woken || rows_changed)
			draw_screen(t);
		timespec_now(&after_draw);
		note_slow(&woke, &after_events, &after_keys, &after_rebuild, &after_draw);
		struct pollfd p[3] = {
			{ STDIN_FILENO, POLLIN, 0 },
			{ inbox_fd(manager_inbox(t->mgr)), POLLIN, 0 },
			{ tui_signals_fd(), POLLIN, 0 },
		};
		int timeout = loop_timeout(t);
		int n = poll(p, 3, timeout);
		if (n < 0 && errno != EINTR)
			break;
		timespec_now(&woke);
		/* woken by something, or by a timer (the message line, progress) */
		woken = n != 0 || timeout > 0;
		/* EINTR: most likely the signal whose byte is in the pipe */
		if (n < 0 || (p[2].revents & POLLIN)) {
			act_on_signals(t);
			if (t->quit || t->suspended)
				continue;
		}
		if (n > 0 && (p[1].revents & POLLIN))
			drain_events(t);
		timespec_now(&after_events);
		/* EINTR: a SIGWINCH, whose KEY_RESIZE waits in get_wch */
		keyed = read_keys(t);
		timespec_now(&after_keys);
	}
}

/* ---- Start and end ---- */

static int load_settings(struct tui *t)
{
	struct conf *conf = t->conf;
	t->km = keymap_new();
	ui_theme_defaults(&t->theme);
	struct conf_diags d = { 0 };
	int bad = uiconf_apply(conf, t->km, &t->theme, &d);
	conf_diags_release(&d);   /* cli_conf() reported them already */
	if (bad)
		return -1;
	struct err err = ERR_INIT;
	t->fmt = index_format_parse(conf->global.index_format ? conf->global.index_format
							      : INDEX_FORMAT_DEFAULT, &err);
	err_clear(&err);
	t->sidebar = !conf->global.sidebar_hidden;
	t->sidebar_width = conf->global.sidebar_width ? conf->global.sidebar_width : 20;
	msglist_init(&t->ml, conf->global.sort, conf->global.sort_reverse,
		     conf->global.collapse_threads);
	t->mailcap = msg_mailcap_load(conf->global.mailcap_path);
	return t->fmt ? 0 : -1;
}

static void start_curses(struct tui *t)
{
	initscr();
	tui_signals_curses(true);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	/* Inserting and deleting characters saves little on a modern link and
	 * confuses terminals about wide characters. */
	idcok(stdscr, FALSE);
	set_escdelay(25);
	curs_set(0);
	draw_init_colors(t);
	getmaxyx(stdscr, t->rows, t->cols);
}

static void stop_curses(void)
{
	if (tui_signals_curses_on())
		end_curses();
}

static int start_manager(struct tui *t)
{
	struct manager_opts mo = {
		.conf = t->conf, .data_dir = cli_data_dir(t->cli),
		.trace_file = t->cli->trace_file ? t->cli->trace_file : t->conf->global.trace_file,
		.make_driver = driver_new,
	};
	struct err err = ERR_INIT;
	if (manager_start(&mo, &t->mgr, &err) < 0) {
		cli_error("%s", err_msg(&err));
		int st = err.kind == ERR_LOCKED ? EXIT_RUNTIME : EXIT_RUNTIME;
		err_clear(&err);
		return st;
	}
	t->n_accts = manager_count(t->mgr);
	t->accts = xcalloc(t->n_accts ? t->n_accts : 1, sizeof *t->accts);
	return 0;
}

/* The account and folder to open first: -a, else default_account, else the
 * first; the folder from -f, else the INBOX. */
static void pick_start(struct tui *t)
{
	struct err err = ERR_INIT;
	const struct account_conf *a = conf_pick_account(t->conf, t->cli->account, &err);
	err_clear(&err);
	t->cur_acct = 0;
	for (size_t i = 0; a && i < t->n_accts; i++)
		if (account_conf(tui_account(t, i)) == a)
			t->cur_acct = i;
	t->want_folder = xstrdup(t->cli->folder ? t->cli->folder : "INBOX");
}

static void release(struct tui *t)
{
	manager_stop(&t->mgr);
	for (size_t i = 0; i < t->n_accts; i++) {
		free(t->accts[i].state_text);
		store_folders_release(&t->accts[i].folders);
	}
	free(t->accts);
	for (size_t i = 0; i < t->n_pends; i++) {
		free(t->pends[i].uids);
		free(t->pends[i].what);
	}
	free(t->pends);
	for (size_t i = 0; i < t->n_questions; i++)
		event_free(&t->questions[i]);
	free(t->questions);
	pager_close(t);
	free(t->pager.search);
	compose_release_all();
	msglist_release(&t->ml);
	keymap_free(&t->km);
	index_format_free(&t->fmt);
	msg_mailcap_free(&t->mailcap);
	store_outbox_entries_release(&t->outbox);
	free(t->want_folder);
	free(t->message);
	free(t->progress);
	free(t->last_search);
	prompt_history_release();
}

/* The terminal must speak UTF-8: the user's locale if it does, else C.UTF-8. */
static void ensure_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	if (cs && strcmp(cs, "UTF-8") == 0)
		return;
	setlocale(LC_CTYPE, "C.UTF-8");
}

static void log_to_file(struct tui *t)
{
	/* stderr would scribble over the screen */
	const char *path = t->conf->global.log_file;
	char *fallback = NULL;
	if (!path) {
		fallback = path_join(cli_data_dir(t->cli), "postie.log");
		path = fallback;
	}
	log_open_file(path);
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd >= 0) {
		dup2(fd, STDERR_FILENO);
		close(fd);
	}
	free(fallback);
}

int tui_main(struct cli *cli)
{
	struct tui t = { .cli = cli };
	t.conf = cli_conf(cli);
	if (!t.conf)
		return EXIT_USAGE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error(_("the interface needs a terminal; see 'postie --help' for commands"));
		return EXIT_USAGE;
	}
	if (t.conf->n_accounts == 0) {
		int r = cli_setup_account(cli, true);
		if (r != EXIT_OK)
			return r;
		t.conf = cli_conf(cli);
		if (!t.conf || t.conf->n_accounts == 0)
			return EXIT_USAGE;
	}
	if (load_settings(&t) < 0) {
		release(&t);
		return EXIT_USAGE;
	}
	ensure_utf8();
	char *data_dir = xstrdup(cli_data_dir(cli));
	mkdir_p(data_dir, 0700, NULL);
	free(data_dir);
	int st = start_manager(&t);
	if (st != 0) {
		release(&t);
		return st;
	}
	log_to_file(&t);
	pick_start(&t);
	tui_signals_install();
	start_curses(&t);
	run_loop(&t);
	stop_curses();
	release(&t);
	return EXIT_OK;
}
