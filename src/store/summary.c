#include "common.h"

#include "store/summary.h"

void msg_summary_init(struct msg_summary *s)
{
	memset(s, 0, sizeof *s);
}

void msg_summary_release(struct msg_summary *s)
{
	free(s->from);
	free(s->to);
	free(s->cc);
	free(s->subject);
	free(s->message_id);
	free(s->in_reply_to);
	free(s->references);
	free(s->uidl);
	for (size_t i = 0; i < s->n_keywords; i++)
		free(s->keywords[i]);
	free(s->keywords);
	msg_summary_init(s);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

void msg_summary_copy(struct msg_summary *dst, const struct msg_summary *src)
{
	if (dst == src)
		return;
	msg_summary_release(dst);
	*dst = *src;
	dst->from = dup_or_null(src->from);
	dst->to = dup_or_null(src->to);
	dst->cc = dup_or_null(src->cc);
	dst->subject = dup_or_null(src->subject);
	dst->message_id = dup_or_null(src->message_id);
	dst->in_reply_to = dup_or_null(src->in_reply_to);
	dst->references = dup_or_null(src->references);
	dst->uidl = dup_or_null(src->uidl);
	dst->keywords = NULL;
	dst->n_keywords = 0;
	for (size_t i = 0; i < src->n_keywords; i++)
		msg_summary_add_keyword(dst, src->keywords[i]);
}

void msg_summary_set(char **field, const char *value)
{
	char *v = dup_or_null(value);
	free(*field);
	*field = v;
}

bool msg_summary_has_keyword(const struct msg_summary *s, const char *kw)
{
	for (size_t i = 0; i < s->n_keywords; i++)
		if (strcmp(s->keywords[i], kw) == 0)
			return true;
	return false;
}

void msg_summary_add_keyword(struct msg_summary *s, const char *kw)
{
	if (!kw || !*kw || msg_summary_has_keyword(s, kw))
		return;
	s->keywords = xreallocarray(s->keywords, s->n_keywords + 1, sizeof *s->keywords);
	s->keywords[s->n_keywords++] = xstrdup(kw);
}

static bool str_same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

bool msg_summary_equal(const struct msg_summary *a, const struct msg_summary *b)
{
	if (a->uid != b->uid || a->flags != b->flags || a->has_attachment != b->has_attachment ||
	    a->size != b->size || a->date != b->date || a->internaldate != b->internaldate ||
	    a->modseq != b->modseq || a->n_keywords != b->n_keywords)
		return false;
	if (!str_same(a->from, b->from) || !str_same(a->to, b->to) || !str_same(a->cc, b->cc) ||
	    !str_same(a->subject, b->subject) || !str_same(a->message_id, b->message_id) ||
	    !str_same(a->in_reply_to, b->in_reply_to) || !str_same(a->references, b->references) ||
	    !str_same(a->uidl, b->uidl))
		return false;
	for (size_t i = 0; i < a->n_keywords; i++)
		if (!str_same(a->keywords[i], b->keywords[i]))
			return false;
	return true;
}
