// SPDX-License-Identifier: GPL-2.0
/*
 * The statement printer: kept functions and module globals, with `#line`
 * directives so that gdb's `break mymod.c:LINE` and every diagnostic of the
 * user build point into the module's own source.  Code that comes from a
 * macro is attributed to the line where the macro was used.
 *
 * libclang omits absent children (a `for (;;)` has only its body), so the
 * few statements with optional parts are told apart by position here.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "walk.h"
#include "typegen.h"

static void put(struct emitter *e, const char *s)
{
	sb_puts(e->out, s);
}

static void indent(struct emitter *e)
{
	int i;

	if (e->no_indent) {	/* `else if`: the if follows on the same line */
		e->no_indent = 0;
		return;
	}
	for (i = 0; i < e->indent; i++)
		sb_putc(e->out, '\t');
}

static enum CXCursorKind kind(CXCursor c)
{
	return clang_getCursorKind(c);
}

/* Is the output, as the compiler counts lines after the last #line, at
 * line @line of @f already? */
static int at_line(struct emitter *e, CXFile f, unsigned line)
{
	unsigned eff = e->last_line;
	size_t i;

	if (!e->last_file || !clang_File_isEqual(f, e->last_file) ||
	    e->mark_buf != e->out || e->mark_pos > e->out->len)
		return 0;
	for (i = e->mark_pos; i < e->out->len; i++)
		eff += e->out->s[i] == '\n';
	/* the statement starts on the next line */
	if (e->out->len && e->out->s[e->out->len - 1] != '\n')
		eff++;
	return eff == line;
}

void emit_line(struct emitter *e, CXCursor c)
{
	CXFile f;
	unsigned line;
	char *name;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, &line, NULL, NULL);
	if (!f || at_line(e, f, line))
		return;
	if (e->out->len && e->out->s[e->out->len - 1] != '\n')
		sb_putc(e->out, '\n');
	name = clang_File_isEqual(f, e->rw->unit->mainfile) ? xstrdup(e->rw->src) :
		rw_src_name(e->rw, f);
	sb_printf(e->out, "#line %u \"%s\"\n", line, name);
	free(name);
	e->last_file = f;
	e->last_line = line;
	e->mark_buf = e->out;
	e->mark_pos = e->out->len;
}

/* The template string of an asm statement, read from where it is spelled
 * (the macro definition for barrier() and friends): the text after
 * `asm volatile (` up to the closing quote.  NULL when it cannot be read
 * (e.g. a template pasted from several strings). */
static char *asm_template(struct rw *rw, CXCursor c)
{
	CXFile f;
	unsigned off;
	size_t size;
	const char *buf, *p, *end, *q;

	clang_getSpellingLocation(clang_getCursorLocation(c), &f, NULL, NULL, &off);
	if (!f || !(buf = clang_getFileContents(rw->unit->tu, f, &size)) || off >= size)
		return NULL;
	p = buf + off;
	end = buf + size;
	/* asm / __asm__, then qualifiers */
	for (;;) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\\' || *p == '\n'))
			p++;
		if (p < end && (*p == '_' || (*p >= 'a' && *p <= 'z'))) {
			while (p < end && (*p == '_' || (*p >= 'a' && *p <= 'z')))
				p++;
			continue;
		}
		break;
	}
	if (p >= end || *p != '(')
		return NULL;
	p++;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p >= end || *p != '"')
		return NULL;
	for (q = ++p; q < end && *q != '"' && *q != '\n'; q++)
		if (*q == '\\')
			q++;
	if (q >= end || *q != '"')
		return NULL;
	/* a template made of one string only */
	for (end = q + 1; end < buf + size && (*end == ' ' || *end == '\t'); end++)
		;
	if (*end != ':' && *end != ')')
		return NULL;
	{
		char *t = xrealloc(NULL, q - p + 1);

		memcpy(t, p, q - p);
		t[q - p] = 0;
		return t;
	}
}

/* Inline assembly that is safe and meaningful in a user program:
 * barrier()'s empty template, cpu_relax()'s pause, fences. */
static int asm_is_harmless(struct rw *rw, CXCursor c)
{
	static const char *const ok[] = { "", "rep; nop", "pause", "mfence", "lfence", "sfence" };
	char *t = asm_template(rw, c);
	size_t i;
	int harmless = 0;

	for (i = 0; t && i < sizeof(ok) / sizeof(ok[0]); i++)
		if (!strcmp(t, ok[i]))
			harmless = 1;
	free(t);
	return harmless;
}

static enum CXChildVisitResult find_unreachable(CXCursor c, CXCursor parent, CXClientData d)
{
	(void)parent;
	if (clang_getCursorKind(c) == CXCursor_CallExpr) {
		char *name = cxs_take(clang_getCursorSpelling(c));

		*(int *)d = !strcmp(name, "__builtin_unreachable");
		free(name);
		if (*(int *)d)
			return CXChildVisit_Break;
	}
	return CXChildVisit_Recurse;
}

/* arm64's __BUG_FLAGS(flags) (BUG(), WARN()): an asm without operands, the
 * flags stringified into its `brk` and its bug_entry.  BUG() follows it
 * with unreachable(), a WARN does not: 1 for WARN, 2 for BUG, 0 for any
 * other asm.  (A WARN_ONCE reports every time: its ONCE flag is in the
 * template, which libclang does not give.) */
