// SPDX-License-Identifier: GPL-2.0
/*
 * Device-managed memory is the module's to write until the device lets
 * it go.
 *
 * devm_kmalloc() (devm_kzalloc(), devm_kcalloc(), devm_kmalloc_array()
 * are inlines around it), devm_kmemdup(), devm_kstrdup(), devm_kasprintf()
 * and devm_kvasprintf() (drivers/base/devres.c), and the objects a driver
 * fills before registering them, devm_rtc_allocate_device()'s struct
 * rtc_device (its ops and range), devm_iio_device_alloc()'s struct
 * iio_dev with its private area (handed.c, dusk_iio_span()) and
 * devm_spi_alloc_master()'s (__devm_spi_alloc_controller()'s) struct
 * spi_controller with its private area (dusk_spi_span()), allocate memory that the
 * device's devres list frees when the driver unbinds or a probe fails: the
 * kernel, never the module, frees it, so it is no owned region of mem.c
 * (teardown would free it a second time).  It is recorded here, with the
 * device, and the record goes:
 *  - when the module gives it back with devm_kfree() (before the call);
 *  - when the devres list releases it: a devres of our own, added right
 *    after the allocation, is released just before it (devres releases in
 *    reverse order), and forgets the record;
 *  - at teardown, when those devres of ours are taken off their devices
 *    (devres_destroy(): quietly, if the device already released them), so
 *    no device calls into this module after it is gone.  The memory stays
 *    the device's.
 *
 * A record holds a reference to its device: teardown may take our devres
 * off a device that is being unregistered meanwhile.
 *
 * dusk_devres_lock is a leaf spinlock: dusk_may_write() takes it under
 * qlock, and the release runs wherever a device unbinds.
 */
#include <linux/device.h>
#include <linux/rtc.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include "dusk-core.h"

/* Memory of one devm allocation of the module's. */
struct dusk_devmem {
	struct dusk_span span;		/* on dusk_devmem_list */
	struct device *dev;
};

static DEFINE_SPINLOCK(dusk_devres_lock);
static LIST_HEAD(dusk_devmem_list);
/* The program may write them (mem.c). */
const struct dusk_spans dusk_devres_spans = { &dusk_devres_lock, &dusk_devmem_list };

/* What our devres holds: the start of the allocation it follows. */
struct dusk_devres_tag {
	unsigned long start;
};

/* Drop the records starting at @start (all when @start is 0).  Caller holds the lock. */
static void dusk_devmem_remove(unsigned long start, struct list_head *gone)
{
	struct dusk_devmem *m, *tmp;

	list_for_each_entry_safe(m, tmp, &dusk_devmem_list, span.node)
		if (!start || m->span.start == start)
			list_move(&m->span.node, gone);
}

static void dusk_devmem_free(struct list_head *gone)
{
	struct dusk_devmem *m, *tmp;

	list_for_each_entry_safe(m, tmp, gone, span.node) {
		put_device(m->dev);
		kfree(m);
	}
}

/* The device releases the allocation our devres follows. */
static void dusk_devres_release(struct device *dev, void *res)
{
	const struct dusk_devres_tag *tag = res;
	LIST_HEAD(gone);

	spin_lock(&dusk_devres_lock);
	dusk_devmem_remove(tag->start, &gone);
	spin_unlock(&dusk_devres_lock);
	dusk_devmem_free(&gone);
}

static int dusk_devres_match(struct device *dev, void *res, void *data)
{
	return ((struct dusk_devres_tag *)res)->start == (unsigned long)data;
}

/* Bytes of the allocation @ret of devm stub @name called with @args, or 0
 * when @name allocates nothing we know. */
