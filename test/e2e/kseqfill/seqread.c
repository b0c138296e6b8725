// SPDX-License-Identifier: MIT
/*
 * seqread: read a file the ways the kseqfill test needs that busybox's
 * tools do not offer, the bytes to stdout.
 *   seqread FILE N OFF   read N bytes in 7-byte reads, then lseek to OFF
 *                        and read to the end (4096-byte reads)
 *   seqread -c FILE      read to the end in 4096-byte reads; print only
 *                        "reads R bytes B" (R: the reads that returned data)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];

/* Copy up to @want bytes (to the end when < 0) in reads of @chunk. */
static long copy(int fd, long want, size_t chunk, int out, long *reads)
{
	long total = 0;
	ssize_t n;

	while (want < 0 || total < want) {
		size_t c = chunk;

		if (want >= 0 && (long)c > want - total)
			c = (size_t)(want - total);
		n = read(fd, buf, c);
		if (n < 0) {
			perror("read");
			exit(1);
		}
		if (!n)
			break;
		(*reads)++;
		total += n;
		if (out >= 0 && write(out, buf, (size_t)n) != n)
			exit(1);
	}
	return total;
}

int main(int argc, char **argv)
{
	long reads = 0, bytes;
	int fd;

	if (argc == 3 && !strcmp(argv[1], "-c")) {
		fd = open(argv[2], O_RDONLY);
		if (fd < 0)
			return perror(argv[2]), 1;
		bytes = copy(fd, -1, sizeof(buf), -1, &reads);
		printf("reads %ld bytes %ld\n", reads, bytes);
		return 0;
	}
	if (argc != 4)
		return fprintf(stderr, "usage: seqread FILE N OFF | seqread -c FILE\n"), 2;
	fd = open(argv[1], O_RDONLY);
	if (fd < 0)
		return perror(argv[1]), 1;
	copy(fd, atol(argv[2]), 7, 1, &reads);
	if (lseek(fd, atol(argv[3]), SEEK_SET) < 0)
		return perror("lseek"), 1;
	copy(fd, -1, sizeof(buf), 1, &reads);
	return 0;
}
