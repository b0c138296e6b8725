// SPDX-License-Identifier: GPL-2.0
/* Golden diagnostics: kernel code that is not a module (no module_init,
 * module_exit or MODULE_*). */
#include <linux/kernel.h>

int helper(int x)
{
	return x + 1;
}
