/* postie show: render a message, list, save or open its attachments, or
 * print it raw.
 *
 * Where the message comes from (--file PATH or -, or FOLDER ID from the
 * store, fetched from the server when it is not kept yet) is read_source()'s
 * business; everything after that is show_message(), which takes the raw
 * bytes, so every source renders the same way. */
#include "common.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "conf/conf.h"
#include "msg/msg.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/paths.h"
#include "util/sanitize.h"
#include "util/strutil.h"

struct show_opts {
	const char *file;       /* --file: a path or "-" */
	const char *folder;     /* or FOLDER ID */
	uint32_t id;
	unsigned width;         /* 0: the terminal's, else 80 */
	const char *headers;    /* --headers: "all" or a list */
	int prefer_html;        /* -1: from postie.conf */
	int mailcap;            /* -1: from postie.conf */
	bool raw;
	unsigned part;          /* --part N (with --raw) */
	bool list;              /* --attachments */
	const char *save;       /* --save N|all */
	const char *to;         /* --to DIR */
	unsigned open;          /* --open N */
};

enum {
	OPT_HEADERS = 256, OPT_PREFER, OPT_MAILCAP, OPT_NO_MAILCAP, OPT_RAW, OPT_PART,
	OPT_ATTACHMENTS, OPT_SAVE, OPT_TO, OPT_OPEN,
};

/* cli_fail, and the error freed. */
static int fail(struct err *err)
{
	int r = cli_fail(err);
	err_clear(err);
	return r;
}

static int number_arg(const char *opt, const char *v, unsigned *out)
{
	long n;
	if (str_to_long(v, 1, 1000000, &n) < 0) {
		cli_usage_error("show", _("%s takes a number, not '%s'"), opt, v);
		return -1;
	}
	*out = (unsigned)n;
	return 0;
}

/* Options that only make sense together. Returns -1 when all is well. */
static int check_options(const struct show_opts *o)
{
	if (!o->file && !o->folder)
		return cli_usage_error("show", _("which message? Give FOLDER ID, or --file PATH "
						 "(or - for standard input)"));
	if (o->part && !o->raw)
		return cli_usage_error("show", _("--part goes with --raw"));
	if (o->to && !o->save)
		return cli_usage_error("show", _("--to goes with --save"));
	if (o->save && strcmp(o->save, "all") != 0) {
		unsigned n;
		if (number_arg("--save", o->save, &n) < 0)
			return EXIT_USAGE;
	}
	return -1;
}

/* Returns -1 to go on, else the exit status. */
static int parse_options(struct cli *cli, int argc, char **argv, struct show_opts *o)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "file", required_argument, NULL, 'f' },
		{ "width", required_argument, NULL, 'w' },
		{ "headers", required_argument, NULL, OPT_HEADERS },
		{ "prefer", required_argument, NULL, OPT_PREFER },
		{ "mailcap", no_argument, NULL, OPT_MAILCAP },
		{ "no-mailcap", no_argument, NULL, OPT_NO_MAILCAP },
		{ "raw", no_argument, NULL, OPT_RAW },
		{ "part", required_argument, NULL, OPT_PART },
		{ "attachments", no_argument, NULL, OPT_ATTACHMENTS },
		{ "save", required_argument, NULL, OPT_SAVE },
		{ "to", required_argument, NULL, OPT_TO },
		{ "open", required_argument, NULL, OPT_OPEN },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_command *self = cli_find_command("show");
	memset(o, 0, sizeof *o);
	o->prefer_html = o->mailcap = -1;
	int opt;
	optind = 0;
	while ((opt = getopt_long(argc, argv, CLI_COMMON_SHORTOPTS_ANYWHERE "f:w:", longopts,
				  NULL)) != -1) {
		int r = cli_common_option(cli, self, opt);
		if (r < 0)
			return EXIT_OK;
		if (r > 0)
			continue;
		switch (opt) {
		case 'f': o->file = optarg; break;
		case 'w':
			if (number_arg("--width", optarg, &o->width) < 0)
				return EXIT_USAGE;
			break;
		case OPT_HEADERS: o->headers = optarg; break;
		case OPT_PREFER:
			if (strcmp(optarg, "html") && strcmp(optarg, "text"))
				return cli_usage_error("show", _("--prefer takes html or text, not '%s'"),
						       optarg);
			o->prefer_html = strcmp(optarg, "html") == 0;
			break;
		case OPT_MAILCAP: o->mailcap = 1; break;
		case OPT_NO_MAILCAP: o->mailcap = 0; break;
		case OPT_RAW: o->raw = true; break;
		case OPT_PART:
			if (number_arg("--part", optarg, &o->part) < 0)
				return EXIT_USAGE;
			break;
		case OPT_ATTACHMENTS: o->list = true; break;
		case OPT_SAVE: o->save = optarg; break;
		case OPT_TO: o->to = optarg; break;
		case OPT_OPEN:
			if (number_arg("--open", optarg, &o->open) < 0)
				return EXIT_USAGE;
			break;
		default:
			return cli_usage_error("show", _("unknown option"));
		}
	}
	if (!o->file && argc - optind == 2) {
		long id;
		if (str_to_long(argv[optind + 1], 1, UINT32_MAX, &id) < 0)
			return cli_usage_error("show", _("'%s' is not a message id"), argv[optind + 1]);
		o->folder = argv[optind];
		o->id = (uint32_t)id;
		optind += 2;
	}
	if (optind < argc)
		return cli_usage_error("show", _("unexpected argument '%s'"), argv[optind]);
	return check_options(o);
}

