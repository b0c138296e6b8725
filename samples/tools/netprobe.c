/*
 * netprobe - the TCP and UDP traffic the sample tests send and receive.
 *
 * Busybox's nc has no UDP and no way to send bytes such as 0x13 or 0xe3, and
 * a test must know exactly how many packets it sent, so the guest scripts use
 * this small tool instead:
 *
 *   netprobe tcp ADDR PORT [PAYLOAD...]
 *       Connect (one SYN retransmission at most, so a dropped SYN costs
 *       exactly two packets and about three seconds), send each PAYLOAD with
 *       its own write (TCP_NODELAY, 100 ms apart, so each is one segment),
 *       shut down writing and wait for the peer to close.
 *       Exit 0 if connected and sent, 1 if the connection failed.
 *   netprobe udp ADDR PORT COUNT PAYLOAD
 *       Send COUNT datagrams carrying PAYLOAD.  Exit 0 if all were sent.
 *   netprobe sink tcp|udp PORT
 *       Serve until killed: print "ready PROTO PORT" once listening, then
 *       one line "tcp LEN" per TCP connection (LEN = bytes received before
 *       the peer closed) or "udp LEN" per datagram, each flushed at once so
 *       a script can wait for and count them.
 *
 * PAYLOAD is text with C escapes: \r \n \t \\ \0 and \xHH.
 * Errors go to stderr with their context; exit status 2 means bad usage or
 * a local failure (socket, bind...), never a network verdict.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NETPROBE_MAX_PAYLOAD	4096
#define NETPROBE_WAIT_CLOSE_MS	5000

struct payload {
	unsigned char data[NETPROBE_MAX_PAYLOAD];
	size_t len;
};

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decode the escapes in @text into @p.  Returns 0 or -EINVAL. */
static int payload_decode(const char *text, struct payload *p)
{
	const char *s = text;

	p->len = 0;
	while (*s) {
		int c = (unsigned char)*s++;

		if (p->len == sizeof(p->data))
			return -EINVAL;
		if (c == '\\') {
			switch (*s++) {
			case 'r': c = '\r'; break;
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '0': c = 0; break;
			case '\\': c = '\\'; break;
			case 'x':
				if (hexval(s[0]) < 0 || hexval(s[1]) < 0)
					return -EINVAL;
				c = hexval(s[0]) * 16 + hexval(s[1]);
				s += 2;
				break;
			default:
				return -EINVAL;
			}
		}
		p->data[p->len++] = (unsigned char)c;
	}
	return 0;
}

/* Parse ADDR and PORT into @sin.  Returns 0 or -EINVAL. */
static int parse_addr(const char *addr, const char *port, struct sockaddr_in *sin)
{
	char *end;
	long n = strtol(port, &end, 10);

	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (*end || n <= 0 || n > 65535 || inet_pton(AF_INET, addr, &sin->sin_addr) != 1)
		return -EINVAL;
	sin->sin_port = htons((unsigned short)n);
	return 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static int cmd_tcp(const struct sockaddr_in *sin, char **texts, int ntexts)
{
	static struct payload p;
	int one = 1, syncnt = 1;
	char buf[512];
	int fd, i;

	fd = socket(AF_INET, SOCK_STREAM, 0);
	if (fd < 0) {
		perror("netprobe: socket");
		return 2;
	}
	/* The tests count packets: a blocked connect must cost exactly two SYNs. */
	if (setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &syncnt, sizeof(syncnt)) < 0 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0) {
		perror("netprobe: setsockopt");
		close(fd);
		return 2;
	}
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) < 0) {
		fprintf(stderr, "netprobe: connect to %s:%u: %s\n",
			inet_ntoa(sin->sin_addr), ntohs(sin->sin_port), strerror(errno));
		close(fd);
		return 1;
	}
	for (i = 0; i < ntexts; i++) {
		if (i)
			sleep_ms(100);
		if (payload_decode(texts[i], &p) < 0) {
			fprintf(stderr, "netprobe: bad payload '%s'\n", texts[i]);
			close(fd);
			return 2;
		}
		if (send(fd, p.data, p.len, 0) != (ssize_t)p.len) {
			perror("netprobe: send");
			close(fd);
			return 1;
		}
	}
	shutdown(fd, SHUT_WR);
	/* Wait for the peer's FIN so the exchange is over when we return. */
	for (;;) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		ssize_t n;

		if (poll(&pfd, 1, NETPROBE_WAIT_CLOSE_MS) <= 0)
			break;
		n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			break;
	}
	close(fd);
	return 0;
}

static int cmd_udp(const struct sockaddr_in *sin, const char *count, const char *text)
{
	static struct payload p;
	long n = strtol(count, NULL, 10);
	int fd, rc = 0;

	if (n <= 0 || payload_decode(text, &p) < 0) {
		fprintf(stderr, "netprobe: bad count '%s' or payload '%s'\n", count, text);
		return 2;
	}
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("netprobe: socket");
		return 2;
	}
	while (n-- > 0) {
		if (sendto(fd, p.data, p.len, 0, (const struct sockaddr *)sin,
			   sizeof(*sin)) != (ssize_t)p.len) {
			perror("netprobe: sendto");
			rc = 1;
			break;
		}
		/* Keep datagrams apart so none is lost to a full queue. */
		sleep_ms(20);
	}
	close(fd);
	return rc;
}

/* Receive one TCP connection to its end; returns the bytes received. */
static long sink_tcp_conn(int conn)
{
	char buf[4096];
	long total = 0;
	ssize_t n;

	while ((n = recv(conn, buf, sizeof(buf), 0)) > 0)
		total += n;
	return total;
}

static int cmd_sink(const char *proto, const char *port)
{
	int tcp = !strcmp(proto, "tcp");
	struct sockaddr_in sin;
	int fd, one = 1;

	if ((!tcp && strcmp(proto, "udp")) || parse_addr("0.0.0.0", port, &sin) < 0) {
		fprintf(stderr, "netprobe: bad sink '%s %s'\n", proto, port);
		return 2;
	}
	fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0) {
		perror("netprobe: socket");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 || (tcp && listen(fd, 16) < 0)) {
		fprintf(stderr, "netprobe: sink on %s port %s: %s\n", proto, port, strerror(errno));
		close(fd);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready %s %s\n", proto, port);
	for (;;) {
		char buf[65536];
		ssize_t n;

		if (tcp) {
			int conn = accept(fd, NULL, NULL);

			if (conn < 0)
				continue;
			printf("tcp %ld\n", sink_tcp_conn(conn));
			close(conn);
		} else {
			n = recv(fd, buf, sizeof(buf), 0);
			if (n >= 0)
				printf("udp %zd\n", n);
		}
	}
}

static void usage(void)
{
	fputs("usage: netprobe tcp ADDR PORT [PAYLOAD...]\n"
	      "       netprobe udp ADDR PORT COUNT PAYLOAD\n"
	      "       netprobe sink tcp|udp PORT\n", stderr);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin;

	if (argc == 4 && !strcmp(argv[1], "sink"))
		return cmd_sink(argv[2], argv[3]);
	if (argc >= 4 && (!strcmp(argv[1], "tcp") || !strcmp(argv[1], "udp"))) {
		if (parse_addr(argv[2], argv[3], &sin) < 0) {
			fprintf(stderr, "netprobe: bad address '%s' or port '%s'\n", argv[2], argv[3]);
			return 2;
		}
		if (argv[1][0] == 't')
			return cmd_tcp(&sin, argv + 4, argc - 4);
		if (argc == 6)
			return cmd_udp(&sin, argv[4], argv[5]);
	}
	usage();
	return 2;
}
