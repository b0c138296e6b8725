/* SPDX-License-Identifier: MIT */
/*
 * The dusk-relay protocol's two ends of the handshake, its frames and its
 * key file (relay-proto.h states the format).  Blocking socket I/O: the
 * caller sets timeouts for the handshake.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "relay-proto.h"

int dusk_relay_key_load(const char *path, struct dusk_relay_key *key, char *err, size_t errlen)
{
	struct stat st;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), e;

	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "key file %s: %s", path, strerror(e));
		return -e;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "key file %s: not a regular file", path);
		close(fd);
		return -EINVAL;
	}
	if (st.st_mode & 077) {
		snprintf(err, errlen, "key file %s is readable or writable by others "
			 "(mode %03o): chmod 600 %s", path, (unsigned int)(st.st_mode & 0777), path);
		close(fd);
		return -EPERM;
	}
	n = read(fd, key->bytes, sizeof(key->bytes));
	e = errno;
	close(fd);
	if (n < 0) {
		snprintf(err, errlen, "key file %s: %s", path, strerror(e));
		return -e;
	}
	if (n < DUSK_RELAY_KEY_MIN || n == (ssize_t)sizeof(key->bytes)) {
		snprintf(err, errlen, "key file %s: a key is %d to %d bytes (e.g. head -c 32 "
			 "/dev/urandom >FILE)", path, DUSK_RELAY_KEY_MIN, DUSK_RELAY_KEY_MAX - 1);
		return -EINVAL;
	}
	key->len = (size_t)n;
	return 0;
}

void dusk_relay_keepalive(int fd)
{
	int one = 1, idle = 10, intvl = 5, cnt = 3;

	setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl, sizeof(intvl));
	setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

/*
 * All of @len bytes received into @p (@out false) or sent from it, through
 * EINTR.  A socket timeout (SO_RCVTIMEO, SO_SNDTIMEO) is -ETIMEDOUT; the
 * peer's orderly close before the end, -ECONNRESET.
 */
