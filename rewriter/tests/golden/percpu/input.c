// SPDX-License-Identifier: GPL-2.0
/* Golden: per-cpu data.  x86's this_cpu_*() asm on the module's own
 * DEFINE_PER_CPU variables (a field too) becomes dusk_percpu_op() with the
 * operation the asm does (inc/dec through percpu_add_op's pao_ID__, write,
 * read, add_return, xchg, cmpxchg); this_cpu_ptr() and per_cpu()/per_cpu_ptr()
 * become dusk_percpu_ptr(); smp_processor_id() is dusk_smp_processor_id();
 * alloc_percpu()/free_percpu() are program memory; the own variables are
 * registered with dusk_percpu_define() before main(). */
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/smp.h>

struct pc_stats {
	u64 packets;
	u32 drops;
};

static DEFINE_PER_CPU(unsigned long, hits);
static DEFINE_PER_CPU(struct pc_stats, stats);
static struct pc_stats __percpu *dyn;

static int __init pc_init(void)
{
	unsigned long sum = 0;
	int cpu;

	dyn = alloc_percpu(struct pc_stats);
	if (!dyn)
		return -ENOMEM;
	this_cpu_inc(hits);
	__this_cpu_sub(hits, 3);
	this_cpu_write(stats.drops, 7);
	sum += this_cpu_add_return(stats.packets, 2);
	sum += this_cpu_xchg(stats.drops, 1) + this_cpu_cmpxchg(hits, 0, 4);
	this_cpu_ptr(dyn)->packets++;
	cpu = get_cpu();
	put_cpu();
	pr_info("pc: cpu %d read %lu\n", smp_processor_id() == cpu, this_cpu_read(hits));
	for_each_possible_cpu(cpu) {
		sum += per_cpu(hits, cpu);
		sum += per_cpu_ptr(dyn, cpu)->packets;
	}
	pr_info("pc: sum %lu cpus %u\n", sum, num_possible_cpus());
	return 0;
}

static void __exit pc_exit(void)
{
	free_percpu(dyn);
}
module_init(pc_init);
module_exit(pc_exit);
MODULE_LICENSE("GPL");
