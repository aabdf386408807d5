/* Envelopes: the summary of a message from its header block. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/strutil.h"

void msg_ids_parse(const char *s, size_t len, struct msg_str_list *out, size_t max)
{
	size_t i = 0;
	bool angles = memchr(s, '<', len) != NULL;
	while (i < len && out->n < max) {
		if (angles) {
			const char *lt = memchr(s + i, '<', len - i);
			if (!lt)
				break;
			size_t start = (size_t)(lt - s) + 1;
			const char *gt = memchr(s + start, '>', len - start);
			size_t end = gt ? (size_t)(gt - s) : len;
			char *id = msg_text_clean(s + start, end - start);
			if (*id && !strpbrk(id, " <"))
				ARRAY_PUSH(out, id);
			else
				free(id);
			i = gt ? end + 1 : len;
		} else {
			while (i < len && msg_is_space(s[i]))
				i++;
			size_t start = i;
			while (i < len && !msg_is_space(s[i]))
				i++;
			if (i > start)
				ARRAY_PUSH(out, msg_text_clean(s + start, i - start));
		}
	}
}

static char *first_id(const char *s, size_t len)
{
	struct msg_str_list ids = ARRAY_INIT;
	msg_ids_parse(s, len, &ids, 1);
	char *id = ids.n ? ids.v[0] : NULL;
	ARRAY_RELEASE(&ids);
	return id;
}

/* Whether the top-level Content-Type suggests attachments. */
static bool attachment_type(const char *s, size_t len)
{
	char *type = NULL;
	struct msg_params params = ARRAY_INIT;
	msg_params_parse(s, len, &type, &params);
	bool r = str_startswith(type, "multipart/mixed") || str_startswith(type, "multipart/report") ||
		 str_startswith(type, "application/") || str_startswith(type, "image/") ||
		 str_startswith(type, "audio/") || str_startswith(type, "video/") ||
		 str_startswith(type, "message/");
	free(type);
	msg_params_release(&params);
	return r;
}

static void take_field(const struct msg_hfield *f, struct msg_envelope *env)
{
	const char *v = f->value;
	size_t n = f->value_len;
	if (msg_name_is(f, "from")) {
		msg_addr_list_parse(v, n, &env->from);
	} else if (msg_name_is(f, "to")) {
		msg_addr_list_parse(v, n, &env->to);
	} else if (msg_name_is(f, "cc")) {
		msg_addr_list_parse(v, n, &env->cc);
	} else if (msg_name_is(f, "reply-to")) {
		msg_addr_list_parse(v, n, &env->reply_to);
	} else if (msg_name_is(f, "subject")) {
		if (!env->subject)
			env->subject = msg_header_decode(v, n);
	} else if (msg_name_is(f, "date")) {
		if (!env->has_date)
			env->has_date = msg_date_parse(v, n, &env->date, &env->zone) == 0;
	} else if (msg_name_is(f, "message-id")) {
		if (!env->message_id)
			env->message_id = first_id(v, n);
	} else if (msg_name_is(f, "in-reply-to")) {
		if (!env->in_reply_to)
			env->in_reply_to = first_id(v, n);
	} else if (msg_name_is(f, "references")) {
		if (!env->references.n)
			msg_ids_parse(v, n, &env->references, 10000);
	} else if (msg_name_is(f, "content-type")) {
		env->has_attachment |= attachment_type(v, n);
	} else if (msg_name_is(f, "x-ms-has-attach")) {
		struct buf b = BUF_INIT;
		msg_unfold(v, n, &b);
		env->has_attachment |= str_casecmp(buf_cstr(&b), "yes") == 0;
		buf_release(&b);
	}
}

void msg_envelope_parse(const char *headers, size_t len, struct msg_envelope *out)
{
	memset(out, 0, sizeof *out);
	struct msg_hfields fields = ARRAY_INIT;
	msg_headers_split(headers, len, &fields);
	for (size_t i = 0; i < fields.n; i++)
		take_field(&fields.v[i], out);
	if (!out->has_date) {
		out->date = 0;
		out->zone = 0;
	}
	ARRAY_RELEASE(&fields);
}

void msg_envelope_release(struct msg_envelope *env)
{
	msg_addr_list_release(&env->from);
	msg_addr_list_release(&env->to);
	msg_addr_list_release(&env->cc);
	msg_addr_list_release(&env->reply_to);
	free(env->subject);
	free(env->message_id);
	free(env->in_reply_to);
	msg_str_list_release(&env->references);
	memset(env, 0, sizeof *env);
}

void msg_str_list_release(struct msg_str_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	ARRAY_RELEASE(l);
}
