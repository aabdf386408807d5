/* The protocol sessions (imap, pop3, smtp) against a local server that
 * accepts and then says nothing: opening fails with a timeout error naming
 * the server, and a cancel from another thread ends a blocked open at once.
 * Logins against real servers are in tests/integration/test_net_*.py. */
#include "common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "conf/conf.h"
#include "imap/imap.h"
#include "net/net.h"
#include "pop3/pop3.h"
#include "smtp/smtp.h"
#include "sockets.h"
#include "tap.h"
#include "util/err.h"

enum which { IMAP, POP3, SMTP };
static const char *const names[] = { "imap", "pop3", "smtp" };

struct opener {
	enum which which;
	const struct account_conf *a;
	struct net_ctx *net;
	struct net_cancel *cancel;
	int r;
	struct err err;
	double took;
};

static void *open_session(void *p)
{
	struct opener *o = p;
	double t0 = test_now();
	if (o->which == IMAP) {
		struct imap_session *s;
		o->r = imap_session_open(o->a, o->net, o->cancel, &s, &o->err);
		imap_session_close(&s);
	} else if (o->which == POP3) {
		struct pop3_session *s;
		o->r = pop3_session_open(o->a, o->net, o->cancel, &s, &o->err);
		pop3_session_close(&s);
	} else {
		struct smtp_session *s;
		o->r = smtp_session_open(o->a, o->net, o->cancel, &s, &o->err);
		smtp_session_close(&s);
	}
	o->took = test_now() - t0;
	return NULL;
}

static void account_for(struct account_conf *a, enum which w, int port, enum conf_tls tls,
			int timeout)
{
	*a = (struct account_conf){
		.account = "t", .path = "/nowhere/t.conf",
		.protocol = w == POP3 ? PROTO_POP3 : PROTO_IMAP,
		.host = "127.0.0.1", .port = port, .tls = tls, .user = "u",
		.password = "pw", .timeout = timeout,
		.smtp_host = "127.0.0.1", .smtp_port = port, .smtp_tls = tls,
	};
}

int main(void)
{
	int port;
	int lfd = test_silent_listener(&port);
	ok(lfd >= 0, "a local server that never speaks");
	struct net_options opt = { .data_dir = tap_tmpdir() };
	struct net_ctx *net;
	struct err err = ERR_INIT;
	ok(net_ctx_new(&opt, &net, &err) == 0, "network context");
	char *peer = xasprintf("127.0.0.1:%d", port);

	for (enum which w = IMAP; w <= SMTP; w++) {
		struct account_conf a;
		account_for(&a, w, port, TLS_STARTTLS, 1);
		struct opener o = { .which = w, .a = &a, .net = net, .err = ERR_INIT };
		open_session(&o);
		ok(o.r < 0 && o.err.kind == ERR_TIMEOUT, "%s: waiting for the greeting times out: %s",
		   names[w], err_msg(&o.err));
		ok(strstr(err_msg(&o.err), peer) != NULL, "%s: the error names the server", names[w]);
		ok(o.took < 10, "%s: within the timeout (%.2f s for 1 s)", names[w], o.took);
		err_clear(&o.err);

		for (int tls = 0; tls < 2; tls++) {
			/* Greeting (plain) or handshake (implicit TLS), 60 s timeout. */
			account_for(&a, w, port, tls ? TLS_IMPLICIT : TLS_STARTTLS, 60);
			struct net_cancel *cancel = net_cancel_new();
			o = (struct opener){ .which = w, .a = &a, .net = net, .cancel = cancel,
					     .err = ERR_INIT };
			pthread_t th;
			pthread_create(&th, NULL, open_session, &o);
			struct timespec pause = { 0, 300 * 1000 * 1000 };
			nanosleep(&pause, NULL);
			double t0 = test_now();
			net_cancel_fire(cancel);
			pthread_join(th, NULL);
			double after = test_now() - t0;
			const char *what = tls ? "TLS handshake" : "greeting";
			ok(o.r < 0 && o.err.kind == ERR_CANCELLED, "%s: a blocked open (%s) is cancelled: %s",
			   names[w], what, err_msg(&o.err));
			ok(after < 5, "%s: promptly (%.3f s after the cancel)", names[w], after);
			err_clear(&o.err);
			net_cancel_free(&cancel);
		}
	}
	free(peer);
	net_ctx_free(&net);
	close(lfd);
	return tap_done();
}
