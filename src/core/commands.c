#include "common.h"

#include "core/commands.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/strutil.h"

static const char *const cmd_names[] = {
#define X(id, name, help) name,
	CMD_LIST(X)
#undef X
};

static const char *const cmd_helps[] = {
#define X(id, name, help) help,
	CMD_LIST(X)
#undef X
};

static const char *const ctx_names[] = {
#define X(id, name) name,
	CMD_CONTEXTS(X)
#undef X
};

static const char *const key_names[] = {
#define X(id, name) name,
	PK_NAMES(X)
#undef X
};

const char *command_name(enum cmd c)
{
	return c < CMD_N ? cmd_names[c] : "?";
}

const char *command_help(enum cmd c)
{
	return c < CMD_N ? _(cmd_helps[c]) : "";
}

int command_find(const char *name)
{
	for (int i = 0; i < CMD_N; i++)
		if (strcmp(cmd_names[i], name) == 0)
			return i;
	return -1;
}

const char *command_ctx_name(enum cmd_ctx ctx)
{
	return ctx < CTX_N ? ctx_names[ctx] : "?";
}

#define C(ctx) (1u << (ctx))
#define LISTS (C(CTX_INDEX) | C(CTX_PAGER) | C(CTX_ATTACH) | C(CTX_COMPOSE) | C(CTX_BROWSER) | \
	       C(CTX_OUTBOX))
#define MAIL (C(CTX_INDEX) | C(CTX_PAGER))

/* Where each command means something (generic: everywhere but the editor). */
static unsigned cmd_contexts(enum cmd c)
{
	switch (c) {
	case CMD_NOOP: case CMD_HELP: case CMD_REDRAW: case CMD_CANCEL: case CMD_EXIT:
		return ~0u;
	case CMD_NEXT_ENTRY: case CMD_PREV_ENTRY: case CMD_NEXT_PAGE: case CMD_PREV_PAGE:
	case CMD_HALF_DOWN: case CMD_HALF_UP: case CMD_FIRST_ENTRY: case CMD_LAST_ENTRY:
	case CMD_SEARCH: case CMD_SEARCH_REVERSE: case CMD_SEARCH_NEXT: case CMD_SEARCH_OPPOSITE:
		return LISTS;
	case CMD_OPEN:
		return C(CTX_INDEX) | C(CTX_BROWSER) | C(CTX_ATTACH) | C(CTX_OUTBOX);
	case CMD_NEXT_LINE: case CMD_PREV_LINE: case CMD_TOP: case CMD_BOTTOM:
	case CMD_TOGGLE_HEADERS: case CMD_VIEW_RAW:
		return C(CTX_PAGER);
	case CMD_QUIT:
	case CMD_NEXT_UNREAD: case CMD_PREV_UNREAD:
	case CMD_DELETE: case CMD_UNDELETE: case CMD_FLAG: case CMD_TOGGLE_NEW: case CMD_MARK_READ:
	case CMD_TAG: case CMD_TAG_PREFIX: case CMD_MOVE: case CMD_COPY:
	case CMD_REPLY: case CMD_GROUP_REPLY: case CMD_LIST_REPLY: case CMD_FORWARD:
	case CMD_COMPOSE: case CMD_CHANGE_FOLDER: case CMD_CHANGE_ACCOUNT:
	case CMD_SIDEBAR_TOGGLE: case CMD_SIDEBAR_NEXT: case CMD_SIDEBAR_PREV: case CMD_SIDEBAR_OPEN:
	case CMD_FETCH: case CMD_EXPUNGE: case CMD_OUTBOX: case CMD_VIEW_ATTACH:
	case CMD_CREATE_FOLDER: case CMD_RENAME_FOLDER: case CMD_DELETE_FOLDER:
	case CMD_SUBSCRIBE: case CMD_UNSUBSCRIBE:
		return MAIL;
	case CMD_TAG_PATTERN: case CMD_UNTAG_PATTERN: case CMD_LIMIT: case CMD_SORT:
	case CMD_SORT_REVERSE: case CMD_COLLAPSE_THREAD: case CMD_COLLAPSE_ALL:
		return C(CTX_INDEX);
	case CMD_SAVE_ATTACH: case CMD_OPEN_ATTACH:
		return C(CTX_ATTACH) | C(CTX_COMPOSE);
	case CMD_EDIT_TO: case CMD_EDIT_CC: case CMD_EDIT_BCC: case CMD_EDIT_SUBJECT:
	case CMD_EDIT_FROM: case CMD_EDIT_MESSAGE: case CMD_ATTACH_FILE: case CMD_DETACH_FILE:
	case CMD_SEND: case CMD_POSTPONE: case CMD_ABORT:
		return C(CTX_COMPOSE);
	case CMD_OUTBOX_HOLD: case CMD_OUTBOX_RETRY: case CMD_OUTBOX_REMOVE:
		return C(CTX_OUTBOX);
	case CMD_BACKWARD_CHAR: case CMD_FORWARD_CHAR: case CMD_BACKWARD_WORD:
	case CMD_FORWARD_WORD: case CMD_BOL: case CMD_EOL: case CMD_BACKSPACE:
	case CMD_DELETE_CHAR: case CMD_KILL_WORD: case CMD_KILL_LINE: case CMD_KILL_EOL:
	case CMD_COMPLETE: case CMD_HISTORY_UP: case CMD_HISTORY_DOWN:
		return C(CTX_EDITOR);
	case CMD_N:
		break;
	}
	return 0;
}

