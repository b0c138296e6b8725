// SPDX-License-Identifier: GPL-2.0
/* Structs passed to and returned from kernel functions by value: kuid_t and
 * kgid_t (typedef'd anonymous structs) to proc_set_user(), kuid_t from
 * make_kuid(), struct timespec64 from ns_to_timespec64(). */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uidgid.h>
#include <linux/time64.h>
#include <linux/user_namespace.h>

static struct proc_dir_entry *bv_pde;

static int __init bv_init(void)
{
	struct timespec64 ts = ns_to_timespec64(1500000000LL);
	kuid_t uid = make_kuid(&init_user_ns, 1000);

	bv_pde = proc_mkdir("dusk_byval", NULL);
	if (!bv_pde)
		return -ENOMEM;
	proc_set_user(bv_pde, uid, KGIDT_INIT(1000));
	pr_info("byval: %lld.%09ld uid %u\n", (long long)ts.tv_sec, ts.tv_nsec,
		from_kuid(&init_user_ns, uid));
	return 0;
}

static void __exit bv_exit(void)
{
	proc_remove(bv_pde);
}

module_init(bv_init);
module_exit(bv_exit);
MODULE_LICENSE("GPL");
