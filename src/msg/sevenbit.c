/* Making any message fit for 7-bit SMTP (msg_to_7bit).
 *
 * The structure is found here on the raw bytes (header blocks, boundary
 * lines) rather than through the reading side's tree, because rebuilding a
 * multipart needs the exact extent of every part, which that tree does not
 * keep. Only what is not 7-bit is rewritten; the rest is copied byte for
 * byte (with CRLF line ends). */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/strutil.h"

#define MAX_LINE 998
#define MAX_NEST 64

struct conv {
	struct buf *out;
	bool changed;
};

static void crlf_copy(struct buf *out, const char *s, size_t n)
{
	buf_grow(out, n + n / 32);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			buf_addc(out, '\r');
		buf_addc(out, s[i]);
	}
}

/* Whether a header field must be rewritten: 8-bit bytes, NUL, or a CR
 * that does not end a line (copied, it would end one somewhere). */
static bool field_dirty(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80 || s[i] == 0 ||
		    (s[i] == '\r' && (i + 1 == n || s[i + 1] != '\n')))
			return true;
	return false;
}

static bool name_in(const struct msg_hfield *f, const char *const *names)
{
	for (size_t i = 0; names[i]; i++)
		if (msg_name_is(f, names[i]))
			return true;
	return false;
}

static const char *const address_fields[] = {
	"from", "sender", "to", "cc", "bcc", "reply-to", "resent-from", "resent-sender",
	"resent-to", "resent-cc", "resent-bcc", "mail-followup-to", "mail-reply-to",
	"disposition-notification-to", "return-receipt-to", NULL,
};

/* A Content-Type or -Disposition value as it may be written: printable
 * ASCII without blanks, else the fallback. */
static const char *plain_value(const char *v, const char *fallback)
{
	if (!v || !*v)
		return fallback;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p >= 0x7F || *p == ';')
			return fallback;
	return v;
}

/* One field with 8-bit text, rewritten as 7-bit. */
static void encode_field(struct buf *out, const struct msg_hfield *f)
{
	char *name = xstrndup(f->name, f->name_len);
	if (name_in(f, address_fields)) {
		struct msg_addr_list l = ARRAY_INIT;
		msg_addr_list_parse(f->value, f->value_len, &l);
		msg_header_write_addrs(out, name, &l);
		msg_addr_list_release(&l);
	} else if (msg_name_is(f, "content-type") || msg_name_is(f, "content-disposition")) {
		char *value = NULL;
		struct msg_params p = ARRAY_INIT;
		msg_params_parse(f->value, f->value_len, &value, &p);
		struct msg_hparam *hp = xcalloc(p.n + 1, sizeof *hp);
		for (size_t i = 0; i < p.n; i++) {
			hp[i].name = p.v[i].name;
			hp[i].value = p.v[i].value;
		}
		char *b = msg_param_raw(f->value, f->value_len, "boundary");
		for (size_t i = 0; b && i < p.n; i++)
			if (strcmp(hp[i].name, "boundary") == 0)
				hp[i].value = b;        /* exactly as written, never decoded */
		msg_header_write_params(out, name, plain_value(value, msg_name_is(f, "content-type")
							       ? "application/octet-stream"
							       : "attachment"), hp, p.n);
		free(b);
		free(hp);
		free(value);
		msg_params_release(&p);
	} else {
		char *text = msg_header_decode(f->value, f->value_len);
		msg_header_write_text(out, name, text);
		free(text);
	}
	free(name);
}

/* What a leaf's header block becomes: every field converted, the transfer
 * encoding replaced by cte (when not NULL), a charset added to a text type
 * that lacks one (when charset is not NULL), MIME-Version added when top. */
struct head_edit {
	const char *cte;
	const char *charset;
	bool top;
	const char *type;       /* replaces the Content-Type when not NULL */
};

static void write_content_type(struct buf *out, const struct msg_hfield *f, const char *charset)
{
	char *value = NULL;
	struct msg_params p = ARRAY_INIT;
	msg_params_parse(f->value, f->value_len, &value, &p);
	struct msg_hparam *hp = xcalloc(p.n + 1, sizeof *hp);
	size_t n = 0;
	for (size_t i = 0; i < p.n; i++)
		hp[n++] = (struct msg_hparam){ p.v[i].name, p.v[i].value };
	hp[n++] = (struct msg_hparam){ "charset", charset };
	msg_header_write_params(out, "Content-Type", plain_value(value, "text/plain"), hp, n);
	free(hp);
	free(value);
	msg_params_release(&p);
}

