/* The binary form of one summary inside a chunk (meta format 2):
 *   uvar uid, uvar flags, uvar xflags (bit 0: has_attachment), uvar size,
 *   svar date, svar internaldate, uvar modseq,
 *   str from, to, cc, subject, message_id, in_reply_to, references, uidl,
 *   uvar n_keywords, str keyword...
 * The uid comes first so that it can be read without decoding the rest. */
#include "common.h"

#include "store/store-private.h"

#define XFLAG_ATTACHMENT 1u
#define MAX_KEYWORDS 1024

void summary_encode_strings(struct buf *b, const struct msg_summary *s)
{
	enc_str(b, s->from);
	enc_str(b, s->to);
	enc_str(b, s->cc);
	enc_str(b, s->subject);
	enc_str(b, s->message_id);
	enc_str(b, s->in_reply_to);
	enc_str(b, s->references);
	enc_str(b, s->uidl);
}

void summary_encode(struct buf *b, const struct msg_summary *s)
{
	enc_uvar(b, s->uid);
	enc_uvar(b, s->flags);
	enc_uvar(b, s->has_attachment ? XFLAG_ATTACHMENT : 0);
	enc_uvar(b, s->size);
	enc_svar(b, s->date);
	enc_svar(b, s->internaldate);
	enc_uvar(b, s->modseq);
	summary_encode_strings(b, s);
	size_t nk = 0;
	for (size_t i = 0; i < s->n_keywords; i++)
		nk += s->keywords[i] && *s->keywords[i];
	enc_uvar(b, nk);
	for (size_t i = 0; i < s->n_keywords; i++)
		if (s->keywords[i] && *s->keywords[i])
			enc_str(b, s->keywords[i]);
}

static struct str_slice view_str(struct dec *d, bool strict)
{
	struct str_slice sl;
	sl.p = dec_str(d, &sl.n);
	if (strict && memchr(sl.p, '\0', sl.n))
		d->bad = true;
	return sl;
}

int summary_view_decode(const void *p, size_t n, bool strict, struct summary_view *v)
{
	struct dec d;
	dec_init(&d, p, n);
	v->uid = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	v->flags = (uint32_t)dec_uvar_max(&d, MSG_FLAGS_ALL);
	uint64_t x = dec_uvar_max(&d, XFLAG_ATTACHMENT);
	v->has_attachment = x & XFLAG_ATTACHMENT;
	v->size = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	v->date = dec_svar(&d);
	v->internaldate = dec_svar(&d);
	v->modseq = dec_uvar(&d);
	v->from = view_str(&d, strict);
	v->to = view_str(&d, strict);
	v->cc = view_str(&d, strict);
	v->subject = view_str(&d, strict);
	v->message_id = view_str(&d, strict);
	v->in_reply_to = view_str(&d, strict);
	v->references = view_str(&d, strict);
	v->uidl = view_str(&d, strict);
	v->n_keywords = (size_t)dec_uvar_max(&d, MAX_KEYWORDS);
	v->keywords = d;
	for (size_t i = 0; i < v->n_keywords && !d.bad; i++)
		if (view_str(&d, strict).n == 0)
			d.bad = true;
	if (d.bad || !dec_done(&d) || v->uid == 0)
		return -1;
	return 0;
}

struct str_slice summary_view_keyword(struct summary_view *v)
{
	return view_str(&v->keywords, false);
}

static char *slice_dup(struct str_slice sl)
{
	return sl.n ? xmemdup(sl.p, sl.n) : NULL;
}

int summary_decode(const void *p, size_t n, struct msg_summary *s)
{
	struct summary_view v;
	if (summary_view_decode(p, n, true, &v) < 0)
		return -1;
	s->uid = v.uid;
	s->flags = v.flags;
	s->has_attachment = v.has_attachment;
	s->size = v.size;
	s->date = v.date;
	s->internaldate = v.internaldate;
	s->modseq = v.modseq;
	s->from = slice_dup(v.from);
	s->to = slice_dup(v.to);
	s->cc = slice_dup(v.cc);
	s->subject = slice_dup(v.subject);
	s->message_id = slice_dup(v.message_id);
	s->in_reply_to = slice_dup(v.in_reply_to);
	s->references = slice_dup(v.references);
	s->uidl = slice_dup(v.uidl);
	for (size_t i = 0; i < v.n_keywords; i++) {
		struct str_slice kw = summary_view_keyword(&v);
		char *k = slice_dup(kw);
		msg_summary_add_keyword(s, k);
		free(k);
	}
	return 0;
}

uint32_t summary_peek_uid(const void *p, size_t n)
{
	struct dec d;
	dec_init(&d, p, n);
	uint32_t uid = (uint32_t)dec_uvar_max(&d, UINT32_MAX);
	return d.bad ? 0 : uid;
}
