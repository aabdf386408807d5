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

#include "util/buf.h"

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
	char *group;    /* the decoded name of the group it is in ("Friends: a, b;"),
			 * NULL outside groups */
};

/* An ARRAY() of struct msg_addr, named so functions can take it. */
struct msg_addr_list {
	struct msg_addr *v;
	size_t n, cap;
};

/* Appends the addresses of an address-list header value (From, To, Cc, ...)
 * to list. Tolerant: unquoted dots and 8-bit text in names, missing
 * brackets, unbalanced quotes or comments; group members carry the group's
 * name, empty groups are dropped. */
void msg_addr_list_parse(const char *value, size_t len, struct msg_addr_list *list);
/* The same for an address list the user typed (UTF-8), strictly: every entry
 * must be local@domain, alone or in <> after a name; groups are kept, an
 * empty one ("undisclosed-recipients:;") as an entry with an empty addr.
 * On the first problem, returns -1 with ERR_INPUT naming the entry and what
 * is wrong ("'bob@' ...: the domain ... is missing"), and list is unchanged;
 * else appends and returns 0. Non-ASCII addresses are refused (no SMTPUTF8). */
int msg_addr_list_parse_input(const char *value, struct msg_addr_list *list, struct err *err);
/* Frees the entries and empties the list. */
void msg_addr_list_release(struct msg_addr_list *list);
/* "Name <addr>, addr2, ..." for display; a new string the caller frees. */
char *msg_addr_list_format(const struct msg_addr_list *list);
/* The list as the user would type it, so that msg_addr_list_parse_input
 * reads it back: names quoted when they hold specials ("Doe, John"
 * <j@x.org>), groups as "Name: a, b;". A new string. */
char *msg_addr_list_format_input(const struct msg_addr_list *list);

/* Parses an RFC 5322 date (also the obsolete forms, zone names like EST or
 * GMT, two-digit years and the asctime form "Mon Jan  2 15:04:05 2006").
 * Stores the instant and the zone in minutes east of UTC. Returns -1 for
 * anything unreadable or outside the years 1900..9999. */
int msg_date_parse(const char *value, size_t len, time_t *t_r, int *zone_r);
/* The instant in the user's local time zone, written the way LC_TIME writes
 * a date and time ("Di 02 Jan 2024 15:04:05 CET" in de_DE), or in the C
 * locale "Tue, 02 Jan 2024 15:04:05 +0100"; a new string the caller frees. */
char *msg_date_format(time_t t);

/* ---------------------------------------------------------------------
 * Envelopes: what a message list needs, from a header block
 * ------------------------------------------------------------------ */

struct msg_str_list {
	char **v;
	size_t n, cap;
};

/* Frees the strings and empties the list. */
void msg_str_list_release(struct msg_str_list *l);