/* Returns an exit status (EXIT_OK when raw holds the message). */
static int read_source(struct cli *cli, const struct show_opts *o, struct buf *raw)
{
	if (o->folder)
		return cli_message(cli, o->folder, o->id, raw);
	const char *path = strcmp(o->file, "-") == 0 ? "/dev/stdin" : o->file;
	struct err err = ERR_INIT;
	return file_read_all(path, raw, &err) < 0 ? fail(&err) : EXIT_OK;
}

/* ---- the shared part: everything after the raw bytes are there ---- */

static unsigned output_width(const struct show_opts *o)
{
	if (o->width)
		return o->width;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

static int write_out(const char *s, size_t len)
{
	return fwrite(s, 1, len, stdout) == len ? EXIT_OK : EXIT_RUNTIME;
}

/* Exact bytes into a pipe or file; made safe on a terminal. */
static int print_raw(const char *s, size_t len)
{
	if (!isatty(STDOUT_FILENO))
		return write_out(s, len);
	struct buf safe = BUF_INIT;
	sanitize_append(&safe, s, len, SANITIZE_KEEP_NEWLINE | SANITIZE_KEEP_TAB);
	int r = write_out(buf_cstr(&safe), safe.len);
	buf_release(&safe);
	return r;
}

static const struct msg_part *attachment_arg(const struct msg *m, unsigned n)
{
	const struct msg_part *p = msg_attachment(m, n);
	if (!p)
		cli_error(ngettext("there is no attachment %u; the message has %zu",
				   "there is no attachment %u; the message has %zu",
				   msg_attachment_count(m)),
			  n, msg_attachment_count(m));
	return p;
}

/* How many embedded messages enclose part p. */
static int nesting(const struct msg *m, const struct msg_part *p)
{
	int n = 0;
	while (p->parent > 0) {
		p = msg_part(m, (size_t)p->parent);
		n += p->message;
	}
	return n;
}

static void list_attachments(const struct msg *m)
{
	for (size_t n = 1; n <= msg_attachment_count(m); n++) {
		const struct msg_part *p = msg_attachment(m, n);
		char *size = msg_size_text(p->size);
		const char *name = p->filename ? p->filename : p->description;
		int indent = nesting(m, p) * 2;
		if (name)
			cli_print(stdout, "%3zu  %*s%s (%s, %s)\n", n, indent, "", name, p->type, size);
		else
			cli_print(stdout, "%3zu  %*s%s, %s\n", n, indent, "", p->type, size);
		free(size);
	}
}

/* Asks on the terminal whether to replace path; without one, --yes decides. */
static bool confirm_replace(const char *path, void *aux)
{
	struct cli *cli = aux;
	if (cli->assume_yes)
		return true;
	if (!isatty(STDIN_FILENO) || !isatty(STDERR_FILENO))
		return false;
	char *safe = sanitize_dup(path, 0);
	/* TRANSLATORS: the answer letters must match the translation of "yY". */
	fprintf(stderr, _("%s exists. Replace it? [y/N] "), safe);
	free(safe);
	char answer[16];
	return fgets(answer, sizeof answer, stdin) && cli_answer_is_yes(answer);
}

static int save(struct cli *cli, const struct msg *m, const struct show_opts *o)
{
	const char *dir = o->to ? o->to : ".";
	struct err err = ERR_INIT;
	if (strcmp(o->save, "all") == 0) {
		int n = msg_save_all(m, dir, confirm_replace, cli, &err);
		if (n < 0)
			return fail(&err);
		cli_print(stdout, ngettext("saved %d attachment in %s\n",
					   "saved %d attachments in %s\n", n), n, dir);
		return EXIT_OK;
	}
	const struct msg_part *p = attachment_arg(m, (unsigned)atoi(o->save));
	if (!p)
		return EXIT_USAGE;
	char *path = NULL;
	int r = msg_part_save(m, p, dir, NULL, cli->assume_yes, &path, &err);
	if (r == MSG_SAVE_EXISTS) {
		char *name = msg_part_save_name(p);
		char *target = path_join(dir, name);
		free(name);
		if (confirm_replace(target, cli))
			r = msg_part_save(m, p, dir, NULL, true, &path, &err);
		else
			cli_error(_("%s exists; not replaced (--yes replaces it)"), target);
		free(target);
	}
	if (r < 0)
		return fail(&err);
	if (r == MSG_SAVE_EXISTS)
		return EXIT_RUNTIME;
	cli_print(stdout, _("saved %s\n"), path);
	free(path);
	return EXIT_OK;
}

static char *mailcap_paths(struct conf *conf)
{
	const char *v = conf->global.mailcap_path;
	if (!v)
		return NULL;
	/* ~/ at the start of each entry means the home directory. */
	const char *home = getenv("HOME");
	struct buf b = BUF_INIT;
	for (const char *p = v; *p; p++) {
		if (*p == '~' && (p == v || p[-1] == ':') && p[1] == '/' && home)
			buf_adds(&b, home);
		else
			buf_addc(&b, *p);
	}
	return buf_detach(&b, NULL);
}

static int run_viewer(const struct msg_open *op)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (op->on_stdin) {
			int fd = open(op->path, O_RDONLY);
			if (fd < 0 || dup2(fd, STDIN_FILENO) < 0)
				_exit(127);
		}
		execl("/bin/sh", "sh", "-c", op->command, (char *)NULL);
		_exit(127);
	}
	int st;
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int open_part(const struct msg *m, unsigned n, struct msg_mailcap *mc)
{
	const struct msg_part *p = attachment_arg(m, n);
	if (!p)
		return EXIT_USAGE;
	struct msg_open op;
	struct err err = ERR_INIT;
	if (msg_part_open_prepare(m, p, mc, &op, &err) < 0)
		return fail(&err);
	int st;
	if (op.copiousoutput) {
		/* It prints text from the message: made safe like the rest. */
		struct buf out = BUF_INIT;
		st = msg_open_capture(&op, &out, &err);
		if (st == 0)
			cli_print(stdout, "%s", buf_cstr(&out));
		else
			cli_error("%s", err_msg(&err));
		err_clear(&err);
		buf_release(&out);
	} else {
		st = run_viewer(&op);
		if (st != 0)
			cli_error(_("'%s' failed (exit status %d)"), op.command, st);
	}
	msg_open_release(&op);
	return st == 0 ? EXIT_OK : EXIT_RUNTIME;
}

