// SPDX-License-Identifier: GPL-2.0
/*
 * Per-cpu data at user level (docs/kapi.md, "Per-cpu data").
 *
 * By the time libclang sees them, this_cpu_*(), __this_cpu_*(), raw_cpu_*(),
 * this_cpu_ptr() and smp_processor_id() are x86 inline assembly from
 * arch/x86/include/asm/percpu.h that addresses the variable through %gs.
 * libclang 19 does not give an asm's template, but each of those macros
 * names its operands with its own locals (pto_val__, pfo_val__, ...), so
 * the operands say which operation it is.  Each such asm is printed as a
 * call into libduskrt's percpu.c (declared in include/dusk/kprim.h), which
 * keeps one copy per possible CPU of the module's own per-cpu objects and
 * reaches the kernel's through __per_cpu_offset[].
 *
 * per_cpu() and per_cpu_ptr() need no asm: they add __per_cpu_offset[cpu]
 * to the address (SHIFT_PERCPU_PTR), and that sum is printed as
 * dusk_percpu_ptr().
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"

enum pcpu_shape {
	PCPU_NONE,
	PCPU_UNARY,		/* percpu_unary_op: [var]; inc/dec by pao_ID__ */
	PCPU_TO,		/* percpu_to_op: [var] [pto_val__]; mov, add, and, or */
	PCPU_FROM,		/* percpu_from_op: [pfo_val__] [var] */
	PCPU_STABLE,		/* percpu_stable_op: [pfo_val__] [&var] */
	PCPU_ADD_RETURN,	/* percpu_add_return_op: [paro_tmp__] [var] */
	PCPU_XCHG,		/* percpu_xchg_op: [pxo_old__] [var] [pxo_new__] */
	PCPU_CMPXCHG,		/* percpu_cmpxchg_op: [pco_old__] [var] [pco_new__] */
	PCPU_THIS_PTR,		/* arch_raw_cpu_ptr: [tcp_ptr__] [this_cpu_off] [ptr] */
	PCPU_RESCHED,		/* asm/preempt.h's __preempt_schedule(): a call */
};

/* The name of the variable @c refers to, when it is a DeclRefExpr. */
static int is_ref_to(CXCursor c, const char *name)
{
	char *s;
	int r;

	c = rw_strip(c);
	if (clang_getCursorKind(c) != CXCursor_DeclRefExpr)
		return 0;
	s = cxs_take(clang_getCursorSpelling(c));
	r = !strcmp(s, name);
	free(s);
	return r;
}

/* Is the asm spelled in x86's asm/@header?  Only in asm/percpu.h do the
 * operand names above mean what they say. */
static int in_header(CXCursor c, const char *header)
{
	CXFile f;
	char *name;
	int r;

	clang_getSpellingLocation(clang_getCursorLocation(c), &f, NULL, NULL, NULL);
	if (!f)
		return 0;
	name = cxs_take(clang_getFileName(f));
	r = strstr(name, header) != NULL;
	free(name);
	return r;
}

/*
 * The preemption count (__preempt_count) is per-cpu too: preempt_count()
 * and preempt_disable() reach it with raw_cpu_*().  A program thread is
 * never in atomic context: it reads 0 and counts nothing.
 */
static int is_preempt_count(CXCursor *k, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		if (is_ref_to(k[i], "__preempt_count"))
			return 1;
	return 0;
}

static enum pcpu_shape shape_of(CXCursor c, CXCursor *k, unsigned n)
{
	if (in_header(c, "/asm/preempt.h"))
		return n == 1 && is_ref_to(k[0], "current_stack_pointer") ? PCPU_RESCHED : PCPU_NONE;
	if (!in_header(c, "/asm/percpu.h"))
		return PCPU_NONE;
	if (n == 1)	/* only percpu_unary_op has one operand */
		return PCPU_UNARY;
	if (n == 2 && is_ref_to(k[1], "pto_val__"))
		return PCPU_TO;
	if (n == 2 && is_ref_to(k[0], "pfo_val__"))
		return clang_getCursorKind(rw_strip(k[1])) == CXCursor_UnaryOperator ?
			PCPU_STABLE : PCPU_FROM;
	if (n == 2 && is_ref_to(k[0], "paro_tmp__"))
		return PCPU_ADD_RETURN;
	if (n == 3 && is_ref_to(k[0], "pxo_old__") && is_ref_to(k[2], "pxo_new__"))
		return PCPU_XCHG;
	if (n == 3 && is_ref_to(k[0], "pco_old__") && is_ref_to(k[2], "pco_new__"))
		return PCPU_CMPXCHG;
	if (n == 3 && is_ref_to(k[0], "tcp_ptr__") && is_ref_to(k[1], "this_cpu_off"))
		return PCPU_THIS_PTR;
	return PCPU_NONE;
}

