/* MIME parameters, the writing side: tokens, quoted strings, and RFC 2231
 * continuations and charsets for long or non-ASCII values (file names). */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/buf.h"
#include "util/sanitize.h"

#define SECTION_MAX (MSG_HEADER_WIDTH - 3)  /* a section with its blank before and ';' after */

static bool is_tspecial(unsigned char c)
{
	return strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

static bool is_token(const char *v)
{
	if (!*v)
		return false;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p >= 0x7F || is_tspecial(*p))
			return false;
	return true;
}

static bool is_printable_ascii(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p < ' ' || *p >= 0x7F)
			return false;
	return true;
}

/* RFC 2231 attribute-char: what may stand in an extended value as is. */
static bool is_attribute_char(unsigned char c)
{
	return c > ' ' && c < 0x7F && !is_tspecial(c) && c != '*' && c != '\'' && c != '%';
}

static void add_quoted(struct buf *b, const char *s, size_t n)
{
	buf_addc(b, '"');
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addc(b, '\\');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

static void add_token(struct msg_hwriter *w, bool first, const struct buf *t)
{
	if (!first)
		msg_hw_adds(w, "", ";");
	msg_hw_add(w, " ", 1, t->data, t->len);
}

/* name*0="...", name*1="..." for a long ASCII value, each section with
 * what fits on a line. */
static void write_sections(struct msg_hwriter *w, const char *name, const char *v)
{
	struct buf t = BUF_INIT;
	size_t len = strlen(v);
	for (size_t i = 0, k = 0; i < len; k++) {
		buf_reset(&t);
		buf_addf(&t, "%s*%zu=\"", name, k);
		while (i < len && t.len + 4 < SECTION_MAX) {
			if (v[i] == '"' || v[i] == '\\')
				buf_addc(&t, '\\');
			buf_addc(&t, v[i++]);
		}
		buf_addc(&t, '"');
		add_token(w, k == 0, &t);
	}
	buf_release(&t);
}

/* The percent-encoded form of the character at s: its length in s. */
static size_t encode_char(const char *s, size_t n, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned cp;
	size_t k = utf8_decode(s, n, &cp);
	if (!k)
		k = 1;
	for (size_t j = 0; j < k; j++) {
		unsigned char c = (unsigned char)s[j];
		if (is_attribute_char(c)) {
			buf_addc(out, (char)c);
		} else {
			buf_addc(out, '%');
			buf_addc(out, hex[c >> 4]);
			buf_addc(out, hex[c & 15]);
		}
	}
	return k;
}

/* name*=UTF-8''%E2%82%AC, or name*0*=UTF-8''...; name*1*=... sections that
 * never split a character. */
static void write_extended(struct msg_hwriter *w, const char *name, const char *v)
{
	size_t len = strlen(v);
	struct buf all = BUF_INIT, ch = BUF_INIT, t = BUF_INIT;
	for (size_t i = 0; i < len;)
		i += encode_char(v + i, len - i, &all);
	if (strlen(name) + all.len + 10 <= MSG_HEADER_WIDTH - 2) {
		buf_addf(&t, "%s*=UTF-8''%s", name, buf_cstr(&all));
		add_token(w, true, &t);
	} else {
		size_t k = 0, i = 0;
		while (i < len) {
			buf_reset(&t);
			buf_addf(&t, k == 0 ? "%s*%zu*=UTF-8''" : "%s*%zu*=", name, k);
			size_t start = t.len;
			while (i < len) {
				buf_reset(&ch);
				size_t n = encode_char(v + i, len - i, &ch);
				if (t.len > start && t.len + ch.len > SECTION_MAX)
					break;
				buf_add(&t, ch.data, ch.len);
				i += n;
			}
			add_token(w, k == 0, &t);
			k++;
		}
	}
	buf_release(&all);
	buf_release(&ch);
	buf_release(&t);
}

void msg_hw_param(struct msg_hwriter *w, const char *name, const char *value)
{
	if (!is_token(name) || strlen(name) > 60)
		return;         /* no parameter by that name can be written */
	msg_hw_adds(w, "", ";");
	struct buf t = BUF_INIT;
	size_t fixed = strlen(name) + 4;
	if (is_token(value) && fixed + strlen(value) < MSG_HEADER_WIDTH) {
		buf_addf(&t, "%s=%s", name, value);
		msg_hw_add(w, " ", 1, t.data, t.len);
	} else if (is_printable_ascii(value) && fixed + strlen(value) + 8 < MSG_HEADER_WIDTH) {
		buf_addf(&t, "%s=", name);
		add_quoted(&t, value, strlen(value));
		msg_hw_add(w, " ", 1, t.data, t.len);
	} else if (is_printable_ascii(value)) {
		write_sections(w, name, value);
	} else {
		write_extended(w, name, value);
	}
	buf_release(&t);
}
