/* msg: layout, format=flowed, HTML to text, mailcap, file names, saving,
 * and rendering of whole messages. */
#include "common.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"
#include "util/width.h"

static char *view_text(struct msg_view *v)
{
	struct buf t = BUF_INIT;
	msg_view_to_text(v, &t);
	msg_view_release(v);
	return buf_detach(&t, NULL);
}

static bool widths_ok(const struct msg_view *v)
{
	for (size_t i = 0; i < v->lines.n; i++)
		if (v->lines.v[i].width > v->width ||
		    utf8_width(msg_line_text(v, i), v->lines.v[i].len) != v->lines.v[i].width)
			return false;
	return true;
}

static char *doc_text(struct msg_doc *d, unsigned width)
{
	struct msg_view v;
	msg_doc_layout(d, width, &v);
	ok(widths_ok(&v), "every line fits in %u columns", v.width);
	msg_doc_free(&d);
	return view_text(&v);
}

static struct msg_block body_block(void)
{
	struct msg_block b;
	memset(&b, 0, sizeof b);
	b.kind = MSG_LINE_BODY;
	b.part = -1;
	return b;
}

static void text_is(const char *in, bool flowed, bool delsp, unsigned width, const char *want,
		    const char *name)
{
	struct msg_doc *d = msg_doc_new();
	struct msg_block b = body_block();
	msg_text_to_doc(d, &b, in, strlen(in), flowed, delsp);
	char *got = doc_text(d, width);
	is_str(got, want, "text: %s", name);
	free(got);
}

static void test_width(void)
{
	is_int(uc_width('a'), 1, "width: ASCII");
	is_int(uc_width(0x4E2D), 2, "width: CJK is double");
	is_int(uc_width(0x301), 0, "width: combining accent is zero");
	is_int(uc_width(0x1F600), 2, "width: emoji is double");
	is_int(utf8_width("e\xcc\x81t\xc3\xa9", 6), 3, "width: a string with a combining accent");
	size_t w;
	is_int(utf8_fit("ab\xe4\xb8\xad", 5, 3, &w), 2, "fit: a wide character never split");
	is_int(w, 2, "fit: its width");
	is_int(utf8_fit("ae\xcc\x81x", 5, 2, &w), 4, "fit: an accent stays with its letter");
}

static void test_layout(void)
{
	text_is("short line\n", false, false, 80, "short line\n", "a short line stays");
	text_is("one two three four five six seven", false, false, 20,
		"one two three four\nfive six seven\n", "wrapped at word boundaries");
	text_is("abcdefghijklmnopqrstuvwxyzabcdefghij", false, false, 20,
		"abcdefghijklmnopqrst\nuvwxyzabcdefghij\n", "a long word is cut");
	text_is("> quoted text that is long enough to wrap", false, false, 20,
		"> quoted text that\n> is long enough to\n> wrap\n", "quote prefix repeated");
	text_is("\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad"
		"\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad", false, false, 20,
		"\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\xe4\xb8\xad"
		"\xe6\x96\x87\xe4\xb8\xad\xe6\x96\x87\n\xe4\xb8\xad\n", "CJK wraps by columns");
	text_is("a\tb\n", false, false, 80, "a       b\n", "tabs expanded");
	text_is("esc \x1b[31m red\n", false, false, 80, "esc ^[[31m red\n", "escapes made visible");
	text_is("a\r\nb\rc\n\n\n", false, false, 80, "a\nb\nc\n", "CR LF, lone CR, trailing blank lines");
	text_is("bidi \xe2\x80\xae evil\n", false, false, 80, "bidi \xEF\xBF\xBD evil\n",
		"bidi override replaced");
	text_is("bad \xff utf8\n", false, false, 80, "bad \xEF\xBF\xBD utf8\n", "invalid UTF-8 replaced");
	text_is("x", false, false, 5, "x\n", "width under 20 counts as 20");
}

static void flowed_cb(unsigned quote, const char *s, size_t len, void *aux)
{
	buf_addf(aux, "[%u:%.*s]", quote, (int)len, s);
}

static void flowed_is(const char *in, bool delsp, const char *want, const char *name)
{
	struct buf b = BUF_INIT;
	msg_flowed_parse(in, strlen(in), delsp, flowed_cb, &b);
	is_str(buf_cstr(&b), want, "flowed: %s", name);
	buf_release(&b);
}

