// SPDX-License-Identifier: GPL-2.0
/*
 * The user build: mymod.dusk.c (kept code, kernel-call wrappers, proxy
 * trampolines, the struct dusk_module descriptor and main()), mymod.decls.h
 * (the kernel declarations that code needs, from typegen) and mymod.types.c
 * (the layout table, from typegen).
 *
 * Order matters: printing the code tells typegen which types are needed, so
 * the declarations and the table are written last.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "walk.h"
#include "typegen.h"
#include <dusk/typeinfo.h>
#include <dusk/fnv.h>


/* What pointer or array type @t points to; through a typedef of a pointer
 * type too (zlib's `z_streamp`), whose own pointee libclang does not give. */
static CXType pointee(CXType t)
{
	CXType e;

	if (rw_type_is_array(t)) {
		/* as written first: the canonical type may lose the element's
		 * own qualifiers (`const struct nlattr *const tb[]`) */
		e = clang_getArrayElementType(t);

		return e.kind != CXType_Invalid ? e :
		       clang_getArrayElementType(clang_getCanonicalType(t));
	}
	e = clang_getPointeeType(t);
	return e.kind != CXType_Invalid ? e : clang_getPointeeType(clang_getCanonicalType(t));
}

/* An array parameter (`const char namefmt[]`): a pointer in C. */
static int is_array_param(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return k == CXType_IncompleteArray || k == CXType_ConstantArray;
}

static int is_fn_pointer(CXType t)
{
	CXType c = clang_getCanonicalType(t);

	if (c.kind != CXType_Pointer)
		return 0;
	c = clang_getCanonicalType(clang_getPointeeType(c));
	return c.kind == CXType_FunctionProto || c.kind == CXType_FunctionNoProto;
}

static int is_void(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Void;
}

/* A callback's answer the kernel only hands back to the module and never
 * follows: a function pointer, or an untyped `void *` (seq_operations'
 * start and next, a namespace tag, a mempool element) -- the kernel cannot
 * read through void without a type of its own.  It goes back as the
 * program's address, not committed: a seq_file's next() answering a bucket
 * of a 32 KiB hash table committed (translated) the whole table once per
 * bucket, and a 4096-bucket walk took minutes under TCG. */
static int is_cookie_answer(CXType t)
{
	return rw_type_is_pointer(t) && (is_fn_pointer(t) || is_void(pointee(t)));
}

static int is_record(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Record;
}

/* The module's own types (declared in its file) never go into the layout
 * table: the kmod, compiled without the module's source, cannot assert
 * them, and only module code interprets them. */
static int32_t type_id(struct rw *rw, CXType t, int as_string)
{
	CXType c = clang_getCanonicalType(t);
	CXCursor d = clang_getTypeDeclaration(c);
	int32_t id;

	if (c.kind == CXType_Void || c.kind == CXType_FunctionProto ||
	    c.kind == CXType_FunctionNoProto)
		return DUSK_TYPE_NONE;
	if (!clang_Cursor_isNull(d) && clang_getCursorKind(d) != CXCursor_NoDeclFound &&
	    rw_in_main_file(rw, d))
		return DUSK_TYPE_NONE;
	/* plain char is text; u8/s8 (unsigned/signed char) name byte
	 * buffers (crc32()'s data, a MAC address), which hold zeros: a
	 * string's mirror would end at the first one */
	if (as_string && (c.kind == CXType_Char_S || c.kind == CXType_Char_U))
		return DUSK_TYPE_CSTRING;
	id = tg_type_id(rw->tg, t, 0);
	return id < 0 ? DUSK_TYPE_NONE : id;
}

int32_t rw_kernel_type_id(struct rw *rw, CXType t)
{
	return type_id(rw, t, 0);
}

/* "dusk_commit(&NAME, TYPE, sizeof(NAME))," for an object passed by value. */
static void put_commit_value(struct rw *rw, struct sb *b, CXType t, const char *name)
{
	int32_t tid = type_id(rw, t, 0);

	if (tid == DUSK_TYPE_NONE)
		sb_printf(b, "\t\tdusk_commit(&%s, DUSK_TYPE_NONE, sizeof(%s)),\n", name, name);
	else
		sb_printf(b, "\t\tdusk_commit(&%s, %d, sizeof(%s)),\n", name, tid, name);
}

static char *decl(struct rw *rw, CXType t, const char *name)
{
	tg_need_decl(rw->tg, t);
	return tg_declarator(t, name);
}

/* The type name of @t as a value: an array decays to a pointer to its
 * first element ("const char (*)"), as a parameter's type does. */
static char *value_type(struct rw *rw, CXType t)
{
	if (rw_type_is_array(t))
		return decl(rw, pointee(t), "(*)");
	return decl(rw, t, "");
}

/* How a u64 becomes a value of type @t: "(T)(uintptr_t)" or "(T)". */
static void put_from_u64(struct rw *rw, struct sb *b, CXType t, const char *expr)
{
	char *d = value_type(rw, t);

	if (rw_type_is_pointer(t))
		sb_printf(b, "(%s)(uintptr_t)%s", d, expr);
	else
		sb_printf(b, "(%s)%s", d, expr);
	free(d);
}

/* A variadic argument that may be a %pS-family address (dusk_symfmt()):
 * a pointer other than a string, or a function. */
static int symfmt_candidate(const struct rw_stub *st, int i)
{
	CXType pt;

	if (i < st->nfixed)
		return 0;
	if (is_fn_pointer(st->args[i]))
		return 1;
	if (!rw_type_is_pointer(st->args[i]))
		return 0;
	pt = clang_getCanonicalType(pointee(st->args[i]));
	return pt.kind != CXType_Char_S && pt.kind != CXType_Char_U &&
	       pt.kind != CXType_SChar && pt.kind != CXType_UChar;
}

/* The format argument of printf-like stub @st whose printed symbol
 * conversions the program formats itself (dusk_symfmt()), or -1: a stub
 * with a format and at least one variadic argument that may be an own
 * code address. */
