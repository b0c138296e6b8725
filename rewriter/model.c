// SPDX-License-Identifier: GPL-2.0
/*
 * Reach analysis: which code and data of the translation unit the module
 * really uses, and what it needs from the kernel.
 *
 * Start from every function defined in the module's own file; follow direct
 * calls into static inline header functions (kept and instrumented like the
 * module's own code) unless the callee is a kernel-only primitive
 * (kprim-table.c) or must run in the kernel (kapi-table.c).  Everything the
 * kept code calls but the unit does not define is a kernel function: one
 * stub each (one per call-site signature for variadic functions, one per
 * signature for indirect calls).  Kernel variables and kernel functions used
 * as values become symbols; module functions used as values become proxies.
 * Module globals are kept with their initializers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "walk.h"
#include "typegen.h"
#include <dusk/typeinfo.h>

long rw_src_index(const struct rw *rw, CXFile f)
{
	size_t i;

	for (i = 0; rw->unit && rw->unit->srcfiles && i < rw->nsrcs; i++)
		if (rw->unit->srcfiles[i] && clang_File_isEqual(f, rw->unit->srcfiles[i]))
			return (long)i;
	return -1;
}

int rw_in_main_file(const struct rw *rw, CXCursor c)
{
	CXFile f;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
	if (!f)
		return 0;
	if (rw_src_index(rw, f) >= 0)
		return 1;
	/* a module of several files: the main file only lists them */
	return !rw->nsrcs && rw->unit->mainfile && clang_File_isEqual(f, rw->unit->mainfile);
}

/* The name #line gives @f: as the user named a module source, else the
 * path clang knows (a header). */
char *rw_src_name(const struct rw *rw, CXFile f)
{
	long i = rw_src_index(rw, f);

	return i >= 0 ? xstrdup(rw->srcs[i]) : cxs_take(clang_getFileName(f));
}

struct kids {
	CXCursor *v;
	size_t n, cap;
};

static enum CXChildVisitResult kid(CXCursor c, CXCursor p, CXClientData d)
{
	struct kids *k = d;

	(void)p;
	*VEC_PUSH(k->v, k->n, k->cap) = c;
	return CXChildVisit_Continue;
}

int rw_type_is_array(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return k == CXType_ConstantArray || k == CXType_IncompleteArray ||
	       k == CXType_VariableArray || k == CXType_DependentSizedArray;
}

/*
 * A va_list, or what one decays to as a parameter: x86-64's
 * `struct __va_list_tag[1]` and `struct __va_list_tag *`, arm64's
 * `struct __va_list` (names from clang's target builtins).
 */
int rw_type_is_va_list(CXType t)
{
	CXType c = clang_getCanonicalType(t);
	char *s;
	int hit;

	if (c.kind == CXType_Pointer)
		c = clang_getCanonicalType(clang_getPointeeType(c));
	else if (c.kind == CXType_ConstantArray)
		c = clang_getCanonicalType(clang_getArrayElementType(c));
	if (c.kind != CXType_Record)
		return 0;
	s = cxs_take(clang_getTypeSpelling(c));
	hit = strstr(s, "__va_list") != NULL;
	free(s);
	return hit;
}

int rw_type_is_pointer(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Pointer || rw_type_is_array(t);
}

CXCursor *rw_children(CXCursor c, unsigned *n)
{
	struct kids k = { 0 };

	clang_visitChildren(c, kid, &k);
	*n = k.n;
	return k.v;
}

CXCursor rw_strip(CXCursor c)
{
	for (;;) {
		enum CXCursorKind k = clang_getCursorKind(c);
		unsigned n;
		CXCursor *kids;

		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr)
			return c;
		kids = rw_children(c, &n);
		if (n != 1 || !clang_isExpression(clang_getCursorKind(kids[0]))) {
			free(kids);
			return c;
		}
		c = kids[0];
		free(kids);
	}
}

static int find_name(const void *arr, size_t n, size_t elem, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *const *p = (const void *)((const char *)arr + i * elem);

		if (!strcmp(*p, name))
			return (int)i;
	}
	return -1;
}

int rw_fn_find(const struct rw *rw, const char *name)
{
	return find_name(rw->fns, rw->nfns, sizeof(*rw->fns), name);
}

int rw_global_find(const struct rw *rw, const char *name)
{
	return find_name(rw->globals, rw->nglobals, sizeof(*rw->globals), name);
}

const char *rw_local_static_name(const struct rw *rw, CXCursor v)
{
	size_t i;

	if (clang_getCursorKind(v) != CXCursor_VarDecl ||
	    clang_getCursorKind(clang_getCursorSemanticParent(v)) != CXCursor_FunctionDecl)
		return NULL;
	for (i = 0; i < rw->nglobals; i++)
		if (rw->globals[i].local && clang_equalCursors(rw->globals[i].cur, v))
			return rw->globals[i].name;
	return NULL;
}

int rw_sym_find(const struct rw *rw, const char *name)
{
	return find_name(rw->syms, rw->nsyms, sizeof(*rw->syms), name);
}

int rw_proxy_find(const struct rw *rw, const char *name)
{
	return find_name(rw->proxies, rw->nproxies, sizeof(*rw->proxies), name);
}

static int is_printk_family(const char *name)
{
	return !strcmp(name, "_printk") || !strcmp(name, "printk") ||
	       !strcmp(name, "_printk_deferred");
}

/* Canonical spelling of @t, for signatures (typedefs resolved). */
static char *canon(CXType t)
{
	return cxs_take(clang_getTypeSpelling(clang_getCanonicalType(t)));
}

/* Argument types of @call as the callee sees them: declared parameter
 * types, then the (promoted) types of the variadic arguments. */
static void call_arg_types(CXCursor call, CXType fnty, struct rw_stub *st)
{
	int i, n = clang_Cursor_isNull(call) ? 0 : clang_Cursor_getNumArguments(call);
	int nfixed = clang_getNumArgTypes(fnty);

	st->nfixed = nfixed < 0 ? 0 : nfixed;
	st->variadic = clang_isFunctionTypeVariadic(fnty);
	st->nargs = st->variadic ? n : st->nfixed;
	st->args = xrealloc(NULL, (st->nargs + 1) * sizeof(CXType));
	for (i = 0; i < st->nargs; i++)
		st->args[i] = i < st->nfixed ? clang_getArgType(fnty, i) :
			clang_getCursorType(clang_Cursor_getArgument(call, i));
	st->ret = clang_getResultType(fnty);
}

