/* Rendering: the MIME tree walked into a document, then laid out. */
#include "common.h"

#include <stdarg.h>

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/strutil.h"

static const char *const default_headers[] = { "Date", "From", "To", "Cc", "Subject", NULL };

struct render {
	struct msg *m;
	const struct msg_render_opts *o;
	struct msg_doc *doc;
	unsigned depth;         /* embedded messages around what is being rendered */
};

static void render_part(struct render *r, size_t i);

void msg_render_opts_init(struct msg_render_opts *o)
{
	memset(o, 0, sizeof *o);
	o->width = 80;
}

/* ---- small pieces ---- */

static struct msg_block tmpl(const struct render *r, enum msg_line_kind kind, int part)
{
	struct msg_block b;
	memset(&b, 0, sizeof b);
	b.kind = kind;
	b.depth = r->depth;
	b.part = part;
	return b;
}

static bool last_is_blank(const struct render *r)
{
	const struct msg_doc *d = r->doc;
	return !d->blocks.n || (d->blocks.v[d->blocks.n - 1].len == 0);
}

static void blank(struct render *r)
{
	if (last_is_blank(r))
		return;
	struct msg_block b = tmpl(r, MSG_LINE_BODY, -1);
	msg_doc_add(r->doc, &b, "", 0);
}

