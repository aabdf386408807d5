/* The command line's way to an account's outbox (sendui.c), shared by
 * postie send, compose and outbox. */
#ifndef POSTIE_UI_SENDUI_H
#define POSTIE_UI_SENDUI_H

#include <stdbool.h>
#include <stdint.h>

#include "core/compose.h"
#include "core/outbox.h"

struct buf;
struct cli;
struct err;
struct msg_str_list;
struct store_outbox_entry;

struct cli_outbox {
	const struct account_conf *conf;
	struct store_acct *store;       /* owned */
	struct outbox_ctx ctx;
	struct compose_ctx cctx;
	struct outbox_observer obs;
	char *spool_dir;                /* owned */
	bool verbose;                   /* print each state change */
};

/* Opens the account's store (and, with network, the net context for
 * flushing). Prints the problem and returns -1. */
int cli_outbox_open(struct cli *cli, const struct account_conf *a, bool readonly, bool network,
		    struct cli_outbox *o);
void cli_outbox_close(struct cli_outbox *o);
/* Prints one entry as `postie outbox list` shows it. */
void cli_outbox_print(struct cli_outbox *o, const struct store_outbox_entry *e);
/* Prints what became of message id (sent, queued and why, failed and why)
 * and returns the exit status: EXIT_RUNTIME only for a permanent failure. */
int cli_outbox_report(struct cli_outbox *o, uint64_t id);

/* Reads all of standard input (at most 512 MiB) into out. */
int cli_read_stdin(struct buf *out, struct err *err);
/* Appends addr to rcpts unless it is there (compared without case) or "". */
void cli_add_rcpt(struct msg_str_list *rcpts, const char *addr);
/* Appends the addresses of each argument (each may list several, as typed
 * in a To field) to rcpts. ERR_INPUT names a bad one. */
int cli_add_rcpts(struct msg_str_list *rcpts, char **args, int n, struct err *err);

#endif
