/* msg/compose.h: RFC 2047 and RFC 2231 encoding, address input, transfer
 * encodings, 7-bit conversion, building, drafts, the editor text, replies
 * and forwards (on the messages in tests/data/compose). */
#include "common.h"

#include "tap.h"
#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"

static const char *const alts[] = { "*@alice.example" };
static const struct msg_identity alice = { "Alice Example", "alice@example.test", alts, 1 };

/* ---- helpers ---- */

/* Every line of a header block (or message) ends in CRLF and is at most
 * width long; everything is 7-bit. */
static bool lines_ok(const char *s, size_t len, size_t width, const char *name)
{
	size_t col = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x80 || c == 0) {
			tap_diag("%s: 8-bit byte at %zu", name, i);
			return false;
		}
		if (c == '\r') {
			if (i + 1 >= len || s[i + 1] != '\n') {
				tap_diag("%s: lone CR at %zu", name, i);
				return false;
			}
			continue;
		}
		if (c == '\n') {
			if (i == 0 || s[i - 1] != '\r') {
				tap_diag("%s: bare LF at %zu", name, i);
				return false;
			}
			col = 0;
			continue;
		}
		if (++col > width) {
			tap_diag("%s: line longer than %zu at %zu", name, width, i);
			return false;
		}
	}
	return len >= 2 && s[len - 2] == '\r' && s[len - 1] == '\n';
}

/* The value of a written header field "Name: value\r\n", unfolded. */
static char *field_value(const char *s)
{
	const char *colon = strchr(s, ':');
	struct buf b = BUF_INIT;
	for (const char *p = colon + 1; *p; p++)
		if (*p != '\r' && *p != '\n')
			buf_addc(&b, *p);
	return buf_detach(&b, NULL);
}

/* Each encoded word is at most 75 characters and decodes alone to whole
 * UTF-8 characters. */
static bool words_ok(const char *s)
{
	for (const char *p = strstr(s, "=?UTF-8?"); p; p = strstr(p + 2, "=?UTF-8?")) {
		const char *end = strstr(p + 10, "?=");
		if (!end)
			return false;
		size_t n = (size_t)(end + 2 - p);
		char *one = msg_header_decode(p, n);
		bool fine = n <= 75 && utf8_valid(one, strlen(one)) && !strstr(one, "\xEF\xBF\xBD");
		if (!fine)
			tap_diag("bad word (%zu): %.*s -> %s", n, (int)n, p, one);
		free(one);
		if (!fine)
			return false;
	}
	return true;
}

static void text_roundtrip(const char *value, const char *name)
{
	struct buf b = BUF_INIT;
	msg_header_write_text(&b, "Subject", value);
	ok(lines_ok(b.data, b.len, 76, name), "rfc2047 %s: lines of at most 76, 7-bit", name);
	ok(words_ok(b.data), "rfc2047 %s: words of at most 75, whole characters", name);
	char *v = field_value(b.data);
	char *dec = msg_header_decode(v, strlen(v));
	is_str(dec, value, "rfc2047 %s: decodes back", name);
	free(dec);
	free(v);
	buf_release(&b);
}

static void test_rfc2047(void)
{
	struct buf b = BUF_INIT;
	msg_header_write_text(&b, "Subject", "Hello world");
	is_str(buf_cstr(&b), "Subject: Hello world\r\n", "rfc2047: ASCII stays plain");
	buf_release(&b);
	text_roundtrip("Grüße aus Köln", "umlauts");
	text_roundtrip("日本語のテキストがとても長い件名です。これは折り返しのテストです。"
		       "もっと長くします。さらに長く。", "long CJK");
	text_roundtrip("Re: Café au lait and 中文 mixed with ascii words in a long subject line "
		       "that has to fold somewhere", "mixed");
	text_roundtrip("=?utf-8?q?not_a_word?= taken literally", "literal encoded-word lookalike");
	text_roundtrip("😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙😚🙂🤗🤩🤔🤨😐😑😶 four-byte", "emoji");
	text_roundtrip("a  double  space and \xc3\xa9  double", "blanks kept");
	text_roundtrip("averyveryveryveryveryveryveryveryveryveryveryveryveryveryveryveryvery"
		       "verylongword_without_any_blank_1234567890", "overlong word");
	text_roundtrip("ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé", "one long "
		       "non-ASCII word");
	struct buf w = BUF_INIT;
	size_t took = msg_rfc2047_word(&w, "\xe2\x82\xac\xe2\x82\xac", 6, 12 + 9, 'Q');
	ok(took == 3 && strcmp(buf_cstr(&w), "=?UTF-8?Q?=E2=82=AC?=") == 0,
	   "rfc2047: a word never splits a character (%zu)", took);
	buf_reset(&w);
	ok(msg_rfc2047_word(&w, "\xe2\x82\xac", 3, 20, 'Q') == 0, "rfc2047: nothing fits, nothing taken");
	buf_release(&w);
	struct buf ids = BUF_INIT;
	const char *list[] = { "good@x.org", "bad\r\nBcc: evil@x.org", "sp ace@x", "also@x.org" };
	msg_header_write_ids(&ids, "References", list, 4);
	is_str(buf_cstr(&ids), "References: <good@x.org> <also@x.org>\r\n",
	       "ids: nothing that could break the header open");
	buf_release(&ids);
}

