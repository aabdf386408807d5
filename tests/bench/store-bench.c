/* Store benchmark: 100,000 generated summaries (senders from a pool, threads
 * with References chains, 72% seen, some keywords).
 *
 *   tests/bench/store-bench [-n COUNT] [-d DIR]
 *
 * Prints: the time to insert them in one transaction synced to disk; the
 * time to load the folder into the in-memory index (median of several runs,
 * with the files in the page cache); the index's bytes per message (the
 * message array, and the strings separately); the file sizes; the cost of
 * flag changes; and, as the baseline the chunked layout replaced, the load
 * time with one record per message (store format 1). Figures only, no
 * assertions (GUIDE.md: benchmarks never assert on time). */
#include "common.h"

#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "store/index.h"
#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static unsigned long long rng = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static const char *const first_names[] = {
	"Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy",
	"Jürgen", "Zoë", "Søren", "Małgorzata", "José", "Ngọc", "Kenji", "Fatima", "Olu", "Priya",
};
static const char *const last_names[] = {
	"Smith", "Jones", "Müller", "García", "Nguyễn", "Kowalski", "Tanaka", "Okafor",
	"Rossi", "Dubois", "Ivanova", "Andersson", "Patel", "Silva", "Cohen", "Kim",
};
static const char *const words[] = {
	"release", "build", "meeting", "notes", "patch", "review", "question", "report",
	"invoice", "update", "schedule", "proposal", "server", "outage", "lunch", "draft",
	"budget", "travel", "plan", "security", "fix", "feature", "status", "weekly",
};

struct gen {
	char senders[2000][96];
	char *ids;          /* message ids, 48 bytes each */
	uint32_t *parent;   /* index of the parent message, or UINT32_MAX */
};

static void make_senders(struct gen *g)
{
	for (int i = 0; i < 2000; i++) {
		const char *f = first_names[rnd(ARRAY_SIZE(first_names))];
		const char *l = last_names[rnd(ARRAY_SIZE(last_names))];
		snprintf(g->senders[i], sizeof g->senders[i], "%s %s <%c.%s%d@example%d.org>", f,
			 l, f[0] | 0x20, "user", i, i % 37);
	}
}

/* Summary i of n: a third of the messages start a thread, the rest answer
 * an earlier one nearby (chains of References like real lists). */
static void make_summary(struct gen *g, uint32_t i, struct msg_summary *s)
{
	msg_summary_init(s);
	s->uid = i + 1;
	char *id = g->ids + (size_t)i * 48;
	snprintf(id, 48, "%08x.%u.%x@mail%u.example.org", rnd(UINT32_MAX), i, rnd(65536), i % 50);
	s->message_id = xstrdup(id);
	g->parent[i] = i > 10 && rnd(3) ? i - 1 - rnd(i < 200 ? i - 1 : 200) : UINT32_MAX;
	struct buf refs = BUF_INIT;
	uint32_t depth = 0;
	for (uint32_t p = g->parent[i]; p != UINT32_MAX && depth < 10; p = g->parent[p], depth++) {
		struct buf tmp = BUF_INIT;
		buf_adds(&tmp, g->ids + (size_t)p * 48);
		if (refs.len) {
			buf_addc(&tmp, ' ');
			buf_add(&tmp, refs.data, refs.len);
		}
		buf_release(&refs);
		refs = tmp;
	}
	if (g->parent[i] != UINT32_MAX) {
		s->in_reply_to = xstrdup(g->ids + (size_t)g->parent[i] * 48);
		s->references = buf_detach(&refs, NULL);
	}
	buf_release(&refs);
	s->from = xstrdup(g->senders[rnd(2000)]);
	s->to = xstrdup(rnd(4) ? "Me Myself <me@example.org>" : "dev-list@lists.example.org");
	if (rnd(5) == 0)
		s->cc = xstrdup(g->senders[rnd(2000)]);
	s->subject = xasprintf("%s%s %s %s #%u", depth ? "Re: " : "", words[rnd(ARRAY_SIZE(words))],
			       words[rnd(ARRAY_SIZE(words))], words[rnd(ARRAY_SIZE(words))],
			       g->parent[i] == UINT32_MAX ? i : g->parent[i]);
	s->date = 1600000000 + (int64_t)i * 300 + rnd(300);
	s->internaldate = s->date + rnd(60);
	s->size = 2000 + rnd(200000);
	s->flags = rnd(100) < 72 ? MSG_SEEN : 0;
	if (rnd(20) == 0)
		s->flags |= MSG_FLAGGED;
	if (rnd(10) == 0)
		s->flags |= MSG_ANSWERED;
	if (rnd(20) == 0)
		msg_summary_add_keyword(s, rnd(2) ? "$Forwarded" : "$Junk");
	s->has_attachment = rnd(10) == 0;
	s->modseq = 1000 + i;
}

