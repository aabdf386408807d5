## ui: main, the command line and the ncurses interface.
postie_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/ui
postie_SOURCES += \
	ui/main.c \
	ui/cli/cli.c ui/cli/cli.h \
	ui/cli/commands.c ui/cli/commands.h \
	ui/cli/cmd_add_account.c \
	ui/cli/cmd_check_account.c \
	ui/cli/cmd_check_config.c \
	ui/cli/cmd_show.c \
	ui/cli/netui.c \
	ui/tui/actions.c \
	ui/tui/compose.c \
	ui/tui/draw.c \
	ui/tui/events.c \
	ui/tui/help.c \
	ui/tui/index.c \
	ui/tui/outbox.c \
	ui/tui/pager.c \
	ui/tui/prompt.c ui/tui/prompt.h \
	ui/tui/sidebar.c \
	ui/tui/tui.c ui/tui/tui.h ui/tui/tui-private.h
