// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/module/NAME/parameters/: the module's parameters where insmod
 * would show them, NAME being the module's own name (not dusk_NAME).
 *
 * The values live in the program, so a read or write of one of these
 * files is a blocking upcall (DUSK_UPCALL_PARAM) that the runtime serves
 * itself with the kernel's param_get_* / param_set_* semantics
 * (libduskrt/params.c).  The program names its parameters once, after
 * HELLO and before module_init (PARAMS: a name and a mode each, those with
 * a non-zero perm, as module_param_sysfs_setup() takes them); the kobject
 * is made then and removed when the session ends, however it ends.
 *
 * The directory is an ordinary kobject in the kernel's module kset
 * (module_kset is not exported; THIS_MODULE's kobject names it).  It is
 * not a struct module_kobject: only code that finds a *built-in* module by
 * name there assumes one (module_add_driver() for a built-in driver's
 * mod_name), and a built-in module of the same name would own the
 * directory already.  When NAME exists (the real NAME.ko is loaded, or a
 * built-in NAME has parameters) the program is told -EEXIST and the
 * parameters stay without a file, as the kernel would refuse the second
 * NAME.  While ours exists, insmod NAME.ko fails ("module is already
 * loaded", mod_sysfs_init()).  No uevent is sent for it.
 */
#include <linux/kobject.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "dusk-core.h"

struct dusk_mparam {
	struct attribute attr;	/* name and mode of parameters/NAME */
	u32 index;		/* in the program's PARAMS order */
};

struct dusk_mkobj {
	struct kobject kobj;	/* /sys/module/NAME */
	struct attribute_group grp;	/* "parameters" */
	u32 n;
	struct attribute **attrs;	/* n + 1, NULL-terminated */
	struct dusk_mparam p[];
};

/* The session's directory; under dusk_sess.lock. */
static struct dusk_mkobj *dusk_mk;

/* Blocking upcall @op on parameter @p with sysfs buffer @buf of @len. */
static s64 dusk_mparam_upcall(const struct dusk_mparam *p, u32 op, const char *buf,
			      size_t len)
{
	/* get: the page is lent for the text; set: the text is lent so that
	 * it comes prefetched (the runtime only reads it) */
	static const u32 lent_get[3] = { 0, PAGE_SIZE, 0 };
	static const u32 lent_set[3] = { 0, DUSK_LENT_ARG(2), 0 };
	u64 args[3] = { op, (u64)(uintptr_t)buf, len };

	return (s64)dusk_upcall_wait(p->index, DUSK_UPCALL_PARAM,
				     op == DUSK_PARAM_GET ? lent_get : lent_set, args, 3);
}

static ssize_t dusk_mparam_show(struct kobject *kobj, struct attribute *attr, char *buf)
{
	const struct dusk_mparam *p = container_of(attr, struct dusk_mparam, attr);
	s64 ret = dusk_mparam_upcall(p, DUSK_PARAM_GET, buf, PAGE_SIZE);

	/* sysfs_kf_seq_show() wants less than a page */
	return ret >= (s64)PAGE_SIZE ? -EIO : ret;
}

static ssize_t dusk_mparam_store(struct kobject *kobj, struct attribute *attr,
				 const char *buf, size_t len)
{
	const struct dusk_mparam *p = container_of(attr, struct dusk_mparam, attr);
	s64 ret = dusk_mparam_upcall(p, DUSK_PARAM_SET, buf, len);

	/* param_attr_store(): the whole write, or the setter's error */
	if (ret > 0)
		return -EIO;
	return ret ? ret : len;
}

static void dusk_mkobj_release(struct kobject *kobj)
{
	struct dusk_mkobj *mk = container_of(kobj, struct dusk_mkobj, kobj);
	u32 i;

	for (i = 0; i < mk->n; i++)
		kfree(mk->p[i].attr.name);
	kfree(mk->attrs);
	kfree(mk);
}

static const struct sysfs_ops dusk_mkobj_sysfs_ops = {
	.show = dusk_mparam_show,
	.store = dusk_mparam_store,
};

static struct kobj_type dusk_mkobj_ktype = {
	.sysfs_ops = &dusk_mkobj_sysfs_ops,
	.release = dusk_mkobj_release,
};

/* Parameter @i of the request from PARAM @nla: name and mode checked as
 * module_param() and sysfs would check them. */
static int dusk_mparam_parse(struct dusk_mkobj *mk, u32 i, const struct nlattr *nla,
			     struct netlink_ext_ack *extack)
{
	const char *name;
	u32 perm, j;
	int err;

	err = dusk_parse_param(nla, &name, &perm, extack);
	if (err)
		return err;
	/* VERIFY_OCTAL_PERMISSIONS(): not world-writable, none beyond 0777 */
	if (!perm || (perm & ~0777u) || (perm & 0002)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "PARAM PERM must be 1..0777, not world-writable");
		return -EINVAL;
	}
	if (!*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, "..")) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "PARAM NAME is not a file name");
		return -EINVAL;
	}
	for (j = 0; j < i; j++) {
		if (!strcmp(mk->p[j].attr.name, name)) {
			NL_SET_ERR_MSG_ATTR(extack, nla, "PARAM NAME given twice");
			return -EINVAL;
		}
	}
	mk->p[i].attr.name = kstrdup(name, GFP_KERNEL);
	if (!mk->p[i].attr.name)
		return -ENOMEM;
	/* create_files() keeps no more (an execute bit gets the kernel
	 * build a WARN, and the same mode) */
	mk->p[i].attr.mode = perm & 0664;
	mk->p[i].index = i;
	mk->attrs[i] = &mk->p[i].attr;
	return 0;
}