static int asm_bug_kind_noop(struct emitter *e, CXCursor c)
{
	char *m = rw_asm_macro(e->rw, c);
	int r = 0, unreachable = 0;

	if (m && !strcmp(m, "__BUG_FLAGS")) {
		enum CXCursorKind k = clang_getCursorKind(e->next_stmt);

		/* (an emitter zeroed, not set: kind 0 is no cursor) */
		if (clang_isStatement(k) || clang_isExpression(k))
			clang_visitChildren(e->next_stmt, find_unreachable, &unreachable);
		r = unreachable ? 2 : 1;
	}
	free(m);
	return r;
}

/* x86's _BUG_FLAGS() (BUG(), WARN()): an asm with a bug_entry whose last
 * operand is sizeof(struct bug_entry) and whose flags operand is
 * BUGFLAG_WARNING (1) for warnings.  Returns 1 for WARN, 2 for BUG, 0 for
 * any other asm. */
static int asm_bug_kind_noop(struct emitter *e, CXCursor c);

static int asm_bug_kind(struct emitter *e, CXCursor c)
{
	struct rw *rw = e->rw;
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	int r = 0;

	(void)rw;
	if ((n == 2 || n == 4) && clang_getCursorKind(kids[n - 1]) == CXCursor_UnaryExpr) {
		CXCursor flags = rw_strip(kids[n - 2]);
		CXEvalResult ev;

		if (clang_getCursorKind(flags) == CXCursor_DeclRefExpr) {
			char *name = cxs_take(clang_getCursorSpelling(flags));

			r = !strcmp(name, "__flags") ? 1 : 0;	/* __WARN_FLAGS */
			free(name);
		} else if ((ev = clang_Cursor_Evaluate(flags))) {
			r = clang_EvalResult_getAsLongLong(ev) & 1 ? 1 : 2;
			clang_EvalResult_dispose(ev);
		}
	}
	free(kids);
	if (!r)
		r = asm_bug_kind_noop(e, c);
	return r;
}

/* get_user()/put_user()'s asm: the same copy through a kernel stub, in the
 * caller's context like every uaccess call (-EFAULT = -14 on failure).
 * get_user: kids = __ret_gu, __val_gu, sp, ptr, size;
 * put_user: kids = __ret_pu, sp, __ptr_pu, __val_pu, size. */
static void emit_uaccess(struct emitter *e, CXCursor c, CXCursor *kids)
{
	int get = rw_uaccess_asm(c) == RW_UACCESS_GET;
	int s = rw_stub_for_function(e->rw, get ? "copy_from_user" : "copy_to_user");

	indent(e);
	if (s < 0) {
		rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
			"%s needs copy_%s_user, which the unit does not declare",
			get ? "get_user" : "put_user", get ? "from" : "to");
		return;
	}
	if (get) {
		put(e, "__val_gu = 0;\n");
		indent(e);
		sb_printf(e->out, "__ret_gu = %s(&__val_gu, sizeof(__val_gu), ", e->rw->stubs[s].wrapper);
		emit_expr(e, kids[3]);
		put(e, ", 0, ");
		emit_expr(e, kids[4]);
		put(e, ") ? -14 : 0;\n");
	} else {
		sb_printf(e->out, "__ret_pu = %s(__ptr_pu, 0, &__val_pu, sizeof(__val_pu), ",
			  e->rw->stubs[s].wrapper);
		emit_expr(e, kids[4]);
		put(e, ") ? -14 : 0;\n");
	}
}

/*
 * Inline assembly with no user-level meaning: say why it cannot run in the
 * program, in which kernel inline function it is when the module reached
 * it through a header, and what the module's author can do.
 */
static void report_asm(struct emitter *e, CXCursor c)
{
	int f = e->fn_name ? rw_fn_find(e->rw, e->fn_name) : -1, depth;

	rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
		"inline assembly cannot run at user level: its instructions would run in "
		"the program, without the kernel's privileges, registers or per-CPU state "
		"(not in dusk-rewrite's table of kernel primitives)");
	rw_diag_macro_note(e->rw, clang_getCursorLocation(c));
	/* the way from the module's code to the header function */
	for (depth = 0; f >= 0 && e->rw->fns[f].kind == RW_FN_INLINE && depth < 8; depth++) {
		const struct rw_fn *fn = &e->rw->fns[f];

		if (clang_Cursor_isNull(fn->call) || fn->caller < 0) {
			rw_diag(e->rw, clang_getCursorLocation(fn->cur), RW_NOTE,
				"in '%s', a kernel inline function the module's code reaches",
				fn->name);
			break;
		}
		rw_diag(e->rw, clang_getCursorLocation(fn->call), RW_NOTE,
			"in '%s', a kernel inline function called here from '%s'",
			fn->name, e->rw->fns[fn->caller].name);
		f = fn->caller;
	}
	rw_diag_plain(e->rw, RW_NOTE,
		      "to keep it, move the assembly into a kernel function the module calls "
		      "(one the kernel exports, or one a small helper module exports): the "
		      "user build runs kernel functions in the kernel");
}

static enum CXChildVisitResult find_unexposed_attr(CXCursor c, CXCursor p, CXClientData d)
{
	(void)p;
	if (clang_getCursorKind(c) != CXCursor_UnexposedAttr)
		return CXChildVisit_Continue;
	*(int *)d = 1;
	return CXChildVisit_Break;
}

