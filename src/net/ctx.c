#include "common.h"

#include <stdarg.h>

#include <gnutls/x509.h>

#include "net/net-private.h"
#include "util/err.h"
#include "util/paths.h"

int net_ctx_new(const struct net_options *opt, struct net_ctx **ctx_r, struct err *err)
{
	struct trace *trace = NULL;
	if (opt->trace_file && trace_open(opt->trace_file, &trace, err) < 0)
		return -1;
	struct net_ctx *ctx = xcalloc(1, sizeof *ctx);
	ctx->known_path = path_join(opt->data_dir, "known_servers");
	ctx->trace = trace;
	ctx->cb = opt->cb;
	pthread_mutex_init(&ctx->lock, NULL);
	*ctx_r = ctx;
	return 0;
}

void net_ctx_free(struct net_ctx **ctxp)
{
	struct net_ctx *ctx = *ctxp;
	if (!ctx)
		return;
	for (size_t i = 0; i < ctx->creds.n; i++) {
		free(ctx->creds.v[i].ca_file);
		gnutls_certificate_free_credentials(ctx->creds.v[i].cred);
	}
	ARRAY_RELEASE(&ctx->creds);
	for (size_t i = 0; i < ctx->tickets.n; i++) {
		free(ctx->tickets.v[i].peer);
		gnutls_free(ctx->tickets.v[i].data.data);
	}
	ARRAY_RELEASE(&ctx->tickets);
	trace_close(&ctx->trace);
	free(ctx->known_path);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
	*ctxp = NULL;
}

const char *net_ctx_known_servers_path(const struct net_ctx *ctx)
{
	return ctx->known_path;
}

void net_ctx_status(struct net_ctx *ctx, const char *fmt, ...)
{
	if (!ctx->cb.status)
		return;
	va_list ap;
	va_start(ap, fmt);
	char *text = xvasprintf(fmt, ap);
	va_end(ap);
	ctx->cb.status(ctx->cb.aux, text);
	free(text);
}

unsigned net_ctx_new_id(struct net_ctx *ctx)
{
	pthread_mutex_lock(&ctx->lock);
	unsigned id = ++ctx->next_id;
	pthread_mutex_unlock(&ctx->lock);
	return id;
}

static int load_trust(gnutls_certificate_credentials_t cred, const char *ca_file,
		      struct err *err)
{
	if (ca_file) {
		int n = gnutls_certificate_set_x509_trust_file(cred, ca_file, GNUTLS_X509_FMT_PEM);
		if (n <= 0)
			return err_set(err, ERR_CONFIG, _("ca_file %s holds no usable certificate: %s"),
				       ca_file, n < 0 ? gnutls_strerror(n) : _("none found"));
		return 0;
	}
	int n = gnutls_certificate_set_x509_system_trust(cred);
	if (n <= 0)
		return err_set(err, ERR_TLS,
			       _("the system's trusted certificates could not be loaded (%s); "
				 "install the ca-certificates package or set ca_file"),
			       n < 0 ? gnutls_strerror(n) : _("none found"));
	return 0;
}

int net_ctx_creds(struct net_ctx *ctx, const char *ca_file,
		  gnutls_certificate_credentials_t *cred_r, struct err *err)
{
	int r = 0;
	pthread_mutex_lock(&ctx->lock);
	for (size_t i = 0; i < ctx->creds.n; i++) {
		const char *f = ctx->creds.v[i].ca_file;
		if ((!f && !ca_file) || (f && ca_file && strcmp(f, ca_file) == 0)) {
			*cred_r = ctx->creds.v[i].cred;
			goto out;
		}
	}
	gnutls_certificate_credentials_t cred;
	if (gnutls_certificate_allocate_credentials(&cred) < 0) {
		r = err_set(err, ERR_TLS, _("cannot set up TLS credentials"));
		goto out;
	}
	if (load_trust(cred, ca_file, err) < 0) {
		gnutls_certificate_free_credentials(cred);
		r = -1;
		goto out;
	}
	/* Verification happens after the handshake (tls_verify), where the
	 * trust rules can also look at pins and kept keys. */
	struct cred_entry e = { ca_file ? xstrdup(ca_file) : NULL, cred };
	ARRAY_PUSH(&ctx->creds, e);
	*cred_r = cred;
out:
	pthread_mutex_unlock(&ctx->lock);
	return r;
}

void net_ctx_take_ticket(struct net_ctx *ctx, const char *peer, gnutls_datum_t *data)
{
	data->data = NULL;
	data->size = 0;
	pthread_mutex_lock(&ctx->lock);
	for (size_t i = 0; i < ctx->tickets.n; i++) {
		if (strcmp(ctx->tickets.v[i].peer, peer) == 0) {
			*data = ctx->tickets.v[i].data;
			free(ctx->tickets.v[i].peer);
			ctx->tickets.v[i] = ctx->tickets.v[--ctx->tickets.n];
			break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
}

void net_ctx_put_ticket(struct net_ctx *ctx, const char *peer, gnutls_datum_t *data)
{
	pthread_mutex_lock(&ctx->lock);
	bool replaced = false;
	for (size_t i = 0; i < ctx->tickets.n; i++) {
		if (strcmp(ctx->tickets.v[i].peer, peer) == 0) {
			gnutls_free(ctx->tickets.v[i].data.data);
			ctx->tickets.v[i].data = *data;
			replaced = true;
			break;
		}
	}
	if (!replaced) {
		struct ticket_entry e = { xstrdup(peer), *data };
		ARRAY_PUSH(&ctx->tickets, e);
	}
	pthread_mutex_unlock(&ctx->lock);
	data->data = NULL;
	data->size = 0;
}
