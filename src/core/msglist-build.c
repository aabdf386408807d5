/* Rebuilding the message list's rows: pending changes applied, the limit,
 * then a sort or the threads. Threads follow References and In-Reply-To
 * (the nearest ancestor present in the folder is the parent); messages whose
 * ancestors are all missing start threads of their own.
 *
 * A rebuild is a series of phases whose long loops can stop when a time
 * budget runs out and go on at the next msglist_rebuild_step(), so that the
 * interface answers keys between the slices of a rebuild of 100,000
 * messages. While one is under way the old rows stay valid: the additions
 * queued when it started go into the index a batch at a time, the rows'
 * positions moved with each; after that the index does not change (what
 * arrives meanwhile waits for the next rebuild) except for flags, which no
 * phase depends on but the limit's, and a flag change under a limit asks
 * for another rebuild anyway. msglist_rebuild() runs the same phases
 * without a budget. */
#include "common.h"

#include <time.h>

#include "core/msglist-private.h"
#include "core/pattern.h"
#include "store/summary.h"
#include "util/strutil.h"

enum build_phase {
	BP_APPLY,       /* the queued additions into the index, a batch at a time */
	BP_SELECT,      /* the candidates: not removed, within the limit */
	BP_IDS,         /* threads: the Message-ID table */
	BP_PARENTS,     /* threads: each candidate's parent */
	BP_TREE,        /* threads: children lists, thread dates, roots sorted */
	BP_FLATTEN,     /* threads: the rows, thread by thread */
	BP_SORT,        /* plain sorts: the rows in one go */
	BP_DONE,
};

struct id_table {
	int32_t *slot;
	size_t mask;
};

/* A rebuild under way; positions are indices into idx.msgs. */
struct ml_build {
	struct msglist *ml;     /* set again at each step, in case the owner moved it */
	enum build_phase phase;
	size_t at;              /* how far the current phase got */
	size_t n_apply;         /* BP_APPLY: queued additions still to apply (not
				   those that come during the rebuild) */
	struct ml_row *rows;    /* the new view, swapped in at the end */
	size_t n_rows, cap_rows;
	bool any_removed;       /* a pending operation removes messages */
	uint32_t *pos;          /* the candidate messages */
	size_t n;
	struct id_table ids;
	int32_t *parent;        /* per candidate: its parent candidate, -1 */
	uint32_t *child_start;  /* CSR: children of i are kids[child_start[i] .. +n_kids[i]) */
	uint32_t *n_kids;
	uint32_t *kids;
	int64_t *newest;        /* per root: the newest date in its thread */
	uint32_t *roots;
	size_t n_roots;
	uint32_t *scratch;      /* a stack of 2 (n + 1) for walking a thread */
};

/* When a step must stop: checked every so many items, so that reading the
 * clock costs nothing next to the work, and never before some work is done,
 * so that every step makes progress however small its budget. */
struct budget {
	struct timespec end;
	bool unlimited;
	unsigned ticks;
};

#define BUDGET_EVERY 256

static void budget_set(struct budget *bg, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, &bg->end);
	bg->end.tv_sec += ms / 1000;
	bg->end.tv_nsec += (ms % 1000) * 1000000;
	if (bg->end.tv_nsec >= 1000000000) {
		bg->end.tv_sec++;
		bg->end.tv_nsec -= 1000000000;
	}
}

static bool budget_over(const struct budget *bg)
{
	if (bg->unlimited)
		return false;
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > bg->end.tv_sec ||
	       (now.tv_sec == bg->end.tv_sec && now.tv_nsec >= bg->end.tv_nsec);
}

static bool budget_spent(struct budget *bg)
{
	return ++bg->ticks % BUDGET_EVERY == 0 && budget_over(bg);
}

static const struct store_index_msg *msg_of(const struct ml_build *b, size_t i)
{
	return &b->ml->idx.msgs[b->pos[i]];
}

static const char *str_of(const struct ml_build *b, uint32_t ref)
{
	return store_index_str(&b->ml->idx, ref);
}

/* The length of the reply or forward marker at s ("Re:", "Fwd:", "Re[2]:"),
 * 0 when there is none. */
