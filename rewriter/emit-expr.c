// SPDX-License-Identifier: GPL-2.0
/*
 * The expression printer and its instrumentation rules.
 *
 * Pointers keep kernel values, so address arithmetic prints as written; only
 * an actual load or store through a pointer is instrumented.  Every lvalue
 * has a "plain" form (the C lvalue at its kernel address, never accessed
 * directly) and, when its storage is reached through a pointer (`*p`,
 * `p->f`, `p[i]`, a kernel variable), an access form:
 *
 *     (*DUSK_DEREF(&PLAIN))
 *
 * which checks exactly the bytes accessed.  `p->q->r` therefore checks
 * twice.  Bit-fields check their containing object.  Array-typed lvalues
 * are never accessed as a whole (they decay to their address).  The
 * module's own locals and globals are its own memory: printed as they are.
 *
 * Macro-expanded code is printed expanded (we walk the AST); literals come
 * from evaluation, sizeof/offsetof/alignof print as their constant value.
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"
#include "typegen.h"
#include <dusk/typeinfo.h>
#include <dusk/printf-ext.h>

static void emit_plain(struct emitter *e, CXCursor c);
static int is_integer(CXType t);
static void emit_init_list(struct emitter *e, CXCursor c);

static void put(struct emitter *e, const char *s)
{
	sb_puts(e->out, s);
}

static enum CXCursorKind kind(CXCursor c)
{
	return clang_getCursorKind(c);
}

static CXType canon_type(CXCursor c)
{
	return clang_getCanonicalType(clang_getCursorType(c));
}

static void unsupported(struct emitter *e, CXCursor c, const char *what)
{
	rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
		"%s cannot run at user level (not in dusk-rewrite's table of kernel primitives)",
		what);
	rw_diag_macro_note(e->rw, clang_getCursorLocation(c));
	put(e, "0");
}

char *emit_decl_of(struct emitter *e, CXType t, const char *name, int complete)
{
	if (complete)
		tg_need_complete(e->rw->tg, t);
	else
		tg_need_decl(e->rw->tg, t);
	return tg_declarator(t, name);
}

/* Types that code dereferences must be complete in the declarations. */
static void need_pointee(struct emitter *e, CXType ptr)
{
	CXType t = clang_getCanonicalType(ptr);

	if (t.kind == CXType_Pointer)
		tg_need_complete(e->rw->tg, clang_getPointeeType(ptr));
}

static void put_type(struct emitter *e, CXType t, const char *name)
{
	char *d = emit_decl_of(e, t, name, 0);

	put(e, d);
	free(d);
}

/* ---- literals --------------------------------------------------------- */

static const char *int_suffix(CXType t)
{
	switch (clang_getCanonicalType(t).kind) {
	case CXType_UInt:	return "U";
	case CXType_Long:	return "L";
	case CXType_ULong:	return "UL";
	case CXType_LongLong:	return "LL";
	case CXType_ULongLong:	return "ULL";
	default:		return "";
	}
}

/* An integer constant expression of @c's type; 0 when it is not one. */
static int put_int_value(struct emitter *e, CXCursor c, CXType t)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);

	if (!r)
		return 0;
	if (clang_EvalResult_getKind(r) != CXEval_Int) {
		clang_EvalResult_dispose(r);
		return 0;
	}
	if (clang_EvalResult_isUnsignedInt(r))
		sb_printf(e->out, "%lluU%s", clang_EvalResult_getAsUnsigned(r),
			  strchr(int_suffix(t), 'L') ? (strstr(int_suffix(t), "LL") ? "LL" : "L") : "");
	else if (clang_EvalResult_getAsLongLong(r) < 0)
		sb_printf(e->out, "(%lld%s)", clang_EvalResult_getAsLongLong(r), int_suffix(t));
	else
		sb_printf(e->out, "%lld%s", clang_EvalResult_getAsLongLong(r), int_suffix(t));
	clang_EvalResult_dispose(r);
	return 1;
}

static void emit_char_literal(struct emitter *e, CXCursor c)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	long long v = r ? clang_EvalResult_getAsLongLong(r) : 0;

	if (r)
		clang_EvalResult_dispose(r);
	if (v >= 0x20 && v < 0x7f && v != '\'' && v != '\\')
		sb_printf(e->out, "'%c'", (char)v);
	else
		sb_printf(e->out, "%lld", v);
}

static void emit_float_literal(struct emitter *e, CXCursor c)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);

	sb_printf(e->out, "%a", r ? clang_EvalResult_getAsDouble(r) : 0.0);
	if (r)
		clang_EvalResult_dispose(r);
}

static void emit_string_literal(struct emitter *e, CXCursor c)
{
	/* libclang spells a StringLiteral as its escaped, concatenated text. */
	char *s = cxs_take(clang_getCursorSpelling(c));
	size_t n = strlen(s);
	const char *orig;

	/* __func__ (or a name stringified after expansion) of a static that
	 * statics.c spelled apart: the source's name, as the .ko prints it */
	if (n > 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = 0;
		orig = rw_static_original(e->rw, s + 1);
		s[n - 1] = '"';
		if (orig) {
			sb_printf(e->out, "\"%s\"", orig);
			free(s);
			return;
		}
	}
	put(e, s);
	free(s);
}

/* ---- lvalues ---------------------------------------------------------- */

/* Is the kernel variable @decl one of our symbols?  Returns its id or -1. */
static int kernel_var(struct emitter *e, CXCursor decl)
{
	char *name;
	int id;

	if (!rw_is_kernel_var(e->rw, decl))
		return -1;
	name = cxs_take(clang_getCursorSpelling(decl));
	id = rw_sym_find(e->rw, name);
	free(name);
	return id;
}

static int is_arrow(CXCursor member, CXCursor *base)
{
	unsigned n;
	CXCursor *kids = rw_children(member, &n);
	int arrow = 0;

	*base = clang_getNullCursor();
	if (n) {
		*base = kids[n - 1];
		arrow = canon_type(*base).kind == CXType_Pointer;
	}
	free(kids);
	return arrow;
}

static int is_anon_member(CXCursor member)
{
	CXCursor f = clang_getCursorReferenced(member);
	char *name = cxs_take(clang_getCursorSpelling(f));
	int anon = kind(f) == CXCursor_FieldDecl &&
		   (clang_Cursor_isAnonymousRecordDecl(clang_getTypeDeclaration(clang_getCursorType(f))) ||
		    !name[0]);

	free(name);
	return anon;
}

/* Member access with anonymous struct/union members folded away, as C
 * spells it: returns the base to print and whether the access is `->`. */
static int member_base(CXCursor member, CXCursor *base)
{
	int arrow = is_arrow(member, base);

	for (;;) {
		CXCursor b = rw_strip(*base), bb;
		int inner_arrow;

		if (kind(b) != CXCursor_MemberRefExpr || !is_anon_member(b))
			return arrow;
		inner_arrow = is_arrow(b, &bb);
		*base = bb;
		arrow = inner_arrow;
	}
}

/*
 * Is @c an array object?  A parameter declared as an array (`struct nlattr
 * *tb[]`, rtnl_link_ops' validate and newlink) is a pointer in C, though
 * libclang gives its uses the declared array type: its elements are where
 * the caller's array is, kernel memory when the kernel calls (before, the
 * program read tb[IFLA_ADDRESS] at the kernel's address and faulted:
 * probe round p64).
 */
static int is_array_typed(CXCursor c)
{
	enum CXTypeKind k = canon_type(c).kind;

	if (kind(c) == CXCursor_DeclRefExpr &&
	    kind(clang_getCursorReferenced(c)) == CXCursor_ParmDecl)
		return 0;
	return k == CXType_ConstantArray || k == CXType_IncompleteArray;
}

/* Could the storage of lvalue @c be outside the program (kernel memory)? */
static int through_ptr(struct emitter *e, CXCursor c)
{
	CXCursor base;
	unsigned n;
	CXCursor *kids;
	int r = 0;

	switch (kind(c)) {
	case CXCursor_ParenExpr:
		kids = rw_children(c, &n);
		r = n ? through_ptr(e, kids[0]) : 0;
		free(kids);
		return r;
	case CXCursor_DeclRefExpr:
		return kernel_var(e, clang_getCursorReferenced(c)) >= 0;
	case CXCursor_MemberRefExpr:
		if (member_base(c, &base))
			return 1;
		return through_ptr(e, rw_strip(base));
	case CXCursor_ArraySubscriptExpr:
		/* p[i] (and i[p]) load through a pointer; a[i] is where a is */
		kids = rw_children(c, &n);
		r = is_array_typed(rw_strip(kids[0])) ? through_ptr(e, rw_strip(kids[0])) : 1;
		free(kids);
		return r;
	case CXCursor_UnaryOperator:
		return clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_Deref;
	default:
		return 0;
	}
}

