/* The message list model: threads, sorts, limits, collapsing, tags, the
 * cursor across updates, pending operations; and the bulk index updates it
 * relies on. Also the pattern language. */
#include "common.h"

#include <time.h>

#include "core/msglist.h"
#include "core/pattern.h"
#include "store/index.h"
#include "store/summary.h"
#include "tap.h"
#include "util/buf.h"
#include "util/err.h"

static void summary(struct msg_summary *s, uint32_t uid, const char *mid, const char *refs,
		    const char *subject, int64_t date, uint32_t flags)
{
	msg_summary_init(s);
	s->uid = uid;
	s->date = date;
	s->flags = flags;
	s->size = uid * 100;
	char *from = xasprintf("User %u <u%u@example.test>", uid % 3, uid % 3);
	msg_summary_set(&s->from, from);
	free(from);
	msg_summary_set(&s->subject, subject);
	msg_summary_set(&s->message_id, mid);
	msg_summary_set(&s->references, refs);
	if (refs) {
		const char *last = strrchr(refs, ' ');
		msg_summary_set(&s->in_reply_to, last ? last + 1 : refs);
	}
}

/* A folder: two threads and a lone message.
 *   1 a       "Plan"           (date 100)
 *   2 b re a  "Re: Plan"       (300)
 *   3 c re a  "Re: Plan"       (200)
 *   4 d re b  "Re: Re: Plan"   (400)
 *   5 e       "Lunch"          (150)
 *   6 f re e  "Re: Lunch"      (500)
 *   7 g       "Alone"          (50)   unread
 */
static void load_sample(struct msglist *ml)
{
	struct msg_summary v[7];
	summary(&v[0], 1, "a", NULL, "Plan", 100, MSG_SEEN);
	summary(&v[1], 2, "b", "a", "Re: Plan", 300, MSG_SEEN);
	summary(&v[2], 3, "c", "a", "Re: Plan", 200, MSG_SEEN | MSG_FLAGGED);
	summary(&v[3], 4, "d", "a b", "Re: Re: Plan", 400, MSG_SEEN);
	summary(&v[4], 5, "e", NULL, "Lunch", 150, MSG_SEEN);
	summary(&v[5], 6, "f", "e", "Re: Lunch", 500, 0);
	summary(&v[6], 7, "g", NULL, "Alone", 50, 0);
	struct store_index idx = STORE_INDEX_INIT;
	store_index_put_many(&idx, v, 7);
	for (int i = 0; i < 7; i++)
		msg_summary_release(&v[i]);
	msglist_load(ml, 0, 1, &idx, CURSOR_NEWEST);
}

static char *order(const struct msglist *ml)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ml->n_rows; i++)
		buf_addf(&b, "%s%u", i ? " " : "", msglist_msg(ml, i)->uid);
	return buf_detach(&b, NULL);
}

static char *trees(const struct msglist *ml)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < ml->n_rows; i++) {
		buf_addf(&b, "%s[", i ? " " : "");
		msglist_tree(ml, i, true, &b);
		buf_addc(&b, ']');
	}
	return buf_detach(&b, NULL);
}

#define IS_ORDER(ml, want, name) do { char *o_ = order(ml); is_str(o_, want, name); free(o_); } while (0)

