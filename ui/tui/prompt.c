#include "common.h"

#include <curses.h>
#include <dirent.h>

#include "cli/cli.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/array.h"
#include "util/sanitize.h"
#include "util/strutil.h"
#include "util/width.h"

enum prompt_kind { P_LINE, P_YESNO, P_CHOICE };

struct prompt {
	enum prompt_kind kind;
	struct prompt_opts o;
	char *label, *detail, *choices;
	struct buf text;
	size_t cursor;          /* byte offset in text */
	bool default_yes;
	prompt_done_fn *done;
	void *aux;
	long hist_pos;          /* -1: not browsing */
	char *hist_saved;       /* the line being edited before browsing */
};

static ARRAY(char *) history[HIST_N];

void prompt_history_release(void)
{
	for (int h = 0; h < HIST_N; h++) {
		for (size_t i = 0; i < history[h].n; i++)
			free(history[h].v[i]);
		ARRAY_RELEASE(&history[h]);
	}
}

static void history_add(enum prompt_history h, const char *s)
{
	if (h == HIST_NONE || !*s)
		return;
	if (history[h].n && strcmp(history[h].v[history[h].n - 1], s) == 0)
		return;
	ARRAY_PUSH(&history[h], xstrdup(s));
	if (history[h].n > 200) {
		free(history[h].v[0]);
		memmove(history[h].v, history[h].v + 1, --history[h].n * sizeof *history[h].v);
	}
}

static struct prompt *open_prompt(struct tui *t, enum prompt_kind kind, const char *label,
				  const char *detail, prompt_done_fn *done, void *aux)
{
	if (t->prompt)
		prompt_cancel(t);
	struct prompt *p = xcalloc(1, sizeof *p);
	p->kind = kind;
	p->label = xstrdup(label);
	p->detail = detail ? xstrdup(detail) : NULL;
	p->done = done;
	p->aux = aux;
	p->hist_pos = -1;
	t->prompt = p;
	FREE(&t->message);
	return p;
}

void prompt_line(struct tui *t, const struct prompt_opts *o, prompt_done_fn *done, void *aux)
{
	struct prompt *p = open_prompt(t, P_LINE, o->label, o->detail, done, aux);
	p->o = *o;
	p->o.label = p->label;
	p->o.detail = p->detail;
	p->o.initial = NULL;
	if (o->initial)
		buf_adds(&p->text, o->initial);
	p->cursor = p->text.len;
}

void prompt_yesno(struct tui *t, const char *question, bool default_yes, prompt_done_fn *done,
		  void *aux)
{
	struct prompt *p = open_prompt(t, P_YESNO, question, NULL, done, aux);
	p->default_yes = default_yes;
}

void prompt_choice(struct tui *t, const char *question, const char *choices,
		   const char *detail, prompt_done_fn *done, void *aux)
{
	struct prompt *p = open_prompt(t, P_CHOICE, question, detail, done, aux);
	p->choices = xstrdup(choices);
}

static void close_prompt(struct tui *t, const char *answer, int choice)
{
	struct prompt *p = t->prompt;
	t->prompt = NULL;
	if (answer && p->kind == P_LINE && !p->o.secret)
		history_add(p->o.history, answer);
	prompt_done_fn *done = p->done;
	void *aux = p->aux;
	char *copy = answer ? xstrdup(answer) : NULL;
	if (p->o.secret)
		explicit_bzero(p->text.data ? p->text.data : (char *)"", p->text.len);
	buf_release(&p->text);
	free(p->label);
	free(p->detail);
	free(p->choices);
	free(p->hist_saved);
	free(p);
	done(t, aux, copy, choice);
	if (copy) {
		explicit_bzero(copy, strlen(copy));
		free(copy);
	}
}

void prompt_cancel(struct tui *t)
{
	if (t->prompt)
		close_prompt(t, NULL, 0);
}

/* ---- Editing ---- */

static size_t prev_char(const struct buf *b, size_t i)
{
	/* back over continuation bytes and combining marks to a base character */
	while (i > 0) {
		i--;
		if (((unsigned char)b->data[i] & 0xC0) == 0x80)
			continue;
		unsigned cp;
		if (utf8_decode(b->data + i, b->len - i, &cp) && uc_width(cp) == 0 && i > 0)
			continue;
		break;
	}
	return i;
}

static size_t next_char(const struct buf *b, size_t i)
{
	if (i >= b->len)
		return b->len;
	do {
		unsigned cp;
		size_t n = utf8_decode(b->data + i, b->len - i, &cp);
		i += n ? n : 1;
		if (i >= b->len)
			break;
		n = utf8_decode(b->data + i, b->len - i, &cp);
		if (!n || uc_width(cp) != 0)
			break;
	} while (i < b->len);
	return i;
}

static bool is_blank_at(const struct buf *b, size_t i)
{
	return b->data[i] == ' ' || b->data[i] == ',';
}

static size_t word_left(const struct buf *b, size_t i)
{
	while (i > 0 && is_blank_at(b, i - 1))
		i--;
	while (i > 0 && !is_blank_at(b, i - 1))
		i--;
	return i;
}

