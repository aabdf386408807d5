/* SASL client mechanisms: PLAIN (RFC 4616), LOGIN, XOAUTH2 (Google's) and
 * OAUTHBEARER (RFC 7628). Pure logic: messages in, messages out; the
 * protocol framing is in sasl_run.c. Every message that carries a secret is
 * built in a struct secret, so it is wiped after use. */
#include "common.h"

#include "net/sasl.h"
#include "net/secret.h"
#include "util/base64.h"
#include "util/strutil.h"

const char *sasl_mech_name(enum sasl_mech m)
{
	switch (m) {
	case SASL_PLAIN:
		return "PLAIN";
	case SASL_LOGIN:
		return "LOGIN";
	case SASL_XOAUTH2:
		return "XOAUTH2";
	case SASL_OAUTHBEARER:
		return "OAUTHBEARER";
	}
	return "?";
}

bool sasl_mech_is_oauth(enum sasl_mech m)
{
	return m == SASL_XOAUTH2 || m == SASL_OAUTHBEARER;
}

int sasl_mech_parse(const char *name, enum sasl_mech *m)
{
	static const enum sasl_mech all[] = { SASL_PLAIN, SASL_LOGIN, SASL_XOAUTH2, SASL_OAUTHBEARER };
	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		if (str_casecmp(name, sasl_mech_name(all[i])) == 0) {
			*m = all[i];
			return 0;
		}
	}
	return -1;
}

void sasl_client_init(struct sasl_client *c, enum sasl_mech mech, const char *user,
		      const struct secret *secret, const char *host, int port)
{
	memset(c, 0, sizeof *c);
	c->mech = mech;
	c->user = user;
	c->secret = secret;
	c->host = host;
	c->port = port;
}

/* OAUTHBEARER's gs2 header escapes ',' and '=' in the authzid. */
static void add_saslname(struct secret *m, const char *user)
{
	for (const char *p = user; *p; p++) {
		if (*p == ',')
			secret_add(m, "=2C", 3);
		else if (*p == '=')
			secret_add(m, "=3D", 3);
		else
			secret_add(m, p, 1);
	}
}

static void add_str(struct secret *m, const char *s)
{
	secret_add(m, s, strlen(s));
}

/* The client's first message, raw (not base64). */
static void first_message(const struct sasl_client *c, struct secret *m)
{
	const char *pw = secret_str(c->secret);
	switch (c->mech) {
	case SASL_PLAIN:        /* authzid NUL authcid NUL passwd, authzid empty */
		secret_add(m, "", 1);
		add_str(m, c->user);
		secret_add(m, "", 1);
		add_str(m, pw);
		break;
	case SASL_XOAUTH2:
		add_str(m, "user=");
		add_str(m, c->user);
		add_str(m, "\001auth=Bearer ");
		add_str(m, pw);
		add_str(m, "\001\001");
		break;
	case SASL_OAUTHBEARER: {
		add_str(m, "n,a=");
		add_saslname(m, c->user);
		add_str(m, ",\001host=");
		add_str(m, c->host);
		char port[32];
		snprintf(port, sizeof port, "\001port=%d", c->port);
		add_str(m, port);
		add_str(m, "\001auth=Bearer ");
		add_str(m, pw);
		add_str(m, "\001\001");
		break;
	}
	case SASL_LOGIN:
		break;
	}
}

/* The base64 of raw into out, in place. */
static void encode_into(struct secret *out, const struct secret *raw)
{
	secret_release(out);
	secret_reserve(out, base64_encoded_len(raw->len));
	out->len = base64_encode_mem(out->data, raw->data ? raw->data : "", raw->len);
	out->data[out->len] = '\0';
}

int sasl_initial_response(struct sasl_client *c, struct secret *out)
{
	secret_release(out);
	if (c->mech == SASL_LOGIN)
		return 0;
	struct secret raw = SECRET_INIT;
	first_message(c, &raw);
	encode_into(out, &raw);
	secret_release(&raw);
	c->sent_first = true;
	return 1;
}

int sasl_respond(struct sasl_client *c, const char *chal, size_t len, struct secret *out)
{
	secret_release(out);
	struct secret raw = SECRET_INIT;
	int r = 0;
	switch (c->mech) {
	case SASL_LOGIN:
		/* Username first, then password: servers' prompts vary
		 * ("Username:", "User Name"), so go by the order. */
		if (c->step == 0)
			add_str(&raw, c->user);
		else if (c->step == 1)
			add_str(&raw, secret_str(c->secret));
		else
			r = -1;
		break;
	case SASL_PLAIN:
	case SASL_XOAUTH2:
	case SASL_OAUTHBEARER:
		if (!c->sent_first) {   /* an empty challenge asks for the message */
			first_message(c, &raw);
			c->sent_first = true;
			break;
		}
		if (c->mech == SASL_PLAIN) {
			r = -1;
			break;
		}
		/* A challenge after the token is the server's error (JSON): keep
		 * it for the message, and answer as each mechanism says (XOAUTH2
		 * an empty line, OAUTHBEARER a ^A) to get the final failure. */
		free(c->oauth_error);
		c->oauth_error = xstrndup(chal, len);
		if (c->mech == SASL_OAUTHBEARER)
			add_str(&raw, "\001");
		break;
	}
	c->step++;
	if (r == 0)
		encode_into(out, &raw);
	secret_release(&raw);
	return r;
}

void sasl_client_release(struct sasl_client *c)
{
	free(c->oauth_error);
	c->oauth_error = NULL;
}
