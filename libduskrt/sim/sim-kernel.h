/* SPDX-License-Identifier: MIT */
/*
 * An in-process simulated kernel for libduskrt's unit tests and benchmark.
 *
 * It plays dusk-kmod's part of include/dusk/protocol.h over the transport
 * interface, parsing and building real generic netlink messages with libmnl
 * (the same msg.c the runtime uses, the same rules docs/protocol.md states):
 * HELLO with its hash checks, READ from a fake kernel address space, WRITE
 * only into mirrors, writable regions and lent ranges, MIRROR_ALLOC/FREE,
 * CALL into stub functions the test registers (with printk text), UPCALLs
 * the test raises and the REPLYs that end them, BYE.  Every request is
 * counted so tests can check how the runtime talks, not just what it gets.
 */
#ifndef DUSK_SIM_KERNEL_H
#define DUSK_SIM_KERNEL_H

#include <stddef.h>
#include <stdint.h>

struct dusk_sim;
struct dusk_transport;

#define DUSK_SIM_KBASE 0xffff800000000000ull	/* kbase the sim reports */
#define DUSK_SIM_TASK 0xffff888003a00000ull	/* the program's task (HELLO's CURRENT) */
#define DUSK_SIM_MIRRORS 0xffff888100000000ull	/* where mirrors are allocated */

struct dusk_sim *dusk_sim_new(void);
void dusk_sim_free(struct dusk_sim *sim);
/* The program's end; valid until dusk_sim_free() (destroy() only closes). */
struct dusk_transport *dusk_sim_transport(struct dusk_sim *sim);

/* What HELLO answers with (defaults: DUSK_PROTO_VERSION, 0, 0, "sim"). */
void dusk_sim_set_hello(struct dusk_sim *sim, uint32_t version, uint64_t layout_hash,
			uint64_t stub_hash, const char *modname);
void dusk_sim_set_syms(struct dusk_sim *sim, const uint64_t *syms, unsigned int n);
void dusk_sim_set_proxies(struct dusk_sim *sim, const uint64_t *proxies, unsigned int n);

/* Fake kernel memory: map [addr, addr+len) zeroed; @writable lets WRITE
 * reach it (as memory the session owns).  0 or -errno. */
int dusk_sim_map(struct dusk_sim *sim, uint64_t addr, size_t len, int writable);
/* Host pointer to the sim's bytes at kernel address @addr, or NULL. */
void *dusk_sim_ptr(struct dusk_sim *sim, uint64_t addr);

/* A stub: runs with the call's arguments, the sim unlocked (it may raise
 * an upcall and wait for its reply).  A printk-like stub writes its text
 * (level prefix kept) into @text. */
typedef uint64_t (*dusk_sim_stub_fn)(struct dusk_sim *sim, const uint64_t *args,
				     unsigned int nargs, char *text, void *arg);
void dusk_sim_set_stub(struct dusk_sim *sim, unsigned int idx, dusk_sim_stub_fn fn, void *arg);
/* The task state of the task running a stub, as the kmod sets it: the
 * CALL's TASK_STATE (0, running, without one); a stub may change it
 * (prepare_to_wait()), and the CALL answers what it left.  One stub at a
 * time. */
uint32_t *dusk_sim_task_state(struct dusk_sim *sim);

struct dusk_sim_range {
	uint64_t addr;
	uint32_t len;
};

struct dusk_sim_upcall {
	uint32_t proxy;
	const uint64_t *args;
	unsigned int nargs;
	uint64_t current;
	uint32_t cpu;
	uint32_t flags;
	int flowed;				/* a packet's: FLOW is sent */
	uint32_t flow;
	const struct dusk_sim_range *lent;	/* writable while the upcall runs */
	unsigned int nlent;
	const struct dusk_sim_range *prefetch;	/* sent along as CHUNKs */
	unsigned int nprefetch;
	const struct dusk_sim_range *held;	/* sent along as HELD chunks */
	unsigned int nheld;
};

/* Raise an upcall; returns its CTX (never 0). */
uint64_t dusk_sim_upcall(struct dusk_sim *sim, const struct dusk_sim_upcall *u);
/* Wait up to @ms for the REPLY of @ctx: 0 with *ret, or -ETIMEDOUT. */
int dusk_sim_wait_reply(struct dusk_sim *sim, uint64_t ctx, uint64_t *ret, int ms);
/* The kernel's timeout for upcall @ctx: stop waiting for it (its REPLY
 * and nested CALLs now fail with -ESRCH); its result becomes @ret, the
 * failure policy.  0, or -ESRCH when @ctx is not waiting. */
int dusk_sim_expire(struct dusk_sim *sim, uint64_t ctx, uint64_t ret);
/* While @on, a REPLY that carries CHUNKs waits in the sender's send(),
 * not yet applied (the kernel has not taken the callback's stores yet);
 * off lets it through.  dusk_sim_wait_held_reply(): wait up to @ms until
 * one waits so: 0 or -ETIMEDOUT. */
void dusk_sim_hold_replies(struct dusk_sim *sim, int on);
int dusk_sim_wait_held_reply(struct dusk_sim *sim, int ms);
/* Queue a raw datagram to the program, as if the kernel had sent it. */
int dusk_sim_inject(struct dusk_sim *sim, const void *buf, size_t len);

struct dusk_sim_stats {
	unsigned int requests;
	unsigned int hellos, reads, writes, calls, replies, byes;
	unsigned int read_ranges;
	size_t read_bytes;
	unsigned int chunks;		/* CHUNKs applied (WRITE, CALL, REPLY) */
	size_t chunk_bytes;
	unsigned int mirror_allocs, mirror_frees, mirrors_live;
	unsigned int refused;		/* requests answered with an error */
	unsigned int acks;		/* acks sent (NLM_F_ACK requests that succeeded) */
	unsigned int datagrams;		/* datagrams the program sent */
	unsigned int direct_answers;	/* answers written into the sender's buffer */
	unsigned int empty_receives;	/* recv_ready() calls that found nothing */
	int bound;
};
void dusk_sim_stats(struct dusk_sim *sim, struct dusk_sim_stats *out);
/* Answer CALL, READ and MIRROR_ALLOC into the buffer the request names
 * (ANSWER_AT), as the kmod does on a local socket: off unless turned on. */
void dusk_sim_direct_answers(struct dusk_sim *sim, int on);

/* The chunks applied since the last call (up to @max), oldest first;
 * returns how many were recorded and clears the record. */
struct dusk_sim_write {
	uint64_t addr;
	uint32_t len;
};
size_t dusk_sim_take_writes(struct dusk_sim *sim, struct dusk_sim_write *out, size_t max);

#endif /* DUSK_SIM_KERNEL_H */
