/* The data dir as a whole: its lock and its list of accounts. */
#include "common.h"

#include <dirent.h>
#include <sys/stat.h>

#include "store/store-private.h"
#include "util/err.h"
#include "util/paths.h"

int store_open(const char *data_dir, unsigned flags, struct store **store_r, struct err *err)
{
	*store_r = NULL;
	bool ro = flags & STORE_READONLY;
	if (ro) {
		struct stat st;
		if (stat(data_dir, &st) < 0 || !S_ISDIR(st.st_mode))
			return err_set(err, ERR_NOT_FOUND, _("there is no store in %s"), data_dir);
	} else if (mkdir_p(data_dir, 0700, err) < 0) {
		return -1;
	}
	struct store *s = xcalloc(1, sizeof *s);
	s->dir = xstrdup(data_dir);
	s->readonly = ro;
	s->lock_fd = -1;
	pthread_mutex_init(&s->mu, NULL);
	if (lock_take(s, err) < 0) {
		store_close(&s);
		return -1;
	}
	*store_r = s;
	return 0;
}

void store_close(struct store **sp)
{
	struct store *s = *sp;
	if (!s)
		return;
	*sp = NULL;
	lock_release(s);
	store_names_release(&s->open_accts);
	pthread_mutex_destroy(&s->mu);
	free(s->dir);
	free(s);
}

const char *store_data_dir(const struct store *store)
{
	return store->dir;
}

bool store_is_readonly(const struct store *store)
{
	return store->readonly;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int store_list_accounts(struct store *store, store_names *names, struct err *err)
{
	char *dir = path_join(store->dir, "accounts");
	DIR *d = opendir(dir);
	if (!d) {
		int e = errno;
		int r = e == ENOENT ? 0 : err_set(err, ERR_IO, _("cannot read %s: %s"), dir,
						  strerror(e));
		free(dir);
		return r;
	}
	size_t first = names->n;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		char *marker = xasprintf("%s/%s/account", dir, de->d_name);
		if (path_exists(marker))
			ARRAY_PUSH(names, xstrdup(de->d_name));
		free(marker);
	}
	closedir(d);
	free(dir);
	if (names->n > first)
		qsort(names->v + first, names->n - first, sizeof *names->v, cmp_names);
	return 0;
}

void store_names_release(store_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->v[i]);
	ARRAY_RELEASE(names);
}
