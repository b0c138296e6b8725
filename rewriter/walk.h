/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dusk-rewrite's libclang side: the model's elements (each holds the
 * cursors and types it came from), the parsed unit, and the walkers and
 * printers over them.  Only the files that talk to libclang include this
 * header; rewriter.h is the rest.
 */
#ifndef DUSK_REWRITER_WALK_H
#define DUSK_REWRITER_WALK_H

#include <clang-c/Index.h>
#include "rewriter.h"

/* ---- diag.c: clang-shaped diagnostics at a source location ------------ */

/* Print `file:line:col: error: msg`, the source line and a caret at @loc
 * (expansion location, i.e. where the module's own text is) to stderr. */
void rw_diag(struct rw *rw, CXSourceLocation loc, enum rw_sev sev,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Notes after an error: the place a macro was expanded from. */
void rw_diag_macro_note(struct rw *rw, CXSourceLocation loc);

/* ---- the module model -------------------------------------------------- */

enum rw_fn_kind {
	RW_FN_MODULE,	/* defined in the module's own file */
	RW_FN_INLINE,	/* static inline from a header, reached from module code */
};

struct rw_fn {
	char *name;
	CXCursor cur;		/* the definition */
	enum rw_fn_kind kind;
	int proxy;		/* index in rw->proxies, or -1 */
	/* RW_FN_INLINE: the call that first reached it and the kept function
	 * that call is in (diagnostics show the way from the module) */
	CXCursor call;
	int caller;
	/* 1: one of its statics (defined at file scope) has a type it
	 * defines, so its types go to file scope too (2: printed there) */
	int hoist_types;
};

/* A compound literal array of a static initializer, hoisted into a named
 * object (emit-expr.c) so the runtime can size it: the program hands its
 * address to the kernel inside the global (hwmon's config arrays). */
struct rw_literal {
	char *name;
	CXType type;
};

struct rw_global {
	char *name;
	CXCursor cur;		/* the definition in the module file */
	/* declared before it is defined (`static struct T x;` ... `static
	 * struct T x = {...};`): a tentative declaration goes ahead of every
	 * global's definition, so initializers may refer to it as in the
	 * source */
	int forward;
	/* a function's static variable, defined at file scope under its
	 * own name (name: "<fn>__<var>") so the objects table can list
	 * it: "<fn>:<var>" for the runtime's reports, NULL for the rest */
	char *local;
};

/* One kernel function the module calls (or one variadic call signature,
 * or one indirect-call signature). */
struct rw_stub {
	char *name;		/* kernel function; "printk#2" style for variadic sites */
	char *wrapper;		/* user-side wrapper: dusk_k_<name>[_<n>] */
	char *callee;		/* C name called in the kmod ("" for indirect) */
	CXType ret;
	CXType *args;		/* argument types at the call site (fixed + variadic) */
	int nargs;
	int nfixed;		/* number of declared parameters */
	int variadic;
	unsigned flags;		/* DUSK_STUB_* (dusk/abi.h) */
	char *sig;		/* canonical signature text: the key, and the hash input */
	int unexported;		/* the kernel does not export callee (symvers.c) */
	int imported;		/* ... and the module declares it: another module's */
	/* Parameters declared `__user` (bit i: parameter i): an address in
	 * the calling process, handed to the kernel as it is, never taken
	 * for one of the program's own objects at the same address. */
	uint64_t user;
};

/* rw_proxy.kind: DUSK_PROXY_* (dusk/abi.h), with DUSK_PROXY_SYNC told apart
 * by which strategy's core service the proxy calls (docs/kapi.md,
 * "Synchronous callbacks"); the kmod sees DUSK_PROXY_SYNC for all. */
#define RW_PROXY_SYNC_XT_MATCH	DUSK_PROXY_SYNC
#define RW_PROXY_SYNC_HRTIMER	(DUSK_PROXY_SYNC + 1)
#define RW_PROXY_SYNC_XT_TARGET	(DUSK_PROXY_SYNC + 2)
/* A DUSK_PROXY_ASYNC that hands its sk_buff over to the program: a
 * packet_type handler, which must consume the packet it is given. */
#define RW_PROXY_ASYNC_SKB	(DUSK_PROXY_SYNC + 3)
/* A kprobe pre_handler or post_handler: observed late (kmod kprobe.c). */
#define RW_PROXY_SYNC_KPROBE	(DUSK_PROXY_SYNC + 4)
/* A DUSK_PROXY_ASYNC called in hard interrupt context (an irq_work
 * function), whose upcall the kmod raises from a work item. */
#define RW_PROXY_ASYNC_IRQ	(DUSK_PROXY_SYNC + 5)
/* A kretprobe entry_handler or handler: observed late (kmod kretprobe.c). */
#define RW_PROXY_SYNC_KRETPROBE	(DUSK_PROXY_SYNC + 6)
/* An alarm timer's function: answered late, as an hrtimer's (kmod hrtimer.c). */
#define RW_PROXY_SYNC_ALARM	(DUSK_PROXY_SYNC + 7)

/* A kernel object the module uses by address: a variable, or a kernel
 * function used as a value (e.g. `.llseek = seq_lseek`). */
struct rw_sym {
	char *name;
	int is_fn;
	CXType type;		/* the variable's type */
	int unexported;		/* the kernel does not export it (symvers.c) */
	int imported;		/* ... and the module declares it: another module's */
};

struct rw_proxy {
	char *name;		/* the module function */
	CXCursor fn;
	int kind;		/* DUSK_PROXY_*, RW_PROXY_SYNC_* */
	char *sig;
	int lent;		/* the kmod lends some argument's pointee (emit-kmod.c) */
};

struct rw_param {
	char *name;		/* as given to insmod */
	char *var;		/* the module variable */
	char *type;		/* "int", "charp", "array" -> element type in ...;
				 * NULL with ops */
	char *ops;		/* module_param_cb(): the module's kernel_param_ops */
	char *kops;		/* module_param_cb(): the kernel's kernel_param_ops
				 * that the runtime does not re-implement */
	CXCursor kops_decl;	/* its declaration */
	char *elem_type;	/* array params: element param type */
	unsigned perm;
	char *nump;		/* array params: count variable or NULL */
	char *desc;
	int is_array;
	long long maxlen;	/* module_param_string: the buffer's size (kparam_string) */
};

/* A field of a module global that must hold a kernel address, which a
 * static initializer cannot know: assigned before module init runs. */
struct rw_reloc {
	char *lvalue;		/* e.g. "fops.owner" */
	char *cast;		/* e.g. "struct module *" */
	int sym;
	char *expr;		/* or, when set, the value as a whole (an address
				 * computed from a symbol: &sysctl_vals[1]) */
};

/* `struct { ... } a[2], *p = a;`: p's type is named __typeof__(a[0]),
 * since a second `struct { ... }` would be another type. */
struct rw_anon {
	CXCursor rec;		/* the anonymous record */
	CXCursor var;		/* the first variable declared with it */
	char *expr;		/* an expression of that record type: "a[0]" */
};

/* parse.c: the parsed translation unit, rw->unit. */
struct rw_unit {
	CXIndex index;
	CXTranslationUnit tu;
	CXFile mainfile;
	CXFile *srcfiles;		/* rw->srcs' files in the unit */
	CXType kparam_ops_type;		/* modinfo.c: struct kernel_param_ops */
};

/* statics.c: after a first parse of a module of several files, the
 * unsaved copies of its files that spell their clashing static names apart
 * (0 files: none clash); -EINVAL after reporting a clash it cannot rename.
 * rw_static_original() is the source's name for a spelling it made, or
 * NULL. */
int rw_statics_apart(struct rw *rw, struct CXUnsavedFile **files, unsigned *nfiles);
void rw_statics_free(struct CXUnsavedFile *files, unsigned nfiles);
const char *rw_static_original(const struct rw *rw, const char *spelled);

/* cxstr.c: take the text of a CXString (a heap string) and dispose of it,
 * next to where libclang gave it. */
char *cxs_take(CXString s);

/* model.c: the model's lookups and predicates over cursors. */
/* Which of a several-file module's sources (rw->srcs) @f is, or -1. */
long rw_src_index(const struct rw *rw, CXFile f);
int rw_fn_find(const struct rw *rw, const char *name);
int rw_global_find(const struct rw *rw, const char *name);
/* A function's static variable @v is defined at file scope (rw_global.local):
 * the name the generated code gives it; NULL for any other declaration. */
const char *rw_local_static_name(const struct rw *rw, CXCursor v);
int rw_sym_find(const struct rw *rw, const char *name);
int rw_proxy_find(const struct rw *rw, const char *name);
/* The stub of kernel function @name, made from its declaration in the unit
 * when no call created it; -1 when the unit does not declare it. */
int rw_stub_for_function(struct rw *rw, const char *name);
/* x86 get_user()/put_user(): an asm `call __get_user_N` whose operands are
 * the macro's __ret_gu/__val_gu (or __ret_pu/__ptr_pu/__val_pu) and the size.
 * Their user-level meaning is a copy_from_user/copy_to_user stub. */
#define RW_UACCESS_GET 1
#define RW_UACCESS_PUT 2
int rw_uaccess_asm(CXCursor asm_stmt);
/* An integer expression the compiler folds to a constant before any of
 * it runs (_IOC's size check: `ok ? sizeof(t) : __invalid_size_argument_for_IOC`,
 * `IS_ENABLED(CONFIG_X) && f()`): printed as its value, and nothing it
 * names is reached. */
int rw_folded(CXCursor c);
/* The branch of an `if` with a constant test that never runs (1 then, 2
 * else) or 0: neither reached nor printed. */
int rw_if_dead_branch(CXCursor if_stmt);
/* The stub for the call @call (direct, variadic or indirect), or -1. */
int rw_stub_for_call(struct rw *rw, CXCursor call);
int rw_in_main_file(const struct rw *rw, CXCursor c);
char *rw_src_name(const struct rw *rw, CXFile f);
/* A variable the program reaches in the kernel (or the kmod's copy of a
 * header's `static` one) through its symbol table, not its own. */
int rw_is_kernel_var(struct rw *rw, CXCursor decl);
/* Strip parens and implicit casts (UnexposedExpr with one expression child). */
CXCursor rw_strip(CXCursor c);
/* Children of @c in order (caller frees). */
CXCursor *rw_children(CXCursor c, unsigned *n);
/* A parameter declared as an array (`const char namefmt[]`) is a pointer:
 * C adjusts its type, and so do the stubs and wrappers. */
int rw_type_is_array(CXType t);
int rw_type_is_pointer(CXType t);
int rw_type_is_va_list(CXType t);
/* The argument index of the printf format kernel function @st takes, or
 * -1 (dusk/printf-ext.h). */
int rw_format_index(const struct rw_stub *st);
/* The words a call of @st sends as ARGS (the stub descriptor's nargs): its
 * arguments, an indirect call's function pointer first, a returned
 * struct's buffer last (a DUSK_STUB_VA stub sends DUSK_MAX_ARGS instead). */
static inline int rw_stub_words(const struct rw_stub *st)
{
	return st->nargs + !st->callee[0] +
	       (clang_getCanonicalType(st->ret).kind == CXType_Record);
}
/* Where a DUSK_STUB_VA stub's format words start (dusk/abi.h), else 0. */
static inline int rw_stub_va(const struct rw_stub *st)
{
	return st->flags & DUSK_STUB_VA ? (int)DUSK_STUB_VA_INDEX(st->flags) : 0;
}

/* asm-atomic.c: x86 xchg/xadd/cmpxchg/try_cmpxchg and smp_mb() asm, as
 * the kernel's macros spell them, printed as __atomic builtins.
 * rw_asm_atomic() is the RW_ASM_* kind of the asm statement, or 0. */
#define RW_ASM_XCHG		1
#define RW_ASM_XADD		2
#define RW_ASM_CMPXCHG		3
#define RW_ASM_TRY_CMPXCHG	4
#define RW_ASM_FENCE		5
#define RW_ASM_THIS_IP		6
int rw_asm_atomic(struct rw *rw, CXCursor asm_stmt);
/* The name of the macro whose definition spells the `asm` of @c
 * (malloc'ed), or NULL. */
char *rw_asm_macro(struct rw *rw, CXCursor asm_stmt);

/* kprim-table.c: the user-owned object (a lock) parameter @i of function
 * type @fn points to, or NULL: such a function must not run in the kernel
 * on one. */
const char *kprim_owned_param(CXType fn, int i);

/* kapi-table.c: the proxy kind for a module function given its type. */
int kapi_proxy_kind(CXType fntype);
/* Stub flags a kernel function's type implies, whatever its name. */
unsigned kapi_type_flags(CXType fn);
/* Is @t a pointer to the type spelt @spelling ("struct sk_buff"; its
 * canonical spelling, const or not)? */
int kapi_pointee_is(CXType t, const char *spelling);
/* What a blocking callback may write through argument i: a C expression
 * for the kmod's lent[i] (caller frees), or NULL for nothing. */
char *kapi_proxy_lent(CXType fntype, int i);
/* The argument of callback type @fntype that is a data buffer with its
 * length in the argument after it (*@len), or -1. */
int kapi_proxy_data_buffer(CXType fntype, int *len);

/* emit-expr.c / emit-stmt.c */
struct emitter {
	struct rw *rw;
	struct sb *out;
	int indent;
	int no_indent;		/* the next statement continues the line */
	unsigned last_line;	/* last #line emitted */
	CXFile last_file;
	struct sb *mark_buf;	/* the buffer and offset just after that #line */
	size_t mark_pos;
	const char *fn_name;	/* function being printed, or NULL for globals */
	int static_init;	/* printing a static initializer: no code allowed */
	struct sb *hoist;	/* static_init of a global: hoisted literals' definitions */
	struct sb path;		/* static_init: lvalue path of the element printed */
	int pcpu_add;		/* inside percpu_add_op(): its percpu_to_op() adds */
	CXCursor next_stmt;	/* in a block: the statement after the one printed */
	CXCursor *taken;	/* the function's locals under a `&` (DUSK_LOCAL()) */
	unsigned ntaken;
};
/* Print expression @c, instrumented (emit-expr.c explains the rules).
 * Problems are reported through diag.c and counted; the text printed in
 * their place is never used (nothing is written when rw->nerrors > 0). */
void emit_expr(struct emitter *e, CXCursor c);
/* The layout table's id of kernel type @t, or DUSK_TYPE_NONE (the
 * module's own types, void, functions: emit-user.c). */
int32_t rw_kernel_type_id(struct rw *rw, CXType t);
/* Print the initializer @c of an object or of one of its elements: an
 * init list, a compound literal of the object's own type as its braces,
 * else an expression. */
void emit_initializer(struct emitter *e, CXCursor c);
/* Is @t (through pointers) a struct or union without a name, reached
 * through typeof(another object)?  Printing it would define a second,
 * incompatible type: such variables are declared with __auto_type. */
int emit_type_unnameable(CXType t);
/* Declarator @decl of @t with its anonymous base record printed as
 * __typeof__() of an expression of it; 1 when it was (emit-expr.c). */
int emit_anon_by_typeof(struct rw *rw, CXType t, char **decl);
/* percpu.c: per-cpu data (this_cpu_*, per_cpu(), smp_processor_id()). */
/* Is @asm_stmt one of x86 asm/percpu.h's accessors? */
int rw_percpu_asm(CXCursor asm_stmt);
/* Print it as a call into libduskrt's percpu.c; 0 when it is none. */
int rw_emit_percpu_asm(struct emitter *e, CXCursor asm_stmt);
/* Is asm operand @c a kernel per-cpu variable that the printed form does
 * not use (cpu_number, this_cpu_off...)?  The reach analysis skips it. */
int rw_percpu_kernel_only(CXCursor operand);
/* Is compound statement @c percpu_add_op()'s block (declares pao_ID__)? */
int rw_percpu_add_block(CXCursor c);
/* Is @c `__per_cpu_offset[cpu]`? */
int rw_percpu_offset_index(CXCursor c);
/* Print SHIFT_PERCPU_PTR's `ptr + __per_cpu_offset[cpu]` as
 * dusk_percpu_ptr(); 0 when binary operator @c is not that sum. */
int rw_emit_percpu_shift(struct emitter *e, CXCursor c);
/* Is variable @v the module's own DEFINE_PER_CPU (section .data..percpu)? */
int rw_is_percpu_var(CXCursor v);
/* Print statement @c at the current indentation, with #line directives. */
void emit_stmt(struct emitter *e, CXCursor c);
/* A kept function: definition with DUSK_FRAME first. */
void emit_function(struct emitter *e, const struct rw_fn *fn);
/* A module global with its initializer (kernel addresses relocated). */
/* Print global @g; a forward-declared one also adds its tentative
 * declaration to @tentative. */
void emit_global(struct emitter *e, const struct rw_global *g, struct sb *tentative);
/* `#line N "file"` for @c, unless the output is at that line already. */
void emit_line(struct emitter *e, CXCursor c);
/* "T name" for a declaration, registering the type with typegen. */
char *emit_decl_of(struct emitter *e, CXType t, const char *name, int complete);
char *emit_fn_prototype(struct rw *rw, CXCursor fn, const char *name);

/* asm-user.c: a module's own asm of an unprivileged instruction (rdtsc,
 * rdtscp, cpuid) with register operands, printed as a statement without
 * its `;`; NULL for any other asm. */
char *rw_user_asm(struct emitter *e, CXCursor c);
/* asm-atomic.c: print asm statement @c of kind @kind (rw_asm_atomic()). */
void emit_asm_atomic(struct emitter *e, CXCursor c, int kind);

/* emit-types.c: the module's own type definitions, in source order. */
void emit_module_types(struct rw *rw, struct sb *out);
/* A named type defined in a function body, printed in place (emit-types.c). */
void emit_local_type(struct rw *rw, struct sb *out, CXCursor c);
/* Function @fn's types, printed at file scope for its statics (@seen:
 * the names printed so far for other functions; starts empty). */
void emit_hoisted_types(struct rw *rw, struct sb *out, CXCursor fn, struct sb *seen);

#endif /* DUSK_REWRITER_WALK_H */
