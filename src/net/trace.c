#include "common.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "net/net-private.h"
#include "util/err.h"
#include "util/sanitize.h"

/* Longest line written whole; longer ones (a literal without line breaks)
 * are cut with a note, so a trace stays readable. */
#define TRACE_MAX_LINE 16384

struct trace {
	FILE *f;
	pthread_mutex_t lock;
};

int trace_open(const char *path, struct trace **t_r, struct err *err)
{
	/* The trace holds mail and server details: readable by its owner only. */
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return err_set(err, ERR_IO, _("cannot open the trace file %s: %s"), path,
			       strerror(errno));
	FILE *f = fdopen(fd, "a");
	if (!f) {
		int e = errno;
		close(fd);
		return err_set(err, ERR_IO, _("cannot open the trace file %s: %s"), path,
			       strerror(e));
	}
	struct trace *t = xcalloc(1, sizeof *t);
	t->f = f;
	pthread_mutex_init(&t->lock, NULL);
	*t_r = t;
	const char *note = "trace started by postie " PACKAGE_VERSION;
	trace_line(t, 0, "#", note, strlen(note));
	return 0;
}

void trace_close(struct trace **tp)
{
	struct trace *t = *tp;
	if (!t)
		return;
	fclose(t->f);
	pthread_mutex_destroy(&t->lock);
	free(t);
	*tp = NULL;
}

void trace_line(struct trace *t, unsigned id, const char *mark, const char *text, size_t len)
{
	if (!t)
		return;
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	char stamp[32];
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime_r(&ts.tv_sec, &tm));

	struct buf line = BUF_INIT;
	/* The pid tells apart connections of several postie processes that
	 * append to the same file. */
	buf_addf(&line, "%s.%03ld #%ld.%u %s ", stamp, ts.tv_nsec / 1000000, (long)getpid(), id,
		 mark);
	size_t shown = len > TRACE_MAX_LINE ? TRACE_MAX_LINE : len;
	/* A trace is read with cat and less: no escape sequence gets through. */
	sanitize_append(&line, text, shown, SANITIZE_KEEP_TAB);
	if (shown < len)
		buf_addf(&line, " [... %zu more bytes]", len - shown);
	buf_addc(&line, '\n');

	pthread_mutex_lock(&t->lock);
	fwrite(line.data, 1, line.len, t->f);
	fflush(t->f);
	pthread_mutex_unlock(&t->lock);
	buf_release(&line);
}
