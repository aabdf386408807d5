/* Chunks: the summaries of a folder, many to a record, so that loading a
 * large folder reads a few hundred records instead of one per message.
 *
 * Record 'S' folder32 base32 holds the summaries with base <= uid < the base
 * of the folder's next record, in UID order. Its value:
 *   u8 CHUNK_FORMAT, uvar count, le32 CRC-32C of what follows,
 *   count x (uvar length, encoded summary (summary_codec.c)).
 * Finding the record of a UID is one backwards cursor jump to the key
 * (folder, uid). A record is rewritten as a whole on any change (a few tens
 * of kilobytes at most), split when it grows past CHUNK_MAX summaries or
 * CHUNK_BYTES_MAX bytes, and deleted when it empties; `store compact`
 * repacks half-empty ones. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

#define CHUNK_PARSE_MAX_COUNT (1u << 20)

void chunk_key(struct buf *key, uint32_t folder, uint32_t base)
{
	buf_reset(key);
	buf_addc(key, 'S');
	enc_be32(key, folder);
	enc_be32(key, base);
}

void chunk_init(struct chunk *c)
{
	memset(c, 0, sizeof *c);
}

void chunk_release(struct chunk *c)
{
	buf_release(&c->data);
	ARRAY_RELEASE(&c->e);
	chunk_init(c);
}

static void chunk_reset(struct chunk *c)
{
	buf_reset(&c->data);
	c->e.n = 0;
	c->on_disk = c->has_next = c->dirty = false;
	c->base = c->disk_base = c->next_base = 0;
}

int chunk_parse(struct chunk *c, const void *val, size_t len, const char **why_r)
{
	struct dec d;
	dec_init(&d, val, len);
	uint8_t format = dec_u8(&d);
	uint64_t count = dec_uvar_max(&d, CHUNK_PARSE_MAX_COUNT);
	uint32_t crc = dec_le32(&d);
	if (d.bad || format != CHUNK_FORMAT) {
		*why_r = _("bad record header");
		return -1;
	}
	if (crc32c_update(0, d.p, (size_t)(d.end - d.p)) != crc) {
		*why_r = _("checksum mismatch");
		return -1;
	}
	uint32_t prev = 0;
	for (uint64_t i = 0; i < count; i++) {
		size_t elen = (size_t)dec_uvar_max(&d, SIZE_MAX);
		const void *p = dec_bytes(&d, elen);
		uint32_t uid = p ? summary_peek_uid(p, elen) : 0;
		if (!uid) {
			*why_r = _("a summary is cut short");
			return -1;
		}
		if (uid <= prev || uid < c->base) {
			*why_r = _("UIDs out of order");
			return -1;
		}
		prev = uid;
		struct chunk_entry e = { uid, (uint32_t)c->data.len, (uint32_t)elen };
		buf_add(&c->data, p, elen);
		ARRAY_PUSH(&c->e, e);
	}
	if (!dec_done(&d)) {
		*why_r = _("extra bytes after the summaries");
		return -1;
	}
	return 0;
}

struct grab {
	uint32_t base;
	bool found;
	struct buf *val;    /* NULL: the key is enough */
};

static int grab_first(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
		      struct err *err)
{
	struct grab *g = aux;
	if (klen != 9)
		return 0;  /* not a chunk key: check reports it */
	g->base = be32_get((const char *)key + 5);
	g->found = true;
	if (g->val) {
		buf_reset(g->val);
		buf_add(g->val, val, vlen);
	}
	return 1;
}

int chunk_load(struct store_acct *a, uint32_t folder, uint32_t uid, struct chunk *c,
	       struct err *err)
{
	struct kv *kv = acct_kv_read(a, FILE_META, err);
	if (!kv)
		return -1;
	chunk_reset(c);
	c->folder = folder;
	struct buf key = BUF_INIT;
	chunk_key(&key, folder, uid);
	struct grab g = { 0, false, &a->val };
	int r = kv_scan(kv, key.data, 5, key.data, key.len, KV_SCAN_REVERSE, grab_first, &g, err);
	if (r == 0 && g.found) {
		const char *why;
		c->base = c->disk_base = g.base;
		c->on_disk = true;
		if (chunk_parse(c, a->val.data, a->val.len, &why) < 0)
			r = err_set(err, ERR_STORE, _("%s: folder %u: the summaries from UID %u on "
						      "are garbled (%s)"), kv_path(kv), folder,
				    g.base, why);
	} else {
		c->base = uid;
	}
	if (r == 0 && c->base < UINT32_MAX) {
		chunk_key(&key, folder, c->base + 1);
		struct grab n = { 0, false, NULL };
		r = kv_scan(kv, key.data, 5, key.data, key.len, 0, grab_first, &n, err);
		c->has_next = n.found;
		c->next_base = n.base;
	}
	buf_release(&key);
	return r;
}