/* Splits a header list at commas and blanks into a NULL-ended array. */
static char **header_list(const char *spec, char **storage)
{
	*storage = xstrdup(spec);
	ARRAY(char *) names = ARRAY_INIT;
	char *save = NULL;
	for (char *t = strtok_r(*storage, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save))
		ARRAY_PUSH(&names, t);
	ARRAY_PUSH(&names, NULL);
	return names.v;
}

static int render(const struct show_opts *o, struct conf *conf, struct msg *m,
		  struct msg_mailcap *mc)
{
	struct msg_render_opts ro;
	msg_render_opts_init(&ro);
	ro.width = output_width(o);
	const char *spec = o->headers ? o->headers : conf->global.show_headers;
	char *storage = NULL;
	char **list = NULL;
	if (spec && strcmp(spec, "all") == 0)
		ro.all_headers = true;
	else if (spec)
		ro.headers = (const char *const *)(list = header_list(spec, &storage));
	ro.prefer_html = o->prefer_html >= 0 ? o->prefer_html : conf->global.prefer_html;
	ro.mailcap = mc;
	struct msg_view v;
	msg_render(m, &ro, &v);
	struct buf text = BUF_INIT;
	msg_view_to_text(&v, &text);
	int r = write_out(buf_cstr(&text), text.len);
	buf_release(&text);
	msg_view_release(&v);
	free(list);
	free(storage);
	return r;
}

/* Shows a message given as raw bytes, as the options say. */
static int show_message(struct cli *cli, const struct show_opts *o, struct conf *conf,
			const char *raw, size_t len)
{
	if (o->raw && !o->part)
		return print_raw(raw, len);
	struct msg *m = msg_parse(raw, len);
	bool want_mailcap = o->mailcap >= 0 ? o->mailcap
					    : !conf->global.set_html_mailcap ||
					      conf->global.html_mailcap;
	struct msg_mailcap *mc = NULL;
	if (want_mailcap || o->open) {
		char *paths = mailcap_paths(conf);
		mc = msg_mailcap_load(paths);
		free(paths);
	}
	int r;
	if (o->raw) {
		const struct msg_part *p = attachment_arg(m, o->part);
		size_t n = 0;
		const char *s = p ? msg_part_raw(m, p, &n) : NULL;
		r = p ? print_raw(s, n) : EXIT_USAGE;
	} else if (o->list) {
		list_attachments(m);
		r = EXIT_OK;
	} else if (o->save) {
		r = save(cli, m, o);
	} else if (o->open) {
		r = open_part(m, o->open, mc);
	} else {
		r = render(o, conf, m, want_mailcap ? mc : NULL);
	}
	msg_mailcap_free(&mc);
	msg_free(&m);
	return r;
}

int cmd_show(struct cli *cli, int argc, char **argv)
{
	struct show_opts o;
	int r = parse_options(cli, argc, argv, &o);
	if (r >= 0)
		return r;
	struct conf *conf = cli_conf(cli);
	if (!conf)
		return EXIT_USAGE;
	struct buf raw = BUF_INIT;
	r = read_source(cli, &o, &raw);
	if (r != EXIT_OK) {
		buf_release(&raw);
		return r;
	}
	r = show_message(cli, &o, conf, buf_cstr(&raw), raw.len);
	buf_release(&raw);
	return r;
}
