/* The functions behind the rows of cli_commands[]: one file each. */
#ifndef POSTIE_UI_COMMANDS_H
#define POSTIE_UI_COMMANDS_H

struct cli;

int cmd_add_account(struct cli *cli, int argc, char **argv);
int cmd_check_account(struct cli *cli, int argc, char **argv);
int cmd_check_config(struct cli *cli, int argc, char **argv);
int cmd_help(struct cli *cli, int argc, char **argv);
int cmd_show(struct cli *cli, int argc, char **argv);
int cmd_send(struct cli *cli, int argc, char **argv);
int cmd_outbox(struct cli *cli, int argc, char **argv);
int cmd_compose(struct cli *cli, int argc, char **argv);
int cmd_sync(struct cli *cli, int argc, char **argv);
int cmd_folders(struct cli *cli, int argc, char **argv);
int cmd_list(struct cli *cli, int argc, char **argv);
int cmd_flag(struct cli *cli, int argc, char **argv);
int cmd_move(struct cli *cli, int argc, char **argv);
int cmd_copy(struct cli *cli, int argc, char **argv);
int cmd_delete(struct cli *cli, int argc, char **argv);
int cmd_expunge(struct cli *cli, int argc, char **argv);
int cmd_watch(struct cli *cli, int argc, char **argv);
int cmd_bench_open(struct cli *cli, int argc, char **argv);

int cmd_export(struct cli *cli, int argc, char **argv);
int cmd_store(struct cli *cli, int argc, char **argv);
int cmd_store_check(struct cli *cli, int argc, char **argv);
int cmd_store_compact(struct cli *cli, int argc, char **argv);
int cmd_store_import(struct cli *cli, int argc, char **argv);

#endif
