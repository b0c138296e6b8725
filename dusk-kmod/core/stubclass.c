// SPDX-License-Identifier: GPL-2.0
/*
 * Which stubs the core acts around: decided once per stub when the module
 * loads, so a call of any other stub does no bookkeeping at all.
 *
 * dusk_call_exec() gives each concern of the core (undo records, file
 * operations, xtables, hrtimers, per-net data, seq_files, devres, handed
 * and page allocations, kernel locks, slab caches, synchronous waits,
 * deferred calls, the formats and strings stubargs.c checks and copies)
 * its turn before and after a call, and each concern recognises its
 * kernel functions by name.  Searching all those tables on every call was
 * a quarter of a trivial CALL's time in the kernel (docs/PERFORMANCE.md).
 * Most of a module's calls, and nearly every call on a packet's path, are
 * of none of them: for those, dusk_call_exec() runs the stub and is done.
 * Each concern answers for its own functions (its *_acts_on(), beside the
 * table its calls are matched with), so no list here summarises theirs.
 */
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include "dusk-core.h"

static bool (*const dusk_stub_concerns[])(const struct dusk_stub_desc *s) = {
	dusk_call_acts_on,
	dusk_stubargs_acts_on,
	dusk_calldefer_acts_on,
	dusk_undo_acts_on,
	dusk_fops_acts_on,
	dusk_xtreg_acts_on,
	dusk_hrtimer_acts_on,
	dusk_skbpurge_acts_on,
	dusk_kprobe_acts_on,
	dusk_kbd_acts_on,
	dusk_chain_acts_on,
	dusk_napi_acts_on,
	dusk_irq_acts_on,
	dusk_tp_acts_on,
	dusk_notif_acts_on,
	dusk_blkmq_acts_on,
	dusk_pernet_acts_on,
	dusk_seqfile_acts_on,
	dusk_devres_acts_on,
	dusk_handed_acts_on,
	dusk_netdev_acts_on,
	dusk_gup_acts_on,
	dusk_pages_acts_on,
	dusk_klock_acts_on,
	dusk_socklock_acts_on,
	dusk_rhtwalk_acts_on,
	dusk_usermap_acts_on,
	dusk_dmabuf_acts_on,
	dusk_slab_acts_on,
	dusk_sync_acts_on,
};

/* Bit i: some concern acts around calls of stub i. */
static unsigned long *dusk_stub_acted;

static bool dusk_stub_acted_on(const struct dusk_stub_desc *s)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_stub_concerns); i++)
		if (dusk_stub_concerns[i](s))
			return true;
	return false;
}

/** dusk_stubclass_init() - classify every stub of the generated table. */
int dusk_stubclass_init(void)
{
	u32 i;

	dusk_stub_acted = bitmap_zalloc(max_t(u32, dusk_gen.nstubs, 1), GFP_KERNEL);
	if (!dusk_stub_acted)
		return -ENOMEM;
	for (i = 0; i < dusk_gen.nstubs; i++)
		if (dusk_stub_acted_on(&dusk_gen.stubs[i]))
			__set_bit(i, dusk_stub_acted);
	return 0;
}

void dusk_stubclass_exit(void)
{
	bitmap_free(dusk_stub_acted);
	dusk_stub_acted = NULL;
}

/** dusk_stub_plain() - does no concern act around calls of @stub? */
bool dusk_stub_plain(u32 stub)
{
	return stub < dusk_gen.nstubs && !test_bit(stub, dusk_stub_acted);
}

/* debugfs stubs: "NAME plain|tracked" per stub, in table order. */
static int dusk_stubclass_show(struct seq_file *m, void *v)
{
	u32 i;

	for (i = 0; i < dusk_gen.nstubs; i++)
		seq_printf(m, "%s %s\n", dusk_gen.stubs[i].name,
			   dusk_stub_plain(i) ? "plain" : "tracked");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dusk_stubclass);

/** dusk_stubclass_debugfs() - add the stubs file to debugfs folder @dir. */
void dusk_stubclass_debugfs(struct dentry *dir)
{
	debugfs_create_file("stubs", 0444, dir, NULL, &dusk_stubclass_fops);
}