static void test_flowed(void)
{
	flowed_is("one \ntwo \nthree\nnext\n", false, "[0:one two three][0:next]", "soft breaks join");
	flowed_is("one \ntwo\n", true, "[0:onetwo]", "DelSp removes the space");
	flowed_is("> a \n> b\n>> c\n", false, "[1:a b][2:c]", "quote levels");
	flowed_is("> a \n>> b\n", false, "[1:a ][2:b]", "a level change ends a paragraph");
	flowed_is(" From here\n  two\n", false, "[0:From here][0: two]", "space stuffing removed");
	flowed_is("text \n-- \nsig\n", false, "[0:text -- ][0:sig]", "sig separator is a hard break");
	flowed_is("last \n", false, "[0:last ]", "a soft break at the end");
	text_is("a long flowed paragraph \nthat continues \nhere\n> and a quote \n> that wraps too\n",
		true, false, 20,
		"a long flowed\nparagraph that\ncontinues here\n> and a quote that\n> wraps too\n",
		"reflowed to 20 columns");
}

static char *html(const char *in, unsigned width)
{
	struct msg_doc *d = msg_doc_new();
	struct msg_block b = body_block();
	msg_html_to_doc(d, &b, in, strlen(in));
	return doc_text(d, width);
}

static void html_is(const char *in, const char *want, const char *name)
{
	char *got = html(in, 40);
	is_str(got, want, "html: %s", name);
	free(got);
}

static void test_html(void)
{
	html_is("<p>one</p><p>two</p>", "one\n\ntwo\n", "paragraphs");
	html_is("a<br>b<br/><br>c", "a\nb\n\nc\n", "line breaks");
	html_is("<p>  lots   of\n\n space </p>", "lots of space\n", "whitespace collapsed");
	html_is("<ul><li>one<li>two<ul><li>inner</li></ul></ul>", "* one\n* two\n  * inner\n", "lists");
	html_is("<ol><li>a</li><li>b</li></ol>", "1. a\n2. b\n", "ordered list");
	html_is("<p>hi</p><blockquote><p>quoted</p><blockquote>deeper</blockquote></blockquote>",
		"hi\n\n> quoted\n>\n>> deeper\n", "blockquotes as quotes");
	html_is("<table><tr><td>a</td><td>b</td></tr><tr><th>c</th><td>d</td></tr></table>",
		"a | b\nc | d\n", "tables as rows");
	html_is("see <a href=\"https://example.org/x\">the site</a> and "
		"<a href='https://example.org/x'>again</a> or <a href=\"https://b.example\">b</a>",
		"see the site[1] and again[1] or b[2]\n\n[1] https://example.org/x\n"
		"[2] https://b.example\n", "links numbered and listed");
	html_is("<a href=\"https://e.org\">https://e.org</a>", "https://e.org\n",
		"a link showing its URL gets no number");
	html_is("<a href=\"javascript:evil()\">x</a>", "x\n", "javascript links not listed");
	html_is("&lt;tag&gt; &amp; &quot;q&quot; &eacute;&#233;&#xE9; &euro; &#150; &bogus; &amp",
		"<tag> & \"q\" ééé € – &bogus; &\n", "entities");
	html_is("&#0;&#xD800;&#99999999;", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\n",
		"invalid numeric entities");
	html_is("<script>alert(1)</script><style>p{}</style>visible<!-- hidden -->",
		"visible\n", "scripts, styles and comments dropped");
	html_is("<head><title>T</title></head><body>b</body>", "b\n", "head dropped");
	html_is("<div style=\"display: none\">preheader<div>inner</div></div>shown",
		"shown\n", "display:none dropped");
	html_is("<pre>  keep\n    this</pre>after", "  keep\n    this\n\nafter\n", "pre kept");
	html_is("<img src=x alt=\"Logo\"> <img src=y>", "[Logo]\n", "image alt text");
	html_is("a < b and 1<2", "a < b and 1<2\n", "a lone < is text");
	html_is("<h1>Title</h1>text<hr>more", "Title\n\ntext\n--------------------\nmore\n",
		"heading and rule");
	html_is("<p>unterminated <b attr=\"x", "unterminated\n", "unterminated tag");
	html_is("", "", "empty");
	char *got = html("<p>a long paragraph of words that must wrap nicely</p>", 20);
	is_str(got, "a long paragraph of\nwords that must wrap\nnicely\n", "html: wrapped");
	free(got);
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 100000; i++)
		buf_adds(&deep, "<blockquote><ul><li>");
	buf_adds(&deep, "x");
	got = html(deep.data, 80);
	ok(got != NULL, "html: 100000 nested elements, no crash");
	free(got);
	buf_release(&deep);
	char *cs = msg_html_sniff_charset("<html><meta charset=\"koi8-r\">", 29);
	is_str(cs, "koi8-r", "html: meta charset sniffed");
	free(cs);
	cs = msg_html_sniff_charset("<meta http-equiv=Content-Type content='text/html; "
				    "charset=windows-1251'>", 72);
	is_str(cs, "windows-1251", "html: http-equiv charset sniffed");
	free(cs);
}

