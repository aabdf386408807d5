/* A summary from a message's header block: what IMAP's FETCH of the header
 * fields, a POP3 download and a local append all produce. */
#include "common.h"

#include "msg/msg.h"
#include "store/summary.h"
#include "util/buf.h"

/* Threading needs the root and the nearest ancestors, not every id of a long
 * thread: keep the first and the last ones (RFC 5322 3.6.4 trims the same way). */
#define REFS_KEEP_LAST (SUMMARY_REFERENCES_MAX - 1)

static char *addresses(const struct msg_addr_list *l)
{
	return l->n ? msg_addr_list_format(l) : NULL;
}

static char *references(const struct msg_str_list *refs)
{
	if (!refs->n)
		return NULL;
	struct buf b = BUF_INIT;
	size_t skip_to = refs->n > SUMMARY_REFERENCES_MAX ? refs->n - REFS_KEEP_LAST : 1;
	buf_adds(&b, refs->v[0]);
	for (size_t i = skip_to; i < refs->n; i++) {
		buf_addc(&b, ' ');
		buf_adds(&b, refs->v[i]);
	}
	return buf_detach(&b, NULL);
}

static void take(char **field, char *value)
{
	free(*field);
	*field = value && *value ? value : NULL;
	if (!*field)
		free(value);
}

void msg_summary_fill_header(struct msg_summary *s, const char *hdr, size_t len)
{
	struct msg_envelope env;
	msg_envelope_parse(hdr, len, &env);
	take(&s->from, addresses(&env.from));
	take(&s->to, addresses(&env.to));
	take(&s->cc, addresses(&env.cc));
	take(&s->subject, env.subject);
	env.subject = NULL;
	take(&s->message_id, env.message_id);
	env.message_id = NULL;
	take(&s->in_reply_to, env.in_reply_to);
	env.in_reply_to = NULL;
	take(&s->references, references(&env.references));
	s->date = env.has_date ? (int64_t)env.date : 0;
	s->has_attachment = env.has_attachment;
	msg_envelope_release(&env);
}
