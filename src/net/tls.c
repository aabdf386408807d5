/* TLS with GnuTLS over a connection's socket: handshake, records, close,
 * and what the session tells about the server. */
#include "common.h"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <gnutls/x509.h>

#include "net/net-private.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"

/* TLS 1.0 and 1.1 are still in GnuTLS's default priorities on Debian 12. */
#define PRIORITY_APPEND "-VERS-SSL3.0:-VERS-TLS1.0:-VERS-TLS1.1:-VERS-DTLS-ALL"

/* The transport functions give GnuTLS our deadline- and cancel-aware I/O;
 * a failure is recorded in the connection and surfaces as a pull or push
 * error. */
static ssize_t tls_pull(gnutls_transport_ptr_t p, void *buf, size_t n)
{
	struct net_conn *c = p;
	long r = conn_sock_read(c, buf, n);
	if (r < 0) {
		gnutls_transport_set_errno(c->tls, c->fail_kind == ERR_TIMEOUT ? ETIMEDOUT : EIO);
		return -1;
	}
	return r;
}

static ssize_t tls_push(gnutls_transport_ptr_t p, const void *buf, size_t n)
{
	struct net_conn *c = p;
	long r = conn_sock_write(c, buf, n);
	if (r < 0) {
		gnutls_transport_set_errno(c->tls, c->fail_kind == ERR_TIMEOUT ? ETIMEDOUT : EIO);
		return -1;
	}
	return r;
}

static int tls_pull_timeout(gnutls_transport_ptr_t p, unsigned int ms)
{
	struct net_conn *c = p;
	if (ms == GNUTLS_INDEFINITE_TIMEOUT)
		return conn_wait(c, POLLIN) < 0 ? -1 : 1;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int r = poll(&pfd, 1, (int)ms);
	return r < 0 ? -1 : r;
}

static bool is_ip_literal(const char *host)
{
	unsigned char a[16];
	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

static int handshake_error(struct net_conn *c, int r, struct err *err)
{
	if (c->fail_kind == ERR_TIMEOUT || c->fail_kind == ERR_CANCELLED ||
	    (c->fail_kind == ERR_NET && r != GNUTLS_E_FATAL_ALERT_RECEIVED))
		return err_set(err, c->fail_kind, _("TLS handshake with %s: %s"), c->peer,
			       c->fail_msg);
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED &&
	    gnutls_alert_get(c->tls) == GNUTLS_A_PROTOCOL_VERSION)
		return err_set(err, ERR_TLS,
			       _("TLS handshake with %s failed: the server does not speak TLS 1.2 or "
				 "newer, and older versions are not safe"), c->peer);
	if (r == GNUTLS_E_FATAL_ALERT_RECEIVED)
		return err_set(err, ERR_TLS, _("TLS handshake with %s failed: the server sent alert '%s'"),
			       c->peer, gnutls_alert_get_name(gnutls_alert_get(c->tls)));
	if (r == GNUTLS_E_UNSUPPORTED_VERSION_PACKET || r == GNUTLS_E_NO_PRIORITIES_WERE_SET ||
	    r == GNUTLS_E_INSUFFICIENT_CREDENTIALS)
		return err_set(err, ERR_TLS,
			       _("TLS handshake with %s failed: %s (postie needs TLS 1.2 or newer)"),
			       c->peer, gnutls_strerror(r));
	if (r == GNUTLS_E_PREMATURE_TERMINATION || r == GNUTLS_E_UNEXPECTED_PACKET_LENGTH)
		return err_set(err, ERR_TLS,
			       _("TLS handshake with %s failed: the server closed the connection "
				 "(is it a TLS port?)"), c->peer);
	return err_set(err, ERR_TLS, _("TLS handshake with %s failed: %s"), c->peer,
		       gnutls_strerror(r));
}

