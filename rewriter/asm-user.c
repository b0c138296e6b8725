// SPDX-License-Identifier: GPL-2.0
/*
 * A module's own inline assembly of an instruction that is not privileged
 * and means the same in a program: `asm volatile("rdtsc" : "=a" (lo), "=d"
 * (hi))`, as timing code writes it.  Printed as written, its operands the
 * rewriter's expressions.  Register and constant operands only: a memory
 * operand could name kernel memory, which the program reaches through its
 * shadow (DUSK_DEREF), never by the kernel's address.  Anything else stays
 * refused (emit-stmt.c's report_asm()).
 *
 * libclang gives an asm statement's operand expressions (outputs, then
 * inputs) but not its template or constraints: those are read from the
 * statement's tokens, so only an asm written in the module's code itself
 * (not expanded from a macro) is recognised.
 */
#include <stdlib.h>
#include <string.h>
#include "walk.h"

/* Templates a program runs with the meaning the module gives them. */
static const char *const user_insns[] = { "\"rdtsc\"", "\"rdtscp\"", "\"cpuid\"" };

/* A register or constant constraint: no memory ('m', 'o', 'V', 'g', 'X',
 * 'p'), no condition-code output ("=@cc..."). */
static int register_constraint(const char *s)
{
	const char *p;

	if (s[0] != '"')
		return 0;
	for (p = s + 1; *p && *p != '"'; p++)
		if (!strchr("=+&%,0123456789abcdSDrqQRAin", *p))
			return 0;
	return 1;
}

static int is_template(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(user_insns) / sizeof(user_insns[0]); i++)
		if (!strcmp(s, user_insns[i]))
			return 1;
	return 0;
}

struct asm_walk {
	struct emitter *e;
	CXToken *toks;
	unsigned nt, i;
	CXCursor *kids;
	unsigned nkids, kid;
	struct sb out;
};

static char *tok(struct asm_walk *w, unsigned i)
{
	return cxs_take(clang_getTokenSpelling(w->e->rw->unit->tu, w->toks[i]));
}

static int tok_is(struct asm_walk *w, unsigned i, const char *s)
{
	char *t;
	int r;

	if (i >= w->nt)
		return 0;
	t = tok(w, i);
	r = !strcmp(t, s);
	free(t);
	return r;
}

/* `"constraint" (expr)`: the constraint at w->i; the expression is the
 * next operand cursor, printed by the emitter. */
static int put_operand(struct asm_walk *w)
{
	struct sb *saved = w->e->out;
	char *c = tok(w, w->i);
	int depth = 0, ok = register_constraint(c);

	if (ok && (w->kid >= w->nkids || !tok_is(w, w->i + 1, "(")))
		ok = 0;
	if (ok) {
		sb_printf(&w->out, "%s (", c);
		w->e->out = &w->out;
		emit_expr(w->e, w->kids[w->kid++]);
		w->e->out = saved;
		sb_puts(&w->out, ")");
		/* past the expression's tokens, to its closing parenthesis */
		for (w->i++; w->i < w->nt; w->i++) {
			if (tok_is(w, w->i, "("))
				depth++;
			else if (tok_is(w, w->i, ")") && --depth == 0)
				break;
		}
	}
	free(c);
	return ok && w->i < w->nt;
}

/* Walk the sections after the template: outputs, inputs, clobbers. */
static int put_sections(struct asm_walk *w)
{
	int section = 0;
	char *t;

	for (w->i++; w->i < w->nt; w->i++) {
		t = tok(w, w->i);
		if (!strcmp(t, ")")) {
			free(t);
			return w->kid == w->nkids;
		}
		if (!strcmp(t, ":") || !strcmp(t, "::")) {
			/* `::` (no outputs, or no inputs) is one token */
			sb_puts(&w->out, t[1] ? " : : " : " : ");
			section += t[1] ? 2 : 1;
		} else if (!strcmp(t, ",")) {
			sb_puts(&w->out, ", ");
		} else if (t[0] == '"' && section == 3) {
			sb_puts(&w->out, t);	/* a clobber */
		} else if (t[0] != '"' || section < 1 || section > 2 || !put_operand(w)) {
			free(t);
			return 0;
		}
		free(t);
	}
	return 0;
}

char *rw_user_asm(struct emitter *e, CXCursor c)
{
	struct asm_walk w = { e, NULL, 0, 0, NULL, 0, 0, { 0 } };
	char *t = NULL;
	int ok = 0;

	clang_tokenize(e->rw->unit->tu, clang_getCursorExtent(c), &w.toks, &w.nt);
	w.kids = rw_children(c, &w.nkids);
	/* asm [volatile|inline|goto...] ( "template" */
	if (w.nt && (tok_is(&w, 0, "asm") || tok_is(&w, 0, "__asm__") || tok_is(&w, 0, "__asm"))) {
		for (w.i = 1; w.i < w.nt && !tok_is(&w, w.i, "("); w.i++)
			;
		if (++w.i < w.nt) {
			t = tok(&w, w.i);
			ok = is_template(t);
		}
	}
	if (ok) {
		sb_printf(&w.out, "__asm__ __volatile__(%s", t);
		ok = put_sections(&w);
		sb_puts(&w.out, ")");
	}
	free(t);
	free(w.kids);
	clang_disposeTokens(e->rw->unit->tu, w.toks, w.nt);
	if (!ok) {
		free(w.out.s);
		return NULL;
	}
	return xsb_take(&w.out);
}
