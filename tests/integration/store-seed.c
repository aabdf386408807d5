/* store-seed: fills an account's store with messages, for tests and
 * benchmarks of the interface that need mail without a server.
 *
 *   store-seed DATA_DIR ACCOUNT FOLDER [-n N] [-p pop3] [FILE.eml ...]
 *
 * Each FILE is stored as it is (summary from its header, body kept); -n adds
 * N generated messages in threads of up to 6, a quarter unread, with bodies.
 * Other folders named "Archive" and "Trash" are created empty. */
#include "common.h"

#include <getopt.h>
#include <time.h>

#include "msg/msg.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

static int die(struct err *err)
{
	fprintf(stderr, "store-seed: %s\n", err_msg(err));
	return 1;
}

static void from_message(const char *raw, size_t len, struct msg_summary *s)
{
	struct msg_envelope env;
	msg_envelope_parse(raw, len, &env);
	char *from = msg_addr_list_format(&env.from);
	char *to = msg_addr_list_format(&env.to);
	char *cc = msg_addr_list_format(&env.cc);
	msg_summary_set(&s->from, from);
	msg_summary_set(&s->to, to);
	msg_summary_set(&s->cc, cc);
	msg_summary_set(&s->subject, env.subject);
	msg_summary_set(&s->message_id, env.message_id);
	msg_summary_set(&s->in_reply_to, env.in_reply_to);
	struct buf refs = BUF_INIT;
	for (size_t i = 0; i < env.references.n; i++)
		buf_addf(&refs, "%s%s", i ? " " : "", env.references.v[i]);
	msg_summary_set(&s->references, buf_cstr(&refs));
	buf_release(&refs);
	s->date = env.has_date ? env.date : 0;
	s->size = (uint32_t)len;
	s->has_attachment = env.has_attachment;
	free(from);
	free(to);
	free(cc);
	msg_envelope_release(&env);
}

static int add_file(struct store_acct *a, uint32_t folder, const char *path, uint32_t uid,
		    struct err *err)
{
	struct buf raw = BUF_INIT;
	if (file_read_all(path, &raw, err) < 0)
		return -1;
	struct msg_summary s;
	msg_summary_init(&s);
	s.uid = uid;
	s.flags = 0;
	from_message(raw.data, raw.len, &s);
	/* the attachment marker from the parsed structure */
	struct msg *m = msg_parse(raw.data, raw.len);
	for (size_t i = 1; i <= msg_attachment_count(m); i++)
		if (msg_attachment(m, i)->filename)
			s.has_attachment = true;
	msg_free(&m);
	int r = store_msg_put(a, folder, &s, 1, err);
	if (r == 0)
		r = store_body_put(a, folder, uid, raw.data, raw.len, err);
	msg_summary_release(&s);
	buf_release(&raw);
	return r;
}

static const char *const names[] = { "Alice Archer", "Bob Baker", "Chen Wei 陈伟", "Dora Díaz",
				     "Emil Ørsted", "Fatima Zahra" };
static const char *const topics[] = { "Quarterly report", "Lunch on Friday?", "Build is red",
				      "Release notes 2.1", "会议安排", "Invoice 4711",
				      "Re-org of the wiki", "Trip to Lisbon ✈️" };

