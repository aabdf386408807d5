#include "common.h"

#include <pthread.h>

#include "store/codec.h"
#include "util/buf.h"

void enc_u8(struct buf *b, uint8_t v)
{
	buf_addc(b, (char)v);
}

void enc_uvar(struct buf *b, uint64_t v)
{
	unsigned char tmp[10];
	size_t n = 0;
	while (v >= 0x80) {
		tmp[n++] = (unsigned char)(v | 0x80);
		v >>= 7;
	}
	tmp[n++] = (unsigned char)v;
	buf_add(b, tmp, n);
}

void enc_svar(struct buf *b, int64_t v)
{
	enc_uvar(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

void enc_be32(struct buf *b, uint32_t v)
{
	unsigned char tmp[4];
	be32_put(tmp, v);
	buf_add(b, tmp, 4);
}

void enc_be64(struct buf *b, uint64_t v)
{
	unsigned char tmp[8];
	be64_put(tmp, v);
	buf_add(b, tmp, 8);
}

void enc_le32(struct buf *b, uint32_t v)
{
	unsigned char tmp[4] = { v, v >> 8, v >> 16, v >> 24 };
	buf_add(b, tmp, 4);
}

void enc_str(struct buf *b, const char *s)
{
	size_t n = s ? strlen(s) : 0;
	enc_uvar(b, n);
	buf_add(b, s, n);
}

void enc_bytes(struct buf *b, const void *p, size_t n)
{
	enc_uvar(b, n);
	buf_add(b, p, n);
}

static void dec_fail(struct dec *d)
{
	d->bad = true;
	d->p = d->end;
}

uint8_t dec_u8(struct dec *d)
{
	if (d->p >= d->end) {
		dec_fail(d);
		return 0;
	}
	return *d->p++;
}

uint64_t dec_uvar_long(struct dec *d)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 64; shift += 7) {
		if (d->p >= d->end)
			break;
		unsigned char c = *d->p++;
		if (shift == 63 && c > 1)
			break;  /* more than 64 bits */
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	dec_fail(d);
	return 0;
}

uint64_t dec_uvar_max(struct dec *d, uint64_t max)
{
	uint64_t v = dec_uvar(d);
	if (v > max) {
		dec_fail(d);
		return 0;
	}
	return v;
}

const void *dec_bytes(struct dec *d, size_t n)
{
	if ((size_t)(d->end - d->p) < n) {
		dec_fail(d);
		return NULL;
	}
	const void *p = d->p;
	d->p += n;
	return p;
}

uint32_t dec_le32(struct dec *d)
{
	const unsigned char *c = dec_bytes(d, 4);
	return c ? (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 |
		   (uint32_t)c[3] << 24 : 0;
}

uint32_t dec_be32(struct dec *d)
{
	const unsigned char *c = dec_bytes(d, 4);
	return c ? be32_get(c) : 0;
}

uint64_t dec_be64(struct dec *d)
{
	const unsigned char *c = dec_bytes(d, 8);
	return c ? be64_get(c) : 0;
}

const char *dec_str(struct dec *d, size_t *len_r)
{
	uint64_t n = dec_uvar(d);
	const char *s = d->bad ? NULL : dec_bytes(d, n);
	*len_r = s ? (size_t)n : 0;
	return s ? s : "";
}

char *dec_strdup(struct dec *d)
{
	size_t n;
	const char *s = dec_str(d, &n);
	if (n == 0)
		return NULL;
	if (memchr(s, '\0', n)) {
		dec_fail(d);
		return NULL;
	}
	return xmemdup(s, n);
}

/* CRC-32C (Castagnoli): the summaries of a large folder are checked on every
 * load, so this runs over tens of megabytes at a time. x86-64 computes it in
 * hardware (SSE 4.2); elsewhere slicing-by-8 tables do. */
#define CRC32C_POLY 0x82f63b78u

static uint32_t crc_table[8][256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? CRC32C_POLY ^ (c >> 1) : c >> 1;
		crc_table[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int t = 1; t < 8; t++)
			crc_table[t][i] = crc_table[0][crc_table[t - 1][i] & 0xff] ^
					  (crc_table[t - 1][i] >> 8);
}

static uint32_t crc_soft(uint32_t crc, const unsigned char *s, size_t n)
{
	while (n >= 8) {
		uint32_t lo = crc ^ ((uint32_t)s[0] | (uint32_t)s[1] << 8 |
				     (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24);
		crc = crc_table[7][lo & 0xff] ^ crc_table[6][(lo >> 8) & 0xff] ^
		      crc_table[5][(lo >> 16) & 0xff] ^ crc_table[4][lo >> 24] ^
		      crc_table[3][s[4]] ^ crc_table[2][s[5]] ^ crc_table[1][s[6]] ^
		      crc_table[0][s[7]];
		s += 8;
		n -= 8;
	}
	while (n--)
		crc = crc_table[0][(crc ^ *s++) & 0xff] ^ (crc >> 8);
	return crc;
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <nmmintrin.h>

__attribute__((target("sse4.2")))
static uint32_t crc_hard(uint32_t crc, const unsigned char *s, size_t n)
{
	uint64_t c = crc;
	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		c = _mm_crc32_u64(c, w);
		s += 8;
		n -= 8;
	}
	while (n--)
		c = _mm_crc32_u8((uint32_t)c, *s++);
	return (uint32_t)c;
}

static bool have_hard;

static void crc_setup(void)
{
	crc_init();
	have_hard = __builtin_cpu_supports("sse4.2");
}
#else
static const bool have_hard = false;

static uint32_t crc_hard(uint32_t crc, const unsigned char *s, size_t n)
{
	return crc_soft(crc, s, n);
}

static void crc_setup(void)
{
	crc_init();
}
#endif

uint32_t crc32c_update(uint32_t crc, const void *p, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, crc_setup);
	crc = ~crc;
	crc = have_hard ? crc_hard(crc, p, n) : crc_soft(crc, p, n);
	return ~crc;
}

uint32_t crc32c_update_soft(uint32_t crc, const void *p, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, crc_setup);
	return ~crc_soft(~crc, p, n);
}
