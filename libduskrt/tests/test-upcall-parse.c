/* SPDX-License-Identifier: MIT */
/*
 * The upcall parser meets untrusted bytes (whatever arrives on the socket):
 * well-formed upcalls decode exactly, each kind of malformation is refused,
 * and a fuzz loop of mutated messages (bit flips, truncation, forged
 * lengths) never makes it read out of bounds or accept an impossible value.
 * Build with -Db_sanitize=address to make out-of-bounds reads fatal here;
 * fuzz-upcall.c is the libFuzzer form of the same target.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define FAMILY 0x42

struct build {
	int ctx_count;		/* how many CTX attributes */
	uint64_t ctx;
	unsigned int nargs_bytes;
	int chunk_without_data;
	uint8_t cmd;
};

static size_t build(char *out, const struct build *b)
{
	struct dusk_msg m;
	uint64_t args[DUSK_MAX_ARGS + 1] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	size_t len;
	int i;

	assert_int_equal(dusk_msg_init(&m, FAMILY, b->cmd, 0), 0);
	for (i = 0; i < b->ctx_count; i++)
		dusk_msg_put_u64(&m, DUSK_A_CTX, b->ctx);
	dusk_msg_put_u32(&m, DUSK_A_PROXY, 3);
	dusk_msg_put_bin(&m, DUSK_A_ARGS, args, b->nargs_bytes);
	dusk_msg_put_u64(&m, DUSK_A_CURRENT, 0xffff888003f0b300ull);
	dusk_msg_put_u32(&m, DUSK_A_CPU, 1);
	dusk_msg_put_u32(&m, DUSK_A_FLAGS, DUSK_UPCALL_BLOCKING);
	dusk_msg_put_range(&m, DUSK_A_LENT, 0xffff888000001000ull, 232);
	dusk_msg_put_chunk(&m, 0xffff888000001000ull, "0123456789abcdef", 16);
	if (b->chunk_without_data) {
		struct nlattr *n = mnl_attr_nest_start(m.nlh, DUSK_A_CHUNK);

		mnl_attr_put_u64(m.nlh, DUSK_A_ADDR, 1);
		mnl_attr_nest_end(m.nlh, n);
	}
	len = m.nlh->nlmsg_len;
	memcpy(out, m.buf, len);
	dusk_msg_fini(&m);
	return len;
}

static const struct build good = { 1, 77, 3 * 8, 0, DUSK_CMD_UPCALL };

static void wellformed_decodes(void **state)
{
	char buf[4096];
	struct dusk_upcall up;
	size_t len = build(buf, &good);

	(void)state;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), 0);
	assert_int_equal(up.ctx, 77);
	assert_int_equal(up.proxy, 3);
	assert_int_equal(up.nargs, 3);
	assert_int_equal(up.args[2], 3);
	assert_int_equal(up.current, 0xffff888003f0b300ull);
	assert_int_equal(up.cpu, 1);
	assert_int_equal(up.flags, DUSK_UPCALL_BLOCKING);
	assert_int_equal(up.nlent, 1);
	assert_int_equal(up.nchunks, 1);
}

/* Routing reads FLAGS alone (dusk_msg_peek_u32()); what it finds in a
 * message the parser accepts is what the parser decodes. */
static void peek_finds_flags(void **state)
{
	char buf[4096];
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	uint32_t v = 0;
	size_t len = build(buf, &good);

	(void)state;
	assert_int_equal(dusk_msg_peek_u32(buf, len, DUSK_A_FLAGS, &v), 0);
	assert_int_equal(v, DUSK_UPCALL_BLOCKING);
	assert_int_equal(dusk_msg_peek_u32(buf, len, DUSK_A_CTX, &v), -ENOENT);	/* a u64 */
	assert_int_equal(dusk_msg_peek_u32(buf, len, DUSK_A_RET, &v), -ENOENT);	/* absent */
	assert_int_equal(dusk_msg_peek_u32(buf, 3, DUSK_A_FLAGS, &v), -ENOENT);	/* runt */
	nlh->nlmsg_len += 8;						/* past the buffer */
	assert_int_equal(dusk_msg_peek_u32(buf, len, DUSK_A_FLAGS, &v), -ENOENT);
}