static void param_roundtrip(const char *value, const char *name)
{
	struct buf b = BUF_INIT;
	struct msg_hparam p = { "filename", value };
	msg_header_write_params(&b, "Content-Disposition", "attachment", &p, 1);
	ok(lines_ok(b.data, b.len, 76, name), "rfc2231 %s: lines of at most 76, 7-bit", name);
	char *v = field_value(b.data);
	char *disp = NULL;
	struct msg_params params = ARRAY_INIT;
	msg_params_parse(v, strlen(v), &disp, &params);
	is_str(disp, "attachment", "rfc2231 %s: value", name);
	is_str(msg_params_get(&params, "filename"), value, "rfc2231 %s: reads back", name);
	msg_params_release(&params);
	free(disp);
	free(v);
	buf_release(&b);
}

static void test_rfc2231(void)
{
	struct buf b = BUF_INIT;
	struct msg_hparam p = { "filename", "report.pdf" };
	msg_header_write_params(&b, "Content-Disposition", "attachment", &p, 1);
	is_str(buf_cstr(&b), "Content-Disposition: attachment; filename=report.pdf\r\n",
	       "rfc2231: a token stays plain");
	buf_reset(&b);
	p.value = "résumé.pdf";
	msg_header_write_params(&b, "Content-Disposition", "attachment", &p, 1);
	is_str(buf_cstr(&b), "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf\r\n",
	       "rfc2231: non-ASCII in the extended form");
	buf_release(&b);
	param_roundtrip("résumé.pdf", "short");
	param_roundtrip("my report (final).pdf", "quoted");
	param_roundtrip("a \"quoted\" \\ name.txt", "escapes");
	param_roundtrip("A very long ASCII file name that goes on and on and on, well beyond "
			"one line of a header.txt", "long ASCII: continuations");
	param_roundtrip("Übersicht über die Änderungen im Geschäftsjahr 2024 — Entwurf für den "
			"Vorstand 日本語.pdf", "long non-ASCII: continuations");
}

/* ---- addresses ---- */

static void addr_error(const char *in, const char *want, const char *name)
{
	struct msg_addr_list l = ARRAY_INIT;
	struct err err = ERR_INIT;
	int r = msg_addr_list_parse_input(in, &l, &err);
	ok(r < 0 && err.kind == ERR_INPUT && strstr(err_msg(&err), want) && l.n == 0,
	   "address error: %s", name);
	if (r == 0 || !strstr(err_msg(&err), want))
		tap_diag("input %s: got '%s'", in, err_msg(&err));
	err_clear(&err);
	msg_addr_list_release(&l);
}

static void addr_good(const char *in, const char *want, size_t n, const char *name)
{
	struct msg_addr_list l = ARRAY_INIT;
	struct err err = ERR_INIT;
	int r = msg_addr_list_parse_input(in, &l, &err);
	char *got = msg_addr_list_format_input(&l);
	ok(r == 0 && l.n == n, "address: %s parses (%zu)", name, l.n);
	if (r < 0)
		tap_diag("%s", err_msg(&err));
	is_str(got, want, "address: %s as typed", name);
	/* and what the editor shows parses to the same */
	struct msg_addr_list l2 = ARRAY_INIT;
	ok(msg_addr_list_parse_input(got, &l2, NULL) == 0 && l2.n == l.n,
	   "address: %s reads back", name);
	msg_addr_list_release(&l2);
	free(got);
	err_clear(&err);
	msg_addr_list_release(&l);
}

static void test_addresses(void)
{
	addr_error("bob", "no @domain", "no domain");
	addr_error("bob@", "domain after the @ is missing", "empty domain");
	addr_error("@example.org", "before the @ is missing", "empty local part");
	addr_error("Bob <bob@example.org", "'>' after the address is missing", "missing >");
	addr_error("\"Bob <bob@example.org>", "is not closed", "unclosed quote");
	addr_error("Bob Smith bob@example.org", "put the address in <>", "name without brackets");
	addr_error("a@b..example", "malformed", "double dot in the domain");
	addr_error("jörg@example.org", "non-ASCII", "non-ASCII address");
	addr_error("a@x.org, Friends: b@x.org; ;", "';' without a group", "stray ;");
	addr_error("<a@x.org> <b@x.org>", "without a comma", "two addresses run together");
	addr_error("a@x.org (a comment", "'(' is not closed", "unclosed comment");
	addr_error("a@exa_mple.org", "cannot have", "bad domain character");
	addr_error("good@x.org, bad@", "bad@", "names the bad one of several");
	addr_good("\"Doe, John\" <j@x.org>, b@y.org", "\"Doe, John\" <j@x.org>, b@y.org", 2,
		  "quoted name with a comma");
	addr_good("Jürgen Müller <j@x.de>", "Jürgen Müller <j@x.de>", 1, "UTF-8 name");
	addr_good("=?utf-8?q?J=C3=BCrgen?= <j@x.de>", "Jürgen <j@x.de>", 1, "encoded name");
	addr_good("Friends: a@x.org, B <b@x.org>; c@x.org", "Friends: a@x.org, B <b@x.org>;, c@x.org",
		  3, "group then address");
	addr_good("undisclosed-recipients:;", "undisclosed-recipients:;", 1, "empty group");
	addr_good("a@x.org (Alice A.)", "\"Alice A.\" <a@x.org>", 1, "old comment form");
	addr_good("<a@x.org>", "a@x.org", 1, "angle only");
	addr_good("a@[192.0.2.1]", "a@[192.0.2.1]", 1, "domain literal");
	addr_good(" , a@x.org ,, ", "a@x.org", 1, "empty entries skipped");
	/* An '@' in a quoted group name is text, not an address (fuzz-address). */
	addr_good("\"sales@x\": a@x.org;", "\"sales@x\": a@x.org;", 1, "a group named with an @");
	addr_good("\"x@y\":;", "\"x@y\":;", 1, "an empty group named with an @");
	/* DEL is written as a blank: no quoted string may hold it. */
	struct msg_addr_list del = ARRAY_INIT;
	struct msg_addr g = { NULL, xstrdup(""), xstrdup("a\177b@c") };
	ARRAY_PUSH(&del, g);
	char *typed = msg_addr_list_format_input(&del);
	is_str(typed, "\"a b@c\":;", "address: DEL in a group name written as a blank");
	free(typed);
	msg_addr_list_release(&del);

	struct msg_addr_list l = ARRAY_INIT;
	msg_addr_list_parse_input("Jürgen Müller <j@x.de>, \"Doe, John\" <j@x.org>, "
				  "Team Ö: a@x.org, b@x.org;, x@y.org", &l, NULL);
	struct buf b = BUF_INIT;
	msg_header_write_addrs(&b, "To", &l);
	ok(lines_ok(b.data, b.len, 76, "To"), "address header: folded, 7-bit");
	ok(words_ok(b.data), "address header: encoded words fine");
	char *v = field_value(b.data);
	struct msg_addr_list back = ARRAY_INIT;
	msg_addr_list_parse(v, strlen(v), &back);
	char *a = msg_addr_list_format(&l), *c = msg_addr_list_format(&back);
	is_str(c, a, "address header: reads back the same");
	ok(back.n == 5 && back.v[2].group && strcmp(back.v[2].group, "Team Ö") == 0,
	   "address header: the group survives");
	free(a);
	free(c);
	free(v);
	msg_addr_list_release(&back);
	msg_addr_list_release(&l);
	buf_release(&b);
}

