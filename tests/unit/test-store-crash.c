/* Crash safety: a child writes to the store in a loop, one transaction per
 * step, and reports each step through a pipe after its commit returned. The
 * parent kills it with SIGKILL at a random moment, reopens the store, and
 * checks that it passes store_check() and holds exactly the state after step
 * C or C+1, where C is the last step reported (the child may have committed
 * the next one without living to report it) -- never anything in between.
 *
 * Each step touches every kind of record: new summaries (with splits as
 * chunks fill), a flag change, sometimes a delete, a body, a journal entry
 * added and an older one removed, outbox entries added and removed, and the
 * folder's sync state (which records the step number). Rounds alternate
 * between a cache account (IMAP) and a primary one (POP3, synced commits). */
#include "common.h"

#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store-fixture.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"

#define ROUNDS 40
#define MAX_STEP 100000
#define PER_STEP 8
/* Each step expunges the messages of the step this many before, so the
 * store stays small however far the child gets. */
#define WINDOW 30

static char *dir;

struct plan {
	uint32_t first, last, variant;   /* summaries put */
	uint32_t flag_uid, flags;
	uint32_t del_uid;                /* 0: none */
	uint32_t old_first, old_last;    /* expunged too; 0: none */
	uint32_t body_uid;
};

static void plan_step(uint32_t k, struct plan *p)
{
	memset(p, 0, sizeof *p);
	p->first = PER_STEP * (k - 1) + 1;
	p->last = PER_STEP * k;
	p->variant = k % 3;
	p->flag_uid = 1 + (k * 37) % p->last;
	p->flags = MSG_FLAGGED | (k % 2 ? MSG_SEEN : 0);
	if (k % 4 == 0)
		p->del_uid = 1 + (k * 13) % p->last;
	if (k > WINDOW) {
		p->old_first = PER_STEP * (k - WINDOW - 1) + 1;
		p->old_last = PER_STEP * (k - WINDOW);
	}
	p->body_uid = p->first;
}

/* ---- the child: does the steps ---- */

/* The seq (or outbox id) of the journal op (outbox entry) made by step tag,
 * 0 if there is none. Ops carry their step in uidvalidity, entries in
 * created. */
static uint64_t find_op(struct store_acct *a, uint32_t tag)
{
	store_ops ops = ARRAY_INIT;
	uint64_t seq = 0;
	store_journal_list(a, &ops, NULL);
	for (size_t i = 0; i < ops.n; i++)
		if (ops.v[i].uidvalidity == tag)
			seq = ops.v[i].seq;
	store_ops_release(&ops);
	return seq;
}

static uint64_t find_entry(struct store_acct *a, int64_t tag)
{
	store_outbox_entries out = ARRAY_INIT;
	uint64_t id = 0;
	store_outbox_list(a, &out, NULL);
	for (size_t i = 0; i < out.n; i++)
		if (out.v[i].created == tag)
			id = out.v[i].id;
	store_outbox_entries_release(&out);
	return id;
}

/* The queue's share of step k. */
static int queue_step(struct store_acct *a, uint32_t folder, uint32_t k, const struct plan *p,
		      struct err *err)
{
	struct store_op op = { .kind = OP_FLAGS, .folder = folder, .flags_add = MSG_SEEN,
			       .uidvalidity = k };
	uint32_t uid = p->first;
	op.uids = &uid;
	op.n_uids = 1;
	int r = store_journal_add(a, &op, NULL, 0, err);
	uint64_t old = k > 2 ? find_op(a, k - 2) : 0;
	if (r >= 0 && old)
		r = store_journal_remove(a, old, err);
	if (r >= 0 && k % 3 == 0) {
		struct store_outbox_entry e = { .created = k };
		store_outbox_entry_add_rcpt(&e, "to@example.org");
		r = store_outbox_add(a, &e, "message", 7, err);
		store_outbox_entry_release(&e);
		old = k > 3 ? find_entry(a, k - 3) : 0;
		if (r >= 0 && old)
			r = store_outbox_remove(a, old, err);
	}
	return r;
}