static int tls_setup(struct net_conn *c, struct err *err)
{
	gnutls_certificate_credentials_t cred;
	if (net_ctx_creds(c->ctx, c->ep.ca_file, &cred, err) < 0)
		return -1;
	if (gnutls_init(&c->tls, GNUTLS_CLIENT | GNUTLS_NO_SIGNAL) < 0) {
		c->tls = NULL;
		return err_set(err, ERR_TLS, _("cannot set up TLS"));
	}
	const char *errpos = NULL;
	int r = gnutls_set_default_priority_append(c->tls, PRIORITY_APPEND, &errpos, 0);
	if (r >= 0)
		r = gnutls_credentials_set(c->tls, GNUTLS_CRD_CERTIFICATE, cred);
	/* SNI: servers that host several names pick the certificate by it.
	 * RFC 6066 forbids IP literals there. */
	if (r >= 0 && !is_ip_literal(c->ep.host))
		r = gnutls_server_name_set(c->tls, GNUTLS_NAME_DNS, c->ep.host, strlen(c->ep.host));
	if (r < 0)
		return err_set(err, ERR_TLS, _("cannot set up TLS: %s"), gnutls_strerror(r));
	gnutls_transport_set_ptr(c->tls, c);
	gnutls_transport_set_push_function(c->tls, tls_push);
	gnutls_transport_set_pull_function(c->tls, tls_pull);
	gnutls_transport_set_pull_timeout_function(c->tls, tls_pull_timeout);

	gnutls_datum_t ticket;
	net_ctx_take_ticket(c->ctx, c->peer, &ticket);
	if (ticket.data) {
		gnutls_session_set_data(c->tls, ticket.data, ticket.size);
		gnutls_free(ticket.data);
	}
	return 0;
}

int tls_start(struct net_conn *c, struct err *err)
{
	if (tls_setup(c, err) < 0)
		return -1;
	conn_arm_deadline(c);
	c->fail_kind = ERR_NONE;
	int r;
	do
		r = gnutls_handshake(c->tls);
	while (r < 0 && !gnutls_error_is_fatal(r) && c->fail_kind == ERR_NONE);
	if (r < 0)
		return handshake_error(c, r, err);

	c->info.resumed = gnutls_session_is_resumed(c->tls) != 0;
	c->info.version = xstrdup(gnutls_protocol_get_name(gnutls_protocol_get_version(c->tls)));
	char *desc = gnutls_session_get_desc(c->tls);
	c->info.cipher = xstrdup(desc ? desc : "?");
	gnutls_free(desc);
	if (tls_read_info(c, err) < 0 || tls_verify(c, err) < 0)
		return -1;
	return 0;
}

/* Keeps the session for resumption once the server sent its ticket (with
 * TLS 1.3 that comes after the handshake, with the first data). Only
 * sessions whose trust outlives the connection are kept: resuming one
 * accepted "once" would skip asking again. */
static void maybe_save_ticket(struct net_conn *c)
{
	if (c->ticket_done || !c->ticket_allowed)
		return;
	if (gnutls_protocol_get_version(c->tls) == GNUTLS_TLS1_3 &&
	    !(gnutls_session_get_flags(c->tls) & GNUTLS_SFLAGS_SESSION_TICKET))
		return;
	gnutls_datum_t d;
	if (gnutls_session_get_data2(c->tls, &d) == 0)
		net_ctx_put_ticket(c->ctx, c->peer, &d);
	c->ticket_done = true;
}

long tls_read(struct net_conn *c, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = gnutls_record_recv(c->tls, buf, n);
		if (r > 0) {
			maybe_save_ticket(c);
			return r;
		}
		if (c->fail_kind != ERR_NONE && c->fail_kind != ERR_NET)
			return -1;      /* timeout or cancel, recorded by tls_pull */
		if (r == 0 || r == GNUTLS_E_PREMATURE_TERMINATION) {
			conn_fail(c, ERR_NET, _("the server closed the connection"));
			return -1;
		}
		/* E_AGAIN also comes on our blocking transport after a TLS 1.3
		 * NewSessionTicket; a renegotiation request is ignored. */
		if (r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED || r == GNUTLS_E_REHANDSHAKE ||
		    r == GNUTLS_E_WARNING_ALERT_RECEIVED)
			continue;
		if (c->fail_kind == ERR_NONE)
			conn_fail(c, ERR_TLS, "%s", gnutls_strerror((int)r));
		return -1;
	}
}

long tls_write(struct net_conn *c, const void *buf, size_t n)
{
	size_t done = 0;
	while (done < n) {
		ssize_t r = gnutls_record_send(c->tls, (const char *)buf + done, n - done);
		if (r >= 0) {
			done += (size_t)r;
			continue;
		}
		if ((r == GNUTLS_E_AGAIN || r == GNUTLS_E_INTERRUPTED) && c->fail_kind == ERR_NONE)
			continue;
		if (c->fail_kind == ERR_NONE)
			conn_fail(c, ERR_TLS, "%s", gnutls_strerror((int)r));
		return -1;
	}
	return (long)n;
}

