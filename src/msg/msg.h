/* Reading mail: header values, envelopes, MIME structure, charsets, and
 * rendering a message as lines of terminal-safe text.
 *
 * Everything here takes raw bytes as they came from a server or a file and
 * never fails on malformed input: what cannot be read is left out, shown as
 * written, or replaced by U+FFFD, and the rendering says so. Nothing is ever
 * fetched from the network.
 *
 * Two kinds of output:
 *  - decoded values (header decoding, envelopes, addresses, attachment
 *    names): valid UTF-8 without NUL, CR or LF, but NOT sanitized: pass them
 *    through util/sanitize.h before they reach a terminal;
 *  - rendered views (msg_render): already sanitized and laid out to a width.
 *
 * Thread safety: every function may be called from any thread on distinct
 * objects. Charset converters are cached per thread (see
 * msg_charset_cache_clear). */
#ifndef POSTIE_MSG_MSG_H
#define POSTIE_MSG_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

struct buf;
struct err;

/* ---------------------------------------------------------------------
 * Header values
 * ------------------------------------------------------------------ */

/* Decodes an unstructured header value (Subject, a display name, any header
 * shown as text): unfolds it, decodes RFC 2047 encoded words (adjacent ones
 * joined, even when a character is split between them; malformed ones left
 * as written), takes raw 8-bit text as UTF-8 if it is valid, else as
 * Windows-1252, turns tabs into spaces and trims blanks at both ends.
 * Returns a new string the caller frees. */
char *msg_header_decode(const char *value, size_t len);

/* One address. name is the decoded display name (or the comment of the old
 * "addr (Name)" form), NULL when there is none; addr is "local@domain" as
 * written, without angle brackets, or whatever stood there when it is not an
 * address (never NULL, possibly ""). Both are owned by the list. */
struct msg_addr {
	char *name;
	char *addr;
};

/* An ARRAY() of struct msg_addr, named so functions can take it. */
struct msg_addr_list {
	struct msg_addr *v;
	size_t n, cap;
};

/* Appends the addresses of an address-list header value (From, To, Cc, ...)
 * to list. Tolerant: unquoted dots and 8-bit text in names, missing
 * brackets, unbalanced quotes or comments; group names are dropped and their
 * members kept. */
void msg_addr_list_parse(const char *value, size_t len, struct msg_addr_list *list);
/* Frees the entries and empties the list. */
void msg_addr_list_release(struct msg_addr_list *list);
/* "Name <addr>, addr2, ..." for display; a new string the caller frees. */
char *msg_addr_list_format(const struct msg_addr_list *list);

/* Parses an RFC 5322 date (also the obsolete forms, zone names like EST or
 * GMT, two-digit years and the asctime form "Mon Jan  2 15:04:05 2006").
 * Stores the instant and the zone in minutes east of UTC. Returns -1 for
 * anything unreadable or outside the years 1900..9999. */
int msg_date_parse(const char *value, size_t len, time_t *t_r, int *zone_r);
/* The instant in the user's local time zone, "Tue, 02 Jan 2024 15:04:05 +0100";
 * a new string the caller frees. */
char *msg_date_format(time_t t);

/* ---------------------------------------------------------------------
 * Envelopes: what a message list needs, from a header block
 * ------------------------------------------------------------------ */

struct msg_str_list {
	char **v;
	size_t n, cap;
};

struct msg_envelope {
	struct msg_addr_list from, to, cc, reply_to;
	char *subject;          /* decoded; NULL when there is no Subject */
	bool has_date;          /* false: no Date, or unreadable (date, zone are 0) */
	time_t date;
	int zone;               /* minutes east of UTC of the Date header */
	char *message_id;       /* without <>; NULL when missing */
	char *in_reply_to;      /* the first id, without <>; NULL when missing */
	struct msg_str_list references;/* ids without <>, oldest first */
	bool has_attachment;    /* a guess from the top-level Content-Type */
};

/* Fills *out (which it initializes first) from a header block: the headers
 * of a message, up to the first empty line; anything after that is ignored,
 * so the whole message may be passed too. Never fails: missing or unreadable
 * fields stay empty. Opens no converter per call (see charsets below) and
 * allocates only the strings it returns. Free with msg_envelope_release. */
void msg_envelope_parse(const char *headers, size_t len, struct msg_envelope *out);
void msg_envelope_release(struct msg_envelope *env);

/* ---------------------------------------------------------------------
 * Charsets
 * ------------------------------------------------------------------ */

enum msg_conv {
	MSG_CONV_OK,            /* converted from the declared charset */
	MSG_CONV_DAMAGED,       /* declared charset, some invalid bytes became U+FFFD */
	MSG_CONV_UNKNOWN,       /* the declared charset is unknown: shown as *used_r */
	MSG_CONV_WRONG,         /* the text is not in the declared charset: shown as *used_r */
};

/* Appends s[0..len), in charset, to out as valid UTF-8 (NUL bytes are kept
 * as U+0000). An empty or NULL charset means undeclared: UTF-8 if the text
 * is valid UTF-8, else Windows-1252 (MSG_CONV_WRONG then). ISO-8859-1 and
 * US-ASCII are read as Windows-1252 and UTF-8 supersets, GB2312 as GB18030,
 * and so on. *used_r (may be NULL) is set to the name of the charset actually
 * used: a static string, or charset itself. */
enum msg_conv msg_charset_to_utf8(const char *charset, const char *s, size_t len,
				  struct buf *out, const char **used_r);
/* Closes the calling thread's cached converters (they are also closed when
 * the thread exits). */
void msg_charset_cache_clear(void);

/* ---------------------------------------------------------------------
 * MIME parameters (Content-Type, Content-Disposition)
 * ------------------------------------------------------------------ */

struct msg_param {
	char *name;     /* lower case, without RFC 2231 section and charset marks */
	char *value;    /* decoded UTF-8 */
};

struct msg_params {
	struct msg_param *v;
	size_t n, cap;
};

/* Parses "value; name=value; ..." with RFC 2231 continuations
 * (name*0=, name*1*=) and charsets (name*=utf-8''%E2%82%AC), and RFC 2047
 * words in quoted values, which mailers use although the RFC forbids it.
 * *value_r (may be NULL) gets the part before the first ';', lower case and
 * trimmed (a new string). Parameters are appended to params, one per name (a
 * name*= value wins over a plain one). */
void msg_params_parse(const char *s, size_t len, char **value_r, struct msg_params *params);
/* The value of name (lower case), or NULL. Owned by params. */
const char *msg_params_get(const struct msg_params *params, const char *name);
void msg_params_release(struct msg_params *params);

/* ---------------------------------------------------------------------
 * Transfer encodings
 * ------------------------------------------------------------------ */

enum msg_encoding { MSG_ENC_7BIT, MSG_ENC_8BIT, MSG_ENC_BINARY, MSG_ENC_QP, MSG_ENC_BASE64,
		    MSG_ENC_UNKNOWN };

/* The encoding a Content-Transfer-Encoding value names (unknown ones are
 * MSG_ENC_UNKNOWN, which decodes as the identity). */
enum msg_encoding msg_encoding_parse(const char *value, size_t len);
/* Appends the decoded s[0..len) to out. Returns false when the input was
 * damaged (characters outside the alphabet, a truncated base64 group): what
 * could be decoded is still appended. */
bool msg_transfer_decode(enum msg_encoding enc, const char *s, size_t len, struct buf *out);

#endif
