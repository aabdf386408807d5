/* The IMAP and core logic that needs no server: modified UTF-7 folder
 * names, the journal's replay rules, user operations on the store (IMAP
 * journaling, POP3 local folders), summaries from header blocks, JSON. */
#include "common.h"

#include "conf/conf.h"
#include "core/ops.h"
#include "core/replay.h"
#include "imap/imap.h"
#include "store-fixture.h"
#include "store/index.h"
#include "store/store.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"

/* ---- modified UTF-7 ---- */

static void test_mutf7(void)
{
	static const struct { const char *utf8, *wire; } both[] = {
		{ "INBOX", "INBOX" },
		{ "Entwürfe", "Entw&APw-rfe" },
		{ "a&b", "a&-b" },
		{ "&", "&-" },
		{ "日本語/テスト", "&ZeVnLIqe-/&MMYwuTDI-" },
		{ "Отправленные", "&BB4EQgQ,BEAEMAQyBDsENQQ9BD0ESwQ1-" },
		{ "😀 smile", "&2D3eAA- smile" },
		{ "~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-" },
		{ "", "" },
	};
	for (size_t i = 0; i < ARRAY_SIZE(both); i++) {
		char *w = imap_mutf7_encode(both[i].utf8);
		char *u = imap_mutf7_decode(both[i].wire);
		is_str(w, both[i].wire, "encode '%s'", both[i].utf8);
		is_str(u, both[i].utf8, "decode '%s'", both[i].wire);
		free(w);
		free(u);
	}
	/* Not modified UTF-7: kept as sent, when it is UTF-8 at least. */
	static const struct { const char *wire, *shown; } odd[] = {
		{ "Entwürfe", "Entwürfe" },             /* raw UTF-8 from a lax server */
		{ "&Jjo", "&Jjo" },                     /* unterminated */
		{ "&AGE-", "&AGE-" },                   /* an encoded ASCII letter */
		{ "&Jjo-&Jjo-", "&Jjo-&Jjo-" },         /* two runs side by side */
		{ "a&b", "a&b" },                       /* a bare ampersand */
		{ "bad\xff", "bad\xef\xbf\xbd" },       /* not UTF-8 either */
	};
	for (size_t i = 0; i < ARRAY_SIZE(odd); i++) {
		char *u = imap_mutf7_decode(odd[i].wire);
		is_str(u, odd[i].shown, "odd name '%s' shown as it came", odd[i].wire);
		free(u);
	}
	ok(imap_mutf7_encode("bad\xff") == NULL, "encoding refuses invalid UTF-8");
}

/* ---- replay rules ---- */

static struct store_op op_new(enum store_op_kind kind, const uint32_t *uids, size_t n)
{
	struct store_op op = { 0 };
	op.kind = kind;
	op.folder = 7;
	op.uidvalidity = 100;
	op.uids = (uint32_t *)uids;
	op.n_uids = n;
	op.dest = kind == OP_MOVE || kind == OP_COPY || kind == OP_APPEND ? "Archive" : NULL;
	return op;
}