static void test_mailcap(void)
{
	const char *text =
		"# comment\n"
		"text/html; lynx -dump -force_html %s; copiousoutput; nametemplate=%s.html\n"
		"text/html; firefox %s\n"
		"image/*; feh %s; test=false\n"
		"image/*; display \\\n   %s; needsterminal\n"
		"application/pdf; zathura '%s'; description=\"PDF; file\"\n"
		"text/x-weird; cmd %{charset} %t \\; %%\n"
		"text; less %s\n"
		"application/x-q; q %s\n"
		"broken line without command\n"
		";\n";
	struct msg_mailcap *mc = xcalloc(1, sizeof *mc);
	msg_mailcap_parse(mc, text, strlen(text));
	is_int(mc->entries.n, 8, "mailcap: entries parsed, bad lines skipped");
	const struct msg_mailcap_entry *e = msg_mailcap_find(mc, "text/html", true);
	ok(e && strcmp(e->view, "lynx -dump -force_html %s") == 0, "mailcap: copiousoutput entry");
	is_str(e ? e->nametemplate : "", "%s.html", "mailcap: nametemplate");
	e = msg_mailcap_find(mc, "text/html", false);
	ok(e && e->copiousoutput, "mailcap: first match wins");
	e = msg_mailcap_find(mc, "image/png", false);
	ok(e && strcmp(e->view, "display    %s") == 0 && e->needsterminal,
	   "mailcap: failing test skipped, continuation joined");
	e = msg_mailcap_find(mc, "text/plain", false);
	ok(e && strcmp(e->view, "less %s") == 0, "mailcap: bare major type matches");
	ok(msg_mailcap_find(mc, "video/mp4", false) == NULL, "mailcap: no match");
	e = msg_mailcap_find(mc, "text/x-weird", false);
	struct msg_params p = ARRAY_INIT;
	const char *ct = "text/x-weird; charset=\"utf-8; rm -rf ~ `x` $(y)\"";
	msg_params_parse(ct, strlen(ct), NULL, &p);
	char *cmd = e ? msg_mailcap_command(e, "text/x-weird", "/tmp/a b", &p) : NULL;
	is_str(cmd, "cmd utf-8rm-rfxy text/x-weird ; %", "mailcap: parameters reduced to safe "
	       "characters");
	free(cmd);
	msg_params_release(&p);
	e = msg_mailcap_find(mc, "application/x-q", false);
	cmd = e ? msg_mailcap_command(e, "application/x-q", "/tmp/it's here", NULL) : NULL;
	is_str(cmd, "q '/tmp/it'\\''s here'", "mailcap: path quoted");
	free(cmd);
	e = msg_mailcap_find(mc, "application/pdf", false);
	cmd = e ? msg_mailcap_command(e, "application/pdf", "/tmp/x/file.pdf", NULL) : NULL;
	is_str(cmd, "zathura '/tmp/x/file.pdf'", "mailcap: a plain path is not quoted");
	free(cmd);
	ok(e && msg_mailcap_wants_file(e), "mailcap: %%s means a file");
	msg_mailcap_free(&mc);
	ok(mc == NULL, "mailcap: free clears the pointer");

	char *dir = path_join(tap_tmpdir(), "mc");
	mkdir(dir, 0700);
	char *f1 = path_join(dir, "one"), *f2 = path_join(dir, "two");
	file_write_atomic(f1, "text/html; cat; copiousoutput\n", 30, 0600, NULL);
	file_write_atomic(f2, "image/png; feh %s\n", 18, 0600, NULL);
	char *list = xasprintf("%s:%s/missing:%s", f1, dir, f2);
	mc = msg_mailcap_load(list);
	is_int(mc->entries.n, 2, "mailcap: files read in order, missing ones skipped");
	msg_mailcap_free(&mc);
	setenv("MAILCAPS", f2, 1);
	mc = msg_mailcap_load(NULL);
	is_int(mc->entries.n, 1, "mailcap: $MAILCAPS honoured");
	msg_mailcap_free(&mc);
	unsetenv("MAILCAPS");
	free(list);
	free(f1);
	free(f2);
	free(dir);
}

