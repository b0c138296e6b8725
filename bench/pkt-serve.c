/* SPDX-License-Identifier: MIT */
/*
 * The packet path's serving of an upcall, on the host against the simulated
 * kernel: a hook upcall shaped like lwfw's (an sk_buff, the packet's headers
 * and a hook state prefetched as three CHUNKs, a FLOW, a hook body making
 * seven checks of kernel memory across them), raised PACKETS times, each
 * waited for.  Run it under callgrind to count the instructions the
 * runtime spends per packet from the upcall's parse to its REPLY:
 *
 *   valgrind --tool=callgrind --toggle-collect=dusk_serve_upcall \
 *            BUILD/bench/pkt-serve 1000
 *
 * The count is the runtime's own (dusk_serve_upcall() and what it calls),
 * without the transport's receive and send, which the simulated kernel
 * does differently from generic netlink: bench/pkt/profile-pkt counts the
 * whole step in the guest.  Fast to repeat after each change.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "testmod.h"

#define SKB 0xffff888004a1c000ull	/* the sk_buff, 232 bytes as in 6.1 */
#define HDR 0xffff888005b2d040ull	/* its headers (IP, UDP) */
#define STATE 0xffffc90000a3fc80ull	/* the hook state, on the kernel stack */

/* lwfw reads it through DUSK_DEREF(), which checks the whole struct: its
 * size is the prefetched CHUNK's. */
struct kskb {
	uint64_t next, prev, sk, tstamp, dev_or_rb[2];
	char cb[48];
	uint64_t destructor, nfct;
	uint32_t len, data_len;
	uint16_t mac_len, hdr_len, qmap;
	uint8_t flags[6];
	uint32_t mark, hash;
	uint16_t proto, th, nh, mh;
	uint64_t tail_end_head, data;
	uint32_t truesize, users;
	char rest[56];
};
_Static_assert(sizeof(struct kskb) == 232, "the sk_buff's CHUNK");

struct kstate {
	uint8_t hook, pf;
	uint8_t pad[6];
	uint64_t in, out, sk, net, okfn;
};

static uint64_t hook_body(uint64_t a, uint64_t b)
{
	struct kskb *skb = (struct kskb *)(uintptr_t)a;
	struct kstate *st = (struct kstate *)(uintptr_t)b;
	const unsigned char *ip;
	uint32_t len = DUSK_DEREF(skb)->len;
	uint64_t data = DUSK_DEREF(skb)->data;
	uint16_t nh = DUSK_DEREF(skb)->nh, th = DUSK_DEREF(skb)->th;
	uint8_t hook = DUSK_DEREF(st)->hook;

	ip = (const unsigned char *)(uintptr_t)(data + nh);
	if (DUSK_DEREF(ip)[9] != 17 || hook > 4 || len < 28)
		return 1;
	ip = (const unsigned char *)(uintptr_t)(data + th);
	return DUSK_DEREF(ip)[3] == 7 ? 0 : 1;	/* deny_port=7 */
}

int main(int argc, char **argv)
{
	long packets = argc > 1 ? atol(argv[1]) : 1000, i;
	struct dusk_sim_range pf[3] = { { SKB, 232 }, { HDR, 64 }, { STATE, 48 } };
	uint64_t args[2] = { SKB, STATE }, ret;
	struct dusk_sim_upcall u = { .proxy = PROXY_HOOK, .args = args, .nargs = 2,
				     .flowed = 1, .flow = 0x1234, .prefetch = pf,
				     .nprefetch = 3 };
	struct kskb skb = { .len = 92, .nh = 0, .th = 20 };
	struct kstate st = { .hook = 0, .pf = 2 };
	unsigned char hdr[64] = { 0x45, [9] = 17, [23] = 9 };
	struct dusk_sim *sim;

	sim = harness_sim(&tm_module);
	if (!sim || dusk_sim_map(sim, SKB & ~4095ull, 4096, 1) ||
	    dusk_sim_map(sim, HDR & ~4095ull, 4096, 1) ||
	    dusk_sim_map(sim, STATE & ~4095ull, 4096, 1)) {
		fprintf(stderr, "pkt-serve: simulated kernel\n");
		return 1;
	}
	skb.data = HDR;
	memcpy(dusk_sim_ptr(sim, SKB), &skb, sizeof(skb));
	memcpy(dusk_sim_ptr(sim, HDR), hdr, sizeof(hdr));
	memcpy(dusk_sim_ptr(sim, STATE), &st, sizeof(st));
	tm_hook_body = hook_body;
	harness_open(sim, &tm_module, 1);
	for (i = 0; i < packets; i++) {
		if (dusk_sim_wait_reply(sim, dusk_sim_upcall(sim, &u), &ret, 5000) || ret != 1) {
			fprintf(stderr, "pkt-serve: packet %ld: no verdict\n", i);
			return 1;
		}
	}
	harness_close(sim);
	printf("pkt-serve: %ld packets served\n", packets);
	return 0;
}
