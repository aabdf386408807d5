/* Connections to mail servers: TCP, TLS, certificate trust, cancellation.
 *
 * IMAP, POP3 and SMTP all reach their servers through this module. It
 *  - resolves the host and tries every address in order (IPv4 and IPv6), with
 *    a non-blocking connect bounded by the account's timeout, close-on-exec
 *    sockets and TCP keepalive;
 *  - does TLS itself with GnuTLS (TLS 1.2 or newer, SNI unless the host is an
 *    IP literal, session resumption where the server offers it), for implicit
 *    TLS and for STARTTLS/STLS upgrades of a plain connection;
 *  - checks the certificate on every connection before anything else is sent
 *    (see "Trust" below);
 *  - bounds connect, handshake and every read and write by the timeout, and
 *    lets another thread cancel any of them (struct net_cancel);
 *  - writes the protocol trace (net/trace.h), with secrets redacted.
 * The protocol modules wrap a struct net_conn into a libetpan stream with
 * net/stream.h; nothing outside src/{net,imap,pop3,smtp} sees libetpan.
 * Secrets (passwords and OAuth tokens) come from net/secret.h.
 *
 * Trust. A certificate is accepted, in this order, when
 *  1. the account has tls_pin: the server key's SHA-256 pin equals it (the pin
 *     decides alone: a matching key is trusted even if self-signed, a key that
 *     does not match is refused even if a CA signed it);
 *  2. the known-servers file (DATA_DIR/known_servers) keeps a key for
 *     host:port: the server key equals it; a different key is refused loudly
 *     and never offered for acceptance;
 *  3. the chain verifies against the system trust store (or the account's
 *     ca_file instead) and the certificate is for the host and not expired;
 *  4. otherwise the cert_decide callback is asked; it may accept the
 *     certificate once (this connection only) or always (the key is added to
 *     the known-servers file). Without a callback, or when it refuses, the
 *     connection fails with an ERR_TLS error naming the host and port, the
 *     reason in words and the certificate's SHA-256 fingerprint.
 *
 * Threads. A struct net_ctx is shared by every connection of the process and
 * may be used from any thread. A struct net_conn belongs to one thread at a
 * time; only net_cancel_fire() may be called from another thread. Callbacks
 * run on the thread that opens the connection and may block (the TUI waits for
 * the user's answer there). */
#ifndef POSTIE_NET_NET_H
#define POSTIE_NET_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "util/err.h"

struct account_conf;
struct secret;

/* ---- What to connect to ------------------------------------------------ */

enum net_tls_mode { NET_TLS_IMPLICIT, NET_TLS_STARTTLS, NET_TLS_NONE };
enum net_service { NET_SERVICE_IMAP, NET_SERVICE_POP3, NET_SERVICE_SMTP };

/* One server of an account, with every setting a connection needs. Strings
 * are borrowed from the struct account_conf it was made from. */
struct net_endpoint {
	enum net_service service;
	const char *account;        /* account name, for messages */
	const char *conf_path;      /* the account file, for messages */
	const char *host;           /* without [] around an IPv6 literal */
	int port;
	enum net_tls_mode tls;
	const char *ca_file;        /* NULL: system trust */
	const char *tls_pin;        /* "sha256:BASE64" or NULL */
	int timeout;                /* seconds: connect, handshake, each read/write */
	const char *user;
	const char *password;       /* from the account file, discouraged */
	const char *password_command;
	const char *oauth_token_command;
	const char *auth;           /* mechanism the user asked for, or NULL */
	bool allow_plaintext_password;
};

/* Fills ep for the account's mail server (IMAP or POP3) or, with smtp, for
 * its SMTP server. Fails (ERR_CONFIG) when the account has no smtp_host. */
int net_endpoint_from_account(const struct account_conf *a, bool smtp, struct net_endpoint *ep,
			      struct err *err);
const char *net_service_name(enum net_service s);   /* "imap", "pop3", "smtp" */
const char *net_tls_mode_name(enum net_tls_mode m); /* "implicit TLS", "STARTTLS", "no TLS" */

/* ---- Callbacks to the user interface -------------------------------------- */

