/* The MIME tree: libetpan finds the structure (boundaries, nesting); the
 * parts' own headers are read here, from the original bytes. libetpan's
 * tree lives only inside msg_parse. */
#include "common.h"

#include <libetpan/libetpan.h>

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/strutil.h"

struct walk {
	struct msg *m;
	const char *base;       /* the copy libetpan parsed; offsets are the same */
};

static size_t clamp(const struct walk *w, const char *p)
{
	if (!p || p < w->base || p > w->base + w->m->len)
		return w->m->len;
	return (size_t)(p - w->base);
}

/* Where a node's body starts and how long it is, in the raw message. */
static void body_range(const struct walk *w, const struct mailmime *mm, size_t *off, size_t *len)
{
	if (!mm->mm_body || mm->mm_body->dt_type != MAILMIME_DATA_TEXT) {
		*off = clamp(w, mm->mm_mime_start ? mm->mm_mime_start + mm->mm_length : NULL);
		*len = 0;
		return;
	}
	*off = clamp(w, mm->mm_body->dt_data.dt_text.dt_data);
	size_t n = mm->mm_body->dt_data.dt_text.dt_length;
	*len = n <= w->m->len - *off ? n : w->m->len - *off;
}

static char *decoded_field(const struct msg_hfields *h, const char *name)
{
	const struct msg_hfield *f = msg_headers_find(h, name);
	if (!f)
		return NULL;
	char *v = msg_header_decode(f->value, f->value_len);
	if (!*v)
		FREE(&v);
	return v;
}

/* The Subject in part p's header block, decoded, or NULL. */
static char *subject_of(const struct msg *m, const struct msg_part *p)
{
	struct msg_hfields h = ARRAY_INIT;
	msg_headers_split(m->raw + p->head_off, p->head_len, &h);
	char *s = decoded_field(&h, "subject");
	ARRAY_RELEASE(&h);
	return s;
}

static size_t decoded_size(const struct msg *m, const struct msg_part *p)
{
	/* Containers hold their children as sent: decoding them would copy
	 * the message once per nesting level. */
	if (p->container || p->message ||
	    (p->encoding != MSG_ENC_BASE64 && p->encoding != MSG_ENC_QP))
		return p->body_len;
	struct buf b = BUF_INIT;
	msg_part_decode(m, p, &b);
	size_t n = b.len;
	buf_release(&b);
	return n;
}

/* Reads the part's header block: type, parameters, disposition, name. */
static void read_headers(struct msg *m, struct msg_part *p, const char *default_type)
{
	struct msg_hfields h = ARRAY_INIT;
	msg_headers_split(m->raw + p->head_off, p->head_len, &h);
	const struct msg_hfield *ct = msg_headers_find(&h, "content-type");
	if (ct)
		msg_params_parse(ct->value, ct->value_len, &p->type, &p->params);
	if (!p->type || !strchr(p->type, '/') || p->type[0] == '/') {
		free(p->type);
		p->type = xstrdup(default_type);
	}
	const struct msg_hfield *cd = msg_headers_find(&h, "content-disposition");
	if (cd) {
		struct msg_params dp = ARRAY_INIT;
		msg_params_parse(cd->value, cd->value_len, &p->disposition, &dp);
		const char *fn = msg_params_get(&dp, "filename");
		if (fn && *fn)
			p->filename = xstrdup(fn);
		if (!*p->disposition)
			FREE(&p->disposition);
		msg_params_release(&dp);
	}
	const char *name = msg_params_get(&p->params, "name");
	if (!p->filename && name && *name)
		p->filename = xstrdup(name);
	p->description = decoded_field(&h, "content-description");
	const struct msg_hfield *te = msg_headers_find(&h, "content-transfer-encoding");
	p->encoding = te ? msg_encoding_parse(te->value, te->value_len) : MSG_ENC_7BIT;
	ARRAY_RELEASE(&h);
}

static void set_type(struct msg_part *p, const char *type)
{
	free(p->type);
	p->type = xstrdup(type);
}

