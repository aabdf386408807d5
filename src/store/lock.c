/* The data dir lock: DATA_DIR/lock, locked with open file description locks
 * (F_OFD_SETLK), which, unlike classic fcntl locks, also conflict between two
 * opens inside one process and are not lost when any other descriptor of the
 * file is closed. A writer holds it exclusively and writes its pid into it; a
 * read-only command holds it shared. Never blocks. */
#include "common.h"

#include <fcntl.h>
#include <unistd.h>

#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"

static long read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	long pid = strtol(buf, NULL, 10);
	return pid > 0 ? pid : 0;
}

static int conflict(struct store *s, int fd, const char *path, struct err *err)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	bool reader_holds = fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_RDLCK;
	if (reader_holds)
		return err_set(err, ERR_LOCKED,
			       _("a postie command is reading the store in %s; try again when "
				 "it has finished"), s->dir);
	long pid = read_pid(fd);
	if (pid == (long)getpid())
		return err_set(err, ERR_LOCKED, _("the store in %s is already open in this "
						  "process"), s->dir);
	if (s->readonly)
		return err_set(err, ERR_LOCKED,
			       _("postie is already running (pid %ld) with the store in %s; "
				 "this command cannot read it meanwhile: quit that postie first"),
			       pid, s->dir);
	(void)path;
	return err_set(err, ERR_LOCKED, _("postie is already running (pid %ld) with the store "
					  "in %s"), pid, s->dir);
}

int lock_take(struct store *s, struct err *err)
{
	char *path = path_join(s->dir, "lock");
	int flags = s->readonly ? O_RDONLY : O_RDWR | O_CREAT;
	int fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd < 0 && s->readonly && errno == ENOENT) {
		/* No writer ever ran here: nothing to exclude. */
		free(path);
		s->lock_fd = -1;
		return 0;
	}
	if (fd < 0) {
		err_set(err, ERR_IO, _("cannot open %s: %s"), path, strerror(errno));
		free(path);
		return -1;
	}
	struct flock fl = { .l_type = s->readonly ? F_RDLCK : F_WRLCK, .l_whence = SEEK_SET };
	if (fcntl(fd, F_OFD_SETLK, &fl) < 0) {
		int e = errno;
		if (e == EAGAIN || e == EACCES)
			conflict(s, fd, path, err);
		else
			err_set(err, ERR_IO, _("cannot lock %s: %s"), path, strerror(e));
		close(fd);
		free(path);
		return -1;
	}
	if (!s->readonly) {
		char pid[32];
		int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
		if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n) {
			err_set(err, ERR_IO, _("cannot write %s: %s"), path, strerror(errno));
			close(fd);
			free(path);
			return -1;
		}
	}
	free(path);
	s->lock_fd = fd;
	return 0;
}

void lock_release(struct store *s)
{
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
}
