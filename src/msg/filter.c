/* Running mailcap commands that print text (copiousoutput), and the
 * private temporary files they read. The front end runs interactive
 * viewers itself; these run without a terminal, bounded in time and output. */
#include "common.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "msg/msg-private.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/paths.h"

#define FILTER_TIMEOUT_MS 10000
#define FILTER_MAX_OUTPUT (16u << 20)

extern char **environ;

/* Starts /bin/sh -c cmd with the given descriptors as stdin and stdout
 * (-1: /dev/null) and stderr on /dev/null. */
static pid_t spawn_sh(const char *cmd, int in, int out)
{
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	else
		posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	pid_t pid;
	int r = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	return r == 0 ? pid : -1;
}

static int wait_status(pid_t pid)
{
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int msg_run_status(const char *cmd)
{
	pid_t pid = spawn_sh(cmd, -1, -1);
	return pid < 0 ? -1 : wait_status(pid);
}

/* Feeds input and collects output until the child closes its stdout, the
 * deadline passes or the output is too big. Returns 0 or -1 (timeout). */
static int pump(int to, int from, const char *input, size_t len, struct buf *out)
{
	long long deadline = clock_mono_ms() + FILTER_TIMEOUT_MS;
	size_t sent = 0;
	if (to >= 0 && !len) {
		close(to);
		to = -1;
	}
	while (from >= 0) {
		struct pollfd p[2] = { { from, POLLIN, 0 }, { to, POLLOUT, 0 } };
		long long left = deadline - clock_mono_ms();
		if (left <= 0)
			break;
		int n = poll(p, to >= 0 ? 2 : 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		if (to >= 0 && p[1].revents) {
			ssize_t w = write(to, input + sent, len - sent);
			if (w > 0)
				sent += (size_t)w;
			if (w < 0 || sent == len) {
				close(to);
				to = -1;
			}
		}
		if (p[0].revents) {
			char chunk[16384];
			ssize_t r = read(from, chunk, sizeof chunk);
			if (r <= 0)
				break;
			if (out->len < FILTER_MAX_OUTPUT)
				buf_add(out, chunk, (size_t)r);
		}
	}
	if (to >= 0)
		close(to);
	return clock_mono_ms() < deadline ? 0 : -1;
}

int msg_filter_run(const char *cmd, const char *input, size_t len, struct buf *out,
		   struct err *err)
{
	int in[2] = { -1, -1 }, outp[2];
	if ((input && pipe2(in, O_CLOEXEC) < 0) || pipe2(outp, O_CLOEXEC) < 0)
		return err_set(err, ERR_IO, _("cannot run '%s': %s"), cmd, strerror(errno));
	/* A filter that exits without reading must not kill us with SIGPIPE. */
	sigset_t pipe_set, old;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	pid_t pid = spawn_sh(cmd, in[0], outp[1]);
	if (in[0] >= 0)
		close(in[0]);
	close(outp[1]);
	int r = 0;
	if (pid < 0) {
		if (in[1] >= 0)
			close(in[1]);
		r = err_set(err, ERR_IO, _("cannot run '%s'"), cmd);
	} else {
		if (in[1] >= 0)
			fcntl(in[1], F_SETFL, O_NONBLOCK);
		bool late = pump(in[1], outp[0], input, len, out) < 0;
		if (late)
			kill(pid, SIGKILL);
		int st = wait_status(pid);
		if (late)
			r = err_set(err, ERR_TIMEOUT,
				    ngettext("'%s' took longer than %d second",
					     "'%s' took longer than %d seconds",
					     FILTER_TIMEOUT_MS / 1000),
				    cmd, FILTER_TIMEOUT_MS / 1000);
		else if (st != 0)
			r = err_set(err, ERR_IO, _("'%s' failed (exit status %d)"), cmd, st);
	}
	close(outp[0]);
	struct timespec zero = { 0, 0 };
	while (sigtimedwait(&pipe_set, NULL, &zero) > 0)
		;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int msg_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int msg_temp_file(const char *name, const char *data, size_t len, char **path_r, struct err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *dir = xasprintf("%s/postie-XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		err_set(err, ERR_IO, _("cannot create a temporary directory in %s: %s"),
			tmp && *tmp == '/' ? tmp : "/tmp", strerror(errno));
		free(dir);
		return -1;
	}
	char *path = xasprintf("%s/%s", dir, name);
	free(dir);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	bool written = fd >= 0 && msg_write_all(fd, data, len) == 0;
	if (fd >= 0 && close(fd) < 0)
		written = false;
	if (!written) {
		err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
		msg_temp_remove(path);
		free(path);
		return -1;
	}
	*path_r = path;
	return 0;
}

void msg_temp_remove(const char *path)
{
	unlink(path);
	char *dir = xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (slash) {
		*slash = '\0';
		rmdir(dir);
	}
	free(dir);
}

int msg_open_capture(const struct msg_open *o, struct buf *out, struct err *err)
{
	struct buf input = BUF_INIT;
	if (o->on_stdin && file_read_all(o->path, &input, err) < 0)
		return -1;
	int r = msg_filter_run(o->command, o->on_stdin ? buf_cstr(&input) : NULL, input.len, out,
			       err);
	buf_release(&input);
	return r;
}

int msg_html_filter(struct msg_mailcap *mc, const struct buf *html, struct buf *out)
{
	const struct msg_mailcap_entry *e = msg_mailcap_find(mc, "text/html", true);
	if (!e)
		return 0;
	struct msg_params params = ARRAY_INIT;
	struct msg_param charset = { "charset", "utf-8" };
	params.v = &charset;
	params.n = 1;
	char *path = NULL, *cmd;
	struct err err = ERR_INIT;
	int r = 0;
	bool file = msg_mailcap_wants_file(e);
	if (file) {
		char *name = e->nametemplate ? msg_mailcap_command(
				&(struct msg_mailcap_entry){ .view = e->nametemplate }, "text/html",
				"message", NULL) : xstrdup("message.html");
		if (strchr(name, '/') || !*name || *name == '.') {
			free(name);
			name = xstrdup("message.html");
		}
		r = msg_temp_file(name, buf_cstr(html), html->len, &path, &err);
		free(name);
	}
	if (r == 0) {
		cmd = msg_mailcap_command(e, "text/html", path, &params);
		r = msg_filter_run(cmd, file ? NULL : buf_cstr(html), file ? 0 : html->len, out, &err);
		free(cmd);
	}
	if (path) {
		msg_temp_remove(path);
		free(path);
	}
	if (r < 0) {
		buf_reset(out);
		buf_addf(out, _("postie: the mailcap entry for text/html failed: %s; shown with the "
				"built-in converter"), err_msg(&err));
	}
	err_clear(&err);
	return r < 0 ? -1 : 1;
}
