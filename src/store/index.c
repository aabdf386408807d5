#include "common.h"

#include "store/index.h"
#include "store/store-private.h"
#include "util/err.h"

/* A guess at the pool size per message that saves most regrowing. */
#define POOL_BYTES_PER_MSG 192

void store_index_release(struct store_index *idx)
{
	free(idx->msgs);
	strpool_release(&idx->pool);
	*idx = (struct store_index)STORE_INDEX_INIT;
}

static void reserve(struct store_index *idx, size_t n)
{
	if (n <= idx->cap)
		return;
	size_t cap = idx->cap ? idx->cap + idx->cap / 2 : 64;
	if (cap < n)
		cap = n;
	idx->msgs = xreallocarray(idx->msgs, cap, sizeof *idx->msgs);
	idx->cap = cap;
}

static uint32_t keywords_ref(struct store_index *idx, struct summary_view *v)
{
	if (v->n_keywords == 0)
		return 0;
	char buf[512];
	size_t len = 0;
	for (size_t i = 0; i < v->n_keywords; i++) {
		struct str_slice kw = summary_view_keyword(v);
		if (len + kw.n + 1 > sizeof buf)
			break;  /* absurdly many: the index shows the first ones */
		if (len)
			buf[len++] = ' ';
		memcpy(buf + len, kw.p, kw.n);
		len += kw.n;
	}
	return strpool_intern(&idx->pool, buf, len);
}

static void fill_msg(struct store_index *idx, struct store_index_msg *m,
		     struct summary_view *v)
{
	struct strpool *p = &idx->pool;
	m->uid = v->uid;
	m->size = v->size;
	m->date = v->date;
	m->internaldate = v->internaldate;
	m->modseq = v->modseq;
	m->flags = (uint16_t)v->flags;
	m->has_attachment = v->has_attachment;
	m->reserved = 0;
	m->from = strpool_intern(p, v->from.p, v->from.n);
	m->to = strpool_intern(p, v->to.p, v->to.n);
	m->cc = strpool_intern(p, v->cc.p, v->cc.n);
	m->subject = strpool_add(p, v->subject.p, v->subject.n);
	m->message_id = strpool_add(p, v->message_id.p, v->message_id.n);
	m->in_reply_to = strpool_add(p, v->in_reply_to.p, v->in_reply_to.n);
	m->references = strpool_add(p, v->references.p, v->references.n);
	m->uidl = strpool_add(p, v->uidl.p, v->uidl.n);
	m->keywords = keywords_ref(idx, v);
}

struct load_ctx {
	struct store_index *idx;
	const char *path;
};

/* One chunk record, parsed in place from the engine's buffer. */
static int load_chunk(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		      struct err *err)
{
	struct load_ctx *c = aux;
	struct store_index *idx = c->idx;
	uint32_t base = klen == 9 ? be32_get((const char *)key + 5) : 0;
	struct dec d;
	dec_init(&d, val, vlen);
	uint8_t format = dec_u8(&d);
	uint64_t count = dec_uvar_max(&d, vlen);
	uint32_t crc = dec_le32(&d);
	const char *why = NULL;
	if (klen != 9 || d.bad || format != CHUNK_FORMAT)
		why = _("bad record header");
	else if (crc32c_update(0, d.p, (size_t)(d.end - d.p)) != crc)
		why = _("checksum mismatch");
	reserve(idx, idx->n + (size_t)count);
	for (uint64_t i = 0; i < count && !why; i++) {
		size_t elen = (size_t)dec_uvar_max(&d, vlen);
		const void *p = dec_bytes(&d, elen);
		struct summary_view v;
		if (!p || summary_view_decode(p, elen, false, &v) < 0)
			why = _("a summary is garbled");
		else if (v.uid < base || (idx->n && v.uid <= idx->msgs[idx->n - 1].uid))
			why = _("UIDs out of order");
		else
			fill_msg(idx, &idx->msgs[idx->n++], &v);
	}
	if (!why && !dec_done(&d))
		why = _("extra bytes after the summaries");
	if (why)
		return err_set(err, ERR_STORE, _("%s: folder %u: the summaries from UID %u on are "
						 "garbled (%s)"), c->path, idx->folder, base, why);
	return 0;
}