int rw_percpu_asm(CXCursor c)
{
	unsigned n;
	CXCursor *k;
	enum pcpu_shape s;

	if (clang_getCursorKind(c) != CXCursor_GCCAsmStmt)
		return 0;
	k = rw_children(c, &n);
	s = shape_of(c, k, n);
	free(k);
	return s != PCPU_NONE;
}

int rw_percpu_kernel_only(CXCursor operand)
{
	/* the CPU number, the CPU's offset, the preemption count and the
	 * stack pointer: printed as what they mean, never reached */
	return is_ref_to(operand, "cpu_number") || is_ref_to(operand, "this_cpu_off") ||
	       is_ref_to(operand, "__preempt_count") ||
	       is_ref_to(operand, "current_stack_pointer");
}

int rw_percpu_add_block(CXCursor compound)
{
	unsigned n, m;
	CXCursor *k = rw_children(compound, &n), *d;
	int r = 0;

	if (n && clang_getCursorKind(k[0]) == CXCursor_DeclStmt) {
		d = rw_children(k[0], &m);
		if (m == 1 && clang_getCursorKind(d[0]) == CXCursor_VarDecl) {
			char *s = cxs_take(clang_getCursorSpelling(d[0]));

			r = !strcmp(s, "pao_ID__");
			free(s);
		}
		free(d);
	}
	free(k);
	return r;
}

/*
 * The operation of percpu_to_op() outside percpu_add_op(): the macro the
 * module used, as the first word at the asm's expansion (this_cpu_write,
 * __this_cpu_and, raw_cpu_or...).  NULL when it is none of those.
 */
static const char *to_op_of_use(struct rw *rw, CXCursor c)
{
	static const struct { const char *suffix, *op; } ops[] = {
		{ "_write", "DUSK_PCPU_SET" }, { "_xchg", "DUSK_PCPU_SET" },
		{ "_and", "DUSK_PCPU_AND" }, { "_or", "DUSK_PCPU_OR" },
	};
	CXFile f;
	unsigned off, nt, i;
	CXToken *toks = NULL;
	const char *r = NULL;
	char *w;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, NULL, NULL, &off);
	if (!f)
		return NULL;
	clang_tokenize(rw->unit->tu, clang_getRange(clang_getLocationForOffset(rw->unit->tu, f, off),
					      clang_getLocationForOffset(rw->unit->tu, f, off + 1)),
		       &toks, &nt);
	if (!nt)
		return NULL;
	w = cxs_take(clang_getTokenSpelling(rw->unit->tu, toks[0]));
	clang_disposeTokens(rw->unit->tu, toks, nt);
	if (strstr(w, "this_cpu_") || strstr(w, "raw_cpu_")) {
		for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
			size_t a = strlen(w), b = strlen(ops[i].suffix);

			if (a > b && !strcmp(w + a - b, ops[i].suffix))
				r = ops[i].op;
		}
	}
	free(w);
	return r;
}

static void put(struct emitter *e, const char *s)
{
	sb_puts(e->out, s);
}

/* The per-cpu lvalue V as `&(V), sizeof(V)`: its address and size. */
static void put_var(struct emitter *e, CXCursor v)
{
	put(e, "(void *)&(");
	emit_expr(e, v);
	put(e, "), sizeof(");
	emit_expr(e, v);
	put(e, ")");
}

/* The kernel's offsets table, for per-cpu memory the kernel owns. */
static void put_koff(struct emitter *e)
{
	sb_printf(e->out, "(const unsigned long *)dusk_ksym(%d)",
		  rw_sym_find(e->rw, "__per_cpu_offset"));
}

/* `dusk_percpu_ptr((unsigned long)(ptr), cpu, koff)`: @ptr's copy of CPU
 * @cpu, or of this CPU when @cpu is the null cursor. */
static void put_percpu_ptr(struct emitter *e, CXCursor ptr, CXCursor cpu)
{
	put(e, "dusk_percpu_ptr((unsigned long)(");
	emit_expr(e, ptr);
	if (clang_Cursor_isNull(cpu)) {
		put(e, "), dusk_smp_processor_id(), ");
	} else {
		put(e, "), (unsigned int)(");
		emit_expr(e, cpu);
		put(e, "), ");
	}
	put_koff(e);
	put(e, ")");
}

/* `dst = (typeof(dst))dusk_percpu_op(&V, sizeof(V), OP, val, old, koff);` */
static void put_op(struct emitter *e, CXCursor dst, CXCursor v, const char *op,
		   const char *val, CXCursor valc, CXCursor old)
{
	if (!clang_Cursor_isNull(dst)) {
		emit_expr(e, dst);
		put(e, " = (__typeof__(");
		emit_expr(e, dst);
		put(e, "))");
	}
	put(e, "dusk_percpu_op(");
	put_var(e, v);
	sb_printf(e->out, ", %s, (unsigned long)", op);
	if (val) {
		put(e, val);
	} else {
		put(e, "(");
		emit_expr(e, valc);
		put(e, ")");
	}
	put(e, ", (unsigned long)");
	if (clang_Cursor_isNull(old)) {
		put(e, "0");
	} else {
		put(e, "(");
		emit_expr(e, old);
		put(e, ")");
	}
	put(e, ", ");
	put_koff(e);
	put(e, ");\n");
}