static int symfmt_index(const struct rw_stub *st)
{
	int f = rw_format_index(st), i;

	if (f < 0 || f >= st->nargs || !st->variadic || st->unexported ||
	    !(rw_type_is_pointer(st->args[f]) || is_array_param(st->args[f])))
		return -1;
	for (i = f + 1; i < st->nargs; i++)
		if (symfmt_candidate(st, i))
			return f;
	return -1;
}

static int is_ptr_arg(const struct rw_stub *st, int i)
{
	return rw_type_is_pointer(st->args[i]) || is_fn_pointer(st->args[i]);
}

/* How the wrapper names argument @i when committing it. */
static char *symarg_expr(const struct rw_stub *st, int i, int fmt)
{
	if (fmt < 0 || i < fmt || (i > fmt && !is_ptr_arg(st, i)))
		return xasprintf("a%d", i);
	if (i == fmt)
		return xstrdup("dusk_f");
	return xasprintf("(const void *)(uintptr_t)dusk_sv[%d]", i - fmt - 1);
}

/* The wrapper's part that hands a printf-like call's own symbol
 * conversions to dusk_symfmt() before anything is committed. */
static void emit_symfmt(struct sb *b, const struct rw_stub *st, int fmt)
{
	int i, n = st->nargs - fmt - 1;
	int has_len = rw_type_is_pointer(st->args[fmt]) && !is_fn_pointer(st->args[fmt]);

	sb_printf(b, "\tconst char *dusk_f = a%d;\n", fmt);
	if (has_len)
		sb_printf(b, "\tsize_t dusk_fl = l%d;\n", fmt);
	sb_printf(b, "\tchar dusk_sf[DUSK_SYMFMT_MAX];\n\tuint64_t dusk_sv[%d] = {\n", n);
	for (i = fmt + 1; i < st->nargs; i++) {
		if (is_ptr_arg(st, i))
			sb_printf(b, "\t\t(uint64_t)(uintptr_t)a%d,\n", i);
		else
			sb_puts(b, "\t\t0,\n");
	}
	sb_printf(b, "\t};\n\n\tif (dusk_symfmt(&dusk_f, dusk_sf, sizeof(dusk_sf), dusk_sv, %d))\n"
		  "\t\t%s;\n", n, has_len ? "dusk_fl = 0" : "(void)0");
}

/*
 * A DUSK_STUB_VA wrapper's first part (dusk/abi.h): the format's arguments
 * read from the va_list parameter @va, or taken from the call's own
 * arguments from @va on (a %pV to splice), made into words by
 * dusk_va_words() before anything else is committed.  @fail: the
 * statement that ends the call when they cannot be.
 */
static void emit_va_words(struct sb *b, const struct rw_stub *st, int va, const char *fail)
{
	int i;

	sb_printf(b, "\tconst char *dusk_f = a%d;\n\tchar dusk_sf[DUSK_SYMFMT_MAX];\n"
		  "\tuint64_t dusk_w[%d];\n\tint dusk_n;\n", va - 1, DUSK_MAX_ARGS - va);
	if (st->variadic) {
		sb_printf(b, "\tuint64_t dusk_v[%d] = {\n", st->nargs - va);
		for (i = va; i < st->nargs; i++)
			sb_printf(b, rw_type_is_pointer(st->args[i]) || is_fn_pointer(st->args[i]) ?
				  "\t\t(uint64_t)(uintptr_t)a%d,\n" : "\t\t(uint64_t)a%d,\n", i);
		sb_printf(b, "\t};\n\n\tdusk_n = dusk_va_words(&dusk_f, dusk_sf, sizeof(dusk_sf), "
			  "dusk_v, %d, NULL, dusk_w, %d, \"%s\");\n", st->nargs - va,
			  DUSK_MAX_ARGS - va, st->callee);
	} else {
		sb_printf(b, "\t__builtin_va_list dusk_ap;\n\n\t__builtin_va_copy(dusk_ap, a%d);\n"
			  "\tdusk_n = dusk_va_words(&dusk_f, dusk_sf, sizeof(dusk_sf), NULL, 0, "
			  "&dusk_ap, dusk_w, %d, \"%s\");\n\t__builtin_va_end(dusk_ap);\n",
			  va, DUSK_MAX_ARGS - va, st->callee);
	}
	sb_printf(b, "\tif (dusk_n < 0)\n\t\t%s;\n", fail);
}

