/* MIME header parameters, with RFC 2231 continuations and charsets. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/strutil.h"

#define MAX_SECTION 999
/* Real headers have a handful; a hostile one must not cost quadratic time. */
#define MAX_PARAMS 128

/* A parameter as written: name lower case with its '*' marks. */
struct raw_param {
	char *name;
	char *value;
};

struct raw_params {
	struct raw_param *v;
	size_t n, cap;
};

static size_t skip_blanks(const char *s, size_t len, size_t i)
{
	while (i < len && msg_is_space(s[i]))
		i++;
	return i;
}

static size_t parse_one(const char *s, size_t len, size_t i, struct raw_params *out)
{
	size_t name = i;
	while (i < len && s[i] != '=' && s[i] != ';')
		i++;
	size_t name_end = i;
	while (name_end > name && msg_is_space(s[name_end - 1]))
		name_end--;
	if (i >= len || s[i] == ';' || name_end == name)
		return i;
	i = skip_blanks(s, len, i + 1);
	struct buf v = BUF_INIT;
	if (i < len && s[i] == '"') {
		i = msg_quoted(s, len, i + 1, &v);
		while (i < len && s[i] != ';')
			i++;
	} else {
		size_t start = i;
		while (i < len && s[i] != ';')
			i++;
		size_t end = i;
		while (end > start && msg_is_space(s[end - 1]))
			end--;
		for (size_t k = start; k < end; k++)
			if (s[k] != '\r' && s[k] != '\n')
				buf_addc(&v, s[k]);
	}
	struct raw_param p = { xstrndup(s + name, name_end - name), buf_detach(&v, NULL) };
	for (char *c = p.name; *c; c++)
		*c = msg_lower(*c);
	ARRAY_PUSH(out, p);
	return i;
}

static void parse_raw(const char *s, size_t len, char **value_r, struct raw_params *out)
{
	size_t i = skip_blanks(s, len, 0), start = i;
	while (i < len && s[i] != ';' && !msg_is_space(s[i]) && s[i] != '(')
		i++;
	if (value_r) {
		*value_r = xstrndup(s + start, i - start);
		for (char *c = *value_r; *c; c++)
			*c = msg_lower(*c);
	}
	while (i < len && s[i] != ';')
		i++;
	while (i < len && out->n < MAX_PARAMS) {
		i = skip_blanks(s, len, i + 1);
		i = parse_one(s, len, i, out);
	}
}

/* ---- RFC 2231 ---- */

static void percent_decode(const char *s, struct buf *out)
{
	for (; *s; s++) {
		int hi, lo;
		if (*s == '%' && (hi = msg_hexval(s[1])) >= 0 && (lo = msg_hexval(s[2])) >= 0) {
			buf_addc(out, (char)(hi * 16 + lo));
			s += 2;
		} else {
			buf_addc(out, *s);
		}
	}
}

/* Splits "charset'lang'rest": copies the charset, returns rest. */
static const char *split_charset(const char *v, char *charset, size_t size)
{
	const char *q1 = strchr(v, '\'');
	const char *q2 = q1 ? strchr(q1 + 1, '\'') : NULL;
	charset[0] = '\0';
	if (!q2)
		return v;
	snprintf(charset, size, "%.*s", (int)(q1 - v), v);
	return q2 + 1;
}

/* How a raw name relates to base: -2 not at all, -1 "base*" (extended),
 * else the section number; *encoded_r tells whether it ends in '*'. */
static int section_of(const char *name, const char *base, size_t base_len, bool *encoded_r)
{
	if (strncmp(name, base, base_len) != 0 || name[base_len] != '*')
		return -2;
	const char *p = name + base_len + 1;
	if (!*p) {
		*encoded_r = true;
		return -1;
	}
	long n = 0;
	if (*p < '0' || *p > '9')
		return -2;
	while (*p >= '0' && *p <= '9' && n <= MAX_SECTION)
		n = n * 10 + (*p++ - '0');
	*encoded_r = *p == '*';
	if (n > MAX_SECTION || (*p && !(p[0] == '*' && !p[1])))
		return -2;
	return (int)n;
}

struct section {
	int n;                  /* -1 for the unnumbered "name*" form */
	bool encoded;
	const char *value;
};

