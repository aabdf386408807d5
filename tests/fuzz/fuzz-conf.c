/* libFuzzer target: the configuration parser (src/conf). The input is
 * written as postie.conf and, after the first form feed, as an account
 * file, and read with conf_load() like every command does. Besides the
 * sanitizers' findings, it aborts when a problem report breaks the promise
 * of conf.h: each names the file and a line of it. */
#include "common.h"

#include <sys/stat.h>
#include <unistd.h>

#include "conf/conf.h"
#include "util/err.h"
#include "util/paths.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *dir, *global_path, *account_path;

static void write_file(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
		abort();
	chmod(path, 0600);
}

static unsigned lines(const uint8_t *p, size_t n)
{
	unsigned k = 1;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

static void setup(void)
{
	char tmpl[] = "/tmp/postie-fuzz-conf.XXXXXX";
	const char *base = getenv("TMPDIR");
	char *t = base ? path_join(base, "postie-fuzz-conf.XXXXXX") : xstrdup(tmpl);
	if (!mkdtemp(t))
		abort();
	dir = t;
	char *acc = path_join(dir, "accounts");
	mkdir(acc, 0700);
	global_path = path_join(dir, "postie.conf");
	account_path = path_join(acc, "a.conf");
	free(acc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir)
		setup();
	const uint8_t *ff = memchr(data, '\f', size);
	size_t glen = ff ? (size_t)(ff - data) : size;
	const uint8_t *acc = ff ? ff + 1 : (const uint8_t *)"";
	size_t alen = ff ? size - glen - 1 : 0;
	write_file(global_path, data, glen);
	write_file(account_path, acc, alen);

	struct conf *conf = NULL;
	struct conf_diags diags = { 0 };
	conf_load(dir, &conf, &diags);
	for (size_t i = 0; i < diags.n; i++) {
		const struct conf_diag *d = &diags.v[i];
		if (!d->msg || !d->file)
			abort();
		bool global = strcmp(d->file, global_path) == 0;
		bool account = strcmp(d->file, account_path) == 0;
		unsigned max = global ? lines(data, glen) : account ? lines(acc, alen) : 0;
		if ((global || account) && d->line > max) {
			fprintf(stderr, "%s:%u: beyond the file's %u lines: %s\n", d->file, d->line,
				max, d->msg);
			abort();
		}
	}
	if (conf) {
		struct err err = ERR_INIT;
		conf_pick_account(conf, NULL, &err);
		err_clear(&err);
		conf_pick_account(conf, "a", &err);
		err_clear(&err);
	}
	conf_diags_release(&diags);
	conf_free(&conf);
	return 0;
}