/* ---- transfer encodings ---- */

static void qp_roundtrip(const char *s, size_t len, const char *name)
{
	struct buf enc = BUF_INIT, dec = BUF_INIT;
	msg_qp_encode(&enc, s, len);
	buf_adds(&enc, "\r\n");
	ok(lines_ok(enc.data, enc.len, 76, name), "qp %s: lines of at most 76, 7-bit", name);
	msg_transfer_decode(MSG_ENC_QP, enc.data, enc.len - 2, &dec);
	is_mem(dec.data, dec.len, s, len, "qp %s: decodes back", name);
	buf_release(&enc);
	buf_release(&dec);
}

static void test_transfer(void)
{
	struct buf s = BUF_INIT;
	for (int i = 0; i < 300; i++)
		buf_addc(&s, (char)('a' + i % 26));
	buf_adds(&s, "\nFrom the start\ntrailing blanks   \ntab at end\t\n= signs == and é ü ß\n");
	for (int w = 70; w <= 80; w++) {
		for (int i = 0; i < w; i++)
			buf_addc(&s, i == w - 1 ? '=' : 'x');
		buf_addc(&s, '\n');
	}
	buf_adds(&s, "no newline at the end ");
	qp_roundtrip(s.data, s.len, "mixed text");
	const char crlf[] = "line one\r\nline two\r\n";
	struct buf enc = BUF_INIT;
	msg_qp_encode(&enc, crlf, strlen(crlf));
	is_str(buf_cstr(&enc), "line one\r\nline two\r\n", "qp: CRLF stays CRLF");
	buf_reset(&enc);
	msg_qp_encode(&enc, "From me\n", 8);
	is_str(buf_cstr(&enc), "=46rom me\r\n", "qp: From at the start of a line");
	buf_release(&enc);
	buf_reset(&s);
	for (int i = 0; i < 1000; i++)
		buf_addc(&s, (char)(i * 37 + 11));
	struct buf b64 = BUF_INIT, dec = BUF_INIT;
	msg_base64_lines(&b64, s.data, s.len);
	ok(lines_ok(b64.data, b64.len, 76, "base64"), "base64: lines of 76, CRLF");
	msg_transfer_decode(MSG_ENC_BASE64, b64.data, b64.len, &dec);
	is_mem(dec.data, dec.len, s.data, s.len, "base64: decodes back");
	ok(msg_is_7bit("abc\r\ndef\n", 9, 998) && !msg_is_7bit("a\rb", 3, 998) &&
	   !msg_is_7bit("\xc3\xa9", 2, 998) && !msg_is_7bit("abcd", 4, 3), "7bit check");
	buf_release(&b64);
	buf_release(&dec);
	buf_release(&s);
}

/* ---- 7-bit conversion ---- */

static const struct msg_part *part_of_type(const struct msg *m, const char *type, size_t nth)
{
	for (size_t i = 0; i < msg_part_count(m); i++)
		if (strcmp(msg_part(m, i)->type, type) == 0 && nth-- == 0)
			return msg_part(m, i);
	return NULL;
}

static void part_text_is(const struct msg *m, const struct msg_part *p, const char *want,
			 const char *name)
{
	struct buf raw = BUF_INIT, text = BUF_INIT;
	if (p) {
		msg_part_decode(m, p, &raw);
		msg_charset_to_utf8(msg_params_get(&p->params, "charset"), buf_cstr(&raw), raw.len,
				    &text, NULL);
	}
	struct buf lf = BUF_INIT;
	for (size_t i = 0; i < text.len; i++)
		if (text.data[i] != '\r')
			buf_addc(&lf, text.data[i]);
	is_str(buf_cstr(&lf), want, "%s", name);
	buf_release(&raw);
	buf_release(&text);
	buf_release(&lf);
}

