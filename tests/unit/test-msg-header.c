/* msg: header values (RFC 2047, RFC 2231, addresses, dates), envelopes,
 * charsets and transfer encodings. */
#include "common.h"

#include "tap.h"
#include "msg/msg.h"
#include "util/array.h"
#include "util/buf.h"

static void decode_is(const char *in, const char *want, const char *name)
{
	char *got = msg_header_decode(in, strlen(in));
	is_str(got, want, "rfc2047: %s", name);
	free(got);
}

static void test_rfc2047(void)
{
	decode_is("plain text", "plain text", "plain text passes");
	decode_is("=?utf-8?q?caf=C3=A9?=", "café", "Q word");
	decode_is("=?UTF-8?B?Y2Fmw6k=?=", "café", "B word");
	decode_is("=?iso-8859-1?q?caf=E9?=", "café", "Latin-1 word");
	decode_is("=?utf-8?q?a?= =?utf-8?q?b?=", "ab", "blank between words is dropped");
	decode_is("=?utf-8?q?a?=\r\n =?utf-8?q?b?=", "ab", "folded words join");
	decode_is("x =?utf-8?q?a?= y", "x a y", "blanks next to text stay");
	decode_is("=?utf-8?q?hello_world?=", "hello world", "underscore is a space");
	decode_is("=?utf-8?b?4oKs?= =?utf-8?b?4oKs?=", "€€", "adjacent B words");
	/* A character split across two words: the bytes join before conversion. */
	decode_is("=?utf-8?q?=E2=82?= =?utf-8?q?=AC?=", "€", "split character rejoined");
	decode_is("=?utf-8?q?broken", "=?utf-8?q?broken", "unterminated word left readable");
	decode_is("=?nope?x?abc?=", "=?nope?x?abc?=", "bad encoding letter left as is");
	decode_is("=?x-unknown?q?abc?=", "abc", "unknown charset falls back");
	decode_is("=?utf-8*en?q?hi?=", "hi", "RFC 2231 language suffix");
	decode_is("=?ISO-2022-JP?B?GyRCJEskWyRzGyhC?=", "にほん", "ISO-2022-JP word");
	decode_is("=?koi8-r?b?8NLJ18XU?=", "Привет", "KOI8-R word");
	decode_is("=?gb2312?b?1tDOxA==?=", "中文", "GB2312 read as GB18030");
	decode_is("=?windows-1251?q?=CF=F0=E8?=", "При", "Windows-1251");
	decode_is("raw caf\xc3\xa9", "raw café", "raw UTF-8 kept");
	decode_is("raw caf\xe9", "raw café", "raw Latin-1 read as Windows-1252");
	decode_is("  tab\there  ", "tab here", "tabs become spaces, ends trimmed");
	decode_is("=?utf-8?q?a=00b?=", "a\xEF\xBF\xBD" "b", "NUL becomes U+FFFD");
	decode_is("=?utf-8?q?line=0D=0Abreak?=", "line  break", "encoded CR LF become spaces");
	decode_is("=?utf-8?b?!!!?=", "=?utf-8?b?!!!?=", "garbage in a B word: left as written");
	decode_is("=?utf-8?b?/w==?=", "ÿ", "a word that is not UTF-8 is read as Windows-1252");
	decode_is("=?utf-8?q?" "?=", "", "empty word");
	decode_is("a=?utf-8?q?b?=c", "abc", "words glued to text are decoded");
}

static void param_is(const char *header, const char *name, const char *want, const char *what)
{
	struct msg_params p = ARRAY_INIT;
	msg_params_parse(header, strlen(header), NULL, &p);
	const char *got = msg_params_get(&p, name);
	is_str(got ? got : "(null)", want, "rfc2231: %s", what);
	msg_params_release(&p);
}

