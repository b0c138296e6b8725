/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 as FIPS 180-4 section 6.2 states it, and HMAC over it as RFC 2104
 * does.  Plain and portable rather than fast: the relay MACs frames of a
 * few hundred bytes, where a table-free compression function costs
 * microseconds.  Tested against FIPS 180 and RFC 4231 vectors
 * (relay/tests/test-sha256.c).
 */
#include <string.h>

#include "sha256.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
	0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
	0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
	0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
	0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
	0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
	0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned int n)
{
	return (x >> n) | (x << (32 - n));
}

/* The compression function on one 64-byte block. */
static void compress(uint32_t h[8], const uint8_t *p)
{
	uint32_t w[64], a, b, c, d, e, f, g, k, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) +
		       w[i - 7] + (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
	for (i = 0; i < 64; i++) {
		t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
		k = g, g = f, f = e, e = d + t1, d = c, c = b, b = a, a = t1 + t2;
	}
	h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

void dusk_sha256_init(struct dusk_sha256 *s)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(s->h, iv, sizeof(iv));
	s->bytes = 0;
	s->fill = 0;
}

void dusk_sha256_update(struct dusk_sha256 *s, const void *data, size_t len)
{
	const uint8_t *p = data;

	s->bytes += len;
	if (s->fill) {
		size_t n = DUSK_SHA256_BLOCK - s->fill;

		if (n > len)
			n = len;
		memcpy(s->buf + s->fill, p, n);
		s->fill += n;
		p += n;
		len -= n;
		if (s->fill < DUSK_SHA256_BLOCK)
			return;
		compress(s->h, s->buf);
		s->fill = 0;
	}
	for (; len >= DUSK_SHA256_BLOCK; p += DUSK_SHA256_BLOCK, len -= DUSK_SHA256_BLOCK)
		compress(s->h, p);
	memcpy(s->buf, p, len);
	s->fill = len;
}

void dusk_sha256_final(struct dusk_sha256 *s, uint8_t out[DUSK_SHA256_LEN])
{
	uint64_t bits = s->bytes * 8;
	uint8_t pad[DUSK_SHA256_BLOCK + 8] = { 0x80 };
	size_t padlen = (s->fill < 56 ? 56 : 120) - s->fill;
	int i;

	for (i = 0; i < 8; i++)
		pad[padlen + i] = (uint8_t)(bits >> (56 - 8 * i));
	dusk_sha256_update(s, pad, padlen + 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(s->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)s->h[i];
	}
}

void dusk_hmac_init(struct dusk_hmac *h, const void *key, size_t keylen)
{
	uint8_t k[DUSK_SHA256_BLOCK] = { 0 }, ipad[DUSK_SHA256_BLOCK], opad[DUSK_SHA256_BLOCK];
	int i;

	if (keylen > DUSK_SHA256_BLOCK) {
		dusk_sha256_init(&h->inner);
		dusk_sha256_update(&h->inner, key, keylen);
		dusk_sha256_final(&h->inner, k);
	} else {
		memcpy(k, key, keylen);
	}
	for (i = 0; i < DUSK_SHA256_BLOCK; i++) {
		ipad[i] = k[i] ^ 0x36;
		opad[i] = k[i] ^ 0x5c;
	}
	dusk_sha256_init(&h->inner);
	dusk_sha256_update(&h->inner, ipad, sizeof(ipad));
	dusk_sha256_init(&h->outer);
	dusk_sha256_update(&h->outer, opad, sizeof(opad));
}

void dusk_hmac_update(struct dusk_hmac *h, const void *data, size_t len)
{
	dusk_sha256_update(&h->inner, data, len);
}

void dusk_hmac_final(struct dusk_hmac *h, uint8_t out[DUSK_SHA256_LEN])
{
	uint8_t ih[DUSK_SHA256_LEN];

	dusk_sha256_final(&h->inner, ih);
	dusk_sha256_update(&h->outer, ih, sizeof(ih));
	dusk_sha256_final(&h->outer, out);
}

void dusk_hmac_sha256(const void *key, size_t keylen, const void *data, size_t len,
		      uint8_t out[DUSK_SHA256_LEN])
{
	struct dusk_hmac h;

	dusk_hmac_init(&h, key, keylen);
	dusk_hmac_update(&h, data, len);
	dusk_hmac_final(&h, out);
}

int dusk_mac_equal(const uint8_t *a, const uint8_t *b, size_t len)
{
	uint8_t d = 0;
	size_t i;

	for (i = 0; i < len; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}
