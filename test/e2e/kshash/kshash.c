// SPDX-License-Identifier: GPL-2.0
/*
 * kshash: sha256 through the kernel crypto API, as crypto users write it:
 * once with a descriptor on the stack (SHASH_DESC_ON_STACK: a char array
 * cast to struct shash_desc, whose flexible __ctx[] the kernel fills past
 * the struct's size) and once with one from kmalloc(sizeof(*desc) +
 * crypto_shash_descsize(tfm)).  Both digests are logged.
 */
#include <crypto/hash.h>
#include <crypto/sha2.h>
#include <linux/module.h>
#include <linux/slab.h>

static char text[32] = "This is a test";
module_param_string(text, text, sizeof(text), 0444);

static void log_digest(const char *how, const u8 *d)
{
	pr_info("kshash: %s sha256(\"%s\") = %*phN\n", how, text, SHA256_DIGEST_SIZE, d);
}

static int __init kshash_init(void)
{
	struct crypto_shash *tfm = crypto_alloc_shash("sha256", 0, 0);
	u8 out[SHA256_DIGEST_SIZE];
	struct shash_desc *heap;
	int err;

	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	{
		SHASH_DESC_ON_STACK(desc, tfm);

		desc->tfm = tfm;
		err = crypto_shash_digest(desc, text, strlen(text), out);
		shash_desc_zero(desc);
	}
	if (!err)
		log_digest("stack", out);

	heap = kmalloc(sizeof(*heap) + crypto_shash_descsize(tfm), GFP_KERNEL);
	if (!heap) {
		err = -ENOMEM;
		goto out;
	}
	heap->tfm = tfm;
	err = crypto_shash_init(heap) ?: crypto_shash_update(heap, text, strlen(text)) ?:
	      crypto_shash_final(heap, out);
	kfree(heap);
	if (!err)
		log_digest("heap", out);
out:
	crypto_free_shash(tfm);
	return err;
}

static void __exit kshash_exit(void)
{
	pr_info("kshash: bye\n");
}

module_init(kshash_init);
module_exit(kshash_exit);
MODULE_DESCRIPTION("DUSK test: sha256 with a descriptor on the stack and on the heap");
MODULE_LICENSE("GPL");
