// SPDX-License-Identifier: GPL-2.0
/*
 * cdevctl — the guest's ioctl client for cdevtest:
 *
 *   cdevctl DEVICE get        prints the value (CDEVTEST_GET)
 *   cdevctl DEVICE set N      sets it (CDEVTEST_SET)
 *   cdevctl DEVICE bad        an unknown command: prints the error
 *
 * Prints "ok VALUE" or "error ERRNO-NAME", and exits 0 either way: the
 * transcript, not the status, is what the differential test compares.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>

#define CDEVTEST_MAGIC	'c'
#define CDEVTEST_GET	_IOR(CDEVTEST_MAGIC, 1, int)
#define CDEVTEST_SET	_IOW(CDEVTEST_MAGIC, 2, int)
#define CDEVTEST_BAD	_IO(CDEVTEST_MAGIC, 9)

int main(int argc, char **argv)
{
	int fd, v = 0, r;

	if (argc < 3 || (!strcmp(argv[2], "set") && argc < 4)) {
		fprintf(stderr, "usage: cdevctl DEVICE get|set N|bad\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror(argv[1]);
		return 1;
	}
	if (!strcmp(argv[2], "get")) {
		r = ioctl(fd, CDEVTEST_GET, &v);
	} else if (!strcmp(argv[2], "set")) {
		v = atoi(argv[3]);
		r = ioctl(fd, CDEVTEST_SET, &v);
	} else {
		r = ioctl(fd, CDEVTEST_BAD, 0);
	}
	if (r < 0)
		printf("error %s\n", strerrorname_np(errno));
	else
		printf("ok %d\n", v);
	close(fd);
	return 0;
}
