// SPDX-License-Identifier: GPL-2.0
/*
 * algprobe — a crypto algorithm a module registers, used from user space
 * through AF_ALG (algif_hash, algif_skcipher), for corpus-difftest's guest
 * steps: the same input through the module's .ko and through its user
 * build must give the same bytes.  The algorithm is named by its driver
 * name ("sha512-generic"), so that another implementation of the same
 * algorithm cannot answer in the module's place.
 *
 *   algprobe hash DRIVER KEYHEX DATAHEX            digest (KEYHEX "-": none)
 *   algprobe skcipher DRIVER KEYHEX IVHEX DATAHEX  encryption, then decryption
 *
 * Prints the result in hex, or the step that failed and its errno.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_alg.h>

#ifndef SOL_ALG
#define SOL_ALG 279
#endif

static unsigned char key[256], iv[64], data[4096], out[4096];

/* unhex S into BUF: the byte count, or -1 on a malformed string. */
static int unhex(const char *s, unsigned char *buf, size_t cap)
{
	size_t n = strlen(s) / 2, i;

	if (strcmp(s, "-") == 0)
		return 0;
	if (strlen(s) % 2 || n > cap)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned int b;

		if (sscanf(s + 2 * i, "%2x", &b) != 1)
			return -1;
		buf[i] = b;
	}
	return n;
}

static void hexout(const char *what, const unsigned char *b, ssize_t n)
{
	printf("%s", what);
	for (ssize_t i = 0; i < n; i++)
		printf("%02x", b[i]);
	printf("\n");
}

static int fail(const char *step)
{
	/* the number, not strerror()'s text: the same in any libc */
	printf("%s: errno %d\n", step, errno);
	return 1;
}

/* The transform's socket bound to TYPE/DRIVER with KEY, or -1. */
static int bind_alg(const char *type, const char *driver, int klen)
{
	struct sockaddr_alg sa = { .salg_family = AF_ALG };
	int s = socket(AF_ALG, SOCK_SEQPACKET, 0);

	if (s < 0)
		return fail("socket"), -1;
	strncpy((char *)sa.salg_type, type, sizeof(sa.salg_type) - 1);
	strncpy((char *)sa.salg_name, driver, sizeof(sa.salg_name) - 1);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return fail("bind"), close(s), -1;
	if (klen > 0 && setsockopt(s, SOL_ALG, ALG_SET_KEY, key, klen) < 0)
		return fail("setkey"), close(s), -1;
	return s;
}

static int hash(const char *driver, int klen, int dlen)
{
	int s = bind_alg("hash", driver, klen), op;
	ssize_t n;

	if (s < 0)
		return 1;
	op = accept(s, NULL, 0);
	if (op < 0)
		return fail("accept");
	if (write(op, data, dlen) != dlen)
		return fail("write");
	n = read(op, out, sizeof(out));
	if (n < 0)
		return fail("read");
	hexout("digest ", out, n);
	return 0;
}

/* One pass of DIR (ALG_OP_ENCRYPT/DECRYPT) over IN into out. */
static ssize_t cipher_pass(int s, int dir, int ivlen, const unsigned char *in, int len)
{
	char cbuf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct af_alg_iv) + 64)] = { 0 };
	struct iovec io = { .iov_base = (void *)in, .iov_len = len };
	struct msghdr msg = { .msg_control = cbuf, .msg_iov = &io, .msg_iovlen = 1 };
	struct cmsghdr *c;
	struct af_alg_iv *aiv;
	int op = accept(s, NULL, 0);
	ssize_t n;

	if (op < 0)
		return fail("accept"), -1;
	msg.msg_controllen = CMSG_SPACE(sizeof(int)) + (ivlen ? CMSG_SPACE(sizeof(*aiv) + ivlen) : 0);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_ALG;
	c->cmsg_type = ALG_SET_OP;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &dir, sizeof(int));
	if (ivlen) {
		c = CMSG_NXTHDR(&msg, c);
		c->cmsg_level = SOL_ALG;
		c->cmsg_type = ALG_SET_IV;
		c->cmsg_len = CMSG_LEN(sizeof(*aiv) + ivlen);
		aiv = (struct af_alg_iv *)CMSG_DATA(c);
		aiv->ivlen = ivlen;
		memcpy(aiv->iv, iv, ivlen);
	}
	if (sendmsg(op, &msg, 0) != len)
		return fail("sendmsg"), close(op), -1;
	n = read(op, out, len);
	if (n < 0)
		fail("read");
	close(op);
	return n;
}

static int skcipher(const char *driver, int klen, int ivlen, int dlen)
{
	int s = bind_alg("skcipher", driver, klen);
	ssize_t n;

	if (s < 0)
		return 1;
	n = cipher_pass(s, ALG_OP_ENCRYPT, ivlen, data, dlen);
	if (n < 0)
		return 1;
	hexout("encrypted ", out, n);
	memcpy(data, out, n);
	n = cipher_pass(s, ALG_OP_DECRYPT, ivlen, data, n);
	if (n < 0)
		return 1;
	hexout("decrypted ", out, n);
	return 0;
}

int main(int argc, char **argv)
{
	int klen, ivlen = 0, dlen;

	if (argc == 5 && strcmp(argv[1], "hash") == 0) {
		klen = unhex(argv[3], key, sizeof(key));
		dlen = unhex(argv[4], data, sizeof(data));
		if (klen < 0 || dlen < 0)
			return 2;
		return hash(argv[2], klen, dlen);
	}
	if (argc == 6 && strcmp(argv[1], "skcipher") == 0) {
		klen = unhex(argv[3], key, sizeof(key));
		ivlen = unhex(argv[4], iv, sizeof(iv));
		dlen = unhex(argv[5], data, sizeof(data));
		if (klen < 0 || ivlen < 0 || dlen < 0)
			return 2;
		return skcipher(argv[2], klen, ivlen, dlen);
	}
	fprintf(stderr, "usage: algprobe hash DRIVER KEYHEX DATAHEX\n"
			"       algprobe skcipher DRIVER KEYHEX IVHEX DATAHEX\n");
	return 2;
}
