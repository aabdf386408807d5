/* The index: the message list of the open folder. */
#include "common.h"

#include <curses.h>
#include <time.h>

#include "conf/conf.h"
#include "core/account.h"
#include "core/format.h"
#include "core/pattern.h"
#include "store/summary.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/err.h"
#include "util/strutil.h"

static enum ui_element row_element(const struct tui *t, const struct store_index_msg *m)
{
	if (msglist_tagged(&t->ml, m->uid))
		return EL_INDEX_TAGGED;
	if (m->flags & MSG_DELETED)
		return EL_INDEX_DELETED;
	if (m->flags & MSG_FLAGGED)
		return EL_INDEX_FLAGGED;
	if (!(m->flags & MSG_SEEN))
		return EL_INDEX_UNREAD;
	return EL_NORMAL;
}

static void scroll_to_cursor(struct tui *t, int height)
{
	struct msglist *ml = &t->ml;
	size_t h = height > 0 ? (size_t)height : 1;
	if (ml->cursor < ml->top)
		ml->top = ml->cursor;
	if (ml->cursor >= ml->top + h)
		ml->top = ml->cursor - h + 1;
	if (ml->top + h > ml->n_rows)
		ml->top = ml->n_rows > h ? ml->n_rows - h : 0;
}

void index_draw(struct tui *t, int top, int left, int height, int width)
{
	struct msglist *ml = &t->ml;
	scroll_to_cursor(t, height);
	if (ml->n_rows == 0) {
		const char *text = t->index_loading || !ml->loaded ? _("Loading...")
			: ml->limit ? _("No message matches the limit.") : _("No messages.");
		draw_set(t, EL_NORMAL);
		draw_text(t, top, left + 1, text, strlen(text), width - 1, false);
		return;
	}
	struct buf line = BUF_INIT, tree = BUF_INIT;
	time_t now = time(NULL);
	for (int y = 0; y < height && ml->top + (size_t)y < ml->n_rows; y++) {
		size_t row = ml->top + (size_t)y;
		const struct store_index_msg *m = msglist_msg(ml, row);
		buf_reset(&tree);
		msglist_tree(ml, row, t->conf->global.ascii_tree, &tree);
		struct index_line l = {
			.number = row + 1, .idx = &ml->idx, .m = m, .tree = buf_cstr(&tree),
			.hidden = ml->rows[row].hidden, .tagged = msglist_tagged(ml, m->uid),
			.same_subject = ml->rows[row].same_subject,
			.date_format = t->conf->global.date_format, .now = now,
		};
		size_t ts, te;
		index_format_line(t->fmt, &l, (size_t)width, &line, &ts, &te);
		bool cur = row == ml->cursor;
		enum ui_element el = cur ? EL_INDICATOR : row_element(t, m);
		draw_set(t, el);
		int x = left + draw_text(t, top + y, left, line.data, ts, width, false);
		if (te > ts) {
			draw_set(t, cur ? EL_INDICATOR : EL_TREE);
			x += draw_text(t, top + y, x, line.data + ts, te - ts, width - (x - left), false);
			draw_set(t, el);
		}
		draw_text(t, top + y, x, line.data + te, line.len - te, width - (x - left), true);
	}
	draw_set(t, EL_NORMAL);
	buf_release(&line);
	buf_release(&tree);
}

void index_move(struct tui *t, long row)
{
	if (t->ml.n_rows == 0)
		return;
	if (row < 0)
		row = 0;
	msglist_set_cursor(&t->ml, (size_t)row);
}

uint32_t *index_selection(struct tui *t, size_t *n_r)
{
	*n_r = 0;
	if (t->tag_prefix) {
		t->tag_prefix = false;
		uint32_t *v = msglist_tagged_uids(&t->ml, n_r);
		if (*n_r == 0) {
			tui_message(t, true, _("No messages are tagged."));
			free(v);
			return NULL;
		}
		return v;
	}
	if (t->screen == SCR_PAGER && t->pager.open) {
		uint32_t *v = xmalloc(sizeof *v);
		v[0] = t->pager.uid;
		*n_r = 1;
		return v;
	}
	if (t->ml.n_rows == 0) {
		tui_message(t, true, _("No message here."));
		return NULL;
	}
	return msglist_thread_uids(&t->ml, t->ml.cursor, n_r);
}