static void die(const char *what, const struct err *e)
{
	fprintf(stderr, "store-bench: %s: %s\n", what, err_msg(e));
	exit(1);
}

static uint64_t fsize(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

/* Asks the kernel to forget the file's cached pages (only this file's: the
 * machine is shared), so the next read comes from the disk. */
static void drop_cache(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd >= 0) {
		fdatasync(fd);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
		close(fd);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double load_median(struct store_acct *a, uint32_t folder, struct store_index *idx)
{
	double t[7];
	struct err e = ERR_INIT;
	for (int k = 0; k < 7; k++) {
		double t0 = now();
		if (store_index_load(a, folder, idx, &e) < 0)
			die("load", &e);
		t[k] = now() - t0;
	}
	qsort(t, 7, sizeof t[0], cmp_double);
	return t[3];
}

/* The baseline: format 1, one record per message, loaded by a cursor scan
 * into the same index. */
struct v1_load {
	struct store_index *idx;
};

static int v1_one(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		  struct err *err)
{
	struct v1_load *l = aux;
	struct msg_summary s;
	msg_summary_init(&s);
	if (summary_v1_decode(val, vlen, &s) == 0) {
		s.uid = be32_get((const char *)key + 5);
		store_index_put(l->idx, &s);
	}
	msg_summary_release(&s);
	return 0;
}

static int count_bytes(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		       struct err *err)
{
	*(size_t *)aux += vlen;
	return 0;
}

/* The best of 5 cursor scans over prefix, reading every value, decoding
 * nothing: what the layout alone costs. */
static double raw_scan(struct kv *kv, const void *prefix, size_t plen)
{
	double best = 1e9;
	for (int k = 0; k < 5; k++) {
		size_t bytes = 0;
		double t0 = now();
		kv_scan(kv, prefix, plen, NULL, 0, 0, count_bytes, &bytes, NULL);
		double t = now() - t0;
		best = t < best ? t : best;
	}
	return best;
}

static void baseline(const char *dir, const struct msg_summary *v, uint32_t n)
{
	struct store *st;
	struct store_acct *acct;
	if (store_open(dir, STORE_READONLY, &st, NULL) == 0 &&
	    store_acct_open(st, "bench", STORE_ACCT_CACHE, STORE_ACCT_READONLY, &acct, NULL) == 0) {
		unsigned char prefix[5] = { 'S', 0, 0, 0, 1 };
		printf("raw cursor scan of the chunk records (no decoding): %.1f ms\n",
		       raw_scan(acct->kv[FILE_META], prefix, 5) * 1e3);
		store_acct_close(&acct);
	}
	store_close(&st);
	char *path = path_join(dir, "per-message.tcb");
	struct kv *kv;
	struct err e = ERR_INIT;
	if (kv_open(kv_backend_default(), path, KV_ORDERED, KV_CREATE, NULL, &kv, &e) < 0)
		die("baseline", &e);
	struct buf key = BUF_INIT, val = BUF_INIT;
	kv_begin(kv, NULL);
	for (uint32_t i = 0; i < n; i++) {
		buf_reset(&key);
		buf_addc(&key, 'M');
		enc_be32(&key, 1);
		enc_be32(&key, v[i].uid);
		buf_reset(&val);
		summary_v1_encode(&val, &v[i]);
		kv_put(kv, key.data, key.len, val.data, val.len, NULL);
	}
	kv_commit(kv, NULL);
	kv_sync(kv, NULL);
	printf("raw cursor scan of one record per message (no decoding): %.1f ms\n",
	       raw_scan(kv, "M", 1) * 1e3);
	double best = 1e9;
	for (int k = 0; k < 5; k++) {
		struct store_index idx = STORE_INDEX_INIT;
		struct v1_load l = { &idx };
		double t0 = now();
		kv_scan(kv, "M", 1, NULL, 0, 0, v1_one, &l, NULL);
		double t = now() - t0;
		best = t < best ? t : best;
		store_index_release(&idx);
	}
	printf("baseline, one record per message (format 1) into the same index (one "
	       "store_index_put each): load %.1f ms (best of 5), file %.1f MB\n",
	       best * 1e3, (double)fsize(path) / 1e6);
	kv_close(&kv, NULL);
	buf_release(&key);
	buf_release(&val);
	free(path);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void run(const char *dir, uint32_t n)
{
	struct gen *g = xcalloc(1, sizeof *g);
	g->ids = xcalloc(n, 48);
	g->parent = xcalloc(n, sizeof *g->parent);
	make_senders(g);
	struct msg_summary *v = xcalloc(n, sizeof *v);
	size_t string_bytes = 0;
	for (uint32_t i = 0; i < n; i++) {
		make_summary(g, i, &v[i]);
		struct buf b = BUF_INIT;
		summary_encode(&b, &v[i]);
		string_bytes += b.len;
		buf_release(&b);
	}
	printf("%u summaries, %.0f bytes each encoded on average\n", n, (double)string_bytes / n);

	struct store *s;
	struct store_acct *a;
	struct err e = ERR_INIT;
	if (store_open(dir, 0, &s, &e) < 0 || store_acct_open(s, "bench", STORE_ACCT_CACHE, 0, &a, &e) < 0)
		die("open", &e);
	struct store_folder f = { 0 };
	store_folder_ensure(a, "INBOX", &f, &e);

	double t0 = now();
	if (store_begin(a, &e) < 0 || store_msg_put(a, f.id, v, n, &e) < 0 ||
	    store_commit(a, STORE_SYNC, &e) < 0)
		die("insert", &e);
	double t_insert = now() - t0;
	printf("insert in one synced transaction: %.3f s (target < 2 s)\n", t_insert);

	store_acct_close(&a);
	char *meta = xasprintf("%s/accounts/bench/meta.tcb", dir);
	drop_cache(meta);
	t0 = now();
	if (store_acct_open(s, "bench", STORE_ACCT_CACHE, 0, &a, &e) < 0)
		die("reopen", &e);
	double t_open = now() - t0;
	struct store_index idx = STORE_INDEX_INIT;
	t0 = now();
	if (store_index_load(a, f.id, &idx, &e) < 0)
		die("load", &e);
	printf("cold (the file dropped from the page cache): account open %.1f ms, load %.1f ms\n",
	       t_open * 1e3, (now() - t0) * 1e3);
	double t_load = load_median(a, f.id, &idx);
	size_t strings;
	size_t array = store_index_memory(&idx, &strings);
	printf("load into the index: %.1f ms, median of 7, files in the page cache (target < 100 ms)\n",
	       t_load * 1e3);
	printf("index memory: %.0f bytes/message in the message array (%zu bytes a message, "
	       "target < 300), %.0f bytes/message of strings (pool and intern table); "
	       "%.1f MB in all\n", (double)array / n, sizeof(struct store_index_msg),
	       (double)strings / n, (double)(array + strings) / 1e6);
	store_index_release(&idx);

	printf("on disk: meta.tcb %.1f MB (%.0f bytes/message)\n", (double)fsize(meta) / 1e6,
	       (double)fsize(meta) / n);

	/* Flag changes: one at a time (the UI marking a message read), and a
	 * batch of 1000 (a sync bringing changes from the server). */
	t0 = now();
	for (int k = 0; k < 200; k++) {
		struct store_flag_change ch = { 1 + rnd(n), MSG_SEEN | MSG_FLAGGED, 0, false, NULL, 0 };
		if (store_msg_set_flags(a, f.id, &ch, 1, &e) < 0)
			die("flags", &e);
	}
	double t_one = (now() - t0) / 200;
	struct store_flag_change *ch = xcalloc(1000, sizeof *ch);
	for (int k = 0; k < 1000; k++)
		ch[k] = (struct store_flag_change){ 1 + rnd(n), MSG_ANSWERED, 0, false, NULL, 0 };
	t0 = now();
	if (store_msg_set_flags(a, f.id, ch, 1000, &e) < 0)
		die("flags", &e);
	double t_batch = now() - t0;
	printf("flag change: %.2f ms for one message (its own transaction), %.0f ms for 1000 "
	       "random ones in one\n", t_one * 1e3, t_batch * 1e3);
	t0 = now();
	struct msg_summary m;
	make_summary(g, n - 1, &m);
	m.uid = n + 1;
	store_msg_put(a, f.id, &m, 1, &e);
	msg_summary_release(&m);
	printf("one new message at the end: %.2f ms\n", (now() - t0) * 1e3);
	free(ch);

	store_acct_close(&a);
	store_close(&s);
	printf("after the changes: meta.tcb %.1f MB\n", (double)fsize(meta) / 1e6);
	free(meta);
	baseline(dir, v, n);
	for (uint32_t i = 0; i < n; i++)
		msg_summary_release(&v[i]);
	free(v);
	free(g->ids);
	free(g->parent);
	free(g);
}

int main(int argc, char **argv)
{
	uint32_t n = 100000;
	const char *parent = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	int opt;
	while ((opt = getopt(argc, argv, "n:d:")) != -1) {
		if (opt == 'n')
			n = (uint32_t)strtoul(optarg, NULL, 10);
		else if (opt == 'd')
			parent = optarg;
		else
			return 2;
	}
	char *dir = xasprintf("%s/store-bench.XXXXXX", parent);
	if (!mkdtemp(dir)) {
		perror(dir);
		return 1;
	}
	printf("store-bench in %s\n", dir);
	run(dir, n ? n : 1);
	if (!getenv("STORE_BENCH_KEEP"))
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(dir);
	return 0;
}
