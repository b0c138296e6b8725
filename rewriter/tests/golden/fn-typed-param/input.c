// SPDX-License-Identifier: GPL-2.0
/* A kernel function whose parameter is declared with a function type, not
 * a pointer to one (v4l2_valid_dv_timings()'s v4l2_check_dv_timings_fnc, a
 * typedef of a function): C adjusts it to a pointer, and the kmod's stub
 * must pass it as one (a cast to the function type does not compile;
 * samples/v4l/v4l2-pci-skeleton.c's kmod did not build). */
#include <linux/module.h>
#include <media/v4l2-dv-timings.h>

static bool ftp_check(const struct v4l2_dv_timings *t, void *handle)
{
	return t->bt.width <= 1920;
}

static int __init ftp_init(void)
{
	struct v4l2_dv_timings t = { .type = V4L2_DV_BT_656_1120 };
	struct v4l2_dv_timings_cap cap = { .type = V4L2_DV_BT_656_1120 };

	t.bt.width = 640;
	t.bt.height = 480;
	pr_info("ftp: valid %d\n", v4l2_valid_dv_timings(&t, &cap, ftp_check, NULL));
	return 0;
}

static void __exit ftp_exit(void)
{
}

module_init(ftp_init);
module_exit(ftp_exit);
MODULE_LICENSE("GPL");
