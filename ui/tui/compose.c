/* Writing mail: To and Subject prompts (with completion from the aliases
 * file and query_command), $EDITOR with curses suspended, the review screen
 * (edit headers, attach and detach, change the account it goes from, send,
 * postpone, abort). core/compose.h builds the messages; sending queues them
 * in the account's outbox (durable at once) and its worker sends them in
 * the background. */
#include "common.h"

#include <curses.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "core/account.h"
#include "core/compose.h"
#include "msg/compose.h"
#include "store/summary.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/width.h"

struct compose_state {
	size_t account;                 /* the account it goes from */
	struct msg_compose c;
	enum cmd how;
	bool reply;                     /* flag the original answered once sent */
	size_t orig_account;
	uint32_t orig_folder, orig_uid;
	size_t cursor;                  /* the attachment under the cursor */
	uint64_t req;                   /* a send or postpone under way */
	bool busy;
};

static struct compose_state *cs;

bool compose_unsaved(const struct tui *t)
{
	(void)t;
	return cs != NULL;
}

static struct compose_ctx ctx_of(struct tui *t, size_t account)
{
	return (struct compose_ctx){ account_conf(tui_account(t, account)), &t->conf->global,
				     NULL };
}

static void close_compose(struct tui *t)
{
	if (!cs)
		return;
	msg_compose_release(&cs->c);
	FREE(&cs);
	t->screen = t->pager.open ? SCR_PAGER : SCR_INDEX;
}

/* ---- The editor ---- */

static const char *editor_command(struct tui *t)
{
	if (t->conf->global.editor)
		return t->conf->global.editor;
	const char *e = getenv("VISUAL");
	if (!e || !*e)
		e = getenv("EDITOR");
	return e && *e ? e : "vi";
}

static char *shell_quote(const char *s)
{
	struct buf b = BUF_INIT;
	buf_addc(&b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			buf_adds(&b, "'\\''");
		else
			buf_addc(&b, *s);
	}
	buf_addc(&b, '\'');
	return buf_detach(&b, NULL);
}

static void review(struct tui *t);

static void edit_again_done(struct tui *t, void *aux, const char *answer, int choice);

/* Runs the editor on the message's text and reads it back. */
static void run_editor(struct tui *t)
{
	struct compose_ctx ctx = ctx_of(t, cs->account);
	struct buf text = BUF_INIT;
	compose_editor_text(&ctx, &cs->c, &text);
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/postie-XXXXXX.eml", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemps(path, 4);
	struct err err = ERR_INIT;
	if (fd < 0 || write(fd, text.data ? text.data : "", text.len) != (ssize_t)text.len) {
		tui_message(t, true, _("Cannot write %s: %s"), path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	close(fd);
	char *q = shell_quote(path);
	char *cmd = xasprintf("%s %s", editor_command(t), q);
	free(q);
	int st = tui_run_foreground(t, cmd);
	free(cmd);
	struct buf edited = BUF_INIT;
	if (st != 0) {
		tui_message(t, true, _("The editor exited with status %d; the message is as it was."),
			    st);
	} else if (file_read_all(path, &edited, &err) < 0 ||
		   compose_editor_read(&ctx, &cs->c, edited.data ? edited.data : "", edited.len,
				       &err) < 0) {
		char *q2 = xasprintf(_("%s Edit again?"), err_msg(&err));
		prompt_yesno(t, q2, true, edit_again_done, NULL);
		free(q2);
	}
	buf_release(&edited);
	err_clear(&err);
	unlink(path);
out:
	free(path);
	buf_release(&text);
	review(t);
}

static void edit_again_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)answer;
	if (choice && cs)
		run_editor(t);
}

/* ---- Addresses: aliases and query_command ---- */

struct alias {
	char *name, *value;
};

static struct alias *aliases;
static size_t n_aliases;
static bool aliases_loaded;

static void load_aliases(struct tui *t)
{
	if (aliases_loaded)
		return;
	aliases_loaded = true;
	const char *path = t->conf->global.aliases_file;
	struct buf text = BUF_INIT;
	if (!path || file_read_all(path, &text, NULL) < 0) {
		buf_release(&text);
		return;
	}
	char *save = NULL;
	for (char *line = strtok_r(text.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "alias", 5) != 0 || (p[5] != ' ' && p[5] != '\t'))
			continue;
		p += 5;
		while (*p == ' ' || *p == '\t')
			p++;
		char *name = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		if (!*p)
			continue;
		*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		aliases = xreallocarray(aliases, n_aliases + 1, sizeof *aliases);
		aliases[n_aliases++] = (struct alias){ xstrdup(name), xstrdup(p) };
	}
	buf_release(&text);
}

