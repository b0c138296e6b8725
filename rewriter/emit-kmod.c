// SPDX-License-Identifier: GPL-2.0
/*
 * The generated kernel module kmod/: dusk_<mod>_gen.c, the part that
 * dusk-kmod/dusk-gen.h defines (stub table, symbol table, proxies, undo
 * table, layout assertions), a Kbuild that links it with the dusk-kmod core,
 * and copies of the core, dusk-gen.h and dusk/protocol.h so that kmod/ builds
 * on its own with `make -C $KDIR M=$PWD/kmod`.
 *
 * The file includes the headers the module itself includes, so every kernel
 * function and variable is declared exactly as the module saw it.  Pointer
 * arguments and parameters are passed as void *: the same ABI, and the
 * generated code never needs the module's private types.
 */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "rewriter.h"
#include "typegen.h"


/* A pointer, or an array parameter (`const char namefmt[]`), which is one. */
static int is_pointer(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return k == CXType_Pointer || k == CXType_IncompleteArray ||
	       k == CXType_ConstantArray;
}

static int is_void(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Void;
}

/* A scalar type spelled so kernel headers accept it: canonical, with
 * anonymous enums replaced by their integer type. */
static char *kscalar(CXType t)
{
	CXType c = clang_getCanonicalType(t);

	if (is_pointer(c))
		return xstrdup("void *");
	if (c.kind == CXType_Enum)
		c = clang_getEnumDeclIntegerType(clang_getTypeDeclaration(c));
	c = clang_getCanonicalType(c);
	{
		char *s = cxs_take(clang_getTypeSpelling(c));
		char *p;

		/* qualifiers do not matter for a value */
		while ((p = strstr(s, "const ")) || (p = strstr(s, "volatile "))) {
			size_t n = p[0] == 'c' ? 6 : 9;

			memmove(p, p + n, strlen(p + n) + 1);
		}
		return s;
	}
}

static void put_arg(struct sb *b, CXType t, int i)
{
	char *s = kscalar(t);

	if (is_pointer(t))
		sb_printf(b, "(void *)(uintptr_t)a[%d]", i);
	else
		sb_printf(b, "(%s)a[%d]", s, i);
	free(s);
}

static void emit_stub(struct rw *rw, struct sb *b, int id)
{
	const struct rw_stub *st = &rw->stubs[id];
	int indirect = !st->callee[0], i, base = indirect ? 1 : 0;
	struct sb call = { 0 };
	char *ret = kscalar(st->ret);

	(void)rw;
	if (st->flags & STUB_PRINTK) {
		sb_printf(b, "/* %s */\nstatic u64 dusk_stub_%d(const u64 *a)\n{\n"
			  "\tchar *buf = dusk_text_buf();\n\n"
			  "\tsnprintf(buf, DUSK_MAX_TEXT, (const char *)(uintptr_t)a[0]", st->sig, id);
		for (i = 1; i < st->nargs; i++) {
			sb_puts(b, ", ");
			put_arg(b, st->args[i], i);
		}
		sb_puts(b, ");\n\treturn (u64)printk(\"%s\", buf);\n}\n\n");
		free(ret);
		return;
	}
	if (indirect) {
		sb_printf(&call, "((%s (*)(", ret);
		for (i = 0; i < st->nargs; i++) {
			char *s = kscalar(st->args[i]);

			sb_printf(&call, "%s%s", i ? ", " : "", s);
			free(s);
		}
		sb_printf(&call, "%s))(uintptr_t)a[0])(", st->nargs ? "" : "void");
	} else {
		sb_printf(&call, "%s(", st->callee);
	}
	for (i = 0; i < st->nargs; i++) {
		if (i)
			sb_puts(&call, ", ");
		put_arg(&call, st->args[i], i + base);
	}
	sb_puts(&call, ")");
	sb_printf(b, "/* %s */\nstatic u64 dusk_stub_%d(const u64 *a)\n{\n", st->sig, id);
	if (!st->nargs && !indirect)
		sb_puts(b, "\t(void)a;\n");
	if (is_void(st->ret))
		sb_printf(b, "\t%s;\n\treturn 0;\n}\n\n", sb_str(&call));
	else if (is_pointer(st->ret))
		sb_printf(b, "\treturn (u64)(uintptr_t)%s;\n}\n\n", sb_str(&call));
	else
		sb_printf(b, "\treturn (u64)%s;\n}\n\n", sb_str(&call));
	sb_free(&call);
	free(ret);
}

