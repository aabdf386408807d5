/* The sidebar: each account with its state, then its folders with unread
 * and total counts. */
#include "common.h"

#include <curses.h>

#include "core/account.h"
#include "tui/tui-private.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/width.h"

/* Line i of the sidebar as (account, folder index), folder -1 for the
 * account's own line. */
static bool line_at(const struct tui *t, size_t line, size_t *acct_r, long *folder_r)
{
	for (size_t a = 0; a < t->n_accts; a++) {
		if (line == 0) {
			*acct_r = a;
			*folder_r = -1;
			return true;
		}
		line--;
		if (line < t->accts[a].folders.n) {
			*acct_r = a;
			*folder_r = (long)line;
			return true;
		}
		line -= t->accts[a].folders.n;
	}
	return false;
}

size_t sidebar_lines(const struct tui *t)
{
	size_t n = 0;
	for (size_t a = 0; a < t->n_accts; a++)
		n += 1 + t->accts[a].folders.n;
	return n;
}

static const char *state_mark(enum acct_state s)
{
	switch (s) {
	case ACCT_ONLINE: return "";
	case ACCT_SYNCING: return " ⟳";
	case ACCT_CONNECTING: return " …";
	case ACCT_OFFLINE: return _(" (offline)");
	case ACCT_ERROR: return _(" (error)");
	case ACCT_LOCAL: return _(" (local)");
	}
	return "";
}

/* The folder's name as the sidebar shows it: its last level, indented. */
static void folder_label(const struct store_folder *f, struct buf *out)
{
	const char *name = f->name;
	size_t depth = 0;
	if (f->delim)
		for (const char *p = strchr(name, f->delim); p; p = strchr(p + 1, f->delim)) {
			depth++;
			name = p + 1;
		}
	buf_adds(out, " ");
	for (size_t i = 0; i < depth; i++)
		buf_adds(out, "  ");
	sanitize_append(out, name, strlen(name), 0);
}

static void draw_line(struct tui *t, int y, int width, size_t acct, long folder, bool cursor)
{
	struct buf b = BUF_INIT;
	enum ui_element el = EL_SIDEBAR;
	struct buf counts = BUF_INIT;
	if (folder < 0) {
		const struct acct_view *v = &t->accts[acct];
		sanitize_append(&b, account_name(tui_account(t, acct)),
				strlen(account_name(tui_account(t, acct))), 0);
		buf_adds(&b, state_mark(v->state));
		el = EL_SIDEBAR_ACCOUNT;
	} else {
		const struct store_folder *f = &t->accts[acct].folders.v[folder];
		folder_label(f, &b);
		if (!(f->attrs & FOLDER_NOSELECT)) {
			if (f->n_unseen)
				buf_addf(&counts, "%u/%u", f->n_unseen, f->n_messages);
			else
				buf_addf(&counts, "%u", f->n_messages);
		}
		if (f->n_unseen)
			el = EL_SIDEBAR_UNREAD;
		if (acct == t->ml.account && f->id == t->ml.folder)
			el = EL_SIDEBAR_CURRENT;
	}
	if (cursor)
		el = EL_SIDEBAR_HIGHLIGHT;
	draw_fill(t, y, 0, width, el);
	int cw = (int)utf8_width(counts.data ? counts.data : "", counts.len);
	int name_w = width - (cw ? cw + 1 : 0);
	if (name_w < 1)
		name_w = 1;
	draw_text(t, y, 0, b.data ? b.data : "", b.len, name_w, false);
	if (cw && cw < width)
		draw_text(t, y, width - cw, counts.data, counts.len, cw, false);
	buf_release(&b);
	buf_release(&counts);
}

void sidebar_draw(struct tui *t, int top, int height)
{
	int width = t->sidebar_width;
	size_t n = sidebar_lines(t);
	if (t->sb_cursor >= n)
		t->sb_cursor = n ? n - 1 : 0;
	/* keep the highlighted line in view */
	size_t first = 0;
	if (t->sb_cursor >= (size_t)height)
		first = t->sb_cursor - (size_t)height + 1;
	for (int row = 0; row < height; row++) {
		size_t acct;
		long folder;
		if (line_at(t, first + (size_t)row, &acct, &folder))
			draw_line(t, top + row, width, acct, folder, first + (size_t)row == t->sb_cursor);
		else
			draw_fill(t, top + row, 0, width, EL_SIDEBAR);
	}
	draw_set(t, EL_SIDEBAR_DIVIDER);
	for (int row = 0; row < height; row++)
		mvaddstr(top + row, width, "│");
	draw_set(t, EL_NORMAL);
}

void sidebar_move(struct tui *t, int dir)
{
	size_t n = sidebar_lines(t);
	if (n == 0)
		return;
	if (!t->sidebar) {
		t->sidebar = true;
		return;
	}
	/* skip account lines: they cannot be opened */
	size_t line = t->sb_cursor;
	for (size_t k = 0; k < n; k++) {
		line = (line + n + (size_t)(long)dir) % n;
		size_t acct;
		long folder;
		if (line_at(t, line, &acct, &folder) && folder >= 0 &&
		    !(t->accts[acct].folders.v[folder].attrs & FOLDER_NOSELECT))
			break;
	}
	t->sb_cursor = line;
}

const struct store_folder *sidebar_selected(const struct tui *t, size_t *acct_r)
{
	long folder;
	if (!line_at(t, t->sb_cursor, acct_r, &folder) || folder < 0)
		return NULL;
	return &t->accts[*acct_r].folders.v[folder];
}

void sidebar_open(struct tui *t)
{
	size_t acct;
	long folder;
	if (!line_at(t, t->sb_cursor, &acct, &folder))
		return;
	if (folder < 0) {
		tui_message(t, false, _("Choose a folder of %s."), account_name(tui_account(t, acct)));
		return;
	}
	const struct store_folder *f = &t->accts[acct].folders.v[folder];
	if (f->attrs & FOLDER_NOSELECT) {
		tui_message(t, true, _("%s holds no messages."), f->name);
		return;
	}
	tui_open_folder(t, acct, f->id);
}
