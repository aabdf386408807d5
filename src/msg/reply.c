/* Replies: recipients, subject, threading headers, the quoted text. */
#include "common.h"

#include <fnmatch.h>
#include <time.h>

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/err.h"
#include "util/strutil.h"

#define MAX_REFERENCES 50

bool msg_identity_is_mine(const struct msg_identity *id, const char *addr)
{
	if (!addr || !*addr)
		return false;
	if (id->address && str_casecmp(id->address, addr) == 0)
		return true;
	for (size_t i = 0; i < id->n_alternates; i++)
		if (fnmatch(id->alternates[i], addr, FNM_CASEFOLD) == 0)
			return true;
	return false;
}

char *msg_identity_format(const struct msg_identity *id)
{
	struct msg_addr_list l = ARRAY_INIT;
	struct msg_addr a = { id->name && *id->name ? xstrdup(id->name) : NULL,
			      xstrdup(id->address ? id->address : ""), NULL };
	ARRAY_PUSH(&l, a);
	char *s = msg_addr_list_format_input(&l);
	msg_addr_list_release(&l);
	return s;
}

/* "Re:", "RE[2]:", "Fwd:" and the like at the start of a subject. */
static bool has_prefix(const char *s, const char *const *words)
{
	while (*s == ' ')
		s++;
	for (size_t i = 0; words[i]; i++) {
		size_t n = strlen(words[i]);
		if (str_ncasecmp(s, words[i], n) != 0)
			continue;
		const char *p = s + n;
		if (*p == '[') {
			p++;
			while (*p >= '0' && *p <= '9')
				p++;
			if (*p++ != ']')
				continue;
		}
		if (*p == ':')
			return true;
	}
	return false;
}

char *msg_subject_with_prefix(const char *subject, bool forward)
{
	static const char *const re[] = { "re", "aw", "sv", NULL };
	static const char *const fwd[] = { "fwd", "fw", "wg", NULL };
	const char *s = subject ? subject : "";
	if (has_prefix(s, forward ? fwd : re))
		return xstrdup(s);
	return *s ? xasprintf("%s %s", forward ? "Fwd:" : "Re:", s)
		  : xstrdup(forward ? "Fwd:" : "Re:");
}

void msg_compose_add_signature(struct msg_compose *c, const char *signature)
{
	if (!signature || !*signature)
		return;
	if (c->body.len && c->body.data[c->body.len - 1] != '\n')
		buf_addc(&c->body, '\n');
	if (!str_startswith(signature, "-- \n"))
		buf_adds(&c->body, c->body.len ? "\n-- \n" : "\n\n-- \n");
	buf_adds(&c->body, signature);
	if (c->body.data[c->body.len - 1] != '\n')
		buf_addc(&c->body, '\n');
}

/* The readable text of a message: its rendering without the top headers,
 * notices and attachment lines, lines unwrapped. */
void msg_text_for_quote(const char *raw, size_t len, struct buf *out)
{
	static const char *const no_headers[] = { NULL };
	struct msg *m = msg_parse(raw, len);
	struct msg_render_opts o;
	msg_render_opts_init(&o);
	o.width = 998;
	o.headers = no_headers;
	struct msg_view v;
	msg_render(m, &o, &v);
	size_t start = out->len;
	for (size_t i = 0; i < v.lines.n; i++) {
		const struct msg_line *l = &v.lines.v[i];
		if (l->kind == MSG_LINE_NOTICE || l->kind == MSG_LINE_ATTACHMENT ||
		    (l->kind == MSG_LINE_HEADER && l->depth == 0))
			continue;
		if (out->len == start && l->len == 0)
			continue;       /* blank lines at the start */
		buf_adds(out, msg_line_text(&v, i));
		buf_addc(out, '\n');
	}
	while (out->len > start + 1 && out->data[out->len - 1] == '\n' &&
	       out->data[out->len - 2] == '\n')
		buf_truncate(out, out->len - 1);
	msg_view_release(&v);
	msg_free(&m);
}

static void quote(struct buf *body, const char *text, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		if (end == i)
			buf_adds(body, ">\n");
		else
			buf_addf(body, "%s%.*s\n", text[i] == '>' ? ">" : "> ", (int)(end - i),
				 text + i);
		i = nl ? end + 1 : len;
	}
}

static void attribution(struct buf *body, const char *fmt, const struct msg_envelope *env)
{
	const struct msg_addr *a = env->from.n ? &env->from.v[0] : NULL;
	char date[40] = "";
	if (env->has_date)
		msg_date_rfc5322(env->date, date);
	for (const char *p = fmt ? fmt : "On %d, %n wrote:"; *p; p++) {
		if (*p != '%' || !p[1]) {
			buf_addc(body, *p);
			continue;
		}
		switch (*++p) {
		case 'n':
			buf_adds(body, a ? (a->name ? a->name : a->addr) : _("someone"));
			break;
		case 'a':
			buf_adds(body, a ? a->addr : "");
			break;
		case 'd':
			buf_adds(body, date);
			break;
		case 's':
			buf_adds(body, env->subject ? env->subject : "");
			break;
		default:
			buf_addc(body, *p);
			break;
		}
	}
	buf_addc(body, '\n');
}

static bool listed(const struct msg_addr_list *l, const char *addr)
{
	for (size_t i = 0; i < l->n; i++)
		if (str_casecmp(l->v[i].addr, addr) == 0)
			return true;
	return false;
}

/* Appends the addresses of src to dst, without the user's and without
 * those already in dst or in also. */
