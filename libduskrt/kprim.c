// SPDX-License-Identifier: MIT
/*
 * The out-of-line half of include/dusk/kprim.h: user-level locks, the
 * meaning of BUG()/WARN() and CONFIG_DEBUG_LIST's checks.
 *
 * User-level locks for the kernel locks of a rewritten module
 * (include/dusk/kprim.h).  A kernel lock is identified by its address -
 * kernel address or the program's own - and maps to a pthread mutex in a
 * small open-addressing table, created on first use and never freed (a
 * module has few locks).  Only the program's threads take these locks: the
 * kernel side of a lock is never touched.
 */
#include <execinfo.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dusk/kprim.h>
#include "rt-internal.h"

#define KP_SLOTS 1024	/* power of two; a module with more locks aborts */

struct kp_lock {
	const volatile void *key;
	pthread_mutex_t mu;
};

static struct kp_lock kp_locks[KP_SLOTS];
static pthread_mutex_t kp_table_mu = PTHREAD_MUTEX_INITIALIZER;

static pthread_mutex_t *kp_mutex(const volatile void *key)
{
	uintptr_t h = ((uintptr_t)key >> 3) * 0x9e3779b97f4a7c15ull;
	unsigned int i, n;
	pthread_mutex_t *m = NULL;

	pthread_mutex_lock(&kp_table_mu);
	for (n = 0, i = h & (KP_SLOTS - 1); n < KP_SLOTS; n++, i = (i + 1) & (KP_SLOTS - 1)) {
		if (kp_locks[i].key == key) {
			m = &kp_locks[i].mu;
			break;
		}
		if (!kp_locks[i].key) {
			kp_locks[i].key = key;
			pthread_mutex_init(&kp_locks[i].mu, NULL);
			m = &kp_locks[i].mu;
			break;
		}
	}
	pthread_mutex_unlock(&kp_table_mu);
	if (!m)
		abort();	/* more distinct locks than slots: a module bug */
	return m;
}

void dusk_kp_lock(const volatile void *lock)
{
	pthread_mutex_lock(kp_mutex(lock));
}

void dusk_kp_unlock(const volatile void *lock)
{
	pthread_mutex_unlock(kp_mutex(lock));
}

int dusk_kp_trylock(const volatile void *lock)
{
	return pthread_mutex_trylock(kp_mutex(lock)) == 0;
}

int dusk_kp_is_locked(const volatile void *lock)
{
	pthread_mutex_t *m = kp_mutex(lock);

	if (pthread_mutex_trylock(m) != 0)
		return 1;
	pthread_mutex_unlock(m);
	return 0;
}

int dusk_kp_dec_and_lock(int *counter, const volatile void *lock)
{
	int c = __atomic_load_n(counter, __ATOMIC_RELAXED);

	/* the kernel's fast path: not the last reference, no lock */
	while (c != 1)
		if (__atomic_compare_exchange_n(counter, &c, c - 1, 0, __ATOMIC_SEQ_CST,
						__ATOMIC_RELAXED))
			return 0;
	dusk_kp_lock(lock);
	if (__atomic_sub_fetch(counter, 1, __ATOMIC_SEQ_CST) == 0)
		return 1;
	dusk_kp_unlock(lock);
	return 0;
}

/*
 * DO_ONCE() (get_random_once(), net_get_random_once()): the kernel's
 * __do_once_start() returns with its spinlock held and interrupts off
 * until __do_once_done(), which a kernel call cannot leave to the program
 * (the caller it runs for would sleep holding it: "scheduling while
 * atomic").  Here one program lock does it, and the call site's own done
 * flag, a module static, says whether the function ran.  The call site's
 * static key, which the kernel turns off later from a work item, stays on:
 * it only spares the check.
 */
static pthread_mutex_t once_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t once_sleepable_lock = PTHREAD_MUTEX_INITIALIZER;

static _Bool once_start(pthread_mutex_t *m, _Bool *done)
{
	pthread_mutex_lock(m);
	if (!__atomic_load_n(done, __ATOMIC_ACQUIRE))
		return 1;	/* run it; once_done() unlocks */
	pthread_mutex_unlock(m);
	return 0;
}

