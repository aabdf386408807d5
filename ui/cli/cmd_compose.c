/* postie compose: write a message from the command line (like mutt -s ...
 * < body), reply to or forward a message file, resume a draft, postpone to
 * Drafts, or print what would be sent. The full-screen interface has the
 * real compose screens; this drives the same core functions. */
#include "common.h"

#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "cli/sendui.h"
#include "conf/conf.h"
#include "msg/compose.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"

enum start { START_NEW, START_REPLY, START_GROUP, START_LIST, START_FORWARD, START_FORWARD_ATT,
	     START_RESUME };

struct compose_opts {
	enum start start;
	const char *file;               /* the message a reply, forward or resume starts from */
	const char *subject, *cc, *bcc, *draft;
	ARRAY(const char *) attach;
	bool edit, postpone, print, print_draft, queue_only;
};

enum { OPT_REPLY = 256, OPT_GROUP, OPT_LIST, OPT_FORWARD, OPT_FORWARD_ATT, OPT_RESUME,
       OPT_EDIT, OPT_POSTPONE, OPT_PRINT, OPT_PRINT_DRAFT, OPT_QUEUE_ONLY };

static int set_start(struct compose_opts *o, enum start s, const char *file)
{
	if (o->start != START_NEW)
		return cli_usage_error("compose", _("give only one of --reply, --group-reply, "
						    "--list-reply, --forward, --forward-attached, --resume"));
	o->start = s;
	o->file = file;
	return 0;
}

static int option(struct cli *cli, struct compose_opts *o, int opt)
{
	static const enum start starts[] = { START_REPLY, START_GROUP, START_LIST, START_FORWARD,
					     START_FORWARD_ATT, START_RESUME };
	switch (opt) {
	case 's': o->subject = optarg; return 0;
	case 'c': o->cc = optarg; return 0;
	case 'b': o->bcc = optarg; return 0;
	case 'H': o->draft = optarg; return 0;
	case 'A': ARRAY_PUSH(&o->attach, optarg); return 0;
	case 'v': cli->show_steps = true; return 0;
	case OPT_EDIT: o->edit = true; return 0;
	case OPT_POSTPONE: o->postpone = true; return 0;
	case OPT_PRINT: o->print = true; return 0;
	case OPT_PRINT_DRAFT: o->print_draft = true; return 0;
	case OPT_QUEUE_ONLY: o->queue_only = true; return 0;
	default:
		if (opt >= OPT_REPLY && opt <= OPT_RESUME)
			return set_start(o, starts[opt - OPT_REPLY], optarg);
	}
	int r = cli_common_option(cli, cli_find_command("compose"), opt);
	if (r < 0)
		return 1;
	return r == 0 ? cli_usage_error("compose", _("unknown option")) : 0;
}

static int parse(struct cli *cli, int argc, char **argv, struct compose_opts *o)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "subject", required_argument, NULL, 's' },
		{ "cc", required_argument, NULL, 'c' },
		{ "bcc", required_argument, NULL, 'b' },
		{ "attach", required_argument, NULL, 'A' },
		{ "draft", required_argument, NULL, 'H' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "reply", required_argument, NULL, OPT_REPLY },
		{ "group-reply", required_argument, NULL, OPT_GROUP },
		{ "list-reply", required_argument, NULL, OPT_LIST },
		{ "forward", required_argument, NULL, OPT_FORWARD },
		{ "forward-attached", required_argument, NULL, OPT_FORWARD_ATT },
		{ "resume", required_argument, NULL, OPT_RESUME },
		{ "edit", no_argument, NULL, OPT_EDIT },
		{ "postpone", no_argument, NULL, OPT_POSTPONE },
		{ "print", no_argument, NULL, OPT_PRINT },
		{ "print-draft", no_argument, NULL, OPT_PRINT_DRAFT },
		{ "queue-only", no_argument, NULL, OPT_QUEUE_ONLY },
		{ NULL, 0, NULL, 0 },
	};
	int opt;
	optind = 0;
	/* Without the leading '+': options may come after the arguments. */
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS "s:c:b:A:H:v" + 1, longopts,
				  NULL)) != -1) {
		int r = option(cli, o, opt);
		if (r)
			return r;
	}
	return 0;
}

