/* `postie store check`: reads every record of every account (or of -a's)
 * and reports what is wrong. Each account is read in a child process: on
 * some damage the storage library ends the process it runs in, and the
 * report must still come out. */
#include "common.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/cmd_store.h"
#include "cli/commands.h"
#include "util/buf.h"
#include "util/err.h"

enum { CHECK_OK = 0, CHECK_PROBLEMS = 1, CHECK_CANNOT = 3 };

static void summary_line(FILE *out, const char *name, const struct store_check_report *r)
{
	fprintf(out, _("%s: folders %'u, messages %'u (in %'u records), bodies %'u, "
		       "journal entries %'u, outbox %'u, %.1f MB"), name,
		r->folders, r->messages, r->chunks, r->bodies, r->journal, r->outbox,
		(double)r->bytes / 1e6);
}

/* Runs in the child; its stdout and stderr are the pipe to the parent. */
static int check_child(struct store *s, const char *name)
{
	struct store_acct *a;
	struct err err = ERR_INIT;
	if (store_acct_open(s, name, STORE_ACCT_CACHE, STORE_ACCT_READONLY, &a, &err) < 0) {
		printf("%s: %s\n", name, err_msg(&err));
		return CHECK_CANNOT;
	}
	struct store_check_report r = { 0 };
	int status = CHECK_OK;
	if (store_check(a, &r, &err) < 0) {
		printf("%s: %s\n", name, err_msg(&err));
		status = CHECK_CANNOT;
	} else {
		summary_line(stdout, name, &r);
		printf(": %s\n", r.problems.n ? _("DAMAGED") : _("ok"));
		for (size_t i = 0; i < r.problems.n; i++)
			printf("%s: %s\n", name, r.problems.v[i]);
		for (size_t i = 0; i < r.notes.n; i++)
			printf(_("%s: note: %s\n"), name, r.notes.v[i]);
		status = r.problems.n ? CHECK_PROBLEMS : CHECK_OK;
	}
	store_check_report_release(&r);
	store_acct_close(&a);
	return status;
}

static int check_account(struct store *s, const char *name)
{
	int p[2];
	if (pipe(p) < 0) {
		cli_error(_("cannot start the check: %s"), strerror(errno));
		return CHECK_CANNOT;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], 1);
		dup2(p[1], 2);
		int st = check_child(s, name);
		fflush(stdout);
		_exit(st);
	}
	close(p[1]);
	struct buf out = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	while ((n = read(p[0], chunk, sizeof chunk)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			buf_add(&out, chunk, (size_t)n);
	close(p[0]);
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	cli_print(stdout, "%s", buf_cstr(&out));
	buf_release(&out);
	if (WIFEXITED(status) && WEXITSTATUS(status) <= CHECK_CANNOT)
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		cli_print(stdout, _("%s: reading the store stopped (signal %d): a file is damaged "
				    "beyond what can be read\n"), name, WTERMSIG(status));
	else
		cli_print(stdout, _("%s: the storage library gave up reading the store: a file "
				    "is damaged\n"), name);
	return CHECK_PROBLEMS;
}

int cmd_store_check(struct cli *cli, int argc, char **argv)
{
	int r = cmd_store_only_account(cli, argc, argv);
	if (r >= 0)
		return r;
	struct store *s = cmd_store_open(cli, STORE_READONLY);
	if (!s)
		return EXIT_RUNTIME;
	store_names names = ARRAY_INIT;
	int status = EXIT_OK;
	if (cmd_store_accounts(cli, s, &names) < 0)
		status = EXIT_RUNTIME;
	else if (names.n == 0)
		cli_print(stdout, _("there are no accounts in the store in %s\n"), store_data_dir(s));
	for (size_t i = 0; i < names.n; i++)
		if (check_account(s, names.v[i]) != CHECK_OK)
			status = EXIT_RUNTIME;
	store_names_release(&names);
	store_close(&s);
	return status;
}
