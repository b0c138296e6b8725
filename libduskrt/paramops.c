/* SPDX-License-Identifier: MIT */
/*
 * module_param_cb(name, &ops, arg, perm) with the module's own struct
 * kernel_param_ops: its set and get are module code, so they run in the
 * program, on a struct kernel_param { .name, .ops, .perm, .arg = arg } of
 * the runtime's, where and when kernel/params.c runs them:
 *   - a value given at load: parse_one(), before module_init.  The set may
 *     make kernel calls (a pr_info), so it runs once the session is up and
 *     the kernel addresses are in place: the generated module init calls
 *     dusk_params_set_deferred() first.  A refused value fails the load;
 *   - writes and reads of /sys/module/NAME/parameters/NAME:
 *     param_attr_store()/param_attr_show(), under the parameter lock; a get
 *     writes the kernel's sysfs page, which the upcall lends.
 * An ops member that is a kernel function (`.get = param_get_int`: the
 * program holds the kernel's address) runs as that function at user level
 * (params.c has the kernel's param_set_<type>/param_get_<type>); so do the
 * module's own calls of them, kprims here (dusk_kp_param_set/get), which
 * act on kp->arg, the module's variable in the program.
 *
 * Kernel code params.c does not re-implement (the kernel's own ops,
 * `module_param_cb(p, &param_ops_dyndbg_classes, &dcp, 0600)`, whose set
 * and get are read from the kernel's struct; or such a member of the
 * module's own ops) runs in the kernel, at the same points, through the
 * program's kparam_call (an indirect stub): kp is committed like any
 * argument, so kp->arg is the mirror of the module's variable with the
 * pointers in it translated, kp->ops the kernel's struct, and what the
 * kernel code writes there is read back into the module's variables when
 * it returns.  Every kernel call made while the program runs a parameter's
 * set or get (that one, or those of the module's own set) goes with
 * PARAM_LOCK: the kmod runs it under kernel_param_lock(), as parse_one()
 * and param_attr_store() hold it around the ops (param_array_set() checks).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"
#include <dusk/kprim.h>

/* struct kernel_param as include/linux/moduleparam.h lays it out. */
struct dusk_kparam {
	const char *name;
	const void *mod;
	const void *ops;
	uint16_t perm;
	int8_t level;
	uint8_t flags;
	void *arg;		/* union { arg, str, arr } */
};

/* struct kernel_param_ops */
struct dusk_kparam_ops {
	unsigned int flags;
	int (*set)(const char *val, const struct dusk_kparam *kp);
	int (*get)(char *buffer, const struct dusk_kparam *kp);
	void (*free)(void *arg);
};
#define DUSK_KPARAM_OPS_FL_NOARG (1u << 0)

_Static_assert(offsetof(struct dusk_kparam, perm) == 24 && offsetof(struct dusk_kparam, arg) == 32,
	       "struct kernel_param layout");
_Static_assert(offsetof(struct dusk_kparam_ops, set) == 8 &&
	       offsetof(struct dusk_kparam_ops, get) == 16, "struct kernel_param_ops layout");

/* A load-time value waiting for the session (dusk_params_set_deferred). */
struct deferred {
	const struct dusk_param *p;
	char *v;		/* NULL: "name" without '=' */
};
static struct deferred *deferred;
static size_t ndeferred;

/* The kernel address of symbol @name in the module's table, or 0. */
static uint64_t ksym_by_name(const char *name)
{
	const struct dusk_module *m = dusk_sess->m;
	unsigned int i;

	for (i = 0; i < m->nsyms; i++)
		if (!strcmp(m->syms[i], name))
			return dusk_sess->syms[i];
	return 0;
}

/*
 * The ops of @p in *@o: the module's own, or a copy of the kernel's
 * (read now: the kernel's struct is not the program's) whose kernel
 * address goes in *@kaddr, as kp->ops.
 */
