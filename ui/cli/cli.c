#include "common.h"

#include <stdarg.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "core/uiconf.h"
#include "net/net.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/width.h"

void cli_print(FILE *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	char *safe = sanitize_dup(msg, SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB);
	fputs(safe, out);
	fflush(out);
	free(safe);
	free(msg);
}

void cli_print_fields(FILE *out, int indent, int gap, const struct cli_field *fields, size_t n)
{
	size_t widest = 0;
	for (size_t i = 0; i < n; i++) {
		size_t w = utf8_width(fields[i].label, strlen(fields[i].label));
		if (w > widest)
			widest = w;
	}
	for (size_t i = 0; i < n; i++) {
		size_t pad = widest - utf8_width(fields[i].label, strlen(fields[i].label)) + (size_t)gap;
		cli_print(out, "%*s%s%*s%s\n", indent, "", fields[i].label, (int)pad, "",
			  fields[i].value);
	}
}

bool cli_answer_is_yes(const char *answer)
{
	/* TRANSLATORS: letters that answer yes to [y/N]; y and Y always work too. */
	const char *yes = _("yY");
	unsigned char c = (unsigned char)answer[0];
	return c && (c == 'y' || c == 'Y' || (c < 0x80 && strchr(yes, c)));
}

void cli_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* Error text often quotes a server or a file: never let it drive the terminal. */
	char *safe = sanitize_dup(msg, SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB);
	fprintf(stderr, "postie: %s\n", safe);
	free(safe);
	free(msg);
}

int cli_fail(const struct err *err)
{
	cli_error("%s", err_msg(err));
	switch (err->kind) {
	case ERR_USAGE:
	case ERR_CONFIG:
		return EXIT_USAGE;
	default:
		return EXIT_RUNTIME;
	}
}

int cli_usage_error(const char *command, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *msg = xvasprintf(fmt, ap);
	va_end(ap);
	cli_error("%s", msg);
	free(msg);
	if (command)
		fprintf(stderr, _("Try 'postie %s --help'.\n"), command);
	else
		fprintf(stderr, _("Try 'postie --help'.\n"));
	return EXIT_USAGE;
}

void cli_command_help(const struct cli_command *cmd)
{
	printf(_("Usage: postie [GLOBAL OPTIONS] %s %s\n"), cmd->name, _(cmd->synopsis));
	printf("%s\n", _(cmd->summary));
	if (cmd->help)
		printf("\n%s", _(cmd->help));
	printf(_("\nCommon options:\n"
		 "  -a, --account NAME   work on account NAME (also accepted before the command)\n"
		 "  -h, --help           show this help\n"));
}

int cli_common_option(struct cli *cli, const struct cli_command *cmd, int opt)
{
	switch (opt) {
	case 'a':
		cli->account = optarg;
		return 1;
	case 'h':
		cli_command_help(cmd);
		return -1;
	default:
		return 0;
	}
}

int cli_getopt(struct cli *cli, const char *command, int argc, char **argv,
	       const char *shortopts, const struct option *longopts)
{
	static const struct option common[] = { CLI_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	bool strict = *shortopts == '+';
	char *opts = xasprintf("%s%s%s", strict ? "+" : "", CLI_COMMON_SHORTOPTS_ANYWHERE,
			       shortopts + strict);
	int opt;
	for (;;) {
		opt = getopt_long(argc, argv, opts, longopts ? longopts : common, NULL);
		int r = opt == -1 ? 0 : cli_common_option(cli, cli_find_command(command), opt);
		if (r < 0)
			opt = CLI_OPT_HELP;
		if (r <= 0)
			break;
	}
	free(opts);
	return opt;
}

int cli_plain_options(struct cli *cli, const char *command, int argc, char **argv,
		      const char *shortopts)
{
	optind = 0;
	int opt = cli_getopt(cli, command, argc, argv, shortopts, NULL);
	if (opt == CLI_OPT_HELP)
		return EXIT_OK;
	if (opt != -1)
		return cli_usage_error(command, _("unknown option"));
	return -1;
}

bool cli_no_options(struct cli *cli, const char *command, int argc, char **argv, int *status)
{
	int st = cli_plain_options(cli, command, argc, argv, "+");
	if (st < 0 && optind < argc)
		st = cli_usage_error(command, _("unexpected argument '%s'"), argv[optind]);
	if (st < 0)
		return false;
	*status = st;
	return true;
}

const char *cli_data_dir(struct cli *cli)
{
	if (!cli->data_dir)
		cli->data_dir = paths_data_dir(cli->data_dir_opt);
	return cli->data_dir;
}

static void print_diag(const struct conf_diag *d)
{
	struct buf line = BUF_INIT;
	if (d->line)
		buf_addf(&line, "%s:%u: %s", d->file, d->line, d->msg);
	else
		buf_addf(&line, "%s: %s", d->file, d->msg);
	char *safe = sanitize_dup(buf_cstr(&line), 0);
	fprintf(stderr, "%s\n", safe);
	free(safe);
	buf_release(&line);
}

struct conf *cli_conf(struct cli *cli)
{
	if (cli->conf)
		return cli->conf;
	if (!cli->config_dir)
		cli->config_dir = paths_config_dir(cli->config_dir_opt);
	struct conf_diags diags = { 0 };
	struct conf *conf;
	int bad = conf_load(cli->config_dir, &conf, &diags) < 0;
	/* bind, color and index_format need the interface's catalogues */
	bad |= uiconf_apply(conf, NULL, NULL, &diags) > 0;
	if (bad) {
		for (size_t i = 0; i < diags.n; i++)
			print_diag(&diags.v[i]);
		conf_diags_release(&diags);
		conf_free(&conf);
		return NULL;
	}
	conf_diags_release(&diags);
	cli->conf = conf;
	return conf;
}

const struct account_conf *cli_account(struct cli *cli)
{
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return NULL;
	struct err err = ERR_INIT;
	const struct account_conf *a = conf_pick_account(conf, cli->account, &err);
	if (!a) {
		cli_error("%s", err_msg(&err));
		err_clear(&err);
	}
	return a;
}

const struct cli_command *cli_find_command(const char *name)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

void cli_release(struct cli *cli)
{
	store_close(&cli->store);
	net_ctx_free(&cli->net);
	conf_free(&cli->conf);
	FREE(&cli->config_dir);
	FREE(&cli->data_dir);
}
