// SPDX-License-Identifier: GPL-2.0
/*
 * mmapctl DEV GO [fork|mremap]: map DEV's two pages, check their texts,
 * write a mark into each, say "mapped", wait until the file GO exists (at
 * most 60 s), then check the texts and the marks again: "mapping intact",
 * or what the pages hold now.  With fork, a child process does the waiting
 * and the second check on the mapping fork() copied, the parent having
 * unmapped its own and closed the device first; with mremap, the mapping
 * is moved to another address before "mapped".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int check(const char *p, long pg, const char *when)
{
	char want[32];
	int i, bad = 0;

	for (i = 0; i < 2; i++) {
		snprintf(want, sizeof(want), "kmmap page %d", i);
		if (strcmp(p + i * pg, want)) {
			printf("%s: page %d holds \"%.16s\" (%02x %02x ...)\n", when, i, p + i * pg,
			       (unsigned char)p[i * pg], (unsigned char)p[i * pg + 1]);
			bad = 1;
		}
		if (when[0] == 'a' && strcmp(p + i * pg + 100, "HELD")) {
			printf("%s: page %d lost its mark\n", when, i);
			bad = 1;
		}
	}
	return bad;
}

/* Wait for GO, check again. */
static int wait_and_check(const char *p, long pg, const char *go)
{
	int i;

	for (i = 0; i < 600 && access(go, F_OK); i++)
		usleep(100000);
	if (check(p, pg, "after"))
		return 1;
	printf("mapping intact\n");
	return 0;
}

/* The mapping @p moved elsewhere (a hole reserved, then MREMAP_FIXED). */
static char *moved(char *p, long pg)
{
	char *to = mmap(NULL, 4 * pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (to == MAP_FAILED)
		return MAP_FAILED;
	return mremap(p, 2 * pg, 2 * pg, MREMAP_MAYMOVE | MREMAP_FIXED, to + pg);
}

/* The mapping handed to a child; the parent's own unmapped. */
static int forked(char *p, long pg, int fd, const char *go)
{
	int status;
	pid_t child;

	fflush(stdout);
	child = fork();
	if (child < 0) {
		perror("fork");
		return 1;
	}
	if (child == 0) {
		close(fd);
		return wait_and_check(p, pg, go);
	}
	munmap(p, 2 * pg);
	close(fd);
	printf("mapped\n");
	fflush(stdout);
	if (waitpid(child, &status, 0) != child)
		return 1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	const char *mode = argc > 3 ? argv[3] : "";
	char *p;
	int fd, i;

	if (argc < 3 || argc > 4)
		return 2;
	fd = open(argv[1], O_RDWR);
	if (fd < 0) {
		perror("open");
		return 1;
	}
	p = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (check(p, pg, "before"))
		return 1;
	for (i = 0; i < 2; i++)
		strcpy(p + i * pg + 100, "HELD");
	if (!strcmp(mode, "fork"))
		return forked(p, pg, fd, argv[2]);
	if (!strcmp(mode, "mremap")) {
		p = moved(p, pg);
		if (p == MAP_FAILED) {
			perror("mremap");
			return 1;
		}
	}
	printf("mapped\n");
	fflush(stdout);
	return wait_and_check(p, pg, argv[2]);
}
