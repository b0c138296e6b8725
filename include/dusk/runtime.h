/* SPDX-License-Identifier: MIT */
/*
 * libduskrt's interface to the code dusk-rewrite generates.
 *
 * mymod.dusk.c includes this header and nothing else from outside its own
 * generated declarations: the user build has no kernel headers.  Every load
 * or store the module makes through a pointer goes through dusk_check();
 * every kernel function it calls goes through dusk_call(); every own object
 * it hands to the kernel goes through dusk_commit().  The program's main()
 * is generated too and hands a struct dusk_module to dusk_main().
 *
 * Error convention: functions returning int return 0 or a negative errno.
 * A fault the program cannot survive (unmapped kernel address, forbidden
 * write) never returns: the runtime reports the kernel address and the
 * module's source line, then raises SIGSEGV so gdb stops / a core is dumped.
 */
#ifndef DUSK_RUNTIME_H
#define DUSK_RUNTIME_H

#include <stddef.h>
#include <stdint.h>
#include <dusk/abi.h>
#include <dusk/typeinfo.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Lowest kernel address, learnt in the handshake (DUSK_A_KBASE).  Until the
 * handshake it is UINTPTR_MAX, so every address counts as the program's own. */
extern uintptr_t dusk_kbase;

/* Slow path of dusk_check(): kernel memory.  Returns the shadow of
 * [addr, addr+len), contiguous, valid until the current epoch ends. */
void *dusk_check_kernel(uintptr_t addr, size_t len);

/* The kernel range [lo, hi) this thread last found valid in its shadows and
 * the offset from it to the shadow.  Owned by the runtime (reset at every
 * epoch end); read only by dusk_check()'s inline fast path. */
struct dusk_hit {
	uintptr_t lo, hi;
	intptr_t delta;
};
extern __thread struct dusk_hit dusk_hit __attribute__((tls_model("initial-exec")));

/* The few ranges before it.  A callback reads its sk_buff, the packet's
 * headers and its hook state in turn, ranges that take dusk_hit from each
 * other at almost every access; a miss of dusk_hit finds its range here
 * without a call into the library (under QEMU's TCG a call costs a code
 * look-up on the packet path's cold start: docs/PERFORMANCE.md). */
#define DUSK_HIT_RECENT 4
extern __thread struct dusk_hit dusk_hit_recent[DUSK_HIT_RECENT]
	__attribute__((tls_model("initial-exec")));

/* The shadow of [a, a+len) if one of the recent ranges holds it (it
 * becomes dusk_hit), else NULL. */
static inline void *dusk_hit_recall(uintptr_t a, size_t len)
{
	unsigned int i;

	for (i = 0; i < DUSK_HIT_RECENT; i++) {
		if (a >= dusk_hit_recent[i].lo && a + len <= dusk_hit_recent[i].hi) {
			dusk_hit = dusk_hit_recent[i];
			return (void *)(a + dusk_hit.delta);
		}
	}
	return NULL;
}

static inline void *dusk_check_recent(uintptr_t a, size_t len)
{
	void *p = dusk_hit_recall(a, len);

	return p ? p : dusk_check_kernel(a, len);
}

/**
 * dusk_check() - make [p, p+len) accessible to the program.
 * Own memory is returned as is; kernel memory is returned as its shadow.
 * Reads and writes both go through the returned pointer; writes are sent
 * back at the end of the epoch (only the bytes that changed).
 */
static inline void *dusk_check(const volatile void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	if (__builtin_expect(a < dusk_kbase, 1))
		return (void *)a;
	if (__builtin_expect(a >= dusk_hit.lo && a + len <= dusk_hit.hi, 1))
		return (void *)(a + dusk_hit.delta);
	return dusk_check_recent(a, len);
}

/* Slow path of dusk_check_volatile(): kernel memory, at most a millisecond
 * old (libduskrt/shadow.c, "Volatile reads"). */
void *dusk_check_kernel_volatile(uintptr_t addr, size_t len);

/**
 * dusk_check_volatile() - dusk_check() for a volatile access: READ_ONCE(),
 * `jiffies`, a volatile object.  Its value may change under the reader, so
 * kernel memory is seen as the kernel held it at most a millisecond ago,
 * not as at the epoch's start: a busy wait on it ends.
 */
static inline void *dusk_check_volatile(const volatile void *p, size_t len)
{
	uintptr_t a = (uintptr_t)p;

	if (__builtin_expect(a < dusk_kbase, 1))
		return (void *)a;
	return dusk_check_kernel_volatile(a, len);
}

/* Does pointer @p point to a volatile-qualified type?  (Pointer types that
 * differ in their target's qualifiers are not compatible.) */
