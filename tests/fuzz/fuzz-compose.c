/* libFuzzer target: the writing side on any bytes. Any message made 7-bit,
 * completed for sending, replied to, forwarded, read back as a draft and
 * built again; any text read as the editor's text and as typed addresses.
 * Besides the sanitizers' findings, it aborts when an output breaks a
 * promise of msg/compose.h: the message sent or built is not 7-bit with
 * CRLF line ends, or a header line is longer than 998. */
#include "common.h"

#include "msg/compose.h"
#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const alts[] = { "*@alice.example" };
static const struct msg_identity alice = { "Alice Exämple", "alice@example.test", alts, 1 };

/* 7-bit, CRLF only; with lines, header lines within 998 (a message from
 * elsewhere may come with longer ones, which are kept). */
static void check_7bit(const struct buf *b, bool lines)
{
	size_t col = 0;
	bool head = true;
	for (size_t i = 0; i < b->len; i++) {
		unsigned char c = (unsigned char)b->data[i];
		if (c >= 0x80 || c == 0)
			abort();
		if (c == '\r' && (i + 1 == b->len || b->data[i + 1] != '\n'))
			abort();
		if (c == '\n') {
			if (i == 0 || b->data[i - 1] != '\r')
				abort();
			if (col == 0)
				head = false;
			col = 0;
		} else if (c != '\r' && ++col > 998 && head && lines) {
			abort();
		}
	}
}

static void build(struct msg_compose *c, enum msg_build_mode mode)
{
	struct msg_build_opts o = { mode, 1700000000, "fuzz" };
	struct buf out = BUF_INIT;
	struct msg_str_list rcpts = ARRAY_INIT;
	if (!c->from)
		c->from = xstrdup("a@example.test");
	if (msg_compose_build(c, &o, &out, &rcpts, NULL) == 0)
		check_7bit(&out, true);
	msg_str_list_release(&rcpts);
	buf_release(&out);
}

static void message(const char *s, size_t n)
{
	struct buf out = BUF_INIT;
	msg_to_7bit(s, n, &out, NULL);
	check_7bit(&out, false);
	buf_reset(&out);
	struct msg_outgoing info;
	if (msg_prepare_outgoing(s, n, &alice, &out, &info, NULL) == 0) {
		check_7bit(&out, false);
		msg_outgoing_release(&info);
	}
	buf_release(&out);
	struct msg_reply_opts ro = { &alice, "%n %a %d %s %% %x", "sig" };
	struct msg_compose c;
	if (msg_compose_reply(&c, s, n, MSG_REPLY_GROUP, &ro, NULL) == 0)
		build(&c, MSG_BUILD_DRAFT);
	msg_compose_release(&c);
	msg_compose_forward(&c, s, n, n % 2 == 0, &ro);
	build(&c, MSG_BUILD_DRAFT);
	msg_compose_release(&c);
	msg_compose_from_message(&c, s, n);
	build(&c, MSG_BUILD_DRAFT);
	msg_compose_release(&c);
}

static void text(const char *s, size_t n)
{
	struct msg_compose c;
	msg_compose_init(&c);
	if (msg_compose_from_text(&c, s, n, true, NULL) == 0)
		build(&c, MSG_BUILD_DRAFT);
	msg_compose_release(&c);
	char *z = xstrndup(s, n);
	struct msg_addr_list l = ARRAY_INIT;
	if (msg_addr_list_parse_input(z, &l, NULL) == 0) {
		char *back = msg_addr_list_format_input(&l);
		struct msg_addr_list l2 = ARRAY_INIT;
		if (msg_addr_list_parse_input(back, &l2, NULL) < 0)
			abort();        /* what the editor shows must read back */
		msg_addr_list_release(&l2);
		free(back);
		struct buf h = BUF_INIT;
		msg_header_write_addrs(&h, "To", &l);
		msg_header_write_text(&h, "Subject", z);
		check_7bit(&h, true);
		buf_release(&h);
	}
	msg_addr_list_release(&l);
	free(z);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	message((const char *)data, size);
	text((const char *)data, size);
	return 0;
}
