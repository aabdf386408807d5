/* Guards in front of libetpan's MIME parser, which recurses once per nested
 * part and once per nested comment: a hostile message can exhaust the stack
 * (measured: 30,000 nested multiparts or 200,000 '(' crash it) or take
 * quadratic time. msg_scan_depth() bounds the nesting from above in one
 * linear pass; msg_scan_defuse() rewrites the copy libetpan gets so that no
 * header line nests comments deeply. Both work on lines, never recurse. */
#include "common.h"

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/strutil.h"

#define MAX_PARENS 32
#define LOOKAHEAD 65536

struct level {
	char *boundary;         /* NULL: ends only with an enclosing boundary */
	unsigned weight;
};

struct levels {
	struct level *v;
	size_t n, cap;
};

struct line {
	const char *s;
	size_t len;             /* without CR LF */
	size_t next;            /* index of the following line */
};

static void get_line(const char *s, size_t len, size_t i, struct line *l)
{
	const char *nl = memchr(s + i, '\n', len - i);
	size_t end = nl ? (size_t)(nl - s) : len;
	l->s = s + i;
	l->next = nl ? end + 1 : len;
	if (end > i && s[end - 1] == '\r')
		end--;
	l->len = end - i;
}

/* Whether a line is exactly "--boundary" or "--boundary--", blanks after. */
static int delimiter(const struct line *l, const char *b)
{
	size_t n = strlen(b);
	if (l->len < n + 2 || memcmp(l->s + 2, b, n) != 0)
		return 0;
	size_t i = n + 2;
	int kind = 1;
	if (l->len >= i + 2 && l->s[i] == '-' && l->s[i + 1] == '-') {
		kind = 2;
		i += 2;
	}
	for (; i < l->len; i++)
		if (!msg_is_blank(l->s[i]))
			return 0;
	return kind;
}

static bool contains(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);
	for (size_t i = 0; i + n <= len; i++)
		if (str_ncasecmp(s + i, needle, n) == 0)
			return true;
	return false;
}

/* A Content-Type line (with its continuations, up to a limit) that could
 * make libetpan descend. Sets *weight (a digest's parts are messages by
 * default: two levels) and *boundary (a new string, or NULL). */
static bool composite(const char *s, size_t len, size_t i, unsigned *weight, char **boundary)
{
	size_t end = i;
	for (;;) {
		const char *nl = memchr(s + end, '\n', len - end);
		end = nl ? (size_t)(nl - s) + 1 : len;
		if (end >= len || !msg_is_blank(s[end]) || end - i > LOOKAHEAD)
			break;
	}
	const char *v = s + i + 12;
	size_t n = end - i - 12;
	if (!contains(v, n, "multipart") && !contains(v, n, "message") && !contains(v, n, "digest") &&
	    !contains(v, n, "=?"))
		return false;
	*weight = contains(v, n, "digest") ? 2 : 1;
	const char *colon = memchr(v, ':', n);
	*boundary = colon ? msg_param_raw(colon + 1, n - (size_t)(colon + 1 - v), "boundary") : NULL;
	if (*boundary && !**boundary)
		FREE(boundary);
	return true;
}

static void pop_to(struct levels *stack, size_t n, size_t *depth)
{
	while (stack->n > n) {
		struct level *l = &stack->v[--stack->n];
		*depth -= l->weight;
		free(l->boundary);
	}
}

size_t msg_scan_depth(const char *s, size_t len, size_t limit)
{
	struct levels stack = ARRAY_INIT;
	size_t depth = 0, max = 0;
	struct line l;
	for (size_t i = 0; i < len && max <= limit; i = l.next) {
		get_line(s, len, i, &l);
		if (l.len >= 2 && l.s[0] == '-' && l.s[1] == '-') {
			for (size_t j = stack.n; j-- > 0;) {
				int kind = stack.v[j].boundary ? delimiter(&l, stack.v[j].boundary) : 0;
				if (kind) {
					pop_to(&stack, kind == 2 ? j : j + 1, &depth);
					break;
				}
			}
		} else if (l.len >= 12 && str_ncasecmp(l.s, "content-type", 12) == 0) {
			struct level lv;
			if (composite(s, len, i, &lv.weight, &lv.boundary)) {
				ARRAY_PUSH(&stack, lv);
				depth += lv.weight;
				if (depth > max)
					max = depth;
			}
		}
	}
	pop_to(&stack, 0, &depth);
	ARRAY_RELEASE(&stack);
	return max;
}

void msg_scan_defuse(char *s, size_t len)
{
	size_t parens = 0;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '\n') {
			if (i + 1 < len && !msg_is_blank(s[i + 1]))
				parens = 0;  /* a new field: comments cannot span it */
		} else if (c == '(' && ++parens > MAX_PARENS) {
			s[i] = '[';
		}
	}
}
