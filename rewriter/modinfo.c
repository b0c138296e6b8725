// SPDX-License-Identifier: GPL-2.0
/*
 * The module's entry points and metadata, recognised from what the kernel's
 * macros expand to:
 *   module_init(f)  -> `__inittest` returning f (or a function init_module)
 *   module_exit(f)  -> `__exittest` returning f (or cleanup_module)
 *   MODULE_*("x")   -> `__UNIQUE_ID_*` char arrays "key=value" (.modinfo)
 *   module_param*() -> `__param_<name>` struct kernel_param objects naming
 *                      the variable and `param_ops_<type>` (module_param_cb:
 *                      or the module's own struct kernel_param_ops); arrays point at
 *                      `__param_arr_<name>` (struct kparam_array), strings
 *                      at `__param_string_<name>` (struct kparam_string)
 * A file with none of these is not a kernel module.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <dusk/abi.h>
#include "walk.h"

static char *eval_string(CXCursor c)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	char *s = NULL;

	if (r && clang_EvalResult_getKind(r) == CXEval_StrLiteral)
		s = xstrdup(clang_EvalResult_getAsStr(r));
	if (r)
		clang_EvalResult_dispose(r);
	return s;
}

static long long eval_int(CXCursor c, long long dflt)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	long long v = dflt;

	if (r && clang_EvalResult_getKind(r) == CXEval_Int)
		v = clang_EvalResult_getAsLongLong(r);
	if (r)
		clang_EvalResult_dispose(r);
	return v;
}

/* The name of the function `f` in `return f;` of __inittest/__exittest. */
static enum CXChildVisitResult find_ref(CXCursor c, CXCursor p, CXClientData d)
{
	char **out = d;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
		*out = cxs_take(clang_getCursorSpelling(clang_getCursorReferenced(c)));
		return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

struct param_refs {
	char *ops, *var, *str, *arr, *kps;
	char *cops;	/* the module's own struct kernel_param_ops */
	char *kops;	/* the kernel's, when libduskrt does not re-implement it */
	CXCursor kops_decl;
};

/* The kernel's param_ops_<type> that libduskrt/params.c re-implements at
 * user level (module_param(name, type, perm) expands to them). */
#define STD_PARAM_NAME(type, ctype) #type,
static const char *const std_param_types[] = {
	DUSK_STD_PARAM_TYPES(STD_PARAM_NAME) "string",
};
#undef STD_PARAM_NAME

static int is_std_param_ops(const char *name)
{
	size_t i;

	if (strncmp(name, "param_ops_", 10))
		return 0;
	for (i = 0; i < sizeof(std_param_types) / sizeof(std_param_types[0]); i++)
		if (!strcmp(name + 10, std_param_types[i]))
			return 1;
	return 0;
}

/* Is @var a struct kernel_param_ops the module defines (module_param_cb()'s
 * own ops; the kernel's param_ops_<type> are only declared here)? */
static int is_param_ops(CXCursor var)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(var));
	char *s = cxs_take(clang_getTypeSpelling(clang_getUnqualifiedType(t)));
	int yes = clang_getCursorKind(var) == CXCursor_VarDecl &&
		  !strcmp(s, "struct kernel_param_ops");

	free(s);
	return yes;
}

static int is_own_param_ops(CXCursor var)
{
	return is_param_ops(var) && !clang_Cursor_isNull(clang_getCursorDefinition(var));
}

/*
 * The text of lvalue @c when it is a member or element of a variable
 * (`drv.max_instances`, `cfg->levels[2]`), else NULL: module_param_named()
 * may bind a parameter to one (samples/vfio-mdev/mdpy.c's count), and the
 * parameter is that object, not the variable holding it.
 */
