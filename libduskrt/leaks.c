/* SPDX-License-Identifier: MIT */
/*
 * Leak reports: kernel memory the module allocated and did not free.
 *
 * The kmod owns what the module's allocations returned until a free gives
 * it back, and frees whatever is left when the session ends, so a leak in
 * the user build never reaches the kernel -- and would go unseen.  In the
 * kernel build the same memory stays allocated until reboot.  So the
 * runtime keeps, beside each allocation the module made (a stub the
 * rewriter marks DUSK_STUB_ALLOC, the same flags the kmod acts on), the
 * frames of the call that made it, forgets it when a freeing stub returns
 * it (DUSK_STUB_FREE, FREE_ARG1, FREE_RCU), and reports what is left with
 * the module's source line when module_exit has run, or module_init has
 * failed: either way the module should have freed everything.
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

#define LEAK_FRAMES	10	/* enough to climb out of the runtime and wrappers */
#define LEAK_BUCKETS	1024	/* a power of two */
#define LEAK_REPORT_MAX	20	/* lines; the rest are counted */

struct leak {
	struct leak *next;
	uint64_t addr;
	uint32_t stub;
	int nframes;
	void *frames[LEAK_FRAMES];
};

static struct leak *buckets[LEAK_BUCKETS];
static pthread_mutex_t leak_lock = PTHREAD_MUTEX_INITIALIZER;

static struct leak **bucket(uint64_t addr)
{
	return &buckets[(addr >> 4 ^ addr >> 14) & (LEAK_BUCKETS - 1)];
}

/*
 * Keep the frames from the one dusk_call() returns to (@pc: the module's
 * call, or its dusk_k_ wrapper's) up: how many runtime frames lie below it
 * depends on inlining and tail calls.
 */
static void leak_add(uint32_t stub, uint64_t addr, const void *pc)
{
	struct leak *l = malloc(sizeof(*l));
	void *bt[LEAK_FRAMES + 4];
	int n, i;

	if (!l)
		return;		/* a report less; the module runs on */
	l->addr = addr;
	l->stub = stub;
	n = backtrace(bt, LEAK_FRAMES + 4);
	for (i = 0; i < n && bt[i] != pc; i++)
		;
	if (i == n)
		i = 0;
	l->nframes = n - i < LEAK_FRAMES ? n - i : LEAK_FRAMES;
	memcpy(l->frames, bt + i, (size_t)l->nframes * sizeof(void *));
	pthread_mutex_lock(&leak_lock);
	l->next = *bucket(addr);
	*bucket(addr) = l;
	pthread_mutex_unlock(&leak_lock);
}

static void leak_forget(uint64_t addr)
{
	struct leak **p, *l = NULL;

	pthread_mutex_lock(&leak_lock);
	for (p = bucket(addr); *p; p = &(*p)->next) {
		if ((*p)->addr == addr) {
			l = *p;
			*p = l->next;
			break;
		}
	}
	pthread_mutex_unlock(&leak_lock);
	free(l);
}

/* A pointer an allocator returned, not NULL or ERR_PTR. */
static int is_object(uint64_t v)
{
	return v && v < (uint64_t)-4095;
}

/* What a freeing stub gives back, or 0. */
static uint64_t freed_by(uint32_t flags, const uint64_t *args, unsigned int nargs)
{
	if ((flags & DUSK_STUB_FREE) && nargs >= 1)
		return args[0];
	if ((flags & DUSK_STUB_FREE_ARG1) && nargs >= 2)
		return args[1];
	if ((flags & DUSK_STUB_FREE_RCU) && nargs >= 2)	/* kvfree_call_rcu(head, func) */
		return args[0] ? args[0] - args[1] : args[1];
	return 0;
}

void dusk_leaks_note(uint32_t stub, const uint64_t *args, unsigned int nargs, uint64_t ret,
		     const void *pc)
{
	const struct dusk_module *m = dusk_sess->m;
	uint32_t flags = m->stub_flags && stub < m->nstubs ? m->stub_flags[stub] : 0;
	uint64_t old;

	if (!(flags & (DUSK_STUB_ALLOC | DUSK_STUB_FREE | DUSK_STUB_FREE_ARG1 |
		       DUSK_STUB_FREE_RCU)))
		return;
	/* krealloc() is both: it frees its argument only when it succeeds */
	if ((flags & DUSK_STUB_ALLOC) && !is_object(ret))
		return;
	old = freed_by(flags, args, nargs);
	if (is_object(old))
		leak_forget(old);
	if (flags & DUSK_STUB_ALLOC)
		leak_add(stub, ret, pc);
}

unsigned long dusk_leaks_report(const char *who)
{
	const struct dusk_module *m = dusk_sess->m;
	unsigned long n = 0;
	struct leak *l;
	char where[512];
	size_t b;

	pthread_mutex_lock(&leak_lock);
	for (b = 0; b < LEAK_BUCKETS; b++) {
		for (l = buckets[b]; l; l = l->next, n++) {
			if (n >= LEAK_REPORT_MAX)
				continue;
			dusk_module_line(l->frames, l->nframes, 1, where, sizeof(where));
			dusk_log(DUSK_LOG_WARN, "dusk: leak: kernel memory from %s%s%s was never "
				 "freed: %s did not free it (the kmod frees it at teardown; the "
				 "kernel build would keep it until reboot)",
				 l->stub < m->nstubs ? m->stubs[l->stub] : "?",
				 where[0] ? " at " : "", where, who);
		}
	}
	pthread_mutex_unlock(&leak_lock);
	if (n > LEAK_REPORT_MAX)
		dusk_log(DUSK_LOG_WARN, "dusk: leak: %lu more allocations never freed",
			 n - LEAK_REPORT_MAX);
	return n;
}

void dusk_leaks_reset(void)
{
	struct leak *l, *next;
	size_t b;

	pthread_mutex_lock(&leak_lock);
	for (b = 0; b < LEAK_BUCKETS; b++) {
		for (l = buckets[b]; l; l = next) {
			next = l->next;
			free(l);
		}
		buckets[b] = NULL;
	}
	pthread_mutex_unlock(&leak_lock);
}