static void test_7bit(void)
{
	struct buf out = BUF_INIT;
	bool changed = true;
	const char *plain = "Subject: hi\nTo: a@x.org\n\nbody\n.\n";
	msg_to_7bit(plain, strlen(plain), &out, &changed);
	is_str(buf_cstr(&out), "Subject: hi\r\nTo: a@x.org\r\n\r\nbody\r\n.\r\n",
	       "7bit: a 7-bit message only gets CRLF");
	ok(!changed, "7bit: and counts as unchanged");
	buf_reset(&out);

	const char *eight = "Subject: Grüße\nFrom: Jörg <j@x.de>\nTo: a@x.org\n\nBody ü\n";
	msg_to_7bit(eight, strlen(eight), &out, &changed);
	ok(changed && lines_ok(out.data, out.len, 998, "8bit"), "7bit: 8-bit message made 7-bit");
	struct msg_envelope env;
	msg_envelope_parse(out.data, out.len, &env);
	is_str(env.subject, "Grüße", "7bit: subject encoded");
	is_str(env.from.n ? env.from.v[0].name : NULL, "Jörg", "7bit: display name encoded");
	msg_envelope_release(&env);
	struct msg *m = msg_parse(out.data, out.len);
	part_text_is(m, part_of_type(m, "text/plain", 0), "Body ü\n", "7bit: body as QP utf-8");
	msg_free(&m);
	buf_reset(&out);

	struct buf in = BUF_INIT;
	buf_adds(&in, "From: a@x.org\nSubject: parts\nMIME-Version: 1.0\n"
		 "Content-Type: multipart/mixed; boundary=\"b1\"\n\npreamble\n--b1\n"
		 "Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
		 "caf\xe9\n--b1\nContent-Type: application/octet-stream\n"
		 "Content-Disposition: attachment; filename=\"d\xc3\xa4ten.bin\"\n"
		 "Content-Transfer-Encoding: binary\n\n");
	static const char bin[] = { 0, 1, 2, (char)0xff, (char)0x80, '\n', 'x', 0 };
	buf_add(&in, bin, sizeof bin);
	buf_adds(&in, "\n--b1\nContent-Type: message/rfc822\n\nSubject: inner \xc3\xbc\n"
		 "\ninner body \xc3\xbc\n--b1--\nepilogue\n");
	msg_to_7bit(in.data, in.len, &out, &changed);
	ok(changed && lines_ok(out.data, out.len, 998, "multipart"), "7bit: multipart made 7-bit");
	m = msg_parse(out.data, out.len);
	part_text_is(m, part_of_type(m, "text/plain", 0), "café", "7bit: Latin-1 part kept as such");
	const struct msg_part *att = part_of_type(m, "application/octet-stream", 0);
	struct buf data = BUF_INIT;
	if (att)
		msg_part_decode(m, att, &data);
	is_mem(data.data, data.len, bin, sizeof bin, "7bit: binary part byte for byte");
	is_str(att ? att->filename : NULL, "däten.bin", "7bit: 8-bit file name encoded");
	part_text_is(m, part_of_type(m, "text/plain", 1), "inner body ü",
		     "7bit: embedded message converted");
	msg_free(&m);
	buf_release(&data);
	buf_reset(&in);
	buf_reset(&out);
	const char *broken = "From: Al <al@example.org\xc3\xaf>\nX-Odd: a\rb\nSubject: s\n\nhi\n";
	msg_to_7bit(broken, strlen(broken), &out, &changed);
	ok(lines_ok(out.data, out.len, 998, "broken"), "7bit: an 8-bit address and a lone CR in a "
	   "header still give 7-bit CRLF");
	ok(strstr(out.data, "From: =?UTF-8?") && strstr(out.data, ":;\r\n"),
	   "7bit: the address that cannot be written is kept as an empty group's name");
	buf_reset(&in);
	buf_reset(&out);
	buf_adds(&in, "Subject: long\n\n");
	for (int i = 0; i < 2000; i++)
		buf_addc(&in, 'x');
	buf_adds(&in, "\n");
	msg_to_7bit(in.data, in.len, &out, &changed);
	ok(changed && lines_ok(out.data, out.len, 998, "long line"), "7bit: overlong line re-encoded");
	buf_release(&in);
	buf_release(&out);
}

/* ---- building ---- */

static char *write_file(const char *name, const char *data, size_t len)
{
	char *path = path_join(tap_tmpdir(), name);
	file_write_atomic(path, data, len, 0600, NULL);
	return path;
}

static void fill(struct msg_compose *c, struct buf *bin)
{
	msg_compose_init(c);
	c->from = xstrdup("Ålice Exämple <alice@example.test>");
	c->to = xstrdup("\"Doe, John\" <j@x.org>, Friends: a@x.org, b@y.org;");
	c->cc = xstrdup("Carol <carol@example.test>");
	c->bcc = xstrdup("secret@x.org");
	c->subject = xstrdup("Grüße — a subject that is long enough to need folding, with 中文 too");
	buf_adds(&c->body, "Hello,\n\nümlauts and a long line: ");
	for (int i = 0; i < 120; i++)
		buf_addc(&c->body, 'y');
	buf_adds(&c->body, "\n.\nFrom here.\n");
	for (int i = 0; i < 3000; i++)
		buf_addc(bin, (char)(i * 131 + 7));
	msg_compose_attach_data(c, bin->data, bin->len, "bïnary data.bin", NULL);
	char *path = write_file("notes.txt", "just text\n", 10);
	msg_compose_attach_file(c, path, NULL, NULL);
	free(path);
}