static void emit_proxy(struct sb *b, const struct rw_proxy *p, int id)
{
	CXType t = clang_getCursorType(p->fn);
	int i, n = clang_getNumArgTypes(t);
	char *ret = kscalar(clang_getResultType(t));

	if (p->kind == PROXY_NF_HOOK) {
		sb_printf(b, "static unsigned int dusk_proxy_%s(void *priv, struct sk_buff *skb,\n"
			  "\t\t\t\tconst struct nf_hook_state *state)\n{\n"
			  "\treturn dusk_upcall_nf_hook(%d, priv, skb, state);\n}\n\n", p->name, id);
		free(ret);
		return;
	}
	sb_printf(b, "static %s dusk_proxy_%s(", ret, p->name);
	for (i = 0; i < n; i++) {
		char *s = kscalar(clang_getArgType(t, i));

		sb_printf(b, "%s%s a%d", i ? ", " : "", s, i);
		free(s);
	}
	sb_printf(b, "%s)\n{\n", n ? "" : "void");
	if (n) {
		sb_printf(b, "\tu64 a[%d] = { ", n);
		for (i = 0; i < n; i++)
			sb_printf(b, "%s(u64)%sa%d", i ? ", " : "",
				  is_pointer(clang_getArgType(t, i)) ? "(uintptr_t)" : "", i);
		sb_puts(b, " };\n\n");
	}
	if (p->kind == PROXY_ASYNC)
		sb_printf(b, "\tdusk_upcall_async(%d, %s, %d);\n}\n\n", id, n ? "a" : "NULL", n);
	else if (is_void(clang_getResultType(t)))
		sb_printf(b, "\tdusk_upcall_blocking(%d, %s, %d);\n}\n\n", id, n ? "a" : "NULL", n);
	else
		sb_printf(b, "\treturn (%s)%sdusk_upcall_blocking(%d, %s, %d);\n}\n\n", ret,
			  is_pointer(clang_getResultType(t)) ? "(uintptr_t)" : "", id,
			  n ? "a" : "NULL", n);
	free(ret);
}

static int stub_by_callee(const struct rw *rw, const char *name)
{
	size_t i;

	for (i = 0; i < rw->nstubs; i++)
		if (!rw->stubs[i].variadic && !strcmp(rw->stubs[i].callee, name))
			return (int)i;
	return -1;
}

static const char *const kinds[] = { "DUSK_PROXY_NF_HOOK", "DUSK_PROXY_BLOCKING", "DUSK_PROXY_ASYNC" };

