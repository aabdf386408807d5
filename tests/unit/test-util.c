/* util: buffers, errors, string helpers, paths and the terminal sanitizer. */
#include "common.h"

#include <sys/stat.h>

#include "tap.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"

static void test_buf(void)
{
	struct buf b = BUF_INIT;
	is_str(buf_cstr(&b), "", "empty buffer reads as empty string");
	buf_adds(&b, "hello");
	buf_addc(&b, ' ');
	buf_addf(&b, "%d-%s", 42, "x");
	is_str(buf_cstr(&b), "hello 42-x", "add, addc, addf");
	buf_consume(&b, 6);
	is_str(buf_cstr(&b), "42-x", "consume drops a prefix");
	buf_truncate(&b, 2);
	is_str(buf_cstr(&b), "42", "truncate");
	for (int i = 0; i < 10000; i++)
		buf_addc(&b, 'a');
	is_int(b.len, 10002, "grows past many doublings");
	size_t len;
	char *s = buf_detach(&b, &len);
	is_int(len, 10002, "detach gives the length");
	ok(b.data == NULL && b.len == 0 && b.cap == 0, "detach leaves the buffer empty");
	free(s);
	buf_add(&b, "a\0b", 3);
	is_mem(b.data, b.len, "a\0b", 3, "holds NUL bytes");
	buf_release(&b);
	ok(b.data == NULL && b.len == 0, "release empties");
}

static void test_err(void)
{
	struct err e = ERR_INIT;
	ok(!err_is_set(&e), "fresh error is not set");
	is_int(err_set(&e, ERR_NET, "cannot connect to %s", "h"), -1, "err_set returns -1");
	err_prefix(&e, "account %s", "work");
	is_str(err_msg(&e), "account work: cannot connect to h", "prefix");
	ok(err_is_temporary(&e), "network errors are temporary");
	struct err f = ERR_INIT;
	err_move(&f, &e);
	ok(!err_is_set(&e) && err_is_set(&f), "move");
	err_set(&f, ERR_AUTH, "login failed");
	ok(!err_is_temporary(&f), "auth errors are not temporary");
	err_clear(&f);
	is_str(err_msg(&f), "", "cleared");
	is_int(err_set(NULL, ERR_IO, "x"), -1, "NULL err is allowed");
}

static void test_strutil(void)
{
	is_int(str_distance("hots", "host"), 1, "a transposition is one edit");
	is_int(str_distance("", "abc"), 3, "distance to empty");
	is_int(str_distance("smtp_hsot", "smtp_host"), 1, "distance");
	is_int(str_distance("kitten", "sitting"), 3, "classic distance");
	long v;
	ok(str_to_long("993", 1, 65535, &v) == 0 && v == 993, "number in range");
	ok(str_to_long("99x", 1, 65535, &v) < 0, "trailing junk refused");
	ok(str_to_long("70000", 1, 65535, &v) < 0, "out of range refused");
	ok(str_to_long("", 1, 2, &v) < 0, "empty refused");
	char s[] = "  a b \t\r\n";
	is_str(str_trim(s), "a b", "trim");
	ok(str_casecmp("INBOX", "inbox") == 0, "case-insensitive compare");
	ok(str_casestr("Hello World", "WORLD") != NULL, "casestr");
}

struct san_case { const char *in; unsigned flags; const char *out; const char *name; };