/* Print @c wrapped in parentheses unless it is a primary/postfix form. */
static void emit_operand(struct emitter *e, CXCursor c)
{
	switch (kind(rw_strip(c))) {
	case CXCursor_DeclRefExpr:
	case CXCursor_ParenExpr:
	case CXCursor_MemberRefExpr:
	case CXCursor_ArraySubscriptExpr:
	case CXCursor_CallExpr:
	case CXCursor_IntegerLiteral:
	case CXCursor_StringLiteral:
		emit_expr(e, c);
		break;
	default:
		put(e, "(");
		emit_expr(e, c);
		put(e, ")");
	}
}

/* The kernel variable @id as a pointer: ((T (*))dusk_ksym(ID)).  One the
 * kernel does not export appears only where the kernel's compiler folds
 * it away, or is another module's: the program stops with its name if it
 * ever gets there. */
static void put_ksym_ptr(struct emitter *e, CXType t, int id)
{
	const struct rw_sym *sym = &e->rw->syms[id];

	if (sym->unexported)
		sb_printf(e->out, "(dusk_kp_%s(\"%s\"), ",
			  sym->imported ? "imported" : "unexported", sym->name);
	put(e, "((");
	put_type(e, t, "(*)");
	if (sym->unexported)
		put(e, ")0))");
	else
		sb_printf(e->out, ")dusk_ksym(%d))", id);
}

/* A static initializer cannot hold a kernel address: print a null
 * pointer and have the generated init assign the real one first. */
static void put_reloc(struct emitter *e, CXType t, int sym, int address_of)
{
	struct rw_reloc *r = VEC_PUSH(e->rw->relocs, e->rw->nrelocs, e->rw->caprelocs);

	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	r->lvalue = xstrdup(xsb_str(&e->path));
	/* the address of an object of type @t: a pointer to it */
	(void)k;
	r->cast = emit_decl_of(e, t, address_of ? "(*)" : "", 0);
	r->sym = sym;
	put(e, "0 /* kernel address: set before init */");
}

struct ksym_find {
	struct emitter *e;
	int found;
};

static enum CXChildVisitResult ksym_visit(CXCursor c, CXCursor p, CXClientData d)
{
	struct ksym_find *k = d;
	CXCursor ref;

	(void)p;
	if (kind(c) != CXCursor_DeclRefExpr)
		return CXChildVisit_Recurse;
	ref = clang_getCursorReferenced(c);
	if (kernel_var(k->e, ref) >= 0) {
		k->found = 1;
	} else if (kind(ref) == CXCursor_FunctionDecl) {
		char *name = cxs_take(clang_getCursorSpelling(ref));

		k->found = rw_sym_find(k->e->rw, name) >= 0;
		free(name);
	}
	return k->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

/*
 * A static initializer's element that computes an address from a kernel
 * symbol, other than the symbol's own address (`&sysctl_vals[1]`,
 * `(void *)&arr[0]`, `sym + 1`): not a constant for the program, whose
 * kernel addresses are known at run time only.
 */
static int needs_reloc_expr(struct emitter *e, CXCursor v)
{
	struct ksym_find k = { e, 0 };
	CXCursor s = rw_strip(v), *kids;
	unsigned n;

	if (kind(v) == CXCursor_InitListExpr)
		return 0;
	if (kind(s) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf) {
		kids = rw_children(s, &n);
		s = n ? rw_strip(kids[0]) : s;
		free(kids);
	}
	if (kind(s) == CXCursor_DeclRefExpr)
		return 0;	/* &sym, fn: put_reloc() */
	ksym_visit(v, clang_getNullCursor(), &k);
	if (!k.found)
		clang_visitChildren(v, ksym_visit, &k);
	return k.found;
}

/* The element @v is assigned before init, computed as run-time code. */
static void put_reloc_expr(struct emitter *e, CXCursor v)
{
	struct rw_reloc *r;
	struct sb val = { 0 }, *out = e->out;
	char *lvalue = xstrdup(xsb_str(&e->path));

	e->out = &val;
	e->static_init = 0;
	emit_expr(e, v);
	e->static_init = 1;
	e->out = out;
	r = VEC_PUSH(e->rw->relocs, e->rw->nrelocs, e->rw->caprelocs);
	r->lvalue = lvalue;
	r->expr = val.s ? xsb_take(&val) : xstrdup("0");
	r->cast = xstrdup("");
	r->sym = -1;
	put(e, "0 /* kernel address: set before init */");
}

/* The plain lvalue: no access made here, only address arithmetic. */
static void emit_plain(struct emitter *e, CXCursor c)
{
	CXCursor base, *kids;
	unsigned n;
	int id;

	switch (kind(c)) {
	case CXCursor_ParenExpr:
		kids = rw_children(c, &n);
		emit_plain(e, kids[0]);
		free(kids);
		return;
	case CXCursor_DeclRefExpr:
		id = kernel_var(e, clang_getCursorReferenced(c));
		if (id >= 0) {
			put(e, "(*");
			put_ksym_ptr(e, clang_getCursorType(clang_getCursorReferenced(c)), id);
			put(e, ")");
			return;
		}
		emit_expr(e, c);
		return;
	case CXCursor_MemberRefExpr: {
		char *f = cxs_take(clang_getCursorSpelling(clang_getCursorReferenced(c)));
		int arrow = member_base(c, &base);

		if (arrow) {
			need_pointee(e, clang_getCursorType(base));
			emit_operand(e, base);
			sb_printf(e->out, "->%s", f);
		} else {
			tg_need_complete(e->rw->tg, clang_getCursorType(base));
			if (through_ptr(e, rw_strip(base)))
				emit_plain(e, rw_strip(base));
			else
				emit_operand(e, base);
			sb_printf(e->out, ".%s", f);
		}
		free(f);
		return;
	}
	case CXCursor_ArraySubscriptExpr: {
		CXCursor b;

		kids = rw_children(c, &n);
		b = rw_strip(kids[0]);
		if (is_array_typed(b) && through_ptr(e, b)) {
			emit_plain(e, b);
		} else {
			need_pointee(e, clang_getCursorType(kids[0]));
			emit_operand(e, kids[0]);
		}
		put(e, "[");
		emit_expr(e, kids[1]);
		put(e, "]");
		free(kids);
		return;
	}
	case CXCursor_UnaryOperator:
		kids = rw_children(c, &n);
		need_pointee(e, clang_getCursorType(kids[0]));
		put(e, "(*");
		emit_operand(e, kids[0]);
		put(e, ")");
		free(kids);
		return;
	default:
		emit_expr(e, c);
	}
}

static int is_bitfield_member(CXCursor c)
{
	CXCursor f = clang_getCursorReferenced(c);

	return kind(c) == CXCursor_MemberRefExpr && kind(f) == CXCursor_FieldDecl &&
	       clang_Cursor_isBitField(f);
}

static int is_array_or_fn(CXCursor c)
{
	enum CXTypeKind k = canon_type(c).kind;

	return k == CXType_ConstantArray || k == CXType_IncompleteArray ||
	       k == CXType_FunctionProto || k == CXType_FunctionNoProto;
}

/*
 * Is lvalue @c the `__state` field of a task_struct reached through a
 * pointer (`current->__state`, as set_current_state(), __set_current_state()
 * and get_current_state() spell it)?  Its byte offset in the task_struct in
 * *@off.  The state of the task that runs the module's code is the program
 * thread's own (dusk_task_state()): set_current_state() stores it there and
 * it goes with the next kernel call, to be set in the task that runs it.
 */
static int is_task_state(CXCursor c, long long *off)
{
	CXCursor f = clang_getCursorReferenced(c), base;
	char *fname, *sname;
	int yes;

	if (kind(c) != CXCursor_MemberRefExpr || kind(f) != CXCursor_FieldDecl ||
	    !member_base(c, &base))
		return 0;
	fname = cxs_take(clang_getCursorSpelling(f));
	sname = cxs_take(clang_getCursorSpelling(clang_getCursorSemanticParent(f)));
	yes = !strcmp(fname, "__state") && !strcmp(sname, "task_struct");
	free(fname);
	free(sname);
	*off = yes ? clang_Cursor_getOffsetOfField(f) / 8 : -1;
	return yes && *off >= 0;
}

/* The address the program uses for task-state lvalue @c at offset @off. */
static void put_task_state_addr(struct emitter *e, CXCursor c, long long off)
{
	put(e, "((");
	put_type(e, clang_getCursorType(c), "*");
	put(e, ")dusk_task_state(&");
	emit_plain(e, c);
	sb_printf(e->out, ", %lld))", off);
}

/* An access to lvalue @c that is reached through a pointer. */
static void emit_access(struct emitter *e, CXCursor c)
{
	long long off;

	if (e->static_init) {
		rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
			"static initializer reads kernel memory");
		return;
	}
	if (is_array_or_fn(c)) {
		emit_plain(e, c);
		return;
	}
	if (is_bitfield_member(c)) {
		/* check the containing object */
		CXCursor base;
		char *f = cxs_take(clang_getCursorSpelling(clang_getCursorReferenced(c)));

		if (member_base(c, &base)) {
			need_pointee(e, clang_getCursorType(base));
			put(e, "DUSK_DEREF(");
			emit_expr(e, base);
			sb_printf(e->out, ")->%s", f);
		} else {
			put(e, "DUSK_DEREF(&");
			emit_plain(e, rw_strip(base));
			sb_printf(e->out, ")->%s", f);
		}
		free(f);
		return;
	}
	tg_need_complete(e->rw->tg, clang_getCursorType(c));
	if (is_task_state(c, &off)) {
		put(e, "(*DUSK_DEREF(");
		put_task_state_addr(e, c, off);
		put(e, "))");
		return;
	}
	if (kind(c) == CXCursor_DeclRefExpr) {
		/* a kernel variable */
		CXCursor ref = clang_getCursorReferenced(c);

		put(e, "(*DUSK_DEREF(");
		put_ksym_ptr(e, clang_getCursorType(ref), kernel_var(e, ref));
		put(e, "))");
		return;
	}
	if (kind(c) == CXCursor_UnaryOperator) {
		/* *p */
		unsigned n;
		CXCursor *kids = rw_children(c, &n);

		need_pointee(e, clang_getCursorType(kids[0]));
		if (canon_type(rw_strip(kids[0])).kind == CXType_ConstantArray ||
		    canon_type(rw_strip(kids[0])).kind == CXType_IncompleteArray) {
			/* *array (`*buffer == '+'`): DUSK_DEREF casts to its
			 * operand's type, which must be the decayed pointer */
			put(e, "(*DUSK_DEREF(&(");
			emit_expr(e, kids[0]);
			put(e, ")[0]))");
		} else {
			put(e, "(*DUSK_DEREF(");
			emit_expr(e, kids[0]);
			put(e, "))");
		}
		free(kids);
		return;
	}
	put(e, "(*DUSK_DEREF(&");
	emit_plain(e, c);
	put(e, "))");
}

