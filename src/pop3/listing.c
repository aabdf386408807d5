/* STAT, LIST and UIDL: what the server holds, every line checked before
 * anything is downloaded or deleted. */
#include "common.h"

#include <stdlib.h>

#include "pop3/listing.h"
#include "pop3/pop3-private.h"
#include "util/err.h"

void pop3_listing_init(struct pop3_listing *l)
{
	memset(l, 0, sizeof *l);
	strpool_init(&l->ids);
}

void pop3_listing_release(struct pop3_listing *l)
{
	free(l->v);
	free(l->by_uidl);
	strpool_release(&l->ids);
	memset(l, 0, sizeof *l);
}

static int bad_listing(struct pop3_session *s, const char *cmd, const char *why,
		       const char *line, struct err *err)
{
	s->broken = true;       /* nothing more is asked of a server we cannot follow */
	return err_set(err, ERR_PROTOCOL, _("%s sent a bad answer to %s (%s): \"%s\"; nothing "
					    "was downloaded or deleted"),
		       net_conn_peer(s->conn), cmd, why, line);
}

/* Reads the lines of a LIST or UIDL answer; each goes to take(). */
static int read_listing(struct pop3_session *s, struct pop3_listing *l,
			int (*take)(struct pop3_session *, struct pop3_listing *, const char *,
				    struct err *),
			struct err *err)
{
	const char *what = _("listing the messages on");
	struct buf line = BUF_INIT;
	int r;
	while ((r = pop3_read_list_line(s, what, &line, err)) > 0)
		if (take(s, l, buf_cstr(&line), err) < 0) {
			r = -1;
			break;
		}
	buf_release(&line);
	return r;
}

static int take_scan(struct pop3_session *s, struct pop3_listing *l, const char *line,
		     struct err *err)
{
	uint32_t num;
	uint64_t size;
	if (pop3_parse_scan_line(line, &num, &size) < 0)
		return bad_listing(s, "LIST", _("not \"NUMBER SIZE\""), line, err);
	if (num == 0)
		return bad_listing(s, "LIST", _("message number 0"), line, err);
	if (num > l->count)
		return bad_listing(s, "LIST", _("a message number above the count STAT gave"),
				   line, err);
	if (l->n && num <= l->v[l->n - 1].num)
		return bad_listing(s, "LIST", num == l->v[l->n - 1].num
				   ? _("a message number twice") : _("message numbers out of order"),
				   line, err);
	if (l->n == l->count)
		return bad_listing(s, "LIST", _("more messages than STAT gave"), line, err);
	if (l->n == l->cap) {   /* grown as lines come: STAT's count may be a lie */
		l->cap = l->cap ? l->cap * 2 : 256;
		l->v = xreallocarray(l->v, l->cap, sizeof *l->v);
	}
	struct pop3_entry e = { .num = num, .size = size };
	l->v[l->n++] = e;
	return 0;
}

static struct pop3_entry *find_num(struct pop3_listing *l, uint32_t num)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->v[mid].num == num)
			return &l->v[mid];
		if (l->v[mid].num < num)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static int take_uidl(struct pop3_session *s, struct pop3_listing *l, const char *line,
		     struct err *err)
{
	uint32_t num;
	const char *uidl;
	size_t len;
	if (pop3_parse_uidl_line(line, &num, &uidl, &len) < 0)
		return bad_listing(s, "UIDL", _("not \"NUMBER UNIQUE-ID\" with a printable id "
						"of 1 to 512 characters"), line, err);
	struct pop3_entry *e = num ? find_num(l, num) : NULL;
	if (!e)
		return bad_listing(s, "UIDL", num ? _("a message number LIST did not give")
					       : _("message number 0"), line, err);
	if (e->uidl)
		return bad_listing(s, "UIDL", _("a message number twice"), line, err);
	e->uidl = strpool_add(&l->ids, uidl, len);
	return 0;
}

static int cmp_uidl(const void *a, const void *b, void *aux)
{
	const struct pop3_listing *l = aux;
	return strcmp(strpool_get(&l->ids, l->v[*(const uint32_t *)a].uidl),
		      strpool_get(&l->ids, l->v[*(const uint32_t *)b].uidl));
}

/* Every message has a UIDL and no two share one. */
static int check_uidls(struct pop3_session *s, struct pop3_listing *l, struct err *err)
{
	for (size_t i = 0; i < l->n; i++)
		if (!l->v[i].uidl) {
			char *num = xasprintf("%u", l->v[i].num);
			int r = bad_listing(s, "UIDL", _("no unique id for a message LIST gave"), num,
					    err);
			free(num);
			return r;
		}
	pop3_listing_index(l);
	for (size_t i = 1; i < l->n; i++)
		if (strcmp(pop3_listing_uidl(l, l->by_uidl[i - 1]),
			   pop3_listing_uidl(l, l->by_uidl[i])) == 0)
			return bad_listing(s, "UIDL", _("two messages with the same unique id"),
					   pop3_listing_uidl(l, l->by_uidl[i]), err);
	return 0;
}

int pop3_list_all(struct pop3_session *s, struct pop3_listing *l, struct err *err)
{
	const char *what = _("listing the messages on");
	struct buf text = BUF_INIT;
	int r = pop3_simple(s, what, &text, err, "STAT");
	if (r == 1 && pop3_parse_stat(buf_cstr(&text), &l->count, &l->octets) < 0)
		r = bad_listing(s, "STAT", _("not \"COUNT SIZE\""), buf_cstr(&text), err);
	buf_release(&text);
	if (r != 1)
		return -1;
	if (l->count == 0) {
		l->has_uidl = true;
		return 0;
	}
	if (pop3_simple(s, what, NULL, err, "LIST") != 1 ||
	    read_listing(s, l, take_scan, err) < 0)
		return -1;
	if (l->n != l->count) {
		char *got = xasprintf(ngettext("%zu message", "%zu messages", l->n), l->n);
		r = bad_listing(s, "LIST", _("fewer messages than STAT gave"), got, err);
		free(got);
		return r;
	}
	struct err uerr = ERR_INIT;
	r = pop3_simple(s, what, NULL, &uerr, "UIDL");
	if (r < 0)
		err_move(err, &uerr);
	err_clear(&uerr);
	if (r < 0)
		return -1;
	l->has_uidl = r == 1;
	if (!l->has_uidl)
		return 0;       /* the caller recognises messages by digest */
	if (read_listing(s, l, take_uidl, err) < 0)
		return -1;
	return check_uidls(s, l, err);
}

const char *pop3_listing_uidl(const struct pop3_listing *l, size_t i)
{
	return strpool_get(&l->ids, l->v[i].uidl);
}

bool pop3_listing_has_uidl(const struct pop3_listing *l, const char *uidl)
{
	size_t lo = 0, hi = l->by_uidl ? l->n : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(pop3_listing_uidl(l, l->by_uidl[mid]), uidl);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

void pop3_listing_set_id(struct pop3_listing *l, size_t i, const char *id)
{
	l->v[i].uidl = strpool_add(&l->ids, id, strlen(id));
}

void pop3_listing_index(struct pop3_listing *l)
{
	free(l->by_uidl);
	l->by_uidl = xreallocarray(NULL, l->n ? l->n : 1, sizeof *l->by_uidl);
	for (size_t i = 0; i < l->n; i++)
		l->by_uidl[i] = (uint32_t)i;
	qsort_r(l->by_uidl, l->n, sizeof *l->by_uidl, cmp_uidl, l);
}
