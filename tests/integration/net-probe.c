/* A probe for the integration tests: opens N connections to one server
 * through src/net and prints what each one's TLS looked like, so the tests
 * can see session resumption and trust without a protocol on top.
 *
 *   net-probe HOST PORT CA_FILE N [DATA_DIR]
 *
 * Each connection reads one line (the greeting: with TLS 1.3 the session
 * ticket comes with it) and prints
 *   conn I: TLSVERSION resumed=0|1 trust=N fingerprint=...
 * or "conn I: error: MESSAGE". Exits 0 when every connection worked. */
#include "common.h"

#include "net/net.h"
#include "util/err.h"

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: net-probe HOST PORT CA_FILE N [DATA_DIR]\n");
		return 2;
	}
	struct net_options opt = { .data_dir = argc > 5 ? argv[5] : "." };
	struct net_ctx *ctx;
	struct err err = ERR_INIT;
	if (net_ctx_new(&opt, &ctx, &err) < 0)
		return 1;
	struct net_endpoint ep = {
		.service = NET_SERVICE_IMAP, .account = "probe", .conf_path = "probe",
		.host = argv[1], .port = atoi(argv[2]), .tls = NET_TLS_IMPLICIT,
		.ca_file = argv[3], .timeout = 10, .user = "probe",
	};
	int n = atoi(argv[4]), status = 0;
	for (int i = 1; i <= n; i++) {
		struct net_conn *c;
		char line[512];
		if (net_connect(ctx, &ep, NULL, &c, &err) < 0 ||
		    net_conn_read(c, line, sizeof line) < 0) {
			if (c && !err_is_set(&err))
				net_conn_error(c, "reading from", &err);
			printf("conn %d: error: %s\n", i, err_msg(&err));
			err_clear(&err);
			net_conn_free(&c);
			status = 1;
			continue;
		}
		const struct net_tls_info *t = net_conn_tls_info(c);
		printf("conn %d: %s resumed=%d trust=%d fingerprint=%s\n", i, t->version,
		       t->resumed, (int)t->trust, t->fingerprint);
		net_conn_free(&c);
	}
	net_ctx_free(&ctx);
	return status;
}
