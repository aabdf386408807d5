/* Making the driver for an account's protocol (core/driver.h). */
#include "common.h"

#include "conf/conf.h"
#include "core/driver.h"
#include "imap/imap.h"
#include "pop3/pop3.h"
#include "util/err.h"

int driver_new(const struct account_conf *conf, struct store_acct *store, struct net_ctx *net,
	       struct net_cancel *cancel, const struct sync_observer *obs, struct driver **d_r,
	       struct err *err)
{
	*d_r = NULL;
	struct driver *d = xcalloc(1, sizeof *d);
	d->conf = conf;
	d->store = store;
	d->net = net;
	d->cancel = cancel;
	d->obs = obs;
	int r = conf->protocol == PROTO_POP3 ? pop3_driver_new(d, err) : imap_driver_new(d, err);
	if (r < 0) {
		free(d);
		return -1;
	}
	*d_r = d;
	return 0;
}

void driver_vnotice(const struct driver *d, const char *fmt, va_list ap)
{
	if (!d->obs || !d->obs->notice)
		return;
	char *text = xvasprintf(fmt, ap);
	d->obs->notice(d->obs->aux, text);
	free(text);
}

void driver_free(struct driver **d)
{
	if (*d)
		(*d)->ops->free(d);
}
