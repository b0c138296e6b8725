/* SPDX-License-Identifier: MIT */
/*
 * Fault injection at the boundary (`dusk-run --fail SPEC`, DUSK_FAIL).
 *
 * Every kernel call of the module goes through dusk_call(), so a call can
 * be made to fail without reaching the kernel: it returns what the kernel
 * function returns when it fails -- NULL from an allocation, -ENOMEM from
 * a registration, "nothing copied" from a user copy -- and the module's
 * own error path runs against the live kernel.  kfail_table below says
 * which kernel functions can fail and how (docs/kapi.md "Fault
 * injection"); a spec may name any other kernel function with an explicit
 * value.
 *
 * SPEC is a comma-separated list of
 *   NAME@N[=VALUE]   the N-th call of NAME fails (N counts from 1)
 *   NAME@*[=VALUE]   every call of NAME fails
 *   #K               the K-th call of any function of the table fails
 * NAME is a kernel function as the module calls it, or a family the table
 * gives (kmalloc: every kmalloc variant kmalloc/kzalloc/kcalloc expand to;
 * copy_from_user, copy_to_user).  VALUE is a number, NULL, or -EXXX.
 * Each injected failure is reported with the module's source line.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

enum kfail_how {
	KF_NULL,	/* returns NULL (or 0) */
	KF_ERRNO,	/* returns a negative errno */
	KF_ERR_PTR,	/* returns ERR_PTR(errno) */
	KF_ARG,		/* returns its argument @value: bytes not copied */
};

struct kfail_fn {
	const char *name;	/* the kernel function (a stub's name up to '#') */
	const char *family;	/* or NULL */
	enum kfail_how how;
	int value;		/* errno, or the argument index for KF_ARG */
};

