// SPDX-License-Identifier: GPL-2.0
/*
 * uaddr — read or write a file from a buffer at an address the user build's
 * program also uses:
 *
 *   uaddr write FILE TEXT [PID PATTERN PERMS]   one write() of "TEXT\n"
 *   uaddr read FILE [PID PATTERN PERMS]         one read(), printed
 *
 * Without PID the buffer is an ordinary one (the kernel build's run).  With
 * it, the buffer is a page mapped at the start of the first mapping of
 * process PID whose permissions are PERMS and whose path holds PATTERN
 * (/proc/PID/maps): the program's globals, its library's code.  A module's
 * read or write callback gets that address as its `char __user *`, and the
 * kernel copies to or from *this* process at it; the program must not take
 * it for its own object at the same address.
 *
 * Prints what the kernel build's run prints too ("read: ...", or nothing
 * for a write) and exits 1 with a message when the call fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#define BUF 4096

/* The start of PID's first mapping with PERMS whose path holds PATTERN, or 0. */
static unsigned long find_mapping(const char *pid, const char *pattern, const char *perms)
{
	char path[64], line[512], p[8];
	unsigned long lo, hi, found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/maps", pid);
	f = fopen(path, "re");
	if (!f) {
		fprintf(stderr, "uaddr: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, p) == 3 && !strcmp(p, perms) &&
		    strstr(line, pattern))
			found = lo;
	fclose(f);
	return found;
}

/* A BUF-byte buffer: at the address argv names, or anywhere. */
static char *buffer(char **where)
{
	static char plain[BUF];
	unsigned long at;
	void *m;

	if (!where[0])
		return plain;
	if (!where[1] || !where[2]) {
		fprintf(stderr, "uaddr: PID needs PATTERN and PERMS\n");
		exit(2);
	}
	at = find_mapping(where[0], where[1], where[2]);
	if (!at) {
		fprintf(stderr, "uaddr: process %s has no %s mapping of %s\n", where[0], where[2],
			where[1]);
		exit(1);
	}
	m = mmap((void *)at, BUF, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (m == MAP_FAILED || m != (void *)at) {
		fprintf(stderr, "uaddr: cannot map a page at 0x%lx: %s\n", at,
			m == MAP_FAILED ? strerror(errno) : "placed elsewhere");
		exit(1);
	}
	return m;
}

int main(int argc, char **argv)
{
	int rd = argc >= 3 && !strcmp(argv[1], "read");
	char *buf;
	ssize_t n;
	size_t len;
	int fd;

	if (argc < 3 || (!rd && (strcmp(argv[1], "write") || argc < 4))) {
		fprintf(stderr, "usage: uaddr write FILE TEXT [PID PATTERN PERMS]\n"
				"       uaddr read FILE [PID PATTERN PERMS]\n");
		return 2;
	}
	buf = buffer(argv + (rd ? 3 : 4));
	fd = open(argv[2], rd ? O_RDONLY : O_WRONLY);
	if (fd < 0) {
		fprintf(stderr, "uaddr: %s: %s\n", argv[2], strerror(errno));
		return 1;
	}
	if (rd) {
		n = read(fd, buf, BUF - 1);
	} else {
		len = strlen(argv[3]);
		if (len + 1 >= BUF) {
			fprintf(stderr, "uaddr: TEXT too long\n");
			return 2;
		}
		memcpy(buf, argv[3], len);
		buf[len] = '\n';
		n = write(fd, buf, len + 1);
	}
	if (n < 0) {
		fprintf(stderr, "uaddr: %s %s: %s\n", argv[1], argv[2], strerror(errno));
		return 1;
	}
	if (rd)
		printf("read: %.*s", (int)n, buf);
	close(fd);
	return 0;
}
