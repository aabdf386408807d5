/* Address lists, read the way mail clients must: tolerantly when they come
 * from a message, strictly (with a clear error) when the user typed them. */
#include "common.h"

#include <stdarg.h>

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"

/* What has been seen of the current address. */
struct item {
	struct buf phrase;      /* words and quoted strings, single-spaced */
	struct buf bare;        /* everything outside comments, without blanks */
	struct buf comment;     /* the first comment */
	struct buf angle;       /* inside <...> */
	bool has_angle, has_comment, space;
	bool after_angle;       /* words after the <...> */
	bool phrase_spaced;     /* the phrase has blanks between words */
	bool bare_at;           /* an '@' outside quoted strings: an address, so a
				 * ':' after it does not start a group */
};

/* The state of one parse. */
struct parse {
	struct msg_addr_list *list;
	struct item it;
	char *group;            /* the open group's name; NULL outside one */
	size_t group_members;
	bool in_group;
	const char *input;      /* strict mode: the input, for messages */
	struct err *err;        /* strict mode: the first problem; NULL: tolerant */
	bool failed;
};

static void problem(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(struct parse *p, const char *fmt, ...)
{
	if (p->failed || !p->input)
		return;
	p->failed = true;
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	err_set(p->err, ERR_INPUT, "%s", msg);
	free(msg);
}

static void phrase_add(struct item *it, const char *s, size_t n)
{
	if (it->space && it->phrase.len) {
		buf_addc(&it->phrase, ' ');
		it->phrase_spaced = true;
	}
	it->space = false;
	buf_add(&it->phrase, s, n);
}

/* Reads a comment at s + i (just after '('), nested ones included, without
 * recursion. Returns the index after it; *closed says whether it ended. */
static size_t comment(const char *s, size_t len, size_t i, struct buf *out, bool *closed)
{
	size_t depth = 1;
	*closed = false;
	while (i < len) {
		char c = s[i++];
		if (c == '\\' && i < len) {
			buf_addc(out, s[i++]);
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0) {
			*closed = true;
			break;
		}
		buf_addc(out, c);
	}
	return i;
}

static bool has_closing_quote(const char *s, size_t len, size_t i)
{
	for (; i < len; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return true;
	}
	return false;
}

static void item_reset(struct item *it)
{
	buf_reset(&it->phrase);
	buf_reset(&it->bare);
	buf_reset(&it->comment);
	buf_reset(&it->angle);
	it->has_angle = it->has_comment = it->space = false;
	it->after_angle = it->phrase_spaced = it->bare_at = false;
}

/* The address inside <...>, without blanks and an obsolete source route. */
static char *angle_addr(const struct buf *b)
{
	const char *s = buf_cstr(b);
	if (*s == '@' && strchr(s, ':'))
		s = strrchr(s, ':') + 1;
	struct buf t = BUF_INIT;
	for (; *s; s++)
		if (!msg_is_space(*s))
			buf_addc(&t, *s);
	char *r = msg_text_clean(buf_cstr(&t), t.len);
	buf_release(&t);
	return r;
}

static char *nonempty(char *s)
{
	if (s && !*s) {
		free(s);
		return NULL;
	}
	return s;
}

/* A dot-atom of RFC 5322's atext, or a quoted string: what reads back the
 * same when written without quotes of our own (found by fuzz-address). */
static bool local_part_ok(const char *addr, const char *at)
{
	if (addr[0] == '"')
		return at - addr >= 2 && at[-1] == '"';
	for (const char *c = addr; c < at; c++)
		if (!(((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z') || (*c >= '0' && *c <= '9') ||
		      strchr(".!#$%&'*+-/=?^_`{|}~", *c)))
			return false;
	return true;
}

/* Strict mode: whether addr is local@domain as people type it (dot-atoms or a
 * quoted local part, a domain literal); says what is wrong otherwise. */
static bool addr_ok(struct parse *p, const char *addr, const char *written)
{
	if (!*addr) {
		problem(p, _("'%s': the address is empty"), written);
		return false;
	}
	for (const unsigned char *c = (const unsigned char *)addr; *c; c++)
		if (*c >= 0x80) {
			problem(p, _("'%s': addresses with non-ASCII characters are not supported "
				     "(the server would need SMTPUTF8)"), written);
			return false;
		}
	if (strlen(addr) > 254) {
		problem(p, _("'%.40s...': the address is longer than 254 characters"), written);
		return false;
	}
	const char *at = strrchr(addr, '@');
	if (!at) {
		problem(p, _("'%s' is not an address: it has no @domain"), written);
		return false;
	}
	if (at == addr) {
		problem(p, _("'%s': the part before the @ is missing"), written);
		return false;
	}
	const char *dom = at + 1;
	size_t dn = strlen(dom);
	if (!dn || dom[0] == '.' || dom[dn - 1] == '.' || strstr(dom, "..")) {
		problem(p, _("'%s': the domain after the @ is missing or malformed"), written);
		return false;
	}
	bool literal = dom[0] == '[' && dom[dn - 1] == ']';
	for (const char *c = dom; *c && !literal; c++)
		if (!(*c == '.' || *c == '-' || (*c >= '0' && *c <= '9') ||
		      ((*c | 0x20) >= 'a' && (*c | 0x20) <= 'z'))) {
			problem(p, _("'%s': the domain '%s' has a character a domain cannot have"),
				written, dom);
			return false;
		}
	if (addr[0] != '"' && (addr[0] == '.' || at[-1] == '.' || memmem(addr, (size_t)(at - addr),
									 "..", 2))) {
		problem(p, _("'%s': the part before the @ has misplaced dots"), written);
		return false;
	}
	if (!local_part_ok(addr, at)) {
		problem(p, _("'%s': the part before the @ has a character an address cannot have "
			     "(unless it is in quotes)"), written);
		return false;
	}
	return true;
}

/* Strict mode: the checks that need the whole item. */
static void item_check(struct parse *p, const struct msg_addr *a)
{
	char *written = msg_text_clean(buf_cstr(&p->it.bare), p->it.bare.len);
	if (p->it.has_angle) {
		if (p->it.after_angle)
			problem(p, _("'%s <%s>': unexpected text after the '>'"),
				a->name ? a->name : "", a->addr);
		else
			addr_ok(p, a->addr, a->addr);
	} else if (!memchr(buf_cstr(&p->it.bare), '@', p->it.bare.len)) {
		problem(p, _("'%s' is not an address: it has no @domain"), written);
	} else if (p->it.phrase_spaced) {
		char *ph = msg_text_clean(buf_cstr(&p->it.phrase), p->it.phrase.len);
		problem(p, _("'%s': put the address in <> after the name, as in "
			     "Name <local@domain>"), ph);
		free(ph);
	} else {
		addr_ok(p, a->addr, written);
	}
	free(written);
}

static void item_emit(struct parse *p)
{
	struct item *it = &p->it;
	struct msg_addr a = { NULL, NULL, NULL };
	if (it->has_angle) {
		a.addr = angle_addr(&it->angle);
		a.name = nonempty(msg_header_decode(buf_cstr(&it->phrase), it->phrase.len));
	} else if (memchr(buf_cstr(&it->bare), '@', it->bare.len)) {
		a.addr = msg_text_clean(buf_cstr(&it->bare), it->bare.len);
	} else if (it->phrase.len) {
		a.addr = msg_header_decode(buf_cstr(&it->phrase), it->phrase.len);
	}
	if (!a.name && it->has_comment)
		a.name = nonempty(msg_header_decode(buf_cstr(&it->comment), it->comment.len));
	if (!a.addr && !a.name) {
		item_reset(it);
		return;
	}
	if (!a.addr)
		a.addr = xstrdup("");
	if (p->input)
		item_check(p, &a);
	if (p->in_group) {
		a.group = xstrdup(p->group ? p->group : "");
		p->group_members++;
	}
	ARRAY_PUSH(p->list, a);
	item_reset(it);
}

static void group_start(struct parse *p)
{
	if (p->in_group)
		problem(p, _("'%s': a group inside a group (a ';' is missing)"),
			buf_cstr(&p->it.phrase));
	free(p->group);
	p->group = msg_header_decode(buf_cstr(&p->it.phrase), p->it.phrase.len);
	if (p->input && !*p->group)
		problem(p, _("a ':' without a group name before it"));
	p->in_group = true;
	p->group_members = 0;
	item_reset(&p->it);
}

/* A group ends at ';' (or at the end). An empty one is kept as an entry
 * with an empty address, so "undisclosed-recipients:;" survives. */
static void group_end(struct parse *p)
{
	item_emit(p);
	if (!p->in_group) {
		problem(p, _("a ';' without a group ('Name: addresses;') before it"));
		return;
	}
	if (p->group_members == 0 && p->input) {
		struct msg_addr a = { NULL, xstrdup(""), xstrdup(p->group ? p->group : "") };
		ARRAY_PUSH(p->list, a);
	}
	FREE(&p->group);
	p->in_group = false;
}

static size_t angle(struct parse *p, const char *value, size_t len, size_t i)
{
	const char *gt = memchr(value + i, '>', len - i);
	size_t end = gt ? (size_t)(gt - value) : len;
	if (!gt)
		problem(p, _("'%s': the '>' after the address is missing"), value + i);
	else if (p->it.has_angle)
		problem(p, _("two addresses in <> without a comma between them"));
	buf_reset(&p->it.angle);
	buf_add(&p->it.angle, value + i + 1, end - i - 1);
	p->it.has_angle = true;
	return gt ? end + 1 : len;
}

static size_t word(struct parse *p, const char *value, size_t len, size_t i)
{
	size_t j = i;
	while (j < len && !msg_is_space(value[j]) && !strchr("\"(<,;:", value[j]))
		j++;
	if (j == i) {
		if (value[j] == '>')
			problem(p, _("a '>' without a '<' before it"));
		j++;
	}
	if (p->it.has_angle)
		p->it.after_angle = true;
	if (memchr(value + i, '@', j - i))
		p->it.bare_at = true;
	phrase_add(&p->it, value + i, j - i);
	buf_add(&p->it.bare, value + i, j - i);
	return j;
}

static size_t quoted_string(struct parse *p, const char *value, size_t len, size_t i,
			    struct buf *tmp)
{
	struct item *it = &p->it;
	buf_reset(tmp);
	i = msg_quoted(value, len, i + 1, tmp);
	if (it->has_angle)
		it->after_angle = true;
	phrase_add(it, buf_cstr(tmp), tmp->len);
	buf_addc(&it->bare, '"');
	buf_add(&it->bare, buf_cstr(tmp), tmp->len);
	buf_addc(&it->bare, '"');
	return i;
}

static size_t comment_text(struct parse *p, const char *value, size_t len, size_t i,
			   struct buf *tmp)
{
	struct item *it = &p->it;
	bool closed;
	buf_reset(tmp);
	i = comment(value, len, i + 1, tmp, &closed);
	if (!closed)
		problem(p, _("a '(' is not closed"));
	if (!it->has_comment) {
		buf_add(&it->comment, buf_cstr(tmp), tmp->len);
		it->has_comment = true;
	}
	it->space = true;
	return i;
}

static size_t step(struct parse *p, const char *value, size_t len, size_t i, struct buf *tmp)
{
	struct item *it = &p->it;
	char c = value[i];
	if (msg_is_space(c)) {
		it->space = true;
		return i + 1;
	}
	if (c == '"' && !has_closing_quote(value, len, i + 1)) {
		problem(p, _("a '\"' is not closed"));
		return i + 1;   /* an unbalanced quote is just noise */
	}
	if (c == '"')
		return quoted_string(p, value, len, i, tmp);
	if (c == '(')
		return comment_text(p, value, len, i, tmp);
	if (c == '<')
		return angle(p, value, len, i);
	if (c == ',') {
		item_emit(p);
		return i + 1;
	}
	if (c == ';') {
		if (p->in_group || p->input)
			group_end(p);
		else
			item_emit(p);
		return i + 1;
	}
	if (c == ':' && !it->has_angle && !it->bare_at) {
		group_start(p);
		return i + 1;
	}
	return word(p, value, len, i);
}

static void parse(struct parse *p, const char *value, size_t len)
{
	struct buf tmp = BUF_INIT;
	size_t i = 0;
	while (i < len && !p->failed)
		i = step(p, value, len, i, &tmp);
	if (p->in_group)
		group_end(p);   /* a missing ';' at the end is forgiven */
	else
		item_emit(p);
	free(p->group);
	buf_release(&p->it.phrase);
	buf_release(&p->it.bare);
	buf_release(&p->it.comment);
	buf_release(&p->it.angle);
	buf_release(&tmp);
}

void msg_addr_list_parse(const char *value, size_t len, struct msg_addr_list *list)
{
	struct parse p;
	memset(&p, 0, sizeof p);
	p.list = list;
	parse(&p, value, len);
}

int msg_addr_list_parse_input(const char *value, struct msg_addr_list *list, struct err *err)
{
	struct parse p;
	memset(&p, 0, sizeof p);
	struct msg_addr_list tmp = ARRAY_INIT;
	p.list = &tmp;
	p.input = value;
	p.err = err;
	for (const char *c = value; *c && !p.failed; c++)
		if ((unsigned char)*c < ' ' && *c != '\t')
			problem(&p, _("a control character in an address list"));
	if (!p.failed)
		parse(&p, value, strlen(value));
	if (p.failed) {
		msg_addr_list_release(&tmp);
		return -1;
	}
	for (size_t i = 0; i < tmp.n; i++)
		ARRAY_PUSH(list, tmp.v[i]);
	ARRAY_RELEASE(&tmp);
	return 0;
}

void msg_addr_list_release(struct msg_addr_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].addr);
		free(list->v[i].group);
	}
	ARRAY_RELEASE(list);
}