/*
 * The variable is marked unused in the source (__maybe_unused, as in
 * INIT_WORK's `static __maybe_unused struct lock_class_key __key;`, whose
 * one use is lockdep's and compiled out): libclang shows that attribute
 * only in the printed declaration.
 */
static int has_unused_attr(CXCursor v)
{
	CXPrintingPolicy pol;
	const char *s;
	CXString str;
	int found = 0;

	clang_visitChildren(v, find_unexposed_attr, &found);
	if (!found)
		return 0;
	pol = clang_getCursorPrintingPolicy(v);
	clang_PrintingPolicy_setProperty(pol, CXPrintingPolicy_SuppressInitializers, 1);
	str = clang_getCursorPrettyPrinted(v, pol);
	s = clang_getCString(str);
	found = s && (strstr(s, "__attribute__((unused))") ||
		      strstr(s, "[[maybe_unused]]") || strstr(s, "[[gnu::unused]]"));
	clang_disposeString(str);
	clang_PrintingPolicy_dispose(pol);
	return found;
}

/* Is an object of type @t (or each element of an array) const?  (`const
 * int *p` is not: its pointee is.) */
static int is_const_object(CXType t)
{
	CXType c = clang_getCanonicalType(t);

	while (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray)
		c = clang_getCanonicalType(clang_getArrayElementType(c));
	return c.kind != CXType_Pointer;	/* the declarator starts with const */
}

/* The declaration of variable @v without its initializer ("static T x"):
 * @relocated says the initializer holds kernel addresses, written before
 * init, so a const object cannot stay const. */
static void put_var_head(struct sb *b, CXCursor v, const char *name, const char *decl,
			 int relocated)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(v);

	if (clang_getCursorLinkage(v) == CXLinkage_Internal ||
	    (clang_Cursor_hasVarDeclGlobalStorage(v) &&
	     clang_Cursor_getStorageClass(v) == CX_SC_Static))
		sb_puts(b, "static ");
	if (relocated && !strncmp(decl, "const ", 6) && is_const_object(clang_getCursorType(v)))
		sb_puts(b, decl + 6);	/* relocated before init: writable */
	else if (!clang_Cursor_isNull(init) && emit_type_unnameable(clang_getCursorType(v)) &&
		 clang_equalTypes(clang_getCanonicalType(clang_getCursorType(v)),
				  clang_getCanonicalType(clang_getCursorType(rw_strip(init)))))
		sb_printf(b, "__auto_type %s", name);	/* typeof(fifo) *__tmpl = &fifo */
	else
		sb_puts(b, decl);
	if (has_unused_attr(v))
		sb_puts(b, " __attribute__((unused))");
}

/* The anonymous struct or union at the bottom of @t, through arrays and
 * pointers, with @name made an expression of it in @expr ("(*p)",
 * "a[0]"); a null cursor when there is none. */
static CXCursor anon_base(CXType t, const char *name, char **expr)
{
	CXType c = clang_getCanonicalType(t);
	char *x = xstrdup(name), *y;
	CXCursor d;

	for (;;) {
		if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray ||
		    c.kind == CXType_VariableArray) {
			y = xasprintf("%s[0]", x);
			c = clang_getCanonicalType(clang_getArrayElementType(c));
		} else if (c.kind == CXType_Pointer) {
			y = xasprintf("(*%s)", x);
			c = clang_getCanonicalType(clang_getPointeeType(c));
		} else {
			break;
		}
		free(x);
		x = y;
	}
	d = clang_getTypeDeclaration(c);
	if (c.kind != CXType_Record ||
	    !(clang_Cursor_isAnonymous(d) || clang_Cursor_isAnonymousRecordDecl(d))) {
		free(x);
		return clang_getNullCursor();
	}
	*expr = x;
	return d;
}

/*
 * `struct { ... } stk[8], *sp = stk;` (sch_htb): every declarator of a C
 * declaration shares its one anonymous type, but each variable is printed
 * as a declaration of its own, and a second `struct { ... }` would be a
 * different, incompatible type.  The first variable declared with an
 * anonymous record keeps it; later ones name it __typeof__(first).  A
 * record that is a member's type is named through that member (the
 * member's declaration printed it).  Returns @decl, or a new string in
 * its place.
 */
static char *share_anonymous(struct emitter *e, CXCursor v, const char *name, char *decl)
{
	struct rw *rw = e->rw;
	struct rw_anon *a;
	char *expr = NULL;
	CXCursor d = anon_base(clang_getCursorType(v), name, &expr);
	size_t i;

	if (clang_Cursor_isNull(d))
		return decl;
	for (i = 0; i < rw->nanons && !clang_equalCursors(rw->anons[i].rec, d); i++)
		;
	if (i == rw->nanons && emit_anon_by_typeof(rw, clang_getCursorType(v), &decl)) {
		free(expr);	/* a member's type: `typeof(s.inner) *p` */
		return decl;
	}
	if (i == rw->nanons) {
		a = VEC_PUSH(rw->anons, rw->nanons, rw->capanons);
		a->rec = d;
		a->var = v;
		a->expr = expr;
		return decl;
	}
	free(expr);
	if (clang_equalCursors(rw->anons[i].var, v))
		return decl;	/* the first one, printed again */
	emit_anon_by_typeof(rw, clang_getCursorType(v), &decl);
	return decl;
}

