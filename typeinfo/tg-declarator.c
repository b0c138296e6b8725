/* SPDX-License-Identifier: MIT */
/*
 * C declarators from libclang types, and record/enum bodies.
 *
 * A declarator is built inside out: starting from the name, each pointer
 * level prepends "*" (parenthesised when an array or function type follows),
 * each array appends "[N]", each function appends its parameter list, until
 * a base type (typedef name, struct tag, builtin) is reached and written in
 * front.  Typedef names are kept, except libc's (tg-names.c).  Anonymous
 * records and enums have no name to refer to, so their body is printed in
 * place, with the attributes tg-layout.c finds necessary.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "typegen-internal.h"

static void put_quals(struct sb *b, unsigned q)
{
	if (q & TG_CONST)
		sb_puts(b, "const ");
	if (q & TG_VOLATILE)
		sb_puts(b, "volatile ");
	if (q & TG_RESTRICT)
		sb_puts(b, "restrict ");
}

static void print_decl_q(struct sb *b, CXType t, unsigned extra_q,
			 const char *inner, int indent);

/* "(int, char *, ...)" */
static void print_params(struct sb *b, CXType fn)
{
	int i, n = clang_getNumArgTypes(fn);

	if (fn.kind == CXType_FunctionNoProto) {
		sb_puts(b, "()");
		return;
	}
	sb_puts(b, "(");
	for (i = 0; i < n; i++) {
		if (i)
			sb_puts(b, ", ");
		print_decl_q(b, clang_getArgType(fn, i), 0, "", -1);
	}
	if (clang_isFunctionTypeVariadic(fn))
		sb_puts(b, n ? ", ..." : "...");
	else if (n == 0)
		sb_puts(b, "void");
	sb_puts(b, ")");
}

/*
 * The compiler's own record behind va_list (clang's names: x86-64's
 * `struct __va_list_tag`, va_list being an array of one; arm64's `struct
 * __va_list`, va_list itself): no tag a program can name (gcc rejects
 * `struct __va_list_tag` as a new, incomplete type), so it is spelled as
 * what __builtin_va_list holds.  A canonical type reaches here when a
 * tracepoint's probe type takes a `va_list *` (samples/trace_events).
 * True when @decl was one and was printed.
 */
static int print_va_list_record(struct sb *b, CXCursor decl)
{
	CXString cs = clang_getCursorSpelling(decl);
	const char *n = clang_getCString(cs);
	int array = n && !strcmp(n, "__va_list_tag");
	int hit = array || (n && !strcmp(n, "__va_list"));

	clang_disposeString(cs);
	if (hit)
		sb_puts(b, array ? "__typeof__(**(__builtin_va_list *)0)" :
				   "__typeof__(*(__builtin_va_list *)0)");
	return hit;
}

/* The base type of a declarator: everything but pointers/arrays/functions. */
static void print_base(struct sb *b, CXType t, int indent)
{
	CXCursor decl;

	switch (t.kind) {
	case CXType_Typedef:
		tg_put_cx(b, clang_getTypedefName(t));
		return;
	case CXType_Record:
	case CXType_Enum:
		decl = tg_decl_of(t);
		if (print_va_list_record(b, decl))
			return;
		if (tg_has_typedef_name(decl)) {
			tg_put_cx(b, clang_getCursorSpelling(decl));
		} else if (tg_is_anonymous(decl)) {
			tg_print_definition(b, decl, indent);
		} else {
			sb_puts(b, tg_tag_keyword(decl));
			sb_puts(b, " ");
			tg_put_cx(b, clang_getCursorSpelling(decl));
		}
		return;
	case CXType_Atomic:
		sb_puts(b, "_Atomic(");
		print_decl_q(b, clang_Type_getValueType(t), 0, "", indent);
		sb_puts(b, ")");
		return;
	case CXType_Vector:
	case CXType_ExtVector:
		print_decl_q(b, clang_getElementType(t), 0, "", indent);
		sb_printf(b, " __attribute__((vector_size(%" PRIu64 ")))",
			  tg_sizeof(t));
		return;
	case CXType_Invalid:
		sb_puts(b, "int");	/* clang already reported the error */
		b->failed = 1;
		return;
	default:
		tg_put_cx(b, clang_getTypeSpelling(clang_getUnqualifiedType(t)));
		return;
	}
}

static void print_decl_q(struct sb *b, CXType t, unsigned extra_q,
			 const char *inner, int indent)
{
	struct sb in = { 0 };
	unsigned q = extra_q, pq = 0;
	CXType next;
	long long n;

	t = tg_desugar(t, &q);
	if (t.kind == CXType_Pointer || t.kind == CXType_BlockPointer) {
		next = clang_getPointeeType(t);
		sb_puts(&in, "*");
		if (q) {
			put_quals(&in, q);
			if (!*inner)	/* "*const " -> "*const" */
				sb_truncate(&in, in.len - 1);
		}
		sb_puts(&in, inner);
		next = tg_desugar(next, &pq);
		if (tg_is_array(next.kind) || tg_is_function(next.kind)) {
			struct sb par = { 0 };

			sb_printf(&par, "(%s)", in.s ? in.s : "");
			sb_free(&in);
			in = par;
		}
		print_decl_q(b, next, pq, in.s ? in.s : "", indent);
	} else if (tg_is_array(t.kind)) {
		n = clang_getArraySize(t);
		sb_puts(&in, inner);
		if (t.kind == CXType_ConstantArray)
			sb_printf(&in, "[%lld]", n);
		else
			sb_puts(&in, "[]");
		/* Qualifiers of an array type belong to its elements. */
		print_decl_q(b, clang_getArrayElementType(t), q, in.s, indent);
	} else if (tg_is_function(t.kind)) {
		sb_puts(&in, inner);
		print_params(&in, t);
		print_decl_q(b, clang_getResultType(t), 0, in.s, indent);
	} else {
		put_quals(b, q);
		print_base(b, t, indent);
		if (*inner) {
			sb_puts(b, " ");
			sb_puts(b, inner);
		}
	}
	if (in.failed)
		b->failed = 1;
	sb_free(&in);
}

