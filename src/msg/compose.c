/* A message being composed: its lifecycle and the checks of what the user
 * typed. */
#include "common.h"

#include "msg/compose.h"
#include "msg/msg-private.h"
#include "util/array.h"
#include "util/err.h"
#include "util/strutil.h"

void msg_compose_init(struct msg_compose *c)
{
	memset(c, 0, sizeof *c);
}

void msg_compose_part_release(struct msg_compose_part *p)
{
	free(p->path);
	buf_release(&p->data);
	free(p->name);
	free(p->type);
	free(p->description);
}

void msg_compose_release(struct msg_compose *c)
{
	free(c->from);
	free(c->to);
	free(c->cc);
	free(c->bcc);
	free(c->reply_to);
	free(c->subject);
	free(c->message_id);
	free(c->in_reply_to);
	msg_str_list_release(&c->references);
	msg_str_list_release(&c->headers);
	buf_release(&c->body);
	for (size_t i = 0; i < c->parts.n; i++)
		msg_compose_part_release(&c->parts.v[i]);
	ARRAY_RELEASE(&c->parts);
	memset(c, 0, sizeof *c);
}

void msg_compose_set(char **field, const char *value)
{
	char *v = value ? xstrdup(value) : NULL;
	free(*field);
	*field = v;
}

static struct msg_compose_part *new_part(struct msg_compose *c, const char *name,
					 const char *type)
{
	struct msg_compose_part p;
	memset(&p, 0, sizeof p);
	p.name = name ? xstrdup(name) : NULL;
	p.type = type ? xstrdup(type) : NULL;
	ARRAY_PUSH(&c->parts, p);
	return &c->parts.v[c->parts.n - 1];
}

struct msg_compose_part *msg_compose_attach_file(struct msg_compose *c, const char *path,
						 const char *name, const char *type)
{
	struct msg_compose_part *p = new_part(c, name, type);
	p->path = xstrdup(path);
	return p;
}

struct msg_compose_part *msg_compose_attach_data(struct msg_compose *c, const void *data,
						 size_t len, const char *name, const char *type)
{
	struct msg_compose_part *p = new_part(c, name, type);
	buf_add(&p->data, data, len);
	return p;
}

/* ---- checks ---- */

/* Header names postie writes itself: the user may not set them. */
static const char *const reserved[] = {
	"date", "message-id", "mime-version", "content-type", "content-transfer-encoding",
	"content-disposition", "content-id", "from", "to", "cc", "bcc", "reply-to", "subject",
	"in-reply-to", "references", NULL,
};

static bool is_reserved(const char *name, size_t n)
{
	for (size_t i = 0; reserved[i]; i++)
		if (strlen(reserved[i]) == n && str_ncasecmp(reserved[i], name, n) == 0)
			return true;
	return false;
}

/* The length of the field name of "Name: value", or 0 if it is none. */
size_t msg_field_name_len(const char *line)
{
	size_t n = 0;
	while (line[n] && line[n] != ':' && (unsigned char)line[n] > ' ' &&
	       (unsigned char)line[n] < 0x7F)
		n++;
	return line[n] == ':' && n > 0 && n < 77 ? n : 0;
}

static int check_headers(const struct msg_compose *c, struct err *err)
{
	for (size_t i = 0; i < c->headers.n; i++) {
		const char *h = c->headers.v[i];
		size_t n = msg_field_name_len(h);
		if (!n)
			return err_set(err, ERR_INPUT, _("'%s' is not a header line (Name: value)"), h);
		if (is_reserved(h, n))
			return err_set(err, ERR_INPUT, _("%.*s: this header is not one to add by hand"),
				       (int)n, h);
	}
	return 0;
}

/* Parses one address field into l (which may be NULL: check only). */
static int parse_field(const char *label, const char *value, struct msg_addr_list *l,
		       struct err *err)
{
	struct msg_addr_list tmp = ARRAY_INIT;
	if (value && msg_addr_list_parse_input(value, l ? l : &tmp, err) < 0) {
		err_prefix(err, "%s", label);
		return -1;
	}
	msg_addr_list_release(&tmp);
	return 0;
}

static size_t count_addrs(const struct msg_addr_list *l)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		if (*l->v[i].addr)
			n++;
	return n;
}

int msg_compose_parse_from(const struct msg_compose *c, struct msg_addr_list *from,
			   struct err *err)
{
	if (!c->from || !*c->from)
		return err_set(err, ERR_INPUT, _("From: the sender's address is missing"));
	if (parse_field("From", c->from, from, err) < 0)
		return -1;
	if (from->n != 1 || from->v[0].group || !*from->v[0].addr)
		return err_set(err, ERR_INPUT, _("From: '%s' must be exactly one address"), c->from);
	return 0;
}

int msg_compose_parse(const struct msg_compose *c, int mode,
		      struct msg_compose_addrs *a, struct err *err)
{
	memset(a, 0, sizeof *a);
	if (msg_compose_parse_from(c, &a->from, err) < 0 ||
	    parse_field("To", c->to, &a->to, err) < 0 ||
	    parse_field("Cc", c->cc, &a->cc, err) < 0 ||
	    parse_field("Bcc", c->bcc, &a->bcc, err) < 0 ||
	    parse_field("Reply-To", c->reply_to, &a->reply_to, err) < 0 ||
	    check_headers(c, err) < 0) {
		msg_compose_addrs_release(a);
		return -1;
	}
	if (mode == MSG_BUILD_SEND && count_addrs(&a->to) + count_addrs(&a->cc) +
	    count_addrs(&a->bcc) == 0) {
		msg_compose_addrs_release(a);
		return err_set(err, ERR_INPUT, _("no recipients: To, Cc and Bcc are all empty"));
	}
	return 0;
}

void msg_compose_addrs_release(struct msg_compose_addrs *a)
{
	msg_addr_list_release(&a->from);
	msg_addr_list_release(&a->to);
	msg_addr_list_release(&a->cc);
	msg_addr_list_release(&a->bcc);
	msg_addr_list_release(&a->reply_to);
}

int msg_compose_check(const struct msg_compose *c, enum msg_build_mode mode, struct err *err)
{
	struct msg_compose_addrs a;
	if (msg_compose_parse(c, mode, &a, err) < 0)
		return -1;
	msg_compose_addrs_release(&a);
	return 0;
}