/* The structure libetpan found wins over what the header says. */
static void reconcile(struct msg_part *p, int mm_type)
{
	bool says_multi = str_startswith(p->type, "multipart/");
	if (mm_type == MAILMIME_MULTIPLE && !says_multi)
		set_type(p, "multipart/mixed");
	else if (mm_type == MAILMIME_MESSAGE && !str_startswith(p->type, "message/"))
		set_type(p, "message/rfc822");
	else if (mm_type == MAILMIME_SINGLE && says_multi)
		set_type(p, "text/plain");
}

static size_t add_part(struct walk *w, int parent, unsigned depth, size_t head_off,
		       size_t head_end, size_t body_off, size_t body_len)
{
	struct msg_part p;
	memset(&p, 0, sizeof p);
	p.parent = parent;
	p.depth = depth;
	p.head_off = head_off;
	p.head_len = head_end > head_off ? head_end - head_off : 0;
	p.body_off = body_off;
	p.body_len = body_len;
	ARRAY_PUSH(&w->m->parts, p);
	return w->m->parts.n - 1;
}

static void walk_node(struct walk *w, const struct mailmime *mm, int parent, unsigned depth,
		      size_t head_off, size_t head_end, const char *default_type);

static void walk_children(struct walk *w, const struct mailmime *mm, size_t self, unsigned depth)
{
	const char *dflt = strcmp(w->m->parts.v[self].type, "multipart/digest") == 0
			   ? "message/rfc822" : "text/plain";
	if (mm->mm_type == MAILMIME_MULTIPLE) {
		for (clistiter *it = clist_begin(mm->mm_data.mm_multipart.mm_mp_list); it;
		     it = clist_next(it)) {
			const struct mailmime *c = clist_content(it);
			size_t off, len;
			body_range(w, c, &off, &len);
			size_t start = c->mm_mime_start ? clamp(w, c->mm_mime_start) : off;
			walk_node(w, c, (int)self, depth + 1, start, off, dflt);
		}
	} else if (mm->mm_type == MAILMIME_MESSAGE && mm->mm_data.mm_message.mm_msg_mime) {
		/* The body's header block is the embedded message's header block. */
		const struct mailmime *c = mm->mm_data.mm_message.mm_msg_mime;
		size_t off, len;
		body_range(w, c, &off, &len);
		struct msg_part *me = &w->m->parts.v[self];
		/* Without MIME headers of its own (in a digest), libetpan starts
		 * the part's body after the embedded headers. */
		size_t start = self == 0 ? 0 : me->body_off < off ? me->body_off : me->head_off;
		if (self > 0 && start <= off && off + len <= w->m->len) {
			me->body_off = start;   /* the whole embedded message */
			me->body_len = off + len - start;
		}
		size_t child = w->m->parts.n;
		walk_node(w, c, (int)self, depth + 1, start, off, "text/plain");
		struct msg_part *me2 = &w->m->parts.v[self];
		if (self > 0 && !me2->filename && !me2->description)
			me2->description = subject_of(w->m, &w->m->parts.v[child]);
	}
}

static void walk_node(struct walk *w, const struct mailmime *mm, int parent, unsigned depth,
		      size_t head_off, size_t head_end, const char *default_type)
{
	size_t off, len;
	body_range(w, mm, &off, &len);
	if (head_end < head_off)
		head_end = head_off;
	size_t self = add_part(w, parent, depth, head_off, head_end, off, len);
	struct msg_part *p = &w->m->parts.v[self];
	read_headers(w->m, p, default_type);
	reconcile(p, mm->mm_type);
	p->container = mm->mm_type == MAILMIME_MULTIPLE;
	p->message = mm->mm_type == MAILMIME_MESSAGE;
	if (depth < MSG_MAX_DEPTH)
		walk_children(w, mm, self, depth);
}