/* Kernel functions that can fail, and how (include/linux/slab.h, ...). */
static const struct kfail_fn kfail_table[] = {
	/* what the rewriter keeps whole (rewriter/kapi-table.c), and what
	 * slab.h's inlines call when it does not */
	{ "kmalloc", "kmalloc", KF_NULL, 0 },
	{ "kzalloc", "kmalloc", KF_NULL, 0 },
	{ "kcalloc", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_array", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_node", "kmalloc", KF_NULL, 0 },
	{ "kzalloc_node", "kmalloc", KF_NULL, 0 },
	{ "kcalloc_node", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_array_node", "kmalloc", KF_NULL, 0 },
	{ "__kmalloc", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_trace", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_large", "kmalloc", KF_NULL, 0 },
	{ "__kmalloc_node", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_node_trace", "kmalloc", KF_NULL, 0 },
	{ "kmalloc_large_node", "kmalloc", KF_NULL, 0 },
	{ "krealloc", NULL, KF_NULL, 0 },
	{ "kmemdup", NULL, KF_NULL, 0 },
	{ "kmemdup_nul", NULL, KF_NULL, 0 },
	{ "kstrdup", NULL, KF_NULL, 0 },
	{ "kstrndup", NULL, KF_NULL, 0 },
	{ "kasprintf", NULL, KF_NULL, 0 },
	{ "kvasprintf", NULL, KF_NULL, 0 },
	{ "memdup_user", NULL, KF_ERR_PTR, ENOMEM },
	{ "memdup_user_nul", NULL, KF_ERR_PTR, ENOMEM },
	{ "vmemdup_user", NULL, KF_ERR_PTR, ENOMEM },
	{ "strndup_user", NULL, KF_ERR_PTR, ENOMEM },
	{ "kmem_cache_alloc", NULL, KF_NULL, 0 },
	{ "kmem_cache_zalloc", NULL, KF_NULL, 0 },
	{ "kmem_cache_alloc_node", NULL, KF_NULL, 0 },
	{ "kmem_cache_create", NULL, KF_NULL, 0 },
	{ "kmem_cache_create_usercopy", NULL, KF_NULL, 0 },
	{ "vmalloc", "vmalloc", KF_NULL, 0 },
	{ "vzalloc", "vmalloc", KF_NULL, 0 },
	{ "__vmalloc", "vmalloc", KF_NULL, 0 },
	{ "vmalloc_user", "vmalloc", KF_NULL, 0 },
	{ "vmalloc_32", "vmalloc", KF_NULL, 0 },
	{ "vmalloc_32_user", "vmalloc", KF_NULL, 0 },
	{ "vmalloc_node", "vmalloc", KF_NULL, 0 },
	{ "vzalloc_node", "vmalloc", KF_NULL, 0 },
	{ "kvmalloc", NULL, KF_NULL, 0 },
	{ "kvzalloc", NULL, KF_NULL, 0 },
	{ "kvcalloc", NULL, KF_NULL, 0 },
	{ "kvmalloc_array", NULL, KF_NULL, 0 },
	{ "kvmalloc_node", NULL, KF_NULL, 0 },
	{ "__get_free_pages", NULL, KF_NULL, 0 },
	{ "get_zeroed_page", NULL, KF_NULL, 0 },
	{ "__alloc_skb", NULL, KF_NULL, 0 },
	{ "__netdev_alloc_skb", NULL, KF_NULL, 0 },
	{ "skb_clone", NULL, KF_NULL, 0 },
	{ "skb_copy", NULL, KF_NULL, 0 },
	{ "__pskb_copy_fclone", NULL, KF_NULL, 0 },
	{ "skb_copy_expand", NULL, KF_NULL, 0 },
	{ "skb_realloc_headroom", NULL, KF_NULL, 0 },
	{ "alloc_workqueue", NULL, KF_NULL, 0 },
	{ "proc_create", NULL, KF_NULL, 0 },
	{ "proc_create_data", NULL, KF_NULL, 0 },
	{ "proc_create_seq_private", NULL, KF_NULL, 0 },
	{ "proc_create_single_data", NULL, KF_NULL, 0 },
	{ "proc_mkdir", NULL, KF_NULL, 0 },
	{ "proc_mkdir_mode", NULL, KF_NULL, 0 },
	{ "kobject_create_and_add", NULL, KF_NULL, 0 },
	{ "kset_create_and_add", NULL, KF_NULL, 0 },
	{ "register_sysctl", NULL, KF_NULL, 0 },
	{ "register_sysctl_table", NULL, KF_NULL, 0 },
	{ "kthread_create_on_node", NULL, KF_ERR_PTR, ENOMEM },
	{ "__class_create", NULL, KF_ERR_PTR, ENOMEM },
	{ "device_create", NULL, KF_ERR_PTR, ENOMEM },
	{ "debugfs_create_dir", NULL, KF_ERR_PTR, ENOMEM },
	{ "debugfs_create_file", NULL, KF_ERR_PTR, ENOMEM },
	{ "nf_register_net_hook", NULL, KF_ERRNO, ENOMEM },
	{ "nf_register_net_hooks", NULL, KF_ERRNO, ENOMEM },
	{ "xt_register_match", NULL, KF_ERRNO, ENOMEM },
	{ "xt_register_matches", NULL, KF_ERRNO, ENOMEM },
	{ "xt_register_target", NULL, KF_ERRNO, ENOMEM },
	{ "xt_register_targets", NULL, KF_ERRNO, ENOMEM },
	{ "misc_register", NULL, KF_ERRNO, EBUSY },
	{ "__register_chrdev", NULL, KF_ERRNO, EBUSY },
	{ "register_chrdev_region", NULL, KF_ERRNO, EBUSY },
	{ "alloc_chrdev_region", NULL, KF_ERRNO, ENOMEM },
	{ "cdev_add", NULL, KF_ERRNO, ENOMEM },
	{ "sysfs_create_group", NULL, KF_ERRNO, ENOMEM },
	{ "sysfs_create_file_ns", NULL, KF_ERRNO, ENOMEM },
	{ "kobject_init_and_add", NULL, KF_ERRNO, ENOMEM },
	{ "register_netdevice_notifier", NULL, KF_ERRNO, ENOMEM },
	{ "register_pernet_subsys", NULL, KF_ERRNO, ENOMEM },
	{ "register_pernet_device", NULL, KF_ERRNO, ENOMEM },
	{ "genl_register_family", NULL, KF_ERRNO, ENOMEM },
	{ "configfs_register_subsystem", NULL, KF_ERRNO, ENOMEM },
	{ "register_filesystem", NULL, KF_ERRNO, EBUSY },
	/* what allocates behind the module's back (fs/seq_file.c,
	 * net/core/skbuff.c, lib/kfifo.c, crypto/) */
	{ "seq_open", NULL, KF_ERRNO, ENOMEM },
	{ "single_open", NULL, KF_ERRNO, ENOMEM },
	{ "single_open_size", NULL, KF_ERRNO, ENOMEM },
	{ "seq_open_private", NULL, KF_ERRNO, ENOMEM },
	{ "__seq_open_private", NULL, KF_NULL, 0 },
	{ "pskb_expand_head", NULL, KF_ERRNO, ENOMEM },
	{ "skb_ensure_writable", NULL, KF_ERRNO, ENOMEM },
	{ "__kfifo_alloc", NULL, KF_ERRNO, ENOMEM },
	{ "crypto_alloc_shash", NULL, KF_ERR_PTR, ENOMEM },
	/* the rewriter keeps copy_*_user() (and get_user/put_user) whole */
	{ "copy_from_user", "copy_from_user", KF_ARG, 2 },
	{ "copy_to_user", "copy_to_user", KF_ARG, 2 },
	{ "_copy_from_user", "copy_from_user", KF_ARG, 2 },
	{ "_copy_to_user", "copy_to_user", KF_ARG, 2 },
	{ "clear_user", NULL, KF_ARG, 1 },
	{ "__clear_user", NULL, KF_ARG, 1 },
	{ "strncpy_from_user", NULL, KF_ERRNO, EFAULT },
	{ "simple_write_to_buffer", NULL, KF_ERRNO, EFAULT },
	{ "simple_read_from_buffer", NULL, KF_ERRNO, EFAULT },
};

struct kfail_rule {
	char name[64];		/* function or family; "" for #K */
	unsigned long nth;	/* 0: every call */
	int has_value;
	uint64_t value;
	unsigned long seen;	/* calls counted so far */
};

#define KFAIL_MAX_RULES 32

static struct kfail_rule rules[KFAIL_MAX_RULES];
static unsigned int nrules;
static unsigned long fallible_calls;	/* calls of table functions, for --fail-sweep */
static pthread_mutex_t kfail_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct {
	const char *name;
	int err;
} errnames[] = {
	{ "ENOMEM", ENOMEM }, { "EBUSY", EBUSY }, { "EFAULT", EFAULT }, { "EINVAL", EINVAL },
	{ "EIO", EIO }, { "EAGAIN", EAGAIN }, { "EPERM", EPERM }, { "ENODEV", ENODEV },
	{ "EEXIST", EEXIST }, { "ENOSPC", ENOSPC }, { "ENOENT", ENOENT },
};

/* Kernel function @fn's entry in the table, or NULL. */
static const struct kfail_fn *kfail_lookup(const char *fn, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(kfail_table) / sizeof(kfail_table[0]); i++)
		if (strlen(kfail_table[i].name) == len && !strncmp(kfail_table[i].name, fn, len))
			return &kfail_table[i];
	return NULL;
}

/* Any other allocator the rewriter marks (DUSK_STUB_ALLOC) fails as
 * kmalloc does. */
static const struct kfail_fn kfail_alloc = { "", NULL, KF_NULL, 0 };

/* How stub @i of @m fails, or NULL when it cannot. */
static const struct kfail_fn *kfail_of(const struct dusk_module *m, uint32_t i)
{
	const char *stub = m->stubs[i];
	const struct kfail_fn *f = kfail_lookup(stub, strcspn(stub, "#"));

	if (!f && m->stub_flags && (m->stub_flags[i] & DUSK_STUB_ALLOC))
		f = &kfail_alloc;
	return f;
}

/* Does rule name @rule name stub @stub (its kernel function, or family)? */
static int kfail_names(const char *rule, const char *stub)
{
	size_t len = strcspn(stub, "#");
	const struct kfail_fn *f = kfail_lookup(stub, len);

	if (strlen(rule) == len && !strncmp(rule, stub, len))
		return 1;
	return f && f->family && !strcmp(f->family, rule);
}

static int parse_value(const char *s, uint64_t *v)
{
	char *end;
	size_t i;

	if (!strcmp(s, "NULL")) {
		*v = 0;
		return 0;
	}
	if (s[0] == '-' && isalpha((unsigned char)s[1])) {
		for (i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++) {
			if (!strcmp(s + 1, errnames[i].name)) {
				*v = (uint64_t)(int64_t)-errnames[i].err;
				return 0;
			}
		}
		return -EINVAL;
	}
	errno = 0;
	*v = (uint64_t)strtoll(s, &end, 0);
	return errno || end == s || *end ? -EINVAL : 0;
}

/* One NAME@N[=VALUE] or #K into @r. */
static int parse_rule(char *s, struct kfail_rule *r)
{
	char *at, *eq, *end;

	memset(r, 0, sizeof(*r));
	if (s[0] == '#') {
		r->nth = strtoul(s + 1, &end, 10);
		return r->nth && !*end ? 0 : -EINVAL;
	}
	at = strchr(s, '@');
	if (!at || at == s || (size_t)(at - s) >= sizeof(r->name))
		return -EINVAL;
	memcpy(r->name, s, (size_t)(at - s));
	eq = strchr(at, '=');
	if (eq) {
		*eq = '\0';
		if (parse_value(eq + 1, &r->value))
			return -EINVAL;
		r->has_value = 1;
	}
	if (!strcmp(at + 1, "*"))
		return 0;
	r->nth = strtoul(at + 1, &end, 10);
	return r->nth && !*end ? 0 : -EINVAL;
}

/* Does the module call anything rule @r names? */
static int kfail_rule_reaches(const struct dusk_module *m, const struct kfail_rule *r,
			      int *known)
{
	unsigned int i;
	int found = 0;

	*known = 0;
	for (i = 0; i < m->nstubs; i++) {
		if (!kfail_names(r->name, m->stubs[i]))
			continue;
		found = 1;
		if (kfail_of(m, i))
			*known = 1;
	}
	return found;
}

int dusk_kfail_setup(const struct dusk_module *m, const char *spec)
{
	char *copy, *tok, *save = NULL;
	int known, err = 0;

	nrules = 0;
	fallible_calls = 0;
	if (!spec || !*spec)
		return 0;
	copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		struct kfail_rule *r = &rules[nrules];
		char shown[96];

		snprintf(shown, sizeof(shown), "%s", tok);
		if (nrules == KFAIL_MAX_RULES) {
			dusk_log(DUSK_LOG_ERROR, "dusk: --fail: more than %d rules", KFAIL_MAX_RULES);
			err = -EINVAL;
		} else if (parse_rule(tok, r)) {
			dusk_log(DUSK_LOG_ERROR, "dusk: --fail: '%s' is not NAME@N[=VALUE], "
				 "NAME@*[=VALUE] or #K (VALUE: a number, NULL or -EXXX)", shown);
			err = -EINVAL;
		} else if (r->name[0] && !kfail_rule_reaches(m, r, &known)) {
			dusk_log(DUSK_LOG_ERROR, "dusk: --fail: module %s never calls %s", m->name,
				 r->name);
			err = -EINVAL;
		} else if (r->name[0] && !known && !r->has_value) {
			dusk_log(DUSK_LOG_ERROR, "dusk: --fail: how %s fails is not known: give "
				 "its failure value (%s=-ENOMEM, %s=NULL)", r->name, shown, shown);
			err = -EINVAL;
		} else {
			nrules++;
		}
	}
	free(copy);
	if (err)
		nrules = 0;
	return err;
}

