/* The summary of one message: what the index shows and threading needs,
 * without the body.
 *
 * Producers (IMAP FETCH, POP3 download, local delivery) fill one from the
 * message's header and the server's data; the store keeps it; the in-memory
 * index (store/index.h) and the command line read it back.
 *
 * Ownership: a struct msg_summary owns every string and the keyword array in
 * it. Fill strings with xstrdup() (or msg_summary_set()), pass the struct to
 * the store by const pointer (the store copies what it keeps), then
 * msg_summary_release() it. Functions that read a summary out of the store
 * fill a caller's struct, which then owns the result.
 *
 * Field conventions (producers must follow them; nothing here re-checks):
 *  - Strings are UTF-8 (header values unfolded and RFC 2047-decoded), and are
 *    NULL when absent. "" and NULL mean the same: the store gives back NULL.
 *    They are not sanitized for the terminal: the UI does that.
 *  - from, to, cc: the address list in display form, `Name <addr>, addr2`.
 *  - message_id, in_reply_to: one msg-id without the angle brackets.
 *    references: the msg-ids of References, oldest first, without brackets,
 *    separated by single spaces.
 *  - date: the Date header as seconds since the epoch (UTC), 0 when missing
 *    or unparsable; internaldate: IMAP INTERNALDATE (or the time a POP3
 *    message was downloaded), 0 when unknown.
 *  - keywords: IMAP keywords other than the system flags (e.g. "$Forwarded",
 *    "$Junk"), no duplicates, each an IMAP atom (no spaces).
 *  - uid: the IMAP UID, or for POP3 and local folders the local id the store
 *    hands out (store_msg_new_local_id()); never 0 once stored.
 *  - uidl: the POP3 UIDL the message was downloaded under; NULL for IMAP.
 *  - modseq: the IMAP MODSEQ (CONDSTORE), 0 when the server has none. */
#ifndef POSTIE_STORE_SUMMARY_H
#define POSTIE_STORE_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum msg_flag {
	MSG_SEEN = 1 << 0,
	MSG_ANSWERED = 1 << 1,
	MSG_FLAGGED = 1 << 2,
	MSG_DELETED = 1 << 3,
	MSG_DRAFT = 1 << 4,
	MSG_RECENT = 1 << 5,    /* \Recent for IMAP; new (not yet shown) for POP3 */
};
#define MSG_FLAGS_ALL 0x3fu

struct msg_summary {
	uint32_t uid;
	uint32_t flags;         /* enum msg_flag bits */
	bool has_attachment;
	uint32_t size;          /* RFC822.SIZE, bytes of the raw message */
	int64_t date;
	int64_t internaldate;
	uint64_t modseq;
	char *from;
	char *to;
	char *cc;
	char *subject;
	char *message_id;
	char *in_reply_to;
	char *references;
	char *uidl;
	char **keywords;
	size_t n_keywords;
};

void msg_summary_init(struct msg_summary *s);
/* Frees every string and keyword; the struct is empty (as after init). */
void msg_summary_release(struct msg_summary *s);
/* Makes dst (released first) an independent copy of src. */
void msg_summary_copy(struct msg_summary *dst, const struct msg_summary *src);
/* Replaces *field with a copy of value (NULL or "" clears it). */
void msg_summary_set(char **field, const char *value);
/* Adds a keyword unless it is already there. */
void msg_summary_add_keyword(struct msg_summary *s, const char *kw);
bool msg_summary_has_keyword(const struct msg_summary *s, const char *kw);
/* Whether every field is the same (strings compared by content, NULL == ""). */
bool msg_summary_equal(const struct msg_summary *a, const struct msg_summary *b);

/* References keeps at most this many ids: the first and the last ones. */
#define SUMMARY_REFERENCES_MAX 10
/* Fills the header-derived fields (from, to, cc, subject, message_id,
 * in_reply_to, references, date, has_attachment: a guess from Content-Type)
 * from a header block (or a whole message: parsing stops at the first empty
 * line), replacing what they held. The rest (uid, flags, size, ...) is the
 * caller's. (summary_fill.c) */
void msg_summary_fill_header(struct msg_summary *s, const char *hdr, size_t len);

#endif