static void test_params(void)
{
	char *type = NULL;
	struct msg_params p = ARRAY_INIT;
	const char *h = " Text/Plain ; charset=\"UTF-8\"; format=flowed;delsp=yes";
	msg_params_parse(h, strlen(h), &type, &p);
	is_str(type, "text/plain", "type lower-cased and trimmed");
	is_str(msg_params_get(&p, "charset"), "UTF-8", "quoted value");
	is_str(msg_params_get(&p, "format"), "flowed", "plain value");
	is_str(msg_params_get(&p, "delsp"), "yes", "no blank after ;");
	ok(msg_params_get(&p, "nothere") == NULL, "missing param is NULL");
	free(type);
	msg_params_release(&p);

	param_is("attachment; filename*=utf-8''%E2%82%AC%20rates.pdf", "filename", "€ rates.pdf",
		 "charset and percent encoding");
	param_is("attachment; filename*=iso-8859-1'en'caf%E9.txt", "filename", "café.txt",
		 "Latin-1 with language");
	param_is("attachment; filename*0=\"long \"; filename*1=\"name.txt\"", "filename",
		 "long name.txt", "continuations");
	param_is("attachment; filename*1=\"b.txt\"; filename*0=\"a\"", "filename", "ab.txt",
		 "continuations out of order");
	param_is("attachment; filename*0*=utf-8''%C3%A9t%C3%A9; filename*1=\".txt\"", "filename",
		 "été.txt", "encoded first section, plain second");
	param_is("attachment; filename=\"plain.txt\"; filename*=utf-8''better.txt", "filename",
		 "better.txt", "extended form wins");
	param_is("inline; filename=\"=?UTF-8?B?w6l0w6kucGRm?=\"", "filename", "été.pdf",
		 "RFC 2047 inside quotes (common breakage)");
	param_is("a; name=\"quoted \\\"inner\\\" text\"", "name", "quoted \"inner\" text",
		 "escapes in quotes");
	param_is("a; name=\"unterminated", "name", "unterminated", "unterminated quote");
	param_is("a; name=my file.pdf", "name", "my file.pdf", "unquoted value with a blank");
	param_is("a; filename*=utf-8''%ZZ%4", "filename", "%ZZ%4", "bad percent escapes kept");
	param_is("a; filename*=x-bogus''caf%E9", "filename", "café", "unknown charset falls back");
	param_is("a; =novalue; x", "x", "(null)", "garbage parameters skipped");
	param_is("a; b*99999999999=x", "b", "(null)", "absurd section number ignored");
}

static void addr_is(const char *in, const char *want, const char *name)
{
	struct msg_addr_list l = ARRAY_INIT;
	msg_addr_list_parse(in, strlen(in), &l);
	char *got = msg_addr_list_format(&l);
	is_str(got, want, "address: %s", name);
	free(got);
	msg_addr_list_release(&l);
}

