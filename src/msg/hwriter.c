/* Writing header fields: folding, unstructured text, address lists and
 * message ids. */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/buf.h"

#define QUOTED_MAX 900          /* a longer name is encoded, so that it can fold */

void msg_hw_begin(struct msg_hwriter *w, struct buf *out, const char *name)
{
	w->out = out;
	buf_adds(out, name);
	buf_addc(out, ':');
	w->col = strlen(name) + 1;
	w->empty = true;
}

static void fold(struct msg_hwriter *w)
{
	buf_adds(w->out, "\r\n");
	w->col = 0;
}

void msg_hw_add(struct msg_hwriter *w, const char *sep, size_t sep_len, const char *tok, size_t n)
{
	if (sep_len && w->col > 0 && w->col + sep_len + n > MSG_HEADER_WIDTH)
		fold(w);
	buf_add(w->out, sep, sep_len);
	buf_add(w->out, tok, n);
	w->col += sep_len + n;
	w->empty = false;
}

void msg_hw_adds(struct msg_hwriter *w, const char *sep, const char *tok)
{
	msg_hw_add(w, sep, strlen(sep), tok, strlen(tok));
}

void msg_hw_encoded(struct msg_hwriter *w, const char *sep, size_t sep_len, const char *s,
		    size_t n)
{
	char enc = msg_rfc2047_choose(s, n);
	struct buf word = BUF_INIT;
	while (n > 0) {
		size_t used = w->col + sep_len;
		size_t room = used < MSG_HEADER_WIDTH ? MSG_HEADER_WIDTH - used : 0;
		/* A sliver of a word at the end of a line helps nobody. */
		if (room < 24 && w->col > 0) {
			fold(w);
			continue;
		}
		buf_reset(&word);
		size_t took = msg_rfc2047_word(&word, s, n, room, enc);
		if (took == 0) {        /* cannot happen after a fold: a word always fits */
			fold(w);
			took = msg_rfc2047_word(&word, s, n, MSG_WORD_MAX, enc);
		}
		msg_hw_add(w, sep, sep_len, word.data, word.len);
		s += took;
		n -= took;
		sep = " ";
		sep_len = 1;
	}
	buf_release(&word);
}

static bool is_atext(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       (c > ' ' && c < 0x7F && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static bool needs_encoding(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x7F || (c < ' ' && c != '\t'))
			return true;
		if (c == '=' && i + 1 < n && s[i + 1] == '?')
			return true;
	}
	return false;
}

/* Atoms separated by single blanks. */
static bool is_atoms(const char *s)
{
	if (!*s || *s == ' ')
		return false;
	for (const char *p = s; *p; p++)
		if (!is_atext((unsigned char)*p) && !(*p == ' ' && p[1] && p[1] != ' '))
			return false;
	return true;
}

void msg_hw_phrase(struct msg_hwriter *w, const char *sep, const char *s)
{
	size_t n = strlen(s);
	if (!needs_encoding(s, n) && is_atoms(s)) {
		for (const char *p = s; *p;) {
			const char *sp = strchr(p, ' ');
			size_t k = sp ? (size_t)(sp - p) : strlen(p);
			msg_hw_add(w, sep, strlen(sep), p, k);
			sep = " ";
			p += k + (sp ? 1 : 0);
		}
		return;
	}
	if (!needs_encoding(s, n) && n < QUOTED_MAX) {
		struct buf q = BUF_INIT;
		buf_addc(&q, '"');
		for (const char *p = s; *p; p++) {
			if (*p == '"' || *p == '\\')
				buf_addc(&q, '\\');
			buf_addc(&q, *p == '\t' ? ' ' : *p);
		}
		buf_addc(&q, '"');
		msg_hw_add(w, sep, strlen(sep), q.data, q.len);
		buf_release(&q);
		return;
	}
	msg_hw_encoded(w, sep, strlen(sep), s, n);
}

void msg_hw_end(struct msg_hwriter *w)
{
	buf_adds(w->out, "\r\n");
}

/* A plain word that must be encoded: 8-bit, control characters, something
 * a decoder would take for an encoded word, or too long to fold. */
static bool word_needs_encoding(const char *s, size_t n)
{
	return needs_encoding(s, n) || n + 1 > MSG_HEADER_WIDTH;
}