static size_t reply_marker_len(const char *s)
{
	static const char *const markers[] = { "re:", "fwd:", "fw:", "aw:", "sv:", "vs:", "wg:" };
	/* Called for every row of every rebuild: most subjects start with none
	 * of these letters, and one test settles that. */
	if (*s == '\0' || !strchr("rRfFaAsSvVwW", *s))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(markers); i++)
		if (str_casestartswith(s, markers[i]))
			return strlen(markers[i]);
	if (str_casestartswith(s, "re[")) {
		const char *close = strchr(s, ']');
		if (close && close[1] == ':')
			return (size_t)(close + 2 - s);
	}
	return 0;
}

const char *ml_base_subject(const char *s, size_t *len_r)
{
	for (;;) {
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = reply_marker_len(s);
		if (n == 0)
			break;
		s += n;
	}
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	*len_r = len;
	return s;
}

static bool same_subject(const char *a, const char *b)
{
	size_t la, lb;
	a = ml_base_subject(a, &la);
	b = ml_base_subject(b, &lb);
	return la == lb && str_ncasecmp(a, b, la) == 0;
}

/* ---- Applying changes and the limit ---- */

/* Adds the first k queued messages to the index (the rest move up the
 * queue). The current rows keep showing the same messages: their positions
 * move with the messages inserted before them. */
static void apply_adds(struct msglist *ml, size_t k)
{
	if (k == 0)
		return;
	size_t n_old = ml->idx.n;
	uint32_t *moved = xcalloc(n_old + 1, sizeof *moved);
	for (size_t p = 0; p < n_old; p++)
		moved[p] = ml->idx.msgs[p].uid;
	store_index_put_many(&ml->idx, ml->adds, k);
	for (size_t i = 0; i < k; i++)
		msg_summary_release(&ml->adds[i]);
	memmove(ml->adds, ml->adds + k, (ml->n_adds - k) * sizeof *ml->adds);
	ml->n_adds -= k;
	/* Old and new index are both sorted by uid and keep every old message:
	 * one merge pass turns each old uid into its new position. */
	for (size_t p = 0, q = 0; p < n_old; p++) {
		while (ml->idx.msgs[q].uid != moved[p])
			q++;
		moved[p] = (uint32_t)q;
	}
	for (size_t r = 0; r < ml->n_rows; r++)
		ml->rows[r].pos = moved[ml->rows[r].pos];
	free(moved);
}

/* A batch of additions a slice: each one costs a pass over the index,
 * and a sync brings thousands between two rebuilds. */
#define APPLY_BATCH 2048

static bool apply_queued(struct ml_build *b, struct budget *bg)
{
	while (b->n_apply) {
		size_t k = b->n_apply < APPLY_BATCH ? b->n_apply : APPLY_BATCH;
		apply_adds(b->ml, k);
		b->n_apply -= k;
		if (b->n_apply && budget_over(bg))
			return false;
	}
	return true;
}

/* Syncs may have reported flags older than the user's pending changes. */
static void overlay_pending(struct msglist *ml)
{
	for (size_t i = 0; i < ml->n_pending; i++) {
		const struct ml_pending *p = &ml->pending[i];
		for (size_t j = 0; !p->remove && j < p->n; j++) {
			struct store_index_msg *m = store_index_find(&ml->idx, p->uids[j]);
			if (m)
				m->flags = (uint16_t)(((m->flags | p->add) & ~p->del) & MSG_FLAGS_ALL);
		}
	}
}

static bool select_candidates(struct ml_build *b, struct budget *bg)
{
	struct msglist *ml = b->ml;
	for (; b->at < ml->idx.n; b->at++) {
		if (budget_spent(bg))
			return false;
		const struct store_index_msg *m = &ml->idx.msgs[b->at];
		if (b->any_removed && ml_pending_removed(ml, m->uid))
			continue;
		if (ml->limit) {
			struct pattern_msg pm;
			msglist_pattern_msg(ml, m, &pm);
			if (!pattern_match(ml->limit, &pm))
				continue;
		}
		b->pos[b->n++] = (uint32_t)b->at;
	}
	return true;
}

/* ---- Plain sorts ---- */

/* A message with its sort key worked out once, not in every comparison. */
struct sort_item {
	const char *key;        /* author or base subject; NULL for date and size */
	uint32_t key_len;
	uint32_t pos;
	int64_t date;
	uint32_t uid, size;
};

