/* The interface's catalogues and layout: key names, key maps and bind
 * lines, colours, index format strings, width-correct truncation, and
 * check-config's view of them. */
#include "common.h"

#include <stdio.h>

#include "conf/conf.h"
#include "core/commands.h"
#include "core/format.h"
#include "core/uiconf.h"
#include "store/index.h"
#include "store/summary.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/strutil.h"
#include "util/width.h"

static void test_keyspecs(void)
{
	static const struct { const char *spec; uint32_t key; const char *shown; } cases[] = {
		{ "j", 'j', "j" }, { "<Down>", PK_DOWN, "<Down>" }, { "<down>", PK_DOWN, "<Down>" },
		{ "^F", 6, "^F" }, { "\\Cf", 6, "^F" }, { "\\t", PK_TAB, "<Tab>" },
		{ "<Tab>", PK_TAB, "<Tab>" }, { "<Enter>", PK_ENTER, "<Enter>" },
		{ "<Return>", PK_ENTER, "<Enter>" }, { "\\n", PK_ENTER, "<Enter>" },
		{ "M-v", 'v' | PKF_META, "M-v" }, { "\\ev", 'v' | PKF_META, "M-v" },
		{ "<Esc>v", 'v' | PKF_META, "M-v" }, { "<F5>", PK_F5, "<F5>" },
		{ "é", 0xe9, "é" }, { "<Space>", ' ', "<Space>" }, { "^?", 127, "^?" },
		{ "<PageDown>", PK_PGDN, "<PageDown>" }, { "M-<Tab>", PK_TAB | PKF_META, "M-<Tab>" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		uint32_t key = 0;
		int r = keyspec_parse(cases[i].spec, &key);
		ok(r == 0 && key == cases[i].key, "key %s", cases[i].spec);
		struct buf b = BUF_INIT;
		keyspec_format(key, &b);
		is_str(buf_cstr(&b), cases[i].shown, "shown as %s", cases[i].shown);
		buf_release(&b);
	}
	static const char *const bad[] = { "", "<Nope>", "jj", "\\q", "M-", "<>x", "\x01" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		uint32_t key;
		ok(keyspec_parse(bad[i], &key) < 0, "'%s' is not a key", bad[i]);
	}
}

static void test_keymaps(void)
{
	struct keymap *km = keymap_new();
	is_int(keymap_lookup(km, CTX_INDEX, 'j'), CMD_NEXT_ENTRY, "index j: next-entry (generic)");
	is_int(keymap_lookup(km, CTX_INDEX, 'q'), CMD_QUIT, "index q: quit");
	is_int(keymap_lookup(km, CTX_PAGER, 'q'), CMD_EXIT, "pager q: exit");
	is_int(keymap_lookup(km, CTX_PAGER, 'j'), CMD_NEXT_LINE, "pager j: next-line");
	is_int(keymap_lookup(km, CTX_INDEX, 'd'), CMD_DELETE, "index d: delete");
	is_int(keymap_lookup(km, CTX_INDEX, '$'), CMD_EXPUNGE, "index $: sync-mailbox");
	is_int(keymap_lookup(km, CTX_PAGER, '$'), CMD_BOTTOM, "pager $: bottom");
	is_int(keymap_lookup(km, CTX_EDITOR, 'j'), CMD_NOOP, "editor j: typed, not a command");
	is_int(keymap_lookup(km, CTX_EDITOR, PK_CTRL('w')), CMD_KILL_WORD, "editor ^W: kill-word");
	is_int(keymap_lookup(km, CTX_COMPOSE, 'y'), CMD_SEND, "compose y: send");
	is_int(keymap_lookup(km, CTX_ATTACH, 'l'), CMD_NOOP, "generic keys only where they mean something");

	char *msg = keymap_apply_line(km, "index,pager <F5> fetch-mail");
	ok(!msg, "bind index,pager <F5> fetch-mail");
	is_int(keymap_lookup(km, CTX_PAGER, PK_F5), CMD_FETCH, "bound in the pager");
	msg = keymap_apply_line(km, "index j noop");
	ok(!msg && keymap_lookup(km, CTX_INDEX, 'j') == CMD_NOOP, "noop unbinds");
	static const struct { const char *line; const char *says; } bad[] = {
		{ "index j", "SCREEN KEY COMMAND" },
		{ "index j next-entry extra", "SCREEN KEY COMMAND" },
		{ "inbox j next-entry", "unknown screen 'inbox'" },
		{ "index j jump-around", "unknown command 'jump-around'" },
		{ "index <Nope> quit", "cannot read the key '<Nope>'" },
		{ "editor j send-message", "send-message does nothing in editor" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		msg = keymap_apply_line(km, bad[i].line);
		ok(msg && strstr(msg, bad[i].says), "bind %s: %s", bad[i].line, msg ? msg : "(accepted)");
		free(msg);
	}
	size_t n;
	struct keymap_entry *list = keymap_list(km, CTX_INDEX, &n);
	bool has_help = false, sorted = true;
	for (size_t i = 0; i < n; i++) {
		has_help |= list[i].cmd == CMD_HELP && list[i].generic;
		if (i && list[i - 1].cmd > list[i].cmd)
			sorted = false;
	}
	ok(n > 40 && has_help && sorted, "the index's help lists its and generic keys (%zu)", n);
	free(list);
	is_int(keymap_key_for(km, CTX_INDEX, CMD_HELP), '?', "help's key is ?");
	for (int c = 0; c < CMD_N; c++)
		if (!*command_name((enum cmd)c) || command_find(command_name((enum cmd)c)) != c)
			ok(0, "command %d has a unique name", c);
	keymap_free(&km);
	ok(km == NULL, "keymap_free clears the pointer");
}

static void test_colors(void)
{
	struct ui_theme t;
	ui_theme_defaults(&t);
	char *msg = ui_theme_apply_line(&t, "index-unread brightgreen default bold");
	ok(!msg && t.el[EL_INDEX_UNREAD].fg == 10 && t.el[EL_INDEX_UNREAD].bg == -1 &&
	   t.el[EL_INDEX_UNREAD].attrs == UI_BOLD, "brightgreen default bold");
	msg = ui_theme_apply_line(&t, "quoted1 color208");
	ok(!msg && t.el[EL_QUOTED1].fg == 208, "color208");
	msg = ui_theme_apply_line(&t, "status reverse");
	ok(!msg && t.el[EL_STATUS].attrs == UI_REVERSE && t.el[EL_STATUS].mono == UI_REVERSE,
	   "attributes alone");
	static const char *const bad[] = { "", "nosuch red", "normal pink", "normal color256",
					   "normal red blue green", "normal" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		msg = ui_theme_apply_line(&t, bad[i]);
		ok(msg != NULL, "color %s: %s", bad[i], msg ? msg : "(accepted)");
		free(msg);
	}
}

static void line_of(const char *fmt, const struct store_index *idx, uint32_t uid, size_t width,
		    const char *tree, struct buf *out)
{
	struct err err = ERR_INIT;
	struct index_format *f = index_format_parse(fmt, &err);
	if (!f) {
		tap_diag("%s", err_msg(&err));
		buf_reset(out);
		return;
	}
	struct index_line l = {
		.number = 7, .idx = idx, .m = store_index_find(idx, uid), .tree = tree,
		.date_format = "%Y-%m-%d", .now = 1718000000,
	};
	index_format_line(f, &l, width, out, NULL, NULL);
	index_format_free(&f);
}

static void test_formats(void)
{
	struct store_index idx = STORE_INDEX_INIT;
	struct msg_summary s;
	msg_summary_init(&s);
	s.uid = 1;
	s.date = 1717999000;
	s.size = 4300;
	s.flags = MSG_FLAGGED | MSG_RECENT;
	s.has_attachment = true;
	msg_summary_set(&s.from, "\"Zhang, Wei\" <wei@example.test>");
	msg_summary_set(&s.to, "Bob <bob@example.test>");
	msg_summary_set(&s.subject, "会议 notes \x1b[31mred");
	store_index_put(&idx, &s);
	s.uid = 2;
	msg_summary_set(&s.subject, "e\xcc\x81t\xc3\xa9 \xe2\x98\xba\xef\xb8\x8f ok");
	msg_summary_set(&s.from, "plain@example.test");
	store_index_put(&idx, &s);
	msg_summary_release(&s);

	struct buf b = BUF_INIT;
	line_of("%4C %Z %D %-12.12n|%s", &idx, 1, 60, "", &b);
	is_str(buf_cstr(&b), "   7 N! @ 2024-06-10 Zhang, Wei  |会议 notes ^[[31mred      ",
	       "fields, padding, control characters made visible");
	is_int(utf8_width(b.data, b.len), 60, "the line is exactly 60 columns");
	line_of("%s", &idx, 1, 5, "", &b);
	is_str(buf_cstr(&b), "会议 ", "a wide character is never cut in half");
	line_of("%-3.3n|%a|%t|%c|%S", &idx, 1, 80, "", &b);
	ok(str_startswith(buf_cstr(&b), "Zha|wei@example.test|Bob|4.2 KiB|"),
	   "%%n cut, %%a, %%t, %%c: %s", buf_cstr(&b));
	line_of("%s", &idx, 2, 10, "├─>", &b);
	ok(str_startswith(buf_cstr(&b), "├─>e\xcc\x81t\xc3\xa9 \xe2\x98\xba"),
	   "tree, combining accent kept with its letter: %s", buf_cstr(&b));
	is_int(utf8_width(b.data, b.len), 10, "combining marks and variation selectors are 0 wide");
	line_of("%n", &idx, 2, 20, "", &b);
	ok(str_startswith(buf_cstr(&b), "plain@example.test"), "no name: the address");
	line_of("%{%H}%%", &idx, 1, 10, "", &b);
	ok(strchr(buf_cstr(&b), '%') != NULL, "%%{...} and %%%%");
	struct err err = ERR_INIT;
	struct index_format *f = index_format_parse("%4C %q", &err);
	ok(!f && strstr(err_msg(&err), "%q"), "an unknown field is named: %s", err_msg(&err));
	err_clear(&err);
	f = index_format_parse("%{%b", &err);
	ok(!f, "an unclosed %%{ is refused");
	err_clear(&err);

	buf_reset(&b);
	is_int(format_cut(&b, "abcdef", 4), 4, "cut to 4 columns");
	is_str(buf_cstr(&b), "abc…", "with an ellipsis");
	buf_reset(&b);
	format_cut(&b, "日本語テキスト", 5);
	is_str(buf_cstr(&b), "日本…", "wide characters and the ellipsis fit in 5");
	buf_release(&b);
	store_index_release(&idx);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

static void test_check_config(void)
{
	char *dir = path_join(tap_tmpdir(), "conf");
	mkdir_p(dir, 0700, NULL);
	char *global = path_join(dir, "postie.conf");
	write_file(global, "sort = threads\n"
			   "bind = index j next-entry\n"
			   "bind = index x explode\n"
			   "color = index-flagged red\n"
			   "color = index-flagged pink\n"
			   "sidebar_width = 30\n"
			   "index_format = %4C %Q\n");
	struct conf_diags d = { 0 };
	struct conf *c;
	is_int(conf_load(dir, &c, &d), 0, "the keys themselves are fine");
	is_int(conf_global_line(c, "index_format"), 7, "the line of index_format is kept");
	is_int(c->global.bind.n, 2, "bind may be given many times");
	is_int(uiconf_apply(c, NULL, NULL, &d), 3, "three problems");
	ok(d.n == 3 && d.v[0].line == 3 && strstr(d.v[0].msg, "explode"), "bind: line 3");
	ok(d.n == 3 && d.v[1].line == 5 && strstr(d.v[1].msg, "pink"), "color: line 5");
	ok(d.n == 3 && d.v[2].line == 7 && strstr(d.v[2].msg, "%Q"), "index_format: line 7");
	conf_diags_release(&d);
	conf_free(&c);
	write_file(global, "sort = sideways\nsidebar_width = 3\n");
	ok(conf_load(dir, &c, &d) < 0 && d.n == 2, "bad sort and sidebar_width are reported");
	conf_diags_release(&d);
	conf_free(&c);
	free(global);
	free(dir);
}

int main(void)
{
	test_keyspecs();
	test_keymaps();
	test_colors();
	test_formats();
	test_check_config();
	return tap_done();
}
