/* Address lists, read the way mail clients must: tolerantly. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"

/* What has been seen of the current address. */
struct item {
	struct buf phrase;      /* words and quoted strings, single-spaced */
	struct buf bare;        /* everything outside comments, without blanks */
	struct buf comment;     /* the first comment */
	struct buf angle;       /* inside <...> */
	bool has_angle, has_comment, space;
};

static void phrase_add(struct item *it, const char *s, size_t n)
{
	if (it->space && it->phrase.len)
		buf_addc(&it->phrase, ' ');
	it->space = false;
	buf_add(&it->phrase, s, n);
}

/* Reads a comment at s + i (just after '('), nested ones included, without
 * recursion. Returns the index after it. */
static size_t comment(const char *s, size_t len, size_t i, struct buf *out)
{
	size_t depth = 1;
	while (i < len) {
		char c = s[i++];
		if (c == '\\' && i < len) {
			buf_addc(out, s[i++]);
			continue;
		}
		if (c == '(')
			depth++;
		else if (c == ')' && --depth == 0)
			break;
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

static void item_emit(struct item *it, struct msg_addr_list *list)
{
	struct msg_addr a = { NULL, NULL };
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
	ARRAY_PUSH(list, a);
	item_reset(it);
}

/* An atom or any other run of text: part of a name and of an address. */
static size_t word(struct item *it, const char *s, size_t len, size_t i)
{
	size_t j = i;
	while (j < len && !msg_is_space(s[j]) && !strchr("\"(<,;:", s[j]))
		j++;
	if (j == i)
		j++;
	phrase_add(it, s + i, j - i);
	buf_add(&it->bare, s + i, j - i);
	return j;
}

void msg_addr_list_parse(const char *value, size_t len, struct msg_addr_list *list)
{
	struct item it = { BUF_INIT, BUF_INIT, BUF_INIT, BUF_INIT, false, false, false };
	struct buf tmp = BUF_INIT;
	size_t i = 0;
	while (i < len) {
		char c = value[i];
		if (msg_is_space(c)) {
			it.space = true;
			i++;
		} else if (c == '"' && !has_closing_quote(value, len, i + 1)) {
			i++;  /* an unbalanced quote is just noise */
		} else if (c == '"') {
			buf_reset(&tmp);
			i = msg_quoted(value, len, i + 1, &tmp);
			phrase_add(&it, buf_cstr(&tmp), tmp.len);
			buf_addc(&it.bare, '"');
			buf_add(&it.bare, buf_cstr(&tmp), tmp.len);
			buf_addc(&it.bare, '"');
		} else if (c == '(') {
			buf_reset(&tmp);
			i = comment(value, len, i + 1, &tmp);
			if (!it.has_comment) {
				buf_add(&it.comment, buf_cstr(&tmp), tmp.len);
				it.has_comment = true;
			}
			it.space = true;
		} else if (c == '<') {
			const char *gt = memchr(value + i, '>', len - i);
			size_t end = gt ? (size_t)(gt - value) : len;
			buf_reset(&it.angle);
			buf_add(&it.angle, value + i + 1, end - i - 1);
			it.has_angle = true;
			i = gt ? end + 1 : len;
		} else if (c == ',' || c == ';') {
			item_emit(&it, list);
			i++;
		} else if (c == ':' && !it.has_angle && !memchr(buf_cstr(&it.bare), '@', it.bare.len)) {
			item_reset(&it);  /* a group's name */
			i++;
		} else {
			i = word(&it, value, len, i);
		}
	}
	item_emit(&it, list);
	buf_release(&it.phrase);
	buf_release(&it.bare);
	buf_release(&it.comment);
	buf_release(&it.angle);
	buf_release(&tmp);
}

void msg_addr_list_release(struct msg_addr_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].name);
		free(list->v[i].addr);
	}
	ARRAY_RELEASE(list);
}

char *msg_addr_list_format(const struct msg_addr_list *list)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < list->n; i++) {
		const struct msg_addr *a = &list->v[i];
		if (i)
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