#define DUSK_POINTS_TO_VOLATILE(p) \
	__builtin_types_compatible_p(__typeof__(p), __typeof__(*(p)) volatile *)

/* The instrumented form of *(p): p keeps its kernel value, the access goes to
 * the shadow.  Used by generated code as DUSK_DEREF(p)->field, *DUSK_DEREF(p).
 * A volatile access (READ_ONCE()'s `*(volatile T *)&x`) takes
 * dusk_check_volatile(). */
#define DUSK_DEREF(p)                                                                    \
	((__typeof__(p))__builtin_choose_expr(DUSK_POINTS_TO_VOLATILE(p),                \
					      dusk_check_volatile((p), sizeof(*(p))),    \
					      dusk_check((p), sizeof(*(p)))))

/**
 * dusk_commit() - the kernel address to pass for pointer @p in a kernel call.
 * @type: type id of *p in the module's type table, or DUSK_TYPE_NONE /
 *        DUSK_TYPE_CSTRING.
 * @len:  size in bytes of the object @p points into when the rewriter knows
 *        it (an array, a local), else 0 (the runtime uses the type's size or
 *        the enclosing global object).
 * Kernel pointers and NULL come back unchanged.  An own object gets a kernel
 * mirror (kept while the kernel may hold it), with its pointer fields
 * translated recursively and function pointers turned into proxy addresses.
 */
uint64_t dusk_commit(const void *p, int32_t type, size_t len);

/**
 * dusk_commit_text() - dusk_commit() of a char buffer the kernel may write
 * (a non-const `char *` parameter: sprintf()'s, strscpy()'s destination).
 * @len: its size when the rewriter knows it, else 0: then a buffer on this
 *       thread's stack is mirrored as far as the frames above it reach (up
 *       to UNSIZED_STACK bytes), not up to its first NUL, which would give
 *       the kernel a mirror smaller than what it writes.
 */
uint64_t dusk_commit_text(const void *p, size_t len);

/**
 * dusk_call() - call generated stub @stub in the kernel with @nargs u64
 * arguments.  Commits dirty shadows first, ends the epoch, and after the
 * call reads mirrors back into own objects.  Returns the stub's u64 result.
 */
uint64_t dusk_call(uint32_t stub, const uint64_t *args, unsigned int nargs);

/**
 * dusk_symfmt() - printk's symbol conversions of the program's own addresses.
 * @fmt:  in: the printf format of a kernel call; out: @buf when changed.
 * @buf:  room for the changed format, @cap bytes (DUSK_SYMFMT_MAX).
 * @v:    the call's @n arguments after the format, pointers as u64 (others 0).
 * Each %pS/%ps/%pB (R and b variants too) whose argument is an address in
 * the program's own code or data becomes the text the kernel would print
 * ("fn+0x4/0x20 [mymod]") followed by "%.0s", and its argument NULL; kernel
 * addresses stay the kernel's to format.  Returns 1 when @fmt changed.
 */
#define DUSK_SYMFMT_MAX 1024
int dusk_symfmt(const char **fmt, char *buf, size_t cap, uint64_t *v, unsigned int n);

/**
 * dusk_va_words() - a kernel format's arguments as the words a stub takes.
 * @fmtp:    in: the format of a call that takes a va_list (vprintk()...)
 *           or whose arguments include a struct va_format for %pV; out:
 *           the format to send (@buf when it changed).
 * @buf:     room for a changed format, @cap bytes (DUSK_SYMFMT_MAX).
 * @vals:    the call's @nvals arguments after the format as u64, or NULL:
 *           then they are read from @ap, one per conversion.
 * @out:     the words, at most @cap_out: each conversion's value, with
 *           what %s and %p extensions read committed; a %pV of the
 *           program's own va_format spliced in (its format and values).
 * @fn:      the kernel function, for the error message.
 * Returns the number of words, or a negative errno (reported here): more
 * than @cap_out, %pV nested too deep, a format the program cannot read.
 */
int dusk_va_words(const char **fmtp, char *buf, size_t cap, const uint64_t *vals,
		  unsigned int nvals, __builtin_va_list *ap, uint64_t *out,
		  unsigned int cap_out, const char *fn);

/* Kernel address of entry @sym of the generated symbol table (kernel
 * variables such as init_net, jiffies). */
uintptr_t dusk_ksym(uint32_t sym);

/* The kernel's `current` for the running callback (task_struct address). */
void *dusk_current(void);

/**
 * dusk_task_state() - where the program keeps a task's `__state`.
 * @state: the field's kernel address (`&p->__state`).
 * @off:   its offset in struct task_struct.
 * For `current` (set_current_state(), get_current_state()) the calling
 * thread's own copy, which goes with its next kernel call; for any other
 * task @state itself, a kernel address to read through dusk_check().
 */
