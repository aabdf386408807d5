/* Damaged store files: truncated, emptied, garbled in the header or in the
 * middle. Each case runs in a child process (a fresh exec, so the sanitizer
 * can be told to let absurd allocations fail instead of aborting, as they
 * would without it) and must end in one of:
 *   - the open fails with ERR_STORE, naming the file;
 *   - the open works and store_check() reports the damage;
 *   - the open works, the check is clean and every record reads back intact
 *     (the garbage fell on free space);
 *   - Tokyo Cabinet gives up (exit status 1) after postie's message naming
 *     the file.
 * Never a crash, a hang, or wrong data that the check calls clean. */
#include "common.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store-fixture.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"

#define N_MSGS 600
#define N_BODIES 60
#define RANDOM_CASES 36

static const char *const accounts[] = { "imap", "pop" };
static const char *const files[] = { "meta", "bodies", "queue" };

enum outcome { REFUSED = 10, REPORTED = 11, INTACT = 12, SILENT = 13, BROKEN = 14 };

static void populate(const char *dir)
{
	struct store *s = fixture_store(dir, 0);
	for (int i = 0; i < 2; i++) {
		struct store_acct *a = fixture_acct(s, accounts[i], i ? STORE_ACCT_PRIMARY
								   : STORE_ACCT_CACHE, 0);
		struct store_folder f = { 0 };
		store_folder_ensure(a, "INBOX", &f, NULL);
		ARRAY(struct msg_summary) v = ARRAY_INIT;
		for (uint32_t uid = 1; uid <= N_MSGS; uid++) {
			struct msg_summary m;
			fixture_summary(&m, uid, 2);
			ARRAY_PUSH(&v, m);
		}
		store_msg_put(a, f.id, v.v, v.n, NULL);
		for (size_t k = 0; k < v.n; k++)
			msg_summary_release(&v.v[k]);
		ARRAY_RELEASE(&v);
		for (uint32_t uid = 1; uid <= N_BODIES; uid++) {
			size_t len;
			char *body = fixture_body(f.id, uid * 7, &len);
			store_body_put(a, f.id, uid, body, len, NULL);
			free(body);
		}
		for (int k = 0; k < 5; k++) {
			struct store_op op = { .kind = OP_APPEND, .dest = "Sent" };
			store_journal_add(a, &op, "appended message", 16, NULL);
			struct store_outbox_entry e = { 0 };
			store_outbox_entry_add_rcpt(&e, "x@example.org");
			store_outbox_add(a, &e, "queued message", 14, NULL);
			store_outbox_entry_release(&e);
		}
		store_folder_release(&f);
		store_acct_close(&a);
	}
	store_close(&s);
}

struct cmp {
	uint32_t next;
	bool good;
};

static int cmp_one(const struct msg_summary *s, void *aux, struct err *err)
{
	struct cmp *c = aux;
	struct msg_summary want;
	fixture_summary(&want, c->next++, 2);
	c->good &= msg_summary_equal(s, &want);
	msg_summary_release(&want);
	return 0;
}

/* Whether every record reads back as populate() wrote it. */
static bool intact(struct store_acct *a)
{
	struct store_folder f = { 0 };
	if (store_folder_get(a, "INBOX", &f, NULL) != 1)
		return false;
	struct cmp c = { 1, true };
	bool good = store_msg_scan(a, f.id, 0, cmp_one, &c, NULL) == 0 && c.good &&
		    c.next == N_MSGS + 1;
	struct buf b = BUF_INIT;
	for (uint32_t uid = 1; uid <= N_BODIES && good; uid++) {
		size_t len;
		char *want = fixture_body(f.id, uid * 7, &len);
		good = store_body_get(a, f.id, uid, &b, NULL) == 1 && b.len == len &&
		       memcmp(b.data, want, len) == 0;
		free(want);
	}
	store_ops ops = ARRAY_INIT;
	store_outbox_entries out = ARRAY_INIT;
	good = good && store_journal_list(a, &ops, NULL) == 0 && ops.n == 5 &&
	       store_outbox_list(a, &out, NULL) == 0 && out.n == 5;
	for (size_t i = 0; good && i < ops.n; i++)
		good = store_journal_message(a, ops.v[i].seq, &b, NULL) == 1 && b.len == 16;
	store_ops_release(&ops);
	store_outbox_entries_release(&out);
	buf_release(&b);
	store_folder_release(&f);
	return good;
}

/* The child: open, check, compare; the exit status says which outcome. */
static int run_child(const char *dir, const char *account, const char *path)
{
	struct store *s;
	struct store_acct *a;
	struct err e = ERR_INIT;
	if (store_open(dir, STORE_READONLY, &s, &e) < 0)
		return BROKEN;
	if (store_acct_open(s, account, STORE_ACCT_CACHE, STORE_ACCT_READONLY, &a, &e) < 0) {
		bool named = strstr(err_msg(&e), path) != NULL;
		fprintf(stderr, "refused: %s\n", err_msg(&e));
		return e.kind == ERR_STORE && named ? REFUSED : BROKEN;
	}
	struct store_check_report r = { 0 };
	if (store_check(a, &r, &e) < 0)
		return BROKEN;
	bool reported = r.problems.n > 0;
	for (size_t i = 0; i < r.problems.n && i < 2; i++)
		fprintf(stderr, "problem: %s\n", r.problems.v[i]);
	store_check_report_release(&r);
	if (reported)
		return REPORTED;
	return intact(a) ? INTACT : SILENT;
}