/* Print variable @v with its initializer; with @head, also return its
 * declaration as printed (for a tentative declaration ahead of it). */
static void emit_var_head(struct emitter *e, CXCursor v, char **head)
{
	CXCursor init = clang_Cursor_getVarDeclInitializer(v);
	const char *local = rw_local_static_name(e->rw, v);
	char *name = local ? xstrdup(local) : cxs_take(clang_getCursorSpelling(v));
	char *decl = share_anonymous(e, v, name, emit_decl_of(e, clang_getCursorType(v), name, 1));
	int was_static = e->static_init;
	size_t nrelocs = e->rw->nrelocs;
	struct sb *out = e->out, val = { 0 }, h = { 0 };

	if (!clang_Cursor_isNull(init)) {
		/* the initializer first: it tells whether the object must be
		 * written before init (kernel addresses), so cannot be const */
		e->out = &val;
		if (clang_Cursor_hasVarDeclGlobalStorage(v)) {
			e->static_init = 1;
			sb_free(&e->path);
			sb_puts(&e->path, name);
		}
		emit_initializer(e, init);
		e->static_init = was_static;
		e->out = out;
		e->mark_buf = NULL;	/* its #lines count in another buffer */
	}
	indent(e);
	put_var_head(&h, v, name, decl, e->rw->nrelocs > nrelocs);
	put(e, xsb_str(&h));
	if (!clang_Cursor_isNull(init)) {
		put(e, " = ");
		put(e, xsb_str(&val));
	}
	put(e, ";\n");
	if (head)
		*head = xstrdup(xsb_str(&h));
	sb_free(&h);
	sb_free(&val);
	free(decl);
	free(name);
}

static void emit_var(struct emitter *e, CXCursor v)
{
	emit_var_head(e, v, NULL);
}

/* Are the types of the function being printed at file scope? */
static int fn_hoisted_types(struct emitter *e)
{
	int f = e->fn_name ? rw_fn_find(e->rw, e->fn_name) : -1;

	return f >= 0 && e->rw->fns[f].hoist_types;
}

/* The function's locals under a `&` (the operand of `&x`, `&x.member`,
 * `&x[i]`...): collected once per function for DUSK_LOCAL().  More than
 * the locals whose address is taken (`&p->m` names the pointer p) is
 * harmless: only records and arrays of them are registered. */
static enum CXChildVisitResult note_ref(CXCursor c, CXCursor p, CXClientData d)
{
	struct emitter *e = d;
	CXCursor v = clang_getCursorReferenced(c);

	(void)p;
	if (kind(c) == CXCursor_DeclRefExpr && kind(v) == CXCursor_VarDecl &&
	    !clang_Cursor_hasVarDeclGlobalStorage(v)) {
		e->taken = xrealloc(e->taken, (e->ntaken + 1) * sizeof(*e->taken));
		e->taken[e->ntaken++] = v;
	}
	return CXChildVisit_Recurse;
}

static enum CXChildVisitResult find_taken(CXCursor c, CXCursor p, CXClientData d)
{
	(void)p;
	if (kind(c) == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf)
		clang_visitChildren(c, note_ref, d);
	return CXChildVisit_Recurse;
}

static int is_taken(const struct emitter *e, CXCursor v)
{
	unsigned i;

	for (i = 0; i < e->ntaken; i++)
		if (clang_equalCursors(e->taken[i], v))
			return 1;
	return 0;
}

/*
 * After the declaration of local @v: register it with the frame
 * (DUSK_LOCAL(), runtime.h) when it is an array of kernel records, or a
 * kernel record whose address is taken.  A pointer into it that reaches
 * the kernel through another object (a list link into a stack
 * `struct spi_transfer t[2]`, `.properties` at a stack property_entry
 * array) is mirrored as the whole local, not as one object of the
 * pointer's type.  Other locals are never needed: a scalar's address says
 * its size, the module's own types are not in the layout table.
 */
static void put_local(struct emitter *e, CXCursor v, const char *name)
{
	CXType t = clang_getCanonicalType(clang_getCursorType(v));
	int array = t.kind == CXType_ConstantArray || t.kind == CXType_VariableArray ||
		    t.kind == CXType_IncompleteArray;
	CXType rec = array ? clang_getCanonicalType(clang_getArrayElementType(t)) : t;
	int32_t id;

	if (clang_Cursor_hasVarDeclGlobalStorage(v) || clang_Cursor_hasVarDeclExternalStorage(v) ||
	    rec.kind != CXType_Record || (!array && !is_taken(e, v)))
		return;
	id = rw_kernel_type_id(e->rw, rec);
	if (id < 0)
		return;
	indent(e);
	sb_printf(e->out, "%s(%s, %d);\n", array ? "DUSK_LOCAL_ARRAY" : "DUSK_LOCAL", name, id);
}

static void emit_decl_stmt_in(struct emitter *e, CXCursor c, int stmt);

static void emit_decl_stmt(struct emitter *e, CXCursor c)
{
	emit_decl_stmt_in(e, c, 0);
}

/* A declaration; @stmt: one of a block's statements (not a `for`'s first
 * clause), after which its locals may be registered (put_local()). */