int rw_emit_percpu_asm(struct emitter *e, CXCursor c)
{
	unsigned n;
	CXCursor *k = rw_children(c, &n), null = clang_getNullCursor();
	const char *op;

	if (is_preempt_count(k, n)) {
		if (is_ref_to(k[0], "pfo_val__")) {
			emit_expr(e, k[0]);
			put(e, " = 0;\n");
		} else {
			put(e, "((void)0);\n");
		}
		goto out;
	}
	switch (shape_of(c, k, n)) {
	case PCPU_UNARY:
		/* inc or dec: percpu_add_op()'s pao_ID__ is 1 or -1 there */
		put_op(e, null, k[0], "DUSK_PCPU_ADD", "(long)pao_ID__", null, null);
		break;
	case PCPU_TO:
		op = e->pcpu_add ? "DUSK_PCPU_ADD" : to_op_of_use(e->rw, c);
		if (!op) {
			rw_diag(e->rw, clang_getCursorLocation(c), RW_ERROR,
				"per-cpu store through a macro dusk-rewrite does not know: "
				"use this_cpu_write/and/or (or __this_cpu_*, raw_cpu_*) directly");
			rw_diag_macro_note(e->rw, clang_getCursorLocation(c));
			break;
		}
		put_op(e, null, k[0], op, NULL, k[1], null);
		break;
	case PCPU_FROM:
		if (is_ref_to(k[1], "cpu_number")) {
			/* smp_processor_id(), raw_smp_processor_id() */
			emit_expr(e, k[0]);
			put(e, " = dusk_smp_processor_id();\n");
			break;
		}
		put_op(e, k[0], k[1], "DUSK_PCPU_READ", "0", null, null);
		break;
	case PCPU_STABLE: {
		unsigned m;
		CXCursor *a = rw_children(rw_strip(k[1]), &m);

		put_op(e, k[0], a[0], "DUSK_PCPU_READ", "0", null, null);
		free(a);
		break;
	}
	case PCPU_ADD_RETURN:
		/* xadd: the old value comes back in paro_tmp__ */
		put_op(e, k[0], k[1], "DUSK_PCPU_ADD", NULL, k[0], null);
		break;
	case PCPU_XCHG:
		put_op(e, k[0], k[1], "DUSK_PCPU_SET", NULL, k[2], null);
		break;
	case PCPU_CMPXCHG:
		put_op(e, k[0], k[1], "DUSK_PCPU_CMPXCHG", NULL, k[2], k[0]);
		break;
	case PCPU_THIS_PTR:
		emit_expr(e, k[0]);
		put(e, " = ");
		put_percpu_ptr(e, k[2], clang_getNullCursor());
		put(e, ";\n");
		break;
	case PCPU_RESCHED:
		/* preempt_enable()'s reschedule: the program's threads are
		 * preempted by its own scheduler */
		put(e, "((void)0);\n");
		break;
	case PCPU_NONE:
		free(k);
		return 0;
	}
out:
	free(k);
	return 1;
}

int rw_percpu_offset_index(CXCursor c)
{
	CXCursor *k;
	unsigned n;
	int r;

	c = rw_strip(c);
	if (clang_getCursorKind(c) != CXCursor_ArraySubscriptExpr)
		return 0;
	k = rw_children(c, &n);
	r = n == 2 && is_ref_to(k[0], "__per_cpu_offset");
	free(k);
	return r;
}

int rw_emit_percpu_shift(struct emitter *e, CXCursor c)
{
	unsigned n, m;
	CXCursor *k, *s;

	if (clang_getCursorBinaryOperatorKind(c) != CXBinaryOperator_Add)
		return 0;
	k = rw_children(c, &n);
	if (n != 2 || !rw_percpu_offset_index(k[1])) {
		free(k);
		return 0;
	}
	/* SHIFT_PERCPU_PTR: `__ptr + (__per_cpu_offset[cpu])` */
	s = rw_children(rw_strip(k[1]), &m);
	put_percpu_ptr(e, k[0], s[1]);
	free(s);
	free(k);
	return 1;
}

int rw_is_percpu_var(CXCursor v)
{
	CXPrintingPolicy pol;
	CXString str;
	const char *s;
	int r;

	if (clang_getCursorKind(v) != CXCursor_VarDecl)
		return 0;
	pol = clang_getCursorPrintingPolicy(v);
	clang_PrintingPolicy_setProperty(pol, CXPrintingPolicy_SuppressInitializers, 1);
	str = clang_getCursorPrettyPrinted(v, pol);
	s = clang_getCString(str);
	r = s && strstr(s, "section(\".data..percpu") != NULL;
	clang_disposeString(str);
	clang_PrintingPolicy_dispose(pol);
	return r;
}
