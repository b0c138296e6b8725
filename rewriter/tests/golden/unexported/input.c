// SPDX-License-Identifier: GPL-2.0
/* Kernel functions a header declares for code the kernel's compiler folds
 * away (lockdep_is_held() in RCU_LOCKDEP_WARN's `0 && (c)`, folded by the
 * rewriter too since: golden folded-branches): not exported, so the
 * generated kmod must not call them; the program stops if it ever reaches
 * one.  The same for one used as a value (KUnit's assertions name
 * kunit_binary_assert_format without CONFIG_KUNIT: lib/test_bits.c): the
 * kmod's symbol table has no address for it.  A symbol exported in a namespace (DMA_BUF): the generated
 * kmod imports it, as the module does. */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/dma-buf.h>
#include <kunit/assert.h>

static DEFINE_MUTEX(lock);
static int __rcu *ptr;
static struct dma_buf *buf;

static int __init ux_init(void)
{
	assert_format_t fmt = IS_ENABLED(CONFIG_KUNIT) ? kunit_binary_assert_format : NULL;
	int *p;

	mutex_lock(&lock);
	p = rcu_dereference_protected(ptr, lockdep_is_held(&lock));
	mutex_unlock(&lock);
	if (buf)
		dma_buf_put(buf);
	return p || fmt ? -EINVAL : 0;
}
module_init(ux_init);
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