static void test_threads(void)
{
	struct msglist ml;
	msglist_init(&ml, SORT_THREADS, false, false);
	load_sample(&ml);
	/* threads by their newest message: g (50), e-f (500)... a-thread newest 400 */
	IS_ORDER(&ml, "7 1 3 2 4 5 6", "threads: oldest thread first, children by date");
	char *t = trees(&ml);
	is_str(t, "[] [] [|->] [`->] [  `->] [] [`->]", "tree lines");
	free(t);
	is_int(ml.rows[3].depth, 1, "b is a reply to a");
	is_int(ml.rows[4].depth, 2, "d is a reply to b");
	ok(ml.rows[2].same_subject, "a reply with the same subject hides it");
	is_int(msglist_msg(&ml, ml.cursor)->uid, 6, "the cursor starts on the newest message");

	msglist_set_sort(&ml, SORT_THREADS, true);
	IS_ORDER(&ml, "5 6 1 3 2 4 7", "reversed threads: the newest thread first");
	is_int(msglist_msg(&ml, ml.cursor)->uid, 6, "the cursor stays on its message");

	/* collapse */
	msglist_set_cursor(&ml, (size_t)msglist_find(&ml, 4));
	msglist_toggle_collapse(&ml, ml.cursor);
	IS_ORDER(&ml, "5 6 1 7", "collapsing hides the thread's replies");
	is_int(ml.rows[2].hidden, 3, "the root counts 3 hidden messages");
	is_int(msglist_msg(&ml, ml.cursor)->uid, 1, "the cursor moves to the thread's root");
	size_t n;
	uint32_t *uids = msglist_thread_uids(&ml, 2, &n);
	is_int(n, 4, "a collapsed thread's messages are all found for an action");
	free(uids);
	msglist_toggle_collapse(&ml, ml.cursor);
	IS_ORDER(&ml, "5 6 1 3 2 4 7", "expanding brings them back");
	msglist_toggle_collapse_all(&ml);
	IS_ORDER(&ml, "5 1 7", "collapse all");
	msglist_toggle_collapse_all(&ml);
	msglist_release(&ml);
}

static void test_sorts_and_limit(void)
{
	struct msglist ml;
	msglist_init(&ml, SORT_DATE, false, false);
	load_sample(&ml);
	IS_ORDER(&ml, "7 1 5 3 2 4 6", "by date");
	msglist_set_sort(&ml, SORT_SIZE, true);
	IS_ORDER(&ml, "7 6 5 4 3 2 1", "by size, reversed");
	msglist_set_sort(&ml, SORT_SUBJECT, false);
	IS_ORDER(&ml, "7 5 6 1 3 2 4", "by subject without Re:, then date");
	msglist_set_sort(&ml, SORT_FROM, false);
	IS_ORDER(&ml, "3 6 7 1 4 5 2", "by author, then date");

	struct err err = ERR_INIT;
	msglist_set_sort(&ml, SORT_DATE, false);
	msglist_set_cursor(&ml, (size_t)msglist_find(&ml, 2));
	msglist_set_limit(&ml, pattern_parse("~s plan", time(NULL), &err), "~s plan");
	IS_ORDER(&ml, "1 3 2 4", "limit ~s plan");
	is_int(msglist_msg(&ml, ml.cursor)->uid, 2, "the cursor keeps its message under a limit");
	msglist_set_limit(&ml, pattern_parse("~U | ~F", time(NULL), &err), "~U | ~F");
	IS_ORDER(&ml, "7 3 6", "limit ~U | ~F");
	/* a message read leaves an ~U view at the next rebuild */
	uint32_t uid = 7, fl = MSG_SEEN;
	msglist_set_limit(&ml, pattern_parse("~U", time(NULL), &err), "~U");
	msglist_set_flags(&ml, &uid, &fl, 1);
	ok(msglist_needs_rebuild(&ml), "a flag change under a limit asks for a rebuild");
	msglist_rebuild(&ml);
	IS_ORDER(&ml, "6", "and the read message leaves");
	msglist_set_limit(&ml, NULL, NULL);
	IS_ORDER(&ml, "7 1 5 3 2 4 6", "no limit");

	/* tags */
	struct pattern *p = pattern_parse("~f \"User 1\"", time(NULL), &err);
	is_int(msglist_tag_matching(&ml, p, true), 3, "tag-pattern tags the matches");
	pattern_free(&p);
	size_t n;
	uint32_t *tagged = msglist_tagged_uids(&ml, &n);
	ok(n == 3 && tagged[0] == 1 && tagged[1] == 4 && tagged[2] == 7, "tagged uids 1, 4, 7");
	free(tagged);
	p = pattern_parse("~T", time(NULL), &err);
	is_int(msglist_search(&ml, p, 0, 1, false), (long)msglist_find(&ml, 1),
	       "search ~T finds the next tagged");
	pattern_free(&p);
	is_int(msglist_next_unread(&ml, 0, 1), (long)msglist_find(&ml, 6), "next unread");
	msglist_release(&ml);
}

