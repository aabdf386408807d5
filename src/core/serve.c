#include "common.h"

#include <time.h>

#include "conf/conf.h"
#include "core/account-private.h"
#include "core/ops.h"
#include "core/pattern.h"
#include "msg/msg.h"
#include "store/index.h"
#include "store/store.h"

bool account_is_read(const struct request *r, void *aux)
{
	(void)aux;
	switch (r->kind) {
	case REQ_LOAD_FOLDERS: case REQ_LOAD_INDEX: case REQ_SEARCH: case REQ_OUTBOX_LIST:
		return true;
	case REQ_GET_BODY:
		return !r->deferred;
	default:
		return false;
	}
}

static int load_folders(struct account *a, struct request *r, struct err *err)
{
	struct event *ev = event_new(EV_FOLDERS, a->o.index, r->id);
	if (store_folder_list(a->store, &ev->folders, err) < 0) {
		event_free(&ev);
		return -1;
	}
	store_folders_keep_listed(&ev->folders, a->o.conf->subscribed_only);
	account_post(a, ev);
	return 0;
}

static struct store_index *index_new(void)
{
	struct store_index *idx = xcalloc(1, sizeof *idx);
	*idx = (struct store_index)STORE_INDEX_INIT;
	return idx;
}

/* Hands idx over to the interface; partial: the whole index follows. */
static void post_index(struct account *a, struct request *r, struct store_index *idx,
		       bool partial)
{
	struct event *ev = event_new(EV_INDEX, a->o.index, r->id);
	ev->folder = r->folder;
	ev->index = idx;
	ev->n1 = partial;
	account_post(a, ev);
}

/* The newest messages first, so that the first screen of a folder costs the
 * same at any size, then the whole index. */
static int load_index(struct account *a, struct request *r, struct err *err)
{
	struct store_index *idx = index_new();
	int whole = store_index_load_newest(a->store, r->folder, STORE_INDEX_NEWEST_PART, idx,
					    err);
	if (whole == 0) {
		post_index(a, r, idx, true);
		idx = index_new();
		whole = store_index_load(a->store, r->folder, idx, err);
	}
	if (whole < 0) {
		store_index_release(idx);
		free(idx);
		return -1;
	}
	post_index(a, r, idx, false);
	return 0;
}

int account_body_from_store(struct account *a, struct request *r, struct err *err)
{
	struct event *ev = event_new(EV_BODY, a->o.index, r->id);
	ev->folder = r->folder;
	ev->uid = r->uid;
	int found = store_body_get(a->store, r->folder, r->uid, &ev->data, err);
	if (found == 1)
		account_post(a, ev);
	else
		event_free(&ev);
	return found;
}

/* ---- Search ---- */

struct search {
	struct account *a;
	struct request *r;
	struct pattern *pat;
	const struct msg_summary *cur;
	struct buf raw, text;
	ARRAY(uint32_t) hits;
	unsigned seen;
};

static bool search_body(void *aux, const char **text_r, size_t *len_r)
{
	struct search *s = aux;
	if (store_body_get(s->a->store, s->r->folder, s->cur->uid, &s->raw, NULL) != 1)
		return false;
	struct msg *m = msg_parse(s->raw.data, s->raw.len);
	struct msg_render_opts o;
	msg_render_opts_init(&o);
	o.width = 400;
	struct msg_view v;
	msg_render(m, &o, &v);
	buf_reset(&s->text);
	msg_view_to_text(&v, &s->text);
	msg_view_release(&v);
	msg_free(&m);
	*text_r = s->text.data ? s->text.data : "";
	*len_r = s->text.len;
	return true;
}

static int search_one(const struct msg_summary *m, void *aux, struct err *err)
{
	struct search *s = aux;
	if ((++s->seen & 255) == 0 && atomic_load(&s->r->cancelled))
		return err_set(err, ERR_CANCELLED, _("search cancelled"));
	s->cur = m;
	struct pattern_msg pm = {
		.from = m->from, .to = m->to, .cc = m->cc, .subject = m->subject,
		.date = m->date, .size = m->size, .flags = m->flags,
		.has_attachment = m->has_attachment, .body = search_body, .aux = s,
	};
	if (pattern_match(s->pat, &pm))
		ARRAY_PUSH(&s->hits, m->uid);
	return 0;
}

static int search(struct account *a, struct request *r, struct err *err)
{
	struct search s = { .a = a, .r = r };
	s.pat = pattern_parse(r->text ? r->text : "", time(NULL), err);
	if (!s.pat)
		return -1;
	int rc = store_msg_scan(a->store, r->folder, 1, search_one, &s, err);
	if (rc == 0) {
		struct event *ev = event_new(EV_SEARCH, a->o.index, r->id);
		ev->folder = r->folder;
		ev->uids = s.hits.v;
		ev->n = s.hits.n;
		s.hits.v = NULL;
		account_post(a, ev);
	}
	ARRAY_RELEASE(&s.hits);
	buf_release(&s.raw);
	buf_release(&s.text);
	pattern_free(&s.pat);
	return rc < 0 ? -1 : 0;
}

/* ---- The user's operations ---- */

static int user_op(struct account *a, struct request *r, struct err *err)
{
	struct ops_ctx ctx = { a->o.conf, a->store };
	int rc;
	switch (r->kind) {
	case REQ_SET_FLAGS:
		rc = ops_set_flags(&ctx, r->folder, r->uids, r->n_uids, r->add, r->del, NULL, 0,
				   NULL, 0, err);
		break;
	case REQ_MOVE:
		rc = ops_move(&ctx, r->folder, r->uids, r->n_uids, r->dest, err);
		break;
	case REQ_COPY:
		rc = ops_copy(&ctx, r->folder, r->uids, r->n_uids, r->dest, err);
		break;
	case REQ_DELETE:
		rc = ops_delete(&ctx, r->folder, r->uids, r->n_uids, err);
		break;
	case REQ_EXPUNGE:
		rc = ops_expunge(&ctx, r->folder, err);
		break;
	case REQ_APPEND:
		rc = ops_append(&ctx, r->dest, r->data.data, r->data.len, r->add, &r->uid, err);
		break;
	default:
		return err_set(err, ERR_USAGE, "not an operation");
	}
	if (rc >= 0) {
		atomic_store(&a->journal_dirty, true);
		a->folders_dirty = true;
		account_flush_folders(a, false);
	}
	return rc;
}

/* ---- The outbox ---- */

static int outbox_list(struct account *a, struct request *r, struct err *err)
{
	struct event *ev = event_new(EV_OUTBOX, a->o.index, r->id);
	if (store_outbox_list(a->store, &ev->outbox, err) < 0) {
		event_free(&ev);
		return -1;
	}
	account_post(a, ev);
	return 0;
}

void account_serve_store(struct account *a, struct request *r)
{
	struct err err = ERR_INIT;
	int rc;
	switch (r->kind) {
	case REQ_LOAD_FOLDERS: rc = load_folders(a, r, &err); break;
	case REQ_LOAD_INDEX: rc = load_index(a, r, &err); break;
	case REQ_SEARCH: rc = search(a, r, &err); break;
	case REQ_OUTBOX_LIST: rc = outbox_list(a, r, &err); break;
	case REQ_OUTBOX_SET:
	case REQ_OUTBOX_REMOVE: rc = account_serve_outbox_op(a, r, &err); break;
	case REQ_SEND:
	case REQ_POSTPONE: rc = account_serve_compose(a, r, &err); break;
	default: rc = user_op(a, r, &err); break;
	}
	account_finish(a, r, rc, &err);
	err_clear(&err);
	request_free(&r);
}
