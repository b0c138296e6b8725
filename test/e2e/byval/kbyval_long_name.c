// SPDX-License-Identifier: GPL-2.0
/*
 * kbyval_long_name — a test module for two things the user build once
 * refused: structs by value to and from kernel functions (kuid_t/kgid_t to
 * proc_set_user(), kuid_t from make_kuid(), struct timespec64 from
 * ns_to_timespec64()), and a module name longer than a generic netlink
 * family name (GENL_NAMSIZ 16 with "dusk_").
 *
 * Load: a /proc/kbyval directory owned by uid/gid `owner` (default 1000),
 * and one log line with the split time and the owner read back.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/uidgid.h>
#include <linux/time64.h>
#include <linux/user_namespace.h>

static uint owner = 1000;
module_param(owner, uint, 0444);
MODULE_PARM_DESC(owner, "uid and gid of /proc/kbyval");

static struct proc_dir_entry *kbyval_dir;

static int __init kbyval_init(void)
{
	struct timespec64 ts = ns_to_timespec64(1500000000LL + owner);
	kuid_t uid = make_kuid(&init_user_ns, owner);
	kgid_t gid = make_kgid(&init_user_ns, owner + 1);

	if (!uid_valid(uid) || !gid_valid(gid))
		return -EINVAL;
	kbyval_dir = proc_mkdir("kbyval", NULL);
	if (!kbyval_dir)
		return -ENOMEM;
	proc_set_user(kbyval_dir, uid, gid);
	pr_info("kbyval_long_name: %lld.%09ld owner %u:%u\n", (long long)ts.tv_sec, ts.tv_nsec,
		from_kuid(&init_user_ns, uid), from_kgid(&init_user_ns, gid));
	return 0;
}

static void __exit kbyval_exit(void)
{
	proc_remove(kbyval_dir);
	pr_info("kbyval_long_name: bye\n");
}

module_init(kbyval_init);
module_exit(kbyval_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("structs by value and a long module name, for DUSK's tests");
