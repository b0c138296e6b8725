// SPDX-License-Identifier: MIT
/*
 * Per-cpu data at user level: the runtime half of rewriter/percpu.c
 * (include/dusk/kprim.h, "per-cpu data"; docs/kapi.md says what it means).
 *
 * The module's own per-cpu objects (DEFINE_PER_CPU variables, alloc_percpu()
 * blocks) live in the program: one copy per possible CPU of the live kernel
 * (/sys/devices/system/cpu/possible, the kernel's nr_cpu_ids), copy 0 being
 * the object itself, the others made from its static initializer as the
 * kernel copies the per-cpu template to each CPU.  Any other per-cpu address
 * is the kernel's (a qdisc's cpu stats, an exported per-cpu variable): the
 * CPU's copy is at addr + __per_cpu_offset[cpu], read and written through
 * dusk_check() like all kernel memory.
 *
 * "This CPU" is, in a callback, the CPU the kernel raised it on (the
 * upcall's CPU), for the whole callback: a kernel context changes CPU only
 * where it sleeps, and a module that reads its CPU's copy after put_cpu()
 * finds what it wrote there, as in the kernel (the program's thread would
 * have migrated).  Elsewhere (module init and exit, the module's threads)
 * it is the CPU the calling thread runs on (sched_getcpu()); both modulo
 * the number of possible CPUs.  this_cpu_*() is atomic on its CPU because
 * preemption is off there; here one lock serializes the program's threads
 * around each operation, so two threads that map to one CPU never lose an
 * update.
 *
 * An alloc_percpu() block's address is, as in the kernel, no CPU's copy:
 * its copies are blocks of their own (a DEFINE_PER_CPU variable's copy 0
 * is the variable itself).  So the address is known for what it is when
 * the module hands it to the kernel (stored into a kernel object, passed
 * to a kernel call): the kernel would add its own per-CPU offsets to it
 * and read or write wild kernel memory (a network driver's dev->tstats
 * read by dev_fetch_sw_netstats() was a general protection fault), so
 * that is refused (dusk_percpu_handed()).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dusk/kprim.h>
#include "rt-internal.h"

/* One own per-cpu object: [base, base + size) is what the module names (a
 * variable's copy 0; an alloc_percpu() block's address, no copy's);
 * copies[cpu] is each CPU's. */
struct pcpu_obj {
	unsigned long base;
	size_t size;
	void **copies;
	int allocated;		/* alloc_percpu(): copy 0 is ours to free too */
};

static pthread_mutex_t pcpu_lock = PTHREAD_MUTEX_INITIALIZER;	/* guards all below */
static struct pcpu_obj *objs;
static size_t nobjs, capobjs;
/* alloc_percpu() blocks among them: read without the lock by
 * dusk_percpu_handed(), on every pointer a kernel call is given */
static unsigned int nallocated;
static unsigned int ncpus;	/* possible CPUs; 0 until first asked */

/* The number of possible CPUs: the highest CPU in the list of
 * /sys/devices/system/cpu/possible ("0-3", "0,2-5") plus one. */
static unsigned int possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	char buf[256], *p;
	unsigned long hi = 0;

	if (f && fgets(buf, sizeof(buf), f)) {
		for (p = buf; *p && *p != '\n';) {
			char *end;
			unsigned long v = strtoul(p, &end, 10);

			if (end == p)
				break;
			if (v > hi)
				hi = v;
			p = *end ? end + 1 : end;
		}
	} else {
		long n = sysconf(_SC_NPROCESSORS_CONF);

		hi = n > 0 ? (unsigned long)n - 1 : 0;
	}
	if (f)
		fclose(f);
	return (unsigned int)hi + 1;
}

DUSK_API unsigned int dusk_nr_cpu_ids(void)
{
	unsigned int n = __atomic_load_n(&ncpus, __ATOMIC_ACQUIRE);

	if (!n) {
		n = possible_cpus();
		__atomic_store_n(&ncpus, n, __ATOMIC_RELEASE);
	}
	return n;
}

