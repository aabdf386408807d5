/* Waiting for changes in the open folder: IDLE (RFC 2177) where the server
 * has it, re-issued every 25 minutes (servers may drop an IDLE after 30);
 * NOOP polling where it has not. Whatever the server reports is synced into
 * the store at once (sync.c), which raises the observer's events. */
#include "common.h"

#include <time.h>

#include "imap/imap-private.h"
#include "net/stream.h"
#include "util/err.h"

#define IDLE_REFRESH_MS (25 * 60 * 1000)
/* A test hook, like util/clock.h's: a shorter refresh so a test can see IDLE
 * re-issued without waiting 25 minutes. */
#define IDLE_REFRESH_TEST_ENV "POSTIE_TEST_IDLE_REFRESH_MS"

static int idle_refresh_ms(void)
{
	const char *v = getenv(IDLE_REFRESH_TEST_ENV);
	long ms = v ? strtol(v, NULL, 10) : 0;
	return ms > 0 && ms < IDLE_REFRESH_MS ? (int)ms : IDLE_REFRESH_MS;
}

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Sends IDLE and reads up to the continuation. libetpan 1.9.4's own
 * mailimap_idle() hangs when an untagged line comes before the "+"
 * (libs-brief 1.4, issue #393): this reads line by line instead and notes
 * that untagged data came (it is dropped here, so the caller syncs). */
static int idle_start(mailimap *imap, bool *saw_untagged)
{
	*saw_untagged = false;
	int r = mailimap_send_current_tag(imap);
	if (r != MAILIMAP_NO_ERROR)
		return r;
	if (mailstream_write(imap->imap_stream, "IDLE\r\n", 6) < 0 ||
	    mailstream_flush(imap->imap_stream) < 0)
		return MAILIMAP_ERROR_STREAM;
	for (;;) {
		char *line = mailimap_read_line(imap);
		if (!line)
			return MAILIMAP_ERROR_STREAM;
		if (line[0] == '+')
			return MAILIMAP_NO_ERROR;
		if (line[0] == '*') {
			*saw_untagged = true;
			continue;
		}
		struct mailimap_response *resp = NULL;   /* a tagged NO or BAD */
		r = mailimap_parse_response(imap, &resp);
		if (r == MAILIMAP_NO_ERROR) {
			mailimap_response_free(resp);
			r = MAILIMAP_ERROR_EXTENSION;
		}
		return r;
	}
}

static void forget_changes(struct imap_driver *drv)
{
	mailimap *imap = imap_session_etpan(drv->s);
	if (imap->imap_selection_info)
		imap->imap_selection_info->sel_has_exists = 0;
	imap_flagrecs_release(&drv->flagrecs);
	drv->untagged_seen = false;
}

/* Whether the last response told of new, expunged or changed messages. */
static bool saw_changes(struct imap_driver *drv)
{
	mailimap *imap = imap_session_etpan(drv->s);
	const struct mailimap_response_info *ri = imap->imap_response_info;
	return (imap->imap_selection_info && imap->imap_selection_info->sel_has_exists) ||
	       (ri && ri->rsp_expunged && !clist_isempty(ri->rsp_expunged)) ||
	       (ri && ri->rsp_extension_list && !clist_isempty(ri->rsp_extension_list)) ||
	       drv->flagrecs.n || drv->untagged_seen;
}

/* One IDLE of at most ms: 1 changes were synced, 0 nothing happened (or the
 * wake fd fired: *woken), -1 error. */
static int idle_once(struct imap_driver *drv, uint32_t folder, int wake_fd, int ms, bool *woken,
		     struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	forget_changes(drv);
	bool saw_untagged;
	int rr = idle_start(imap, &saw_untagged);
	if (imap_check(drv, rr, _("waiting for new mail on"), err) < 0)
		return -1;
	int w = saw_untagged ? 1 : net_stream_wait_readable(imap->imap_stream, ms, wake_fd);
	rr = mailimap_idle_done(imap);
	if (imap_check(drv, rr, _("waiting for new mail on"), err) < 0)
		return -1;
	if (w < 0)
		return imap_check(drv, MAILIMAP_ERROR_STREAM, _("waiting for new mail on"), err);
	*woken = w == 2;
	if (!saw_untagged && !saw_changes(drv))
		return 0;       /* e.g. Dovecot's "* OK Still here" */
	return imap_sync_folder(drv->d, folder, 0, err) < 0 ? -1 : 1;
}

static int poll_once(struct imap_driver *drv, uint32_t folder, int wake_fd, int ms,
		     struct err *err)
{
	mailimap *imap = imap_session_etpan(drv->s);
	int w = net_stream_wait_readable(imap->imap_stream, ms, wake_fd);
	if (w == 2)
		return 0;
	forget_changes(drv);
	if (imap_check(drv, mailimap_noop(imap), _("checking for new mail on"), err) < 0)
		return -1;
	if (!saw_changes(drv))
		return 0;
	return imap_sync_folder(drv->d, folder, 0, err) < 0 ? -1 : 1;
}

int imap_wait_changes(struct driver *d, uint32_t folder, int wake_fd, int timeout_ms,
		      struct err *err)
{
	struct imap_driver *drv = imap_drv(d);
	if (imap_need_session(drv, err) < 0)
		return -1;
	if (drv->sel.folder != folder && imap_sync_folder(d, folder, 0, err) < 0)
		return -1;
	if (!imap_session_has_capability(drv->s, "IDLE"))
		return poll_once(drv, folder, wake_fd, timeout_ms, err);
	int64_t deadline = now_ms() + timeout_ms;
	int refresh = idle_refresh_ms();
	for (;;) {
		int64_t left = deadline - now_ms();
		if (left <= 0)
			return 0;
		bool woken = false;
		int r = idle_once(drv, folder, wake_fd, left > refresh ? refresh : (int)left,
				  &woken, err);
		if (r != 0 || woken)
			return r;
	}
}
