/* What the trace may show of a client line.
 *
 * The rules know the commands that carry secrets in each protocol (IMAP
 * LOGIN and AUTHENTICATE, POP3 PASS, APOP and AUTH, SMTP AUTH) and every
 * line the client sends inside a SASL exchange. On top of that, while the
 * protocol module says it is sending secrets (secret_mode), any line the
 * rules do not recognise is hidden whole: redaction fails closed. */
#include "common.h"

#include "net/net-private.h"
#include "util/strutil.h"

#define REDACTED "<redacted>"

struct tokens {
	const char *s;
	size_t len;
	size_t start[3], end[3];  /* the first three space-separated words */
	int n;
};

static void split(struct tokens *t, const char *s, size_t len)
{
	t->s = s;
	t->len = len;
	t->n = 0;
	size_t i = 0;
	while (t->n < 3) {
		while (i < len && s[i] == ' ')
			i++;
		if (i >= len)
			break;
		t->start[t->n] = i;
		while (i < len && s[i] != ' ')
			i++;
		t->end[t->n++] = i;
	}
}

static bool word_is(const struct tokens *t, int k, const char *w)
{
	size_t n = strlen(w);
	return k < t->n && t->end[k] - t->start[k] == n && str_ncasecmp(t->s + t->start[k], w, n) == 0;
}

/* Whether anything but blanks follows word k. */
static bool more_after(const struct tokens *t, int k)
{
	for (size_t i = t->end[k]; i < t->len; i++)
		if (t->s[i] != ' ')
			return true;
	return false;
}

/* Copies the line up to the end of word k, then " <redacted>" if anything
 * followed it. */
static void keep_words(const struct tokens *t, int k, struct buf *out)
{
	buf_add(out, t->s, t->end[k]);
	if (more_after(t, k))
		buf_adds(out, " " REDACTED);
}

void redactor_init(struct redactor *r, enum net_service service)
{
	memset(r, 0, sizeof *r);
	r->service = service;
}

/* An AUTHENTICATE/AUTH command at word k: keep the mechanism name, hide an
 * initial response, and hide everything the client sends until the server
 * ends the exchange. */
static void sasl_command(struct redactor *r, const struct tokens *t, int k, struct buf *out)
{
	if (k + 1 >= t->n) {    /* no mechanism: POP3's AUTH lists them */
		buf_add(out, t->s, t->len);
		return;
	}
	keep_words(t, k + 1, out);
	r->in_sasl = true;
}

static bool redact_imap(struct redactor *r, const struct tokens *t, struct buf *out)
{
	if (word_is(t, 1, "LOGIN")) {
		keep_words(t, 1, out);
		return true;
	}
	if (word_is(t, 1, "AUTHENTICATE")) {
		sasl_command(r, t, 1, out);
		return true;
	}
	return false;
}

static bool redact_pop3(struct redactor *r, const struct tokens *t, struct buf *out)
{
	if (word_is(t, 0, "PASS")) {
		keep_words(t, 0, out);
		return true;
	}
	if (word_is(t, 0, "APOP")) {   /* the user is not secret, the digest is */
		keep_words(t, t->n > 1 ? 1 : 0, out);
		return true;
	}
	if (word_is(t, 0, "AUTH")) {
		sasl_command(r, t, 0, out);
		return true;
	}
	return false;
}

static bool redact_smtp(struct redactor *r, const struct tokens *t, struct buf *out)
{
	if (word_is(t, 0, "AUTH")) {
		sasl_command(r, t, 0, out);
		return true;
	}
	return false;
}

void redact_client_line(struct redactor *r, const char *line, size_t len, struct buf *out)
{
	if (r->in_sasl) {
		buf_adds(out, REDACTED);
		return;
	}
	struct tokens t;
	split(&t, line, len);
	bool known = false;
	switch (r->service) {
	case NET_SERVICE_IMAP:
		known = redact_imap(r, &t, out);
		break;
	case NET_SERVICE_POP3:
		known = redact_pop3(r, &t, out);
		break;
	case NET_SERVICE_SMTP:
		known = redact_smtp(r, &t, out);
		break;
	}
	if (known)
		return;
	if (r->secret_mode)
		buf_adds(out, REDACTED);
	else
		buf_add(out, line, len);
}

void redact_server_line(struct redactor *r, const char *line, size_t len)
{
	if (!r->in_sasl)
		return;
	switch (r->service) {
	case NET_SERVICE_IMAP:
		/* Only the tagged reply ends it; an untagged line may come in between. */
		if (len > 0 && line[0] != '+' && line[0] != '*')
			r->in_sasl = false;
		break;
	case NET_SERVICE_POP3:
		if (!(len >= 1 && line[0] == '+' && (len == 1 || line[1] == ' ')))
			r->in_sasl = false;
		break;
	case NET_SERVICE_SMTP:
		/* 334 is a challenge; a final reply has a space after its code. */
		if (!(len >= 3 && memcmp(line, "334", 3) == 0) && !(len >= 4 && line[3] == '-'))
			r->in_sasl = false;
		break;
	}
}