static void test_updates(void)
{
	struct msglist ml;
	msglist_init(&ml, SORT_THREADS, false, false);
	load_sample(&ml);
	msglist_set_cursor(&ml, (size_t)msglist_find(&ml, 3));
	/* a new reply to c and a new thread arrive; 5 is expunged */
	struct msg_summary v[2];
	summary(&v[0], 9, "i", "a c", "Re: Plan", 600, 0);
	summary(&v[1], 8, "h", NULL, "New", 700, 0);
	msglist_add(&ml, v, 2);
	msg_summary_release(&v[0]);
	msg_summary_release(&v[1]);
	uint32_t gone = 5;
	msglist_remove(&ml, &gone, 1);
	ok(msglist_needs_rebuild(&ml), "additions wait for a rebuild");
	msglist_rebuild(&ml);
	IS_ORDER(&ml, "7 6 1 3 9 2 4 8", "new messages join their threads, the expunged one leaves");
	is_int(msglist_msg(&ml, ml.cursor)->uid, 3, "the cursor is still on the same message");

	/* pending operations lie over what syncs report */
	uint32_t uid = 3;
	msglist_pending_flags(&ml, 42, &uid, 1, MSG_DELETED, 0);
	ok(msglist_flags(&ml, 3) & MSG_DELETED, "a pending delete shows at once");
	uint32_t old = MSG_SEEN | MSG_FLAGGED;
	msglist_set_flags(&ml, &uid, &old, 1);
	ok(msglist_flags(&ml, 3) & MSG_DELETED, "a sync's older flags do not undo it");
	msglist_op_done(&ml, 42);
	msglist_set_flags(&ml, &uid, &old, 1);
	ok(!(msglist_flags(&ml, 3) & MSG_DELETED), "after the reply the sync's flags count");
	uint32_t mv[2] = { 1, 9 };
	msglist_pending_remove(&ml, 43, mv, 2);
	msglist_rebuild(&ml);
	IS_ORDER(&ml, "7 3 2 4 6 8", "a pending move hides the messages");
	msglist_op_done(&ml, 43);
	msglist_rebuild(&ml);
	IS_ORDER(&ml, "7 3 2 4 6 8", "and they stay gone once it is done");
	msglist_release(&ml);
}

static void test_bulk_index(void)
{
	/* newest first, then a batch interleaving with it, with a duplicate */
	struct store_index idx = STORE_INDEX_INIT;
	struct msg_summary v[6];
	uint32_t uids[] = { 90, 80, 70, 75, 85, 70 };
	for (int i = 0; i < 6; i++) {
		char *subj = xasprintf("s%d", i);
		summary(&v[i], uids[i], NULL, NULL, subj, 0, 0);
		free(subj);
	}
	store_index_put_many(&idx, v, 3);
	store_index_put_many(&idx, v + 3, 3);
	bool sorted = idx.n == 5;
	for (size_t i = 1; i < idx.n; i++)
		sorted &= idx.msgs[i - 1].uid < idx.msgs[i].uid;
	ok(sorted, "put_many keeps the index sorted and unique (%zu)", idx.n);
	is_str(store_index_str(&idx, store_index_find(&idx, 70)->subject), "s5",
	       "of two versions in a batch the later wins");
	uint32_t rm[] = { 85, 70, 1000 };
	is_int(store_index_remove_many(&idx, rm, 3), 2, "remove_many removes what is there");
	ok(idx.n == 3 && idx.msgs[0].uid == 75 && idx.msgs[2].uid == 90, "what is left");
	for (int i = 0; i < 6; i++)
		msg_summary_release(&v[i]);
	store_index_release(&idx);
}

struct pcase {
	const char *pattern;
	bool match;
};

