/* Message list benchmark: what the index screen costs on a large folder.
 *
 *   tests/bench/msglist-bench DATA_DIR ACCOUNT [FOLDER] [-r RUNS]
 *
 * Loads the folder's index from a store (e.g. one `postie sync` filled from
 * the rig seeded with 100,000 messages), then times the model's rebuild
 * (apply changes, limit, sort or thread, rows) for every sort order, a
 * rebuild after 500 new messages arrive, a limit, and the memory the index
 * and the rows take. The interface rebuilds a few times a second at most
 * while a sync fills a folder, in slices of 10 ms between which it answers
 * keys: the longest slice is what a key may wait for. Figures only. */
#include "common.h"

#include <getopt.h>
#include <time.h>

#include "core/msglist.h"
#include "core/pattern.h"
#include "store/index.h"
#include "store/store.h"
#include "util/err.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double median_rebuild(struct msglist *ml, int runs)
{
	double *t = xcalloc((size_t)runs, sizeof *t);
	for (int i = 0; i < runs; i++) {
		ml->dirty = true;
		double t0 = now_ms();
		msglist_rebuild(ml);
		t[i] = now_ms() - t0;
	}
	qsort(t, (size_t)runs, sizeof *t, cmp_double);
	double m = t[runs / 2];
	free(t);
	return m;
}

/* 500 new messages in one batch, as a sync delivers them, from uid. */
static void add_fresh(struct msglist *ml, uint32_t uid)
{
	struct msg_summary *v = xcalloc(500, sizeof *v);
	for (int i = 0; i < 500; i++) {
		msg_summary_init(&v[i]);
		v[i].uid = uid + (uint32_t)i;
		v[i].date = time(NULL);
		msg_summary_set(&v[i].from, "New Sender <new@example.test>");
		msg_summary_set(&v[i].subject, "fresh");
		char id[32];
		snprintf(id, sizeof id, "fresh%u@x", uid + (uint32_t)i);
		msg_summary_set(&v[i].message_id, id);
	}
	msglist_add_take(ml, v, 500);
	free(v);
}

/* The same in the interface's 10 ms slices: a key waits at most for the
 * longest one. */
static void stepped_rebuild(struct msglist *ml)
{
	double total = 0, longest = 0;
	int slices = 0;
	bool done = false;
	while (!done) {
		double t0 = now_ms();
		done = msglist_rebuild_step(ml, 10);
		double d = now_ms() - t0;
		total += d;
		longest = d > longest ? d : longest;
		slices++;
	}
	printf("the same in 10 ms slices: %d slices, %.1f ms in all, the longest %.1f ms\n", slices,
	       total, longest);
}

int main(int argc, char **argv)
{
	int runs = 7, opt;
	while ((opt = getopt(argc, argv, "r:")) != -1)
		if (opt == 'r')
			runs = atoi(optarg) > 0 ? atoi(optarg) : 7;
	if (argc - optind < 2) {
		fprintf(stderr, "usage: msglist-bench [-r RUNS] DATA_DIR ACCOUNT [FOLDER]\n");
		return 2;
	}
	const char *folder_name = argc - optind > 2 ? argv[optind + 2] : "INBOX";
	struct err err = ERR_INIT;
	struct store *st;
	struct store_acct *a;
	struct store_folder f = { 0 };
	if (store_open(argv[optind], STORE_READONLY, &st, &err) < 0 ||
	    store_acct_open(st, argv[optind + 1], STORE_ACCT_CACHE, STORE_ACCT_READONLY, &a,
			    &err) < 0 ||
	    store_folder_get(a, folder_name, &f, &err) != 1) {
		fprintf(stderr, "msglist-bench: %s\n", err_is_set(&err) ? err_msg(&err) : "no folder");
		return 1;
	}
	struct store_index idx = STORE_INDEX_INIT;
	double t0 = now_ms();
	if (store_index_load(a, f.id, &idx, &err) < 0) {
		fprintf(stderr, "msglist-bench: %s\n", err_msg(&err));
		return 1;
	}
	double load = now_ms() - t0;
	size_t n = idx.n, strings;
	size_t bytes = store_index_memory(&idx, &strings);
	struct msglist ml;
	msglist_init(&ml, SORT_THREADS, false, false);
	t0 = now_ms();
	msglist_load(&ml, 0, f.id, &idx, CURSOR_NEWEST);
	double first = now_ms() - t0;
	printf("%zu messages: index loaded in %.1f ms (%.0f bytes/message, strings %.0f)\n", n,
	       load, (double)bytes / (double)(n ? n : 1), (double)strings / (double)(n ? n : 1));
	printf("first build (threads) %.1f ms; rows %.0f bytes/message\n", first,
	       (double)(ml.cap_rows * sizeof *ml.rows) / (double)(n ? n : 1));
	static const char *const names[] = { "threads", "date", "from", "subject", "size" };
	for (int s = 0; s <= SORT_SIZE; s++) {
		msglist_set_sort(&ml, (enum conf_sort)s, false);
		printf("rebuild, sort %-8s median of %d: %6.1f ms\n", names[s], runs,
		       median_rebuild(&ml, runs));
	}
	msglist_set_sort(&ml, SORT_THREADS, false);
	uint32_t top = n ? ml.idx.msgs[n - 1].uid : 0;
	add_fresh(&ml, top + 1);
	t0 = now_ms();
	msglist_rebuild(&ml);
	printf("rebuild after 500 new messages: %.1f ms\n", now_ms() - t0);
	add_fresh(&ml, top + 501);
	stepped_rebuild(&ml);
	struct pattern *p = pattern_parse("~U | ~F", time(NULL), &err);
	t0 = now_ms();
	msglist_set_limit(&ml, p, "~U | ~F");
	printf("limit ~U | ~F: %.1f ms, %zu rows\n", now_ms() - t0, ml.n_rows);
	msglist_release(&ml);
	store_folder_release(&f);
	store_acct_close(&a);
	store_close(&st);
	return 0;
}
