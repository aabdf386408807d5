/* Putting text on the screen: colours, width-correct text, the bars. */
#include "common.h"

#include <curses.h>
#include <wchar.h>

#include "core/account.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/sanitize.h"
#include "util/width.h"

/* ---- Colours ---- */

/* A colour the terminal lacks: the nearest of the eight basic ones. */
static short fit_color(short c, bool *bold)
{
	if (c < 0 || c < COLORS)
		return c;
	if (c < 16) {
		*bold = true;
		return (short)(c - 8);
	}
	int r, g, b;
	if (c >= 232) {
		int v = (c - 232) * 10 + 8;
		r = g = b = v;
	} else {
		int i = c - 16;
		static const int level[] = { 0, 95, 135, 175, 215, 255 };
		r = level[i / 36];
		g = level[(i / 6) % 6];
		b = level[i % 6];
	}
	static const int basic[8][3] = { { 0, 0, 0 }, { 205, 0, 0 }, { 0, 205, 0 },
					 { 205, 205, 0 }, { 0, 0, 238 }, { 205, 0, 205 },
					 { 0, 205, 205 }, { 229, 229, 229 } };
	int best = 0;
	long best_d = -1;
	for (int k = 0; k < 8; k++) {
		long d = (long)(r - basic[k][0]) * (r - basic[k][0]) +
			 (long)(g - basic[k][1]) * (g - basic[k][1]) +
			 (long)(b - basic[k][2]) * (b - basic[k][2]);
		if (best_d < 0 || d < best_d) {
			best_d = d;
			best = k;
		}
	}
	return (short)best;
}

static attr_t attrs_of(unsigned a)
{
	attr_t r = A_NORMAL;
	if (a & UI_BOLD)
		r |= A_BOLD;
	if (a & UI_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & UI_REVERSE)
		r |= A_REVERSE;
	if (a & UI_DIM)
		r |= A_DIM;
	if (a & UI_ITALIC)
		r |= A_ITALIC;
	if (a & UI_BLINK)
		r |= A_BLINK;
	if (a & UI_STANDOUT)
		r |= A_STANDOUT;
	return r;
}

static attr_t el_attr[EL_N];

void draw_init_colors(struct tui *t)
{
	if (has_colors()) {
		start_color();
		use_default_colors();
	}
	t->colors = has_colors() && COLORS >= 8 && COLOR_PAIRS > EL_N;
	for (int e = 0; e < EL_N; e++) {
		const struct ui_color *c = &t->theme.el[e];
		if (!t->colors) {
			el_attr[e] = attrs_of(c->mono);
			continue;
		}
		bool bold = false;
		short fg = fit_color(c->fg, &bold), bg = fit_color(c->bg, &bold);
		init_pair((short)(e + 1), fg, bg);
		el_attr[e] = COLOR_PAIR(e + 1) | attrs_of(c->attrs) | (bold ? A_BOLD : 0);
	}
	/* Elements left at the default inherit "normal". */
	for (int e = 1; e < EL_N; e++)
		if (t->colors && t->theme.el[e].fg < 0 && t->theme.el[e].bg < 0 &&
		    !t->theme.el[e].attrs)
			el_attr[e] = el_attr[EL_NORMAL];
}

void draw_set(struct tui *t, enum ui_element e)
{
	(void)t;
	attrset(el_attr[e]);
}

/* ---- Text ---- */

int draw_text(struct tui *t, int y, int x, const char *s, size_t len, int width, bool pad)
{
	(void)t;
	if (width <= 0)
		return 0;
	wchar_t *w = xcalloc(len + 1, sizeof *w);
	size_t n = 0;
	int used = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t k = utf8_decode(s + i, len - i, &cp);
		if (k == 0) {
			k = utf8_invalid_length(s + i, len - i);
			cp = 0xFFFD;
		}
		i += k;
		/* Variation selectors: terminals disagree on what they do to the
		 * width of the character before them, so they are left out and
		 * the character keeps the width the layout gave it. */
		if (cp == 0xFE0E || cp == 0xFE0F)
			continue;
		if (cp < 0x20 || cp == 0x7F)
			cp = 0xFFFD;   /* never reaches here: everything is sanitized */
		int cw = uc_width(cp);
		if (used + cw > width)
			break;
		if (cw == 0 && n == 0)
			continue;      /* a combining mark with nothing to sit on */
		w[n++] = (wchar_t)cp;
		used += cw;
	}
	mvaddnwstr(y, x, w, (int)n);
	free(w);
	if (pad)
		for (int i = used; i < width; i++)
			mvaddch(y, x + i, ' ');
	return used;
}

