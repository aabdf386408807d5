/* The pager: one message, rendered by msg/ (headers, quoted text, HTML,
 * attachment lines), or raw; search in it; and its attachments list. */
#include "common.h"

#include <curses.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/account.h"
#include "msg/msg.h"
#include "store/summary.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"
#include "util/width.h"

void pager_close(struct tui *t)
{
	struct pager *pg = &t->pager;
	msg_free(&pg->msg);
	if (pg->view) {
		msg_view_release(pg->view);
		FREE(&pg->view);
	}
	buf_release(&pg->raw_text);
	FREE(&pg->raw_lines);
	pg->n_raw_lines = 0;
	pg->open = false;
	pg->waiting = false;
	pg->req = 0;
	pg->raw = false;
	pg->attach_cursor = pg->attach_top = 0;
	if (t->screen == SCR_PAGER || t->screen == SCR_ATTACH)
		t->screen = SCR_INDEX;
}

/* ---- Rendering ---- */

static char **header_list(const char *spec, char **storage)
{
	*storage = xstrdup(spec);
	size_t n = 0, cap = 8;
	char **v = xcalloc(cap, sizeof *v);
	char *save = NULL;
	for (char *h = strtok_r(*storage, ", \t", &save); h; h = strtok_r(NULL, ", \t", &save)) {
		if (n + 1 >= cap)
			v = xreallocarray(v, cap *= 2, sizeof *v);
		v[n++] = h;
	}
	v[n] = NULL;
	return v;
}

static void render(struct tui *t)
{
	struct pager *pg = &t->pager;
	if (!pg->msg)
		return;
	unsigned width = (unsigned)(t->cols > 20 ? t->cols : 20);
	if (pg->view && pg->view_width == width)
		return;
	if (pg->view)
		msg_view_release(pg->view);
	else
		pg->view = xcalloc(1, sizeof *pg->view);
	struct msg_render_opts o;
	msg_render_opts_init(&o);
	o.width = width;
	const char *spec = t->conf->global.show_headers;
	char *storage = NULL;
	char **list = NULL;
	if (pg->all_headers || (spec && strcmp(spec, "all") == 0))
		o.all_headers = true;
	else if (spec)
		o.headers = (const char *const *)(list = header_list(spec, &storage));
	o.prefer_html = t->conf->global.prefer_html;
	bool mailcap = !t->conf->global.set_html_mailcap || t->conf->global.html_mailcap;
	o.mailcap = mailcap ? t->mailcap : NULL;
	msg_render(pg->msg, &o, pg->view);
	pg->view_width = width;
	free(list);
	free(storage);
}

/* The raw message as lines: tabs expanded, made safe. */
static void build_raw(struct pager *pg)
{
	size_t len;
	const char *raw = msg_raw(pg->msg, &len);
	buf_reset(&pg->raw_text);
	size_t cap = 64, n = 0;
	size_t *lines = xcalloc(cap, sizeof *lines);
	struct buf line = BUF_INIT;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && raw[i] != '\n') {
			if (raw[i] == '\t')
				do buf_addc(&line, ' '); while (line.len % 8);
			else if (raw[i] != '\r' || (i + 1 < len && raw[i + 1] != '\n'))
				buf_addc(&line, raw[i]);
			continue;
		}
		if (i == len && line.len == 0)
			break;
		if (n == cap)
			lines = xreallocarray(lines, cap *= 2, sizeof *lines);
		lines[n++] = pg->raw_text.len;
		sanitize_append(&pg->raw_text, line.data ? line.data : "", line.len, 0);
		buf_addc(&pg->raw_text, '\0');
		buf_reset(&line);
	}
	buf_release(&line);
	free(pg->raw_lines);
	pg->raw_lines = lines;
	pg->n_raw_lines = n;
}

static size_t n_lines(struct tui *t)
{
	struct pager *pg = &t->pager;
	if (pg->raw)
		return pg->n_raw_lines;
	return pg->view ? pg->view->lines.n : 0;
}

static const char *line_text(struct tui *t, size_t i)
{
	struct pager *pg = &t->pager;
	if (pg->raw)
		return pg->raw_text.data + pg->raw_lines[i];
	return msg_line_text(pg->view, i);
}

void pager_show_body(struct tui *t, struct event *ev)
{
	struct pager *pg = &t->pager;
	pg->waiting = false;
	msg_free(&pg->msg);
	pg->msg = msg_parse(ev->data.data ? ev->data.data : "", ev->data.len);
	pg->view_width = 0;
	pg->top = 0;
	render(t);
	long f = msglist_flags(&t->ml, pg->uid);
	if (f >= 0 && !(f & MSG_SEEN) && pg->account == t->ml.account && pg->folder == t->ml.folder)
		action_set_flags(t, &pg->uid, 1, MSG_SEEN, 0);
}