static void test_patterns(void)
{
	time_t now = 1718000000;   /* 2024-06-10 */
	struct pattern_msg m = {
		.from = "Alice Example <alice@example.test>", .to = "bob@example.test",
		.cc = "Carol <carol@example.test>", .subject = "Quarterly Report",
		.date = now - 2 * 86400, .size = 20000, .flags = MSG_FLAGGED,
		.has_attachment = true,
	};
	static const struct pcase cases[] = {
		{ "~f alice", true }, { "~f ALICE", false }, { "~f Alice", true },
		{ "~t bob", true }, { "~c carol", true }, { "~C carol", true }, { "~t carol", false },
		{ "~s report", true }, { "report", true }, { "~s 'quarterly report'", true },
		{ "~s report ~f bob", false }, { "~s report | ~f bob", true },
		{ "!~s report", false }, { "!(~f bob | ~F)", false }, { "~U", true },
		{ "~N", false }, { "~O", true }, { "~R", false }, { "~F ~A", true }, { "~D", false },
		{ "~d <3d", true }, { "~d <1d", false }, { "~d >1d", true },
		{ "~d 2024-06-08", true }, { "~d 2024-06-01-2024-06-07", false },
		{ "~d 01/06/2024-", true }, { "~d -07/06/2024", false },
		{ "~z >10K", true }, { "~z <10K", false }, { "~z 10K-30K", true },
		{ "~b anything", false }, { "~T", false },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct err err = ERR_INIT;
		struct pattern *p = pattern_parse(cases[i].pattern, now, &err);
		if (!p) {
			ok(0, "pattern %s parses: %s", cases[i].pattern, err_msg(&err));
			err_clear(&err);
			continue;
		}
		is_int(pattern_match(p, &m), cases[i].match, "%s", cases[i].pattern);
		pattern_free(&p);
	}
	static const char *const bad[] = { "", "~", "~q x", "(~f a", "~f a)", "~d", "~d 2024",
					   "~z big", "~s" };
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct err err = ERR_INIT;
		struct pattern *p = pattern_parse(bad[i], now, &err);
		ok(!p && err.kind == ERR_INPUT && strstr(err_msg(&err), "pattern"),
		   "'%s' is refused: %s", bad[i], err_msg(&err));
		pattern_free(&p);
		err_clear(&err);
	}
	struct err err = ERR_INIT;
	struct pattern *p = pattern_parse("~s x ~b y", now, &err);
	ok(pattern_needs_body(p), "~b needs the body");
	pattern_free(&p);
}

