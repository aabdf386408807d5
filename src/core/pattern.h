/* Message patterns, as mutt users write them: for search (/), limit (l) and
 * tagging (T).
 *
 *   ~f TEXT   From contains TEXT        ~N   new (unread and recent)
 *   ~t TEXT   To contains TEXT          ~U   unread
 *   ~c TEXT   Cc contains TEXT          ~O   old (unread, not recent)
 *   ~C TEXT   To or Cc contains TEXT    ~R   read
 *   ~s TEXT   Subject contains TEXT     ~F   flagged
 *   ~b TEXT   the body contains TEXT    ~D   deleted
 *             (messages in the store)   ~Q   replied
 *   ~d RANGE  date in RANGE             ~A   has an attachment
 *   ~z RANGE  size in RANGE             ~T   tagged
 *   TEXT      From or Subject contains TEXT (a word without ~)
 *
 * A B means A and B; A | B means A or B; !A means not A; ( ) group. TEXT is
 * one word, or quoted with "" or ''. Matching is a substring search that
 * ignores ASCII case unless TEXT has an upper-case letter (as mutt's
 * smart_case).
 *
 * Dates (~d): D (that day), D1-D2, D1- (from), -D2 (until), where D is
 * YYYY-MM-DD or DD/MM/YYYY (or DD/MM, this year); or <Nu (newer than N
 * units), >Nu (older), where u is d, w, m or y. Days are local days.
 * Sizes (~z): N, N1-N2, <N, >N, with an optional K or M suffix. */
#ifndef POSTIE_CORE_PATTERN_H
#define POSTIE_CORE_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct err;
struct pattern;

/* What a pattern looks at. body() is called only for ~b, at most once per
 * match: it returns false when the body is not available (the ~b term is
 * then false). */
struct pattern_msg {
	const char *from, *to, *cc, *subject;   /* NULL counts as "" */
	int64_t date;
	uint32_t size;
	uint32_t flags;             /* enum msg_flag */
	bool has_attachment;
	bool tagged;
	bool (*body)(void *aux, const char **text_r, size_t *len_r);
	void *aux;
};

/* Parses s; now is the reference for relative dates. Returns NULL with an
 * ERR_INPUT error that says what is wrong and where. */
struct pattern *pattern_parse(const char *s, time_t now, struct err *err);
void pattern_free(struct pattern **p);
bool pattern_needs_body(const struct pattern *p);
bool pattern_match(const struct pattern *p, const struct pattern_msg *m);

#endif