void tls_end(struct net_conn *c)
{
	if (!c->tls)
		return;
	/* close_notify, without waiting for the server's (SHUT_WR), and only on
	 * a connection that still works. */
	if (c->fd >= 0 && !c->dead && c->fail_kind == ERR_NONE && !net_cancel_fired(c->cancel)) {
		c->deadline = clock_mono_ms() + 2000;
		gnutls_bye(c->tls, GNUTLS_SHUT_WR);
	}
	gnutls_deinit(c->tls);
	c->tls = NULL;
}

void tls_info_release(struct net_tls_info *info)
{
	free(info->version);
	free(info->cipher);
	free(info->subject);
	free(info->issuer);
	free(info->names);
	free(info->fingerprint);
	free(info->pin);
	memset(info, 0, sizeof *info);
}

static char *dn_string(gnutls_x509_crt_t crt, bool issuer)
{
	gnutls_datum_t d = { NULL, 0 };
	int r = issuer ? gnutls_x509_crt_get_issuer_dn3(crt, &d, 0)
		       : gnutls_x509_crt_get_dn3(crt, &d, 0);
	char *s = xstrdup(r >= 0 && d.data ? (const char *)d.data : "");
	gnutls_free(d.data);
	return s;
}

/* DNS and IP subject alternative names, else the common name. */
static char *cert_names(gnutls_x509_crt_t crt)
{
	struct buf b = BUF_INIT;
	for (unsigned i = 0;; i++) {
		char name[256];
		size_t size = sizeof name - 1;
		int type = gnutls_x509_crt_get_subject_alt_name(crt, i, name, &size, NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type == GNUTLS_SAN_DNSNAME) {
			name[size] = '\0';
			buf_addf(&b, "%s%s", b.len ? ", " : "", name);
		} else if (type == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16)) {
			char text[INET6_ADDRSTRLEN];
			if (inet_ntop(size == 4 ? AF_INET : AF_INET6, name, text, sizeof text))
				buf_addf(&b, "%s%s", b.len ? ", " : "", text);
		}
	}
	if (b.len == 0) {
		char cn[256];
		size_t size = sizeof cn;
		if (gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0, cn,
						  &size) >= 0)
			buf_adds(&b, cn);
	}
	return buf_detach(&b, NULL);
}

int tls_read_info(struct net_conn *c, struct err *err)
{
	unsigned n = 0;
	const gnutls_datum_t *peers = gnutls_certificate_get_peers(c->tls, &n);
	if (!peers || n == 0)
		return err_set(err, ERR_TLS, _("%s sent no certificate"), c->peer);
	gnutls_x509_crt_t crt;
	if (gnutls_x509_crt_init(&crt) < 0)
		return err_set(err, ERR_TLS, _("cannot read the certificate of %s"), c->peer);
	int r = gnutls_x509_crt_import(crt, &peers[0], GNUTLS_X509_FMT_DER);
	unsigned char fp[32], key[NET_PIN_LEN];
	size_t fp_len = sizeof fp, key_len = sizeof key;
	if (r >= 0)
		r = gnutls_fingerprint(GNUTLS_DIG_SHA256, &peers[0], fp, &fp_len);
	if (r >= 0)
		r = gnutls_x509_crt_get_key_id(crt, GNUTLS_KEYID_USE_SHA256, key, &key_len);
	if (r < 0 || fp_len != sizeof fp || key_len != sizeof key) {
		gnutls_x509_crt_deinit(crt);
		return err_set(err, ERR_TLS, _("cannot read the certificate of %s: %s"), c->peer,
			       gnutls_strerror(r < 0 ? r : GNUTLS_E_INTERNAL_ERROR));
	}
	c->info.subject = dn_string(crt, false);
	c->info.issuer = dn_string(crt, true);
	c->info.names = cert_names(crt);
	c->info.not_before = gnutls_x509_crt_get_activation_time(crt);
	c->info.not_after = gnutls_x509_crt_get_expiration_time(crt);
	c->info.fingerprint = net_hex_colons(fp, sizeof fp);
	c->info.pin = net_pin_format(key);
	memcpy(c->key_pin, key, sizeof key);
	c->self_signed = n == 1 && strcmp(c->info.subject, c->info.issuer) == 0;
	gnutls_x509_crt_deinit(crt);
	return 0;
}