static void test_replay_rules(void)
{
	static const uint32_t uids[] = { 5, 3, 9 };
	static const uint32_t all[] = { 9, 5, 3 }, some[] = { 9 };
	struct replay_state st = {
		.folder_name = "INBOX", .folder_exists = true, .uidvalidity = 100,
		.present = all, .n_present = 3, .dest_exists = true,
	};
	struct replay_plan p;

	struct store_op op = op_new(OP_FLAGS, uids, 3);
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_APPLY && p.n_uids == 3 && !p.notice, "all there: applied silently");
	ok(p.uids[0] == 3 && p.uids[1] == 5 && p.uids[2] == 9, "uids sorted");
	replay_plan_release(&p);

	st.present = some;
	st.n_present = 1;
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_APPLY && p.n_uids == 1 && p.uids[0] == 9, "some gone: the rest");
	ok(p.notice && strstr(p.notice, "2 of the messages no longer exist"), "and it says so: %s",
	   p.notice);
	replay_plan_release(&p);

	st.n_present = 0;
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && p.notice && strstr(p.notice, "no longer exist"),
	   "all gone: dropped with a notice");
	replay_plan_release(&p);

	op = op_new(OP_EXPUNGE, uids, 3);
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && !p.notice, "an expunge of vanished messages: silently done");
	replay_plan_release(&p);

	st.present = all;
	st.n_present = 3;
	st.uidvalidity = 200;
	op = op_new(OP_FLAGS, uids, 3);
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && strstr(p.notice, "recreated"), "new UIDVALIDITY: dropped");
	replay_plan_release(&p);
	st.uidvalidity = 100;

	st.folder_exists = false;
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && strstr(p.notice, "no longer exists"), "folder gone: dropped");
	replay_plan_release(&p);
	st.folder_exists = true;

	op = op_new(OP_MOVE, uids, 3);
	st.dest_exists = false;
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && p.restore && p.n_uids == 3, "move to a missing folder: "
	   "dropped, messages restored");
	ok(strstr(p.notice, "Archive") && strstr(p.notice, "stay"), "the notice names the folder");
	replay_plan_release(&p);
	st.dest_exists = true;
	st.n_present = 0;
	st.maybe_done = true;
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && !p.notice, "a move whose answer was lost, messages gone: "
	   "done, silently");
	replay_plan_release(&p);
	op = op_new(OP_COPY, uids, 3);
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && p.notice, "a copy of messages gone is still said");
	replay_plan_release(&p);
	st.maybe_done = false;
	st.n_present = 3;
	st.dest_exists = false;
	op = op_new(OP_MOVE, uids, 3);
	op = op_new(OP_COPY, uids, 3);
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_DROP && !p.restore, "copy to a missing folder: dropped, nothing to "
	   "restore");
	replay_plan_release(&p);

	op = op_new(OP_APPEND, NULL, 0);
	replay_decide(&op, &st, &p);
	ok(p.verdict == REPLAY_APPLY && p.create_dest, "append to a missing folder: create it");
	replay_plan_release(&p);
	replay_refused(&op, NULL, "over quota", NULL, 0, &p);
	ok(p.verdict == REPLAY_KEEP && strstr(p.notice, "over quota"), "a refused append is kept");
	replay_plan_release(&p);

	op = op_new(OP_MOVE, uids, 3);
	replay_refused(&op, "INBOX", "no permission", all, 3, &p);
	ok(p.verdict == REPLAY_DROP && p.restore && p.n_uids == 3, "a refused move: dropped, "
	   "restored");
	replay_plan_release(&p);
	op = op_new(OP_FLAGS, uids, 3);
	replay_refused(&op, "INBOX", "read-only", all, 3, &p);
	ok(p.verdict == REPLAY_DROP && !p.restore && strstr(p.notice, "read-only"),
	   "a refused flag change: dropped with the server's words");
	replay_plan_release(&p);
}

/* ---- ops on the store ---- */

static struct account_conf conf_for(enum conf_protocol proto)
{
	struct account_conf a = { 0 };
	a.account = (char *)(proto == PROTO_IMAP ? "imap" : "pop");
	a.protocol = proto;
	a.delete_policy = DELETE_TRASH;
	return a;
}

static uint32_t make_folder(struct store_acct *acct, const char *name, enum store_role role,
			    uint32_t uidvalidity)
{
	struct store_folder f = { 0 };
	store_folder_ensure(acct, name, &f, NULL);
	f.role = role;
	f.uidvalidity = uidvalidity;
	store_folder_update(acct, &f, NULL);
	uint32_t id = f.id;
	store_folder_release(&f);
	return id;
}

static void fill(struct store_acct *acct, uint32_t folder, uint32_t n, bool bodies)
{
	for (uint32_t uid = 1; uid <= n; uid++) {
		struct msg_summary s;
		msg_summary_init(&s);
		fixture_summary(&s, uid, 0);
		s.flags = MSG_SEEN;
		if (bodies) {
			size_t len;
			char *b = fixture_body(folder, uid, &len);
			free(s.uidl);
			s.uidl = xasprintf("UIDL-%u", uid);
			store_msg_deliver(acct, folder, &s, b, len, NULL);
			free(b);
		} else {
			msg_summary_set(&s.uidl, NULL);
			store_msg_put(acct, folder, &s, 1, NULL);
		}
		msg_summary_release(&s);
	}
}