/* ---- Patterns: search, limit, tag ---- */

struct pattern_job {
	int dir;        /* +1/-1 search, 0 limit, 2 tag, 3 untag */
};

static void run_pattern(struct tui *t, const char *text, int dir)
{
	struct err err = ERR_INIT;
	struct pattern *p = NULL;
	bool all = dir == 0 && (strcmp(text, "all") == 0 || strcmp(text, "~A ~!A") == 0 ||
				strcmp(text, ".") == 0);
	if (!all) {
		p = pattern_parse(text, time(NULL), &err);
		if (!p) {
			tui_message(t, true, "%s", err_msg(&err));
			err_clear(&err);
			return;
		}
	}
	if (p && pattern_needs_body(p)) {
		if (dir == 0) {
			tui_message(t, true, _("~b works with search and tag, not with limit."));
			pattern_free(&p);
			return;
		}
		/* the bodies are in the store: the account searches them */
		struct request *r = request_new(REQ_SEARCH);
		r->folder = t->ml.folder;
		r->text = xstrdup(text);
		uint64_t id = tui_submit(t, t->ml.account, r);
		tui_pend(t, id, t->ml.account, PEND_SEARCH, _("Searching the messages"))->search_dir = dir;
		pattern_free(&p);
		return;
	}
	if (dir == 0) {
		msglist_set_limit(&t->ml, p, all ? NULL : text);
		return;
	}
	if (dir >= 2) {
		size_t n = msglist_tag_matching(&t->ml, p, dir == 2);
		tui_message(t, false, dir == 2 ? ngettext("%zu message tagged.", "%zu messages tagged.", n)
					       : ngettext("%zu message untagged.",
							  "%zu messages untagged.", n), n);
	} else {
		long row = msglist_search(&t->ml, p, t->ml.cursor, dir, true);
		if (row < 0)
			tui_message(t, true, _("Not found."));
		else
			index_move(t, row);
	}
	pattern_free(&p);
}

static void pattern_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	struct pattern_job *job = aux;
	int dir = job->dir;
	free(job);
	if (answer && !*answer && dir == 0) {
		msglist_set_limit(&t->ml, NULL, NULL);   /* an empty limit shows everything */
		return;
	}
	if (!answer || !*answer)
		return;
	if (dir == 1 || dir == -1) {
		free(t->last_search);
		t->last_search = xstrdup(answer);
		t->last_search_dir = dir;
	}
	run_pattern(t, answer, dir);
}

static void ask_pattern(struct tui *t, int dir)
{
	struct pattern_job *job = xcalloc(1, sizeof *job);
	job->dir = dir;
	struct prompt_opts o = { .history = dir == 0 ? HIST_LIMIT : HIST_SEARCH };
	switch (dir) {
	case 0:
		o.label = _("Limit to messages matching: ");
		o.initial = t->ml.limit_text;
		break;
	case 2: o.label = _("Tag messages matching: "); break;
	case 3: o.label = _("Untag messages matching: "); break;
	case -1: o.label = _("Reverse search for: "); break;
	default: o.label = _("Search for: "); break;
	}
	prompt_line(t, &o, pattern_done, job);
}

/* ---- Sort ---- */

static void sort_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)answer;
	static const char keys[] = "tdfsz";
	const char *k = choice ? strchr(keys, choice) : NULL;
	if (k)
		msglist_set_sort(&t->ml, (enum conf_sort)(k - keys), t->ml.reverse);
}

/* ---- Folders and accounts ---- */

static char **complete_folder(struct tui *t, void *aux, const char *word)
{
	return tui_folder_completions(t, (size_t)(uintptr_t)aux, word);
}

static void change_folder_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	size_t acct = (size_t)(uintptr_t)aux;
	if (!answer || !*answer)
		return;
	const struct store_folder *f = tui_folder_named(t, acct, answer);
	if (!f) {
		tui_message(t, true, _("No folder %s in %s."), answer,
			    account_name(tui_account(t, acct)));
		return;
	}
	tui_open_folder(t, acct, f->id);
}

static void ask_folder(struct tui *t, size_t acct)
{
	char *label = xasprintf(_("Open folder of %s: "), account_name(tui_account(t, acct)));
	struct prompt_opts o = { .label = label, .history = HIST_FOLDER,
				 .complete = complete_folder };
	prompt_line(t, &o, change_folder_done, (void *)(uintptr_t)acct);
	free(label);
}

