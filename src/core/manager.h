/* The account manager: one running account (core/account.h) for every
 * configured account, the store they share, the network context with its
 * callbacks, and the UI's inbox.
 *
 * Certificate decisions and passwords the network layer needs while a
 * worker connects become EV_QUESTION events (the worker waits for
 * account_answer()); connection steps become EV_PROGRESS events.
 *
 * Start-up opens the store (failing with ERR_LOCKED when another postie
 * runs) and starts every worker; each begins with its state and folder list
 * from the store, then connects. manager_stop() stops all workers at once
 * (none waits for a server) and then frees everything. One thread (the UI)
 * owns the manager; the accounts in it may be used from any thread. */
#ifndef POSTIE_CORE_MANAGER_H
#define POSTIE_CORE_MANAGER_H

#include <stdbool.h>
#include <stddef.h>

#include "core/account.h"

struct conf;
struct err;
struct inbox;
struct manager;

struct manager_opts {
	const struct conf *conf;
	const char *data_dir;
	const char *trace_file;         /* protocol trace, or NULL */
	driver_factory *make_driver;    /* NULL: every account works from the store only */
	bool start_offline;             /* no account connects until asked (REQ_SYNC) */
};

int manager_start(const struct manager_opts *o, struct manager **m_r, struct err *err);
void manager_stop(struct manager **m);

size_t manager_count(const struct manager *m);
struct account *manager_account(const struct manager *m, size_t i);
/* The account called name, or NULL. */
struct account *manager_find(const struct manager *m, const char *name);
struct inbox *manager_inbox(struct manager *m);

#endif