static size_t journal_len(struct store_acct *acct, store_ops *out)
{
	store_ops_release(out);
	store_journal_list(acct, out, NULL);
	return out->n;
}

static void test_ops_imap(void)
{
	char *dir = fixture_dir("ops-imap");
	struct store *st = fixture_store(dir, 0);
	struct store_acct *acct = fixture_acct(st, "imap", STORE_ACCT_CACHE, 0);
	struct account_conf a = conf_for(PROTO_IMAP);
	struct ops_ctx ctx = { &a, acct };
	uint32_t inbox = make_folder(acct, "INBOX", ROLE_INBOX, 11);
	uint32_t trash = make_folder(acct, "Trash", ROLE_TRASH, 12);
	fill(acct, inbox, 10, false);
	store_ops ops = ARRAY_INIT;
	struct err err = ERR_INIT;

	const char *kw[] = { "$Todo" };
	uint32_t u12[] = { 1, 2, 99 };
	ok(ops_set_flags(&ctx, inbox, u12, 3, MSG_FLAGGED, MSG_SEEN, kw, 1, NULL, 0, &err) == 0,
	   "flag: ok");
	struct msg_summary s;
	msg_summary_init(&s);
	store_msg_get(acct, inbox, 2, &s, NULL);
	ok(s.flags == MSG_FLAGGED && s.n_keywords == 1 && !strcmp(s.keywords[0], "$Todo"),
	   "flag: applied to the store at once");
	ok(journal_len(acct, &ops) == 1 && ops.v[0].kind == OP_FLAGS && ops.v[0].n_uids == 2 &&
	   ops.v[0].uidvalidity == 11, "flag: journaled for the two messages held, with "
	   "UIDVALIDITY");
	const char *bad[] = { "two words" };
	ok(ops_set_flags(&ctx, inbox, u12, 1, 0, 0, bad, 1, NULL, 0, &err) < 0 &&
	   err.kind == ERR_USAGE, "a keyword with a blank is refused");
	err_clear(&err);

	uint32_t u3[] = { 3 };
	is_int(ops_delete(&ctx, inbox, u3, 1, &err), 1, "delete: to the Trash");
	ok(store_msg_get(acct, inbox, 3, &s, NULL) == 0, "delete: gone from INBOX at once");
	ok(journal_len(acct, &ops) == 2 && ops.v[1].kind == OP_MOVE &&
	   !strcmp(ops.v[1].dest, "Trash"), "delete: journaled as a move to the Trash");
	uint32_t u4[] = { 4 };
	is_int(ops_delete(&ctx, trash, u4, 1, &err), 0, "delete in the Trash: flagged");
	a.delete_policy = DELETE_FLAG;
	is_int(ops_delete(&ctx, inbox, u4, 1, &err), 0, "delete_policy flag: flagged");
	store_msg_get(acct, inbox, 4, &s, NULL);
	ok(s.flags & MSG_DELETED, "delete_policy flag: \\Deleted set");
	is_int(ops_expunge(&ctx, inbox, &err), 1, "expunge: one message");
	ok(store_msg_get(acct, inbox, 4, &s, NULL) == 0, "expunge: gone at once");
	ok(journal_len(acct, &ops) == 4 && ops.v[3].kind == OP_EXPUNGE && ops.v[3].uids[0] == 4,
	   "expunge: journaled");
	ok(ops_move(&ctx, inbox, u12, 1, inbox, &err) < 0 && err.kind == ERR_USAGE,
	   "move onto the same folder: refused");
	err_clear(&err);
	uint32_t uid = 77;
	ok(ops_append(&ctx, trash, "Subject: x\r\n\r\nbody\r\n", 18, MSG_SEEN, &uid, &err) == 0 &&
	   uid == 0, "append: journaled, no UID yet");
	struct buf msg = BUF_INIT;
	journal_len(acct, &ops);
	ok(store_journal_message(acct, ops.v[4].seq, &msg, NULL) == 1 && msg.len == 18,
	   "append: the message is kept in the journal");
	buf_release(&msg);
	msg_summary_release(&s);
	store_ops_release(&ops);
	store_acct_close(&acct);
	store_close(&st);
	free(dir);
}