char *msg_addr_list_format(const struct msg_addr_list *list)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < list->n; i++) {
		const struct msg_addr *a = &list->v[i];
		if (!a->name && !*a->addr)
			continue;       /* an empty group */
		if (b.len)
			buf_adds(&b, ", ");
		if (a->name && *a->addr && strcmp(a->name, a->addr) != 0)
			buf_addf(&b, "%s <%s>", a->name, a->addr);
		else if (a->name && !*a->addr)
			buf_adds(&b, a->name);
		else
			buf_adds(&b, a->addr);
	}
	return buf_detach(&b, NULL);
}

/* Control characters and DEL, which no quoted string may hold. */
static bool is_ctl(char c)
{
	return (unsigned char)c < ' ' || c == 0x7f;
}

/* A display name as it must be typed to parse back: bare when it is atoms
 * (8-bit text counts as atom text here), else quoted. */
static void add_name(struct buf *b, const char *name)
{
	bool plain = *name && *name != ' ';
	for (const char *p = name; *p && plain; p++)
		if (strchr("()<>[]:;@\\,.\"", *p) || (*p == ' ' && (p[1] == ' ' || !p[1])) ||
		    is_ctl(*p))
			plain = false;
	if (plain) {
		buf_adds(b, name);
		return;
	}
	buf_addc(b, '"');
	for (const char *p = name; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, is_ctl(*p) ? ' ' : *p);
	}
	buf_addc(b, '"');
}