/* &lvalue, with plain address arithmetic. */
static void emit_addr(struct emitter *e, CXCursor c)
{
	CXCursor s = c, *kids;
	unsigned n;
	long long off;

	while (kind(s) == CXCursor_ParenExpr) {
		kids = rw_children(s, &n);
		s = kids[0];
		free(kids);
	}
	if (!e->static_init && is_task_state(s, &off)) {
		put_task_state_addr(e, s, off);
		return;
	}
	if (kind(s) == CXCursor_DeclRefExpr) {
		CXCursor ref = clang_getCursorReferenced(s);
		int id = kernel_var(e, ref);

		if (id >= 0) {
			if (e->static_init)
				put_reloc(e, clang_getCursorType(c), id, 1);
			else
				put_ksym_ptr(e, clang_getCursorType(ref), id);
			return;
		}
	}
	if (kind(s) == CXCursor_DeclRefExpr &&
	    kind(clang_getCursorReferenced(s)) == CXCursor_FunctionDecl) {
		/* &fn is fn (static_call_mod(): &__SCT__name), and a kernel
		 * function prints as its address, not an lvalue */
		emit_expr(e, s);
		return;
	}
	if (kind(s) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_Deref) {
		kids = rw_children(s, &n);
		emit_expr(e, kids[0]);	/* &*p == p */
		free(kids);
		return;
	}
	put(e, "&");
	if (through_ptr(e, s))
		emit_plain(e, s);
	else
		emit_operand(e, c);
}

/* ---- references ------------------------------------------------------- */

static void emit_declref(struct emitter *e, CXCursor c)
{
	CXCursor ref = clang_getCursorReferenced(c);
	char *name = cxs_take(clang_getCursorSpelling(ref));
	int id;

	switch (kind(ref)) {
	case CXCursor_EnumConstantDecl: {
		long long v = clang_getEnumConstantDeclValue(ref);

		if (v == -2147483648LL)
			sb_printf(e->out, "(-2147483647 - 1) /* %s */", name);
		else
			sb_printf(e->out, v < 0 ? "(%lld) /* %s */" : "%lld /* %s */", v, name);
		break;
	}
	case CXCursor_FunctionDecl:
		if (rw_fn_find(e->rw, name) >= 0 || !strncmp(name, "__builtin_", 10)) {
			put(e, name);
		} else if ((id = rw_sym_find(e->rw, name)) >= 0) {
			if (e->static_init) {
				CXType pt = clang_getCursorType(c);

				put_reloc(e, pt, id, 1);
			} else {
				put_ksym_ptr(e, clang_getCursorType(ref), id);
			}
		} else {
			unsupported(e, c, name);
		}
		break;
	case CXCursor_VarDecl: {
		const char *local = rw_local_static_name(e->rw, ref);

		if (local) {
			put(e, local);
			break;
		}
		id = kernel_var(e, ref);
		if (id >= 0 && e->static_init &&
		    (canon_type(c).kind == CXType_ConstantArray ||
		     canon_type(c).kind == CXType_IncompleteArray))
			/* a kernel array in a static initializer decays to
			 * its address (`.policy = nft_reject_policy`): a
			 * relocation to its first element, not a read */
			put_reloc(e, clang_getArrayElementType(canon_type(c)), id, 1);
		else if (id >= 0)
			emit_access(e, c);
		else
			put(e, name);
		break;
	}
	default:
		put(e, name);
	}
	free(name);
}

static void emit_member(struct emitter *e, CXCursor c)
{
	CXCursor base;
	char *f;

	if (through_ptr(e, c)) {
		emit_access(e, c);
		return;
	}
	member_base(c, &base);
	tg_need_complete(e->rw->tg, clang_getCursorType(base));
	f = cxs_take(clang_getCursorSpelling(clang_getCursorReferenced(c)));
	emit_operand(e, base);
	sb_printf(e->out, ".%s", f);
	free(f);
}

static void emit_subscript(struct emitter *e, CXCursor c)
{
	CXCursor *kids;
	unsigned n;

	if (through_ptr(e, c)) {
		emit_access(e, c);
		return;
	}
	kids = rw_children(c, &n);
	emit_operand(e, kids[0]);
	put(e, "[");
	emit_expr(e, kids[1]);
	put(e, "]");
	free(kids);
}

/* ---- operators -------------------------------------------------------- */

static void emit_unary(struct emitter *e, CXCursor c)
{
	enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	char *sp;

	switch (op) {
	case CXUnaryOperator_AddrOf:
		emit_addr(e, kids[0]);
		break;
	case CXUnaryOperator_Deref:
		if (e->static_init || is_array_or_fn(c)) {
			put(e, "*");
			emit_operand(e, kids[0]);
		} else {
			emit_access(e, c);
		}
		break;
	case CXUnaryOperator_PostInc:
	case CXUnaryOperator_PostDec:
		need_pointee(e, clang_getCursorType(kids[0]));
		emit_operand(e, kids[0]);
		put(e, op == CXUnaryOperator_PostInc ? "++" : "--");
		break;
	case CXUnaryOperator_Extension:
		put(e, "__extension__ ");
		emit_expr(e, kids[0]);
		break;
	default:
		if (op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec)
			need_pointee(e, clang_getCursorType(kids[0]));
		sp = cxs_take(clang_getUnaryOperatorKindSpelling(op));
		put(e, sp);
		free(sp);
		emit_expr(e, kids[0]);
	}
	free(kids);
}

static int is_unnamed_record(CXType t)
{
	CXCursor d = clang_getTypeDeclaration(clang_getCanonicalType(t));

	return clang_getCanonicalType(t).kind == CXType_Record &&
	       (clang_Cursor_isAnonymousRecordDecl(d) || clang_Cursor_isAnonymous(d));
}

/* Is @rhs a compound literal of @lhs's own unnamed struct or union type
 * (`*(_radix) = (typeof(*_radix)) __GENRADIX_INITIALIZER`)?  Its type
 * printed as a cast would define a second, different type. */
static int is_own_type_literal(CXCursor rhs, CXCursor lhs)
{
	CXCursor s = rw_strip(rhs);

	return kind(s) == CXCursor_CompoundLiteralExpr &&
	       clang_equalTypes(canon_type(s), canon_type(lhs)) && is_unnamed_record(canon_type(s));
}

/* The compound literal @c assigned to the expression printed at
 * e->out[@lhs..@lhs_end): typed as __typeof__ of that expression, which
 * is not evaluated there, and the only spelling of the same type. */
static void put_own_type_literal(struct emitter *e, CXCursor c, size_t lhs, size_t lhs_end)
{
	char *target = xasprintf("%.*s", (int)(lhs_end - lhs), e->out->s + lhs);
	unsigned n;
	CXCursor *kids = rw_children(c, &n);

	sb_printf(e->out, "(__typeof__(%s))", target);
	emit_init_list(e, kids[n - 1]);
	free(kids);
	free(target);
}