static void emit_decl_stmt_in(struct emitter *e, CXCursor c, int stmt)
{
	unsigned n, i;
	CXCursor *kids = rw_children(c, &n);

	for (i = 0; i < n; i++) {
		if (kind(kids[i]) == CXCursor_VarDecl) {
			const char *local = rw_local_static_name(e->rw, kids[i]);

			if (local) {	/* defined at file scope (emit_global) */
				char *v = cxs_take(clang_getCursorSpelling(kids[i]));

				indent(e);
				sb_printf(e->out, "/* static %s: at file scope, %s */\n", v, local);
				free(v);
			} else {
				emit_var(e, kids[i]);
				if (stmt && e->fn_name) {
					char *v = cxs_take(clang_getCursorSpelling(kids[i]));

					put_local(e, kids[i], v);
					free(v);
				}
			}
		} else if (kind(kids[i]) == CXCursor_UnexposedDecl) {
			/* the one declaration C puts in a block that libclang
			 * does not expose: a GNU local label (`__label__ __out;`
			 * in ___wait_event()) */
			char *l = cxs_take(clang_getCursorSpelling(kids[i]));

			if (l[0]) {
				indent(e);
				sb_printf(e->out, "__label__ %s;\n", l);
			} else {
				rw_diag(e->rw, clang_getCursorLocation(kids[i]), RW_ERROR,
					"unsupported declaration in a function");
			}
			free(l);
		} else if (kind(kids[i]) == CXCursor_FunctionDecl ||
			   kind(kids[i]) == CXCursor_StaticAssert) {
			/* block-scope prototypes: all prototypes are global;
			 * static assertions: the kernel build checked them */
		} else if (kind(kids[i]) == CXCursor_StructDecl ||
			   kind(kids[i]) == CXCursor_UnionDecl ||
			   kind(kids[i]) == CXCursor_EnumDecl ||
			   kind(kids[i]) == CXCursor_TypedefDecl) {
			size_t mark = e->out->len, body;

			tg_need_complete(e->rw->tg, clang_getCursorType(kids[i]));
			indent(e);
			body = e->out->len;
			/* a kernel header's are typegen's, at file scope; so
			 * are the function's when one of its statics has one
			 * (emit_hoisted_types()) */
			if (rw_in_main_file(e->rw, kids[i]) && !fn_hoisted_types(e))
				emit_local_type(e->rw, e->out, kids[i]);
			if (e->out->len == body)	/* anonymous: spelled with its variable */
				sb_truncate(e->out, mark);
		} else {
			rw_diag(e->rw, clang_getCursorLocation(kids[i]), RW_ERROR,
				"unsupported declaration in a function");
		}
	}
	free(kids);
}

/* Does the text at @loc (its first @len bytes at most, up to a `;`) name
 * the fallthrough attribute? */
static int names_fallthrough(struct rw *rw, CXFile f, unsigned off, unsigned len)
{
	size_t size = 0;
	const char *buf = f ? clang_getFileContents(rw->unit->tu, f, &size) : NULL;
	unsigned i;

	for (i = 0; buf && off + i + 11 <= size && i < len && buf[off + i] != ';'; i++)
		if (!strncasecmp(buf + off + i, "fallthrough", 11))
			return 1;
	return 0;
}

/* Is @c (an attributed null statement) `fallthrough;`: the kernel's macro
 * where it is used, or __attribute__((__fallthrough__)) where it is
 * spelled?  libclang gives no tokens for a range inside a macro, so the
 * text is read from the file at both places. */
static int is_fallthrough(struct rw *rw, CXCursor c)
{
	CXSourceLocation loc = clang_getRangeStart(clang_getCursorExtent(c));
	CXFile f;
	unsigned off;

	clang_getExpansionLocation(loc, &f, NULL, NULL, &off);
	if (names_fallthrough(rw, f, off, 64))
		return 1;
	clang_getSpellingLocation(loc, &f, NULL, NULL, &off);
	return names_fallthrough(rw, f, off, 64);
}

/*
 * An attributed statement, the one statement of C that libclang does not
 * expose (UnexposedStmt around the statement it qualifies).  The attribute
 * is not visible either: `fallthrough;` is recognised by its spelling and
 * printed as gcc's attribute; any other statement attribute is a hint
 * (likely, musttail...) and the statement is printed without it.
 */
static void emit_attributed(struct emitter *e, CXCursor c, CXCursor *kids, unsigned n)
{
	if (n != 1 || !clang_isStatement(kind(kids[0]))) {
		rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
			"unsupported statement (UnexposedStmt)");
		return;
	}
	if (kind(kids[0]) == CXCursor_NullStmt && is_fallthrough(e->rw, c)) {
		indent(e);
		put(e, "__attribute__((__fallthrough__));\n");
		return;
	}
	emit_stmt(e, kids[0]);
}

static int is_dropped_call(CXCursor c)
{
	CXCursor s = rw_strip(c), ref;
	char *name;
	int r;

	if (kind(s) != CXCursor_CallExpr)
		return 0;
	ref = clang_getCursorReferenced(s);
	if (kind(ref) != CXCursor_FunctionDecl)
		return 0;
	name = cxs_take(clang_getCursorSpelling(ref));
	r = kapi_drop_call(name);
	free(name);
	return r;
}

