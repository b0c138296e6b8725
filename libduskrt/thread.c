/* SPDX-License-Identifier: MIT */
/*
 * Per-thread runtime state (struct dusk_thread): the upcall being served,
 * the module-function nesting (DUSK_FRAME), the thread's shadows and
 * pending commits.  Created on a thread's first use of the runtime, freed
 * when the thread exits.  Also the small public accessors that read it:
 * dusk_enter(), dusk_leave(), dusk_current(), dusk_task_state().
 */
#include <pthread.h>
#include <stdlib.h>

#include "rt-internal.h"

DUSK_TLS struct dusk_thread *dusk_tls_thread;
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;

/* Registered before any thread uses the runtime (constructors): read
 * without a lock. */
static void (*exit_hooks[DUSK_THREAD_HOOKS])(struct dusk_thread *t);
static unsigned int nexit_hooks;

void dusk_thread_on_exit(void (*fn)(struct dusk_thread *t))
{
	if (nexit_hooks == DUSK_THREAD_HOOKS)
		dusk_fatal("dusk: more than %d thread exit hooks", DUSK_THREAD_HOOKS);
	exit_hooks[nexit_hooks++] = fn;
}

static void thread_free(void *p)
{
	struct dusk_thread *t = p;
	unsigned int i;

	/* Made with the state (dusk_thread_new()); what the parts make later,
	 * they free (dusk_thread_on_exit()). */
	dusk_shadow_free(t->shadow);
	t->shadow = NULL;
	for (i = 0; i < nexit_hooks; i++)
		exit_hooks[i](t);
	free(t);
	dusk_tls_thread = NULL;
}

static void key_init(void)
{
	pthread_key_create(&thread_key, thread_free);
}

/* Module function nesting (DUSK_FRAME, runtime.h): this thread's own. */
DUSK_API __thread struct dusk_frames dusk_frames __attribute__((tls_model("initial-exec")));

struct dusk_thread *dusk_thread_new(void)
{
	struct dusk_thread *t = calloc(1, sizeof(*t));
	pthread_attr_t attr;

	pthread_once(&thread_once, key_init);
	if (!t || !(t->shadow = dusk_shadow_new()))
		dusk_fatal("dusk: out of memory creating thread state");
	if (pthread_getattr_np(pthread_self(), &attr) == 0) {
		void *lo;
		size_t size;

		if (pthread_attr_getstack(&attr, &lo, &size) == 0) {
			t->stack_lo = (uintptr_t)lo;
			t->stack_hi = (uintptr_t)lo + size;
		}
		pthread_attr_destroy(&attr);
	}
	t->frames = &dusk_frames;
	pthread_setspecific(thread_key, t);
	return dusk_tls_thread = t;
}

struct dusk_thread *dusk_thread_peek(void)
{
	return dusk_tls_thread;
}


const char *dusk_thread_fn(void)
{
	int d = dusk_frames.depth;

	if (d <= 0)
		return NULL;
	return dusk_frames.fn[(d > DUSK_FN_STACK ? DUSK_FN_STACK : d) - 1];
}

DUSK_API int dusk_enter(const char *fn)
{
	return dusk_frame_enter(fn);
}

DUSK_API void dusk_leave(int *frame)
{
	dusk_frame_leave(frame);
}

/*
 * `current`: the task the kernel reported for the callback being served;
 * outside any callback (module_init, module_exit) the program's own task,
 * which runs those kernel calls as insmod's task runs a native
 * module_init (never NULL: get_task_comm(buf, current) would oops).
 */
DUSK_API void *dusk_current(void)
{
	uint64_t cur = dusk_thread()->current;

	if (!cur && dusk_sess)
		cur = dusk_sess->task;
	return (void *)(uintptr_t)cur;
}

/*
 * The task state is the task's own: set_current_state() is a store the
 * task makes to itself, read by the scheduler when the task next calls
 * schedule().  The module's code runs here on behalf of `current`, whose
 * real state the kernel needs for its own wait while the program runs; so
 * the module's stores and loads of current->__state go to the thread's
 * copy, which dusk_call() sends with the next kernel call (the kmod sets
 * it in the task that runs that call) and sets from the state the call
 * left.  Any other task's state is read from the kernel.
 */
DUSK_API void *dusk_task_state(void *state, size_t off)
{
	if ((uintptr_t)state - off == (uintptr_t)dusk_current())
		return &dusk_thread()->task_state;
	return state;
}