static size_t dusk_devm_size(const char *name, const u64 *args, u32 nargs, u64 ret)
{
	if (dusk_stub_named(name, "devm_kmalloc") && nargs >= 2)
		return args[1];
	if (dusk_stub_named(name, "devm_kmemdup") && nargs >= 3)
		return args[2];
	if (dusk_stub_named(name, "devm_kstrdup") || dusk_stub_named(name, "devm_kstrdup_const") ||
	    dusk_stub_named(name, "devm_kasprintf") || dusk_stub_named(name, "devm_kvasprintf"))
		return strlen((const char *)(uintptr_t)ret) + 1;
	if (dusk_stub_named(name, "devm_rtc_allocate_device"))
		return sizeof(struct rtc_device);
	if (dusk_stub_named(name, "devm_iio_device_alloc") && nargs >= 2)
		return dusk_iio_span(ret, args[1]);
	if (dusk_stub_named(name, "__devm_spi_alloc_controller") && nargs >= 2)
		return dusk_spi_span(ret, args[1]);
	return 0;
}

/* A devm allocation: devm_*(), and the devm variants whose inline
 * wrapper the module calls (devm_spi_alloc_master()). */
static bool dusk_devm_named(const char *name)
{
	return !strncmp(name, "devm_", 5) || dusk_stub_named(name, "__devm_spi_alloc_controller");
}

/**
 * dusk_devres_before_call() - devm_kfree(dev, p): @p stops being the
 * program's before the kernel frees it, and our devres following it goes.
 * Context: process, no dusk lock held.
 */
void dusk_devres_before_call(const struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	LIST_HEAD(gone);
	struct dusk_devmem *m;
	struct device *dev = NULL;

	if (!dusk_stub_named(s->name, "devm_kfree") || c->nargs < 2)
		return;
	spin_lock(&dusk_devres_lock);
	list_for_each_entry(m, &dusk_devmem_list, span.node)
		if (m->span.start == c->args[1])
			dev = m->dev;
	dusk_devmem_remove(c->args[1], &gone);
	spin_unlock(&dusk_devres_lock);
	if (dev && dev == (struct device *)(uintptr_t)c->args[0])
		devres_destroy(dev, dusk_devres_release, dusk_devres_match,
			       (void *)(uintptr_t)c->args[1]);
	dusk_devmem_free(&gone);
}

/* devm_kfree() and every devm_ allocation (dusk_devm_size()) */
bool dusk_devres_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_devm_named(s->name);
}

/**
 * dusk_devres_after_call() - a devm allocation succeeded: its memory is the
 * program's until the device releases it.  When it cannot be followed (no
 * memory for the record), it stays the kernel's: the program's first store
 * is refused, never a write into memory the device has freed.
 * Context: process, no dusk lock held.
 */
void dusk_devres_after_call(const struct dusk_call *c)
{
	const struct dusk_stub_desc *s = &dusk_gen.stubs[c->stub];
	struct device *dev = (struct device *)(uintptr_t)c->args[0];
	struct dusk_devres_tag *tag;
	struct dusk_devmem *m;
	size_t len;

	if (!dusk_devm_named(s->name) || c->err || !c->nargs || !dev ||
	    IS_ERR_OR_NULL((void *)(uintptr_t)c->ret))
		return;
	len = dusk_devm_size(s->name, c->args, c->nargs, c->ret);
	if (!len)
		return;
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	tag = devres_alloc(dusk_devres_release, sizeof(*tag), GFP_KERNEL);
	if (!m || !tag) {
		kfree(m);
		devres_free(tag);
		return;
	}
	m->dev = get_device(dev);	/* teardown may still name it */
	m->span.start = c->ret;
	m->span.len = len;
	tag->start = c->ret;
	spin_lock(&dusk_devres_lock);
	list_add(&m->span.node, &dusk_devmem_list);
	spin_unlock(&dusk_devres_lock);
	devres_add(dev, tag);
}

/**
 * dusk_devres_forget_all() - the session ends: nothing is the program's,
 * and no device keeps a devres of this module.
 * Context: teardown (process).
 */
void dusk_devres_forget_all(void)
{
	struct dusk_devmem *m, *tmp;
	LIST_HEAD(gone);

	spin_lock(&dusk_devres_lock);
	dusk_devmem_remove(0, &gone);
	spin_unlock(&dusk_devres_lock);
	list_for_each_entry_safe(m, tmp, &gone, span.node)
		devres_destroy(m->dev, dusk_devres_release, dusk_devres_match,
			       (void *)m->span.start);
	dusk_devmem_free(&gone);
}
