/* The outbox view: the messages of the current account waiting to be sent,
 * with their state; hold, release, retry or remove them. */
#include "common.h"

#include <curses.h>
#include <time.h>

#include "core/account.h"
#include "core/format.h"
#include "tui/prompt.h"
#include "tui/tui-private.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/width.h"

static void refresh_list(struct tui *t)
{
	struct request *r = request_new(REQ_OUTBOX_LIST);
	uint64_t id = tui_submit(t, t->cur_acct, r);
	tui_pend(t, id, t->cur_acct, PEND_OUTBOX, NULL);
}

void outbox_open(struct tui *t)
{
	if (t->screen != SCR_OUTBOX)
		t->prev_screen = t->screen == SCR_HELP ? SCR_INDEX : t->screen;
	t->screen = SCR_OUTBOX;
	refresh_list(t);
}

void outbox_update(struct tui *t, struct event *ev)
{
	store_outbox_entries_release(&t->outbox);
	t->outbox = ev->outbox;
	ev->outbox = (store_outbox_entries)ARRAY_INIT;
	if (t->outbox_cursor >= t->outbox.n)
		t->outbox_cursor = t->outbox.n ? t->outbox.n - 1 : 0;
}

static const char *state_name(enum store_outbox_state s)
{
	switch (s) {
	case OUTBOX_QUEUED: return _("queued");
	case OUTBOX_SENDING: return _("sending");
	case OUTBOX_SENT: return _("sent");
	case OUTBOX_FAILED: return _("failed");
	case OUTBOX_HELD: return _("held");
	}
	return "?";
}

/* Columns of the widest state name in the user's language. */
static size_t state_width(void)
{
	static const enum store_outbox_state all[] = {
		OUTBOX_QUEUED, OUTBOX_SENDING, OUTBOX_SENT, OUTBOX_FAILED, OUTBOX_HELD,
	};
	size_t w = 0;
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		const char *name = state_name(all[i]);
		size_t n = utf8_width(name, strlen(name));
		if (n > w)
			w = n;
	}
	return w;
}

void outbox_draw(struct tui *t, int top, int height)
{
	if (t->outbox.n == 0) {
		const char *text = _("The outbox is empty.");
		draw_text(t, top, 1, text, strlen(text), t->cols - 1, false);
		return;
	}
	struct buf b = BUF_INIT;
	size_t state_cols = state_width();
	for (int y = 0; y < height && (size_t)y < t->outbox.n; y++) {
		const struct store_outbox_entry *e = &t->outbox.v[y];
		buf_reset(&b);
		/* Padded by display width: translated states differ in length. */
		const char *state = state_name(e->state);
		format_field(&b, state, strlen(state), state_cols, SIZE_MAX, false);
		buf_addf(&b, " %6llu  ", (unsigned long long)e->size);
		for (size_t i = 0; i < e->n_rcpts; i++)
			buf_addf(&b, "%s%s", i ? ", " : "", e->rcpts[i].addr);
		if (e->last_error)
			buf_addf(&b, "  -- %s", e->last_error);
		char *safe = sanitize_dup(buf_cstr(&b), 0);
		draw_set(t, (size_t)y == t->outbox_cursor ? EL_INDICATOR
			 : e->state == OUTBOX_FAILED ? EL_ERROR : EL_NORMAL);
		draw_text(t, top + y, 0, safe, strlen(safe), t->cols, true);
		free(safe);
	}
	draw_set(t, EL_NORMAL);
	buf_release(&b);
}

static void change(struct tui *t, enum req_kind kind, enum store_outbox_state st)
{
	if (t->outbox_cursor >= t->outbox.n)
		return;
	struct request *r = request_new(kind);
	r->uid64 = t->outbox.v[t->outbox_cursor].id;
	r->add = st;
	uint64_t id = tui_submit(t, t->cur_acct, r);
	tui_pend(t, id, t->cur_acct, PEND_OTHER, NULL);
	refresh_list(t);
}

static void remove_done(struct tui *t, void *aux, const char *answer, int choice)
{
	(void)aux;
	(void)answer;
	if (choice)
		change(t, REQ_OUTBOX_REMOVE, OUTBOX_QUEUED);
}

void outbox_key(struct tui *t, enum cmd c)
{
	switch (c) {
	case CMD_NEXT_ENTRY:
		if (t->outbox_cursor + 1 < t->outbox.n)
			t->outbox_cursor++;
		break;
	case CMD_PREV_ENTRY:
		if (t->outbox_cursor)
			t->outbox_cursor--;
		break;
	case CMD_OUTBOX_HOLD:
		if (t->outbox_cursor < t->outbox.n)
			change(t, REQ_OUTBOX_SET, t->outbox.v[t->outbox_cursor].state == OUTBOX_HELD
						  ? OUTBOX_QUEUED : OUTBOX_HELD);
		break;
	case CMD_OUTBOX_RETRY:
		change(t, REQ_OUTBOX_SET, OUTBOX_QUEUED);
		break;
	case CMD_OUTBOX_REMOVE:
		if (t->outbox_cursor < t->outbox.n)
			prompt_yesno(t, _("Remove this message from the outbox? It will not be sent."),
				     false, remove_done, NULL);
		break;
	case CMD_EXIT:
		t->screen = t->prev_screen;
		break;
	default:
		tui_message(t, true, _("%s does nothing here."), command_name(c));
		break;
	}
}
