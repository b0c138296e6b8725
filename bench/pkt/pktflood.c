/*
 * pktflood - the traffic of the packet-path benchmark (bench/pkt/vm-pkt.sh).
 *
 *   pktflood sink PORT SECONDS
 *       Receive UDP datagrams on PORT for SECONDS after the first one
 *       arrives (or SECONDS with none), then print
 *         "rx N pps P lat_med_us M lat_p99_us Q"
 *       where the latencies are one-way (send stamp in the payload against
 *       CLOCK_MONOTONIC here: sender and sink run in one guest).
 *   pktflood send ADDR PORT SECONDS RATE
 *       Send 64-byte datagrams to ADDR:PORT for SECONDS: as fast as the
 *       socket takes them (RATE 0: the flood) or RATE per second (paced,
 *       for latency without queueing).  Each carries its send time.  Print
 *       "tx N".
 *
 * Exit 0, or 2 on a local failure (socket, bind), with the reason on stderr.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PAYLOAD 64
#define MAX_SAMPLES (1 << 20)

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static int sink(int port, double secs)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int64_t *lat = malloc(MAX_SAMPLES * sizeof(*lat)), t0 = 0, end, t;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), rcv = 8 << 20;
	long n = 0, ns = 0;
	char buf[2048];

	if (fd < 0 || !lat || bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("pktflood sink");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	printf("ready\n");
	fflush(stdout);
	end = now_ns() + (int64_t)(secs * 3e9);	/* no traffic at all: give up later */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int64_t left = end - now_ns();
		ssize_t r;

		if (left <= 0)
			break;
		if (poll(&p, 1, (int)(left / 1000000) + 1) <= 0)
			continue;
		r = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (r < (ssize_t)sizeof(int64_t))
			continue;
		t = now_ns();
		if (!n) {
			t0 = t;
			end = t + (int64_t)(secs * 1e9);
		}
		n++;
		if (ns < MAX_SAMPLES) {
			int64_t sent;

			memcpy(&sent, buf, sizeof(sent));
			lat[ns++] = t - sent;
		}
	}
	qsort(lat, ns, sizeof(*lat), cmp_i64);
	printf("rx %ld pps %.0f lat_med_us %.1f lat_p99_us %.1f\n", n,
	       n > 1 ? n / secs : 0.0, ns ? lat[ns / 2] / 1e3 : 0.0,
	       ns ? lat[(ns * 99) / 100] / 1e3 : 0.0);
	(void)t0;
	return 0;
}

static int sender(const char *addr, int port, double secs, double rate)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	int64_t start = now_ns(), end = start + (int64_t)(secs * 1e9), t;
	char buf[PAYLOAD] = { 0 };
	long n = 0;

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		perror("pktflood send");
		return 2;
	}
	while ((t = now_ns()) < end) {
		if (rate > 0) {
			int64_t due = start + (int64_t)(n * 1e9 / rate);

			if (t < due) {
				struct timespec ts = { 0, due - t };

				nanosleep(&ts, NULL);
				t = now_ns();
			}
		}
		memcpy(buf, &t, sizeof(t));
		if (send(fd, buf, sizeof(buf), 0) == (ssize_t)sizeof(buf))
			n++;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != ECONNREFUSED)
			break;
	}
	printf("tx %ld\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "sink"))
		return sink(atoi(argv[2]), atof(argv[3]));
	if (argc == 6 && !strcmp(argv[1], "send"))
		return sender(argv[2], atoi(argv[3]), atof(argv[4]), atof(argv[5]));
	fprintf(stderr, "usage: pktflood sink PORT SECONDS | send ADDR PORT SECONDS RATE\n");
	return 2;
}
