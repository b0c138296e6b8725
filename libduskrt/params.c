/* SPDX-License-Identifier: MIT */
/*
 * Module parameters: the program's command line is insmod's
 * (`./lwfw port=80 verbose ports=22,80`).  Each module_param becomes a
 * struct dusk_param; values are set and shown as the kernel's param_ops_*
 * do (kernel/params.c: kstrto* with base 0, kstrtobool, comma-separated
 * arrays, '-' and '_' equal in names, the texts of param_get_*), so a value
 * the kernel refuses is refused here too, with the same errno.  The same
 * setters and getters serve /sys/module/NAME/parameters/ (the kmod makes
 * the files, dispatch.c serves their reads and writes), under one lock as
 * kernel_param_lock() takes.  --help prints what modinfo would.
 *
 * What the kernel would say while loading goes where it would say it: an
 * unknown parameter is ignored with a warning in the kernel log, a value
 * it refuses is an error there and the load fails (EINVAL), reported the
 * way insmod reports it.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dusk/abi.h>
#include "rt-internal.h"

void dusk_kmsg(int level, const char *fmt, ...)
{
	char line[512], rec[520];
	va_list ap;
	ssize_t w;
	int fd, n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dusk_log(level <= 3 ? DUSK_LOG_ERROR : DUSK_LOG_WARN, "%s", line);
	/* the kernel log the line belongs in is the target's, not this one */
	if (dusk_remote)
		return;
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	/* One write(2) is one record.  Not dprintf(): glibc's asks the file
	 * its position first, and /dev/kmsg answers SEEK_CUR with EINVAL, so
	 * dprintf wrote nothing at all. */
	n = snprintf(rec, sizeof(rec), "<%d>%s\n", level, line);
	if (n > 0) {
		w = write(fd, rec, (size_t)n < sizeof(rec) ? (size_t)n : sizeof(rec) - 1);
		(void)w;
	}
	close(fd);
}

/* kmod's insmod: mod_strerror() in tools/insmod.c */
const char *dusk_insmod_strerror(int err)
{
	switch (err) {
	case ENOEXEC:
		return "Invalid module format";
	case ENOENT:
		return "Unknown symbol in module, or unknown parameter (see dmesg)";
	case ESRCH:
		return "Unknown symbol in module";
	case EINVAL:
		return "Invalid parameters";
	default:
		return strerror(err);
	}
}

static int name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];

		if (!a[i] || x != y)
			return 0;
	}
	return a[i] == '\0';
}

/* ---- lib/kstrtox.c, base 0 ---- */

/* _kstrtoull(): "0x" hex, "0" octal, else decimal; one '\n' may end it. */
static int k_strtoull_nosign(const char *s, unsigned long long *res)
{
	unsigned long long r = 0;
	unsigned int base = 10, n = 0, overflow = 0;

	if (s[0] == '0') {
		base = (s[1] | 0x20) == 'x' && isxdigit((unsigned char)s[2]) ? 16 : 8;
		if (base == 16)
			s += 2;
	}
	for (;; s++, n++) {
		unsigned int c = (unsigned char)*s, v;

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
			v = (c | 0x20) - 'a' + 10;
		else
			break;
		if (v >= base)
			break;
		if (r > (ULLONG_MAX - v) / base)
			overflow = 1;
		r = r * base + v;
	}
	if (overflow)
		return -ERANGE;
	if (!n)
		return -EINVAL;
	if (*s == '\n')
		s++;
	if (*s)
		return -EINVAL;
	*res = r;
	return 0;
}

static int k_strtoull(const char *s, unsigned long long *res)
{
	return k_strtoull_nosign(s[0] == '+' ? s + 1 : s, res);
}

static int k_strtoll(const char *s, long long *res)
{
	unsigned long long t;
	int err;

	if (s[0] == '-') {
		err = k_strtoull_nosign(s + 1, &t);
		if (err)
			return err;
		if ((long long)-t > 0)
			return -ERANGE;
		*res = (long long)-t;
		return 0;
	}
	err = k_strtoull(s, &t);
	if (err)
		return err;
	if ((long long)t < 0)
		return -ERANGE;
	*res = (long long)t;
	return 0;
}