static char *stub_sig(const struct rw_stub *st, const char *name)
{
	struct sb b = { 0 };
	char *r = canon(st->ret);
	int i;

	sb_printf(&b, "%s %s(", r, name);
	free(r);
	for (i = 0; i < st->nargs; i++) {
		char *a = canon(st->args[i]);

		sb_printf(&b, "%s%s", i ? ", " : "", a);
		free(a);
	}
	sb_puts(&b, ")");
	return xsb_take(&b);
}

/* The parameters of function declaration @d that one of its declarations
 * (the one a call names, the first, the definition) declares `__user`. */
static uint64_t user_params(CXCursor d)
{
	CXCursor decls[3] = { d, clang_getCanonicalCursor(d), clang_getCursorDefinition(d) };
	uint64_t mask = 0;
	int i, j, n;

	for (j = 0; j < 3; j++) {
		if (clang_Cursor_isNull(decls[j]) ||
		    clang_getCursorKind(decls[j]) != CXCursor_FunctionDecl)
			continue;
		n = clang_Cursor_getNumArguments(decls[j]);
		for (i = 0; i < n && i < 64; i++)
			if (tg_has_user_token(clang_Cursor_getArgument(decls[j], i)))
				mask |= 1ull << i;
	}
	return mask;
}

/*
 * DUSK_STUB_VA_AT(i) when the program must read a format's arguments for
 * the kernel (dusk/abi.h, libduskrt/vafmt.c), else 0: a va_list as the
 * last parameter, right after its format (vprintk(), vsnprintf(),
 * kvasprintf(), seq_vprintf(), dev_vprintk_emit()...; not a scanf, whose
 * arguments are where it stores), or a format call given a struct
 * va_format (for a %pV).  Any other va_list is refused (emit-expr.c).
 */
static unsigned va_stub_flags(const struct rw_stub *st)
{
	int i, f;
	CXType pt;

	if (!st->callee[0] || st->unexported)
		return 0;
	for (i = 0; i < st->nfixed && i < st->nargs; i++) {
		if (!rw_type_is_va_list(st->args[i]))
			continue;
		if (i == 0 || i != st->nfixed - 1 || st->variadic || strstr(st->callee, "scanf") ||
		    clang_getCanonicalType(st->args[i - 1]).kind != CXType_Pointer)
			return 0;
		pt = clang_getCanonicalType(clang_getPointeeType(clang_getCanonicalType(st->args[i - 1])));
		return pt.kind == CXType_Char_S || pt.kind == CXType_Char_U ?
		       DUSK_STUB_VA_AT(i) : 0;
	}
	f = rw_format_index(st);
	if (!st->variadic || f < 0 || f + 1 > DUSK_MAX_ARGS - 1)
		return 0;
	for (i = f + 1; i < st->nargs; i++)
		if (kapi_pointee_is(st->args[i], "struct va_format"))
			return DUSK_STUB_VA_AT(f + 1);
	return 0;
}

/*
 * A call whose words do not fit one CALL (DUSK_MAX_ARGS: the arguments,
 * an indirect call's function pointer, a returned struct's buffer): said
 * at rewrite time, where the call is, rather than by the program when it
 * runs.
 */
static void check_wire_args(struct rw *rw, const struct rw_stub *st, CXCursor at)
{
	int extra = rw_stub_words(st) - st->nargs;

	if (st->nargs + extra <= DUSK_MAX_ARGS)
		return;
	rw_diag(rw, clang_getCursorLocation(at), RW_ERROR,
		"a call of '%s' with %d arguments: at most %d pass to the kernel in one call; "
		"split it (two printk()s, or a struct passed by pointer)",
		st->callee[0] ? st->callee : "a kernel function pointer", st->nargs,
		DUSK_MAX_ARGS - extra);
}

/* The stub for a call of kernel function @name declared by @decl (or, with
 * @name NULL, an indirect call through a pointer of type @fnty).  Created
 * on first use. */
static int stub_get(struct rw *rw, CXCursor call, const char *name, CXCursor decl,
		    CXType fnty, unsigned flags)
{
	struct rw_stub tmp = { 0 }, *st;
	size_t i;
	int same = 0;

	call_arg_types(call, fnty, &tmp);
	tmp.sig = stub_sig(&tmp, name ? name : "(*)");
	for (i = 0; i < rw->nstubs; i++) {
		if (!strcmp(rw->stubs[i].sig, tmp.sig)) {
			free(tmp.sig);
			free(tmp.args);
			return (int)i;
		}
		if (name && !strcmp(rw->stubs[i].callee, name))
			same++;
		if (!name && !rw->stubs[i].callee[0])
			same++;
	}
	st = VEC_PUSH(rw->stubs, rw->nstubs, rw->capstubs);
	*st = tmp;
	st->flags = flags | kapi_type_flags(fnty);
	st->user = name && !clang_Cursor_isNull(decl) ? user_params(decl) : 0;
	/* The kmod judges a pointer result by NULL/ERR_PTR, an int by its
	 * sign: a register call returning a handle (proc_create) must not be
	 * taken for a failure because its address looks negative as an int. */
	if (clang_getCanonicalType(st->ret).kind == CXType_Pointer)
		st->flags |= DUSK_STUB_RET_PTR;
	if (!name) {
		st->flags |= DUSK_STUB_INDIRECT;
		st->callee = xstrdup("");
		st->name = xasprintf("indirect#%d", same + 1);
		st->wrapper = xasprintf("dusk_k_indirect_%d", same + 1);
	} else if (st->variadic) {
		if (is_printk_family(name))
			st->flags |= DUSK_STUB_PRINTK;
		st->callee = xstrdup(name);
		st->name = xasprintf("%s#%d", name, same + 1);
		st->wrapper = xasprintf("dusk_k_%s_%d", name, same + 1);
	} else {
		st->callee = xstrdup(name);
		st->name = xstrdup(name);
		st->wrapper = xasprintf("dusk_k_%s", name);
	}
	st->flags |= va_stub_flags(st);
	check_wire_args(rw, st, clang_Cursor_isNull(call) ? decl : call);
	return (int)(st - rw->stubs);
}

