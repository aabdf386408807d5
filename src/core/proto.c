#include "common.h"

#include "core/proto.h"
#include "store/index.h"

static const char *const req_names[] = {
#define X(id, name) name,
	REQ_KINDS(X)
#undef X
};

static const char *const ev_names[] = {
#define X(id, name) name,
	EV_KINDS(X)
#undef X
};

struct request *request_new(enum req_kind kind)
{
	struct request *r = xcalloc(1, sizeof *r);
	r->kind = kind;
	atomic_init(&r->cancelled, false);
	return r;
}

void request_set_uids(struct request *r, const uint32_t *uids, size_t n)
{
	free(r->uids);
	r->uids = n ? xmemdup(uids, n * sizeof *uids) : NULL;
	r->n_uids = n;
}

void request_free(struct request **rp)
{
	struct request *r = *rp;
	if (!r)
		return;
	free(r->uids);
	free(r->text);
	free(r->text2);
	buf_release(&r->data);
	if (r->payload && r->payload_free)
		r->payload_free(r->payload);
	free(r);
	*rp = NULL;
}

const char *req_kind_name(enum req_kind k)
{
	return k < REQ_N ? req_names[k] : "?";
}

bool req_is_store_only(enum req_kind k)
{
	return k <= REQ_LAST_STORE_ONLY;
}

const char *acct_state_name(enum acct_state s)
{
	switch (s) {
	case ACCT_OFFLINE: return _("offline");
	case ACCT_CONNECTING: return _("connecting");
	case ACCT_ONLINE: return _("online");
	case ACCT_SYNCING: return _("syncing");
	case ACCT_ERROR: return _("error");
	case ACCT_LOCAL: return _("local");
	}
	return "?";
}

struct event *event_new(enum ev_kind kind, size_t account, uint64_t in_reply_to)
{
	struct event *ev = xcalloc(1, sizeof *ev);
	ev->kind = kind;
	ev->account = account;
	ev->in_reply_to = in_reply_to;
	return ev;
}

void event_free(struct event **evp)
{
	struct event *ev = *evp;
	if (!ev)
		return;
	free(ev->text);
	err_clear(&ev->err);
	free(ev->uids);
	free(ev->vals);
	for (size_t i = 0; i < ev->n_msgs; i++)
		msg_summary_release(&ev->msgs[i]);
	free(ev->msgs);
	store_folders_release(&ev->folders);
	if (ev->index) {
		store_index_release(ev->index);
		free(ev->index);
	}
	buf_release(&ev->data);
	store_outbox_entries_release(&ev->outbox);
	free(ev);
	*evp = NULL;
}

const char *ev_kind_name(enum ev_kind k)
{
	return k < EV_N ? ev_names[k] : "?";
}
