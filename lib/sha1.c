/*
 * SHA-1 as FIPS 180-4 section 6.1 describes it: 512-bit blocks, a
 * message schedule of 80 words, four groups of 20 rounds, big-endian
 * words throughout.  Section 5.1.1 pads the message with one bit, zeros,
 * and its length in bits as a 64-bit number.
 */
#include <string.h>

#include "sha1.h"

static uint32_t	rol32(uint32_t, unsigned);
static uint32_t	load_be32(const uint8_t *);
static void	store_be32(uint8_t *, uint32_t);
static void	sha1_block(uint32_t h[5], const uint8_t *);

static inline uint32_t
rol32(uint32_t x, unsigned n)
{
	return x << n | x >> (32 - n);
}

static inline uint32_t
load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static inline void
store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/*
 * One round of section 6.1.2 step 3, f and K given: the variables move
 * one place down, so that the caller renames them instead of copying.
 */
#define SHA1_ROUND(a, b, c, d, e, f, k, w) do {				\
	(e) += rol32((a), 5) + (f) + (k) + (w);				\
	(b) = rol32((b), 30);						\
} while (0)

/*
 * Section 6.1.2: one block into the hash value h.  The 80 rounds are
 * four loops of 20, one per function of section 4.1.1 and constant of
 * section 4.2.1, five rounds at a time so that the variables rotate by
 * renaming rather than by moves; the block is hashed once per event or
 * flow record written, so this is worth the lines.
 */
static void
sha1_block(uint32_t h[5], const uint8_t *m)
{
	uint32_t w[80], a, b, c, d, e;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = load_be32(m + 4 * i);
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);

	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
#define CH(x, y, z)	(((x) & (y)) | (~(x) & (z)))
#define PARITY(x, y, z)	((x) ^ (y) ^ (z))
#define MAJ(x, y, z)	(((x) & (y)) | ((x) & (z)) | ((y) & (z)))
#define FIVE(F, k, i) do {						\
	SHA1_ROUND(a, b, c, d, e, F(b, c, d), k, w[(i)]);		\
	SHA1_ROUND(e, a, b, c, d, F(a, b, c), k, w[(i) + 1]);		\
	SHA1_ROUND(d, e, a, b, c, F(e, a, b), k, w[(i) + 2]);		\
	SHA1_ROUND(c, d, e, a, b, F(d, e, a), k, w[(i) + 3]);		\
	SHA1_ROUND(b, c, d, e, a, F(c, d, e), k, w[(i) + 4]);		\
} while (0)
	for (i = 0; i < 20; i += 5)
		FIVE(CH, 0x5a827999, i);
	for (; i < 40; i += 5)
		FIVE(PARITY, 0x6ed9eba1, i);
	for (; i < 60; i += 5)
		FIVE(MAJ, 0x8f1bbcdc, i);
	for (; i < 80; i += 5)
		FIVE(PARITY, 0xca62c1d6, i);
#undef FIVE
#undef MAJ
#undef PARITY
#undef CH
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

/* Section 5.3.1: the initial hash value. */
void
sha1_init(struct sha1_ctx *ctx)
{
	ctx->h[0] = 0x67452301;
	ctx->h[1] = 0xefcdab89;
	ctx->h[2] = 0x98badcfe;
	ctx->h[3] = 0x10325476;
	ctx->h[4] = 0xc3d2e1f0;
	ctx->nbytes = 0;
	ctx->fill = 0;
}

void
sha1_update(struct sha1_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;
	size_t n;

	ctx->nbytes += len;
	if (ctx->fill > 0) {
		n = SHA1_BLOCK_LEN - ctx->fill;
		if (n > len)
			n = len;
		memcpy(ctx->block + ctx->fill, p, n);
		ctx->fill += n;
		p += n;
		len -= n;
		if (ctx->fill < SHA1_BLOCK_LEN)
			return;
		sha1_block(ctx->h, ctx->block);
		ctx->fill = 0;
	}
	/* Whole blocks straight from the caller's memory. */
	for (; len >= SHA1_BLOCK_LEN; len -= SHA1_BLOCK_LEN) {
		sha1_block(ctx->h, p);
		p += SHA1_BLOCK_LEN;
	}
	if (len > 0) {
		memcpy(ctx->block, p, len);
		ctx->fill = len;
	}
}

void
sha1_final(struct sha1_ctx *ctx, uint8_t digest[SHA1_DIGEST_LEN])
{
	uint64_t bits = ctx->nbytes * 8;

	/*
	 * The 1 bit, then zeros up to 8 bytes before a block's end; when
	 * the length does not fit there, it goes into one more block.
	 */
	ctx->block[ctx->fill++] = 0x80;
	if (ctx->fill > SHA1_BLOCK_LEN - 8) {
		memset(ctx->block + ctx->fill, 0, SHA1_BLOCK_LEN - ctx->fill);
		sha1_block(ctx->h, ctx->block);
		ctx->fill = 0;
	}
	memset(ctx->block + ctx->fill, 0, SHA1_BLOCK_LEN - 8 - ctx->fill);
	store_be32(ctx->block + SHA1_BLOCK_LEN - 8, (uint32_t)(bits >> 32));
	store_be32(ctx->block + SHA1_BLOCK_LEN - 4, (uint32_t)bits);
	sha1_block(ctx->h, ctx->block);
	for (int i = 0; i < 5; i++)
		store_be32(digest + 4 * i, ctx->h[i]);
	sha1_init(ctx);
}

void
sha1(const void *data, size_t len, uint8_t digest[SHA1_DIGEST_LEN])
{
	struct sha1_ctx ctx;

	sha1_init(&ctx);
	sha1_update(&ctx, data, len);
	sha1_final(&ctx, digest);
}
