/* The line format of the message list (postie.conf's index_format), and
 * the text layout helpers every screen uses: padding and truncation by
 * display columns, never cutting a character.
 *
 * Format: text with %-sequences, mutt-like. %[-][WIDTH][.MAX]X pads the
 * field to WIDTH columns (left-aligned with -, else right-aligned) and cuts
 * it at MAX columns. X is one of
 *   C  the message's number in the list     Z  status: D/N/O/r, !, *, @ (4 columns)
 *   D  the date (date_format, else by age: 14:05, 02 Mar, 02/03/23)
 *   d  the date as YYYY-MM-DD HH:MM         {FMT} the date with strftime's FMT
 *   n  the author's name (else the address) a  the author's address
 *   F  From as written                      t  the first recipient's name
 *   s  the subject with the thread tree     S  the subject alone
 *   c  the size ("4.2K")                    M  messages hidden in a collapsed thread
 *   %  a percent sign
 * The last field takes whatever width is left; the whole line is cut to
 * the screen's width. Everything from a message is sanitized here. */
#ifndef POSTIE_CORE_FORMAT_H
#define POSTIE_CORE_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct buf;
struct err;
struct store_index;
struct store_index_msg;

#define INDEX_FORMAT_DEFAULT "%4C %Z %8D  %-18.18n  %s"

struct index_format;

/* Parses a format; NULL with an ERR_CONFIG error naming the problem. */
struct index_format *index_format_parse(const char *s, struct err *err);
void index_format_free(struct index_format **f);

struct index_line {
	size_t number;                  /* from 1 */
	const struct store_index *idx;
	const struct store_index_msg *m;
	const char *tree;               /* the thread tree before the subject, "" */
	uint32_t hidden;                /* messages under a collapsed thread */
	bool tagged;
	bool same_subject;              /* hide the subject: it repeats the parent's */
	const char *date_format;        /* NULL: by age */
	time_t now;
};

/* Lays out one line in width columns into out (replacing its content): the
 * result is at most width columns wide, padded with blanks to exactly width.
 * *tree_start_r and *tree_end_r (may be NULL) get the byte range of the
 * thread tree in out (equal when there is none). */
void index_format_line(const struct index_format *f, const struct index_line *l, size_t width,
		       struct buf *out, size_t *tree_start_r, size_t *tree_end_r);

/* A date for a list: today "14:05", this year "02 Mar", else "02/03/23"
 * (month names and the numeric date as LC_TIME writes them). */
void format_date_short(int64_t t, time_t now, struct buf *out);

/* Appends s[0..len), sanitized, laid out in a field: at least min_w columns
 * (padded with blanks, on the left when right_align), at most max_w
 * (SIZE_MAX: no limit). Returns the columns used. */
size_t format_field(struct buf *out, const char *s, size_t len, size_t min_w, size_t max_w,
		    bool right_align);
/* Appends sanitized s cut to at most cols columns, with "…" at the end when
 * it was cut (and cols allows). Returns the columns used. */
size_t format_cut(struct buf *out, const char *s, size_t cols);
/* The display name of the first address in a "Name <addr>, ..." list, else
 * its address, as a new string. */
char *format_first_name(const char *list, bool address_only);

#endif