static int cmp_item(const void *x, const void *y, void *aux)
{
	const struct sort_item *a = x, *b = y;
	const struct msglist *ml = aux;
	int c = 0;
	if (ml->sort == SORT_SIZE) {
		c = a->size < b->size ? -1 : a->size > b->size;
	} else if (a->key) {
		uint32_t n = a->key_len < b->key_len ? a->key_len : b->key_len;
		c = str_ncasecmp(a->key, b->key, n);
		if (c == 0 && a->key_len != b->key_len)
			c = a->key_len < b->key_len ? -1 : 1;
	}
	if (c == 0)
		c = a->date < b->date ? -1 : a->date > b->date;
	if (c == 0)
		c = a->uid < b->uid ? -1 : a->uid > b->uid;
	return ml->reverse ? -c : c;
}

static struct ml_row *push_row(struct ml_build *b, uint32_t pos, uint32_t depth, int32_t parent)
{
	if (b->n_rows == b->cap_rows) {
		b->cap_rows = b->cap_rows ? b->cap_rows * 2 : 256;
		b->rows = xreallocarray(b->rows, b->cap_rows, sizeof *b->rows);
	}
	b->rows[b->n_rows] = (struct ml_row){ pos, depth, 0, parent, true, false };
	return &b->rows[b->n_rows++];
}

/* One slice however long: the sort does not stop halfway. */
static void build_sorted(struct ml_build *b)
{
	struct msglist *ml = b->ml;
	struct sort_item *v = xcalloc(b->n + 1, sizeof *v);
	for (size_t i = 0; i < b->n; i++) {
		const struct store_index_msg *m = msg_of(b, i);
		struct sort_item *it = &v[i];
		*it = (struct sort_item){ NULL, 0, b->pos[i], m->date, m->uid, m->size };
		if (ml->sort == SORT_FROM) {
			it->key = str_of(b, m->from);
			it->key_len = (uint32_t)strlen(it->key);
		} else if (ml->sort == SORT_SUBJECT) {
			size_t len;
			it->key = ml_base_subject(str_of(b, m->subject), &len);
			it->key_len = (uint32_t)len;
		}
	}
	qsort_r(v, b->n, sizeof *v, cmp_item, ml);
	for (size_t i = 0; i < b->n; i++)
		push_row(b, v[i].pos, 0, -1);
	free(v);
}

/* ---- Threads ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static long id_find(const struct ml_build *b, const char *id, size_t len)
{
	const struct id_table *t = &b->ids;
	if (len == 0)
		return -1;
	char tmp[512];
	if (len >= sizeof tmp)
		return -1;
	memcpy(tmp, id, len);
	tmp[len] = '\0';
	for (size_t h = hash_str(tmp) & t->mask;; h = (h + 1) & t->mask) {
		int32_t i = t->slot[h];
		if (i < 0)
			return -1;
		if (strcmp(str_of(b, msg_of(b, (size_t)i)->message_id), tmp) == 0)
			return i;
	}
}

static void id_table_init(struct ml_build *b)
{
	size_t size = 16;
	while (size < b->n * 2)
		size *= 2;
	b->ids.slot = xmalloc(size * sizeof *b->ids.slot);
	memset(b->ids.slot, 0xff, size * sizeof *b->ids.slot);
	b->ids.mask = size - 1;
}

static bool id_table_fill(struct ml_build *b, struct budget *bg)
{
	struct id_table *t = &b->ids;
	for (; b->at < b->n; b->at++) {
		if (budget_spent(bg))
			return false;
		const char *id = str_of(b, msg_of(b, b->at)->message_id);
		if (!*id)
			continue;
		size_t h = hash_str(id) & t->mask;
		bool dup = false;
		for (; t->slot[h] >= 0; h = (h + 1) & t->mask)
			if (strcmp(str_of(b, msg_of(b, (size_t)t->slot[h])->message_id), id) == 0) {
				dup = true;   /* a duplicate Message-ID: the first one is the parent */
				break;
			}
		if (!dup)
			t->slot[h] = (int32_t)b->at;
	}
	return true;
}

static bool is_ancestor(const struct ml_build *b, size_t anc, size_t of)
{
	for (long p = (long)of; p >= 0; p = b->parent[p])
		if ((size_t)p == anc)
			return true;
	return false;
}