void msg_header_write_text(struct buf *out, const char *name, const char *value)
{
	char *v = xstrdup(value ? value : "");
	for (char *p = v; *p; p++)
		if ((unsigned char)*p < ' ' || *p == 0x7F)
			*p = ' ';
	const char *s = v;
	while (*s == ' ')
		s++;
	size_t len = strlen(s);
	while (len && s[len - 1] == ' ')
		len--;
	struct msg_hwriter w;
	msg_hw_begin(&w, out, name);
	/* Runs of words to encode are written as one piece, blanks included:
	 * blanks between encoded words vanish when they are decoded. */
	size_t i = 0, enc_start = 0, enc_end = 0, enc_sep = 0, enc_sep_len = 0;
	bool pending = false;
	while (i < len) {
		size_t ws = i;
		while (i < len && s[i] == ' ')
			i++;
		size_t word = i;
		while (i < len && s[i] != ' ')
			i++;
		const char *sep = ws == 0 ? " " : s + ws;
		size_t sep_len = ws == 0 ? 1 : word - ws;
		if (word_needs_encoding(s + word, i - word)) {
			if (!pending) {
				pending = true;
				enc_start = word;
				enc_sep = ws;
				enc_sep_len = ws == 0 ? 0 : sep_len;
			}
			enc_end = i;
			continue;
		}
		if (pending) {
			msg_hw_encoded(&w, enc_sep_len ? s + enc_sep : " ", enc_sep_len ? enc_sep_len : 1,
				       s + enc_start, enc_end - enc_start);
			pending = false;
		}
		msg_hw_add(&w, sep, sep_len, s + word, i - word);
	}
	if (pending)
		msg_hw_encoded(&w, enc_sep_len ? s + enc_sep : " ", enc_sep_len ? enc_sep_len : 1,
			       s + enc_start, enc_end - enc_start);
	msg_hw_end(&w);
	free(v);
}

static void write_mailbox(struct msg_hwriter *w, const struct msg_addr *a)
{
	if (a->name && *a->name && strcmp(a->name, a->addr) != 0) {
		msg_hw_phrase(w, " ", a->name);
		char *angle = xasprintf("<%s>", a->addr);
		msg_hw_adds(w, " ", angle);
		free(angle);
	} else {
		msg_hw_adds(w, " ", a->addr);
	}
}

/* An address that can be written as it is: printable ASCII without blanks. */
static bool addr_7bit(const char *addr)
{
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p >= 0x7F)
			return false;
	return true;
}

/* What stood where an address belongs but cannot be written as one (8-bit
 * text from a broken message): kept for people as the name of an empty
 * group, which has no address for anyone to send to. */
static void write_unaddressable(struct msg_hwriter *w, const struct msg_addr *a)
{
	char *text = a->name && *a->name ? xasprintf("%s <%s>", a->name, a->addr) : xstrdup(a->addr);
	msg_hw_phrase(w, " ", text);
	msg_hw_adds(w, "", ":;");
	free(text);
}

void msg_header_write_addrs(struct buf *out, const char *name, const struct msg_addr_list *l)
{
	struct msg_hwriter w;
	msg_hw_begin(&w, out, name);
	const char *group = NULL;
	bool comma = false;
	for (size_t i = 0; i < l->n; i++) {
		const struct msg_addr *a = &l->v[i];
		if (!a->group && !*a->addr)
			continue;
		if (group && (!a->group || strcmp(group, a->group) != 0)) {
			msg_hw_adds(&w, "", ";");
			group = NULL;
			comma = true;
		}
		if (a->group && !group) {
			if (comma)
				msg_hw_adds(&w, "", ",");
			msg_hw_phrase(&w, " ", *a->group ? a->group : "group");
			msg_hw_adds(&w, "", ":");
			group = a->group;
			comma = false;
		}
		if (*a->addr && !addr_7bit(a->addr)) {
			if (group)
				continue;
			if (comma)
				msg_hw_adds(&w, "", ",");
			write_unaddressable(&w, a);
			comma = true;
		} else if (*a->addr) {
			if (comma)
				msg_hw_adds(&w, "", ",");
			write_mailbox(&w, a);
			comma = true;
		}
	}
	if (group)
		msg_hw_adds(&w, "", ";");
	msg_hw_end(&w);
}

/* An id that can stand between <> as it is: printable ASCII, no blank,
 * no bracket (anything else could break the header open), short enough
 * for a header line. */
static bool id_ok(const char *id)
{
	if (!*id || strlen(id) > 900)
		return false;
	for (const unsigned char *p = (const unsigned char *)id; *p; p++)
		if (*p <= ' ' || *p >= 0x7F || *p == '<' || *p == '>')
			return false;
	return true;
}

void msg_header_write_ids(struct buf *out, const char *name, const char *const *ids, size_t n)
{
	size_t good = 0;
	for (size_t i = 0; i < n; i++)
		good += id_ok(ids[i]);
	if (good == 0)
		return;
	struct msg_hwriter w;
	msg_hw_begin(&w, out, name);
	for (size_t i = 0; i < n; i++) {
		if (!id_ok(ids[i]))
			continue;
		char *t = xasprintf("<%s>", ids[i]);
		msg_hw_adds(&w, " ", t);
		free(t);
	}
	msg_hw_end(&w);
}

void msg_header_write_params(struct buf *out, const char *name, const char *value,
			     const struct msg_hparam *params, size_t n)
{
	struct msg_hwriter w;
	msg_hw_begin(&w, out, name);
	msg_hw_adds(&w, " ", value);
	for (size_t i = 0; i < n; i++)
		if (params[i].value)
			msg_hw_param(&w, params[i].name, params[i].value);
	msg_hw_end(&w);
}
