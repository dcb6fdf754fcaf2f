/*
 * SHA-1 (FIPS 180-4), for the Community ID of a flow and nothing that needs
 * collision resistance: the Community ID specification fixes the hash.
 */
#ifndef RSTWATCH_SHA1_H
#define RSTWATCH_SHA1_H

#include <stddef.h>
#include <stdint.h>

#define SHA1_DIGEST_LEN	20
#define SHA1_BLOCK_LEN	64

struct sha1_ctx {
	uint32_t	h[5];
	uint64_t	nbytes;			/* message length so far */
	uint8_t		block[SHA1_BLOCK_LEN];	/* a block not yet full */
	size_t		fill;			/* bytes in block */
};

void	sha1_init(struct sha1_ctx *);
void	sha1_update(struct sha1_ctx *, const void *, size_t);
/* Pads, writes the digest and leaves the context to be initialised again. */
void	sha1_final(struct sha1_ctx *, uint8_t digest[SHA1_DIGEST_LEN]);
/* The three in one call. */
void	sha1(const void *, size_t, uint8_t digest[SHA1_DIGEST_LEN]);

#endif