static void emit_wrapper(struct rw *rw, struct sb *b, int id)
{
	const struct rw_stub *st = &rw->stubs[id];
	int indirect = !st->callee[0];
	struct sb params = { 0 }, args = { 0 }, direct = { 0 };
	char *ret = decl(rw, st->ret, "");
	int byval = is_record(st->ret);
	int nwire = rw_stub_words(st);
	char *rdecl = byval ? decl(rw, st->ret, "r") : NULL;
	int va = rw_stub_va(st);
	int fmt = va ? -1 : symfmt_index(st);
	int i;

	if (va)
		nwire = DUSK_MAX_ARGS;
	for (i = 0; i < st->nargs; i++) {
		char *an = xasprintf("a%d", i);
		/* a va_list as the type the program's own va_start() made */
		char *d = va && i == va && !st->variadic ?
			  xasprintf("__builtin_va_list %s", an) : decl(rw, st->args[i], an);
		/* what is committed: the parameter, or (symfmt) the format and
		 * arguments dusk_symfmt() may have changed */
		char *ae = symarg_expr(st, i, fmt);
		char *le = fmt >= 0 && i == fmt ? xstrdup("dusk_fl") : xasprintf("l%d", i);

		sb_printf(&params, "%s%s", params.len ? ", " : "", d);
		sb_printf(&direct, "%sa%d", i ? ", " : "", i);
		if (va && i >= va - 1) {
			/* the format dusk_va_words() may have changed, then
			 * the words it made */
			if (i == va - 1)
				sb_puts(&args, "\t\tdusk_commit(dusk_f, DUSK_TYPE_CSTRING, 0),\n");
			if (rw_type_is_pointer(st->args[i]) && !is_fn_pointer(st->args[i]))
				sb_printf(&params, ", size_t l%d", i);
		} else if (is_record(st->args[i])) {
			/* by value: the kernel gets a copy and the stub reads it */
			put_commit_value(rw, &args, st->args[i], an);
		} else if (rw_type_is_pointer(st->args[i]) && !is_fn_pointer(st->args[i])) {
			CXType pt = pointee(st->args[i]);

			sb_printf(&params, ", size_t l%d", i);
			int32_t tid = type_id(rw, pt, 1);

			/* readl()'s `const volatile void *`: the commit reads
			 * the program's object as plain memory */
			if (clang_isVolatileQualifiedType(pt)) {
				char *cast = xasprintf("(const void *)%s", ae);

				free(ae);
				ae = cast;
			}

			if (i < 64 && (st->user >> i & 1))
				sb_printf(&args, "\t\t(uint64_t)(uintptr_t)%s,\t/* __user */\n", ae);
			else if (tid == DUSK_TYPE_NONE)
				sb_printf(&args, "\t\tdusk_commit(%s, DUSK_TYPE_NONE, %s),\n", ae, le);
			else if (tid == DUSK_TYPE_CSTRING && !clang_isConstQualifiedType(pt))
				/* a buffer the kernel writes, sized by more than
				 * its text (dusk_commit_text()) */
				sb_printf(&args, "\t\tdusk_commit_text(%s, %s),\n", ae, le);
			else if (tid == DUSK_TYPE_CSTRING)
				sb_printf(&args, "\t\tdusk_commit(%s, DUSK_TYPE_CSTRING, %s),\n", ae, le);
			else
				sb_printf(&args, "\t\tdusk_commit(%s, %d, %s),\n", ae, tid, le);
		} else if (is_fn_pointer(st->args[i])) {
			/* dusk_sv[] is already a (const void *) */
			sb_printf(&args, fmt >= 0 && i > fmt ?
				  "\t\tdusk_commit(%s, DUSK_TYPE_NONE, 0),\n" :
				  "\t\tdusk_commit((const void *)(uintptr_t)%s, DUSK_TYPE_NONE, 0),\n", ae);
		} else if (is_array_param(st->args[i])) {
			/* `const char namefmt[]` is a pointer: committed as a
			 * string, `u8 addr[6]` as its 6 bytes, `T a[]` as a
			 * buffer of unknown size */
			CXType at = clang_getCanonicalType(st->args[i]);
			CXType et = clang_getArrayElementType(at);
			int32_t tid = type_id(rw, et, 1);
			long long size = at.kind == CXType_ConstantArray ? clang_Type_getSizeOf(at) : 0;

			if (tid == DUSK_TYPE_CSTRING && !clang_isConstQualifiedType(et))
				sb_printf(&args, "\t\tdusk_commit_text(%s, %lld),\n", ae,
					  size > 0 ? size : 0);
			else if (tid == DUSK_TYPE_CSTRING)
				sb_printf(&args, "\t\tdusk_commit(%s, DUSK_TYPE_CSTRING, 0),\n", ae);
			else if (tid == DUSK_TYPE_NONE || size <= 0)
				sb_printf(&args, "\t\tdusk_commit(a%d, DUSK_TYPE_NONE, %lld),\n", i,
					  size > 0 ? size : 0);
			else
				sb_printf(&args, "\t\tdusk_commit(a%d, %d, %lld),\n", i, tid, size);
		} else {
			sb_printf(&args, "\t\t(uint64_t)a%d,\n", i);
		}
		free(d);
		free(an);
		free(ae);
		free(le);
	}
	sb_printf(b, "/* %s */\nstatic inline %s %s(", st->sig, ret, st->wrapper);
	if (indirect) {
		/* fp's type: a pointer to the called function type, rebuilt as
		 * "ret (*fp)(args)" from the pieces we have */
		sb_printf(b, "%s (*fp)(", ret);
		for (i = 0; i < st->nargs; i++) {
			char *d = value_type(rw, st->args[i]);

			sb_printf(b, "%s%s", i ? ", " : "", d);
			free(d);
		}
		sb_printf(b, "%s)%s", st->nargs ? "" : "void", st->nargs ? ", " : "");
	}
	sb_printf(b, "%s)\n{\n", params.len || indirect ? xsb_str(&params) : "void");
	if (st->unexported) {
		/* the kernel's compiler drops this call, or it is another
		 * module's export (symvers.c) */
		sb_printf(b, "\tdusk_kp_%s(\"%s\");\n}\n\n",
			  st->imported ? "imported" : "unexported", st->callee);
		goto out;
	}
	if (indirect) {
		sb_printf(b, "\tif ((uintptr_t)fp < dusk_kbase)\t/* our own function */\n"
			  "\t\treturn fp(%s);\n", xsb_str(&direct));
	}
	if (fmt >= 0)
		emit_symfmt(b, st, fmt);
	if (va) {
		char *fail = is_void(st->ret) ? xstrdup("return") :
			     rw_type_is_pointer(st->ret) || is_record(st->ret) ?
			     xasprintf("return (%s){ 0 }", ret) : xasprintf("return (%s)dusk_n", ret);

		emit_va_words(b, st, va, fail);
		free(fail);
	}
	if (byval) {
		/* a struct result: the stub stores it into a copy of r, which
		 * comes back after the call like any own object */
		sb_printf(b, "\t%s;\n\n\t__builtin_memset(&r, 0, sizeof(r));\n", rdecl);
		put_commit_value(rw, &args, st->ret, "r");
	}
	if (nwire) {
		sb_printf(b, "\tuint64_t a[%d] = {\n", nwire);
		if (indirect)
			sb_puts(b, "\t\t(uint64_t)(uintptr_t)fp,\n");
		sb_printf(b, "%s\t};\n", xsb_str(&args));
	}
	if (va)
		sb_printf(b, "\n\t__builtin_memcpy(a + %d, dusk_w, (size_t)dusk_n * sizeof(uint64_t));\n",
			  va);
	if (byval) {
		sb_printf(b, "\tdusk_call(%d, a, %d);\n\treturn r;\n", id, nwire);
	} else if (is_void(st->ret)) {
		sb_printf(b, "\tdusk_call(%d, %s, %d);\n", id, nwire ? "a" : "NULL",
			  va ? nwire : st->nargs + indirect);
	} else {
		char *call = xasprintf("dusk_call(%d, %s, %d)", id, nwire ? "a" : "NULL",
				       va ? nwire : st->nargs + indirect);

		sb_puts(b, "\treturn ");
		put_from_u64(rw, b, st->ret, call);
		sb_puts(b, ";\n");
		free(call);
	}
	sb_puts(b, "}\n\n");
out:
	free(ret);
	free(rdecl);
	sb_free(&params);
	sb_free(&args);
	sb_free(&direct);
}

