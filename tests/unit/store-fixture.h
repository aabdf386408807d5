/* Helpers shared by the store's unit tests. */
#ifndef POSTIE_TESTS_STORE_FIXTURE_H
#define POSTIE_TESTS_STORE_FIXTURE_H

#include <stdint.h>

#include "store/store.h"

/* A summary whose every field follows from uid and variant, so a test can
 * rebuild what it expects. The caller releases it. */
void fixture_summary(struct msg_summary *s, uint32_t uid, unsigned variant);
/* A message body that follows from folder and uid; caller frees. */
char *fixture_body(uint32_t folder, uint32_t uid, size_t *len_r);
/* A new directory under the test's temp dir; caller frees. */
char *fixture_dir(const char *name);
/* Opens the store in dir and account name, failing the test (and exiting)
 * if that does not work. */
struct store *fixture_store(const char *dir, unsigned flags);
struct store_acct *fixture_acct(struct store *s, const char *name, enum store_acct_kind kind,
				unsigned flags);
/* The path of an account's file ("meta", "bodies", "queue"); caller frees. */
char *fixture_file(const char *dir, const char *account, const char *file);
/* Whether store_check() finds no problem; prints them if it does. */
bool fixture_check_clean(struct store_acct *a);
/* The whole content of a file, for comparing before/after; caller frees. */
char *fixture_slurp(const char *path, size_t *len_r);

#endif
