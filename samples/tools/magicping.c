/*
 * magicping - send nfsniff's magic ICMP echo request and show the answer.
 *
 *   magicping [-c CODE] [-s SIZE] [-W SECONDS] ADDR
 *
 * Sends one ICMP echo request to ADDR with ICMP code CODE (default 0x5B,
 * nfsniff's magic code) and SIZE bytes of zero payload (default 80, the room
 * nfsniff needs for its answer), then waits up to SECONDS (default 3) for
 * the echo reply with our identifier.  The reply's ICMP checksum is
 * verified: raw sockets see packets before the stack checks them, and a
 * module that rewrites a packet must get the checksum right.
 *
 * Prints the reply payload as text up to its first NUL, or "(empty)" when the
 * payload starts with a NUL, which is what an ordinary echo of our zero
 * payload looks like.  Exit status: 0 reply printed, 1 no reply, 2 bad usage
 * or local failure, 3 reply with a bad checksum.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAGICPING_MAX_SIZE	1024

/* The Internet checksum (RFC 1071) of @len bytes at @data. */
static uint16_t inet_csum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
	}
	if (len)
		sum += (uint32_t)p[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Print the payload as nfsniff would have written it: text up to a NUL. */
static void print_payload(const unsigned char *data, size_t len)
{
	size_t n = 0;

	while (n < len && data[n])
		n++;
	if (!n) {
		puts("(empty)");
		return;
	}
	for (size_t i = 0; i < n; i++)
		putchar(data[i] >= 0x20 && data[i] < 0x7f ? data[i] : '?');
	putchar('\n');
}

/*
 * Wait for the echo reply with identifier @id.  Returns 0 (printed),
 * 1 (timed out), 2 (receive failed) or 3 (bad checksum).
 */
static int await_reply(int fd, uint16_t id, long timeout_ms)
{
	long deadline = now_ms() + timeout_ms;
	unsigned char buf[sizeof(struct iphdr) + 60 + sizeof(struct icmphdr) + MAGICPING_MAX_SIZE];

	for (;;) {
		long left = deadline - now_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		const struct iphdr *iph = (const struct iphdr *)buf;
		const struct icmphdr *icmph;
		size_t ihl, icmp_len;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return 1;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			perror("magicping: recv");
			return 2;
		}
		if ((size_t)n < sizeof(*iph))
			continue;
		ihl = iph->ihl * 4u;
		if ((size_t)n < ihl + sizeof(*icmph))
			continue;
		icmph = (const struct icmphdr *)(buf + ihl);
		if (icmph->type != ICMP_ECHOREPLY || icmph->un.echo.id != htons(id))
			continue;
		icmp_len = (size_t)n - ihl;
		if (inet_csum(icmph, icmp_len) != 0) {
			fprintf(stderr, "magicping: reply has a bad ICMP checksum\n");
			return 3;
		}
		print_payload((const unsigned char *)(icmph + 1), icmp_len - sizeof(*icmph));
		return 0;
	}
}

int main(int argc, char **argv)
{
	unsigned char packet[sizeof(struct icmphdr) + MAGICPING_MAX_SIZE];
	struct icmphdr *icmph = (struct icmphdr *)packet;
	long code = 0x5B, size = 80, wait_s = 3;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	uint16_t id = (uint16_t)getpid();
	size_t len;
	int opt, fd, rc;

	while ((opt = getopt(argc, argv, "c:s:W:")) != -1) {
		switch (opt) {
		case 'c': code = strtol(optarg, NULL, 0); break;
		case 's': size = strtol(optarg, NULL, 0); break;
		case 'W': wait_s = strtol(optarg, NULL, 0); break;
		default: goto usage;
		}
	}
	if (optind != argc - 1 || code < 0 || code > 255 || size < 0 ||
	    size > MAGICPING_MAX_SIZE || wait_s <= 0 ||
	    inet_pton(AF_INET, argv[optind], &dst.sin_addr) != 1)
		goto usage;

	len = sizeof(*icmph) + (size_t)size;
	memset(packet, 0, len);
	icmph->type = ICMP_ECHO;
	icmph->code = (uint8_t)code;
	icmph->un.echo.id = htons(id);
	icmph->un.echo.sequence = htons(1);
	icmph->checksum = inet_csum(packet, len);

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	if (fd < 0) {
		perror("magicping: raw socket");
		return 2;
	}
	if (sendto(fd, packet, len, 0, (struct sockaddr *)&dst, sizeof(dst)) != (ssize_t)len) {
		fprintf(stderr, "magicping: send to %s: %s\n", argv[optind], strerror(errno));
		close(fd);
		return 2;
	}
	rc = await_reply(fd, id, wait_s * 1000);
	if (rc == 1)
		fprintf(stderr, "magicping: no reply from %s\n", argv[optind]);
	close(fd);
	return rc;

usage:
	fputs("usage: magicping [-c CODE] [-s SIZE] [-W SECONDS] ADDR\n", stderr);
	return 2;
}