static void check_sent(const struct buf *out, const struct msg_compose *c, const struct buf *bin)
{
	ok(lines_ok(out->data, out->len, 998, "built"), "build: 7-bit with CRLF");
	ok(!strstr(out->data, "Bcc") && !strstr(out->data, "secret@"), "build: no Bcc in the message");
	ok(strstr(out->data, "\r\nMIME-Version: 1.0\r\n") && !strncmp(out->data, "Date: ", 6) &&
	   strstr(out->data, "\r\nUser-Agent: t\r\n"), "build: MIME-Version, Date, User-Agent");
	struct msg_envelope env;
	msg_envelope_parse(out->data, out->len, &env);
	is_str(env.subject, c->subject, "build: subject reads back");
	is_str(env.from.n ? env.from.v[0].name : NULL, "Ålice Exämple", "build: From name");
	is_str(env.message_id, c->message_id, "build: the message id is the one kept");
	ok(env.to.n == 3 && env.cc.n == 1, "build: To and Cc");
	msg_envelope_release(&env);
	struct msg *m = msg_parse(out->data, out->len);
	ok(msg_attachment_count(m) == 3, "build: text and two attachments");
	const struct msg_part *b = msg_attachment(m, 2), *t = msg_attachment(m, 3);
	struct buf data = BUF_INIT;
	if (b)
		msg_part_decode(m, b, &data);
	is_mem(data.data, data.len, bin->data, bin->len, "build: binary attachment byte for byte");
	is_str(b ? b->filename : NULL, "bïnary data.bin", "build: non-ASCII file name");
	is_str(b ? b->type : NULL, "application/octet-stream", "build: type guessed");
	is_str(t ? t->filename : NULL, "notes.txt", "build: file attachment named after the file");
	is_str(t ? t->type : NULL, "text/plain", "build: text file guessed as text/plain");
	struct buf body = BUF_INIT;
	buf_add(&body, c->body.data, c->body.len);
	part_text_is(m, msg_attachment(m, 1), buf_cstr(&body), "build: the text reads back");
	buf_release(&body);
	buf_release(&data);
	msg_free(&m);
}

static void test_build(void)
{
	struct msg_compose c;
	struct buf bin = BUF_INIT, out = BUF_INIT;
	fill(&c, &bin);
	struct msg_build_opts o = { MSG_BUILD_SEND, 1700000000, "t" };
	struct msg_str_list rcpts = ARRAY_INIT;
	struct err err = ERR_INIT;
	ok(msg_compose_build(&c, &o, &out, &rcpts, &err) == 0, "build: a full message");
	ok(c.message_id && strstr(c.message_id, "@example.test"), "build: id on the From domain");
	ok(rcpts.n == 5 && strcmp(rcpts.v[0], "j@x.org") == 0 && strcmp(rcpts.v[4], "secret@x.org") == 0,
	   "build: envelope recipients include Bcc (%zu)", rcpts.n);
	check_sent(&out, &c, &bin);
	char *id = xstrdup(c.message_id);
	buf_reset(&out);
	o.mode = MSG_BUILD_DRAFT;
	msg_compose_build(&c, &o, &out, NULL, &err);
	ok(strstr(out.data, "\r\nBcc: secret@x.org\r\n") != NULL, "build: a draft keeps Bcc");
	is_str(c.message_id, id, "build: the id stays the same");
	free(id);
	msg_str_list_release(&rcpts);

	FREE(&c.to);
	FREE(&c.cc);
	FREE(&c.bcc);
	o.mode = MSG_BUILD_SEND;
	ok(msg_compose_build(&c, &o, &out, NULL, &err) < 0 && strstr(err_msg(&err), "no recipients"),
	   "build: no recipients refused");
	o.mode = MSG_BUILD_DRAFT;
	ok(msg_compose_build(&c, &o, &out, NULL, &err) == 0, "build: a draft needs none");
	msg_compose_set(&c.to, "bob@");
	int r = msg_compose_build(&c, &o, &out, NULL, &err);
	ok(r < 0 && strncmp(err_msg(&err), "To: ", 4) == 0, "build: a bad To is named (%s)",
	   err_msg(&err));
	msg_compose_set(&c.to, "bob@example.org");
	msg_compose_set(&c.from, "a@x.org, b@x.org");
	ok(msg_compose_build(&c, &o, &out, NULL, &err) < 0 && strstr(err_msg(&err), "From:"),
	   "build: From must be one address");
	msg_compose_set(&c.from, "a@x.org");
	ARRAY_PUSH(&c.headers, xstrdup("Content-Type: text/html"));
	ok(msg_compose_build(&c, &o, &out, NULL, &err) < 0 && strstr(err_msg(&err), "Content-Type"),
	   "build: a header postie writes cannot be added");
	free(c.headers.v[--c.headers.n]);
	msg_compose_attach_file(&c, "/nonexistent/file.pdf", NULL, NULL);
	ok(msg_compose_build(&c, &o, &out, NULL, &err) < 0 &&
	   (err.kind == ERR_IO || err.kind == ERR_NOT_FOUND) &&
	   strstr(err_msg(&err), "/nonexistent/file.pdf"), "build: a missing attachment is named");
	err_clear(&err);
	msg_compose_release(&c);
	buf_release(&bin);
	buf_release(&out);
}

/* ---- drafts and the editor text ---- */

