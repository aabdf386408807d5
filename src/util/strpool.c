#include "common.h"

#include "util/strpool.h"

struct strpool_slot {
	uint32_t ref;   /* 0: empty */
	uint32_t hash;
	uint32_t len;
};

void strpool_init(struct strpool *pool)
{
	*pool = (struct strpool)STRPOOL_INIT;
}

void strpool_release(struct strpool *pool)
{
	free(pool->data);
	free(pool->slots);
	strpool_init(pool);
}

void strpool_reserve(struct strpool *pool, size_t n)
{
	if (!pool->data) {
		/* Offset 0 is the shared empty string, so no real string has ref 0. */
		pool->cap = n + 1 > 4096 ? n + 1 : 4096;
		pool->data = xmalloc(pool->cap);
		pool->data[0] = '\0';
		pool->len = 1;
		return;
	}
	if (n <= pool->cap - pool->len)
		return;
	size_t want = pool->len + n;
	if (want > UINT32_MAX) {
		fprintf(stderr, "postie: string pool over 4 GiB\n");
		abort();
	}
	size_t cap = pool->cap;
	while (cap < want)
		cap = cap / 2 * 3;  /* UNSAFE: bounded by the UINT32_MAX check above */
	if (cap > (size_t)UINT32_MAX + 1)
		cap = (size_t)UINT32_MAX + 1;
	pool->data = xrealloc(pool->data, cap);
	pool->cap = cap;
}

uint32_t strpool_add(struct strpool *pool, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	strpool_reserve(pool, len + 1);
	uint32_t ref = (uint32_t)pool->len;
	memcpy(pool->data + ref, s, len);
	pool->data[ref + len] = '\0';
	pool->len += len + 1;
	return ref;
}

/* A word-at-a-time hash; strings here are short and plentiful, so speed
 * matters more than quality beyond "different enough". */
static uint32_t hash_bytes(const char *s, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ len;
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
		s += 8;
		len -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, len);
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static void table_grow(struct strpool *pool)
{
	size_t n = pool->n_slots ? pool->n_slots * 2 : 1024;
	struct strpool_slot *slots = xcalloc(n, sizeof *slots);
	for (size_t i = 0; i < pool->n_slots; i++) {
		struct strpool_slot sl = pool->slots[i];
		if (!sl.ref)
			continue;
		size_t j = sl.hash & (n - 1);
		while (slots[j].ref)
			j = (j + 1) & (n - 1);
		slots[j] = sl;
	}
	free(pool->slots);
	pool->slots = slots;
	pool->n_slots = n;
}

uint32_t strpool_intern(struct strpool *pool, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	if ((pool->n_interned + 1) * 2 > pool->n_slots)
		table_grow(pool);
	uint32_t h = hash_bytes(s, len);
	size_t mask = pool->n_slots - 1;
	size_t j = h & mask;
	for (; pool->slots[j].ref; j = (j + 1) & mask) {
		const struct strpool_slot *sl = &pool->slots[j];
		if (sl->hash == h && sl->len == len && memcmp(pool->data + sl->ref, s, len) == 0)
			return sl->ref;
	}
	uint32_t ref = strpool_add(pool, s, len);
	pool->slots[j] = (struct strpool_slot){ ref, h, (uint32_t)len };
	pool->n_interned++;
	return ref;
}

size_t strpool_memory(const struct strpool *pool)
{
	return pool->cap + pool->n_slots * sizeof(struct strpool_slot);
}
