/* Inside the pop3 module: what the server holds (STAT, LIST, UIDL), read and
 * checked in full before anything is downloaded or deleted. */
#ifndef POSTIE_POP3_LISTING_H
#define POSTIE_POP3_LISTING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pop3/wire.h"
#include "util/strpool.h"

struct err;
struct pop3_session;


struct pop3_entry {
	uint32_t num;           /* message number, 1..count */
	uint32_t uidl;          /* ref into ids: the UIDL (or digest id); 0 until known */
	uint64_t size;          /* octets, as LIST gave it */
};

struct pop3_listing {
	uint32_t count;         /* STAT */
	uint64_t octets;
	struct pop3_entry *v;   /* ascending message numbers */
	size_t n, cap;
	struct strpool ids;
	uint32_t *by_uidl;      /* indexes into v, sorted by id */
	bool has_uidl;          /* the server answered UIDL */
};

void pop3_listing_init(struct pop3_listing *l);
void pop3_listing_release(struct pop3_listing *l);

/* STAT, LIST and UIDL. Every line is checked: numbers 1..count, ascending,
 * each once, sizes that are numbers, UIDLs of printable characters given
 * for exactly the listed messages and never twice. A bad line fails with
 * ERR_PROTOCOL quoting it (and the session is not used further). A server
 * that refuses UIDL leaves has_uidl false and the ids unset. */
int pop3_list_all(struct pop3_session *s, struct pop3_listing *l, struct err *err);
/* The id of entry i. */
const char *pop3_listing_uidl(const struct pop3_listing *l, size_t i);
/* Sets entry i's id (digest ids of a server without UIDL); index afterwards. */
void pop3_listing_set_id(struct pop3_listing *l, size_t i, const char *id);
/* Sorts by_uidl after ids were set. */
void pop3_listing_index(struct pop3_listing *l);
/* Whether some entry has this id (after pop3_list_all or _index). */
bool pop3_listing_has_uidl(const struct pop3_listing *l, const char *uidl);

#endif
