/* The rules for replaying a journal op (store/store.h) on a server that may
 * have changed while the op waited: what to carry out, what to drop, and what
 * to tell the user. Pure logic, no store and no network, shared by the
 * drivers' replay_journal() and tested on its own.
 *
 *  - APPEND: always carried out; a destination the server lacks is created
 *    first. A refusal (NO: over quota, ...) keeps the op for a later attempt:
 *    it holds a message only the journal has.
 *  - Ops on messages whose folder is gone, or was recreated (its UIDVALIDITY
 *    is not the one the op was made under), are dropped: their UIDs mean
 *    nothing any more.
 *  - Messages the server no longer has are left out; when none is left, the
 *    op is dropped. Said for flag changes, moves and copies; not for
 *    expunges, which wanted them gone anyway, nor for a move that an
 *    earlier attempt may have carried out (maybe_done).
 *  - A move or copy to a folder the server lacks is dropped; for a move the
 *    messages stay in the source, and since they already left it in the
 *    store, they are fetched back (restore).
 *  - A refusal drops the op with the server's words; a refused move or
 *    expunge restores the messages. */
#ifndef POSTIE_CORE_REPLAY_H
#define POSTIE_CORE_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store_op;

/* What the server has now. */
struct replay_state {
	const char *folder_name;     /* the op's folder, for notices; NULL when unknown */
	bool folder_exists;          /* the source folder exists on the server */
	uint32_t uidvalidity;        /* its UIDVALIDITY now */
	const uint32_t *present;     /* which of op->uids the server still has (any order) */
	size_t n_present;
	bool dest_exists;            /* MOVE, COPY, APPEND: the destination exists */
	/* MOVE: an earlier attempt was sent and its answer lost, so it may have
	 * been carried out: its messages all gone from the folder mean done,
	 * not dropped (no notice). */
	bool maybe_done;
};

enum replay_verdict {
	REPLAY_APPLY,   /* carry it out on uids */
	REPLAY_DROP,    /* remove it from the journal */
	REPLAY_KEEP,    /* leave it in the journal for a later attempt */
};

struct replay_plan {
	enum replay_verdict verdict;
	uint32_t *uids;              /* APPLY: the op's UIDs to act on (owned) */
	size_t n_uids;
	bool create_dest;            /* APPEND: create the destination first */
	bool restore;                /* bring uids back into the source folder locally */
	char *notice;                /* for the user, or NULL (owned) */
};

/* Decides before carrying out op. For ops without UIDs (APPEND) present is
 * ignored. */
void replay_decide(const struct store_op *op, const struct replay_state *st,
		   struct replay_plan *out);
/* Decides after the server refused op (NO) with why; restore then covers
 * uids (the ones the op was carried out on). */
void replay_refused(const struct store_op *op, const char *folder_name, const char *why,
		    const uint32_t *uids, size_t n, struct replay_plan *out);
void replay_plan_release(struct replay_plan *p);

#endif