enum net_trust {
	NET_TRUST_NONE,         /* not checked (plain connection) */
	NET_TRUST_CA,           /* the chain verified against the trust store or ca_file */
	NET_TRUST_PIN,          /* the account's tls_pin matched */
	NET_TRUST_KEPT,         /* the key kept in the known-servers file matched */
	NET_TRUST_ONCE,         /* the user accepted it for this connection */
	NET_TRUST_ALWAYS,       /* the user accepted it and it is now kept */
};

/* What the TLS layer learned about a connection. Strings are owned by the
 * connection. */
struct net_tls_info {
	char *version;          /* "TLS1.3" */
	char *cipher;           /* "(TLS1.3)-(ECDHE-SECP256R1)-(RSA-PSS-RSAE-SHA256)-(AES-256-GCM)" */
	char *subject;          /* the server certificate's subject DN */
	char *issuer;
	char *names;            /* the names it is for (DNS and IP SANs, else its CN), ", "-separated */
	time_t not_before, not_after;
	char *fingerprint;      /* SHA-256 of the certificate, "AB:CD:..." */
	char *pin;              /* SHA-256 of its public key, "sha256:BASE64" (certtool's pin-sha256) */
	bool resumed;           /* the TLS session was resumed */
	enum net_trust trust;
};

enum net_cert_decision { NET_CERT_REJECT, NET_CERT_ACCEPT_ONCE, NET_CERT_ACCEPT_ALWAYS };

/* A certificate that failed verification, for the cert_decide callback. */
struct net_cert_problem {
	const char *account;
	enum net_service service;
	const char *host;
	int port;
	const char *reason;              /* in words: "unknown issuer (self-signed)", ... */
	const struct net_tls_info *cert;
	const char *known_servers_path;  /* where "always" keeps it */
};

/* A secret postie needs and cannot find in the configuration. */
struct net_secret_request {
	const char *account;
	enum net_service service;
	const char *user;
	const char *host;
	bool token;             /* an OAuth token rather than a password */
};

struct net_callbacks {
	/* Decides about a certificate that failed verification. NULL: refuse. */
	enum net_cert_decision (*cert_decide)(void *aux, const struct net_cert_problem *p);
	/* Asks the user for a secret and fills out (net/secret.h). Returns 0, or
	 * -1 with err set (no terminal, the user gave up). NULL: never ask. */
	int (*ask_secret)(void *aux, const struct net_secret_request *req, struct secret *out,
			  struct err *err);
	/* Reports a step ("connecting to HOST port N", "logging in as USER with
	 * PLAIN") for progress displays. The text is translated. NULL: silent. */
	void (*status)(void *aux, const char *text);
	void *aux;
};

/* ---- The shared context --------------------------------------------------- */

struct net_options {
	const char *data_dir;   /* holds known_servers; required */
	const char *trace_file; /* protocol trace, appended to; NULL: none */
	struct net_callbacks cb;
};

struct net_ctx;

/* Makes the context every connection uses (trust store, known servers, TLS
 * session cache, trace). Fails if the trace file cannot be opened. */