static char *member_lvalue(CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	char *base = NULL, *out = NULL, *m;
	CXCursor *kids;
	unsigned n;

	if (k == CXCursor_DeclRefExpr)
		return clang_getCursorKind(clang_getCursorReferenced(c)) == CXCursor_VarDecl ?
			       cxs_take(clang_getCursorSpelling(c)) : NULL;
	kids = rw_children(c, &n);
	if (k == CXCursor_MemberRefExpr && n == 1 && (base = member_lvalue(rw_strip(kids[0])))) {
		int arrow = clang_getCanonicalType(clang_getCursorType(kids[0])).kind ==
			    CXType_Pointer;

		m = cxs_take(clang_getCursorSpelling(c));
		out = xasprintf("%s%s%s", base, arrow ? "->" : ".", m);
		free(m);
	} else if (k == CXCursor_ArraySubscriptExpr && n == 2 &&
		   (base = member_lvalue(rw_strip(kids[0])))) {
		out = xasprintf("%s[%lld]", base, eval_int(kids[1], 0));
	}
	free(kids);
	free(base);
	return out;
}

static enum CXChildVisitResult param_ref(CXCursor c, CXCursor p, CXClientData d)
{
	struct param_refs *r = d;
	char *name;

	(void)p;
	if (!r->var && (clang_getCursorKind(c) == CXCursor_MemberRefExpr ||
			clang_getCursorKind(c) == CXCursor_ArraySubscriptExpr)) {
		r->var = member_lvalue(c);
		if (r->var)
			return CXChildVisit_Continue;
	}
	if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
		return CXChildVisit_Recurse;
	name = cxs_take(clang_getCursorSpelling(clang_getCursorReferenced(c)));
	if (is_own_param_ops(clang_getCursorReferenced(c))) {
		free(r->cops);
		r->cops = name;
	} else if (is_param_ops(clang_getCursorReferenced(c)) && !is_std_param_ops(name)) {
		/* param_ops_dyndbg_classes, param_array_ops (module_param_array
		 * takes it back below): kernel code, run in the kernel */
		free(r->kops);
		r->kops = name;
		r->kops_decl = clang_getCursorReferenced(c);
	} else if (!strncmp(name, "param_ops_", 10) || !strcmp(name, "param_array_ops")) {
		free(r->ops);
		r->ops = name;
	} else if (!strncmp(name, "__param_str_", 12)) {
		free(r->str);
		r->str = name;
	} else if (!strncmp(name, "__param_arr_", 12)) {
		free(r->arr);
		r->arr = name;
	} else if (!strncmp(name, "__param_string_", 15)) {
		free(r->kps);
		r->kps = name;
	} else if (strcmp(name, "__this_module") && !r->var &&
		   clang_getCursorKind(clang_getCursorReferenced(c)) == CXCursor_VarDecl) {
		/* not module_param_hw()'s KERNEL_PARAM_FL_HWPARAM flag, an
		 * enum constant ahead of .arg (applicom.c) */
		r->var = name;
	} else {
		free(name);
	}
	return CXChildVisit_Continue;
}

static CXCursor find_var(struct rw *rw, const char *name);

struct var_find {
	const char *name;
	CXCursor found;
};

static enum CXChildVisitResult var_find_visit(CXCursor c, CXCursor p, CXClientData d)
{
	struct var_find *f = d;
	char *n;

	(void)p;
	if (clang_getCursorKind(c) != CXCursor_VarDecl)
		return CXChildVisit_Continue;
	n = cxs_take(clang_getCursorSpelling(c));
	if (!strcmp(n, f->name) && clang_isCursorDefinition(c))
		f->found = c;
	free(n);
	return CXChildVisit_Continue;
}

static CXCursor find_var(struct rw *rw, const char *name)
{
	struct var_find f = { name, clang_getNullCursor() };

	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), var_find_visit, &f);
	return f.found;
}

/* A kernel function the runtime does not re-implement (no kprim)? */
static enum CXChildVisitResult kernel_member(CXCursor c, CXCursor p, CXClientData d)
{
	CXCursor ref = clang_getCursorReferenced(c);
	char *name;