static void name_is(const char *in, const char *want, const char *what)
{
	char *got = msg_filename_sanitize(in, "fallback");
	is_str(got, want, "filename: %s", what);
	free(got);
}

static void test_filenames(void)
{
	name_is("report.pdf", "report.pdf", "a plain name stays");
	name_is("../../etc/passwd", "passwd", "path traversal removed");
	name_is("..\\..\\windows\\evil.exe", "evil.exe", "backslash paths too");
	name_is("..", "fallback", "dot-dot alone");
	name_is(".bashrc", "_bashrc", "no hidden files");
	name_is("-rf", "_rf", "no leading dash");
	name_is("a\x1b[31mb.txt", "a_[31mb.txt", "escape removed");
	name_is("invoice\xe2\x80\xae" "fdp.exe", "invoice_fdp.exe", "bidi override removed");
	name_is("zero\xe2\x80\x8bwidth", "zero_width", "zero-width character removed");
	name_is("trailing. . ", "trailing", "trailing dots and blanks");
	name_is("", "fallback", "empty name");
	name_is("/", "fallback", "only a slash");
	name_is("caf\xc3\xa9.txt", "café.txt", "UTF-8 kept");
	struct buf longname = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_adds(&longname, "\xc3\xa9");
	buf_adds(&longname, ".pdf");
	char *s = msg_filename_sanitize(longname.data, "x");
	ok(strlen(s) <= 200 && str_endswith(s, ".pdf") && utf8_valid(s, strlen(s)),
	   "filename: long name cut on a character, extension kept");
	free(s);
	buf_release(&longname);
}

static const char attach_msg[] =
	"From: a@example.org\r\nSubject: files\r\n"
	"Content-Type: multipart/mixed; boundary=B\r\n\r\n"
	"--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
	"--B\r\nContent-Type: application/octet-stream\r\n"
	"Content-Disposition: attachment; filename=\"../../x/evil.sh\"\r\n"
	"Content-Transfer-Encoding: base64\r\n\r\naGVsbG8=\r\n"
	"--B\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBO\r\n"
	"--B--\r\n";