static void emit_gen(struct rw *rw, struct sb *b, const char *layout_checks)
{
	size_t i, nundo, nu = 0;
	const struct kapi_undo *undo = kapi_undo_table(&nundo);
	const char *m = rw->modname;

	sb_printf(b, "// SPDX-License-Identifier: GPL-2.0\n"
		  "/* Generated by dusk-rewrite from %s: do not edit.\n"
		  " * The generated part of dusk_%s.ko (dusk-gen.h): one typed stub per\n"
		  " * kernel call, the kernel symbols the module uses, one proxy per module\n"
		  " * callback, the undo table and the layout assertions. */\n", rw->src, m);
	for (i = 0; i < rw->nincludes; i++)
		sb_printf(b, "#include %s\n", rw->includes[i]);
	sb_puts(b, "#include <linux/build_bug.h>\n#include <linux/kernel.h>\n"
		"#include <dusk/protocol.h>\n#include \"dusk-gen.h\"\n\n");
	for (i = 0; i < rw->nstubs; i++)
		emit_stub(rw, b, (int)i);
	for (i = 0; i < rw->nproxies; i++)
		emit_proxy(b, &rw->proxies[i], (int)i);

	sb_printf(b, "static const struct dusk_stub_desc dusk_stubs[] = {\n");
	for (i = 0; i < rw->nstubs; i++)
		sb_printf(b, "\t{ \"%s\", dusk_stub_%zu, %d, 0x%x },\n", rw->stubs[i].name, i,
			  rw->stubs[i].nargs + !rw->stubs[i].callee[0], rw->stubs[i].flags);
	sb_puts(b, "\t{ NULL },\n};\n\n");
	sb_printf(b, "static const struct dusk_sym_desc dusk_syms[] = {\n");
	for (i = 0; i < rw->nsyms; i++)
		sb_printf(b, "\t{ \"%s\", %s%s },\n", rw->syms[i].name,
			  rw->syms[i].is_fn ? "(const void *)" : "(const void *)&", rw->syms[i].name);
	sb_puts(b, "\t{ NULL },\n};\n\n");
	sb_printf(b, "static const struct dusk_proxy_desc dusk_proxies[] = {\n");
	for (i = 0; i < rw->nproxies; i++)
		sb_printf(b, "\t{ \"%s\", dusk_proxy_%s, %s, %d },\n", rw->proxies[i].name,
			  rw->proxies[i].name, kinds[rw->proxies[i].kind],
			  clang_getNumArgTypes(clang_getCursorType(rw->proxies[i].fn)));
	sb_puts(b, "\t{ NULL },\n};\n\n");
	sb_printf(b, "static const struct dusk_undo_desc dusk_undo[] = {\n");
	for (i = 0; i < nundo; i++) {
		int reg = stub_by_callee(rw, undo[i].reg), unreg = stub_by_callee(rw, undo[i].unreg);
		int j;

		/* only when the module itself calls both: the core forgets the
		 * record when it sees the module's own unregister call */
		if (reg < 0 || unreg < 0)
			continue;
		sb_printf(b, "\t{ %d, %d, %d, {", reg, unreg, undo[i].nargs);
		for (j = 0; j < undo[i].nargs; j++) {
			sb_puts(b, j ? ", " : " ");
			if (undo[i].from[j] == 0xff)
				sb_puts(b, "DUSK_UNDO_RET");
			else
				sb_printf(b, "%d", undo[i].from[j]);
		}
		sb_puts(b, " } },\n");
		nu++;
	}
	sb_puts(b, "\t{ 0 },\n};\n\n");
	sb_printf(b, "/* The user build asserts the same facts with _Static_assert. */\n"
		  "static void __maybe_unused dusk_layout_checks(void)\n{\n%s}\n\n", layout_checks);
	sb_printf(b, "const struct dusk_gen dusk_gen = {\n"
		  "\t.modname = \"%s\",\n"
		  "\t.layout_hash = 0x%016llxULL,\n"
		  "\t.stub_hash = 0x%016llxULL,\n"
		  "\t.stubs = dusk_stubs,\n\t.nstubs = %zu,\n"
		  "\t.syms = dusk_syms,\n\t.nsyms = %zu,\n"
		  "\t.proxies = dusk_proxies,\n\t.nproxies = %zu,\n"
		  "\t.undo = dusk_undo,\n\t.nundo = %zu,\n"
		  "};\n", m, (unsigned long long)rw->layout_hash,
		  (unsigned long long)rw->stub_hash, rw->nstubs, rw->nsyms, rw->nproxies, nu);
}

/* Copy file @from to @to. */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[8192];
	size_t n;
	int r = 0;

	if (!in)
		return -errno;
	out = fopen(to, "wb");
	if (!out) {
		r = -errno;
		fclose(in);
		return r;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			r = -EIO;
	if (ferror(in))
		r = -EIO;
	fclose(in);
	if (fclose(out) != 0 && !r)
		r = -errno;
	return r;
}