/* The nearest ancestor of i in the folder: the last of its References that
 * is here, else In-Reply-To. */
static long find_parent(const struct ml_build *b, size_t i)
{
	const struct store_index_msg *m = msg_of(b, i);
	const char *refs = str_of(b, m->references);
	size_t end = strlen(refs);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && refs[start - 1] != ' ')
			start--;
		long p = id_find(b, refs + start, end - start);
		if (p >= 0 && (size_t)p != i && !is_ancestor(b, i, (size_t)p))
			return p;
		end = start > 0 ? start - 1 : 0;
	}
	const char *irt = str_of(b, m->in_reply_to);
	long p = id_find(b, irt, strlen(irt));
	if (p >= 0 && (size_t)p != i && !is_ancestor(b, i, (size_t)p))
		return p;
	return -1;
}

/* In candidate order, as the loop guarding against cycles expects: a parent
 * found later in the order is not yet linked when i looks at it. */
static bool find_parents(struct ml_build *b, struct budget *bg)
{
	for (; b->at < b->n; b->at++) {
		if (budget_spent(bg))
			return false;
		b->parent[b->at] = (int32_t)find_parent(b, b->at);
	}
	return true;
}

static int cmp_date_idx(const void *x, const void *y, void *aux)
{
	const struct ml_build *b = aux;
	const struct store_index_msg *a = msg_of(b, *(const uint32_t *)x);
	const struct store_index_msg *c = msg_of(b, *(const uint32_t *)y);
	if (a->date != c->date)
		return a->date < c->date ? -1 : 1;
	return a->uid < c->uid ? -1 : a->uid > c->uid;
}

static int cmp_root(const void *x, const void *y, void *aux)
{
	const struct ml_build *b = aux;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	int c = b->newest[i] < b->newest[j] ? -1 : b->newest[i] > b->newest[j];
	if (c == 0)
		c = cmp_date_idx(x, y, aux);
	return b->ml->reverse ? -c : c;
}

static void link_children(struct ml_build *b)
{
	b->n_kids = xcalloc(b->n + 1, sizeof *b->n_kids);
	b->child_start = xcalloc(b->n + 1, sizeof *b->child_start);
	b->kids = xcalloc(b->n + 1, sizeof *b->kids);
	for (size_t i = 0; i < b->n; i++)
		if (b->parent[i] >= 0)
			b->n_kids[b->parent[i]]++;
	uint32_t off = 0;
	for (size_t i = 0; i < b->n; i++) {
		b->child_start[i] = off;
		off += b->n_kids[i];
		b->n_kids[i] = 0;
	}
	for (size_t i = 0; i < b->n; i++)
		if (b->parent[i] >= 0) {
			size_t p = (size_t)b->parent[i];
			b->kids[b->child_start[p] + b->n_kids[p]++] = (uint32_t)i;
		}
	for (size_t i = 0; i < b->n; i++)
		if (b->n_kids[i] > 1)
			qsort_r(b->kids + b->child_start[i], b->n_kids[i], sizeof *b->kids,
				cmp_date_idx, b);
}

/* The newest date of each thread, pushed up from every message to its root. */
static void thread_dates(struct ml_build *b)
{
	b->newest = xcalloc(b->n + 1, sizeof *b->newest);
	for (size_t i = 0; i < b->n; i++)
		b->newest[i] = msg_of(b, i)->date;
	for (size_t i = 0; i < b->n; i++) {
		size_t root = i;
		while (b->parent[root] >= 0)
			root = (size_t)b->parent[root];
		if (b->newest[i] > b->newest[root])
			b->newest[root] = b->newest[i];
	}
}

/* Children lists, thread dates and the roots in order: linear but for the
 * sorts, done in one slice. */
static void build_tree(struct ml_build *b)
{
	link_children(b);
	thread_dates(b);
	b->roots = xmalloc((b->n + 1) * sizeof *b->roots);
	for (size_t i = 0; i < b->n; i++)
		if (b->parent[i] < 0)
			b->roots[b->n_roots++] = (uint32_t)i;
	qsort_r(b->roots, b->n_roots, sizeof *b->roots, cmp_root, b);
	b->scratch = xmalloc(2 * (b->n + 1) * sizeof *b->scratch);
}

