// SPDX-License-Identifier: GPL-2.0
/* The plugin half of a third-party "core + plugin" split: it declares
 * functions and a variable another module exports (EXPORT_SYMBOL_GPL in
 * the core; the native build links against its Module.symvers), here in a
 * header beside it and in the source itself.  The kernel does not export
 * them and no kernel header declares them: the rewriter warns, the kmod
 * never references them, and the program stops with that reason (not the
 * folded-call one of golden unexported) if it reaches one. */
#include <linux/module.h>
#include "ie_core.h"

extern unsigned long ie_core_calls;

static int ie_square(int v)
{
	return v * v;
}

static struct ie_handler ie_sq = { .name = "square", .handle = ie_square };

static int __init ie_init(void)
{
	int ret = ie_core_register(&ie_sq);

	if (ret)
		return ret;
	pr_info("ie: calls %lu\n", ie_core_calls);
	return 0;
}

static void __exit ie_exit(void)
{
	ie_core_unregister(&ie_sq);
}

module_init(ie_init);
module_exit(ie_exit);
MODULE_LICENSE("GPL");