static void test_save(void)
{
	struct msg *m = msg_parse(attach_msg, strlen(attach_msg));
	is_int(msg_attachment_count(m), 3, "save: three parts listed");
	const struct msg_part *p = msg_attachment(m, 2);
	ok(p && strcmp(p->filename, "../../x/evil.sh") == 0, "save: name as sent");
	char *name = msg_part_save_name(p);
	is_str(name, "evil.sh", "save: name made safe");
	free(name);
	name = msg_part_save_name(msg_attachment(m, 3));
	is_str(name, "attachment-3.png", "save: nameless part gets a name");
	free(name);
	char *dir = path_join(tap_tmpdir(), "save");
	mkdir(dir, 0700);
	char *path = NULL;
	struct err err = ERR_INIT;
	is_int(msg_part_save(m, p, dir, NULL, false, &path, &err), 0, "save: saved");
	struct buf got = BUF_INIT;
	file_read_all(path, &got, NULL);
	is_str(buf_cstr(&got), "hello", "save: decoded content");
	is_int(msg_part_save(m, p, dir, NULL, false, NULL, &err), MSG_SAVE_EXISTS,
	       "save: an existing file is not overwritten");
	is_int(msg_part_save(m, p, dir, NULL, true, NULL, &err), 0, "save: unless asked to");
	char *link = path_join(dir, "attachment-3.png");
	char *target = path_join(dir, "target");
	ok(symlink(target, link) == 0, "save: a symlink in the way");
	is_int(msg_part_save(m, msg_attachment(m, 3), dir, NULL, false, NULL, &err),
	       MSG_SAVE_EXISTS, "save: a symlink counts as existing");
	ok(!path_exists(target), "save: and is not followed");
	is_int(msg_save_all(m, dir, NULL, NULL, &err), 0, "save all: nothing new without asking");
	char *dir2 = path_join(tap_tmpdir(), "save2");
	mkdir(dir2, 0700);
	is_int(msg_save_all(m, dir2, NULL, NULL, &err), 2, "save all: named and binary parts");
	ok(msg_part_save(m, p, "/nonexistent/dir", NULL, false, NULL, &err) < 0 &&
	   err.kind == ERR_IO, "save: error for a missing directory");
	err_clear(&err);

	struct msg_mailcap *mc = xcalloc(1, sizeof *mc);
	const char *cap = "application/octet-stream; cat %s; copiousoutput\nimage/png; view\n";
	msg_mailcap_parse(mc, cap, strlen(cap));
	struct msg_open op;
	ok(msg_part_open_prepare(m, p, mc, &op, &err) == 0, "open: prepared");
	ok(op.copiousoutput && !op.on_stdin && str_endswith(op.path, "/evil.sh"),
	   "open: flags and temp name");
	struct buf tmp = BUF_INIT;
	file_read_all(op.path, &tmp, NULL);
	is_str(buf_cstr(&tmp), "hello", "open: the temp file holds the part");
	char *want = xasprintf("cat %s", op.path);
	is_str(op.command, want, "open: command line");
	free(want);
	char *opened = xstrdup(op.path);
	msg_open_release(&op);
	ok(!path_exists(opened), "open: temp file removed afterwards");
	ok(msg_part_open_prepare(m, msg_attachment(m, 3), mc, &op, &err) == 0 && op.on_stdin,
	   "open: no %%s means standard input");
	msg_open_release(&op);
	ok(msg_part_open_prepare(m, msg_attachment(m, 1), mc, &op, &err) < 0 &&
	   err.kind == ERR_NOT_FOUND, "open: no entry for the type");
	err_clear(&err);
	free(opened);
	msg_mailcap_free(&mc);
	buf_release(&tmp);
	buf_release(&got);
	free(link);
	free(target);
	free(path);
	free(dir);
	free(dir2);
	msg_free(&m);
	ok(m == NULL, "msg_free clears the pointer");
}

static char *render(const char *raw, unsigned width, const struct msg_render_opts *o)
{
	struct msg *m = msg_parse(raw, strlen(raw));
	struct msg_render_opts def;
	msg_render_opts_init(&def);
	if (!o)
		o = &def;
	struct msg_render_opts oo = *o;
	oo.width = width;
	struct msg_view v;
	msg_render(m, &oo, &v);
	ok(widths_ok(&v), "render: lines fit");
	msg_free(&m);
	return view_text(&v);
}

