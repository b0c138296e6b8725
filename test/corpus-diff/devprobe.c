// SPDX-License-Identifier: GPL-2.0
/*
 * devprobe — the generic scenario's character-device driver
 * (test/corpus-diff/module.sh): what a device answers to the calls the
 * scenario's shell tools cannot make.
 *
 *   devprobe DEVICE
 *
 * Opens DEVICE non-blocking (read-write, else read-only), then prints one
 * line for each of: poll() with no wait (the events), a non-blocking
 * read() of up to 64 bytes (the count or the errno), the FIONREAD ioctl
 * (the count or the errno: a driver's unlocked_ioctl), mmap() of one shared
 * page at offset 0 (its first 32 bytes, unprintable ones as '.', or the
 * errno) and a read of that page again after writing to it.  Every line
 * is deterministic for a deterministic driver: no addresses, no timings.
 * Exits 0: the transcript, not the status, is what is compared.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

static void show_bytes(const char *what, const unsigned char *p, size_t n)
{
	char out[33];
	size_t i;

	for (i = 0; i < n && i < 32; i++)
		out[i] = p[i] >= 0x20 && p[i] < 0x7f ? (char)p[i] : '.';
	out[i] = 0;
	printf("%s: \"%s\"\n", what, out);
}

static void probe_poll(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT | POLLPRI };
	int n = poll(&pfd, 1, 0);

	if (n < 0) {
		printf("poll: %s\n", strerrorname_np(errno));
		return;
	}
	printf("poll:%s%s%s%s%s%s\n", n == 0 ? " none" : "",
	       pfd.revents & POLLIN ? " in" : "", pfd.revents & POLLOUT ? " out" : "",
	       pfd.revents & POLLPRI ? " pri" : "", pfd.revents & POLLERR ? " err" : "",
	       pfd.revents & POLLHUP ? " hup" : "");
}

static void probe_read(int fd)
{
	unsigned char buf[64];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0)
		printf("read nonblock: %s\n", strerrorname_np(errno));
	else
		show_bytes(n ? "read nonblock" : "read nonblock (eof)", buf, (size_t)n);
}

static void probe_ioctl(int fd)
{
	int n = 0;

	if (ioctl(fd, FIONREAD, &n) < 0)
		printf("ioctl FIONREAD: %s\n", strerrorname_np(errno));
	else
		printf("ioctl FIONREAD: %d\n", n);
}

static void probe_mmap(int fd, int writable)
{
	long page = sysconf(_SC_PAGESIZE);
	int prot = PROT_READ | (writable ? PROT_WRITE : 0);
	unsigned char *p = mmap(NULL, (size_t)page, prot, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED) {
		printf("mmap: %s\n", strerrorname_np(errno));
		return;
	}
	show_bytes("mmap", p, 32);
	if (writable) {
		memcpy(p + 16, "<devprobe>", 10);
		show_bytes("mmap after write", p, 32);
	}
	munmap(p, (size_t)page);
}

int main(int argc, char **argv)
{
	int fd, writable = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: devprobe DEVICE\n");
		return 2;
	}
	fd = open(argv[1], O_RDWR | O_NONBLOCK);
	if (fd < 0) {
		writable = 0;
		fd = open(argv[1], O_RDONLY | O_NONBLOCK);
	}
	if (fd < 0) {
		printf("open: %s\n", strerrorname_np(errno));
		return 0;
	}
	printf("open: %s\n", writable ? "read-write" : "read-only");
	fflush(stdout);
	probe_poll(fd);
	probe_read(fd);
	probe_ioctl(fd);
	probe_mmap(fd, writable);
	close(fd);
	return 0;
}