static void emit_binary(struct emitter *e, CXCursor c)
{
	enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
	size_t lhs, lhs_end;
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	char *sp = cxs_take(clang_getBinaryOperatorKindSpelling(op));

	if (op == CXBinaryOperator_Add || op == CXBinaryOperator_Sub ||
	    op == CXBinaryOperator_AddAssign || op == CXBinaryOperator_SubAssign) {
		need_pointee(e, clang_getCursorType(kids[0]));
		need_pointee(e, clang_getCursorType(kids[1]));
	}
	lhs = e->out->len;
	emit_expr(e, kids[0]);
	lhs_end = e->out->len;
	sb_printf(e->out, op == CXBinaryOperator_Comma ? "%s " : " %s ", sp);
	if (op == CXBinaryOperator_Assign && is_own_type_literal(kids[1], kids[0]))
		put_own_type_literal(e, rw_strip(kids[1]), lhs, lhs_end);
	else
		emit_expr(e, kids[1]);
	free(sp);
	free(kids);
}

/* ---- calls ------------------------------------------------------------ */

/* Does evaluating @c a second time change nothing: no call, assignment,
 * increment or statement expression anywhere in it? */
static int is_pure(CXCursor c)
{
	enum CXCursorKind k = kind(c);
	unsigned i, n;
	CXCursor *kids;
	int pure = 1;

	if (k == CXCursor_CallExpr || k == CXCursor_CompoundAssignOperator ||
	    k == CXCursor_StmtExpr || !clang_isExpression(k))
		return 0;
	if (k == CXCursor_BinaryOperator &&
	    clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign)
		return 0;
	if (k == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);

		if (op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec ||
		    op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec)
			return 0;
	}
	kids = rw_children(c, &n);
	for (i = 0; i < n && pure; i++)
		pure = clang_isExpression(kind(kids[i])) ? is_pure(kids[i]) :
		       kind(kids[i]) == CXCursor_TypeRef;
	free(kids);
	return pure;
}

/* Bytes of the array @a when its type says how many (char name[16] of a
 * struct, a row of a two-dimensional array), else -1. */
static long long array_bytes(CXCursor a)
{
	CXType t = canon_type(a);

	return t.kind == CXType_ConstantArray ? clang_Type_getSizeOf(t) : -1;
}

/* The bytes of array @a from its element @idx on (`a + i`, `&a[i]`: the
 * `buf + len` of `len += snprintf(buf + len, sizeof(buf) - len, ...)`),
 * 0 past its end.  Returns 0 when that cannot be printed: the index is
 * evaluated again, so it must be pure. */
static int put_array_rest(struct emitter *e, CXCursor a, CXCursor idx)
{
	long long size = array_bytes(a), elem = clang_Type_getSizeOf(clang_getArrayElementType(canon_type(a)));

	if (size < 0 || elem <= 0 || !is_integer(clang_getCursorType(idx)) || !is_pure(idx))
		return 0;
	sb_printf(e->out, "(%lldUL > (unsigned long)(", size);
	emit_expr(e, idx);
	sb_printf(e->out, ") * %lldUL ? %lldUL - (unsigned long)(", elem, size);
	emit_expr(e, idx);
	sb_printf(e->out, ") * %lldUL : 0)", elem);
	return 1;
}

/* `a + i` or `i + a` for an array @a: its rest from element i. */
static int put_offset_len(struct emitter *e, CXCursor s)
{
	CXCursor *kids;
	unsigned n;
	int done = 0;

	if (kind(s) == CXCursor_BinaryOperator &&
	    clang_getCursorBinaryOperatorKind(s) == CXBinaryOperator_Add) {
		kids = rw_children(s, &n);
		if (n == 2 && is_array_typed(rw_strip(kids[0])))
			done = put_array_rest(e, rw_strip(kids[0]), kids[1]);
		else if (n == 2 && is_array_typed(rw_strip(kids[1])))
			done = put_array_rest(e, rw_strip(kids[1]), kids[0]);
		free(kids);
	}
	return done;
}

/* `&a[i]` (the operand @sub of the `&`) for an array @a: its rest from
 * element i.  Only under `&`: a bare `a[i]` is the element's value (a
 * pointer read from `const char *names[]`), which points elsewhere. */
static int put_elem_rest(struct emitter *e, CXCursor sub)
{
	CXCursor *kids;
	unsigned n;
	int done = 0;

	kids = rw_children(sub, &n);
	if (n == 2 && is_array_typed(rw_strip(kids[0])))
		done = put_array_rest(e, rw_strip(kids[0]), kids[1]);
	free(kids);
	return done;
}

/* @c without the explicit pointer casts around it: `(struct sockaddr
 * *)&sin6` is `&sin6`.  A cast from an integer stays. */
static CXCursor strip_pointer_casts(CXCursor c)
{
	CXCursor *kids;
	unsigned n;

	for (c = rw_strip(c); kind(c) == CXCursor_CStyleCastExpr;) {
		enum CXTypeKind k;

		kids = rw_children(c, &n);
		if (!n) {
			free(kids);
			break;
		}
		k = canon_type(rw_strip(kids[n - 1])).kind;
		if (canon_type(c).kind != CXType_Pointer ||
		    (k != CXType_Pointer && k != CXType_ConstantArray &&
		     k != CXType_IncompleteArray)) {
			free(kids);
			break;
		}
		c = rw_strip(kids[n - 1]);
		free(kids);
	}
	return c;
}

/* Size of the object an argument points into, when the rewriter can see
 * it: `&local`, `&global`, a named array of ours, any array whose type
 * gives its size (`info.name`), or the rest of one from an element on
 * (`buf + len`, `&buf[len]`); through pointer casts, which name a type
 * the object may be larger than (`(struct sockaddr *)&sin6`, whose 28
 * bytes kernel_bind() reads).  "0" otherwise: the runtime then finds the
 * extent itself (a global's, a string's, the stack frames' above). */
static void put_arg_len(struct emitter *e, CXCursor arg)
{
	CXCursor s = strip_pointer_casts(arg), *kids;
	unsigned n;
	long long bytes;

	if (kind(s) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf) {
		kids = rw_children(s, &n);
		s = rw_strip(kids[0]);
		free(kids);
		if (kind(s) == CXCursor_ArraySubscriptExpr) {
			if (!put_elem_rest(e, s))
				put(e, "0");
			return;
		}
	} else if (!is_array_or_fn(s)) {
		if (!put_offset_len(e, s))
			put(e, "0");
		return;
	}
	if (kind(s) == CXCursor_DeclRefExpr &&
	    kind(clang_getCursorReferenced(s)) == CXCursor_VarDecl &&
	    kernel_var(e, clang_getCursorReferenced(s)) < 0 ) {
		const char *local = rw_local_static_name(e->rw, clang_getCursorReferenced(s));
		char *name = local ? xstrdup(local) : cxs_take(clang_getCursorSpelling(s));

		sb_printf(e->out, "sizeof(%s)", name);
		free(name);
		return;
	}
	/* (a string literal is sized by the runtime, as it always was) */
	if (kind(s) != CXCursor_DeclRefExpr && kind(s) != CXCursor_StringLiteral &&
	    (bytes = array_bytes(s)) > 0) {
		sb_printf(e->out, "%lldUL", bytes);
		return;
	}
	put(e, "0");
}

/* A stub argument the wrapper takes with a length after it (emit-user.c):
 * a data pointer, or a parameter declared as an array (`namefmt[]`). */
static int is_data_pointer(CXType t)
{
	CXType c = clang_getCanonicalType(t);

	if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
	    c.kind == CXType_VariableArray)
		return 1;
	if (c.kind != CXType_Pointer)
		return 0;
	c = clang_getCanonicalType(clang_getPointeeType(c));
	return c.kind != CXType_FunctionProto && c.kind != CXType_FunctionNoProto;
}

/* The argument index of the printf format kernel function @st takes, or
 * -1 (dusk/printf-ext.h). */
int rw_format_index(const struct rw_stub *st)
{
	if (st->flags & DUSK_STUB_PRINTK)
		return 0;
#define FORMAT_STUB(name, idx) if (!strcmp(st->callee, name)) return idx;
	DUSK_FORMAT_STUBS(FORMAT_STUB)
#undef FORMAT_STUB
	return -1;
}

/* The value of integer constant expression @c in *@v: 1, else 0. */
static int const_int(CXCursor c, long long *v)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	int ok = r && clang_EvalResult_getKind(r) == CXEval_Int;

	if (ok)
		*v = clang_EvalResult_getAsLongLong(r);
	if (r)
		clang_EvalResult_dispose(r);
	return ok;
}

/* What a %p extension reads through one pointer argument: @bytes, or
 * when 0 and @width_arg >= 0, what extension @ext reads for the field
 * width that argument gives at run time (`%*ph` of a variable length). */
struct fmt_len {
	long long bytes;
	int width_arg;
	char ext[2];
};

