// SPDX-License-Identifier: GPL-2.0
/*
 * A hash algorithm keeping its running state in the operation's context
 * (crc32_generic: `*(u32 *)shash_desc_ctx(desc) = seed` in init): a
 * callback handed a struct shash_desc lends the struct and the
 * transform's descsize bytes after it (DUSK_LENT_SHASH_DESC).  Before, the
 * struct alone was lent, and the first store into the context stopped the
 * program ("write outside mirrors, owned and lent memory"; the kernel's
 * self-test of the algorithm failed and warned).
 */
#include <crypto/internal/hash.h>
#include <linux/module.h>

static int sd_init(struct shash_desc *desc)
{
	*(u32 *)shash_desc_ctx(desc) = ~0;
	return 0;
}

static int sd_update(struct shash_desc *desc, const u8 *data, unsigned int len)
{
	u32 *crc = shash_desc_ctx(desc);

	while (len--)
		*crc = (*crc << 1) ^ *data++;
	return 0;
}

static int sd_final(struct shash_desc *desc, u8 *out)
{
	put_unaligned_le32(~*(u32 *)shash_desc_ctx(desc), out);
	return 0;
}

static struct shash_alg sd_alg = {
	.digestsize	= 4,
	.init		= sd_init,
	.update		= sd_update,
	.final		= sd_final,
	.descsize	= sizeof(u32),
	.base		= {
		.cra_name	 = "sdsum",
		.cra_driver_name = "sdsum-generic",
		.cra_blocksize	 = 1,
		.cra_module	 = THIS_MODULE,
	},
};

static int __init sd_mod_init(void)
{
	return crypto_register_shash(&sd_alg);
}

static void __exit sd_mod_exit(void)
{
	crypto_unregister_shash(&sd_alg);
}

module_init(sd_mod_init);
module_exit(sd_mod_exit);
MODULE_LICENSE("GPL");