static void emit_trampoline(struct rw *rw, struct sb *b, const struct rw_proxy *p)
{
	CXType t = clang_getCursorType(p->fn);
	int i, n = clang_getNumArgTypes(t);
	struct sb call = { 0 };

	sb_printf(&call, "%s(", p->name);
	for (i = 0; i < n; i++) {
		char *ai = xasprintf("a[%d]", i);

		CXType at = clang_getArgType(t, i);
		enum CXTypeKind ak = clang_getCanonicalType(at).kind;

		if (i)
			sb_puts(&call, ", ");
		if (ak == CXType_ConstantArray || ak == CXType_IncompleteArray) {
			/* a parameter declared as an array (`const struct
			 * nlattr * const tb[]`) is a pointer to its element */
			char *d = decl(rw, clang_getArrayElementType(clang_getCanonicalType(at)), "(*)");

			sb_printf(&call, "(%s)(uintptr_t)%s", d, ai);
			free(d);
		} else if (is_record(at)) {
			/* by value: a[i] is the kernel address of the proxy's
			 * copy (emit-kmod.c), read through the shadow */
			char *d = decl(rw, at, "(*)");

			sb_printf(&call, "(*DUSK_DEREF((%s)(uintptr_t)%s))", d, ai);
			free(d);
		} else if (clang_getCanonicalType(at).kind == CXType_Bool) {
			/* a bool taken from a register by the kmod (a
			 * tracepoint's, core/tracepoint.c) has only its low
			 * byte defined */
			sb_printf(&call, "(_Bool)(uint8_t)%s", ai);
		} else {
			put_from_u64(rw, &call, at, ai);
		}
		free(ai);
	}
	sb_puts(&call, ")");
	sb_printf(b, "static uint64_t dusk_tramp_%s(const uint64_t *a)\n{\n", p->name);
	if (!n)
		sb_puts(b, "\t(void)a;\n");
	if (is_void(clang_getResultType(t)))
		sb_printf(b, "\t%s;\n\treturn 0;\n}\n\n", xsb_str(&call));
	else if (is_cookie_answer(clang_getResultType(t)))
		sb_printf(b, "\treturn (uint64_t)(uintptr_t)%s;\n}\n\n", xsb_str(&call));
	else if (rw_type_is_pointer(clang_getResultType(t))) {
		/* the kernel follows the answer: an own object's address (a
		 * name callback's string literal, pinmux's
		 * get_function_name()) is its mirror's, as for a call's
		 * argument; a kernel address, NULL, a token below the first
		 * page (SEQ_START_TOKEN) or an ERR_PTR() is as it is.
		 * Before, the kernel got the program's address and faulted
		 * on it (strcmp() in pinmux_func_name_to_selector(): probe
		 * round p66) */
		int32_t tid = type_id(rw, pointee(clang_getResultType(t)), 1);

		sb_printf(b, "\tconst void *r = (const void *)%s;\n\n", xsb_str(&call));
		sb_puts(b, "\tif ((uintptr_t)r < 4096 || (uintptr_t)r >= (uintptr_t)-4095)\n"
			   "\t\treturn (uint64_t)(uintptr_t)r;\n");
		if (tid == DUSK_TYPE_CSTRING)
			sb_puts(b, "\treturn dusk_commit(r, DUSK_TYPE_CSTRING, 0);\n}\n\n");
		else if (tid == DUSK_TYPE_NONE)
			sb_puts(b, "\treturn dusk_commit(r, DUSK_TYPE_NONE, 0);\n}\n\n");
		else
			sb_printf(b, "\treturn dusk_commit(r, %d, 0);\n}\n\n", tid);
	} else
		sb_printf(b, "\treturn (uint64_t)%s;\n}\n\n", xsb_str(&call));
	sb_free(&call);
}

static void put_cstr(struct sb *b, const char *s)
{
	if (s)
		sb_put_literal(b, s);
	else
		sb_puts(b, "NULL");
}

/* The module's own DEFINE_PER_CPU objects get their copies per CPU before
 * main(), from their static initializers (libduskrt/percpu.c). */
static void emit_percpu_defines(struct sb *b, const struct rw *rw, const char *m)
{
	size_t i;
	int any = 0;

	for (i = 0; i < rw->nglobals; i++) {
		const char *g = rw->globals[i].name;

		if (!rw_is_percpu_var(rw->globals[i].cur))
			continue;
		if (!any)
			sb_printf(b, "__attribute__((constructor)) static void dusk_percpu_%s(void)\n{\n", m);
		any = 1;
		sb_printf(b, "\tdusk_percpu_define(&%s, sizeof(%s));\n", g, g);
	}
	if (any)
		sb_puts(b, "}\n\n");
}

/* One call of a kernel_param_ops member @stub (set or get) through its
 * indirect stub's wrapper. */
