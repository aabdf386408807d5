/* Forwards (inline or as an attachment) and reading a message back into a
 * struct msg_compose (a postponed draft, or a message to edit again). */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/strutil.h"

/* The decoded value of a header field of raw, or NULL. */
static char *field_text(const struct msg_hfields *h, const char *name)
{
	const struct msg_hfield *f = msg_headers_find(h, name);
	return f ? msg_header_decode(f->value, f->value_len) : NULL;
}

static void header_line(struct buf *body, const char *label, const char *value)
{
	if (value && *value)
		buf_addf(body, "%s: %s\n", label, value);
}

static void addr_line(struct buf *body, const char *label, const struct msg_addr_list *l)
{
	char *s = msg_addr_list_format(l);
	header_line(body, label, s);
	free(s);
}

/* Whether part p of m is an attachment rather than the text being shown. */
static bool is_attachment(const struct msg_part *p)
{
	if (p->container)
		return false;
	if (p->disposition && strcmp(p->disposition, "attachment") == 0)
		return true;
	if (p->filename)
		return true;
	return !str_startswith(p->type, "text/") && !str_startswith(p->type, "multipart/");
}

/* Attaches the parts of m that are attachments, an embedded message as a
 * whole (its own parts go with it); skip is a part to leave out (-1: none). */
static void attach_parts(struct msg_compose *c, const struct msg *m, long skip)
{
	unsigned inside = 0;            /* depth of an attached message whose parts follow */
	bool in_message = false;
	for (size_t i = 1; i < msg_part_count(m); i++) {
		const struct msg_part *p = msg_part(m, i);
		if (in_message && p->depth > inside)
			continue;
		in_message = false;
		if ((long)i == skip || !is_attachment(p))
			continue;
		struct buf data = BUF_INIT;
		msg_part_decode(m, p, &data);
		struct msg_compose_part *q = msg_compose_attach_data(c, data.data, data.len,
								     p->filename, p->type);
		if (p->description)
			q->description = xstrdup(p->description);
		buf_release(&data);
		if (p->message) {
			in_message = true;
			inside = p->depth;
		}
	}
}

void msg_compose_forward(struct msg_compose *c, const char *raw, size_t len, bool as_attachment,
			 const struct msg_reply_opts *o)
{
	msg_compose_init(c);
	struct msg_envelope env;
	msg_envelope_parse(raw, len, &env);
	c->from = msg_identity_format(o->id);
	c->subject = msg_subject_with_prefix(env.subject, true);
	if (as_attachment) {
		struct msg_compose_part *p = msg_compose_attach_data(c, raw, len, NULL,
								     "message/rfc822");
		if (env.subject)
			p->description = xstrdup(env.subject);
	} else {
		struct msg_hfields h = ARRAY_INIT;
		msg_headers_split(raw, len, &h);
		char *from = msg_addr_list_format(&env.from);
		buf_addf(&c->body, "\n----- %s -----\n", *from ? from : _("Forwarded message"));
		free(from);
		char *date = field_text(&h, "date");
		header_line(&c->body, "Date", date);
		free(date);
		addr_line(&c->body, "From", &env.from);
		addr_line(&c->body, "To", &env.to);
		addr_line(&c->body, "Cc", &env.cc);
		header_line(&c->body, "Subject", env.subject);
		buf_addc(&c->body, '\n');
		msg_text_for_quote(raw, len, &c->body);
		buf_adds(&c->body, "\n----- End forwarded message -----\n");
		ARRAY_RELEASE(&h);
		struct msg *m = msg_parse(raw, len);
		attach_parts(c, m, -1);
		msg_free(&m);
	}
	msg_compose_add_signature(c, o->signature);
	msg_envelope_release(&env);
}

/* ---- reading a message back ---- */

/* Fields that come with the message or that postie writes itself: not
 * carried into the copy being edited. */