static int ops_of(const struct dusk_param *p, struct dusk_kparam_ops *o, uint64_t *kaddr)
{
	*kaddr = 0;
	if (!p->kops) {
		*o = *(const struct dusk_kparam_ops *)p->ops;
		return 0;
	}
	*kaddr = ksym_by_name(p->kops);
	if (!*kaddr) {
		dusk_log(DUSK_LOG_ERROR, "dusk: parameter %s: %s is not in the symbol table; "
			 "is dusk_%s.ko stale?", p->name, p->kops, dusk_sess->m->name);
		return -ENOENT;
	}
	memcpy(o, dusk_check_kernel(*kaddr, sizeof(*o)), sizeof(*o));
	return 0;
}

static struct dusk_kparam kparam_of(const struct dusk_param *p, uint64_t kops)
{
	return (struct dusk_kparam){ .name = p->name,
				     .ops = kops ? (const void *)(uintptr_t)kops : p->ops,
				     .perm = (uint16_t)p->perm, .level = -1, .arg = p->addr };
}

/* The standard param_<prefix>TYPE function kernel address @fn is, as its
 * TYPE ("int"), or NULL (param_get_dyndbg_classes is no such one: params.c
 * does not re-implement it).  @prefix is "param_set_" or "param_get_". */
static const char *std_fn_type(const void *fn, const char *prefix)
{
	const struct dusk_module *m = dusk_sess->m;
	unsigned int i;

	for (i = 0; i < m->nsyms; i++)
		if (dusk_sess->syms[i] == (uintptr_t)fn && !strncmp(m->syms[i], prefix, 10) &&
		    dusk_param_std_type(m->syms[i] + 10))
			return m->syms[i] + 10;
	return NULL;
}

/* Is @fn the kernel's, not the program's? */
static int kernel_fn(const void *fn)
{
	return (uintptr_t)fn >= dusk_sess->kbase;
}

/*
 * Kernel code @fn as set or get of @p: it runs in the kernel, as it does
 * for the .ko, on kp whose arg is the mirror of the module's variable
 * (pointers inside translated, as for any commit); what it writes there is
 * read back into the variable when the call returns.
 */
static int kernel_op(const struct dusk_param *p, const void *fn, int get, char *s,
		     const struct dusk_kparam *kp)
{
	if (!dusk_sess->m->kparam_call) {
		dusk_log(DUSK_LOG_ERROR, "dusk: parameter %s: its %s is a kernel function the "
			 "program has no call for; is it older than its dusk-rewrite?", p->name,
			 get ? "get" : "set");
		return -EOPNOTSUPP;
	}
	return dusk_sess->m->kparam_call((uintptr_t)fn, get, s, kp);
}

/* The set and the get of a parameter run as the kernel runs them: the
 * kernel calls they make (or are) run under the kernel's parameter lock.
 * param_op_enter() marks the thread so and returns what to restore. */
static uint8_t param_op_enter(void)
{
	struct dusk_thread *t = dusk_thread();
	uint8_t was = t->param_op;

	t->param_op = 1;
	return was;
}

static int paramops_set(const struct dusk_param *p, const char *v);
static int paramops_get(const struct dusk_param *p, uint64_t kbuf);

int dusk_paramops_set(const struct dusk_param *p, const char *v)
{
	uint8_t was = param_op_enter();
	int err = paramops_set(p, v);

	dusk_thread()->param_op = was;
	return err;
}

int dusk_paramops_get(const struct dusk_param *p, uint64_t kbuf)
{
	uint8_t was = param_op_enter();
	int n = paramops_get(p, kbuf);

	dusk_thread()->param_op = was;
	return n;
}

static int paramops_set(const struct dusk_param *p, const char *v)
{
	struct dusk_kparam_ops ops;
	struct dusk_kparam kp;
	const char *type;
	char val[DUSK_PAGE_SIZE];
	uint64_t kops;
	int err = ops_of(p, &ops, &kops);

	if (err)
		return err;
	kp = kparam_of(p, kops);
	/* parse_one(): a value is needed unless the ops say otherwise */
	if (!v && !(ops.flags & DUSK_KPARAM_OPS_FL_NOARG))
		return -EINVAL;
	if (!ops.set)
		return -EPERM;
	if (!kernel_fn((const void *)ops.set))
		return ops.set(v, &kp);
	type = std_fn_type((const void *)ops.set, "param_set_");
	if (type)
		return dusk_param_std_set(p->name, type, p->addr, v);
	if (!v)
		return kernel_op(p, (const void *)ops.set, 0, NULL, &kp);
	/* on this stack: the kernel's copy lives for the call only */
	if (strlen(v) >= sizeof(val))
		return -ENOSPC;
	strcpy(val, v);
	return kernel_op(p, (const void *)ops.set, 0, val, &kp);
}