static void put_kparam_call(struct rw *rw, struct sb *b, int stub)
{
	const struct rw_stub *st = &rw->stubs[stub];
	char *ret = decl(rw, st->ret, "");
	char *a0 = value_type(rw, st->args[0]), *a1 = value_type(rw, st->args[1]);

	sb_printf(b, "\treturn %s((%s (*)(%s, %s))(uintptr_t)fn, s, 0, kp, 0);\n", st->wrapper,
		  ret, a0, a1);
	free(ret);
	free(a0);
	free(a1);
}

/*
 * module_param_cb() with kernel code as ops (or an ops member) that the
 * runtime does not re-implement (param_ops_dyndbg_classes): the runtime
 * calls it in the kernel through this function, on the kernel_param it
 * made; the wrappers commit kp, so the kernel code sees the parameter's
 * argument as the kernel sees it (its mirror) and what it writes there
 * comes back into the module's variable.
 */
static void emit_kparam_call(struct rw *rw, struct sb *b)
{
	if (!rw->kparam_calls || rw->kparam_stub_set < 0 || rw->kparam_stub_get < 0)
		return;
	sb_printf(b, "static int dusk_kparam_call_%s(uint64_t fn, int get, char *s, const void *kp)\n{\n"
		  "\tif (get)\n\t", rw->modname);
	put_kparam_call(rw, b, rw->kparam_stub_get);
	put_kparam_call(rw, b, rw->kparam_stub_set);
	sb_puts(b, "}\n\n");
}

/* Is an object of type @t, or its elements, volatile? */
static int is_volatile_object(CXType t)
{
	while (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray) {
		if (clang_isVolatileQualifiedType(t))
			return 1;
		t = clang_getArrayElementType(t);
	}
	return clang_isVolatileQualifiedType(t);
}

/* "W(&X, sizeof(X))" for static SRCU struct @i and stub @stub. */
static void put_srcu_call(const struct rw *rw, struct sb *b, int stub, size_t i)
{
	sb_printf(b, "%s(&%s, sizeof(%s))", rw->stubs[stub].wrapper, rw->srcu[i], rw->srcu[i]);
}

/* srcu_module_going(): a cleanup_srcu_struct() line for each, @indent deep. */
static void put_srcu_cleanups(const struct rw *rw, struct sb *b, const char *indent)
{
	size_t i;

	for (i = 0; i < rw->nsrcu; i++) {
		sb_puts(b, indent);
		put_srcu_call(rw, b, rw->srcu_cleanup_stub, i);
		sb_puts(b, ";\n");
	}
}

/*
 * The rest of dusk_init_NAME() for a module with static SRCU structs
 * (model.c, find_static_srcu()): each set up before module_init, as
 * srcu_module_coming() does, and cleaned up again when it fails (the
 * module goes).
 */
static void emit_srcu_init(const struct rw *rw, struct sb *b)
{
	size_t i;

	sb_puts(b, "\tint dusk_ret = 0;\n\n\t/* srcu_module_coming() */\n");
	for (i = 0; i < rw->nsrcu; i++) {
		sb_puts(b, "\tif (!dusk_ret)\n\t\tdusk_ret = ");
		put_srcu_call(rw, b, rw->srcu_init_stub, i);
		sb_puts(b, ";\n");
	}
	if (rw->init_fn)
		sb_printf(b, "\tif (!dusk_ret)\n\t\tdusk_ret = %s();\n", rw->init_fn);
	sb_puts(b, "\tif (dusk_ret < 0) {\n");
	put_srcu_cleanups(rw, b, "\t\t");
	sb_puts(b, "\t}\n\treturn dusk_ret;\n}\n\n");
}

/* dusk_exit_NAME(): module_exit, then srcu_module_going()'s cleanups. */
static void emit_srcu_exit(const struct rw *rw, struct sb *b)
{
	sb_printf(b, "static void dusk_exit_%s(void)\n{\n", rw->modname);
	if (rw->exit_fn)
		sb_printf(b, "\t%s();\n", rw->exit_fn);
	sb_puts(b, "\t/* srcu_module_going() */\n");
	put_srcu_cleanups(rw, b, "\t");
	sb_puts(b, "}\n\n");
}

static void put_tabs(struct sb *b, int n)
{
	while (n-- > 0)
		sb_puts(b, "\t");
}

/*
 * `LVALUE = RHS;` before init.  An element path through a GNU range
 * designator says `[lo ... hi]` (`{ [0 ... 3] = &init_net }`): every
 * element of the range gets the value, in a loop per range.
 */
static void put_reloc_assign(struct sb *b, const char *lvalue, const char *rhs)
{
	struct sb lv = { 0 };
	const char *p = lvalue, *r;
	long long lo, hi;
	int n = 0, used;

	for (r = strchr(p, '['); r; r = strchr(r + 1, '[')) {
		used = 0;
		if (sscanf(r, "[%lld ... %lld]%n", &lo, &hi, &used) != 2 || !used)
			continue;
		put_tabs(b, n + 1);
		sb_printf(b, "for (long long dusk_r%d = %lld; dusk_r%d <= %lld; dusk_r%d++)\n",
			  n, lo, n, hi, n);
		sb_printf(&lv, "%.*s[dusk_r%d]", (int)(r - p), p, n);
		p = r + used;
		r = p - 1;
		n++;
	}
	put_tabs(b, n + 1);
	sb_printf(b, "%s%s = %s;\n", lv.len ? xsb_str(&lv) : "", p, rhs);
	free(lv.s);
}

