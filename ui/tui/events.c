/* Applying the accounts' events to the interface's models. */
#include "common.h"

#include <curses.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/account.h"
#include "core/pattern.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/sanitize.h"
#include "util/strutil.h"

const struct store_folder *tui_folder(const struct tui *t, size_t account, uint32_t id)
{
	if (account >= t->n_accts)
		return NULL;
	const store_folders *l = &t->accts[account].folders;
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].id == id)
			return &l->v[i];
	return NULL;
}

char **tui_folder_completions(const struct tui *t, size_t account, const char *word)
{
	const store_folders *l = &t->accts[account].folders;
	char **v = xcalloc(l->n + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (str_casestartswith(l->v[i].name, word) && !(l->v[i].attrs & FOLDER_NOSELECT))
			v[n++] = xstrdup(l->v[i].name);
	return v;
}

const struct store_folder *tui_folder_named(const struct tui *t, size_t account,
					    const char *name)
{
	if (account >= t->n_accts)
		return NULL;
	const store_folders *l = &t->accts[account].folders;
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].name, name) == 0)
			return &l->v[i];
	/* "inbox" in any case is the INBOX */
	if (str_casecmp(name, "INBOX") == 0)
		for (size_t i = 0; i < l->n; i++)
			if (l->v[i].role == ROLE_INBOX)
				return &l->v[i];
	return NULL;
}

void tui_open_folder(struct tui *t, size_t account, uint32_t folder)
{
	for (size_t i = 0; i < t->n_accts; i++)
		account_set_view(tui_account(t, i), i == account ? folder : 0);
	bool same = t->ml.loaded && t->ml.account == account && t->ml.folder == folder;
	if (!same)
		msglist_clear(&t->ml, account, folder);
	t->cur_acct = account;
	FREE(&t->want_folder);
	struct request *r = request_new(REQ_LOAD_INDEX);
	r->folder = folder;
	t->index_req = tui_submit(t, account, r);
	tui_pend(t, t->index_req, account, PEND_LOAD_INDEX, NULL)->folder = folder;
	t->index_loading = true;
	r = request_new(REQ_OPEN_FOLDER);
	r->folder = folder;
	uint64_t id = tui_submit(t, account, r);
	tui_pend(t, id, account, PEND_OPEN_FOLDER, NULL)->folder = folder;
}

static struct pend *find_pend(struct tui *t, uint64_t id)
{
	for (size_t i = 0; i < t->n_pends; i++)
		if (t->pends[i].id == id)
			return &t->pends[i];
	return NULL;
}

static void drop_pend(struct tui *t, struct pend *p)
{
	free(p->uids);
	free(p->what);
	free(p->name);
	*p = t->pends[--t->n_pends];
}

static bool showing(const struct tui *t, size_t account, uint32_t folder)
{
	return t->ml.account == account && t->ml.folder == folder && folder != 0;
}

/* ---- Questions ---- */

static void next_question(struct tui *t);

static void answered(struct tui *t, void *aux, const char *answer, int choice)
{
	struct event *q = aux;
	struct account *a = tui_account(t, q->account);
	if (q->n2 == Q_CERT)
		account_answer(a, q->n1, choice == 'o' ? 1 : choice == 'a' ? 2 : 0, NULL);
	else
		account_answer(a, q->n1, 0, answer);
	for (size_t i = 0; i < t->n_questions; i++)
		if (t->questions[i] == q) {
			memmove(t->questions + i, t->questions + i + 1,
				(t->n_questions - i - 1) * sizeof *t->questions);
			t->n_questions--;
			break;
		}
	event_free(&q);
	next_question(t);
}

static void next_question(struct tui *t)
{
	if (t->n_questions == 0 || t->prompt)
		return;
	struct event *q = t->questions[0];
	if (q->n2 == Q_CERT) {
		prompt_choice(t, _("Accept this certificate? (r)eject, accept (o)nce, (a)lways: "),
			      "roa", q->text, answered, q);
	} else {
		struct prompt_opts o = { .label = q->text, .secret = true };
		prompt_line(t, &o, answered, q);
	}
}

