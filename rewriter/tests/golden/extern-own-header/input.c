/* A module's own header declares its globals extern, and the module
 * defines them tentatively (no initializer) after code that uses them:
 * they are the module's variables, not kernel symbols. */
#include <linux/module.h>
#include "eo_state.h"

static int __init eo_init(void)
{
	eo_state.hits++;
	eo_count += eo_state.hits;
	pr_info("eo: %u %d\n", eo_state.hits, eo_count);
	return 0;
}

struct eo_state eo_state;
int eo_count;

module_init(eo_init);
MODULE_LICENSE("GPL");
