// SPDX-License-Identifier: GPL-2.0
/*
 * kzlib: zlib_deflate()/zlib_inflate() round trips through a z_stream on
 * the stack whose next_in points at the module's constant text, at a
 * buffer on the stack and at vmalloc memory; crc32 of each input.
 *
 * Found by a probe (docs/COVERAGE.md, fifth round): the z_stream went to
 * the kernel untyped (its parameter type is the typedef z_streamp), its
 * next_in the program's address, and zlib's fill_window() oopsed; typed,
 * next_in (a `Byte *`) got a one-byte mirror, so deflate read past it and
 * a later crc32() of the text found that mirror: other bytes compressed,
 * a wrong checksum, a round trip that did not come back.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt
#include <linux/module.h>
#include <linux/zlib.h>
#include <linux/vmalloc.h>
#include <linux/slab.h>
#include <linux/crc32.h>
#include <linux/string.h>

static int roundtrip(const char *what, const u8 *in, int len)
{
	z_stream s = { };
	u8 *comp = kmalloc(len + 128, GFP_KERNEL), *back = kmalloc(len + 16, GFP_KERNEL);
	int r, clen = 0, ok = 0;

	s.workspace = vmalloc(zlib_deflate_workspacesize(MAX_WBITS, MAX_MEM_LEVEL));
	if (!comp || !back || !s.workspace)
		goto out;
	if (zlib_deflateInit(&s, Z_BEST_COMPRESSION) != Z_OK)
		goto out;
	s.next_in = in;
	s.avail_in = len;
	s.next_out = comp;
	s.avail_out = len + 128;
	r = zlib_deflate(&s, Z_FINISH);
	clen = s.total_out;
	zlib_deflateEnd(&s);
	if (r != Z_STREAM_END)
		goto out;
	vfree(s.workspace);
	s.workspace = vmalloc(zlib_inflate_workspacesize());
	if (!s.workspace || zlib_inflateInit(&s) != Z_OK)
		goto out;
	s.next_in = comp;
	s.avail_in = clen;
	s.next_out = back;
	s.avail_out = len + 16;
	r = zlib_inflate(&s, Z_FINISH);
	zlib_inflateEnd(&s);
	ok = r == Z_STREAM_END && s.total_out == len && !memcmp(in, back, len);
out:
	pr_info("%s: %d -> %d bytes, crc %08x, back %s\n", what, len, clen,
		crc32(~0, in, len), ok ? "ok" : "WRONG");
	vfree(s.workspace);
	kfree(comp);
	kfree(back);
	return ok;
}

static int __init kzlib_init(void)
{
	static const char text[] = "aaaaaaaaaabbbbbbbbbbaaaaaaaaaabbbbbbbbbb the quick brown fox "
				   "jumps over the lazy dog the quick brown fox jumps over";
	u8 buf[200], *big = vmalloc(8192);
	int i;

	roundtrip("text", text, sizeof(text) - 1);
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (i % 7) ? 'x' : i;	/* zero bytes inside */
	roundtrip("stack", buf, sizeof(buf));
	if (big) {
		for (i = 0; i < 8192; i++)
			big[i] = (i * 7) % 13 + 'a';
		roundtrip("vmalloc", big, 8192);
		vfree(big);
	}
	roundtrip("text again", text, sizeof(text) - 1);
	return 0;
}

static void __exit kzlib_exit(void)
{
}

module_init(kzlib_init);
module_exit(kzlib_exit);
MODULE_LICENSE("GPL");
