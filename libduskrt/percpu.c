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
 * to a kernel call: a network driver's dev->tstats, which
 * dev_get_tstats64() sums).  The kernel would add its own per-CPU offsets
 * to it, so the block moves into the kernel then (dusk_percpu_handed()):
 * the kmod allocates a per-CPU mirror (__alloc_percpu()), each CPU's
 * copy is written there, the kernel is handed the mirror's __percpu
 * pointer, and from then on the module's accesses through the block's
 * address reach the kernel's copies, through dusk_check() like all kernel
 * memory.  A block the module never hands on stays program memory.
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
	size_t align;		/* alloc_percpu()'s */
	/* moved into the kernel (handed to it): the per-CPU mirror's __percpu
	 * pointer and each CPU's copy there; 0 and NULL until then */
	uint64_t kaddr;
	uint64_t *kcopies;
};

static pthread_mutex_t pcpu_lock = PTHREAD_MUTEX_INITIALIZER;	/* guards all below */
/* Serializes the moves of blocks into the kernel, which make requests and
 * so do not hold pcpu_lock (the packet thread may need it meanwhile). */
static pthread_mutex_t pcpu_move_lock = PTHREAD_MUTEX_INITIALIZER;
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

/* Caller holds pcpu_lock.  The block moved into the kernel as @kaddr (not 0). */
static struct pcpu_obj *find_moved(uint64_t kaddr)
{
	size_t i;

	for (i = 0; i < nobjs; i++)
		if (objs[i].kaddr == kaddr)
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
	o->align = 0;
	o->kaddr = 0;
	o->kcopies = NULL;
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
	if (r)
		find((unsigned long)p)->align = align;
	pthread_mutex_unlock(&pcpu_lock);
	if (!r)
		free(p);
	return r;
}

/* MIRROR_ALLOC PERCPU: a kernel per-CPU block of @size bytes per CPU
 * aligned to @align; its __percpu pointer in @kaddr, each CPU's copy in
 * @kcopies (dusk_nr_cpu_ids() of them).  0 or -errno. */
static int kernel_block_alloc(size_t size, size_t align, uint64_t *kaddr, uint64_t *kcopies)
{
	struct dusk_msg m;
	struct dusk_answer ans;
	struct dusk_attrs a;
	unsigned int n = dusk_nr_cpu_ids();
	int err;

	err = dusk_msg_new(&m, DUSK_CMD_MIRROR_ALLOC);
	if (err)
		return err;
	err = dusk_msg_put_u32(&m, DUSK_A_LEN, (uint32_t)size);
	if (!err)
		err = dusk_msg_put_u32(&m, DUSK_A_PERCPU, (uint32_t)align);
	if (!err)
		err = dusk_request(&m, &ans);
	dusk_msg_fini(&m);
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: per-CPU MIRROR_ALLOC of %zu bytes failed: %s%s%s",
			 size, strerror(-err), ans.extack[0] ? ": " : "", ans.extack);
		return err;
	}
	err = -EBADMSG;
	if (ans.nlh && !dusk_msg_parse(ans.nlh, ans.len, &a) && a.tb[DUSK_A_ADDR] &&
	    a.tb[DUSK_A_PCPU_COPIES] &&
	    mnl_attr_get_payload_len(a.tb[DUSK_A_PCPU_COPIES]) >= n * sizeof(uint64_t)) {
		*kaddr = mnl_attr_get_u64(a.tb[DUSK_A_ADDR]);
		memcpy(kcopies, mnl_attr_get_payload(a.tb[DUSK_A_PCPU_COPIES]), n * sizeof(uint64_t));
		err = 0;
	}
	dusk_answer_free(&ans);
	return err;
}

/*
 * Move the block at @base into the kernel: a per-CPU mirror, each CPU's
 * copy written there as the program's is now.  Called with pcpu_move_lock
 * held and pcpu_lock not.  The copies are taken under pcpu_lock, then
 * written: an update another thread makes to the program's copies between
 * the two is lost (the block is being handed to the kernel, which a module
 * does while setting up, before its counters run).  0 or -errno.
 */
static int move_to_kernel(unsigned long base)
{
	unsigned int n = dusk_nr_cpu_ids(), cpu;
	uint64_t kaddr = 0, *kcopies = calloc(n, sizeof(*kcopies));
	struct pcpu_obj *o;
	struct dusk_msg w = { 0 };
	size_t size, align;
	char *snap = NULL;
	int err;

	pthread_mutex_lock(&pcpu_lock);
	o = find(base);
	size = o->size;
	align = o->align;
	pthread_mutex_unlock(&pcpu_lock);
	if (!kcopies)
		return -ENOMEM;
	err = kernel_block_alloc(size ? size : 1, align, &kaddr, kcopies);
	if (err)
		goto out;
	err = -ENOMEM;
	snap = malloc((size ? size : 1) * n);
	if (!snap)
		goto out_kernel;
	pthread_mutex_lock(&pcpu_lock);
	o = find(base);
	for (cpu = 0; cpu < n; cpu++)
		memcpy(snap + cpu * size, o->copies[cpu], size);
	pthread_mutex_unlock(&pcpu_lock);
	err = 0;
	for (cpu = 0; cpu < n && !err && size; cpu++)
		if (kcopies[cpu])
			err = dusk_write_put(&w, kcopies[cpu], snap + cpu * size, (uint32_t)size,
					     "moving a per-CPU block into the kernel");
	if (!err && w.buf)
		err = dusk_write_send(&w, "moving a per-CPU block into the kernel");
	dusk_msg_fini(&w);
	if (err)
		goto out_kernel;
	pthread_mutex_lock(&pcpu_lock);
	o = find(base);
	o->kaddr = kaddr;
	o->kcopies = kcopies;
	pthread_mutex_unlock(&pcpu_lock);
	dusk_trace("[dusk] per-cpu block %p (%zu bytes) moved into the kernel: 0x%llx",
		   (void *)base, size, (unsigned long long)kaddr);
	free(snap);
	return 0;
out_kernel:
	dusk_mirror_free_request(kaddr, 1);
out:
	free(snap);
	free(kcopies);
	return err;
}