static int section_cmp(const void *a, const void *b)
{
	const struct section *x = a, *y = b;
	return (x->n > y->n) - (x->n < y->n);
}

/* Assembles the RFC 2231 value of base from all its raw pieces into out,
 * in section order (a missing section is skipped, a repeated one ignored). */
static bool assemble(const struct raw_params *raw, const char *base, struct buf *out)
{
	size_t base_len = strlen(base);
	ARRAY(struct section) secs = ARRAY_INIT;
	for (size_t i = 0; i < raw->n; i++) {
		bool encoded = false;
		int n = section_of(raw->v[i].name, base, base_len, &encoded);
		if (n >= -1) {
			struct section sec = { n, encoded, raw->v[i].value };
			ARRAY_PUSH(&secs, sec);
		}
	}
	if (!secs.n)
		return false;
	qsort(secs.v, secs.n, sizeof *secs.v, section_cmp);
	char charset[64] = "";
	struct buf bytes = BUF_INIT;
	for (size_t i = 0; i < secs.n; i++) {
		if (i > 0 && secs.v[i].n == secs.v[i - 1].n)
			continue;
		const char *v = secs.v[i].value;
		if (secs.v[i].encoded && i == 0)
			v = split_charset(v, charset, sizeof charset);
		if (secs.v[i].encoded)
			percent_decode(v, &bytes);
		else
			buf_adds(&bytes, v);
	}
	if (charset[0])
		msg_charset_to_utf8(charset, buf_cstr(&bytes), bytes.len, out, NULL);
	else
		msg_text_to_utf8(buf_cstr(&bytes), bytes.len, out);
	buf_release(&bytes);
	ARRAY_RELEASE(&secs);
	return true;
}

static bool has_param(const struct msg_params *p, const char *name)
{
	return msg_params_get(p, name) != NULL;
}

void msg_params_parse(const char *s, size_t len, char **value_r, struct msg_params *params)
{
	struct raw_params raw = ARRAY_INIT;
	parse_raw(s, len, value_r, &raw);
	/* Extended (starred) forms first: they win over a plain duplicate. */
	for (size_t i = 0; i < raw.n; i++) {
		char *star = strchr(raw.v[i].name, '*');
		if (!star)
			continue;
		char *base = xstrndup(raw.v[i].name, (size_t)(star - raw.v[i].name));
		struct buf v = BUF_INIT;
		if (*base && !has_param(params, base) && assemble(&raw, base, &v)) {
			struct msg_param p = { base, msg_header_decode(buf_cstr(&v), v.len) };
			ARRAY_PUSH(params, p);
		} else {
			free(base);
		}
		buf_release(&v);
	}
	for (size_t i = 0; i < raw.n; i++) {
		if (strchr(raw.v[i].name, '*') || has_param(params, raw.v[i].name))
			continue;
		struct msg_param p = { xstrdup(raw.v[i].name),
				       msg_header_decode(raw.v[i].value, strlen(raw.v[i].value)) };
		ARRAY_PUSH(params, p);
	}
	for (size_t i = 0; i < raw.n; i++) {
		free(raw.v[i].name);
		free(raw.v[i].value);
	}
	ARRAY_RELEASE(&raw);
}

const char *msg_params_get(const struct msg_params *params, const char *name)
{
	for (size_t i = 0; i < params->n; i++)
		if (strcmp(params->v[i].name, name) == 0)
			return params->v[i].value;
	return NULL;
}

void msg_params_release(struct msg_params *params)
{
	for (size_t i = 0; i < params->n; i++) {
		free(params->v[i].name);
		free(params->v[i].value);
	}
	ARRAY_RELEASE(params);
}

char *msg_param_raw(const char *s, size_t len, const char *name)
{
	struct raw_params raw = ARRAY_INIT;
	parse_raw(s, len, NULL, &raw);
	char *r = NULL;
	for (size_t i = 0; i < raw.n; i++) {
		if (!r && strcmp(raw.v[i].name, name) == 0)
			r = xstrdup(raw.v[i].value);
		free(raw.v[i].name);
		free(raw.v[i].value);
	}
	ARRAY_RELEASE(&raw);
	return r;
}
