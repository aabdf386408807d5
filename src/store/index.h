/* The in-memory index of one folder: every message's summary in a compact
 * form, for the message list and threading.
 *
 * Messages sit in an array sorted by UID, 72 bytes each; their strings live
 * in one string pool (util/strpool.h) and are referred to by 32-bit refs.
 * Addresses and keyword sets are interned (stored once however many messages
 * share them); subjects, Message-IDs, References and UIDLs, nearly all
 * different, are stored as they come (interning them costs more time than
 * it saves memory). Loading a folder reads its summary records in one pass with no
 * allocation per message.
 *
 * The index is a snapshot: it does not follow the store by itself. Whoever
 * changes the store (the account worker) applies the same change here with
 * store_index_put(), _remove() and _set_flags(), or loads again. Strings of
 * replaced or removed messages stay in the pool until the index is released.
 *
 * Ownership: a struct store_index owns its array and pool; pointers from
 * store_index_str() are valid until the next change to the index. One thread
 * at a time. */
#ifndef POSTIE_STORE_INDEX_H
#define POSTIE_STORE_INDEX_H

#include <stddef.h>
#include <stdint.h>

#include "util/strpool.h"

struct err;
struct msg_summary;
struct store_acct;

struct store_index_msg {
	uint32_t uid;
	uint32_t size;
	int64_t date;
	int64_t internaldate;
	uint64_t modseq;
	/* strpool refs; 0 is the empty string */
	uint32_t from, to, cc, subject;
	uint32_t message_id, in_reply_to, references;
	uint32_t uidl;
	uint32_t keywords;          /* the keywords separated by single spaces */
	uint16_t flags;             /* enum msg_flag */
	uint8_t has_attachment;
	uint8_t reserved;
};

struct store_index {
	uint32_t folder;
	struct store_index_msg *msgs;   /* sorted by uid */
	size_t n, cap;
	struct strpool pool;
};

#define STORE_INDEX_INIT { 0, NULL, 0, 0, STRPOOL_INIT }

/* Loads every summary of folder into idx (released first). Fails on the
 * first garbled record, naming it. */
int store_index_load(struct store_acct *acct, uint32_t folder, struct store_index *idx,
		     struct err *err);
void store_index_release(struct store_index *idx);

/* What the interface loads first: more messages than any screen shows. */
#define STORE_INDEX_NEWEST_PART 256

/* Loads into idx (released first) the newest whole chunks of folder that
 * hold at least min messages, so that a folder shows its newest messages at
 * once whatever its size: the chunks are counted backwards from the end,
 * then read forwards. 1: that is the whole folder (a folder of less than
 * 4 x min messages always is: splitting it would gain under a millisecond);
 * 0: older messages remain (store_index_load() then loads the whole, finding
 * the newest chunks in the engine's cache); -1: error. */
int store_index_load_newest(struct store_acct *acct, uint32_t folder, size_t min,
			    struct store_index *idx, struct err *err);

static inline const char *store_index_str(const struct store_index *idx, uint32_t ref)
{
	return strpool_get(&idx->pool, ref);
}

/* The message with uid, or NULL. */
struct store_index_msg *store_index_find(const struct store_index *idx, uint32_t uid);
/* Inserts or replaces a message. */
void store_index_put(struct store_index *idx, const struct msg_summary *s);
/* Inserts or replaces many messages in one pass: O(n + k log k) however
 * the batch's UIDs fall, where one store_index_put() each would move the
 * array k times (a sync that fetches the newest first). */
void store_index_put_many(struct store_index *idx, const struct msg_summary *v, size_t k);
/* Removes uid; false when it was not there. */
bool store_index_remove(struct store_index *idx, uint32_t uid);
/* Removes every uid of uids[0..k) in one pass; returns how many were there. */
size_t store_index_remove_many(struct store_index *idx, const uint32_t *uids, size_t k);
/* Sets the flags of uid; false when it was not there. */
bool store_index_set_flags(struct store_index *idx, uint32_t uid, uint32_t flags);

/* Bytes allocated by the index: the message array, and (in *strings_r) the
 * string pool with its intern table. */
size_t store_index_memory(const struct store_index *idx, size_t *strings_r);

#endif