/* ---- Drawing ---- */

static enum ui_element line_element(const struct msg_line *l, bool *in_sig, const char *text)
{
	switch (l->kind) {
	case MSG_LINE_HEADER: *in_sig = false; return EL_HEADER;
	case MSG_LINE_ATTACHMENT: *in_sig = false; return EL_ATTACHMENT;
	case MSG_LINE_NOTICE: return EL_NOTICE;
	case MSG_LINE_LINK: return EL_LINK;
	case MSG_LINE_BODY: break;
	}
	if (strcmp(text, "-- ") == 0)
		*in_sig = true;
	if (*in_sig)
		return EL_SIGNATURE;
	if (l->quote)
		return (enum ui_element)(EL_QUOTED1 + (l->quote - 1) % 4);
	return EL_NORMAL;
}

/* Draws text with the matches of the search highlighted. */
static void draw_with_matches(struct tui *t, int y, const char *s, enum ui_element el,
			      const char *needle)
{
	size_t len = strlen(s), nlen = needle ? strlen(needle) : 0;
	int x = 0;
	size_t i = 0;
	bool fold = true;
	for (const char *n = needle; n && *n; n++)
		if (*n >= 'A' && *n <= 'Z')
			fold = false;
	while (i < len && x < t->cols) {
		const char *hit = nlen ? (fold ? str_casestr(s + i, needle) : strstr(s + i, needle))
				       : NULL;
		size_t end = hit ? (size_t)(hit - s) : len;
		draw_set(t, el);
		x += draw_text(t, y, x, s + i, end - i, t->cols - x, false);
		if (!hit)
			break;
		draw_set(t, EL_SEARCH);
		x += draw_text(t, y, x, hit, nlen, t->cols - x, false);
		i = end + nlen;
	}
	draw_set(t, EL_NORMAL);
}

void pager_draw(struct tui *t, int top, int height)
{
	struct pager *pg = &t->pager;
	if (pg->waiting || !pg->msg) {
		const char *text = pg->waiting ? _("Fetching the message...") : _("No message.");
		draw_text(t, top, 1, text, strlen(text), t->cols - 1, false);
		return;
	}
	render(t);
	size_t n = n_lines(t);
	if (pg->top >= n)
		pg->top = n ? n - 1 : 0;
	bool in_sig = false;
	/* the signature state of lines above the screen */
	for (size_t i = 0; !pg->raw && i < pg->top; i++)
		line_element(&pg->view->lines.v[i], &in_sig, msg_line_text(pg->view, i));
	for (int y = 0; y < height; y++) {
		size_t i = pg->top + (size_t)y;
		if (i >= n) {
			draw_set(t, EL_MARKER);
			mvaddstr(top + y, 0, "~");
			continue;
		}
		const char *text = line_text(t, i);
		if (pg->raw) {
			draw_with_matches(t, top + y, text, EL_NORMAL, pg->search);
			continue;
		}
		const struct msg_line *l = &pg->view->lines.v[i];
		enum ui_element el = line_element(l, &in_sig, text);
		if (l->kind == MSG_LINE_HEADER && l->label_len) {
			draw_set(t, EL_HEADER_NAME);
			int x = draw_text(t, top + y, 0, text, l->label_len, t->cols, false);
			draw_set(t, el);
			draw_text(t, top + y, x, text + l->label_len, strlen(text) - l->label_len,
				  t->cols - x, false);
		} else {
			draw_with_matches(t, top + y, text, el, pg->search);
		}
	}
	draw_set(t, EL_NORMAL);
}

/* ---- Search in the message ---- */

static void search_from(struct tui *t, size_t from, int dir)
{
	struct pager *pg = &t->pager;
	size_t n = n_lines(t);
	bool fold = true;
	for (const char *s = pg->search; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			fold = false;
	for (size_t k = 1; k <= n; k++) {
		size_t i = (from + n + (size_t)((long)dir * (long)k)) % n;
		const char *text = line_text(t, i);
		if (fold ? str_casestr(text, pg->search) != NULL : strstr(text, pg->search) != NULL) {
			pg->top = i;
			return;
		}
	}
	tui_message(t, true, _("Not found."));
}

static void search_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	int dir = (int)(intptr_t)aux;
	if (!answer || !*answer)
		return;
	free(t->pager.search);
	t->pager.search = xstrdup(answer);
	search_from(t, t->pager.top, dir);
}

/* ---- Keys ---- */

static void other_message(struct tui *t, long row)
{
	if (row < 0 || row >= (long)t->ml.n_rows) {
		tui_message(t, false, _("No more messages."));
		return;
	}
	index_move(t, row);
	action_open_message(t, t->ml.cursor_uid);
}

