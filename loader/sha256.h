/* SHA-256 (FIPS 180-4 §6.2), used to check hv.elf and guest images against
 * the digests a signed loader pins.
 * Pure: builds for host and firmware. */
#ifndef HVBOOT_SHA256_H
#define HVBOOT_SHA256_H

#include <stdint.h>
#include <stddef.h>

#define SHA256_DIGEST_SIZE	32
#define SHA256_BLOCK_SIZE	64

struct sha256_ctx {
	uint32_t h[8];			/* chaining state */
	uint64_t total_bytes;		/* message length so far */
	uint8_t block[SHA256_BLOCK_SIZE];	/* partial block */
	uint32_t used;			/* bytes in block[] */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
/* Pads, writes the digest, and leaves ctx needing sha256_init before reuse. */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);

/* One-shot digest of data[0..len). */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/* 1 if digest equals one of the n pinned digests, else 0. Compares every
 * byte of every pin, so the time does not say which bytes matched. */
int sha256_pinned(const uint8_t digest[SHA256_DIGEST_SIZE],
		  const uint8_t (*pins)[SHA256_DIGEST_SIZE], size_t n);

#endif
