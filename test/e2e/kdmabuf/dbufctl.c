// SPDX-License-Identifier: GPL-2.0
/*
 * dbufctl DEV GO: get a dma-buf descriptor from DEV (ioctl
 * KDMABUF_GET_FD), close DEV, map the dma-buf's 4 pages and check their
 * texts, bracket two CPU accesses with DMA_BUF_IOCTL_SYNC and check what
 * the exporter wrote at the second's end; say "mapped", wait until the
 * file GO exists (at most 60 s), then check the mapping again ("mapping
 * intact"), map the dma-buf a second time and sync it once more, saying
 * how each went, and close it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/dma-buf.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define KDMABUF_GET_FD _IO('K', 1)
#define PAGES 4

static int check(const char *p, long pg, const char *when)
{
	char want[32];
	int i, bad = 0;

	for (i = 0; i < PAGES; i++) {
		snprintf(want, sizeof(want), "kdmabuf page %d", i);
		if (strcmp(p + i * pg, want)) {
			printf("%s: page %d holds \"%.16s\" (%02x %02x ...)\n", when, i, p + i * pg,
			       (unsigned char)p[i * pg], (unsigned char)p[i * pg + 1]);
			bad = 1;
		}
	}
	return bad;
}

static const char *sync_once(int fd)
{
	struct dma_buf_sync s = { .flags = DMA_BUF_SYNC_START | DMA_BUF_SYNC_RW };

	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &s))
		return strerror(errno);
	s.flags = DMA_BUF_SYNC_END | DMA_BUF_SYNC_RW;
	if (ioctl(fd, DMA_BUF_IOCTL_SYNC, &s))
		return strerror(errno);
	return "ok";
}

int main(int argc, char **argv)
{
	long pg = sysconf(_SC_PAGESIZE);
	const char *r;
	char *p, *q;
	int dev, fd, i;

	if (argc != 3) {
		fprintf(stderr, "usage: dbufctl DEV GO\n");
		return 2;
	}
	dev = open(argv[1], O_RDWR);
	if (dev < 0) {
		perror(argv[1]);
		return 1;
	}
	fd = ioctl(dev, KDMABUF_GET_FD);
	if (fd < 0) {
		perror("KDMABUF_GET_FD");
		return 1;
	}
	close(dev);
	p = mmap(NULL, PAGES * pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	if (check(p, pg, "before"))
		return 1;
	for (i = 0; i < 2; i++)
		if (strcmp((r = sync_once(fd)), "ok")) {
			printf("sync: %s\n", r);
			return 1;
		}
	printf("exporter wrote \"%s\"\n", p + 64);
	printf("mapped\n");
	fflush(stdout);
	for (i = 0; i < 600 && access(argv[2], F_OK); i++)
		usleep(100000);
	if (check(p, pg, "after"))
		return 1;
	printf("mapping intact\n");
	q = mmap(NULL, PAGES * pg, PROT_READ, MAP_SHARED, fd, 0);
	printf("second mmap: %s\n", q == MAP_FAILED ? strerror(errno) : "ok");
	printf("second sync: %s\n", sync_once(fd));
	fflush(stdout);
	close(fd);
	printf("closed\n");
	return 0;
}