static char *self;

/* Runs the child on the damaged store; returns its outcome or a negative
 * value for a crash (-signal) or a hang (-999). */
static int spawn(const char *dir, const char *account, const char *path, char *why, size_t n)
{
	int p[2];
	if (pipe(p) < 0)
		return -1000;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 2);
		close(p[0]);
		alarm(30);
		setenv("ASAN_OPTIONS", "detect_leaks=0:allocator_may_return_null=1:"
		       "max_allocation_size_mb=2048", 1);
		execl(self, self, "--child", dir, account, path, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	ssize_t got = read(p[0], why, n - 1);
	why[got > 0 ? got : 0] = '\0';
	char drain[512];
	while (read(p[0], drain, sizeof drain) > 0)
		;
	close(p[0]);
	int status;
	waitpid(pid, &status, 0);
	if (WIFSIGNALED(status))
		return WTERMSIG(status) == SIGALRM ? -999 : -WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void damage(const char *path, const char *pristine, size_t len, int kind, unsigned seed)
{
	int fd = open(path, O_WRONLY | O_TRUNC);
	char *data = xmemdup(pristine, len);
	size_t keep = len;
	srand(seed);
	switch (kind) {
	case 0: keep = 0; break;                               /* emptied */
	case 1: keep = 100; break;                             /* cut inside the header */
	case 2: keep = len / 2; break;                         /* cut in half */
	case 3: for (size_t i = 0; i < 48; i++)                /* header garbled */
			data[i] = (char)rand();
		break;
	default: {                                             /* garbage in the middle */
		size_t off = 256 + (size_t)rand() % (len - 512);
		size_t n = 1 + (size_t)rand() % 2048;
		for (size_t i = 0; i < n && off + i < len; i++)
			data[off + i] = (char)rand();
	}
	}
	if (write(fd, data, keep) != (ssize_t)keep)
		tap_diag("short write");
	close(fd);
	free(data);
}

static const char *outcome_name(int o)
{
	switch (o) {
	case REFUSED: return "refused";
	case REPORTED: return "reported by check";
	case INTACT: return "intact";
	case 1: return "library gave up with a message";
	default: return "BAD";
	}
}

static void run_case(const char *dir, int acct, int file, int kind, unsigned seed)
{
	char *path = fixture_file(dir, accounts[acct], files[file]);
	size_t len;
	char *pristine = fixture_slurp(path, &len);
	damage(path, pristine, len, kind, seed);
	char why[4096];
	int o = spawn(dir, accounts[acct], path, why, sizeof why);
	bool fine = o == REFUSED || o == REPORTED || o == INTACT ||
		    (o == 1 && strstr(why, path) && strstr(why, "store check"));
	ok(fine, "%s %s, damage %d (seed %u): %s", accounts[acct], files[file], kind, seed,
	   o == -999 ? "HANG" : o < 0 ? "CRASH" : outcome_name(o));
	if (!fine)
		tap_diag("status %d: %s", o, why);
	int fd = open(path, O_WRONLY | O_TRUNC);
	if (write(fd, pristine, len) != (ssize_t)len)
		tap_diag("cannot restore %s", path);
	close(fd);
	char *wal = xasprintf("%s.wal", path);
	unlink(wal);
	free(wal);
	free(pristine);
	free(path);
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--child") == 0)
		return run_child(argv[2], argv[3], argv[4]);
	self = argv[0];
	char *dir = fixture_dir("data");
	populate(dir);
	for (int acct = 0; acct < 2; acct++)
		for (int file = 0; file < 3; file++)
			for (int kind = 0; kind < 4; kind++)
				run_case(dir, acct, file, kind, 0);
	/* POSTIE_CORRUPT_CASES raises the number of random cases for a long run. */
	const char *env = getenv("POSTIE_CORRUPT_CASES");
	unsigned cases = env && atoi(env) > 0 ? (unsigned)atoi(env) : RANDOM_CASES;
	for (unsigned seed = 1; seed <= cases; seed++)
		run_case(dir, (int)(seed % 2), (int)(seed / 2 % 3), 4, seed);
	/* After all that, the restored store is whole again. */
	struct store *s = fixture_store(dir, 0);
	struct store_acct *a = fixture_acct(s, "pop", STORE_ACCT_PRIMARY, 0);
	ok(intact(a) && fixture_check_clean(a), "the restored store is intact");
	store_acct_close(&a);
	store_close(&s);
	free(dir);
	return tap_done();
}
