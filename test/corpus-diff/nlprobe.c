// SPDX-License-Identifier: GPL-2.0
/*
 * nlprobe — the generic scenario's netlink driver
 * (test/corpus-diff/module.sh): talks to a netlink protocol a module made
 * with netlink_kernel_create(), which the shell cannot.
 *
 *   nlprobe list        the protocol units a socket can be opened on
 *   nlprobe send UNIT   one request to UNIT's kernel socket, the answers
 *
 * `send` sends one message of type NLMSG_MIN_TYPE + 1 with NLM_F_REQUEST
 * and NLM_F_ACK, sequence 1 and the text "dusk probe", then prints one line
 * per message received (type, flags, sequence, payload length, the
 * payload's first 32 bytes with unprintable ones as '.', an error
 * message's errno) until an error or ack message or one second of
 * silence.  No port ids or addresses are printed: every line is
 * deterministic for a deterministic module.  Exits 0: the transcript, not
 * the status, is what is compared.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define NL_UNITS 32

static void list_units(void)
{
	int unit, fd;

	for (unit = 0; unit < NL_UNITS; unit++) {
		fd = socket(AF_NETLINK, SOCK_RAW, unit);
		if (fd < 0)
			continue;
		printf("%d\n", unit);
		close(fd);
	}
}

static void show_msg(const struct nlmsghdr *h)
{
	const unsigned char *p = NLMSG_DATA(h);
	size_t n = h->nlmsg_len - NLMSG_HDRLEN, i;
	char text[33];

	if (h->nlmsg_type == NLMSG_ERROR && n >= sizeof(struct nlmsgerr)) {
		const struct nlmsgerr *e = NLMSG_DATA(h);

		printf("  error %d (%s) for seq %u\n", e->error,
		       e->error ? strerror(-e->error) : "ack", e->msg.nlmsg_seq);
		return;
	}
	for (i = 0; i < n && i < 32; i++)
		text[i] = p[i] >= 32 && p[i] < 127 ? (char)p[i] : '.';
	text[i] = '\0';
	printf("  type 0x%x flags 0x%x seq %u len %zu \"%s\"\n", h->nlmsg_type,
	       h->nlmsg_flags, h->nlmsg_seq, n, text);
}

static int send_one(int unit)
{
	struct {
		struct nlmsghdr h;
		char text[12];
	} req = {
		.h = { .nlmsg_len = NLMSG_LENGTH(11), .nlmsg_type = NLMSG_MIN_TYPE + 1,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 },
		.text = "dusk probe",
	};
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	char buf[8192];
	int fd = socket(AF_NETLINK, SOCK_RAW, unit), done = 0;

	if (fd < 0) {
		printf("socket: %s\n", strerror(errno));
		return 0;
	}
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0) {
		printf("send: %s\n", strerror(errno));
		close(fd);
		return 0;
	}
	printf("sent %u bytes\n", req.h.nlmsg_len);
	while (!done) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		struct nlmsghdr *h;
		ssize_t len;

		if (poll(&pfd, 1, 1000) <= 0) {
			printf("  no more answers\n");
			break;
		}
		len = recv(fd, buf, sizeof(buf), 0);
		if (len < 0) {
			printf("  recv: %s\n", strerror(errno));
			break;
		}
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			show_msg(h);
			if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE)
				done = 1;
		}
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "list")) {
		list_units();
		return 0;
	}
	if (argc == 3 && !strcmp(argv[1], "send"))
		return send_one(atoi(argv[2]));
	fprintf(stderr, "usage: nlprobe list | nlprobe send UNIT\n");
	return 2;
}