/*
 * The bytes a literal printf format at argument @fmt of @call reads through
 * each pointer argument a %p extension consumes (`%*ph` with 32: 32,
 * `%pM`: 6), in @lens[0..@n) (0: not known here).  The program commits
 * such an object with that length: as a string its mirror would end at
 * its first zero byte, and vsnprintf() would read past the mirror.  A
 * width that is no constant is the length of %ph, %pE and %pb at run time
 * when its argument can be evaluated again (emit_args()); else %ph gets
 * its most, 64 bytes, which may be more than the object has.
 */
static void format_lens(CXCursor call, int fmt, int n, struct fmt_len *lens)
{
	CXEvalResult r = clang_Cursor_Evaluate(clang_Cursor_getArgument(call, fmt));
	const char *f;
	int i = fmt + 1, width, known, width_arg;
	long long v;

	if (!r)
		return;
	f = clang_EvalResult_getKind(r) == CXEval_StrLiteral ? clang_EvalResult_getAsStr(r) : "";
	while ((f = strchr(f, '%')) && i < n) {
		if (*++f == '%') {
			f++;
			continue;
		}
		f += strspn(f, "-+ #0");
		width = -1;
		known = 1;
		width_arg = -1;
		if (*f == '*') {
			width_arg = i;
			known = const_int(clang_Cursor_getArgument(call, i++), &v);
			width = known ? (int)(v < 0 ? -v : v) : 64;
			f++;
		} else {
			for (; *f >= '0' && *f <= '9'; f++)
				width = (width < 0 ? 0 : width) * 10 + (*f - '0');
		}
		if (*f == '.') {
			if (*++f == '*') {
				i++;
				f++;
			}
			f += strspn(f, "0123456789");
		}
		f += strspn(f, "hlLzZt");
		if (!*f || !strchr("cdiuoxXsp", *f) || i >= n)
			break;		/* vsnprintf() stops at an invalid conversion */
		if (*f == 'p' && !known && f[1] && strchr("hEb", f[1]) &&
		    is_pure(clang_Cursor_getArgument(call, width_arg))) {
			lens[i].width_arg = width_arg;
			snprintf(lens[i].ext, sizeof(lens[i].ext), "%c", f[1]);
		} else if (*f == 'p' && (known || f[1] == 'h') && dusk_pext_size(f + 1, width) > 0) {
			lens[i].bytes = dusk_pext_size(f + 1, width);
		}
		i++;
		f++;
	}
	clang_EvalResult_dispose(r);
}

static void emit_args(struct emitter *e, CXCursor call, int with_len,
		      const struct rw_stub *st, int first)
{
	int i, n = clang_Cursor_getNumArguments(call), fmt;
	struct fmt_len *lens = xrealloc(NULL, (n > 0 ? (size_t)n : 1) * sizeof(*lens));

	for (i = 0; i < n; i++)
		lens[i] = (struct fmt_len){ .width_arg = -1 };
	if (with_len && st && (fmt = rw_format_index(st)) >= 0 && fmt < n)
		format_lens(call, fmt, n, lens);
	for (i = 0; i < n; i++) {
		CXCursor a = clang_Cursor_getArgument(call, i);

		if (i || first)
			put(e, ", ");
		emit_expr(e, a);
		if (with_len && st && i < st->nargs && is_data_pointer(st->args[i])) {
			put(e, ", ");
			if (lens[i].bytes > 0) {
				sb_printf(e->out, "%lldUL", lens[i].bytes);
			} else if (lens[i].width_arg >= 0) {
				sb_printf(e->out, "(unsigned long)dusk_pext_arg_size(\"%s\", (int)(",
					  lens[i].ext);
				emit_expr(e, clang_Cursor_getArgument(call, lens[i].width_arg));
				put(e, "))");
			} else
				put_arg_len(e, a);
		}
	}
	free(lens);
}

static int is_builtin_constant_p(CXCursor fn)
{
	char *name = cxs_take(clang_getCursorSpelling(fn));
	int r = kind(fn) == CXCursor_FunctionDecl && !strcmp(name, "__builtin_constant_p");

	free(name);
	return r;
}

/*
 * A va_list handed to a kernel function names the program's own argument
 * area, which the kernel would read at a user address (a fault in kernel
 * mode).  The program reads the arguments for it when the format comes
 * right before the va_list (DUSK_STUB_VA: vprintk(), vsnprintf(),
 * kvasprintf()...); any other (a scanf's, an indirect call's) is refused.
 */
static void refuse_va_list(struct emitter *e, CXCursor c, const struct rw_stub *st)
{
	int i;

	for (i = 0; !(st->flags & DUSK_STUB_VA) && i < st->nfixed && i < st->nargs; i++)
		if (rw_type_is_va_list(st->args[i])) {
			rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
				"a va_list passed to the kernel (%s) cannot be read there: "
				"only one right after its format can (docs/kapi.md, \"Formats\")",
				st->callee[0] ? st->callee : "an indirect call");
			rw_diag_macro_note(e->rw, clang_getCursorLocation(c));
			return;
		}
}

static void emit_call(struct emitter *e, CXCursor c)
{
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	CXCursor callee = rw_strip(kids[0]);
	CXCursor ref = clang_getCursorReferenced(callee);
	int s;

	if (e->static_init && is_integer(clang_getCursorType(c)) &&
	    put_int_value(e, c, clang_getCursorType(c))) {
		/* a constant call (__builtin_bswap16 in cpu_to_be16()) */
		free(kids);
		return;
	}
	if (e->static_init && is_builtin_constant_p(ref)) {
		/* An initializer is a constant context: gcc decides
		 * __builtin_constant_p there, 0 for what it could not fold
		 * (trace_printk()'s `__builtin_constant_p(fmt) ? fmt : NULL` of
		 * a variable fmt); libclang leaves it to code generation. */
		put(e, "0");
		free(kids);
		return;
	}
	if (e->static_init) {
		unsupported(e, c, "a function call in a static initializer");
		free(kids);
		return;
	}
	if (kind(callee) == CXCursor_DeclRefExpr && kind(ref) == CXCursor_FunctionDecl) {
		char *name = cxs_take(clang_getCursorSpelling(ref));
		const struct kprim *kp = kprim_find(name);
		unsigned flags;

		if (kapi_drop_call(name)) {
			/* a call the kernel's compiler proved dead */
			put(e, clang_getCanonicalType(clang_getCursorType(c)).kind == CXType_Void ?
			       "((void)0)" : "0");
		} else if (kp) {
			CXType rt = clang_getCursorType(c);

			/* the user-level form may return a plainer type (void *) */
			if (clang_getCanonicalType(rt).kind == CXType_Pointer) {
				put(e, "((");
				put_type(e, rt, "");
				put(e, ")");
			}
			sb_printf(e->out, "%s(", kp->user);
			emit_args(e, c, 0, NULL, 0);
			put(e, ")");
			if (clang_getCanonicalType(rt).kind == CXType_Pointer)
				put(e, ")");
		} else if (!kapi_force_stub(name, &flags) &&
			   (rw_fn_find(e->rw, name) >= 0 || !strncmp(name, "__builtin_", 10))) {
			sb_printf(e->out, "%s(", name);
			emit_args(e, c, 0, NULL, 0);
			put(e, ")");
		} else {
			s = rw_stub_for_call(e->rw, c);
			refuse_va_list(e, c, &e->rw->stubs[s]);
			sb_printf(e->out, "%s(", e->rw->stubs[s].wrapper);
			emit_args(e, c, 1, &e->rw->stubs[s], 0);
			put(e, ")");
		}
		free(name);
	} else {
		s = rw_stub_for_call(e->rw, c);
		refuse_va_list(e, c, &e->rw->stubs[s]);
		sb_printf(e->out, "%s(", e->rw->stubs[s].wrapper);
		emit_expr(e, kids[0]);
		emit_args(e, c, 1, &e->rw->stubs[s], 1);
		put(e, ")");
	}
	free(kids);
}

/* ---- aggregates ------------------------------------------------------- */

struct field_list {
	char **names;
	size_t n, cap;
};

static enum CXVisitorResult field_visit(CXCursor f, CXClientData d)
{
	struct field_list *fl = d;

	*VEC_PUSH(fl->names, fl->n, fl->cap) = cxs_take(clang_getCursorSpelling(f));
	return CXVisit_Continue;
}

/*
 * Which `[...]` designators of the initializer @v are GNU ranges
 * (`[0 ... 7] = 1`): bit k for the k-th bracket, read from the source's
 * tokens up to the `=`; *@designated: @v starts with a designator.
 * libclang shows a range as two index expressions, as it shows `[i][j]`
 * (two designators), and both as __builtin_choose_expr()'s three operands.
 */
