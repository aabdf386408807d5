/* The store's byte-level encodings: varints, summaries (formats 1 and 2),
 * chunks, CRC-32; round trips of every field and odd values, and garbled
 * input. */
#include "common.h"

#include "store/store-private.h"
#include "tap.h"

static void test_varints(void)
{
	static const uint64_t u[] = { 0, 1, 127, 128, 16383, 16384, UINT32_MAX,
				      (uint64_t)UINT32_MAX + 1, UINT64_MAX - 1, UINT64_MAX };
	static const int64_t s[] = { 0, 1, -1, 63, -64, 64, -65, INT32_MIN, INT32_MAX,
				     INT64_MIN, INT64_MAX };
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ARRAY_SIZE(u); i++)
		enc_uvar(&b, u[i]);
	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		enc_svar(&b, s[i]);
	struct dec d;
	dec_init(&d, b.data, b.len);
	bool all = true;
	for (size_t i = 0; i < ARRAY_SIZE(u); i++)
		all &= dec_uvar(&d) == u[i];
	for (size_t i = 0; i < ARRAY_SIZE(s); i++)
		all &= dec_svar(&d) == s[i];
	ok(all && !d.bad && dec_done(&d), "varints round trip at their limits");
	ok(dec_uvar(&d) == 0 && d.bad, "reading past the end sets bad");

	static const unsigned char too_long[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
						  0xff, 0x02 };
	dec_init(&d, too_long, sizeof too_long);
	dec_uvar(&d);
	ok(d.bad, "a varint of more than 64 bits is refused");
	static const unsigned char cut[] = { 0x80, 0x80 };
	dec_init(&d, cut, sizeof cut);
	dec_uvar(&d);
	ok(d.bad, "a cut varint is refused");
	buf_reset(&b);
	enc_uvar(&b, 300);
	dec_init(&d, b.data, b.len);
	ok(dec_uvar_max(&d, 299) == 0 && d.bad, "a value over its maximum is refused");
	buf_reset(&b);
	enc_uvar(&b, 1000);
	dec_init(&d, b.data, b.len);
	size_t n;
	dec_str(&d, &n);
	ok(d.bad && n == 0, "a string longer than its input is refused");
	buf_release(&b);
	ok(crc32c_update(0, "123456789", 9) == 0xe3069283u, "CRC-32C check value");
	ok(crc32c_update(crc32c_update(0, "1234", 4), "56789", 5) == 0xe3069283u,
	   "CRC-32C in pieces");
	ok(crc32c_update_soft(0, "123456789", 9) == 0xe3069283u, "CRC-32C check value (tables)");
	char big[1000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (char)(i * 31 + 7);
	ok(crc32c_update(0, big + 3, 997) == crc32c_update_soft(0, big + 3, 997),
	   "hardware and tables agree");
}

static char *repeat(const char *unit, size_t times)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < times; i++)
		buf_adds(&b, unit);
	return buf_detach(&b, NULL);
}

static void fill_full(struct msg_summary *s)
{
	msg_summary_init(s);
	s->uid = UINT32_MAX;
	s->flags = MSG_FLAGS_ALL;
	s->has_attachment = true;
	s->size = UINT32_MAX;
	s->date = INT64_MIN;
	s->internaldate = INT64_MAX;
	s->modseq = UINT64_MAX;
	s->from = xstrdup("Jürgen Müller <jm@example.de>");
	s->to = xstrdup("日本語 <a@example.jp>, \"Ünïcödé\" <u@x>");
	s->cc = xstrdup("a");
	s->subject = repeat("Ωmega subject that goes on ", 5000);  /* ~140 KB */
	s->message_id = xstrdup("id@host");
	s->in_reply_to = xstrdup("parent@host");
	s->references = xstrdup("root@host mid@host parent@host");
	s->uidl = xstrdup("UIDL-\x7f-\x01");
	msg_summary_add_keyword(s, "$Forwarded");
	msg_summary_add_keyword(s, "$Junk");
	msg_summary_add_keyword(s, "$Forwarded");  /* a duplicate is kept once */
}

static void round_trip(const struct msg_summary *s, const char *name)
{
	struct buf b = BUF_INIT;
	summary_encode(&b, s);
	struct msg_summary back;
	msg_summary_init(&back);
	ok(summary_decode(b.data, b.len, &back) == 0 && msg_summary_equal(s, &back),
	   "round trip: %s (%zu bytes)", name, b.len);
	is_int(summary_peek_uid(b.data, b.len), s->uid, "uid peek: %s", name);
	msg_summary_release(&back);
	buf_release(&b);
}