void *dusk_task_state(void *state, size_t off);

/* Function prolog/epilog: nesting depth of module code on this thread and
 * the innermost functions' names (a fault's or a WARN's report).
 * Generated code writes DUSK_FRAME; as the first statement of every module
 * function; the frame closes itself on every return path.  Inline on this
 * thread's own record: under QEMU's TCG a call into the library costs a
 * code look-up on the packet path's cold start (docs/PERFORMANCE.md). */
#define DUSK_FN_STACK 32
/* An address-taken local of a kernel record type (or an array of them),
 * registered by DUSK_LOCAL() for its frame's lifetime: a pointer into it
 * that reaches the kernel through another object (a list link, a
 * `->properties` pointer) is mirrored as the whole local, not as one
 * object of the pointer's type (libduskrt/commit.c, local_of()). */
#define DUSK_LOCALS 64
struct dusk_local {
	const void *addr;
	uint32_t size;		/* bytes: all @nelem elements */
	int32_t type;		/* the (element) type's id in the layout table */
	uint32_t nelem;
	int depth;		/* the frame's DUSK_FRAME depth */
};
struct dusk_frames {
	int depth;
	const char *fn[DUSK_FN_STACK];
	/* appended: programs built before they were read only the above */
	int nlocals;
	struct dusk_local local[DUSK_LOCALS];
	/* appended: the lowest address of this thread's stack objects the
	 * kernel was given a held mirror of (libduskrt), 0 for none */
	uintptr_t held_low;
};
extern __thread struct dusk_frames dusk_frames __attribute__((tls_model("initial-exec")));

static inline int dusk_frame_enter(const char *fn)
{
	int d = dusk_frames.depth;

	if (d >= 0 && d < DUSK_FN_STACK)
		dusk_frames.fn[d] = fn;
	return dusk_frames.depth = d + 1;
}

void dusk_frame_drop_held(const void *frame);

/*
 * Leaving a module function: its locals go with its frame, and so do the
 * held mirrors of its stack objects (a crypto request's on-stack
 * `struct crypto_wait`, whose address the program stored into the
 * request): the next function's objects take their place, and a mirror
 * left there would take them for the dead object's bytes.  Below the
 * function's frame address lie only its own frame and dead ones.
 */
static inline __attribute__((always_inline)) void dusk_frame_leave(int *frame)
{
	int n = dusk_frames.nlocals;

	while (n > 0 && dusk_frames.local[n - 1].depth >= *frame)
		n--;
	dusk_frames.nlocals = n;
	dusk_frames.depth = *frame - 1;
	if (__builtin_expect(dusk_frames.held_low != 0, 0) &&
	    dusk_frames.held_low < (uintptr_t)__builtin_frame_address(0))
		dusk_frame_drop_held(__builtin_frame_address(0));
}

/*
 * Register the local [@addr, @addr+@size) of @nelem objects of type @type
 * with the current frame.  Inline, no library call: generated code calls
 * it after each declaration of an address-taken record local, which may be
 * in a packet hook.  A record of the same frame that overlaps it is gone
 * (a block's local whose place a later block reused, or the same local
 * declared again in a loop); full, the local stays unregistered and is
 * mirrored as before (one object of the pointer's type).
 */
static inline void dusk_local_add(const void *addr, size_t size, int32_t type, size_t nelem)
{
	struct dusk_local *l = dusk_frames.local;
	int n = dusk_frames.nlocals, d = dusk_frames.depth, i, j;
	const char *a = (const char *)addr;

	for (i = j = n; i > 0 && l[i - 1].depth == d; i--) {
		const char *b = (const char *)l[i - 1].addr;

		if (b < a + size && a < b + l[i - 1].size)
			continue;	/* overlapped: dropped */
		l[--j] = l[i - 1];
	}
	/* the frame's survivors now lie at [j, n): close the gap */
	for (; j < n; j++)
		l[i++] = l[j];
	if (i >= DUSK_LOCALS || size > UINT32_MAX || nelem > UINT32_MAX) {
		dusk_frames.nlocals = i;
		return;
	}
	l[i].addr = addr;
	l[i].size = (uint32_t)size;
	l[i].type = type;
	l[i].nelem = (uint32_t)nelem;
	l[i].depth = d;
	dusk_frames.nlocals = i + 1;
}
#define DUSK_LOCAL(x, type) \
	dusk_local_add(&(x), sizeof(x), (type), 1)
#define DUSK_LOCAL_ARRAY(x, type) \
	dusk_local_add(&(x), sizeof(x), (type), sizeof(x) / sizeof((x)[0]))

