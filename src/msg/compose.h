/* Writing mail: header encoding, MIME generation, replies, forwards, the
 * text the user edits, and making any message fit for 7-bit SMTP.
 *
 * The other half of the msg module (msg/msg.h reads mail). Everything here
 * works on memory (attachments named by path are read when a message is
 * built) and never touches the network or the store; src/core/compose.h
 * ties it to accounts and the outbox.
 *
 * Output conventions: messages are RFC 5322/MIME with CRLF line ends, 7-bit
 * only (libetpan never announces 8BITMIME, so postie never sends 8-bit):
 * non-ASCII header text becomes RFC 2047 encoded words (UTF-8, Q or B,
 * whichever is shorter, each word at most 75 characters and never splitting
 * a character), parameters RFC 2231 (filename*=UTF-8''...), text bodies
 * quoted-printable when they are not plain ASCII with short lines,
 * attachments base64. Header lines are folded at 76 columns where blanks
 * allow.
 *
 * Strings in struct msg_compose are UTF-8 as the user typed them (addresses
 * as address-list text, not yet parsed). The struct owns all of them. */
#ifndef POSTIE_MSG_COMPOSE_H
#define POSTIE_MSG_COMPOSE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "msg/msg.h"
#include "util/buf.h"

struct err;

/* ---------------------------------------------------------------------
 * Header writing (the pieces the builder uses, public for tests and for
 * the 7-bit converter)
 * ------------------------------------------------------------------ */

#define MSG_HEADER_WIDTH 76     /* folding target; lines with encoded words must not exceed it */
#define MSG_WORD_MAX 75         /* the longest encoded word (RFC 2047) */

/* Appends "Name: value\r\n" for unstructured text (Subject, Comments, X-...),
 * folded, non-ASCII words (and words that look like encoded words or are too
 * long to fold) as encoded words. Control characters become blanks. */
void msg_header_write_text(struct buf *out, const char *name, const char *value);
/* Appends "Name: addresses\r\n": display names as atoms, a quoted string or
 * encoded words as needed, groups as "Group: a, b;". Entries with an empty
 * addr outside a group are skipped; an addr that is not printable ASCII (a
 * broken message's) is kept for people as the encoded name of an empty
 * group, so the field stays 7-bit. */
void msg_header_write_addrs(struct buf *out, const char *name, const struct msg_addr_list *l);
/* Appends "Name: <id1> <id2>\r\n" (ids without brackets); ids that are not
 * printable ASCII without blanks and brackets are left out, and the field
 * with them when none is left. */
void msg_header_write_ids(struct buf *out, const char *name, const char *const *ids, size_t n);

/* A Content-Type or Content-Disposition value with parameters. */
struct msg_hparam {
	const char *name;
	const char *value;      /* UTF-8; NULL: skipped */
};
/* Appends "Name: value; p1=v1; ...\r\n": values as tokens, quoted strings,
 * RFC 2231 continuations (name*0=, name*1=) when long, and the extended
 * form (name*=UTF-8''%E2%82%AC, name*0*=...) when not plain ASCII. A
 * parameter whose name is no MIME token is left out. */
void msg_header_write_params(struct buf *out, const char *name, const char *value,
			     const struct msg_hparam *params, size_t n);

/* An RFC 5322 date in the local zone with English names, locale-independent:
 * "Tue, 02 Jan 2024 15:04:05 +0100". Writes at most 40 bytes into s. */
void msg_date_rfc5322(time_t t, char s[40]);
/* A new unique message id (without <>) on domain: time, then 96 random bits. */
char *msg_make_message_id(const char *domain);
/* A new MIME boundary that no encoded content can contain ("=_" in it). */
char *msg_make_boundary(void);

/* ---------------------------------------------------------------------
 * Transfer encodings (the writing side of msg_transfer_decode)
 * ------------------------------------------------------------------ */

/* Appends data as base64 in lines of 76 characters, each ending in CRLF. */
void msg_base64_lines(struct buf *out, const void *data, size_t len);
/* Appends text as quoted-printable: its line breaks (LF, CRLF) as CRLF,
 * every line at most 76 characters (soft breaks "="), blanks before a line
 * end, '=', control and 8-bit bytes as =XX, a leading "From " as "=46rom ". */
void msg_qp_encode(struct buf *out, const char *s, size_t len);
/* Whether s can go as 7bit: only ASCII without NUL and lone CR, lines of at
 * most max_line bytes. */
bool msg_is_7bit(const char *s, size_t len, size_t max_line);

