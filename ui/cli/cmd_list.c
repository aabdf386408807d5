/* postie list: the messages of a folder from the store (offline), one a
 * line: id, date, flags, sender, subject; --json: one object a line with id
 * (the IMAP UID, or the local id), message_id, date (ISO 8601, UTC), from,
 * to, cc, subject, flags (IMAP names and keywords), size and more. */
#include "common.h"

#include <time.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/json.h"
#include "util/sanitize.h"

static const struct { uint32_t bit; const char *name; } flag_names[] = {
	{ MSG_SEEN, "\\Seen" }, { MSG_ANSWERED, "\\Answered" }, { MSG_FLAGGED, "\\Flagged" },
	{ MSG_DELETED, "\\Deleted" }, { MSG_DRAFT, "\\Draft" }, { MSG_RECENT, "\\Recent" },
};

static void add_time(struct buf *b, int64_t t)
{
	if (!t) {
		buf_adds(b, "null");
		return;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	char s[40];
	gmtime_r(&tt, &tm);
	strftime(s, sizeof s, "\"%Y-%m-%dT%H:%M:%SZ\"", &tm);
	buf_adds(b, s);
}

static void add_json(struct buf *b, const struct msg_summary *s)
{
	buf_addc(b, '{');
	json_add_key(b, "id", true);
	buf_addf(b, "%u", s->uid);
	json_add_key(b, "message_id", false);
	json_add_str(b, s->message_id);
	json_add_key(b, "date", false);
	add_time(b, s->date);
	json_add_key(b, "internaldate", false);
	add_time(b, s->internaldate);
	json_add_key(b, "from", false);
	json_add_str(b, s->from);
	json_add_key(b, "to", false);
	json_add_str(b, s->to);
	json_add_key(b, "cc", false);
	json_add_str(b, s->cc);
	json_add_key(b, "subject", false);
	json_add_str(b, s->subject);
	json_add_key(b, "flags", false);
	buf_addc(b, '[');
	bool first = true;
	for (size_t i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (!(s->flags & flag_names[i].bit))
			continue;
		if (!first)
			buf_addc(b, ',');
		json_add_str(b, flag_names[i].name);
		first = false;
	}
	for (size_t i = 0; i < s->n_keywords; i++) {
		if (!first)
			buf_addc(b, ',');
		json_add_str(b, s->keywords[i]);
		first = false;
	}
	buf_addc(b, ']');
	json_add_key(b, "size", false);
	buf_addf(b, "%u", s->size);
	json_add_key(b, "attachment", false);
	buf_adds(b, s->has_attachment ? "true" : "false");
	json_add_key(b, "in_reply_to", false);
	json_add_str(b, s->in_reply_to);
	json_add_key(b, "references", false);
	json_add_str(b, s->references);
	if (s->modseq) {
		json_add_key(b, "modseq", false);
		buf_addf(b, "%llu", (unsigned long long)s->modseq);
	}
	buf_adds(b, "}\n");
}

/* "N" unread, "D" deleted, "!" flagged, "r" answered: mutt's index letters. */
static void add_text(struct buf *b, const struct msg_summary *s)
{
	char date[32] = "                ";
	if (s->date) {
		time_t t = (time_t)s->date;
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d %H:%M", &tm);
	}
	char flags[5] = {
		s->flags & MSG_DELETED ? 'D' : !(s->flags & MSG_SEEN) ? 'N' : ' ',
		s->flags & MSG_FLAGGED ? '!' : ' ',
		s->flags & MSG_ANSWERED ? 'r' : ' ',
		s->has_attachment ? '@' : ' ',
		'\0',
	};
	buf_addf(b, "%6u  %s  %s  ", s->uid, date, flags);
	sanitize_append(b, s->from ? s->from : "", strlen(s->from ? s->from : ""), 0);
	buf_adds(b, "  ");
	sanitize_append(b, s->subject ? s->subject : "", strlen(s->subject ? s->subject : ""), 0);
	buf_addc(b, '\n');
}

struct list_ctx {
	bool json;
	struct buf out;
};

static int print_one(const struct msg_summary *s, void *aux, struct err *err)
{
	(void)err;
	struct list_ctx *c = aux;
	if (c->json)
		add_json(&c->out, s);
	else
		add_text(&c->out, s);
	if (c->out.len > 65536) {
		fwrite(c->out.data, 1, c->out.len, stdout);
		buf_reset(&c->out);
	}
	return 0;
}

int cmd_list(struct cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct list_ctx c = { false, BUF_INIT };
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "list", argc, argv, "", longopts)) != -1) {
		if (opt == CLI_OPT_HELP)
			return EXIT_OK;
		if (opt != 'j')
			return cli_usage_error("list", _("unknown option"));
		c.json = true;
	}
	if (argc - optind != 1)
		return cli_usage_error("list", _("give one folder (postie folders lists them)"));
	const struct account_conf *a = cli_account(cli);
	if (!a)
		return EXIT_USAGE;
	struct cli_acct ca;
	int st = cli_acct_open(cli, a, false, &ca);
	if (st)
		return st;
	struct store_folder f = { 0 };
	st = cli_folder(&ca, argv[optind], &f);
	struct err err = ERR_INIT;
	if (!st && store_msg_scan(ca.acct, f.id, 0, print_one, &c, &err) < 0)
		st = cli_fail_clear(&err);
	if (c.out.len)
		fwrite(c.out.data, 1, c.out.len, stdout);
	buf_release(&c.out);
	store_folder_release(&f);
	cli_acct_close(&ca);
	return st;
}