static bool scroll_key(struct tui *t, enum cmd c)
{
	struct pager *pg = &t->pager;
	size_t n = n_lines(t);
	size_t page = t->rows > 4 ? (size_t)t->rows - 4 : 1;
	switch (c) {
	case CMD_NEXT_LINE: if (pg->top + 1 < n) pg->top++; break;
	case CMD_PREV_LINE: if (pg->top) pg->top--; break;
	case CMD_NEXT_PAGE:
		if (pg->top + page < n)
			pg->top += page;
		else
			other_message(t, (long)t->ml.cursor + 1);   /* space at the end: next */
		break;
	case CMD_PREV_PAGE: pg->top = pg->top > page ? pg->top - page : 0; break;
	case CMD_HALF_DOWN: if (pg->top + page / 2 < n) pg->top += page / 2; break;
	case CMD_HALF_UP: pg->top = pg->top > page / 2 ? pg->top - page / 2 : 0; break;
	case CMD_TOP: pg->top = 0; break;
	case CMD_BOTTOM: pg->top = n > page ? n - page : 0; break;
	default: return false;
	}
	return true;
}

void pager_key(struct tui *t, enum cmd c)
{
	struct pager *pg = &t->pager;
	if (scroll_key(t, c))
		return;
	switch (c) {
	case CMD_EXIT:
	case CMD_QUIT:
		pager_close(t);
		return;
	case CMD_NEXT_ENTRY: other_message(t, (long)t->ml.cursor + 1); return;
	case CMD_PREV_ENTRY: other_message(t, (long)t->ml.cursor - 1); return;
	case CMD_NEXT_UNREAD:
	case CMD_PREV_UNREAD:
		other_message(t, msglist_next_unread(&t->ml, t->ml.cursor,
						     c == CMD_NEXT_UNREAD ? 1 : -1));
		return;
	case CMD_TOGGLE_HEADERS:
		pg->all_headers = !pg->all_headers;
		pg->view_width = 0;
		pg->top = 0;
		return;
	case CMD_VIEW_RAW:
		if (!pg->msg)
			return;
		pg->raw = !pg->raw;
		if (pg->raw)
			build_raw(pg);
		pg->top = 0;
		return;
	case CMD_VIEW_ATTACH:
		if (pg->msg)
			t->screen = SCR_ATTACH;
		return;
	case CMD_SEARCH:
	case CMD_SEARCH_REVERSE: {
		struct prompt_opts o = { .label = c == CMD_SEARCH ? _("Search for: ")
								  : _("Reverse search for: "),
					 .history = HIST_SEARCH };
		prompt_line(t, &o, search_done, (void *)(intptr_t)(c == CMD_SEARCH ? 1 : -1));
		return;
	}
	case CMD_SEARCH_NEXT:
	case CMD_SEARCH_OPPOSITE:
		if (pg->search && n_lines(t))
			search_from(t, pg->top, c == CMD_SEARCH_NEXT ? 1 : -1);
		return;
	case CMD_DELETE: {
		action_mail_command(t, c);
		other_message(t, (long)t->ml.cursor + 1);
		return;
	}
	default:
		if (!action_mail_command(t, c))
			tui_message(t, true, _("%s does nothing here."), command_name(c));
		return;
	}
}

/* ---- Attachments ---- */

void attach_draw(struct tui *t, int top, int height)
{
	struct pager *pg = &t->pager;
	size_t n = pg->msg ? msg_attachment_count(pg->msg) : 0;
	if (n == 0) {
		const char *text = _("The message has no attachments.");
		draw_text(t, top, 1, text, strlen(text), t->cols - 1, false);
		return;
	}
	if (pg->attach_cursor >= n)
		pg->attach_cursor = n - 1;
	if (pg->attach_cursor < pg->attach_top)
		pg->attach_top = pg->attach_cursor;
	if (pg->attach_cursor >= pg->attach_top + (size_t)height)
		pg->attach_top = pg->attach_cursor - (size_t)height + 1;
	struct buf b = BUF_INIT;
	for (int y = 0; y < height && pg->attach_top + (size_t)y < n; y++) {
		size_t i = pg->attach_top + (size_t)y + 1;
		const struct msg_part *p = msg_attachment(pg->msg, i);
		char *size = msg_size_text(p->size);
		buf_reset(&b);
		buf_addf(&b, "%3zu %*s[%s, %s] ", i, (int)(p->depth > 1 ? 2 * (p->depth - 1) : 0), "",
			 p->type, size);
		free(size);
		if (p->filename)
			sanitize_append(&b, p->filename, strlen(p->filename), 0);
		else if (p->description)
			sanitize_append(&b, p->description, strlen(p->description), 0);
		draw_set(t, i - 1 == pg->attach_cursor ? EL_INDICATOR : EL_NORMAL);
		draw_text(t, top + y, 0, b.data, b.len, t->cols, true);
	}
	draw_set(t, EL_NORMAL);
	buf_release(&b);
}

