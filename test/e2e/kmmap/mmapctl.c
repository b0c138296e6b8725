// SPDX-License-Identifier: GPL-2.0
/*
 * mmapctl DEV GO: map DEV's two pages, check their texts, write a mark
 * into each, say "mapped", wait until the file GO exists (at most 60 s),
 * then check the texts and the marks again: "mapping intact", or what the
 * pages hold now.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
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

int main(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *p;
	int fd, i;

	if (argc != 3)
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
	printf("mapped\n");
	fflush(stdout);
	for (i = 0; i < 600 && access(argv[2], F_OK); i++)
		usleep(100000);
	if (check(p, pg, "after"))
		return 1;
	printf("mapping intact\n");
	return 0;
}