/* A statement as the body of if/for/while: on its own lines. */
static void emit_body(struct emitter *e, CXCursor s)
{
	if (kind(s) == CXCursor_CompoundStmt) {
		put(e, " ");
		emit_stmt(e, s);
	} else {
		put(e, "\n");
		e->indent++;
		emit_stmt(e, s);
		e->indent--;
	}
}

/* Offsets of the two `;` of the `for (...)` header whose tokens @toks
 * begin with it, read by @locate (the file offset of a token), and which
 * of its three parts have tokens (@filled).  Returns how many `;` were
 * found. */
static unsigned header_semis(struct emitter *e, CXToken *toks, unsigned nt,
			     void (*locate)(CXSourceLocation, CXFile *, unsigned *, unsigned *,
					    unsigned *),
			     unsigned off[2], int filled[3])
{
	unsigned k, depth = 0, semi = 0, seen_paren = 0;

	filled[0] = filled[1] = filled[2] = 0;
	for (k = 0; k < nt && semi < 3; k++) {
		char *t = cxs_take(clang_getTokenSpelling(e->rw->unit->tu, toks[k]));
		int semicolon = !strcmp(t, ";") && depth == 1;

		if (!strcmp(t, ")"))
			depth--;
		if (semicolon && semi < 2)
			locate(clang_getTokenLocation(e->rw->unit->tu, toks[k]), NULL, NULL, NULL,
			       &off[semi]);
		else if (depth >= 1)
			filled[semi] = 1;
		semi += semicolon;
		if (!strcmp(t, "(")) {
			depth++;
			seen_paren = 1;
		}
		free(t);
		if (seen_paren && !depth)
			break;
	}
	return semi;
}

/* Is @c written in a macro's body (spelled elsewhere than it expands)? */
static int in_macro(CXCursor c)
{
	CXSourceLocation loc = clang_getCursorLocation(c);
	CXFile sf, xf;
	unsigned so, xo;

	clang_getSpellingLocation(loc, &sf, NULL, NULL, &so);
	clang_getExpansionLocation(loc, &xf, NULL, NULL, &xo);
	return so != xo || !sf || !xf || !clang_File_isEqual(sf, xf);
}

/* The parts of a loop written in a macro's body (`for_each_process(p)`:
 * `for (p = &init_task ; (p = next_task(p)) != &init_task ; )`), from the
 * header in the macro's definition, read where the `for` is spelled: the
 * parts present are the ones with tokens there, in order.  1 when that
 * accounts for the @np children in @kids (then @part is set). */
static int macro_for_parts(struct emitter *e, CXCursor c, const CXCursor *kids, unsigned np,
			   CXCursor part[3])
{
	CXFile file;
	unsigned offset, nt, i, k, off[2];
	size_t size;
	CXToken *toks;
	int filled[3], ok;

	clang_getSpellingLocation(clang_getCursorLocation(c), &file, NULL, NULL, &offset);
	if (!file || !clang_getFileContents(e->rw->unit->tu, file, &size) || offset >= size)
		return 0;
	clang_tokenize(e->rw->unit->tu,
		       clang_getRange(clang_getLocationForOffset(e->rw->unit->tu, file, offset),
				      clang_getLocationForOffset(e->rw->unit->tu, file,
								 size - offset > 4096 ? offset + 4096 :
								 (unsigned)size)),
		       &toks, &nt);
	ok = nt && header_semis(e, toks, nt, clang_getSpellingLocation, off, filled) == 2 &&
	     (unsigned)(filled[0] + filled[1] + filled[2]) == np;
	clang_disposeTokens(e->rw->unit->tu, toks, nt);
	for (i = k = 0; ok && i < 3; i++)
		if (filled[i])
			part[i] = kids[k++];
	return ok;
}

/* `for (init; cond; inc)`: which of the parts are present.  libclang visits
 * only present children; a DeclStmt can only be the init; otherwise tell
 * them apart by the `;` tokens of the header: where the loop is written
 * out in the module; for a loop from a macro's body, by the parts of the
 * header there that have tokens (libclang's extent of such a loop starts
 * in the macro's definition while its parts are located where the macro is
 * used: offsets of the two cannot be compared). */
static void emit_for(struct emitter *e, CXCursor c)
{
	unsigned n, i;
	CXCursor *kids = rw_children(c, &n);
	CXCursor part[3] = { clang_getNullCursor(), clang_getNullCursor(), clang_getNullCursor() };
	unsigned np = n - 1;

	if (np == 3) {
		part[0] = kids[0], part[1] = kids[1], part[2] = kids[2];
	} else if (np > 0) {
		/* find the two semicolons of the header */
		CXToken *toks;
		unsigned nt, semi;
		unsigned off[2] = { 0, 0 };
		int filled[3];

		if (in_macro(c)) {
			semi = macro_for_parts(e, c, kids, np, part) ? 3 : 0;
		} else {
			clang_tokenize(e->rw->unit->tu, clang_getCursorExtent(c), &toks, &nt);
			semi = header_semis(e, toks, nt, clang_getExpansionLocation, off, filled);
			clang_disposeTokens(e->rw->unit->tu, toks, nt);
		}
		if (semi < 2 || clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
			rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
				"cannot tell the parts of this for loop apart");
		} else if (semi == 2) {
			for (i = 0; i < np; i++) {
				unsigned o;

				clang_getExpansionLocation(clang_getCursorLocation(kids[i]),
							   NULL, NULL, NULL, &o);
				part[o < off[0] ? 0 : o < off[1] ? 1 : 2] = kids[i];
			}
		}
	}
	put(e, "for (");
	if (!clang_Cursor_isNull(part[0])) {
		if (kind(part[0]) == CXCursor_DeclStmt) {
			struct sb *out = e->out, tmp = { 0 };
			int ind = e->indent;

			/* a declaration prints with its own `;` and newline */
			e->out = &tmp;
			e->indent = 0;
			emit_decl_stmt(e, part[0]);
			e->out = out;
			e->indent = ind;
			e->mark_buf = NULL;
			if (tmp.len && tmp.s[tmp.len - 1] == '\n')
				sb_truncate(&tmp, tmp.len - 1);
			put(e, xsb_str(&tmp));
			sb_free(&tmp);
			put(e, " ");
		} else {
			emit_expr(e, part[0]);
			put(e, "; ");
		}
	} else {
		put(e, "; ");
	}
	if (!clang_Cursor_isNull(part[1]))
		emit_expr(e, part[1]);
	put(e, "; ");
	if (!clang_Cursor_isNull(part[2]))
		emit_expr(e, part[2]);
	put(e, ")");
	emit_body(e, kids[n - 1]);
	free(kids);
}

