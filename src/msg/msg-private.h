/* Inside the msg module: shared by its files only. */
#ifndef POSTIE_MSG_PRIVATE_H
#define POSTIE_MSG_PRIVATE_H

#include "msg/msg.h"

/* ---- header blocks (header.c) ---- */

/* One field of a header block. Both point into the block; value is raw:
 * still folded, not decoded. */
struct msg_hfield {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

struct msg_hfields {
	struct msg_hfield *v;
	size_t n, cap;
};

/* Splits the header block at the start of s into fields, up to the first
 * empty line or len. Lines that are neither a field nor a continuation
 * (an mbox "From " line, garbage) are skipped. Returns the length of the
 * block including the empty line. */
size_t msg_headers_split(const char *s, size_t len, struct msg_hfields *out);
/* The first field called name (any case), or NULL. */
const struct msg_hfield *msg_headers_find(const struct msg_hfields *h, const char *name);
/* Reads a quoted string whose opening quote is at s[i - 1]: appends its
 * content (backslash escapes undone, line breaks dropped) to out and returns
 * the index after the closing quote, or len if there is none. */
size_t msg_quoted(const char *s, size_t len, size_t i, struct buf *out);
/* Appends value without line breaks and without blanks at both ends. */
void msg_unfold(const char *s, size_t len, struct buf *out);
bool msg_name_is(const struct msg_hfield *f, const char *name);
/* The length of the whole field as written, from its name to the end of its
 * value (continuation lines included), without the final line break. */
size_t msg_field_len(const struct msg_hfield *f);

/* ---- charsets (charset.c) ---- */

void msg_cp1252_to_utf8(const char *s, size_t len, struct buf *out);
/* The code point of Windows-1252 byte c (its five holes give C1 controls). */
unsigned msg_cp1252_cp(unsigned char c);
/* Undeclared 8-bit text: UTF-8 if valid, else Windows-1252. */
void msg_text_to_utf8(const char *s, size_t len, struct buf *out);

/* ---- header values (rfc2047.c, params.c) ---- */

/* Raw text as a clean value: UTF-8 (or Windows-1252 read as such), tabs and
 * line breaks as spaces, NUL as U+FFFD, trimmed. A new string. */
char *msg_text_clean(const char *s, size_t len);
/* The value of parameter name exactly as written (unquoted), or NULL; a new
 * string. For boundaries, which must not be decoded. */
char *msg_param_raw(const char *s, size_t len, const char *name);

/* ---- writing headers (hwriter.c, rfc2047_encode.c, rfc2231_encode.c) ---- */

/* Writes one header field token by token, folding before a token's blanks
 * when the line would pass MSG_HEADER_WIDTH. */
struct msg_hwriter {
	struct buf *out;
	size_t col;             /* length of the current line so far */
	bool empty;             /* nothing after "Name:" yet */
};

void msg_hw_begin(struct msg_hwriter *w, struct buf *out, const char *name);
/* Adds tok[0..n) after the blanks sep[0..sep_len) ("" glues it to what
 * precedes, as for ',' or ';': no fold there). */
void msg_hw_add(struct msg_hwriter *w, const char *sep, size_t sep_len, const char *tok, size_t n);
void msg_hw_adds(struct msg_hwriter *w, const char *sep, const char *tok);
/* Adds UTF-8 text s[0..n) as encoded words: the first after sep, the others
 * after a blank, each filling what is left of its line. */
void msg_hw_encoded(struct msg_hwriter *w, const char *sep, size_t sep_len, const char *s,
		    size_t n);
/* Adds a display name: atoms, a quoted string or encoded words. */
void msg_hw_phrase(struct msg_hwriter *w, const char *sep, const char *s);
/* Adds "; name=value" in the form the value needs (RFC 2045, RFC 2231). */
void msg_hw_param(struct msg_hwriter *w, const char *name, const char *value);
/* Ends the field with CRLF. */
void msg_hw_end(struct msg_hwriter *w);

/* Appends one encoded word ("=?UTF-8?Q?...?=" or B) of at most room
 * characters holding the longest prefix of s[0..n) that fits without
 * splitting a character, in encoding enc ('Q' or 'B'). Returns the bytes of s
 * it took: 0 when not even one character fits. */
size_t msg_rfc2047_word(struct buf *out, const char *s, size_t n, size_t room, char enc);
/* The shorter encoding for s: 'Q' or 'B'. */
char msg_rfc2047_choose(const char *s, size_t n);

/* ---- composing (compose.c, build.c, ...) ---- */

struct msg_compose;
struct msg_identity;
struct msg_compose_part;

/* The address fields of a message being composed, parsed. */
struct msg_compose_addrs {
	struct msg_addr_list from, to, cc, bcc, reply_to;
};

/* Parses and checks every field (see msg_compose_check); a is initialized
 * here and left empty on failure. */
int msg_compose_parse(const struct msg_compose *c, int mode, struct msg_compose_addrs *a,
		      struct err *err);
int msg_compose_parse_from(const struct msg_compose *c, struct msg_addr_list *from,
			   struct err *err);
void msg_compose_addrs_release(struct msg_compose_addrs *a);
void msg_compose_part_release(struct msg_compose_part *p);
/* Appends the message ids of a header value (<a@b> <c@d> ...), without the
 * brackets; a value without brackets counts as one id per word. At most max. */
void msg_ids_parse(const char *s, size_t len, struct msg_str_list *out, size_t max);
/* subject with "Re: " (or "Fwd: ") in front, unless it has one. A new string. */
char *msg_subject_with_prefix(const char *subject, bool forward);
/* Appends the readable text of a message (as rendered, without its headers,
 * notices and attachment lines), lines ending in LF. */
void msg_text_for_quote(const char *raw, size_t len, struct buf *out);
/* The length of the name of a "Name: value" line, or 0 if it is none. */
size_t msg_field_name_len(const char *line);

/* ---- transfer encodings (transfer.c) ---- */


/* ---- guards for libetpan (scan.c) ---- */

/* An upper bound of how deep libetpan would nest the parts of s, or some
 * value above limit as soon as it is exceeded. */
size_t msg_scan_depth(const char *s, size_t len, size_t limit);
/* Replaces '(' after the 32nd of a header field by '[', in place. */
void msg_scan_defuse(char *s, size_t len);

/* ---- the parsed message (mime.c) ---- */

struct msg_parts {
	struct msg_part *v;
	size_t n, cap;
};

enum msg_state {
	MSG_STATE_OK,
	MSG_STATE_TOO_DEEP,     /* nested beyond MSG_MAX_DEPTH: headers only */
	MSG_STATE_UNPARSED,     /* libetpan refused it: one text part */
};

/* ---- the document a rendering builds (doc.c) ---- */

/* A block is one logical line: a header, a paragraph, a notice. Layout
 * wraps it into lines of the view. Its text is sanitized. */
struct msg_block {
	enum msg_line_kind kind;
	unsigned quote, depth;
	int part;
	unsigned label_len;     /* HEADER: bytes of "Name:" */
	size_t prefix_len;      /* bytes at the start repeated on continuation lines ("> ") */
	unsigned indent;        /* and so many spaces after them (lists, headers) */
	size_t off, len;        /* in the document's text */
};

struct msg_doc {
	struct {
		struct msg_block *v;
		size_t n, cap;
	} blocks;
	struct buf text;
};

struct msg_doc *msg_doc_new(void);
void msg_doc_free(struct msg_doc **d);
/* Adds a block like tmpl (off and len ignored) with s[0..len) as its text,
 * sanitized and with tabs expanded. s must not hold line breaks. */
void msg_doc_add(struct msg_doc *d, const struct msg_block *tmpl, const char *s, size_t len);
void msg_doc_addf(struct msg_doc *d, const struct msg_block *tmpl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Lays the document out to width columns into *v (initialized here). */
void msg_doc_layout(const struct msg_doc *d, unsigned width, struct msg_view *v);

/* ---- text (text.c) ---- */

typedef void msg_para_fn(unsigned quote, const char *s, size_t len, void *aux);
/* Calls fn for each paragraph of format=flowed text: soft-broken lines
 * joined (with DelSp, their trailing space removed), quote marks and space
 * stuffing removed, the signature separator kept as a line of its own. */
void msg_flowed_parse(const char *s, size_t len, bool delsp, msg_para_fn *fn, void *aux);
/* Adds UTF-8 text as body blocks like tmpl: flowed paragraphs with a quote
 * prefix, or plain lines with their quote level detected. */
void msg_text_to_doc(struct msg_doc *d, const struct msg_block *tmpl, const char *s, size_t len,
		     bool flowed, bool delsp);

/* ---- HTML (html.c, html-entities.c) ---- */

/* Adds HTML (as UTF-8) converted to text as blocks like tmpl, its links
 * listed at the end. */
void msg_html_to_doc(struct msg_doc *d, const struct msg_block *tmpl, const char *s, size_t len);
/* Decodes the character reference at s ('&' there) into out and returns
 * its length, or 0 if there is none. */
size_t msg_html_entity(const char *s, size_t len, struct buf *out);
/* The charset a <meta> near the start of s declares; a new string or NULL. */
char *msg_html_sniff_charset(const char *s, size_t len);

/* ---- mailcap filters (filter.c) ---- */

/* Converts UTF-8 HTML to text with the first text/html copiousoutput entry
 * of mc. Returns 1 with the text (UTF-8 or what the filter wrote) in out, 0
 * when there is no entry, -1 when the command failed (out says how, for the
 * user). */
int msg_html_filter(struct msg_mailcap *mc, const struct buf *html, struct buf *out);

/* Writes all of data to fd; -1 with errno on failure. */
int msg_write_all(int fd, const char *data, size_t len);
/* Runs cmd through /bin/sh without input and output; its exit status or -1. */
int msg_run_status(const char *cmd);
/* Runs cmd through /bin/sh with input (NULL: none) on its standard input and
 * appends its standard output to out: at most 16 MiB, within 10 seconds. */
int msg_filter_run(const char *cmd, const char *input, size_t len, struct buf *out,
		   struct err *err);
/* Writes data to a new file called name in a new private directory
 * (mode 0700 under $TMPDIR or /tmp); *path_r gets its path (caller frees). */
int msg_temp_file(const char *name, const char *data, size_t len, char **path_r, struct err *err);
/* Removes such a file and its directory. */
void msg_temp_remove(const char *path);


struct msg {
	char *raw;
	size_t len;
	struct msg_parts parts;
	struct {
		size_t *v;      /* attachment number n is part v[n - 1] */
		size_t n, cap;
	} attachments;
	enum msg_state state;
	struct msg_doc *doc;    /* the last rendering's document, for re-layout */
	char *doc_key;          /* the options it was made with */
};

/* ---- small helpers ---- */

static inline bool msg_is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static inline bool msg_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static inline char msg_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
}

/* The value of a hex digit, or -1. */
static inline int msg_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = msg_lower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

#endif