/* A group's name as it can be typed: one of only blanks and control
 * characters (which add_name writes as blanks) would read back as none. */
static const char *group_name(const char *name)
{
	for (const char *p = name; *p; p++)
		if (!is_ctl(*p) && *p != ' ')
			return name;
	return "group";
}

char *msg_addr_list_format_input(const struct msg_addr_list *list)
{
	struct buf b = BUF_INIT;
	const char *group = NULL;
	for (size_t i = 0; i < list->n; i++) {
		const struct msg_addr *a = &list->v[i];
		if (group && (!a->group || strcmp(group, a->group) != 0)) {
			buf_addc(&b, ';');
			group = NULL;
		}
		if (!a->group && !*a->addr)
			continue;
		if (a->group && !*a->addr) {
			/* An empty group stands alone, even after one of its name. */
			if (group)
				buf_addc(&b, ';');
			group = NULL;
			if (b.len)
				buf_adds(&b, ", ");
			add_name(&b, group_name(a->group));
			buf_adds(&b, ":;");
			continue;
		}
		if (a->group && !group) {
			if (b.len)
				buf_adds(&b, ", ");
			add_name(&b, group_name(a->group));
			buf_addc(&b, ':');
			group = a->group;
			if (*a->addr)
				buf_addc(&b, ' ');
		} else if (b.len) {
			buf_adds(&b, ", ");
		}
		if (!*a->addr)
			continue;
		if (a->name && *a->name && strcmp(a->name, a->addr) != 0) {
			add_name(&b, a->name);
			buf_addf(&b, " <%s>", a->addr);
		} else {
			buf_adds(&b, a->addr);
		}
	}
	if (group)
		buf_addc(&b, ';');
	return buf_detach(&b, NULL);
}