static void test_sanitize(void)
{
	static const struct san_case cases[] = {
		{ "plain text", 0, "plain text", "ASCII passes" },
		{ "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", 0, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", "UTF-8 passes" },
		{ "a\x1b[2Jb", 0, "a^[[2Jb", "ESC made visible" },
		{ "\x1b]0;title\x07", 0, "^[]0;title^G", "OSC and BEL made visible" },
		{ "a\xc2\x9b" "31mb", 0, "a\xef\xbf\xbd" "31mb", "C1 CSI replaced" },
		{ "x\xe2\x80\xaegnp.exe", 0, "x\xef\xbf\xbdgnp.exe", "RLO replaced" },
		{ "x\xe2\x81\xa6y\xe2\x81\xa9", 0, "x\xef\xbf\xbdy\xef\xbf\xbd", "isolates replaced" },
		{ "a\xffz", 0, "a\xef\xbf\xbdz", "invalid byte replaced" },
		{ "a\xc0\xafz", 0, "a\xef\xbf\xbd\xef\xbf\xbdz", "overlong replaced" },
		{ "a\xed\xa0\x80z", 0, "a\xef\xbf\xbdz", "surrogate replaced" },
		{ "a\xe6\x97", 0, "a\xef\xbf\xbd", "truncated sequence replaced" },
		{ "l1\r\nl2\n\tx", SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB, "l1\nl2\n\tx", "newlines and tabs kept" },
		{ "l1\r\nl2", 0, "l1^M^Jl2", "newlines shown in a one-line context" },
		{ "a\rb", SANITIZE_KEEP_NEWLINE, "a^Mb", "lone CR shown" },
		{ "\x7f", 0, "^?", "DEL shown" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		char *out = sanitize_dup(cases[i].in, cases[i].flags);
		is_str(out, cases[i].out, "sanitize: %s", cases[i].name);
		ok(utf8_valid(out, strlen(out)), "sanitize output is valid UTF-8: %s", cases[i].name);
		free(out);
	}
	struct buf b = BUF_INIT;
	sanitize_append(&b, "a\0b", 3, 0);
	is_str(buf_cstr(&b), "a^@b", "NUL shown");
	buf_release(&b);
	char enc[4];
	unsigned cp;
	size_t n = utf8_encode(0x1F600, enc);
	ok(n == 4 && utf8_decode(enc, n, &cp) == 4 && cp == 0x1F600, "encode/decode round trip");
}

static void test_paths(void)
{
	const char *tmp = tap_tmpdir();
	char *dir = path_join(tmp, "a/b/c");
	ok(mkdir_p(dir, 0700, NULL) == 0, "mkdir_p makes parents");
	char *f = path_join(dir, "file");
	ok(file_write_atomic(f, "content", 7, 0600, NULL) == 0, "atomic write");
	struct buf b = BUF_INIT;
	ok(file_read_all(f, &b, NULL) == 0, "read back");
	is_str(buf_cstr(&b), "content", "same content");
	buf_release(&b);
	struct err e = ERR_INIT;
	char *missing = path_join(tmp, "nope");
	ok(file_read_all(missing, &b, &e) < 0 && e.kind == ERR_NOT_FOUND, "missing file is NOT_FOUND");
	ok(strstr(err_msg(&e), missing) != NULL, "error names the file");
	err_clear(&e);
	buf_release(&b);
	char *j = path_join("/x/", "/y");
	is_str(j, "/x/y", "path_join without double slashes");
	free(j);
	free(missing);
	free(f);
	free(dir);

	setenv("POSTIE_CONFIG_DIR", "/env/conf", 1);
	char *c = paths_config_dir(NULL);
	is_str(c, "/env/conf", "POSTIE_CONFIG_DIR");
	free(c);
	c = paths_config_dir("/opt/dir");
	is_str(c, "/opt/dir", "-F beats the environment");
	free(c);
	unsetenv("POSTIE_CONFIG_DIR");
	setenv("XDG_CONFIG_HOME", "/xdg", 1);
	c = paths_config_dir(NULL);
	is_str(c, "/xdg/postie", "XDG_CONFIG_HOME");
	free(c);
	setenv("XDG_CONFIG_HOME", "relative", 1);
	setenv("HOME", "/home/u", 1);
	c = paths_config_dir(NULL);
	is_str(c, "/home/u/.config/postie", "relative XDG ignored, HOME used");
	free(c);
	unsetenv("XDG_DATA_HOME");
	unsetenv("POSTIE_DATA_DIR");
	c = paths_data_dir(NULL);
	is_str(c, "/home/u/.local/share/postie", "data dir default");
	free(c);
}

static void test_array(void)
{
	ARRAY(int) a = ARRAY_INIT;
	for (int i = 0; i < 1000; i++)
		ARRAY_PUSH(&a, i);
	ok(a.n == 1000 && a.v[999] == 999, "array push");
	ARRAY_RELEASE(&a);
	ok(a.v == NULL && a.n == 0, "array release");
}

int main(void)
{
	test_buf();
	test_err();
	test_strutil();
	test_sanitize();
	test_paths();
	test_array();
	return tap_done();
}