static void malformed_refused(void **state)
{
	char buf[4096];
	struct dusk_upcall up;
	struct build b;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	size_t len;

	(void)state;
	b = good; b.nargs_bytes = (DUSK_MAX_ARGS + 1) * 8;	/* too many arguments */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	b = good; b.nargs_bytes = 7;			/* not whole u64s */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	b = good; b.ctx_count = 0;			/* CTX missing */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	b = good; b.ctx_count = 2;			/* CTX twice */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	b = good; b.ctx = 0;				/* CTX 0 is reserved */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	b = good; b.chunk_without_data = 1;		/* CHUNK without DATA */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	b = good; b.cmd = DUSK_CMD_READ;		/* not an upcall */
	len = build(buf, &b);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EPROTO);
	len = build(buf, &good);			/* claims more than it has */
	nlh->nlmsg_len += 8;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);			/* a length above 2 GiB (libfuzzer) */
	nlh->nlmsg_len = 0xbbb8b80a;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);			/* an unaligned length (libfuzzer) */
	nlh->nlmsg_len -= 3;
	assert_int_equal(dusk_upcall_parse(buf, len - 3, &up), -EINVAL);
	len = build(buf, &good);			/* truncated inside an attribute */
	nlh->nlmsg_len -= 6;
	assert_int_equal(dusk_upcall_parse(buf, len - 6, &up), -EINVAL);
	len = build(buf, &good);			/* genl version */
	((struct genlmsghdr *)(buf + MNL_NLMSG_HDRLEN))->version = 9;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	assert_int_equal(dusk_upcall_parse(buf, 3, &up), -EINVAL);	/* runt */
}

/* The first attribute of type @t at the top level of @buf, or NULL. */
static struct nlattr *find_attr(char *buf, uint16_t t)
{
	struct nlattr *a;

	mnl_attr_for_each(a, (struct nlmsghdr *)buf, GENL_HDRLEN)
		if (mnl_attr_get_type(a) == t)
			return a;
	return NULL;
}

/* Validation's fast path for words (msg.c, fast_ok()) takes exactly what
 * the rules take: a flag it does not know goes to the full check, which
 * refuses a nest flag on a word and ignores the byte-order flag. */
static void words_checked_by_the_rules(void **state)
{
	char buf[4096];
	struct dusk_upcall up;
	struct nlattr *a;
	size_t len;

	(void)state;
	len = build(buf, &good);
	a = find_attr(buf, DUSK_A_CPU);
	assert_non_null(a);
	a->nla_type |= NLA_F_NESTED;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);
	a = find_attr(buf, DUSK_A_CTX);
	a->nla_type |= NLA_F_NESTED;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);
	a = find_attr(buf, DUSK_A_CPU);
	a->nla_type |= NLA_F_NET_BYTEORDER;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), 0);
	assert_int_equal(up.cpu, 1);
	len = build(buf, &good);
	a = find_attr(buf, DUSK_A_CPU);		/* a u32 claiming 2 bytes */
	a->nla_len = MNL_ATTR_HDRLEN + 2;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
}

/* The first member of type @t in the nest @n, or NULL. */
static struct nlattr *find_member(struct nlattr *n, uint16_t t)
{
	struct nlattr *a;

	mnl_attr_for_each_nested(a, n)
		if (mnl_attr_get_type(a) == t)
			return a;
	return NULL;
}

/* Nests and unbounded binaries take the fast path too (a top-level nest
 * straight to its members' check, a CHUNK's DATA with one compare): each
 * still takes exactly what the rules take. */