DUSK_API unsigned int dusk_smp_processor_id(void)
{
	const struct dusk_thread *t = dusk_thread_peek();
	int cpu;

	if (t && t->ctx)
		return t->cpu % dusk_nr_cpu_ids();
	cpu = sched_getcpu();

	return cpu < 0 ? 0 : (unsigned int)cpu % dusk_nr_cpu_ids();
}

/* Caller holds pcpu_lock. */
static struct pcpu_obj *find(unsigned long addr)
{
	size_t i;

	for (i = 0; i < nobjs; i++)
		if (addr >= objs[i].base && addr - objs[i].base < objs[i].size)
			return &objs[i];
	return NULL;
}

/* Caller holds pcpu_lock.  Copies 1.. start as @copy0 is now. */
static void *add(void *copy0, size_t size, int allocated)
{
	unsigned int n = dusk_nr_cpu_ids(), cpu;
	struct pcpu_obj *o;
	void **copies = calloc(n, sizeof(*copies));

	if (!copies)
		return NULL;
	/* an alloc_percpu() block's copy 0 is a block of its own too */
	for (cpu = allocated ? 0 : 1; cpu < n; cpu++) {
		copies[cpu] = malloc(size ? size : 1);
		if (!copies[cpu])
			goto fail;
		memcpy(copies[cpu], copy0, size);
	}
	if (!allocated)
		copies[0] = copy0;
	o = dusk_grow(objs, &capobjs, nobjs, sizeof(*o), 16);
	if (!o)
		goto fail;
	objs = o;
	o = &objs[nobjs++];
	o->base = (unsigned long)copy0;
	o->size = size;
	o->copies = copies;
	o->allocated = allocated;
	if (allocated)
		__atomic_store_n(&nallocated, nallocated + 1, __ATOMIC_RELAXED);
	return copy0;
fail:
	for (cpu = allocated ? 0 : 1; cpu < n; cpu++)
		free(copies[cpu]);	/* NULL past the failure */
	free(copies);
	return NULL;
}

DUSK_API void dusk_percpu_define(void *var, size_t size)
{
	void *r;

	pthread_mutex_lock(&pcpu_lock);
	r = find((unsigned long)var) ? var : add(var, size, 0);
	pthread_mutex_unlock(&pcpu_lock);
	if (!r)
		dusk_fatal("dusk: per-cpu variable at %p: no memory for its per-CPU copies", var);
}

DUSK_API void *dusk_percpu_alloc(size_t size, size_t align)
{
	void *p = NULL, *r;

	if (align < sizeof(void *))
		align = sizeof(void *);
	if (posix_memalign(&p, align, size ? size : 1))
		return NULL;
	memset(p, 0, size);
	pthread_mutex_lock(&pcpu_lock);
	r = add(p, size, 1);
	pthread_mutex_unlock(&pcpu_lock);
	if (!r)
		free(p);
	return r;
}

DUSK_API void dusk_percpu_free(void *p)
{
	struct pcpu_obj *o;
	unsigned int cpu;

	if (!p)
		return;
	pthread_mutex_lock(&pcpu_lock);
	o = find((unsigned long)p);
	if (!o || o->base != (unsigned long)p || !o->allocated) {
		pthread_mutex_unlock(&pcpu_lock);
		dusk_fatal("dusk: free_percpu(%p): not an alloc_percpu() block", p);
	}
	for (cpu = 0; cpu < dusk_nr_cpu_ids(); cpu++)
		free(o->copies[cpu]);
	free(o->copies);
	*o = objs[--nobjs];
	__atomic_store_n(&nallocated, nallocated - 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&pcpu_lock);
	free(p);	/* the block's own address, no CPU's copy */
}

/*
 * @p, an address the module hands the kernel (a store into a kernel
 * object, a kernel call's argument): if it is in one of the module's own
 * alloc_percpu() blocks, the kernel would find each CPU's copy at @p plus
 * its own per-CPU offset, where the program has none: refused, before the
 * kernel can follow it.
 */