struct fn_find {
	const char *name;
	CXCursor found;
};

static enum CXChildVisitResult fn_find_visit(CXCursor c, CXCursor p, CXClientData d)
{
	struct fn_find *f = d;
	char *n;

	(void)p;
	if (clang_getCursorKind(c) != CXCursor_FunctionDecl)
		return CXChildVisit_Continue;
	n = cxs_take(clang_getCursorSpelling(c));
	if (!strcmp(n, f->name)) {
		f->found = c;
		free(n);
		return CXChildVisit_Break;
	}
	free(n);
	return CXChildVisit_Continue;
}

int rw_stub_for_function(struct rw *rw, const char *name)
{
	struct fn_find f = { name, clang_getNullCursor() };
	unsigned flags;
	size_t i;

	for (i = 0; i < rw->nstubs; i++)
		if (!rw->stubs[i].variadic && !strcmp(rw->stubs[i].callee, name))
			return (int)i;
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), fn_find_visit, &f);
	if (clang_Cursor_isNull(f.found))
		return -1;
	kapi_force_stub(name, &flags);
	return stub_get(rw, clang_getNullCursor(), name, f.found, clang_getCursorType(f.found),
			flags);
}

/* Does @c read a variable (outside sizeof/_Alignof)?  libclang's
 * evaluator also folds reads of initialized globals, which the program may
 * change: only an expression of constants is folded. */
static enum CXChildVisitResult reads_var_visit(CXCursor c, CXCursor p, CXClientData d)
{
	enum CXCursorKind k;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_UnaryExpr)
		return CXChildVisit_Continue;
	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
		k = clang_getCursorKind(clang_getCursorReferenced(c));
		if (k == CXCursor_VarDecl || k == CXCursor_ParmDecl) {
			*(int *)d = 1;
			return CXChildVisit_Break;
		}
	}
	return CXChildVisit_Recurse;
}

static int reads_var(CXCursor c)
{
	int found = 0;

	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr)
		reads_var_visit(c, c, &found);
	else
		clang_visitChildren(c, reads_var_visit, &found);
	return found;
}

struct label_scan {
	int found;
	int in_switch;	/* cases here belong to a switch inside the branch */
};

static enum CXChildVisitResult label_visit(CXCursor c, CXCursor p, CXClientData d)
{
	struct label_scan *ls = d;
	enum CXCursorKind k = clang_getCursorKind(c);

	(void)p;
	if (k == CXCursor_LabelStmt ||
	    (!ls->in_switch && (k == CXCursor_CaseStmt || k == CXCursor_DefaultStmt))) {
		ls->found = 1;
		return CXChildVisit_Break;
	}
	if (k == CXCursor_SwitchStmt && !ls->in_switch) {
		struct label_scan inner = { 0, 1 };

		clang_visitChildren(c, label_visit, &inner);
		ls->found = inner.found;
		return inner.found ? CXChildVisit_Break : CXChildVisit_Continue;
	}
	return CXChildVisit_Recurse;
}

/* Does the statement @c hold a label, or a case or default of a switch
 * around it, that a jump could enter it by? */
static int has_label(CXCursor c)
{
	struct label_scan ls = { 0, 0 };

	if (label_visit(c, c, &ls) == CXChildVisit_Break)
		return 1;
	if (clang_getCursorKind(c) != CXCursor_SwitchStmt)
		clang_visitChildren(c, label_visit, &ls);
	return ls.found;
}

/* The truth of the integer constant expression @c (1 or 0), or -1 when
 * the compiler cannot fold it.  The evaluator folds `0 && f(x)` too. */
static int eval_truth(CXCursor c)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	int t = -1;

	if (r && clang_EvalResult_getKind(r) == CXEval_Int)
		t = clang_EvalResult_getAsLongLong(r) || clang_EvalResult_getAsUnsigned(r);
	if (r)
		clang_EvalResult_dispose(r);
	return t;
}

/* Is @c an expression of constants alone, and if so, is it true?  1
 * true, 0 false, -1 not such an expression.  libclang's evaluator also
 * folds reads of initialized globals, which the program may change. */
static int const_truth(CXCursor c)
{
	return reads_var(c) ? -1 : eval_truth(c);
}

/* The operand of @c that decides its value when its first one is constant:
 * `C ? a : b` runs one branch, `0 && x` and `1 || x` never run x (the
 * kernel's `IS_ENABLED(CONFIG_X) && f()`).  Null when nothing is folded. */
static CXCursor folded_live(CXCursor c, CXCursor *kids, unsigned n)
{
	enum CXBinaryOperatorKind op;
	int t;

	if (n == 3 && clang_getCursorKind(c) == CXCursor_ConditionalOperator) {
		t = const_truth(kids[0]);
		if (t >= 0)
			return t ? kids[1] : kids[2];
	} else if (n == 2 && clang_getCursorKind(c) == CXCursor_BinaryOperator) {
		op = clang_getCursorBinaryOperatorKind(c);
		if (op != CXBinaryOperator_LAnd && op != CXBinaryOperator_LOr)
			return clang_getNullCursor();
		t = const_truth(kids[0]);
		if (t == (op == CXBinaryOperator_LOr))
			return kids[0];
	}
	return clang_getNullCursor();
}

/* The value's truth (1 or 0) when @c is an integer expression the
 * kernel's compiler folds to a constant before anything in it runs or is
 * linked: a conditional with a constant test, or a logical operator whose
 * constant left operand decides it; else -1.  The code it does not run is
 * then neither reached (no stubs, no kept inline functions) nor printed:
 * gcc drops it, and the kernel build links without it (a `!preemptible()`
 * behind IS_ENABLED(CONFIG_PREEMPT_RT) in put_task_struct() reaches inline
 * assembly). */
