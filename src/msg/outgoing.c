/* A whole message handed to postie send: completed and made 7-bit. */
#include "common.h"

#include <time.h>

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/err.h"
#include "util/strutil.h"

static void add_rcpts(const struct msg_hfield *f, struct msg_str_list *rcpts)
{
	struct msg_addr_list l = ARRAY_INIT;
	msg_addr_list_parse(f->value, f->value_len, &l);
	for (size_t i = 0; i < l.n; i++) {
		bool dup = !*l.v[i].addr || !strchr(l.v[i].addr, '@');
		for (size_t k = 0; k < rcpts->n && !dup; k++)
			dup = str_casecmp(rcpts->v[k], l.v[i].addr) == 0;
		if (!dup)
			ARRAY_PUSH(rcpts, xstrdup(l.v[i].addr));
	}
	msg_addr_list_release(&l);
}

static const char *domain_of(const char *addr)
{
	const char *at = addr ? strrchr(addr, '@') : NULL;
	return at ? at + 1 : "";
}

/* The headers postie adds when they are missing. Returns true when the
 * message's own Message-ID is unusable and was replaced. */
static bool complete(const struct msg_hfields *h, const struct msg_identity *id,
		     struct buf *out, struct msg_outgoing *info)
{
	char date[40];
	if (!msg_headers_find(h, "date")) {
		msg_date_rfc5322(time(NULL), date);
		buf_addf(out, "Date: %s\r\n", date);
	}
	const struct msg_hfield *from = msg_headers_find(h, "from");
	if (!from) {
		struct msg_addr_list l = ARRAY_INIT;
		struct msg_addr a = { id->name && *id->name ? xstrdup(id->name) : NULL,
				      xstrdup(id->address), NULL };
		ARRAY_PUSH(&l, a);
		msg_header_write_addrs(out, "From", &l);
		msg_addr_list_release(&l);
	}
	const struct msg_hfield *mid = msg_headers_find(h, "message-id");
	struct msg_str_list ids = ARRAY_INIT;
	if (mid)
		msg_ids_parse(mid->value, mid->value_len, &ids, 1);
	if (ids.n) {
		info->message_id = xstrdup(ids.v[0]);
	} else {
		struct msg_addr_list l = ARRAY_INIT;
		if (from)
			msg_addr_list_parse(from->value, from->value_len, &l);
		const char *dom = domain_of(l.n ? l.v[0].addr : id->address);
		info->message_id = msg_make_message_id(*dom ? dom : domain_of(id->address));
		const char *idp = info->message_id;
		msg_header_write_ids(out, "Message-ID", &idp, 1);
		msg_addr_list_release(&l);
	}
	bool replaced = mid && !ids.n;
	msg_str_list_release(&ids);
	return replaced;
}

int msg_prepare_outgoing(const char *raw, size_t len, const struct msg_identity *id,
			 struct buf *out, struct msg_outgoing *info, struct err *err)
{
	memset(info, 0, sizeof *info);
	if (len >= 5 && memcmp(raw, "From ", 5) == 0) {         /* an mbox separator */
		const char *nl = memchr(raw, '\n', len);
		size_t skip = nl ? (size_t)(nl - raw) + 1 : len;
		raw += skip;
		len -= skip;
	}
	struct msg_hfields h = ARRAY_INIT;
	size_t head = msg_headers_split(raw, len, &h);
	if (h.n == 0) {
		ARRAY_RELEASE(&h);
		return err_set(err, ERR_INPUT, _("the message has no header lines (Name: value) at "
						 "its start"));
	}
	struct buf msg = BUF_INIT;
	bool drop_mid = complete(&h, id, &msg, info);
	for (size_t i = 0; i < h.n; i++) {
		const struct msg_hfield *f = &h.v[i];
		if (msg_name_is(f, "to") || msg_name_is(f, "cc") || msg_name_is(f, "bcc"))
			add_rcpts(f, &info->rcpts);
		if (msg_name_is(f, "subject") && !info->subject)
			info->subject = msg_header_decode(f->value, f->value_len);
		if (msg_name_is(f, "bcc") || msg_name_is(f, "resent-bcc"))
			continue;       /* never sent */
		if (drop_mid && msg_name_is(f, "message-id"))
			continue;
		buf_add(&msg, f->name, msg_field_len(f));
		buf_adds(&msg, "\r\n");
	}
	buf_adds(&msg, "\r\n");
	buf_add(&msg, raw + head, len - head);
	msg_to_7bit(msg.data, msg.len, out, NULL);
	buf_release(&msg);
	ARRAY_RELEASE(&h);
	return 0;
}

void msg_outgoing_release(struct msg_outgoing *info)
{
	msg_str_list_release(&info->rcpts);
	free(info->message_id);
	free(info->subject);
	memset(info, 0, sizeof *info);
}