static void test_addresses(void)
{
	addr_is("alice@example.org", "alice@example.org", "bare address");
	addr_is("Alice <alice@example.org>", "Alice <alice@example.org>", "name and address");
	addr_is("\"Doe, John\" <j@x.org>, b@y.org", "Doe, John <j@x.org>, b@y.org",
		"quoted comma does not split");
	addr_is("John Q. Public <jqp@x.org>", "John Q. Public <jqp@x.org>", "unquoted dot in name");
	addr_is("jqp@x.org (John Public)", "John Public <jqp@x.org>", "old comment form");
	addr_is("=?utf-8?q?J=C3=BCrgen?= <j@x.de>", "Jürgen <j@x.de>", "encoded name");
	addr_is("\"=?utf-8?q?J=C3=BCrgen?=\" <j@x.de>", "Jürgen <j@x.de>", "encoded word in quotes");
	addr_is("Jürgen <j@x.de>", "Jürgen <j@x.de>", "raw UTF-8 name");
	addr_is("friends: a@x.org, B <b@x.org>;, c@x.org", "a@x.org, B <b@x.org>, c@x.org",
		"group members kept");
	addr_is("undisclosed-recipients:;", "", "empty group");
	addr_is("<a@x.org>", "a@x.org", "angle only");
	addr_is("<@route,@r2:a@x.org>", "a@x.org", "source route dropped");
	addr_is("Broken <a@x.org", "Broken <a@x.org>", "missing closing bracket");
	addr_is("\"Unbalanced <a@x.org>", "Unbalanced <a@x.org>", "unbalanced quote");
	addr_is("a@x.org (((((((((deep", "((((((((deep <a@x.org>", "unbalanced comment");
	addr_is(",,, a@x.org ,,", "a@x.org", "empty entries");
	addr_is("Name Only", "Name Only", "no address at all");
	struct msg_addr_list l = ARRAY_INIT;
	msg_addr_list_parse("A <a@x>, b@y", 12, &l);
	ok(l.n == 2 && strcmp(l.v[0].name, "A") == 0 && strcmp(l.v[0].addr, "a@x") == 0 &&
	   l.v[1].name == NULL && strcmp(l.v[1].addr, "b@y") == 0, "pairs of name and address");
	msg_addr_list_release(&l);
	struct buf deep = BUF_INIT;
	for (int i = 0; i < 200000; i++)
		buf_addc(&deep, '(');
	msg_addr_list_parse(deep.data, deep.len, &l);
	ok(1, "200000 nested comments do not overflow the stack");
	msg_addr_list_release(&l);
	buf_release(&deep);
}

static void date_is(const char *in, long long want, int want_zone, const char *name)
{
	time_t t = 0;
	int z = 0;
	int r = msg_date_parse(in, strlen(in), &t, &z);
	ok(r == 0 && (long long)t == want && z == want_zone, "date: %s", name);
	if (r != 0 || (long long)t != want || z != want_zone)
		tap_diag("got r=%d t=%lld zone=%d", r, (long long)t, z);
}

