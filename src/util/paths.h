/* Where postie keeps things, and file helpers that are safe against crashes.
 *
 * Config dir: -F DIR, else $POSTIE_CONFIG_DIR, else $XDG_CONFIG_HOME/postie,
 * else ~/.config/postie. Data dir: -D DIR, else $POSTIE_DATA_DIR, else
 * $XDG_DATA_HOME/postie, else ~/.local/share/postie. The data dir holds the
 * only copy of POP3 mail and of the outbox: it is not a cache. */
#ifndef POSTIE_UTIL_PATHS_H
#define POSTIE_UTIL_PATHS_H

#include <stdbool.h>
#include <sys/types.h>

struct buf;
struct err;

/* Both return a new string the caller frees; override may be NULL. */
char *paths_config_dir(const char *override);
char *paths_data_dir(const char *override);
/* "a/b" without doubling the slash; caller frees. */
char *path_join(const char *dir, const char *name);
/* Creates dir and its missing parents with mode. */
int mkdir_p(const char *dir, mode_t mode, struct err *err);
/* Appends the whole file to out. */
int file_read_all(const char *path, struct buf *out, struct err *err);
/* Replaces path with data so that a crash leaves either the old or the new
 * content: a temp file in the same dir, fsync, rename, fsync of the dir. */
int file_write_atomic(const char *path, const void *data, size_t len, mode_t mode,
		      struct err *err);
/* fsync() of the directory holding path, so a rename or create is durable. */
int fsync_parent_dir(const char *path, struct err *err);
bool path_exists(const char *path);

#endif