bool command_valid_in(enum cmd c, enum cmd_ctx ctx)
{
	if (ctx == CTX_GENERIC)
		return c < CMD_N && (cmd_contexts(c) & ~C(CTX_EDITOR)) != 0 &&
		       (cmd_contexts(c) != C(CTX_EDITOR));
	return ctx < CTX_N && (cmd_contexts(c) & C(ctx)) != 0;
}

/* ---- Key names ---- */

static int parse_ctrl(char c, uint32_t *key_r)
{
	if (c == '?') {
		*key_r = 127;
		return 0;
	}
	if ((c >= '@' && c <= '_') || (c >= 'a' && c <= 'z')) {
		*key_r = PK_CTRL(c);
		return 0;
	}
	return -1;
}

/* One key without a meta prefix; *end_r set past it. */
static int parse_one(const char *s, const char **end_r, uint32_t *key_r)
{
	if (s[0] == '<') {
		const char *close = strchr(s, '>');
		if (!close || close == s + 1)
			goto single;
		size_t n = (size_t)(close - s - 1);
		static const struct { const char *name; uint32_t key; } aliases[] = {
			{ "return", PK_ENTER }, { "tab", PK_TAB }, { "esc", PK_ESC },
			{ "space", PK_SPACE }, { "pagedn", PK_PGDN }, { "pgdn", PK_PGDN },
			{ "pgup", PK_PGUP }, { "del", PK_DELETE }, { "ins", PK_INSERT },
		};
		for (size_t i = 0; i < ARRAY_SIZE(key_names); i++)
			if (strlen(key_names[i]) == n && str_ncasecmp(key_names[i], s + 1, n) == 0) {
				*key_r = PK_NAMED_BASE + (uint32_t)i;
				*end_r = close + 1;
				return 0;
			}
		for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
			if (strlen(aliases[i].name) == n &&
			    str_ncasecmp(aliases[i].name, s + 1, n) == 0) {
				*key_r = aliases[i].key;
				*end_r = close + 1;
				return 0;
			}
		return -1;
	}
	if (s[0] == '^' && s[1]) {
		*end_r = s + 2;
		return parse_ctrl(s[1], key_r);
	}
	if (s[0] == '\\' && s[1]) {
		*end_r = s + 2;
		switch (s[1]) {
		case 't': *key_r = PK_TAB; return 0;
		case 'n': case 'r': *key_r = PK_ENTER; return 0;
		case 'e': *key_r = PK_ESC; return 0;
		case '\\': *key_r = '\\'; return 0;
		case 'C': case 'c':
			if (!s[2])
				return -1;
			*end_r = s + 3;
			return parse_ctrl(s[2], key_r);
		default:
			return -1;
		}
	}
single:;
	unsigned cp;
	size_t len = utf8_decode(s, strlen(s), &cp);
	if (len == 0 || cp < 32)
		return -1;
	*key_r = cp == 127 ? PK_BACKSPACE : cp;
	*end_r = s + len;
	return 0;
}