static void emit_descriptor(struct rw *rw, struct sb *b)
{
	size_t i;
	const char *m = rw->modname;

	/* relocations, then the module's own init */
	sb_printf(b, "static int dusk_init_%s(void)\n{\n", m);
	for (i = 0; i < rw->nrelocs; i++) {
		char *rhs = rw->relocs[i].expr ? xstrdup(rw->relocs[i].expr) :
			    xasprintf("(%s)dusk_ksym(%d)", rw->relocs[i].cast,
				      rw->relocs[i].sym);

		put_reloc_assign(b, rw->relocs[i].lvalue, rhs);
		free(rhs);
	}
	for (i = 0; i < rw->nparams && !rw->params[i].ops; i++)
		;
	if (i < rw->nparams)
		/* module_param_cb() values given at load: the module's own set
		 * runs now that kernel addresses are known (parse_args() comes
		 * before init); a refused one fails the load */
		sb_puts(b, "\t{\n\t\tint dusk_err = dusk_params_set_deferred();\n\n"
			   "\t\tif (dusk_err)\n\t\t\treturn dusk_err;\n\t}\n");
	if (rw->nsrcu) {
		emit_srcu_init(rw, b);
		emit_srcu_exit(rw, b);
	} else if (rw->init_fn) {
		sb_printf(b, "\treturn %s();\n}\n\n", rw->init_fn);
	} else {
		sb_puts(b, "\treturn 0;\n}\n\n");
	}

	if (rw->nparams) {
		sb_printf(b, "static const struct dusk_param dusk_params_%s[] = {\n", m);
		for (i = 0; i < rw->nparams; i++) {
			const struct rw_param *p = &rw->params[i];

			sb_puts(b, "\t{ ");
			put_cstr(b, p->name);
			sb_puts(b, ", ");
			put_cstr(b, p->type);
			/* the count is unsigned int * in the kernel's kparam_array,
			 * often an int the kernel build does not warn about */
			if (p->is_array)
				sb_printf(b, ", %s, sizeof(%s[0]), sizeof(%s) / sizeof(%s[0]), %s%s, 0%o, ",
					  p->var, p->var, p->var, p->var,
					  p->nump ? "(unsigned int *)&" : "",
					  p->nump ? p->nump : "NULL", p->perm);
			else if (p->maxlen > 0)
				sb_printf(b, ", %s, %lld, 0, NULL, 0%o, ", p->var, p->maxlen, p->perm);
			else if (!*p->var)
				/* module_param_cb(name, &ops, NULL, perm): the ops
				 * keep no variable of the module's */
				sb_printf(b, ", NULL, 0, 0, NULL, 0%o, ", p->perm);
			else if (p->ops || p->kops)
				/* module_param_cb(name, &ops, &var, perm): the ops
				 * know var's type, the runtime need not */
				sb_printf(b, ", &%s, 0, 0, NULL, 0%o, ", p->var, p->perm);
			else
				sb_printf(b, ", &%s, sizeof(%s), 0, NULL, 0%o, ", p->var, p->var, p->perm);
			put_cstr(b, p->desc);
			/* every field: -Wextra's missing-field-initializers */
			if (p->ops)
				sb_printf(b, ", &%s", p->ops);
			else
				sb_puts(b, ", NULL");
			sb_puts(b, ", ");
			put_cstr(b, p->kops);
			sb_puts(b, " },\n");
		}
		sb_puts(b, "};\n\n");
	}
	emit_kparam_call(rw, b);
	if (rw->nproxies) {
		sb_printf(b, "static const struct dusk_proxy dusk_proxies_%s[] = {\n", m);
		for (i = 0; i < rw->nproxies; i++) {
			const struct rw_proxy *p = &rw->proxies[i];

			sb_printf(b, "\t{ \"%s\", (const void *)%s, dusk_tramp_%s, %d, %d },\n",
				  p->name, p->name, p->name,
				  clang_getNumArgTypes(clang_getCursorType(p->fn)),
				  p->kind == DUSK_PROXY_BLOCKING);
		}
		sb_puts(b, "};\n\n");
	}
	if (rw->nsyms) {
		sb_printf(b, "static const char *const dusk_syms_%s[] = {\n", m);
		for (i = 0; i < rw->nsyms; i++)
			sb_printf(b, "\t\"%s\",\n", rw->syms[i].name);
		sb_puts(b, "};\n\n");
	}
	if (rw->nstubs) {
		sb_printf(b, "static const char *const dusk_stubs_%s[] = {\n", m);
		for (i = 0; i < rw->nstubs; i++)
			sb_printf(b, "\t\"%s\",\n", rw->stubs[i].name);
		sb_puts(b, "};\n\n");
		/* the runtime's leak reports act on the flags the kmod acts on */
		sb_printf(b, "static const uint32_t dusk_stub_flags_%s[] = {\n", m);
		for (i = 0; i < rw->nstubs; i++) {
			sb_puts(b, "\t");
			emit_stub_flags(b, rw->stubs[i].flags);
			sb_puts(b, ",\n");
		}
		sb_puts(b, "};\n\n");
	}
	emit_percpu_defines(b, rw, m);
	if (rw->nglobals || rw->nliterals) {
		/* a volatile global's address is `volatile T *`: .addr's
		 * `const void *` takes it with a cast (applicom.c's Dummy) */
		sb_printf(b, "static const struct dusk_object dusk_objects_%s[] = {\n", m);
		for (i = 0; i < rw->nglobals; i++) {
			const struct rw_global *g = &rw->globals[i];
			const char *shown = g->local ? g->local : rw_static_original(rw, g->name);

			/* the source's name in the runtime's reports */
			sb_printf(b, "\t{ \"%s\", %s&%s, sizeof(%s), %d },\n", shown ? shown : g->name,
				  is_volatile_object(clang_getCursorType(g->cur)) ?
				  "(const void *)" : "", g->name,
				  g->name, type_id(rw, clang_getCursorType(g->cur), 0));
		}
		/* hoisted compound literals (emit-expr.c) */
		for (i = 0; i < rw->nliterals; i++) {
			const struct rw_literal *l = &rw->literals[i];

			sb_printf(b, "\t{ \"%s\", &%s, sizeof(%s), %d },\n", l->name, l->name,
				  l->name, type_id(rw, l->type, 0));
		}
		sb_puts(b, "};\n\n");
	}
	sb_printf(b, "static const char *const dusk_modinfo_%s[] = {\n", m);
	for (i = 0; i < rw->nmodinfo; i++) {
		sb_puts(b, "\t");
		put_cstr(b, rw->modinfo[i]);
		sb_puts(b, ",\n");
	}
	sb_puts(b, "\tNULL,\n};\n\n");

#define TABLE(name, n) (n) ? xasprintf("dusk_" name "_%s", m) : xstrdup("NULL"), (unsigned)(n)
	{
		char *params, *proxies, *syms, *stubs, *flags, *objects, *kpc, *exitf;
		unsigned np, npx, ns, nst, no;
		size_t nobjects = rw->nglobals + rw->nliterals;

		params = TABLE("params", rw->nparams), np = (unsigned)rw->nparams;
		proxies = TABLE("proxies", rw->nproxies), npx = (unsigned)rw->nproxies;
		syms = TABLE("syms", rw->nsyms), ns = (unsigned)rw->nsyms;
		stubs = TABLE("stubs", rw->nstubs), nst = (unsigned)rw->nstubs;
		flags = rw->nstubs ? xasprintf("dusk_stub_flags_%s", m) : xstrdup("NULL");
		objects = TABLE("objects", nobjects), no = (unsigned)nobjects;
		exitf = rw->nsrcu ? xasprintf("dusk_exit_%s", m) :
			xstrdup(rw->exit_fn ? rw->exit_fn : "NULL");
		kpc = rw->kparam_calls && rw->kparam_stub_set >= 0 && rw->kparam_stub_get >= 0 ?
			xasprintf("\t.kparam_call = dusk_kparam_call_%s,\n", m) : xstrdup("");
		sb_printf(b,
			  "extern const struct dusk_typetab dusk_types_%s;\n\n"
			  "static const struct dusk_module dusk_module_%s = {\n"
			  "\t.name = \"%s\",\n"
			  "\t.init = dusk_init_%s,\n"
			  "\t.exit = %s,\n"
			  "\t.params = %s,\n\t.nparams = %u,\n"
			  "\t.proxies = %s,\n\t.nproxies = %u,\n"
			  "\t.syms = %s,\n\t.nsyms = %u,\n"
			  "\t.stubs = %s,\n\t.stub_flags = %s,\n\t.nstubs = %u,\n"
			  "\t.objects = %s,\n\t.nobjects = %u,\n"
			  "\t.types = &dusk_types_%s,\n"
			  "\t.stub_hash = 0x%016llxULL,\n"
			  "\t.modinfo = dusk_modinfo_%s,\n"
			  "%s"
			  "};\n\n"
			  "int main(int argc, char **argv)\n{\n"
			  "\treturn dusk_main(&dusk_module_%s, argc, argv);\n}\n",
			  m, m, m, m, exitf,
			  params, np, proxies, npx, syms, ns, stubs, flags, nst, objects, no,
			  m, (unsigned long long)rw->stub_hash, m, kpc, m);
		free(params);
		free(proxies);
		free(syms);
		free(stubs);
		free(flags);
		free(objects);
		free(kpc);
		free(exitf);
	}
#undef TABLE
}