static void test_render(void)
{
	const char *alt = "Subject: alt\r\nContent-Type: multipart/alternative; boundary=A\r\n\r\n"
			  "--A\r\nContent-Type: text/plain\r\n\r\nplain version\r\n"
			  "--A\r\nContent-Type: text/html\r\n\r\n<p>html <b>version</b></p>\r\n--A--\r\n";
	char *got = render(alt, 80, NULL);
	is_str(got, "Subject: alt\n\nplain version\n", "render: alternative prefers text/plain");
	free(got);
	struct msg_render_opts o;
	msg_render_opts_init(&o);
	o.prefer_html = true;
	got = render(alt, 80, &o);
	is_str(got, "Subject: alt\n\nhtml version\n", "render: or HTML when asked");
	free(got);
	const char *const hdrs[] = { "subject", "X-Custom", NULL };
	o.prefer_html = false;
	o.headers = hdrs;
	got = render("X-Custom: =?utf-8?q?d=C3=A9cod=C3=A9?=\r\nSubject: s\r\n\r\nb\r\n", 80, &o);
	is_str(got, "subject: s\nX-Custom: décodé\n\nb\n", "render: header display list, in order");
	free(got);
	o.headers = NULL;
	o.all_headers = true;
	got = render("B: 2\r\nA: 1\r\n\r\nb\r\n", 80, &o);
	is_str(got, "B: 2\nA: 1\n\nb\n", "render: all headers as sent");
	free(got);

	struct buf deep = BUF_INIT;
	buf_adds(&deep, "Subject: deep\r\n");
	for (int i = 0; i < 100000; i++)
		buf_addf(&deep, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i);
	buf_adds(&deep, "\r\ninnermost\r\n");
	got = render(deep.data, 80, NULL);
	ok(strstr(got, "more than 256 deep; body not shown") != NULL, "render: 100,000 nested parts refused");
	free(got);
	buf_reset(&deep);
	buf_adds(&deep, "Subject: deep\r\n");
	for (int i = 0; i < 200; i++)
		buf_addf(&deep, "Content-Type: multipart/mixed; boundary=\"b%d\"\r\n\r\n--b%d\r\n", i, i);
	buf_adds(&deep, "Content-Type: text/plain\r\n\r\ninnermost\r\n");
	for (int i = 199; i >= 0; i--)
		buf_addf(&deep, "--b%d--\r\n", i);
	got = render(deep.data, 80, NULL);
	is_str(got, "Subject: deep\n\ninnermost\n", "render: 200 nested parts shown");
	free(got);
	buf_release(&deep);

	struct msg *m = msg_parse(alt, strlen(alt));
	msg_render_opts_init(&o);
	struct msg_view v1, v2;
	o.width = 30;
	msg_render(m, &o, &v1);
	o.width = 100;
	msg_render(m, &o, &v2);
	ok(v1.lines.n == v2.lines.n && v1.lines.v[0].kind == MSG_LINE_HEADER &&
	   v1.lines.v[0].label_len == 8 && v1.lines.v[2].kind == MSG_LINE_BODY &&
	   v1.lines.v[2].part == 2, "render: line attributes (kind, label, part)");
	msg_view_release(&v1);
	msg_view_release(&v2);
	msg_free(&m);
	got = render("", 80, NULL);
	ok(got != NULL, "render: empty input");
	free(got);
}

static void test_filter(void)
{
	struct msg_mailcap *mc = xcalloc(1, sizeof *mc);
	const char *cap = "text/html; sed 's/<[^>]*>//g' %s; copiousoutput; nametemplate=%s.html\n";
	msg_mailcap_parse(mc, cap, strlen(cap));
	struct msg_render_opts o;
	msg_render_opts_init(&o);
	o.mailcap = mc;
	const char *h = "Content-Type: text/html; charset=iso-8859-1\r\n\r\n<p>caf\xe9</p>\r\n";
	char *got = render(h, 80, &o);
	is_str(got, "café\n", "filter: HTML through a mailcap entry, as UTF-8");
	free(got);
	msg_mailcap_free(&mc);
	mc = xcalloc(1, sizeof *mc);
	cap = "text/html; exit 3; copiousoutput\n";
	msg_mailcap_parse(mc, cap, strlen(cap));
	o.mailcap = mc;
	got = render("Content-Type: text/html\r\n\r\n<p>x</p>\r\n", 200, &o);
	ok(strstr(got, "failed (exit status 3); shown with the built-in converter --]\nx\n") != NULL,
	   "filter: a failing command falls back, and says so");
	free(got);
	msg_mailcap_free(&mc);
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;
	is_int(msg_filter_run("head -c 3", "abcdef", 6, &out, &err), 0, "filter: stdin to stdout");
	is_str(buf_cstr(&out), "abc", "filter: output");
	buf_reset(&out);
	struct buf big = BUF_INIT;
	for (int i = 0; i < 200000; i++)
		buf_adds(&big, "0123456789");
	is_int(msg_filter_run("exit 0", big.data, big.len, &out, &err), 0,
	       "filter: a command that reads nothing does not hang or kill us");
	buf_release(&big);
	buf_release(&out);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	unsetenv("MAILCAPS");
	test_width();
	test_layout();
	test_flowed();
	test_html();
	test_mailcap();
	test_filenames();
	test_save();
	test_render();
	test_filter();
	return tap_done();
}