static void test_dates(void)
{
	date_is("Mon, 02 Jan 2006 15:04:05 -0700", 1136239445, -420, "RFC 5322");
	date_is("2 Jan 2006 15:04:05 -0700", 1136239445, -420, "no weekday");
	date_is("Mon, 2 Jan 06 22:04:05 GMT", 1136239445, 0, "two-digit year, GMT");
	date_is("Mon, 02 Jan 2006 17:04:05 EST", 1136239445, -300, "EST");
	date_is("Mon, 02 Jan 2006 22:04 +0000", 1136239440, 0, "no seconds");
	date_is("Mon Jan  2 22:04:05 2006", 1136239445, 0, "asctime form");
	date_is("Mon, 02 Jan 2006 22:04:05 +0000 (UTC)", 1136239445, 0, "trailing comment");
	date_is("Thu, 01 Jan 1970 00:00:00 +0000", 0, 0, "the epoch");
	date_is("Fri, 31 Dec 9999 23:59:59 +0000", 253402300799LL, 0, "the last year allowed");
	time_t t;
	int z;
	ok(msg_date_parse("Fri, 31 Dec 99999 23:59:59 +0000", 32, &t, &z) < 0, "year 99999 refused");
	ok(msg_date_parse("Mon, 02 Jan 1850 00:00:00 +0000", 31, &t, &z) < 0, "year 1850 refused");
	ok(msg_date_parse("yesterday", 9, &t, &z) < 0, "words refused");
	ok(msg_date_parse("Mon, 45 Jan 2006 10:00:00", 25, &t, &z) < 0, "day 45 refused");
	ok(msg_date_parse("Mon, 1 Jan 2006 25:00:00", 24, &t, &z) < 0, "hour 25 refused");
	ok(msg_date_parse("", 0, &t, &z) < 0, "empty refused");
	setenv("TZ", "UTC", 1);
	tzset();
	char *s = msg_date_format(1136239445);
	is_str(s, "Mon, 02 Jan 2006 22:04:05 +0000", "formatted in local time (UTC)");
	free(s);
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);  /* no tzdata needed */
	tzset();
	s = msg_date_format(1136239445);
	is_str(s, "Mon, 02 Jan 2006 23:04:05 +0100", "formatted in local time (Berlin)");
	free(s);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_envelope(void)
{
	const char *h =
		"From nobody Mon Jan  2 15:04:05 2006\r\n"
		"Received: from x by y;\r\n\tMon, 2 Jan 2006 15:04:05 -0700\r\n"
		"From: =?utf-8?q?Ren=C3=A9?= <rene@example.org>\r\n"
		"To: a@example.org,\r\n  \"B, C\" <bc@example.org>\r\n"
		"Cc: c@example.org\r\n"
		"Reply-To: list@example.org\r\n"
		"Subject: =?utf-8?q?Re=3A_caf=C3=A9?=\r\n  =?utf-8?q?_au_lait?=\r\n"
		"Date: Mon, 02 Jan 2006 15:04:05 -0700\r\n"
		"Message-ID: <id1@example.org>\r\n"
		"In-Reply-To: <id0@example.org> (comment)\r\n"
		"References: <r1@x>\r\n <r2@x>  <id0@example.org>\r\n"
		"Content-Type: multipart/mixed; boundary=xyz\r\n"
		"\r\n"
		"From: body@example.org\r\n";
	struct msg_envelope env;
	msg_envelope_parse(h, strlen(h), &env);
	ok(env.from.n == 1 && strcmp(env.from.v[0].name, "René") == 0 &&
	   strcmp(env.from.v[0].addr, "rene@example.org") == 0, "envelope: from");
	ok(env.to.n == 2 && strcmp(env.to.v[1].name, "B, C") == 0, "envelope: to, folded");
	ok(env.cc.n == 1 && env.reply_to.n == 1, "envelope: cc and reply-to");
	is_str(env.subject, "Re: café au lait", "envelope: subject decoded and joined");
	ok(env.has_date && env.date == 1136239445 && env.zone == -420, "envelope: date and zone");
	is_str(env.message_id, "id1@example.org", "envelope: message-id without <>");
	is_str(env.in_reply_to, "id0@example.org", "envelope: in-reply-to");
	ok(env.references.n == 3 && strcmp(env.references.v[0], "r1@x") == 0 &&
	   strcmp(env.references.v[2], "id0@example.org") == 0, "envelope: references");
	ok(env.has_attachment, "envelope: multipart/mixed suggests attachments");
	msg_envelope_release(&env);

	const char *h2 = "Subject: hi\nContent-Type: multipart/alternative; boundary=a\n"
			 "Date: Fri, 31 Dec 99999 23:59:59 +0000\nMessage-ID: bare-id@x\n\n";
	msg_envelope_parse(h2, strlen(h2), &env);
	ok(!env.has_attachment, "envelope: alternative is no attachment");
	ok(!env.has_date && env.date == 0, "envelope: out-of-range date left empty");
	is_str(env.message_id, "bare-id@x", "envelope: id without brackets");
	ok(env.from.n == 0 && env.in_reply_to == NULL, "envelope: missing fields empty");
	msg_envelope_release(&env);

	msg_envelope_parse("", 0, &env);
	ok(env.subject == NULL && env.from.n == 0, "envelope: empty input");
	msg_envelope_release(&env);

	/* A header over 10,000 characters and a million-byte one. */
	struct buf big = BUF_INIT;
	buf_adds(&big, "To: ");
	for (int i = 0; i < 2000; i++)
		buf_addf(&big, "%sUser %d <u%d@example.org>", i ? ", " : "", i, i);
	buf_adds(&big, "\r\nSubject: ");
	for (int i = 0; i < 100000; i++)
		buf_adds(&big, "=?utf-8?q?=C3=A9?= ");
	buf_adds(&big, "\r\n\r\n");
	msg_envelope_parse(big.data, big.len, &env);
	ok(env.to.n == 2000, "envelope: 2000 recipients");
	ok(env.subject && strlen(env.subject) == 200000, "envelope: 100000 joined words");
	msg_envelope_release(&env);
	buf_release(&big);
}

