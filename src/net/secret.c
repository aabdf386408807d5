#include "common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "net/net-private.h"
#include "net/secret.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/strutil.h"

extern char **environ;

/* More than any password or token; a command that prints more is broken. */
#define SECRET_MAX (64 * 1024)
/* How much of a failing command's standard error the message quotes. */
#define STDERR_MAX 2000

void secret_reserve(struct secret *s, size_t n)
{
	/* UNSAFE: size arithmetic; n is bounded by SECRET_MAX by the callers. */
	if (s->len + n + 1 <= s->cap)
		return;
	size_t cap = s->cap ? s->cap : 64;
	while (cap < s->len + n + 1)
		cap *= 2;
	/* Never realloc: the old block would keep a copy of the secret. */
	char *d = xmalloc(cap);
	if (s->data) {
		memcpy(d, s->data, s->len);
		explicit_bzero(s->data, s->cap);
		free(s->data);
	}
	s->data = d;
	s->cap = cap;
}

void secret_add(struct secret *s, const char *p, size_t n)
{
	secret_reserve(s, n);
	memcpy(s->data + s->len, p, n);
	s->len += n;
	s->data[s->len] = '\0';
}

void secret_set(struct secret *s, const char *str)
{
	secret_release(s);
	secret_add(s, str, strlen(str));
}

void secret_release(struct secret *s)
{
	if (s->data) {
		explicit_bzero(s->data, s->cap);
		free(s->data);
	}
	s->data = NULL;
	s->len = s->cap = 0;
}

const char *secret_str(const struct secret *s)
{
	return s->data ? s->data : "";
}

/* Reads the command's stdout (into out) and stderr (into errtext) until
 * both are closed. */
static void drain(int outfd, int errfd, struct secret *out, struct buf *errtext)
{
	struct pollfd p[2] = { { .fd = outfd, .events = POLLIN }, { .fd = errfd, .events = POLLIN } };
	char chunk[4096];
	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (p[i].fd < 0 || !p[i].revents)
				continue;
			ssize_t n = read(p[i].fd, chunk, sizeof chunk);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				close(p[i].fd);
				p[i].fd = -1;
				continue;
			}
			if (i == 0 && out->len < SECRET_MAX)
				secret_add(out, chunk, (size_t)n);
			else if (i == 1 && errtext->len < STDERR_MAX)
				buf_add(errtext, chunk, (size_t)n);
		}
	}
	explicit_bzero(chunk, sizeof chunk);
}

static int spawn(const char *cmd, int outfd[2], int errfd[2], pid_t *pid)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, outfd[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&fa, errfd[1], STDERR_FILENO);
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	int r = posix_spawn(pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return r;
}

static int command_failed(const char *what, const char *cmd, int status, struct buf *errtext,
			  struct err *err)
{
	char *text = str_trim(errtext->data ? errtext->data : (char *)"");
	char *how = WIFEXITED(status) ? xasprintf(_("exit status %d"), WEXITSTATUS(status))
				      : xasprintf(_("killed by signal %d"), WTERMSIG(status));
	if (*text)
		err_set(err, ERR_AUTH, _("%s '%s' failed (%s): %s"), what, cmd, how, text);
	else
		err_set(err, ERR_AUTH, _("%s '%s' failed (%s) and printed no error"), what, cmd, how);
	free(how);
	return -1;
}

/* Starts cmd with its output going to job's pipes. */
static int command_start(const char *cmd, const char *what, struct secret_job *job,
			 struct err *err)
{
	int outfd[2], errfd[2];
	if (pipe2(outfd, O_CLOEXEC) < 0)
		return err_set(err, ERR_IO, _("cannot run %s: %s"), what, strerror(errno));
	if (pipe2(errfd, O_CLOEXEC) < 0) {
		close(outfd[0]);
		close(outfd[1]);
		return err_set(err, ERR_IO, _("cannot run %s: %s"), what, strerror(errno));
	}
	pid_t pid;
	int r = spawn(cmd, outfd, errfd, &pid);
	close(outfd[1]);
	close(errfd[1]);
	if (r != 0) {
		close(outfd[0]);
		close(errfd[0]);
		return err_set(err, ERR_IO, _("cannot run %s: %s"), what, strerror(r));
	}
	*job = (struct secret_job){ pid, outfd[0], errfd[0], cmd };
	return 0;
}