/* query_command's answer, as mutt reads it: a first line for people, then
 * "address<TAB>name<TAB>..." lines. */
static void query(struct tui *t, const char *word, char ***v, size_t *n)
{
	const char *qc = t->conf->global.query_command;
	if (!qc || !*word)
		return;
	char *q = shell_quote(word);
	struct buf cmd = BUF_INIT;
	for (const char *p = qc; *p; p++) {
		if (p[0] == '%' && p[1] == 's') {
			buf_adds(&cmd, q);
			p++;
		} else {
			buf_addc(&cmd, *p);
		}
	}
	free(q);
	FILE *f = popen(buf_cstr(&cmd), "r");
	buf_release(&cmd);
	if (!f)
		return;
	char line[1024];
	bool first = true;
	while (fgets(line, sizeof line, f)) {
		if (first) {
			first = false;
			continue;
		}
		line[strcspn(line, "\r\n")] = '\0';
		char *tab = strchr(line, '\t');
		char *addr = line, *name = NULL;
		if (tab) {
			*tab = '\0';
			name = tab + 1;
			char *tab2 = strchr(name, '\t');
			if (tab2)
				*tab2 = '\0';
		}
		if (!*addr)
			continue;
		*v = xreallocarray(*v, *n + 2, sizeof **v);
		(*v)[(*n)++] = name && *name ? xasprintf("%s <%s>", name, addr) : xstrdup(addr);
		(*v)[*n] = NULL;
	}
	pclose(f);
}

static char **complete_address(struct tui *t, void *aux, const char *word)
{
	(void)aux;
	load_aliases(t);
	char **v = xcalloc(1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < n_aliases; i++)
		if (*word && strncmp(aliases[i].name, word, strlen(word)) == 0) {
			v = xreallocarray(v, n + 2, sizeof *v);
			v[n++] = xstrdup(aliases[i].value);
			v[n] = NULL;
		}
	query(t, word, &v, &n);
	return v;
}

/* Expands aliases typed whole ("bob, carol" -> their addresses). */
static char *expand_aliases(struct tui *t, const char *list)
{
	load_aliases(t);
	struct buf out = BUF_INIT;
	char *copy = xstrdup(list), *save = NULL;
	for (char *w = strtok_r(copy, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		while (*w == ' ')
			w++;
		size_t len = strlen(w);
		while (len && w[len - 1] == ' ')
			w[--len] = '\0';
		if (!*w)
			continue;
		const char *value = w;
		for (size_t i = 0; i < n_aliases; i++)
			if (strcmp(aliases[i].name, w) == 0)
				value = aliases[i].value;
		buf_addf(&out, "%s%s", out.len ? ", " : "", value);
	}
	free(copy);
	return buf_detach(&out, NULL);
}

/* ---- Prompts for headers ---- */

enum field { F_TO, F_CC, F_BCC, F_SUBJECT, F_FROM };

static char **field_ptr(enum field f)
{
	switch (f) {
	case F_TO: return &cs->c.to;
	case F_CC: return &cs->c.cc;
	case F_BCC: return &cs->c.bcc;
	case F_SUBJECT: return &cs->c.subject;
	case F_FROM: return &cs->c.from;
	}
	return NULL;
}

/* What follows a prompt: nothing (editing a header on the review screen),
 * or the next step of starting a message. */
enum field_next { NEXT_NONE, NEXT_SUBJECT, NEXT_EDITOR };

struct field_job {
	enum field f;
	enum field_next next;
};

static void ask_field(struct tui *t, enum field f, enum field_next next);

static void field_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)choice;
	struct field_job *job = aux;
	enum field f = job->f;
	enum field_next next = job->next;
	bool start = next != NEXT_NONE;
	free(job);
	if (!cs)
		return;
	if (!answer) {
		if (start && f == F_TO) {
			tui_message(t, false, _("No recipients; nothing was written."));
			close_compose(t);
		}
		return;
	}
	char *value = f == F_SUBJECT ? xstrdup(answer) : expand_aliases(t, answer);
	if (f == F_TO && start && !*value) {
		free(value);
		tui_message(t, false, _("No recipients; nothing was written."));
		close_compose(t);
		return;
	}
	msg_compose_set(field_ptr(f), *value ? value : NULL);
	free(value);
	if (next == NEXT_SUBJECT)
		ask_field(t, F_SUBJECT, NEXT_EDITOR);
	else if (next == NEXT_EDITOR)
		run_editor(t);
}