static void conv_is(const char *cs, const char *in, size_t len, const char *want,
		    enum msg_conv want_st, const char *name)
{
	struct buf b = BUF_INIT;
	enum msg_conv st = msg_charset_to_utf8(cs, in, len, &b, NULL);
	is_str(buf_cstr(&b), want, "charset: %s", name);
	is_int(st, want_st, "charset status: %s", name);
	buf_release(&b);
}

static void test_charsets(void)
{
	conv_is("utf-8", "caf\xc3\xa9", 5, "café", MSG_CONV_OK, "UTF-8");
	conv_is("ISO-8859-1", "caf\xe9", 4, "café", MSG_CONV_OK, "Latin-1");
	conv_is("iso-8859-1", "\x93quoted\x94", 8, "“quoted”", MSG_CONV_OK,
		"Latin-1 read as Windows-1252");
	conv_is("windows-1252", "\x80", 1, "€", MSG_CONV_OK, "Windows-1252 euro");
	conv_is("iso-8859-15", "\xa4", 1, "€", MSG_CONV_OK, "ISO-8859-15");
	conv_is("windows-1250", "\x8a", 1, "Š", MSG_CONV_OK, "Windows-1250");
	conv_is("windows-1251", "\xcf\xf0\xe8", 3, "При", MSG_CONV_OK, "Windows-1251");
	conv_is("windows-1253", "\xe1", 1, "α", MSG_CONV_OK, "Windows-1253");
	conv_is("windows-1254", "\xfe", 1, "ş", MSG_CONV_OK, "Windows-1254");
	conv_is("windows-1255", "\xf9", 1, "ש", MSG_CONV_OK, "Windows-1255");
	conv_is("windows-1256", "\xc7", 1, "ا", MSG_CONV_OK, "Windows-1256");
	conv_is("windows-1257", "\xe0", 1, "ą", MSG_CONV_OK, "Windows-1257");
	conv_is("windows-1258", "\xe0", 1, "à", MSG_CONV_OK, "Windows-1258");
	conv_is("KOI8-R", "\xf0\xd2\xc9\xd7\xc5\xd4", 6, "Привет", MSG_CONV_OK, "KOI8-R");
	conv_is("ISO-2022-JP", "\x1b$B$K$[$s\x1b(B", 12, "にほん", MSG_CONV_OK, "ISO-2022-JP");
	conv_is("GB18030", "\xd6\xd0\xce\xc4", 4, "中文", MSG_CONV_OK, "GB18030");
	conv_is("shift_jis", "\x82\xa0", 2, "あ", MSG_CONV_OK, "Shift_JIS");
	conv_is("euc-kr", "\xc7\xd1", 2, "한", MSG_CONV_OK, "EUC-KR");
	conv_is("big5", "\xa4\xa4", 2, "中", MSG_CONV_OK, "Big5");
	conv_is("UTF-16", "\xff\xfe" "h\0i\0", 6, "hi", MSG_CONV_OK, "UTF-16 with BOM");
	conv_is("UTF-16LE", "h\0i\0", 4, "hi", MSG_CONV_OK, "UTF-16LE");
	conv_is("utf-16be", "\0h\0i", 4, "hi", MSG_CONV_OK, "UTF-16BE");
	conv_is("utf-7", "+AOk-", 5, "é", MSG_CONV_OK, "UTF-7");
	conv_is("x-unknown", "caf\xc3\xa9", 5, "café", MSG_CONV_UNKNOWN, "unknown charset, UTF-8");
	conv_is("x-unknown", "caf\xe9", 4, "café", MSG_CONV_UNKNOWN, "unknown charset, 1252");
	conv_is("us-ascii", "caf\xc3\xa9", 5, "café", MSG_CONV_WRONG, "lying US-ASCII");
	conv_is("utf-8", "caf\xe9 na\xefve", 10, "café naïve", MSG_CONV_WRONG,
		"lying UTF-8 read as 1252");
	conv_is("utf-8", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
		"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xff", 39,
		"ééééééééééééééééééé\xEF\xBF\xBD", MSG_CONV_DAMAGED, "damaged UTF-8");
	conv_is("iso-2022-jp", "caf\xc3\xa9", 5, "café", MSG_CONV_WRONG, "UTF-8 labelled ISO-2022-JP");
	conv_is("iso-2022-jp", "caf\xe9", 4, "café", MSG_CONV_WRONG, "Latin-1 labelled ISO-2022-JP");
	conv_is(NULL, "caf\xe9", 4, "café", MSG_CONV_WRONG, "undeclared 8-bit");
	conv_is("", "plain", 5, "plain", MSG_CONV_OK, "undeclared ASCII");
	conv_is("../../etc/passwd", "x", 1, "x", MSG_CONV_UNKNOWN, "hostile name refused");
	conv_is("utf-8", "a\0b", 3, "a", MSG_CONV_OK, "NUL kept (C string stops)");
	/* More charsets than cache slots, in turn. */
	static const char *const many[] = { "koi8-u", "iso-8859-2", "cp850", "iso-8859-3",
		"iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-9", "iso-8859-13" };
	bool all = true;
	for (int i = 0; i < 50; i++) {
		struct buf b = BUF_INIT;
		all &= msg_charset_to_utf8(many[i % ARRAY_SIZE(many)], "a", 1, &b, NULL) == MSG_CONV_OK &&
		       strcmp(buf_cstr(&b), "a") == 0;
		buf_release(&b);
	}
	ok(all, "charset: cache evicts and reopens converters");
	msg_charset_cache_clear();
}

