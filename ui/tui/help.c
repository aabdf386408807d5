/* The help screen: every key of the screen it was opened from, generated
 * from the key map (so rebound keys show as bound). */
#include "common.h"

#include <curses.h>

#include "tui/tui-private.h"
#include "util/buf.h"

/* The screen's keys, then (key 0) the commands that mean something here but
 * have no key, as mutt's help lists its unbound functions: without them a
 * command bound to nothing by default could not be found. */
static struct keymap_entry *entries(struct tui *t, size_t *n)
{
	size_t nk;
	struct keymap_entry *v = keymap_list(t->km, t->help_ctx, &nk);
	v = xreallocarray(v, nk + CMD_N, sizeof *v);
	size_t k = nk;
	for (int c = 0; c < CMD_N; c++) {
		if (c == CMD_NOOP || !command_valid_in((enum cmd)c, t->help_ctx))
			continue;
		bool bound = false;
		for (size_t i = 0; i < nk && !bound; i++)
			bound = v[i].cmd == (enum cmd)c;
		if (!bound)
			v[k++] = (struct keymap_entry){ 0, (enum cmd)c, false };
	}
	*n = k;
	return v;
}

void help_open(struct tui *t, enum cmd_ctx ctx)
{
	t->prev_screen = t->screen;
	t->screen = SCR_HELP;
	t->help_ctx = ctx;
	t->help_top = 0;
}

void help_draw(struct tui *t, int top, int height)
{
	size_t n;
	struct keymap_entry *v = entries(t, &n);
	struct buf line = BUF_INIT, key = BUF_INIT;
	buf_addf(&line, _("Keys of the %s screen (%s is the context name in 'bind' lines):"),
		 command_ctx_name(t->help_ctx), command_ctx_name(t->help_ctx));
	draw_set(t, EL_HEADER_NAME);
	draw_text(t, top, 0, line.data, line.len, t->cols, false);
	draw_set(t, EL_NORMAL);
	if (t->help_top >= n)
		t->help_top = n ? n - 1 : 0;
	for (int y = 1; y < height && t->help_top + (size_t)y - 1 < n; y++) {
		const struct keymap_entry *e = &v[t->help_top + (size_t)y - 1];
		buf_reset(&key);
		if (e->key)
			keyspec_format(e->key, &key);
		else
			buf_adds(&key, _("(unbound)"));
		buf_reset(&line);
		buf_addf(&line, "%-12s %-22s %s", buf_cstr(&key), command_name(e->cmd),
			 command_help(e->cmd));
		draw_text(t, top + y, 0, line.data, line.len, t->cols, false);
	}
	buf_release(&line);
	buf_release(&key);
	free(v);
}

void help_key(struct tui *t, enum cmd c)
{
	size_t n;
	free(entries(t, &n));
	size_t page = t->rows > 5 ? (size_t)t->rows - 5 : 1;
	switch (c) {
	case CMD_NEXT_LINE: case CMD_NEXT_ENTRY:
		if (t->help_top + 1 < n)
			t->help_top++;
		break;
	case CMD_PREV_LINE: case CMD_PREV_ENTRY:
		if (t->help_top)
			t->help_top--;
		break;
	case CMD_NEXT_PAGE:
		if (t->help_top + page < n)
			t->help_top += page;
		break;
	case CMD_PREV_PAGE:
		t->help_top = t->help_top > page ? t->help_top - page : 0;
		break;
	case CMD_TOP: t->help_top = 0; break;
	default:
		t->screen = t->prev_screen;
		break;
	}
}