static void test_draft(void)
{
	struct msg_compose c, r;
	struct buf bin = BUF_INIT, out = BUF_INIT;
	fill(&c, &bin);
	msg_compose_set(&c.reply_to, "desk@example.test");
	msg_compose_set(&c.in_reply_to, "parent@x.org");
	ARRAY_PUSH(&c.references, xstrdup("root@x.org"));
	ARRAY_PUSH(&c.references, xstrdup("parent@x.org"));
	ARRAY_PUSH(&c.headers, xstrdup("X-Priority: 1"));
	msg_compose_set(&c.from, "\"Exämple, Ålice\" <alice@example.test>");
	struct msg_build_opts o = { MSG_BUILD_DRAFT, 0, NULL };
	ok(msg_compose_build(&c, &o, &out, NULL, NULL) == 0, "draft: built");
	msg_compose_from_message(&r, out.data, out.len);
	is_str(r.from, c.from, "draft: From");
	is_str(r.to, "\"Doe, John\" <j@x.org>, Friends: a@x.org, b@y.org;", "draft: To with its group");
	is_str(r.cc, c.cc, "draft: Cc");
	is_str(r.bcc, c.bcc, "draft: Bcc");
	is_str(r.reply_to, c.reply_to, "draft: Reply-To");
	is_str(r.subject, c.subject, "draft: Subject");
	is_str(r.message_id, c.message_id, "draft: Message-ID");
	is_str(r.in_reply_to, "parent@x.org", "draft: In-Reply-To");
	ok(r.references.n == 2 && strcmp(r.references.v[0], "root@x.org") == 0, "draft: References");
	ok(r.headers.n == 1 && strcmp(r.headers.v[0], "X-Priority: 1") == 0, "draft: extra header");
	struct buf body = BUF_INIT;
	buf_add(&body, c.body.data, c.body.len);
	is_str(buf_cstr(&r.body), buf_cstr(&body), "draft: body");
	ok(r.parts.n == 2, "draft: two attachments");
	if (r.parts.n == 2) {
		is_mem(r.parts.v[0].data.data, r.parts.v[0].data.len, bin.data, bin.len,
		       "draft: binary attachment");
		is_str(r.parts.v[0].name, "bïnary data.bin", "draft: its name");
		is_str(r.parts.v[1].name, "notes.txt", "draft: the file attachment's name");
		is_mem(r.parts.v[1].data.data, r.parts.v[1].data.len, "just text\n", 10,
		       "draft: the file attachment's content");
	}
	buf_release(&body);
	msg_compose_release(&r);
	msg_compose_release(&c);
	buf_release(&bin);
	buf_release(&out);
}

static void test_editor_text(void)
{
	struct msg_compose c;
	msg_compose_init(&c);
	c.from = xstrdup("Alice <alice@example.test>");
	c.to = xstrdup("\"Doe, John\" <j@x.org>");
	c.cc = xstrdup("carol@example.test");
	c.subject = xstrdup("Grüße");
	buf_adds(&c.body, "Hello\n\n-- \nsig\n");
	msg_compose_attach_data(&c, "x", 1, "kept.bin", NULL);
	msg_compose_attach_file(&c, "/tmp/old.pdf", NULL, NULL);
	struct buf t = BUF_INIT;
	msg_compose_to_text(&c, true, &t);
	is_str(buf_cstr(&t), "From: Alice <alice@example.test>\nTo: \"Doe, John\" <j@x.org>\n"
	       "Cc: carol@example.test\nBcc: \nSubject: Grüße\nReply-To: \nAttach: /tmp/old.pdf\n\n"
	       "Hello\n\n-- \nsig\n", "editor: the text with headers");
	struct err err = ERR_INIT;
	ok(msg_compose_from_text(&c, t.data, t.len, true, &err) == 0 && c.parts.n == 2 &&
	   !c.bcc && strcmp(c.to, "\"Doe, John\" <j@x.org>") == 0, "editor: unchanged text reads back");
	const char *edited = "From: Alice <alice@example.test>\r\nto: bob@example.org,\r\n  eve@example.org\n"
			     "Subject: New subject\nX-Mailing: yes\nAttach: /tmp/new.pdf\n\nNew body\n";
	ok(msg_compose_from_text(&c, edited, strlen(edited), true, &err) == 0, "editor: edited text");
	is_str(c.to, "bob@example.org, eve@example.org", "editor: continuation line joined");
	ok(!c.cc, "editor: a deleted line clears its field");
	const char *nofrom = "To: x@example.org\n\nbody\n";
	ok(msg_compose_from_text(&c, nofrom, strlen(nofrom), true, &err) == 0 &&
	   strcmp(c.from, "Alice <alice@example.test>") == 0, "editor: no From line keeps From");
	ok(msg_compose_from_text(&c, edited, strlen(edited), true, &err) == 0, "editor: edited again");
	is_str(c.subject, "New subject", "editor: subject");
	ok(c.headers.n == 1 && strcmp(c.headers.v[0], "X-Mailing: yes") == 0, "editor: extra header");
	ok(c.parts.n == 2 && !c.parts.v[0].path && strcmp(c.parts.v[1].path, "/tmp/new.pdf") == 0,
	   "editor: Attach lines replace file attachments, kept data stays");
	is_str(buf_cstr(&c.body), "New body\n", "editor: body, CRLF made LF");
	const char *bad = "From: Alice <alice@example.test>\nTo: bob@\n\nx\n";
	int r = msg_compose_from_text(&c, bad, strlen(bad), true, &err);
	ok(r < 0 && strstr(err_msg(&err), "line 2") && strstr(err_msg(&err), "To:"),
	   "editor: a bad address names its line (%s)", err_msg(&err));
	is_str(c.subject, "New subject", "editor: nothing changed after an error");
	const char *junk = "From: a@x.org\nthis is not a header\n\nbody\n";
	ok(msg_compose_from_text(&c, junk, strlen(junk), true, &err) < 0 && strstr(err_msg(&err), "line 2"),
	   "editor: a line that is no header");
	const char *nohead = "Just text: with a colon? no, a sentence.\nmore\n";
	ok(msg_compose_from_text(&c, nohead, strlen(nohead), true, &err) == 0 &&
	   strcmp(buf_cstr(&c.body), nohead) == 0 && strcmp(c.subject, "New subject") == 0,
	   "editor: text without headers is all body");
	ok(msg_compose_from_text(&c, "plain\n", 6, false, &err) == 0 &&
	   strcmp(buf_cstr(&c.body), "plain\n") == 0, "editor: without headers");
	ok(msg_compose_from_text(&c, "caf\xe9\n", 5, false, &err) == 0 &&
	   strcmp(buf_cstr(&c.body), "café\n") == 0, "editor: Latin-1 text read as Windows-1252");
	err_clear(&err);
	buf_release(&t);
	msg_compose_release(&c);
}