void draw_fill(struct tui *t, int y, int x, int width, enum ui_element e)
{
	draw_set(t, e);
	for (int i = 0; i < width; i++)
		mvaddch(y, x + i, ' ');
}

void draw_bar(struct tui *t, int y, const char *text)
{
	draw_set(t, EL_STATUS);
	draw_text(t, y, 0, text, strlen(text), t->cols, true);
	draw_set(t, EL_NORMAL);
}

/* The top line: the most useful keys of the screen, from the key map. */
void draw_help_line(struct tui *t, enum cmd_ctx ctx)
{
	static const struct { enum cmd c; const char *label; } hints[] = {
		{ CMD_QUIT, N_("Quit") }, { CMD_EXIT, N_("Back") }, { CMD_DELETE, N_("Del") },
		{ CMD_UNDELETE, N_("Undel") }, { CMD_MOVE, N_("Move") }, { CMD_COMPOSE, N_("Mail") },
		{ CMD_REPLY, N_("Reply") }, { CMD_GROUP_REPLY, N_("Group") },
		{ CMD_VIEW_ATTACH, N_("Attach") }, { CMD_SEND, N_("Send") },
		{ CMD_EDIT_MESSAGE, N_("Edit") }, { CMD_SAVE_ATTACH, N_("Save") },
		{ CMD_OPEN_ATTACH, N_("Open") }, { CMD_OUTBOX_HOLD, N_("Hold") },
		{ CMD_OUTBOX_RETRY, N_("Retry") }, { CMD_HELP, N_("Help") },
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(hints); i++) {
		if (!command_valid_in(hints[i].c, ctx) || (ctx == CTX_INDEX && hints[i].c == CMD_EXIT))
			continue;
		uint32_t key = keymap_key_for(t->km, ctx, hints[i].c);
		if (!key)
			continue;
		keyspec_format(key, &b);
		buf_addf(&b, ":%s  ", _(hints[i].label));
	}
	draw_bar(t, 0, buf_cstr(&b));
	buf_release(&b);
}

/* ---- The whole screen ---- */

static double secs_since(const struct timespec *then)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - then->tv_sec) + (now.tv_nsec - then->tv_nsec) / 1e9;
}

static void draw_status(struct tui *t)
{
	struct buf b = BUF_INIT;
	if (t->screen == SCR_INDEX || t->screen == SCR_OUTBOX) {
		const struct store_folder *f = tui_folder(t, t->cur_acct, t->ml.folder);
		const char *acct = account_name(tui_account(t, t->cur_acct));
		buf_addf(&b, "-- %s/%s ", acct, f ? f->name : "?");
		if (f)
			buf_addf(&b, ngettext("[%u message, %u unread] ", "[%u messages, %u unread] ",
					      f->n_messages), f->n_messages, f->n_unseen);
		static const char *const sorts[] = { N_("threads"), N_("date"), N_("from"),
						     N_("subject"), N_("size") };
		if (t->ml.reverse)
			/* TRANSLATORS: the sort order, reversed: (reverse-date). */
			buf_addf(&b, _("(reverse-%s) "), _(sorts[t->ml.sort]));
		else
			buf_addf(&b, "(%s) ", _(sorts[t->ml.sort]));
		if (t->ml.limit_text)
			buf_addf(&b, _("limit: %s "), t->ml.limit_text);
		if (t->index_loading)
			buf_adds(&b, _("loading... "));
		struct acct_view *v = &t->accts[t->cur_acct];
		buf_addf(&b, "-- %s", acct_state_name(v->state));
		if (v->state_text)
			buf_addf(&b, ": %s", v->state_text);
		/* what a background sync is doing */
		if (v->state == ACCT_SYNCING && t->progress && t->progress_acct == t->cur_acct &&
		    secs_since(&t->progress_at) < 3)
			buf_addf(&b, ": %s", t->progress);
	} else if (t->screen == SCR_PAGER || t->screen == SCR_ATTACH) {
		const struct store_index_msg *m = store_index_find(&t->ml.idx, t->pager.uid);
		if (m)
			buf_addf(&b, "-- %s -- %s", msglist_str(&t->ml, m->from),
				 msglist_str(&t->ml, m->subject));
	}
	char *safe = sanitize_dup(buf_cstr(&b), 0);
	draw_bar(t, t->rows - 2, safe);
	free(safe);
	buf_release(&b);
}