/* What a failing call of @f returns. */
static uint64_t kfail_result(const struct kfail_fn *f, const uint64_t *args, unsigned int nargs)
{
	switch (f->how) {
	case KF_ERRNO:
	case KF_ERR_PTR:
		return (uint64_t)(int64_t)-f->value;
	case KF_ARG:
		return (unsigned int)f->value < nargs ? args[f->value] : 0;
	default:
		return 0;
	}
}

int dusk_kfail_check(const struct dusk_module *m, uint32_t idx, const uint64_t *args,
		     unsigned int nargs, uint64_t *ret, unsigned long *nth)
{
	const struct kfail_fn *f;
	const struct kfail_rule *hit = NULL;
	const char *stub;
	unsigned int i;

	if (!nrules || idx >= m->nstubs)
		return 0;
	stub = m->stubs[idx];
	f = kfail_of(m, idx);
	pthread_mutex_lock(&kfail_lock);
	if (f)
		fallible_calls++;
	for (i = 0; i < nrules; i++) {
		struct kfail_rule *r = &rules[i];

		if (r->name[0] ? !kfail_names(r->name, stub) : !f)
			continue;
		r->seen++;
		if (!hit && (!r->nth || r->seen == r->nth)) {
			hit = r;
			*nth = r->seen;
		}
	}
	pthread_mutex_unlock(&kfail_lock);
	if (!hit)
		return 0;
	*ret = hit->has_value ? hit->value : kfail_result(f, args, nargs);
	return hit->name[0] ? 1 : 2;
}

/*
 * How many calls of functions that can fail the module made under --fail:
 * `dusk-run --fail-sweep` fails #1, #2, ... until a run makes fewer calls
 * than the one it was told to fail.  Tools read this line.
 */
void dusk_kfail_report(void)
{
	if (nrules)
		dusk_log(DUSK_LOG_INFO, "dusk: --fail: kernel calls that can fail: %lu",
			 fallible_calls);
}