/* The message c starts from: new, or made from the file o->file. */
static int start(const struct compose_ctx *ctx, const struct compose_opts *o,
		 struct msg_compose *c, struct err *err)
{
	if (o->start == START_NEW) {
		compose_new(ctx, c);
		return 0;
	}
	struct buf raw = BUF_INIT;
	int r = file_read_all(o->file, &raw, err);
	const char *s = raw.data ? raw.data : "";
	if (r < 0)
		msg_compose_init(c);
	else if (o->start == START_FORWARD || o->start == START_FORWARD_ATT)
		compose_forward(ctx, s, raw.len, o->start == START_FORWARD_ATT, c);
	else if (o->start == START_RESUME)
		msg_compose_from_message(c, s, raw.len);
	else
		r = compose_reply(ctx, s, raw.len, o->start == START_REPLY ? MSG_REPLY
				  : o->start == START_GROUP ? MSG_REPLY_GROUP : MSG_REPLY_LIST, c, err);
	buf_release(&raw);
	return r;
}

/* "a, b" + ", " + more */
static void append_list(char **field, const char *more)
{
	char *v = *field && **field ? xasprintf("%s, %s", *field, more) : xstrdup(more);
	free(*field);
	*field = v;
}

/* The options and arguments on top of what start() made. */
static int apply(const struct compose_opts *o, struct msg_compose *c, int nargs, char **args,
		 struct err *err)
{
	if (o->subject)
		msg_compose_set(&c->subject, o->subject);
	if (o->cc)
		append_list(&c->cc, o->cc);
	if (o->bcc)
		append_list(&c->bcc, o->bcc);
	for (int i = 0; i < nargs; i++)
		append_list(&c->to, args[i]);
	for (size_t i = 0; i < o->attach.n; i++)
		msg_compose_attach_file(c, o->attach.v[i], NULL, NULL);
	struct buf text = BUF_INIT;
	int r = 0;
	if (o->draft) {
		r = strcmp(o->draft, "-") == 0 ? cli_read_stdin(&text, err)
					       : file_read_all(o->draft, &text, err);
		if (r == 0)
			r = msg_compose_from_text(c, text.data ? text.data : "", text.len, true, err);
	} else if (!o->edit && !isatty(STDIN_FILENO)) {
		/* The text from standard input goes above what is there (a
		 * quote, a forwarded message, the signature). */
		r = cli_read_stdin(&text, err);
		if (r == 0 && text.len) {
			if (text.data[text.len - 1] != '\n')
				buf_addc(&text, '\n');
			buf_add(&text, c->body.data, c->body.len);
			buf_reset(&c->body);
			buf_add(&c->body, text.data, text.len);
		}
	}
	buf_release(&text);
	return r;
}

/* The editor: `editor` in postie.conf, else $VISUAL, else $EDITOR, else vi. */
static const char *editor(const char *configured)
{
	const char *ed = configured;
	if (!ed || !*ed)
		ed = getenv("VISUAL");
	if (!ed || !*ed)
		ed = getenv("EDITOR");
	return ed && *ed ? ed : "vi";
}

