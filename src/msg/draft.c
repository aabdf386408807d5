/* The text the user edits in $EDITOR: optional headers, a blank line, the
 * body; and reading it back. */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/err.h"
#include "util/sanitize.h"
#include "util/strutil.h"

static void line(struct buf *out, const char *name, const char *value)
{
	buf_addf(out, "%s: %s\n", name, value ? value : "");
}

void msg_compose_to_text(const struct msg_compose *c, bool with_headers, struct buf *out)
{
	if (with_headers) {
		line(out, "From", c->from);
		line(out, "To", c->to);
		line(out, "Cc", c->cc);
		line(out, "Bcc", c->bcc);
		line(out, "Subject", c->subject);
		line(out, "Reply-To", c->reply_to);
		for (size_t i = 0; i < c->headers.n; i++)
			buf_addf(out, "%s\n", c->headers.v[i]);
		for (size_t i = 0; i < c->parts.n; i++)
			if (c->parts.v[i].path)
				line(out, "Attach", c->parts.v[i].path);
		buf_addc(out, '\n');
	}
	buf_add(out, c->body.data ? c->body.data : "", c->body.len);
}

/* One header line of the edited text, unfolded. */
struct hline {
	char *name;
	char *value;
	unsigned lineno;
};

typedef ARRAY(struct hline) hlines;

static void hlines_release(hlines *h)
{
	for (size_t i = 0; i < h->n; i++) {
		free(h->v[i].name);
		free(h->v[i].value);
	}
	ARRAY_RELEASE(h);
}

/* Splits text into header lines and the body. Returns the offset of the
 * body, or -1 (ERR_INPUT) for a line in the header block that is no header.
 * When the first line is no header at all, everything is the body. */
static long split_headers(const char *s, size_t len, hlines *h, struct err *err)
{
	size_t i = 0;
	unsigned lineno = 0;
	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - s) : len;
		size_t next = nl ? end + 1 : len;
		char *l = xstrndup(s + i, end - i);
		lineno++;
		str_rtrim(l);
		if (!*l) {
			free(l);
			return (long)next;
		}
		if ((l[0] == ' ' || l[0] == '\t') && h->n) {
			struct hline *last = &h->v[h->n - 1];
			char *v = xasprintf("%s %s", last->value, str_ltrim(l));
			free(last->value);
			last->value = v;
		} else if (msg_field_name_len(l)) {
			size_t n = msg_field_name_len(l);
			struct hline hl = { xstrndup(l, n), xstrdup(str_ltrim(l + n + 1)), lineno };
			ARRAY_PUSH(h, hl);
		} else if (lineno == 1) {
			free(l);
			return 0;
		} else {
			err_set(err, ERR_INPUT, _("line %u: '%s' is not a header (Name: value); leave a "
						  "blank line between the headers and the text"), lineno, l);
			free(l);
			return -1;
		}
		free(l);
		i = next;
	}
	return (long)len;
}

static char **field_of(struct msg_compose *c, const char *name)
{
	static const struct { const char *name; size_t off; } fields[] = {
		{ "from", offsetof(struct msg_compose, from) },
		{ "to", offsetof(struct msg_compose, to) },
		{ "cc", offsetof(struct msg_compose, cc) },
		{ "bcc", offsetof(struct msg_compose, bcc) },
		{ "reply-to", offsetof(struct msg_compose, reply_to) },
		{ "subject", offsetof(struct msg_compose, subject) },
		{ "in-reply-to", offsetof(struct msg_compose, in_reply_to) },
	};
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (str_casecmp(fields[i].name, name) == 0)
			return (char **)((char *)c + fields[i].off);
	return NULL;
}

static char *expand_home(const char *path)
{
	const char *home = getenv("HOME");
	if (path[0] == '~' && path[1] == '/' && home)
		return xasprintf("%s%s", home, path + 1);
	return xstrdup(path);
}

