/* pop3/wire.h: reply and listing lines, dot-stuffing over any split of the
 * stream, and the digest that stands in for a missing UIDL. Table-driven. */
#include "common.h"

#include "pop3/wire.h"
#include "tap.h"
#include "util/buf.h"
#include "util/clock.h"

static void test_stat(void)
{
	static const struct { const char *in; int r; uint32_t count; uint64_t octets; } t[] = {
		{ "3 320", 0, 3, 320 },
		{ "0 0", 0, 0, 0 },
		{ "3 320 more words", 0, 3, 320 },
		{ "3", -1, 0, 0 },
		{ "3  320", -1, 0, 0 },
		{ " 3 320", -1, 0, 0 },
		{ "-1 320", -1, 0, 0 },
		{ "3 -320", -1, 0, 0 },
		{ "a b", -1, 0, 0 },
		{ "3 320x", -1, 0, 0 },
		{ "99999999999 1", -1, 0, 0 },          /* above POP3_COUNT_MAX */
		{ "1 99999999999999999999999", -1, 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint32_t c = 0;
		uint64_t o = 0;
		int r = pop3_parse_stat(t[i].in, &c, &o);
		ok(r == t[i].r && (r < 0 || (c == t[i].count && o == t[i].octets)), "STAT '%s'",
		   t[i].in);
	}
}

static void test_scan(void)
{
	static const struct { const char *in; int r; uint32_t num; uint64_t size; } t[] = {
		{ "1 100", 0, 1, 100 },
		{ "12 0", 0, 12, 0 },
		{ "1 100 extra info", 0, 1, 100 },
		{ "0 100", 0, 0, 100 },                 /* parsed; the caller refuses 0 */
		{ "1", -1, 0, 0 },
		{ "1 ", -1, 0, 0 },
		{ "1 -5", -1, 0, 0 },
		{ "1 5e3", -1, 0, 0 },
		{ "+1 5", -1, 0, 0 },
		{ "1\t5", -1, 0, 0 },
		{ "1 99999999999999999999", -1, 0, 0 },
		{ "1 9007199254740993", -1, 0, 0 },     /* above 2^53 */
		{ "", -1, 0, 0 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint32_t n = 0;
		uint64_t z = 0;
		int r = pop3_parse_scan_line(t[i].in, &n, &z);
		ok(r == t[i].r && (r < 0 || (n == t[i].num && z == t[i].size)), "LIST '%s'",
		   t[i].in);
	}
}

static void test_uidl(void)
{
	static const struct { const char *in; int r; uint32_t num; const char *id; } t[] = {
		{ "1 000001a059682f01", 0, 1, "000001a059682f01" },
		{ "7 !~", 0, 7, "!~" },
		{ "1 ", -1, 0, NULL },
		{ "1 two words", -1, 0, NULL },
		{ "1 tab\there", -1, 0, NULL },
		{ "1 ctl\x01", -1, 0, NULL },
		{ "1 caf\xc3\xa9", -1, 0, NULL },
		{ "x abc", -1, 0, NULL },
		{ "1abc", -1, 0, NULL },
	};
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		uint32_t n = 0;
		const char *id = NULL;
		size_t len = 0;
		int r = pop3_parse_uidl_line(t[i].in, &n, &id, &len);
		ok(r == t[i].r && (r < 0 || (n == t[i].num && len == strlen(t[i].id) &&
					     memcmp(id, t[i].id, len) == 0)), "UIDL '%s'", t[i].in);
	}
	char line[600] = "1 ";
	memset(line + 2, 'u', POP3_UIDL_MAX);
	uint32_t n;
	const char *id;
	size_t len;
	ok(pop3_parse_uidl_line(line, &n, &id, &len) == 0 && len == POP3_UIDL_MAX,
	   "a UIDL of %d characters is kept", POP3_UIDL_MAX);
	line[2 + POP3_UIDL_MAX] = 'u';
	ok(pop3_parse_uidl_line(line, &n, &id, &len) < 0, "a longer one is refused");
}

/* Feeds in to the unstuffer in pieces of `step` bytes (0: all at once). */
static void unstuff_in_steps(const char *in, size_t n, size_t step, struct buf *out,
			     size_t *used_r, bool *done_r)
{
	struct pop3_unstuff u = { 0 };
	size_t pos = 0;
	bool done = false;
	buf_reset(out);
	while (pos < n && !done) {
		size_t k = step && n - pos > step ? step : n - pos;
		pos += pop3_unstuff(&u, in + pos, k, out, &done);
	}
	*used_r = pos;
	*done_r = done;
}

static void test_unstuff(void)
{
	/* in_len and out_len 0: strlen (they are given when the text holds a NUL). */
	static const struct {
		const char *name, *in, *out;
		size_t rest, in_len, out_len;
	} t[] = {
		{ "plain", "a\r\nb\r\n.\r\n", "a\r\nb\r\n", 0, 0, 0 },
		{ "empty message", ".\r\n", "", 0, 0, 0 },
		{ "stuffed dot", "..\r\n.\r\n", ".\r\n", 0, 0, 0 },
		{ "stuffed text", "..x\r\n...\r\n.\r\n", ".x\r\n..\r\n", 0, 0, 0 },
		{ "unstuffed dot line (lenient)", ".x\r\n.\r\n", "x\r\n", 0, 0, 0 },
		{ "dot inside a line", "a.\r\n a .\r\n.\r\n", "a.\r\n a .\r\n", 0, 0, 0 },
		{ "empty lines", "\r\n\r\n.\r\n", "\r\n\r\n", 0, 0, 0 },
		{ "bare LF ends", "a\nb\n.\n", "a\nb\n", 0, 0, 0 },
		{ "dot CR X", ".\rX\r\n.\r\n", "\rX\r\n", 0, 0, 0 },
		{ "bare CR kept", "a\rb\r\n.\r\n", "a\rb\r\n", 0, 0, 0 },
		{ "pipelined reply after", "a\r\n.\r\n+OK next\r\n", "a\r\n", 10, 0, 0 },
		{ "NUL kept", "a\0b\r\n.\r\n", "a\0b\r\n", 0, 8, 5 },
	};
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(t); i++) {
		size_t n = t[i].in_len ? t[i].in_len : strlen(t[i].in);
		size_t want_len = t[i].out_len ? t[i].out_len : strlen(t[i].out);
		bool all_ok = true;
		for (size_t step = 0; step <= n; step++) {
			size_t used;
			bool done;
			unstuff_in_steps(t[i].in, n, step, &out, &used, &done);
			if (!done || used != n - t[i].rest || out.len != want_len ||
			    memcmp(out.data ? out.data : "", t[i].out, want_len) != 0) {
				tap_diag("%s: step %zu: done %d used %zu out '%.*s'", t[i].name, step,
					 done, used, (int)out.len, out.data ? out.data : "");
				all_ok = false;
				break;
			}
		}
		ok(all_ok, "unstuff: %s, in every split", t[i].name);
	}
	size_t used;
	bool done;
	unstuff_in_steps("a\r\n..\r\nb", 8, 0, &out, &used, &done);
	ok(!done && used == 8 && out.len == 7, "unstuff: no end yet, everything used");
	buf_release(&out);
}

