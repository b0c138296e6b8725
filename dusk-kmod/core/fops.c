// SPDX-License-Identifier: GPL-2.0
/*
 * Open files outlive the program: a char device or misc device the program
 * registered can be open in another process when the program dies.
 * cdev_del() and misc_deregister() do not touch files already open: they
 * keep calling through their file_operations, which live in the program's
 * mirrors and point at proxies in this module.
 *
 * So before a stub hands the kernel a file_operations that is session
 * memory, the core
 *   - sets its owner to this module when the program left it NULL: every
 *     open file then holds a reference on the module (fops_get() in
 *     chrdev_open/misc_open), so the module cannot be unloaded before the
 *     last release -- rmmod answers EBUSY meanwhile;
 *   - marks the mirror as retained, and with it the object an open file
 *     keeps using: a misc_register()'s struct miscdevice (misc_open()
 *     leaves it in file->private_data), a cdev_init()'s struct cdev (the
 *     inode keeps it in i_cdev, and the last release drops the reference
 *     chrdev_open() took on it: cdev_put()); a cdev_alloc()'s is the
 *     kernel's own, refcounted, and its ops are found at cdev_add().  Teardown does not free them
 *     but keeps them until module exit, which comes only after the last
 *     release.
 * Calls through such a file after teardown reach a proxy with no session:
 * -ENOTCONN, never freed memory.
 *
 * procfs and debugfs need none of this: proc_remove() and debugfs_remove()
 * wait for running calls and make later ones fail.
 */
#include <linux/cdev.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

/* Stubs that hand the kernel a file_operations: the argument that is it,
 * or holds it at offset @fops_at (a struct miscdevice; a struct cdev whose
 * ops the module set by hand, cdev_alloc()'s), and the object open files
 * keep using beside it (-1: none). */
static const struct {
	const char *fn;
	u8 arg;
	s16 fops_at;
	s8 keep;
	size_t keep_size;
} dusk_fops_regs[] = {
	{ "__register_chrdev", 4, -1, -1, 0 },
	{ "cdev_init", 1, -1, 0, sizeof(struct cdev) },
	{ "cdev_add", 0, offsetof(struct cdev, ops), 0, sizeof(struct cdev) },
	{ "misc_register", 0, offsetof(struct miscdevice, fops), 0, sizeof(struct miscdevice) },
};

/**
 * dusk_fops_pin() - before a call of @stub: if it registers a
 * file_operations the session owns, pin the module by it and keep the
 * memory for open files (see the file comment).
 * Context: process, no dusk lock held.
 */
void dusk_fops_pin(u32 stub, const u64 *args)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[stub];
	struct file_operations *fops;
	u64 fops_addr, holder;
	int i, keep;

	for (i = 0; i < ARRAY_SIZE(dusk_fops_regs); i++)
		if (!strcmp(s->name, dusk_fops_regs[i].fn) && dusk_fops_regs[i].arg < s->nargs)
			break;
	if (i == ARRAY_SIZE(dusk_fops_regs))
		return;
	fops_addr = args[dusk_fops_regs[i].arg];
	keep = dusk_fops_regs[i].keep;
	if (dusk_fops_regs[i].fops_at >= 0) {
		holder = fops_addr;
		if (holder < dusk_kspace_start() ||
		    copy_from_kernel_nofault(&fops_addr,
					     (const void *)(uintptr_t)(holder +
								dusk_fops_regs[i].fops_at),
					     sizeof(fops_addr)))
			return;
	}
	mutex_lock(&dusk_sess.lock);
	if (keep >= 0 && keep < s->nargs)
		dusk_region_retain(args[keep], dusk_fops_regs[i].keep_size);
	if (fops_addr >= dusk_kspace_start() &&
	    dusk_region_retain(fops_addr, sizeof(struct file_operations))) {
		fops = (struct file_operations *)(uintptr_t)fops_addr;
		if (!fops->owner)
			fops->owner = THIS_MODULE;
	}
	mutex_unlock(&dusk_sess.lock);
}

bool dusk_fops_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_fops_regs, .fn);
}