static void queue_question(struct tui *t, struct event *ev)
{
	t->questions = xreallocarray(t->questions, t->n_questions + 1, sizeof *t->questions);
	t->questions[t->n_questions++] = ev;
	next_question(t);
}

/* ---- New mail ---- */

/* Runs cmd with /bin/sh in the background, away from the terminal (its
 * input and output on /dev/null, the log as stderr): the screen is ours. */
static void run_detached(const char *cmd)
{
	pid_t pid = fork();
	if (pid == 0) {
		/* a grandchild, so nobody has to reap it */
		if (fork() == 0) {
			setsid();
			int fd = open("/dev/null", O_RDWR);
			if (fd >= 0) {
				dup2(fd, STDIN_FILENO);
				dup2(fd, STDOUT_FILENO);
			}
			execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
			_exit(127);
		}
		_exit(0);
	}
	if (pid > 0)
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
}

/* Appends s to b quoted for the shell: in single quotes, a quote as '\''. */
static void add_shell_quoted(struct buf *b, const char *s)
{
	buf_addc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, *s);
	}
	buf_addc(b, '\'');
}

/* new_mail_command with %n (the count), %a (the account), %f (the folder)
 * and %% replaced, the values quoted; also in $POSTIE_NEW, $POSTIE_ACCOUNT
 * and $POSTIE_FOLDER. A new string. */
static char *new_mail_cmdline(const char *cmd, unsigned long long n, const char *account,
			      const char *folder)
{
	struct buf b = BUF_INIT;
	char num[32];
	snprintf(num, sizeof num, "%llu", n);
	buf_addf(&b, "POSTIE_NEW=%s POSTIE_ACCOUNT=", num);
	add_shell_quoted(&b, account);
	buf_adds(&b, " POSTIE_FOLDER=");
	add_shell_quoted(&b, folder);
	buf_adds(&b, "; export POSTIE_NEW POSTIE_ACCOUNT POSTIE_FOLDER; ");
	for (const char *c = cmd; *c; c++) {
		if (c[0] != '%' || !c[1]) {
			buf_addc(&b, *c);
			continue;
		}
		switch (*++c) {
		case 'n': buf_adds(&b, num); break;
		case 'a': add_shell_quoted(&b, account); break;
		case 'f': add_shell_quoted(&b, folder); break;
		case '%': buf_addc(&b, '%'); break;
		default: buf_addc(&b, '%'); buf_addc(&b, *c); break;
		}
	}
	return buf_detach(&b, NULL);
}

static void new_mail(struct tui *t, struct event *ev)
{
	const struct store_folder *f = tui_folder(t, ev->account, ev->folder);
	const char *account = account_name(tui_account(t, ev->account));
	const char *folder = f ? f->name : "?";
	tui_message(t, false, ngettext("New mail in %s/%s: %llu message.",
				       "New mail in %s/%s: %llu messages.", ev->n1),
		    account, folder, (unsigned long long)ev->n1);
	if (t->conf->global.bell && !t->suspended)   /* the terminal is the shell's */
		beep();
	const char *cmd = t->conf->global.new_mail_command;
	if (cmd) {
		char *full = new_mail_cmdline(cmd, (unsigned long long)ev->n1, account, folder);
		run_detached(full);
		free(full);
	}
}

/* ---- Replies ---- */

static void search_result(struct tui *t, struct pend *p, struct event *ev)
{
	if (!showing(t, ev->account, ev->folder))
		return;
	if (p->search_dir == 2 || p->search_dir == 3) {
		for (size_t i = 0; i < ev->n; i++)
			msglist_tag(&t->ml, ev->uids[i], p->search_dir == 2);
		tui_message(t, false, ngettext("%zu message tagged.", "%zu messages tagged.", ev->n),
			    ev->n);
		return;
	}
	/* search: the first hit after the cursor in the direction */
	long best = -1;
	for (size_t i = 0; i < ev->n; i++) {
		long row = msglist_find(&t->ml, ev->uids[i]);
		if (row < 0)
			continue;
		long d = (row - (long)t->ml.cursor) * p->search_dir;
		if (d <= 0)
			d += (long)t->ml.n_rows;
		long bd = best < 0 ? LONG_MAX : (best - (long)t->ml.cursor) * p->search_dir;
		if (best >= 0 && bd <= 0)
			bd += (long)t->ml.n_rows;
		if (best < 0 || d < bd)
			best = row;
	}
	if (best < 0)
		tui_message(t, true, _("Not found."));
	else
		index_move(t, best);
}

