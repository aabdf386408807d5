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
	{ "send", N_("[-t] [-f FROM] [--queue-only] [ADDRESS...] < MESSAGE"),
	  N_("Send a whole message read from standard input, like sendmail."),
	  N_("Reads a complete message (headers, a blank line, the body) from standard\n"
	     "input, adds Date, Message-ID and From (the account's identity) when they are\n"
	     "missing, removes Bcc, makes 8-bit content 7-bit, and queues it in the\n"
	     "account's outbox, on the disk, before any connection is made. Then it tries\n"
	     "to send it at once and prints what happened: sent; queued, to be retried\n"
	     "(the server could not be reached, or said to try later); or not sent (the\n"
	     "server refused it: see postie outbox).\n\n"
	     "Options:\n"
	     "  -t                 also send to the addresses in To, Cc and Bcc\n"
	     "  -f ADDRESS         the envelope sender (default: the account's address)\n"
	     "  -i, -oi            accepted for sendmail compatibility (a lone dot never\n"
	     "                     ends the message here)\n"
	     "      --queue-only   queue it; postie outbox flush (or the interface) sends it\n"
	     "  -v, --verbose      show each step\n\n"
	     "Exits 0 when the message is sent or safely queued, 1 when the server refused\n"
	     "it for good (it stays in the outbox), 2 on a usage error.\n"),
	  cmd_send },
	{ "compose", N_("[OPTIONS] [ADDRESS...]"),
	  N_("Write, reply to, forward or postpone a message from the command line."),
	  N_("Builds a message like the interface's compose screen: From from the account,\n"
	     "the body from standard input (or an editor), attachments, then queues and\n"
	     "sends it like postie send, or postpones it to Drafts.\n\n"
	     "Options:\n"
	     "  -s, --subject TEXT       the subject\n"
	     "  -c, --cc LIST            Cc addresses;  -b, --bcc LIST  Bcc addresses\n"
	     "  -A, --attach FILE        attach a file (repeat for more)\n"
	     "  -H, --draft FILE         a draft with headers at the top (- for standard input)\n"
	     "      --reply FILE         reply to the message in FILE\n"
	     "      --group-reply FILE   reply to everyone\n"
	     "      --list-reply FILE    reply to its mailing list\n"
	     "      --forward FILE       forward it inline\n"
	     "      --forward-attached FILE  forward it as an attachment\n"
	     "      --resume FILE        continue a postponed draft saved in FILE\n"
	     "      --edit               edit the message in $VISUAL, $EDITOR or vi\n"
	     "      --postpone           save it in Drafts instead of sending it\n"
	     "      --print              print the message that would be sent\n"
	     "      --print-draft        print the text the editor would show\n"
	     "      --queue-only         queue it without sending now\n"),
	  cmd_compose },
	{ "outbox", N_("[list|flush|show ID|retry ID|hold ID|drop ID]"),
	  N_("List, send, retry or drop the messages waiting to be sent."),
	  N_("list          every message in the outbox with its state, its recipients'\n"
	     "              results and the reason of the last failure (default)\n"
	     "flush         send everything queued now, whatever its retry time\n"
	     "show ID       print message ID as it will be sent\n"
	     "retry ID      try a failed or held message again (refused recipients too)\n"
	     "hold ID       keep a message back until retry\n"
	     "drop ID       remove a message for good\n\n"
	     "Without -a, list and flush work on every account. A message that failed for\n"
	     "a temporary reason is retried with growing delays (1 minute to an hour) for\n"
	     "5 days. Exits 1 when flush leaves something unsent.\n"),
	  cmd_outbox },
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
