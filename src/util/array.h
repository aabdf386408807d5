/* Typed growable arrays.
 *
 *   ARRAY(struct folder) folders = ARRAY_INIT;
 *   ARRAY_PUSH(&folders, f);
 *   for (size_t i = 0; i < folders.n; i++) use(&folders.v[i]);
 *   ARRAY_RELEASE(&folders);
 *
 * The array owns v; the elements' own resources are the user's to free
 * before ARRAY_RELEASE. */
#ifndef POSTIE_UTIL_ARRAY_H
#define POSTIE_UTIL_ARRAY_H

#include "util/xalloc.h"

#define ARRAY(type) struct { type *v; size_t n, cap; }
#define ARRAY_INIT { NULL, 0, 0 }

#define ARRAY_RESERVE(a, want) do { \
		if ((want) > (a)->cap) { \
			size_t cap_ = (a)->cap ? (a)->cap * 2 : 8; \
			while (cap_ < (want)) \
				cap_ *= 2; \
			(a)->v = xreallocarray((a)->v, cap_, sizeof *(a)->v); \
			(a)->cap = cap_; \
		} \
	} while (0)

#define ARRAY_PUSH(a, item) do { \
		ARRAY_RESERVE((a), (a)->n + 1); \
		(a)->v[(a)->n++] = (item); \
	} while (0)

#define ARRAY_RELEASE(a) do { \
		free((a)->v); \
		(a)->v = NULL; \
		(a)->n = (a)->cap = 0; \
	} while (0)

#endif
