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
	ui/cli/cmd_send.c ui/cli/cmd_outbox.c ui/cli/cmd_compose.c \
	ui/cli/sendui.c ui/cli/sendui.h \
	ui/cli/cmd_sync.c \
	ui/cli/cmd_folders.c \
	ui/cli/cmd_list.c \
	ui/cli/cmd_flag.c \
	ui/cli/cmd_move.c \
	ui/cli/cmd_delete.c \
	ui/cli/cmd_bench_open.c \
	ui/cli/cmd_watch.c \
	ui/cli/mailstore.c \
	ui/cli/netui.c \
	ui/cli/storeui.c \
	ui/tui/actions.c \
	ui/tui/compose.c \
	ui/tui/draw.c \
	ui/tui/events.c \
	ui/tui/help.c \
	ui/tui/index.c \
	ui/tui/outbox.c \
	ui/tui/folders.c \
	ui/tui/pager.c \
	ui/tui/prompt.c ui/tui/prompt.h \
	ui/tui/sidebar.c \
	ui/tui/signals.c \
	ui/tui/tui.c ui/tui/tui.h ui/tui/tui-private.h
postie_SOURCES += \
	ui/cli/cmd_export.c \
	ui/cli/cmd_store.c ui/cli/cmd_store.h \
	ui/cli/cmd_store_check.c \
	ui/cli/cmd_store_compact.c \
	ui/cli/cmd_store_import.c