static void add_others(struct msg_addr_list *dst, const struct msg_addr_list *src,
		       const struct msg_addr_list *also, const struct msg_identity *id)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct msg_addr *a = &src->v[i];
		if (!*a->addr || msg_identity_is_mine(id, a->addr) || listed(dst, a->addr) ||
		    (also && listed(also, a->addr)))
			continue;
		struct msg_addr c = { a->name ? xstrdup(a->name) : NULL, xstrdup(a->addr), NULL };
		ARRAY_PUSH(dst, c);
	}
}

static void add_all(struct msg_addr_list *dst, const struct msg_addr_list *src)
{
	for (size_t i = 0; i < src->n; i++) {
		const struct msg_addr *a = &src->v[i];
		if (!*a->addr || listed(dst, a->addr))
			continue;
		struct msg_addr c = { a->name ? xstrdup(a->name) : NULL, xstrdup(a->addr), NULL };
		ARRAY_PUSH(dst, c);
	}
}

static bool all_mine(const struct msg_addr_list *l, const struct msg_identity *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (!msg_identity_is_mine(id, l->v[i].addr))
			return false;
	return l->n > 0;
}

/* The List-Post address: 1 and *addr_r, 0 when there is none, -1 for "NO". */
static int list_post(const char *raw, size_t len, char **addr_r)
{
	struct msg_hfields h = ARRAY_INIT;
	msg_headers_split(raw, len, &h);
	const struct msg_hfield *f = msg_headers_find(&h, "list-post");
	int r = 0;
	if (f) {
		struct buf v = BUF_INIT;
		msg_unfold(f->value, f->value_len, &v);
		const char *s = buf_cstr(&v);
		const char *m = str_casestr(s, "mailto:");
		if (m) {
			m += 7;
			size_t n = strcspn(m, "?>, \t");
			*addr_r = msg_text_clean(m, n);
			r = **addr_r ? 1 : 0;
			if (!r)
				FREE(addr_r);
		} else if (str_casestartswith(str_ltrim((char *)s), "no")) {
			r = -1;
		}
		buf_release(&v);
	}
	ARRAY_RELEASE(&h);
	return r;
}

static int recipients(const char *raw, size_t len, const struct msg_envelope *env,
		      enum msg_reply_kind kind, const struct msg_identity *id,
		      struct msg_addr_list *to, struct msg_addr_list *cc, struct err *err)
{
	bool from_me = all_mine(&env->from, id);
	if (kind == MSG_REPLY_LIST) {
		char *addr = NULL;
		int r = list_post(raw, len, &addr);
		if (r < 0)
			return err_set(err, ERR_UNSUPPORTED,
				       _("the list does not take posts (List-Post: NO)"));
		if (r == 0)
			return err_set(err, ERR_NOT_FOUND,
				       _("this is not a mailing list message (no List-Post header)"));
		struct msg_addr a = { NULL, addr, NULL };
		ARRAY_PUSH(to, a);
		return 0;
	}
	if (from_me) {                  /* a reply to one's own message follows it up */
		add_all(to, &env->to);
		if (kind == MSG_REPLY_GROUP)
			add_others(cc, &env->cc, to, id);
		return 0;
	}
	add_all(to, env->reply_to.n ? &env->reply_to : &env->from);
	if (kind == MSG_REPLY_GROUP) {
		add_others(to, &env->to, NULL, id);
		add_others(cc, &env->cc, to, id);
	}
	return 0;
}

static void threading(struct msg_compose *c, const struct msg_envelope *env)
{
	if (!env->message_id)
		return;
	c->in_reply_to = xstrdup(env->message_id);
	const struct msg_str_list *refs = &env->references;
	size_t first = refs->n > MAX_REFERENCES - 1 ? refs->n - (MAX_REFERENCES - 2) : 0;
	if (first > 0)                  /* keep the thread's root */
		ARRAY_PUSH(&c->references, xstrdup(refs->v[0]));
	for (size_t i = first; i < refs->n; i++)
		ARRAY_PUSH(&c->references, xstrdup(refs->v[i]));
	if (!refs->n && env->in_reply_to)
		ARRAY_PUSH(&c->references, xstrdup(env->in_reply_to));
	ARRAY_PUSH(&c->references, xstrdup(env->message_id));
}

static void set_addrs(char **field, const struct msg_addr_list *l)
{
	FREE(field);
	if (l->n)
		*field = msg_addr_list_format_input(l);
}

int msg_compose_reply(struct msg_compose *c, const char *raw, size_t len, enum msg_reply_kind kind,
		      const struct msg_reply_opts *o, struct err *err)
{
	msg_compose_init(c);
	struct msg_envelope env;
	msg_envelope_parse(raw, len, &env);
	struct msg_addr_list to = ARRAY_INIT, cc = ARRAY_INIT;
	int r = recipients(raw, len, &env, kind, o->id, &to, &cc, err);
	if (r == 0) {
		if (!to.n && cc.n) {
			struct msg_addr_list t = to;
			to = cc;
			cc = t;
		}
		c->from = msg_identity_format(o->id);
		set_addrs(&c->to, &to);
		set_addrs(&c->cc, &cc);
		c->subject = msg_subject_with_prefix(env.subject, false);
		threading(c, &env);
		attribution(&c->body, o->attribution, &env);
		struct buf text = BUF_INIT;
		msg_text_for_quote(raw, len, &text);
		quote(&c->body, buf_cstr(&text), text.len);
		buf_release(&text);
		msg_compose_add_signature(c, o->signature);
	}
	msg_addr_list_release(&to);
	msg_addr_list_release(&cc);
	msg_envelope_release(&env);
	return r;
}
