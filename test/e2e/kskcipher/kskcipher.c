// SPDX-License-Identifier: GPL-2.0
/*
 * kskcipher — cbc(aes) through the skcipher API, as disk and network
 * encryption modules use it: a request from skcipher_request_alloc(), a
 * scatterlist over a kmalloc'd buffer, the IV in an array on the stack.
 *
 * The request holds the IV's address (skcipher_request_set_crypt()); the
 * cipher reads the IV there and writes its output IV (the last ciphertext
 * block) back.  The module logs that output IV, sets the IV again for the
 * decryption (the same address stored into the request again) and checks
 * the round trip, then chains a second encryption from the output IV.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/skcipher.h>
#include <linux/crypto.h>
#include <linux/init.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>

#define LEN 32

static const char plain[LEN + 1] = "A 32-byte plaintext for cbc(aes)";

/* One encryption or decryption of @buf in place with @iv. */
static int crypt(struct skcipher_request *req, u8 *buf, u8 *iv, bool enc)
{
	DECLARE_CRYPTO_WAIT(wait);
	struct scatterlist sg;

	sg_init_one(&sg, buf, LEN);
	skcipher_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG | CRYPTO_TFM_REQ_MAY_SLEEP,
				      crypto_req_done, &wait);
	skcipher_request_set_crypt(req, &sg, &sg, LEN, iv);
	return crypto_wait_req(enc ? crypto_skcipher_encrypt(req) : crypto_skcipher_decrypt(req),
			       &wait);
}

static int run(struct crypto_skcipher *tfm, struct skcipher_request *req, u8 *buf)
{
	u8 iv[16];
	int ret;

	memcpy(buf, plain, LEN);
	memset(iv, 0x5a, sizeof(iv));
	ret = crypt(req, buf, iv, true);
	if (ret)
		return ret;
	pr_info("ciphertext %*phN\n", LEN, buf);
	pr_info("output iv %*phN (last block %s)\n", 16, iv,
		memcmp(iv, buf + LEN - 16, 16) ? "differs" : "equal");

	memset(iv, 0x5a, sizeof(iv));
	ret = crypt(req, buf, iv, false);
	if (ret)
		return ret;
	pr_info("round trip: %.*s\n", LEN, buf);

	/* chained: the next encryption starts from the output IV */
	ret = crypt(req, buf, iv, true);
	if (!ret)
		pr_info("chained ciphertext %*phN\n", LEN, buf);
	return ret;
}

static int __init kskcipher_init(void)
{
	static const u8 key[16] = "0123456789abcdef";
	struct crypto_skcipher *tfm;
	struct skcipher_request *req;
	u8 *buf;
	int ret;

	tfm = crypto_alloc_skcipher("cbc(aes)", 0, 0);
	if (IS_ERR(tfm))
		return PTR_ERR(tfm);
	ret = crypto_skcipher_setkey(tfm, key, sizeof(key));
	if (ret)
		goto free_tfm;
	req = skcipher_request_alloc(tfm, GFP_KERNEL);
	buf = kmalloc(LEN, GFP_KERNEL);
	if (!req || !buf) {
		ret = -ENOMEM;
		goto free;
	}
	ret = run(tfm, req, buf);
	pr_info("done: %d\n", ret);
free:
	kfree(buf);
	skcipher_request_free(req);
free_tfm:
	crypto_free_skcipher(tfm);
	return ret;
}

static void __exit kskcipher_exit(void)
{
	pr_info("exit\n");
}

module_init(kskcipher_init);
module_exit(kskcipher_exit);
MODULE_LICENSE("GPL");