	(void)p;
	if (clang_getCursorKind(c) != CXCursor_DeclRefExpr ||
	    clang_getCursorKind(ref) != CXCursor_FunctionDecl)
		return CXChildVisit_Recurse;
	if (!clang_Cursor_isNull(clang_getCursorDefinition(ref)))
		return CXChildVisit_Continue;	/* the module's own */
	name = cxs_take(clang_getCursorSpelling(ref));
	if (!kprim_find(name))
		*(int *)d = 1;
	free(name);
	return *(int *)d ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* Has the module's own kernel_param_ops @ops a member that is kernel code
 * the runtime does not re-implement (`.get = param_get_dyndbg_classes`)? */
static int ops_call_kernel(struct rw *rw, const char *ops)
{
	CXCursor v = find_var(rw, ops);
	int yes = 0;

	if (!clang_Cursor_isNull(v))
		clang_visitChildren(clang_Cursor_getVarDeclInitializer(v), kernel_member, &yes);
	return yes;
}

static void add_param(struct rw *rw, CXCursor kp, const char *pname)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(kp);
	struct param_refs refs = { 0 };
	struct rw_param *p;
	unsigned n;
	CXCursor *kids;

	clang_visitChildren(init, param_ref, &refs);
	p = VEC_PUSH(rw->params, rw->nparams, rw->capparams);
	p->name = xstrdup(pname);
	if (refs.str) {
		CXCursor s = find_var(rw, refs.str);

		if (!clang_Cursor_isNull(s)) {
			char *v = eval_string(clang_Cursor_getVarDeclInitializer(s));

			if (v) {
				free(p->name);
				p->name = v;
			}
		}
	}
	kids = rw_children(init, &n);
	p->perm = n > 3 ? (unsigned)eval_int(kids[3], 0) : 0;
	free(kids);
	if (refs.arr) {
		CXCursor a = find_var(rw, refs.arr);
		struct param_refs ar = { 0 };

		p->is_array = 1;
		if (!clang_Cursor_isNull(a))
			clang_visitChildren(clang_Cursor_getVarDeclInitializer(a), param_ref, &ar);
		/* in kparam_array: .num = nump (may be NULL), .elem = array */
		p->var = ar.var ? xstrdup(ar.var) : xstrdup("");
		p->type = xstrdup(ar.ops ? ar.ops + 10 : "int");
		free(ar.ops);
		free(ar.kops);
		free(ar.cops);
		free(ar.var);
		free(ar.str);
		free(ar.arr);
		p->nump = NULL;
	} else if (refs.kps) {
		/* module_param_string: .str = &__param_string_<name>, a
		 * struct kparam_string { maxlen, string } naming the buffer */
		CXCursor k = find_var(rw, refs.kps);
		struct param_refs kr = { 0 };

		if (!clang_Cursor_isNull(k)) {
			CXCursor ki = clang_Cursor_getVarDeclInitializer(k);

			clang_visitChildren(ki, param_ref, &kr);
			kids = rw_children(ki, &n);
			p->maxlen = n ? eval_int(kids[0], 0) : 0;
			free(kids);
		}
		p->var = kr.var ? xstrdup(kr.var) : xstrdup("");
		p->type = xstrdup("string");
		free(kr.ops);
		free(kr.kops);
		free(kr.cops);
		free(kr.var);
		free(kr.str);
		free(kr.arr);
		free(kr.kps);
	} else if (refs.kops) {
		/* module_param_cb(name, &kernel_ops, arg, perm): the kernel's
		 * set and get run in the kernel, on arg's mirror */
		p->var = refs.var ? xstrdup(refs.var) : xstrdup("");
		p->kops = xstrdup(refs.kops);
		p->kops_decl = refs.kops_decl;
		rw->kparam_calls = 1;
		rw->unit->kparam_ops_type = clang_getCursorType(refs.kops_decl);
	} else if (refs.cops) {
		/* module_param_cb(name, &own_ops, arg, perm): the ops' set and
		 * get run in the program on kernel_param { .arg = arg } */
		p->var = refs.var ? xstrdup(refs.var) : xstrdup("");
		p->ops = xstrdup(refs.cops);
		if (ops_call_kernel(rw, refs.cops)) {
			rw->kparam_calls = 1;
			rw->unit->kparam_ops_type = clang_getCursorType(find_var(rw, refs.cops));
		}
	} else {
		p->var = refs.var ? xstrdup(refs.var) : xstrdup("");
		p->type = xstrdup(refs.ops ? refs.ops + 10 : "int");
	}
	free(refs.cops);
	free(refs.kops);
	free(refs.ops);
	free(refs.var);
	free(refs.str);
	free(refs.arr);
	free(refs.kps);
}

