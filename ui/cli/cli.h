/* The command line: global options, subcommand dispatch, shared helpers.
 *
 * `postie [GLOBAL OPTIONS] [COMMAND [OPTIONS] [ARGS]]`. Without a command the
 * TUI starts. Each command is a row in the table in commands.c and a
 * function `int cmd_NAME(struct cli *, int argc, char **argv)` in its own
 * file; argv[0] is the command's name. Commands return an exit status:
 * EXIT_OK, EXIT_RUNTIME (something failed while running) or EXIT_USAGE (bad
 * arguments or configuration). */
#ifndef POSTIE_UI_CLI_H
#define POSTIE_UI_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "core/ops.h"
#include "store/store.h"

struct conf;
struct account_conf;
struct err;
struct net_ctx;
struct store;
struct store_acct;

enum exit_status { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

/* What to do with a server certificate that fails verification. */
enum cli_accept_cert { CLI_CERT_REFUSE, CLI_CERT_ONCE, CLI_CERT_ALWAYS };

struct cli {
	/* From global options; NULL when not given. */
	const char *config_dir_opt;
	const char *data_dir_opt;
	const char *account;      /* -a, before or after the command */
	const char *folder;       /* -f: the folder the interface opens first */
	const char *trace_file;   /* --trace */
	bool assume_yes;          /* --yes: non-interactive confirmations */

	/* Resolved lazily by cli_conf(). Owned by the struct cli. */
	char *config_dir;
	char *data_dir;
	struct conf *conf;

	/* Network (netui.c): made by cli_net(), owned by the struct cli. */
	struct net_ctx *net;
	enum cli_accept_cert accept_cert;  /* --accept-cert of the command */
	bool show_steps;                   /* print each connection step to stdout */

