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

static struct dusk_kparam kparam_of(const struct dusk_param *p)
{
	return (struct dusk_kparam){ .name = p->name, .ops = p->ops, .perm = (uint16_t)p->perm,
				     .level = -1, .arg = p->addr };
}

/* The standard param_<prefix>TYPE function kernel address @fn is, as its
 * TYPE ("int"), or NULL.  @prefix is "param_set_" or "param_get_". */
static const char *std_fn_type(const void *fn, const char *prefix)
{
	const struct dusk_module *m = dusk_sess->m;
	unsigned int i;

	for (i = 0; i < m->nsyms; i++)
		if (dusk_sess->syms[i] == (uintptr_t)fn && !strncmp(m->syms[i], prefix, 10))
			return m->syms[i] + 10;
	return NULL;
}

/* Is @fn the kernel's, not the program's? */
static int kernel_fn(const void *fn)
{
	return (uintptr_t)fn >= dusk_sess->kbase;
}

int dusk_paramops_set(const struct dusk_param *p, const char *v)
{
	const struct dusk_kparam_ops *ops = p->ops;
	struct dusk_kparam kp = kparam_of(p);
	const char *type;

	if (!ops->set)
		return -EPERM;
	if (!kernel_fn((const void *)ops->set))
		return ops->set(v, &kp);
	type = std_fn_type((const void *)ops->set, "param_set_");
	if (!type) {
		dusk_log(DUSK_LOG_ERROR, "dusk: parameter %s: its set is a kernel function "
			 "other than param_set_<type>: not supported", p->name);
		return -EOPNOTSUPP;
	}
	return dusk_param_std_set(p->name, type, p->addr, v);
}

int dusk_paramops_get(const struct dusk_param *p, uint64_t kbuf)
{
	const struct dusk_kparam_ops *ops = p->ops;
	struct dusk_kparam kp = kparam_of(p);
	const char *type;

	if (!ops->get)
		return -EPERM;
	if (!kernel_fn((const void *)ops->get))
		return ops->get((char *)(uintptr_t)kbuf, &kp);
	type = std_fn_type((const void *)ops->get, "param_get_");
	if (!type) {
		dusk_log(DUSK_LOG_ERROR, "dusk: parameter %s: its get is a kernel function "
			 "other than param_get_<type>: not supported", p->name);
		return -EOPNOTSUPP;
	}
	return dusk_kp_param_get(type, (char *)(uintptr_t)kbuf, &kp);
}

int dusk_paramops_defer(const struct dusk_param *p, const char *v)
{
	const struct dusk_kparam_ops *ops = p->ops;
	struct deferred *grown;
	char *copy = NULL;

	/* parse_one(): a value is needed unless the ops say otherwise (a
	 * flag the static initializer set, so known now) */
	if (!v && !(ops->flags & DUSK_KPARAM_OPS_FL_NOARG))
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
