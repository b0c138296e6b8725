// SPDX-License-Identifier: GPL-2.0
/*
 * x86's atomic instructions in inline assembly, as the kernel's macros
 * spell them (arch/x86/include/asm/cmpxchg.h, barrier.h), turned into the
 * compiler's __atomic builtins.
 *
 * xchg(), cmpxchg() and try_cmpxchg() are macros, not functions: the
 * kprim table (which replaces kernel functions before the rewriter
 * descends into them) never sees them, only the asm statement each one
 * expands to.  libclang does not give an asm statement's template, so the
 * statement is recognised by the macro its `asm` is spelled in, and its
 * operands are the ones that macro names, in its order:
 *
 *   __xchg_op(ptr, arg, op, lock)    "+q" (__ret), "+m" (*(ptr))
 *                                    op is xchg (xchg()) or xadd (xadd())
 *   __raw_cmpxchg(ptr, old, new, ..) "=a" (__ret), "+m" (*__ptr),
 *                                    "q" (__new), "0" (__old)
 *   __raw_try_cmpxchg(...)           "=@ccz" (success), "+m" (*__ptr),
 *                                    "+a" (__old), "q" (__new)
 *   __smp_mb()                       no operands: a full fence
 *   _THIS_IP_                        "=r" (__here): `lea 0(%rip)`, the
 *                                    address of this instruction (where
 *                                    trace_printk() was called): a label's
 *                                    address in the program
 *
 * The memory operand is printed like any access: an object of the program
 * is its own memory; kernel memory is reached through DUSK_DEREF's shadow
 * (include/dusk/kprim.h: atomic among the program's threads, written back
 * like any store), as the atomic_t primitives are.
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"

/* The name of the macro whose definition holds the `asm` of @c, or NULL
 * when the asm is not spelled in a macro definition. */
static char *defining_macro(struct rw *rw, CXCursor c)
{
	CXFile f;
	unsigned off;
	size_t size, n;
	const char *buf, *p, *line;

	clang_getSpellingLocation(clang_getCursorLocation(c), &f, NULL, NULL, &off);
	if (!f || !(buf = clang_getFileContents(rw->unit->tu, f, &size)) || off >= size)
		return NULL;
	/* back to the first line of the logical line (continued with '\') */
	for (line = buf + off; line > buf && line[-1] != '\n'; line--)
		;
	while (line > buf + 1 && line[-2] == '\\')
		for (line--; line > buf && line[-1] != '\n'; line--)
			;
	p = line;
	while (*p == ' ' || *p == '\t')
		p++;
	if (strncmp(p, "#define", 7))
		return NULL;
	for (p += 7; *p == ' ' || *p == '\t'; p++)
		;
	for (n = 0; p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') ||
		    (p[n] >= '0' && p[n] <= '9'); n++)
		;
	if (!n)
		return NULL;
	{
		char *name = xrealloc(NULL, n + 1);

		memcpy(name, p, n);
		name[n] = 0;
		return name;
	}
}

/* Skip one macro argument starting at @p (balanced parentheses and
 * strings); returns where the top-level ',' or ')' after it is. */
static const char *skip_arg(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '"') {
			for (p++; p < end && *p != '"'; p++)
				if (*p == '\\')
					p++;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (!depth)
				return p;
			depth--;
		} else if (*p == ',' && !depth) {
			return p;
		}
	}
	return end;
}

/* xchg or xadd when the text at @c's spelling is `(ptr), (arg), OP`:
 * the arguments of a macro expanding __xchg_op; else 0. */
static int op_after(struct rw *rw, CXCursor c)
{
	CXFile f;
	unsigned off;
	size_t size;
	const char *buf, *p, *end;
	int i;

	clang_getSpellingLocation(clang_getCursorLocation(c), &f, NULL, NULL, &off);
	if (!f || !(buf = clang_getFileContents(rw->unit->tu, f, &size)) || off >= size)
		return 0;
	p = buf + off;
	end = buf + size;
	for (i = 0; i < 2 && p < end; i++) {
		p = skip_arg(p, end);
		if (p >= end || *p != ',')
			return 0;
		p++;
	}
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (end - p < 5 || (p[4] != ',' && p[4] != ' '))
		return 0;
	if (!strncmp(p, "xchg", 4))
		return RW_ASM_XCHG;
	if (!strncmp(p, "xadd", 4))
		return RW_ASM_XADD;
	return 0;
}

/*
 * __xchg_op's `op`: the macro that expands __xchg_op spells its first
 * argument `(ptr)` (`__xchg_op((ptr), (v), xchg, "")`), and that
 * parenthesis is one of those the memory operand `*(ptr)` holds: read the
 * third argument after it.  0 when it is not found.
 */
