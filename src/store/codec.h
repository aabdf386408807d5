/* Byte-level encoding for the store's records (internal to src/store).
 *
 * Everything on disk is built from these pieces, with fixed endianness, so a
 * store moves between machines: unsigned varints (LEB128, at most 10 bytes),
 * signed varints (zigzag), big-endian fixed integers for keys (so the
 * bytewise order of keys is numeric order), and strings as a varint length
 * followed by the bytes.
 *
 * Decoding never reads past the end: a struct dec that runs out or meets an
 * impossible value sets bad and from then on returns zeros and empty strings,
 * so a decoder checks dec.bad once at the end instead of after every field. */
#ifndef POSTIE_STORE_CODEC_H
#define POSTIE_STORE_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

void enc_u8(struct buf *b, uint8_t v);
void enc_uvar(struct buf *b, uint64_t v);
void enc_svar(struct buf *b, int64_t v);
void enc_be32(struct buf *b, uint32_t v);
void enc_be64(struct buf *b, uint64_t v);
void enc_le32(struct buf *b, uint32_t v);
/* NULL encodes like "". */
void enc_str(struct buf *b, const char *s);
void enc_bytes(struct buf *b, const void *p, size_t n);

/* A string inside some bytes: not NUL-terminated; p is never NULL. */
struct str_slice {
	const char *p;
	size_t n;
};

struct dec {
	const unsigned char *p, *end;
	bool bad;
};

static inline void dec_init(struct dec *d, const void *p, size_t n)
{
	d->p = p;
	d->end = d->p + n;
	d->bad = false;
}

static inline bool dec_done(const struct dec *d)
{
	return d->p == d->end;
}

uint8_t dec_u8(struct dec *d);
/* dec_uvar's general case. */
uint64_t dec_uvar_long(struct dec *d);

/* Most varints in a summary fit in one byte, and loading a large folder's
 * index decodes millions of them: that case costs no call. */
static inline uint64_t dec_uvar(struct dec *d)
{
	if (d->p < d->end && *d->p < 0x80)
		return *d->p++;
	return dec_uvar_long(d);
}

/* A uvar that must fit in max; anything larger makes the decoder bad. */
uint64_t dec_uvar_max(struct dec *d, uint64_t max);
static inline int64_t dec_svar(struct dec *d)
{
	uint64_t u = dec_uvar(d);
	return (int64_t)(u >> 1) ^ -(int64_t)(u & 1);
}
uint32_t dec_le32(struct dec *d);
uint32_t dec_be32(struct dec *d);
uint64_t dec_be64(struct dec *d);
/* A string as a pointer into the input (not NUL-terminated) and a length. */
const char *dec_str(struct dec *d, size_t *len_r);
/* A string as a new NUL-terminated copy, or NULL when it is empty or the
 * decoder is bad. Strings holding a NUL make the decoder bad. */
char *dec_strdup(struct dec *d);
/* n raw bytes as a pointer into the input, or NULL (decoder bad). */
const void *dec_bytes(struct dec *d, size_t n);

static inline uint32_t be32_get(const void *p)
{
	const unsigned char *c = p;
	return (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
}

static inline void be32_put(void *p, uint32_t v)
{
	unsigned char *c = p;
	c[0] = v >> 24;
	c[1] = v >> 16;
	c[2] = v >> 8;
	c[3] = v;
}

static inline uint64_t be64_get(const void *p)
{
	const unsigned char *c = p;
	return (uint64_t)be32_get(c) << 32 | be32_get(c + 4);
}

static inline void be64_put(void *p, uint64_t v)
{
	be32_put(p, v >> 32);
	be32_put((unsigned char *)p + 4, (uint32_t)v);
}

/* CRC-32C (Castagnoli); pass 0 as crc to start. */
uint32_t crc32c_update(uint32_t crc, const void *p, size_t n);
/* The same without the hardware instruction, for tests. */
uint32_t crc32c_update_soft(uint32_t crc, const void *p, size_t n);

#endif