	/* The store (storeui.c): opened by cli_store(), owned by the struct cli. */
	struct store *store;
};

struct cli_command {
	const char *name;
	const char *synopsis;   /* arguments after the name, N_() */
	const char *summary;    /* one line, N_() */
	const char *help;       /* details for `postie help NAME`, N_(); may be NULL */
	int (*run)(struct cli *cli, int argc, char **argv);
};

extern const struct cli_command cli_commands[];
const struct cli_command *cli_find_command(const char *name);

/* Loads the configuration (once). On problems it prints them all to stderr
 * as FILE:LINE: message and returns NULL; the caller exits with EXIT_USAGE. */
struct conf *cli_conf(struct cli *cli);
/* The account -a names (or the default). Prints the problem and returns NULL
 * when there is none. */
const struct account_conf *cli_account(struct cli *cli);
const char *cli_data_dir(struct cli *cli);

/* The network context: known servers under the data dir, the trace from
 * --trace or postie.conf's trace_file, certificate decisions from
 * accept_cert, passwords asked on /dev/tty. Prints the problem and returns
 * NULL when it cannot be made. */
struct net_ctx *cli_net(struct cli *cli);
/* Parses the options of a command that takes --accept-cert=once|always
 * besides the common ones, and no operands: -1 to go on, else the exit
 * status. */
int cli_cert_options(struct cli *cli, const char *command, int argc, char **argv);

/* The store under the data dir, opened once (a writer unless readonly; a
 * second postie is reported as such). Prints the problem and returns NULL. */
struct store *cli_store(struct cli *cli, bool readonly);
/* Opens account a in the store: primary for POP3; an IMAP cache that is
 * damaged is moved aside and rebuilt (writers only), and the store's notice
 * printed. Prints the problem and returns NULL; the caller closes it with
 * store_acct_close() before the struct cli is released. */
struct store_acct *cli_store_acct(struct cli *cli, const struct account_conf *a, bool readonly);

/* printf to out with the text made safe for the terminal (it may quote a
 * server or a message). */
void cli_print(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line of an aligned "label: value" block. The label is translated and
 * includes its colon (French writes "clé :"). */
struct cli_field {
	const char *label;
	const char *value;
};
/* Prints each field as INDENT spaces, the label, then blanks up to the
 * column of the widest label plus gap, then the value: the values stay in one
 * column whatever width the translated labels have. Sanitized like
 * cli_print(). */
void cli_print_fields(FILE *out, int indent, int gap, const struct cli_field *fields, size_t n);
/* Whether a typed answer to a "[y/N]" question means yes: y or Y, or the
 * letters the translation gives for yes (j in German, o in French). */
bool cli_answer_is_yes(const char *answer);
/* Prints "postie: MESSAGE" to stderr, sanitized for the terminal. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints an error's message and maps its kind to an exit status. */
int cli_fail(const struct err *err);
/* Prints the usage line and help of a command to stdout. */
void cli_command_help(const struct cli_command *cmd);
/* Prints "Try 'postie NAME --help'." and returns EXIT_USAGE. */
int cli_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Options every command accepts: -a ACCOUNT and -h/--help. Commands append
 * their own to these in their getopt strings. Returns 1 if opt was one of
 * them (and handled), 0 if not, or -1 when the command should exit 0 (help
 * was printed). */
#define CLI_COMMON_SHORTOPTS "+a:h"
/* The same, for commands whose options may also follow their operands
 * (postie list INBOX --json); not for those taking -WORD operands (flag). */
#define CLI_COMMON_SHORTOPTS_ANYWHERE "a:h"
#define CLI_COMMON_LONGOPTS \
	{ "account", required_argument, NULL, 'a' }, \
	{ "help", no_argument, NULL, 'h' }
int cli_common_option(struct cli *cli, const struct cli_command *cmd, int opt);
/* getopt_long() for command with -a and -h handled: returns the command's
 * own next option, '?' for an unknown one, -1 after the last, or
 * CLI_OPT_HELP when help was printed (exit 0). shortopts are the command's
 * own; options may follow operands unless shortopts starts with '+'.
 * longopts must hold CLI_COMMON_LONGOPTS (NULL: only those). Set optind = 0
 * before the first call. */
#define CLI_OPT_HELP (-2)
int cli_getopt(struct cli *cli, const char *command, int argc, char **argv,
	       const char *shortopts, const struct option *longopts);
/* For commands with only the common options: -1 to go on (optind at the
 * operands), else the exit status. */
int cli_plain_options(struct cli *cli, const char *command, int argc, char **argv,
		      const char *shortopts);
/* For a command that takes only the common options and no arguments: parses
 * argv. Returns true when the command should return *status at once (help
 * was printed, or a usage error), false to go on. */
bool cli_no_options(struct cli *cli, const char *command, int argc, char **argv, int *status);

void cli_release(struct cli *cli);

/* check-account's checks of one account (cmd_check_account.c), printing
 * each step; returns an exit status. */
int cli_check_account_conf(struct cli *cli, const struct account_conf *a);
/* The account setup questions (cmd_add_account.c): writes the account file
 * and tests it. first_run adds a welcome for the interface's first start. */
int cli_setup_account(struct cli *cli, bool first_run);
/* ---- Stored mail (mailstore.c): what list, show, flag, move ... share ---- */

/* An account's store, opened for one command. */
struct cli_acct {
	const struct account_conf *conf;
	struct store_acct *acct;
};

/* cli_store_acct() for commands that want an exit status: 0, or the status
 * after the problem was printed. */
int cli_acct_open(struct cli *cli, const struct account_conf *a, bool write,
		  struct cli_acct *ca);
void cli_acct_close(struct cli_acct *ca);
/* Finds the folder called name (UTF-8; INBOX in any case) into *f. Returns 0,
 * or prints the problem and returns the exit status. */
int cli_folder(struct cli_acct *ca, const char *name, struct store_folder *f);
/* Parses message ids: "12", "3,5,9-12". Returns -1 (after printing a usage
 * error for command) when arg is not such a list. */
struct cli_ids {
	uint32_t *v;
	size_t n, cap;
};
int cli_parse_ids(const char *command, const char *arg, struct cli_ids *ids);
/* The message's raw bytes into out: from the store, else (IMAP, when the
 * server can be reached) fetched and kept. Returns 0 or the exit status
 * after printing the problem. */
struct buf;
int cli_message(struct cli *cli, const char *folder, uint32_t uid, struct buf *out);
/* For the commands that change messages (flag, move, delete, ...): the
 * account's store opened for writing, the folder, and the ops context. */
struct cli_ops {
	struct cli_acct ca;
	struct store_folder f;
	struct ops_ctx ctx;
};
/* Returns 0 or the exit status after printing the problem. */
int cli_ops_open(struct cli *cli, const char *folder, struct cli_ops *o);
void cli_ops_close(struct cli_ops *o);
/* Maps an error to an exit status after printing it. */
int cli_fail_clear(struct err *err);

/* Prints the list of commands (for --help). */
void cli_list_commands(void);


#endif
