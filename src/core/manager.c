#include "common.h"

#include "conf/conf.h"
#include "core/account.h"
#include "core/manager.h"
#include "core/queue.h"
#include "net/net.h"
#include "net/secret.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/sanitize.h"

struct manager {
	struct store *store;
	struct net_ctx *net;
	struct inbox inbox;
	bool inbox_ready;
	struct account **accounts;
	size_t n;
};

static enum net_cert_decision cert_decide(void *aux, const struct net_cert_problem *p)
{
	(void)aux;
	struct account *a = account_current();
	if (!a)
		return NET_CERT_REJECT;
	struct buf text = BUF_INIT;
	buf_addf(&text, _("The certificate of %s:%d (%s, account %s) is not trusted: %s.\n"),
		 p->host, p->port, net_service_name(p->service), p->account, p->reason);
	buf_addf(&text, _("Subject: %s\nIssuer: %s\nFor: %s\n"), p->cert->subject, p->cert->issuer,
		 p->cert->names);
	buf_addf(&text, _("Valid until: %s\n"), net_format_time(p->cert->not_after));
	buf_addf(&text, _("SHA-256: %s\n"), p->cert->fingerprint);
	buf_addf(&text, _("Check the fingerprint with the server's administrator before "
			  "accepting it."));
	int choice = 0;
	char *safe = sanitize_dup(buf_cstr(&text), SANITIZE_KEEP_NEWLINE);
	int r = account_ask(a, Q_CERT, safe, &choice, NULL);
	free(safe);
	buf_release(&text);
	if (r < 0)
		return NET_CERT_REJECT;
	return choice == 2 ? NET_CERT_ACCEPT_ALWAYS : choice == 1 ? NET_CERT_ACCEPT_ONCE
								  : NET_CERT_REJECT;
}

static int ask_secret(void *aux, const struct net_secret_request *req, struct secret *out,
		      struct err *err)
{
	(void)aux;
	struct account *a = account_current();
	if (!a)
		return err_set(err, ERR_AUTH, _("no password for %s (no terminal to ask)"),
			       req->account);
	char *text = req->token
		? xasprintf(_("OAuth token for %s at %s (account %s): "), req->user, req->host,
			    req->account)
		: xasprintf(_("Password for %s at %s (account %s): "), req->user, req->host,
			    req->account);
	char *safe = sanitize_dup(text, 0);
	int r = account_ask(a, Q_SECRET, safe, NULL, out);
	free(safe);
	free(text);
	if (r < 0)
		return err_set(err, ERR_AUTH, _("no password was given for account %s"),
			       req->account);
	return 0;
}

static void status(void *aux, const char *text)
{
	struct manager *m = aux;
	struct account *a = account_current();
	if (!a)
		return;
	struct event *ev = event_new(EV_PROGRESS, account_index(a), 0);
	ev->text = xstrdup(text);
	inbox_push(&m->inbox, ev);
}

int manager_start(const struct manager_opts *o, struct manager **m_r, struct err *err)
{
	struct manager *m = xcalloc(1, sizeof *m);
	*m_r = m;
	if (inbox_init(&m->inbox, err) < 0)
		goto fail;
	m->inbox_ready = true;
	if (store_open(o->data_dir, 0, &m->store, err) < 0)
		goto fail;
	if (o->make_driver) {
		struct net_options no = {
			.data_dir = o->data_dir, .trace_file = o->trace_file,
			.cb = { .cert_decide = cert_decide, .ask_secret = ask_secret,
				.status = status, .aux = m },
		};
		if (net_ctx_new(&no, &m->net, err) < 0)
			goto fail;
	}
	m->accounts = xcalloc(o->conf->n_accounts ? o->conf->n_accounts : 1,
			      sizeof *m->accounts);
	for (size_t i = 0; i < o->conf->n_accounts; i++) {
		struct account_opts ao = {
			.index = i, .conf = &o->conf->accounts[i], .global = &o->conf->global,
			.store = m->store,
			.net = m->net, .inbox = &m->inbox, .make_driver = o->make_driver,
			.check_interval = o->conf->global.check_interval,
			.start_offline = o->start_offline,
		};
		if (account_start(&ao, &m->accounts[i], err) < 0)
			goto fail;
		m->n++;
	}
	return 0;
fail:
	manager_stop(m_r);
	return -1;
}

void manager_stop(struct manager **mp)
{
	struct manager *m = *mp;
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++)
		account_request_stop(m->accounts[i]);
	for (size_t i = 0; i < m->n; i++)
		account_stop(&m->accounts[i]);
	free(m->accounts);
	net_ctx_free(&m->net);
	store_close(&m->store);
	if (m->inbox_ready)
		inbox_release(&m->inbox);
	free(m);
	*mp = NULL;
}

size_t manager_count(const struct manager *m)
{
	return m->n;
}

struct account *manager_account(const struct manager *m, size_t i)
{
	return i < m->n ? m->accounts[i] : NULL;
}

struct account *manager_find(const struct manager *m, const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(account_name(m->accounts[i]), name) == 0)
			return m->accounts[i];
	return NULL;
}

struct inbox *manager_inbox(struct manager *m)
{
	return &m->inbox;
}
