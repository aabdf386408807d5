/* The interface's signals. A handler only writes one byte naming what came
 * to a pipe that the loop polls beside the keyboard: curses may not be
 * called from a handler (it may have interrupted curses itself), and the
 * loop acts between two turns instead. Only the UI thread takes these
 * signals: the account workers block them all (core/account.c), so no
 * handler runs on a worker's stack and a stop is always seen by the loop.
 *
 * SIGTSTP is ours rather than ncurses' (which restores the terminal inside
 * the handler): the loop gives the terminal back, then stops the process
 * with SIGTSTP's default action. A crash is the one handler that calls
 * curses, as the process is about to die anyway. */
#include "common.h"

#include <curses.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "tui/tui-private.h"

static int sig_pipe[2] = { -1, -1 };
static volatile sig_atomic_t curses_on;

static void on_signal(int sig)
{
	int saved = errno;
	char c = sig == SIGTSTP ? 'z' : sig == SIGCONT ? 'c' : 'q';
	ssize_t w = write(sig_pipe[1], &c, 1);
	(void)w;
	errno = saved;
}

/* A crash: give the terminal back before dying. */
static void on_crash(int sig)
{
	if (curses_on)
		endwin();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void set_handler(int sig, void (*fn)(int), int flags)
{
	struct sigaction sa = { .sa_handler = fn, .sa_flags = flags };
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
}

static bool tstp_ignored;

void tui_signals_install(void)
{
	if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) < 0)
		return;
	struct sigaction cur;
	tstp_ignored = sigaction(SIGTSTP, NULL, &cur) == 0 && cur.sa_handler == SIG_IGN;
	static const int piped[] = { SIGINT, SIGTERM, SIGHUP, SIGTSTP, SIGCONT };
	for (size_t i = 0; i < ARRAY_SIZE(piped); i++)
		set_handler(piped[i], on_signal, 0);
	if (tstp_ignored)   /* no job control where we came from: nobody could fg us */
		set_handler(SIGTSTP, SIG_IGN, 0);
	static const int crashes[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT };
	for (size_t i = 0; i < ARRAY_SIZE(crashes); i++)
		set_handler(crashes[i], on_crash, SA_RESETHAND);
}

int tui_signals_fd(void)
{
	return sig_pipe[0];
}

unsigned tui_signals_take(void)
{
	unsigned got = 0;
	char buf[64];
	ssize_t n;
	while ((n = read(sig_pipe[0], buf, sizeof buf)) > 0)
		for (ssize_t i = 0; i < n; i++)
			got |= buf[i] == 'z' ? TUI_SIG_STOP : buf[i] == 'c' ? TUI_SIG_CONT : TUI_SIG_QUIT;
	return got;
}

void tui_signals_curses(bool on)
{
	curses_on = on;
}

bool tui_signals_curses_on(void)
{
	return curses_on;
}

void tui_signals_stop_self(void)
{
	struct sigaction dfl = { .sa_handler = SIG_DFL }, old;
	sigemptyset(&dfl.sa_mask);
	sigaction(SIGTSTP, &dfl, &old);
	raise(SIGTSTP);   /* every thread stops here until SIGCONT */
	sigaction(SIGTSTP, &old, NULL);
}

void tui_signals_job_stop(bool on)
{
	if (!tstp_ignored)
		set_handler(SIGTSTP, on ? SIG_DFL : on_signal, 0);
}
