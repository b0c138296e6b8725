// SPDX-License-Identifier: GPL-2.0
/* Golden: every load/store through a pointer is checked; address
 * arithmetic is not; own globals and locals are not. */
#include <linux/module.h>
#include <linux/kernel.h>

struct inner { int r; unsigned int flag : 1, mode : 3; };
struct outer { struct inner *q; struct inner in; int arr[4]; long n; };

static struct outer own;
static int own_arr[8];

static long deref(struct outer *p, int *ip, struct inner *dst, int i)
{
	long v = *ip;			/* *p: one check */
	int *addr = &p->arr[2];		/* address only */
	struct inner *next = dst + 1;	/* pointer arithmetic */

	v += p->q->r;			/* p->q->r: two checks */
	p->n += 3;			/* compound assignment */
	p->n++;				/* increment */
	--p->arr[i];			/* array member through a pointer */
	ip[i] = 7;			/* p[i] store */
	*dst = p->in;			/* struct copy: both sides checked */
	p->in.flag = 1;			/* bit-field: the containing object */
	v += p->in.mode;
	own.n = v;			/* own global: plain */
	own_arr[i] = (int)v;		/* own array: plain */
	v += sizeof(*p) + sizeof(p->arr) + offsetof(struct outer, n);
	v += container_of(addr, struct outer, arr[2])->n;
	return v + (next - dst);
}

static int __init deref_init(void)
{
	return deref(&own, own_arr, &own.in, 1) > 0 ? 0 : -EINVAL;
}

module_init(deref_init);
MODULE_LICENSE("GPL");
