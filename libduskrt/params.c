/* SPDX-License-Identifier: MIT */
/*
 * Module parameters: the program's command line is insmod's
 * (`./lwfw port=80 verbose ports=22,80`).  Each module_param becomes a
 * struct dusk_param; values are parsed as the kernel's param_ops_* would
 * (kstrto* with base 0, kstrtobool, comma-separated arrays, '-' and '_'
 * equal in names), so a value the kernel refuses is refused here too.
 * --help prints what modinfo would: description, license, parameters.
 *
 * What the kernel would say while loading goes where it would say it: an
 * unknown parameter is ignored with a warning in the kernel log, a value
 * it refuses is an error there and the load fails (EINVAL), reported the
 * way insmod reports it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt-internal.h"

void dusk_kmsg(int level, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	dusk_log(level <= 3 ? DUSK_LOG_ERROR : DUSK_LOG_WARN, "%s", line);
	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = dprintf(fd, "<%d>%s\n", level, line);
	(void)n;
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

/* kstrtobool: y/Y/t/T/1/on true, n/N/f/F/0/off false. */
static int parse_bool(const char *v, int *out)
{
	if (!v)
		return *out = 1, 0;
	switch (v[0]) {
	case 'y': case 'Y': case 't': case 'T': case '1':
		return *out = 1, 0;
	case 'n': case 'N': case 'f': case 'F': case '0':
		return *out = 0, 0;
	case 'o': case 'O':
		if (v[1] == 'n' || v[1] == 'N')
			return *out = 1, 0;
		if (v[1] == 'f' || v[1] == 'F')
			return *out = 0, 0;
	}
	return -EINVAL;
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

/* One value of type @type into @addr (@size bytes). */
static int parse_one(const char *type, const char *v, void *addr, uint32_t size)
{
	static const struct { const char *name; int is_signed; int64_t min; uint64_t max; } ints[] = {
		{ "byte", 0, 0, UINT8_MAX },
		{ "short", 1, INT16_MIN, INT16_MAX },
		{ "ushort", 0, 0, UINT16_MAX },
		{ "int", 1, INT32_MIN, INT32_MAX },
		{ "uint", 0, 0, UINT32_MAX },
		{ "hexint", 0, 0, UINT32_MAX },
		{ "long", 1, INT64_MIN, INT64_MAX },
		{ "ulong", 0, 0, UINT64_MAX },
		{ "ullong", 0, 0, UINT64_MAX },
	};
	unsigned int i;
	char *end;
	int b;

	if (!strcmp(type, "bool") || !strcmp(type, "invbool")) {
		if (parse_bool(v, &b))
			return -EINVAL;
		store(addr, size, type[0] == 'i' ? !b : b);
		return 0;
	}
	if (!v)
		return -EINVAL;
	if (!strcmp(type, "charp")) {
		char *s = strdup(v);

		if (!s)
			return -ENOMEM;
		*(char **)addr = s;
		return 0;
	}
	if (!strcmp(type, "string")) {
		if (strlen(v) + 1 > size)
			return -ENOSPC;
		strcpy(addr, v);
		return 0;
	}
	for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		if (strcmp(type, ints[i].name))
			continue;
		errno = 0;
		if (ints[i].is_signed) {
			long long x = strtoll(v, &end, 0);

			if (errno || end == v || *end || x < ints[i].min || x > (int64_t)ints[i].max)
				return -EINVAL;
			store(addr, size, (uint64_t)x);
		} else {
			unsigned long long x;

			if (v[0] == '-')
				return -EINVAL;
			x = strtoull(v, &end, 0);
			if (errno || end == v || *end || x > ints[i].max)
				return -EINVAL;
			store(addr, size, x);
		}
		return 0;
	}
	return -EOPNOTSUPP;
}

static int parse_param(const struct dusk_param *p, const char *v)
{
	char *copy, *tok, *save = NULL;
	unsigned int n = 0;
	int err = 0;

	if (!p->max_elems)
		return parse_one(p->type, v, p->addr, p->elem_size);
	if (!v)
		return -EINVAL;
	copy = strdup(v);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok && !err; tok = strtok_r(NULL, ",", &save)) {
		if (n == p->max_elems) {
			err = -EINVAL;
			break;
		}
		err = parse_one(p->type, tok, (char *)p->addr + (size_t)n * p->elem_size,
				p->elem_size);
		n++;
	}
	free(copy);
	if (!err && p->nump)
		*p->nump = n;
	return err;
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
			/* unknown_module_param_cb(): ignored, with a warning */
			dusk_kmsg(4, "%s: unknown parameter '%.*s' ignored", m->name, (int)nlen, arg);
			continue;
		}
		err = parse_param(&m->params[j], eq ? eq + 1 : NULL);
		if (err) {
			/* parse_args(): the load fails */
			if (err == -ENOSPC)
				dusk_kmsg(3, "%s: `%s' too large for parameter `%s'", m->name,
					  eq ? eq + 1 : "", m->params[j].name);
			else
				dusk_kmsg(3, "%s: `%s' invalid for parameter `%s'", m->name,
					  eq ? eq + 1 : "", m->params[j].name);
			dusk_log(DUSK_LOG_ERROR, "insmod: ERROR: could not insert module %s: %s",
				 m->name, dusk_insmod_strerror(-err));
			return err;
		}
	}
	return 0;
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

		fprintf(f, "  %s:%s (%s%s)\n", p->name, p->desc ? p->desc : "", p->max_elems ? "array of " : "",
			p->type);
	}
	fclose(f);
	return buf;
}
