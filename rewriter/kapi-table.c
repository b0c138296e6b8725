// SPDX-License-Identifier: GPL-2.0
/*
 * What dusk-rewrite knows about particular kernel APIs (docs/kapi.md):
 *  - register/unregister pairs the kmod core undoes when the program dies
 *    without undoing them (the undo table of the generated kmod);
 *  - inline kernel functions that must run in the kernel, so are called
 *    as stubs rather than kept (allocation, user copies);
 *  - calls that exist only for the compiler (compile-time assertions);
 *  - which proxy kind a module callback gets, from its signature.
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"

#define RET DUSK_UNDO_RET
#define ARG_OR_RET(i) DUSK_UNDO_ARG_OR_RET(i)
#define DEREF_U32(i) DUSK_UNDO_DEREF_U32(i)

static const struct kapi_undo undos[] = {
	{ "nf_register_net_hook",	"nf_unregister_net_hook",	2, { 0, 1 } },
	{ "nf_register_net_hooks",	"nf_unregister_net_hooks",	3, { 0, 1, 2 } },
	{ "proc_create",		"proc_remove",			1, { RET } },
	{ "proc_create_data",		"proc_remove",			1, { RET } },
	{ "proc_create_seq_private",	"proc_remove",			1, { RET } },
	{ "proc_create_single_data",	"proc_remove",			1, { RET } },
	{ "proc_mkdir",			"proc_remove",			1, { RET } },
	/* A module that removes its entries by name (remove_proc_entry) has
	 * its own unregister stub to undo with; the core keeps a copy of the
	 * name and also forgets entries below a removed directory. */
	{ "proc_create",		"remove_proc_entry",		2, { 0, 2 } },
	{ "proc_create_data",		"remove_proc_entry",		2, { 0, 2 } },
	{ "proc_create_seq_private",	"remove_proc_entry",		2, { 0, 2 } },
	{ "proc_create_single_data",	"remove_proc_entry",		2, { 0, 2 } },
	{ "proc_mkdir",			"remove_proc_entry",		2, { 0, 1 } },
	{ "proc_create",		"remove_proc_subtree",		2, { 0, 2 } },
	{ "proc_mkdir",			"remove_proc_subtree",		2, { 0, 1 } },
	/* register_chrdev(major, name, fops) returns the major it allocated
	 * when major is 0, and 0 for a fixed major: ARG_OR_RET(0). */
	{ "register_chrdev",		"unregister_chrdev",		2, { ARG_OR_RET(0), 1 } },
	{ "__register_chrdev",		"__unregister_chrdev",		4, { ARG_OR_RET(0), 1, 2, 3 } },
	{ "misc_register",		"misc_deregister",		1, { 0 } },
	/* A driver's character device: device numbers, the cdev that maps
	 * them to the module's file_operations, a class and its device.
	 * alloc_chrdev_region(&dev, minor, count, name) stores the region's
	 * first number through its first argument. */
	{ "alloc_chrdev_region",	"unregister_chrdev_region",	2, { DEREF_U32(0), 2 } },
	{ "register_chrdev_region",	"unregister_chrdev_region",	2, { 0, 1 } },
	{ "cdev_add",			"cdev_del",			1, { 0 } },
	{ "cdev_device_add",		"cdev_device_del",		2, { 0, 1 } },
	/* class_create() and class_register() are macros around these */
	{ "__class_create",		"class_destroy",		1, { RET } },
	{ "__class_register",		"class_unregister",		1, { 0 } },
	{ "device_create",		"device_destroy",		2, { 0, 2 } },
	{ "device_create",		"device_unregister",		1, { RET } },
	{ "device_register",		"device_unregister",		1, { 0 } },
	{ "register_blkdev",		"unregister_blkdev",		2, { ARG_OR_RET(0), 1 } },
	/* register_blkdev() is a macro around this since 5.x */
	{ "__register_blkdev",		"unregister_blkdev",		2, { ARG_OR_RET(0), 1 } },
	/* sysfs: kobjects, ksets and their attribute files */
	{ "kobject_create_and_add",	"kobject_put",			1, { RET } },
	{ "kobject_init_and_add",	"kobject_put",			1, { 0 } },
	{ "kset_create_and_add",	"kset_unregister",		1, { RET } },
	{ "sysfs_create_file_ns",	"sysfs_remove_file_ns",		3, { 0, 1, 2 } },
	{ "sysfs_create_group",		"sysfs_remove_group",		2, { 0, 1 } },
	{ "sysfs_create_groups",	"sysfs_remove_groups",		2, { 0, 1 } },
	{ "sysfs_create_bin_file",	"sysfs_remove_bin_file",	2, { 0, 1 } },
	/* hooks into the kernel's own paths */
	{ "register_kprobe",		"unregister_kprobe",		1, { 0 } },
	{ "register_kretprobe",		"unregister_kretprobe",		1, { 0 } },
	{ "dev_add_pack",		"dev_remove_pack",		1, { 0 } },
	{ "xt_register_target",		"xt_unregister_target",		1, { 0 } },
	{ "xt_register_targets",	"xt_unregister_targets",	2, { 0, 1 } },
	{ "register_sysctl",		"unregister_sysctl_table",	1, { RET } },
	{ "register_sysctl_table",	"unregister_sysctl_table",	1, { RET } },
	{ "register_filesystem",	"unregister_filesystem",	1, { 0 } },
	{ "configfs_register_subsystem", "configfs_unregister_subsystem", 1, { 0 } },
	{ "genl_register_family",	"genl_unregister_family",	1, { 0 } },
	{ "nf_conntrack_helper_register", "nf_conntrack_helper_unregister", 1, { 0 } },
	{ "input_register_device",	"input_unregister_device",	1, { 0 } },
	{ "register_netdev",		"unregister_netdev",		1, { 0 } },
	/* A link type (rtnl_link_ops) and a FIB notifier left registered are
	 * the program's mirrors, freed with the session: the next "ip link
	 * add" walked the link types' freed kind strings, the next route
	 * change called through the freed notifier block (probe round p64:
	 * general protection faults in rtnl_link_ops_get() and under
	 * fib_table_delete()).  The link type is undone with the module's
	 * dellink replaced by the kernel's default (dusk-kmod/core/undo.c). */
	{ "rtnl_link_register",		"rtnl_link_unregister",		1, { 0 } },
	{ "register_fib_notifier",	"unregister_fib_notifier",	2, { 0, 1 } },
	/* a console left registered is the program's mirror, freed with the
	 * session: the next printk's console walk would read it */
	{ "register_console",		"unregister_console",		1, { 0 } },
	/* add_disk() is inline: the stub the module calls is this one */
	{ "device_add_disk",		"del_gendisk",			1, { 1 } },
	/* A block driver's disk, and a blk-mq driver's tag set, whose requests
	 * the disk's queue holds: the tag set is the program's mirror, freed at
	 * the session's end, so the disk goes first, then the set.
	 * blk_alloc_disk() and blk_mq_alloc_disk() are macros around these. */
	{ "__blk_alloc_disk",		"put_disk",			1, { RET } },
	{ "__blk_mq_alloc_disk",	"put_disk",			1, { RET } },
	{ "blk_mq_alloc_tag_set",	"blk_mq_free_tag_set",		1, { 0 } },
	{ "blk_mq_alloc_sq_tag_set",	"blk_mq_free_tag_set",		1, { 0 } },
	{ "register_reboot_notifier",	"unregister_reboot_notifier",	1, { 0 } },
	{ "register_inetaddr_notifier",	"unregister_inetaddr_notifier",	1, { 0 } },
	{ "register_keyboard_notifier",	"unregister_keyboard_notifier",	1, { 0 } },
	{ "register_module_notifier",	"unregister_module_notifier",	1, { 0 } },
	{ "atomic_notifier_chain_register", "atomic_notifier_chain_unregister", 2, { 0, 1 } },
	{ "blocking_notifier_chain_register", "blocking_notifier_chain_unregister", 2, { 0, 1 } },
	{ "register_netdevice_notifier", "unregister_netdevice_notifier", 1, { 0 } },
	{ "nf_register_sockopt",	"nf_unregister_sockopt",	1, { 0 } },
	{ "register_pernet_subsys",	"unregister_pernet_subsys",	1, { 0 } },
	{ "register_pernet_device",	"unregister_pernet_device",	1, { 0 } },
	{ "debugfs_create_dir",		"debugfs_remove",		1, { RET } },
	{ "debugfs_create_file",	"debugfs_remove",		1, { RET } },
	{ "add_timer",			"del_timer_sync",		1, { 0 } },
	{ "mod_timer",			"del_timer_sync",		1, { 0 } },
	/* Since the timer_shutdown backport (6.1.0-56's headers) del_timer_sync
	 * is an inline wrapper: the stub the module calls is one of these. */
	{ "add_timer",			"timer_delete_sync",		1, { 0 } },
	{ "mod_timer",			"timer_delete_sync",		1, { 0 } },
	{ "add_timer",			"timer_shutdown_sync",		1, { 0 } },
	{ "mod_timer",			"timer_shutdown_sync",		1, { 0 } },
	/* hrtimer_start() is inline: the stub the module calls is this one */
	{ "hrtimer_start_range_ns",	"hrtimer_cancel",		1, { 0 } },
	{ "alarm_start",		"alarm_cancel",			1, { 0 } },
	{ "alarm_start_relative",	"alarm_cancel",			1, { 0 } },
	{ "alarm_restart",		"alarm_cancel",			1, { 0 } },
	{ "xt_register_match",		"xt_unregister_match",		1, { 0 } },
	{ "xt_register_matches",	"xt_unregister_matches",	2, { 0, 1 } },
	/* A module's slab cache: the kmod frees the session's objects still
	 * in it before it is destroyed (dusk-kmod/core/slab.c). */
	{ "kmem_cache_create",		"kmem_cache_destroy",		1, { RET } },
	{ "kmem_cache_create_usercopy",	"kmem_cache_destroy",		1, { RET } },
	/* ring_buffer_alloc() is a macro of this one: a dead program's
	 * buffer (its pages on every CPU) is freed at the session's end */
	{ "__ring_buffer_alloc",	"ring_buffer_free",		1, { RET } },
	/* an entered iterator is on its table's walker list (rhtwalk.c) */
	{ "rhashtable_walk_enter",	"rhashtable_walk_exit",		1, { 1 } },
	/* mempools hold objects of a cache: destroyed before it */
	{ "mempool_create",		"mempool_destroy",		1, { RET } },
	{ "mempool_create_node",	"mempool_destroy",		1, { RET } },
	{ "mempool_init",		"mempool_exit",			1, { 0 } },
	{ "mempool_init_node",		"mempool_exit",			1, { 0 } },
	/* an SRCU struct: its grace-period work must not outlive its mirror */
	{ "init_srcu_struct",		"cleanup_srcu_struct",		1, { 0 } },
	{ "tasklet_schedule",		"tasklet_kill",			1, { 0 } },
	{ "tasklet_hi_schedule",	"tasklet_kill",			1, { 0 } },
	/* Drivers and devices on a bus, whose structs (an i2c_adapter, an
	 * i2c_driver, a platform_driver) are the program's mirrors: left
	 * registered they are freed under the bus, and the next sysfs read of
	 * them oopsed (twentieth round of probes).  platform_driver_register()
	 * and i2c_add_driver() are macros around these; so is
	 * platform_device_register_simple() around platform_device_register_full(). */
	{ "__platform_driver_register",	"platform_driver_unregister",	1, { 0 } },
	{ "platform_device_register",	"platform_device_unregister",	1, { 0 } },
	{ "platform_device_register_full", "platform_device_unregister", 1, { RET } },
	{ "i2c_add_adapter",		"i2c_del_adapter",		1, { 0 } },
	{ "i2c_add_numbered_adapter",	"i2c_del_adapter",		1, { 0 } },
	{ "i2c_register_driver",	"i2c_del_driver",		1, { 1 } },
	{ "i2c_new_client_device",	"i2c_unregister_device",	1, { RET } },
	{ "uart_register_driver",	"uart_unregister_driver",	1, { 0 } },
	/* an auxiliary driver and device (auxiliary_driver_register() and
	 * auxiliary_device_add() are macros around these): left on the bus
	 * over the dead program's mirror or memory, device_shutdown() at the
	 * next poweroff read slab poison (e2e kauxbus-kill) */
	{ "__auxiliary_driver_register", "auxiliary_driver_unregister", 1, { 0 } },
	{ "__auxiliary_device_add",	"auxiliary_device_delete",	1, { 0 } },
	/* a PCI driver (pci_register_driver() is a macro around this), and
	 * an interrupt line whose handler is the program's (its devm_ form
	 * goes with its device) */
	{ "__pci_register_driver",	"pci_unregister_driver",	1, { 0 } },
	/* usb_register() is a macro around this */
	{ "usb_register_driver",	"usb_deregister",		1, { 0 } },
	{ "request_threaded_irq",	"free_irq",			2, { 0, 5 } },
	{ "request_any_context_irq",	"free_irq",			2, { 0, 4 } },
	/* What a driver's probe claims on its device.  Left claimed by a
	 * killed program, a region keeps its name, the program's string,
	 * freed with the session (a read of /proc/iomem reads freed memory),
	 * and the next probe of the device fails -EBUSY.  request_region()
	 * and request_mem_region() are macros around __request_region(). */
	{ "pci_enable_device",		"pci_disable_device",		1, { 0 } },
	{ "pci_request_region",		"pci_release_region",		2, { 0, 1 } },
	{ "pci_request_regions",	"pci_release_regions",		1, { 0 } },
	{ "pci_iomap",			"pci_iounmap",			2, { 0, RET } },
	{ "__request_region",		"__release_region",		3, { 0, 1, 2 } },
	{ "ioremap",			"iounmap",			1, { RET } },
	/* MSI and MSI-X vectors (pci_alloc_irq_vectors() is an inline of
	 * the first): left allocated by a killed program, the device's unbind
	 * WARNed in msi_device_data_release() and the next probe's
	 * allocation WARNed (MSI already enabled) and failed */
	{ "pci_alloc_irq_vectors_affinity", "pci_free_irq_vectors",	1, { 0 } },
	{ "pci_enable_msi",		"pci_disable_msi",		1, { 0 } },
	{ "pci_enable_msix_range",	"pci_disable_msix",		1, { 0 } },
	{ "nvmem_register",		"nvmem_unregister",		1, { RET } },
	{ "backlight_device_register",	"backlight_device_unregister",	1, { RET } },
	{ "backlight_register_notifier", "backlight_unregister_notifier", 1, { 0 } },
	/* Devices and drivers whose structs and ops are the program's
	 * mirrors: left registered by a dead program, the kernel follows them
	 * into freed memory (a CAN device: a general protection fault in
	 * rtnl_fill_ifinfo() at the next "ip -d link show", probe round p66;
	 * e2e kcandev-kill).  video_register_device() and
	 * serio_register_driver() are inlines of the __ functions. */
	{ "register_candev",		"unregister_candev",		1, { 0 } },
	{ "register_framebuffer",	"unregister_framebuffer",	1, { 0 } },
	{ "v4l2_device_register",	"v4l2_device_unregister",	1, { 1 } },
	{ "__video_register_device",	"video_unregister_device",	1, { 0 } },
	{ "__serio_register_driver",	"serio_unregister_driver",	1, { 0 } },
	{ "__serio_register_port",	"serio_unregister_port",	1, { 0 } },
	{ "cpufreq_register_driver",	"cpufreq_unregister_driver",	1, { 0 } },
	{ "devfreq_add_device",		"devfreq_remove_device",	1, { RET } },
	{ "pinctrl_register",		"pinctrl_unregister",		1, { RET } },
	{ "pinctrl_register_mappings",	"pinctrl_unregister_mappings",	1, { 0 } },
	{ "phy_create",			"phy_destroy",			1, { RET } },
	{ "phy_create_lookup",		"phy_remove_lookup",		3, { 0, 1, 2 } },
	/* An IIO device left registered by a dead program keeps its
	 * iio_info in the program's freed mirror: a reader blocked on the
	 * device node woke into iio_buffer_ready(), which called the
	 * poisoned hwfifo_flush_to_buffer (a general protection fault, probe
	 * round p65).  Unregistering sets indio_dev->info to NULL and wakes
	 * the readers first.  iio_device_register() and
	 * iio_triggered_buffer_setup() are macros of the first two. */
	{ "__iio_device_register",	"iio_device_unregister",	1, { 0 } },
	{ "iio_triggered_buffer_setup_ext", "iio_triggered_buffer_cleanup", 1, { 0 } },
	{ "iio_trigger_register",	"iio_trigger_unregister",	1, { 0 } },
	/* Crypto algorithms and templates: the kernel's lists link the
	 * program's mirrors, freed with the session.  Left registered by a
	 * dead program, the next lookup of any algorithm or template walked
	 * freed memory (a general protection fault in
	 * __crypto_lookup_template() from cryptomgr_probe: ecb, this
	 * session's coverage re-run).  Unregistering a template removes the
	 * instances its create() registered. */
	{ "crypto_register_alg",	"crypto_unregister_alg",	1, { 0 } },
	{ "crypto_register_algs",	"crypto_unregister_algs",	2, { 0, 1 } },
	{ "crypto_register_template",	"crypto_unregister_template",	1, { 0 } },
	{ "crypto_register_templates",	"crypto_unregister_templates",	2, { 0, 1 } },
	{ "crypto_register_shash",	"crypto_unregister_shash",	1, { 0 } },
	{ "crypto_register_shashes",	"crypto_unregister_shashes",	2, { 0, 1 } },
	{ "crypto_register_ahash",	"crypto_unregister_ahash",	1, { 0 } },
	{ "crypto_register_ahashes",	"crypto_unregister_ahashes",	2, { 0, 1 } },
	{ "crypto_register_skcipher",	"crypto_unregister_skcipher",	1, { 0 } },
	{ "crypto_register_skciphers",	"crypto_unregister_skciphers",	2, { 0, 1 } },
	{ "crypto_register_aead",	"crypto_unregister_aead",	1, { 0 } },
	{ "crypto_register_aeads",	"crypto_unregister_aeads",	2, { 0, 1 } },
	{ "crypto_register_rng",	"crypto_unregister_rng",	1, { 0 } },
	{ "crypto_register_rngs",	"crypto_unregister_rngs",	2, { 0, 1 } },
	{ "crypto_register_akcipher",	"crypto_unregister_akcipher",	1, { 0 } },
	{ "crypto_register_kpp",	"crypto_unregister_kpp",	1, { 0 } },
	{ "crypto_register_scomp",	"crypto_unregister_scomp",	1, { 0 } },
	{ "crypto_register_scomps",	"crypto_unregister_scomps",	2, { 0, 1 } },
	{ "crypto_register_acomp",	"crypto_unregister_acomp",	1, { 0 } },
	{ "crypto_register_acomps",	"crypto_unregister_acomps",	2, { 0, 1 } },
};