/* The same as calls, for programs generated before the frames were inline. */
int dusk_enter(const char *fn);
void dusk_leave(int *frame);
#define DUSK_FRAME \
	int __dusk_frame __attribute__((cleanup(dusk_frame_leave), unused)) = \
		dusk_frame_enter(__func__)

/* One module_param. */
struct dusk_param {
	const char *name;
	const char *type;	/* the kernel's param_ops name without "param_ops_": "int", "charp", ... */
	void *addr;		/* the module's variable */
	uint32_t elem_size;	/* array params: element size; else size of the variable */
	uint32_t max_elems;	/* array params: capacity; else 0 */
	unsigned int *nump;	/* array params: where the element count goes, may be NULL */
	uint32_t perm;
	const char *desc;	/* MODULE_PARM_DESC, may be NULL */
	/* module_param_cb() with the module's own struct kernel_param_ops
	 * (type NULL): its set and get run on a kernel_param whose arg is
	 * addr (libduskrt/paramops.c), or NULL */
	const void *ops;
	/* module_param_cb() with the kernel's struct kernel_param_ops that
	 * params.c does not re-implement (param_ops_dyndbg_classes): its
	 * symbol; its set and get run in the kernel (paramops.c), or NULL */
	const char *kops;
};

/* Generated module init, after the kernel addresses are in place and
 * before module_init: the values given at load for module_param_cb()
 * parameters, through the module's own set.  0 or -errno (the load fails,
 * as module init failing says). */
int dusk_params_set_deferred(void);

/* One module function whose address reaches the kernel. */
struct dusk_proxy {
	const char *name;
	const void *fn;		/* the module's own function (its user address) */
	uint64_t (*tramp)(const uint64_t *args);	/* calls fn with typed args */
	uint8_t nargs;
	uint8_t blocking;	/* runs in process context; nested calls run there */
};

/* One module global object: lets commit() mirror a whole array or struct
 * when handed a pointer into it. */
struct dusk_object {
	const char *name;
	const void *addr;
	uint32_t size;
	int32_t type;		/* type id, or DUSK_TYPE_NONE */
};

/* Everything the runtime needs to run one module; generated. */
struct dusk_module {
	const char *name;		/* "lwfw": the kmod is dusk_lwfw */
	int (*init)(void);		/* module_init, may be NULL */
	void (*exit)(void);		/* module_exit, may be NULL */
	const struct dusk_param *params;
	unsigned int nparams;
	const struct dusk_proxy *proxies;	/* same order as the kmod's proxy table */
	unsigned int nproxies;
	const char *const *syms;	/* symbol names, same order as the kmod's */
	unsigned int nsyms;
	const char *const *stubs;	/* stub names, same order as the kmod's */
	const uint32_t *stub_flags;	/* their DUSK_STUB_* (dusk/abi.h), or NULL */
	unsigned int nstubs;
	const struct dusk_object *objects;
	unsigned int nobjects;
	const struct dusk_typetab *types;
	uint64_t stub_hash;		/* must equal the kmod's */
	const char *const *modinfo;	/* "license=GPL", "description=...", NULL-terminated */
	/* Calls kernel_param_ops member @fn, kernel code, in the kernel:
	 * get (@s the sysfs page) or set (@s the value), on struct
	 * kernel_param @kp of the runtime's; NULL when no parameter needs it */
	int (*kparam_call)(uint64_t fn, int get, char *s, const void *kp);
};

/**
 * dusk_main() - run @m as a program: parse module parameters from argv
 * (name=value, as insmod takes them), connect to the kmod dusk_<name> and
 * check the handshake, run init, serve callbacks until SIGINT/SIGTERM, run
 * exit, disconnect.  Returns the process exit status.
 */
int dusk_main(const struct dusk_module *m, int argc, char **argv);

/*
 * Logging.  The runtime never writes to a terminal itself: every message
 * (errors with their context, printk text the kernel echoed, DUSK_TRACE
 * lines) goes through one callback, by default a line on stderr.
 * DUSK_LOG_KERNEL messages are module printk output, already marked with
 * their kernel log level ("<6> lwfw: ...").
 */
enum dusk_log_level {
	DUSK_LOG_ERROR,
	DUSK_LOG_WARN,
	DUSK_LOG_INFO,
	DUSK_LOG_KERNEL,
	DUSK_LOG_TRACE,
};
typedef void (*dusk_log_fn)(int level, const char *msg, void *arg);

/* Replace the log callback (NULL restores the default); returns the old one. */
dusk_log_fn dusk_set_log(dusk_log_fn fn, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* DUSK_RUNTIME_H */
