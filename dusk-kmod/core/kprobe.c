// SPDX-License-Identifier: GPL-2.0
/*
 * kprobe handlers run by the program: observed late (late.c).
 *
 * A kprobe's pre_handler and post_handler run where the probed function
 * runs and must be done when they return; a pre_handler's non-zero answer
 * means "I changed regs->ip" (kprobes then skip the probed instruction).
 * The generated proxy (dusk_sync_kprobe()) copies the registers, answers
 * 0 -- never anything else -- and the handler runs later in the program on
 * the copy, with `current` and smp_processor_id() the probed context's.  A
 * hit that finds every slot busy counts in the probe's nmissed, as kprobes
 * count a hit they could not run.  unregister_kprobe() waits until the
 * program has run the hits observed before.
 *
 * kretprobe handlers are observed the same way (kretprobe.c).
 *
 * What differs from the kernel build (docs/kapi.md): the handler runs
 * after the probed instruction, on a copy of the registers; its writes to
 * them and a non-zero answer are not honoured; other memory it reads (but
 * `current`'s fields up to comm, copied with the hit) is read when it
 * runs.
 */
#include <linux/kprobes.h>
#include "dusk-core.h"

/**
 * dusk_sync_kprobe() - the body of every generated kprobe handler proxy.
 * @proxy: index into dusk_gen.proxies.
 * @kp: the struct kprobe hit (a mirror of the module's own).
 * @regs: the probed context's registers.
 * @flags: a post_handler's third argument (0 for a pre_handler).
 * @nargs: 2 for a pre_handler, 3 for a post_handler.
 *
 * Context: wherever the probed function runs; never waits, never
 * allocates.
 * Return: 0: to kprobes a non-zero answer means the handler moved regs->ip.
 */
int dusk_sync_kprobe(u32 proxy, void *kp, void *regs, unsigned long flags, u32 nargs)
{
	u64 args[3] = { (u64)(uintptr_t)kp, (u64)(uintptr_t)regs, flags };

	if (!dusk_late_observe(proxy, DUSK_LATE_KPROBE, args, nargs, sizeof(struct kprobe),
			       1, sizeof(struct pt_regs)) && READ_ONCE(dusk_sess.alive))
		((struct kprobe *)kp)->nmissed++;
	return 0;
}

static const char *const dusk_kp_unregs[] = {
	"unregister_kprobe", "unregister_kprobes", "unregister_kretprobe",
};

/**
 * dusk_kprobe_after_call() - unregister_kprobe[s]() or
 * unregister_kretprobe() returned: kprobes waited for the handlers
 * running in the kernel; wait for those the program still has to run (of
 * every probe for unregister_kprobes()).
 * Context: process, after the stub ran.
 */
void dusk_kprobe_after_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;

	if (!c->nargs || !dusk_name_in(name, dusk_kp_unregs, ))
		return;
	if (!strcmp(name, "unregister_kretprobe"))
		dusk_kret_unregistered(c->args[0]);
	dusk_late_drain(strcmp(name, "unregister_kprobes") ? c->args[0] : 0);
}

/* register_kretprobe() may be refused (dusk_kret_refused()). */
static const char *const dusk_kp_calls[] = {
	"unregister_kprobe", "unregister_kprobes", "unregister_kretprobe", "register_kretprobe",
};

bool dusk_kprobe_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_kp_calls, );
}