static int add_generated(struct store_acct *a, uint32_t folder, uint32_t first, size_t n,
			 struct err *err)
{
	int64_t base = (int64_t)time(NULL) - (int64_t)n * 600;
	size_t batch = 1000;
	struct msg_summary *v = xcalloc(batch, sizeof *v);
	struct buf body = BUF_INIT;
	for (size_t done = 0; done < n;) {
		size_t k = n - done < batch ? n - done : batch;
		if (store_begin(a, err) < 0)
			return -1;
		for (size_t i = 0; i < k; i++) {
			size_t g = done + i;
			uint32_t uid = first + (uint32_t)g;
			size_t thread_pos = g % 6;
			struct msg_summary *s = &v[i];
			msg_summary_init(s);
			s->uid = uid;
			s->date = base + (int64_t)g * 600;
			s->flags = (g % 4 == 0 && g + 50 > n / 2) ? 0 : MSG_SEEN;
			if (g % 17 == 0)
				s->flags |= MSG_FLAGGED;
			s->size = 1000 + (uint32_t)(g % 5000);
			char *from = xasprintf("%s <user%zu@example.test>", names[g % 6], g % 6);
			char *subj = xasprintf("%s%s #%zu", thread_pos ? "Re: " : "",
					       topics[(g / 6) % 8], g / 6);
			char *mid = xasprintf("gen%zu@example.test", g);
			char *parent = thread_pos ? xasprintf("gen%zu@example.test", g - 1) : NULL;
			msg_summary_set(&s->from, from);
			msg_summary_set(&s->to, "Me <me@example.test>");
			msg_summary_set(&s->subject, subj);
			msg_summary_set(&s->message_id, mid);
			msg_summary_set(&s->in_reply_to, parent);
			msg_summary_set(&s->references, parent);
			buf_reset(&body);
			buf_addf(&body, "From: %s\r\nTo: Me <me@example.test>\r\nSubject: %s\r\n"
				 "Message-ID: <%s>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
				 "Message number %zu.\r\n\r\n> quoted line\r\n>> deeper\r\n\r\n-- \r\n"
				 "signature\r\n", from, subj, mid, g);
			if (store_body_put(a, folder, uid, body.data, body.len, err) < 0)
				return -1;
			free(from);
			free(subj);
			free(mid);
			free(parent);
		}
		int r = store_msg_put(a, folder, v, k, err);
		for (size_t i = 0; i < k; i++)
			msg_summary_release(&v[i]);
		if (r < 0 || store_commit(a, STORE_NOSYNC, err) < 0)
			return -1;
		done += k;
	}
	free(v);
	buf_release(&body);
	return 0;
}

int main(int argc, char **argv)
{
	size_t n = 0;
	bool pop3 = false;
	int opt;
	while ((opt = getopt(argc, argv, "n:p:")) != -1) {
		if (opt == 'n')
			n = strtoul(optarg, NULL, 10);
		else if (opt == 'p')
			pop3 = strcmp(optarg, "pop3") == 0;
		else
			return 2;
	}
	if (argc - optind < 3) {
		fprintf(stderr, "usage: store-seed [-n N] [-p pop3] DATA_DIR ACCOUNT FOLDER [FILE...]\n");
		return 2;
	}
	struct err err = ERR_INIT;
	struct store *st;
	struct store_acct *a;
	if (mkdir_p(argv[optind], 0700, &err) < 0 || store_open(argv[optind], 0, &st, &err) < 0)
		return die(&err);
	if (store_acct_open(st, argv[optind + 1], pop3 ? STORE_ACCT_PRIMARY : STORE_ACCT_CACHE, 0,
			    &a, &err) < 0)
		return die(&err);
	struct store_folder f = { 0 };
	static const char *const others[] = { "Archive", "Trash" };
	for (size_t i = 0; i < 2; i++) {
		if (store_folder_ensure(a, others[i], &f, &err) < 0)
			return die(&err);
		if (i == 1) {
			f.role = ROLE_TRASH;
			store_folder_update(a, &f, NULL);
		}
		store_folder_release(&f);
	}
	if (store_folder_ensure(a, argv[optind + 2], &f, &err) < 0)
		return die(&err);
	if (strcmp(argv[optind + 2], "INBOX") == 0) {
		f.role = ROLE_INBOX;
		store_folder_update(a, &f, NULL);
	}
	uint32_t uid = f.next_local_id > 0 ? f.next_local_id : 1;
	for (int i = optind + 3; i < argc; i++)
		if (add_file(a, f.id, argv[i], uid++, &err) < 0)
			return die(&err);
	if (n && add_generated(a, f.id, uid, n, &err) < 0)
		return die(&err);
	store_folder_release(&f);
	store_acct_close(&a);
	store_close(&st);
	return 0;
}
