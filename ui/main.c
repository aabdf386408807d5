/* postie's entry point: process setup, global options, then either a
 * subcommand or the TUI. */
#include "common.h"

#include <getopt.h>
#include <malloc.h>
#include <signal.h>

#include "cli/cli.h"
#include "tui/tui.h"

static void usage(void)
{
	printf(_("Usage: postie [GLOBAL OPTIONS] [COMMAND [OPTIONS] [ARGS]]\n"
		 "A terminal mail client for IMAP and POP3 accounts.\n"
		 "Without a command, postie opens its full-screen interface.\n\n"
		 "Global options:\n"
		 "  -F, --config-dir DIR  read configuration from DIR\n"
		 "                        (default $XDG_CONFIG_HOME/postie or ~/.config/postie)\n"
		 "  -D, --data-dir DIR    keep mail and state in DIR\n"
		 "                        (default $XDG_DATA_HOME/postie or ~/.local/share/postie)\n"
		 "  -a, --account NAME    work on account NAME\n"
		 "  -f, --folder NAME     open folder NAME first (the interface)\n"
		 "      --trace FILE      write every protocol line to FILE, secrets redacted\n"
		 "  -y, --yes             answer yes to confirmations (for scripts)\n"
		 "  -h, --help            show this help\n"
		 "  -V, --version         show the version\n\n"
		 "Commands:\n"));
	cli_list_commands();
	printf(_("\nRun 'postie help COMMAND' for a command's options.\n"
		 "Exit status: 0 success, 1 failure while running, 2 usage or configuration error.\n"));
}

static void version(void)
{
	printf("postie %s\n", PACKAGE_VERSION);
	printf(_("Copyright (C) 2026 the postie developers.\n"
		 "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>.\n"));
}

static void setup_process(void)
{
	setlocale(LC_ALL, "");
	/* Tests run postie uninstalled and point it at the built catalogues. */
	const char *localedir = getenv("POSTIE_LOCALEDIR");
	bindtextdomain(PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
	bind_textdomain_codeset(PACKAGE, "UTF-8");
	textdomain(PACKAGE);
	/* libetpan writes with send(..., 0): a closed peer must not kill us. */
	signal(SIGPIPE, SIG_IGN);
	/* Large buffers (a folder's index and string pool, a sync's batches) in
	 * their own mappings: they grow by mremap without a copy and go back to
	 * the system when freed. glibc's default threshold rises as such buffers
	 * are freed, after which they come from the heap and stay (measured: a
	 * 100,000-message cold open peaked at 66 MiB instead of 51). */
	mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config-dir", required_argument, NULL, 'F' },
		{ "data-dir", required_argument, NULL, 'D' },
		{ "account", required_argument, NULL, 'a' },
		{ "folder", required_argument, NULL, 'f' },
		{ "trace", required_argument, NULL, 'T' },
		{ "yes", no_argument, NULL, 'y' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	setup_process();
	struct cli cli = { 0 };
	int opt;
	while ((opt = getopt_long(argc, argv, "+F:D:a:f:yhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'F': cli.config_dir_opt = optarg; break;
		case 'D': cli.data_dir_opt = optarg; break;
		case 'a': cli.account = optarg; break;
		case 'f': cli.folder = optarg; break;
		case 'T': cli.trace_file = optarg; break;
		case 'y': cli.assume_yes = true; break;
		case 'h': usage(); return EXIT_OK;
		case 'V': version(); return EXIT_OK;
		default:
			fprintf(stderr, _("Try 'postie --help'.\n"));
			return EXIT_USAGE;
		}
	}
	int status;
	if (optind >= argc) {
		status = tui_main(&cli);
	} else {
		const struct cli_command *cmd = cli_find_command(argv[optind]);
		if (!cmd)
			status = cli_usage_error(NULL, _("unknown command '%s'"), argv[optind]);
		else
			status = cmd->run(&cli, argc - optind, argv + optind);
	}
	cli_release(&cli);
	if (fflush(stdout) != 0 && status == EXIT_OK)
		status = EXIT_RUNTIME;
	return status;
}
