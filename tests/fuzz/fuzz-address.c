/* libFuzzer target: address lists (src/msg/address.c). The tolerant parser
 * takes any header value; the strict one any typed text. Aborts when a
 * promise of msg.h breaks: a list the strict parser accepted, written back
 * with msg_addr_list_format_input(), must read back to the same list. */
#include "common.h"

#include "msg/msg.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool blank_or_control(char c)
{
	return (unsigned char)c <= ' ';
}

/* Equal, but for the control characters msg_addr_list_format_input()
 * writes as blanks on purpose (they must not reach the editor); blanks at
 * either end are trimmed when read back, so those written there go. */
static bool same(const char *a, const char *b)
{
	a = a ? a : "";
	b = b ? b : "";
	size_t la = strlen(a), lb = strlen(b);
	while (la && blank_or_control(a[la - 1]))
		la--;
	while (la && blank_or_control(*a)) {
		a++;
		la--;
	}
	while (lb && b[lb - 1] == ' ')
		lb--;
	while (lb && *b == ' ') {
		b++;
		lb--;
	}
	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++)
		if (a[i] != b[i] && !((unsigned char)a[i] < ' ' && b[i] == ' '))
			return false;
	return true;
}

/* A name that is the address itself is written as the address alone. */
static bool same_name(const struct msg_addr *was, const struct msg_addr *now)
{
	if (!now->name && was->name && strcmp(was->name, was->addr) == 0)
		return true;
	return same(was->name, now->name);
}

static void check_round_trip(const struct msg_addr_list *l)
{
	char *text = msg_addr_list_format_input(l);
	struct msg_addr_list again = { 0 };
	struct err err = ERR_INIT;
	if (msg_addr_list_parse_input(text, &again, &err) < 0 || again.n != l->n) {
		fprintf(stderr, "round trip failed for \"%s\": %s\n", text, err_msg(&err));
		abort();
	}
	for (size_t i = 0; i < l->n; i++)
		if (!same(l->v[i].addr, again.v[i].addr) || !same_name(&l->v[i], &again.v[i]) ||
		    !same(l->v[i].group, again.v[i].group)) {
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