static void test_ops_pop3(void)
{
	char *dir = fixture_dir("ops-pop3");
	struct store *st = fixture_store(dir, 0);
	struct store_acct *acct = fixture_acct(st, "pop", STORE_ACCT_PRIMARY, 0);
	struct account_conf a = conf_for(PROTO_POP3);
	struct ops_ctx ctx = { &a, acct };
	uint32_t inbox = make_folder(acct, "INBOX", ROLE_INBOX, 0);
	uint32_t keep = make_folder(acct, "Keep", ROLE_NONE, 0);
	uint32_t trash = make_folder(acct, "Trash", ROLE_TRASH, 0);
	fill(acct, inbox, 6, true);
	store_ops ops = ARRAY_INIT;
	struct err err = ERR_INIT;
	struct msg_summary s;
	msg_summary_init(&s);
	struct buf body = BUF_INIT;

	uint32_t u1[] = { 1 }, u2[] = { 2 };
	ok(ops_move(&ctx, inbox, u1, 1, keep, &err) == 0, "local move");
	ok(store_msg_get(acct, inbox, 1, &s, NULL) == 0, "local move: left INBOX");
	ok(store_msg_get(acct, keep, 1, &s, NULL) == 1 && s.uidl && !strcmp(s.uidl, "UIDL-1"),
	   "local move: arrived under a new local id, UIDL kept");
	ok(store_body_get(acct, keep, s.uid, &body, NULL) == 1 && body.len > 0,
	   "local move: the body came along");
	ok(journal_len(acct, &ops) == 0, "local folders journal nothing");
	ok(ops_copy(&ctx, inbox, u2, 1, keep, &err) == 0 && store_msg_get(acct, inbox, 2, &s,
									  NULL) == 1,
	   "local copy leaves the original");
	store_msg_get(acct, keep, 2, &s, NULL);
	ok(!s.uidl, "a copy drops the UIDL");

	uint32_t u3[] = { 3 };
	is_int(ops_delete(&ctx, inbox, u3, 1, &err), 1, "local delete: to the Trash");
	ok(journal_len(acct, &ops) == 0, "without delete_on_server_when_deleted: no journal");
	a.delete_on_server_when_deleted = true;
	uint32_t u4[] = { 4 };
	ops_delete(&ctx, inbox, u4, 1, &err);
	ok(journal_len(acct, &ops) == 1 && ops.v[0].kind == OP_EXPUNGE && ops.v[0].n_uids == 1 &&
	   ops.v[0].n_kw_del == 1 && !strcmp(ops.v[0].kw_del[0], "UIDL-4"),
	   "delete_on_server_when_deleted: OP_EXPUNGE with the UIDL in kw_del");
	a.delete_policy = DELETE_FLAG;
	uint32_t u56[] = { 5, 6 };
	is_int(ops_delete(&ctx, inbox, u56, 2, &err), 0, "delete_policy flag: marked");
	ok(journal_len(acct, &ops) == 1, "marking journals nothing yet");
	is_int(ops_expunge(&ctx, inbox, &err), 2, "expunge: two gone");
	ok(journal_len(acct, &ops) == 2 && ops.v[1].n_kw_del == 2, "expunge journals their UIDLs");
	uint32_t uid = 0;
	ok(ops_append(&ctx, trash, "Subject: kept\r\n\r\nx\r\n", 19, MSG_SEEN, &uid, &err) == 0 &&
	   uid != 0, "local append: stored at once with a local id");
	store_msg_get(acct, trash, uid, &s, NULL);
	is_str(s.subject, "kept", "local append: summary from the header");
	buf_release(&body);
	msg_summary_release(&s);
	store_ops_release(&ops);
	store_acct_close(&acct);
	store_close(&st);
	free(dir);
}

/* ---- summaries and JSON ---- */