static void once_done(pthread_mutex_t *m, _Bool *done)
{
	__atomic_store_n(done, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(m);
}

_Bool dusk_kp_do_once_start(_Bool *done, unsigned long *flags)
{
	*flags = 0;
	return once_start(&once_lock, done);
}

void dusk_kp_do_once_done(_Bool *done, void *once_key, unsigned long *flags, void *mod)
{
	(void)once_key, (void)flags, (void)mod;
	once_done(&once_lock, done);
}

_Bool dusk_kp_do_once_sleepable_start(_Bool *done)
{
	return once_start(&once_sleepable_lock, done);
}

void dusk_kp_do_once_sleepable_done(_Bool *done, void *once_key, void *mod)
{
	(void)once_key, (void)mod;
	once_done(&once_sleepable_lock, done);
}

/* include/asm-generic/bug.h's flags of a WARN's bug_entry */
#define KP_BUGFLAG_ONCE		(1 << 1)
#define KP_BUGFLAG_NO_CUT_HERE	(1 << 3)
#define KP_WARN_FRAMES		16

/* The program's own frames from return address @ret up, in the kernel log
 * as a call trace (the runtime's frames below it are left out: they are
 * the program's too when libduskrt is linked in statically). */
static void kp_call_trace(const void *ret)
{
	void *pcs[KP_WARN_FRAMES + 8];
	char frame[256];
	int n = backtrace(pcs, KP_WARN_FRAMES + 8), i = 0;

	while (i < n && pcs[i] != ret)
		i++;
	if (i == n)
		return;
	dusk_kmsg(4, "Call Trace (user build):");
	for (; i < n; i++)
		if (dusk_own_frame(pcs[i], frame, sizeof(frame)))
			dusk_kmsg(4, " %s", frame);
}

/*
 * The kernel's report of a WARN (kernel/panic.c __warn()), in the kernel
 * log where the kernel build's would be: the cut line, "WARNING: ... at
 * FILE:LINE" naming the module's source line and function, and the
 * program's frames as the call trace (registers have no meaning here).
 * @ret is the return address into the module's code.  Each line goes to
 * the program's log as well (dusk_kmsg).
 */
static void kp_report_warn(const char *file, int line, unsigned int flags, const void *ret)
{
	char frame[256];

	if (!(flags & KP_BUGFLAG_NO_CUT_HERE))
		dusk_kmsg(4, "------------[ cut here ]------------");
	if (!dusk_own_frame(ret, frame, sizeof(frame)))
		frame[0] = '\0';
	dusk_kmsg(4, "WARNING: CPU: %d PID: %d at %s:%d %s", sched_getcpu(), (int)gettid(),
		  file, line, frame);
	kp_call_trace(ret);
	dusk_kmsg(4, "---[ end trace 0000000000000000 ]---");
}

__attribute__((noinline))
void dusk_kp_dump_stack(void)
{
	dusk_kmsg(4, "CPU: %d PID: %d Comm: %s (user build)", sched_getcpu(), (int)gettid(),
		  dusk_sess ? dusk_sess->m->name : "?");
	kp_call_trace(__builtin_return_address(0));
}

static void (*kp_warn_handler)(const char *file, int line);

void dusk_kp_set_warn_handler(void (*fn)(const char *file, int line))
{
	kp_warn_handler = fn;
}

/* A WARN_ON_ONCE()'s call site that has warned.  x86's keeps no flag in
 * the module: report_bug() sets BUGFLAG_DONE in the site's bug_entry. */
struct kp_warned {
	const char *file;
	int line;
	struct kp_warned *next;
};

static struct kp_warned *kp_warned_sites;
static pthread_mutex_t kp_warned_mu = PTHREAD_MUTEX_INITIALIZER;

/* 1 the first time the site @file:@line asks, 0 after. */
static int kp_warn_first(const char *file, int line)
{
	struct kp_warned *w;
	int first = 1;

	pthread_mutex_lock(&kp_warned_mu);
	for (w = kp_warned_sites; w && first; w = w->next)
		first = !(w->line == line && (w->file == file || !strcmp(w->file, file)));
	if (first && (w = malloc(sizeof(*w)))) {
		*w = (struct kp_warned){ file, line, kp_warned_sites };
		kp_warned_sites = w;
	}
	pthread_mutex_unlock(&kp_warned_mu);
	return first;
}

__attribute__((noinline))
void dusk_kp_warn(const char *file, int line, unsigned int flags)
{
	if ((flags & KP_BUGFLAG_ONCE) && !kp_warn_first(file, line))
		return;
	if (kp_warn_handler)
		kp_warn_handler(file, line);
	else
		kp_report_warn(file, line, flags, __builtin_return_address(0));
}

void dusk_kp_bug(const char *file, int line)
{
	if (kp_warn_handler)
		kp_warn_handler(file, line);
	else
		dusk_log(DUSK_LOG_ERROR, "dusk: BUG at %s:%d", file, line);
	abort();
}

void dusk_kp_imported(const char *name)
{
	dusk_fatal("dusk: %s is another module's export: a user build cannot import "
		   "symbols of other modules yet (run this module's kernel build with "
		   "that module loaded)", name);
}

void dusk_kp_unexported(const char *name)
{
	dusk_fatal("dusk: %s is not exported to modules: the kernel's compiler drops "
		   "this call, the user build reached it", name);
}

/*
 * CONFIG_DEBUG_LIST (lib/list_debug.c), run on the program's view of the
 * list.  As kernel calls they were wrong twice over: the kernel compared
 * the names it was given for a list on the program's stack with the ones
 * stored in the entries, and a corrupt list of the module's made the
 * kernel BUG() (Debian sets CONFIG_BUG_ON_DATA_CORRUPTION).  Here the
 * program dies with the kernel's message and its line, as the kernel
 * build's task would; the kernel is untouched.
 */
#define KP_POISON_DELTA		0xdead000000000000ull	/* CONFIG_ILLEGAL_POINTER_VALUE */

static int kp_poison(const void *p, uintptr_t poison)
{
	return (uintptr_t)p == poison || (uintptr_t)p == poison + KP_POISON_DELTA;
}

static void *kp_word(const void *p, unsigned int i)
{
	return *(void *const *)dusk_check((void *const *)p + i, sizeof(void *));
}

__attribute__((noreturn, format(printf, 1, 2)))
static void kp_list_corrupt(const char *fmt, ...)
{
	void *pcs[24];
	char msg[256], loc[768];
	int n = backtrace(pcs, 24);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n < 2 || !dusk_module_line(pcs + 1, n - 1, 1, loc, sizeof(loc)))
		loc[0] = '\0';
	dusk_log(DUSK_LOG_ERROR, "dusk: %s%s%s (CONFIG_DEBUG_LIST: the kernel build BUG()s here)",
		 msg, loc[0] ? " at " : "", loc);
	abort();
}

