/* A reader of the store for the integration tests: one process dumps every
 * folder, summary and POP3 record of an account (read-only), and optionally
 * every body, so a test can check hundreds of messages at once.
 *
 *   store-dump [--cached] DATA_DIR ACCOUNT [BODY_DIR]
 *   store-dump --check DATA_DIR ACCOUNT
 *
 * Prints one JSON object a line:
 *   {"folder": NAME, "id": N, "role": N, "messages": N}
 *   {"msg": FOLDER_ID, "uid": N, "uidl": S, "message_id": S, "subject": S,
 *    "size": N, "flags": N, "internaldate": N}
 *   {"pop3": UIDL, "downloaded": N, "flags": N, "folder": N, "uid": N}
 *   {"journal": SEQ, "kind": N, "folder": N, "uids": N, "dest": S,
 *    "attempts": N, "error": S}
 *   {"outbox": ID, "state": N, "attempts": N, "rcpts": N, "error": S}
 * and writes each body to BODY_DIR/FOLDER_ID-UID.eml: every one must be
 * there (POP3), or with --cached those that are (an IMAP cache), each
 * summary then saying "body": true or false. --check runs
 * store_check() instead and prints each problem found. Exits 0, or 1 with
 * the error (or the problems) on stderr. */
#include "common.h"

#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

static const char *body_dir;
static bool cached_only;
static struct store_acct *acct;

static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	putchar('"');
}

/* 1 written, 0 not stored (with --cached), -1 error. */
static int write_body(uint32_t folder, uint32_t uid, struct err *err)
{
	struct buf b = BUF_INIT;
	int r = store_body_get(acct, folder, uid, &b, err);
	if (r == 0 && cached_only) {
		buf_release(&b);
		return 0;
	}
	if (r == 0)
		r = err_set(err, ERR_STORE, "no body for %u/%u", folder, uid);
	if (r > 0) {
		char *path = xasprintf("%s/%u-%u.eml", body_dir, folder, uid);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0)
			r = err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
		free(path);
	}
	buf_release(&b);
	return r < 0 ? -1 : 1;
}

static int dump_msg(const struct msg_summary *s, void *aux, struct err *err)
{
	uint32_t folder = *(uint32_t *)aux;
	printf("{\"msg\": %u, \"uid\": %u, \"uidl\": ", folder, s->uid);
	json_str(s->uidl);
	printf(", \"message_id\": ");
	json_str(s->message_id);
	printf(", \"subject\": ");
	json_str(s->subject);
	printf(", \"size\": %u, \"flags\": %u, \"internaldate\": %lld", s->size, s->flags,
	       (long long)s->internaldate);
	int r = body_dir ? write_body(folder, s->uid, err) : 0;
	if (cached_only && r >= 0)
		printf(", \"body\": %s", r > 0 ? "true" : "false");
	printf("}\n");
	return r < 0 ? -1 : 0;
}

static int dump_pop3(const struct store_pop3_msg *m, void *aux, struct err *err)
{
	(void)aux;
	(void)err;
	printf("{\"pop3\": ");
	json_str(m->uidl);
	printf(", \"downloaded\": %lld, \"flags\": %u, \"folder\": %u, \"uid\": %u}\n",
	       (long long)m->downloaded, m->flags, m->folder, m->uid);
	return 0;
}

static int dump_queue(struct err *err)
{
	store_ops ops = ARRAY_INIT;
	store_outbox_entries out = ARRAY_INIT;
	if (store_journal_list(acct, &ops, err) < 0 || store_outbox_list(acct, &out, err) < 0) {
		store_ops_release(&ops);
		return -1;
	}
	for (size_t i = 0; i < ops.n; i++) {
		const struct store_op *op = &ops.v[i];
		printf("{\"journal\": %llu, \"kind\": %d, \"folder\": %u, \"uids\": %zu, "
		       "\"dest\": ", (unsigned long long)op->seq, (int)op->kind, op->folder,
		       op->n_uids);
		json_str(op->dest);
		printf(", \"attempts\": %u, \"error\": ", op->attempts);
		json_str(op->last_error);
		printf("}\n");
	}
	for (size_t i = 0; i < out.n; i++) {
		const struct store_outbox_entry *e = &out.v[i];
		printf("{\"outbox\": %llu, \"state\": %d, \"attempts\": %u, \"rcpts\": %zu, "
		       "\"error\": ", (unsigned long long)e->id, (int)e->state, e->attempts,
		       e->n_rcpts);
		json_str(e->last_error);
		printf("}\n");
	}
	store_ops_release(&ops);
	store_outbox_entries_release(&out);
	return 0;
}

static int dump(struct err *err)
{
	store_folders folders = ARRAY_INIT;
	if (store_folder_list(acct, &folders, err) < 0)
		return -1;
	int r = 0;
	for (size_t i = 0; i < folders.n && r == 0; i++) {
		const struct store_folder *f = &folders.v[i];
		printf("{\"folder\": ");
		json_str(f->name);
		printf(", \"id\": %u, \"role\": %d, \"messages\": %u}\n", f->id, (int)f->role,
		       f->n_messages);
		uint32_t id = f->id;
		r = store_msg_scan(acct, id, 1, dump_msg, &id, err);
	}
	store_folders_release(&folders);
	if (r < 0 || store_pop3_scan(acct, dump_pop3, NULL, err) < 0)
		return -1;
	return dump_queue(err);
}

static int check(struct err *err)
{
	struct store_check_report rep = { 0 };
	int r = store_check(acct, &rep, err);
	for (size_t i = 0; r == 0 && i < rep.problems.n; i++)
		fprintf(stderr, "problem: %s\n", rep.problems.v[i]);
	if (r == 0 && rep.problems.n)
		r = err_set(err, ERR_STORE, "%zu problems", rep.problems.n);
	store_check_report_release(&rep);
	return r;
}

int main(int argc, char **argv)
{
	bool check_only = argc > 1 && strcmp(argv[1], "--check") == 0;
	cached_only = argc > 1 && strcmp(argv[1], "--cached") == 0;
	if (check_only || cached_only) {
		argv++;
		argc--;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: store-dump [--cached] DATA_DIR ACCOUNT [BODY_DIR]\n");
		return 2;
	}
	body_dir = argc > 3 ? argv[3] : NULL;
	struct err err = ERR_INIT;
	struct store *st;
	int r = store_open(argv[1], STORE_READONLY, &st, &err);
	if (r == 0) {
		r = store_acct_open(st, argv[2], STORE_ACCT_PRIMARY, STORE_ACCT_READONLY, &acct,
				    &err);
		if (r == 0)
			r = check_only ? check(&err) : dump(&err);
		store_acct_close(&acct);
		store_close(&st);
	}
	if (r < 0)
		fprintf(stderr, "store-dump: %s\n", err_msg(&err));
	err_clear(&err);
	return r < 0 ? 1 : 0;
}