const struct kapi_undo *kapi_undo_table(size_t *n)
{
	*n = sizeof(undos) / sizeof(undos[0]);
	return undos;
}

static const struct {
	const char *name;
	unsigned flags;
} forced[] = {
	{ "kmalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kzalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kcalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmalloc_array",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kfree",		DUSK_STUB_FREE },
	{ "kvfree",		DUSK_STUB_FREE },
	{ "kfree_sensitive",	DUSK_STUB_FREE },
	{ "kvfree_sensitive",	DUSK_STUB_FREE },
	{ "vfree",		DUSK_STUB_FREE },
	{ "vunmap",		DUSK_STUB_FREE },
	{ "krealloc",		DUSK_STUB_ALLOC | DUSK_STUB_FREE | DUSK_STUB_RET_PTR },
	{ "kmem_cache_alloc",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmem_cache_zalloc",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmem_cache_free",	DUSK_STUB_FREE_ARG1 },
	/* a slab or kmalloc pool's element is the session's (a page pool's
	 * struct page is not: dusk-kmod/core/slab.c) */
	{ "mempool_alloc",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "mempool_free",	DUSK_STUB_FREE },
	/* kfree_rcu(p, field) and kfree_rcu(p) expand to this call */
	{ "kvfree_call_rcu",	DUSK_STUB_FREE_RCU },
	{ "vmalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vzalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	/* vmalloc_user(): zeroed, VM_USERMAP, what a driver's mmap hands to
	 * remap_vmalloc_range() */
	{ "__vmalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vmalloc_user",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vmalloc_32",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vmalloc_32_user",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	/* vmap() of the driver's own alloc_page() pages: the mapping is
	 * the module's to write through (simple_write_to_buffer() into it
	 * was refused) until vunmap(); teardown's kvfree() of a vmap area
	 * unmaps it without freeing the pages (thirteenth round) */
	{ "vmap",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vmalloc_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vzalloc_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kvmalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kvzalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kvmalloc_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kvcalloc",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kvmalloc_array",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmalloc_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kzalloc_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kcalloc_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmalloc_array_node",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	/* copies into new kmalloc memory the module writes and kfree()s
	 * (a kstrdup()'d name strim()med in place) */
	{ "kstrdup",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kstrndup",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmemdup",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kmemdup_nul",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kasprintf",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "kvasprintf",		DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "memdup_user",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "memdup_user_nul",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "vmemdup_user",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "strndup_user",	DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR },
	{ "copy_to_user",	0 },
	{ "copy_from_user",	0 },
	/* x86's inline clear_user()/__clear_user() are `rep stosb` under
	 * stac/clac with an exception-table entry: they run in the kmod,
	 * where the user memory is reachable */
	{ "clear_user",		0 },
	{ "__clear_user",	0 },
	{ "simple_read_from_buffer", 0 },
	{ "kstrtoint",		0 },
	{ "kstrtouint",		0 },
	{ "kstrtoul",		0 },
	{ "kstrtol",		0 },
	{ "strscpy",		0 },
	{ "timer_setup",	0 },
	{ "del_timer",		0 },
	{ "init_timer_key",	0 },
	{ "jiffies_to_msecs",	0 },
	{ "msecs_to_jiffies",	0 },
	{ "usecs_to_jiffies",	0 },
	/* sk_buffs the kernel allocates for the module are the session's,
	 * data area included, until freed or handed to the kernel.
	 * alloc_skb, netdev_alloc_skb, dev_alloc_skb, napi_alloc_skb and
	 * pskb_copy are inlines around the allocators here; kfree_skb and
	 * consume_skb (an inline without tracepoints) run in the kmod,
	 * dev_kfree_skb_any/_irq, dev_queue_xmit and dev_direct_xmit are
	 * inlines around the frees and hand-overs here. */
	{ "__alloc_skb",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "__netdev_alloc_skb",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "__napi_alloc_skb",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "alloc_skb_with_frags", DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "skb_clone",		DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "skb_copy",		DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "__pskb_copy_fclone",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "skb_copy_expand",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "skb_realloc_headroom", DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	/* a CAN driver's received frame: the skb with its struct can_frame
	 * (or canfd_frame) already put, which the driver fills through the
	 * out-argument before netif_rx() (before, the first store was
	 * refused: probe round p66) */
	{ "alloc_can_skb",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "alloc_canfd_skb",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "alloc_can_err_skb",	DUSK_STUB_ALLOC | DUSK_STUB_SKB | DUSK_STUB_RET_PTR },
	{ "kfree_skb",		DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "kfree_skb_reason",	DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "__kfree_skb",	DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "kfree_skb_list_reason", DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "consume_skb",	DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "__dev_kfree_skb_any", DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "__dev_kfree_skb_irq", DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "__dev_queue_xmit",	DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "__dev_direct_xmit",	DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "netif_rx",		DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "__netif_rx",		DUSK_STUB_FREE | DUSK_STUB_SKB },
	{ "netif_receive_skb",	DUSK_STUB_FREE | DUSK_STUB_SKB },
	/* A serio or gameport port the driver allocated is the bus's once
	 * registered: its release kfree()s it after the last reference
	 * (serio_release_port()).  Still the session's, teardown freed it a
	 * second time (SLUB "Object already free", probe round p66; e2e
	 * kserio-dusk). */
	{ "__serio_register_port", DUSK_STUB_FREE },
	{ "__gameport_register_port", DUSK_STUB_FREE },
	{ "netlink_unicast",	DUSK_STUB_FREE_ARG1 | DUSK_STUB_SKB },
	{ "netlink_broadcast",	DUSK_STUB_FREE_ARG1 | DUSK_STUB_SKB },
	{ "dev_put",		0 },
	{ "dev_hold",		0 },
	/* Reference counts of the kernel's own objects (inlines around an
	 * atomic): taken and dropped where the object is.  As kept code the
	 * increment is a store to the program's copy of a task_struct or
	 * sock, which the kernel refuses (the program may not write it), and
	 * a copy written back later would lose the kernel's own concurrent
	 * gets and puts. */
	{ "get_task_struct",	0 },
	{ "put_task_struct",	0 },
	{ "get_pid",		0 },
	{ "get_cred",		0 },
	{ "put_cred",		0 },
	{ "sock_hold",		0 },
	{ "sock_put",		0 },
	{ "__sock_put",		0 },
	{ "get_net",		0 },
	{ "maybe_get_net",	0 },
	{ "put_net",		0 },
	{ "get_file",		0 },
	{ "mmgrab",		0 },
	{ "mmdrop",		0 },
	{ "get_page",		0 },
	{ "put_page",		0 },
	{ "skb_get",		0 },
	{ "nf_conntrack_get",	0 },
	{ "nf_conntrack_put",	0 },
	{ "nf_ct_put",		0 },
	{ "dst_hold",		0 },
	{ "in_dev_put",		0 },
	{ "in6_dev_put",	0 },
	{ "neigh_release",	0 },
	{ "dget",		0 },
	/* a percpu_ref counts in the kernel's per-cpu memory (or its
	 * percpu_ref_data once killed), and its last put calls release */
	{ "percpu_ref_get_many", 0 },
	{ "percpu_ref_put_many", 0 },
	{ "percpu_ref_tryget_many", 0 },
	{ "percpu_ref_tryget_live", 0 },
	{ "percpu_ref_tryget_live_rcu", 0 },
	{ "seq_open",		0 },
	/* A tasklet's state bits belong to the kernel (softirq clears them
	 * while the program's copy is stale): test them there. */
	{ "tasklet_schedule",	0 },
	{ "tasklet_hi_schedule", 0 },
	{ "tasklet_disable",	0 },
	{ "tasklet_disable_nosync", 0 },
	{ "tasklet_enable",	0 },
	/* Setters of a network namespace's own settings: the program may not
	 * write a struct net (never a mirror, never lent), so they run where
	 * the object is (xt_connbytes turns conntrack accounting on in its
	 * checkentry). */
	{ "nf_ct_set_acct",	0 },
	/* A relay channel's sub-buffers are the kernel's (vmapped pages the
	 * program may not write): relay_write() and __relay_write(), inlines
	 * that copy into them with interrupts or preemption off, run there. */
	{ "relay_write",	0 },
	{ "__relay_write",	0 },
	/* a tty port's flip buffers are the kernel's too: tty_insert_flip_char()
	 * writes the tail buffer inline (tty_insert_flip_string() is already a
	 * call) */
	{ "tty_insert_flip_char", 0 },
	/* A network device's transmit queues (dev->_tx, allocated by
	 * alloc_netdev_mqs()) and state bits are the kernel's, changed by the
	 * stack concurrently with atomic bit operations: the inlines that set,
	 * clear or test them run there.  (netif_wake_queue() is an inline
	 * around the exported netif_tx_wake_queue() and may stay kept.) */
	{ "netif_tx_start_queue", 0 },
	{ "netif_start_queue", 0 },
	{ "netif_tx_start_all_queues", 0 },
	{ "netif_tx_stop_queue", 0 },
	{ "netif_stop_queue", 0 },
	{ "netif_start_subqueue", 0 },
	{ "netif_stop_subqueue", 0 },
	{ "netif_tx_queue_stopped", 0 },
	{ "netif_queue_stopped", 0 },
	{ "netif_xmit_stopped", 0 },
	{ "__netif_subqueue_stopped", 0 },
	{ "netif_subqueue_stopped", 0 },
	{ "netif_trans_update", 0 },
	{ "netif_dormant_on", 0 },
	{ "netif_dormant_off", 0 },
	{ "netif_testing_on", 0 },
	{ "netif_testing_off", 0 },
	/* Port and memory-mapped I/O: x86's inb()/outb() (__inb/__outb
	 * after asm/shared/io.h's macros), their _p forms and readl()/
	 * writel() and kin are inline assembly that only the kernel may run
	 * (in/out instructions, an ioremap()ped address): kernel calls, as
	 * ioread8()/iowrite8() already are.  The string forms (insb, outsb)
	 * stay refused: their buffer has no size the call could carry. */
	{ "__inb", 0 }, { "__inw", 0 }, { "__inl", 0 },
	{ "__outb", 0 }, { "__outw", 0 }, { "__outl", 0 },
	{ "inb_p", 0 }, { "inw_p", 0 }, { "inl_p", 0 },
	{ "outb_p", 0 }, { "outw_p", 0 }, { "outl_p", 0 },
	{ "readb", 0 }, { "readw", 0 }, { "readl", 0 }, { "readq", 0 },
	{ "__readb", 0 }, { "__readw", 0 }, { "__readl", 0 }, { "__readq", 0 },
	{ "writeb", 0 }, { "writew", 0 }, { "writel", 0 }, { "writeq", 0 },
	{ "__writeb", 0 }, { "__writew", 0 }, { "__writel", 0 }, { "__writeq", 0 },
	/* An rhashtable's bucket tables are the kernel's (rhashtable_init()
	 * allocates them, its worker resizes them concurrently) and the
	 * inlines lock buckets with bit spinlocks, bottom halves off: insert,
	 * remove, replace and lookup run there, on the module's objects. */
	{ "rhashtable_insert_fast", 0 },
	{ "rhashtable_lookup_insert_fast", 0 },
	{ "rhashtable_lookup_insert_key", 0 },
	{ "rhashtable_lookup_get_insert_fast", 0 },
	{ "rhashtable_lookup_get_insert_key", 0 },
	{ "rhashtable_remove_fast", 0 },
	{ "rhashtable_replace_fast", 0 },
	{ "rhashtable_lookup", 0 },
	{ "rhashtable_lookup_fast", 0 },
	{ "rhltable_insert", 0 },
	{ "rhltable_insert_key", 0 },
	{ "rhltable_remove", 0 },
	{ "rhltable_lookup", 0 },
	/* crypto_rng_get_bytes() and crypto_rng_generate() are inlines that
	 * call the algorithm's ->generate() through the transform: in the
	 * program the module's own function ran directly, outside a
	 * callback, and its stores into the transform's context (which the
	 * crypto API allocates) were refused (probe round p63).  Run in the
	 * kmod, the call reaches the algorithm through its proxy, which is
	 * lent the context (DUSK_LENT_CRYPTO). */
	{ "crypto_rng_generate", 0 },
	/* pm_runtime_mark_last_busy() writes the device's power.last_busy
	 * with WRITE_ONCE(): drivers call it after each I/O, from a work
	 * item, an IRQ thread or a file operation, on a device the kernel
	 * allocated (platform_device_register_simple()'s, the one probe
	 * was given), which the program may write only inside a callback
	 * lending it.  Kept in the program, the store was refused and the
	 * program stopped (probe round p65): it runs where the device is. */
	{ "pm_runtime_mark_last_busy", 0 },
};

/*
 * The page-flags.h inlines that set or clear a flag of a struct page
 * (SetPageReserved(), __ClearPageReserved(), TestClearPageDirty(), ...):
 * bit operations on the kernel's struct page, which the page allocator
 * and reclaim change concurrently and the program may not write (drivers
 * reserve the pages they let user space mmap with remap_pfn_range()).
 * They run where the page is.  The tests (PageReserved()) only read.
 */
static const char *const page_flag_writers[] = {
	"SetPage", "ClearPage", "__SetPage", "__ClearPage", "TestSetPage", "TestClearPage",
};

int kapi_force_stub(const char *name, unsigned *flags)
{
	size_t i;

	*flags = 0;
	for (i = 0; i < sizeof(forced) / sizeof(forced[0]); i++) {
		if (!strcmp(name, forced[i].name)) {
			*flags = forced[i].flags;
			return 1;
		}
	}
	for (i = 0; i < sizeof(page_flag_writers) / sizeof(page_flag_writers[0]); i++) {
		size_t n = strlen(page_flag_writers[i]);

		/* the flag's name follows, capitalised: SetPageReserved */
		if (!strncmp(name, page_flag_writers[i], n) && name[n] >= 'A' && name[n] <= 'Z')
			return 1;
	}
	return 0;
}

/*
 * An output function of the Netfilter okfn contract, `int (struct net *,
 * struct sock *, struct sk_buff *)` (ip_local_out(), ip6_local_out(), a
 * route's ->output behind dst_output(), a hook state's okfn), consumes its
 * sk_buff whatever it returns: one the session owns stops being its own
 * (DUSK_STUB_FREE_LAST: the last argument, also when the function is
 * called through its pointer).  Before, teardown freed such a packet again
 * after the kernel had (SLUB: "Poison overwritten" in skbuff_head_cache).
 */
unsigned kapi_type_flags(CXType fn)
{
	CXType t = clang_getCanonicalType(fn);

	if (t.kind == CXType_Pointer)
		t = clang_getCanonicalType(clang_getPointeeType(t));
	if (t.kind != CXType_FunctionProto || clang_getNumArgTypes(t) != 3 ||
	    clang_getCanonicalType(clang_getResultType(t)).kind != CXType_Int)
		return 0;
	if (kapi_pointee_is(clang_getArgType(t, 0), "struct net") &&
	    kapi_pointee_is(clang_getArgType(t, 1), "struct sock") &&
	    kapi_pointee_is(clang_getArgType(t, 2), "struct sk_buff"))
		return DUSK_STUB_FREE_LAST | DUSK_STUB_SKB;
	return 0;
}

int kapi_drop_call(const char *name)
{
	return !strncmp(name, "__compiletime_assert", 20) ||
	       !strcmp(name, "__bad_size_call_parameter") ||
	       !strncmp(name, "__kasan_check", 13) || !strncmp(name, "kasan_check", 11) ||
	       !strncmp(name, "kcsan_check", 11) || !strncmp(name, "__kcsan_check", 13) ||
	       !strcmp(name, "might_fault") || !strcmp(name, "__might_sleep") ||
	       !strcmp(name, "__might_fault") ||
	       /* compile-time errors of fortify-string.h and jump_label.h:
		* calls the kernel's compiler proved unreachable */
	       !strncmp(name, "__read_overflow", 15) || !strncmp(name, "__write_overflow", 16) ||
	       !strcmp(name, "____wrong_branch_error");
}

/* Is @t a pointer to the type spelt @spelling (canonical, const or not)? */
int kapi_pointee_is(CXType t, const char *spelling)
{
	CXType p = clang_getCanonicalType(t);
	int r;

	if (p.kind != CXType_Pointer)
		return 0;
	p = clang_getPointeeType(p);
	{
		char *s = cxs_take(clang_getTypeSpelling(clang_getCanonicalType(p)));
		const char *u = s;

		if (!strncmp(u, "const ", 6))
			u += 6;
		r = !strcmp(u, spelling);
		free(s);
	}
	return r;
}

/* Is canonical type @t the enum spelt @spelling? */
static int is_enum(CXType t, const char *spelling)
{
	char *s;
	int r;

	if (t.kind != CXType_Enum)
		return 0;
	s = cxs_take(clang_getTypeSpelling(t));
	r = !strcmp(s, spelling);
	free(s);
	return r;
}

int kapi_proxy_kind(CXType fn)
{
	int n = clang_getNumArgTypes(fn);
	CXType ret = clang_getCanonicalType(clang_getResultType(fn));

	/* nf_hookfn: unsigned int (void *, struct sk_buff *, const struct nf_hook_state *) */
	if (n == 3 && ret.kind == CXType_UInt &&
	    kapi_pointee_is(clang_getArgType(fn, 1), "struct sk_buff") &&
	    kapi_pointee_is(clang_getArgType(fn, 2), "struct nf_hook_state"))
		return DUSK_PROXY_NF_HOOK;
	/* timer, tasklet and RCU callbacks run in softirq context and return
	 * nothing: void (struct timer_list *), void (struct tasklet_struct *),
	 * the old tasklet_init() type void (unsigned long), and call_rcu()'s
	 * void (struct rcu_head *) -- rcu_head is callback_head, which
	 * task_work callbacks take too: they need no answer either */
	if (n == 1 && ret.kind == CXType_Void &&
	    (kapi_pointee_is(clang_getArgType(fn, 0), "struct timer_list") ||
	     /* percpu_ref_func_t: a confirm_switch runs from an RCU
	      * callback, and so does a release when the switch to atomic
	      * mode drops the last reference */
	     kapi_pointee_is(clang_getArgType(fn, 0), "struct percpu_ref") ||
	     kapi_pointee_is(clang_getArgType(fn, 0), "struct tasklet_struct") ||
	     kapi_pointee_is(clang_getArgType(fn, 0), "struct callback_head") ||
	     clang_getCanonicalType(clang_getArgType(fn, 0)).kind == CXType_ULong))
		return DUSK_PROXY_ASYNC;
	/* irq_work functions, void (struct irq_work *), run in hard
	 * interrupt context (the irq_work self-interrupt, the tick): no
	 * answer either, but the upcall is raised from a work item */
	if (n == 1 && ret.kind == CXType_Void &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct irq_work"))
		return RW_PROXY_ASYNC_IRQ;
	/* a USB request's completion, usb_complete_t void (struct urb *):
	 * the host controller gives the URB back in its interrupt handler or
	 * its giveback tasklet; the driver owns the URB from then on and
	 * answers nothing (a blocking proxy's -EWOULDBLOCK there meant the
	 * completion never ran: every asynchronous transfer hung) */
	if (n == 1 && ret.kind == CXType_Void &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct urb"))
		return RW_PROXY_ASYNC_IRQ;
	/* an input handler's .event, void (struct input_handle *, unsigned
	 * int type, unsigned int code, int value): called by input_event()
	 * under the device's event_lock with interrupts off, from a driver's
	 * interrupt handler as often as not; it answers nothing */
	if (n == 4 && ret.kind == CXType_Void &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct input_handle"))
		return RW_PROXY_ASYNC_IRQ;
	/* ... and its .filter, bool (the same arguments), called there too
	 * before .event: observed late as .event is, its proxy answering
	 * false (not filtered).  A blocking proxy's -EWOULDBLOCK read as
	 * true: every event of the devices it matched was swallowed
	 * (fifteenth round of probes) */
	if (n == 4 && ret.kind == CXType_Bool &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct input_handle") &&
	    clang_getCanonicalType(clang_getArgType(fn, 1)).kind == CXType_UInt &&
	    clang_getCanonicalType(clang_getArgType(fn, 3)).kind == CXType_Int)
		return RW_PROXY_ASYNC_IRQ;
	/* a serio driver's .interrupt, irqreturn_t (struct serio *,
	 * unsigned char data, unsigned int flags): serio_interrupt() calls it
	 * under the port's lock with interrupts off, from the port's
	 * interrupt handler; the byte comes by value.  Observed late, its
	 * proxy answering IRQ_HANDLED (the port drivers' handlers do not use
	 * the answer).  A blocking proxy answered IRQ_NONE unrun: the driver
	 * never got a byte (probe round p66) */
	if (n == 3 && is_enum(ret, "enum irqreturn") &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct serio"))
		return RW_PROXY_ASYNC_IRQ;
	/* packet_type .func: int (struct sk_buff *, struct net_device *,
	 * struct packet_type *, struct net_device *), in the receive softirq.
	 * The handler owns the packet (it must free it) and its result is
	 * not used by the stack: the packet is handed to the program */
	if (n == 4 && ret.kind == CXType_Int &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct sk_buff") &&
	    kapi_pointee_is(clang_getArgType(fn, 2), "struct packet_type"))
		return RW_PROXY_ASYNC_SKB;
	/* a protocol handler, int (struct sk_buff *): net_protocol and
	 * inet6_protocol .handler (inet_add_protocol()), xfrm and tunnel
	 * handlers, a dst's .input, in the receive softirq.  The handler owns
	 * the packet; a blocking proxy's -EWOULDBLOCK made IPv4 resubmit it
	 * as protocol 11 (seventeenth round of probes): handed to the program
	 * as a packet_type handler's, the proxy answering 0, "consumed" */
	if (n == 1 && ret.kind == CXType_Int &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct sk_buff"))
		return RW_PROXY_ASYNC_SKB;
	/* ndo_start_xmit: netdev_tx_t (struct sk_buff *, struct net_device *),
	 * with bottom halves off and the transmit queue's lock held.  After
	 * NETDEV_TX_OK the packet is the driver's, freed when it is sent (a
	 * real device's completion comes later too): handed to the program */
	if (n == 2 && is_enum(ret, "enum netdev_tx") &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct sk_buff") &&
	    kapi_pointee_is(clang_getArgType(fn, 1), "struct net_device"))
		return RW_PROXY_ASYNC_SKB;
	/* atomic context, a result needed now (docs/kapi.md):
	 * xt_match .match: bool (const struct sk_buff *, struct xt_action_param *) */
	if (n == 2 && ret.kind == CXType_Bool &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct sk_buff") &&
	    kapi_pointee_is(clang_getArgType(fn, 1), "struct xt_action_param"))
		return RW_PROXY_SYNC_XT_MATCH;
	/* xt_target .target: unsigned int (struct sk_buff *, const struct
	 * xt_action_param *), called by the table: its result is a verdict,
	 * and a blocking proxy's -EWOULDBLOCK is none (nf_hook_slow() warns
	 * and leaks the packet) */
	if (n == 2 && ret.kind == CXType_UInt &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct sk_buff") &&
	    kapi_pointee_is(clang_getArgType(fn, 1), "struct xt_action_param"))
		return RW_PROXY_SYNC_XT_TARGET;
	/* kprobe handlers, where the probed function runs (any context):
	 * kprobe_pre_handler_t int (struct kprobe *, struct pt_regs *) and
	 * kprobe_post_handler_t void (struct kprobe *, struct pt_regs *,
	 * unsigned long) -- a pre_handler's non-zero answer tells kprobes it
	 * moved regs->ip, so no errno may ever come back from one */
	if ((n == 2 || n == 3) && kapi_pointee_is(clang_getArgType(fn, 0), "struct kprobe") &&
	    kapi_pointee_is(clang_getArgType(fn, 1), "struct pt_regs") &&
	    ((n == 2 && ret.kind == CXType_Int) || (n == 3 && ret.kind == CXType_Void)))
		return RW_PROXY_SYNC_KPROBE;
	/* kretprobe handlers, where the probed function is entered or
	 * returns: kretprobe_handler_t int (struct kretprobe_instance *,
	 * struct pt_regs *) -- an entry_handler's non-zero answer makes the
	 * kernel skip the call, so it must be the kmod's own, never errno */
	if (n == 2 && ret.kind == CXType_Int &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct kretprobe_instance") &&
	    kapi_pointee_is(clang_getArgType(fn, 1), "struct pt_regs"))
		return RW_PROXY_SYNC_KRETPROBE;
	/* hrtimer function: enum hrtimer_restart (struct hrtimer *) */
	if (n == 1 && ret.kind == CXType_Enum &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct hrtimer"))
		return RW_PROXY_SYNC_HRTIMER;
	/* alarm timer function: enum alarmtimer_restart (struct alarm *,
	 * ktime_t), called from an hrtimer's expiry in hard interrupt
	 * context, where a blocking proxy's errno read as "restart" */
	if (n == 2 && ret.kind == CXType_Enum &&
	    kapi_pointee_is(clang_getArgType(fn, 0), "struct alarm"))
		return RW_PROXY_SYNC_ALARM;
	return DUSK_PROXY_BLOCKING;
}

/* An integer type (a length argument). */
static int is_integer(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return k >= CXType_Char_U && k <= CXType_Int128 && k != CXType_Char16 &&
	       k != CXType_Char32 && k != CXType_WChar;
}

/* Is @t a file offset (loff_t), which follows a buffer without sizing it? */
static int is_offset(CXType t)
{
	char *s = cxs_take(clang_getTypeSpelling(t));
	int yes = !strcmp(s, "loff_t");

	free(s);
	return yes;
}

/* Is @t spelled size_t: the size of the buffer before it? */
static int is_size(CXType t)
{
	char *s = cxs_take(clang_getTypeSpelling(t));
	int yes = !strcmp(s, "size_t");

	free(s);
	return yes;
}

/*
 * The argument of callback signature @fn that is a data buffer: a pointer
 * to char or void, const or not, followed by an integer argument that is
 * its length (*@len; a file offset between them, as in a bin_attribute's
 * read, is skipped).  A callback run late gets a copy of it (the caller
 * reuses the buffer once the callback returns: a console's .write is
 * handed printk's line).  -1 when there is none.
 */
int kapi_proxy_data_buffer(CXType fn, int *len)
{
	int n = clang_getNumArgTypes(fn), i, j;
	CXType t, p;

	for (i = 0; i + 1 < n; i++) {
		t = clang_getCanonicalType(clang_getArgType(fn, (unsigned)i));
		if (t.kind != CXType_Pointer)
			continue;
		p = clang_getCanonicalType(clang_getPointeeType(t));
		if (p.kind != CXType_Void && p.kind != CXType_Char_S && p.kind != CXType_Char_U &&
		    p.kind != CXType_SChar && p.kind != CXType_UChar)
			continue;
		j = i + 1;
		if (j + 1 < n && is_offset(clang_getArgType(fn, (unsigned)j)))
			j++;
		if (is_integer(clang_getArgType(fn, (unsigned)j)) &&
		    !is_offset(clang_getArgType(fn, (unsigned)j))) {
			*len = j;
			return i;
		}
	}
	*len = -1;
	return -1;
}

/*
 * What the callback may write through argument @i of its kernel signature
 * @fn while it runs (the proxy descriptor's lent[i]), as a C expression for
 * the generated kmod, or NULL when nothing is lent.  Decided from the type
 * alone, so that every callback of every kernel API is covered:
 *
 *  - not a pointer, or a pointer to const, void or an incomplete or
 *    function type: nothing (the callback cannot write it, or we cannot
 *    size it);
 *  - char * followed by an integer argument (buffer, length): that many
 *    bytes, read from the argument at the call (DUSK_LENT_ARG); an offset
 *    (loff_t) between them is not the length (bin_attribute read/write:
 *    `char *buf, loff_t off, size_t count`);
 *  - void * followed by a size_t (buffer, size: a hw_random read(), an
 *    nvmem reg_read()'s value): that many bytes; a void * before any other
 *    integer (`void *priv, unsigned int offset`) is no buffer: nothing;
 *  - char * alone: PAGE_SIZE, the kernel's convention for text buffers
 *    handed to callbacks (sysfs show, kernel_param_ops get);
 *  - struct sk_buff *: the packet and its data area (DUSK_LENT_SKB), which
 *    a callback handed a packet fills: a generic netlink dumpit's
 *    genlmsg_end() writes the message header in the data it was given;
 *  - struct bio *: the bio and the data of its segments (DUSK_LENT_BIO),
 *    which a bio-based block driver's submit_bio() reads into;
 *  - struct request *: a blk-mq request, the driver's data after it and
 *    the data of its bios' segments (DUSK_LENT_RQ), which ->init_request()
 *    sets up and a read fills; const struct blk_mq_queue_data * (the
 *    argument ->queue_rq() is handed): its ->rq, so (DUSK_LENT_MQ_DATA);
 *  - struct i2c_msg * followed by an integer (an I2C adapter's
 *    master_xfer(adap, msgs, num)): that many messages and each one's buf
 *    (DUSK_LENT_I2C_MSGS), which the adapter fills for a read message;
 *  - struct crypto_tfm *, or a transform that embeds one as its base
 *    (struct crypto_skcipher *, crypto_shash, crypto_rng, ...): the struct
 *    and the algorithm's context after it (DUSK_LENT_CRYPTO(offset of
 *    base)), which the crypto API allocates and the algorithm's init,
 *    setkey and requests write;
 *  - struct shash_desc *: the struct and the algorithm's descsize bytes
 *    of context after it (DUSK_LENT_SHASH_DESC), where a hash algorithm's
 *    init, update and final keep the running state (shash_desc_ctx());
 *  - struct net_device *: the device, and its private area when it is
 *    the module's (DUSK_LENT_NETDEV), which alloc_netdev()'s setup, a
 *    link type's setup and newlink initialise for a device the kernel
 *    allocated;
 *  - any other T *: sizeof(T), as the kernel's compiler sees it (loff_t
 *    *ppos, struct seq_file *, struct file * for private_data).
 *
 * Only kernel addresses are ever lent (the core skips a user pointer such
 * as read()'s __user buffer), and only the bytes the program changes are
 * written.
 */
/*
 * The byte offset of the struct crypto_tfm in the crypto transform @t
 * points to (0 for a struct crypto_tfm; its member base for a struct
 * crypto_skcipher, crypto_shash, ...), or -1 when @t is no transform.
 */
static long long kapi_crypto_base(CXType t)
{
	CXType p = clang_getCanonicalType(clang_getPointeeType(t));
	char *name;
	long long off = -1;

	if (kapi_pointee_is(t, "struct crypto_tfm"))
		return 0;
	name = cxs_take(clang_getTypeSpelling(p));
	if (!strncmp(name, "struct crypto_", 14)) {
		off = clang_Type_getOffsetOf(p, "base");
		off = off >= 0 && off % 8 == 0 && off / 8 < 256 ? off / 8 : -1;
	}
	free(name);
	return off;
}

char *kapi_proxy_lent(CXType fn, int i)
{
	int n = clang_getNumArgTypes(fn);
	CXType t = clang_getCanonicalType(clang_getArgType(fn, (unsigned)i)), p;
	long long size;

	/* a parameter declared as an array (vb2_ops.queue_setup's
	 * `unsigned int sizes[]`, which the driver fills): its declared
	 * elements, or the first of an array of unknown bound (before,
	 * nothing was lent and the first store stopped the program: probe
	 * round p66) */
	if (t.kind == CXType_IncompleteArray || t.kind == CXType_ConstantArray) {
		CXType e = clang_getArrayElementType(t);
		long long n = t.kind == CXType_ConstantArray ? clang_getArraySize(t) : 1;

		if (clang_isConstQualifiedType(e) || clang_isConstQualifiedType(t) ||
		    (size = clang_Type_getSizeOf(e)) <= 0 || n <= 0)
			return NULL;
		return xasprintf("%lld", size * n);
	}
	if (t.kind != CXType_Pointer)
		return NULL;
	p = clang_getPointeeType(t);
	if (kapi_pointee_is(t, "struct blk_mq_queue_data"))
		return xstrdup("DUSK_LENT_MQ_DATA");
	if (clang_isConstQualifiedType(p))
		return NULL;
	p = clang_getCanonicalType(p);
	if (p.kind == CXType_Void && i + 1 < n && is_size(clang_getArgType(fn, (unsigned)i + 1)))
		return xasprintf("DUSK_LENT_ARG(%d)", i + 1);
	if (p.kind == CXType_Void || p.kind == CXType_FunctionProto ||
	    p.kind == CXType_FunctionNoProto)
		return NULL;
	if (p.kind == CXType_Char_S || p.kind == CXType_Char_U || p.kind == CXType_SChar ||
	    p.kind == CXType_UChar) {
		int len = i + 1;

		if (len < n && is_offset(clang_getArgType(fn, (unsigned)len)))
			len++;
		if (len < n && is_integer(clang_getArgType(fn, (unsigned)len)))
			return xasprintf("DUSK_LENT_ARG(%d)", len);
		return xstrdup("PAGE_SIZE");
	}
	if (p.kind == CXType_Record && kapi_pointee_is(t, "struct sk_buff"))
		return xstrdup("DUSK_LENT_SKB");
	if (p.kind == CXType_Record && kapi_pointee_is(t, "struct bio"))
		return xstrdup("DUSK_LENT_BIO");
	if (p.kind == CXType_Record && kapi_pointee_is(t, "struct request"))
		return xstrdup("DUSK_LENT_RQ");
	if (p.kind == CXType_Record && kapi_pointee_is(t, "struct i2c_msg") && i + 1 < n &&
	    is_integer(clang_getArgType(fn, (unsigned)i + 1)))
		return xstrdup("DUSK_LENT_I2C_MSGS");
	if (p.kind == CXType_Record && kapi_pointee_is(t, "struct net_device"))
		return xstrdup("DUSK_LENT_NETDEV");
	if (p.kind == CXType_Record && kapi_pointee_is(t, "struct shash_desc"))
		return xstrdup("DUSK_LENT_SHASH_DESC");
	if (p.kind == CXType_Record && (size = kapi_crypto_base(t)) >= 0)
		return xasprintf("DUSK_LENT_CRYPTO(%lld)", size);
	size = clang_Type_getSizeOf(p);
	if (size <= 0)
		return NULL;
	return xasprintf("%lld", size);
}