void tg_print_decl(struct sb *b, CXType t, const char *name, int indent)
{
	print_decl_q(b, t, 0, name ? name : "", indent);
}

char *tg_declarator(CXType t, const char *name)
{
	struct sb b = { 0 };

	tg_print_decl(&b, t, name, -1);
	return sb_take(&b);
}

/* Separator between members: newline + indentation, or a space. */
/* The closing brace of a record or enum body opened with " {". */
static void close_body(struct sb *b, int indent)
{
	if (indent < 0) {
		sb_puts(b, " }");
	} else {
		sb_puts(b, "\n");
		sb_indent(b, indent);
		sb_puts(b, "}");
	}
}

static void member_sep(struct sb *b, int indent)
{
	if (indent < 0) {
		sb_puts(b, " ");
	} else {
		sb_puts(b, "\n");
		sb_indent(b, indent + 1);
	}
}

static void print_field(struct sb *b, const struct tg_record *r,
			const struct tg_field *f, int indent)
{
	int inner = indent < 0 ? -1 : indent + 1;

	if (f->pad_bits) {
		print_decl_q(b, f->type, 0, "", inner);
		sb_printf(b, " : %u;", f->pad_bits);
		member_sep(b, indent);
	}
	print_decl_q(b, f->type, 0, f->name, inner);
	if (f->bitfield)
		sb_printf(b, " : %d", f->width);
	if (f->attr_packed && !r->packed)
		sb_puts(b, " __attribute__((packed))");
	if (f->attr_align)
		sb_printf(b, " __attribute__((aligned(%u)))", f->attr_align);
	sb_puts(b, ";");
}

static void print_record(struct sb *b, CXCursor decl, int indent)
{
	struct tg_record r;
	int i;

	sb_puts(b, tg_tag_keyword(decl));
	if (tg_record_layout(clang_getCursorType(decl), &r)) {
		b->failed = 1;
		return;
	}
	if (r.packed && r.attr_align)
		sb_printf(b, " __attribute__((packed, aligned(%u)))", r.attr_align);
	else if (r.packed)
		sb_puts(b, " __attribute__((packed))");
	else if (r.attr_align)
		sb_printf(b, " __attribute__((aligned(%u)))", r.attr_align);
	if (!tg_is_anonymous(decl)) {
		sb_puts(b, " ");
		tg_put_cx(b, clang_getCursorSpelling(decl));
	}
	sb_puts(b, " {");
	for (i = 0; i < r.nfields; i++) {
		member_sep(b, indent);
		print_field(b, &r, &r.fields[i], indent);
	}
	close_body(b, indent);
	tg_record_free(&r);
}

struct enum_print {
	struct sb *b;
	int indent;
	int is_unsigned;
	int n;
};

static enum CXChildVisitResult print_enumerator(CXCursor c, CXCursor parent,
						CXClientData data)
{
	struct enum_print *ep = data;
	unsigned long long u;
	long long v;

	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_EnumConstantDecl)
		return CXChildVisit_Continue;
	if (ep->n++)
		sb_puts(ep->b, ",");
	member_sep(ep->b, ep->indent);
	tg_put_cx(ep->b, clang_getCursorSpelling(c));
	if (ep->is_unsigned) {
		u = clang_getEnumConstantDeclUnsignedValue(c);
		if (u <= 0x7fffffffu)
			sb_printf(ep->b, " = %llu", u);
		else
			sb_printf(ep->b, " = %lluULL", u);
	} else {
		v = clang_getEnumConstantDeclValue(c);
		if (v >= -0x7fffffffLL - 1 && v <= 0x7fffffffLL)
			sb_printf(ep->b, " = %lld", v);
		else
			sb_printf(ep->b, " = %lldLL", v);
	}
	return CXChildVisit_Continue;
}

static void print_enum(struct sb *b, CXCursor decl, int indent)
{
	struct enum_print ep = { b, indent, 0, 0 };
	CXType it = clang_getCanonicalType(clang_getEnumDeclIntegerType(decl));

	switch (it.kind) {
	case CXType_UChar: case CXType_UShort: case CXType_UInt:
	case CXType_ULong: case CXType_ULongLong: case CXType_Char_U:
		ep.is_unsigned = 1;
		break;
	default:
		break;
	}
	sb_puts(b, "enum");
	/* gcc makes an enum int-sized unless its values need more or it is
	 * packed; smaller means __packed in the kernel source. */
	if (tg_sizeof(clang_getCursorType(decl)) < 4)
		sb_puts(b, " __attribute__((packed))");
	if (!tg_is_anonymous(decl)) {
		sb_puts(b, " ");
		tg_put_cx(b, clang_getCursorSpelling(decl));
	}
	sb_puts(b, " {");
	clang_visitChildren(decl, print_enumerator, &ep);
	close_body(b, indent);
}

void tg_print_definition(struct sb *b, CXCursor decl, int indent)
{
	if (clang_getCursorKind(decl) == CXCursor_EnumDecl)
		print_enum(b, decl, indent);
	else
		print_record(b, decl, indent);
}
