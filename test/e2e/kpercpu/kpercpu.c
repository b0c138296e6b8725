// SPDX-License-Identifier: GPL-2.0
/*
 * kpercpu: the module's own per-cpu data.  A write() of N adds N to a
 * DEFINE_PER_CPU counter and counts one write in an alloc_percpu() block,
 * both on the writer's CPU; /proc/kpercpu shows their sums over the
 * possible CPUs (per_cpu(), per_cpu_ptr()), which do not depend on which
 * CPU ran each write, and whether smp_processor_id()/get_cpu() name a
 * possible CPU.  The same in the kernel build and the DUSK user build.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/kstrtox.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/smp.h>

struct kpercpu_stats {
	u64 writes;
	u32 last;
};

static DEFINE_PER_CPU(unsigned long, kpercpu_sum);
static struct kpercpu_stats __percpu *kpercpu_stats;
static struct proc_dir_entry *kpercpu_proc;

static int kpercpu_show(struct seq_file *m, void *v)
{
	unsigned long sum = 0, writes = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		sum += per_cpu(kpercpu_sum, cpu);
		writes += per_cpu_ptr(kpercpu_stats, cpu)->writes;
	}
	seq_printf(m, "sum %lu\nwrites %lu\n", sum, writes);
	return 0;
}

static int kpercpu_open(struct inode *inode, struct file *file)
{
	return single_open(file, kpercpu_show, NULL);
}

static ssize_t kpercpu_write(struct file *file, const char __user *ubuf,
			     size_t count, loff_t *ppos)
{
	unsigned int n;
	int err, cpu;

	err = kstrtouint_from_user(ubuf, count, 10, &n);
	if (err)
		return err;
	cpu = get_cpu();
	this_cpu_add(kpercpu_sum, n);
	this_cpu_inc(kpercpu_stats->writes);
	__this_cpu_write(kpercpu_stats->last, n);
	if (cpu != smp_processor_id() || cpu >= nr_cpu_ids)
		pr_info("wrong cpu %d\n", cpu);
	put_cpu();
	pr_info("added %u, this cpu's last %u\n", n, this_cpu_read(kpercpu_stats->last));
	return count;
}

static const struct proc_ops kpercpu_proc_ops = {
	.proc_open    = kpercpu_open,
	.proc_read    = seq_read,
	.proc_write   = kpercpu_write,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init kpercpu_init(void)
{
	kpercpu_stats = alloc_percpu(struct kpercpu_stats);
	if (!kpercpu_stats)
		return -ENOMEM;
	kpercpu_proc = proc_create("kpercpu", 0644, NULL, &kpercpu_proc_ops);
	if (!kpercpu_proc) {
		free_percpu(kpercpu_stats);
		return -ENOMEM;
	}
	pr_info("loaded, %u possible cpus\n", num_possible_cpus());
	return 0;
}

static void __exit kpercpu_exit(void)
{
	proc_remove(kpercpu_proc);
	pr_info("exit\n");
	free_percpu(kpercpu_stats);
}

module_init(kpercpu_init);
module_exit(kpercpu_exit);
MODULE_LICENSE("GPL");
