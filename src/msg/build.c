/* Building the RFC 5322/MIME message from a struct msg_compose. */
#include "common.h"

#include <time.h>

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"

#define MAX_LINE 998            /* RFC 5322: longer lines need an encoding */

/* An attachment ready to write: content, name and type settled. */
struct ready {
	const struct msg_compose_part *part;
	struct buf file;        /* the file's content (path attachments) */
	const char *data;
	size_t len;
	char *name;             /* NULL: none */
	char *type;
};

static const char *last_component(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* A type an attachment can have: "token/token" (a multipart is no single
 * part: its content would be read as parts). */
static bool type_ok(const char *t)
{
	const char *slash = strchr(t, '/');
	if (!slash || slash == t || !slash[1] || str_startswith(t, "multipart/"))
		return false;
	for (const unsigned char *p = (const unsigned char *)t; *p; p++)
		if (*p <= ' ' || *p >= 0x7F || strchr("()<>@,;:\\\"[]?=", *p) ||
		    (*p == '/' && p != (const unsigned char *)slash))
			return false;
	return true;
}

static int ready_part(const struct msg_compose_part *p, struct ready *r, struct err *err)
{
	memset(r, 0, sizeof *r);
	r->part = p;
	if (p->path) {
		if (file_read_all(p->path, &r->file, err) < 0) {
			err_prefix(err, _("attachment %s"), p->path);
			return -1;
		}
		r->data = r->file.data ? r->file.data : "";
		r->len = r->file.len;
	} else {
		r->data = p->data.data ? p->data.data : "";
		r->len = p->data.len;
	}
	const char *name = p->name ? p->name : p->path ? last_component(p->path) : NULL;
	r->name = name && *name ? msg_text_clean(name, strlen(name)) : NULL;
	r->type = p->type && *p->type ? xstrdup(p->type) : msg_guess_type(r->data, r->len);
	for (char *t = r->type; *t; t++)
		*t = msg_lower(*t);
	if (!type_ok(r->type)) {
		free(r->type);
		r->type = xstrdup("application/octet-stream");
	}
	return 0;
}

static void ready_release(struct ready *r)
{
	buf_release(&r->file);
	free(r->name);
	free(r->type);
}

static bool is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

/* The body as valid UTF-8 ending in a line break (LF). */
static void text_of(const struct msg_compose *c, struct buf *out)
{
	const char *s = c->body.data ? c->body.data : "";
	size_t n = c->body.len;
	if (utf8_valid(s, n))
		buf_add(out, s, n);
	else
		msg_text_to_utf8(s, n, out);
	if (out->len && out->data[out->len - 1] != '\n')
		buf_addc(out, '\n');
}

/* Text as a part: its Content-Type and encoding headers, a blank line, the
 * encoded text. */
static void write_text(struct buf *out, const char *s, size_t n, const char *type)
{
	struct msg_hparam cs = { "charset", is_ascii(s, n) ? "us-ascii" : "utf-8" };
	msg_header_write_params(out, "Content-Type", type, &cs, 1);
	if (msg_is_7bit(s, n, MAX_LINE)) {
		buf_adds(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		for (size_t i = 0; i < n; i++) {
			if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
				buf_addc(out, '\r');
			buf_addc(out, s[i]);
		}
	} else {
		buf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		msg_qp_encode(out, s, n);
	}
}

static void write_attachment(struct buf *out, const struct ready *r)
{
	bool message = strcmp(r->type, "message/rfc822") == 0;
	bool text = str_startswith(r->type, "text/");
	struct msg_hparam tp[2] = { { "charset", NULL }, { "name", r->name } };
	if (text && utf8_valid(r->data, r->len))
		tp[0].value = is_ascii(r->data, r->len) ? "us-ascii" : "utf-8";
	msg_header_write_params(out, "Content-Type", r->type, tp, 2);
	struct msg_hparam dp = { "filename", r->name };
	msg_header_write_params(out, "Content-Disposition", message ? "inline" : "attachment",
				&dp, 1);
	if (r->part->description && *r->part->description)
		msg_header_write_text(out, "Content-Description", r->part->description);
	if (message) {
		/* RFC 2046: an embedded message is never base64; make it 7-bit. */
		buf_adds(out, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		size_t start = out->len;
		msg_to_7bit(r->data, r->len, out, NULL);
		if (out->len > start && out->data[out->len - 1] != '\n')
			buf_adds(out, "\r\n");
	} else {
		buf_adds(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		msg_base64_lines(out, r->data, r->len);
	}
}

static void write_addr_field(struct buf *out, const char *name, const struct msg_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (*l->v[i].addr || l->v[i].group) {
			msg_header_write_addrs(out, name, l);
			return;
		}
}

static const char *domain_of(const char *addr)
{
	const char *at = strrchr(addr, '@');
	return at ? at + 1 : "";
}

static void write_headers(struct buf *out, struct msg_compose *c, const struct msg_build_opts *o,
			  const struct msg_compose_addrs *a)
{
	char date[40];
	msg_date_rfc5322(o->date ? o->date : time(NULL), date);
	buf_addf(out, "Date: %s\r\n", date);
	msg_header_write_addrs(out, "From", &a->from);
	write_addr_field(out, "To", &a->to);
	write_addr_field(out, "Cc", &a->cc);
	if (o->mode == MSG_BUILD_DRAFT)
		write_addr_field(out, "Bcc", &a->bcc);
	write_addr_field(out, "Reply-To", &a->reply_to);
	if (c->subject && *c->subject)
		msg_header_write_text(out, "Subject", c->subject);
	if (!c->message_id)
		c->message_id = msg_make_message_id(domain_of(a->from.v[0].addr));
	const char *id = c->message_id;
	msg_header_write_ids(out, "Message-ID", &id, 1);
	if (c->in_reply_to)
		msg_header_write_ids(out, "In-Reply-To", (const char *const *)&c->in_reply_to, 1);
	msg_header_write_ids(out, "References", (const char *const *)c->references.v,
			     c->references.n);
	for (size_t i = 0; i < c->headers.n; i++) {
		const char *h = c->headers.v[i];
		size_t n = msg_field_name_len(h);
		char *name = xstrndup(h, n);
		msg_header_write_text(out, name, h + n + 1);
		free(name);
	}
	if (o->user_agent)
		msg_header_write_text(out, "User-Agent", o->user_agent);
	buf_adds(out, "MIME-Version: 1.0\r\n");
}

static void write_body(struct buf *out, const struct msg_compose *c, const struct ready *parts,
		       size_t n)
{
	struct buf text = BUF_INIT;
	text_of(c, &text);
	if (n == 0) {
		write_text(out, buf_cstr(&text), text.len, "text/plain");
		buf_release(&text);
		return;
	}
	char *boundary = msg_make_boundary();
	struct msg_hparam bp = { "boundary", boundary };
	msg_header_write_params(out, "Content-Type", "multipart/mixed", &bp, 1);
	buf_adds(out, "\r\n");
	if (text.len) {
		buf_addf(out, "--%s\r\n", boundary);
		write_text(out, buf_cstr(&text), text.len, "text/plain");
	}
	for (size_t i = 0; i < n; i++) {
		buf_addf(out, "\r\n--%s\r\n", boundary);
		write_attachment(out, &parts[i]);
	}
	buf_addf(out, "\r\n--%s--\r\n", boundary);
	free(boundary);
	buf_release(&text);
}

static bool has_rcpt(const struct msg_str_list *l, const char *addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_casecmp(l->v[i], addr) == 0)
			return true;
	return false;
}

static void add_rcpts(struct msg_str_list *rcpts, const struct msg_addr_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (*l->v[i].addr && !has_rcpt(rcpts, l->v[i].addr))
			ARRAY_PUSH(rcpts, xstrdup(l->v[i].addr));
}

int msg_compose_build(struct msg_compose *c, const struct msg_build_opts *o, struct buf *out,
		      struct msg_str_list *rcpts, struct err *err)
{
	struct msg_compose_addrs a;
	if (msg_compose_parse(c, o->mode, &a, err) < 0)
		return -1;
	struct ready *parts = xcalloc(c->parts.n + 1, sizeof *parts);
	size_t n = 0;
	int r = 0;
	for (; n < c->parts.n && r == 0; n++)
		r = ready_part(&c->parts.v[n], &parts[n], err);
	if (r == 0) {
		write_headers(out, c, o, &a);
		write_body(out, c, parts, n);
		if (rcpts) {
			add_rcpts(rcpts, &a.to);
			add_rcpts(rcpts, &a.cc);
			add_rcpts(rcpts, &a.bcc);
		}
	}
	for (size_t i = 0; i < n; i++)
		ready_release(&parts[i]);
	free(parts);
	msg_compose_addrs_release(&a);
	return r;
}
