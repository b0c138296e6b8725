// kcryptoctx: a cipher and an RNG algorithm of the module's own keep their
// state in the transform's context, which the crypto API allocates
// (cra_ctxsize) and their init, setkey, seed and requests write; the
// module uses both through the crypto API, at load and from /proc.
#include <linux/module.h>
#include <crypto/internal/skcipher.h>
#include <crypto/internal/rng.h>
#include <crypto/skcipher.h>
#include <crypto/rng.h>
#include <linux/scatterlist.h>
#include <linux/proc_fs.h>
#include <linux/slab.h>

struct xor_ctx {
	u8 key[16];
	unsigned int len;
	unsigned int inits;
};

struct lcg_ctx {
	u32 state;
};

static int xor_init(struct crypto_skcipher *tfm)
{
	struct xor_ctx *k = crypto_skcipher_ctx(tfm);

	k->inits++;
	return 0;
}

static int xor_setkey(struct crypto_skcipher *tfm, const u8 *key, unsigned int len)
{
	struct xor_ctx *k = crypto_skcipher_ctx(tfm);

	if (len < 4 || len > sizeof(k->key))
		return -EINVAL;
	memcpy(k->key, key, len);
	k->len = len;
	return 0;
}

static int xor_crypt(struct skcipher_request *req)
{
	struct xor_ctx *k = crypto_skcipher_ctx(crypto_skcipher_reqtfm(req));
	struct skcipher_walk walk;
	unsigned int pos = 0, i;
	int err = skcipher_walk_virt(&walk, req, false);

	while (walk.nbytes) {
		u8 *d = walk.dst.virt.addr;
		const u8 *s = walk.src.virt.addr;

		for (i = 0; i < walk.nbytes; i++, pos++)
			d[i] = s[i] ^ k->key[pos % k->len];
		err = skcipher_walk_done(&walk, 0);
	}
	return err;
}

static struct skcipher_alg xor_alg = {
	.init = xor_init, .setkey = xor_setkey, .encrypt = xor_crypt, .decrypt = xor_crypt,
	.min_keysize = 4, .max_keysize = 16, .chunksize = 1,
	.base = { .cra_name = "kcryptoctx-xor", .cra_driver_name = "kcryptoctx-xor-generic",
		  .cra_priority = 100, .cra_blocksize = 1, .cra_ctxsize = sizeof(struct xor_ctx),
		  .cra_module = THIS_MODULE },
};

static int lcg_seed(struct crypto_rng *tfm, const u8 *seed, unsigned int slen)
{
	struct lcg_ctx *c = crypto_rng_ctx(tfm);
	unsigned int i;

	c->state = 0;
	for (i = 0; i < slen; i++)
		c->state = c->state * 31 + seed[i];
	return 0;
}

static int lcg_generate(struct crypto_rng *tfm, const u8 *src, unsigned int slen,
			u8 *dst, unsigned int dlen)
{
	struct lcg_ctx *c = crypto_rng_ctx(tfm);
	unsigned int i;

	for (i = 0; i < dlen; i++) {
		c->state = c->state * 1103515245u + 12345u;
		dst[i] = c->state >> 16;
	}
	return 0;
}

static struct rng_alg lcg_alg = {
	.generate = lcg_generate, .seed = lcg_seed, .seedsize = 4,
	.base = { .cra_name = "kcryptoctx-lcg", .cra_driver_name = "kcryptoctx-lcg-generic",
		  .cra_priority = 100, .cra_ctxsize = sizeof(struct lcg_ctx),
		  .cra_module = THIS_MODULE },
};

static struct proc_dir_entry *pde;
static int rounds;

/* One round: a fresh transform of each algorithm, a key, a seed. */
static void round_trip(const char *key)
{
	struct crypto_skcipher *tfm = crypto_alloc_skcipher("kcryptoctx-xor", 0, 0);
	struct crypto_rng *rng = crypto_alloc_rng("kcryptoctx-lcg", 0, 0);
	DECLARE_CRYPTO_WAIT(wait);
	struct skcipher_request *req;
	struct scatterlist sg;
	u8 *buf, out[8];
	int err;

	rounds++;
	if (IS_ERR(tfm) || IS_ERR(rng)) {
		pr_info("kcryptoctx: alloc %d %d\n", PTR_ERR_OR_ZERO(tfm), PTR_ERR_OR_ZERO(rng));
		goto out;
	}
	err = crypto_skcipher_setkey(tfm, key, strlen(key));
	pr_info("kcryptoctx: round %d setkey %d inits %u\n", rounds, err,
		((struct xor_ctx *)crypto_skcipher_ctx(tfm))->inits);
	buf = kmemdup("sixteen bytes!!!", 16, GFP_KERNEL);
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	if (buf && req) {
		sg_init_one(&sg, buf, 16);
		skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_SLEEP, crypto_req_done, &wait);
		skcipher_request_set_crypt(req, &sg, &sg, 16, NULL);
		err = crypto_wait_req(crypto_skcipher_encrypt(req), &wait);
		pr_info("kcryptoctx: round %d encrypt %d %16phN\n", rounds, err, buf);
	}
	skcipher_request_free(req);
	kfree(buf);
	err = crypto_rng_reset(rng, key, strlen(key));
	err = err ?: crypto_rng_get_bytes(rng, out, sizeof(out));
	pr_info("kcryptoctx: round %d rng %d %8phN\n", rounds, err, out);
out:
	if (!IS_ERR(rng))
		crypto_free_rng(rng);
	if (!IS_ERR(tfm))
		crypto_free_skcipher(tfm);
}

static ssize_t kc_write(struct file *f, const char __user *u, size_t n, loff_t *o)
{
	round_trip("another key");
	return n;
}

static const struct proc_ops ops = { .proc_write = kc_write };

static int __init kcryptoctx_init(void)
{
	int err = crypto_register_skcipher(&xor_alg);

	if (err)
		return err;
	err = crypto_register_rng(&lcg_alg);
	if (err) {
		crypto_unregister_skcipher(&xor_alg);
		return err;
	}
	round_trip("secret");
	pde = proc_create("kcryptoctx", 0200, NULL, &ops);
	return 0;
}

static void __exit kcryptoctx_exit(void)
{
	proc_remove(pde);
	crypto_unregister_rng(&lcg_alg);
	crypto_unregister_skcipher(&xor_alg);
	pr_info("kcryptoctx: bye after %d rounds\n", rounds);
}

module_init(kcryptoctx_init);
module_exit(kcryptoctx_exit);
MODULE_LICENSE("GPL");
