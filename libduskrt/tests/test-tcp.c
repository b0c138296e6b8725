/* SPDX-License-Identifier: MIT */
/*
 * The TCP transport (transport-tcp.c) against a scripted relay end on
 * loopback (relay-proto.c's server side): the handshake and its refusals,
 * the stream cut back into datagrams whatever the TCP segmentation, a
 * batch larger than recv_ready() takes (the poller must not sleep on the
 * rest), a tampered frame, the relay closing.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "rt-internal.h"
#include "relay-proto.h"

#define FAMILY 0x1234

static char keyfile[64], wrongfile[64];
static struct dusk_relay_key key;
static const struct dusk_module mod = { .name = "tmod" };

/* The relay end: one client, authenticated, then the test's script. */
struct relay {
	int lfd, fd;
	struct dusk_relay_chan tx, rx;
	pthread_t th;
	int auth;		/* the server side's handshake result */
};

static void *relay_accept(void *arg)
{
	struct relay *r = arg;
	struct dusk_relay_hello h;

	r->fd = accept(r->lfd, NULL, NULL);
	r->auth = dusk_relay_read_hello(r->fd, &h);
	if (!r->auth)
		r->auth = dusk_relay_server_auth(r->fd, &key, &h, &r->tx, &r->rx);
	if (!r->auth && strcmp(h.name, "tmod"))
		r->auth = -ENOENT;
	if (!r->auth)
		dusk_relay_send_status(r->fd, DUSK_RELAY_OK, FAMILY, NULL);
	else if (r->auth == -EACCES)
		dusk_relay_send_status(r->fd, DUSK_RELAY_DENIED, 0, "wrong key");
	return NULL;
}

/* A relay end listening on loopback; *target names it. */
static void relay_start(struct relay *r, char *target, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);

	memset(r, 0, sizeof(*r));
	r->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(r->lfd >= 0);
	assert_int_equal(bind(r->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(r->lfd, 1), 0);
	assert_int_equal(getsockname(r->lfd, (struct sockaddr *)&sa, &sl), 0);
	snprintf(target, len, "127.0.0.1:%u", ntohs(sa.sin_port));
	assert_int_equal(pthread_create(&r->th, NULL, relay_accept, r), 0);
}

static void relay_stop(struct relay *r)
{
	if (r->fd >= 0)
		close(r->fd);
	close(r->lfd);
}

static struct dusk_transport *connect_ok(struct relay *r)
{
	struct dusk_transport *t = NULL;
	char target[32];

	relay_start(r, target, sizeof(target));
	assert_int_equal(dusk_tcp_open(target, keyfile, &mod, &t), 0);
	pthread_join(r->th, NULL);
	assert_int_equal(r->auth, 0);
	assert_int_equal(t->family, FAMILY);
	return t;
}

/* Frame @n of the script: its payload. */
static size_t payload(unsigned int n, char *buf)
{
	return (size_t)sprintf(buf, "datagram %u", n) + 1;
}

/* Append frame @n, MACed on @c, to @out; its length. */
static size_t frame(struct dusk_relay_chan *c, unsigned int n, uint8_t *out)
{
	char p[32];
	uint32_t len = (uint32_t)payload(n, p);

	out[0] = 0, out[1] = 0, out[2] = (uint8_t)(len >> 8), out[3] = (uint8_t)len;
	memcpy(out + 4, p, len);
	dusk_relay_frame_mac(c, p, len, out + 4 + len);
	return 4 + len + DUSK_SHA256_LEN;
}

/* recv_ready() until @want datagrams came (waiting between); checks them. */
static void expect(struct dusk_transport *t, unsigned int from, unsigned int want,
		   unsigned int batch)
{
	static char store[16][256];
	void *bufs[16];
	size_t lens[16];
	char p[32];
	unsigned int got = 0, i;
	int n;

	for (i = 0; i < 16; i++)
		bufs[i] = store[i];
	while (got < want) {
		n = t->ops->recv_ready(t, bufs, sizeof(store[0]), lens, batch);
		assert_true(n >= 0);
		for (i = 0; i < (unsigned int)n; i++, got++) {
			assert_int_equal(lens[i], payload(from + got, p));
			assert_string_equal(store[i], p);
		}
		if (got < want)
			assert_int_equal(t->ops->wait(t), 0);
	}
}

static void handshake_and_both_directions(void **state)
{
	struct relay r;
	struct dusk_transport *t;
	char buf[64];
	uint8_t f[128];
	long n;

	(void)state;
	t = connect_ok(&r);
	assert_int_equal(t->ops->send(t, "hello kernel", 13), 0);
	n = dusk_relay_frame_read(r.fd, &r.rx, buf, sizeof(buf));
	assert_int_equal(n, 13);
	assert_string_equal(buf, "hello kernel");
	n = (long)frame(&r.tx, 0, f);
	assert_int_equal(write(r.fd, f, (size_t)n), n);
	expect(t, 0, 1, 16);
	t->ops->destroy(t);
	relay_stop(&r);
}

