/* Composing from an account: what the TUI's compose screens and the command
 * line call. msg/compose.h does the message work; this ties it to the
 * account's configuration (identity, alternates, signature, Sent and Drafts
 * folders), the outbox and the store.
 *
 * The flow of the TUI:
 *   compose_new / compose_reply / compose_forward   -> struct msg_compose
 *   compose_editor_text -> the user edits it in $EDITOR (ui/ runs it)
 *   compose_editor_read -> back into the struct msg_compose (errors name
 *                          the line; show them and offer to edit again)
 *   compose_send        -> built and queued in the outbox (durable), then
 *                          the worker's outbox_flush() sends it
 *   compose_postpone    -> built as a draft (Bcc kept) into Drafts
 *   msg_compose_from_message on a draft's bytes -> resumed
 * None of these touch the network. Functions that use ctx->store need the
 * account's store to themselves during the call (as core/ops.h). */
#ifndef POSTIE_CORE_COMPOSE_H
#define POSTIE_CORE_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "msg/compose.h"

struct account_conf;
struct buf;
struct err;
struct global_conf;
struct outbox_ctx;
struct store_acct;

struct compose_ctx {
	const struct account_conf *conf;
	const struct global_conf *global;       /* edit_headers, attribution; may be NULL */
	struct store_acct *store;               /* for compose_postpone and the folder names */
};

/* The account's identity for msg/compose.h: name, address, alternates.
 * Points into conf, which must outlive it. */
struct compose_identity {
	struct msg_identity id;
	char **alternates;      /* owned */
};

void compose_identity_init(struct compose_identity *ci, const struct account_conf *a);
void compose_identity_release(struct compose_identity *ci);

/* A new message (c is initialized here): From, the signature. */
void compose_new(const struct compose_ctx *ctx, struct msg_compose *c);
/* A reply to the message raw (see msg_compose_reply). */
int compose_reply(const struct compose_ctx *ctx, const char *raw, size_t len,
		  enum msg_reply_kind kind, struct msg_compose *c, struct err *err);
/* A forward of raw, inline or as an attachment (see msg_compose_forward). */
void compose_forward(const struct compose_ctx *ctx, const char *raw, size_t len,
		     bool as_attachment, struct msg_compose *c);

/* The text to edit: with headers at the top when edit_headers = yes. */
void compose_editor_text(const struct compose_ctx *ctx, const struct msg_compose *c,
			 struct buf *out);
/* Reads the edited text back (see msg_compose_from_text); c is unchanged on
 * error. */
int compose_editor_read(const struct compose_ctx *ctx, struct msg_compose *c, const char *text,
			size_t len, struct err *err);

/* The folder a copy of sent mail goes to: sent_folder, else the folder with
 * the Sent role, else "Sent"; NULL when save_sent = no. A new string. */
char *compose_sent_folder(const struct compose_ctx *ctx);
/* Likewise for drafts: drafts_folder, the Drafts role, else "Drafts". */
char *compose_drafts_folder(const struct compose_ctx *ctx);

/* Builds c (MSG_BUILD_SEND: Bcc left out) and queues it in the outbox of
 * octx's account, with the copy for Sent. When this returns 0 the message
 * is safely on the disk; *id_r (may be NULL) gets its outbox id. Errors:
 * ERR_INPUT (a bad address, no recipient: the message names the field),
 * ERR_IO (an attachment), ERR_STORE. */
int compose_send(const struct compose_ctx *ctx, const struct outbox_ctx *octx,
		 struct msg_compose *c, uint64_t *id_r, struct err *err);
/* Builds c as a draft (Bcc kept, no recipient needed) and stores it in the
 * Drafts folder (ops_append: IMAP through the journal, POP3 locally), flagged
 * \Draft and \Seen. *uid_r as ops_append. Removing the draft it was resumed
 * from is the caller's (ops_delete), once this succeeded. */
int compose_postpone(const struct compose_ctx *ctx, struct msg_compose *c, uint32_t *uid_r,
		     struct err *err);

#endif