static const char *const dropped[] = {
	"date", "message-id", "mime-version", "from", "to", "cc", "bcc", "reply-to",
	"subject", "in-reply-to", "references", "user-agent", "received", "return-path",
	"delivered-to", "x-original-to", "dkim-signature", "authentication-results", "status",
	"x-status", "x-keywords", "x-uid", "lines", "content-length", NULL,
};

static bool keep_field(const struct msg_hfield *f)
{
	if (f->name_len >= 8 && str_ncasecmp(f->name, "content-", 8) == 0)
		return false;
	if (f->name_len >= 4 && str_ncasecmp(f->name, "arc-", 4) == 0)
		return false;
	for (size_t i = 0; dropped[i]; i++)
		if (msg_name_is(f, dropped[i]))
			return false;
	return true;
}

static char *addr_field(const struct msg_hfields *h, const char *name)
{
	const struct msg_hfield *f = msg_headers_find(h, name);
	if (!f)
		return NULL;
	struct msg_addr_list l = ARRAY_INIT;
	msg_addr_list_parse(f->value, f->value_len, &l);
	char *s = l.n ? msg_addr_list_format_input(&l) : NULL;
	msg_addr_list_release(&l);
	return s;
}

static void read_headers(struct msg_compose *c, const char *raw, size_t len)
{
	struct msg_hfields h = ARRAY_INIT;
	msg_headers_split(raw, len, &h);
	c->from = addr_field(&h, "from");
	c->to = addr_field(&h, "to");
	c->cc = addr_field(&h, "cc");
	c->bcc = addr_field(&h, "bcc");
	c->reply_to = addr_field(&h, "reply-to");
	c->subject = field_text(&h, "subject");
	struct msg_str_list ids = ARRAY_INIT;
	const struct msg_hfield *f;
	if ((f = msg_headers_find(&h, "message-id")))
		msg_ids_parse(f->value, f->value_len, &ids, 1);
	if (ids.n)
		c->message_id = xstrdup(ids.v[0]);
	msg_str_list_release(&ids);
	if ((f = msg_headers_find(&h, "in-reply-to")))
		msg_ids_parse(f->value, f->value_len, &ids, 1);
	if (ids.n)
		c->in_reply_to = xstrdup(ids.v[0]);
	msg_str_list_release(&ids);
	if ((f = msg_headers_find(&h, "references")))
		msg_ids_parse(f->value, f->value_len, &c->references, 1000);
	for (size_t i = 0; i < h.n; i++) {
		if (!keep_field(&h.v[i]))
			continue;
		char *v = msg_header_decode(h.v[i].value, h.v[i].value_len);
		ARRAY_PUSH(&c->headers, xasprintf("%.*s: %s", (int)h.v[i].name_len, h.v[i].name, v));
		free(v);
	}
	ARRAY_RELEASE(&h);
}

/* The body: the first text/plain part that is no attachment, as UTF-8 with
 * LF line ends. Returns its index, or -1. */
static long read_body(struct msg_compose *c, const struct msg *m)
{
	for (size_t i = 1; i < msg_part_count(m); i++) {
		const struct msg_part *p = msg_part(m, i);
		if (p->container || p->message || strcmp(p->type, "text/plain") != 0 ||
		    is_attachment(p))
			continue;
		struct buf bytes = BUF_INIT, text = BUF_INIT;
		msg_part_decode(m, p, &bytes);
		msg_charset_to_utf8(msg_params_get(&p->params, "charset"), bytes.data ? bytes.data : "",
				    bytes.len, &text, NULL);
		for (size_t k = 0; k < text.len; k++)
			if (!(text.data[k] == '\r' && k + 1 < text.len && text.data[k + 1] == '\n'))
				buf_addc(&c->body, text.data[k]);
		buf_release(&bytes);
		buf_release(&text);
		return (long)i;
	}
	return -1;
}

void msg_compose_from_message(struct msg_compose *c, const char *raw, size_t len)
{
	msg_compose_init(c);
	read_headers(c, raw, len);
	struct msg *m = msg_parse(raw, len);
	long body = read_body(c, m);
	attach_parts(c, m, body);
	msg_free(&m);
}
