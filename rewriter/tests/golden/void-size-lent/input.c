// SPDX-License-Identifier: GPL-2.0
/*
 * A callback's `void *` followed by a size_t is a buffer it fills: a
 * hw_random driver's read(rng, data, max, wait) writes up to max bytes of
 * the core's buffer.  It is lent with that length (DUSK_LENT_ARG), as a
 * `char *` and its length are; before, nothing was lent and the
 * program's first write there was refused.  A `void *` before another
 * integer (nvmem's `void *priv, unsigned int offset`) is no buffer.
 */
#include <linux/module.h>
#include <linux/hw_random.h>
#include <linux/nvmem-provider.h>

static u32 vs_state = 1;

static int vs_read(struct hwrng *rng, void *data, size_t max, bool wait)
{
	u8 *out = data;
	size_t i;

	for (i = 0; i < max; i++)
		out[i] = vs_state++;
	return i;
}

static int vs_reg_read(void *priv, unsigned int offset, void *val, size_t bytes)
{
	memset(val, 0x5a, bytes);
	return 0;
}

static struct hwrng vs_rng = { .name = "vs", .read = vs_read };
static struct nvmem_config vs_nvmem = { .name = "vs", .size = 16, .reg_read = vs_reg_read };

static int __init vs_init(void)
{
	return vs_nvmem.size ? hwrng_register(&vs_rng) : 0;
}
module_init(vs_init);

static void __exit vs_exit(void)
{
	hwrng_unregister(&vs_rng);
}
module_exit(vs_exit);
MODULE_LICENSE("GPL");