static void test_summary_fill(void)
{
	struct buf hdr = BUF_INIT;
	buf_adds(&hdr, "From: =?utf-8?q?J=C3=BCrgen?= <j@x.example>\r\n"
		       "To: a@b.example, \"C, D\" <cd@x.example>\r\n"
		       "Subject: =?iso-8859-1?q?Gr=FC=DFe?=\r\n"
		       "Date: Tue, 02 Jan 2024 15:04:05 +0100\r\n"
		       "Message-ID: <m1@x.example>\r\n"
		       "In-Reply-To: <p@x.example>\r\n"
		       "Content-Type: multipart/mixed; boundary=x\r\nReferences:");
	for (int i = 0; i < 30; i++)
		buf_addf(&hdr, " <r%d@x>", i);
	buf_adds(&hdr, "\r\n\r\nbody: ignored\r\n");
	struct msg_summary s;
	msg_summary_init(&s);
	msg_summary_fill_header(&s, hdr.data, hdr.len);
	is_str(s.from, "Jürgen <j@x.example>", "from decoded");
	is_str(s.subject, "Grüße", "subject decoded");
	is_str(s.message_id, "m1@x.example", "message id without brackets");
	is_str(s.in_reply_to, "p@x.example", "in-reply-to");
	is_int(s.date, 1704204245, "date in UTC seconds");
	ok(s.has_attachment, "multipart/mixed: attachment");
	ok(s.references && !strncmp(s.references, "r0@x r21@x ", 11) &&
	   strstr(s.references, " r29@x") && strlen(s.references) < 120,
	   "references: the first and the last nine: %s", s.references);
	msg_summary_release(&s);
	buf_release(&hdr);
}

/* The index takes the sync's batches newest first, with replacements. */
static void test_index_batches(void)
{
	struct store_index idx = STORE_INDEX_INIT;
	struct msg_summary v[300];
	for (int b = 2; b >= 0; b--) {
		for (int k = 0; k < 100; k++) {
			msg_summary_init(&v[k]);
			fixture_summary(&v[k], (uint32_t)(b * 200 + (99 - k) * 2 + 1), 0);
		}
		store_index_put_many(&idx, v, 100);
		for (int k = 0; k < 100; k++)
			msg_summary_release(&v[k]);
	}
	bool sorted = idx.n == 300;
	for (size_t i = 1; i < idx.n; i++)
		sorted &= idx.msgs[i - 1].uid < idx.msgs[i].uid;
	ok(sorted, "batches newest first: 300 messages, sorted");
	/* A batch mixing new UIDs (between the old ones), replacements and a duplicate. */
	uint32_t uids[] = { 2, 599, 300, 1000, 2 };
	for (int k = 0; k < 5; k++) {
		msg_summary_init(&v[k]);
		fixture_summary(&v[k], uids[k], 1);
		v[k].flags = MSG_FLAGGED;
	}
	store_index_put_many(&idx, v, 5);
	sorted = idx.n == 303;
	for (size_t i = 1; i < idx.n; i++)
		sorted &= idx.msgs[i - 1].uid < idx.msgs[i].uid;
	ok(sorted, "new ones merged in order, replacements in place (%zu)", idx.n);
	ok(store_index_find(&idx, 599)->flags == MSG_FLAGGED &&
	   store_index_find(&idx, 2)->flags == MSG_FLAGGED &&
	   store_index_find(&idx, 1000) != NULL, "their fields are the new ones");
	for (int k = 0; k < 5; k++)
		msg_summary_release(&v[k]);
	store_index_release(&idx);
}

static void test_json(void)
{
	struct buf b = BUF_INIT;
	json_add_str(&b, "a\"b\\c\n\x01\xc3\xa9\xff");
	is_str(buf_cstr(&b), "\"a\\\"b\\\\c\\u000a\\u0001\xc3\xa9\\ufffd\"", "json string escapes");
	buf_reset(&b);
	json_add_str(&b, NULL);
	is_str(buf_cstr(&b), "null", "NULL is null");
	buf_release(&b);
}

int main(void)
{
	test_mutf7();
	test_replay_rules();
	test_ops_imap();
	test_ops_pop3();
	test_summary_fill();
	test_index_batches();
	test_json();
	return tap_done();
}