_Bool dusk_kp_list_add_valid(void *entry, void *prev, void *next)
{
	void *w;

	if (!prev)
		kp_list_corrupt("list_add corruption. prev is NULL.");
	if (!next)
		kp_list_corrupt("list_add corruption. next is NULL.");
	w = kp_word(next, 1);
	if (w != prev)
		kp_list_corrupt("list_add corruption. next->prev should be prev (%p), but was %p. "
				"(next=%p).", prev, w, next);
	w = kp_word(prev, 0);
	if (w != next)
		kp_list_corrupt("list_add corruption. prev->next should be next (%p), but was %p. "
				"(prev=%p).", next, w, prev);
	if (entry == prev || entry == next)
		kp_list_corrupt("list_add double add: new=%p, prev=%p, next=%p.", entry, prev, next);
	return 1;
}

_Bool dusk_kp_list_del_entry_valid(void *entry)
{
	void *next = kp_word(entry, 0), *prev = kp_word(entry, 1);

	if (!next)
		kp_list_corrupt("list_del corruption, %p->next is NULL", entry);
	if (!prev)
		kp_list_corrupt("list_del corruption, %p->prev is NULL", entry);
	if (kp_poison(next, 0x100))
		kp_list_corrupt("list_del corruption, %p->next is LIST_POISON1 (%p)", entry, next);
	if (kp_poison(prev, 0x122))
		kp_list_corrupt("list_del corruption, %p->prev is LIST_POISON2 (%p)", entry, prev);
	if (kp_word(prev, 0) != entry)
		kp_list_corrupt("list_del corruption. prev->next should be %p, but was %p. (prev=%p)",
				entry, kp_word(prev, 0), prev);
	if (kp_word(next, 1) != entry)
		kp_list_corrupt("list_del corruption. next->prev should be %p, but was %p. (next=%p)",
				entry, kp_word(next, 1), next);
	return 1;
}