/* Checks that folder exists, readies idx for it (sized for n messages, or
 * the folder's count when n is 0) and returns the meta file, or NULL. */
static struct kv *load_begin(struct store_acct *a, uint32_t folder, struct store_index *idx,
			     uint64_t n, uint64_t *count_r, struct err *err)
{
	store_index_release(idx);
	idx->folder = folder;
	struct store_folder f = { 0 };
	int r = folder_load(a, folder, &f, err);
	if (r == 0)
		err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"),
			store_acct_name(a), folder);
	if (r <= 0)
		return NULL;
	if (count_r)
		*count_r = f.n_messages;
	if (n == 0 || n > f.n_messages)
		n = f.n_messages;
	reserve(idx, n);
	strpool_reserve(&idx->pool, (size_t)n * POOL_BYTES_PER_MSG);
	store_folder_release(&f);
	return acct_kv_read(a, FILE_META, err);
}

static void chunk_prefix(unsigned char prefix[5], uint32_t folder)
{
	prefix[0] = 'S';
	be32_put(prefix + 1, folder);
}

int store_index_load(struct store_acct *a, uint32_t folder, struct store_index *idx,
		     struct err *err)
{
	struct kv *kv = load_begin(a, folder, idx, 0, NULL, err);
	if (!kv)
		return -1;
	unsigned char prefix[5];
	chunk_prefix(prefix, folder);
	struct load_ctx c = { idx, kv_path(kv) };
	if (kv_scan(kv, prefix, 5, NULL, 0, 0, load_chunk, &c, err) < 0) {
		store_index_release(idx);
		return -1;
	}
	return 0;
}

/* ---- Newest first ---- */

/* How many summaries a chunk record holds, from its header alone (0 when
 * it is garbled: parsing it says so). */
static size_t chunk_count(const void *val, size_t vlen)
{
	struct dec d;
	dec_init(&d, val, vlen);
	dec_u8(&d);
	uint64_t count = dec_uvar_max(&d, vlen);
	return d.bad ? 0 : (size_t)count;
}

struct tail_ctx {
	size_t want, have;
	size_t chunks;          /* counted (a garbled one may count no message) */
	uint32_t base;          /* the first UID of the oldest chunk counted */
	bool more;              /* a chunk older than those exists */
};

/* One record of the backwards scan: counted until the chunks hold enough
 * messages; the next one only tells that more remain. */
static int count_back(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		      struct err *err)
{
	(void)err;
	struct tail_ctx *c = aux;
	if (c->have >= c->want) {
		c->more = true;
		return 1;
	}
	c->base = klen == 9 ? be32_get((const char *)key + 5) : 0;
	c->have += chunk_count(val, vlen);
	c->chunks++;
	return 0;
}

int store_index_load_newest(struct store_acct *a, uint32_t folder, size_t min,
			    struct store_index *idx, struct err *err)
{
	if (min == 0)
		min = 1;
	uint64_t n = 0;
	struct kv *kv = load_begin(a, folder, idx, min, &n, err);
	if (!kv)
		return -1;
	struct tail_ctx c = { n < 4 * (uint64_t)min ? SIZE_MAX : min, 0, 0, 0, false };
	unsigned char prefix[5];
	chunk_prefix(prefix, folder);
	/* Counting backwards reads the records in place; the forward pass
	 * then finds them in the engine's cache. */
	struct buf key = BUF_INIT;
	struct load_ctx lc = { idx, kv_path(kv) };
	int r = kv_scan(kv, prefix, 5, NULL, 0, KV_SCAN_REVERSE, count_back, &c, err);
	if (r == 0 && c.chunks) {
		chunk_key(&key, folder, c.base);
		r = kv_scan(kv, prefix, 5, key.data, key.len, 0, load_chunk, &lc, err);
	}
	buf_release(&key);
	if (r < 0) {
		store_index_release(idx);
		return -1;
	}
	return c.more ? 0 : 1;
}

