/* libFuzzer target: the store's summary encoding (src/store/summary_codec.c).
 * Any bytes go through the decoder (which must refuse or accept them
 * without a fault); a summary the decoder accepted, and one built from the
 * input's header text (msg_summary_fill_header, as a sync does), must come
 * back equal after encoding and decoding. */
#include "common.h"

#include "store/store-private.h"
#include "store/summary.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct msg_summary *s)
{
	struct buf b = BUF_INIT;
	summary_encode(&b, s);
	struct msg_summary back;
	msg_summary_init(&back);
	if (summary_decode(b.data, b.len, &back) < 0 || !msg_summary_equal(s, &back) ||
	    summary_peek_uid(b.data, b.len) != s->uid)
		abort();
	msg_summary_release(&back);
	buf_release(&b);
}

static uint64_t take(const uint8_t **p, size_t *n, size_t k)
{
	uint64_t v = 0;
	for (size_t i = 0; i < k && *n; i++, (*p)++, (*n)--)
		v = v << 8 | **p;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct msg_summary s;
	msg_summary_init(&s);
	if (summary_decode(data, size, &s) == 0)
		round_trip(&s);
	msg_summary_release(&s);
	summary_peek_uid(data, size);

	/* Numbers from the first bytes, the rest as a header and keywords. */
	const uint8_t *p = data;
	size_t n = size;
	msg_summary_init(&s);
	s.uid = (uint32_t)take(&p, &n, 4) | 1;
	s.flags = (uint32_t)take(&p, &n, 1) & MSG_FLAGS_ALL;
	s.size = (uint32_t)take(&p, &n, 4);
	s.internaldate = (int64_t)take(&p, &n, 8);
	s.modseq = take(&p, &n, 8);
	const uint8_t *nul = memchr(p, '\0', n);
	size_t hlen = nul ? (size_t)(nul - p) : n;
	msg_summary_fill_header(&s, (const char *)p, hlen);
	if (nul) {
		/* keywords: NUL-separated, after the header */
		char *rest = xmalloc(n - hlen);
		memcpy(rest, nul + 1, n - hlen - 1);
		rest[n - hlen - 1] = '\0';
		for (char *kw = rest, *e; kw < rest + (n - hlen - 1); kw = e + 1) {
			e = kw + strlen(kw);
			if (*kw && !strpbrk(kw, " ()"))
				msg_summary_add_keyword(&s, kw);
		}
		free(rest);
	}
	if (s.n_keywords <= 1024)
		round_trip(&s);
	msg_summary_release(&s);
	return 0;
}
