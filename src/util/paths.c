#include "common.h"

#include <fcntl.h>
#include <libgen.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

static char *xdg_dir(const char *override, const char *env_postie, const char *env_xdg,
		     const char *home_rel)
{
	if (override && *override)
		return xstrdup(override);
	const char *v = getenv(env_postie);
	if (v && *v)
		return xstrdup(v);
	v = getenv(env_xdg);
	/* The XDG spec says relative values are invalid and must be ignored. */
	if (v && *v == '/')
		return path_join(v, "postie");
	const char *home = getenv("HOME");
	if (!home || !*home)
		home = "/";
	char *base = path_join(home, home_rel);
	char *dir = path_join(base, "postie");
	free(base);
	return dir;
}

char *paths_config_dir(const char *override)
{
	return xdg_dir(override, "POSTIE_CONFIG_DIR", "XDG_CONFIG_HOME", ".config");
}

char *paths_data_dir(const char *override)
{
	return xdg_dir(override, "POSTIE_DATA_DIR", "XDG_DATA_HOME", ".local/share");
}

char *path_join(const char *dir, const char *name)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	while (*name == '/')
		name++;
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

int mkdir_p(const char *dir, mode_t mode, struct err *err)
{
	char *p = xstrdup(dir);
	for (char *s = p + 1; ; s++) {
		char c = *s;
		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			int e = errno;
			err_set(err, ERR_IO, _("cannot create directory %s: %s"), p, strerror(e));
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	struct stat st;
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return err_set(err, ERR_IO, _("%s is not a directory"), dir);
	return 0;
}

int file_read_all(const char *path, struct buf *out, struct err *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
			       _("cannot read %s: %s"), path, strerror(errno));
	for (;;) {
		buf_grow(out, 65536);
		ssize_t n = read(fd, out->data + out->len, out->cap - out->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			close(fd);
			return err_set(err, ERR_IO, _("cannot read %s: %s"), path, strerror(e));
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->data[out->len] = '\0';
	}
	close(fd);
	return 0;
}

int fsync_parent_dir(const char *path, struct err *err)
{
	char *copy = xstrdup(path);
	const char *dir = dirname(copy);
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r = fd >= 0 ? fsync(fd) : -1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (r < 0)
		err_set(err, ERR_IO, _("cannot sync directory %s: %s"), dir, strerror(e));
	free(copy);
	return r < 0 ? -1 : 0;
}

static int write_full(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct err *err)
{
	char *tmp = xasprintf("%s.tmp.%ld", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0) {
		err_set(err, ERR_IO, _("cannot write %s: %s"), tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (write_full(fd, data, len) < 0 || fsync(fd) < 0) {
		err_set(err, ERR_IO, _("cannot write %s: %s"), tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		err_set(err, ERR_IO, _("cannot rename %s to %s: %s"), tmp, path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return fsync_parent_dir(path, err);
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}