static size_t word_right(const struct buf *b, size_t i)
{
	while (i < b->len && is_blank_at(b, i))
		i++;
	while (i < b->len && !is_blank_at(b, i))
		i++;
	return i;
}

static void erase_range(struct prompt *p, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(p->text.data + from, p->text.data + to, p->text.len - to);
	buf_truncate(&p->text, p->text.len - (to - from));
	p->cursor = from;
}

static void insert(struct prompt *p, const char *s, size_t n)
{
	size_t tail = p->text.len - p->cursor;
	buf_grow(&p->text, n);
	buf_add(&p->text, s, n);   /* grows len; then move the tail after the insert */
	memmove(p->text.data + p->cursor + n, p->text.data + p->cursor, tail);
	memcpy(p->text.data + p->cursor, s, n);
	p->cursor += n;
}

static void set_text(struct prompt *p, const char *s)
{
	buf_reset(&p->text);
	buf_adds(&p->text, s);
	p->cursor = p->text.len;
}

static void history_move(struct prompt *p, int dir)
{
	enum prompt_history h = p->o.history;
	if (h == HIST_NONE || history[h].n == 0)
		return;
	long pos = p->hist_pos < 0 ? (long)history[h].n : p->hist_pos;
	pos += dir;
	if (pos < 0)
		return;
	if (p->hist_pos < 0)
		p->hist_saved = xstrdup(buf_cstr(&p->text));
	if (pos >= (long)history[h].n) {
		set_text(p, p->hist_saved ? p->hist_saved : "");
		p->hist_pos = -1;
		FREE(&p->hist_saved);
		return;
	}
	p->hist_pos = pos;
	set_text(p, history[h].v[pos]);
}

static void complete(struct tui *t, struct prompt *p)
{
	if (!p->o.complete)
		return;
	size_t start = p->cursor;
	if (p->o.word_after_comma) {
		while (start > 0 && p->text.data[start - 1] != ',')
			start--;
		while (start < p->cursor && p->text.data[start] == ' ')
			start++;
	} else {
		start = 0;
	}
	char *word = xstrndup(p->text.data ? p->text.data + start : "", p->cursor - start);
	char **cands = p->o.complete(t, p->aux, word);
	size_t n = 0;
	while (cands && cands[n])
		n++;
	if (n == 0) {
		tui_message(t, false, _("no completion for '%s'"), word);
	} else {
		/* the longest common prefix of the candidates */
		size_t common = strlen(cands[0]);
		for (size_t i = 1; i < n; i++) {
			size_t k = 0;
			while (k < common && cands[i][k] == cands[0][k])
				k++;
			common = k;
		}
		if (common >= strlen(word) || n == 1) {
			erase_range(p, start, p->cursor);
			insert(p, cands[0], n == 1 ? strlen(cands[0]) : common);
		}
		if (n > 1) {
			struct buf list = BUF_INIT;
			for (size_t i = 0; i < n && list.len < 400; i++)
				buf_addf(&list, "%s%s", i ? "  " : "", cands[i]);
			char *safe = sanitize_dup(buf_cstr(&list), 0);
			tui_message(t, false, "%s", safe);
			free(safe);
			buf_release(&list);
		}
	}
	for (size_t i = 0; i < n; i++)
		free(cands[i]);
	free(cands);
	free(word);
}

static void line_command(struct tui *t, struct prompt *p, enum cmd c)
{
	switch (c) {
	case CMD_BACKWARD_CHAR: p->cursor = prev_char(&p->text, p->cursor); break;
	case CMD_FORWARD_CHAR: p->cursor = next_char(&p->text, p->cursor); break;
	case CMD_BACKWARD_WORD: p->cursor = word_left(&p->text, p->cursor); break;
	case CMD_FORWARD_WORD: p->cursor = word_right(&p->text, p->cursor); break;
	case CMD_BOL: p->cursor = 0; break;
	case CMD_EOL: p->cursor = p->text.len; break;
	case CMD_BACKSPACE:
		if (p->cursor == 0 && p->text.len == 0) {
			close_prompt(t, NULL, 0);   /* mutt: backspace on an empty line leaves */
			return;
		}
		erase_range(p, prev_char(&p->text, p->cursor), p->cursor);
		break;
	case CMD_DELETE_CHAR: erase_range(p, p->cursor, next_char(&p->text, p->cursor)); break;
	case CMD_KILL_WORD: erase_range(p, word_left(&p->text, p->cursor), p->cursor); break;
	case CMD_KILL_LINE: erase_range(p, 0, p->text.len); break;
	case CMD_KILL_EOL: erase_range(p, p->cursor, p->text.len); break;
	case CMD_COMPLETE: complete(t, p); break;
	case CMD_HISTORY_UP: history_move(p, -1); break;
	case CMD_HISTORY_DOWN: history_move(p, 1); break;
	default: break;
	}
}

