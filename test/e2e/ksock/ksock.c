// SPDX-License-Identifier: GPL-2.0
/*
 * ksock: kernel sockets set up the way drivers and tutorials do it, by
 * storing into the struct sock: sk_reuse on a TCP listener, sk_rcvtimeo on
 * a UDP socket and on a socket kernel_accept() handed out (each receive
 * then times out with -EAGAIN), sk_user_data read back.  In the user build
 * the socket and its sock are handed objects the module may write until
 * sock_release() (dusk-kmod/core/handed.c); before, the first store was a
 * refused write and the program died in init.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/in.h>
#include <net/sock.h>

#define KSOCK_PORT 40111

static int ksock_recv(struct socket *s, char *buf, size_t len)
{
	struct kvec v = { .iov_base = buf, .iov_len = len };
	struct msghdr m = { };

	return kernel_recvmsg(s, &m, &v, 1, len, 0);
}

static int ksock_send(struct socket *s, const char *text, struct sockaddr_in *to)
{
	struct kvec v = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr m = { .msg_name = to, .msg_namelen = to ? sizeof(*to) : 0 };

	return kernel_sendmsg(s, &m, &v, 1, v.iov_len);
}

static void ksock_udp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(KSOCK_PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct socket *rx, *tx;
	char buf[32] = "";
	int n;

	if (sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &rx))
		return;
	rx->sk->sk_rcvtimeo = HZ / 10;
	rx->sk->sk_user_data = rx;
	if (kernel_bind(rx, (struct sockaddr *)&a, sizeof(a)) ||
	    sock_create_kern(&init_net, AF_INET, SOCK_DGRAM, IPPROTO_UDP, &tx)) {
		sock_release(rx);
		return;
	}
	tx->sk->sk_sndtimeo = HZ;
	pr_info("ksock: udp empty receive: %d\n", ksock_recv(rx, buf, sizeof(buf) - 1));
	pr_info("ksock: udp send: %d\n", ksock_send(tx, "datagram", &a));
	n = ksock_recv(rx, buf, sizeof(buf) - 1);
	pr_info("ksock: udp receive: %d \"%s\", user data %s, timeouts %ld %ld\n", n,
		n > 0 ? buf : "", rx->sk->sk_user_data == rx ? "kept" : "lost",
		rx->sk->sk_rcvtimeo, tx->sk->sk_sndtimeo);
	sock_release(tx);
	sock_release(rx);
}

static void ksock_tcp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(KSOCK_PORT),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct socket *lsn, *cli = NULL, *srv = NULL;
	char buf[32] = "";
	int err;

	if (sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &lsn))
		return;
	lsn->sk->sk_reuse = SK_CAN_REUSE;
	err = kernel_bind(lsn, (struct sockaddr *)&a, sizeof(a));
	if (!err)
		err = kernel_listen(lsn, 2);
	if (!err)
		err = sock_create_kern(&init_net, AF_INET, SOCK_STREAM, IPPROTO_TCP, &cli);
	if (!err)
		err = kernel_connect(cli, (struct sockaddr *)&a, sizeof(a), 0);
	if (!err)
		err = kernel_accept(lsn, &srv, 0);
	if (!err) {
		srv->sk->sk_rcvtimeo = HZ / 10;
		pr_info("ksock: tcp empty receive: %d\n", ksock_recv(srv, buf, sizeof(buf) - 1));
		ksock_send(cli, "stream", NULL);
		err = ksock_recv(srv, buf, sizeof(buf) - 1);
		pr_info("ksock: tcp receive: %d \"%s\", reuse %d\n", err, err > 0 ? buf : "",
			lsn->sk->sk_reuse);
	} else {
		pr_info("ksock: tcp setup failed: %d\n", err);
	}
	if (srv)
		sock_release(srv);
	if (cli)
		sock_release(cli);
	sock_release(lsn);
}

static int __init ksock_init(void)
{
	ksock_udp();
	ksock_tcp();
	return 0;
}

static void __exit ksock_exit(void)
{
	pr_info("ksock: unloaded\n");
}

module_init(ksock_init);
module_exit(ksock_exit);
MODULE_LICENSE("GPL");