/* One frame a byte at a time: nothing until it is whole. */
static void split_frames_are_joined(void **state)
{
	struct relay r;
	struct dusk_transport *t;
	uint8_t f[128];
	size_t len, i;
	void *bufs[1];
	char b[256];
	size_t lens[1];

	(void)state;
	t = connect_ok(&r);
	len = frame(&r.tx, 0, f);
	bufs[0] = b;
	for (i = 0; i + 1 < len; i++) {
		assert_int_equal(write(r.fd, f + i, 1), 1);
		usleep(1000);
		assert_int_equal(t->ops->recv_ready(t, bufs, sizeof(b), lens, 1), 0);
	}
	assert_int_equal(write(r.fd, f + i, 1), 1);
	expect(t, 0, 1, 1);
	t->ops->destroy(t);
	relay_stop(&r);
}

/* 40 frames in one write, taken 16 at a time: what a batch leaves staged
 * must not leave the poller asleep on a drained socket. */
static void more_than_a_batch(void **state)
{
	struct relay r;
	struct dusk_transport *t;
	static uint8_t f[40 * 128];
	size_t len = 0;
	unsigned int i;

	(void)state;
	t = connect_ok(&r);
	for (i = 0; i < 40; i++)
		len += frame(&r.tx, i, f + len);
	assert_int_equal(write(r.fd, f, len), (ssize_t)len);
	usleep(20000);
	/* all 40 are in the staging buffer after the first call */
	expect(t, 0, 16, 16);
	assert_int_equal(t->ops->wait(t), 0);	/* would block forever without the kick */
	expect(t, 16, 16, 16);
	assert_int_equal(t->ops->wait(t), 0);
	expect(t, 32, 8, 16);
	t->ops->destroy(t);
	relay_stop(&r);
}

static void tampered_frame_is_refused(void **state)
{
	struct relay r;
	struct dusk_transport *t;
	uint8_t f[128];
	void *bufs[1];
	char b[256];
	size_t lens[1], len;
	int n;

	(void)state;
	t = connect_ok(&r);
	len = frame(&r.tx, 0, f);
	f[6] ^= 1;
	assert_int_equal(write(r.fd, f, len), (ssize_t)len);
	bufs[0] = b;
	while ((n = t->ops->recv_ready(t, bufs, sizeof(b), lens, 1)) == 0)
		assert_int_equal(t->ops->wait(t), 0);
	assert_int_equal(n, -EBADMSG);
	t->ops->destroy(t);
	relay_stop(&r);
}

/* The relay closes: what it sent first still arrives, then -ECONNRESET. */
static void relay_close_after_frames(void **state)
{
	struct relay r;
	struct dusk_transport *t;
	uint8_t f[256];
	size_t len;
	void *bufs[1];
	char b[256];
	size_t lens[1];
	int n;

	(void)state;
	t = connect_ok(&r);
	len = frame(&r.tx, 0, f);
	len += frame(&r.tx, 1, f + len);
	assert_int_equal(write(r.fd, f, len), (ssize_t)len);
	close(r.fd);
	r.fd = -1;
	expect(t, 0, 2, 1);
	bufs[0] = b;
	while ((n = t->ops->recv_ready(t, bufs, sizeof(b), lens, 1)) == 0)
		assert_int_equal(t->ops->wait(t), 0);
	assert_int_equal(n, -ECONNRESET);
	t->ops->destroy(t);
	relay_stop(&r);
}

static void wrong_key_is_refused(void **state)
{
	struct relay r;
	struct dusk_transport *t = NULL;
	char target[32];

	(void)state;
	relay_start(&r, target, sizeof(target));
	assert_int_equal(dusk_tcp_open(target, wrongfile, &mod, &t), -EACCES);
	pthread_join(r.th, NULL);
	assert_int_not_equal(r.auth, 0);	/* the relay saw no valid client MAC */
	assert_null(t);
	relay_stop(&r);
}

static void open_key_file_is_refused(void **state)
{
	struct dusk_transport *t = NULL;

	(void)state;
	chmod(keyfile, 0644);
	assert_int_equal(dusk_tcp_open("127.0.0.1:1", keyfile, &mod, &t), -EPERM);
	chmod(keyfile, 0600);
	assert_null(t);
}

static void write_key(char *path, const char *tmpl, int byte)
{
	uint8_t k[32];
	FILE *f;

	strcpy(path, tmpl);
	close(mkstemp(path));
	memset(k, byte, sizeof(k));
	f = fopen(path, "w");
	fwrite(k, 1, sizeof(k), f);
	fclose(f);
	chmod(path, 0600);
}

static int setup(void **state)
{
	char err[256];

	(void)state;
	write_key(keyfile, "/tmp/dusk-tcp-key.XXXXXX", 0x5a);
	write_key(wrongfile, "/tmp/dusk-tcp-wrong.XXXXXX", 0xa5);
	return dusk_relay_key_load(keyfile, &key, err, sizeof(err));
}

static int teardown(void **state)
{
	(void)state;
	unlink(keyfile);
	unlink(wrongfile);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_and_both_directions),
		cmocka_unit_test(split_frames_are_joined),
		cmocka_unit_test(more_than_a_batch),
		cmocka_unit_test(tampered_frame_is_refused),
		cmocka_unit_test(relay_close_after_frames),
		cmocka_unit_test(wrong_key_is_refused),
		cmocka_unit_test(open_key_file_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