static unsigned range_designators(struct emitter *e, CXCursor v, int *designated)
{
	CXTranslationUnit tu = e->rw->unit->tu;
	unsigned nt, i, bits = 0, k = 0;
	int depth = 0;
	CXToken *toks;

	clang_tokenize(tu, clang_getCursorExtent(v), &toks, &nt);
	*designated = 0;
	if (nt) {
		char *t = cxs_take(clang_getTokenSpelling(tu, toks[0]));

		*designated = !strcmp(t, "[") || !strcmp(t, ".");
		free(t);
	}
	for (i = 0; *designated && i < nt; i++) {
		char *t = cxs_take(clang_getTokenSpelling(tu, toks[i]));
		int stop = depth == 0 && !strcmp(t, "=");

		if (!strcmp(t, "[") || !strcmp(t, "(") || !strcmp(t, "{"))
			depth++;
		else if (!strcmp(t, "]") || !strcmp(t, ")") || !strcmp(t, "}"))
			k += !strcmp(t, "]") && --depth == 0;
		else if (depth == 1 && !strcmp(t, "...") && k < 32)
			bits |= 1u << k;
		free(t);
		if (stop)
			break;
	}
	clang_disposeTokens(tu, toks, nt);
	return bits;
}

/* The constant value of index expression @x. */
static long long designator_index(CXCursor x)
{
	CXEvalResult r = clang_Cursor_Evaluate(x);
	long long idx = r ? clang_EvalResult_getAsLongLong(r) : 0;

	if (r)
		clang_EvalResult_dispose(r);
	return idx;
}

/* Print `{ ... }` keeping designators; in a static initializer, track the
 * lvalue path of each element so kernel addresses can be relocated. */
static void emit_init_list(struct emitter *e, CXCursor c)
{
	unsigned n, i, m;
	CXCursor *kids = rw_children(c, &n);
	CXType t = canon_type(c);
	struct field_list fl = { 0 };
	size_t pos = 0, save = e->path.len;
	int is_record = t.kind == CXType_Record;

	if (is_record)
		clang_Type_visitFields(t, field_visit, &fl);
	put(e, "{ ");
	for (i = 0; i < n; i++) {
		CXCursor v = kids[i], *dk;

		if (i)
			put(e, ", ");
		sb_truncate(&e->path, save);
		/* A designated initializer: designators, then the value.
		 * `.f` designators are MemberRefs, `[i]` ones expressions.
		 * An offsetof() is unexposed too, but starts with its type
		 * (ifb's and veth's ethtool stat tables). */
		if (kind(v) == CXCursor_UnexposedExpr) {
			unsigned ranges = 0, bracket = 0;
			int designated = 0;

			dk = rw_children(v, &m);
			if (m >= 3 && clang_isExpression(kind(dk[0])))
				ranges = range_designators(e, v, &designated);
			if (m >= 2 && kind(dk[0]) != CXCursor_TypeRef &&
			    (kind(dk[0]) == CXCursor_MemberRef || m == 2 || designated)) {
				unsigned j;

				for (j = 0; j + 1 < m; j++) {
					if (kind(dk[j]) == CXCursor_MemberRef) {
						char *f = cxs_take(clang_getCursorSpelling(dk[j]));
						size_t k;

						/* `.cb` in an anonymous union: clang
						 * adds the unnamed member first; C
						 * names the inner field directly */
						if (f[0]) {
							sb_printf(e->out, ".%s", f);
							sb_printf(&e->path, ".%s", f);
						}
						for (k = 0; j == 0 && k < fl.n; k++)
							if (!strcmp(fl.names[k], f))
								pos = k;
						free(f);
					} else if ((ranges >> bracket++ & 1) && j + 2 < m) {
						/* `[lo ... hi]`: its elements share the
						 * value; a relocation loops over them */
						long long lo = designator_index(dk[j]);
						long long hi = designator_index(dk[++j]);

						sb_printf(e->out, "[%lld ... %lld]", lo, hi);
						sb_printf(&e->path, "[%lld ... %lld]", lo, hi);
						if (j == 1)
							pos = (size_t)hi;
					} else {
						long long idx = designator_index(dk[j]);

						sb_printf(e->out, "[%lld]", idx);
						sb_printf(&e->path, "[%lld]", idx);
						if (j == 0)
							pos = (size_t)idx;
					}
				}
				put(e, " = ");
				v = dk[m - 1];
				pos++;
				free(dk);
				goto value;
			}
			free(dk);
		}
		if (is_record && pos < fl.n)
			sb_printf(&e->path, ".%s", fl.names[pos]);
		else if (!is_record)
			sb_printf(&e->path, "[%zu]", pos);
		pos++;
value:
		emit_initializer(e, v);
	}
	put(e, " }");
	sb_truncate(&e->path, save);
	for (i = 0; i < fl.n; i++)
		free(fl.names[i]);
	free(fl.names);
	free(kids);
}

void emit_initializer(struct emitter *e, CXCursor v)
{
	CXCursor s = rw_strip(v);

	if (kind(v) == CXCursor_InitListExpr) {
		emit_init_list(e, v);
		return;
	}
	if (e->static_init && needs_reloc_expr(e, v)) {
		put_reloc_expr(e, v);
		return;
	}
	/* `x = (typeof(x)){ ... }` (DEFINE_KFIFO, IRQ_WORK_INIT): a compound
	 * literal of the object's own type initializes like its braces, which
	 * are standard C in a static initializer, and the only spelling for an
	 * anonymous type (a printed cast would define a second, different type) */
	if (kind(s) == CXCursor_CompoundLiteralExpr &&
	    clang_equalTypes(canon_type(s), canon_type(v)) &&
	    (e->static_init || is_unnamed_record(canon_type(s)))) {
		unsigned n;
		CXCursor *kids = rw_children(s, &n);

		if (n && kind(kids[n - 1]) == CXCursor_InitListExpr) {
			emit_init_list(e, kids[n - 1]);
			free(kids);
			return;
		}
		free(kids);
	}
	emit_expr(e, v);
}

/* An array of integers or floating-point numbers. */
static int is_scalar_array(CXType t)
{
	CXType c = clang_getCanonicalType(t), el;

	if (c.kind != CXType_ConstantArray)
		return 0;
	el = clang_getCanonicalType(clang_getArrayElementType(c));
	return (el.kind >= CXType_Bool && el.kind <= CXType_LongDouble) || el.kind == CXType_Enum;
}

/*
 * A compound literal array of numbers in a global's initializer (hwmon's
 * `.config = (u32 []){ ..., 0 }`) is an object of static storage the
 * kernel reads through a pointer: as an anonymous literal the runtime
 * could not size it, and mirrored one element of it (the kernel saw the
 * first channel only).  It is printed as a named static object ahead of
 * the global instead, which the module descriptor's objects table sizes.
 * Numbers only: their initializers hold no address to relocate.
 */
static int hoist_literal(struct emitter *e, CXCursor c)
{
	struct rw *rw = e->rw;
	struct rw_literal *l;
	struct sb *out = e->out, def = { 0 };
	CXCursor *kids;
	unsigned n;
	char *d;

	if (!e->static_init || e->fn_name || !e->hoist || !is_scalar_array(clang_getCursorType(c)))
		return 0;
	kids = rw_children(c, &n);
	if (!n || kind(kids[n - 1]) != CXCursor_InitListExpr) {
		free(kids);
		return 0;
	}
	l = VEC_PUSH(rw->literals, rw->nliterals, rw->capliterals);
	l->name = xasprintf("dusk_lit_%zu", rw->nliterals - 1);
	l->type = clang_getCursorType(c);
	d = emit_decl_of(e, l->type, l->name, 1);
	e->out = &def;
	emit_init_list(e, kids[n - 1]);
	e->out = out;
	sb_printf(e->hoist, "static %s = %s;\n", d, xsb_str(&def));
	put(e, l->name);
	sb_free(&def);
	free(d);
	free(kids);
	return 1;
}

static int points_to_anonymous(CXType t)
{
	CXType c = clang_getCanonicalType(t);
	CXCursor d;

	if (c.kind != CXType_Pointer)
		return 0;
	d = clang_getTypeDeclaration(clang_getCanonicalType(clang_getPointeeType(c)));
	return !clang_Cursor_isNull(d) && kind(d) != CXCursor_NoDeclFound &&
	       (clang_Cursor_isAnonymousRecordDecl(d) || clang_Cursor_isAnonymous(d));
}

struct member_of {
	CXCursor rec;		/* an anonymous record */
	char *name;		/* the member of its type */
};

static enum CXChildVisitResult find_member_of(CXCursor c, CXCursor p, CXClientData d)
{
	struct member_of *m = d;
	CXCursor t;

	(void)p;
	if (kind(c) != CXCursor_FieldDecl)
		return CXChildVisit_Continue;
	t = clang_getTypeDeclaration(canon_type(c));
	if (!clang_equalCursors(t, m->rec))
		return CXChildVisit_Continue;
	m->name = cxs_take(clang_getCursorSpelling(c));
	return CXChildVisit_Break;
}

static int is_anonymous_record(CXCursor d)
{
	return (kind(d) == CXCursor_StructDecl || kind(d) == CXCursor_UnionDecl) &&
	       (clang_Cursor_isAnonymous(d) || clang_Cursor_isAnonymousRecordDecl(d));
}

