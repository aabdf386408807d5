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
	{ "check-account", N_("[--accept-cert=once|always]"),
	  N_("Connect to the account's servers, log in and report each step."),
	  N_("Connects to the account's IMAP or POP3 server and to its SMTP server,\n"
	     "logs in, runs a harmless command and prints each step with the TLS details\n"
	     "(protocol, cipher, certificate subject, issuer, expiry, fingerprint).\n\n"
	     "Options:\n"
	     "  --accept-cert=once    accept a certificate that fails verification for this\n"
	     "                        run only (check its fingerprint first)\n"
	     "  --accept-cert=always  accept it and keep its key in DATA_DIR/known_servers,\n"
	     "                        so later connections trust it without asking\n\n"
	     "A key kept that way which later changes is refused, never accepted silently.\n"
	     "Exits 0 when every check passed, 1 when one failed, 2 on a usage or\n"
	     "configuration error.\n"),
	  cmd_check_account },
	{ "add-account", N_("[--accept-cert=once|always]"),
	  N_("Set up an account: a few questions, then a connection test."),
	  N_("Asks for the address, IMAP or POP3, the servers, the user name and where the\n"
	     "password comes from, writes CONFIG_DIR/accounts/NAME.conf (mode 600) and tests\n"
	     "the connection like check-account. Answers are read from standard input.\n"
	     "The interface runs the same questions when no account exists yet.\n\n"
	     "Options:\n"
	     "  --accept-cert=once|always  as for check-account, during the test\n"),
	  cmd_add_account },
	{ "show", N_("--file PATH|- [OPTIONS]"),
	  N_("Show a message: rendered, raw, or its attachments."),
	  N_("Renders a message file (- for standard input) for reading: the headers of\n"
	     "the display list, then the body, text wrapped to the width, HTML converted,\n"
	     "attachments listed. Everything a message supplies is made safe for the\n"
	     "terminal, also when the output goes into a pipe.\n\n"
	     "Options:\n"
	     "  -f, --file PATH       the message, as a file; - reads standard input\n"
	     "  -w, --width N         wrap at N columns (default: the terminal's, else 80)\n"
	     "      --headers LIST    all, or header names separated by commas\n"
	     "                        (default: show_headers, else Date,From,To,Cc,Subject)\n"
	     "      --prefer html|text  which part of a multipart/alternative to show\n"
	     "      --mailcap, --no-mailcap  convert HTML with a mailcap copiousoutput entry\n"
	     "                        (default: yes, unless html_mailcap = no)\n"
	     "      --raw             the message exactly as stored (made safe only on a\n"
	     "                        terminal)\n"
	     "      --part N          with --raw: only attachment N, as sent\n"
	     "      --attachments     list the attachments: number, name, type, size\n"
	     "      --save N|all      save attachment N, or all of them, under safe names;\n"
	     "                        an existing file is replaced only after asking\n"
	     "                        (or with --yes)\n"
	     "      --to DIR          where --save writes (default: the current directory)\n"
	     "      --open N          open attachment N with its mailcap viewer\n"),
	  cmd_show },
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