static int transfer_all(int fd, char *p, size_t len, bool out)
{
	ssize_t n;

	while (len) {
		n = out ? send(fd, p, len, MSG_NOSIGNAL) : recv(fd, p, len, 0);
		if (n == 0 && !out)
			return -ECONNRESET;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int dusk_relay_read_all(int fd, void *buf, size_t len)
{
	return transfer_all(fd, buf, len, false);
}

int dusk_relay_write_all(int fd, const void *buf, size_t len)
{
	return transfer_all(fd, (char *)buf, len, true);	/* only read */
}

static void put_be(uint8_t *p, uint64_t v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* HMAC(K, label | C1 | nonce_r): the handshake's MACs and the direction keys. */
static void bound_mac(const struct dusk_relay_key *key, const char *label,
		      const struct dusk_relay_hello *h, const uint8_t *nonce_r, uint8_t *out)
{
	struct dusk_hmac m;

	dusk_hmac_init(&m, key->bytes, key->len);
	dusk_hmac_update(&m, "dusk-relay 1 ", 13);
	dusk_hmac_update(&m, label, strlen(label) + 1);
	dusk_hmac_update(&m, h->raw, h->rawlen);
	dusk_hmac_update(&m, nonce_r, DUSK_RELAY_NONCE);
	dusk_hmac_final(&m, out);
}

static void chans(const struct dusk_relay_key *key, const struct dusk_relay_hello *h,
		  const uint8_t *nonce_r, struct dusk_relay_chan *c2r, struct dusk_relay_chan *r2c)
{
	bound_mac(key, "c2r", h, nonce_r, c2r->key);
	bound_mac(key, "r2c", h, nonce_r, r2c->key);
	c2r->seq = r2c->seq = 0;
}

static int nonce(uint8_t *p)
{
	size_t got = 0;
	ssize_t n;

	while (got < DUSK_RELAY_NONCE) {
		n = getrandom(p + got, DUSK_RELAY_NONCE - got, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		got += (size_t)n;
	}
	return 0;
}

/* A status byte and what follows a refusal: the text into @err. */
static int read_status(int fd, uint8_t *status, char *err, size_t errlen)
{
	uint8_t len[2];
	char text[DUSK_RELAY_TEXT_MAX + 1];
	size_t n;
	int r = dusk_relay_read_all(fd, status, 1);

	if (r || *status == DUSK_RELAY_OK)
		return r;
	r = dusk_relay_read_all(fd, len, 2);
	n = (size_t)get_be(len, 2);
	if (!r && n > DUSK_RELAY_TEXT_MAX)
		r = -EPROTO;
	if (!r)
		r = dusk_relay_read_all(fd, text, n);
	if (r)
		return r;
	text[n] = 0;
	snprintf(err, errlen, "the relay refused: %s", text);
	return 0;
}

static int refusal_errno(uint8_t status)
{
	switch (status) {
	case DUSK_RELAY_BUSY: return -EBUSY;
	case DUSK_RELAY_DENIED: return -EACCES;
	case DUSK_RELAY_WRONG_MODULE: return -ENOENT;
	case DUSK_RELAY_NO_FAMILY: return -ENOENT;
	default: return -EPROTO;
	}
}

/* I/O error @r of the handshake, described in @err; returns @r. */
static int io_error(int r, char *err, size_t errlen)
{
	snprintf(err, errlen, "handshake with the relay: %s",
		 r == -ECONNRESET ? "the relay closed the connection" : strerror(-r));
	return r;
}

/*
 * One step of the client's handshake: send the @len bytes at @buf, then
 * read the relay's status.  0 when the relay goes on; else -errno, a
 * refusal's or an I/O error's, described in @err.
 */
static int ask(int fd, const void *buf, size_t len, char *err, size_t errlen)
{
	uint8_t status;
	int r = dusk_relay_write_all(fd, buf, len);

	if (!r)
		r = read_status(fd, &status, err, errlen);
	if (r)
		return io_error(r, err, errlen);
	return status == DUSK_RELAY_OK ? 0 : refusal_errno(status);
}

int dusk_relay_client_handshake(int fd, const struct dusk_relay_key *key, const char *name,
				uint64_t layout, uint64_t stub, uint16_t *family,
				struct dusk_relay_chan *tx, struct dusk_relay_chan *rx,
				char *err, size_t errlen)
{
	struct dusk_relay_hello h;
	uint8_t nonce_r[DUSK_RELAY_NONCE], mac[DUSK_SHA256_LEN], want[DUSK_SHA256_LEN], fam[2];
	uint8_t *p = h.raw;
	size_t nlen = strlen(name);
	int r;

	if (nlen > DUSK_RELAY_NAME_MAX) {
		snprintf(err, errlen, "module name %s is too long for the relay", name);
		return -ENAMETOOLONG;
	}
	memcpy(p, DUSK_RELAY_MAGIC, DUSK_RELAY_MAGIC_LEN);
	p += DUSK_RELAY_MAGIC_LEN;
	r = nonce(p);
	if (r) {
		snprintf(err, errlen, "getrandom: %s", strerror(-r));
		return r;
	}
	p += DUSK_RELAY_NONCE;
	put_be(p, layout, 8);
	put_be(p + 8, stub, 8);
	p[16] = (uint8_t)nlen;
	memcpy(p + 17, name, nlen);
	h.rawlen = (size_t)(p + 17 + nlen - h.raw);
	r = ask(fd, h.raw, h.rawlen, err, errlen);
	if (r)
		return r;
	r = dusk_relay_read_all(fd, nonce_r, sizeof(nonce_r));
	if (!r)
		r = dusk_relay_read_all(fd, mac, sizeof(mac));
	if (r)
		return io_error(r, err, errlen);
	bound_mac(key, "relay", &h, nonce_r, want);
	if (!dusk_mac_equal(mac, want, sizeof(mac))) {
		snprintf(err, errlen, "the relay does not know this key (wrong key file on one "
			 "side, or not a dusk-relay)");
		return -EACCES;
	}
	bound_mac(key, "client", &h, nonce_r, mac);
	r = ask(fd, mac, sizeof(mac), err, errlen);
	if (r)
		return r;
	r = dusk_relay_read_all(fd, fam, sizeof(fam));
	if (r)
		return io_error(r, err, errlen);
	*family = (uint16_t)get_be(fam, 2);
	chans(key, &h, nonce_r, tx, rx);
	return 0;
}

int dusk_relay_read_hello(int fd, struct dusk_relay_hello *h)
{
	uint8_t *p = h->raw;
	size_t fixed = DUSK_RELAY_MAGIC_LEN + DUSK_RELAY_NONCE + 8 + 8 + 1, n;
	int r = dusk_relay_read_all(fd, p, fixed);

	if (r)
		return r;
	if (memcmp(p, DUSK_RELAY_MAGIC, DUSK_RELAY_MAGIC_LEN))
		return -EPROTO;
	n = p[fixed - 1];
	if (n > DUSK_RELAY_NAME_MAX)
		return -EPROTO;
	r = dusk_relay_read_all(fd, p + fixed, n);
	if (r)
		return r;
	h->rawlen = fixed + n;
	p += DUSK_RELAY_MAGIC_LEN + DUSK_RELAY_NONCE;
	h->layout = get_be(p, 8);
	h->stub = get_be(p + 8, 8);
	memcpy(h->name, p + 17, n);
	h->name[n] = 0;
	return 0;
}

int dusk_relay_server_auth(int fd, const struct dusk_relay_key *key,
			   const struct dusk_relay_hello *h, struct dusk_relay_chan *tx,
			   struct dusk_relay_chan *rx)
{
	uint8_t r1[1 + DUSK_RELAY_NONCE + DUSK_SHA256_LEN] = { DUSK_RELAY_OK };
	uint8_t mac[DUSK_SHA256_LEN], want[DUSK_SHA256_LEN];
	int r = nonce(r1 + 1);

	if (r)
		return r;
	bound_mac(key, "relay", h, r1 + 1, r1 + 1 + DUSK_RELAY_NONCE);
	r = dusk_relay_write_all(fd, r1, sizeof(r1));
	if (!r)
		r = dusk_relay_read_all(fd, mac, sizeof(mac));
	if (r)
		return r;
	bound_mac(key, "client", h, r1 + 1, want);
	if (!dusk_mac_equal(mac, want, sizeof(mac)))
		return -EACCES;
	chans(key, h, r1 + 1, rx, tx);
	return 0;
}

int dusk_relay_send_status(int fd, uint8_t status, uint16_t family, const char *text)
{
	uint8_t buf[3 + DUSK_RELAY_TEXT_MAX] = { status };
	size_t n = text ? strlen(text) : 0;

	if (status == DUSK_RELAY_OK) {
		put_be(buf + 1, family, 2);
		return dusk_relay_write_all(fd, buf, 3);
	}
	if (n > DUSK_RELAY_TEXT_MAX)
		n = DUSK_RELAY_TEXT_MAX;
	put_be(buf + 1, n, 2);
	memcpy(buf + 3, text, n);
	return dusk_relay_write_all(fd, buf, 3 + n);
}

void dusk_relay_frame_mac(struct dusk_relay_chan *c, const void *buf, uint32_t len,
			  uint8_t mac[DUSK_SHA256_LEN])
{
	struct dusk_hmac m;
	uint8_t hdr[12];

	put_be(hdr, c->seq++, 8);
	put_be(hdr + 8, len, 4);
	dusk_hmac_init(&m, c->key, sizeof(c->key));
	dusk_hmac_update(&m, hdr, sizeof(hdr));
	dusk_hmac_update(&m, buf, len);
	dusk_hmac_final(&m, mac);
}

int dusk_relay_frame_write(int fd, struct dusk_relay_chan *c, const void *buf, uint32_t len)
{
	uint8_t hdr[DUSK_RELAY_FRAME_HDR], mac[DUSK_SHA256_LEN];
	struct iovec iov[3] = {
		{ hdr, sizeof(hdr) }, { (void *)buf, len }, { mac, sizeof(mac) },
	};
	struct msghdr msg = { .msg_iov = iov, .msg_iovlen = 3 };
	ssize_t n;

	put_be(hdr, len, 4);
	dusk_relay_frame_mac(c, buf, len, mac);
	while (msg.msg_iovlen) {
		n = sendmsg(fd, &msg, MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		/* a short write: skip what went */
		while (msg.msg_iovlen && (size_t)n >= msg.msg_iov->iov_len) {
			n -= (ssize_t)msg.msg_iov->iov_len;
			msg.msg_iov++;
			msg.msg_iovlen--;
		}
		if (msg.msg_iovlen) {
			msg.msg_iov->iov_base = (char *)msg.msg_iov->iov_base + n;
			msg.msg_iov->iov_len -= (size_t)n;
		}
	}
	return 0;
}

long dusk_relay_frame_read(int fd, struct dusk_relay_chan *c, void *buf, size_t cap)
{
	uint8_t hdr[DUSK_RELAY_FRAME_HDR], mac[DUSK_SHA256_LEN], want[DUSK_SHA256_LEN];
	uint32_t len;
	int r = dusk_relay_read_all(fd, hdr, sizeof(hdr));

	if (r)
		return r;
	len = (uint32_t)get_be(hdr, 4);
	if (len > cap || len > DUSK_RELAY_FRAME_MAX)
		return -EMSGSIZE;
	r = dusk_relay_read_all(fd, buf, len);
	if (!r)
		r = dusk_relay_read_all(fd, mac, sizeof(mac));
	if (r)
		return r;
	dusk_relay_frame_mac(c, buf, len, want);
	if (!dusk_mac_equal(mac, want, sizeof(mac)))
		return -EBADMSG;
	return (long)len;
}
