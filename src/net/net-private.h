/* Inside the net module: the context, the connection and the helpers its
 * files share. */
#ifndef POSTIE_NET_PRIVATE_H
#define POSTIE_NET_PRIVATE_H

#include <pthread.h>
#include <stdint.h>

#include <gnutls/gnutls.h>

#include "net/net.h"
#include "net/secret.h"
#include "util/array.h"
#include "util/buf.h"

/* ---- Trace sink (trace.c) ---- */

struct trace;

int trace_open(const char *path, struct trace **t_r, struct err *err);
void trace_close(struct trace **t);
/* Writes one line "TIME #ID MARK text" (text made terminal-safe). */
void trace_line(struct trace *t, unsigned id, const char *mark, const char *text, size_t len);

/* ---- Redaction of protocol lines (redact.c, pure logic) ---- */

struct redactor {
	enum net_service service;
	bool in_sasl;       /* inside an AUTHENTICATE/AUTH exchange */
	bool secret_mode;   /* the protocol module said secrets are being sent */
};

void redactor_init(struct redactor *r, enum net_service service);
/* Appends the traceable form of one client line (no CRLF) to out. */
void redact_client_line(struct redactor *r, const char *line, size_t len, struct buf *out);
/* Follows one server line (no CRLF), which ends a SASL exchange unless it is
 * a continuation. */
void redact_server_line(struct redactor *r, const char *line, size_t len);

/* ---- Limits on what a server sends (guard.c) ---- */

/* The longest line (without the literals it announces) and the largest
 * IMAP literal: a message's body is one literal, so larger messages cannot
 * be read. An IMAP response (a line with its literals and the lines after
 * them) may hold one literal and a line; a POP3 message comes line by line;
 * an SMTP reply (its "250-" lines together) stays small. */
#define NET_MAX_LINE (16u << 20)
#define NET_MAX_LITERAL (64u << 20)
#define NET_MAX_SMTP_REPLY (1u << 20)

/* Where the scanner is in the server's byte stream. */
struct net_guard {
	bool literals;                  /* IMAP: "{N}" at a line's end announces N bytes */
	bool continuations;             /* SMTP: "NNN-" lines continue the reply */
	bool no_nul;                    /* IMAP: a NUL outside a literal is refused */
	bool failed;
	uint64_t max_line, max_response;
	uint64_t literal;               /* bytes of a literal still to come */
	uint64_t line, response;        /* bytes so far of the line and the response */
	char head[4];                   /* the line's first bytes */
	char tail[32];                  /* the line's last bytes */
	size_t tail_len;
};

void net_guard_init(struct net_guard *g, enum net_service service);
/* Follows n more bytes from the server. Returns -1 with the reason in
 * *why_r (caller frees) once a limit is passed; every later call fails. */
int net_guard_feed(struct net_guard *g, const char *data, size_t n, char **why_r);

/* ---- Cancel handle (cancel.c) ---- */

/* Registers fd so that firing shuts it down. Returns -1 if already fired. */
int net_cancel_register(struct net_cancel *c, int fd);
void net_cancel_unregister(struct net_cancel *c, int fd);
/* A descriptor that becomes readable when the handle fires; -1 for NULL. */
int net_cancel_poll_fd(struct net_cancel *c);

/* ---- Key pins and the known-servers file (pin.c, tofu.c) ---- */

#define NET_PIN_LEN 32   /* SHA-256 */

/* Parses "sha256:BASE64" into 32 bytes. */
int net_pin_parse(const char *s, unsigned char pin[NET_PIN_LEN]);
/* "sha256:BASE64" of 32 bytes; caller frees. */
char *net_pin_format(const unsigned char pin[NET_PIN_LEN]);
/* "AB:CD:..." of n bytes; caller frees. */
char *net_hex_colons(const unsigned char *p, size_t n);

struct tofu_entry {
	char *host;
	int port;
	unsigned char pin[NET_PIN_LEN];
	unsigned line;
};

struct tofu_file {
	ARRAY(struct tofu_entry) v;
};

/* Parses the text of a known-servers file. A malformed line fails the whole
 * file (ERR_CONFIG naming path:line): a key that cannot be read cannot be
 * checked either. */
int tofu_parse(const char *path, const char *text, struct tofu_file *out, struct err *err);
void tofu_release(struct tofu_file *f);
const struct tofu_entry *tofu_find(const struct tofu_file *f, const char *host, int port);
/* Reads path (a missing file is empty). */
int tofu_load(const char *path, struct tofu_file *out, struct err *err);
/* Adds or replaces host:port in the file at path, atomically. */
int tofu_store(const char *path, const char *host, int port,
	       const unsigned char pin[NET_PIN_LEN], struct err *err);