/* The mail's share of step k. */
static int mail_step(struct store_acct *a, uint32_t folder, uint32_t k, const struct plan *p,
		     struct err *err)
{
	ARRAY(struct msg_summary) v = ARRAY_INIT;
	for (uint32_t uid = p->first; uid <= p->last; uid++) {
		struct msg_summary s;
		fixture_summary(&s, uid, p->variant);
		ARRAY_PUSH(&v, s);
	}
	int r = store_msg_put(a, folder, v.v, v.n, err);
	for (size_t i = 0; i < v.n; i++)
		msg_summary_release(&v.v[i]);
	ARRAY_RELEASE(&v);
	struct store_flag_change ch = { p->flag_uid, p->flags, 0, false, NULL, 0 };
	if (r >= 0)
		r = store_msg_set_flags(a, folder, &ch, 1, err);
	ARRAY(uint32_t) del = ARRAY_INIT;
	if (p->del_uid)
		ARRAY_PUSH(&del, p->del_uid);
	for (uint32_t uid = p->old_first; p->old_first && uid <= p->old_last; uid++)
		ARRAY_PUSH(&del, uid);
	if (r >= 0 && del.n)
		r = store_msg_delete(a, folder, del.v, del.n, err);
	ARRAY_RELEASE(&del);
	size_t len;
	char *body = fixture_body(folder, p->body_uid, &len);
	if (r >= 0)
		r = store_body_put(a, folder, p->body_uid, body, len, err);
	free(body);
	struct store_folder f = { 0 };
	if (r >= 0)
		r = store_folder_get_id(a, folder, &f, err) == 1 ? 0 : -1;
	f.uidnext = k;
	if (r >= 0)
		r = store_folder_update(a, &f, err);
	store_folder_release(&f);
	return r;
}

static int do_step(struct store_acct *a, uint32_t folder, uint32_t k, struct err *err)
{
	struct plan p;
	plan_step(k, &p);
	enum store_sync sync = k % 2 ? STORE_SYNC : STORE_NOSYNC;
	if (store_begin(a, err) < 0)
		return -1;
	/* One group for both: it commits as a whole (see redo.c). */
	if (queue_step(a, folder, k, &p, err) < 0 || mail_step(a, folder, k, &p, err) < 0) {
		store_abort(a);
		return -1;
	}
	return store_commit(a, sync, err);
}

static void child(const char *account, enum store_acct_kind kind, int report_fd)
{
	struct store *s;
	struct store_acct *a;
	struct err e = ERR_INIT;
	if (store_open(dir, 0, &s, &e) < 0 || store_acct_open(s, account, kind, 0, &a, &e) < 0) {
		fprintf(stderr, "child: %s\n", err_msg(&e));
		_exit(3);
	}
	struct store_folder f = { 0 };
	if (store_folder_ensure(a, "INBOX", &f, &e) < 0)
		_exit(4);
	for (uint32_t k = f.uidnext + 1; k <= MAX_STEP; k++) {
		if (do_step(a, f.id, k, &e) < 0) {
			fprintf(stderr, "child: step %u: %s\n", k, err_msg(&e));
			_exit(5);
		}
		if (write(report_fd, &k, sizeof k) != sizeof k)
			_exit(6);
	}
	pause();
	_exit(0);
}

/* ---- the parent: the model of step K, and the comparison ---- */

struct model {
	uint32_t n;                 /* uids 1..n may exist */
	uint8_t *variant;           /* variant + 1, 0 = absent */
	uint8_t *flags;
	uint8_t *body;
	uint32_t messages;
	ARRAY(uint64_t) journal, outbox;   /* the steps that made them */
};

