/* What the user does to messages: flag, move, copy, delete, expunge, append.
 *
 * Each operation is applied to the account's store at once, so the index,
 * the command line and offline reading see it immediately, and for accounts
 * whose folders live on a server (IMAP) it is also written to the store's
 * journal in the same transaction, durably, for the driver's
 * replay_journal() to carry to the server later (core/driver.h). Nothing here
 * touches the network, so none of it waits for the server or fails because
 * it is unreachable.
 *
 * Local semantics, the same for IMAP and for POP3 local folders:
 *  - set_flags: the summaries' flags and keywords change in place.
 *  - move: the messages leave the source folder at once. For local folders
 *    they arrive in dest under new local ids (summary and body copied). For
 *    IMAP they appear in dest when the server has them (the driver records
 *    them under the UIDs of COPYUID when the server gives them, else the
 *    next sync of dest brings them).
 *  - copy: like move without leaving the source.
 *  - delete: per the account's delete_policy, a move to the Trash folder
 *    (trash_folder, else the folder with ROLE_TRASH; when there is one and
 *    the source is not the Trash), otherwise \Deleted is set and the message
 *    stays until expunge.
 *  - expunge: messages with \Deleted leave the folder for good.
 *  - append: a whole message (a copy of sent mail, a draft) is added to dest.
 *    Local folders store it at once; IMAP journals it (the message bytes are
 *    kept in the journal) and the driver records the server's UID.
 *
 * POP3 accounts with delete_on_server_when_deleted = yes: deleting a message
 * that came from the server (it has a uidl) also journals an OP_EXPUNGE for
 * the POP3 driver's replay_journal() to DELE it there: when delete moves it
 * to the Trash, at that moment; when delete only flags it, at expunge. Such
 * an op has folder = the local folder, uidvalidity 0, uids = the local ids
 * and kw_del = the UIDLs, kw_del[i] belonging to uids[i] (at most 1000 a
 * record). The summaries may be gone by the time it is replayed (expunge),
 * or carry the same UIDL elsewhere (a move keeps it, so a later expunge in
 * the Trash journals it again): the driver deletes by UIDL and counts a UIDL
 * the server no longer lists as done. A copy drops the UIDL.
 *
 * The caller has the account's store to itself during a call (see
 * core/driver.h). uids are the store's uids (IMAP UIDs or local ids); uids the
 * folder does not hold are skipped. Errors: ERR_STORE, ERR_NOT_FOUND (no such
 * folder), ERR_USAGE (e.g. a move onto the same folder). */
#ifndef POSTIE_CORE_OPS_H
#define POSTIE_CORE_OPS_H

#include <stddef.h>
#include <stdint.h>

struct account_conf;
struct err;
struct store_acct;

struct ops_ctx {
	const struct account_conf *conf;  /* protocol and delete policy */
	struct store_acct *store;
};

/* Flags in add are set and flags in del cleared (enum msg_flag bits); the
 * keywords likewise (either list may be empty). */
int ops_set_flags(const struct ops_ctx *ctx, uint32_t folder, const uint32_t *uids, size_t n,
		  uint32_t add, uint32_t del, const char *const *kw_add, size_t n_kw_add,
		  const char *const *kw_del, size_t n_kw_del, struct err *err);
int ops_move(const struct ops_ctx *ctx, uint32_t folder, const uint32_t *uids, size_t n,
	     uint32_t dest, struct err *err);
int ops_copy(const struct ops_ctx *ctx, uint32_t folder, const uint32_t *uids, size_t n,
	     uint32_t dest, struct err *err);
/* The folder deleted messages go to (see delete above): *id_r, or 0 when
 * there is none. */
int ops_trash_folder(const struct ops_ctx *ctx, uint32_t *id_r, struct err *err);
/* Returns 1 when the messages went to the Trash, 0 when they were flagged. */
int ops_delete(const struct ops_ctx *ctx, uint32_t folder, const uint32_t *uids, size_t n,
	       struct err *err);
/* Returns how many messages were expunged. */
int ops_expunge(const struct ops_ctx *ctx, uint32_t folder, struct err *err);
/* flags: the message's flags in dest (e.g. MSG_SEEN for sent mail, MSG_DRAFT
 * for a draft). For a local folder *uid_r gets its id; for IMAP 0 until the
 * server has given one. */
int ops_append(const struct ops_ctx *ctx, uint32_t dest, const void *msg, size_t len,
	       uint32_t flags, uint32_t *uid_r, struct err *err);

#endif
