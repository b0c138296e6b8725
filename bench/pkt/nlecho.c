/*
 * nlecho - the floor of a kernel call: the cost of the barest generic
 * netlink round trip, CTRL_CMD_GETFAMILY of a family (the controller
 * answers from a table), on one socket, one request at a time.
 *
 *   nlecho FAMILY N     prints "nlecho_ns X" (median of 5 runs of N/5)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	char buf[MNL_SOCKET_BUFFER_SIZE];
	double runs[5];
	long i, n;
	int r;

	if (argc != 3 || !nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fprintf(stderr, "usage: nlecho FAMILY N\n");
		return 2;
	}
	n = atol(argv[2]) / 5;
	for (r = 0; r < 5; r++) {
		long long t0 = now_ns();

		for (i = 0; i < n; i++) {
			struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
			struct genlmsghdr *g;

			nlh->nlmsg_type = GENL_ID_CTRL;
			nlh->nlmsg_flags = NLM_F_REQUEST;
			nlh->nlmsg_seq = (unsigned int)i + 1;
			g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
			g->cmd = CTRL_CMD_GETFAMILY;
			g->version = 1;
			mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, argv[1]);
			if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0 ||
			    mnl_socket_recvfrom(nl, buf, sizeof(buf)) < 0) {
				perror("nlecho");
				return 2;
			}
		}
		runs[r] = (double)(now_ns() - t0) / n;
	}
	qsort(runs, 5, sizeof(runs[0]), cmp);
	printf("nlecho_ns %.0f\n", runs[2]);
	return 0;
}
