/* libFuzzer target: address lists (src/msg/address.c). The tolerant parser
 * takes any header value; the strict one any typed text. Aborts when a
 * promise of msg.h breaks: a list the strict
 * parser accepted, written back with msg_addr_list_format_input(), must
 * read back to the same addresses in the same groups; a refused list
 * leaves the list unchanged; no fault. */
#include "common.h"

#include "msg/msg.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The entries must come back with the same addresses, in the same groups.
 * Display names are left out: msg_addr_list_format_input() writes them as a
 * person would type them (control characters as blanks, a name that only
 * repeats the address or a blank group name left out or replaced), and the
 * parser reads encoded words even in quotes, as mail in the wild needs. */
static bool same(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static void check_round_trip(const struct msg_addr_list *l)
{
	char *text = msg_addr_list_format_input(l);
	if (strstr(text, "=?")) {
		/* Left out: the parser decodes encoded words even inside quotes (as
		 * mail in the wild needs), so a name holding "=?...?=" text is read
		 * back differently. A known limit, not checked here. */
		free(text);
		return;
	}
	struct msg_addr_list again = { 0 };
	struct err err = ERR_INIT;
	if (msg_addr_list_parse_input(text, &again, &err) < 0 || again.n != l->n) {
		fprintf(stderr, "round trip failed for \"%s\": %s\n", text, err_msg(&err));
		abort();
	}
	for (size_t i = 0; i < l->n; i++)
		if (!same(l->v[i].addr, again.v[i].addr) || !l->v[i].group != !again.v[i].group) {
			fprintf(stderr, "entry %zu changed in \"%s\"\n", i, text);
			abort();
		}
	err_clear(&err);
	msg_addr_list_release(&again);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_addr_list l = { 0 };
	msg_addr_list_parse((const char *)data, size, &l);
	for (size_t i = 0; i < l.n; i++)
		if (!l.v[i].addr)
			abort();        /* never NULL, says msg.h */
	free(msg_addr_list_format(&l));
	free(msg_addr_list_format_input(&l));
	msg_addr_list_release(&l);

	char *text = xstrndup((const char *)data, size);
	struct err err = ERR_INIT;
	if (msg_addr_list_parse_input(text, &l, &err) == 0) {
		check_round_trip(&l);
		msg_addr_list_release(&l);
	} else if (l.n) {
		abort();        /* a refused list leaves the list unchanged */
	}
	err_clear(&err);
	free(text);
	return 0;
}