/* The bottom line: a prompt, else a message, else the progress of what has
 * been running for more than half a second. */
static void draw_bottom(struct tui *t)
{
	int y = t->rows - 1;
	move(y, 0);
	draw_set(t, EL_NORMAL);
	clrtoeol();
	if (t->prompt) {
		prompt_draw(t, y);
		return;
	}
	if (t->message) {
		draw_set(t, t->message_error ? EL_ERROR : EL_MESSAGE);
		draw_text(t, y, 0, t->message, strlen(t->message), t->cols, false);
		draw_set(t, EL_NORMAL);
		return;
	}
	for (size_t i = 0; i < t->n_pends; i++) {
		struct pend *p = &t->pends[i];
		if (p->silent || !p->what || secs_since(&p->started) < 0.5)
			continue;
		struct buf b = BUF_INIT;
		buf_addf(&b, "%s", p->what);
		if (t->progress && t->progress_acct == p->account && secs_since(&t->progress_at) < 2)
			buf_addf(&b, ": %s", t->progress);
		uint32_t k = keymap_key_for(t->km, CTX_INDEX, CMD_CANCEL);
		if (k) {
			struct buf key = BUF_INIT;
			keyspec_format(k, &key);
			buf_addf(&b, _(" (press %s to cancel)"), buf_cstr(&key));
			buf_release(&key);
		}
		char *safe = sanitize_dup(buf_cstr(&b), 0);
		draw_set(t, EL_MESSAGE);
		draw_text(t, y, 0, safe, strlen(safe), t->cols, false);
		draw_set(t, EL_NORMAL);
		free(safe);
		buf_release(&b);
		return;
	}
}

static void draw_main(struct tui *t, int top, int height)
{
	int left = 0;
	switch (t->screen) {
	case SCR_INDEX:
		if (t->sidebar && t->cols >= t->sidebar_width + 20) {
			sidebar_draw(t, top, height);
			left = t->sidebar_width + 1;
		}
		index_draw(t, top, left, height, t->cols - left);
		break;
	case SCR_PAGER: pager_draw(t, top, height); break;
	case SCR_HELP: help_draw(t, top, height); break;
	case SCR_ATTACH: attach_draw(t, top, height); break;
	case SCR_OUTBOX: outbox_draw(t, top, height); break;
	case SCR_COMPOSE: compose_draw(t, top, height); break;
	}
}

static enum cmd_ctx screen_ctx(enum tui_screen s)
{
	switch (s) {
	case SCR_INDEX: return CTX_INDEX;
	case SCR_PAGER: return CTX_PAGER;
	case SCR_ATTACH: return CTX_ATTACH;
	case SCR_OUTBOX: return CTX_OUTBOX;
	case SCR_COMPOSE: return CTX_COMPOSE;
	case SCR_HELP: return CTX_PAGER;
	}
	return CTX_GENERIC;
}

void draw_screen(struct tui *t)
{
	getmaxyx(stdscr, t->rows, t->cols);
	if (t->redraw_all) {
		clearok(curscr, TRUE);
		t->redraw_all = false;
	}
	erase();
	if (t->rows < 4 || t->cols < 20) {
		mvaddstr(0, 0, _("The terminal is too small."));
		refresh();
		return;
	}
	draw_help_line(t, screen_ctx(t->screen));
	draw_main(t, 1, t->rows - 3);
	draw_status(t);
	draw_bottom(t);
	if (!t->prompt)
		curs_set(0);
	refresh();
}