/* kstrtobool: y/Y/t/T/1/on true, n/N/f/F/0/off false. */
static int k_strtobool(const char *v, bool *out)
{
	switch (v[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		return *out = true, 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		return *out = false, 0;
	case 'o': case 'O':
		if (v[1] == 'n' || v[1] == 'N')
			return *out = true, 0;
		if (v[1] == 'f' || v[1] == 'F')
			return *out = false, 0;
	}
	return -EINVAL;
}

/* ---- kernel/params.c: param_ops_* set and get ---- */

/* The integer types of STANDARD_PARAM_DEF: kstrto<type>, printed "fmt\n". */
static const struct int_type {
	const char *name;
	int is_signed;
	unsigned int size;
	long long min;
	unsigned long long max;
	const char *fmt;
} int_types[] = {
	{ "byte", 0, 1, 0, UINT8_MAX, "%llu\n" },
	{ "short", 1, 2, INT16_MIN, INT16_MAX, "%lld\n" },
	{ "ushort", 0, 2, 0, UINT16_MAX, "%llu\n" },
	{ "int", 1, 4, INT32_MIN, INT32_MAX, "%lld\n" },
	{ "uint", 0, 4, 0, UINT32_MAX, "%llu\n" },
	/* "%#08x" as the kernel's vsprintf prints it: 0 too gets its 0x */
	{ "hexint", 0, 4, 0, UINT32_MAX, "0x%06llx\n" },
	{ "long", 1, 8, INT64_MIN, INT64_MAX, "%lld\n" },
	{ "ulong", 0, 8, 0, UINT64_MAX, "%llu\n" },
	{ "ullong", 0, 8, 0, UINT64_MAX, "%llu\n" },
};

static const struct int_type *int_type(const char *type)
{
	unsigned int i;

	for (i = 0; i < sizeof(int_types) / sizeof(int_types[0]); i++)
		if (!strcmp(type, int_types[i].name))
			return &int_types[i];
	return NULL;
}

static void store(void *addr, uint32_t size, uint64_t v)
{
	switch (size) {
	case 1: *(uint8_t *)addr = (uint8_t)v; break;
	case 2: *(uint16_t *)addr = (uint16_t)v; break;
	case 4: *(uint32_t *)addr = (uint32_t)v; break;
	default: *(uint64_t *)addr = v; break;
	}
}

static uint64_t load(const void *addr, uint32_t size, int is_signed)
{
	switch (size) {
	case 1: return is_signed ? (uint64_t)*(const int8_t *)addr : *(const uint8_t *)addr;
	case 2: return is_signed ? (uint64_t)*(const int16_t *)addr : *(const uint16_t *)addr;
	case 4: return is_signed ? (uint64_t)*(const int32_t *)addr : *(const uint32_t *)addr;
	default: return *(const uint64_t *)addr;
	}
}

/* Strings param_set_charp() allocated: maybe_kfree_parameter() frees
 * only those (the initial value is the module's own). */
static pthread_mutex_t param_lock = PTHREAD_MUTEX_INITIALIZER;	/* kernel_param_lock() */
static char **charp_owned;
static size_t ncharp_owned;

static void charp_replace(char **slot, char *s)
{
	size_t i;

	for (i = 0; *slot && i < ncharp_owned; i++) {
		if (charp_owned[i] == *slot) {
			free(*slot);
			charp_owned[i] = charp_owned[--ncharp_owned];
			break;
		}
	}
	*slot = s;
}

static int charp_set(char **slot, const char *v, const char *name)
{
	char **grown;
	char *s;

	if (strnlen(v, 1025) == 1025) {
		dusk_kmsg(3, "%s: string parameter too long", name);
		return -ENOSPC;
	}
	s = strdup(v);
	grown = s ? realloc(charp_owned, (ncharp_owned + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(s);
		return -ENOMEM;
	}
	charp_owned = grown;
	charp_owned[ncharp_owned++] = s;
	charp_replace(slot, s);
	return 0;
}

/*
 * param_set_<type>(@v, one element at @addr of @size bytes) of parameter
 * @p; @v is NULL for "name" without '='.
 */
static int set_one(const struct dusk_param *p, const char *v, void *addr, uint32_t size)
{
	const struct int_type *it = int_type(p->type);
	bool b;
	int err;

	if (it) {
		if (!v)
			return -EINVAL;
		if (it->is_signed) {
			long long x;

			err = k_strtoll(v, &x);
			if (!err && (x < it->min || x > (long long)it->max))
				err = -ERANGE;
			if (!err)
				store(addr, size, (uint64_t)x);
		} else {
			unsigned long long x;

			err = k_strtoull(v, &x);
			if (!err && x > it->max)
				err = -ERANGE;
			if (!err)
				store(addr, size, x);
		}
		return err;
	}
	if (!strcmp(p->type, "bool") || !strcmp(p->type, "bint") ||
	    !strcmp(p->type, "bool_enable_only")) {
		/* param_set_bool(): no '=' means "set" */
		err = k_strtobool(v ? v : "1", &b);
		if (err)
			return err;
		/* param_set_bool_enable_only(): once set, it stays */
		if (p->type[1] == 'o' && p->type[4] == '_' && !b && load(addr, size, 0))
			return -EROFS;
		store(addr, size, b);
		return 0;
	}
	if (!strcmp(p->type, "invbool")) {
		if (!v)
			return -EINVAL;
		err = k_strtobool(v, &b);
		if (!err)
			store(addr, size, !b);
		return err;
	}
	if (!v)
		return -EINVAL;
	if (!strcmp(p->type, "charp"))
		return charp_set(addr, v, p->name);
	if (!strcmp(p->type, "string")) {
		/* param_set_copystring() */
		if (strnlen(v, size) == size) {
			dusk_kmsg(3, "%s: string doesn't fit in %u chars.", p->name, size - 1);
			return -ENOSPC;
		}
		strcpy(addr, v);
		return 0;
	}
	return -EOPNOTSUPP;
}

/* param_get_<type>() of the element at @addr into @buf (@cap bytes). */
static int get_one(const struct dusk_param *p, const void *addr, uint32_t size, char *buf,
		   size_t cap)
{
	const struct int_type *it = int_type(p->type);
	const char *s;
	int n;

	if (it)
		n = snprintf(buf, cap, it->fmt, load(addr, size, it->is_signed));
	else if (!strcmp(p->type, "bint"))	/* get is param_get_int */
		n = snprintf(buf, cap, "%d\n", (int)load(addr, size, 1));
	else if (!strcmp(p->type, "bool") || !strcmp(p->type, "bool_enable_only"))
		n = snprintf(buf, cap, "%c\n", load(addr, size, 0) ? 'Y' : 'N');
	else if (!strcmp(p->type, "invbool"))
		n = snprintf(buf, cap, "%c\n", load(addr, size, 0) ? 'N' : 'Y');
	else if (!strcmp(p->type, "charp") || !strcmp(p->type, "string")) {
		s = p->type[0] == 'c' ? *(char *const *)addr : addr;
		n = snprintf(buf, cap, "%s\n", s ? s : "(null)");
	} else
		return -EOPNOTSUPP;
	/* scnprintf(): what fitted */
	return n < 0 ? -EINVAL : (size_t)n >= cap ? (int)cap - 1 : n;
}

/* param_array_set() through param_array(): 1..max comma-separated
 * elements; the count is updated as they are taken, as the kernel does. */
static int set_array(const struct dusk_param *p, const char *v)
{
	unsigned int tmp, *num = p->nump ? p->nump : &tmp;
	char *copy, *val;
	char save;
	int err;

	if (!v)
		return -EINVAL;
	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	val = copy;
	*num = 0;
	do {
		size_t len;

		if (*num == p->max_elems) {
			dusk_kmsg(3, "%s: can only take %u arguments", p->name, p->max_elems);
			err = -EINVAL;
			goto out;
		}
		len = strcspn(val, ",");
		save = val[len];
		val[len] = '\0';
		err = set_one(p, val, (char *)p->addr + (size_t)*num * p->elem_size, p->elem_size);
		if (err)
			goto out;
		val += len + 1;
		(*num)++;
	} while (save == ',');
out:
	free(copy);
	return err;
}

/* param_array_get(): the elements' texts joined by ','. */
static int get_array(const struct dusk_param *p, char *buf, size_t cap)
{
	unsigned int i, n = p->nump ? *p->nump : p->max_elems;
	size_t off = 0;
	int r;

	if (n > p->max_elems)
		n = p->max_elems;
	for (i = 0; i < n && off < cap - 1; i++) {
		if (i)
			buf[off - 1] = ',';
		r = get_one(p, (const char *)p->addr + (size_t)i * p->elem_size, p->elem_size,
			    buf + off, cap - off);
		if (r < 0)
			return r;
		off += (size_t)r;
	}
	buf[off] = '\0';
	return (int)off;
}

static int set_param(const struct dusk_param *p, const char *v)
{
	if (p->ops || p->kops)
		return dusk_paramops_set(p, v);
	return p->max_elems ? set_array(p, v) : set_one(p, v, p->addr, p->elem_size);
}

/* Bytes of one variable of standard parameter type @type, or 0. */
static uint32_t std_size(const char *type)
{
#define STD_PARAM_SIZE(name, ctype)		\
	if (!strcmp(type, #name))		\
		return sizeof(ctype);
	DUSK_STD_PARAM_TYPES(STD_PARAM_SIZE)
#undef STD_PARAM_SIZE
	return 0;
}

int dusk_param_std_type(const char *type)
{
	return std_size(type) != 0;
}

int dusk_param_std_set(const char *name, const char *type, void *addr, const char *v)
{
	struct dusk_param p = { .name = name, .type = type, .addr = addr };
	uint32_t size = std_size(type);

	return size ? set_one(&p, v, addr, size) : -EOPNOTSUPP;
}

int dusk_param_std_get(const char *type, const void *addr, char *buf, size_t cap)
{
	struct dusk_param p = { .type = type };
	uint32_t size = std_size(type);

	return size ? get_one(&p, addr, size, buf, cap) : -EOPNOTSUPP;
}

int dusk_param_get(const struct dusk_param *p, char *buf, size_t cap)
{
	int n;

	pthread_mutex_lock(&param_lock);
	n = p->max_elems ? get_array(p, buf, cap) : get_one(p, p->addr, p->elem_size, buf, cap);
	pthread_mutex_unlock(&param_lock);
	return n;
}

int dusk_param_get_ops(const struct dusk_param *p, uint64_t kbuf)
{
	int n;

	pthread_mutex_lock(&param_lock);
	n = dusk_paramops_get(p, kbuf);
	pthread_mutex_unlock(&param_lock);
	return n;
}

int dusk_param_set(const struct dusk_param *p, const char *v)
{
	int err;

	pthread_mutex_lock(&param_lock);
	err = set_param(p, v);
	pthread_mutex_unlock(&param_lock);
	return err;
}

void dusk_param_refused(const struct dusk_module *m, const struct dusk_param *p, const char *v,
			int err)
{
	/* parse_args(): the load fails */
	if (err == -ENOSPC)
		dusk_kmsg(3, "%s: `%s' too large for parameter `%s'", m->name, v ? v : "",
			  p->name);
	else
		dusk_kmsg(3, "%s: `%s' invalid for parameter `%s'", m->name, v ? v : "", p->name);
}

int dusk_params_parse(const struct dusk_module *m, int argc, char **argv, int *help)
{
	int i;

	*help = 0;
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i], *eq = strchr(arg, '=');
		size_t nlen = eq ? (size_t)(eq - arg) : strlen(arg);
		unsigned int j;
		int err;

		if (!*arg)
			continue;	/* insmod joins its arguments: "" adds nothing */
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			*help = 1;
			continue;
		}
		for (j = 0; j < m->nparams; j++)
			if (name_eq(m->params[j].name, arg, nlen))
				break;
		if (j == m->nparams) {
			/* unknown_module_param_cb(): async_probe and dyndbg are
			 * the kernel's, anything else is ignored with a warning */
			if (name_eq("async_probe", arg, nlen) || name_eq("dyndbg", arg, nlen))
				continue;
			dusk_kmsg(4, "%s: unknown parameter '%.*s' ignored", m->name, (int)nlen, arg);
			continue;
		}
		if (m->params[j].ops || m->params[j].kops) {
			/* its set is module code, or kernel code run in the
			 * kernel: run once the session is up */
			err = dusk_paramops_defer(&m->params[j], eq ? eq + 1 : NULL);
			if (err)
				return err;
			continue;
		}
		err = dusk_param_set(&m->params[j], eq ? eq + 1 : NULL);
		if (err) {
			dusk_param_refused(m, &m->params[j], eq ? eq + 1 : NULL, err);
			dusk_log(DUSK_LOG_ERROR, "insmod: ERROR: could not insert module %s: %s",
				 m->name, dusk_insmod_strerror(-err));
			return err;
		}
	}
	return 0;
}

/* The @k-th parameter with a sysfs file (perm != 0), or NULL. */
const struct dusk_param *dusk_param_visible(const struct dusk_module *m, uint32_t k)
{
	unsigned int i;

	for (i = 0; i < m->nparams; i++)
		if (m->params[i].perm && k-- == 0)
			return &m->params[i];
	return NULL;
}

int dusk_params_publish(const struct dusk_module *m)
{
	struct dusk_answer ans = { 0 };
	struct dusk_msg msg;
	const struct dusk_param *p;
	uint32_t k;
	int err;

	err = dusk_msg_new(&msg, DUSK_CMD_PARAMS);
	for (k = 0; !err && (p = dusk_param_visible(m, k)); k++)
		err = dusk_msg_put_param(&msg, p->name, p->perm);
	if (!err)
		err = dusk_request(&msg, &ans);
	if (msg.buf)
		dusk_msg_fini(&msg);
	if (err == -EEXIST)
		dusk_log(DUSK_LOG_WARN, "dusk: /sys/module/%s exists (%s.ko loaded?): the "
			 "parameters have no files in sysfs", m->name, m->name);
	else if (err)
		dusk_log(DUSK_LOG_WARN, "dusk: /sys/module/%s not made: %s%s%s", m->name,
			 strerror(-err), ans.extack[0] ? ": " : "", ans.extack);
	dusk_answer_free(&ans);
	return err;
}

char *dusk_params_help(const struct dusk_module *m, const char *argv0)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned int i;

	if (!f)
		return NULL;
	fprintf(f, "usage: %s [param=value]...\n", argv0);
	fprintf(f, "Runs kernel module %s at user level (needs dusk_%s.ko loaded).\n\n",
		m->name, m->name);
	for (i = 0; m->modinfo && m->modinfo[i]; i++) {
		const char *eq = strchr(m->modinfo[i], '=');

		char key[64];

		if (!eq)
			continue;
		/* modinfo's layout: "license:        GPL" */
		snprintf(key, sizeof(key), "%.*s:", (int)(eq - m->modinfo[i]), m->modinfo[i]);
		fprintf(f, "%-16s%s\n", key, eq + 1);
	}
	if (m->nparams)
		fprintf(f, "\nparameters:\n");
	for (i = 0; i < m->nparams; i++) {
		const struct dusk_param *p = &m->params[i];

		if (!p->type)	/* module_param_cb(): modinfo shows no type */
			fprintf(f, "  %s:%s\n", p->name, p->desc ? p->desc : "");
		else
			fprintf(f, "  %s:%s (%s%s)\n", p->name, p->desc ? p->desc : "",
				p->max_elems ? "array of " : "", p->type);
	}
	fclose(f);
	return buf;
}