static void test_big_thread_build(void)
{
	/* 100,000 messages in long threads: must stay fast and correct */
	size_t n = 100000;
	struct msg_summary *v = xcalloc(n, sizeof *v);
	for (size_t i = 0; i < n; i++) {
		char mid[32], parent[32];
		snprintf(mid, sizeof mid, "m%zu", i);
		snprintf(parent, sizeof parent, "m%zu", i - 1);
		summary(&v[i], (uint32_t)i + 1, mid, i % 50 ? parent : NULL, "load", (int64_t)i, 0);
	}
	struct store_index idx = STORE_INDEX_INIT;
	store_index_put_many(&idx, v, n);
	for (size_t i = 0; i < n; i++)
		msg_summary_release(&v[i]);
	free(v);
	struct msglist ml;
	msglist_init(&ml, SORT_THREADS, false, false);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	msglist_load(&ml, 0, 1, &idx, CURSOR_NEWEST);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	tap_diag("threading 100,000 messages: %.0f ms",
		 (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	is_int(ml.n_rows, n, "every message has a row");
	is_int(ml.rows[49].depth, 49, "a 50-message chain is 50 deep");
	struct buf b = BUF_INIT;
	msglist_tree(&ml, 49, false, &b);
	ok(b.len > 49 * 2, "its tree line is drawn");
	buf_release(&b);
	msglist_release(&ml);
}

/* A generated folder of n messages in threads of up to 5, arriving newest
 * first in batches, as a sync delivers them; uids from base. */
static void add_batch(struct msglist *ml, size_t from, size_t to)
{
	struct msg_summary *v = xcalloc(to - from + 1, sizeof *v);
	for (size_t i = from; i < to; i++) {
		char mid[32], refs[32];
		snprintf(mid, sizeof mid, "s%zu", i);
		snprintf(refs, sizeof refs, "s%zu", i - i % 5);
		summary(&v[i - from], (uint32_t)(100000 - i), mid, i % 5 ? refs : NULL,
			i % 5 ? "Re: step" : "step", (int64_t)(i * 7 % 1000), 0);
	}
	msglist_add_take(ml, v, to - from);
	free(v);
}

static void test_stepped_rebuild(void)
{
	/* the same folder rebuilt at once and in the smallest slices */
	struct msglist at_once, sliced;
	msglist_init(&at_once, SORT_THREADS, false, false);
	msglist_init(&sliced, SORT_THREADS, false, false);
	struct store_index e1 = STORE_INDEX_INIT, e2 = STORE_INDEX_INIT;
	msglist_load(&at_once, 0, 1, &e1, CURSOR_NEWEST);
	msglist_load(&sliced, 0, 1, &e2, CURSOR_NEWEST);
	add_batch(&at_once, 0, 3000);
	add_batch(&sliced, 0, 3000);
	msglist_rebuild(&at_once);
	msglist_rebuild(&sliced);
	msglist_set_cursor(&sliced, 1234);
	uint32_t cursor_uid = sliced.cursor_uid;
	add_batch(&at_once, 3000, 8000);
	add_batch(&sliced, 3000, 8000);
	msglist_rebuild(&at_once);
	size_t steps = 0;
	bool rows_ok = true, done = false;
	while (!done) {
		done = msglist_rebuild_step(&sliced, 0);
		steps++;
		/* between slices the old rows still show the old messages */
		for (size_t r = 0; !done && r < sliced.n_rows; r++)
			rows_ok &= msglist_msg(&sliced, r)->uid > 100000 - 3000;
		if (steps == 3)
			add_batch(&sliced, 8000, 8005);   /* arrives during the rebuild */
	}
	ok(steps > 10, "a rebuild with no time to spare runs in slices (%zu)", steps);
	ok(rows_ok, "and the rows stay valid between them");
	char *a = order(&at_once), *b = order(&sliced);
	ok(strcmp(a, b) == 0, "the rows are the same as a rebuild at once");
	free(a);
	free(b);
	is_int(sliced.cursor_uid, cursor_uid, "the cursor stays on its message");
	is_int(msglist_msg(&sliced, sliced.cursor)->uid, cursor_uid, "and its row");
	ok(msglist_needs_rebuild(&sliced), "what arrived meanwhile waits for the next");
	while (!msglist_rebuild_step(&sliced, 5))
		;
	is_int(sliced.n_rows, 8005, "and shows after it");
	/* a change of settings drops the rebuild under way */
	add_batch(&sliced, 8005, 8010);
	msglist_rebuild_step(&sliced, 0);
	ok(msglist_rebuilding(&sliced), "a rebuild is under way");
	msglist_set_sort(&sliced, SORT_DATE, true);
	ok(!msglist_needs_rebuild(&sliced) && sliced.n_rows == 8010,
	   "a new sort rebuilds at once, with what waited");
	msglist_release(&at_once);
	msglist_release(&sliced);
	/* a removal with nothing ever added */
	msglist_init(&sliced, SORT_THREADS, false, false);
	load_sample(&sliced);
	uint32_t gone = 7;
	msglist_remove(&sliced, &gone, 1);
	ok(msglist_rebuild_step(&sliced, 0), "a removal's rebuild ends in one step, however short");
	IS_ORDER(&sliced, "1 3 2 4 5 6", "and the message leaves");
	msglist_release(&sliced);
}

int main(void)
{
	test_threads();
	test_sorts_and_limit();
	test_updates();
	test_bulk_index();
	test_patterns();
	test_big_thread_build();
	test_stepped_rebuild();
	return tap_done();
}