static void write_head(struct conv *c, const struct msg_hfields *h, const struct head_edit *e)
{
	bool mime_version = false, cte_done = false, type_done = false;
	for (size_t i = 0; i < h->n; i++) {
		const struct msg_hfield *f = &h->v[i];
		if (msg_name_is(f, "mime-version"))
			mime_version = true;
		if (e->cte && msg_name_is(f, "content-transfer-encoding")) {
			if (!cte_done)
				buf_addf(c->out, "Content-Transfer-Encoding: %s\r\n", e->cte);
			cte_done = true;
			continue;
		}
		if (e->type && msg_name_is(f, "content-type")) {
			if (!type_done)
				buf_addf(c->out, "Content-Type: %s\r\n", e->type);
			type_done = true;
			continue;
		}
		if (e->charset && msg_name_is(f, "content-type") && !type_done) {
			write_content_type(c->out, f, e->charset);
			type_done = true;
			continue;
		}
		size_t n = msg_field_len(f);
		if (field_dirty(f->name, n)) {
			encode_field(c->out, f);
			c->changed = true;
		} else {
			crlf_copy(c->out, f->name, n);
			buf_adds(c->out, "\r\n");
		}
	}
	if (e->type && !type_done)
		buf_addf(c->out, "Content-Type: %s\r\n", e->type);
	else if (e->charset && !type_done)
		buf_addf(c->out, "Content-Type: text/plain; charset=%s\r\n", e->charset);
	if (e->cte && !cte_done)
		buf_addf(c->out, "Content-Transfer-Encoding: %s\r\n", e->cte);
	if (e->top && e->cte && !mime_version)
		buf_adds(c->out, "MIME-Version: 1.0\r\n");
	buf_adds(c->out, "\r\n");
}

/* ---- the structure ---- */

struct entity {
	struct msg_hfields h;
	const char *body;
	size_t body_len;
	char *type;             /* lower case */
	struct msg_params params;
	enum msg_encoding enc;
	bool top;
};

static void entity_read(struct entity *e, const char *s, size_t n, bool top, const char *dflt)
{
	memset(e, 0, sizeof *e);
	size_t head = msg_headers_split(s, n, &e->h);
	e->body = s + head;
	e->body_len = n - head;
	e->top = top;
	const struct msg_hfield *ct = msg_headers_find(&e->h, "content-type");
	if (ct)
		msg_params_parse(ct->value, ct->value_len, &e->type, &e->params);
	if (!e->type || !strchr(e->type, '/')) {
		free(e->type);
		e->type = xstrdup(dflt);
	}
	const struct msg_hfield *te = msg_headers_find(&e->h, "content-transfer-encoding");
	e->enc = te ? msg_encoding_parse(te->value, te->value_len) : MSG_ENC_7BIT;
}

static void entity_release(struct entity *e)
{
	ARRAY_RELEASE(&e->h);
	free(e->type);
	msg_params_release(&e->params);
}

static void convert(struct conv *c, const char *s, size_t n, unsigned depth, bool top,
		    const char *dflt);

static void leaf(struct conv *c, const struct entity *e)
{
	bool clean = msg_is_7bit(e->body, e->body_len, MAX_LINE);
	struct head_edit ed = { NULL, NULL, e->top, NULL };
	if (clean) {
		if (e->enc == MSG_ENC_8BIT || e->enc == MSG_ENC_BINARY)
			ed.cte = "7bit";
		write_head(c, &e->h, &ed);
		crlf_copy(c->out, e->body, e->body_len);
		return;
	}
	c->changed = true;
	struct buf data = BUF_INIT;
	msg_transfer_decode(e->enc, e->body, e->body_len, &data);
	bool text = str_startswith(e->type, "text/");
	ed.cte = text ? "quoted-printable" : "base64";
	/* A multipart or message that cannot be taken apart (no usable
	 * boundary, nested too deep, encoded) may not be encoded whole under
	 * its own type: readers would look for its parts. */
	if (str_startswith(e->type, "multipart/") || str_startswith(e->type, "message/"))
		ed.type = "application/octet-stream";
	if (text && !msg_params_get(&e->params, "charset") && utf8_valid(data.data, data.len))
		ed.charset = "utf-8";
	write_head(c, &e->h, &ed);
	if (text)
		msg_qp_encode(c->out, buf_cstr(&data), data.len);
	else
		msg_base64_lines(c->out, buf_cstr(&data), data.len);
	buf_release(&data);
}