/* A message libetpan cannot take: its header block, then one text part. */
static void fallback_tree(struct msg *m, bool headers_only)
{
	struct msg_hfields fields = ARRAY_INIT;
	size_t head = msg_headers_split(m->raw, m->len, &fields);
	ARRAY_RELEASE(&fields);
	struct walk w = { m, m->raw };
	size_t root = add_part(&w, -1, 0, 0, head, 0, m->len);
	set_type(&m->parts.v[root], "message/rfc822");
	m->parts.v[root].message = true;
	size_t body = add_part(&w, 0, 1, 0, head, head, headers_only ? 0 : m->len - head);
	read_headers(m, &m->parts.v[body], "text/plain");
	if (str_startswith(m->parts.v[body].type, "multipart/"))
		set_type(&m->parts.v[body], "text/plain");
}

static void number_parts(struct msg *m)
{
	unsigned n = 0;
	for (size_t i = 0; i < m->parts.n; i++) {
		struct msg_part *p = &m->parts.v[i];
		p->size = decoded_size(m, p);
		if (i > 0 && !p->container) {
			p->number = ++n;
			ARRAY_PUSH(&m->attachments, i);
		}
	}
}

struct msg *msg_parse(const char *data, size_t len)
{
	struct msg *m = xcalloc(1, sizeof *m);
	m->raw = xmemdup(data, len);
	m->len = len;
	if (msg_scan_depth(m->raw, len, MSG_MAX_DEPTH) > MSG_MAX_DEPTH) {
		m->state = MSG_STATE_TOO_DEEP;
		fallback_tree(m, true);
		number_parts(m);
		return m;
	}
	char *copy = xmemdup(data, len);
	msg_scan_defuse(copy, len);
	size_t idx = 0;
	struct mailmime *mime = NULL;
	if (len && mailmime_parse(copy, len, &idx, &mime) == MAILIMF_NO_ERROR && mime) {
		struct walk w = { m, copy };
		walk_node(&w, mime, -1, 0, 0, 0, "message/rfc822");
		mailmime_free(mime);
		/* Part 0's header block is the message's, up to its body. */
		if (m->parts.n > 1)
			m->parts.v[0].head_len = m->parts.v[1].head_len;
	} else {
		m->state = len ? MSG_STATE_UNPARSED : MSG_STATE_OK;
		fallback_tree(m, false);
	}
	free(copy);
	set_type(&m->parts.v[0], "message/rfc822");
	m->parts.v[0].message = true;
	number_parts(m);
	return m;
}

void msg_free(struct msg **mp)
{
	struct msg *m = *mp;
	if (!m)
		return;
	for (size_t i = 0; i < m->parts.n; i++) {
		struct msg_part *p = &m->parts.v[i];
		free(p->type);
		msg_params_release(&p->params);
		free(p->disposition);
		free(p->filename);
		free(p->description);
	}
	ARRAY_RELEASE(&m->parts);
	ARRAY_RELEASE(&m->attachments);
	msg_doc_free(&m->doc);
	free(m->doc_key);
	free(m->raw);
	free(m);
	*mp = NULL;
}

const char *msg_raw(const struct msg *m, size_t *len_r)
{
	*len_r = m->len;
	return m->raw;
}

size_t msg_part_count(const struct msg *m)
{
	return m->parts.n;
}

const struct msg_part *msg_part(const struct msg *m, size_t i)
{
	return i < m->parts.n ? &m->parts.v[i] : NULL;
}

size_t msg_attachment_count(const struct msg *m)
{
	return m->attachments.n;
}

const struct msg_part *msg_attachment(const struct msg *m, size_t n)
{
	return n >= 1 && n <= m->attachments.n ? &m->parts.v[m->attachments.v[n - 1]] : NULL;
}

bool msg_part_decode(const struct msg *m, const struct msg_part *p, struct buf *out)
{
	return msg_transfer_decode(p->encoding, m->raw + p->body_off, p->body_len, out);
}

const char *msg_part_raw(const struct msg *m, const struct msg_part *p, size_t *len_r)
{
	size_t end = p->body_off + p->body_len;
	size_t start = p->head_len ? p->head_off : p->body_off;
	if (start > end)
		start = end;
	*len_r = end - start;
	return m->raw + start;
}