/* kparam_array.num: the count variable of an array parameter, if any. */
static enum CXChildVisitResult arr_num(CXCursor c, CXCursor p, CXClientData d)
{
	struct rw_param *prm = d;

	(void)p;
	if (clang_getCursorKind(c) == CXCursor_UnexposedExpr) {
		unsigned n;
		CXCursor *k = rw_children(c, &n);

		if (n == 2 && clang_getCursorKind(k[0]) == CXCursor_MemberRef) {
			char *f = cxs_take(clang_getCursorSpelling(k[0]));
			CXCursor v = rw_strip(k[1]);

			if (!strcmp(f, "num") && clang_getCursorKind(v) == CXCursor_UnaryOperator) {
				unsigned m;
				CXCursor *vk = rw_children(v, &m);

				if (m == 1 && clang_getCursorKind(vk[0]) == CXCursor_DeclRefExpr)
					prm->nump = cxs_take(clang_getCursorSpelling(vk[0]));
				free(vk);
			}
			free(f);
		}
		free(k);
	}
	return CXChildVisit_Recurse;
}

static enum CXChildVisitResult top(CXCursor c, CXCursor parent, CXClientData d)
{
	struct rw *rw = d;
	char *name;

	(void)parent;
	if (!rw_in_main_file(rw, c))
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	if (clang_getCursorKind(c) == CXCursor_FunctionDecl && clang_isCursorDefinition(c)) {
		if (!strcmp(name, "__inittest") && !rw->init_fn)
			clang_visitChildren(c, find_ref, &rw->init_fn);
		else if (!strcmp(name, "__exittest") && !rw->exit_fn)
			clang_visitChildren(c, find_ref, &rw->exit_fn);
		else if (!strcmp(name, "init_module") && !rw->init_fn)
			rw->init_fn = xstrdup(name);
		else if (!strcmp(name, "cleanup_module") && !rw->exit_fn)
			rw->exit_fn = xstrdup(name);
	} else if (clang_getCursorKind(c) == CXCursor_VarDecl && clang_isCursorDefinition(c)) {
		if (!strncmp(name, "__UNIQUE_ID_", 12)) {
			char *s = eval_string(clang_Cursor_getVarDeclInitializer(c));

			if (s && strchr(s, '='))
				*VEC_PUSH(rw->modinfo, rw->nmodinfo, rw->capmodinfo) = s;
			else
				free(s);
		} else if (!strncmp(name, "__param_", 8) && strncmp(name, "__param_str_", 12) &&
			   strncmp(name, "__param_arr_", 12) &&
			   strncmp(name, "__param_string_", 15)) {
			add_param(rw, c, name + 8);
		}
	}
	free(name);
	return CXChildVisit_Continue;
}

int rw_modinfo(struct rw *rw)
{
	size_t i, j;

	clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), top, rw);
	for (i = 0; i < rw->nparams; i++) {
		struct rw_param *p = &rw->params[i];
		size_t plen = strlen(p->name);

		for (j = 0; j < rw->nmodinfo; j++) {
			const char *m = rw->modinfo[j];

			if (!strncmp(m, "parm=", 5) && !strncmp(m + 5, p->name, plen) &&
			    m[5 + plen] == ':')
				p->desc = xstrdup(m + 6 + plen);
		}
		if (p->is_array) {
			char *arr = xasprintf("__param_arr_%s", p->name);
			CXCursor a = find_var(rw, arr);

			if (!clang_Cursor_isNull(a))
				clang_visitChildren(a, arr_num, p);
			free(arr);
		}
	}
	rw->have_module = rw->init_fn || rw->exit_fn || rw->nmodinfo;
	if (!rw->have_module) {
		rw_diag(rw, clang_getLocation(rw->unit->tu, rw->unit->mainfile, 1, 1), RW_ERROR,
			"not a kernel module: no module_init(), module_exit() or MODULE_*() in %s",
			rw->src);
		return -EINVAL;
	}
	return 0;
}