static uint32_t count_below(const struct ml_build *b, size_t i)
{
	uint32_t n = 0;
	uint32_t *stack = b->scratch;
	size_t sp = 0;
	stack[sp++] = (uint32_t)i;
	while (sp) {
		uint32_t x = stack[--sp];
		for (uint32_t k = 0; k < b->n_kids[x]; k++) {
			stack[sp++] = b->kids[b->child_start[x] + k];
			n++;
		}
	}
	return n;
}

/* Depth-first: the thread's root, then its children oldest first. The
 * stack holds nodes; a row's depth and parent row come from its parent's. */
static void flatten_thread(struct ml_build *b, uint32_t root)
{
	struct msglist *ml = b->ml;
	bool collapsed = ml->collapse_default !=
			 uidset_has(ml->toggled, ml->n_toggled, msg_of(b, root)->uid);
	struct ml_row *mr = push_row(b, b->pos[root], 0, -1);
	if (collapsed && b->n_kids[root]) {
		mr->hidden = count_below(b, root);
		return;
	}
	/* (node, its parent's row) pairs; children pushed last-first so that
	 * the oldest pops first */
	uint32_t *stack = b->scratch;
	size_t sp = 0;
	int32_t root_row = (int32_t)(b->n_rows - 1);
	for (uint32_t k = b->n_kids[root]; k-- > 0;) {
		stack[sp++] = b->kids[b->child_start[root] + k];
		stack[sp++] = (uint32_t)root_row;
	}
	while (sp) {
		int32_t parent_row = (int32_t)stack[--sp];
		uint32_t node = stack[--sp];
		uint32_t up = (uint32_t)b->parent[node];   /* set: node is not a root */
		bool last = b->kids[b->child_start[up] + b->n_kids[up] - 1] == node;
		mr = push_row(b, b->pos[node], b->rows[parent_row].depth + 1, parent_row);
		mr->last_child = last;
		mr->same_subject = same_subject(str_of(b, msg_of(b, node)->subject),
						str_of(b, b->ml->idx.msgs[b->rows[parent_row].pos].subject));
		int32_t row = (int32_t)(b->n_rows - 1);
		for (uint32_t k = b->n_kids[node]; k-- > 0;) {
			stack[sp++] = b->kids[b->child_start[node] + k];
			stack[sp++] = (uint32_t)row;
		}
	}
}

static bool flatten(struct ml_build *b, struct budget *bg)
{
	for (; b->at < b->n_roots; b->at++) {
		if (budget_spent(bg))
			return false;
		flatten_thread(b, b->roots[b->at]);
	}
	return true;
}

uint32_t *ml_collapsed_uids(const struct msglist *ml, size_t row, size_t *n_r)
{
	/* Hidden messages are not rows: collect the root's thread by walking
	 * the references again over the whole index (rare: a user action). */
	const struct store_index_msg *root = msglist_msg(ml, row);
	const char *root_id = msglist_str(ml, root->message_id);
	uint32_t *v = xmalloc((ml->idx.n + 1) * sizeof *v);
	size_t n = 0;
	v[n++] = root->uid;
	for (size_t i = 0; *root_id && i < ml->idx.n; i++) {
		const struct store_index_msg *m = &ml->idx.msgs[i];
		if (m->uid == root->uid || ml_pending_removed(ml, m->uid))
			continue;
		const char *refs = msglist_str(ml, m->references);
		const char *irt = msglist_str(ml, m->in_reply_to);
		const char *hit = strstr(refs, root_id);
		size_t len = strlen(root_id);
		bool in_refs = hit && (hit == refs || hit[-1] == ' ') &&
			       (hit[len] == ' ' || hit[len] == '\0');
		if (in_refs || strcmp(irt, root_id) == 0)
			v[n++] = m->uid;
	}
	*n_r = n;
	return v;
}

/* ---- Driving the phases ---- */

void ml_build_free(struct ml_build **bp)
{
	struct ml_build *b = *bp;
	if (!b)
		return;
	free(b->rows);
	free(b->pos);
	free(b->ids.slot);
	free(b->parent);
	free(b->child_start);
	free(b->n_kids);
	free(b->kids);
	free(b->newest);
	free(b->roots);
	free(b->scratch);
	free(b);
	*bp = NULL;
}

/* Removals leave the current rows pointing at wrong messages: they are
 * applied at once, with the additions before them, and the caller then
 * finishes the rebuild before anything reads the rows. */
