/* Rebuilding the message list's rows: pending changes applied, the limit,
 * then a sort or the threads. Threads follow References and In-Reply-To
 * (the nearest ancestor present in the folder is the parent); messages whose
 * ancestors are all missing start threads of their own. */
#include "common.h"

#include "core/msglist-private.h"
#include "core/pattern.h"
#include "store/summary.h"
#include "util/strutil.h"

/* Everything one rebuild needs; positions are indices into idx.msgs. */
struct build {
	struct msglist *ml;
	uint32_t *pos;          /* the candidate messages */
	size_t n;
	int32_t *parent;        /* per candidate: its parent candidate, -1 */
	uint32_t *child_start;  /* CSR: children of i are kids[child_start[i] .. +n_kids[i]) */
	uint32_t *n_kids;
	uint32_t *kids;
	int64_t *newest;        /* per root: the newest date in its thread */
};

static const struct store_index_msg *msg_of(const struct build *b, size_t i)
{
	return &b->ml->idx.msgs[b->pos[i]];
}

static const char *str_of(const struct build *b, uint32_t ref)
{
	return store_index_str(&b->ml->idx, ref);
}

const char *ml_base_subject(const char *s, size_t *len_r)
{
	static const char *const prefixes[] = { "re:", "fwd:", "fw:", "aw:", "sv:", "vs:", "wg:" };
	for (bool again = true; again;) {
		again = false;
		while (*s == ' ' || *s == '\t')
			s++;
		for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
			if (str_casestartswith(s, prefixes[i])) {
				s += strlen(prefixes[i]);
				again = true;
			}
		/* "Re[2]:" */
		if (str_casestartswith(s, "re[")) {
			const char *close = strchr(s, ']');
			if (close && close[1] == ':') {
				s = close + 2;
				again = true;
			}
		}
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

static void apply_changes(struct msglist *ml)
{
	if (ml->n_adds) {
		store_index_put_many(&ml->idx, ml->adds, ml->n_adds);
		for (size_t i = 0; i < ml->n_adds; i++)
			msg_summary_release(&ml->adds[i]);
		ml->n_adds = 0;
	}
	if (ml->n_removes) {
		store_index_remove_many(&ml->idx, ml->removes, ml->n_removes);
		ml->n_removes = 0;
	}
	/* Syncs may have reported flags older than the user's pending changes. */
	for (size_t i = 0; i < ml->n_pending; i++) {
		const struct ml_pending *p = &ml->pending[i];
		for (size_t j = 0; !p->remove && j < p->n; j++) {
			struct store_index_msg *m = store_index_find(&ml->idx, p->uids[j]);
			if (m)
				m->flags = (uint16_t)(((m->flags | p->add) & ~p->del) & MSG_FLAGS_ALL);
		}
	}
}

static void select_candidates(struct build *b)
{
	struct msglist *ml = b->ml;
	b->pos = xcalloc(ml->idx.n ? ml->idx.n : 1, sizeof *b->pos);
	bool any_removed = false;
	for (size_t i = 0; i < ml->n_pending; i++)
		any_removed |= ml->pending[i].remove;
	for (size_t i = 0; i < ml->idx.n; i++) {
		const struct store_index_msg *m = &ml->idx.msgs[i];
		if (any_removed && ml_pending_removed(ml, m->uid))
			continue;
		if (ml->limit) {
			struct pattern_msg pm;
			msglist_pattern_msg(ml, m, &pm);
			if (!pattern_match(ml->limit, &pm))
				continue;
		}
		b->pos[b->n++] = (uint32_t)i;
	}
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

static void push_row(struct msglist *ml, uint32_t pos, uint32_t depth, int32_t parent)
{
	if (ml->n_rows == ml->cap_rows) {
		ml->cap_rows = ml->cap_rows ? ml->cap_rows * 2 : 256;
		ml->rows = xreallocarray(ml->rows, ml->cap_rows, sizeof *ml->rows);
	}
	ml->rows[ml->n_rows++] = (struct ml_row){ pos, depth, 0, parent, true, false };
}

static void build_sorted(struct build *b)
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
		push_row(ml, v[i].pos, 0, -1);
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

struct id_table {
	int32_t *slot;
	size_t mask;
};

static long id_find(const struct build *b, const struct id_table *t, const char *id, size_t len)
{
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

static void id_table_fill(const struct build *b, struct id_table *t)
{
	size_t size = 16;
	while (size < b->n * 2)
		size *= 2;
	t->slot = xmalloc(size * sizeof *t->slot);
	memset(t->slot, 0xff, size * sizeof *t->slot);
	t->mask = size - 1;
	for (size_t i = 0; i < b->n; i++) {
		const char *id = str_of(b, msg_of(b, i)->message_id);
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
			t->slot[h] = (int32_t)i;
	}
}

static bool is_ancestor(const struct build *b, size_t anc, size_t of)
{
	for (long p = (long)of; p >= 0; p = b->parent[p])
		if ((size_t)p == anc)
			return true;
	return false;
}

/* The nearest ancestor of i in the folder: the last of its References that
 * is here, else In-Reply-To. */
static long find_parent(const struct build *b, const struct id_table *t, size_t i)
{
	const struct store_index_msg *m = msg_of(b, i);
	const char *refs = str_of(b, m->references);
	size_t end = strlen(refs);
	while (end > 0) {
		size_t start = end;
		while (start > 0 && refs[start - 1] != ' ')
			start--;
		long p = id_find(b, t, refs + start, end - start);
		if (p >= 0 && (size_t)p != i && !is_ancestor(b, i, (size_t)p))
			return p;
		end = start > 0 ? start - 1 : 0;
	}
	const char *irt = str_of(b, m->in_reply_to);
	long p = id_find(b, t, irt, strlen(irt));
	if (p >= 0 && (size_t)p != i && !is_ancestor(b, i, (size_t)p))
		return p;
	return -1;
}

static int cmp_date_idx(const void *x, const void *y, void *aux)
{
	const struct build *b = aux;
	const struct store_index_msg *a = msg_of(b, *(const uint32_t *)x);
	const struct store_index_msg *c = msg_of(b, *(const uint32_t *)y);
	if (a->date != c->date)
		return a->date < c->date ? -1 : 1;
	return a->uid < c->uid ? -1 : a->uid > c->uid;
}

static int cmp_root(const void *x, const void *y, void *aux)
{
	const struct build *b = aux;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	int c = b->newest[i] < b->newest[j] ? -1 : b->newest[i] > b->newest[j];
	if (c == 0)
		c = cmp_date_idx(x, y, aux);
	return b->ml->reverse ? -c : c;
}

static void link_children(struct build *b)
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
static void thread_dates(struct build *b)
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

static uint32_t count_below(const struct build *b, size_t i)
{
	uint32_t n = 0;
	uint32_t *stack = xmalloc((b->n + 1) * sizeof *stack);
	size_t sp = 0;
	stack[sp++] = (uint32_t)i;
	while (sp) {
		uint32_t x = stack[--sp];
		for (uint32_t k = 0; k < b->n_kids[x]; k++) {
			stack[sp++] = b->kids[b->child_start[x] + k];
			n++;
		}
	}
	free(stack);
	return n;
}

/* Depth-first: each thread's root, then its children oldest first. */
static void flatten(struct build *b, const uint32_t *roots, size_t n_roots)
{
	struct msglist *ml = b->ml;
	struct frame { uint32_t node; uint32_t depth; int32_t parent_row; bool last; };
	struct frame *stack = xmalloc((b->n + 1) * sizeof *stack);
	for (size_t r = 0; r < n_roots; r++) {
		size_t sp = 0;
		stack[sp++] = (struct frame){ roots[r], 0, -1, true };
		bool collapsed = ml->collapse_default !=
				 uidset_has(ml->toggled, ml->n_toggled, msg_of(b, roots[r])->uid);
		while (sp) {
			struct frame f = stack[--sp];
			int32_t row = (int32_t)ml->n_rows;
			push_row(ml, b->pos[f.node], f.depth, f.parent_row);
			struct ml_row *mr = &ml->rows[row];
			mr->last_child = f.last;
			if (f.parent_row >= 0)
				mr->same_subject = same_subject(
					str_of(b, msg_of(b, f.node)->subject),
					msglist_str(ml, msglist_msg(ml, (size_t)f.parent_row)->subject));
			if (f.depth == 0 && collapsed && b->n_kids[f.node]) {
				mr->hidden = count_below(b, f.node);
				continue;
			}
			/* children pushed last-first so the oldest pops first */
			for (uint32_t k = b->n_kids[f.node]; k-- > 0;)
				stack[sp++] = (struct frame){ b->kids[b->child_start[f.node] + k],
							      f.depth + 1, row,
							      k + 1 == b->n_kids[f.node] };
		}
	}
	free(stack);
}

static void build_threads(struct build *b)
{
	struct id_table t;
	id_table_fill(b, &t);
	b->parent = xmalloc((b->n + 1) * sizeof *b->parent);
	for (size_t i = 0; i < b->n; i++)
		b->parent[i] = -1;
	for (size_t i = 0; i < b->n; i++)
		b->parent[i] = (int32_t)find_parent(b, &t, i);
	free(t.slot);
	link_children(b);
	thread_dates(b);
	uint32_t *roots = xmalloc((b->n + 1) * sizeof *roots);
	size_t n_roots = 0;
	for (size_t i = 0; i < b->n; i++)
		if (b->parent[i] < 0)
			roots[n_roots++] = (uint32_t)i;
	qsort_r(roots, n_roots, sizeof *roots, cmp_root, b);
	flatten(b, roots, n_roots);
	free(roots);
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

void msglist_rebuild(struct msglist *ml)
{
	apply_changes(ml);
	struct build b = { .ml = ml };
	select_candidates(&b);
	ml->n_rows = 0;
	if (ml->sort == SORT_THREADS)
		build_threads(&b);
	else
		build_sorted(&b);
	free(b.pos);
	free(b.parent);
	free(b.child_start);
	free(b.n_kids);
	free(b.kids);
	free(b.newest);
	ml->dirty = false;
	/* The cursor stays on its message; if that left the view, on the row
	 * where it was. */
	long row = ml->cursor_uid ? msglist_find(ml, ml->cursor_uid) : -1;
	if (row >= 0)
		ml->cursor = (size_t)row;
	else if (ml->n_rows)
		msglist_set_cursor(ml, ml->cursor < ml->n_rows ? ml->cursor : ml->n_rows - 1);
	else
		msglist_set_cursor(ml, 0);
}