static void test_summary(void)
{
	struct msg_summary s;
	fill_full(&s);
	is_int(s.n_keywords, 2, "duplicate keywords are dropped");
	round_trip(&s, "every field at its limit, non-ASCII, huge");

	struct msg_summary m;
	msg_summary_init(&m);
	m.uid = 1;
	round_trip(&m, "only a uid");
	m.subject = xstrdup("");
	struct buf b = BUF_INIT;
	summary_encode(&b, &m);
	struct msg_summary back;
	msg_summary_init(&back);
	ok(summary_decode(b.data, b.len, &back) == 0 && back.subject == NULL,
	   "an empty string comes back NULL");
	msg_summary_release(&back);
	buf_reset(&b);
	m.uid = 0;
	summary_encode(&b, &m);
	ok(summary_decode(b.data, b.len, &back) < 0, "uid 0 is refused");

	struct msg_summary copy;
	msg_summary_init(&copy);
	msg_summary_copy(&copy, &s);
	ok(msg_summary_equal(&copy, &s) && copy.subject != s.subject, "copy is deep");
	copy.flags ^= MSG_SEEN;
	ok(!msg_summary_equal(&copy, &s), "equal sees a flag");
	msg_summary_release(&copy);
	msg_summary_release(&m);

	/* Every cut of a valid encoding fails cleanly; so does every byte flip
	 * that breaks it (and one that does not must still give a summary). */
	buf_reset(&b);
	msg_summary_release(&s);
	msg_summary_init(&s);
	s.uid = 77;
	s.from = xstrdup("a <a@b>");
	s.subject = xstrdup("hello");
	msg_summary_add_keyword(&s, "k");
	summary_encode(&b, &s);
	int cut_ok = 0;
	for (size_t n = 0; n < b.len; n++) {
		msg_summary_init(&back);
		cut_ok += summary_decode(b.data, n, &back) < 0;
		msg_summary_release(&back);
	}
	is_int(cut_ok, b.len, "every truncation is refused");
	int flips = 0;
	for (size_t i = 0; i < b.len; i++) {
		for (int bit = 0; bit < 8; bit++) {
			b.data[i] ^= (char)(1 << bit);
			msg_summary_init(&back);
			int r = summary_decode(b.data, b.len, &back);
			flips += r == 0 || r == -1;
			msg_summary_release(&back);
			b.data[i] ^= (char)(1 << bit);
		}
	}
	is_int(flips, b.len * 8, "bit flips decode or fail, never crash");
	msg_summary_release(&s);
	buf_release(&b);
}

static void test_v1(void)
{
	struct msg_summary s, back;
	msg_summary_init(&s);
	msg_summary_init(&back);
	s.flags = MSG_SEEN | MSG_FLAGGED;
	s.date = -86400;
	s.size = 1234;
	s.has_attachment = true;
	s.from = xstrdup("old <o@x>");
	s.subject = xstrdup("format one");
	s.uidl = xstrdup("U1");
	struct buf b = BUF_INIT;
	summary_v1_encode(&b, &s);
	ok(summary_v1_decode(b.data, b.len, &back) == 0, "format 1 decodes");
	back.uid = s.uid;
	ok(msg_summary_equal(&s, &back), "format 1 round trip");
	msg_summary_release(&back);
	ok(summary_v1_decode(b.data, b.len - 1, &back) < 0, "cut format 1 refused");
	msg_summary_release(&s);
	buf_release(&b);
}

static void test_chunk(void)
{
	struct chunk c;
	chunk_init(&c);
	c.folder = 3;
	c.base = 10;
	struct msg_summary s;
	msg_summary_init(&s);
	for (uint32_t uid = 40; uid >= 10; uid -= 10) {
		s.uid = uid;
		msg_summary_set(&s.subject, uid == 20 ? "twenty" : "other");
		chunk_set(&c, &s);
	}
	s.uid = 20;
	msg_summary_set(&s.subject, "twenty again");
	chunk_set(&c, &s);
	ok(c.e.n == 4 && c.e.v[0].uid == 10 && c.e.v[3].uid == 40, "entries sorted, replaced");
	is_int(chunk_find(&c, 30), 2, "find");
	is_int(chunk_find(&c, 31), -1, "find a missing uid");
	struct buf b = BUF_INIT;
	chunk_encode(&c, 0, c.e.n, &b);
	struct chunk d;
	chunk_init(&d);
	d.base = 10;
	const char *why = NULL;
	ok(chunk_parse(&d, b.data, b.len, &why) == 0 && d.e.n == 4, "chunk round trip");
	struct msg_summary back;
	msg_summary_init(&back);
	ok(d.e.n == 4 && summary_decode(chunk_entry_data(&d, 1), d.e.v[1].len, &back) == 0 &&
	   strcmp(back.subject, "twenty again") == 0, "the replaced entry");
	msg_summary_release(&back);
	chunk_release(&d);

	chunk_init(&d);
	d.base = 11;
	ok(chunk_parse(&d, b.data, b.len, &why) < 0, "a UID below the key is refused (%s)",
	   why);
	chunk_release(&d);
	b.data[b.len / 2] ^= 0x20;
	chunk_init(&d);
	d.base = 10;
	ok(chunk_parse(&d, b.data, b.len, &why) < 0 && strstr(why, "checksum"),
	   "a garbled chunk fails its checksum");
	chunk_release(&d);
	chunk_remove(&c, 0);
	ok(c.e.n == 3 && c.e.v[0].uid == 20, "remove");
	msg_summary_release(&s);
	chunk_release(&c);
	buf_release(&b);
}

int main(void)
{
	test_varints();
	test_summary();
	test_v1();
	test_chunk();
	return tap_done();
}