/* The mail after step k, the queue after step kq. */
static void model_build(struct model *m, uint32_t k, uint32_t kq)
{
	memset(m, 0, sizeof *m);
	m->n = PER_STEP * k;
	m->variant = xcalloc(m->n + 1, 1);
	m->flags = xcalloc(m->n + 1, 1);
	m->body = xcalloc(m->n + 1, 1);
	for (uint32_t step = 1; step <= k; step++) {
		struct plan p;
		plan_step(step, &p);
		for (uint32_t uid = p.first; uid <= p.last; uid++) {
			struct msg_summary s;
			fixture_summary(&s, uid, p.variant);
			m->variant[uid] = (uint8_t)(p.variant + 1);
			m->flags[uid] = (uint8_t)s.flags;
			msg_summary_release(&s);
		}
		if (m->variant[p.flag_uid])
			m->flags[p.flag_uid] = (uint8_t)p.flags;
		if (p.del_uid && m->variant[p.del_uid]) {
			m->variant[p.del_uid] = 0;
			m->body[p.del_uid] = 0;
		}
		for (uint32_t uid = p.old_first; p.old_first && uid <= p.old_last; uid++)
			m->variant[uid] = m->body[uid] = 0;
		m->body[p.body_uid] = 1;
	}
	for (uint32_t uid = 1; uid <= m->n; uid++)
		m->messages += m->variant[uid] != 0;
	for (uint64_t seq = kq > 2 ? kq - 1 : 1; seq <= kq; seq++)
		ARRAY_PUSH(&m->journal, seq);
	if (kq >= 3)
		ARRAY_PUSH(&m->outbox, (uint64_t)(kq - kq % 3));
}

static void model_release(struct model *m)
{
	free(m->variant);
	free(m->flags);
	free(m->body);
	ARRAY_RELEASE(&m->journal);
	ARRAY_RELEASE(&m->outbox);
}

struct cmp {
	const struct model *m;
	uint32_t seen;
	bool good;
};

static int cmp_summary(const struct msg_summary *s, void *aux, struct err *err)
{
	struct cmp *c = aux;
	const struct model *m = c->m;
	if (s->uid > m->n || !m->variant[s->uid]) {
		c->good = false;
		return 0;
	}
	struct msg_summary want;
	fixture_summary(&want, s->uid, m->variant[s->uid] - 1u);
	want.flags = m->flags[s->uid];
	c->good &= msg_summary_equal(s, &want);
	msg_summary_release(&want);
	c->seen++;
	return 0;
}

static bool bodies_match(struct store_acct *a, uint32_t folder, const struct model *m)
{
	struct buf b = BUF_INIT;
	bool good = true;
	/* Older messages are all expunged (and their bodies unreachable). */
	uint32_t first = m->n > PER_STEP * (WINDOW + 2) ? m->n - PER_STEP * (WINDOW + 2) : 1;
	for (uint32_t uid = first; uid <= m->n && good; uid++) {
		int r = store_body_get(a, folder, uid, &b, NULL);
		/* A body without its summary is never returned. */
		good = r == (m->body[uid] && m->variant[uid]);
		if (good && r == 1) {
			size_t len;
			char *want = fixture_body(folder, uid, &len);
			good = b.len == len && memcmp(b.data, want, len) == 0;
			free(want);
		}
		if (!good)
			tap_diag("body of uid %u: %d, model %d", uid, r, m->body[uid]);
	}
	buf_release(&b);
	return good;
}

static bool queue_matches(struct store_acct *a, const struct model *m)
{
	store_ops ops = ARRAY_INIT;
	store_outbox_entries out = ARRAY_INIT;
	bool good = store_journal_list(a, &ops, NULL) == 0 && ops.n == m->journal.n &&
		    store_outbox_list(a, &out, NULL) == 0 && out.n == m->outbox.n;
	for (size_t i = 0; good && i < ops.n; i++)
		good = ops.v[i].uidvalidity == m->journal.v[i];
	for (size_t i = 0; good && i < out.n; i++)
		good = (uint64_t)out.v[i].created == m->outbox.v[i];
	if (!good)
		tap_diag("queue: %zu journal entries (model %zu), %zu outbox (model %zu)", ops.n,
			 m->journal.n, out.n, m->outbox.n);
	store_ops_release(&ops);
	store_outbox_entries_release(&out);
	return good;
}

/* Opens the store and compares it with the model of its recorded step,
 * which must be last or last + 1. */
