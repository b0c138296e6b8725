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
 *   - marks the mirror (and a misc_register()'s struct miscdevice, which
 *     misc_open() leaves in file->private_data) as retained: teardown does
 *     not free it but keeps it until module exit, which comes only after
 *     the last release.
 * Calls through such a file after teardown reach a proxy with no session:
 * -ENOTCONN, never freed memory.
 *
 * procfs and debugfs need none of this: proc_remove() and debugfs_remove()
 * wait for running calls and make later ones fail.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>
#include "dusk-core.h"

/* Stubs that hand the kernel a file_operations: argument index, and
 * whether that argument is a struct miscdevice holding it. */
static const struct {
	const char *fn;
	u8 arg;
	bool misc;
} dusk_fops_regs[] = {
	{ "__register_chrdev", 4, false },
	{ "cdev_init", 1, false },
	{ "misc_register", 0, true },
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
	u64 fops_addr, misc;
	int i;

	for (i = 0; i < ARRAY_SIZE(dusk_fops_regs); i++)
		if (!strcmp(s->name, dusk_fops_regs[i].fn) && dusk_fops_regs[i].arg < s->nargs)
			break;
	if (i == ARRAY_SIZE(dusk_fops_regs))
		return;
	fops_addr = args[dusk_fops_regs[i].arg];
	misc = dusk_fops_regs[i].misc ? fops_addr : 0;
	if (misc) {
		const void *field = (const void *)(uintptr_t)
			(misc + offsetof(struct miscdevice, fops));

		if (misc < dusk_kbase() ||
		    copy_from_kernel_nofault(&fops_addr, field, sizeof(fops_addr)))
			return;
	}
	mutex_lock(&dusk_sess.lock);
	if (misc)
		dusk_region_retain(misc, sizeof(struct miscdevice));
	if (fops_addr >= dusk_kbase() &&
	    dusk_region_retain(fops_addr, sizeof(struct file_operations))) {
		fops = (struct file_operations *)(uintptr_t)fops_addr;
		if (!fops->owner)
			fops->owner = THIS_MODULE;
	}
	mutex_unlock(&dusk_sess.lock);
}