/* The start of the next delimiter line "--boundary" at or after i, or n. */
static size_t find_delimiter(const char *s, size_t n, size_t i, const char *b, size_t bl,
			     bool *last)
{
	while (i < n) {
		if ((i == 0 || s[i - 1] == '\n') && n - i >= bl + 2 && s[i] == '-' && s[i + 1] == '-' &&
		    memcmp(s + i + 2, b, bl) == 0) {
			*last = n - i >= bl + 4 && s[i + bl + 2] == '-' && s[i + bl + 3] == '-';
			return i;
		}
		const char *nl = memchr(s + i, '\n', n - i);
		i = nl ? (size_t)(nl - s) + 1 : n;
	}
	return n;
}

static size_t line_after(const char *s, size_t n, size_t i)
{
	const char *nl = memchr(s + i, '\n', n - i);
	return nl ? (size_t)(nl - s) + 1 : n;
}

/* The end of a part's content: before the line break that belongs to the
 * delimiter at d. */
static size_t content_end(const char *s, size_t start, size_t d)
{
	if (d > start && s[d - 1] == '\n')
		d--;
	if (d > start && s[d - 1] == '\r')
		d--;
	return d;
}

static void multipart(struct conv *c, const struct entity *e, const char *b, unsigned depth)
{
	struct head_edit ed = { e->enc == MSG_ENC_7BIT ? NULL : "7bit", NULL, e->top, NULL };
	write_head(c, &e->h, &ed);
	const char *s = e->body;
	size_t n = e->body_len, bl = strlen(b);
	bool last = false;
	size_t d = find_delimiter(s, n, 0, b, bl, &last);
	if (msg_is_7bit(s, d, MAX_LINE))        /* the preamble */
		crlf_copy(c->out, s, d);
	const char *dflt = strcmp(e->type, "multipart/digest") == 0 ? "message/rfc822"
								     : "text/plain";
	while (d < n && !last) {
		size_t start = line_after(s, n, d);
		size_t next = find_delimiter(s, n, start, b, bl, &last);
		buf_addf(c->out, "--%s\r\n", b);
		convert(c, s + start, content_end(s, start, next) - start, depth + 1, false, dflt);
		buf_adds(c->out, "\r\n");
		d = next;
	}
	buf_addf(c->out, "--%s--\r\n", b);
	if (d < n) {                            /* the epilogue */
		size_t start = line_after(s, n, d);
		if (msg_is_7bit(s + start, n - start, MAX_LINE))
			crlf_copy(c->out, s + start, n - start);
	}
}

/* RFC 2046: 1 to 70 printable ASCII characters, not ending in a blank. */
static bool boundary_ok(const char *b)
{
	size_t n = strlen(b);
	if (n == 0 || n > 70 || b[n - 1] == ' ')
		return false;
	for (const unsigned char *p = (const unsigned char *)b; *p; p++)
		if (*p < ' ' || *p >= 0x7F)
			return false;
	return true;
}

static void convert(struct conv *c, const char *s, size_t n, unsigned depth, bool top,
		    const char *dflt)
{
	struct entity e;
	entity_read(&e, s, n, top, dflt);
	char *b = NULL;
	const struct msg_hfield *ct = msg_headers_find(&e.h, "content-type");
	if (ct && str_startswith(e.type, "multipart/"))
		b = msg_param_raw(ct->value, ct->value_len, "boundary");
	bool nests = depth < MAX_NEST && e.enc != MSG_ENC_QP && e.enc != MSG_ENC_BASE64;
	if (b && boundary_ok(b) && nests) {
		multipart(c, &e, b, depth);
	} else if (nests && strcmp(e.type, "message/rfc822") == 0) {
		struct head_edit ed = { e.enc == MSG_ENC_7BIT ? NULL : "7bit", NULL, top, NULL };
		write_head(c, &e.h, &ed);
		convert(c, e.body, e.body_len, depth + 1, false, "text/plain");
	} else {
		leaf(c, &e);
	}
	free(b);
	entity_release(&e);
}

void msg_to_7bit(const char *raw, size_t len, struct buf *out, bool *changed_r)
{
	struct conv c = { out, false };
	if (msg_is_7bit(raw, len, MAX_LINE))
		crlf_copy(out, raw, len);
	else
		convert(&c, raw, len, 0, true, "text/plain");
	if (changed_r)
		*changed_r = c.changed;
}
