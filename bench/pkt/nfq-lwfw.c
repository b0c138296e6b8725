/*
 * nfq-lwfw - the NFQUEUE baseline of the packet-path benchmark: lwfw's
 * deny_port rule as an ordinary NFQUEUE program.  It binds queue 0
 * (bench/pkt/nfq_steer.ko queues every IPv4 packet there), takes the first
 * 128 bytes of each packet, parses the IPv4 header and the TCP/UDP ports
 * as lwfw does, and gives its verdict: one recv() and one send() per
 * packet, as a libnetfilter_queue program does (written against libmnl,
 * which DUSK already uses, with the kernel's uapi header).
 *
 *   nfq-lwfw DENY_PORT [BUSY_POLL_US]
 *                           runs until SIGINT/SIGTERM; prints "ready" once
 *                           bound, and "nfq-lwfw: N packets, D dropped" at
 *                           the end.  With BUSY_POLL_US it receives without
 *                           blocking for that long before each blocking
 *                           receive, as the user build does with
 *                           DUSK_BUSY_POLL_US: the benchmark's fair
 *                           counterpart of that mode.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <netinet/ip.h>
#include <libmnl/libmnl.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static struct nlmsghdr *nfq_hdr(char *buf, int type, uint16_t queue)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nfgenmsg *nfg;

	nlh->nlmsg_type = (NFNL_SUBSYS_QUEUE << 8) | type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nfg = mnl_nlmsg_put_extra_header(nlh, sizeof(*nfg));
	nfg->nfgen_family = AF_UNSPEC;
	nfg->version = NFNETLINK_V0;
	nfg->res_id = htons(queue);
	return nlh;
}

/* lwfw_dest_port(): the destination port of a TCP or UDP packet, or 0. */
static unsigned int dest_port(const unsigned char *p, size_t len)
{
	const struct iphdr *iph = (const void *)p;
	size_t hl;

	if (len < sizeof(*iph))
		return 0;
	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return 0;
	if (ntohs(iph->frag_off) & 0x1fff)
		return 0;
	hl = iph->ihl * 4u;
	if (len < hl + 4)
		return 0;
	return (unsigned int)p[hl + 2] << 8 | p[hl + 3];
}

struct ctx {
	struct mnl_socket *nl;
	unsigned int deny_port;
	unsigned long n, dropped;
};

static int attr_cb(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;
	int type = mnl_attr_get_type(a);

	if (type <= NFQA_MAX)
		tb[type] = a;
	return MNL_CB_OK;
}

#ifdef NFQ_CALIBRATE
void tcg_cal_work(void);	/* bench/pkt/tcg-cal.c: nfq-cal's extra work */
#else
static inline void tcg_cal_work(void)
{
}
#endif

static int packet_cb(const struct nlmsghdr *nlh, void *data)
{
	struct ctx *c = data;
	const struct nlattr *tb[NFQA_MAX + 1] = { 0 };
	const struct nfqnl_msg_packet_hdr *ph;
	char buf[256];
	struct nlmsghdr *v;
	struct nfqnl_msg_verdict_hdr vh;
	unsigned int port = 0, verdict = NF_ACCEPT;

	tcg_cal_work();
	if (mnl_attr_parse(nlh, sizeof(struct nfgenmsg), attr_cb, tb) < 0 || !tb[NFQA_PACKET_HDR])
		return MNL_CB_OK;
	ph = mnl_attr_get_payload(tb[NFQA_PACKET_HDR]);
	if (tb[NFQA_PAYLOAD])
		port = dest_port(mnl_attr_get_payload(tb[NFQA_PAYLOAD]),
				 mnl_attr_get_payload_len(tb[NFQA_PAYLOAD]));
	if (c->deny_port && port == c->deny_port) {
		verdict = NF_DROP;
		c->dropped++;
	}
	c->n++;
	v = nfq_hdr(buf, NFQNL_MSG_VERDICT, ntohs(((const struct nfgenmsg *)
						   mnl_nlmsg_get_payload(nlh))->res_id));
	vh.verdict = htonl(verdict);
	vh.id = ph->packet_id;
	mnl_attr_put(v, NFQA_VERDICT_HDR, sizeof(vh), &vh);
	if (mnl_socket_sendto(c->nl, v, v->nlmsg_len) < 0)
		perror("nfq-lwfw: verdict");
	return MNL_CB_OK;
}

static int config(struct mnl_socket *nl, uint8_t cmd_or_0, int params)
{
	char buf[1024];
	struct nlmsghdr *nlh = nfq_hdr(buf, NFQNL_MSG_CONFIG, 0);

	nlh->nlmsg_flags |= NLM_F_ACK;
	if (!params) {
		struct nfqnl_msg_config_cmd cmd = { .command = cmd_or_0, .pf = htons(AF_INET) };

		mnl_attr_put(nlh, NFQA_CFG_CMD, sizeof(cmd), &cmd);
	} else {
		struct nfqnl_msg_config_params p = { .copy_range = htonl(128),
						     .copy_mode = NFQNL_COPY_PACKET };

		mnl_attr_put(nlh, NFQA_CFG_PARAMS, sizeof(p), &p);
	}
	ssize_t n;

	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0)
		return -errno;
	return mnl_cb_run(buf, n, 0, 0, NULL, NULL) < 0 ? -errno : 0;
}

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* One datagram: with @busy_ns polled for that long without blocking
 * first; the blocking receive is libnetfilter_queue's (libmnl's). */
static ssize_t receive(struct mnl_socket *nl, char *buf, size_t cap, long long busy_ns)
{
	long long end = mono_ns() + busy_ns;
	ssize_t n;

	while (busy_ns && !stop) {
		n = recv(mnl_socket_get_fd(nl), buf, cap, MSG_DONTWAIT);
		if (n >= 0 || errno != EAGAIN)
			return n;
		if (mono_ns() >= end)
			break;
	}
	return mnl_socket_recvfrom(nl, buf, cap);
}

int main(int argc, char **argv)
{
	struct ctx c = { 0 };
	size_t cap = 0xffff + (MNL_SOCKET_BUFFER_SIZE / 2);
	char *buf = malloc(cap);
	struct sigaction sa = { .sa_handler = on_signal };
	int one = 1, rcv = 4 << 20, err;

	long long busy_ns = 0;

	if (argc < 2 || argc > 3 || !buf) {
		fprintf(stderr, "usage: nfq-lwfw DENY_PORT [BUSY_POLL_US]\n");
		return 2;
	}
	c.deny_port = (unsigned int)atoi(argv[1]);
	if (argc == 3)
		busy_ns = atoll(argv[2]) * 1000;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	c.nl = mnl_socket_open(NETLINK_NETFILTER);
	if (!c.nl || mnl_socket_bind(c.nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nfq-lwfw: socket");
		return 2;
	}
	mnl_socket_setsockopt(c.nl, NETLINK_NO_ENOBUFS, &one, sizeof(one));
	setsockopt(mnl_socket_get_fd(c.nl), SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv));
	err = config(c.nl, NFQNL_CFG_CMD_BIND, 0);
	if (!err)
		err = config(c.nl, 0, 1);
	if (err) {
		fprintf(stderr, "nfq-lwfw: binding queue 0: %s\n", strerror(-err));
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		ssize_t n = receive(c.nl, buf, cap, busy_ns);

		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS)
				continue;
			perror("nfq-lwfw: recv");
			break;
		}
		mnl_cb_run(buf, n, 0, 0, packet_cb, &c);
	}
	printf("nfq-lwfw: %lu packets, %lu dropped\n", c.n, c.dropped);
	mnl_socket_close(c.nl);
	return 0;
}
