/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the upcall parser (built when the compiler is
 * clang: meson setup -Dc_args=... CC=clang; run ./fuzz-upcall corpus/).
 * Whatever the bytes, dusk_upcall_parse() must not read outside them and
 * must only accept what the protocol allows.
 */
#include <stdlib.h>
#include <string.h>

#include "msg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dusk_upcall up;
	const struct nlattr *a;

	if (dusk_upcall_parse(data, size, &up))
		return 0;
	if (up.ctx == 0 || up.nargs > DUSK_MAX_ARGS || up.nlh->nlmsg_len > size)
		abort();
	mnl_attr_for_each(a, up.nlh, GENL_HDRLEN) {
		uint64_t addr = 0;
		const void *d = NULL;
		uint32_t n = 0;

		if (mnl_attr_get_type(a) == DUSK_A_CHUNK) {
			dusk_attr_chunk(a, &addr, &d, &n);
			if (!d || (const uint8_t *)d + n > data + size)
				abort();
		}
	}
	return 0;
}
