// SPDX-License-Identifier: GPL-2.0
/*
 * kslock: a kernel UDP socket set up under its lock, the ways protocol
 * code takes it: lock_sock_fast() (which may return holding a spinlock with
 * bottom halves off) and lock_sock().  A datagram sent to itself shows the
 * socket works after both.  Loaded with bug=1 the module reads through a
 * NULL pointer while it owns the socket (lock_sock()); with rb=1 it
 * reserves an event on a ring buffer of its own, a call that returns with
 * preemption off.
 */
#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/ring_buffer.h>
#include <net/sock.h>

#define KSLOCK_PORT 40222

static int bug;
module_param(bug, int, 0444);
MODULE_PARM_DESC(bug, "1: a NULL dereference while the socket is owned");
static int rb;
module_param(rb, int, 0444);
MODULE_PARM_DESC(rb, "1: reserve and commit an event on a ring buffer");

struct kslock_cfg {
	int mark;
};

static struct kslock_cfg *cfg;	/* NULL: bug=1 reads through it */
static struct socket *sock;

static int kslock_echo(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(KSLOCK_PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct msghdr m = { .msg_name = &a, .msg_namelen = sizeof(a) };
	char text[] = "locked", buf[16] = "";
	struct kvec v = { .iov_base = text, .iov_len = sizeof(text) - 1 };
	struct msghdr r = { };
	int n;

	n = kernel_sendmsg(sock, &m, &v, 1, v.iov_len);
	if (n < 0)
		return n;
	v.iov_base = buf;
	v.iov_len = sizeof(buf) - 1;
	n = kernel_recvmsg(sock, &r, &v, 1, v.iov_len, MSG_DONTWAIT);
	if (n >= 0)
		pr_info("kslock: received %d \"%s\"\n", n, buf);
	return n;
}

static void kslock_ring(void)
{
	struct trace_buffer *buffer = ring_buffer_alloc(4096, RB_FL_OVERWRITE);
	struct ring_buffer_event *event;

	if (!buffer)
		return;
	event = ring_buffer_lock_reserve(buffer, sizeof(u32));
	if (event) {
		*(u32 *)ring_buffer_event_data(event) = 42;
		ring_buffer_unlock_commit(buffer, event);
	}
	pr_info("kslock: ring buffer entries %lu\n", ring_buffer_entries(buffer));
	ring_buffer_free(buffer);
}

static int __init kslock_init(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(KSLOCK_PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	bool slow;
	int err;

	err = sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &sock);
	if (err)
		return err;
	err = kernel_bind(sock, (struct sockaddr *)&a, sizeof(a));
	if (err)
		goto fail;

	slow = lock_sock_fast(sock->sk);
	sock->sk->sk_priority = 3;
	unlock_sock_fast(sock->sk, slow);
	pr_info("kslock: priority set under lock_sock_fast: %u\n", sock->sk->sk_priority);

	lock_sock(sock->sk);
	sock->sk->sk_mark = bug ? cfg->mark : 7;
	release_sock(sock->sk);
	pr_info("kslock: mark set under lock_sock: %u\n", sock->sk->sk_mark);

	err = kslock_echo();
	if (err < 0)
		goto fail;
	if (rb)
		kslock_ring();
	return 0;
fail:
	sock_release(sock);
	return err;
}

static void __exit kslock_exit(void)
{
	sock_release(sock);
	pr_info("kslock: released\n");
}
module_init(kslock_init);
module_exit(kslock_exit);
MODULE_LICENSE("GPL");
