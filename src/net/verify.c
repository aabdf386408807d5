/* The trust decision for a server certificate (the rules are in net.h). */
#include "common.h"

#include <time.h>

#include <gnutls/x509.h>

#include "net/net-private.h"
#include "util/buf.h"
#include "util/err.h"

char *tls_status_words(unsigned status, const struct net_tls_info *info, bool self_signed)
{
	struct buf b = BUF_INIT;
#define ADD(...) do { if (b.len) buf_adds(&b, "; "); buf_addf(&b, __VA_ARGS__); } while (0)
	if (status & GNUTLS_CERT_SIGNER_NOT_FOUND) {
		if (self_signed)
			ADD("%s", _("unknown issuer (self-signed)"));
		else
			ADD(_("unknown issuer: %s"), info->issuer);
	}
	if (status & GNUTLS_CERT_SIGNER_NOT_CA)
		ADD("%s", _("its issuer is not a certificate authority"));
	if (status & GNUTLS_CERT_EXPIRED) {
		if (info->not_after < time(NULL))
			ADD(_("expired on %s"), net_format_time(info->not_after));
		else
			ADD("%s", _("a certificate in its chain has expired"));
	}
	if (status & GNUTLS_CERT_NOT_ACTIVATED)
		ADD(_("not valid before %s"), net_format_time(info->not_before));
	if (status & GNUTLS_CERT_UNEXPECTED_OWNER)
		ADD(_("name mismatch: certificate is for %s"),
		    info->names && *info->names ? info->names : _("no name"));
	if (status & GNUTLS_CERT_REVOKED)
		ADD("%s", _("revoked"));
	if (status & GNUTLS_CERT_INSECURE_ALGORITHM)
		ADD("%s", _("signed with an insecure algorithm"));
	unsigned known = GNUTLS_CERT_INVALID | GNUTLS_CERT_SIGNER_NOT_FOUND |
			 GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_EXPIRED | GNUTLS_CERT_NOT_ACTIVATED |
			 GNUTLS_CERT_UNEXPECTED_OWNER | GNUTLS_CERT_REVOKED |
			 GNUTLS_CERT_INSECURE_ALGORITHM;
	if ((status & ~known) || b.len == 0)
		ADD(_("verification failed (GnuTLS status 0x%x)"), status);
#undef ADD
	return buf_detach(&b, NULL);
}

static int check_pin(struct net_conn *c, struct err *err)
{
	unsigned char want[NET_PIN_LEN];
	if (net_pin_parse(c->ep.tls_pin, want) < 0)
		return err_set(err, ERR_CONFIG,
			       _("%s: tls_pin must be sha256: followed by the base64 of a 32-byte "
				 "SHA-256 digest (certtool --pubkey-info prints it as pin-sha256)"),
			       c->ep.conf_path);
	if (memcmp(want, c->key_pin, NET_PIN_LEN) != 0)
		return err_set(err, ERR_TLS,
			       _("refusing %s: its key does not match tls_pin in %s "
				 "(the server's key is %s; certificate SHA-256 fingerprint %s)"),
			       c->peer, c->ep.conf_path, c->info.pin, c->info.fingerprint);
	c->info.trust = NET_TRUST_PIN;
	c->ticket_allowed = true;
	return 0;
}

static int check_kept(struct net_conn *c, const struct tofu_entry *e, struct err *err)
{
	if (memcmp(e->pin, c->key_pin, NET_PIN_LEN) != 0) {
		char *kept = net_pin_format(e->pin);
		err_set(err, ERR_TLS,
			_("DANGER: the key of %s has CHANGED since you accepted it. Someone may be "
			  "intercepting the connection; nothing was sent. Kept key %s, the server now "
			  "shows %s (certificate SHA-256 fingerprint %s). If the server's key really "
			  "changed, remove line %u of %s and connect again"),
			c->peer, kept, c->info.pin, c->info.fingerprint, e->line,
			c->ctx->known_path);
		free(kept);
		return -1;
	}
	c->info.trust = NET_TRUST_KEPT;
	c->ticket_allowed = true;
	return 0;
}

static int ask_user(struct net_conn *c, unsigned status, struct err *err)
{
	char *reason = tls_status_words(status, &c->info, c->self_signed);
	struct net_cert_problem p = {
		.account = c->ep.account, .service = c->ep.service,
		.host = c->ep.host, .port = c->ep.port, .reason = reason, .cert = &c->info,
		.known_servers_path = c->ctx->known_path,
	};
	enum net_cert_decision d = NET_CERT_REJECT;
	if (c->ctx->cb.cert_decide)
		d = c->ctx->cb.cert_decide(c->ctx->cb.aux, &p);
	int r = 0;
	switch (d) {
	case NET_CERT_ACCEPT_ONCE:
		c->info.trust = NET_TRUST_ONCE;
		break;
	case NET_CERT_ACCEPT_ALWAYS:
		pthread_mutex_lock(&c->ctx->lock);
		r = tofu_store(c->ctx->known_path, c->ep.host, c->ep.port, c->key_pin, err);
		pthread_mutex_unlock(&c->ctx->lock);
		c->info.trust = NET_TRUST_ALWAYS;
		c->ticket_allowed = true;
		break;
	case NET_CERT_REJECT:
		r = err_set(err, ERR_TLS,
			    _("refusing %s: its certificate is not trusted: %s "
			      "(certificate SHA-256 fingerprint %s)"),
			    c->peer, reason, c->info.fingerprint);
		break;
	}
	free(reason);
	return r;
}

int tls_verify(struct net_conn *c, struct err *err)
{
	if (c->ep.tls_pin)
		return check_pin(c, err);

	struct tofu_file known = { 0 };
	if (tofu_load(c->ctx->known_path, &known, err) < 0)
		return -1;
	const struct tofu_entry *e = tofu_find(&known, c->ep.host, c->ep.port);
	int r;
	if (e) {
		r = check_kept(c, e, err);
		tofu_release(&known);
		return r;
	}
	tofu_release(&known);

	unsigned status = 0;
	r = gnutls_certificate_verify_peers3(c->tls, c->ep.host, &status);
	if (r < 0)
		return err_set(err, ERR_TLS, _("cannot verify the certificate of %s: %s"), c->peer,
			       gnutls_strerror(r));
	if (status == 0) {
		c->info.trust = NET_TRUST_CA;
		c->ticket_allowed = true;
		return 0;
	}
	return ask_user(c, status, err);
}