static int xchg_op(struct rw *rw, CXCursor mem)
{
	unsigned n;
	CXCursor *kids = rw_children(mem, &n);
	CXCursor cur;
	int kind = 0;

	if (clang_getCursorKind(mem) != CXCursor_UnaryOperator || n != 1) {
		free(kids);
		return 0;
	}
	cur = kids[0];
	free(kids);
	/* through the parentheses and the implicit load of the pointer */
	while (!kind && (clang_getCursorKind(cur) == CXCursor_ParenExpr ||
			 clang_getCursorKind(cur) == CXCursor_UnexposedExpr)) {
		if (clang_getCursorKind(cur) == CXCursor_ParenExpr)
			kind = op_after(rw, cur);
		kids = rw_children(cur, &n);
		cur = n == 1 ? kids[0] : clang_getNullCursor();
		free(kids);
	}
	return kind;
}

char *rw_asm_macro(struct rw *rw, CXCursor c)
{
	return defining_macro(rw, c);
}

int rw_asm_atomic(struct rw *rw, CXCursor c)
{
	char *m = defining_macro(rw, c);
	unsigned n;
	CXCursor *kids = rw_children(c, &n);
	int kind = 0;

	if (!m) {
		free(kids);
		return 0;
	}
	if (!strcmp(m, "__xchg_op") && n == 2)
		kind = xchg_op(rw, kids[1]);
	else if (!strcmp(m, "__raw_cmpxchg") && n == 4)
		kind = RW_ASM_CMPXCHG;
	else if (!strcmp(m, "__raw_try_cmpxchg") && n == 4)
		kind = RW_ASM_TRY_CMPXCHG;
	else if (!strcmp(m, "__smp_mb") && n == 0)
		kind = RW_ASM_FENCE;
	else if (!strcmp(m, "_THIS_IP_") && n == 1)
		kind = RW_ASM_THIS_IP;
	free(m);
	free(kids);
	return kind;
}

/* The address of memory operand @c: `&(*DUSK_DEREF(&x))` or `&(own)`. */
static void put_addr(struct emitter *e, CXCursor c)
{
	sb_puts(e->out, "&(");
	emit_expr(e, c);
	sb_puts(e->out, ")");
}

/* A strong sequentially consistent compare-and-exchange of *@ptr: @expected
 * (an lvalue) gets the value found when it differs. */
static void put_cmpxchg(struct emitter *e, CXCursor ptr, CXCursor expected,
			CXCursor desired)
{
	sb_puts(e->out, "__atomic_compare_exchange_n(");
	put_addr(e, ptr);
	sb_puts(e->out, ", ");
	put_addr(e, expected);
	sb_puts(e->out, ", ");
	emit_expr(e, desired);
	sb_puts(e->out, ", 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);\n");
}

void emit_asm_atomic(struct emitter *e, CXCursor c, int kind)
{
	unsigned n;
	CXCursor *k = rw_children(c, &n);
	struct sb *o = e->out;

	switch (kind) {
	case RW_ASM_XCHG:
	case RW_ASM_XADD:
		/* __ret = old value; *ptr = __ret (xchg) or old + __ret (xadd) */
		emit_expr(e, k[0]);
		sb_puts(o, kind == RW_ASM_XCHG ? " = __atomic_exchange_n(" : " = __atomic_fetch_add(");
		put_addr(e, k[1]);
		sb_puts(o, ", ");
		emit_expr(e, k[0]);
		sb_puts(o, ", __ATOMIC_SEQ_CST);\n");
		break;
	case RW_ASM_CMPXCHG:
		/* __ret = __old, then the value found when it differs */
		emit_expr(e, k[0]);
		sb_puts(o, " = ");
		emit_expr(e, k[3]);
		sb_puts(o, ", (void)");
		put_cmpxchg(e, k[1], k[0], k[2]);
		break;
	case RW_ASM_TRY_CMPXCHG:
		/* success = ZF; __old = the value found on failure */
		emit_expr(e, k[0]);
		sb_puts(o, " = ");
		put_cmpxchg(e, k[1], k[2], k[3]);
		break;
	case RW_ASM_FENCE:
		sb_puts(o, "__atomic_thread_fence(__ATOMIC_SEQ_CST);\n");
		break;
	case RW_ASM_THIS_IP:
		/* GNU C's own spelling of "this instruction"
		 * (include/linux/instruction_pointer.h) */
		sb_puts(o, "{ __label__ dusk_here; dusk_here: ");
		emit_expr(e, k[0]);
		sb_puts(o, " = (unsigned long)&&dusk_here; }\n");
		break;
	}
	free(k);
}
