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
 * Section 4.1.1's functions, in forms with fewer operations that give the
 * same bits: Ch picks y where x is set and z elsewhere; Maj is set where
 * two of the three are.
 */
#define SHA1_CH(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define SHA1_PARITY(x, y, z)	((x) ^ (y) ^ (z))
#define SHA1_MAJ(x, y, z)	(((x) & (y)) | ((z) & ((x) | (y))))

/*
 * Word t of the message schedule (section 6.1.2 step 1).  Only the last
 * 16 words are ever needed, so they are kept in a ring of 16 and each is
 * replaced when it is computed: the ring stays in registers, where 80
 * words did not, which more than halves the time of a block.
 */
#define SHA1_W(w, t)	((t) < 16 ? (w)[(t)] : ((w)[(t) & 15] =		\
	rol32((w)[((t) - 3) & 15] ^ (w)[((t) - 8) & 15] ^		\
	(w)[((t) - 14) & 15] ^ (w)[(t) & 15], 1)))

/* Five rounds from t, the five variables renamed round by round. */
#define SHA1_FIVE(F, k, w, t) do {					\
	SHA1_ROUND(a, b, c, d, e, F(b, c, d), k, SHA1_W(w, (t)));	\
	SHA1_ROUND(e, a, b, c, d, F(a, b, c), k, SHA1_W(w, (t) + 1));	\
	SHA1_ROUND(d, e, a, b, c, F(e, a, b), k, SHA1_W(w, (t) + 2));	\
	SHA1_ROUND(c, d, e, a, b, F(d, e, a), k, SHA1_W(w, (t) + 3));	\
	SHA1_ROUND(b, c, d, e, a, F(c, d, e), k, SHA1_W(w, (t) + 4));	\
} while (0)

/*
 * Section 6.1.2: one block into the hash value h.  The 80 rounds are four
 * loops of 20, one per function and constant (section 4.2.1); a block is
 * hashed for every event and flow record written, so this is worth the
 * macros.
 */
static void
sha1_block(uint32_t h[5], const uint8_t *m)
{
	uint32_t w[16], a, b, c, d, e;
	int t;

	for (t = 0; t < 16; t++)
		w[t] = load_be32(m + 4 * t);
	a = h[0];
	b = h[1];
	c = h[2];
	d = h[3];
	e = h[4];
	for (t = 0; t < 20; t += 5)
		SHA1_FIVE(SHA1_CH, 0x5a827999, w, t);
	for (; t < 40; t += 5)
		SHA1_FIVE(SHA1_PARITY, 0x6ed9eba1, w, t);
	for (; t < 60; t += 5)
		SHA1_FIVE(SHA1_MAJ, 0x8f1bbcdc, w, t);
	for (; t < 80; t += 5)
		SHA1_FIVE(SHA1_PARITY, 0xca62c1d6, w, t);
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