void dusk_percpu_handed(uintptr_t p)
{
	struct pcpu_obj *o;
	int own;

	/* A block the module hands on was allocated before, by this thread or
	 * one whose write of the pointer this thread has seen: the count is
	 * seen too.  Without blocks, no lock and no search. */
	if (!__atomic_load_n(&nallocated, __ATOMIC_RELAXED))
		return;
	pthread_mutex_lock(&pcpu_lock);
	o = find(p);
	own = o && o->allocated;
	pthread_mutex_unlock(&pcpu_lock);
	if (own)
		dusk_fatal("dusk: per-cpu pointer %p of the module's own alloc_percpu() block "
			   "handed to the kernel: the user build keeps each CPU's copy in the "
			   "program, where the kernel's per-CPU offsets cannot find it (a "
			   "network driver's dev->tstats, lstats or dstats: sum the copies in "
			   "the module's own ndo_get_stats64 with per_cpu_ptr(); docs/kapi.md, "
			   "\"Per-cpu data\")", (void *)p);
}

/* Caller holds pcpu_lock.  The address of @cpu's copy of per-cpu @addr. */
static unsigned long resolve(unsigned long addr, unsigned int cpu, const unsigned long *koff)
{
	struct pcpu_obj *o;
	const unsigned long *off;

	if (cpu >= dusk_nr_cpu_ids()) {
		pthread_mutex_unlock(&pcpu_lock);
		dusk_fatal("dusk: per-cpu access for CPU %u: the kernel has %u possible CPUs",
			   cpu, dusk_nr_cpu_ids());
	}
	o = find(addr);
	if (o)
		return (unsigned long)o->copies[cpu] + (addr - o->base);
	if (!koff) {
		pthread_mutex_unlock(&pcpu_lock);
		dusk_fatal("dusk: per-cpu address %#lx is not the module's own and the "
			   "kernel's per-cpu offsets are unknown", addr);
	}
	off = dusk_check(&koff[cpu], sizeof(*koff));
	return addr + *off;
}

DUSK_API unsigned long dusk_percpu_ptr(unsigned long addr, unsigned int cpu,
				       const unsigned long *koff)
{
	unsigned long r;

	pthread_mutex_lock(&pcpu_lock);
	r = resolve(addr, cpu, koff);
	pthread_mutex_unlock(&pcpu_lock);
	return r;
}

static unsigned long load(const void *p, size_t size)
{
	switch (size) {
	case 1: return *(const uint8_t *)p;
	case 2: return *(const uint16_t *)p;
	case 4: return *(const uint32_t *)p;
	default: return *(const uint64_t *)p;
	}
}

static void store(void *p, size_t size, unsigned long v)
{
	switch (size) {
	case 1: *(uint8_t *)p = (uint8_t)v; break;
	case 2: *(uint16_t *)p = (uint16_t)v; break;
	case 4: *(uint32_t *)p = (uint32_t)v; break;
	default: *(uint64_t *)p = v; break;
	}
}

DUSK_API unsigned long dusk_percpu_op(void *addr, size_t size, int op, unsigned long val,
				      unsigned long old, const unsigned long *koff)
{
	unsigned long a, cur;
	void *p;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		dusk_fatal("dusk: per-cpu operation on %zu bytes at %p", size, addr);
	pthread_mutex_lock(&pcpu_lock);
	a = resolve((unsigned long)addr, dusk_smp_processor_id(), koff);
	/* own copies are program memory; the kernel's go through its shadow */
	p = find((unsigned long)addr) ? (void *)a : dusk_check((void *)a, size);
	cur = load(p, size);
	switch (op) {
	case DUSK_PCPU_READ:
		break;
	case DUSK_PCPU_SET:
		store(p, size, val);
		break;
	case DUSK_PCPU_ADD:
		store(p, size, cur + val);
		break;
	case DUSK_PCPU_AND:
		store(p, size, cur & val);
		break;
	case DUSK_PCPU_OR:
		store(p, size, cur | val);
		break;
	case DUSK_PCPU_CMPXCHG:
		if (cur == load(&old, size))
			store(p, size, val);
		break;
	default:
		pthread_mutex_unlock(&pcpu_lock);
		dusk_fatal("dusk: unknown per-cpu operation %d", op);
	}
	pthread_mutex_unlock(&pcpu_lock);
	return cur;
}
