/* store_check(): reads every record of an account and checks it against
 * the formats and invariants of store-private.h. */
#include "common.h"

#include <stdarg.h>

#include "store/store-private.h"
#include "util/err.h"

#define MAX_PROBLEMS 50

struct uidl_ref {
	uint32_t folder, uid;
	char *uidl;
};

struct folder_count {
	struct store_folder f;
	uint32_t messages, unseen, max_uid;
	bool named;
};

struct seen_key {
	size_t off, klen, vlen;
};

struct check {
	struct store_acct *a;
	struct store_check_report *r;
	const char *path;
	unsigned n_problems;
	ARRAY(struct folder_count) folders;   /* in id order, as scanned */
	ARRAY(uint64_t) msgs;                 /* folder << 32 | uid, ascending */
	ARRAY(struct uidl_ref) uidls_s;       /* from summaries */
	ARRAY(struct uidl_ref) uidls_u;       /* from 'U' records */
	uint32_t last_folder, last_uid;       /* of the previous chunk */
	ARRAY(uint64_t) queue_msgs;           /* 'j'/'o' keys seen: tag << 56 | id */
	ARRAY(uint64_t) queue_recs;           /* 'J'/'O' keys seen */
	/* Every key a scan met, to look each up again afterwards: a scan walks
	 * the records in file order, a lookup the engine's index, and damage
	 * to the index shows only in the second. */
	struct buf keys;
	ARRAY(struct seen_key) seen;
	kv_scan_fn *inner;
};

static void problem(struct check *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct check *c, const char *fmt, ...)
{
	c->n_problems++;
	if (c->n_problems > MAX_PROBLEMS)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	ARRAY_PUSH(&c->r->problems, xasprintf("%s: %s", c->path, msg));
	free(msg);
}

