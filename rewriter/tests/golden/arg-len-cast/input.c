// SPDX-License-Identifier: GPL-2.0
/*
 * The extent of an object passed through a pointer cast: the cast names a
 * type the object may be larger than.  `(struct sockaddr *)&sin6` is a
 * 28-byte struct sockaddr_in6 passed as a 16-byte struct sockaddr, and
 * kernel_bind() reads all 28 (an IPv6 kernel socket bound to ::1 got
 * -EADDRNOTAVAIL: the kernel read the address past a 16-byte mirror).
 * The length is the object's through any number of pointer casts, of a
 * local, a global and an array; a cast from an integer is no object the
 * rewriter sees (left to the runtime).
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/in6.h>
#include <linux/socket.h>

static struct sockaddr_in6 alc_peer;

int alc_bind(struct socket *sock, unsigned long cookie)
{
	struct sockaddr_in6 me = { .sin6_family = AF_INET6 };
	char raw[40] = { 0 };
	int ret;

	ret = kernel_bind(sock, (struct sockaddr *)&me, sizeof(me));
	if (!ret)
		ret = kernel_connect(sock, (struct sockaddr *)(void *)&alc_peer, sizeof(alc_peer), 0);
	if (!ret)
		ret = kernel_bind(sock, (struct sockaddr *)raw, sizeof(raw));
	if (!ret)
		ret = kernel_bind(sock, (struct sockaddr *)cookie, sizeof(me));
	return ret;
}

static int __init alc_init(void)
{
	return 0;
}
module_init(alc_init);
MODULE_LICENSE("GPL");