static char **complete_account(struct tui *t, void *aux, const char *word)
{
	(void)aux;
	char **v = xcalloc(t->n_accts + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < t->n_accts; i++)
		if (str_startswith(account_name(tui_account(t, i)), word))
			v[n++] = xstrdup(account_name(tui_account(t, i)));
	return v;
}

static void change_account_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)choice;
	if (!answer || !*answer)
		return;
	for (size_t i = 0; i < t->n_accts; i++)
		if (strcmp(account_name(tui_account(t, i)), answer) == 0) {
			t->cur_acct = i;
			const struct store_folder *f = tui_folder_named(t, i, "INBOX");
			if (f) {
				tui_open_folder(t, i, f->id);
			} else {
				free(t->want_folder);
				t->want_folder = xstrdup("INBOX");
				msglist_clear(&t->ml, i, 0);
			}
			return;
		}
	tui_message(t, true, _("No account %s."), answer);
}

static void ask_account(struct tui *t)
{
	struct prompt_opts o = { .label = _("Open account: "), .complete = complete_account };
	/* offer the next account, so Enter cycles through them */
	if (t->n_accts > 1)
		o.initial = account_name(tui_account(t, (t->cur_acct + 1) % t->n_accts));
	prompt_line(t, &o, change_account_done, NULL);
}

/* ---- Quitting ---- */

static void quit_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)answer;
	if (choice)
		t->quit = true;
}

/* Asks only when there is work that quitting leaves undone: a message
 * being written, or mail still waiting in an outbox. */
static void quit(struct tui *t)
{
	if (compose_unsaved(t)) {
		prompt_yesno(t, _("A message is being written and not saved. Quit anyway?"), false,
			     quit_done, NULL);
		return;
	}
	size_t unsent = 0;
	for (size_t i = 0; i < t->n_accts; i++)
		unsent += account_unsent(tui_account(t, i));
	if (unsent) {
		char *q = xasprintf(ngettext("%zu message waits in the outbox; it goes out the next "
					     "time postie runs. Quit anyway?",
					     "%zu messages wait in the outbox; they go out the next "
					     "time postie runs. Quit anyway?", unsent), unsent);
		prompt_yesno(t, q, false, quit_done, NULL);
		free(q);
		return;
	}
	t->quit = true;
}

static void expunge_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)answer;
	if (!choice)
		return;
	size_t n = 0;
	uint32_t *uids = xcalloc(t->ml.idx.n + 1, sizeof *uids);
	for (size_t i = 0; i < t->ml.idx.n; i++)
		if (t->ml.idx.msgs[i].flags & MSG_DELETED)
			uids[n++] = t->ml.idx.msgs[i].uid;
	struct request *r = request_new(REQ_EXPUNGE);
	r->folder = t->ml.folder;
	uint64_t id = tui_submit(t, t->ml.account, r);
	struct pend *p = tui_pend(t, id, t->ml.account, PEND_EXPUNGE, _("Expunging"));
	p->folder = t->ml.folder;
	msglist_pending_remove(&t->ml, id, uids, n);
	free(uids);
}

static void expunge(struct tui *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->ml.idx.n; i++)
		n += (t->ml.idx.msgs[i].flags & MSG_DELETED) != 0;
	if (n == 0) {
		tui_message(t, false, _("No deleted messages."));
		return;
	}
	char *q = xasprintf(ngettext("Expunge %zu deleted message?", "Expunge %zu deleted messages?",
				     n), n);
	prompt_yesno(t, q, true, expunge_done, NULL);
	free(q);
}

static void fetch(struct tui *t)
{
	struct request *r = request_new(REQ_SYNC);
	uint64_t id = tui_submit(t, t->cur_acct, r);
	char *what = xasprintf(_("Synchronising %s"), account_name(tui_account(t, t->cur_acct)));
	tui_pend(t, id, t->cur_acct, PEND_SYNC, what);
	free(what);
}

/* ---- Keys ---- */

static int page(const struct tui *t)
{
	return t->rows > 4 ? t->rows - 3 : 1;
}

