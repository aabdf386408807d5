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
	{ "sync", "", N_("Bring an account's store up to date with its server."),
	  N_("IMAP: carries changes made offline to the server, then brings every folder\n"
	     "in the store in line with it. POP3: downloads every new message into the\n"
	     "INBOX and then deletes it on the server (unless leave_on_server = yes), only\n"
	     "after it is safely on disk; deletions the account's keys make due are\n"
	     "carried out too. Progress goes to standard error on a terminal; the number\n"
	     "of new messages to standard output.\n\n"
	     "Exits 0 when the sync completed, 1 when it failed (what was stored before the\n"
	     "failure stays stored, and nothing is lost), 2 on a usage or configuration\n"
	     "error.\n"),
	  cmd_sync },
	{ "export", N_("[FOLDER] --maildir DIR | --mbox FILE"),
	  N_("Write stored mail out as a Maildir or an mbox file."),
	  N_("Writes the messages postie has stored for the account (-a, else the default)\n"
	     "in a standard format, so they are never locked in. Without FOLDER every\n"
	     "folder is written, each as a Maildir under DIR; --mbox needs a FOLDER unless\n"
	     "the account has only one. Messages whose body was never downloaded are left\n"
	     "out and counted. Needs postie to be stopped.\n\n"
	     "Options:\n"
	     "      --maildir DIR     write Maildirs (flags in the file names); DIR may exist\n"
	     "      --mbox FILE       write one mboxrd file, with Status/X-Status flags;\n"
	     "                        FILE must not exist\n"
	     "      --salvage         rescue every message body of a damaged account into\n"
	     "                        the Maildir DIR, whatever its other files say\n"),
	  cmd_export },
	{ "store", N_("check | compact"), N_("Check or compact the local store."),
	  N_("store check     reads every record of every account (or of -a's) and\n"
	     "                reports damage; exits 1 if it finds any.\n"
	     "store compact   rewrites the account files without free space, repacking\n"
	     "                summaries and dropping cached bodies of vanished messages.\n\n"
	     "Both need postie to be stopped. See doc/store.md for what is where.\n"),
	  cmd_store },
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
