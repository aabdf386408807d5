#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "core/commands.h"
#include "util/buf.h"
#include "util/sanitize.h"

static void print_account(const struct account_conf *a)
{
	char *line;
	if (a->smtp_host)
		line = xasprintf(_("%s: %s %s:%d (%s), user %s; smtp %s:%d (%s)"), a->account,
				 conf_protocol_name(a->protocol), a->host, account_port(a),
				 conf_tls_name(a->tls), a->user, a->smtp_host, account_smtp_port(a),
				 conf_tls_name(a->smtp_tls));
	else
		line = xasprintf(_("%s: %s %s:%d (%s), user %s; no smtp_host, cannot send"),
				 a->account, conf_protocol_name(a->protocol), a->host,
				 account_port(a), conf_tls_name(a->tls), a->user);
	char *safe = sanitize_dup(line, 0);
	printf("%s\n", safe);
	free(safe);
	free(line);
}

/* --list-keys: every key name, for scripts, completion and the test that
 * holds the manual pages to them. Reads no configuration. */
static int list_keys(void)
{
	for (const char *const *k = conf_global_key_names(); *k; k++)
		printf("global %s\n", *k);
	for (const char *const *k = conf_account_key_names(); *k; k++)
		printf("account %s\n", *k);
	return EXIT_OK;
}

/* --list-bindings: the interface's default key bindings, a line per screen
 * and command ("index delete-message d"), then "none COMMAND" for each
 * command without a default key, each with a tab and the command's help:
 * what `bind` lines name, for the manual (doc/manpage_keys.py). */
static int list_bindings(void)
{
	struct keymap *km = keymap_new();
	bool bound[CMD_N] = { false };
	struct buf line = BUF_INIT;
	for (int ctx = 0; ctx < CTX_N; ctx++) {
		size_t n;
		struct keymap_entry *v = keymap_list(km, (enum cmd_ctx)ctx, &n);
		int cur = -1;   /* the command of the line being built */
		for (size_t i = 0; i <= n; i++) {
			if (i < n && v[i].generic)
				continue;
			if (cur >= 0 && (i == n || (int)v[i].cmd != cur)) {
				printf("%s\t%s\n", buf_cstr(&line), command_help((enum cmd)cur));
				cur = -1;
			}
			if (i == n)
				break;
			if (cur < 0) {
				cur = (int)v[i].cmd;
				buf_reset(&line);
				buf_addf(&line, "%s %s", command_ctx_name((enum cmd_ctx)ctx),
					 command_name(v[i].cmd));
			}
			buf_addc(&line, ' ');
			keyspec_format(v[i].key, &line);
			bound[v[i].cmd] = true;
		}
		free(v);
	}
	for (int c = 0; c < CMD_N; c++)
		if (!bound[c] && c != CMD_NOOP)
			printf("none %s\t%s\n", command_name((enum cmd)c), command_help((enum cmd)c));
	buf_release(&line);
	keymap_free(&km);
	return EXIT_OK;
}

int cmd_check_config(struct cli *cli, int argc, char **argv)
{
	enum { OPT_LIST_KEYS = 256, OPT_LIST_BINDINGS };
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "list-keys", no_argument, NULL, OPT_LIST_KEYS },
		{ "list-bindings", no_argument, NULL, OPT_LIST_BINDINGS },
		{ NULL, 0, NULL, 0 },
	};
	int list = 0;
	int opt;
	optind = 0;
	while ((opt = cli_getopt(cli, "check-config", argc, argv, "", longopts)) != -1) {
		if (opt == CLI_OPT_HELP)
			return EXIT_OK;
		if (opt != OPT_LIST_KEYS && opt != OPT_LIST_BINDINGS)
			return cli_usage_error("check-config", _("unknown option"));
		list = opt;
	}
	if (optind < argc)
		return cli_usage_error("check-config", _("unexpected argument '%s'"), argv[optind]);
	if (list)
		return list == OPT_LIST_KEYS ? list_keys() : list_bindings();

	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	if (conf->n_accounts == 0) {
		cli_error(_("no account is configured in %s/accounts (add NAME.conf there, "
			    "or run 'postie add-account')"), conf->dir);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < conf->n_accounts; i++)
		if (!cli->account || strcmp(cli->account, conf->accounts[i].account) == 0)
			print_account(&conf->accounts[i]);
	if (cli->account && !conf_find_account(conf, cli->account)) {
		cli_error(_("no account '%s'"), cli->account);
		return EXIT_USAGE;
	}
	return EXIT_OK;
}