struct msg_envelope {
	struct msg_addr_list from, to, cc, reply_to;
	char *subject;          /* decoded; NULL when there is no Subject */
	bool has_date;          /* false: no Date, or unreadable (date, zone are 0) */
	time_t date;
	int zone;               /* minutes east of UTC of the Date header */
	char *message_id;       /* without <>; NULL when missing */
	char *in_reply_to;      /* the first id, without <>; NULL when missing */
	struct msg_str_list references;/* ids without <>, oldest first */
	bool has_attachment;    /* a guess from the top-level Content-Type (and
				 * X-MS-Has-Attach): fetch those fields too */
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

/* ---------------------------------------------------------------------
 * Messages and their parts
 * ------------------------------------------------------------------ */

/* Parts nest at most this deep; a message nested deeper is refused (its
 * headers are still shown, with a notice), whatever its size. */
#define MSG_MAX_DEPTH 256

struct msg;

/* One node of the MIME tree. The parts of a message are stored in document
 * order (a part's children follow it); part 0 is the message itself, a
 * message node whose only child is its body. An embedded message
 * (message/rfc822) is a message node too: its child's header block is the
 * embedded message's header block. */
struct msg_part {
	int parent;             /* index of the enclosing part; -1 for part 0 */
	unsigned depth;         /* 0 for part 0, +1 per enclosing part */
	char *type;             /* "type/subtype", lower case, never NULL */
	struct msg_params params;       /* of Content-Type, decoded */
	char *disposition;      /* "inline", "attachment" (lower case) or NULL */
	char *filename;         /* decoded, from the disposition's filename or the
				 * type's name; NULL; NOT sanitized, see msg_part_save_name */
	char *description;      /* decoded Content-Description or NULL */
	enum msg_encoding encoding;
	size_t head_off, head_len;      /* its header block in the raw message */
	size_t body_off, body_len;      /* its body as sent (still encoded) */
	size_t size;            /* decoded size of the body */
	unsigned number;        /* in the attachment list, from 1; 0 when not listed */
	bool container;         /* multipart: the parts below it are its children */
	bool message;           /* a message node: one child, its body */
};

/* Parses a message (a copy of data is kept, so data may go). Never fails:
 * a message libetpan cannot parse becomes one text part, one nested deeper
 * than MSG_MAX_DEPTH keeps only its headers; msg_render says which. Free
 * with msg_free. */
struct msg *msg_parse(const char *data, size_t len);
void msg_free(struct msg **m);

/* The whole message exactly as given to msg_parse. Owned by m. */
const char *msg_raw(const struct msg *m, size_t *len_r);
size_t msg_part_count(const struct msg *m);
/* Part i (0 <= i < msg_part_count), owned by m. */
const struct msg_part *msg_part(const struct msg *m, size_t i);
/* The attachment list: every part but part 0 and the multipart containers,
 * numbered from 1 in document order (so an embedded message and then its
 * body). msg_attachment(m, n) is the part numbered n, or NULL. */
size_t msg_attachment_count(const struct msg *m);
const struct msg_part *msg_attachment(const struct msg *m, size_t n);

/* A size for people: "12 bytes", "3.4 KiB", "1.2 MiB". A new string. */
char *msg_size_text(size_t n);
/* Appends the part's body with the transfer encoding undone (not
 * charset-converted). Returns false when the encoding was damaged. */
bool msg_part_decode(const struct msg *m, const struct msg_part *p, struct buf *out);
/* The part as sent: its header block and its encoded body. Owned by m. */
const char *msg_part_raw(const struct msg *m, const struct msg_part *p, size_t *len_r);

/* ---------------------------------------------------------------------
 * Rendering: a message as lines of terminal-safe text
 * ------------------------------------------------------------------ */

enum msg_line_kind {
	MSG_LINE_HEADER,        /* a header of the display list, "Name: value" */
	MSG_LINE_BODY,          /* text of a part (quote > 0: quoted text) */
	MSG_LINE_ATTACHMENT,    /* "[-- #N ... --]": a part not shown inline, or the
				 * start of a part shown after another */
	MSG_LINE_NOTICE,        /* postie's remark: charset fallback, damage, signature... */
	MSG_LINE_LINK,          /* "[N] URL", the links of an HTML part */
};

struct msg_line {
	enum msg_line_kind kind;
	unsigned quote;         /* BODY: quote level, 0 when not quoted */
	unsigned depth;         /* how many embedded messages enclose the line */
	int part;               /* index (msg_part) of the part it shows; -1: none */
	unsigned label_len;     /* HEADER: bytes of "Name:" at the start of the first
				 * line of a header (0 on its continuation lines) */
	size_t off, len;        /* the text: msg_line_text() */
	unsigned width;         /* its display width in columns, <= the view's width */
};

/* A rendered message. The text of every line is sanitized (no control
 * character, escape sequence or bidi override; valid UTF-8; tabs expanded),
 * never wider than width columns, without a line break. */
struct msg_view {
	struct {
		struct msg_line *v;
		size_t n, cap;
	} lines;
	struct buf text;        /* all lines' text, each NUL-terminated */
	unsigned width;
};

struct msg_mailcap;

struct msg_render_opts {
	unsigned width;                 /* columns; less than 20 counts as 20 */
	const char *const *headers;     /* header display list, NULL-ended, any case;
					 * NULL: Date, From, To, Cc, Subject */
	bool all_headers;               /* every header, as sent, in message order */
	bool prefer_html;               /* multipart/alternative: HTML over text/plain */
	struct msg_mailcap *mailcap;    /* for a text/html copiousoutput filter; NULL:
					 * only the built-in HTML converter */
};

void msg_render_opts_init(struct msg_render_opts *o);
/* Renders m into *out (initialized here; free with msg_view_release): the
 * header display list, a blank line, then the body: text parts inline
 * (format=flowed reflowed, long lines wrapped at word boundaries, quote
 * levels marked), HTML converted to text, embedded messages inline with their
 * headers, other parts as attachment lines. Never fails. Rendering the same
 * message again with only another width reuses the previous work (and does
 * not run a mailcap filter again). */
void msg_render(struct msg *m, const struct msg_render_opts *o, struct msg_view *out);
/* Line i's text, NUL-terminated. Owned by v. */
const char *msg_line_text(const struct msg_view *v, size_t i);
/* Appends the plain-text form: each line followed by a newline. */
void msg_view_to_text(const struct msg_view *v, struct buf *out);
void msg_view_release(struct msg_view *v);

/* ---------------------------------------------------------------------
 * Mailcap (RFC 1524), as mutt users keep it
 * ------------------------------------------------------------------ */

struct msg_mailcap_entry {
	char *type;             /* "text/html", a major type with subtype "*", or "text" */
	char *view;             /* the command: %s file, %t type, %{name} parameter */
	char *test;             /* a command that must succeed first, or NULL */
	char *nametemplate;     /* "%s.html" or NULL */
	bool copiousoutput;     /* prints text to show inline */
	bool needsterminal;     /* runs in the terminal: the front end must give it the screen */
	int test_result;        /* -1: not run yet, 0: failed, 1: passed */
};

struct msg_mailcap {
	struct {
		struct msg_mailcap_entry *v;
		size_t n, cap;
	} entries;
};

/* Reads the mailcap files in paths, a colon-separated list (NULL: $MAILCAPS,
 * else ~/.mailcap:/etc/mailcap:/usr/etc/mailcap:/usr/local/etc/mailcap), in
 * order. Missing files are skipped, and so are lines that make no entry.
 * Never NULL; free with msg_mailcap_free. */
struct msg_mailcap *msg_mailcap_load(const char *paths);
/* Adds the entries of the text of one mailcap file. */
void msg_mailcap_parse(struct msg_mailcap *mc, const char *text, size_t len);
void msg_mailcap_free(struct msg_mailcap **mc);
/* The first entry for type (lower case) that matches it exactly, as
 * "type/\*" or as a bare "type", has a view command and, if copiousoutput
 * is asked for, that flag, and whose test command succeeds (each test runs
 * once, through /bin/sh, without input or output; the result is kept in the
 * entry, so one mailcap is not to be searched from two threads at once).
 * NULL if none. */
const struct msg_mailcap_entry *msg_mailcap_find(struct msg_mailcap *mc, const char *type,
						 bool copiousoutput);
/* The entry's view command for a file: %s becomes path (quoted for the shell
 * when it holds anything but [A-Za-z0-9._/+-]), %t the type, %{name} the
 * parameter's value with every character but [A-Za-z0-9._+-] removed (so a
 * message cannot inject shell code), %% a percent sign. A new string. */
char *msg_mailcap_command(const struct msg_mailcap_entry *e, const char *type, const char *path,
			  const struct msg_params *params);
/* Whether the command takes a file (%s); if not, it reads standard input. */
bool msg_mailcap_wants_file(const struct msg_mailcap_entry *e);

/* ---------------------------------------------------------------------
 * Attachments: saving and opening
 * ------------------------------------------------------------------ */

/* A name that is safe to create in a directory: the last component of name
 * (after '/' or '\\'), with control, bidi-override, zero-width and line
 * separator characters turned into '_', a leading '.' or '-' turned into
 * '_', at most 200 bytes (the extension kept); fallback when nothing is left.
 * A new string. */
char *msg_filename_sanitize(const char *name, const char *fallback);
/* The name to save part p as: its file name sanitized, else "attachment-N"
 * with an extension for its type. A new string. */
char *msg_part_save_name(const struct msg_part *p);

#define MSG_SAVE_EXISTS 1

/* Saves the decoded part into dir as name (NULL: msg_part_save_name; a
 * caller-supplied name is sanitized too). Returns 0 when saved (*path_r, if
 * not NULL, gets the new file's path, which the caller frees),
 * MSG_SAVE_EXISTS without touching anything when the file exists and
 * overwrite is false (ask the user, then call again), -1 on error. A
 * symbolic link in the file's place is never followed. */
int msg_part_save(const struct msg *m, const struct msg_part *p, const char *dir,
		  const char *name, bool overwrite, char **path_r, struct err *err);
/* Saves every attachment that has a file name or is not inline text into
 * dir. For each file that exists, confirm(path, aux) decides whether to
 * replace it (NULL: never). Returns how many were saved, or -1 at the first
 * error. */
int msg_save_all(const struct msg *m, const char *dir,
		 bool (*confirm)(const char *path, void *aux), void *aux, struct err *err);

/* What a front end needs to open a part with its mailcap viewer. */
struct msg_open {
	char *command;          /* for /bin/sh -c */
	char *path;             /* the part, decoded, in a private temporary file */
	bool on_stdin;          /* the command reads the file on its standard input */
	bool needs_terminal;    /* give it the terminal (leave curses first) */
	bool copiousoutput;     /* it prints text: show its output in the pager */
};

/* Writes the decoded part to a temporary file and prepares the mailcap
 * command for it. Fails (ERR_NOT_FOUND) when no entry matches the type. The
 * front end runs the command, then calls msg_open_release, which removes the
 * file. */
int msg_part_open_prepare(const struct msg *m, const struct msg_part *p, struct msg_mailcap *mc,
			  struct msg_open *out, struct err *err);
/* For a copiousoutput entry: runs the command without a terminal (at most
 * 10 seconds, 16 MiB of output) and appends what it prints to out, which
 * must be sanitized before it is shown, like anything from a message. */
int msg_open_capture(const struct msg_open *o, struct buf *out, struct err *err);
void msg_open_release(struct msg_open *o);

#endif
