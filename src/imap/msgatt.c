/* FETCH responses: libetpan hands each one to a handler as it is parsed
 * (libs-brief 1.8: no list of 100,000 messages in memory), which turns it into
 * a struct imap_msg for whatever the running command collects; flag lists
 * and UID sets both ways. */
#include "common.h"

#include <time.h>

#include "imap/imap-private.h"
#include "store/summary.h"

/* libetpan calls the message handler only when a progress callback is set. */
static void no_progress(size_t current, size_t maximum, void *context)
{
	(void)current;
	(void)maximum;
	(void)context;
}

static int64_t date_time(const struct mailimap_date_time *dt)
{
	struct tm tm = {
		.tm_year = dt->dt_year - 1900, .tm_mon = dt->dt_month - 1, .tm_mday = dt->dt_day,
		.tm_hour = dt->dt_hour, .tm_min = dt->dt_min, .tm_sec = dt->dt_sec,
	};
	int zone = dt->dt_zone;        /* +hhmm as a number */
	int sign = zone < 0 ? -1 : 1;
	zone *= sign;
	int64_t t = (int64_t)timegm(&tm);
	return t - (int64_t)sign * ((zone / 100) * 3600 + (zone % 100) * 60);
}

typedef ARRAY(const char *) kw_list;

static void take_flag(struct imap_msg *m, const struct mailimap_flag *f, kw_list *kws)
{
	switch (f->fl_type) {
	case MAILIMAP_FLAG_ANSWERED: m->flags |= MSG_ANSWERED; break;
	case MAILIMAP_FLAG_FLAGGED: m->flags |= MSG_FLAGGED; break;
	case MAILIMAP_FLAG_DELETED: m->flags |= MSG_DELETED; break;
	case MAILIMAP_FLAG_SEEN: m->flags |= MSG_SEEN; break;
	case MAILIMAP_FLAG_DRAFT: m->flags |= MSG_DRAFT; break;
	case MAILIMAP_FLAG_KEYWORD:
		if (f->fl_data.fl_keyword && *f->fl_data.fl_keyword)
			ARRAY_PUSH(kws, f->fl_data.fl_keyword);
		break;
	default:
		break;   /* unknown system flags (\Something) are not kept */
	}
}

static void take_static(struct imap_msg *m, const struct mailimap_msg_att_static *st)
{
	switch (st->att_type) {
	case MAILIMAP_MSG_ATT_UID:
		m->uid = st->att_data.att_uid;
		break;
	case MAILIMAP_MSG_ATT_RFC822_SIZE:
		m->has_size = true;
		m->size = st->att_data.att_rfc822_size;
		break;
	case MAILIMAP_MSG_ATT_INTERNALDATE:
		if (st->att_data.att_internal_date)
			m->internaldate = date_time(st->att_data.att_internal_date);
		break;
	case MAILIMAP_MSG_ATT_BODY_SECTION: {
		const struct mailimap_msg_att_body_section *b = st->att_data.att_body_section;
		const char *p = b->sec_body_part ? b->sec_body_part : "";
		if (b->sec_section && b->sec_section->sec_spec) {
			m->header = p;
			m->header_len = b->sec_body_part ? b->sec_length : 0;
		} else {
			m->body = p;
			m->body_len = b->sec_body_part ? b->sec_length : 0;
		}
		break;
	}
	default:
		break;
	}
}

static void parse_msg_att(const struct mailimap_msg_att *ma, struct imap_msg *m, kw_list *kws)
{
	memset(m, 0, sizeof *m);
	m->seq = ma->att_number;
	for (clistiter *it = clist_begin(ma->att_list); it; it = clist_next(it)) {
		const struct mailimap_msg_att_item *item = clist_content(it);
		if (item->att_type == MAILIMAP_MSG_ATT_ITEM_STATIC) {
			take_static(m, item->att_data.att_static);
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_DYNAMIC) {
			m->has_flags = true;
			clist *fl = item->att_data.att_dyn ? item->att_data.att_dyn->att_list : NULL;
			for (clistiter *j = fl ? clist_begin(fl) : NULL; j; j = clist_next(j)) {
				const struct mailimap_flag_fetch *ff = clist_content(j);
				if (ff->fl_type == MAILIMAP_FLAG_FETCH_OTHER && ff->fl_flag)
					take_flag(m, ff->fl_flag, kws);
			}
		} else if (item->att_type == MAILIMAP_MSG_ATT_ITEM_EXTENSION) {
			const struct mailimap_extension_data *ext = item->att_data.att_extension_data;
			if (ext && ext->ext_extension == &mailimap_extension_condstore &&
			    ext->ext_type == MAILIMAP_CONDSTORE_TYPE_FETCH_DATA && ext->ext_data)
				m->modseq = ((const struct mailimap_condstore_fetch_mod_resp *)
					     ext->ext_data)->cs_modseq_value;
		}
	}
	m->keywords = kws->v;
	m->n_keywords = kws->n;
}