static bool move_key(struct tui *t, enum cmd c)
{
	struct msglist *ml = &t->ml;
	long cur = (long)ml->cursor;
	switch (c) {
	case CMD_NEXT_ENTRY: index_move(t, cur + 1 < (long)ml->n_rows ? cur + 1 : cur); break;
	case CMD_PREV_ENTRY: index_move(t, cur - 1); break;
	case CMD_NEXT_PAGE: index_move(t, cur + page(t)); break;
	case CMD_PREV_PAGE: index_move(t, cur - page(t)); break;
	case CMD_HALF_DOWN: index_move(t, cur + page(t) / 2); break;
	case CMD_HALF_UP: index_move(t, cur - page(t) / 2); break;
	case CMD_FIRST_ENTRY: index_move(t, 0); break;
	case CMD_LAST_ENTRY: index_move(t, (long)ml->n_rows - 1); break;
	case CMD_NEXT_UNREAD:
	case CMD_PREV_UNREAD: {
		long row = msglist_next_unread(ml, ml->cursor, c == CMD_NEXT_UNREAD ? 1 : -1);
		if (row < 0)
			tui_message(t, false, _("No more unread messages."));
		else
			index_move(t, row);
		break;
	}
	default:
		return false;
	}
	return true;
}

void index_key(struct tui *t, enum cmd c)
{
	if (move_key(t, c) || action_mail_command(t, c))
		return;
	switch (c) {
	case CMD_OPEN:
		if (t->ml.n_rows)
			action_open_message(t, t->ml.cursor_uid);
		break;
	case CMD_QUIT:
	case CMD_EXIT: quit(t); break;
	case CMD_SEARCH: ask_pattern(t, 1); break;
	case CMD_SEARCH_REVERSE: ask_pattern(t, -1); break;
	case CMD_SEARCH_NEXT:
	case CMD_SEARCH_OPPOSITE:
		if (!t->last_search)
			tui_message(t, true, _("No search yet."));
		else
			run_pattern(t, t->last_search,
				    c == CMD_SEARCH_NEXT ? t->last_search_dir : -t->last_search_dir);
		break;
	case CMD_LIMIT: ask_pattern(t, 0); break;
	case CMD_TAG_PATTERN: ask_pattern(t, 2); break;
	case CMD_UNTAG_PATTERN: ask_pattern(t, 3); break;
	case CMD_SORT:
		prompt_choice(t, _("Sort by (t)hreads, (d)ate, (f)rom, (s)ubject, si(z)e? "), "tdfsz",
			      NULL, sort_done, NULL);
		break;
	case CMD_SORT_REVERSE: msglist_set_sort(&t->ml, t->ml.sort, !t->ml.reverse); break;
	case CMD_COLLAPSE_THREAD:
		if (t->ml.sort != SORT_THREADS)
			tui_message(t, true, _("Threads are shown only when sorted by threads."));
		else
			msglist_toggle_collapse(&t->ml, t->ml.cursor);
		break;
	case CMD_COLLAPSE_ALL: msglist_toggle_collapse_all(&t->ml); break;
	case CMD_EXPUNGE: expunge(t); break;
	default:
		tui_message(t, true, _("%s does nothing here."), command_name(c));
		break;
	}
}

/* Commands the index and the pager share that are not about the selected
 * messages (actions.c has those). */
bool index_common_command(struct tui *t, enum cmd c)
{
	switch (c) {
	case CMD_CHANGE_FOLDER: ask_folder(t, t->cur_acct); return true;
	case CMD_CHANGE_ACCOUNT: ask_account(t); return true;
	case CMD_SIDEBAR_TOGGLE: t->sidebar = !t->sidebar; return true;
	case CMD_SIDEBAR_NEXT: sidebar_move(t, 1); return true;
	case CMD_SIDEBAR_PREV: sidebar_move(t, -1); return true;
	case CMD_SIDEBAR_OPEN:
		if (t->screen == SCR_PAGER)
			pager_close(t);
		t->screen = SCR_INDEX;
		sidebar_open(t);
		return true;
	case CMD_FETCH: fetch(t); return true;
	case CMD_OUTBOX: outbox_open(t); return true;
	case CMD_COMPOSE: case CMD_REPLY: case CMD_GROUP_REPLY: case CMD_LIST_REPLY:
	case CMD_FORWARD:
		compose_start(t, c);
		return true;
	default:
		return folders_command(t, c);
	}
}
