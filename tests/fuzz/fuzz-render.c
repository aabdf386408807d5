/* libFuzzer target: parse and render any bytes as a message, and check what
 * a terminal would receive. Besides the sanitizers' findings, it aborts
 * when a rendered line breaks a promise of msg.h: wider than the view,
 * invalid UTF-8, or holding a control character or a bidi override. */
#include "common.h"

#include "msg/msg.h"
#include "util/buf.h"
#include "util/sanitize.h"
#include "util/width.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_line(const struct msg_view *v, size_t i)
{
	const char *s = msg_line_text(v, i);
	size_t len = v->lines.v[i].len;
	if (strlen(s) != len || !utf8_valid(s, len) || v->lines.v[i].width > v->width ||
	    utf8_width(s, len) != v->lines.v[i].width)
		abort();
	for (size_t k = 0; k < len;) {
		unsigned cp;
		size_t n = utf8_decode(s + k, len - k, &cp);
		if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) ||
		    (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069))
			abort();
		k += n;
	}
}

static void render(struct msg *m, unsigned width, bool all, bool html)
{
	struct msg_render_opts o;
	msg_render_opts_init(&o);
	o.width = width;
	o.all_headers = all;
	o.prefer_html = html;
	struct msg_view v;
	msg_render(m, &o, &v);
	for (size_t i = 0; i < v.lines.n; i++)
		check_line(&v, i);
	struct buf text = BUF_INIT;
	msg_view_to_text(&v, &text);
	buf_release(&text);
	msg_view_release(&v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct msg *m = msg_parse(s, size);
	render(m, 80, false, false);
	render(m, 23, false, false);     /* the same document laid out again */
	render(m, 57, true, true);
	for (size_t n = 1; n <= msg_attachment_count(m); n++) {
		const struct msg_part *p = msg_attachment(m, n);
		char *name = msg_part_save_name(p);
		if (!*name || strchr(name, '/') || name[0] == '.')
			abort();
		free(name);
		size_t len;
		msg_part_raw(m, p, &len);
	}
	msg_free(&m);

	struct msg_envelope env;
	msg_envelope_parse(s, size, &env);
	if (env.subject && !utf8_valid(env.subject, strlen(env.subject)))
		abort();
	msg_envelope_release(&env);
	return 0;
}