/*
 * An expression whose type is anonymous record @rec, for __typeof__():
 * the first variable printed with it (rw->anons), else the member of an
 * enclosing record that has it (`(*(struct s *)0).inner`, unevaluated);
 * NULL when neither is known.  An anonymous member's own members are
 * reached through the record around it.
 */
static char *anon_record_expr(struct rw *rw, CXCursor rec)
{
	struct member_of m = { rec, NULL };
	CXCursor parent = clang_getCursorSemanticParent(rec);
	char *outer, *r;
	size_t i;

	for (i = 0; i < rw->nanons; i++)
		if (clang_equalCursors(rw->anons[i].rec, rec))
			return xstrdup(rw->anons[i].expr);
	if (kind(parent) != CXCursor_StructDecl && kind(parent) != CXCursor_UnionDecl)
		return NULL;
	clang_visitChildren(parent, find_member_of, &m);
	if (!m.name)
		return NULL;
	while (clang_Cursor_isAnonymousRecordDecl(parent))
		parent = clang_getCursorSemanticParent(parent);
	if (kind(parent) != CXCursor_StructDecl && kind(parent) != CXCursor_UnionDecl) {
		r = NULL;
	} else if (is_anonymous_record(parent)) {
		outer = anon_record_expr(rw, parent);
		r = outer ? xasprintf("(%s).%s", outer, m.name) : NULL;
		free(outer);
	} else {
		outer = tg_declarator(clang_getCursorType(parent), "");
		r = xasprintf("(*(%s *)0).%s", outer, m.name);
		free(outer);
	}
	free(m.name);
	return r;
}

/*
 * Declarator @decl of type @t, whose base (through pointers and arrays)
 * is an anonymous struct or union, with the record's body replaced by
 * __typeof__() of an expression of it: a second `struct { ... }` would be
 * another, incompatible type (`typeof(x) *p`, a cast in container_of()).
 * 1 when replaced; 0 leaves @decl as it was.
 */
int emit_anon_by_typeof(struct rw *rw, CXType t, char **decl)
{
	CXType c = clang_getCanonicalType(t);
	char *x, *body, *hit, *r;
	CXCursor d;

	for (;;) {
		if (c.kind == CXType_Pointer)
			c = clang_getCanonicalType(clang_getPointeeType(c));
		else if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
			 c.kind == CXType_VariableArray)
			c = clang_getCanonicalType(clang_getArrayElementType(c));
		else
			break;
	}
	d = clang_getTypeDeclaration(c);
	if (c.kind != CXType_Record || !is_anonymous_record(d))
		return 0;
	x = anon_record_expr(rw, d);
	if (!x)
		return 0;
	body = tg_declarator(clang_getCursorType(d), "");
	hit = strstr(*decl, body);
	if (hit) {
		r = xasprintf("%.*s__typeof__(%s)%s", (int)(hit - *decl), *decl, x,
			      hit + strlen(body));
		free(*decl);
		*decl = r;
	}
	free(body);
	free(x);
	return hit != NULL;
}

/* A cast's type: a pointer to an anonymous record that cannot be named
 * by __typeof__() is printed `void *` (converts to it). */
static void put_cast_type(struct emitter *e, CXType t)
{
	char *d = emit_decl_of(e, t, "", 0);

	if (!emit_anon_by_typeof(e->rw, t, &d) && points_to_anonymous(t))
		put(e, "void *");
	else
		put(e, d);
	free(d);
}

int emit_type_unnameable(CXType t)
{
	CXType c = clang_getCanonicalType(t);
	char *sp;
	int r = 0;

	while (c.kind == CXType_Pointer)
		c = clang_getCanonicalType(clang_getPointeeType(c));
	if (c.kind == CXType_Record) {
		CXCursor d = clang_getTypeDeclaration(c);

		if (clang_Cursor_isAnonymousRecordDecl(d) || clang_Cursor_isAnonymous(d)) {
			sp = cxs_take(clang_getTypeSpelling(t));
			r = strstr(sp, "typeof") != NULL;
			free(sp);
		}
	}
	return r;
}

/* ---- the dispatcher --------------------------------------------------- */

static int is_integer(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return (k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum;
}

/* The pointee of pointer @t, or the element of array @t (which decays). */
static CXType pointee_or_elem(CXType t)
{
	CXType c = clang_getCanonicalType(t);

	if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray)
		return clang_getArrayElementType(c);
	return clang_getPointeeType(c);
}

static int is_pointerish(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return k == CXType_Pointer || k == CXType_ConstantArray || k == CXType_IncompleteArray;
}

/*
 * Does the implicit conversion of a @from value to @to need a cast to
 * compile warning-free with gcc -Wall?  The kernel's flags accept (or only
 * warn about) conversions that plain -Wall reports: a qualifier discarded
 * (`char *p = const_buf`), pointer targets of another signedness or type
 * (-Wno-pointer-sign in Kbuild), an integer made a pointer or a pointer an
 * integer without a cast.  The kernel's compiler judged them; the printer
 * spells them out.
 */
static int conversion_needs_cast(CXType to, CXCursor val)
{
	CXType tc = clang_getCanonicalType(to), from = clang_getCursorType(val);

	if (tc.kind == CXType_Bool)
		return 0;
	if (tc.kind == CXType_Pointer && is_pointerish(from)) {
		CXType tp = clang_getCanonicalType(clang_getPointeeType(tc));
		CXType fp = clang_getCanonicalType(pointee_or_elem(from));
		CXType tu = clang_getUnqualifiedType(tp), fu = clang_getUnqualifiedType(fp);

		if ((clang_isConstQualifiedType(fp) && !clang_isConstQualifiedType(tp)) ||
		    (clang_isVolatileQualifiedType(fp) && !clang_isVolatileQualifiedType(tp)))
			return 1;
		return tu.kind != CXType_Void && fu.kind != CXType_Void &&
		       !clang_equalTypes(tu, fu);
	}
	if (tc.kind == CXType_Pointer && is_integer(from)) {
		/* a null pointer constant converts silently */
		CXEvalResult r = clang_Cursor_Evaluate(val);
		int null = r && clang_EvalResult_getKind(r) == CXEval_Int &&
			   clang_EvalResult_getAsLongLong(r) == 0;

		if (r)
			clang_EvalResult_dispose(r);
		return !null;
	}
	return is_integer(to) && clang_getCanonicalType(from).kind == CXType_Pointer;
}

/*
 * offsetof() whose designator has a run-time index (container_of(p,
 * struct s, slot[i]), rb_entry(n, struct c, node[prio])): libclang exposes
 * it as the type, then one MemberRef per field and one expression per
 * index.  Printed as __builtin_offsetof again, fields by name (an unnamed
 * member is reached through its fields, as C looks names up).
 */
static int is_offsetof(CXCursor *kids, unsigned n)
{
	unsigned i;

	if (n < 2 || kind(kids[0]) != CXCursor_TypeRef)
		return 0;
	for (i = 1; i < n; i++)
		if (kind(kids[i]) != CXCursor_MemberRef && !clang_isExpression(kind(kids[i])))
			return 0;
	return 1;
}

static void emit_offsetof(struct emitter *e, CXCursor *kids, unsigned n)
{
	unsigned i;
	int first = 1;

	tg_need_complete(e->rw->tg, clang_getCursorType(kids[0]));
	put(e, "__builtin_offsetof(");
	put_type(e, clang_getCursorType(kids[0]), "");
	put(e, ", ");
	for (i = 1; i < n; i++) {
		if (kind(kids[i]) == CXCursor_MemberRef) {
			char *f = cxs_take(clang_getCursorSpelling(kids[i]));

			if (f[0]) {
				sb_printf(e->out, "%s%s", first ? "" : ".", f);
				first = 0;
			}
			free(f);
		} else {
			put(e, "[");
			emit_expr(e, kids[i]);
			put(e, "]");
		}
	}
	put(e, ")");
}

/*
 * The va_list operand of `va_arg(ap, T)` (clang's VAArgExpr, which libclang
 * leaves unexposed), or a null cursor: an expression of a type other than a
 * va_list whose one operand is a va_list cannot be a conversion.
 */
static CXCursor va_arg_operand(CXCursor c, const CXCursor *kids, unsigned n)
{
	unsigned i;

	if (rw_type_is_va_list(clang_getCursorType(c)))
		return clang_getNullCursor();
	for (i = 0; i < n; i++)
		if (clang_isExpression(kind(kids[i])) &&
		    rw_type_is_va_list(clang_getCursorType(kids[i])))
			return kids[i];
	return clang_getNullCursor();
}

