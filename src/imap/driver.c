/* The IMAP driver (core/driver.h): the session it keeps, connecting and
 * dropping it, and what every part of the sync shares. */
#include "common.h"

#include <stdarg.h>
#include <time.h>

#include "conf/conf.h"
#include "imap/imap-private.h"
#include "util/clock.h"
#include "util/err.h"

static void drop_session(struct imap_driver *drv)
{
	imap_session_free(&drv->s);
	imap_selected_release(&drv->sel);
	drv->qresync = drv->condstore = false;
}

int imap_check(struct imap_driver *drv, int r, const char *what, struct err *err)
{
	if (imap_error(drv->s, r, what, err) == 0)
		return 0;
	if (imap_session_broken(drv->s))
		drop_session(drv);
	return -1;
}

/* ENABLE QRESYNC (RFC 7162): from then on expunges come as VANISHED with
 * UIDs, FETCH responses carry UIDs, and SELECT can resynchronise. */
static int enable_qresync(struct imap_driver *drv, struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	clist *want = clist_new();
	clist_append(want, mailimap_capability_new(MAILIMAP_CAPABILITY_NAME, NULL,
						    xstrdup("QRESYNC")));
	struct mailimap_capability_data *req = mailimap_capability_data_new(want);
	struct mailimap_capability_data *got = NULL;
	int r = mailimap_enable(imap, req, &got);
	mailimap_capability_data_free(req);
	for (clistiter *it = got && got->cap_list ? clist_begin(got->cap_list) : NULL; it; it = clist_next(it)) {
		const struct mailimap_capability *c = clist_content(it);
		if (c->cap_type == MAILIMAP_CAPABILITY_NAME &&
		    strcasecmp(c->cap_data.cap_name, "QRESYNC") == 0)
			drv->qresync = true;
	}
	if (got)
		mailimap_capability_data_free(got);
	return imap_check(drv, r, _("enabling QRESYNC on"), err);
}

static int drv_connect(struct driver *d, struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (drv->s && !imap_session_broken(drv->s))
		return 0;
	drop_session(drv);
	if (imap_session_open(d->conf, d->net, d->cancel, &drv->s, err) < 0)
		return -1;
	imap_install_handler(drv);
	if (imap_session_has_capability(drv->s, "QRESYNC") &&
	    imap_session_has_capability(drv->s, "ENABLE") && enable_qresync(drv, err) < 0)
		return -1;
	drv->condstore = drv->qresync || imap_session_has_capability(drv->s, "CONDSTORE");
	return 0;
}

int imap_need_session(struct imap_driver *drv, struct err *err)
{
	return drv_connect(drv->d, err);
}

static void drv_disconnect(struct driver *d)
{
	struct imap_driver *drv = imap_drv(d);
	imap_session_close(&drv->s);
	imap_selected_release(&drv->sel);
}

static bool drv_connected(struct driver *d)
{
	struct imap_driver *drv = imap_drv(d);
	return drv->s && !imap_session_broken(drv->s);
}

int imap_folder_load(struct imap_driver *drv, uint32_t id, struct store_folder *f,
		     struct err *err)
{
	int r = store_folder_get_id(drv->d->store, id, f, err);
	if (r == 0)
		r = err_set(err, ERR_NOT_FOUND, _("account %s has no folder %u"),
			    drv->d->conf->account, id);
	return r < 0 ? -1 : 0;
}

void imap_names_clear(struct imap_driver *drv)
{
	for (size_t i = 0; i < drv->names.n; i++) {
		free(drv->names.v[i].utf8);
		free(drv->names.v[i].wire);
	}
	drv->names.n = 0;
}

void imap_names_add(struct imap_driver *drv, const char *utf8, const char *wire)
{
	struct imap_name n = { xstrdup(utf8), xstrdup(wire) };
	ARRAY_PUSH(&drv->names, n);
}

char *imap_wire_name(struct imap_driver *drv, const char *utf8, struct err *err)
{
	for (size_t i = 0; i < drv->names.n; i++)
		if (strcmp(drv->names.v[i].utf8, utf8) == 0)
			return xstrdup(drv->names.v[i].wire);
	if (strpbrk(utf8, "\r\n"))
		return err_set(err, ERR_USAGE, _("a folder name cannot contain a line break")),
		       NULL;
	char *wire = imap_mutf7_encode(utf8);
	if (!wire)
		err_set(err, ERR_USAGE, _("the folder name '%s' is not valid UTF-8"), utf8);
	return wire;
}

void imap_notice(struct imap_driver *drv, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	driver_vnotice(drv->d, fmt, ap);
	va_end(ap);
}

void imap_progress(struct imap_driver *drv, const char *what, uint64_t done, uint64_t total)
{
	const struct sync_observer *o = drv->d->obs;
	if (!o || !o->progress)
		return;
	static _Thread_local int64_t last;
	int64_t t = clock_mono_ms();
	if (done != total && done != 0 && t - last < 100)
		return;
	last = t;
	/* The label carries the counts (POP3's carries bytes): see core/driver.h. */
	char *label = total ? xasprintf(_("%s: %llu of %llu"), what, (unsigned long long)done,
					(unsigned long long)total)
			    : xstrdup(what);
	o->progress(o->aux, label, done, total);
	free(label);
}

static void drv_free(struct driver **dp)
{
	struct driver *d = *dp;
	struct imap_driver *drv = imap_drv(d);
	drv_disconnect(d);
	imap_names_clear(drv);
	ARRAY_RELEASE(&drv->names);
	imap_flagrecs_release(&drv->flagrecs);
	ARRAY_RELEASE(&drv->vanished);
	free(drv);
	free(d);
	*dp = NULL;
}

static const struct driver_ops imap_driver_ops = {
	.name = "imap",
	.caps = DRIVER_CAP_SERVER_FOLDERS | DRIVER_CAP_SERVER_FLAGS | DRIVER_CAP_IDLE |
		DRIVER_CAP_APPEND,
	.connect = drv_connect,
	.disconnect = drv_disconnect,
	.connected = drv_connected,
	.sync_folders = imap_sync_folders,
	.sync_folder = imap_sync_folder,
	.fetch_body = imap_fetch_body,
	.replay_journal = imap_replay_journal,
	.wait_changes = imap_wait_changes,
	.folder_op = imap_folder_op,
	.append = imap_append,
	.free = drv_free,
};

int imap_driver_new(struct driver *d, struct err *err)
{
	(void)err;
	struct imap_driver *drv = xcalloc(1, sizeof *drv);
	drv->d = d;
	d->ops = &imap_driver_ops;
	d->priv = drv;
	return 0;
}