int keyspec_parse(const char *s, uint32_t *key_r)
{
	if (!s || !*s)
		return -1;
	bool meta = false;
	if (str_startswith(s, "M-") && s[2]) {
		meta = true;
		s += 2;
	}
	const char *end;
	uint32_t key;
	if (parse_one(s, &end, &key) < 0)
		return -1;
	if (!meta && key == PK_ESC && *end) {
		/* "\ex" and "<Esc>x": Esc then a key is that key with Meta */
		meta = true;
		if (parse_one(end, &end, &key) < 0)
			return -1;
	}
	if (*end)
		return -1;
	if (meta && (key & PKF_META))
		return -1;
	*key_r = key | (meta ? PKF_META : 0);
	return 0;
}

void keyspec_format(uint32_t key, struct buf *out)
{
	if (key & PKF_META) {
		buf_adds(out, "M-");
		key &= ~PKF_META;
	}
	if (key >= PK_NAMED_BASE && key < PK_NAMED_END_) {
		buf_addf(out, "<%s>", key_names[key - PK_NAMED_BASE]);
		return;
	}
	switch (key) {
	case PK_TAB: buf_adds(out, "<Tab>"); return;
	case PK_ESC: buf_adds(out, "<Esc>"); return;
	case PK_SPACE: buf_adds(out, "<Space>"); return;
	case 127: buf_adds(out, "^?"); return;
	default: break;
	}
	if (key < 32) {
		buf_addf(out, "^%c", (char)('@' + key));
		return;
	}
	char enc[4];
	size_t n = utf8_encode(key, enc);
	buf_add(out, enc, n);
}

/* ---- Key maps ---- */

struct binding {
	uint32_t key;
	enum cmd cmd;
};

struct keymap {
	ARRAY(struct binding) ctx[CTX_N];
};

struct default_binding {
	enum cmd_ctx ctx;
	const char *keys;       /* key names separated by blanks */
	enum cmd cmd;
};