/* ---------------------------------------------------------------------
 * A message being composed
 * ------------------------------------------------------------------ */

struct msg_compose_part {
	char *path;             /* a file, read when the message is built; NULL: data */
	struct buf data;        /* the content when path is NULL */
	char *name;             /* the file name recipients see (UTF-8); NULL: the last
				 * component of path, or none */
	char *type;             /* "type/subtype" (lower case); NULL: guessed from the
				 * content (libmagic) */
	char *description;      /* Content-Description, or NULL */
};

struct msg_compose_parts {
	struct msg_compose_part *v;
	size_t n, cap;
};

struct msg_compose {
	char *from;             /* one mailbox, "Name <addr>" */
	char *to, *cc, *bcc, *reply_to;         /* address lists as typed; NULL: none */
	char *subject;          /* NULL: none */
	char *message_id;       /* without <>; NULL: made when the message is built */
	char *in_reply_to;      /* id without <>, or NULL */
	struct msg_str_list references;         /* ids without <>, oldest first */
	struct msg_str_list headers;            /* more "Name: value" lines, unfolded */
	struct buf body;        /* the text, UTF-8, LF line ends */
	struct msg_compose_parts parts;         /* attachments, in order */
};

void msg_compose_init(struct msg_compose *c);
void msg_compose_release(struct msg_compose *c);
/* Adds an attachment read from path when built (name NULL: path's last
 * component; type NULL: guessed). Returns it (owned by c). */
struct msg_compose_part *msg_compose_attach_file(struct msg_compose *c, const char *path,
						 const char *name, const char *type);
/* Adds an attachment with the given content (copied). */
struct msg_compose_part *msg_compose_attach_data(struct msg_compose *c, const void *data,
						 size_t len, const char *name, const char *type);
/* Sets *field (c->to, c->subject, ...) to a copy of value (NULL clears it). */
void msg_compose_set(char **field, const char *value);

/* The MIME type of data, guessed from its content by libmagic
 * ("application/pdf", "text/plain"; "application/octet-stream" when unsure).
 * A new string. */
char *msg_guess_type(const void *data, size_t len);

enum msg_build_mode {
	MSG_BUILD_SEND,         /* Bcc left out of the headers */
	MSG_BUILD_DRAFT,        /* Bcc kept, for Drafts; no recipient is required */
};

struct msg_build_opts {
	enum msg_build_mode mode;
	time_t date;            /* 0: now */
	const char *user_agent; /* User-Agent header, NULL: none */
};

/* Checks what the user typed: From is one address, To/Cc/Bcc/Reply-To parse
 * (msg_addr_list_parse_input), extra headers are "Name: value" and none of
 * those postie writes itself (Date, Message-ID, MIME-Version, Content-*),
 * and (for sending) there is at least one recipient. ERR_INPUT names the
 * field: "To: 'bob@': ...". */
int msg_compose_check(const struct msg_compose *c, enum msg_build_mode mode, struct err *err);
/* Builds the message into out (appended) and, if rcpts is not NULL, appends
 * the envelope recipients to it: the addresses of To, Cc and Bcc, each once
 * (compared without case), new strings. A missing message id is made on the
 * From address's domain and stored in c->message_id (so a resent or
 * re-postponed message keeps it). Attachment files are read here: ERR_IO or
 * ERR_NOT_FOUND names one that cannot be. */
int msg_compose_build(struct msg_compose *c, const struct msg_build_opts *o, struct buf *out,
		      struct msg_str_list *rcpts, struct err *err);

/* ---------------------------------------------------------------------
 * The text the user edits
 * ------------------------------------------------------------------ */

/* The text for $EDITOR: with headers, the lines From, To, Cc, Bcc, Subject,
 * Reply-To (empty ones too, to fill in), the extra headers, one "Attach:
 * PATH" per attachment read from a file, a blank line, then the body;
 * without headers, the body alone. Addresses are written so that they parse
 * back ("Doe, John" quoted). */
void msg_compose_to_text(const struct msg_compose *c, bool with_headers, struct buf *out);
/* Reads the edited text back into c: the body, and with headers the header
 * lines up to the first blank line (continuation lines allowed; names in any
 * case). Headers that were deleted are cleared (but From, which stays
 * unless a From line is given); "Attach:" lines replace the
 * file attachments (attachments held in memory, as from a resumed draft or a
 * forward, stay); other names become extra headers. Text that is not valid
 * UTF-8 is read as Windows-1252. ERR_INPUT names the line of a malformed
 * header or a bad address, and c is unchanged then. */
