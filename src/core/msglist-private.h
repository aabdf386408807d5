/* Inside the message list model: shared by msglist.c and its rebuild. */
#ifndef POSTIE_CORE_MSGLIST_PRIVATE_H
#define POSTIE_CORE_MSGLIST_PRIVATE_H

#include "core/msglist.h"

bool uidset_has(const uint32_t *v, size_t n, uint32_t uid);
void uidset_set(uint32_t **v, size_t *n, size_t *cap, uint32_t uid, bool on);
/* Whether a pending operation takes uid out of the folder. */
bool ml_pending_removed(const struct msglist *ml, uint32_t uid);
/* Every uid of the collapsed thread at row (a new array). */
uint32_t *ml_collapsed_uids(const struct msglist *ml, size_t row, size_t *n_r);
/* Frees a rebuild under way (msglist-build.c) and NULLs the pointer. */
void ml_build_free(struct ml_build **b);
/* The subject without "Re:", "Fwd:" and the like, and its length. */
const char *ml_base_subject(const char *s, size_t *len_r);

#endif