static void ask_field(struct tui *t, enum field f, enum field_next next)
{
	static const char *const labels[] = { N_("To: "), N_("Cc: "), N_("Bcc: "), N_("Subject: "),
					      N_("From: ") };
	struct field_job *job = xcalloc(1, sizeof *job);
	job->f = f;
	job->next = next;
	struct prompt_opts o = {
		.label = _(labels[f]), .initial = *field_ptr(f),
		.history = f == F_SUBJECT ? HIST_SUBJECT : HIST_ADDRESS,
		.complete = f == F_SUBJECT ? NULL : complete_address,
		.word_after_comma = true,
	};
	prompt_line(t, &o, field_done, job);
}

/* ---- Starting ---- */

static void begin(struct tui *t, size_t account, enum cmd how)
{
	close_compose(t);
	cs = xcalloc(1, sizeof *cs);
	cs->account = account;
	cs->how = how;
	t->prev_screen = t->screen;
}

static void start_from_raw(struct tui *t, size_t account, enum cmd how, const char *raw,
			   size_t len, uint32_t folder, uint32_t uid)
{
	begin(t, account, how);
	struct compose_ctx ctx = ctx_of(t, account);
	struct err err = ERR_INIT;
	int rc = 0;
	if (how == CMD_FORWARD) {
		compose_forward(&ctx, raw, len, false, &cs->c);
	} else {
		enum msg_reply_kind k = how == CMD_GROUP_REPLY ? MSG_REPLY_GROUP
				      : how == CMD_LIST_REPLY ? MSG_REPLY_LIST : MSG_REPLY;
		rc = compose_reply(&ctx, raw, len, k, &cs->c, &err);
		cs->reply = true;
	}
	if (rc < 0) {
		tui_message(t, true, "%s", err_msg(&err));
		err_clear(&err);
		msg_compose_release(&cs->c);
		FREE(&cs);
		return;
	}
	cs->orig_account = account;
	cs->orig_folder = folder;
	cs->orig_uid = uid;
	if (how == CMD_FORWARD)
		ask_field(t, F_TO, NEXT_EDITOR);   /* a forward needs its recipient first */
	else
		run_editor(t);
}

void compose_got_body(struct tui *t, struct event *ev, enum cmd how)
{
	start_from_raw(t, ev->account, how, ev->data.data ? ev->data.data : "", ev->data.len,
		       ev->folder, ev->uid);
}

void compose_start(struct tui *t, enum cmd how)
{
	if (cs) {
		t->screen = SCR_COMPOSE;
		tui_message(t, false, _("Finish the message being written first (send, postpone or "
					"abort)."));
		return;
	}
	if (how == CMD_COMPOSE) {
		begin(t, t->cur_acct, how);
		struct compose_ctx ctx = ctx_of(t, t->cur_acct);
		compose_new(&ctx, &cs->c);
		ask_field(t, F_TO, NEXT_SUBJECT);
		return;
	}
	/* replies and forwards start from the message */
	if (t->screen == SCR_PAGER && t->pager.msg) {
		size_t len;
		const char *raw = msg_raw(t->pager.msg, &len);
		start_from_raw(t, t->pager.account, how, raw, len, t->pager.folder, t->pager.uid);
		return;
	}
	if (t->ml.n_rows == 0) {
		tui_message(t, true, _("No message here."));
		return;
	}
	struct request *r = request_new(REQ_GET_BODY);
	r->folder = t->ml.folder;
	r->uid = t->ml.cursor_uid;
	uint64_t id = tui_submit(t, t->ml.account, r);
	struct pend *p = tui_pend(t, id, t->ml.account, PEND_COMPOSE, _("Fetching the message"));
	p->search_dir = (int)how;
}

/* ---- The review screen ---- */

static void review(struct tui *t)
{
	if (cs)
		t->screen = SCR_COMPOSE;
}