struct save_job {
	size_t number;
	char *path;
};

static void save_to(struct tui *t, struct save_job *job, bool overwrite);

static void overwrite_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)answer;
	struct save_job *job = aux;
	if (choice)
		save_to(t, job, true);
	free(job->path);
	free(job);
}

static void save_to(struct tui *t, struct save_job *job, bool overwrite)
{
	const struct msg_part *p = msg_attachment(t->pager.msg, job->number);
	if (!p)
		return;
	char *dir = xstrdup(job->path), *name = NULL;
	char *slash = strrchr(dir, '/');
	if (slash && slash[1]) {
		name = xstrdup(slash + 1);
		slash[1] = '\0';
	} else if (!slash) {
		name = dir;
		dir = xstrdup(".");
	}
	struct err err = ERR_INIT;
	char *path = NULL;
	int r = msg_part_save(t->pager.msg, p, dir, name, overwrite, &path, &err);
	if (r == MSG_SAVE_EXISTS) {
		char *q = xasprintf(_("%s exists. Replace it?"), job->path);
		struct save_job *again = xcalloc(1, sizeof *again);
		again->number = job->number;
		again->path = xstrdup(job->path);
		prompt_yesno(t, q, false, overwrite_done, again);
		free(q);
	} else if (r < 0) {
		tui_message(t, true, "%s", err_msg(&err));
	} else {
		tui_message(t, false, _("Saved %s."), path);
	}
	err_clear(&err);
	free(path);
	free(dir);
	free(name);
}

static void save_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	struct save_job *job = aux;
	if (answer && *answer) {
		const char *home = getenv("HOME");
		job->path = answer[0] == '~' && answer[1] == '/' && home
			? xasprintf("%s%s", home, answer + 1) : xstrdup(answer);
		save_to(t, job, false);
		free(job->path);
	}
	free(job);
}

static void ask_save(struct tui *t)
{
	struct pager *pg = &t->pager;
	const struct msg_part *p = msg_attachment(pg->msg, pg->attach_cursor + 1);
	if (!p)
		return;
	char *name = msg_part_save_name(p);
	struct save_job *job = xcalloc(1, sizeof *job);
	job->number = pg->attach_cursor + 1;
	struct prompt_opts o = { .label = _("Save attachment to: "), .initial = name,
				 .history = HIST_FILE, .complete = prompt_complete_path };
	prompt_line(t, &o, save_done, job);
	free(name);
}

/* Runs a mailcap viewer: in the terminal (curses suspended) when it needs
 * it or prints text, so that its output can be read. */
static void open_attachment(struct tui *t)
{
	struct pager *pg = &t->pager;
	const struct msg_part *p = msg_attachment(pg->msg, pg->attach_cursor + 1);
	if (!p)
		return;
	struct msg_open o;
	struct err err = ERR_INIT;
	if (msg_part_open_prepare(pg->msg, p, t->mailcap, &o, &err) < 0) {
		tui_message(t, true, "%s", err_msg(&err));
		err_clear(&err);
		return;
	}
	char *cmd = o.on_stdin ? xasprintf("%s < '%s'", o.command, o.path) : xstrdup(o.command);
	if (o.copiousoutput) {
		char *paged = xasprintf("(%s) | ${PAGER:-less}", cmd);
		free(cmd);
		cmd = paged;
	}
	int st = tui_run_foreground(t, cmd);
	if (st != 0)
		tui_message(t, true, _("The viewer exited with status %d."), st);
	free(cmd);
	msg_open_release(&o);
}

void attach_key(struct tui *t, enum cmd c)
{
	struct pager *pg = &t->pager;
	size_t n = pg->msg ? msg_attachment_count(pg->msg) : 0;
	switch (c) {
	case CMD_NEXT_ENTRY: if (pg->attach_cursor + 1 < n) pg->attach_cursor++; break;
	case CMD_PREV_ENTRY: if (pg->attach_cursor) pg->attach_cursor--; break;
	case CMD_FIRST_ENTRY: pg->attach_cursor = 0; break;
	case CMD_LAST_ENTRY: pg->attach_cursor = n ? n - 1 : 0; break;
	case CMD_SAVE_ATTACH: if (n) ask_save(t); break;
	case CMD_OPEN_ATTACH:
	case CMD_OPEN: if (n) open_attachment(t); break;
	case CMD_EXIT:
		t->screen = pg->open ? SCR_PAGER : SCR_INDEX;
		break;
	default:
		tui_message(t, true, _("%s does nothing here."), command_name(c));
		break;
	}
}
