/* postie flag FOLDER IDS +FLAG|-FLAG...: set and clear flags and keywords,
 * in the store at once and on the server at the next sync. */
#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "util/array.h"
#include "util/err.h"
#include "util/strutil.h"

static const struct { const char *name; uint32_t bit; } flag_words[] = {
	{ "seen", MSG_SEEN }, { "read", MSG_SEEN }, { "answered", MSG_ANSWERED },
	{ "replied", MSG_ANSWERED }, { "flagged", MSG_FLAGGED }, { "deleted", MSG_DELETED },
	{ "draft", MSG_DRAFT },
};

typedef ARRAY(const char *) word_list;

/* One +NAME or -NAME: a system flag (seen or \Seen) or a keyword. */
static int parse_change(const char *arg, uint32_t *add, uint32_t *del, word_list *kw_add,
			word_list *kw_del)
{
	if ((arg[0] != '+' && arg[0] != '-') || !arg[1])
		return cli_usage_error("flag", _("'%s': give +FLAG to set or -FLAG to clear "
						 "(seen, answered, flagged, deleted, draft, or a "
						 "keyword)"), arg);
	bool plus = arg[0] == '+';
	const char *name = arg + 1;
	bool system = name[0] == '\\';
	for (size_t i = 0; i < ARRAY_SIZE(flag_words); i++) {
		if (str_casecmp(name + system, flag_words[i].name) == 0) {
			*(plus ? add : del) |= flag_words[i].bit;
			return 0;
		}
	}
	if (system)
		return cli_usage_error("flag", _("'%s' is not a flag postie can set"), name);
	ARRAY_PUSH(plus ? kw_add : kw_del, name);
	return 0;
}

int cmd_flag(struct cli *cli, int argc, char **argv)
{
	/* "+": -seen after the operands is an operand, not an option. */
	int st = cli_plain_options(cli, "flag", argc, argv, "+");
	if (st >= 0)
		return st;
	if (argc - optind < 3)
		return cli_usage_error("flag", _("give a folder, message ids and +FLAG or -FLAG"));
	struct cli_ids ids = ARRAY_INIT;
	uint32_t add = 0, del = 0;
	word_list kw_add = ARRAY_INIT, kw_del = ARRAY_INIT;
	st = cli_parse_ids("flag", argv[optind + 1], &ids) < 0 ? EXIT_USAGE : 0;
	for (int i = optind + 2; i < argc && !st; i++)
		st = parse_change(argv[i], &add, &del, &kw_add, &kw_del);
	struct cli_ops o;
	if (!st)
		st = cli_ops_open(cli, argv[optind], &o);
	if (!st) {
		struct err err = ERR_INIT;
		if (ops_set_flags(&o.ctx, o.f.id, ids.v, ids.n, add, del, kw_add.v, kw_add.n,
				  kw_del.v, kw_del.n, &err) < 0)
			st = cli_fail_clear(&err);
		cli_ops_close(&o);
	}
	ARRAY_RELEASE(&ids);
	ARRAY_RELEASE(&kw_add);
	ARRAY_RELEASE(&kw_del);
	return st;
}