static void finished(struct tui *t, struct pend *p, struct event *ev)
{
	bool ok = ev->kind == EV_DONE;
	switch (p->kind) {
	case PEND_LOAD_INDEX:
		if (p->id == t->index_req)
			t->index_loading = false;
		break;
	case PEND_OP:
		msglist_op_done(&t->ml, p->id);
		break;
	case PEND_DELETE:
		msglist_op_done(&t->ml, p->id);
		if (ok && ev->n1 == 1 && showing(t, p->account, p->folder))
			msglist_remove(&t->ml, p->uids, p->n);   /* moved to the Trash */
		break;
	case PEND_EXPUNGE:
		msglist_op_done(&t->ml, p->id);
		if (ok)
			tui_message(t, false, ngettext("%llu message expunged.",
						       "%llu messages expunged.", ev->n1),
				    (unsigned long long)ev->n1);
		break;
	case PEND_BODY:
		if (!ok && t->pager.req == p->id)
			t->pager.waiting = false;
		break;
	case PEND_COMPOSE_DONE:
		compose_finished(t, ev, p->search_dir);
		return;
	case PEND_FOLDER_OP:
		folders_op_done(t, p, ok);
		break;
	case PEND_SYNC:
		if (ok)
			tui_message(t, false, _("%s is up to date."),
				    account_name(tui_account(t, p->account)));
		break;
	default:
		break;
	}
	if (ev->kind == EV_ERROR) {
		tui_message(t, true, "%s", err_msg(&ev->err));
		if (p->kind == PEND_OP || p->kind == PEND_DELETE || p->kind == PEND_EXPUNGE)
			tui_open_folder(t, t->ml.account, t->ml.folder);   /* show the truth */
	} else if (ev->kind == EV_UNSUPPORTED) {
		tui_message(t, true, "%s", ev->text ? ev->text : _("Not supported by this account."));
		if (p->kind == PEND_OP || p->kind == PEND_DELETE || p->kind == PEND_EXPUNGE)
			tui_open_folder(t, t->ml.account, t->ml.folder);
	} else if (ev->kind == EV_CANCELLED && !p->silent) {
		tui_message(t, false, _("Cancelled."));
	}
}

/* The newest messages of a folder (a partial index) show at once when
 * nothing of the folder is shown yet; the whole index then replaces them.
 * A cursor the user has not moved since is placed again in the whole index
 * as cursor_start says (the oldest or first unread message, the newest by
 * another sort, may be older than the newest part); a moved one stays on
 * its message. */
static void index_loaded(struct tui *t, struct pend *p, struct event *ev)
{
	struct msglist *ml = &t->ml;
	bool partial = ev->n1 != 0;
	bool shown = ml->loaded && ml->account == ev->account && ml->folder == ev->folder;
	if (partial && shown)
		return;         /* a reload: the rows shown hold more than the newest part */
	if (!partial && p->cursor_uid && ml->cursor_uid == p->cursor_uid)
		ml->cursor_uid = 0;
	msglist_load(ml, ev->account, ev->folder, ev->index, t->conf->global.cursor_start);
	p->cursor_uid = partial ? ml->cursor_uid : 0;
}

static void reply(struct tui *t, struct event *ev)
{
	struct pend *p = find_pend(t, ev->in_reply_to);
	if (!p)
		return;
	switch (ev->kind) {
	case EV_INDEX:
		if (p->id == t->index_req && showing(t, ev->account, ev->folder))
			index_loaded(t, p, ev);
		break;
	case EV_BODY:
		if (p->kind == PEND_COMPOSE)
			compose_got_body(t, ev, (enum cmd)p->search_dir);
		else if (t->pager.req == p->id)
			pager_show_body(t, ev);
		break;
	case EV_SEARCH:
		search_result(t, p, ev);
		break;
	case EV_OUTBOX:
		outbox_update(t, ev);
		break;
	default:
		if (ev_is_terminal(ev->kind)) {
			finished(t, p, ev);
			drop_pend(t, p);
		}
		break;
	}
}

