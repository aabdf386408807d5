/* Shared by the `postie store` and `postie export` commands. */
#ifndef POSTIE_UI_CMD_STORE_H
#define POSTIE_UI_CMD_STORE_H

#include <getopt.h>

#include "store/store.h"

struct cli;

/* getopt over argv with the common options; own() handles the command's own
 * (returning -1 for one it does not know). shortopts should not start with
 * '+', so options may follow arguments (export FOLDER --maildir DIR). Returns 0 to go on, -1 when help
 * was printed (exit 0), -2 after a usage error was printed (exit 2). */
int cmd_store_options(struct cli *cli, const char *command, int argc, char **argv,
		      const struct option *longopts, const char *shortopts,
		      int (*own)(int opt, void *aux), void *aux);
/* For subcommands that take no option but -a: parses argv and returns an
 * exit status to end with, or -1 to go on. */
int cmd_store_only_account(struct cli *cli, int argc, char **argv);
/* Opens the data dir's store; prints the problem and returns NULL. */
struct store *cmd_store_open(struct cli *cli, unsigned flags);
/* The accounts to work on: the one -a names, else every account in the
 * store. Prints the problem and returns -1. */
int cmd_store_accounts(struct cli *cli, struct store *s, store_names *names);
/* The kind of an account from the configuration: POP3 accounts are
 * primary; an account that is not configured counts as a cache. */
enum store_acct_kind cmd_store_kind(struct cli *cli, const char *account);

#endif