int msg_compose_from_text(struct msg_compose *c, const char *text, size_t len, bool with_headers,
			  struct err *err);

/* ---------------------------------------------------------------------
 * Replies, forwards, drafts
 * ------------------------------------------------------------------ */

/* Who the user is, for replies: the identity and every address that counts
 * as the user's own (the identity's, plus alternates: addresses, or shell
 * patterns such as "*@example.org", compared without case). */
struct msg_identity {
	const char *name;               /* may be NULL */
	const char *address;
	const char *const *alternates;
	size_t n_alternates;
};

bool msg_identity_is_mine(const struct msg_identity *id, const char *addr);
/* "Name <addr>" of the identity, as typed in a From field. A new string. */
char *msg_identity_format(const struct msg_identity *id);
/* Appends "-- " (unless the signature starts with it) and the signature to
 * the body; nothing for NULL or "". */
void msg_compose_add_signature(struct msg_compose *c, const char *signature);

enum msg_reply_kind {
	MSG_REPLY,              /* to Reply-To, else From (else To, when From is mine) */
	MSG_REPLY_GROUP,        /* also everyone in To and Cc, minus the user */
	MSG_REPLY_LIST,         /* to the List-Post address */
};

struct msg_reply_opts {
	const struct msg_identity *id;
	/* Attribution line before the quote: %n the sender's name (or address),
	 * %a the address, %d the date ("Tue, 02 Jan 2024 15:04:05 +0100"), %s
	 * the subject, %% a percent. NULL: "On %d, %n wrote:". */
	const char *attribution;
	const char *signature;  /* appended after "-- " (unless it has one); NULL: none */
};

/* Prepares c (initialized here) as a reply to the message raw: From from the
 * identity, recipients per kind, "Re: " unless the subject has it,
 * In-Reply-To and References, the attribution line and the text quoted with
 * "> ". MSG_REPLY_LIST fails (ERR_NOT_FOUND) when there is no List-Post
 * mailto address, or (ERR_UNSUPPORTED) when it says "NO". */
int msg_compose_reply(struct msg_compose *c, const char *raw, size_t len, enum msg_reply_kind kind,
		      const struct msg_reply_opts *o, struct err *err);

/* Prepares c (initialized here) as a forward of raw, "Fwd: " unless the
 * subject has it. Inline: the body quotes the original's headers block
 * (Date, From, To, Cc, Subject) and text between "----- Forwarded message
 * -----" lines, and the original's attachments are attached again. As an
 * attachment: the whole original as message/rfc822 (made 7-bit). */
void msg_compose_forward(struct msg_compose *c, const char *raw, size_t len, bool as_attachment,
			 const struct msg_reply_opts *o);

/* Reads a message (a postponed draft, or any message to edit again) back
 * into c (initialized here): the headers the user can edit, In-Reply-To,
 * References, Message-ID, extra non-MIME headers, the first text part as the
 * body, every other part as an attachment held in memory (name, type,
 * description kept). */
void msg_compose_from_message(struct msg_compose *c, const char *raw, size_t len);

/* ---------------------------------------------------------------------
 * Messages from elsewhere (postie send < message)
 * ------------------------------------------------------------------ */

/* Makes any message fit for 7-bit SMTP: CRLF line ends; header fields with
 * 8-bit text get encoded words (address fields their display names,
 * Content-Type/-Disposition their parameters in RFC 2231 form); leaf parts
 * with 8-bit bytes or overlong lines are re-encoded (text as
 * quoted-printable, the rest as base64) and embedded messages converted in
 * turn. A message that is already 7-bit is only given CRLF line ends.
 * *changed_r (may be NULL) says whether anything beyond line ends changed. */
void msg_to_7bit(const char *raw, size_t len, struct buf *out, bool *changed_r);

/* What msg_prepare_outgoing found and did. */
struct msg_outgoing {
	struct msg_str_list rcpts;      /* To, Cc, Bcc addresses (for sendmail -t) */
	char *message_id;               /* the message's id, without <> */
	char *subject;                  /* decoded, or NULL */
};

/* Readies a message given whole (postie send) for the outbox: adds From
 * (the identity) when missing, Date and Message-ID when missing, removes
 * Bcc and Resent-Bcc, then makes it 7-bit (msg_to_7bit) into out. Fails
 * (ERR_INPUT) when the input has no header block at all. */
int msg_prepare_outgoing(const char *raw, size_t len, const struct msg_identity *id,
			 struct buf *out, struct msg_outgoing *info, struct err *err);
void msg_outgoing_release(struct msg_outgoing *info);

#endif