int net_ctx_new(const struct net_options *opt, struct net_ctx **ctx_r, struct err *err);
/* Frees it; every connection made with it must be closed first. */
void net_ctx_free(struct net_ctx **ctx);
/* The path of the known-servers file (owned by ctx). */
const char *net_ctx_known_servers_path(const struct net_ctx *ctx);
/* Reports a step through the status callback; for the protocol modules. */
void net_ctx_status(struct net_ctx *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* ---- Cancellation ----------------------------------------------------------- */

/* A handle that stops blocked operations from another thread (the UI's cancel
 * key). Connections opened with it register their socket; net_cancel_fire()
 * makes every connect, handshake, read, write and wait on them return
 * promptly with ERR_CANCELLED, and so every later one, until
 * net_cancel_reset(). The handle must outlive the connections opened with it.
 * (Host name lookup cannot be interrupted; it is bounded by the resolver's own
 * timeout.) */
struct net_cancel;

struct net_cancel *net_cancel_new(void);
void net_cancel_free(struct net_cancel **c);
/* Thread-safe and async-signal-unsafe; idempotent. */
void net_cancel_fire(struct net_cancel *c);
bool net_cancel_fired(struct net_cancel *c);
/* Arms the handle again, for new connections. */
void net_cancel_reset(struct net_cancel *c);

/* ---- Connections -------------------------------------------------------------- */

struct net_conn;

/* Connects to ep->host:ep->port. With NET_TLS_IMPLICIT it also does the TLS
 * handshake and the certificate check. cancel may be NULL. The connection is
 * freed with net_conn_free(), or, once wrapped in a libetpan stream, by that
 * stream. */
int net_connect(struct net_ctx *ctx, const struct net_endpoint *ep, struct net_cancel *cancel,
		struct net_conn **conn_r, struct err *err);
/* Starts TLS on a plain connection (after the protocol's STARTTLS/STLS got its
 * OK) and checks the certificate. The caller must have checked that the
 * server sent nothing after its OK. */
int net_conn_start_tls(struct net_conn *conn, struct err *err);
/* Drops a reference to the connection (NULLing *conn); the last one closes
 * its socket (after a TLS close_notify) and frees it. */
void net_conn_free(struct net_conn **conn);
/* Takes another reference, so conn outlives a libetpan stream that frees it
 * (mailsmtp_connect() does so on failure): the protocol modules hold one to
 * report why the stream failed. Returns conn. */
struct net_conn *net_conn_hold(struct net_conn *conn);
/* Closes the socket now (after a TLS close_notify); the struct, its TLS
 * details and its failure reason stay until the last reference goes. */
void net_conn_close(struct net_conn *conn);

/* Reads up to n bytes. Returns the count (> 0) or -1 on end of stream, error,
 * timeout or cancellation; net_conn_error() says which. */
long net_conn_read(struct net_conn *conn, void *buf, size_t n);
/* Writes all n bytes; returns n or -1. */
long net_conn_write(struct net_conn *conn, const void *buf, size_t n);

/* Why the last operation failed, as an error naming the server (ERR_NET,
 * ERR_TIMEOUT, ERR_CANCELLED or ERR_TLS); what says what was going on
 * ("reading the greeting"). */
int net_conn_error(const struct net_conn *conn, const char *what, struct err *err);
/* ERR_TIMEOUT, ERR_CANCELLED, ..., or ERR_NONE when nothing failed yet. */
enum err_kind net_conn_failure_kind(const struct net_conn *conn);

bool net_conn_is_tls(const struct net_conn *conn);
/* TLS details, or NULL on a plain connection. */
const struct net_tls_info *net_conn_tls_info(const struct net_conn *conn);
/* "host:port" and the address actually connected to ("127.0.0.1 port 993"). */
const char *net_conn_peer(const struct net_conn *conn);
const char *net_conn_address(const struct net_conn *conn);
const struct net_endpoint *net_conn_endpoint(const struct net_conn *conn);
struct net_ctx *net_conn_ctx(const struct net_conn *conn);
/* The connection's number in the trace. */
unsigned net_conn_id(const struct net_conn *conn);

/* Fails (ERR_AUTH) unless a secret may be sent on conn: it must use TLS, or
 * the account must say tls = none with allow_plaintext_password = yes. Every
 * protocol module calls it right before authenticating. */
int net_conn_check_secret_allowed(const struct net_conn *conn, struct err *err);

/* Waits until conn has data to read (1), timeout_ms passed (0), wake_fd is
 * readable (2; wake_fd may be -1) or it failed or was cancelled (-1). Data
 * already buffered by TLS counts as readable. For IMAP IDLE and the like. */
int net_conn_wait_readable(struct net_conn *conn, int timeout_ms, int wake_fd);

/* Marks the following client lines as secret in the trace until called
 * with false; lines that the redactor does not recognise are then replaced
 * by <redacted> entirely. */
void net_conn_trace_secret(struct net_conn *conn, bool on);
/* Adds a note to the trace ("# logged in"), for events that are not lines. */
void net_conn_trace_note(struct net_conn *conn, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A textual date for messages: "2026-05-01 12:00 UTC" (static buffer per thread). */
const char *net_format_time(time_t t);

#endif