/* The values start in one column: at label_w, the widest translated label. */
static void header_line(struct tui *t, int y, int label_w, const char *name, const char *value)
{
	draw_set(t, EL_HEADER_NAME);
	draw_text(t, y, 0, name, strlen(name), t->cols, false);
	draw_set(t, EL_HEADER);
	char *safe = sanitize_dup(value ? value : "", 0);
	draw_text(t, y, label_w + 1, safe, strlen(safe), t->cols - label_w - 1, false);
	free(safe);
	draw_set(t, EL_NORMAL);
}

/* The header block, values aligned after the widest translated label:
 * returns the row after it. */
static int draw_headers(struct tui *t, int y)
{
	const struct account_conf *a = account_conf(tui_account(t, cs->account));
	const char *label[] = { _("From:"), _("To:"), _("Cc:"), _("Bcc:"), _("Subject:"),
				_("Account:") };
	int lw = 0;
	for (size_t i = 0; i < sizeof label / sizeof *label; i++)
		if ((int)utf8_width(label[i], strlen(label[i])) > lw)
			lw = (int)utf8_width(label[i], strlen(label[i]));
	header_line(t, y++, lw, label[0], cs->c.from);
	header_line(t, y++, lw, label[1], cs->c.to);
	header_line(t, y++, lw, label[2], cs->c.cc);
	header_line(t, y++, lw, label[3], cs->c.bcc);
	header_line(t, y++, lw, label[4], cs->c.subject);
	char *acct = xasprintf(_("%s (smtp %s)"), a->account, a->smtp_host ? a->smtp_host
							   : _("none: cannot send"));
	header_line(t, y++, lw, label[5], acct);
	free(acct);
	return y;
}

void compose_draw(struct tui *t, int top, int height)
{
	if (!cs)
		return;
	int y = draw_headers(t, top);
	y++;
	struct buf b = BUF_INIT;
	size_t lines = 0;
	for (size_t i = 0; i < cs->c.body.len; i++)
		lines += cs->c.body.data[i] == '\n';
	buf_addf(&b, ngettext("-- %zu line of text, ", "-- %zu lines of text, ", lines), lines);
	buf_addf(&b, ngettext("%zu attachment --", "%zu attachments --", cs->c.parts.n),
		 cs->c.parts.n);
	draw_text(t, y++, 0, b.data, b.len, t->cols, false);
	if (cs->cursor >= cs->c.parts.n)
		cs->cursor = cs->c.parts.n ? cs->c.parts.n - 1 : 0;
	for (size_t i = 0; i < cs->c.parts.n && y < top + height; i++) {
		const struct msg_compose_part *p = &cs->c.parts.v[i];
		buf_reset(&b);
		const char *name = p->name ? p->name : p->path ? p->path : _("(unnamed)");
		buf_addf(&b, "%3zu [%s] ", i + 1, p->type ? p->type : _("type from content"));
		sanitize_append(&b, name, strlen(name), 0);
		draw_set(t, i == cs->cursor ? EL_INDICATOR : EL_ATTACHMENT);
		draw_text(t, y++, 0, b.data, b.len, t->cols, true);
	}
	draw_set(t, EL_NORMAL);
	if (cs->busy) {
		const char *w = _("Working...");
		draw_text(t, top + height - 1, 0, w, strlen(w), t->cols, false);
	}
	buf_release(&b);
}

static void attach_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)choice;
	if (!cs || !answer || !*answer)
		return;
	const char *home = getenv("HOME");
	char *path = answer[0] == '~' && answer[1] == '/' && home
		? xasprintf("%s%s", home, answer + 1) : xstrdup(answer);
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
		tui_message(t, true, _("%s is not a file that can be attached."), path);
	else
		msg_compose_attach_file(&cs->c, path, NULL, NULL);
	free(path);
}

static void drop_part(size_t i)
{
	struct msg_compose_part *p = &cs->c.parts.v[i];
	free(p->path);
	buf_release(&p->data);
	free(p->name);
	free(p->type);
	free(p->description);
	memmove(p, p + 1, (cs->c.parts.n - i - 1) * sizeof *p);
	cs->c.parts.n--;
}

static char **complete_account(struct tui *t, void *aux, const char *word)
{
	(void)aux;
	char **v = xcalloc(t->n_accts + 1, sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < t->n_accts; i++)
		if (strncmp(account_name(tui_account(t, i)), word, strlen(word)) == 0)
			v[n++] = xstrdup(account_name(tui_account(t, i)));
	return v;
}