/* Reads a started command's output to its end and keeps the first line. */
static int command_finish(struct secret_job *job, const char *what, struct secret *out,
			  struct err *err)
{
	struct secret all = SECRET_INIT;
	struct buf errtext = BUF_INIT;
	drain(job->out, job->err, &all, &errtext);
	int status;
	while (waitpid(job->pid, &status, 0) < 0 && errno == EINTR)
		;
	const char *cmd = job->cmd;
	*job = (struct secret_job){ 0 };
	int r = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		r = command_failed(what, cmd, status, &errtext, err);
	} else {
		size_t n = 0;
		const char *s = secret_str(&all);
		while (n < all.len && s[n] != '\n' && s[n] != '\0')
			n++;
		if (n && s[n - 1] == '\r')
			n--;
		secret_release(out);
		if (n == 0)
			r = err_set(err, ERR_AUTH, _("%s '%s' printed nothing"), what, cmd);
		else
			secret_add(out, s, n);
	}
	secret_release(&all);
	buf_release(&errtext);
	return r;
}

int secret_from_command(const char *cmd, const char *what, struct secret *out, struct err *err)
{
	struct secret_job job;
	if (command_start(cmd, what, &job, err) < 0)
		return -1;
	return command_finish(&job, what, out, err);
}

static int ask(struct net_ctx *ctx, const struct net_endpoint *ep, bool token,
	       struct secret *out, struct err *err)
{
	if (!ctx->cb.ask_secret)
		return err_set(err, ERR_CONFIG,
			       token ? _("no OAuth token for %s at %s: set oauth_token_command in %s")
				     : _("no password for %s at %s: set password_command in %s"),
			       ep->user, ep->host, ep->conf_path);
	struct net_secret_request req = {
		.account = ep->account, .service = ep->service, .user = ep->user,
		.host = ep->host, .token = token,
	};
	return ctx->cb.ask_secret(ctx->cb.aux, &req, out, err);
}

/* A secret is sent inside one protocol line: a line break would end it. */
static int check_one_line(const struct net_endpoint *ep, bool token, struct secret *out,
			  struct err *err)
{
	if (!memchr(out->data, '\r', out->len) && !memchr(out->data, '\n', out->len))
		return 0;
	secret_release(out);
	return err_set(err, ERR_AUTH, _("the %s for %s contains a line break"),
		       token ? _("OAuth token") : _("password"), ep->user);
}

int net_secret_get(struct net_ctx *ctx, const struct net_endpoint *ep, bool token,
		   struct secret *out, struct err *err)
{
	secret_release(out);
	int r;
	if (token)
		r = ep->oauth_token_command
			? secret_from_command(ep->oauth_token_command, "oauth_token_command", out, err)
			: ask(ctx, ep, true, out, err);
	else if (ep->password)
		r = (secret_set(out, ep->password), 0);
	else if (ep->password_command)
		r = secret_from_command(ep->password_command, "password_command", out, err);
	else
		r = ask(ctx, ep, false, out, err);
	return r == 0 ? check_one_line(ep, token, out, err) : r;
}

void net_secret_start(const struct net_endpoint *ep, struct secret_job *job)
{
	*job = (struct secret_job){ 0 };
	if (ep->password || !ep->password_command || ep->oauth_token_command ||
	    ep->tls == NET_TLS_NONE)
		return;
	if (command_start(ep->password_command, "password_command", job, NULL) < 0)
		*job = (struct secret_job){ 0 };
}

int net_secret_take(struct net_ctx *ctx, const struct net_endpoint *ep, struct secret_job *job,
		    bool token, struct secret *out, struct err *err)
{
	if (!job->pid || token) {
		net_secret_cancel(job);
		return net_secret_get(ctx, ep, token, out, err);
	}
	secret_release(out);
	if (command_finish(job, "password_command", out, err) < 0)
		return -1;
	return check_one_line(ep, token, out, err);
}

void net_secret_cancel(struct secret_job *job)
{
	if (!job->pid)
		return;
	kill(job->pid, SIGTERM);
	close(job->out);
	close(job->err);
	while (waitpid(job->pid, NULL, 0) < 0 && errno == EINTR)
		;
	*job = (struct secret_job){ 0 };
}