DUSK_API void dusk_percpu_free(void *p)
{
	struct pcpu_obj *o;
	unsigned int cpu;
	uint64_t kaddr;
	int err;

	if (!p)
		return;
	pthread_mutex_lock(&pcpu_lock);
	o = find((unsigned long)p);
	/* a block moved into the kernel is freed by the kernel's pointer
	 * too, read back from where the module stored it (dev->tstats) */
	if (!o)
		o = find_moved((uintptr_t)p);
	if (!o || !o->allocated || (o->base != (unsigned long)p && o->kaddr != (uintptr_t)p)) {
		pthread_mutex_unlock(&pcpu_lock);
		dusk_fatal("dusk: free_percpu(%p): not an alloc_percpu() block", p);
	}
	p = (void *)o->base;
	for (cpu = 0; cpu < dusk_nr_cpu_ids(); cpu++)
		free(o->copies[cpu]);
	free(o->copies);
	kaddr = o->kaddr;
	free(o->kcopies);
	*o = objs[--nobjs];
	__atomic_store_n(&nallocated, nallocated - 1, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&pcpu_lock);
	if (kaddr && (err = dusk_mirror_free_request(kaddr, 1)))
		dusk_log(DUSK_LOG_WARN, "dusk: free_percpu(%p): the kernel's per-CPU block 0x%llx "
			 "not freed (%s); the session's end frees it", p,
			 (unsigned long long)kaddr, strerror(-err));
	free(p);	/* the block's own address, no CPU's copy */
}

/*
 * @p, an address the module hands the kernel (a store into a kernel
 * object, a kernel call's argument): if it is in one of the module's own
 * alloc_percpu() blocks, the kernel would find each CPU's copy at @p plus
 * its own per-CPU offset, where the program has none: the block moves
 * into the kernel (once), and @out is the kernel's __percpu pointer for
 * @p.  1 when @p was such an address, else 0.
 */
int dusk_percpu_handed(uintptr_t p, uint64_t *out)
{
	struct pcpu_obj *o;
	unsigned long base;
	int err = 0;

	/* A block the module hands on was allocated before, by this thread or
	 * one whose write of the pointer this thread has seen: the count is
	 * seen too.  Without blocks, no lock and no search. */
	if (!__atomic_load_n(&nallocated, __ATOMIC_RELAXED))
		return 0;
	pthread_mutex_lock(&pcpu_lock);
	o = find(p);
	if (!o || !o->allocated) {
		pthread_mutex_unlock(&pcpu_lock);
		return 0;
	}
	base = o->base;
	if (!o->kaddr) {
		pthread_mutex_unlock(&pcpu_lock);
		pthread_mutex_lock(&pcpu_move_lock);
		pthread_mutex_lock(&pcpu_lock);
		o = find(p);
		if (o && !o->kaddr) {
			pthread_mutex_unlock(&pcpu_lock);
			err = move_to_kernel(base);
			pthread_mutex_lock(&pcpu_lock);
			o = find(p);
		}
		pthread_mutex_unlock(&pcpu_move_lock);
	}
	if (!err && o && o->kaddr)
		*out = o->kaddr + (p - o->base);
	else if (!err)
		err = -ENOENT;	/* freed meanwhile by another thread */
	pthread_mutex_unlock(&pcpu_lock);
	if (err)
		dusk_fatal("dusk: per-cpu pointer %p of the module's own alloc_percpu() block "
			   "handed to the kernel: moving the block into the kernel failed (%s)",
			   (void *)p, strerror(-err));
	return 1;
}

/* Caller holds pcpu_lock.  The address of @cpu's copy of per-cpu @addr;
 * the module's own block holding @addr in *@own (NULL: kernel memory). */
static unsigned long resolve(unsigned long addr, unsigned int cpu, const unsigned long *koff,
			     const struct pcpu_obj **own)
{
	struct pcpu_obj *o;
	const unsigned long *off;

	if (cpu >= dusk_nr_cpu_ids()) {
		pthread_mutex_unlock(&pcpu_lock);
		dusk_fatal("dusk: per-cpu access for CPU %u: the kernel has %u possible CPUs",
			   cpu, dusk_nr_cpu_ids());
	}
	o = find(addr);
	*own = o;
	if (o && o->kaddr)
		return (unsigned long)o->kcopies[cpu] + (addr - o->base);
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
	const struct pcpu_obj *o;
	unsigned long r;

	pthread_mutex_lock(&pcpu_lock);
	r = resolve(addr, cpu, koff, &o);
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
	const struct pcpu_obj *o;
	unsigned long a, cur;
	void *p;

	if (size != 1 && size != 2 && size != 4 && size != 8)
		dusk_fatal("dusk: per-cpu operation on %zu bytes at %p", size, addr);
	pthread_mutex_lock(&pcpu_lock);
	a = resolve((unsigned long)addr, dusk_smp_processor_id(), koff, &o);
	/* own copies are program memory; the kernel's (a block moved there
	 * too) go through its shadow */
	p = o && !o->kaddr ? (void *)a : dusk_check((void *)a, size);
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
