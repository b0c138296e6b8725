/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kclient: a minimal user-space speaker of the DUSK wire protocol, for the
 * dusk-kmod VM tests only.  It shares nothing with libduskrt but
 * <dusk/protocol.h>, so a kernel-side bug cannot hide behind a matching
 * runtime bug.  One connection = one netlink socket = one session.
 *
 * Functions return 0 (or a value) on success and a negative errno on
 * failure, the kernel's own errno when the kernel refused a request.
 */
#ifndef KCLIENT_H
#define KCLIENT_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>
#include <dusk/protocol.h>

#define KC_BUF		(256 * 1024)
#define KC_MAX_RANGES	8

struct kc_range {
	uint64_t addr;
	uint32_t len;
	const void *data;	/* CHUNKs only: points into the upcall's buffer */
};

struct kc_upcall {
	uint64_t ctx;
	uint32_t proxy;
	uint32_t flags;
	uint32_t nargs;
	uint64_t args[DUSK_MAX_ARGS];
	unsigned int nlent, nchunks;
	struct kc_range lent[KC_MAX_RANGES];
	struct kc_range chunks[KC_MAX_RANGES];
	char buf[8192];		/* copy of the message the ranges point into */
};

struct kc_hello {
	int bound;		/* KBASE/SYMS/PROXIES were sent */
	uint64_t layout_hash, stub_hash, kbase;
	uint32_t nsyms, nproxies;
	uint64_t syms[16], proxies[16];
};

struct kc;

/* Open a socket and resolve the family DUSK_GENL_PREFIX + modname. */
struct kc *kc_open(const char *modname, int *err);
void kc_close(struct kc *kc);

/* Start a request; attributes are added with mnl_attr_put*(). */
struct nlmsghdr *kc_req(struct kc *kc, uint8_t cmd);
/* Put a nested { ADDR, DATA } (CHUNK) or { ADDR, LEN } (RANGE) attribute. */
void kc_put_chunk(struct nlmsghdr *nlh, uint64_t addr, const void *data, uint32_t len);
void kc_put_range(struct nlmsghdr *nlh, uint64_t addr, uint32_t len);

/*
 * Send @nlh (NLM_F_ACK added) and wait for its answer; upcalls arriving
 * meanwhile are queued for kc_upcall_next().  @cb, if given, sees each
 * top-level attribute of the answer message.  Returns 0 or the kernel's
 * negative errno.
 */
int kc_xact(struct kc *kc, struct nlmsghdr *nlh,
	    void (*cb)(const struct nlattr *a, void *data), void *data);

/* Wait up to @timeout_ms for an upcall: 1 got one, 0 timed out, <0 error. */
int kc_upcall_next(struct kc *kc, struct kc_upcall *up, int timeout_ms);

/* Convenience requests. */
int kc_hello(struct kc *kc, uint64_t layout, uint64_t stubs, struct kc_hello *out);
int kc_read(struct kc *kc, uint64_t addr, void *buf, uint32_t len);
int kc_write(struct kc *kc, uint64_t addr, const void *buf, uint32_t len);
int kc_mirror_alloc(struct kc *kc, const void *init, uint32_t len, uint64_t *addr);
int kc_mirror_free(struct kc *kc, uint64_t addr);
/* CALL; @ctx 0 = none; @text (may be NULL) receives TEXT, @textlen bytes. */
int kc_call(struct kc *kc, uint32_t stub, const uint64_t *args, uint32_t nargs,
	    uint64_t ctx, uint64_t *ret, char *text, size_t textlen);
int kc_reply(struct kc *kc, uint64_t ctx, uint64_t ret,
	     uint64_t chunk_addr, const void *chunk, uint32_t chunk_len);
int kc_bye(struct kc *kc);
int kc_stats(struct kc *kc, uint64_t stats[__DUSK_STAT_MAX]);
/* Send raw bytes as one message (hostile-input tests); answer as kc_xact,
 * but -ETIME after one second without an answer. */
int kc_raw(struct kc *kc, const void *msg, size_t len);
uint32_t kc_family(const struct kc *kc);
/* The socket's descriptor: for a client that sends from several threads
 * and reads in one (kclient-live.c); kc_xact() must not run meanwhile. */
int kc_fd(const struct kc *kc);
/* Parse the UPCALL message @nlh into @up (ctx 0 when malformed). */
void kc_upcall_parse(const struct nlmsghdr *nlh, struct kc_upcall *up);
/* The netlink port of the client's socket. */
uint32_t kc_portid(const struct kc *kc);

#endif /* KCLIENT_H */
