#include "common.h"

#include "store-fixture.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

void fixture_summary(struct msg_summary *s, uint32_t uid, unsigned variant)
{
	msg_summary_init(s);
	s->uid = uid;
	s->flags = (uid + variant) % 3 == 0 ? MSG_SEEN : 0;
	if (uid % 7 == 0)
		s->flags |= MSG_FLAGGED;
	s->has_attachment = uid % 5 == 0;
	s->size = 1000 + uid * 3;
	s->date = 1700000000 + (int64_t)uid * 60;
	s->internaldate = s->date + 5;
	s->modseq = (uint64_t)uid * 10 + variant;
	s->from = xasprintf("Sender %u <s%u@example.org>", uid % 13, uid % 13);
	s->to = xstrdup("me@example.org");
	if (uid % 4 == 0)
		s->cc = xstrdup("Ünïcode Çc <cc@example.org>");
	s->subject = xasprintf("Subject %u (variant %u) — ✓", uid, variant);
	s->message_id = xasprintf("%u.%u@example.org", uid, variant);
	if (uid > 1) {
		s->in_reply_to = xasprintf("%u.%u@example.org", uid - 1, variant);
		s->references = xasprintf("1.%u@example.org %u.%u@example.org", variant, uid - 1,
					  variant);
	}
	if (variant == 2)
		s->uidl = xasprintf("uidl-%u", uid);
	if (uid % 3 == 1)
		msg_summary_add_keyword(s, "$Forwarded");
}

char *fixture_body(uint32_t folder, uint32_t uid, size_t *len_r)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "From: s@example.org\r\nSubject: body %u/%u\r\n\r\n", folder, uid);
	for (uint32_t i = 0; i < uid % 50; i++)
		buf_addf(&b, "line %u of message %u\r\nFrom the start\r\n", i, uid);
	return buf_detach(&b, len_r);
}

char *fixture_dir(const char *name)
{
	char *d = path_join(tap_tmpdir(), name);
	mkdir_p(d, 0700, NULL);
	return d;
}

struct store *fixture_store(const char *dir, unsigned flags)
{
	struct store *s;
	struct err e = ERR_INIT;
	if (store_open(dir, flags, &s, &e) < 0) {
		ok(false, "open store %s: %s", dir, err_msg(&e));
		exit(tap_done() ? 1 : 1);
	}
	return s;
}

struct store_acct *fixture_acct(struct store *s, const char *name, enum store_acct_kind kind,
				unsigned flags)
{
	struct store_acct *a;
	struct err e = ERR_INIT;
	if (store_acct_open(s, name, kind, flags, &a, &e) < 0) {
		ok(false, "open account %s: %s", name, err_msg(&e));
		exit(tap_done() ? 1 : 1);
	}
	return a;
}

char *fixture_file(const char *dir, const char *account, const char *file)
{
	const char *suffix = strcmp(file, "bodies") == 0 ? ".tch" : ".tcb";
	return xasprintf("%s/accounts/%s/%s%s", dir, account, file, suffix);
}

bool fixture_check_clean(struct store_acct *a)
{
	struct store_check_report r = { 0 };
	struct err e = ERR_INIT;
	int ret = store_check(a, &r, &e);
	bool clean = ret == 0 && r.problems.n == 0;
	if (ret < 0)
		tap_diag("check failed: %s", err_msg(&e));
	for (size_t i = 0; i < r.problems.n; i++)
		tap_diag("problem: %s", r.problems.v[i]);
	err_clear(&e);
	store_check_report_release(&r);
	return clean;
}

char *fixture_slurp(const char *path, size_t *len_r)
{
	struct buf b = BUF_INIT;
	file_read_all(path, &b, NULL);
	return buf_detach(&b, len_r);
}
