// SPDX-License-Identifier: GPL-2.0
/*
 * protosend ADDR PROTO BYTE...: one raw IP packet of protocol PROTO to ADDR
 * (IPv4 or IPv6) per BYTE, its payload that byte and three more.  The
 * guest's tools send no packet of an unassigned protocol number.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_storage ss = { 0 };
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t len;
	int fd, i, proto;

	if (argc < 4) {
		fprintf(stderr, "usage: protosend ADDR PROTO BYTE...\n");
		return 2;
	}
	proto = atoi(argv[2]);
	if (inet_pton(AF_INET, argv[1], &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, argv[1], &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		len = sizeof(*sin6);
	} else {
		fprintf(stderr, "protosend: %s: not an address\n", argv[1]);
		return 2;
	}
	fd = socket(ss.ss_family, SOCK_RAW, proto);
	if (fd < 0) {
		perror("protosend: socket");
		return 1;
	}
	for (i = 3; i < argc; i++) {
		unsigned char payload[4] = { (unsigned char)atoi(argv[i]), 'd', 'u', 's' };

		if (sendto(fd, payload, sizeof(payload), 0, (struct sockaddr *)&ss, len) < 0) {
			perror("protosend: sendto");
			return 1;
		}
	}
	close(fd);
	return 0;
}