/* ---- replies and forwards ---- */

static struct buf fixture(const char *name)
{
	const char *src = getenv("POSTIE_SRCDIR");
	char *dir = path_join(src ? src : "../..", "tests/data/compose");
	char *path = path_join(dir, name);
	struct buf b = BUF_INIT;
	if (file_read_all(path, &b, NULL) < 0)
		tap_diag("cannot read %s", path);
	free(dir);
	free(path);
	return b;
}

static int reply_to(const char *file, enum msg_reply_kind kind, struct msg_compose *c,
		    struct err *err)
{
	struct buf raw = fixture(file);
	struct msg_reply_opts o = { &alice, NULL, "Alice\nalice.example" };
	int r = msg_compose_reply(c, buf_cstr(&raw), raw.len, kind, &o, err);
	buf_release(&raw);
	return r;
}

static void test_reply(void)
{
	struct msg_compose c;
	struct err err = ERR_INIT;
	ok(reply_to("plain.eml", MSG_REPLY, &c, &err) == 0, "reply: plain message");
	is_str(c.from, "Alice Example <alice@example.test>", "reply: From is the identity");
	is_str(c.to, "Bob Builder <bob@example.org>", "reply: to the sender");
	ok(!c.cc, "reply: no Cc");
	is_str(c.subject, "Re: Lunch?", "reply: Re: added");
	is_str(c.in_reply_to, "m1@example.org", "reply: In-Reply-To");
	ok(c.references.n == 3 && strcmp(c.references.v[0], "root@example.org") == 0 &&
	   strcmp(c.references.v[2], "m1@example.org") == 0, "reply: References extended");
	is_str(buf_cstr(&c.body), "On Mon, 01 Jan 2024 10:00:00 +0000, Bob Builder wrote:\n"
	       "> Hi Alice,\n>\n> shall we have lunch at the café?\n>> an older quote\n>\n> --\n"
	       "> Bob\n\n-- \nAlice\nalice.example\n", "reply: attribution, quote, signature");
	msg_compose_release(&c);

	ok(reply_to("plain.eml", MSG_REPLY_GROUP, &c, &err) == 0, "group reply");
	is_str(c.to, "Bob Builder <bob@example.org>, Carol <carol@example.org>",
	       "group reply: sender and the other To");
	is_str(c.cc, "Dave <dave@example.org>", "group reply: Cc without the user's addresses");
	msg_compose_release(&c);

	int r = reply_to("plain.eml", MSG_REPLY_LIST, &c, &err);
	ok(r < 0 && err.kind == ERR_NOT_FOUND, "list reply: no List-Post, clear error (%s)",
	   err_msg(&err));
	msg_compose_release(&c);

	ok(reply_to("reply-to.eml", MSG_REPLY, &c, &err) == 0, "reply: with Reply-To");
	is_str(c.to, "Eve's Desk <desk@example.org>", "reply: to Reply-To");
	is_str(c.subject, "RE[2]: Contract", "reply: RE[2]: not repeated");
	ok(c.references.n == 1, "reply: References from Message-ID alone");
	msg_compose_release(&c);

	ok(reply_to("list.eml", MSG_REPLY_LIST, &c, &err) == 0, "list reply");
	is_str(c.to, "dev@lists.example.org", "list reply: to List-Post");
	ok(!c.cc, "list reply: nobody else");
	is_str(c.subject, "Re: [dev] patch v2", "list reply: Re: not repeated");
	msg_compose_release(&c);

	ok(reply_to("list.eml", MSG_REPLY_GROUP, &c, &err) == 0 && strcmp(c.to,
	   "Frank <frank@example.org>, Dev List <dev@lists.example.org>") == 0 && !c.cc,
	   "group reply on a list: the user left out of Cc");
	msg_compose_release(&c);

	r = reply_to("list-no.eml", MSG_REPLY_LIST, &c, &err);
	ok(r < 0 && err.kind == ERR_UNSUPPORTED, "list reply: List-Post NO refused (%s)",
	   err_msg(&err));
	msg_compose_release(&c);

	ok(reply_to("from-me.eml", MSG_REPLY, &c, &err) == 0 &&
	   strcmp(c.to, "Bob Builder <bob@example.org>") == 0 && !c.cc,
	   "reply to one's own message goes to its To");
	is_str(c.subject, "Re: Fwd: my own message", "reply: Re: before Fwd:");
	msg_compose_release(&c);
	ok(reply_to("from-me.eml", MSG_REPLY_GROUP, &c, &err) == 0 &&
	   strcmp(c.cc, "Carol <carol@example.org>") == 0, "group reply to one's own message");
	msg_compose_release(&c);

	ok(reply_to("attachments.eml", MSG_REPLY, &c, &err) == 0, "reply: MIME message");
	is_str(c.to, "Jörg Müller <joerg@example.de>", "reply: decoded name");
	is_str(c.subject, "Re: Grüße", "reply: decoded subject");
	ok(strstr(buf_cstr(&c.body), "> anbei die Übersicht.\n") != NULL,
	   "reply: Latin-1 quoted-printable text quoted as UTF-8");
	ok(!strstr(buf_cstr(&c.body), "bericht") && !strstr(buf_cstr(&c.body), "[--"),
	   "reply: attachments are not quoted");
	msg_compose_release(&c);
	err_clear(&err);
}