/* The request's PARAMs, parsed into a new, unregistered directory. */
static int dusk_mkobj_build(struct genl_info *info, struct dusk_mkobj **out)
{
	const struct nlattr *nla;
	struct dusk_mkobj *mk;
	int rem, err = 0;
	u32 n = 0;

	nla_for_each_attr(nla, genlmsg_data(info->genlhdr), genlmsg_len(info->genlhdr), rem)
		n += nla_type(nla) == DUSK_A_PARAM;
	if (n > DUSK_MAX_PARAMS) {
		NL_SET_ERR_MSG(info->extack, "more than DUSK_MAX_PARAMS PARAMs");
		return -EINVAL;
	}
	mk = kzalloc(struct_size(mk, p, n), GFP_KERNEL);
	if (!mk)
		return -ENOMEM;
	mk->attrs = kcalloc(n + 1, sizeof(*mk->attrs), GFP_KERNEL);
	if (!mk->attrs) {
		kfree(mk);
		return -ENOMEM;
	}
	dusk_for_each_attr_type(nla, DUSK_A_PARAM, info, rem) {
		err = dusk_mparam_parse(mk, mk->n, nla, info->extack);
		if (err)
			break;
		mk->n++;
	}
	if (err) {
		dusk_mkobj_release(&mk->kobj);
		return err;
	}
	mk->grp.name = "parameters";
	mk->grp.attrs = mk->attrs;
	*out = mk;
	return 0;
}

/* Make /sys/module/NAME for @mk.  Caller holds dusk_sess.lock. */
static int dusk_mkobj_add(struct dusk_mkobj *mk, struct netlink_ext_ack *extack)
{
	struct kset *modules = THIS_MODULE->mkobj.kobj.kset;
	struct kobject *other;
	int err;

	/* kobject_add() would succeed in failing, with a stack dump */
	other = kset_find_obj(modules, dusk_gen.modname);
	if (other) {
		kobject_put(other);
		NL_SET_ERR_MSG(extack, "/sys/module/NAME exists: the module is loaded already");
		dusk_mkobj_release(&mk->kobj);
		return -EEXIST;
	}
	mk->kobj.kset = modules;
	err = kobject_init_and_add(&mk->kobj, &dusk_mkobj_ktype, NULL, "%s", dusk_gen.modname);
	if (!err && mk->n)
		err = sysfs_create_group(&mk->kobj, &mk->grp);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot make /sys/module/NAME");
		kobject_put(&mk->kobj);	/* releases mk */
		return err;
	}
	dusk_mk = mk;
	return 0;
}

/**
 * dusk_nl_params() - PARAMS: PARAM { NAME, PERM }...; make /sys/module/NAME
 * with parameters/NAME for each.  Once per session: -EBUSY after that.
 * Context: process, the program's request (holds dusk_sess.use).
 */
int dusk_nl_params(struct sk_buff *skb, struct genl_info *info)
{
	struct dusk_mkobj *mk;
	int err;

	err = dusk_mkobj_build(info, &mk);
	if (err)
		return err;
	mutex_lock(&dusk_sess.lock);
	if (dusk_mk) {
		NL_SET_ERR_MSG(info->extack, "PARAMS was sent already");
		dusk_mkobj_release(&mk->kobj);
		err = -EBUSY;
	} else {
		err = dusk_mkobj_add(mk, info->extack);
	}
	mutex_unlock(&dusk_sess.lock);
	return err;
}

/**
 * dusk_params_remove() - remove /sys/module/NAME (the session ends).
 *
 * A read or write in progress has returned already (-ENOTCONN: the session
 * is not alive), new ones find no session; kobject_del() waits for any
 * still inside our show/store, so none runs after the module is gone.
 * Context: teardown, holds dusk_sess.lock.
 */
void dusk_params_remove(void)
{
	struct dusk_mkobj *mk = dusk_mk;

	if (!mk)
		return;
	dusk_mk = NULL;
	kobject_del(&mk->kobj);
	kobject_put(&mk->kobj);
}
