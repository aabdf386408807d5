/* Header blocks: splitting into fields, unfolding. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/strutil.h"

/* End of the line starting at i: the index of its LF, or len. */
static size_t line_end(const char *s, size_t len, size_t i)
{
	const char *nl = memchr(s + i, '\n', len - i);
	return nl ? (size_t)(nl - s) : len;
}

static bool is_empty_line(const char *s, size_t i, size_t end)
{
	return end == i || (end == i + 1 && s[i] == '\r');
}

/* A field name is printable ASCII without colon; blanks may stand before the
 * colon (obsolete syntax). Returns the index of the colon or 0. */
static size_t field_colon(const char *s, size_t i, size_t end)
{
	size_t j = i;
	while (j < end && s[j] != ':' && (unsigned char)s[j] > ' ' && (unsigned char)s[j] < 0x7F)
		j++;
	if (j == i)
		return 0;
	size_t name_end = j;
	while (j < end && msg_is_blank(s[j]))
		j++;
	return j < end && s[j] == ':' && name_end > i ? j : 0;
}

size_t msg_headers_split(const char *s, size_t len, struct msg_hfields *out)
{
	size_t i = 0;
	struct msg_hfield *cur = NULL;
	while (i < len) {
		size_t end = line_end(s, len, i);
		size_t next = end < len ? end + 1 : len;
		if (is_empty_line(s, i, end))
			return next;
		if (msg_is_blank(s[i])) {
			if (cur)  /* a continuation extends the value to its end */
				cur->value_len = (size_t)(s + end - cur->value);
			i = next;
			continue;
		}
		size_t colon = field_colon(s, i, end);
		if (!colon) {
			cur = NULL;
			i = next;
			continue;
		}
		size_t name_end = colon;
		while (msg_is_blank(s[name_end - 1]))
			name_end--;
		struct msg_hfield f = { s + i, name_end - i, s + colon + 1, end - colon - 1 };
		ARRAY_PUSH(out, f);
		cur = &out->v[out->n - 1];
		i = next;
	}
	return len;
}

size_t msg_field_len(const struct msg_hfield *f)
{
	size_t n = (size_t)(f->value + f->value_len - f->name);
	while (n && (f->name[n - 1] == '\r' || f->name[n - 1] == '\n'))
		n--;
	return n;
}

bool msg_name_is(const struct msg_hfield *f, const char *name)
{
	return strlen(name) == f->name_len && str_ncasecmp(f->name, name, f->name_len) == 0;
}

const struct msg_hfield *msg_headers_find(const struct msg_hfields *h, const char *name)
{
	for (size_t i = 0; i < h->n; i++)
		if (msg_name_is(&h->v[i], name))
			return &h->v[i];
	return NULL;
}

void msg_unfold(const char *s, size_t len, struct buf *out)
{
	while (len && msg_is_space(*s)) {
		s++;
		len--;
	}
	while (len && msg_is_space(s[len - 1]))
		len--;
	buf_grow(out, len);
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != '\r' && s[j] != '\n')
			j++;
		buf_add(out, s + i, j - i);
		while (j < len && (s[j] == '\r' || s[j] == '\n'))
			j++;
		i = j;
	}
}

size_t msg_quoted(const char *s, size_t len, size_t i, struct buf *out)
{
	while (i < len && s[i] != '"') {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		if (s[i] != '\r' && s[i] != '\n')
			buf_addc(out, s[i]);
		i++;
	}
	return i < len ? i + 1 : len;
}