/* ---- Unsolicited ---- */

static void folders(struct tui *t, struct event *ev)
{
	struct acct_view *v = &t->accts[ev->account];
	store_folders_release(&v->folders);
	v->folders = ev->folders;
	ev->folders = (store_folders)ARRAY_INIT;
	v->folders_known = true;
	if (ev->account == t->cur_acct && t->want_folder) {
		const struct store_folder *f = tui_folder_named(t, ev->account, t->want_folder);
		if (f)
			tui_open_folder(t, ev->account, f->id);
	}
	if (t->ml.loaded && ev->account == t->ml.account &&
	    !tui_folder(t, ev->account, t->ml.folder) && v->folders.n)
		msglist_clear(&t->ml, ev->account, 0);   /* the folder went away */
}

static void state(struct tui *t, struct event *ev)
{
	struct acct_view *v = &t->accts[ev->account];
	enum acct_state old = v->state;
	v->state = (enum acct_state)ev->n1;
	free(v->state_text);
	v->state_text = ev->text ? sanitize_dup(ev->text, 0) : NULL;
	if (v->state == ACCT_ERROR && old != ACCT_ERROR)
		tui_message(t, true, "%s: %s", account_name(tui_account(t, ev->account)),
			    v->state_text ? v->state_text : acct_state_name(v->state));
}

void tui_apply_event(struct tui *t, struct event *ev)
{
	if (ev->in_reply_to) {
		if (ev->kind == EV_PROGRESS) {
			free(t->progress);
			t->progress = ev->n2 ? xasprintf("%s %llu/%llu", ev->text,
							 (unsigned long long)ev->n1,
							 (unsigned long long)ev->n2)
					     : xstrdup(ev->text ? ev->text : "");
			t->progress_acct = ev->account;
			clock_gettime(CLOCK_MONOTONIC, &t->progress_at);
		} else if (ev->kind != EV_MSGS_ADDED && ev->kind != EV_FLAGS &&
			   ev->kind != EV_MSGS_REMOVED && ev->kind != EV_FOLDER_RESET) {
			reply(t, ev);
			event_free(&ev);
			return;
		}
	}
	switch (ev->kind) {
	case EV_STATE: state(t, ev); break;
	case EV_FOLDERS: folders(t, ev); break;
	case EV_PROGRESS:
		if (!ev->in_reply_to) {
			free(t->progress);
			t->progress = xstrdup(ev->text ? ev->text : "");
			t->progress_acct = ev->account;
			clock_gettime(CLOCK_MONOTONIC, &t->progress_at);
		}
		break;
	case EV_MSGS_ADDED:
		if (showing(t, ev->account, ev->folder))
			msglist_add_take(&t->ml, ev->msgs, ev->n_msgs);
		break;
	case EV_FLAGS:
		if (showing(t, ev->account, ev->folder))
			msglist_set_flags(&t->ml, ev->uids, ev->vals, ev->n);
		break;
	case EV_MSGS_REMOVED:
		if (showing(t, ev->account, ev->folder))
			msglist_remove(&t->ml, ev->uids, ev->n);
		break;
	case EV_FOLDER_RESET:
		if (showing(t, ev->account, ev->folder))
			tui_open_folder(t, ev->account, ev->folder);
		break;
	case EV_NEW_MAIL: new_mail(t, ev); break;
	case EV_NOTICE: tui_message(t, false, "%s", ev->text ? ev->text : ""); break;
	case EV_OUTBOX_CHANGED:
		if (t->screen == SCR_OUTBOX && ev->account == t->cur_acct)
			outbox_open(t);   /* fetch the list again */
		break;
	case EV_QUESTION:
		queue_question(t, ev);
		return;   /* kept until answered */
	default:
		break;
	}
	event_free(&ev);
}
