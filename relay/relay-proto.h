/* SPDX-License-Identifier: MIT */
/*
 * The dusk-relay wire protocol (docs/remote.md), shared by dusk-relay and
 * libduskrt's TCP transport.  libc only.
 *
 * Handshake, all integers big-endian:
 *   C1 client -> relay: "DUSKRLY1", nonce_c[32], layout hash u64, stub hash
 *      u64, name length u8, module name;
 *   R1 relay -> client: status u8; OK: nonce_r[32], HMAC(K, "relay" | C1 | nonce_r);
 *      else a refusal: text length u16, text;
 *   C2 client -> relay: HMAC(K, "client" | C1 | nonce_r);
 *   R2 relay -> client: status u8; OK: generic netlink family id u16;
 *      else a refusal as in R1.
 * Then frames both ways: length u32, that many bytes of netlink messages
 * (one datagram), HMAC(direction key, frame number u64 | length | bytes).
 * The direction keys are HMACs of the shared key over the handshake, so a
 * frame cannot be forged, replayed, reordered or moved to another session.
 * Nothing is encrypted.
 */
#ifndef DUSK_RELAY_PROTO_H
#define DUSK_RELAY_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define DUSK_RELAY_MAGIC "DUSKRLY1"
#define DUSK_RELAY_MAGIC_LEN 8
#define DUSK_RELAY_NONCE 32
#define DUSK_RELAY_NAME_MAX 64
#define DUSK_RELAY_C1_MAX (DUSK_RELAY_MAGIC_LEN + DUSK_RELAY_NONCE + 8 + 8 + 1 + DUSK_RELAY_NAME_MAX)
#define DUSK_RELAY_FRAME_HDR 4
#define DUSK_RELAY_FRAME_MAX (256 * 1024)	/* netlink bytes in one frame */
#define DUSK_RELAY_PORT 7207
#define DUSK_RELAY_KEY_MIN 16
#define DUSK_RELAY_KEY_MAX 4096
#define DUSK_RELAY_TEXT_MAX 512

enum dusk_relay_status {
	DUSK_RELAY_OK = 0,
	DUSK_RELAY_BUSY = 1,		/* another client is connected */
	DUSK_RELAY_DENIED = 2,		/* authentication failed (wrong key) */
	DUSK_RELAY_WRONG_MODULE = 3,	/* the relay serves another module */
	DUSK_RELAY_NO_FAMILY = 4,	/* dusk_NAME.ko is not loaded */
	DUSK_RELAY_ERROR = 5,		/* anything else: the text says */
};

struct dusk_relay_key {
	uint8_t bytes[DUSK_RELAY_KEY_MAX];
	size_t len;
};

/* What the client said in C1 (and C1 itself, which the MACs cover). */
struct dusk_relay_hello {
	uint8_t raw[DUSK_RELAY_C1_MAX];
	size_t rawlen;
	uint64_t layout, stub;
	char name[DUSK_RELAY_NAME_MAX + 1];
};

/* One direction of the frame stream after the handshake. */
struct dusk_relay_chan {
	uint8_t key[DUSK_SHA256_LEN];
	uint64_t seq;			/* frames so far */
};

/*
 * dusk_relay_key_load() - read the shared key: the whole file, 16 to 4096
 * bytes, owner-only (a key others can read is no secret).  0, or -errno
 * with the reason in @err.
 */
int dusk_relay_key_load(const char *path, struct dusk_relay_key *key, char *err, size_t errlen);

/* TCP keepalive probes after 10 s of silence: a peer that vanished without
 * closing (power, cable) is noticed in about 25 s, and its session ends.
 * The kernel answers them, so a program stopped in gdb stays connected. */
void dusk_relay_keepalive(int fd);

/* Whole-buffer socket I/O: 0, -errno, or -ECONNRESET at end of stream. */
int dusk_relay_read_all(int fd, void *buf, size_t len);
int dusk_relay_write_all(int fd, const void *buf, size_t len);

/* Client side of the handshake on a connected socket.  0 and the family id
 * and both channels, or -errno with the relay's refusal or the reason in
 * @err (-EACCES: authentication failed either way). */
int dusk_relay_client_handshake(int fd, const struct dusk_relay_key *key, const char *name,
				uint64_t layout, uint64_t stub, uint16_t *family,
				struct dusk_relay_chan *tx, struct dusk_relay_chan *rx,
				char *err, size_t errlen);

/* Relay side: read C1.  0 or -errno (-EPROTO: not a DUSK client). */
int dusk_relay_read_hello(int fd, struct dusk_relay_hello *h);

/* Relay side, after C1: R1, C2 and the check of the client's MAC.  0 and
 * both channels, -EACCES for a wrong key (R2 not yet sent), -errno. */
int dusk_relay_server_auth(int fd, const struct dusk_relay_key *key,
			   const struct dusk_relay_hello *h, struct dusk_relay_chan *tx,
			   struct dusk_relay_chan *rx);

/* A status message (R1 refusal, R2): OK carries @family, others @text. */
int dusk_relay_send_status(int fd, uint8_t status, uint16_t family, const char *text);

/* The MAC of the next frame on @c (advances its frame number). */
void dusk_relay_frame_mac(struct dusk_relay_chan *c, const void *buf, uint32_t len,
			  uint8_t mac[DUSK_SHA256_LEN]);

/* Send one frame (blocking, whole).  0 or -errno. */
int dusk_relay_frame_write(int fd, struct dusk_relay_chan *c, const void *buf, uint32_t len);

/* Read one frame (blocking) into @buf (@cap bytes).  Its length, or
 * -ECONNRESET at end of stream, -EMSGSIZE, -EBADMSG (MAC wrong), -errno. */
long dusk_relay_frame_read(int fd, struct dusk_relay_chan *c, void *buf, size_t cap);

/* Top-level attribute @type of generic netlink message @nlh (whole, its
 * length at least NLMSG_LENGTH(GENL_HDRLEN)), or NULL (refusal.c). */
struct nlmsghdr;
struct nlattr;
const struct nlattr *dusk_relay_find_attr(const struct nlmsghdr *nlh, int type);

/* Why the client's datagram @buf may not go to the kernel, or NULL
 * (refusal.c).  @family: the module's generic netlink family. */
const char *dusk_relay_refusal(const char *buf, size_t len, uint16_t family);

#endif /* DUSK_RELAY_PROTO_H */
