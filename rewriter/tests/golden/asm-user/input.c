// SPDX-License-Identifier: GPL-2.0
/*
 * Unprivileged instructions a module times itself with: get_cycles() and
 * rdtsc_ordered() (the kernel's rdtsc() inline functions: kprims), prefetch()
 * and prefetchw() (x86 alternatives: kprims too), and the
 * module's own `asm volatile("rdtsc" ...)`, rdtscp with outputs through a
 * pointer, cpuid with inputs tied to outputs: printed as written, their
 * operands the rewriter's expressions.  All were refused ("inline
 * assembly cannot run at user level").
 */
#include <linux/module.h>
#include <linux/timex.h>
#include <asm/msr.h>
#include <linux/prefetch.h>

struct as_stamp { unsigned int lo, hi, aux; };
static struct as_stamp as_last;

static u64 as_read(struct as_stamp *s)
{
	unsigned int lo, hi;

	asm volatile("rdtsc" : "=a" (lo), "=d" (hi) :: "memory");
	asm volatile("rdtscp" : "=a" (s->lo), "=d" (s->hi), "=c" (s->aux) : : "memory");
	return ((u64)hi << 32) | lo;
}

static int __init as_init(void)
{
	unsigned int eax = 0, ebx, ecx = 0, edx;
	cycles_t a = get_cycles();
	u64 t = as_read(&as_last), o = rdtsc_ordered();

	prefetch(&as_last);
	prefetchw(&as_last.aux);

	asm volatile("cpuid" : "=a" (eax), "=b" (ebx), "=c" (ecx), "=d" (edx) : "0" (eax), "2" (ecx));
	pr_info("as: %d %d %d\n", t >= a, ((u64)as_last.hi << 32 | as_last.lo) >= t, eax > 0 && o >= t);
	return 0;
}
module_init(as_init);
MODULE_LICENSE("GPL");
