// SPDX-License-Identifier: GPL-2.0
/*
 * A callback with parameters declared as arrays that it fills, as a
 * videobuf2 driver's queue_setup(q, &nbufs, &nplanes, sizes[],
 * alloc_devs[]) sets sizes[0] in the caller's array: an array of unknown
 * bound lends its first element, one with a bound all of them (before,
 * neither was lent and the first store stopped the program: probe round
 * p66).  A const array is only read: nothing lent.
 */
#include <linux/module.h>
#include <linux/device.h>

struct al_ops {
	int (*setup)(void *q, unsigned int *nbufs, unsigned int sizes[],
		     struct device *devs[], u16 regs[4], const int limits[]);
};

static int al_setup(void *q, unsigned int *nbufs, unsigned int sizes[],
		    struct device *devs[], u16 regs[4], const int limits[])
{
	*nbufs = 2;
	sizes[0] = 4096;
	devs[0] = NULL;
	regs[3] = (u16)limits[0];
	return 0;
}

static struct al_ops al = { .setup = al_setup };
static void *al_keep;

static int __init al_init(void)
{
	al_keep = &al;
	return 0;
}

module_init(al_init);
MODULE_LICENSE("GPL");
