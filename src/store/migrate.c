/* Upgrading the meta file from older formats, in place, in one transaction.
 *
 * Format 1 kept one record per message:
 *   'M' folder32 uid32 -> uvar flags, svar date, uvar size,
 *                         str from, to, cc, subject, message_id, in_reply_to,
 *                         references, uidl, u8 has_attachment
 * (no INTERNALDATE, MODSEQ or keywords), folder records without counters, and
 * no UIDL index. Loading a large folder meant one record per message, which
 * is what format 2's chunks fix. */
#include "common.h"

#include "store/store-private.h"
#include "util/err.h"

void summary_v1_encode(struct buf *b, const struct msg_summary *s)
{
	enc_uvar(b, s->flags);
	enc_svar(b, s->date);
	enc_uvar(b, s->size);
	summary_encode_strings(b, s);
	enc_u8(b, s->has_attachment);
}

int summary_v1_decode(const void *p, size_t n, struct msg_summary *s)
{
	struct dec d;
	dec_init(&d, p, n);
	s->flags = (uint32_t)dec_uvar_max(&d, MSG_FLAGS_ALL);
	s->date = dec_svar(&d);
	s->size = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	s->from = dec_strdup(&d);
	s->to = dec_strdup(&d);
	s->cc = dec_strdup(&d);
	s->subject = dec_strdup(&d);
	s->message_id = dec_strdup(&d);
	s->in_reply_to = dec_strdup(&d);
	s->references = dec_strdup(&d);
	s->uidl = dec_strdup(&d);
	uint8_t att = dec_u8(&d);
	s->has_attachment = att == 1;
	if (d.bad || !dec_done(&d) || att > 1) {
		msg_summary_release(s);
		return -1;
	}
	return 0;
}


static int collect_folder(const void *key, size_t klen, const void *val, size_t vlen,
			  void *aux, struct err *err)
{
	store_folders *fs = aux;
	struct store_folder f;
	if (folder_decode(val, vlen, &f, false) < 0)
		return err_set(err, ERR_STORE, _("a folder record is garbled"));
	ARRAY_PUSH(fs, f);
	return 0;
}

typedef ARRAY(struct msg_summary) summary_array;

static int collect_summary(const void *key, size_t klen, const void *val, size_t vlen,
			   void *aux, struct err *err)
{
	summary_array *msgs = aux;
	struct msg_summary s;
	msg_summary_init(&s);
	uint32_t uid = klen == 9 ? be32_get((const char *)key + 5) : 0;
	if (!uid || summary_v1_decode(val, vlen, &s) < 0)
		return err_set(err, ERR_STORE, _("the summary of UID %u is garbled"), uid);
	s.uid = uid;
	ARRAY_PUSH(msgs, s);
	return 0;
}

static void release_summaries(summary_array *msgs)
{
	for (size_t i = 0; i < msgs->n; i++)
		msg_summary_release(&msgs->v[i]);
	msgs->n = 0;
}

/* One folder: its record in the new form, its summaries into chunks. */
static int migrate_folder(struct store_acct *a, struct kv *kv, struct store_folder *f,
			  struct err *err)
{
	f->n_messages = f->n_unseen = 0;
	if (folder_save(a, f, err) < 0)
		return -1;
	unsigned char prefix[5] = { 'M' };
	be32_put(prefix + 1, f->id);
	summary_array msgs = ARRAY_INIT;
	int r = kv_scan(kv, prefix, 5, NULL, 0, 0, collect_summary, &msgs, err);
	if (r == 0 && msgs.n)
		r = store_msg_put(a, f->id, msgs.v, msgs.n, err);
	struct buf key = BUF_INIT;
	for (size_t i = 0; i < msgs.n && r >= 0; i++) {
		buf_reset(&key);
		buf_add(&key, prefix, 5);
		enc_be32(&key, msgs.v[i].uid);
		r = kv_del(kv, key.data, key.len, err);
	}
	buf_release(&key);
	release_summaries(&msgs);
	ARRAY_RELEASE(&msgs);
	return r < 0 ? -1 : 0;
}

static int migrate_1_to_2(struct store_acct *a, struct err *err)
{
	struct kv *kv = a->kv[FILE_META];
	store_folders fs = ARRAY_INIT;
	int r = kv_scan(kv, "F", 1, NULL, 0, 0, collect_folder, &fs, err);
	for (size_t i = 0; i < fs.n && r == 0; i++)
		r = migrate_folder(a, kv, &fs.v[i], err);
	store_folders_release(&fs);
	return r;
}

int migrate_meta(struct store_acct *a, uint32_t from_version, struct err *err)
{
	if (from_version != 1)
		return err_set(err, ERR_STORE, _("no upgrade from format %u"), from_version);
	/* The meta file is open and inside the caller's transaction; the store
	 * functions used here write to it alone. */
	bool group = a->group;
	a->group = true;
	int r = migrate_1_to_2(a, err);
	a->group = group;
	return r;
}
