/* Secrets: passwords and OAuth tokens.
 *
 * A struct secret holds one secret in memory that is wiped (explicit_bzero)
 * when it is released or grows, so no stale copy stays in freed memory. Keep
 * a secret only as long as the login needs it; never log or trace it.
 *
 * Where a secret comes from, in order (net_secret_get):
 *   oauth token: oauth_token_command's first line of output;
 *   password:    `password` in the account file, else password_command's
 *                first line of output, else the ask_secret callback. */
#ifndef POSTIE_NET_SECRET_H
#define POSTIE_NET_SECRET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct err;
struct net_ctx;
struct net_endpoint;

struct secret {
	char *data;     /* NUL-terminated; NULL while empty */
	size_t len, cap;
};

#define SECRET_INIT { NULL, 0, 0 }

void secret_add(struct secret *s, const char *p, size_t n);
void secret_set(struct secret *s, const char *str);
/* Makes room for n more bytes (and a NUL) without leaving a copy behind. */
void secret_reserve(struct secret *s, size_t n);
/* Wipes and frees; the secret is empty and reusable afterwards. */
void secret_release(struct secret *s);
/* The secret as a C string ("" when empty). */
const char *secret_str(const struct secret *s);

/* Runs cmd with /bin/sh -c (stdin and the terminal inherited, so a command
 * like `pass` or `gpg` can ask for its own passphrase) and keeps the first
 * line of its standard output. Fails (ERR_AUTH) when it exits non-zero, is
 * killed or prints nothing; the error then quotes its standard error. what
 * names the setting ("password_command"). */
int secret_from_command(const char *cmd, const char *what, struct secret *out, struct err *err);

/* The password (token = false) or OAuth token (token = true) for ep, from
 * the sources above. */
int net_secret_get(struct net_ctx *ctx, const struct net_endpoint *ep, bool token,
		   struct secret *out, struct err *err);

/* A password_command started before the connection (net_secret_start), so
 * that it runs while TCP and TLS are set up instead of after them. */
struct secret_job {
	pid_t pid;              /* 0: nothing running */
	int out, err;           /* its standard output and error */
	const char *cmd;        /* borrowed from the account */
};

/* Starts ep's password_command when the login after connecting will need
 * it (no password in the file, no OAuth token command, TLS on); otherwise,
 * or when it cannot start (net_secret_get then reports why), leaves job
 * empty. */
void net_secret_start(const struct net_endpoint *ep, struct secret_job *job);
/* The password for ep: from the job started ahead when there is one (a
 * token is never in a job: one started for a password is then cancelled),
 * else from net_secret_get. The job is empty afterwards. */
int net_secret_take(struct net_ctx *ctx, const struct net_endpoint *ep, struct secret_job *job,
		    bool token, struct secret *out, struct err *err);
/* Waits for a job nobody took (killed first: its output is not wanted). */
void net_secret_cancel(struct secret_job *job);

#endif
