#include "common.h"

#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include "util/log.h"

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static enum log_level log_level = LOG_WARN;
static FILE *log_file;  /* NULL: stderr */

void log_set_level(enum log_level level)
{
	log_level = level;
}

int log_open_file(const char *path)
{
	FILE *f = NULL;
	if (path) {
		f = fopen(path, "ae");
		if (!f)
			return -1;
		setvbuf(f, NULL, _IOLBF, 0);
	}
	pthread_mutex_lock(&log_lock);
	if (log_file)
		fclose(log_file);
	log_file = f;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void log_close(void)
{
	log_open_file(NULL);
}

void log_msg(enum log_level level, const char *fmt, ...)
{
	static const char *const names[] = { N_("debug"), N_("info"), N_("warning"), N_("error") };
	if (level < log_level)
		return;
	va_list ap;
	va_start(ap, fmt);
	pthread_mutex_lock(&log_lock);
	FILE *out = log_file ? log_file : stderr;
	if (log_file) {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;
		strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", localtime_r(&now, &tm));
		fprintf(out, "%s ", stamp);
	}
	/* The log file stays in English for bug reports; the terminal speaks the user's language. */
	fprintf(out, "postie: %s: ", log_file ? names[level] : _(names[level]));
	vfprintf(out, fmt, ap);
	fputc('\n', out);
	pthread_mutex_unlock(&log_lock);
	va_end(ap);
}