void imap_add_flagrec(imap_flagrecs *v, const struct imap_msg *m)
{
	struct imap_flagrec r = { m->uid, m->flags, m->modseq, NULL, m->n_keywords };
	if (m->n_keywords) {
		r.keywords = xcalloc(m->n_keywords, sizeof *r.keywords);
		for (size_t i = 0; i < m->n_keywords; i++)
			r.keywords[i] = xstrdup(m->keywords[i]);
	}
	ARRAY_PUSH(v, r);
}

void imap_flagrec_release(struct imap_flagrec *r)
{
	for (size_t k = 0; k < r->n_keywords; k++)
		free(r->keywords[k]);
	free(r->keywords);
	memset(r, 0, sizeof *r);
}

void imap_flagrecs_release(imap_flagrecs *v)
{
	for (size_t i = 0; i < v->n; i++)
		imap_flagrec_release(&v->v[i]);
	ARRAY_RELEASE(v);
}

/* Flag updates nobody asked for right now (STORE, NOOP, IDLE, SELECT with
 * QRESYNC): kept for the sync to apply. Without a UID (no QRESYNC) only the
 * fact that something changed is known. */
static void default_msg(struct imap_driver *drv, const struct imap_msg *m)
{
	if (!m->uid)
		drv->untagged_seen = true;
	else if (m->has_flags)
		imap_add_flagrec(&drv->flagrecs, m);
}

void imap_take_msg_att(struct imap_driver *drv, const struct mailimap_msg_att *ma)
{
	kw_list kws = ARRAY_INIT;
	struct imap_msg m;
	parse_msg_att(ma, &m, &kws);
	if (drv->on_msg)
		drv->on_msg(drv->on_msg_aux, &m);
	else
		default_msg(drv, &m);
	ARRAY_RELEASE(&kws);
}

static void on_msg_att(struct mailimap_msg_att *ma, void *context)
{
	imap_take_msg_att(context, ma);
}

void imap_take_fetch_list(struct imap_driver *drv, clist *list)
{
	for (clistiter *it = list ? clist_begin(list) : NULL; it; it = clist_next(it))
		imap_take_msg_att(drv, clist_content(it));
}

void imap_install_handler(struct imap_driver *drv)
{
	mailimap *imap = imap_session_etpan(drv->s);
	mailimap_set_progress_callback(imap, NULL, no_progress, drv);
	mailimap_set_msg_att_handler(imap, on_msg_att, drv);
}

void imap_begin_fetch(struct imap_driver *drv, imap_msg_fn *fn, void *aux)
{
	drv->on_msg = fn;
	drv->on_msg_aux = aux;
}

void imap_end_fetch(struct imap_driver *drv)
{
	drv->on_msg = NULL;
	drv->on_msg_aux = NULL;
}

static void add_flag(struct mailimap_flag_list **l, struct mailimap_flag *f)
{
	if (!*l)
		*l = mailimap_flag_list_new_empty();
	mailimap_flag_list_add(*l, f);
}

struct mailimap_flag_list *imap_flag_list(uint32_t flags, char *const *keywords, size_t n)
{
	struct mailimap_flag_list *l = NULL;
	if (flags & MSG_SEEN)
		add_flag(&l, mailimap_flag_new_seen());
	if (flags & MSG_ANSWERED)
		add_flag(&l, mailimap_flag_new_answered());
	if (flags & MSG_FLAGGED)
		add_flag(&l, mailimap_flag_new_flagged());
	if (flags & MSG_DELETED)
		add_flag(&l, mailimap_flag_new_deleted());
	if (flags & MSG_DRAFT)
		add_flag(&l, mailimap_flag_new_draft());
	for (size_t i = 0; i < n; i++)
		add_flag(&l, mailimap_flag_new_flag_keyword(xstrdup(keywords[i])));
	return l;
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

struct mailimap_set *imap_uid_set(const uint32_t *uids, size_t n)
{
	uint32_t *v = xmemdup(uids, (n ? n : 1) * sizeof *uids);
	qsort(v, n, sizeof *v, cmp_u32);
	struct mailimap_set *set = mailimap_set_new_empty();
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && (v[j + 1] == v[j] || v[j + 1] == v[j] + 1))
			j++;
		mailimap_set_add_interval(set, v[i], v[j]);
		i = j + 1;
	}
	free(v);
	return set;
}

/* A server's set may name huge ranges; nothing real holds more UIDs. */
#define SET_EXPAND_MAX 50000000u

void imap_set_uids(const struct mailimap_set *set, store_uids *out)
{
	if (!set || !set->set_list)
		return;
	for (clistiter *it = clist_begin(set->set_list); it; it = clist_next(it)) {
		const struct mailimap_set_item *item = clist_content(it);
		uint32_t a = item->set_first, b = item->set_last;
		if (a > b) {
			uint32_t t = a;
			a = b;
			b = t;
		}
		if (a == 0 || b - a > SET_EXPAND_MAX || out->n > SET_EXPAND_MAX)
			continue;
		for (uint64_t u = a; u <= b; u++)
			ARRAY_PUSH(out, (uint32_t)u);
	}
}