static const struct default_binding defaults[] = {
	{ CTX_GENERIC, "j <Down>", CMD_NEXT_ENTRY },
	{ CTX_GENERIC, "k <Up>", CMD_PREV_ENTRY },
	{ CTX_GENERIC, "z <PageDown> <Space>", CMD_NEXT_PAGE },
	{ CTX_GENERIC, "Z <PageUp> -", CMD_PREV_PAGE },
	{ CTX_GENERIC, "^D", CMD_HALF_DOWN },
	{ CTX_GENERIC, "^U", CMD_HALF_UP },
	{ CTX_GENERIC, "= <Home>", CMD_FIRST_ENTRY },
	{ CTX_GENERIC, "* <End>", CMD_LAST_ENTRY },
	{ CTX_GENERIC, "<Enter>", CMD_OPEN },
	{ CTX_GENERIC, "q", CMD_EXIT },
	{ CTX_GENERIC, "? <F1>", CMD_HELP },
	{ CTX_GENERIC, "^L", CMD_REDRAW },
	{ CTX_GENERIC, "^G", CMD_CANCEL },
	{ CTX_GENERIC, "/", CMD_SEARCH },
	{ CTX_GENERIC, "M-/", CMD_SEARCH_REVERSE },
	{ CTX_GENERIC, "n", CMD_SEARCH_NEXT },

	{ CTX_INDEX, "q x", CMD_QUIT },
	{ CTX_INDEX, "<Tab>", CMD_NEXT_UNREAD },
	{ CTX_INDEX, "<BackTab> M-<Tab>", CMD_PREV_UNREAD },
	{ CTX_INDEX, "l", CMD_LIMIT },
	{ CTX_INDEX, "T", CMD_TAG_PATTERN },
	{ CTX_INDEX, "^T", CMD_UNTAG_PATTERN },
	{ CTX_INDEX, "o", CMD_SORT },
	{ CTX_INDEX, "O", CMD_SORT_REVERSE },
	{ CTX_INDEX, "M-v", CMD_COLLAPSE_THREAD },
	{ CTX_INDEX, "M-V", CMD_COLLAPSE_ALL },

	{ CTX_PAGER, "j <Down> <Enter>", CMD_NEXT_LINE },
	{ CTX_PAGER, "k <Up> <Backspace>", CMD_PREV_LINE },
	{ CTX_PAGER, "^ <Home>", CMD_TOP },
	{ CTX_PAGER, "<End>", CMD_BOTTOM },
	{ CTX_PAGER, "J", CMD_NEXT_ENTRY },
	{ CTX_PAGER, "K", CMD_PREV_ENTRY },
	{ CTX_PAGER, "<Tab>", CMD_NEXT_UNREAD },
	{ CTX_PAGER, "<BackTab>", CMD_PREV_UNREAD },
	{ CTX_PAGER, "h", CMD_TOGGLE_HEADERS },
	{ CTX_PAGER, "V", CMD_VIEW_RAW },
	{ CTX_PAGER, "= *", CMD_NOOP },

	{ CTX_ATTACH, "<Enter> m", CMD_OPEN_ATTACH },
	{ CTX_ATTACH, "s", CMD_SAVE_ATTACH },

	{ CTX_COMPOSE, "t", CMD_EDIT_TO },
	{ CTX_COMPOSE, "c", CMD_EDIT_CC },
	{ CTX_COMPOSE, "b", CMD_EDIT_BCC },
	{ CTX_COMPOSE, "s", CMD_EDIT_SUBJECT },
	{ CTX_COMPOSE, "f M-f", CMD_EDIT_FROM },
	{ CTX_COMPOSE, "e <Enter>", CMD_EDIT_MESSAGE },
	{ CTX_COMPOSE, "a", CMD_ATTACH_FILE },
	{ CTX_COMPOSE, "D", CMD_DETACH_FILE },
	{ CTX_COMPOSE, "y", CMD_SEND },
	{ CTX_COMPOSE, "P", CMD_POSTPONE },
	{ CTX_COMPOSE, "q", CMD_ABORT },

	{ CTX_OUTBOX, "h", CMD_OUTBOX_HOLD },
	{ CTX_OUTBOX, "R", CMD_OUTBOX_RETRY },
	{ CTX_OUTBOX, "d", CMD_OUTBOX_REMOVE },

	{ CTX_EDITOR, "<Left> ^B", CMD_BACKWARD_CHAR },
	{ CTX_EDITOR, "<Right> ^F", CMD_FORWARD_CHAR },
	{ CTX_EDITOR, "M-b", CMD_BACKWARD_WORD },
	{ CTX_EDITOR, "M-f", CMD_FORWARD_WORD },
	{ CTX_EDITOR, "<Home> ^A", CMD_BOL },
	{ CTX_EDITOR, "<End> ^E", CMD_EOL },
	{ CTX_EDITOR, "<Backspace> ^H", CMD_BACKSPACE },
	{ CTX_EDITOR, "<Delete> ^D", CMD_DELETE_CHAR },
	{ CTX_EDITOR, "^W", CMD_KILL_WORD },
	{ CTX_EDITOR, "^U", CMD_KILL_LINE },
	{ CTX_EDITOR, "^K", CMD_KILL_EOL },
	{ CTX_EDITOR, "<Tab>", CMD_COMPLETE },
	{ CTX_EDITOR, "<Up> ^P", CMD_HISTORY_UP },
	{ CTX_EDITOR, "<Down> ^N", CMD_HISTORY_DOWN },
	{ CTX_EDITOR, "^G <Esc>", CMD_CANCEL },
};