/* One field of a hashed record, FNV-1a 64 (dusk/fnv.h) with a separator
 * after it, so ("ab","c") and ("a","bc") differ; chained, DUSK_FNV1A_INIT
 * first. */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	return dusk_fnv1a_byte(dusk_fnv1a(h, s), 0xff);
}

/* stub_hash: FNV-1a over stub names and signatures, symbol names, proxy
 * names and signatures, in table order.  emit_kmod() prints the same. */
static uint64_t stub_hash(const struct rw *rw)
{
	uint64_t h = DUSK_FNV1A_INIT;
	size_t i;

	for (i = 0; i < rw->nstubs; i++) {
		h = fnv1a(h, rw->stubs[i].name);
		h = fnv1a(h, rw->stubs[i].sig);
	}
	for (i = 0; i < rw->nsyms; i++)
		h = fnv1a(h, rw->syms[i].name);
	for (i = 0; i < rw->nproxies; i++) {
		h = fnv1a(h, rw->proxies[i].name);
		h = fnv1a(h, rw->proxies[i].sig);
	}
	return h;
}

/* The kernel build's -Wno-X options as pragmas, atop mymod.decls.h (so
 * before any of the module's code): the module's code is as clean for the
 * program's compiler as for Kbuild's, and a warning Kbuild keeps (-Wall's
 * others) still shows.  An option this compiler does not know is itself
 * no warning (-Wpragmas, clang's -Wunknown-warning-option). */
static void emit_warnings_off(const struct rw *rw, FILE *f)
{
	size_t i;

	if (!rw->nwarn_off)
		return;
	fputs("/* warnings the kernel build of this module turns off */\n"
	      "#pragma GCC diagnostic ignored \"-Wpragmas\"\n"
	      "#pragma GCC diagnostic ignored \"-Wunknown-warning-option\"\n", f);
	for (i = 0; i < rw->nwarn_off; i++)
		fprintf(f, "#pragma GCC diagnostic ignored \"%s\"\n", rw->warn_off[i]);
	fputs("\n", f);
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char *path = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	int r = 0;

	if (!f || fputs(text, f) == EOF)
		r = -errno;
	if (f && fclose(f) != 0 && !r)
		r = -errno;
	free(path);
	return r;
}

/* Write @buf to @dir/@name when @r, the result of making it, is not an
 * error (that is reported as @what's); frees @buf. */
static int write_made(struct rw *rw, const char *dir, const char *name, char *buf, int r,
		      const char *what)
{
	if (r < 0)
		rw_diag_plain(rw, RW_ERROR, "%s: %s", what, strerror(-r));
	else
		r = write_file(dir, name, buf);
	free(buf);
	return r;
}

/* Before function-local static @g, its function's types when it has one
 * of them (emit_hoisted_types()): ahead of every definition and tentative
 * declaration that follows, in @out. */
static void hoist_types(struct rw *rw, const struct rw_global *g, struct sb *out,
			struct sb *seen)
{
	char *fn;
	int f;

