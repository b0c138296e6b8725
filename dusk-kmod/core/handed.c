// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel objects handed to the module to fill in are the module's to write
 * until it gives them back.
 *
 * class_create() (__class_create(), drivers/base/class.c) kzallocs the
 * struct class and registers it; drivers then set its devnode(),
 * dev_groups, class_groups or dev_uevent() before the first
 * device_create(), as tutorials' char drivers set devnode() for a 0666
 * node.  The kernel allocated it and class_destroy() frees it, so it is no
 * owned region of mem.c (teardown would free it a second time): it is
 * recorded here from the call's return, the record goes before
 * class_destroy() runs (afterwards the memory is freed) and at teardown,
 * whose undo destroyed the class already.
 *
 * input_allocate_device() hands out a struct input_dev the same way, and
 * tty_alloc_driver() (__tty_alloc_driver()) a struct tty_driver, whose
 * names, type, init_termios and ops the driver sets before
 * tty_register_driver().
 *
 * dusk_handed_lock is a leaf spinlock: dusk_may_write() takes it under
 * qlock.
 */
#include <linux/device.h>
#include <linux/input.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/tty_driver.h>
#include "dusk-core.h"

/* What the kernel hands out (@alloc's result, @size bytes) and which call
 * takes it back (@free, the object its first argument). */
static const struct {
	const char *alloc;
	size_t size;
	const char *free;
} dusk_handed_kinds[] = {
	{ "__class_create", sizeof(struct class), "class_destroy" },
	/* a driver sets name, phys, id and the capability bits before
	 * input_register_device(); freed by input_free_device() before
	 * registration, by input_unregister_device() after it */
	{ "input_allocate_device", sizeof(struct input_dev), "input_free_device" },
	{ "input_allocate_device", sizeof(struct input_dev), "input_unregister_device" },
	/* given back by the last tty_driver_kref_put() (the record goes at
	 * the module's first: the object may be freed then) */
	{ "__tty_alloc_driver", sizeof(struct tty_driver), "tty_driver_kref_put" },
};

/* One handed object: a span on dusk_handed_list. */
static DEFINE_SPINLOCK(dusk_handed_lock);
static LIST_HEAD(dusk_handed_list);
/* The program may write them (mem.c). */
const struct dusk_spans dusk_handed_spans = { &dusk_handed_lock, &dusk_handed_list };

/* Drop the records starting at @start (all when @start is 0). */
static void dusk_handed_remove(unsigned long start)
{
	struct dusk_span *h, *tmp;
	LIST_HEAD(gone);

	spin_lock(&dusk_handed_lock);
	list_for_each_entry_safe(h, tmp, &dusk_handed_list, node)
		if (!start || h->start == start)
			list_move(&h->node, &gone);
	spin_unlock(&dusk_handed_lock);
	list_for_each_entry_safe(h, tmp, &gone, node)
		kfree(h);
}

/**
 * dusk_handed_before_call() - the module gives a handed object back: it is
 * no longer the program's to write (the call frees it).
 * Context: process, no dusk lock held.
 */
void dusk_handed_before_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	size_t i;

	if (!c->nargs || !c->args[0])
		return;
	for (i = 0; i < ARRAY_SIZE(dusk_handed_kinds); i++)
		if (dusk_stub_named(name, dusk_handed_kinds[i].free))
			dusk_handed_remove(c->args[0]);
}

bool dusk_handed_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_handed_kinds, .alloc) ||
	       dusk_stub_in(s->name, dusk_handed_kinds, .free);
}

/**
 * dusk_handed_after_call() - the kernel handed the module an object to fill.
 * Context: process, no dusk lock held.
 */
void dusk_handed_after_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	struct dusk_span *h;
	size_t i;

	if (c->err || IS_ERR_OR_NULL((void *)(uintptr_t)c->ret))
		return;
	for (i = 0; i < ARRAY_SIZE(dusk_handed_kinds); i++) {
		if (!dusk_stub_named(name, dusk_handed_kinds[i].alloc))
			continue;
		h = kmalloc(sizeof(*h), GFP_KERNEL);
		if (!h)
			return;	/* the program's writes are refused, as before */
		h->start = c->ret;
		h->len = dusk_handed_kinds[i].size;
		spin_lock(&dusk_handed_lock);
		list_add(&h->node, &dusk_handed_list);
		spin_unlock(&dusk_handed_lock);
		return;
	}
}

/**
 * dusk_handed_forget_all() - the session ends: nothing is the program's
 * (teardown's undo gave the objects back already).
 */
void dusk_handed_forget_all(void)
{
	dusk_handed_remove(0);
}
