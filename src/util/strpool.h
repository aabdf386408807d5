/* A string pool: many small strings in one growing block, optionally interned.
 *
 * Strings are referred to by a uint32_t offset into the pool (a "ref"), not by
 * pointer, so the block can grow without invalidating anything and a struct
 * that points at strings stays 4 bytes per string. Ref 0 is always "".
 * strpool_get() turns a ref into a pointer that is valid until the next add or
 * intern (the block may move).
 *
 * strpool_add() appends a copy every time; strpool_intern() returns the ref of
 * an equal string added through strpool_intern() before, so repeated values
 * (addresses, keywords) are stored once. Nothing is ever removed: a pool is
 * released as a whole, which is also why it frees in one call however many
 * strings it holds.
 *
 * A pool holds at most 4 GiB; going past that aborts like an allocation
 * failure. The pool owns its memory; strpool_release() frees it. */
#ifndef POSTIE_UTIL_STRPOOL_H
#define POSTIE_UTIL_STRPOOL_H

#include <stddef.h>
#include <stdint.h>

struct strpool_slot;

struct strpool {
	char *data;
	size_t len, cap;
	struct strpool_slot *slots;  /* open addressing table of interned strings */
	size_t n_slots, n_interned;
};

#define STRPOOL_INIT { NULL, 0, 0, NULL, 0, 0 }

void strpool_init(struct strpool *pool);
void strpool_release(struct strpool *pool);
/* Makes room for about n more bytes of strings, to avoid regrowing. */
void strpool_reserve(struct strpool *pool, size_t n);
/* A copy of s[0..len) (which must not contain NUL) as a new string. */
uint32_t strpool_add(struct strpool *pool, const char *s, size_t len);
/* Like strpool_add() but shares equal strings interned earlier. */
uint32_t strpool_intern(struct strpool *pool, const char *s, size_t len);
/* The string for a ref; never NULL. */
static inline const char *strpool_get(const struct strpool *pool, uint32_t ref)
{
	return ref ? pool->data + ref : "";
}
/* Bytes the pool has allocated (strings plus the intern table). */
size_t strpool_memory(const struct strpool *pool);

#endif