/* One line of the file, with its newline; caller frees. */
char *tofu_format_line(const char *host, int port, const unsigned char pin[NET_PIN_LEN],
		       time_t added);

/* ---- The context (ctx.c) ---- */

struct cred_entry {
	char *ca_file;      /* NULL: the system trust store */
	gnutls_certificate_credentials_t cred;
};

struct ticket_entry {
	char *peer;         /* "host:port" */
	gnutls_datum_t data;
};

struct net_ctx {
	char *known_path;
	struct trace *trace;
	struct net_callbacks cb;
	pthread_mutex_t lock;           /* guards creds, tickets, next_id, known file */
	ARRAY(struct cred_entry) creds;
	ARRAY(struct ticket_entry) tickets;
	unsigned next_id;
};

/* Credentials with the trust anchors for ca_file (NULL: system), shared. */
int net_ctx_creds(struct net_ctx *ctx, const char *ca_file,
		  gnutls_certificate_credentials_t *cred_r, struct err *err);
/* Takes the saved TLS session for peer (each is used once); data->data is
 * NULL when there is none. The caller frees data with gnutls_free. */
void net_ctx_take_ticket(struct net_ctx *ctx, const char *peer, gnutls_datum_t *data);
/* Keeps data (taken over) as the session to resume for peer. */
void net_ctx_put_ticket(struct net_ctx *ctx, const char *peer, gnutls_datum_t *data);
unsigned net_ctx_new_id(struct net_ctx *ctx);

/* ---- The connection (conn.c, io.c, tcp.c, tls.c, verify.c) ---- */

struct net_conn {
	struct net_ctx *ctx;
	struct net_endpoint ep;         /* strings borrowed from the account */
	struct net_cancel *cancel;
	unsigned id;
	unsigned refs;
	int fd;
	bool registered;                /* fd is registered with cancel */
	char *peer;                     /* "host:port" */
	char *address;                  /* "ADDR port N" */

	gnutls_session_t tls;           /* NULL until TLS starts, and after close */
	bool was_tls;                   /* TLS was up when the socket closed */
	struct net_tls_info info;
	unsigned char key_pin[NET_PIN_LEN];  /* SHA-256 of the server's public key */
	bool self_signed;
	bool ticket_allowed;            /* the trust may be reused by resumption */
	bool ticket_done;

	int64_t deadline;               /* ms on the monotonic clock; 0: none */
	bool dead;                      /* a read or write failed: all later ones fail */
	enum err_kind fail_kind;        /* why the last operation failed */
	char *fail_msg;

	struct redactor red;
	struct net_guard guard;         /* of the bytes handed to libetpan (stream.c) */
	struct buf trace_in, trace_out; /* partial lines not yet traced */
	struct secret_job secret_ahead; /* the login's password_command, started early */
};

/* Sets the deadline for the next operation to now + the endpoint's timeout. */
void conn_arm_deadline(struct net_conn *c);
/* Records why an operation failed (replacing an earlier reason). */
void conn_fail(struct net_conn *c, enum err_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Waits for events (POLLIN/POLLOUT) on the socket until the deadline.
 * Returns 0 when ready, -1 (failure recorded) on timeout or cancellation. */
int conn_wait(struct net_conn *c, short events);
/* Raw socket I/O bounded by the deadline: -1 with the failure recorded;
 * a read returns 0 at the end of the stream (also recorded as a failure). */
long conn_sock_read(struct net_conn *c, void *buf, size_t n);
long conn_sock_write(struct net_conn *c, const void *buf, size_t n);
/* Traces data the connection sent (client) or received (server). */
void conn_trace(struct net_conn *c, bool client, const char *data, size_t len);
/* Emits what is left of partial trace lines. */
void conn_trace_flush(struct net_conn *c);

/* Resolves and connects c->fd (tcp.c). */
int tcp_connect(struct net_conn *c, struct err *err);
/* Tries each address of the list in order until one connects. */
struct addrinfo;
int tcp_connect_list(struct net_conn *c, const struct addrinfo *list, struct err *err);

/* Handshake, session details and trust decision (tls.c, verify.c). */
int tls_start(struct net_conn *c, struct err *err);
long tls_read(struct net_conn *c, void *buf, size_t n);
long tls_write(struct net_conn *c, const void *buf, size_t n);
void tls_end(struct net_conn *c);
void tls_info_release(struct net_tls_info *info);
/* Fills c->info from the peer's certificate (after the handshake). */
int tls_read_info(struct net_conn *c, struct err *err);
/* Applies the trust rules of net.h to the peer's certificate. */
int tls_verify(struct net_conn *c, struct err *err);
/* The reason in words for a GnuTLS verification status; caller frees. */
char *tls_status_words(unsigned status, const struct net_tls_info *info, bool self_signed);

#endif