static void test_forward(void)
{
	struct buf raw = fixture("attachments.eml");
	struct msg_reply_opts o = { &alice, NULL, NULL };
	struct msg_compose c;
	msg_compose_forward(&c, buf_cstr(&raw), raw.len, false, &o);
	is_str(c.subject, "Fwd: Grüße", "forward: Fwd: added");
	ok(!c.to && !c.in_reply_to, "forward: no recipients, no threading");
	const char *b = buf_cstr(&c.body);
	ok(strstr(b, "----- Jörg Müller <joerg@example.de> -----\nDate: Fri, 05 Jan 2024 08:30:00 "
		  "+0000\nFrom: Jörg Müller <joerg@example.de>\nTo: alice@example.test\n"
		  "Subject: Grüße\n\nHallo Alice,\nanbei die Übersicht.\n\n"
		  "----- End forwarded message -----\n") != NULL, "forward: headers block and text");
	ok(c.parts.n == 2 && strcmp(c.parts.v[0].name, "übersicht bericht.pdf") == 0 &&
	   strcmp(c.parts.v[0].type, "application/pdf") == 0 && strcmp(c.parts.v[1].name, "dot.png") == 0,
	   "forward: the attachments go along");
	ok(c.parts.n == 2 && c.parts.v[0].data.len > 8 && memcmp(c.parts.v[0].data.data, "%PDF-1.4", 8) == 0,
	   "forward: attachment decoded");
	msg_compose_release(&c);

	msg_compose_forward(&c, buf_cstr(&raw), raw.len, true, &o);
	ok(c.parts.n == 1 && strcmp(c.parts.v[0].type, "message/rfc822") == 0 &&
	   c.parts.v[0].data.len == raw.len, "forward as attachment: the whole message");
	is_str(c.parts.n ? c.parts.v[0].description : NULL, "Grüße", "forward as attachment: described");
	msg_compose_set(&c.to, "bob@example.org");
	struct buf out = BUF_INIT;
	struct msg_build_opts bo = { MSG_BUILD_SEND, 0, NULL };
	ok(msg_compose_build(&c, &bo, &out, NULL, NULL) == 0 && lines_ok(out.data, out.len, 998, "fwd"),
	   "forward as attachment: builds 7-bit");
	ok(strstr(out.data, "Content-Type: message/rfc822") && !strstr(out.data, "base64\r\n\r\nRGF0"),
	   "forward as attachment: message/rfc822, not base64");
	struct msg *m = msg_parse(out.data, out.len);
	const struct msg_part *inner = part_of_type(m, "application/pdf", 0);
	ok(inner && inner->depth > 2, "forward as attachment: its parts inside");
	msg_free(&m);
	buf_release(&out);
	msg_compose_release(&c);
	buf_release(&raw);

	raw = fixture("from-me.eml");
	msg_compose_forward(&c, buf_cstr(&raw), raw.len, false, &o);
	is_str(c.subject, "Fwd: my own message", "forward: Fwd: not repeated");
	msg_compose_release(&c);
	buf_release(&raw);
}

static void test_outgoing(void)
{
	const char *in = "From mbox-line Thu Jan  1 00:00:00 2024\nSubject: x\nTo: a@x.org\n"
			 "Bcc: hidden@x.org\nCc: B <b@x.org>, a@x.org\n\nbody \xc3\xa9\n";
	struct buf out = BUF_INIT;
	struct msg_outgoing info;
	struct err err = ERR_INIT;
	ok(msg_prepare_outgoing(in, strlen(in), &alice, &out, &info, &err) == 0, "outgoing: prepared");
	ok(lines_ok(out.data, out.len, 998, "outgoing"), "outgoing: 7-bit");
	ok(!strstr(out.data, "hidden") && !strstr(out.data, "mbox-line"), "outgoing: Bcc and mbox line gone");
	ok(strstr(out.data, "From: Alice Example <alice@example.test>\r\n") &&
	   !strncmp(out.data, "Date: ", 6) && strstr(out.data, "Message-ID: <"),
	   "outgoing: From, Date, Message-ID added");
	ok(info.rcpts.n == 3 && strcmp(info.rcpts.v[0], "a@x.org") == 0 &&
	   strcmp(info.rcpts.v[1], "hidden@x.org") == 0 && strcmp(info.rcpts.v[2], "b@x.org") == 0,
	   "outgoing: recipients for -t, each once");
	ok(info.message_id && strstr(info.message_id, "@example.test"), "outgoing: the id");
	msg_outgoing_release(&info);
	buf_reset(&out);
	const char *has = "From: Me <me@y.org>\nDate: Mon, 01 Jan 2024 00:00:00 +0000\n"
			  "Message-ID: <kept@y.org>\n\nhi\n";
	msg_prepare_outgoing(has, strlen(has), &alice, &out, &info, &err);
	ok(strstr(out.data, "From: Me <me@y.org>") && !strstr(out.data, "alice@") &&
	   strcmp(info.message_id, "kept@y.org") == 0, "outgoing: present headers kept");
	msg_outgoing_release(&info);
	ok(msg_prepare_outgoing("no headers at all\n", 18, &alice, &out, &info, &err) < 0 &&
	   err.kind == ERR_INPUT, "outgoing: no header block refused");
	err_clear(&err);
	buf_release(&out);
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	test_rfc2047();
	test_rfc2231();
	test_addresses();
	test_transfer();
	test_7bit();
	test_build();
	test_draft();
	test_editor_text();
	test_reply();
	test_forward();
	test_outgoing();
	return tap_done();
}
