/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104), libc only: the relay's
 * authentication is built on them, and dusk-relay links nothing else.
 * Shared by dusk-relay and libduskrt's TCP transport.
 */
#ifndef DUSK_SHA256_H
#define DUSK_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define DUSK_SHA256_LEN 32
#define DUSK_SHA256_BLOCK 64

struct dusk_sha256 {
	uint32_t h[8];
	uint64_t bytes;			/* message length so far */
	uint8_t buf[DUSK_SHA256_BLOCK];	/* a partial block */
	size_t fill;
};

void dusk_sha256_init(struct dusk_sha256 *s);
void dusk_sha256_update(struct dusk_sha256 *s, const void *data, size_t len);
void dusk_sha256_final(struct dusk_sha256 *s, uint8_t out[DUSK_SHA256_LEN]);

/* HMAC-SHA256 fed in pieces: init with the key, update, final. */
struct dusk_hmac {
	struct dusk_sha256 inner, outer;
};

void dusk_hmac_init(struct dusk_hmac *h, const void *key, size_t keylen);
void dusk_hmac_update(struct dusk_hmac *h, const void *data, size_t len);
void dusk_hmac_final(struct dusk_hmac *h, uint8_t out[DUSK_SHA256_LEN]);

/* One-shot HMAC of one buffer. */
void dusk_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
		      uint8_t out[DUSK_SHA256_LEN]);

/* Compare two MACs in time independent of where they differ: 1 if equal. */
int dusk_mac_equal(const uint8_t *a, const uint8_t *b, size_t len);

#endif /* DUSK_SHA256_H */
