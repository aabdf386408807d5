/* The full-screen interface. The only part of postie that calls curses. */
#ifndef POSTIE_UI_TUI_H
#define POSTIE_UI_TUI_H

struct cli;

/* Runs the TUI until the user quits; returns an exit status. */
int tui_main(struct cli *cli);

#endif