static bool verify(const char *account, enum store_acct_kind kind, uint32_t last,
		   uint32_t *step_r)
{
	struct store *s;
	struct store_acct *a;
	struct err e = ERR_INIT;
	if (store_open(dir, 0, &s, &e) < 0) {
		tap_diag("reopen: %s", err_msg(&e));
		return false;
	}
	if (store_acct_open(s, account, kind, 0, &a, &e) < 0) {
		tap_diag("reopen %s: %s", account, err_msg(&e));
		store_close(&s);
		return false;
	}
	struct store_folder f = { 0 };
	bool good = store_folder_get(a, "INBOX", &f, &e) == 1 || last == 0;
	uint32_t k = f.uidnext;
	*step_r = k;
	if (k != last && k != last + 1) {
		tap_diag("%s: the store is at step %u, the child reported %u", account, k, last);
		good = false;
	}
	good = good && fixture_check_clean(a);
	/* Queue and mail change in one group: never one without the other. */
	store_ops ops = ARRAY_INIT;
	store_journal_list(a, &ops, NULL);
	uint32_t kq = ops.n ? ops.v[ops.n - 1].uidvalidity : 0;
	store_ops_release(&ops);
	if (kq != k) {
		tap_diag("%s: the queue is at step %u, the mail at %u", account, kq, k);
		good = false;
	}
	if (good && f.id) {
		struct model m;
		model_build(&m, k, kq);
		struct cmp c = { &m, 0, true };
		good = store_msg_scan(a, f.id, 0, cmp_summary, &c, NULL) == 0 && c.good &&
		       c.seen == m.messages && f.n_messages == m.messages;
		if (!good)
			tap_diag("summaries: %u seen, model %u, match %d", c.seen, m.messages, c.good);
		good = good && bodies_match(a, f.id, &m) && queue_matches(a, &m);
		model_release(&m);
	}
	store_folder_release(&f);
	store_acct_close(&a);
	store_close(&s);
	return good;
}

/* Waits (at most 20 s) until the child has committed a first step. */
static bool first_report(int fd, uint32_t *last)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	uint32_t k;
	if (poll(&pfd, 1, 20000) != 1 || read(fd, &k, sizeof k) != sizeof k)
		return false;
	*last = k;
	return true;
}

static uint32_t read_reports(int fd, uint32_t last)
{
	uint32_t k;
	while (read(fd, &k, sizeof k) == sizeof k)
		last = k;
	return last;
}

/* Killing a process does not test the disk: the page cache survives it. So
 * the store goes to memory when it can, where fsync costs nothing and the
 * child gets through many more steps before each kill. */
static char *crash_dir(void)
{
	char *d = xstrdup("/dev/shm/postie-crash.XXXXXX");
	if (access("/dev/shm", W_OK) == 0 && mkdtemp(d))
		return d;
	free(d);
	return fixture_dir("data");
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

int main(void)
{
	dir = crash_dir();
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	uint32_t last[2] = { 0, 0 };
	const char *names[2] = { "imap", "pop" };
	const enum store_acct_kind kinds[2] = { STORE_ACCT_CACHE, STORE_ACCT_PRIMARY };
	unsigned mid_run = 0;
	for (int round = 0; round < ROUNDS; round++) {
		int w = round % 2;
		int p[2];
		if (pipe(p) < 0)
			return 1;
		fflush(stdout);
		pid_t pid = fork();
		if (pid == 0) {
			close(p[0]);
			child(names[w], kinds[w], p[1]);
		}
		close(p[1]);
		/* Most kills come while the child is writing, some at any moment
		 * (while it opens the store and recovers from the last kill). */
		bool writing = round % 4 != 3;
		if (writing)
			writing = first_report(p[0], &last[w]);
		else
			usleep((useconds_t)(rand() % 20000));
		if (writing)
			usleep((useconds_t)(rand() % 30000));
		kill(pid, SIGKILL);
		int status;
		waitpid(pid, &status, 0);
		last[w] = read_reports(p[0], last[w]);
		close(p[0]);
		mid_run += writing;
		uint32_t step = 0;
		bool good = WIFSIGNALED(status) && verify(names[w], kinds[w], last[w], &step);
		ok(good, "round %d (%s): killed after step %u, the store holds step %u", round,
		   names[w], last[w], step);
		if (!good && !WIFSIGNALED(status))
			tap_diag("the child ended with status %d", status);
		last[w] = step;
	}
	ok(mid_run >= ROUNDS / 2, "most kills (%u of %d) hit a child that was writing", mid_run,
	   ROUNDS);
	if (strncmp(dir, "/dev/shm/", 9) == 0)
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return tap_done();
}