static void nests_checked_by_the_rules(void **state)
{
	char buf[4096];
	struct dusk_upcall up;
	struct nlattr *a;
	size_t len;

	(void)state;
	len = build(buf, &good);
	assert_int_equal(dusk_upcall_parse(buf, len, &up), 0);
	assert_int_equal(up.nchunks, 1);
	a = find_attr(buf, DUSK_A_CHUNK);	/* a nest without its flag */
	a->nla_type &= (uint16_t)~NLA_F_NESTED;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);
	a = find_attr(buf, DUSK_A_LENT);	/* the byte-order flag is ignored */
	a->nla_type |= NLA_F_NET_BYTEORDER;
	assert_int_equal(dusk_upcall_parse(buf, len, &up), 0);
	assert_int_equal(up.nlent, 1);
	len = build(buf, &good);
	a = find_member(find_attr(buf, DUSK_A_CHUNK), DUSK_A_DATA);
	assert_non_null(a);
	a->nla_type |= NLA_F_NESTED;		/* a binary flagged as a nest */
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);
	a = find_member(find_attr(buf, DUSK_A_CHUNK), DUSK_A_DATA);
	a->nla_type = DUSK_A_LEN;		/* a member the nest does not have */
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
	len = build(buf, &good);
	a = find_member(find_attr(buf, DUSK_A_LENT), DUSK_A_LEN);
	assert_non_null(a);
	a->nla_type = DUSK_A_DATA;		/* a LENT's member from a CHUNK */
	assert_int_equal(dusk_upcall_parse(buf, len, &up), -EINVAL);
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void fuzz_mutations(void **state)
{
	char orig[4096], *buf;
	struct dusk_upcall up;
	size_t len = build(orig, &good);
	unsigned int i, accepted = 0, refused = 0;

	(void)state;
	for (i = 0; i < 200000; i++) {
		size_t n = len, j, flips = 1 + next() % 4;
		const struct nlattr *a;

		/* A heap copy of exactly n bytes: ASan sees any overread. */
		buf = malloc(len);
		memcpy(buf, orig, len);
		for (j = 0; j < flips; j++) {
			switch (next() % 4) {
			case 0: buf[next() % len] ^= (char)(1u << (next() % 8)); break;
			case 1: buf[next() % len] = (char)next(); break;
			case 2: n = next() % (len + 1); break;
			case 3: {	/* forge an attribute or message length */
				uint16_t v = (uint16_t)next();
				size_t at = (next() % (len / 4)) * 4;

				memcpy(buf + at, &v, sizeof(v));
				break;
			}
			}
		}
		uint32_t fl;
		int peeked = dusk_msg_peek_u32(buf, n, DUSK_A_FLAGS, &fl);

		if (dusk_upcall_parse(buf, n, &up) == 0) {
			accepted++;
			assert_int_equal(peeked, 0);
			assert_int_equal(fl, up.flags);
			assert_true(up.ctx != 0);
			assert_true(up.nargs <= DUSK_MAX_ARGS);
			assert_true(up.nlh->nlmsg_len <= n);
			mnl_attr_for_each(a, up.nlh, GENL_HDRLEN) {
				uint64_t addr = 0;
				const void *data = NULL;
				uint32_t dl = 0;

				if (mnl_attr_get_type(a) == DUSK_A_CHUNK) {
					dusk_attr_chunk(a, &addr, &data, &dl);
					assert_non_null(data);
					assert_true((const char *)data + dl <= buf + n);
				}
			}
		} else {
			refused++;
		}
		free(buf);
	}
	/* Both outcomes must occur, or the mutations test nothing. */
	assert_true(accepted > 100);
	assert_true(refused > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(wellformed_decodes),
		cmocka_unit_test(malformed_refused),
		cmocka_unit_test(words_checked_by_the_rules),
		cmocka_unit_test(nests_checked_by_the_rules),
		cmocka_unit_test(peek_finds_flags),
		cmocka_unit_test(fuzz_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