/* Applies the header lines to n (a copy of the message being edited). */
static int apply(struct msg_compose *n, const hlines *h, struct err *err)
{
	/* A deleted line clears its field; but a message always has a sender,
	 * so From stays what it was unless a From line says otherwise. */
	static const char *const cleared[] = { "to", "cc", "bcc", "reply-to", "subject" };
	for (size_t i = 0; i < ARRAY_SIZE(cleared); i++)
		FREE(field_of(n, cleared[i]));
	msg_str_list_release(&n->headers);
	for (size_t i = 0; i < n->parts.n; i++)     /* file attachments come from Attach: */
		if (n->parts.v[i].path) {
			struct msg_compose_part *p = &n->parts.v[i];
			msg_compose_part_release(p);
			memmove(p, p + 1, (n->parts.n - i - 1) * sizeof *p);
			n->parts.n--;
			i--;
		}
	for (size_t i = 0; i < h->n; i++) {
		const struct hline *l = &h->v[i];
		char **f = field_of(n, l->name);
		if (str_casecmp(l->name, "attach") == 0) {
			if (*l->value) {
				char *path = expand_home(l->value);
				msg_compose_attach_file(n, path, NULL, NULL);
				free(path);
			}
		} else if (str_casecmp(l->name, "references") == 0) {
			msg_str_list_release(&n->references);
			msg_ids_parse(l->value, strlen(l->value), &n->references, 1000);
		} else if (f) {
			msg_compose_set(f, *l->value ? l->value : NULL);
		} else {
			ARRAY_PUSH(&n->headers, xasprintf("%s: %s", l->name, l->value));
		}
	}
	if (msg_compose_check(n, MSG_BUILD_DRAFT, err) < 0) {
		for (size_t i = 0; i < h->n; i++)   /* say which line */
			if (field_of(n, h->v[i].name) && strncmp(err_msg(err), h->v[i].name,
								  strlen(h->v[i].name)) == 0) {
				err_prefix(err, _("line %u"), h->v[i].lineno);
				break;
			}
		return -1;
	}
	return 0;
}

static void copy_compose(struct msg_compose *dst, const struct msg_compose *src)
{
	msg_compose_init(dst);
	dst->from = src->from ? xstrdup(src->from) : NULL;
	dst->to = src->to ? xstrdup(src->to) : NULL;
	dst->cc = src->cc ? xstrdup(src->cc) : NULL;
	dst->bcc = src->bcc ? xstrdup(src->bcc) : NULL;
	dst->reply_to = src->reply_to ? xstrdup(src->reply_to) : NULL;
	dst->subject = src->subject ? xstrdup(src->subject) : NULL;
	dst->message_id = src->message_id ? xstrdup(src->message_id) : NULL;
	dst->in_reply_to = src->in_reply_to ? xstrdup(src->in_reply_to) : NULL;
	for (size_t i = 0; i < src->references.n; i++)
		ARRAY_PUSH(&dst->references, xstrdup(src->references.v[i]));
	for (size_t i = 0; i < src->headers.n; i++)
		ARRAY_PUSH(&dst->headers, xstrdup(src->headers.v[i]));
	for (size_t i = 0; i < src->parts.n; i++) {
		const struct msg_compose_part *p = &src->parts.v[i];
		struct msg_compose_part *q = p->path
			? msg_compose_attach_file(dst, p->path, p->name, p->type)
			: msg_compose_attach_data(dst, p->data.data, p->data.len, p->name, p->type);
		q->description = p->description ? xstrdup(p->description) : NULL;
	}
}

/* The edited text as UTF-8 with LF line ends. */
static void normalize(const char *text, size_t len, struct buf *out)
{
	struct buf u = BUF_INIT;
	if (utf8_valid(text, len))
		buf_add(&u, text, len);
	else
		msg_text_to_utf8(text, len, &u);
	for (size_t i = 0; i < u.len; i++)
		if (!(u.data[i] == '\r' && i + 1 < u.len && u.data[i + 1] == '\n'))
			buf_addc(out, u.data[i]);
	buf_release(&u);
}

int msg_compose_from_text(struct msg_compose *c, const char *text, size_t len, bool with_headers,
			  struct err *err)
{
	struct buf t = BUF_INIT;
	normalize(text, len, &t);
	const char *s = buf_cstr(&t);
	size_t body = 0;
	struct msg_compose n;
	copy_compose(&n, c);
	int r = 0;
	if (with_headers) {
		hlines h = ARRAY_INIT;
		long off = split_headers(s, t.len, &h, err);
		if (off < 0 || (off > 0 && apply(&n, &h, err) < 0))
			r = -1;
		body = off > 0 ? (size_t)off : 0;
		hlines_release(&h);
	}
	if (r == 0) {
		buf_reset(&n.body);
		buf_add(&n.body, s + body, t.len - body);
		msg_compose_release(c);
		*c = n;
	} else {
		msg_compose_release(&n);
	}
	buf_release(&t);
	return r;
}