static void test_digest(void)
{
	const char *m = "Message-ID: <a@x>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
			"From: A <a@x>\r\nSubject: s\r\n\r\nbody\r\n";
	const char *status = "Status: RO\r\nX-UIDL: 123\r\nMessage-ID: <a@x>\r\n"
			     "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nFrom: A <a@x>\r\n"
			     "Subject: s\r\n\r\nother body\r\n";
	const char *other = "Message-ID: <b@x>\r\nDate: Mon, 1 Jan 2024 10:00:00 +0000\r\n"
			    "From: A <a@x>\r\nSubject: s\r\n\r\nbody\r\n";
	char d1[POP3_DIGEST_ID_LEN], d2[POP3_DIGEST_ID_LEN], d3[POP3_DIGEST_ID_LEN];
	char d4[POP3_DIGEST_ID_LEN];
	pop3_digest_id(m, strlen(m), 100, d1);
	pop3_digest_id(status, strlen(status), 100, d2);
	pop3_digest_id(other, strlen(other), 100, d3);
	pop3_digest_id(m, strlen(m), 101, d4);
	ok(strncmp(d1, "digest:", 7) == 0 && strlen(d1) == 47, "digest id form: %s", d1);
	is_str(d1, d2, "headers servers add (Status, X-UIDL) do not change the digest");
	ok(strcmp(d1, d3) != 0, "another Message-ID, another digest");
	ok(strcmp(d1, d4) != 0, "another size, another digest");
}

static void test_clock(void)
{
	setenv(CLOCK_TEST_ENV, "1234567890", 1);
	is_int(clock_now(), 1234567890, "POSTIE_TEST_NOW sets the clock");
	setenv(CLOCK_TEST_ENV, "soon", 1);
	ok(clock_now() > 1700000000, "an unreadable value is ignored");
	unsetenv(CLOCK_TEST_ENV);
	ok(clock_now() > 1700000000, "the real clock otherwise");
}

int main(void)
{
	test_stat();
	test_scan();
	test_uidl();
	test_unstuff();
	test_digest();
	test_clock();
	return tap_done();
}