static struct ml_build *build_start(struct msglist *ml)
{
	struct ml_build *b = xcalloc(1, sizeof *b);
	b->ml = ml;
	b->phase = BP_APPLY;
	b->n_apply = ml->n_adds;
	if (ml->n_removes) {
		apply_adds(ml, ml->n_adds);
		b->n_apply = 0;
		store_index_remove_many(&ml->idx, ml->removes, ml->n_removes);
		ml->n_removes = 0;
	}
	ml->dirty = false;   /* what changes from now on asks for another rebuild */
	for (size_t i = 0; i < ml->n_pending; i++)
		b->any_removed |= ml->pending[i].remove;
	return b;
}

/* On to the phase after the current one, with what it needs allocated. */
static void next_phase(struct ml_build *b)
{
	b->at = 0;
	switch (b->phase) {
	case BP_APPLY:
		overlay_pending(b->ml);
		b->phase = BP_SELECT;
		b->pos = xcalloc(b->ml->idx.n + 1, sizeof *b->pos);
		break;
	case BP_SELECT:
		b->phase = b->ml->sort == SORT_THREADS ? BP_IDS : BP_SORT;
		if (b->phase == BP_IDS)
			id_table_init(b);
		break;
	case BP_IDS:
		b->phase = BP_PARENTS;
		b->parent = xmalloc((b->n + 1) * sizeof *b->parent);
		for (size_t i = 0; i < b->n; i++)
			b->parent[i] = -1;
		break;
	case BP_PARENTS:
		FREE(&b->ids.slot);
		b->phase = BP_TREE;
		break;
	case BP_TREE: b->phase = BP_FLATTEN; break;
	default: b->phase = BP_DONE; break;
	}
}

/* Runs phases until the budget is spent; true when every one is done. */
static bool run_phases(struct ml_build *b, struct budget *bg)
{
	while (b->phase != BP_DONE) {
		bool done = true;
		switch (b->phase) {
		case BP_APPLY: done = apply_queued(b, bg); break;
		case BP_SELECT: done = select_candidates(b, bg); break;
		case BP_IDS: done = id_table_fill(b, bg); break;
		case BP_PARENTS: done = find_parents(b, bg); break;
		case BP_TREE: build_tree(b); break;
		case BP_FLATTEN: done = flatten(b, bg); break;
		case BP_SORT: build_sorted(b); break;
		case BP_DONE: break;
		}
		if (!done)
			return false;
		next_phase(b);
		/* a phase that is one slice (the tree) starts on a fresh budget */
		if (b->phase != BP_DONE && budget_over(bg))
			return false;
	}
	return true;
}

/* The new rows in place; the cursor stays on its message, and if that left
 * the view, on the row where it was. */
static void build_finish(struct msglist *ml)
{
	struct ml_build *b = ml->building;
	free(ml->rows);
	ml->rows = b->rows;
	ml->n_rows = b->n_rows;
	ml->cap_rows = b->cap_rows;
	b->rows = NULL;
	ml_build_free(&ml->building);
	long row = ml->cursor_uid ? msglist_find(ml, ml->cursor_uid) : -1;
	if (row >= 0)
		ml->cursor = (size_t)row;
	else if (ml->n_rows)
		msglist_set_cursor(ml, ml->cursor < ml->n_rows ? ml->cursor : ml->n_rows - 1);
	else
		msglist_set_cursor(ml, 0);
}

bool msglist_rebuild_step(struct msglist *ml, long budget_ms)
{
	if (!ml->building) {
		if (!ml->dirty)
			return true;
		/* after removals the old rows are wrong: no pause until the end */
		bool removes = ml->n_removes > 0;
		ml->building = build_start(ml);
		if (removes)
			budget_ms = -1;
	}
	struct budget bg = { .unlimited = budget_ms < 0 };
	if (!bg.unlimited)
		budget_set(&bg, budget_ms);
	ml->building->ml = ml;
	if (!run_phases(ml->building, &bg))
		return false;
	build_finish(ml);
	return true;
}

void msglist_rebuild(struct msglist *ml)
{
	/* A rebuild under way may have read settings that changed since. */
	ml_build_free(&ml->building);
	ml->dirty = true;
	msglist_rebuild_step(ml, -1);
}