/* Runs the editor on the draft text (headers at the top) and reads it back. */
static int edit(const char *ed, struct msg_compose *c, struct err *err)
{
	const char *tmp = getenv("TMPDIR");
	char *path = xasprintf("%s/postie-draft-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(path);
	struct buf text = BUF_INIT;
	int r = 0;
	if (fd < 0) {
		r = err_set(err, ERR_IO, _("cannot make a file for the editor in %s: %s"),
			    tmp ? tmp : "/tmp", strerror(errno));
	} else {
		msg_compose_to_text(c, true, &text);
		if (write(fd, text.data, text.len) != (ssize_t)text.len)
			r = err_set(err, ERR_IO, _("writing %s: %s"), path, strerror(errno));
		close(fd);
	}
	if (r == 0) {
		char *cmd = xasprintf("%s \"$1\"", ed);
		pid_t pid = fork();
		if (pid == 0) {
			execl("/bin/sh", "sh", "-c", cmd, "sh", path, (char *)NULL);
			_exit(127);
		}
		int st = 0;
		if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
			r = err_set(err, ERR_IO, _("the editor (%s) failed; nothing was sent"), ed);
		free(cmd);
	}
	buf_reset(&text);
	if (r == 0 && (r = file_read_all(path, &text, err)) == 0)
		r = msg_compose_from_text(c, text.data ? text.data : "", text.len, true, err);
	if (fd >= 0)
		unlink(path);
	free(path);
	buf_release(&text);
	return r;
}

static int print_built(struct msg_compose *c, bool draft)
{
	struct msg_build_opts bo = { draft ? MSG_BUILD_DRAFT : MSG_BUILD_SEND, 0, NULL };
	struct buf out = BUF_INIT;
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (msg_compose_build(c, &bo, &out, NULL, &err) < 0)
		status = cli_fail(&err);
	else
		fwrite(out.data, 1, out.len, stdout);
	err_clear(&err);
	buf_release(&out);
	return status;
}

/* Postpones, or queues and (unless queue_only) sends at once. */
static int deliver(struct cli *cli, struct cli_outbox *ob, const struct compose_opts *o,
		   struct msg_compose *c)
{
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	uint64_t id = 0;
	uint32_t uid = 0;
	if (o->postpone) {
		if (compose_postpone(&ob->cctx, c, &uid, &err) < 0)
			status = cli_fail(&err);
		else
			cli_print(stdout, _("%s: postponed to Drafts\n"), ob->conf->account);
	} else if (compose_send(&ob->cctx, &ob->ctx, c, &id, &err) < 0) {
		status = cli_fail(&err);
	} else if (o->queue_only) {
		cli_print(stdout, _("%s: queued (message %llu)\n"), ob->conf->account,
			  (unsigned long long)id);
	} else {
		ob->verbose = cli->show_steps;
		if (outbox_flush(&ob->ctx, OUTBOX_FLUSH_NOW, id, NULL, &err) < 0)
			cli_error("%s", err_msg(&err));
		status = cli_outbox_report(ob, id);
	}
	err_clear(&err);
	return status;
}

static int run(struct cli *cli, const struct account_conf *a, const struct compose_opts *o,
	       int nargs, char **args)
{
	struct cli_outbox ob;
	bool network = !o->print && !o->print_draft && !o->postpone && !o->queue_only;
	bool stored = !o->print && !o->print_draft;
	if (stored && cli_outbox_open(cli, a, false, network, &ob) < 0)
		return EXIT_RUNTIME;
	struct compose_ctx cctx = { a, &cli_conf(cli)->global, stored ? ob.store : NULL };
	struct msg_compose c;
	struct err err = ERR_INIT;
	int status = EXIT_OK;
	if (start(&cctx, o, &c, &err) < 0 || apply(o, &c, nargs, args, &err) < 0 ||
	    (o->edit && edit(editor(cli_conf(cli)->global.editor), &c, &err) < 0)) {
		status = cli_fail(&err);
	} else if (o->print_draft) {
		struct buf t = BUF_INIT;
		msg_compose_to_text(&c, true, &t);
		fwrite(t.data, 1, t.len, stdout);
		buf_release(&t);
	} else if (o->print) {
		status = print_built(&c, false);
	} else {
		status = deliver(cli, &ob, o, &c);
	}
	err_clear(&err);
	msg_compose_release(&c);
	if (stored)
		cli_outbox_close(&ob);
	return status;
}

int cmd_compose(struct cli *cli, int argc, char **argv)
{
	struct compose_opts o;
	memset(&o, 0, sizeof o);
	int pr = parse(cli, argc, argv, &o);
	int status = pr == 1 ? EXIT_OK : pr;
	/* On a terminal with no text given, the text is written in the editor. */
	if (!o.draft && !o.print_draft && isatty(STDIN_FILENO))
		o.edit = true;
	if (pr == 0) {
		const struct account_conf *a = cli_account(cli);
		status = a ? run(cli, a, &o, argc - optind, argv + optind) : EXIT_USAGE;
	}
	ARRAY_RELEASE(&o.attach);
	return status;
}