static struct folder_count *find_folder(struct check *c, uint32_t id)
{
	size_t lo = 0, hi = c->folders.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->folders.v[mid].f.id == id)
			return &c->folders.v[mid];
		if (c->folders.v[mid].f.id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void check_folder_rec(struct check *c, const unsigned char *key, size_t klen,
			     const void *val, size_t vlen)
{
	struct folder_count fc = { 0 };
	if (klen != 5 || folder_decode(val, vlen, &fc.f, true) < 0 || fc.f.id != be32_get(key + 1)) {
		problem(c, _("a folder record is garbled"));
		return;
	}
	ARRAY_PUSH(&c->folders, fc);
	c->r->folders++;
}

static void check_name_rec(struct check *c, const unsigned char *key, size_t klen,
			   const void *val, size_t vlen)
{
	struct folder_count *fc = vlen == 4 ? find_folder(c, be32_get(val)) : NULL;
	if (!fc || strlen(fc->f.name) != klen - 1 || memcmp(fc->f.name, key + 1, klen - 1) != 0) {
		problem(c, _("the name entry '%.*s' points at no folder of that name"),
			(int)(klen - 1), key + 1);
		return;
	}
	fc->named = true;
}

static void check_summary(struct check *c, struct folder_count *fc, const struct chunk *ch,
			  size_t i)
{
	struct msg_summary s;
	msg_summary_init(&s);
	if (summary_decode(chunk_entry_data(ch, i), ch->e.v[i].len, &s) < 0) {
		problem(c, _("folder %u: the summary of UID %u is garbled"), ch->folder,
			ch->e.v[i].uid);
		return;
	}
	fc->messages++;
	fc->unseen += !(s.flags & MSG_SEEN);
	fc->max_uid = s.uid;
	ARRAY_PUSH(&c->msgs, (uint64_t)ch->folder << 32 | s.uid);
	if (s.uidl) {
		struct uidl_ref u = { ch->folder, s.uid, s.uidl };
		s.uidl = NULL;
		ARRAY_PUSH(&c->uidls_s, u);
	}
	msg_summary_release(&s);
	c->r->messages++;
}

static void check_chunk_rec(struct check *c, const unsigned char *key, size_t klen,
			    const void *val, size_t vlen)
{
	if (klen != 9) {
		problem(c, _("a summary record has a malformed key"));
		return;
	}
	struct chunk ch;
	chunk_init(&ch);
	ch.folder = be32_get(key + 1);
	ch.base = be32_get(key + 5);
	struct folder_count *fc = find_folder(c, ch.folder);
	const char *why;
	c->r->chunks++;
	if (!fc)
		problem(c, _("summaries of folder %u, which does not exist"), ch.folder);
	else if (chunk_parse(&ch, val, vlen, &why) < 0)
		problem(c, _("folder %s: the summaries from UID %u on are garbled (%s)"),
			fc->f.name, ch.base, why);
	else if (ch.e.n == 0)
		problem(c, _("folder %s: an empty summary record at UID %u"), fc->f.name, ch.base);
	else if (ch.folder == c->last_folder && c->last_uid >= ch.base)
		problem(c, _("folder %s: summary records overlap at UID %u"), fc->f.name, ch.base);
	for (size_t i = 0; fc && i < ch.e.n; i++)
		check_summary(c, fc, &ch, i);
	if (ch.e.n) {
		c->last_folder = ch.folder;
		c->last_uid = ch.e.v[ch.e.n - 1].uid;
	}
	chunk_release(&ch);
}

static void check_uidl_rec(struct check *c, const unsigned char *key, size_t klen,
			   const void *val, size_t vlen)
{
	struct dec d;
	dec_init(&d, val, vlen);
	uint32_t uid = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	if (klen < 6 || d.bad || !dec_done(&d) || memchr(key + 5, '\0', klen - 5)) {
		problem(c, _("a UIDL entry is garbled"));
		return;
	}
	struct uidl_ref u = { be32_get(key + 1), uid, xmemdup(key + 5, klen - 5) };
	ARRAY_PUSH(&c->uidls_u, u);
}

static int check_meta_rec(const void *key, size_t klen, const void *val, size_t vlen,
			  void *aux, struct err *err)
{
	struct check *c = aux;
	const unsigned char *k = key;
	switch (klen ? k[0] : 0xff) {
	case '\0':
		break;
	case 'F':
		check_folder_rec(c, k, klen, val, vlen);
		break;
	case 'N':
		check_name_rec(c, k, klen, val, vlen);
		break;
	case 'S':
		check_chunk_rec(c, k, klen, val, vlen);
		break;
	case 'U':
		check_uidl_rec(c, k, klen, val, vlen);
		break;
	case 'P': {
		struct store_pop3_msg m;
		if (store_pop3_decode(k, klen, val, vlen, &m) < 0)
			problem(c, _("a record of a downloaded POP3 message is garbled"));
		store_pop3_msg_release(&m);
		break;
	}
	default:
		problem(c, _("a record of unknown type"));
	}
	return 0;
}

static int cmp_uidl(const void *x, const void *y)
{
	const struct uidl_ref *a = x, *b = y;
	if (a->folder != b->folder)
		return a->folder < b->folder ? -1 : 1;
	int r = strcmp(a->uidl, b->uidl);
	if (r)
		return r;
	return a->uid < b->uid ? -1 : a->uid > b->uid;
}

static void check_uidls(struct check *c)
{
	if (c->uidls_s.n)
		qsort(c->uidls_s.v, c->uidls_s.n, sizeof *c->uidls_s.v, cmp_uidl);
	if (c->uidls_u.n)
		qsort(c->uidls_u.v, c->uidls_u.n, sizeof *c->uidls_u.v, cmp_uidl);
	size_t i = 0, j = 0;
	while (i < c->uidls_s.n || j < c->uidls_u.n) {
		int d = i == c->uidls_s.n ? 1 : j == c->uidls_u.n ? -1
			: cmp_uidl(&c->uidls_s.v[i], &c->uidls_u.v[j]);
		if (d < 0)
			problem(c, _("folder %u: UID %u has no UIDL entry"), c->uidls_s.v[i].folder,
				c->uidls_s.v[i].uid);
		else if (d > 0)
			problem(c, _("folder %u: the UIDL entry %s points at no such message"),
				c->uidls_u.v[j].folder, c->uidls_u.v[j].uidl);
		i += d <= 0;
		j += d >= 0;
	}
}

static void check_counts(struct check *c)
{
	for (size_t i = 0; i < c->folders.n; i++) {
		struct folder_count *fc = &c->folders.v[i];
		if (!fc->named)
			problem(c, _("folder %s has no name entry"), fc->f.name);
		if (fc->f.n_messages != fc->messages || fc->f.n_unseen != fc->unseen)
			problem(c, _("folder %s: the counters say %u messages (%u unseen), the "
				     "summaries %u (%u)"), fc->f.name, fc->f.n_messages,
				fc->f.n_unseen, fc->messages, fc->unseen);
		if (fc->messages && fc->f.next_local_id <= fc->max_uid && fc->max_uid < UINT32_MAX)
			problem(c, _("folder %s: the next local id %u is not above UID %u"),
				fc->f.name, fc->f.next_local_id, fc->max_uid);
	}
}

static bool have_msg(const struct check *c, uint32_t folder, uint32_t uid)
{
	uint64_t want = (uint64_t)folder << 32 | uid;
	size_t lo = 0, hi = c->msgs.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (c->msgs.v[mid] == want)
			return true;
		if (c->msgs.v[mid] < want)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int check_body_rec(const void *key, size_t klen, const void *val, size_t vlen,
			  void *aux, struct err *err)
{
	struct check *c = aux;
	const unsigned char *k = key;
	if (klen && k[0] == '\0')
		return 0;
	if (klen != 13 || k[0] != 'B' || vlen < 1 || *(const unsigned char *)val != 1) {
		problem(c, _("a message body record is garbled"));
		return 0;
	}
	c->r->bodies++;
	uint32_t folder = be32_get(k + 1);
	struct folder_count *fc = find_folder(c, folder);
	if (!fc || fc->f.epoch != be32_get(k + 5) || !have_msg(c, folder, be32_get(k + 9)))
		c->r->orphan_bodies++;
	return 0;
}

static int check_queue_rec(const void *key, size_t klen, const void *val, size_t vlen,
			   void *aux, struct err *err)
{
	struct check *c = aux;
	const unsigned char *k = key;
	if (klen && k[0] == '\0')
		return 0;
	uint64_t id = klen == 9 ? be64_get(k + 1) : 0;
	char tag = klen ? (char)k[0] : 0;
	if (!id || !strchr("JjOo", tag) || tag == '\0') {
		problem(c, _("a record of unknown type"));
		return 0;
	}
	if (tag == 'J' || tag == 'O') {
		struct store_op op;
		struct store_outbox_entry e;
		bool ok = tag == 'J' ? op_decode(val, vlen, id, &op) == 0
				     : outbox_decode(val, vlen, id, &e) == 0;
		if (!ok) {
			problem(c, tag == 'J' ? _("the journal entry %llu is garbled")
					      : _("the outbox entry %llu is garbled"),
				(unsigned long long)id);
			return 0;
		}
		if (tag == 'J') {
			store_op_release(&op);
			c->r->journal++;
		} else {
			store_outbox_entry_release(&e);
			c->r->outbox++;
		}
		ARRAY_PUSH(&c->queue_recs, (uint64_t)(tag == 'J' ? 'j' : 'o') << 56 | id);
	} else {
		if (vlen < 1 || *(const unsigned char *)val != 1)
			problem(c, _("message %llu of the queue is garbled"), (unsigned long long)id);
		ARRAY_PUSH(&c->queue_msgs, (uint64_t)tag << 56 | id);
	}
	return 0;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
	return a < b ? -1 : a > b;
}

/* Every outbox entry needs its message; a journal entry only for appends,
 * so only stray messages are reported there. */
static void check_queue_pairs(struct check *c)
{
	if (c->queue_recs.n)
		qsort(c->queue_recs.v, c->queue_recs.n, sizeof(uint64_t), cmp_u64);
	if (c->queue_msgs.n)
		qsort(c->queue_msgs.v, c->queue_msgs.n, sizeof(uint64_t), cmp_u64);
	for (size_t i = 0; i < c->queue_msgs.n; i++)
		if (!bsearch(&c->queue_msgs.v[i], c->queue_recs.v, c->queue_recs.n,
			     sizeof(uint64_t), cmp_u64))
			problem(c, _("a queued message (%llu) without its entry"),
				(unsigned long long)(c->queue_msgs.v[i] & 0xffffffffffffffull));
	for (size_t i = 0; i < c->queue_recs.n; i++)
		if ((c->queue_recs.v[i] >> 56) == 'o' &&
		    !bsearch(&c->queue_recs.v[i], c->queue_msgs.v, c->queue_msgs.n,
			     sizeof(uint64_t), cmp_u64))
			problem(c, _("the outbox entry %llu has no message"),
				(unsigned long long)(c->queue_recs.v[i] & 0xffffffffffffffull));
}

static void check_release(struct check *c)
{
	for (size_t i = 0; i < c->folders.n; i++)
		store_folder_release(&c->folders.v[i].f);
	ARRAY_RELEASE(&c->folders);
	ARRAY_RELEASE(&c->msgs);
	for (size_t i = 0; i < c->uidls_s.n; i++)
		free(c->uidls_s.v[i].uidl);
	for (size_t i = 0; i < c->uidls_u.n; i++)
		free(c->uidls_u.v[i].uidl);
	ARRAY_RELEASE(&c->uidls_s);
	ARRAY_RELEASE(&c->uidls_u);
	ARRAY_RELEASE(&c->queue_msgs);
	ARRAY_RELEASE(&c->queue_recs);
	buf_release(&c->keys);
	ARRAY_RELEASE(&c->seen);
}

static kv_scan_fn *const checkers[FILE_COUNT] = { check_meta_rec, check_body_rec,
						  check_queue_rec };

static int remember_key(const void *key, size_t klen, const void *val, size_t vlen, void *aux,
			struct err *err)
{
	struct check *c = aux;
	struct seen_key k = { c->keys.len, klen, vlen };
	buf_add(&c->keys, key, klen);
	ARRAY_PUSH(&c->seen, k);
	return c->inner ? c->inner(key, klen, val, vlen, aux, err) : 0;
}

/* Looks every key up again; for bodies (scanned keys only, to read each
 * value once) this is where their records are checked. */
static void lookup_keys(struct check *c, struct kv *kv, enum store_file f)
{
	struct buf val = BUF_INIT;
	struct err e = ERR_INIT;
	unsigned lost = 0;
	for (size_t i = 0; i < c->seen.n; i++) {
		const struct seen_key *k = &c->seen.v[i];
		const char *key = c->keys.data + k->off;
		int r = kv_get(kv, key, k->klen, &val, &e);
		if (r < 0) {
			problem(c, _("a record cannot be read: %s"), err_msg(&e));
			err_clear(&e);
		} else if (r == 0 || (f != FILE_BODIES && val.len != k->vlen)) {
			lost++;
		} else if (f == FILE_BODIES) {
			check_body_rec(key, k->klen, val.data, val.len, c, NULL);
		}
	}
	if (lost)
		problem(c, ngettext("%u record cannot be found by its key (the file's index is "
				    "damaged)",
				    "%u records cannot be found by their key (the file's index is "
				    "damaged)", lost), lost);
	buf_release(&val);
}

static int check_file(struct check *c, enum store_file f, struct err *err)
{
	struct kv *kv = c->a->kv[f];
	if (!kv) {
		ARRAY_PUSH(&c->r->problems, xasprintf(_("account %s: the %s file could not be "
							"opened"), c->a->name, store_file_name(f)));
		return 0;
	}
	c->path = kv_path(kv);
	struct kv_stats st;
	if (kv_stats(kv, &st, err) == 0)
		c->r->bytes += st.file_bytes;
	buf_reset(&c->keys);
	c->seen.n = 0;
	c->inner = f == FILE_BODIES ? NULL : checkers[f];
	struct err scan_err = ERR_INIT;
	if (kv_scan(kv, NULL, 0, NULL, 0, f == FILE_BODIES ? KV_SCAN_KEYS : 0, remember_key, c,
		    &scan_err) < 0) {
		/* The engine itself could not go on: that is damage, not a failed check. */
		problem(c, _("reading stopped: %s"), err_msg(&scan_err));
		err_clear(&scan_err);
	}
	lookup_keys(c, kv, f);
	if (f == FILE_META) {
		check_uidls(c);
		check_counts(c);
	} else if (f == FILE_QUEUE) {
		check_queue_pairs(c);
	}
	return 0;
}

void store_check_report_release(struct store_check_report *r)
{
	store_names_release(&r->problems);
	store_names_release(&r->notes);
	memset(r, 0, sizeof *r);
}

int store_check(struct store_acct *a, struct store_check_report *r, struct err *err)
{
	if (a->group)
		return err_set(err, ERR_USAGE, "store_check inside a transaction");
	struct check c = { .a = a, .r = r };
	int ret = 0;
	for (int f = 0; f < FILE_COUNT && ret == 0; f++)
		ret = check_file(&c, (enum store_file)f, err);
	if (c.n_problems > MAX_PROBLEMS)
		ARRAY_PUSH(&r->problems, xasprintf(ngettext("... and %u more problem",
							     "... and %u more problems",
							     c.n_problems - MAX_PROBLEMS),
						   c.n_problems - MAX_PROBLEMS));
	if (r->orphan_bodies && !a->primary)
		ARRAY_PUSH(&r->notes, xasprintf(ngettext("%u stored body belongs to no message "
							 "(left by an interrupted download or a "
							 "cleared folder; 'postie store compact' "
							 "removes it)",
							 "%u stored bodies belong to no message "
							 "(left by an interrupted download or a "
							 "cleared folder; 'postie store compact' "
							 "removes them)", r->orphan_bodies),
						r->orphan_bodies));
	else if (r->orphan_bodies)
		ARRAY_PUSH(&r->notes, xasprintf(ngettext("%u stored body belongs to no message "
							 "(left by an interrupted download, whose "
							 "message is still on the server); it is kept",
							 "%u stored bodies belong to no message "
							 "(left by an interrupted download, whose "
							 "message is still on the server); they are "
							 "kept", r->orphan_bodies),
						r->orphan_bodies));
	check_release(&c);
	return ret;
}
