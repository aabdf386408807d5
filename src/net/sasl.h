/* SASL client mechanisms, as pure logic (net/stream.h runs them over a
 * connection with sasl_authenticate()).
 *
 *   PLAIN        RFC 4616, authorization identity left empty
 *   LOGIN        the old two-step username/password exchange
 *   XOAUTH2      Google's and Microsoft's bearer-token mechanism
 *   OAUTHBEARER  RFC 7628
 *
 * Messages go in and out in base64, as every protocol sends them; those that
 * carry the secret are built in a struct secret and wiped afterwards. */
#ifndef POSTIE_NET_SASL_H
#define POSTIE_NET_SASL_H

#include <stdbool.h>
#include <stddef.h>

struct secret;

enum sasl_mech { SASL_PLAIN, SASL_LOGIN, SASL_XOAUTH2, SASL_OAUTHBEARER };

/* "PLAIN", "LOGIN", "XOAUTH2", "OAUTHBEARER" */
const char *sasl_mech_name(enum sasl_mech m);
/* Case-insensitive; -1 for a name that is none of the four. */
int sasl_mech_parse(const char *name, enum sasl_mech *m);
/* Whether the secret is an OAuth token rather than a password. */
bool sasl_mech_is_oauth(enum sasl_mech m);

struct sasl_client {
	enum sasl_mech mech;
	const char *user;
	const struct secret *secret;   /* borrowed */
	const char *host;              /* OAUTHBEARER sends host and port */
	int port;
	unsigned step;
	bool sent_first;
	char *oauth_error;             /* what an OAuth server's error challenge said */
};

void sasl_client_init(struct sasl_client *c, enum sasl_mech mech, const char *user,
		      const struct secret *secret, const char *host, int port);
void sasl_client_release(struct sasl_client *c);
/* The initial response in base64 into out, returning 1; 0 (out empty) for
 * a mechanism without one (LOGIN). */
int sasl_initial_response(struct sasl_client *c, struct secret *out);
/* The base64 answer to a decoded challenge into out. Returns -1 when the
 * exchange should be cancelled ("*"). */
int sasl_respond(struct sasl_client *c, const char *chal, size_t len, struct secret *out);

#endif
