#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"

/* Every subcommand, in the order `postie --help` lists them. */
const struct cli_command cli_commands[] = {
	{ "check-config", "", N_("Check every configuration file and list every problem."),
	  N_("Reads postie.conf and every accounts/NAME.conf and prints each problem as\n"
	     "FILE:LINE: message. Exits 0 and prints one line per account when all is well,\n"
	     "2 when there is a problem.\n"),
	  cmd_check_config },
	{ "help", N_("[COMMAND]"), N_("Show help for postie or for one command."), NULL, cmd_help },
	{ NULL, NULL, NULL, NULL, NULL },
};

void cli_list_commands(void)
{
	for (const struct cli_command *c = cli_commands; c->name; c++)
		printf("  %-14s %s\n", c->name, _(c->summary));
}

int cmd_help(struct cli *cli, int argc, char **argv)
{
	(void)cli;
	if (argc < 2) {
		cli_list_commands();
		return EXIT_OK;
	}
	const struct cli_command *cmd = cli_find_command(argv[1]);
	if (!cmd)
		return cli_usage_error(NULL, _("unknown command '%s'"), argv[1]);
	cli_command_help(cmd);
	return EXIT_OK;
}