static int paramops_get(const struct dusk_param *p, uint64_t kbuf)
{
	struct dusk_kparam_ops ops;
	struct dusk_kparam kp;
	const char *type;
	uint64_t kops;
	int err = ops_of(p, &ops, &kops);

	if (err)
		return err;
	kp = kparam_of(p, kops);
	if (!ops.get)
		return -EPERM;
	if (!kernel_fn((const void *)ops.get))
		return ops.get((char *)(uintptr_t)kbuf, &kp);
	type = std_fn_type((const void *)ops.get, "param_get_");
	if (type)
		return dusk_kp_param_get(type, (char *)(uintptr_t)kbuf, &kp);
	return kernel_op(p, (const void *)ops.get, 1, (char *)(uintptr_t)kbuf, &kp);
}

int dusk_paramops_defer(const struct dusk_param *p, const char *v)
{
	const struct dusk_kparam_ops *ops = p->ops;
	struct deferred *grown;
	char *copy = NULL;

	/* parse_one(): a value is needed unless the ops say otherwise (a
	 * flag the static initializer set, so known now; the kernel's ops
	 * are read once the session is up: dusk_paramops_set()) */
	if (!v && !p->kops && !(ops->flags & DUSK_KPARAM_OPS_FL_NOARG))
		return -EINVAL;
	if (v && !(copy = strdup(v)))
		return -ENOMEM;
	grown = realloc(deferred, (ndeferred + 1) * sizeof(*grown));
	if (!grown) {
		free(copy);
		return -ENOMEM;
	}
	deferred = grown;
	deferred[ndeferred++] = (struct deferred){ p, copy };
	return 0;
}

DUSK_API int dusk_params_set_deferred(void)
{
	size_t i;
	int err = 0;

	for (i = 0; i < ndeferred; i++) {
		if (!err) {
			err = dusk_param_set(deferred[i].p, deferred[i].v);
			if (err)
				dusk_param_refused(dusk_sess->m, deferred[i].p, deferred[i].v, err);
		}
		free(deferred[i].v);
	}
	free(deferred);
	deferred = NULL;
	ndeferred = 0;
	return err;
}

/* ---- kprims: the kernel's param_set_<type>/param_get_<type> called by
 * the module's own ops, on the kernel_param the runtime passed it ---- */

DUSK_API int dusk_kp_param_set(const char *type, const char *val, const void *kp)
{
	const struct dusk_kparam *k = kp;

	return dusk_param_std_set(k->name, type, k->arg, val);
}

DUSK_API int dusk_kp_param_get(const char *type, char *buffer, const void *kp)
{
	const struct dusk_kparam *k = kp;
	char text[DUSK_PAGE_SIZE];
	int n = dusk_param_std_get(type, k->arg, text, sizeof(text));

	if (n < 0)
		return n;
	/* with its NUL, as sprintf() left it; the sysfs page is the kernel's */
	if ((uintptr_t)buffer >= dusk_sess->kbase)
		memcpy(dusk_check_kernel((uintptr_t)buffer, (size_t)n + 1), text, (size_t)n + 1);
	else
		memcpy(buffer, text, (size_t)n + 1);
	return n;
}

DUSK_API int dusk_kp_param_set_uint_minmax(const char *val, const void *kp, unsigned int min,
					   unsigned int max)
{
	const struct dusk_kparam *k = kp;
	unsigned int num;
	int err;

	if (!val)
		return -EINVAL;
	err = dusk_param_std_set(k->name, "uint", &num, val);
	if (err)
		return err;
	if (num < min || num > max)
		return -EINVAL;
	*(unsigned int *)k->arg = num;
	return 0;
}