/* The mail commands shared by the index and the pager. */
static const struct { const char *keys; enum cmd cmd; } mail_defaults[] = {
	{ "d", CMD_DELETE }, { "u", CMD_UNDELETE }, { "F", CMD_FLAG }, { "N", CMD_TOGGLE_NEW },
	{ "W", CMD_MARK_READ }, { "t", CMD_TAG }, { ";", CMD_TAG_PREFIX }, { "s", CMD_MOVE },
	{ "C", CMD_COPY }, { "r", CMD_REPLY }, { "g", CMD_GROUP_REPLY }, { "L", CMD_LIST_REPLY },
	{ "f", CMD_FORWARD }, { "m", CMD_COMPOSE }, { "c", CMD_CHANGE_FOLDER },
	{ "A", CMD_CHANGE_ACCOUNT }, { "B", CMD_SIDEBAR_TOGGLE }, { "^N", CMD_SIDEBAR_NEXT },
	{ "^P", CMD_SIDEBAR_PREV }, { "^O", CMD_SIDEBAR_OPEN }, { "G", CMD_FETCH },
	{ "$", CMD_EXPUNGE }, { "P", CMD_OUTBOX }, { "v", CMD_VIEW_ATTACH },
};

static void bind_keys(struct keymap *km, enum cmd_ctx ctx, const char *keys, enum cmd cmd)
{
	char *copy = xstrdup(keys);
	char *save = NULL;
	for (char *k = strtok_r(copy, " ", &save); k; k = strtok_r(NULL, " ", &save)) {
		uint32_t key;
		if (keyspec_parse(k, &key) == 0)
			keymap_bind(km, ctx, key, cmd);
	}
	free(copy);
}

struct keymap *keymap_new(void)
{
	struct keymap *km = xcalloc(1, sizeof *km);
	for (size_t i = 0; i < ARRAY_SIZE(defaults); i++)
		bind_keys(km, defaults[i].ctx, defaults[i].keys, defaults[i].cmd);
	for (size_t i = 0; i < ARRAY_SIZE(mail_defaults); i++) {
		bind_keys(km, CTX_INDEX, mail_defaults[i].keys, mail_defaults[i].cmd);
		bind_keys(km, CTX_PAGER, mail_defaults[i].keys, mail_defaults[i].cmd);
	}
	/* The pager's $ is its own end, not the index's expunge. */
	bind_keys(km, CTX_PAGER, "$", CMD_BOTTOM);
	return km;
}

void keymap_free(struct keymap **kmp)
{
	struct keymap *km = *kmp;
	if (!km)
		return;
	for (int i = 0; i < CTX_N; i++)
		ARRAY_RELEASE(&km->ctx[i]);
	free(km);
	*kmp = NULL;
}

static struct binding *find_binding(const struct keymap *km, enum cmd_ctx ctx, uint32_t key)
{
	for (size_t i = 0; i < km->ctx[ctx].n; i++)
		if (km->ctx[ctx].v[i].key == key)
			return &km->ctx[ctx].v[i];
	return NULL;
}

void keymap_bind(struct keymap *km, enum cmd_ctx ctx, uint32_t key, enum cmd cmd)
{
	struct binding *b = find_binding(km, ctx, key);
	if (b)
		b->cmd = cmd;
	else
		ARRAY_PUSH(&km->ctx[ctx], ((struct binding){ key, cmd }));
}

enum cmd keymap_lookup(const struct keymap *km, enum cmd_ctx ctx, uint32_t key)
{
	const struct binding *b = find_binding(km, ctx, key);
	if (b)
		return b->cmd;
	if (ctx == CTX_EDITOR)
		return CMD_NOOP;
	b = find_binding(km, CTX_GENERIC, key);
	return b && command_valid_in(b->cmd, ctx) ? b->cmd : CMD_NOOP;
}

static int ctx_find(const char *name, size_t len)
{
	for (int i = 0; i < CTX_N; i++)
		if (strlen(ctx_names[i]) == len && strncmp(ctx_names[i], name, len) == 0)
			return i;
	return -1;
}

