/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 against FIPS 180-2 appendix B and HMAC-SHA256 against RFC 4231
 * section 4: the relay's authentication stands on these two.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sha256.h"

static void hex(const uint8_t *d, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_sha(const void *msg, size_t len, const char *want)
{
	struct dusk_sha256 s;
	uint8_t d[DUSK_SHA256_LEN];
	char got[2 * DUSK_SHA256_LEN + 1];

	dusk_sha256_init(&s);
	dusk_sha256_update(&s, msg, len);
	dusk_sha256_final(&s, d);
	hex(d, sizeof(d), got);
	assert_string_equal(got, want);
}

static void test_sha256_fips(void **state)
{
	static char million[1000000];
	struct dusk_sha256 s;
	uint8_t d[DUSK_SHA256_LEN];
	char got[2 * DUSK_SHA256_LEN + 1];
	size_t i;

	(void)state;
	check_sha("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_sha("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check_sha("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
		  "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	check_sha(million, sizeof(million),
		  "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* fed in uneven pieces: the block buffering must not matter */
	dusk_sha256_init(&s);
	for (i = 0; i < sizeof(million); i += 997)
		dusk_sha256_update(&s, million + i, i + 997 <= sizeof(million) ? 997 : sizeof(million) - i);
	dusk_sha256_final(&s, d);
	hex(d, sizeof(d), got);
	assert_string_equal(got, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void check_hmac(const void *key, size_t klen, const void *msg, size_t mlen,
		       const char *want)
{
	uint8_t d[DUSK_SHA256_LEN];
	char got[2 * DUSK_SHA256_LEN + 1];

	dusk_hmac_sha256(key, klen, msg, mlen, d);
	hex(d, sizeof(d), got);
	/* test case 5 is truncated to 128 bits: compare what it states */
	assert_memory_equal(got, want, strlen(want));
}

static void test_hmac_rfc4231(void **state)
{
	uint8_t k1[20], k3[20], k4[25], k5[20], k6[131], m3[50], m4[50];
	size_t i;

	(void)state;
	memset(k1, 0x0b, sizeof(k1));
	memset(k3, 0xaa, sizeof(k3));
	memset(m3, 0xdd, sizeof(m3));
	for (i = 0; i < sizeof(k4); i++)
		k4[i] = (uint8_t)(i + 1);
	memset(m4, 0xcd, sizeof(m4));
	memset(k5, 0x0c, sizeof(k5));
	memset(k6, 0xaa, sizeof(k6));

	check_hmac(k1, sizeof(k1), "Hi There", 8,
		   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac("Jefe", 4, "what do ya want for nothing?", 28,
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_hmac(k3, sizeof(k3), m3, sizeof(m3),
		   "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
	check_hmac(k4, sizeof(k4), m4, sizeof(m4),
		   "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
	check_hmac(k5, sizeof(k5), "Test With Truncation", 20, "a3b6167473100ee06e0c796c2955552b");
	check_hmac(k6, sizeof(k6), "Test Using Larger Than Block-Size Key - Hash Key First", 54,
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
	check_hmac(k6, sizeof(k6),
		   "This is a test using a larger than block-size key and a larger than "
		   "block-size data. The key needs to be hashed before being used by the "
		   "HMAC algorithm.", 152,
		   "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

static void test_mac_equal(void **state)
{
	uint8_t a[32] = { 1 }, b[32] = { 1 };

	(void)state;
	assert_true(dusk_mac_equal(a, b, sizeof(a)));
	b[31] ^= 0x80;
	assert_false(dusk_mac_equal(a, b, sizeof(a)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_fips),
		cmocka_unit_test(test_hmac_rfc4231),
		cmocka_unit_test(test_mac_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