static void transfer_is(enum msg_encoding enc, const char *in, const char *want, bool want_clean,
			const char *name)
{
	struct buf b = BUF_INIT;
	bool clean = msg_transfer_decode(enc, in, strlen(in), &b);
	is_mem(b.data ? b.data : "", b.len, want, strlen(want), "transfer: %s", name);
	ok(clean == want_clean, "transfer clean flag: %s", name);
	buf_release(&b);
}

static void test_transfer(void)
{
	is_int(msg_encoding_parse(" Base64 ", 8), MSG_ENC_BASE64, "encoding name, any case");
	is_int(msg_encoding_parse("quoted-printable", 16), MSG_ENC_QP, "quoted-printable");
	is_int(msg_encoding_parse("x-uuencode", 10), MSG_ENC_UNKNOWN, "unknown encoding");
	is_int(msg_encoding_parse("", 0), MSG_ENC_7BIT, "empty is 7bit");
	transfer_is(MSG_ENC_BASE64, "aGVsbG8gd29ybGQ=", "hello world", true, "base64");
	transfer_is(MSG_ENC_BASE64, "aGVs\r\nbG8=\r\n", "hello", true, "base64 across lines");
	transfer_is(MSG_ENC_BASE64, "aGVsbG8", "hello", true, "base64 without padding");
	transfer_is(MSG_ENC_BASE64, "aGV*sbG8=", "hello", false, "base64 with junk");
	transfer_is(MSG_ENC_BASE64, "aGVsbG8=aGk=", "hellohi", true, "concatenated base64");
	transfer_is(MSG_ENC_BASE64, "aGVsb", "hel", false, "truncated base64");
	transfer_is(MSG_ENC_QP, "caf=C3=A9 =\r\nau lait=20\r\nnext  \r\n", "café au lait \nnext\n",
		    true, "quoted-printable");
	transfer_is(MSG_ENC_QP, "a=ZZb=", "a=ZZb", false, "bad QP escape kept");
	transfer_is(MSG_ENC_QP, "=e9", "\xe9", true, "lower-case hex");
	transfer_is(MSG_ENC_8BIT, "as is\r\n", "as is\r\n", true, "8bit is identity");
}

int main(void)
{
	test_rfc2047();
	test_params();
	test_addresses();
	test_dates();
	test_envelope();
	test_charsets();
	test_transfer();
	return tap_done();
}
