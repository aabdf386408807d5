#include "common.h"

#include "cli/cli.h"
#include "cli/commands.h"

/* Every subcommand, in the order `postie --help` lists them. */
const struct cli_command cli_commands[] = {
	{ "check-config", N_("[--list-keys | --list-bindings]"),
	  N_("Check every configuration file and list every problem."),
	  N_("Reads postie.conf and every accounts/NAME.conf and prints each problem as\n"
	     "FILE:LINE: message. Exits 0 and prints one line per account when all is well,\n"
	     "2 when there is a problem.\n\n"
	     "Options:\n"
	     "      --list-keys       print the name of every key postie.conf (global) and\n"
	     "                        an account file (account) accept, and nothing else\n"
	     "      --list-bindings   print the interface's default keys: screen, command,\n"
	     "                        keys (what bind lines name)\n"),
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
	{ "sync", N_("[--full] [--bodies|--no-bodies] [-q] [FOLDER...]"),
	  N_("Bring the stored mail in line with the server."),
	  N_("For every account (or the one -a names). IMAP: sends what was done offline\n"
	     "(flags, moves, deletions, saved messages) to the server, then fetches the\n"
	     "folder list, new messages and changes made elsewhere, for every folder (or\n"
	     "those named). POP3: downloads every new message into the INBOX and then\n"
	     "deletes it on the server (unless leave_on_server = yes), only after it is\n"
	     "safely on disk; deletions the account's keys make due are carried out too.\n"
	     "Progress goes to standard error on a terminal; the number of new messages\n"
	     "to standard output.\n\n"
	     "Options:\n"
	     "  --full       IMAP: also compare every stored message with the server,\n"
	     "               whatever shortcuts (QRESYNC, CONDSTORE) it offers\n"
	     "  --bodies     IMAP: also fetch message bodies for offline reading, per\n"
	     "               sync_bodies (the default when sync_bodies is set); --no-bodies:\n"
	     "               do not\n"
	     "  -q, --quiet  no progress\n\n"
	     "Exits 0 when everything was synced, 1 when something failed (what was stored\n"
	     "before the failure stays stored, and nothing is lost), 2 on a usage or\n"
	     "configuration error.\n"),
	  cmd_sync },
	{ "folders", N_("[--json] [--all] | create|delete|subscribe|unsubscribe NAME | rename OLD NEW"),
	  N_("List the account's folders with their counts, or manage them."),
	  N_("One folder a line from the stored mail (works offline): unread and total\n"
	     "messages, then the name. With --json, one JSON object a line: name, unread,\n"
	     "total, role (inbox, sent, drafts, trash, junk, archive, ...), subscribed,\n"
	     "selectable, uidvalidity. With subscribed_only = yes (the default) only\n"
	     "subscribed folders and special ones (INBOX, Sent, Trash, ...) are listed;\n"
	     "--all lists every folder.\n\n"
	     "create NAME, rename OLD NEW, delete NAME, subscribe NAME, unsubscribe NAME\n"
	     "manage folders (names in UTF-8): on the server for IMAP accounts, which\n"
	     "must be reachable (a created folder is subscribed; a renamed one keeps its\n"
	     "subscription), in the store for POP3 accounts' local folders.\n"),
	  cmd_folders },
	{ "list", N_("[--json] FOLDER"), N_("List the messages of a folder."),
	  N_("One message a line from the stored mail (works offline): id, date, flags\n"
	     "(N new, D deleted, ! flagged, r replied, @ attachment), sender and subject.\n"
	     "The id is what show, flag, move and delete take (the IMAP UID).\n"
	     "With --json, one JSON object a line: id, message_id, date and internaldate\n"
	     "(ISO 8601, UTC), from, to, cc, subject (decoded), flags (IMAP flag names and\n"
	     "keywords), size, attachment, in_reply_to, references.\n"),
	  cmd_list },
	{ "flag", N_("FOLDER IDS +FLAG|-FLAG..."), N_("Set or clear flags and keywords."),
	  N_("Sets (+) or clears (-) flags of messages: seen, answered, flagged,\n"
	     "deleted, draft (or their IMAP names, \\Seen ...), or any other word as a\n"
	     "keyword ($Label1, $Junk). IDS is an id or a list like 3,5,9-12. The change\n"
	     "is made in the stored mail at once and reaches the server at the next sync.\n"),
	  cmd_flag },
	{ "move", N_("FOLDER IDS DEST"), N_("Move messages to another folder."),
	  N_("Moves messages (IDS like 3,5,9-12) from FOLDER to DEST: at once in the\n"
	     "stored mail, on the server at the next sync.\n"),
	  cmd_move },
	{ "copy", N_("FOLDER IDS DEST"), N_("Copy messages to another folder."),
	  N_("Copies messages (IDS like 3,5,9-12) from FOLDER to DEST, on the server at the\n"
	     "next sync (the copies appear in DEST then).\n"),
	  cmd_copy },
	{ "delete", N_("FOLDER IDS"), N_("Delete messages (to the Trash, or mark them)."),
	  N_("With delete_policy = trash (the default) messages move to the Trash folder;\n"
	     "in the Trash itself, or with delete_policy = flag, they are marked deleted\n"
	     "and go at the next expunge. At once in the stored mail, on the server at the\n"
	     "next sync.\n"),
	  cmd_delete },
	{ "expunge", N_("FOLDER"), N_("Remove the messages marked deleted, for good."),
	  N_("Removes every message of FOLDER that is marked deleted: at once in the\n"
	     "stored mail, on the server at the next sync.\n"),
	  cmd_expunge },
	{ "show", N_("FOLDER ID | --file PATH|- [OPTIONS]"),
	  N_("Show a message: rendered, raw, or its attachments."),
	  N_("Renders a message for reading: FOLDER ID from the stored mail (fetched from\n"
	     "the server and kept when it is not stored yet), or a message file (- for\n"
	     "standard input): the headers of the display list, then the body, text\n"
	     "wrapped to the width, HTML converted, attachments listed. Everything a\n"
	     "message supplies is made safe for the terminal, also when the output goes\n"
	     "into a pipe.\n\n"
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
	     "the body from standard input (on a terminal: written in the editor, with the\n"
	     "headers above it), attachments, then queues and sends it like postie send,\n"
	     "or postpones it to Drafts.\n\n"
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
	{ "watch", N_("[--once] [--timeout SECONDS] [--interval SECONDS] [FOLDER]"),
	  N_("Keep a folder in sync and report new mail as it arrives."),
	  N_("Syncs FOLDER (INBOX by default), then waits for changes on the server (IMAP\n"
	     "IDLE, or a check every --interval seconds, default 60, where the server has\n"
	     "no IDLE), keeping the stored mail in line and printing a line for new mail:\n"
	     "\"N new messages in FOLDER\". Runs until interrupted, --timeout seconds have\n"
	     "passed, or with --once after the first new mail.\n"),
	  cmd_watch },
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
	{ "bench-open", N_("[FOLDER]"), N_("Time opening a folder (for tests/bench)."),
	  N_("Does what the full-screen interface does to open a folder (loads its index\n"
	     "from the store, connects, syncs the folder) and prints, in milliseconds from\n"
	     "the start, when each step was done and when the first screen (the newest 50\n"
	     "messages) was there, with the peak memory. Used by tests/bench/imap-open.\n"),
	  cmd_bench_open },
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