static void from_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)choice;
	if (!cs || !answer || !*answer)
		return;
	for (size_t i = 0; i < t->n_accts; i++)
		if (strcmp(account_name(tui_account(t, i)), answer) == 0) {
			struct compose_identity ci;
			compose_identity_init(&ci, account_conf(tui_account(t, i)));
			char *from = msg_identity_format(&ci.id);
			msg_compose_set(&cs->c.from, from);
			free(from);
			compose_identity_release(&ci);
			cs->account = i;
			return;
		}
	tui_message(t, true, _("No account %s."), answer);
}

static void abort_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)answer;
	if (choice) {
		close_compose(t);
		tui_message(t, false, _("Message thrown away."));
	}
}

static void submit(struct tui *t, enum req_kind kind)
{
	struct request *r = request_new(kind);
	r->payload = &cs->c;            /* the UI keeps it; it waits for the reply */
	cs->busy = true;
	cs->req = tui_submit(t, cs->account, r);
	tui_pend(t, cs->req, cs->account, PEND_COMPOSE_DONE,
		 kind == REQ_SEND ? _("Queueing the message") : _("Saving the draft"))
		->search_dir = kind;
}

void compose_finished(struct tui *t, struct event *ev, int kind)
{
	if (!cs || ev->in_reply_to != cs->req)
		return;
	cs->busy = false;
	if (ev->kind != EV_DONE) {
		if (ev->kind == EV_ERROR)
			tui_message(t, true, "%s", err_msg(&ev->err));
		return;   /* stay on the review screen to fix it */
	}
	if (kind == REQ_SEND && cs->reply && cs->orig_account == t->ml.account &&
	    cs->orig_folder == t->ml.folder)
		action_set_flags(t, &cs->orig_uid, 1, MSG_ANSWERED, 0);
	tui_message(t, false, kind == REQ_SEND ? _("Message queued; sending it in the background.")
					       : _("Message postponed to Drafts."));
	close_compose(t);
}

void compose_key(struct tui *t, enum cmd c)
{
	if (!cs) {
		t->screen = SCR_INDEX;
		return;
	}
	if (cs->busy) {
		tui_message(t, false, _("Wait a moment: the message is being stored."));
		return;
	}
	switch (c) {
	case CMD_EDIT_TO: ask_field(t, F_TO, NEXT_NONE); break;
	case CMD_EDIT_CC: ask_field(t, F_CC, NEXT_NONE); break;
	case CMD_EDIT_BCC: ask_field(t, F_BCC, NEXT_NONE); break;
	case CMD_EDIT_SUBJECT: ask_field(t, F_SUBJECT, NEXT_NONE); break;
	case CMD_EDIT_MESSAGE: run_editor(t); break;
	case CMD_EDIT_FROM: {
		struct prompt_opts o = { .label = _("Send from account: "),
					 .complete = complete_account };
		prompt_line(t, &o, from_done, NULL);
		break;
	}
	case CMD_ATTACH_FILE: {
		struct prompt_opts o = { .label = _("Attach file: "), .history = HIST_FILE,
					 .complete = prompt_complete_path };
		prompt_line(t, &o, attach_done, NULL);
		break;
	}
	case CMD_DETACH_FILE:
		if (cs->c.parts.n)
			drop_part(cs->cursor);
		break;
	case CMD_NEXT_ENTRY:
		if (cs->cursor + 1 < cs->c.parts.n)
			cs->cursor++;
		break;
	case CMD_PREV_ENTRY:
		if (cs->cursor)
			cs->cursor--;
		break;
	case CMD_SEND: submit(t, REQ_SEND); break;
	case CMD_POSTPONE: submit(t, REQ_POSTPONE); break;
	case CMD_ABORT:
	case CMD_EXIT:
		prompt_yesno(t, _("Throw this message away?"), false, abort_done, NULL);
		break;
	default:
		tui_message(t, true, _("%s does nothing here."), command_name(c));
		break;
	}
}

void compose_release_all(void)
{
	if (cs) {
		msg_compose_release(&cs->c);
		FREE(&cs);
	}
	for (size_t i = 0; i < n_aliases; i++) {
		free(aliases[i].name);
		free(aliases[i].value);
	}
	FREE(&aliases);
	n_aliases = 0;
	aliases_loaded = false;
}