bool chunk_covers(const struct chunk *c, uint32_t uid)
{
	return c->folder && uid >= c->base && (!c->has_next || uid < c->next_base);
}

/* The position of uid in c->e, or where it would go (as -(pos + 1)). */
static long chunk_search(const struct chunk *c, uint32_t uid)
{
	size_t lo = 0, hi = c->e.n;
	/* Appends are the common case: check the end first. */
	if (hi && c->e.v[hi - 1].uid < uid)
		return -(long)hi - 1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->e.v[mid].uid == uid)
			return (long)mid;
		if (c->e.v[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(long)lo - 1;
}

long chunk_find(const struct chunk *c, uint32_t uid)
{
	long i = chunk_search(c, uid);
	return i >= 0 ? i : -1;
}

void chunk_set(struct chunk *c, const struct msg_summary *s)
{
	size_t off = c->data.len;
	summary_encode(&c->data, s);
	struct chunk_entry e = { s->uid, (uint32_t)off, (uint32_t)(c->data.len - off) };
	long i = chunk_search(c, s->uid);
	if (i >= 0) {
		c->e.v[i] = e;
	} else {
		size_t pos = (size_t)(-i - 1);
		ARRAY_RESERVE(&c->e, c->e.n + 1);
		memmove(c->e.v + pos + 1, c->e.v + pos, (c->e.n - pos) * sizeof *c->e.v);
		c->e.v[pos] = e;
		c->e.n++;
	}
	c->dirty = true;
}

void chunk_remove(struct chunk *c, size_t i)
{
	memmove(c->e.v + i, c->e.v + i + 1, (c->e.n - i - 1) * sizeof *c->e.v);
	c->e.n--;
	c->dirty = true;
}

void chunk_encode(const struct chunk *c, size_t from, size_t to, struct buf *out)
{
	buf_reset(out);
	enc_u8(out, CHUNK_FORMAT);
	enc_uvar(out, to - from);
	size_t crc_at = out->len;
	enc_le32(out, 0);
	for (size_t i = from; i < to; i++) {
		enc_uvar(out, c->e.v[i].len);
		buf_add(out, chunk_entry_data(c, i), c->e.v[i].len);
	}
	uint32_t crc = crc32c_update(0, out->data + crc_at + 4, out->len - crc_at - 4);
	unsigned char le[4] = { crc, crc >> 8, crc >> 16, crc >> 24 };
	memcpy(out->data + crc_at, le, 4);
}

/* Where the record starting at entry i ends. The last record of a folder
 * is cut full, so that appends go on filling a fresh one; a record in the
 * middle is cut into equal parts, leaving room for more inserts. */
static size_t piece_end(const struct chunk *c, size_t i)
{
	size_t left = c->e.n - i;
	size_t want = CHUNK_MAX;
	if (c->has_next && left > CHUNK_MAX) {
		size_t pieces = (left + CHUNK_MAX - 1) / CHUNK_MAX;
		want = (left + pieces - 1) / pieces;
	}
	size_t end = i, bytes = 0;
	while (end < c->e.n && end - i < want) {
		bytes += c->e.v[end].len + 5;
		if (bytes > CHUNK_BYTES_MAX && end > i)
			break;
		end++;
	}
	return end;
}

int chunk_write(struct kv *kv, struct chunk *c, struct err *err)
{
	struct buf key = BUF_INIT, val = BUF_INIT;
	int r = 0;
	if (c->on_disk && (c->e.n == 0 || c->disk_base != c->base)) {
		chunk_key(&key, c->folder, c->disk_base);
		r = kv_del(kv, key.data, key.len, err);
	}
	for (size_t i = 0; r >= 0 && i < c->e.n;) {
		size_t end = piece_end(c, i);
		chunk_key(&key, c->folder, i == 0 ? c->base : c->e.v[i].uid);
		chunk_encode(c, i, end, &val);
		r = kv_put(kv, key.data, key.len, val.data, val.len, err);
		i = end;
	}
	buf_release(&key);
	buf_release(&val);
	/* The pieces are on disk now; the caller loads again what it needs. */
	chunk_reset(c);
	c->folder = 0;
	return r < 0 ? -1 : 0;
}

int chunk_flush(struct store_acct *a, struct chunk *c, struct err *err)
{
	if (!c->folder || !c->dirty)
		return 0;
	struct kv *kv = acct_kv_write(a, FILE_META, err);
	return kv ? chunk_write(kv, c, err) : -1;
}