void prompt_key(struct tui *t, uint32_t key)
{
	struct prompt *p = t->prompt;
	enum cmd c = keymap_lookup(t->km, CTX_EDITOR, key);
	if (c == CMD_CANCEL || key == PK_CTRL('g')) {
		close_prompt(t, NULL, 0);
		return;
	}
	if (p->kind == P_YESNO) {
		/* y, or the yes letter of the user's language (cli_answer_is_yes). */
		bool yes = key > 0 && key < 128 && cli_answer_is_yes((const char[]){ (char)key, '\0' });
		if (yes || (key == PK_ENTER && p->default_yes))
			close_prompt(t, "y", 1);
		else if (key == 'n' || key == 'N' || key == PK_ENTER)
			close_prompt(t, "n", 0);
		return;
	}
	if (p->kind == P_CHOICE) {
		if (key < 128 && key && strchr(p->choices, (int)key))
			close_prompt(t, p->choices, (int)key);
		return;
	}
	if (key == PK_ENTER) {
		char *answer = xstrdup(buf_cstr(&p->text));
		close_prompt(t, answer, 1);
		explicit_bzero(answer, strlen(answer));
		free(answer);
		return;
	}
	if (c != CMD_NOOP) {
		line_command(t, p, c);
		return;
	}
	if (key >= 32 && key < PK_NAMED_BASE && key != 127) {
		char enc[4];
		size_t n = utf8_encode(key, enc);
		insert(p, enc, n);
	}
}

/* ---- Drawing ---- */

static void draw_detail(struct tui *t, const char *detail, int bottom)
{
	/* the lines of the detail, in a box above the prompt */
	size_t n = 1;
	for (const char *s = detail; *s; s++)
		n += *s == '\n';
	int top = bottom - (int)n - 2;
	if (top < 1)
		top = 1;
	int y = top;
	draw_fill(t, y++, 0, t->cols, EL_STATUS);
	for (const char *s = detail; y < bottom - 1;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);
		draw_fill(t, y, 0, t->cols, EL_NORMAL);
		draw_text(t, y++, 1, s, len, t->cols - 2, false);
		if (!nl)
			break;
		s = nl + 1;
	}
	draw_fill(t, y, 0, t->cols, EL_STATUS);
	draw_set(t, EL_NORMAL);
}

void prompt_draw(struct tui *t, int y)
{
	struct prompt *p = t->prompt;
	if (p->detail)
		draw_detail(t, p->detail, y);
	struct buf label = BUF_INIT;
	buf_adds(&label, p->label);
	if (p->kind == P_YESNO)
		buf_adds(&label, p->default_yes ? _(" ([yes]/no): ") : _(" (yes/[no]): "));
	draw_set(t, EL_PROMPT);
	int lw = draw_text(t, y, 0, label.data, label.len, t->cols - 10, false);
	buf_release(&label);
	draw_set(t, EL_NORMAL);
	if (p->kind != P_LINE) {
		curs_set(1);
		move(y, lw);
		return;
	}
	struct buf shown = BUF_INIT;
	size_t cursor_cols;
	if (p->o.secret) {
		size_t chars = utf8_width(p->text.data ? p->text.data : "", p->text.len);
		for (size_t i = 0; i < chars; i++)
			buf_addc(&shown, '*');
		cursor_cols = utf8_width(p->text.data ? p->text.data : "", p->cursor);
	} else {
		sanitize_append(&shown, p->text.data ? p->text.data : "", p->text.len, 0);
		cursor_cols = utf8_width(p->text.data ? p->text.data : "", p->cursor);
	}
	int room = t->cols - lw - 1;
	/* scroll so the cursor stays visible */
	size_t skip_cols = cursor_cols > (size_t)room ? cursor_cols - (size_t)room : 0;
	size_t w;
	size_t skip = skip_cols ? utf8_fit(shown.data, shown.len, skip_cols, &w) : 0;
	if (skip_cols && w < skip_cols)
		skip = next_char(&shown, skip);
	size_t skipped_cols = utf8_width(shown.data ? shown.data : "", skip);
	draw_text(t, y, lw, shown.data ? shown.data + skip : "", shown.len - skip, room, false);
	buf_release(&shown);
	curs_set(1);
	move(y, lw + (int)(cursor_cols - skipped_cols));
}

char **prompt_complete_path(struct tui *t, void *aux, const char *word)
{
	(void)t;
	(void)aux;
	const char *slash = strrchr(word, '/');
	char *dir = slash ? xstrndup(word, (size_t)(slash - word + 1)) : xstrdup("./");
	const char *base = slash ? slash + 1 : word;
	size_t n = 0, cap = 16;
	char **v = xcalloc(cap, sizeof *v);
	DIR *d = opendir(dir);
	struct dirent *de;
	while (d && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' && base[0] != '.')
			continue;
		if (!str_startswith(de->d_name, base))
			continue;
		if (n + 1 >= cap)
			v = xreallocarray(v, cap *= 2, sizeof *v);
		v[n++] = slash ? xasprintf("%s%s", dir, de->d_name) : xstrdup(de->d_name);
		v[n] = NULL;
	}
	if (d)
		closedir(d);
	free(dir);
	return v;
}