/* Splits "A B C" into three words; false when the count is wrong. */
static bool three_words(char *s, char **w)
{
	char *save = NULL;
	int n = 0;
	for (char *t = strtok_r(s, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (n == 3)
			return false;
		w[n++] = t;
	}
	return n == 3;
}

static char *check_contexts(const char *list, unsigned *mask_r, enum cmd cmd)
{
	unsigned mask = 0;
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		int ctx = ctx_find(p, n);
		if (ctx < 0)
			return xasprintf(_("bind: unknown screen '%.*s' (one of generic, index, "
					   "pager, attach, compose, browser, outbox, editor)"),
					 (int)n, p);
		if (cmd != CMD_NOOP && !command_valid_in(cmd, (enum cmd_ctx)ctx))
			return xasprintf(_("bind: %s does nothing in %s"), command_name(cmd),
					 ctx_names[ctx]);
		mask |= 1u << ctx;
		p += n;
		if (*p == ',')
			p++;
	}
	*mask_r = mask;
	return mask ? NULL : xstrdup(_("bind: no screen named"));
}

char *keymap_apply_line(struct keymap *km, const char *line)
{
	char *copy = xstrdup(line);
	char *w[3];
	char *msg = NULL;
	if (!three_words(copy, w)) {
		msg = xstrdup(_("bind must be 'SCREEN KEY COMMAND', e.g. 'index j next-entry'"));
		goto out;
	}
	int cmd = command_find(w[2]);
	if (cmd < 0) {
		msg = xasprintf(_("bind: unknown command '%s'"), w[2]);
		goto out;
	}
	uint32_t key;
	if (keyspec_parse(w[1], &key) < 0) {
		msg = xasprintf(_("bind: cannot read the key '%s' (write e.g. j, ^F, <Down>, "
				  "<F5>, M-v)"), w[1]);
		goto out;
	}
	unsigned mask;
	msg = check_contexts(w[0], &mask, (enum cmd)cmd);
	if (msg)
		goto out;
	for (int i = 0; i < CTX_N; i++)
		if (mask & (1u << i))
			keymap_bind(km, (enum cmd_ctx)i, key, (enum cmd)cmd);
out:
	free(copy);
	return msg;
}

static int entry_cmp(const void *x, const void *y)
{
	const struct keymap_entry *a = x, *b = y;
	if (a->cmd != b->cmd)
		return a->cmd < b->cmd ? -1 : 1;
	return a->key < b->key ? -1 : a->key > b->key;
}

struct keymap_entry *keymap_list(const struct keymap *km, enum cmd_ctx ctx, size_t *n_r)
{
	ARRAY(struct keymap_entry) out = ARRAY_INIT;
	for (size_t i = 0; i < km->ctx[ctx].n; i++)
		if (km->ctx[ctx].v[i].cmd != CMD_NOOP)
			ARRAY_PUSH(&out, ((struct keymap_entry){ km->ctx[ctx].v[i].key,
								 km->ctx[ctx].v[i].cmd, false }));
	if (ctx != CTX_GENERIC && ctx != CTX_EDITOR)
		for (size_t i = 0; i < km->ctx[CTX_GENERIC].n; i++) {
			const struct binding *b = &km->ctx[CTX_GENERIC].v[i];
			if (b->cmd != CMD_NOOP && !find_binding(km, ctx, b->key) &&
			    command_valid_in(b->cmd, ctx))
				ARRAY_PUSH(&out, ((struct keymap_entry){ b->key, b->cmd, true }));
		}
	if (out.n)
		qsort(out.v, out.n, sizeof *out.v, entry_cmp);
	*n_r = out.n;
	return out.v;
}

uint32_t keymap_key_for(const struct keymap *km, enum cmd_ctx ctx, enum cmd cmd)
{
	size_t n;
	struct keymap_entry *v = keymap_list(km, ctx, &n);
	uint32_t key = 0;
	for (size_t i = 0; i < n && !key; i++)
		if (v[i].cmd == cmd)
			key = v[i].key;
	free(v);
	return key;
}
