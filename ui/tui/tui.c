#include "common.h"

#include <curses.h>
#include <unistd.h>

#include "cli/cli.h"
#include "conf/conf.h"
#include "tui/tui.h"

int tui_main(struct cli *cli)
{
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		cli_error(_("the interface needs a terminal; see 'postie --help' for commands"));
		return EXIT_USAGE;
	}
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	for (;;) {
		erase();
		mvprintw(0, 0, "%s", _("postie"));
		mvprintw(2, 0, ngettext("%zu account configured.", "%zu accounts configured.",
					conf->n_accounts), conf->n_accounts);
		mvprintw(3, 0, "%s", _("The mail view is not built yet. Press q to quit."));
		refresh();
		int ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
	}
	endwin();
	return EXIT_OK;
}
