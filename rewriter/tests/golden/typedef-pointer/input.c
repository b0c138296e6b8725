// SPDX-License-Identifier: GPL-2.0
/* Golden: a kernel call whose parameter is a typedef of a pointer type
 * (zlib's z_streamp) commits its argument with the struct's type, so the
 * stream's pointers (next_in, next_out, workspace) are translated; before,
 * it went as untyped bytes and the kernel read the program's addresses
 * (an oops in zlib's fill_window()). */
#include <linux/module.h>
#include <linux/zlib.h>
#include <linux/vmalloc.h>

static const char text[] = "hello hello hello";
static u8 out[64];

static int __init tp_init(void)
{
	z_stream s = { };
	int r;

	s.workspace = vmalloc(zlib_deflate_workspacesize(MAX_WBITS, MAX_MEM_LEVEL));
	if (!s.workspace)
		return -ENOMEM;
	r = zlib_deflateInit(&s, 1);
	s.next_in = text;
	s.avail_in = sizeof(text);
	s.next_out = out;
	s.avail_out = sizeof(out);
	if (r == Z_OK)
		r = zlib_deflate(&s, Z_FINISH);
	zlib_deflateEnd(&s);
	vfree(s.workspace);
	return r == Z_STREAM_END ? 0 : -EINVAL;
}

module_init(tp_init);
MODULE_LICENSE("GPL");