static void emit_unexposed(struct emitter *e, CXCursor c)
{
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	CXCursor ap = va_arg_operand(c, kids, n);

	if (!clang_Cursor_isNull(ap)) {
		/* before 2026-12-05 printed as a cast of the va_list: the
		 * argument was never read */
		put(e, "__builtin_va_arg(");
		emit_expr(e, ap);
		put(e, ", ");
		put_type(e, clang_getCursorType(c), "");
		put(e, ")");
	} else if (!(n == 1 && clang_isExpression(kind(kids[0]))) &&
	    is_integer(clang_getCursorType(c)) && put_int_value(e, c, clang_getCursorType(c))) {
		/* a constant: __builtin_types_compatible_p(), offsetof(a[i])... */
	} else if (n == 1 && clang_isExpression(kind(kids[0])) &&
		   conversion_needs_cast(clang_getCursorType(c), kids[0])) {
		/* an implicit conversion plain C warns about: made explicit */
		put(e, "((");
		put_cast_type(e, clang_getCursorType(c));
		put(e, ")");
		emit_operand(e, kids[0]);
		put(e, ")");
	} else if (n == 1 && clang_isExpression(kind(kids[0]))) {
		/* an implicit conversion: C performs it again */
		emit_expr(e, kids[0]);
	} else if (is_offsetof(kids, n)) {
		emit_offsetof(e, kids, n);
	} else if (n == 3 && clang_isExpression(kind(kids[0]))) {
		/* __builtin_choose_expr(const, a, b) */
		CXEvalResult r = clang_Cursor_Evaluate(kids[0]);

		if (r && clang_EvalResult_getKind(r) == CXEval_Int)
			emit_expr(e, clang_EvalResult_getAsLongLong(r) ? kids[1] : kids[2]);
		else
			unsupported(e, c, "this expression");
		if (r)
			clang_EvalResult_dispose(r);
	} else if (n == 4 && clang_isExpression(kind(kids[0])) &&
		   clang_isExpression(kind(kids[3]))) {
		/* GNU `a ?: b` (BinaryConditionalOperator): the common
		 * operand, its two opaque uses, the alternative */
		put(e, "(");
		emit_expr(e, kids[0]);
		put(e, ") ?: (");
		emit_expr(e, kids[3]);
		put(e, ")");
	} else if (n == 0 && put_int_value(e, c, clang_getCursorType(c))) {
		/* a constant the AST does not expose */
	} else if (n == 0) {
		put(e, "{ 0 }");	/* implicit value initialization */
	} else {
		unsupported(e, c, "this expression");
	}
	free(kids);
}

/* The canonical spelling of @t without a leading const. */
static char *unqual_spelling(CXType t)
{
	char *s = cxs_take(clang_getTypeSpelling(clang_getCanonicalType(t)));

	if (!strncmp(s, "const ", 6))
		memmove(s, s + 6, strlen(s + 6) + 1);
	return s;
}

/* Is @assoc a call of a function whose first parameter points to the type
 * spelled @ctl: the helper a type-dispatching _Generic picks for it
 * (seqlock.h's __seqprop(): `seqcount_spinlock_t:
 * __seqprop_spinlock_sequence((void *)(s))`, whose parameter is
 * `const seqcount_spinlock_t *`)? */
static int dispatches_on(CXCursor assoc, const char *ctl)
{
	CXCursor fn = clang_getCursorReferenced(rw_strip(assoc));
	CXType p;
	char *s;
	int hit;

	if (kind(rw_strip(assoc)) != CXCursor_CallExpr || kind(fn) != CXCursor_FunctionDecl ||
	    clang_getNumArgTypes(clang_getCursorType(fn)) < 1)
		return 0;
	p = clang_getCanonicalType(clang_getArgType(clang_getCursorType(fn), 0));
	if (p.kind != CXType_Pointer)
		return 0;
	s = unqual_spelling(clang_getPointeeType(p));
	hit = !strcmp(s, ctl);
	free(s);
	return hit;
}

/*
 * _Generic(x, T1: e1, T2: e2, default: e3) whose value is not a constant.
 * libclang does not say which association was chosen, nor give the
 * associations' types, but the result has the chosen one's type: print
 * that association when exactly one has it (container_of_const(): const
 * and non-const results).  When several have it, a type dispatch is
 * recognised by the helper each association calls: the one whose
 * parameter points to x's type.
 */
static void emit_generic(struct emitter *e, CXCursor c)
{
	unsigned n, i, hits = 0, pick = 0;
	CXCursor *kids = rw_children(c, &n);
	CXType t = canon_type(c);

	for (i = 1; i < n; i++) {
		if (!clang_isExpression(kind(kids[i])))
			continue;
		if (clang_equalTypes(canon_type(kids[i]), t)) {
			hits++;
			pick = i;
		}
	}
	if (hits > 1 && n) {
		char *ctl = unqual_spelling(clang_getCursorType(kids[0]));

		for (hits = 0, i = 1; i < n; i++)
			if (clang_isExpression(kind(kids[i])) &&
			    clang_equalTypes(canon_type(kids[i]), t) && dispatches_on(kids[i], ctl)) {
				hits++;
				pick = i;
			}
		free(ctl);
	}
	if (hits == 1)
		emit_expr(e, kids[pick]);
	else
		unsupported(e, c, "_Generic whose chosen association is not known");
	free(kids);
}

void emit_expr(struct emitter *e, CXCursor c)
{
	unsigned n;
	CXCursor *kids;

	switch (kind(c)) {
	case CXCursor_UnexposedExpr:
		emit_unexposed(e, c);
		return;
	case CXCursor_DeclRefExpr:
		emit_declref(e, c);
		return;
	case CXCursor_MemberRefExpr:
		emit_member(e, c);
		return;
	case CXCursor_ArraySubscriptExpr:
		emit_subscript(e, c);
		return;
	case CXCursor_IntegerLiteral:
		if (!put_int_value(e, c, clang_getCursorType(c)))
			unsupported(e, c, "this literal");
		return;
	case CXCursor_CharacterLiteral:
		emit_char_literal(e, c);
		return;
	case CXCursor_FloatingLiteral:
		emit_float_literal(e, c);
		return;
	case CXCursor_StringLiteral:
		emit_string_literal(e, c);
		return;
	case CXCursor_UnaryExpr:	/* sizeof, alignof, offsetof */
		if (!put_int_value(e, c, clang_getCursorType(c)))
			unsupported(e, c, "a sizeof of variable size");
		return;
	case CXCursor_ParenExpr:
		kids = rw_children(c, &n);
		put(e, "(");
		emit_expr(e, kids[0]);
		put(e, ")");
		free(kids);
		return;
	case CXCursor_UnaryOperator:
		emit_unary(e, c);
		return;
	case CXCursor_BinaryOperator:
		if (rw_folded(c) && put_int_value(e, c, clang_getCursorType(c)))
			return;
		if (rw_emit_percpu_shift(e, c))
			return;
		/* fall through */
	case CXCursor_CompoundAssignOperator:
		emit_binary(e, c);
		return;
	case CXCursor_ConditionalOperator:
		if (rw_folded(c) && put_int_value(e, c, clang_getCursorType(c)))
			return;
		kids = rw_children(c, &n);
		emit_expr(e, kids[0]);
		put(e, " ? ");
		emit_expr(e, kids[1]);
		put(e, " : ");
		emit_expr(e, kids[2]);
		free(kids);
		return;
	case CXCursor_CallExpr:
		emit_call(e, c);
		return;
	case CXCursor_CStyleCastExpr:
		kids = rw_children(c, &n);
		put(e, "(");
		put_cast_type(e, clang_getCursorType(c));
		put(e, ")");
		emit_operand(e, kids[n - 1]);
		free(kids);
		return;
	case CXCursor_CompoundLiteralExpr:
		if (hoist_literal(e, c))
			return;
		/* an object of its type: complete in the declarations also
		 * when the module's code names it only through pointers
		 * (hwmon's HWMON_CHANNEL_INFO() in a pointer array) */
		kids = rw_children(c, &n);
		put(e, "(");
		tg_need_complete(e->rw->tg, clang_getCursorType(c));
		put_type(e, clang_getCursorType(c), "");
		put(e, ")");
		emit_init_list(e, kids[n - 1]);
		free(kids);
		return;
	case CXCursor_InitListExpr:
		emit_init_list(e, c);
		return;
	case CXCursor_StmtExpr:
		kids = rw_children(c, &n);
		put(e, "(");
		emit_stmt(e, kids[0]);
		if (e->out->len && e->out->s[e->out->len - 1] == '\n')
			sb_truncate(e->out, e->out->len - 1);
		put(e, ")");
		free(kids);
		return;
	case CXCursor_AddrLabelExpr:
		unsupported(e, c, "the address of a label");
		return;
	case CXCursor_GenericSelectionExpr:
		if (!put_int_value(e, c, clang_getCursorType(c)))
			emit_generic(e, c);
		return;
	default: {
		char *k = cxs_take(clang_getCursorKindSpelling(kind(c)));
		char *what = xasprintf("expression kind %s", k);

		unsupported(e, c, what);
		free(what);
		free(k);
	}
	}
}
