/* Size limits on what a server sends, enforced under libetpan.
 *
 * libetpan reads a whole line, and a whole IMAP literal, into memory before
 * its parser sees any of it; so does our own FETCH reader (imap/wire.c). A
 * hostile or broken server that sends a line without end or announces a
 * literal of gigabytes would have the client swallow it all. The stream
 * driver runs every byte it hands to libetpan through this scanner, which
 * follows the framing (lines, and for IMAP the {N} literals that continue a
 * response) and stops the connection as soon as a limit is passed, before
 * the data is buffered. It also stops an IMAP server that sends a NUL byte
 * outside a literal (RFC 3501 allows none there): libetpan's parser works
 * on C strings, and a NUL cut into a response makes it follow a NULL list
 * (found by fuzz-imap). */
#include "common.h"

#include "net/net-private.h"

void net_guard_init(struct net_guard *g, enum net_service service)
{
	memset(g, 0, sizeof *g);
	switch (service) {
	case NET_SERVICE_IMAP:
		g->literals = true;
		g->no_nul = true;
		g->max_line = NET_MAX_LINE;
		g->max_response = NET_MAX_LITERAL + NET_MAX_LINE;
		break;
	case NET_SERVICE_POP3:          /* a message comes line by line */
		g->max_line = g->max_response = NET_MAX_LINE;
		break;
	case NET_SERVICE_SMTP:          /* replies of a few lines, "250-" continues one */
		g->continuations = true;
		g->max_line = g->max_response = NET_MAX_SMTP_REPLY;
		break;
	}
}

/* The literal a line announces at its end ("... {123}\r" or "{123+}\r",
 * the '\n' not included), from the last bytes of the line; -1 if none. */
static int64_t announced_literal(const struct net_guard *g)
{
	const char *t = g->tail, *e = g->tail + g->tail_len;
	if (e - t < 3 || e[-1] != '\r' || e[-2] != '}')
		return -1;
	const char *p = e - 2;
	if (p > t && p[-1] == '+')
		p--;
	const char *digits_end = p;
	while (p > t && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == digits_end)
		return -1;
	if (p == t)     /* digits fill the whole tail: more than any limit, if a literal */
		return g->tail_len == sizeof g->tail ? INT64_MAX : -1;
	if (p[-1] != '{')
		return -1;
	if (digits_end - p > 18)
		return INT64_MAX;       /* more digits than any limit */
	int64_t n = 0;
	for (; p < digits_end; p++)
		n = n * 10 + (*p - '0');
	return n;
}

/* Keeps the last bytes of the current line, enough for "{N+}\r". */
static void keep_tail(struct net_guard *g, const char *p, size_t n)
{
	size_t cap = sizeof g->tail;
	if (n >= cap) {
		memcpy(g->tail, p + n - cap, cap);
		g->tail_len = cap;
		return;
	}
	if (g->tail_len + n > cap) {
		size_t drop = g->tail_len + n - cap;
		memmove(g->tail, g->tail + drop, g->tail_len - drop);
		g->tail_len -= drop;
	}
	memcpy(g->tail + g->tail_len, p, n);
	g->tail_len += n;
}

static int over(struct net_guard *g, char **why_r, char *why)
{
	g->failed = true;
	*why_r = why;
	return -1;
}

static int too_long(struct net_guard *g, char **why_r)
{
	return over(g, why_r, xasprintf(_("the server sent a response longer than %llu bytes"),
					(unsigned long long)g->max_response));
}

/* Whether the line is an SMTP reply line that another one continues. */
static bool continued(const struct net_guard *g)
{
	return g->continuations && g->line >= 4 && g->head[3] == '-';
}

/* The end of a line: a literal follows, or the response is complete. */
static int line_end(struct net_guard *g, char **why_r)
{
	int64_t lit = g->literals ? announced_literal(g) : -1;
	bool more = continued(g);
	g->line = 0;
	g->tail_len = 0;
	if (lit < 0) {
		if (!more)
			g->response = 0;
		return 0;
	}
	if ((uint64_t)lit > NET_MAX_LITERAL)
		return over(g, why_r, xasprintf(_("the server announced a literal of %lld bytes "
						  "(more than the limit of %u MiB)"),
						(long long)lit, NET_MAX_LITERAL >> 20));
	g->literal = (uint64_t)lit;
	return 0;
}

int net_guard_feed(struct net_guard *g, const char *data, size_t n, char **why_r)
{
	*why_r = NULL;
	if (g->failed)
		return -1;
	const char *p = data, *end = data + n;
	while (p < end) {
		size_t left = (size_t)(end - p);
		if (g->literal) {
			size_t k = g->literal < left ? (size_t)g->literal : left;
			g->literal -= k;
			g->response += k;
			p += k;
			if (g->response > g->max_response)
				return too_long(g, why_r);
			continue;
		}
		const char *nl = memchr(p, '\n', left);
		size_t k = nl ? (size_t)(nl - p) : left;
		if (g->no_nul && memchr(p, '\0', k))
			return over(g, why_r, xstrdup(_("the server sent a NUL byte outside a "
							"literal")));
		keep_tail(g, p, k);
		for (size_t i = 0; g->line + i < sizeof g->head && i < k; i++)
			g->head[g->line + i] = p[i];
		g->line += k;
		g->response += k + (nl != NULL);
		if (g->line > g->max_line)
			return over(g, why_r, xasprintf(_("the server sent a line longer than %llu "
							  "bytes"), (unsigned long long)g->max_line));
		if (g->response > g->max_response)
			return too_long(g, why_r);
		p += k;
		if (nl) {
			p++;
			if (line_end(g, why_r) < 0)
				return -1;
		}
	}
	return 0;
}