static void notice(struct render *r, int part, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void notice(struct render *r, int part, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	struct msg_block b = tmpl(r, MSG_LINE_NOTICE, part);
	b.indent = 4;
	msg_doc_addf(r->doc, &b, "[-- %s --]", s);
	free(s);
}

char *msg_size_text(size_t n)
{
	if (n < 1024)
		return xasprintf(ngettext("%zu byte", "%zu bytes", n), n);
	if (n < 1024 * 1024)
		return xasprintf(_("%.1f KiB"), n / 1024.0);
	return xasprintf(_("%.1f MiB"), n / (1024.0 * 1024.0));
}

static void attachment_line(struct render *r, size_t i)
{
	const struct msg_part *p = &r->m->parts.v[i];
	char *size = msg_size_text(p->size);
	struct msg_block b = tmpl(r, MSG_LINE_ATTACHMENT, (int)i);
	b.indent = 4;
	const char *name = p->filename ? p->filename : p->description;
	blank(r);
	if (name)
		msg_doc_addf(r->doc, &b, "[-- #%u: %s (%s, %s) --]", p->number, name, p->type, size);
	else
		msg_doc_addf(r->doc, &b, "[-- #%u: %s, %s --]", p->number, p->type, size);
	free(size);
}

/* The index of the next child of part i after j (start with j = i), or 0. */
static size_t next_child(const struct msg *m, size_t i, size_t j)
{
	for (j++; j < m->parts.n && m->parts.v[j].depth > m->parts.v[i].depth; j++)
		if (m->parts.v[j].parent == (int)i)
			return j;
	return 0;
}

static bool is_type(const struct msg_part *p, const char *type)
{
	return strcmp(p->type, type) == 0;
}

/* Parts shown as text rather than as an attachment line. */
static bool shown_inline(const struct msg_part *p)
{
	if (p->disposition && strcmp(p->disposition, "attachment") == 0)
		return false;
	if (p->container || p->message)
		return true;
	return str_startswith(p->type, "text/") || is_type(p, "message/delivery-status") ||
	       is_type(p, "message/disposition-notification") ||
	       is_type(p, "message/feedback-report");
}

/* ---- headers ---- */

static bool is_address_header(const char *name)
{
	static const char *const names[] = { "from", "to", "cc", "bcc", "reply-to", "sender",
					     "resent-from", "resent-to", "resent-cc",
					     "mail-followup-to", "mail-reply-to", NULL };
	for (const char *const *n = names; *n; n++)
		if (str_casecmp(name, *n) == 0)
			return true;
	return false;
}

static char *header_value(const struct msg_hfield *f, const char *name, bool as_sent)
{
	if (!as_sent && str_casecmp(name, "date") == 0) {
		time_t t;
		int zone;
		if (msg_date_parse(f->value, f->value_len, &t, &zone) == 0)
			return msg_date_format(t);
		char *raw = msg_header_decode(f->value, f->value_len);
		char *s = xasprintf(_("%s (not a valid date)"), raw);
		free(raw);
		return s;
	}
	if (!as_sent && is_address_header(name)) {
		struct msg_addr_list l = ARRAY_INIT;
		msg_addr_list_parse(f->value, f->value_len, &l);
		char *s = msg_addr_list_format(&l);
		msg_addr_list_release(&l);
		return s;
	}
	return msg_header_decode(f->value, f->value_len);
}

static void header_line(struct render *r, int part, const char *label, size_t label_len,
			const struct msg_hfield *f, bool as_sent)
{
	char *name = xstrndup(label, label_len);
	char *value = header_value(f, name, as_sent);
	struct msg_block b = tmpl(r, MSG_LINE_HEADER, part);
	b.label_len = (unsigned)label_len + 1;
	b.indent = label_len + 2 < 16 ? (unsigned)label_len + 2 : 4;
	msg_doc_addf(r->doc, &b, "%s: %s", name, value);
	free(name);
	free(value);
}

/* The header block of message node i (its body's), as the display list says. */
static void render_headers(struct render *r, size_t i)
{
	const struct msg *m = r->m;
	size_t body = next_child(m, i, i);
	const struct msg_part *h = body ? &m->parts.v[body] : &m->parts.v[i];
	struct msg_hfields fields = ARRAY_INIT;
	msg_headers_split(m->raw + h->head_off, h->head_len, &fields);
	if (r->o->all_headers) {
		for (size_t k = 0; k < fields.n; k++)
			header_line(r, (int)i, fields.v[k].name, fields.v[k].name_len, &fields.v[k],
				    true);
	} else {
		const char *const *list = r->o->headers ? r->o->headers : default_headers;
		for (; *list; list++)
			for (size_t k = 0; k < fields.n; k++)
				if (msg_name_is(&fields.v[k], *list))
					header_line(r, (int)i, *list, strlen(*list), &fields.v[k],
						    false);
	}
	ARRAY_RELEASE(&fields);
}

/* ---- text ---- */

static void charset_notice(struct render *r, int part, const char *declared, enum msg_conv st,
			   const char *used)
{
	switch (st) {
	case MSG_CONV_OK:
		break;
	case MSG_CONV_DAMAGED:
		notice(r, part, _("postie: invalid characters for %s replaced"), declared);
		break;
	case MSG_CONV_UNKNOWN:
		notice(r, part, _("postie: unknown charset %s; shown as %s"), declared, used);
		break;
	case MSG_CONV_WRONG:
		if (declared && *declared)
			notice(r, part, _("postie: not in its declared charset %s; shown as %s"),
			       declared, used);
		else
			notice(r, part, _("postie: no charset declared; shown as %s"), used);
		break;
	}
}

/* The part's text as UTF-8 in out, with notices for what went wrong. */
static void part_text(struct render *r, size_t i, const char *charset, struct buf *out)
{
	const struct msg_part *p = &r->m->parts.v[i];
	struct buf raw = BUF_INIT;
	if (!msg_part_decode(r->m, p, &raw))
		notice(r, (int)i, _("postie: damaged %s encoding; showing what could be decoded"),
		       p->encoding == MSG_ENC_BASE64 ? "base64" : "quoted-printable");
	const char *used = NULL;
	enum msg_conv st = msg_charset_to_utf8(charset, buf_cstr(&raw), raw.len, out, &used);
	charset_notice(r, (int)i, charset, st, used);
	buf_release(&raw);
}

static void render_text(struct render *r, size_t i)
{
	const struct msg_part *p = &r->m->parts.v[i];
	struct buf text = BUF_INIT;
	part_text(r, i, msg_params_get(&p->params, "charset"), &text);
	const char *format = msg_params_get(&p->params, "format");
	const char *delsp = msg_params_get(&p->params, "delsp");
	struct msg_block b = tmpl(r, MSG_LINE_BODY, (int)i);
	msg_text_to_doc(r->doc, &b, buf_cstr(&text), text.len,
			format && str_casecmp(format, "flowed") == 0,
			delsp && str_casecmp(delsp, "yes") == 0);
	buf_release(&text);
}

static void render_html(struct render *r, size_t i)
{
	const struct msg_part *p = &r->m->parts.v[i];
	const char *charset = msg_params_get(&p->params, "charset");
	char *sniffed = NULL;
	if (!charset || !*charset) {
		sniffed = msg_html_sniff_charset(r->m->raw + p->body_off, p->body_len);
		charset = sniffed;
	}
	struct buf html = BUF_INIT, out = BUF_INIT;
	part_text(r, i, charset, &html);
	struct msg_block b = tmpl(r, MSG_LINE_BODY, (int)i);
	int filtered = r->o->mailcap ? msg_html_filter(r->o->mailcap, &html, &out) : 0;
	if (filtered > 0) {
		msg_text_to_doc(r->doc, &b, buf_cstr(&out), out.len, false, false);
	} else {
		if (filtered < 0)  /* out says what went wrong */
			notice(r, (int)i, "%s", buf_cstr(&out));
		msg_html_to_doc(r->doc, &b, buf_cstr(&html), html.len);
	}
	buf_release(&html);
	buf_release(&out);
	free(sniffed);
}

/* ---- containers ---- */

/* The first text/... type at or below part i: what an alternative offers. */
static const char *offered_type(const struct msg *m, size_t i)
{
	for (size_t j = i; j < m->parts.n; j++) {
		if (j > i && m->parts.v[j].depth <= m->parts.v[i].depth)
			break;
		if (str_startswith(m->parts.v[j].type, "text/"))
			return m->parts.v[j].type;
	}
	return "";
}

static void render_alternative(struct render *r, size_t i)
{
	size_t plain = 0, html = 0, last = 0;
	for (size_t c = next_child(r->m, i, i); c; c = next_child(r->m, i, c)) {
		const char *t = offered_type(r->m, c);
		if (strcmp(t, "text/plain") == 0)
			plain = c;
		else if (strcmp(t, "text/html") == 0)
			html = c;
		last = c;
	}
	size_t pick = r->o->prefer_html ? (html ? html : plain) : (plain ? plain : html);
	if (!pick)
		pick = last;
	if (pick)
		render_part(r, pick);
}

static size_t related_root(const struct msg *m, size_t i)
{
	const char *start = msg_params_get(&m->parts.v[i].params, "start");
	size_t first = next_child(m, i, i);
	if (!start || !*start)
		return first;
	for (size_t c = first; c; c = next_child(m, i, c)) {
		struct msg_hfields h = ARRAY_INIT;
		msg_headers_split(m->raw + m->parts.v[c].head_off, m->parts.v[c].head_len, &h);
		const struct msg_hfield *id = msg_headers_find(&h, "content-id");
		bool match = false;
		if (id) {
			char *v = msg_text_clean(id->value, id->value_len);
			match = strcmp(v, start) == 0;
			free(v);
		}
		ARRAY_RELEASE(&h);
		if (match)
			return c;
	}
	return first;
}

static void render_related(struct render *r, size_t i)
{
	size_t root = related_root(r->m, i);
	if (root)
		render_part(r, root);
	for (size_t c = next_child(r->m, i, i); c; c = next_child(r->m, i, c))
		if (c != root && !r->m->parts.v[c].container)
			attachment_line(r, c);
}

static void list_children(struct render *r, size_t i)
{
	for (size_t c = next_child(r->m, i, i); c; c = next_child(r->m, i, c)) {
		if (r->m->parts.v[c].container)
			list_children(r, c);
		else
			attachment_line(r, c);
	}
}

static void render_signed(struct render *r, size_t i)
{
	const char *proto = msg_params_get(&r->m->parts.v[i].params, "protocol");
	size_t first = next_child(r->m, i, i);
	notice(r, (int)i, _("postie: signed (%s); signature not checked"),
	       proto && *proto ? proto : "?");
	if (first)
		render_part(r, first);
	for (size_t c = first ? next_child(r->m, i, first) : 0; c; c = next_child(r->m, i, c))
		attachment_line(r, c);
}

static void render_mixed(struct render *r, size_t i)
{
	bool first = true;
	for (size_t c = next_child(r->m, i, i); c; c = next_child(r->m, i, c)) {
		const struct msg_part *p = &r->m->parts.v[c];
		if (!shown_inline(p)) {
			attachment_line(r, c);
		} else {
			if (!first && !p->container && !p->message)
				attachment_line(r, c);
			else if (!first)
				blank(r);
			render_part(r, c);
		}
		first = false;
	}
}

static void render_message(struct render *r, size_t i);

static void render_part(struct render *r, size_t i)
{
	const struct msg_part *p = &r->m->parts.v[i];
	if (p->message) {
		if (i)
			attachment_line(r, i);
		r->depth++;
		render_message(r, i);
		r->depth--;
	} else if (p->container) {
		if (is_type(p, "multipart/alternative"))
			render_alternative(r, i);
		else if (is_type(p, "multipart/related"))
			render_related(r, i);
		else if (is_type(p, "multipart/signed"))
			render_signed(r, i);
		else if (is_type(p, "multipart/encrypted")) {
			const char *proto = msg_params_get(&p->params, "protocol");
			notice(r, (int)i, _("postie: encrypted (%s); cannot decrypt"),
			       proto && *proto ? proto : "?");
			list_children(r, i);
		} else {
			render_mixed(r, i);
		}
	} else if (!shown_inline(p)) {
		if (str_startswith(p->type, "application/pkcs7-mime") ||
		    str_startswith(p->type, "application/x-pkcs7-mime"))
			notice(r, (int)i, _("postie: S/MIME data; postie cannot read it"));
		attachment_line(r, i);
	} else if (is_type(p, "text/html")) {
		render_html(r, i);
	} else {
		render_text(r, i);
	}
}

/* A message node: its headers, a blank line, its body. */
static void render_message(struct render *r, size_t i)
{
	render_headers(r, i);
	blank(r);
	if (i == 0 && r->m->state == MSG_STATE_TOO_DEEP) {
		notice(r, -1, _("postie: parts nested more than %d deep; body not shown (see the "
				"raw message)"), MSG_MAX_DEPTH);
		return;
	}
	if (i == 0 && r->m->state == MSG_STATE_UNPARSED)
		notice(r, -1, _("postie: unreadable MIME structure; shown as plain text"));
	size_t body = next_child(r->m, i, i);
	if (body)
		render_part(r, body);
}

/* What the document depends on besides the message: all options but width. */
static char *doc_key(const struct msg_render_opts *o)
{
	struct buf k = BUF_INIT;
	buf_addf(&k, "%d %d %p", o->all_headers, o->prefer_html, (void *)o->mailcap);
	for (const char *const *h = o->headers; h && *h; h++)
		buf_addf(&k, " %s", *h);
	return buf_detach(&k, NULL);
}

void msg_render(struct msg *m, const struct msg_render_opts *o, struct msg_view *out)
{
	char *key = doc_key(o);
	if (!m->doc || !m->doc_key || strcmp(key, m->doc_key) != 0) {
		msg_doc_free(&m->doc);
		free(m->doc_key);
		m->doc = msg_doc_new();
		m->doc_key = key;
		key = NULL;
		struct render r = { m, o, m->doc, 0 };
		render_message(&r, 0);
		/* No blank lines at the end. */
		while (m->doc->blocks.n && m->doc->blocks.v[m->doc->blocks.n - 1].len == 0 &&
		       m->doc->blocks.n > 1)
			m->doc->blocks.n--;
	}
	free(key);
	msg_doc_layout(m->doc, o->width, out);
}
