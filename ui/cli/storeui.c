/* The command line's way into the store. */
#include "common.h"

#include "cli/cli.h"
#include "cli/cmd_store.h"
#include "conf/conf.h"
#include "store/store.h"
#include "util/err.h"

struct store *cli_store(struct cli *cli, bool readonly)
{
	if (!cli->store)
		cli->store = cmd_store_open(cli, readonly ? STORE_READONLY : 0);
	return cli->store;
}

struct store_acct *cli_store_acct(struct cli *cli, const struct account_conf *a, bool readonly)
{
	struct store *st = cli_store(cli, readonly);
	if (!st)
		return NULL;
	bool pop3 = a->protocol == PROTO_POP3;
	unsigned flags = readonly ? STORE_ACCT_READONLY : pop3 ? 0 : STORE_ACCT_REBUILD_CACHE;
	struct store_acct *acct;
	struct err err = ERR_INIT;
	if (store_acct_open(st, a->account, pop3 ? STORE_ACCT_PRIMARY : STORE_ACCT_CACHE, flags,
			    &acct, &err) < 0) {
		if (err.kind == ERR_NOT_FOUND && readonly)
			cli_error(_("nothing is stored for account %s yet; run 'postie sync -a %s' "
				    "first"), a->account, a->account);
		else
			cli_error("%s", err_msg(&err));
		err_clear(&err);
		return NULL;
	}
	if (store_acct_notice(acct))
		cli_error("%s", store_acct_notice(acct));
	return acct;
}