static int folded_truth(CXCursor c)
{
	enum CXCursorKind ck = clang_getCursorKind(c);
	enum CXBinaryOperatorKind op;
	enum CXTypeKind k;
	unsigned n;
	CXCursor *kids, live;

	if (ck == CXCursor_BinaryOperator) {
		op = clang_getCursorBinaryOperatorKind(c);
		if (op != CXBinaryOperator_LAnd && op != CXBinaryOperator_LOr)
			return -1;	/* most operators: no children walked */
	} else if (ck != CXCursor_ConditionalOperator) {
		return -1;
	}
	k = clang_getCanonicalType(clang_getCursorType(c)).kind;
	if (!((k >= CXType_Bool && k <= CXType_Int128) || k == CXType_Enum))
		return -1;
	kids = rw_children(c, &n);
	live = folded_live(c, kids, n);
	free(kids);
	/* the operand that runs must be constant too */
	if (clang_Cursor_isNull(live) || reads_var(live))
		return -1;
	return eval_truth(c);
}

int rw_folded(CXCursor c)
{
	return folded_truth(c) >= 0;
}

/* The branch of an `if` whose test is an expression of constants that
 * never runs (1: the then branch, 2: the else branch), or 0.  As with
 * rw_folded(), gcc drops it; a branch holding a label that a goto or
 * switch could enter is kept. */
int rw_if_dead_branch(CXCursor c)
{
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	int t, dead = 0;

	if (n >= 2 && clang_getCursorKind(c) == CXCursor_IfStmt) {
		CXCursor test = rw_strip(kids[0]);

		t = folded_truth(test);
		if (t < 0)
			t = const_truth(test);
		if (t == 0)
			dead = 1;
		else if (t == 1 && n > 2)
			dead = 2;
		if (dead && has_label(kids[dead]))
			dead = 0;
	}
	free(kids);
	return dead;
}

int rw_uaccess_asm(CXCursor c)
{
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	int r = 0;

	if (n >= 4 && clang_getCursorKind(kids[0]) == CXCursor_DeclRefExpr) {
		char *name = cxs_take(clang_getCursorSpelling(kids[0]));

		if (!strcmp(name, "__ret_gu") && n == 5)
			r = RW_UACCESS_GET;
		else if (!strcmp(name, "__ret_pu") && n == 5)
			r = RW_UACCESS_PUT;
		free(name);
	}
	free(kids);
	return r;
}

int rw_stub_for_call(struct rw *rw, CXCursor call)
{
	unsigned n;
	CXCursor *kids = rw_children(call, &n);
	CXCursor callee = rw_strip(kids[0]);
	CXCursor ref = clang_getCursorReferenced(callee);
	CXType fnty;
	int r;

	if (clang_getCursorKind(callee) == CXCursor_DeclRefExpr &&
	    clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
		char *name = cxs_take(clang_getCursorSpelling(ref));
		unsigned flags = 0;

		kapi_force_stub(name, &flags);
		r = stub_get(rw, call, name, ref, clang_getCursorType(ref), flags);
		free(name);
	} else {
		/* The callee's type may be spelled through a typedef
		 * (`typedef int (*fn_t)(...)`), which has no pointee of its own:
		 * then the canonical one (whose array parameters are decayed). */
		fnty = clang_getCursorType(kids[0]);
		if (fnty.kind != CXType_Pointer)
			fnty = clang_getCanonicalType(fnty);
		if (fnty.kind == CXType_Pointer)
			fnty = clang_getPointeeType(fnty);
		r = stub_get(rw, call, NULL, clang_getNullCursor(), fnty, 0);
	}
	free(kids);
	return r;
}

static void add_fn(struct rw *rw, CXCursor def, enum rw_fn_kind kind)
{
	struct rw_fn *f;
	char *name = cxs_take(clang_getCursorSpelling(def));

	if (rw_fn_find(rw, name) >= 0) {
		free(name);
		return;
	}
	f = VEC_PUSH(rw->fns, rw->nfns, rw->capfns);
	f->name = name;
	f->cur = def;
	f->kind = kind;
	f->proxy = -1;
	f->call = clang_getNullCursor();
	f->caller = -1;
}

static void add_sym(struct rw *rw, CXCursor decl, int is_fn)
{
	char *name = cxs_take(clang_getCursorSpelling(decl));
	struct rw_sym *s;

	if (rw_sym_find(rw, name) >= 0) {
		free(name);
		return;
	}
	s = VEC_PUSH(rw->syms, rw->nsyms, rw->capsyms);
	s->name = name;
	s->is_fn = is_fn;
	s->type = clang_getCursorType(decl);
}

static void add_proxy(struct rw *rw, CXCursor fn)
{
	char *name = cxs_take(clang_getCursorSpelling(fn));
	struct rw_proxy *p;
	int i = rw_fn_find(rw, name);

	if (rw_proxy_find(rw, name) >= 0) {
		free(name);
		return;
	}
	p = VEC_PUSH(rw->proxies, rw->nproxies, rw->capproxies);
	p->name = name;
	p->fn = clang_getCursorDefinition(fn);
	p->kind = kapi_proxy_kind(clang_getCursorType(fn));
	p->sig = canon(clang_getCursorType(fn));
	if (i >= 0)
		rw->fns[i].proxy = (int)(p - rw->proxies);
}

static int is_module_fn(struct rw *rw, CXCursor decl)
{
	CXCursor def = clang_getCursorDefinition(decl);

	return !clang_Cursor_isNull(def) && rw_in_main_file(rw, def);
}

struct tentative {
	struct rw *rw;
	CXString usr;
	int found;
};

