// SPDX-License-Identifier: GPL-2.0
/*
 * A module registering crypto algorithms and a template: each
 * registration has its undo pair, so that a program that dies leaves none
 * of its mirrors on the kernel's algorithm and template lists.  Before,
 * the undo table was empty: a template left registered by a dead program
 * (ecb, coverage re-run p68) made the next lookup walk freed memory, a
 * general protection fault in __crypto_lookup_template().
 */
#include <crypto/algapi.h>
#include <crypto/internal/skcipher.h>
#include <linux/module.h>

static int cu_create(struct crypto_template *tmpl, struct rtattr **tb)
{
	return -ENOENT;
}

static struct crypto_template cu_tmpls[] = {
	{ .name = "cu1", .create = cu_create, .module = THIS_MODULE },
	{ .name = "cu2", .create = cu_create, .module = THIS_MODULE },
};

static struct crypto_template cu_tmpl = {
	.name = "cu", .create = cu_create, .module = THIS_MODULE,
};

static void cu_encrypt(struct crypto_tfm *tfm, u8 *dst, const u8 *src)
{
	memcpy(dst, src, 8);
}

static struct crypto_alg cu_algs[] = { {
	.cra_name		= "cu",
	.cra_driver_name	= "cu-generic",
	.cra_flags		= CRYPTO_ALG_TYPE_CIPHER,
	.cra_blocksize		= 8,
	.cra_module		= THIS_MODULE,
	.cra_u			= { .cipher = {
		.cia_min_keysize = 4, .cia_max_keysize = 56,
		.cia_encrypt = cu_encrypt, .cia_decrypt = cu_encrypt } },
} };

static int __init cu_init(void)
{
	int err = crypto_register_templates(cu_tmpls, ARRAY_SIZE(cu_tmpls));

	if (err)
		return err;
	err = crypto_register_template(&cu_tmpl);
	if (err)
		goto out_tmpls;
	err = crypto_register_algs(cu_algs, ARRAY_SIZE(cu_algs));
	if (err)
		goto out_tmpl;
	return 0;
out_tmpl:
	crypto_unregister_template(&cu_tmpl);
out_tmpls:
	crypto_unregister_templates(cu_tmpls, ARRAY_SIZE(cu_tmpls));
	return err;
}

static void __exit cu_exit(void)
{
	crypto_unregister_algs(cu_algs, ARRAY_SIZE(cu_algs));
	crypto_unregister_template(&cu_tmpl);
	crypto_unregister_templates(cu_tmpls, ARRAY_SIZE(cu_tmpls));
}

module_init(cu_init);
module_exit(cu_exit);
MODULE_LICENSE("GPL");