/* `while (cond) body`, and the same for switch. */
static void emit_cond_body(struct emitter *e, const char *keyword, CXCursor cond, CXCursor body)
{
	indent(e);
	put(e, keyword);
	put(e, " (");
	emit_expr(e, cond);
	put(e, ")");
	emit_body(e, body);
}

/* What an `if` branch the compiler folds away is printed as. */
static const char folded_branch[] = " { /* folded: the test is constant */ }\n";

void emit_stmt(struct emitter *e, CXCursor c)
{
	unsigned n, i;
	CXCursor *kids;
	char *s;
	int m, dead;

	/* every statement maps to its line; `else if` stays on one line */
	if (kind(c) != CXCursor_CompoundStmt && !e->no_indent)
		emit_line(e, c);
	kids = rw_children(c, &n);
	switch (kind(c)) {
	case CXCursor_CompoundStmt: {
		int pcpu_add = rw_percpu_add_block(c);

		put(e, "{\n");
		e->indent++;
		e->pcpu_add += pcpu_add;
		for (i = 0; i < n; i++) {
			emit_line(e, kids[i]);
			e->next_stmt = i + 1 < n ? kids[i + 1] : clang_getNullCursor();
			emit_stmt(e, kids[i]);
		}
		e->next_stmt = clang_getNullCursor();
		e->pcpu_add -= pcpu_add;
		e->indent--;
		indent(e);
		put(e, "}\n");
		break;
	}
	case CXCursor_DeclStmt:
		emit_decl_stmt_in(e, c, 1);
		break;
	case CXCursor_IfStmt:
		dead = rw_if_dead_branch(c);
		indent(e);
		put(e, "if (");
		emit_expr(e, kids[0]);
		put(e, ")");
		if (dead == 1)
			put(e, folded_branch);
		else
			emit_body(e, kids[1]);
		if (n > 2) {
			indent(e);
			put(e, "else");
			if (dead == 2) {
				put(e, folded_branch);
			} else if (kind(kids[2]) == CXCursor_IfStmt) {
				put(e, " ");
				e->no_indent = 1;
				emit_stmt(e, kids[2]);
			} else {
				emit_body(e, kids[2]);
			}
		}
		break;
	case CXCursor_WhileStmt:
		emit_cond_body(e, "while", kids[0], kids[1]);
		break;
	case CXCursor_DoStmt:
		indent(e);
		put(e, "do");
		emit_body(e, kids[0]);
		indent(e);
		put(e, "while (");
		emit_expr(e, kids[1]);
		put(e, ");\n");
		break;
	case CXCursor_ForStmt:
		indent(e);
		emit_for(e, c);
		break;
	case CXCursor_SwitchStmt:
		emit_cond_body(e, "switch", kids[0], kids[1]);
		break;
	case CXCursor_CaseStmt:
		indent(e);
		put(e, "case ");
		emit_expr(e, kids[0]);
		if (n == 3) {
			put(e, " ... ");
			emit_expr(e, kids[1]);
		}
		put(e, ":\n");
		emit_stmt(e, kids[n - 1]);
		break;
	case CXCursor_DefaultStmt:
		indent(e);
		put(e, "default:\n");
		emit_stmt(e, kids[0]);
		break;
	case CXCursor_BreakStmt:
		indent(e);
		put(e, "break;\n");
		break;
	case CXCursor_ContinueStmt:
		indent(e);
		put(e, "continue;\n");
		break;
	case CXCursor_NullStmt:
		indent(e);
		put(e, ";\n");
		break;
	case CXCursor_ReturnStmt:
		indent(e);
		put(e, "return");
		if (n) {
			put(e, " ");
			emit_expr(e, kids[0]);
		}
		put(e, ";\n");
		break;
	case CXCursor_GotoStmt:
		s = cxs_take(clang_getCursorSpelling(kids[0]));
		indent(e);
		sb_printf(e->out, "goto %s;\n", s);
		free(s);
		break;
	case CXCursor_LabelStmt:
		s = cxs_take(clang_getCursorSpelling(c));
		sb_printf(e->out, "%s:\n", s);
		free(s);
		emit_stmt(e, kids[n - 1]);
		break;
	case CXCursor_UnexposedStmt:
		emit_attributed(e, c, kids, n);
		break;
	case CXCursor_GCCAsmStmt:
		if (rw_uaccess_asm(c)) {
			emit_uaccess(e, c, kids);
		} else if (asm_bug_kind(e, c) == 1) {
			unsigned m;
			CXCursor *ops = rw_children(c, &m);

			indent(e);
			put(e, "dusk_kp_warn(__FILE__, __LINE__, ");
			if (m >= 2)
				emit_expr(e, ops[m - 2]);
			else
				put(e, "1 /* BUGFLAG_WARNING */");
			put(e, ");\n");
			free(ops);
		} else if (asm_bug_kind(e, c) == 2) {
			indent(e);
			put(e, "dusk_kp_bug(__FILE__, __LINE__);\n");
		} else if (rw_percpu_asm(c)) {
			indent(e);
			rw_emit_percpu_asm(e, c);
		} else if ((m = rw_asm_atomic(e->rw, c))) {
			indent(e);
			emit_asm_atomic(e, c, m);
		} else if (asm_is_harmless(e->rw, c)) {
			indent(e);
			put(e, "__asm__ __volatile__(\"\" ::: \"memory\");\n");
		} else if ((s = rw_user_asm(e, c))) {
			indent(e);
			sb_printf(e->out, "%s;\n", s);
			free(s);
		} else {
			report_asm(e, c);
		}
		break;
	default:
		if (clang_isExpression(kind(c)) && is_dropped_call(c)) {
			indent(e);
			put(e, "((void)0);\n");	/* compiled away by the kernel build too */
		} else if (clang_isExpression(kind(c))) {
			indent(e);
			emit_expr(e, c);
			put(e, ";\n");
		} else {
			char *k = cxs_take(clang_getCursorKindSpelling(kind(c)));

			rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
				"unsupported statement (%s)", k);
			free(k);
		}
	}
	free(kids);
}