/* Copy the source files (*.c, *.h, Kbuild*) of tree @from into @to. */
static int copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	if (mkdir(to, 0755) != 0 && errno != EEXIST) {
		closedir(d);
		return -errno;
	}
	while (!r && (de = readdir(d))) {
		char *f, *t;
		struct stat st;
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		f = xasprintf("%s/%s", from, de->d_name);
		t = xasprintf("%s/%s", to, de->d_name);
		if (stat(f, &st) == 0 && S_ISDIR(st.st_mode))
			r = copy_tree(f, t);
		else if ((len > 2 && (!strcmp(de->d_name + len - 2, ".c") ||
				      !strcmp(de->d_name + len - 2, ".h"))) ||
			 !strncmp(de->d_name, "Kbuild", 6) || !strcmp(de->d_name, "Makefile"))
			r = copy_file(f, t);
		free(f);
		free(t);
	}
	closedir(d);
	return r;
}

int emit_kmod(struct rw *rw, const char *dir)
{
	struct sb gen = { 0 }, kbuild = { 0 };
	char *kdir = xasprintf("%s/kmod", dir), *path = NULL, *checks = NULL;
	size_t clen = 0;
	FILE *mem;
	int r;

	if (mkdir(kdir, 0755) != 0) {
		r = -errno;
		goto out;
	}
	mem = open_memstream(&checks, &clen);
	r = tg_emit_build_bug_ons(rw->tg, mem);
	fclose(mem);
	if (r < 0)
		goto out;
	emit_gen(rw, &gen, checks);

	path = xasprintf("%s/dusk_%s_gen.c", kdir, rw->modname);
	mem = fopen(path, "w");
	if (!mem || fputs(sb_str(&gen), mem) == EOF || fclose(mem) != 0) {
		r = -errno;
		goto out;
	}
	free(path);

	sb_printf(&kbuild,
		  "# Generated by dusk-rewrite from %s: do not edit.\n"
		  "# dusk_%s.ko = the generated part + the dusk-kmod core (core/Kbuild.inc\n"
		  "# sets DUSK_CORE_OBJS).  Build: make -C $KDIR M=$PWD modules\n"
		  "-include $(src)/core/Kbuild.inc\n"
		  "obj-m := dusk_%s.o\n"
		  "dusk_%s-y := dusk_%s_gen.o $(DUSK_CORE_OBJS)\n"
		  "ccflags-y += -I$(src) -I$(src)/include\n",
		  rw->src, rw->modname, rw->modname, rw->modname, rw->modname);
	path = xasprintf("%s/Kbuild", kdir);
	mem = fopen(path, "w");
	if (!mem || fputs(sb_str(&kbuild), mem) == EOF || fclose(mem) != 0) {
		r = -errno;
		goto out;
	}
	free(path);

	/* self-contained: core, dusk-gen.h, dusk/protocol.h */
	path = xasprintf("%s/core", rw->core_dir);
	if (access(path, F_OK) == 0) {
		char *to = xasprintf("%s/core", kdir);

		r = copy_tree(path, to);
		free(to);
		if (r < 0)
			goto out;
	}
	free(path);
	{
		char *from = xasprintf("%s/dusk-gen.h", rw->core_dir);
		char *to = xasprintf("%s/dusk-gen.h", kdir);

		r = copy_file(from, to);
		free(from);
		free(to);
		if (r < 0) {
			path = NULL;
			rw_diag_plain(rw, RW_ERROR, "%s/dusk-gen.h: %s (see --core)", rw->core_dir,
				      strerror(-r));
			goto out;
		}
	}
	path = xasprintf("%s/include", kdir);
	if (mkdir(path, 0755) != 0) {
		r = -errno;
		goto out;
	}
	free(path);
	path = xasprintf("%s/include/dusk", kdir);
	if (mkdir(path, 0755) != 0) {
		r = -errno;
		goto out;
	}
	free(path);
	{
		char *from = xasprintf("%s/dusk/protocol.h", rw->inc_dir);
		char *to = xasprintf("%s/include/dusk/protocol.h", kdir);

		r = copy_file(from, to);
		free(from);
		free(to);
	}
	path = NULL;
out:
	if (r < 0 && !rw->nerrors)
		rw_diag_plain(rw, RW_ERROR, "writing %s: %s", kdir, strerror(-r));
	free(path);
	free(kdir);
	free(checks);
	sb_free(&gen);
	sb_free(&kbuild);
	return r;
}
