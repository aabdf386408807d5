/* The net module's face towards libetpan, for src/imap, src/pop3 and
 * src/smtp only (it includes libetpan).
 *
 * A struct net_conn becomes a libetpan mailstream through a custom
 * mailstream_low driver: every byte goes through the connection's deadline-,
 * cancel- and trace-aware I/O, TLS included, so libetpan's own TLS (which
 * verifies nothing) is never used. The driver returns -1 on end of stream,
 * never 0 (libetpan 1.9.4 loops forever on 0 inside a literal). */
#ifndef POSTIE_NET_STREAM_H
#define POSTIE_NET_STREAM_H

#include <libetpan/libetpan.h>

#include "net/net.h"
#include "net/sasl.h"

struct buf;
struct secret;

/* Wraps conn in a new stream, which takes over the caller's reference:
 * mailstream_close() (or freeing the libetpan session that holds the
 * stream, or a libetpan connect that fails) closes the socket and drops it.
 * Hold a reference of your own (net_conn_hold) to use conn after that. */
mailstream *net_stream_new(struct net_conn *conn);
/* The connection under a stream made by net_stream_new(), else NULL. */
struct net_conn *net_stream_conn(mailstream *s);

/* Starts TLS on the stream's connection after the server accepted
 * STARTTLS/STLS. Refuses (ERR_TLS) if the server sent anything after its
 * OK that is already buffered: that would be plain-text data injected ahead
 * of TLS (CVE-2020-15953). */
int net_stream_start_tls(mailstream *s, struct err *err);
/* The check net_stream_start_tls() makes, for when libetpan itself already
 * refused the STARTTLS reply (Debian's libetpan detects the attack too): -1
 * with that error when data followed the reply, else 0. what names the
 * command ("STARTTLS", "STLS"). */
int net_stream_check_injection(mailstream *s, const char *what, struct err *err);

/* Writes line and CRLF, and flushes. what names the step for errors. */
int net_stream_write_line(mailstream *s, const char *line, size_t len, const char *what,
			  struct err *err);
/* Reads one line, without its line end, into line (replacing its content). */
int net_stream_read_line(mailstream *s, struct buf *line, const char *what, struct err *err);
/* Overwrites the stream's write buffer, after a secret went through it. */
void net_stream_wipe(mailstream *s);
/* net_conn_wait_readable() that also counts data the stream has buffered. */
int net_stream_wait_readable(mailstream *s, int timeout_ms, int wake_fd);

/* ---- SASL over a stream (sasl.c, sasl_run.c) ---- */

/* How one protocol frames a SASL exchange. */
struct sasl_framing {
	/* Sends the command that starts the exchange: AUTHENTICATE/AUTH MECH,
	 * followed by " " and the base64 initial response when ir is not NULL
	 * ("=" stands for an empty one). */
	int (*start)(void *aux, const char *mech, const char *ir, struct err *err);
	/* Whether the protocol may send an initial response with the command. */
	bool initial_response;
	/* Reads the server's next reply. Returns 1 with the base64 text of a
	 * challenge in text, 0 with the final reply in text and *ok set, or -1. */
	int (*reply)(void *aux, struct buf *text, bool *ok, struct err *err);
	void *aux;
};

/* Writes the line that starts a SASL exchange, "VERB MECH[ IR]"
 * (AUTHENTICATE for IMAP, after the tag; AUTH for POP3 and SMTP), building it
 * where the initial response is wiped afterwards. For sasl_framing.start. */
int sasl_write_command(mailstream *s, const char *verb, const char *mech, const char *ir,
		       struct err *err);

/* Runs mech for user with secret (password or token) over s. Returns 0 when
 * the server accepted. When it refused, the error (ERR_AUTH) reads "login
 * failed for USER at HOST: <server's words>", with the error an OAuth server
 * gave in a challenge added. The client's lines are hidden in the trace. */
int sasl_authenticate(mailstream *s, const struct sasl_framing *f, enum sasl_mech mech,
		      const char *user, const struct secret *secret, struct err *err);

/* The common start of every login, once the method is chosen: checks that
 * a secret may be sent on conn, gets the password (or the OAuth token) into
 * out and reports "logging in to HOST as USER (method)". */
int net_login_begin(struct net_conn *conn, bool token, const char *method, struct secret *out,
		    struct err *err);

/* The same message for logins that do not go through SASL (IMAP LOGIN,
 * POP3 USER/PASS and APOP); returns -1. */
int net_login_failed(const struct net_conn *conn, const char *server_words, struct err *err);

#endif