char *emit_fn_prototype(struct rw *rw, CXCursor fn, const char *name)
{
	struct emitter e = { .rw = rw };
	CXType t = clang_getCursorType(fn);
	struct sb b = { 0 };
	int i, n = clang_Cursor_getNumArguments(fn);
	char *ret;

	e.out = &b;
	/* parameter names as the module spells them */
	for (i = 0; i < n; i++) {
		CXCursor p = clang_Cursor_getArgument(fn, i);
		char *pn = cxs_take(clang_getCursorSpelling(p));
		char *d = emit_decl_of(&e, clang_getCursorType(p), pn[0] ? pn : "", 0);

		sb_printf(&b, "%s%s", i ? ", " : "", d);
		free(d);
		free(pn);
	}
	if (clang_isFunctionTypeVariadic(t))
		sb_puts(&b, n ? ", ..." : "...");
	else if (!n)
		sb_puts(&b, "void");
	{
		char *head = xasprintf("%s(%s)", name, xsb_str(&b));

		ret = emit_decl_of(&e, clang_getResultType(t), head, 0);
		free(head);
	}
	sb_free(&b);
	return ret;
}

void emit_function(struct emitter *e, const struct rw_fn *fn)
{
	unsigned n, i;
	CXCursor *kids = rw_children(fn->cur, &n);
	char *proto = emit_fn_prototype(e->rw, fn->cur, fn->name);

	e->fn_name = fn->name;
	e->last_file = NULL;
	e->ntaken = 0;
	clang_visitChildren(fn->cur, find_taken, e);
	emit_line(e, fn->cur);
	sb_printf(e->out, "static %s%s\n", fn->kind == RW_FN_INLINE ? "inline " : "", proto);
	free(proto);
	for (i = 0; i < n; i++) {
		if (kind(kids[i]) != CXCursor_CompoundStmt)
			continue;
		/* the body, with the frame first */
		put(e, "{\n");
		put(e, "\tDUSK_FRAME;\n");
		e->indent = 1;
		{
			unsigned m, j;
			CXCursor *st = rw_children(kids[i], &m);

			for (j = 0; j < m; j++) {
				emit_line(e, st[j]);
				emit_stmt(e, st[j]);
			}
			free(st);
		}
		e->indent = 0;
		put(e, "}\n\n");
	}
	free(kids);
	free(e->taken);
	e->taken = NULL;
	e->ntaken = 0;
	e->fn_name = NULL;
}

void emit_global(struct emitter *e, const struct rw_global *g, struct sb *tentative)
{
	struct sb hoist = { 0 };
	size_t start = e->out->len;
	char *head = NULL, *text;

	e->last_file = NULL;
	e->hoist = &hoist;
	emit_line(e, g->cur);
	e->indent = 0;
	emit_var_head(e, g->cur, g->forward ? &head : NULL);
	e->hoist = NULL;
	if (hoist.len) {	/* its literals' objects go ahead of it */
		text = xstrdup(xsb_str(e->out) + start);
		sb_truncate(e->out, start);
		sb_puts(e->out, xsb_str(&hoist));
		sb_puts(e->out, text);
		free(text);
	}
	sb_free(&hoist);
	/* `__auto_type x` needs its initializer: no tentative form */
	if (head && strncmp(head, "__auto_type", 11) && !strstr(head, " __auto_type"))
		sb_printf(tentative, "%s;\n", head);
	free(head);
}