static enum CXChildVisitResult find_tentative(CXCursor c, CXCursor parent, CXClientData d)
{
	struct tentative *t = d;
	CXString usr;

	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_VarDecl ||
	    clang_Cursor_hasVarDeclExternalStorage(c) || !rw_in_main_file(t->rw, c))
		return CXChildVisit_Continue;
	usr = clang_getCursorUSR(c);
	t->found = !strcmp(clang_getCString(usr), clang_getCString(t->usr));
	clang_disposeString(usr);
	return t->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* A variable of the module itself: defined in its file(s), including C's
 * tentative definitions (`int x;`), which are not "definitions" for
 * libclang -- also when the reference names an `extern` declaration in a
 * header of the module's (`extern struct stats stats;` in mymod.h, `struct
 * stats stats;` in a .c): the tentative definition is then looked for by
 * the declaration's USR. */
static int is_module_var(struct rw *rw, CXCursor decl)
{
	CXCursor def = clang_getCursorDefinition(decl);
	struct tentative t = { rw, { 0 }, 0 };

	if (!clang_Cursor_isNull(def))
		return rw_in_main_file(rw, def);
	if (!clang_Cursor_hasVarDeclExternalStorage(decl))
		return rw_in_main_file(rw, decl);
	t.usr = clang_getCursorUSR(decl);
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), find_tentative, &t);
	clang_disposeString(t.usr);
	return t.found;
}

static int is_local_static(CXCursor var)
{
	enum CXCursorKind pk = clang_getCursorKind(clang_getCursorSemanticParent(var));

	return pk == CXCursor_FunctionDecl;
}

/*
 * A variable of the kernel: global storage, not the module's own.  That
 * includes a `static` variable a header defines (net/sctp/checksum.h's
 * sctp_csum_ops): every unit including the header has a copy, and the
 * generated kmod, which includes it too, has the one the program uses, its
 * function pointers the kernel's.
 */
int rw_is_kernel_var(struct rw *rw, CXCursor decl)
{
	return clang_getCursorKind(decl) == CXCursor_VarDecl &&
	       clang_Cursor_hasVarDeclGlobalStorage(decl) && !is_local_static(decl) &&
	       !is_module_var(rw, decl);
}

/* A null pointer constant (`NULL`, `0`): no object at all. */
static int is_null_constant(CXCursor arg)
{
	CXEvalResult r;
	int null = 0;

	/* through `((void *)0)`'s parentheses and casts to the integer */
	for (;;) {
		enum CXCursorKind k = clang_getCursorKind(arg);
		unsigned n;
		CXCursor *kids;

		if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr &&
		    k != CXCursor_CStyleCastExpr)
			break;
		kids = rw_children(arg, &n);
		if (!n) {
			free(kids);
			break;
		}
		arg = kids[n - 1];
		free(kids);
	}
	r = clang_Cursor_Evaluate(arg);
	if (r) {
		null = clang_EvalResult_getKind(r) == CXEval_Int &&
		       clang_EvalResult_getAsLongLong(r) == 0;
		clang_EvalResult_dispose(r);
	}
	return null;
}

/* The user-owned object (a lock) an argument of @call to a kernel function
 * of type @fn points to, or NULL.  A null argument is no object: the kernel
 * takes no lock (gen_replace_estimator(..., NULL, true, opt), sch_drr). */
static const char *owned_arg(CXCursor call, CXType fn)
{
	int i, n = clang_Cursor_getNumArguments(call);
	const char *owned;

	for (i = 0; i < n && i < clang_getNumArgTypes(fn); i++)
		if ((owned = kprim_owned_param(fn, i)) &&
		    !is_null_constant(clang_Cursor_getArgument(call, (unsigned)i)))
			return owned;
	return NULL;
}

/* A direct call of function @decl from kept code. */
static void reach_call(struct rw *rw, CXCursor call, CXCursor decl)
{
	char *name = cxs_take(clang_getCursorSpelling(decl));
	CXCursor def = clang_getCursorDefinition(decl);
	unsigned flags;

	if (kapi_drop_call(name) || kprim_find(name) ||
	    !strncmp(name, "__builtin_", 10) || is_module_fn(rw, decl)) {
		/* nothing to reach */
	} else if (kapi_force_stub(name, &flags) || clang_Cursor_isNull(def)) {
		const char *owned = owned_arg(call, clang_getCursorType(decl));

		/* one owner per object: the program owns its locks */
		if (owned) {
			rw_diag(rw, clang_getCursorLocation(call), RW_ERROR,
				"kernel call '%s' on a %s: the user build keeps that object at "
				"user level (include/dusk/kprim.h), the kernel's copy would "
				"disagree; not supported", name, owned);
			rw_diag_macro_note(rw, clang_getCursorLocation(call));
		}
		rw_stub_for_call(rw, call);
	} else if (rw_fn_find(rw, name) < 0) {
		add_fn(rw, def, RW_FN_INLINE);
		rw->fns[rw->nfns - 1].call = call;
		rw->fns[rw->nfns - 1].caller = rw->reach_fn;
	}
	free(name);
}

static enum CXChildVisitResult reach_visit(CXCursor c, CXCursor parent,
					   CXClientData data);

static void reach_children(struct rw *rw, CXCursor c)
{
	clang_visitChildren(c, reach_visit, rw);
}

static enum CXChildVisitResult find_percpu_offset(CXCursor c, CXCursor p, CXClientData d)
{
	char *name;

	(void)p;
	if (clang_getCursorKind(c) != CXCursor_VarDecl)
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	if (!strcmp(name, "__per_cpu_offset")) {
		*(CXCursor *)d = c;
		free(name);
		return CXChildVisit_Break;
	}
	free(name);
	return CXChildVisit_Continue;
}

/* Per-cpu accessors reach the kernel's per-cpu memory through the
 * kernel's table of per-cpu offsets (libduskrt/percpu.c). */
static void need_percpu_offset(struct rw *rw)
{
	CXCursor v = clang_getNullCursor();

	if (rw_sym_find(rw, "__per_cpu_offset") >= 0)
		return;
	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), find_percpu_offset, &v);
	if (!clang_Cursor_isNull(v))
		add_sym(rw, v, 0);
}

static void reach_one(struct rw *rw, CXCursor c)
{
	if (reach_visit(c, clang_getNullCursor(), rw) == CXChildVisit_Recurse)
		reach_children(rw, c);
}

struct mod_fn_ref {
	struct rw *rw;
	CXCursor fn;
	int found;
};

static enum CXChildVisitResult find_mod_fn_ref(CXCursor c, CXCursor p, CXClientData d)
{
	struct mod_fn_ref *f = d;
	CXCursor ref;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
		ref = clang_getCursorReferenced(c);
		if (clang_getCursorKind(ref) == CXCursor_FunctionDecl && is_module_fn(f->rw, ref)) {
			f->fn = ref;
			f->found = 1;
			return CXChildVisit_Break;
		}
	}
	return CXChildVisit_Recurse;
}

/*
 * A UDP tunnel's callbacks besides encap_rcv and encap_destroy
 * (udp_tunnel_sock_cfg, or udp_sk(sk)'s own fields): encap_err_lookup
 * must answer in the ICMP error path at once whether the socket owns an
 * error, encap_err_rcv is handed an ICMP packet it does not own, and
 * gro_receive and gro_complete take part in GRO, all in softirq context.
 * None can be served by the program: a blocking proxy answered
 * -EWOULDBLOCK there (no lookup ran; a GRO proxy's answer is no packet
 * pointer), so storing a module function in one is refused here.
 * encap_rcv's packet is handed over (dusk_udp_encap_rcv()).
 * @c: an assignment, or a designated initializer (its designators first).
 */
static void refuse_udp_tunnel_cb(struct rw *rw, CXCursor c)
{
	static const char *const fields[] = {
		"encap_err_lookup", "encap_err_rcv", "gro_receive", "gro_complete",
	};
	struct mod_fn_ref f = { rw, clang_getNullCursor(), 0 };
	enum CXCursorKind k0;
	CXCursor *kids, field, rec;
	char *fname = NULL, *rname = NULL, *fn;
	unsigned n, i;

	kids = rw_children(c, &n);
	if (n < 2)
		goto out;
	k0 = clang_getCursorKind(kids[0]);
	if (!(k0 == CXCursor_MemberRef && clang_getCursorKind(c) == CXCursor_UnexposedExpr) &&
	    !(k0 == CXCursor_MemberRefExpr && clang_getCursorKind(c) == CXCursor_BinaryOperator))
		goto out;
	field = clang_getCursorReferenced(kids[0]);
	if (clang_getCursorKind(field) != CXCursor_FieldDecl)
		goto out;
	rec = clang_getCursorSemanticParent(field);
	fname = cxs_take(clang_getCursorSpelling(field));
	rname = cxs_take(clang_getCursorSpelling(rec));
	if (strcmp(rname, "udp_tunnel_sock_cfg") && strcmp(rname, "udp_sock"))
		goto out;
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fname, fields[i]))
			break;
	if (i == sizeof(fields) / sizeof(fields[0]))
		goto out;
	if (clang_getCursorKind(rw_strip(kids[n - 1])) == CXCursor_DeclRefExpr)
		find_mod_fn_ref(rw_strip(kids[n - 1]), c, &f);
	else
		clang_visitChildren(kids[n - 1], find_mod_fn_ref, &f);
	if (!f.found)
		goto out;
	fn = cxs_take(clang_getCursorSpelling(f.fn));
	rw_diag(rw, clang_getCursorLocation(c), RW_ERROR,
		"'%s' as a UDP tunnel's %s: it runs in softirq context, answering at "
		"once or on a packet it does not own, which a user build cannot serve; "
		"not supported (encap_rcv and encap_destroy are)", fn, fname);
	rw_diag_macro_note(rw, clang_getCursorLocation(c));
	free(fn);
out:
	free(fname);
	free(rname);
	free(kids);
}

static enum CXChildVisitResult reach_visit(CXCursor c, CXCursor parent,
					   CXClientData data)
{
	struct rw *rw = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	CXCursor ref;
	int dead;

	(void)parent;
	if (rw_folded(c))
		return CXChildVisit_Continue;
	if (k == CXCursor_IfStmt && (dead = rw_if_dead_branch(c))) {
		unsigned n, i;
		CXCursor *kids = rw_children(c, &n);

		for (i = 0; i < n; i++)
			if ((int)i != dead)
				reach_one(rw, kids[i]);
		free(kids);
		return CXChildVisit_Continue;
	}
	if (k == CXCursor_CallExpr) {
		unsigned n, i;
		CXCursor *kids = rw_children(c, &n);
		CXCursor callee = n ? rw_strip(kids[0]) : c;

		ref = clang_getCursorReferenced(callee);
		if (n && clang_getCursorKind(callee) == CXCursor_DeclRefExpr &&
		    clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
			reach_call(rw, c, ref);
			i = 1;
		} else if (n) {
			/* Indirect: a stub unless the pointer is our own. */
			rw_stub_for_call(rw, c);
			i = 0;
		} else {
			i = 0;
		}
		for (; i < n; i++)
			reach_one(rw, kids[i]);
		free(kids);
		return CXChildVisit_Continue;
	}
	if (k == CXCursor_GCCAsmStmt) {
		int u = rw_uaccess_asm(c);

		unsigned n;
		CXCursor *kids;

		if (!u && rw_percpu_asm(c)) {
			unsigned i;

			need_percpu_offset(rw);
			kids = rw_children(c, &n);
			for (i = 0; i < n; i++)
				if (!rw_percpu_kernel_only(kids[i]))
					reach_one(rw, kids[i]);
			free(kids);
			return CXChildVisit_Continue;
		}
		if (!u)
			return CXChildVisit_Recurse;
		/* the operands are the macro's locals and the stack pointer
		 * register; only get_user's pointer is an expression of ours */
		rw_stub_for_function(rw, u == RW_UACCESS_GET ? "copy_from_user" : "copy_to_user");
		kids = rw_children(c, &n);
		if (u == RW_UACCESS_GET)
			reach_one(rw, kids[3]);
		free(kids);
		return CXChildVisit_Continue;
	}
	if (k == CXCursor_UnexposedExpr ||
	    (k == CXCursor_BinaryOperator &&
	     clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign))
		refuse_udp_tunnel_cb(rw, c);
	if (k == CXCursor_DeclRefExpr) {
		ref = clang_getCursorReferenced(c);
		switch (clang_getCursorKind(ref)) {
		case CXCursor_FunctionDecl: {
			char *name = cxs_take(clang_getCursorSpelling(ref));

			if (is_module_fn(rw, ref))
				add_proxy(rw, ref);
			else if (strncmp(name, "__compiletime_assert", 20))
				add_sym(rw, ref, 1);
			free(name);
			break;
		}
		case CXCursor_VarDecl:
			if (rw_is_kernel_var(rw, ref))
				add_sym(rw, ref, 0);
			break;
		default:
			break;
		}
		return CXChildVisit_Continue;
	}
	return CXChildVisit_Recurse;
}

/* Module variables that are the kernel's bookkeeping, not module data. */
static int is_bookkeeping(const char *name)
{
	static const char *const prefixes[] = {
		"__UNIQUE_ID_", "__param_", "__mod_", "__initcall", "__exitcall",
		"__kstrtab", "__ksymtab", "__this_module",
	};
	size_t i;

	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return 1;
	return 0;
}

/* A declaration of a variable the unit defines elsewhere: the definition
 * stands for it. */
static int is_forward_decl(CXCursor c)
{
	CXCursor def = clang_getCursorDefinition(c);

	return !clang_Cursor_isNull(def) && !clang_equalCursors(def, c);
}

/* The functions module_init/module_exit and module_param define beside the
 * module's own (__inittest, __exittest, moduleparam.h's type check
 * __check_NAME): compile-time checks, not module code.  Only a definition
 * a macro wrote counts: a module may name its own function __check_x. */
static int is_macro_bookkeeping(CXCursor c, const char *name)
{
	CXSourceLocation loc = clang_getCursorLocation(c);
	CXFile ef, sf;
	unsigned el, sl;

	if (strcmp(name, "__inittest") && strcmp(name, "__exittest") &&
	    strncmp(name, "__check_", 8))
		return 0;
	clang_getExpansionLocation(loc, &ef, &el, NULL, NULL);
	clang_getSpellingLocation(loc, &sf, &sl, NULL, NULL);
	return !clang_File_isEqual(ef, sf) || el != sl;
}

/* Is @c (an unexposed declaration) a file-scope `asm("...");`? */
static int is_file_scope_asm(const struct rw *rw, CXCursor c)
{
	CXToken *toks = NULL;
	unsigned nt = 0;
	char *first = NULL;
	int hit;

	clang_tokenize(rw->unit->tu, clang_getCursorExtent(c), &toks, &nt);
	if (nt)
		first = cxs_take(clang_getTokenSpelling(rw->unit->tu, toks[0]));
	hit = first && (!strcmp(first, "asm") || !strcmp(first, "__asm__") ||
			!strcmp(first, "__asm"));
	free(first);
	clang_disposeTokens(rw->unit->tu, toks, nt);
	return hit;
}

static enum CXChildVisitResult top_visit(CXCursor c, CXCursor parent,
					 CXClientData data)
{
	struct rw *rw = data;
	enum CXCursorKind k = clang_getCursorKind(c);
	char *name;

	(void)parent;
	if (!rw_in_main_file(rw, c))
		return CXChildVisit_Continue;
	/* A module's own assembly at file scope (an ftrace trampoline, a
	 * function written in asm) is machine code for the kernel: the
	 * program would have a symbol the kmod cannot serve, which read as
	 * another module's export at run time (samples/ftrace). */
	if (k == CXCursor_UnexposedDecl && is_file_scope_asm(rw, c)) {
		rw_diag(rw, clang_getCursorLocation(c), RW_ERROR,
			"file-scope assembly cannot run in a user build (what it defines is "
			"machine code for the kernel; docs/kapi.md, \"Refused\")");
		return CXChildVisit_Continue;
	}
	if (!clang_isCursorDefinition(c) &&
	    (k != CXCursor_VarDecl || clang_Cursor_hasVarDeclExternalStorage(c)))
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	if (k == CXCursor_FunctionDecl && !is_macro_bookkeeping(c, name)) {
		add_fn(rw, c, RW_FN_MODULE);
	} else if (k == CXCursor_VarDecl && !is_bookkeeping(name) &&
		   !is_forward_decl(c) && rw_global_find(rw, name) < 0) {
		struct rw_global *g = VEC_PUSH(rw->globals, rw->nglobals, rw->capglobals);

		/* listed where defined, with the definition's size and
		 * initializer (`static T a[];` ... `static T a[] = {...};`,
		 * ip6t_hbh.c) */
		g->name = xstrdup(name);
		g->cur = c;
		g->forward = !clang_equalCursors(clang_getCanonicalCursor(c), c);
	}
	free(name);
	return CXChildVisit_Continue;
}

struct ops_field {
	const char *name;
	CXType type;
	int found;
};

static enum CXVisitorResult ops_field_visit(CXCursor c, CXClientData d)
{
	struct ops_field *f = d;
	char *n = cxs_take(clang_getCursorSpelling(c));

	if (!strcmp(n, f->name)) {
		f->type = clang_getCursorType(c);
		f->found = 1;
	}
	free(n);
	return f->found ? CXVisit_Break : CXVisit_Continue;
}

/* The indirect stub for a call through member @name of struct
 * kernel_param_ops, or -1. */
static int kparam_stub(struct rw *rw, const char *name)
{
	struct ops_field f = { name, { 0 }, 0 };
	CXType ptr;

	clang_Type_visitFields(clang_getCanonicalType(rw->unit->kparam_ops_type), ops_field_visit, &f);
	if (!f.found)
		return -1;
	ptr = clang_getPointeeType(clang_getCanonicalType(f.type));
	return stub_get(rw, clang_getNullCursor(), NULL, clang_getNullCursor(), ptr, 0);
}

/*
 * module_param_cb() whose ops (or an ops member) is kernel code the
 * runtime does not re-implement: the ops symbol, and the indirect stubs
 * through which the runtime calls set and get in the kernel.
 */
static void kparam_needs(struct rw *rw)
{
	size_t i;

	for (i = 0; i < rw->nparams; i++)
		if (rw->params[i].kops)
			add_sym(rw, rw->params[i].kops_decl, 0);
	rw->kparam_stub_set = rw->kparam_stub_get = -1;
	if (!rw->kparam_calls)
		return;
	rw->kparam_stub_set = kparam_stub(rw, "set");
	rw->kparam_stub_get = kparam_stub(rw, "get");
}

struct local_statics {
	struct rw *rw;
	size_t fn;	/* index in rw->fns */
};

/* Is @t, or what it points to or holds (through pointers, arrays,
 * typedefs), a type defined in a function body? */
static int type_is_local(CXType t)
{
	CXCursor d;

	for (;;) {
		if (t.kind == CXType_Pointer) {
			t = clang_getPointeeType(t);
		} else if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray ||
			   t.kind == CXType_VariableArray) {
			t = clang_getArrayElementType(t);
		} else if (t.kind == CXType_Elaborated) {
			t = clang_Type_getNamedType(t);
		} else if (t.kind == CXType_Typedef || t.kind == CXType_Record ||
			   t.kind == CXType_Enum) {
			d = clang_getTypeDeclaration(t);
			if (clang_getCursorKind(clang_getCursorSemanticParent(d)) ==
			    CXCursor_FunctionDecl)
				return 1;
			if (t.kind != CXType_Typedef)
				return 0;
			t = clang_getTypedefDeclUnderlyingType(d);
		} else {
			return 0;
		}
	}
}

static enum CXChildVisitResult local_static_visit(CXCursor c, CXCursor parent,
						  CXClientData data)
{
	struct local_statics *ls = data;
	struct rw *rw = ls->rw;
	struct rw_global *g;
	const char *fn;
	char *var, *name;
	unsigned n;

	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_VarDecl || !is_local_static(c) ||
	    !clang_Cursor_hasVarDeclGlobalStorage(c) ||
	    clang_Cursor_hasVarDeclExternalStorage(c))
		return CXChildVisit_Recurse;
	if (type_is_local(clang_getCursorType(c)))
		rw->fns[ls->fn].hoist_types = 1;
	fn = rw->fns[ls->fn].name;
	var = cxs_take(clang_getCursorSpelling(c));
	name = xasprintf("%s__%s", fn, var);
	/* `{ static int n; } { static int n; }`, or a file-scope name that
	 * happens to be spelled so: a number sets it apart */
	for (n = 2; rw_global_find(rw, name) >= 0 || rw_fn_find(rw, name) >= 0; n++) {
		free(name);
		name = xasprintf("%s__%s_%u", fn, var, n);
	}
	g = VEC_PUSH(rw->globals, rw->nglobals, rw->capglobals);
	g->name = name;
	g->cur = c;
	g->local = xasprintf("%s:%s", fn, var);
	free(var);
	return CXChildVisit_Recurse;	/* ({ static ...; }) in its initializer */
}

/*
 * A function's static variables (`static int vals[3];`, pr_*_once()'s
 * __print_once, INIT_WORK()'s __key) are the module's own objects as much
 * as its file-scope ones: the program may hand them to the kernel, which
 * then needs their size and type from the objects table.  They are defined
 * at file scope after the module's own globals (their initializers may
 * name those, and each other in order), under "<fn>__<var>".  A static
 * of a type the function defines takes the function's types along
 * (emit_hoisted_types()).
 */
static void add_local_statics(struct rw *rw)
{
	size_t i;

	for (i = 0; i < rw->nfns; i++) {
		struct local_statics ls = { rw, i };

		clang_visitChildren(rw->fns[i].cur, local_static_visit, &ls);
	}
}

/*
 * The module's static SRCU structs.  In a module, DEFINE_SRCU(name) and
 * DEFINE_STATIC_SRCU(name) leave `name` zeroed and list it in the
 * ___srcu_struct_ptrs section through `__srcu_struct_name`; the module
 * loader's srcu_module_coming() runs init_srcu_struct() on each before
 * module_init, srcu_module_going() cleanup_srcu_struct() after module_exit
 * (kernel/rcu/srcutree.c).  The program has no such section, and a
 * zeroed srcu_struct made synchronize_srcu() oops (fifteenth round of
 * probes): its init and exit make the same calls (emit-user.c).
 */
static void find_static_srcu(struct rw *rw)
{
	static const char prefix[] = "__srcu_struct_";
	size_t i;

	for (i = 0; i < rw->nglobals; i++) {
		const char *n = rw->globals[i].name, *target = n + sizeof(prefix) - 1;
		CXType t = clang_getCanonicalType(clang_getCursorType(rw->globals[i].cur));

		if (rw->globals[i].local || strncmp(n, prefix, sizeof(prefix) - 1) ||
		    t.kind != CXType_Pointer || !kapi_pointee_is(t, "struct srcu_struct") ||
		    rw_global_find(rw, target) < 0)
			continue;
		*VEC_PUSH(rw->srcu, rw->nsrcu, rw->capsrcu) = xstrdup(target);
	}
	if (!rw->nsrcu)
		return;
	rw->srcu_init_stub = rw_stub_for_function(rw, "init_srcu_struct");
	rw->srcu_cleanup_stub = rw_stub_for_function(rw, "cleanup_srcu_struct");
	if (rw->srcu_init_stub < 0 || rw->srcu_cleanup_stub < 0) {
		rw_diag(rw, clang_getCursorLocation(rw->globals[0].cur), RW_ERROR,
			"the module defines SRCU structs, but the kernel headers declare no "
			"init_srcu_struct() and cleanup_srcu_struct() to set them up with");
		rw->nsrcu = 0;
	}
}

int rw_analyze(struct rw *rw)
{
	size_t i;

	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), top_visit, rw);
	/* rw->fns grows while we walk it: inline callees are appended. */
	for (i = 0; i < rw->nfns; i++) {
		rw->reach_fn = (int)i;
		reach_children(rw, rw->fns[i].cur);
	}
	rw->reach_fn = -1;
	for (i = 0; i < rw->nglobals; i++)
		reach_children(rw, rw->globals[i].cur);
	add_local_statics(rw);	/* reached with their functions */
	find_static_srcu(rw);
	/* Functions whose address was taken before they were listed. */
	for (i = 0; i < rw->nproxies; i++) {
		int f = rw_fn_find(rw, rw->proxies[i].name);

		if (f >= 0)
			rw->fns[f].proxy = (int)i;
	}
	kparam_needs(rw);
	return rw->nerrors ? -EINVAL : 0;
}