	if (!g->local)
		return;
	fn = cxs_take(clang_getCursorSpelling(clang_getCursorSemanticParent(g->cur)));
	f = rw_fn_find(rw, fn);
	free(fn);
	if (f < 0 || rw->fns[f].hoist_types != 1)
		return;
	rw->fns[f].hoist_types = 2;
	sb_puts(out, "/* types of a function whose statics are defined here */\n");
	emit_hoisted_types(rw, out, rw->fns[f].cur, seen);
}

int emit_user(struct rw *rw, const char *dir)
{
	struct sb code = { 0 }, protos = { 0 }, wrappers = { 0 }, tail = { 0 }, types = { 0 };
	struct sb file = { 0 }, defs = { 0 }, hoisted = { 0 };
	struct emitter e = { .rw = rw, .out = &code };
	char *decls_name = xasprintf("%s.decls.h", rw->modname);
	char *types_name = xasprintf("%s.types.c", rw->modname);
	char *dusk_name = xasprintf("%s.dusk.c", rw->modname);
	char *buf = NULL;
	size_t len = 0, i;
	FILE *mem;
	int r;

	emit_module_types(rw, &types);
	/* globals in the order of their definitions, those declared before
	 * their definition declared ahead of all (mutually referring
	 * initializers: nft_reject_ipv4's ops and type) */
	e.out = &defs;
	for (i = 0; i < rw->nglobals; i++) {
		hoist_types(rw, &rw->globals[i], &code, &hoisted);
		emit_global(&e, &rw->globals[i], &code);
	}
	sb_free(&hoisted);
	if (code.len)
		sb_puts(&code, "\n");
	sb_puts(&code, xsb_str(&defs));
	sb_free(&defs);
	e.out = &code;
	e.mark_buf = NULL;
	sb_puts(&code, "\n");
	for (i = 0; i < rw->nfns; i++)
		emit_function(&e, &rw->fns[i]);
	for (i = 0; i < rw->nfns; i++) {
		char *p = emit_fn_prototype(rw, rw->fns[i].cur, rw->fns[i].name);

		sb_printf(&protos, "static %s%s;\n", rw->fns[i].kind == RW_FN_INLINE ? "inline " : "", p);
		free(p);
	}
	for (i = 0; i < rw->nstubs; i++)
		emit_wrapper(rw, &wrappers, (int)i);
	for (i = 0; i < rw->nproxies; i++)
		emit_trampoline(rw, &tail, &rw->proxies[i]);
	rw->stub_hash = stub_hash(rw);
	emit_descriptor(rw, &tail);
	if (rw->nerrors) {
		r = -EINVAL;
		goto out;
	}

	/* mymod.decls.h */
	mem = open_memstream(&buf, &len);
	fprintf(mem, "/* Generated by dusk-rewrite from %s: do not edit.\n"
		" * The kernel declarations %s.dusk.c needs, without kernel headers. */\n"
		"#ifndef DUSK_DECLS_%s_H\n#define DUSK_DECLS_%s_H\n\n",
		rw->src, rw->modname, rw->modname, rw->modname);
	emit_warnings_off(rw, mem);
	r = tg_emit_decls(rw->tg, mem);
	fprintf(mem, "\n#endif\n");
	fclose(mem);
	r = write_made(rw, dir, decls_name, buf, r, "declarations header");
	if (r < 0)
		goto out;

	/* mymod.types.c */
	mem = open_memstream(&buf, &len);
	fprintf(mem, "/* Generated by dusk-rewrite from %s: do not edit. */\n", rw->src);
	{
		char *sym = xasprintf("dusk_types_%s", rw->modname);

		r = tg_emit_table(rw->tg, mem, sym, decls_name, &rw->layout_hash);
		free(sym);
	}
	fclose(mem);
	r = write_made(rw, dir, types_name, buf, r, "layout table");
	if (r < 0)
		goto out;

	/* mymod.dusk.c */
	sb_printf(&file,
		  "/* Generated by dusk-rewrite from %s: do not edit.\n"
		  " * The module's code as a user program: every access through a\n"
		  " * pointer is checked (DUSK_DEREF), kernel calls go through the\n"
		  " * dusk_k_* wrappers, #line maps everything back to %s. */\n"
		  "#include <dusk/runtime.h>\n#include <dusk/kprim.h>\n#include \"%s\"\n\n"
		  "/* The kernel build reports unused code itself (or turns the warning\n"
		  " * off): here a use may have been folded to a constant, and a\n"
		  " * goto in a branch folded away leaves its label unused. */\n"
		  "#pragma GCC diagnostic ignored \"-Wunused-variable\"\n"
		  "#pragma GCC diagnostic ignored \"-Wunused-label\"\n"
		  "#pragma GCC diagnostic ignored \"-Wunused-but-set-variable\"\n"
		  "#pragma GCC diagnostic ignored \"-Wunused-function\"\n\n"
		  "/* the module's own types */\n%s"
		  "/* the module's functions and the kernel inline functions it uses */\n%s\n"
		  "/* kernel calls */\n%s",
		  rw->src, rw->src, decls_name, xsb_str(&types), xsb_str(&protos), xsb_str(&wrappers));
	sb_printf(&file, "%s\n", xsb_str(&code));
	{
		/* back to the generated file itself for the rest */
		unsigned line = 2;
		const char *p;

		for (p = xsb_str(&file); *p; p++)
			line += *p == '\n';
		sb_printf(&file, "#line %u \"%s\"\n", line, dusk_name);
	}
	sb_printf(&file, "/* callbacks from the kernel and the module descriptor */\n%s",
		  xsb_str(&tail));
	r = write_file(dir, dusk_name, xsb_str(&file));
out:
	if (r < 0 && !rw->nerrors)
		rw_diag_plain(rw, RW_ERROR, "%s: %s", dir, strerror(-r));
	sb_free(&code);
	sb_free(&protos);
	sb_free(&wrappers);
	sb_free(&tail);
	sb_free(&types);
	sb_free(&file);
	free(decls_name);
	free(types_name);
	free(dusk_name);
	return r;
}