static size_t search(const struct store_index *idx, uint32_t uid)
{
	size_t lo = 0, hi = idx->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (idx->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct store_index_msg *store_index_find(const struct store_index *idx, uint32_t uid)
{
	size_t i = search(idx, uid);
	return i < idx->n && idx->msgs[i].uid == uid ? &idx->msgs[i] : NULL;
}

void store_index_put(struct store_index *idx, const struct msg_summary *s)
{
	/* Going through the encoded form keeps one way of filling a message. */
	struct buf b = BUF_INIT;
	summary_encode(&b, s);
	struct summary_view v;
	if (summary_view_decode(b.data, b.len, false, &v) < 0) {
		buf_release(&b);
		return;  /* uid 0: the store refuses it too */
	}
	size_t i = search(idx, s->uid);
	if (i == idx->n || idx->msgs[i].uid != s->uid) {
		reserve(idx, idx->n + 1);
		memmove(idx->msgs + i + 1, idx->msgs + i, (idx->n - i) * sizeof *idx->msgs);
		idx->n++;
	}
	fill_msg(idx, &idx->msgs[i], &v);
	buf_release(&b);
}

static int uint32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

struct ordered_msg {
	struct store_index_msg m;
	size_t ord;             /* place in the batch: of two for one uid the later wins */
};

static int ordered_cmp(const void *x, const void *y)
{
	const struct ordered_msg *a = x, *b = y;
	if (a->m.uid != b->m.uid)
		return a->m.uid < b->m.uid ? -1 : 1;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

void store_index_put_many(struct store_index *idx, const struct msg_summary *v, size_t k)
{
	struct ordered_msg *add = xcalloc(k ? k : 1, sizeof *add);
	size_t n_add = 0;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < k; i++) {
		buf_reset(&b);
		summary_encode(&b, &v[i]);
		struct summary_view sv;
		if (summary_view_decode(b.data, b.len, false, &sv) < 0)
			continue;
		struct store_index_msg *m = store_index_find(idx, v[i].uid);
		if (m) {
			fill_msg(idx, m, &sv);
		} else {
			add[n_add].ord = i;
			fill_msg(idx, &add[n_add++].m, &sv);
		}
	}
	buf_release(&b);
	qsort(add, n_add, sizeof *add, ordered_cmp);
	size_t uniq = 0;
	for (size_t i = 0; i < n_add; i++) {
		if (uniq && add[uniq - 1].m.uid == add[i].m.uid)
			uniq--;
		add[uniq++] = add[i];
	}
	/* Merge from the back into the grown array. */
	reserve(idx, idx->n + uniq);
	size_t i = idx->n, j = uniq, out = idx->n + uniq;
	while (j > 0) {
		if (i > 0 && idx->msgs[i - 1].uid > add[j - 1].m.uid)
			idx->msgs[--out] = idx->msgs[--i];
		else
			idx->msgs[--out] = add[--j].m;
	}
	idx->n += uniq;
	free(add);
}

size_t store_index_remove_many(struct store_index *idx, const uint32_t *uids, size_t k)
{
	if (k == 0)
		return 0;
	uint32_t *sorted = xmemdup(uids, k * sizeof *uids);
	qsort(sorted, k, sizeof *sorted, uint32_cmp);
	size_t out = 0, j = 0;
	for (size_t i = 0; i < idx->n; i++) {
		uint32_t uid = idx->msgs[i].uid;
		while (j < k && sorted[j] < uid)
			j++;
		if (j < k && sorted[j] == uid)
			continue;
		idx->msgs[out++] = idx->msgs[i];
	}
	size_t removed = idx->n - out;
	idx->n = out;
	free(sorted);
	return removed;
}

bool store_index_remove(struct store_index *idx, uint32_t uid)
{
	struct store_index_msg *m = store_index_find(idx, uid);
	if (!m)
		return false;
	size_t i = (size_t)(m - idx->msgs);
	memmove(m, m + 1, (idx->n - i - 1) * sizeof *m);
	idx->n--;
	return true;
}

bool store_index_set_flags(struct store_index *idx, uint32_t uid, uint32_t flags)
{
	struct store_index_msg *m = store_index_find(idx, uid);
	if (m)
		m->flags = (uint16_t)(flags & MSG_FLAGS_ALL);
	return m != NULL;
}

size_t store_index_memory(const struct store_index *idx, size_t *strings_r)
{
	if (strings_r)
		*strings_r = strpool_memory(&idx->pool);
	return idx->cap * sizeof *idx->msgs;
}
