/* Diagnostic log.
 *
 * Messages go to one sink for the whole process: stderr by default (the
 * command line), a file for the TUI, whose screen stderr would corrupt. Safe
 * to call from any thread. Nothing secret may ever be passed here; protocol
 * traffic goes to the separate, redacting trace (net/trace.h). */
#ifndef POSTIE_UTIL_LOG_H
#define POSTIE_UTIL_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Logs at or above level are written; default LOG_WARN. */
void log_set_level(enum log_level level);
/* Appends to path from now on (NULL: back to stderr). Returns -1 with errno
 * set if the file cannot be opened; the old sink stays in place then. */
int log_open_file(const char *path);
void log_close(void);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

#endif
