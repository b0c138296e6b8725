/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dusk-rewrite's internal interfaces: the module model the analysis builds
 * from one translation unit, and the pieces that print it (user program,
 * declarations, layout table, generated kmod).  Not a library: only the
 * files of rewriter/ include this header.
 *
 * Data flow: cflags.c (compile arguments) -> parse.c (CXTranslationUnit,
 * libclang's own diagnostics) -> model.c + modinfo.c (what the module
 * reaches: kept functions, globals, stubs, symbols, proxies, params) ->
 * emit-*.c (text) -> outdir.c (temp dir renamed into place).
 *
 * Error convention: int functions return 0 or a negative errno; a problem in
 * the module source is reported through diag.c (clang's shape) and counted
 * in rw->nerrors, and the caller stops before writing anything.
 */
#ifndef DUSK_REWRITER_H
#define DUSK_REWRITER_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <clang-c/Index.h>
#include <dusk/abi.h>
#include "strbuf.h"	/* util/ */
#include "vec.h"

struct tg_set;
struct rw;

/* ---- xalloc.c: allocation that aborts (util/ underneath) --------------- */

char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *xrealloc(void *p, size_t n);	/* aborts on OOM: the tool cannot go on */
/* sb_str() and sb_take() (util/strbuf.h) of a buffer that must not have
 * failed: they abort when it has. */
const char *xsb_str(const struct sb *b);
char *xsb_take(struct sb *b);
/* vec_grow() (util/vec.h) that aborts instead of failing.
 * VEC_PUSH(arr, n, cap) returns a pointer to the new zeroed slot. */
void *xvec_grow(void *arr, size_t elem, size_t n, size_t *cap);
#define VEC_PUSH(arr, n, cap) \
	((arr) = xvec_grow((arr), sizeof(*(arr)), (n), &(cap)), &(arr)[(n)++])

/* ---- diag.c: clang-shaped diagnostics --------------------------------- */

enum rw_sev { RW_NOTE, RW_WARNING, RW_ERROR };

/* Print `file:line:col: error: msg`, the source line and a caret at @loc
 * (expansion location, i.e. where the module's own text is) to stderr. */
void rw_diag(struct rw *rw, CXSourceLocation loc, enum rw_sev sev,
	     const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A diagnostic with no source position: `dusk-rewrite: error: msg`. */
void rw_diag_plain(struct rw *rw, enum rw_sev sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
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
};

struct rw_global {
	char *name;
	CXCursor cur;		/* the definition in the module file */
	/* declared before it is defined (`static struct T x;` ... `static
	 * struct T x = {...};`): a tentative declaration goes ahead of every
	 * global's definition, so initializers may refer to it as in the
	 * source */
	int forward;
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

/* A kernel object the module uses by address: a variable, or a kernel
 * function used as a value (e.g. `.llseek = seq_lseek`). */
struct rw_sym {
	char *name;
	int is_fn;
	CXType type;		/* the variable's type */
	int unexported;		/* the kernel does not export it (symvers.c) */
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

struct rw {
	/* inputs */
	const char *src;	/* module source path as given */
	char *modname;		/* "mini" */
	const char *core_dir;	/* dusk-kmod sources */
	const char *inc_dir;	/* include/ with dusk/protocol.h */
	char *kdir_real;	/* realpath of the kernel tree, or NULL */
	CXIndex index;
	CXTranslationUnit tu;
	CXFile mainfile;
	/* A module of several source files (composite.c): all of them, read as
	 * one translation unit whose main file is a generated list of them. */
	char **srcs;		size_t nsrcs;
	CXFile *srcfiles;
	struct tg_set *tg;
	int nerrors;

	/* the model (model.c, modinfo.c) */
	struct rw_fn *fns;		size_t nfns, capfns;
	struct rw_global *globals;	size_t nglobals, capglobals;
	struct rw_stub *stubs;		size_t nstubs, capstubs;
	struct rw_sym *syms;		size_t nsyms, capsyms;
	struct rw_proxy *proxies;	size_t nproxies, capproxies;
	struct rw_param *params;	size_t nparams, capparams;
	/* some parameter's ops (or an ops member) is kernel code the runtime
	 * does not re-implement: it is called in the kernel (kparam_call) */
	int kparam_calls;
	CXType kparam_ops_type;		/* struct kernel_param_ops */
	int kparam_stub_set, kparam_stub_get;	/* the indirect stubs of its set, get */
	char **modinfo;			size_t nmodinfo, capmodinfo;
	char **includes;		size_t nincludes, capincludes;
	/* the kernel build's -Wno-X options: the program keeps them quiet too */
	char **warn_off;		size_t nwarn_off, capwarn_off;
	struct rw_reloc *relocs;	size_t nrelocs, caprelocs;
	/* emit-stmt.c: each anonymous struct or union a variable was declared
	 * with, and how later declarators of it name it again */
	struct rw_anon *anons;		size_t nanons, capanons;
	char *init_fn, *exit_fn;	/* module_init / module_exit targets */
	int have_module;		/* saw init_module/cleanup_module/MODULE_* */
	int reach_fn;			/* model.c: the function being walked, or -1 */

	/* results */
	uint64_t stub_hash;
	uint64_t layout_hash;
};

/* parse.c */
int rw_parse(struct rw *rw, char **argv, int argc);

/* cxstr.c: take the text of a CXString (a heap string) and dispose of it,
 * next to where libclang gave it. */
char *cxs_take(CXString s);

/* model.c: reach analysis over the parsed unit. */
int rw_analyze(struct rw *rw);
int rw_fn_find(const struct rw *rw, const char *name);
int rw_global_find(const struct rw *rw, const char *name);
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

/* composite.c: when the folder's Kbuild/Makefile makes the source one of
 * several files of a module (`mymod-y := a.o b.o`), take the module's name
 * and all its sources (rw->srcs); 0, or -EINVAL (an object without C). */
int rw_find_composite(struct rw *rw);

/* symvers.c: the kernel tree's Module.symvers.  rw_symvers_exported() is
 * 1 when @name is exported (its namespace in *ns, "" for none) or when the
 * tree has no Module.symvers, else 0.  rw_mark_unexported() sets
 * rw_stub.unexported (and rw_sym.unexported, for kernel functions and
 * variables the module names as values) for those neither exported nor defined in
 * the unit. */
int rw_symvers_load(struct rw *rw);
int rw_symvers_exported(const char *name, const char **ns);
void rw_mark_unexported(struct rw *rw);

/* modinfo.c: module_init/exit, module_param, MODULE_* */
int rw_modinfo(struct rw *rw);

/* kprim-table.c: kernel-only primitives with a user-level meaning. */
struct kprim {
	const char *name;	/* kernel function (often static inline) */
	const char *user;	/* kprim.h macro/function called in its place */
};
const struct kprim *kprim_find(const char *name);
/* The whole table, sorted by name (for its unit test). */
const struct kprim *kprim_table(size_t *n);
/* Families of APIs on one kind of object and who owns the object. */
struct kprim_family {
	const char *object;		/* canonical type, "struct mutex" */
	int user_owned;			/* the program owns it: all members are primitives */
	const char *const *members;	/* NULL-terminated */
	const char *const *readers;	/* kernel-owned: primitives reading it */
};
const struct kprim_family *kprim_families(size_t *n);
/* The user-owned object (a lock) parameter @i of function type @fn points
 * to, or NULL: such a function must not run in the kernel on one. */
const char *kprim_owned_param(CXType fn, int i);

/* kapi-table.c */
struct kapi_undo {
	const char *reg, *unreg;
	unsigned char nargs;
	unsigned char from[6];	/* DUSK_UNDO_RET = reg's result */
};
const struct kapi_undo *kapi_undo_table(size_t *n);
/* Inline kernel functions that must run in the kernel: called as stubs
 * instead of being kept (kmalloc: the allocation must be the kernel's). */
int kapi_force_stub(const char *name, unsigned *flags);
/* Functions whose call is compiled away (compile-time assertions). */
int kapi_drop_call(const char *name);
/* Proxy kind for a module function given its type. */
int kapi_proxy_kind(CXType fntype);
/* What a blocking callback may write through argument i: a C expression
 * for the kmod's lent[i] (caller frees), or NULL for nothing. */
char *kapi_proxy_lent(CXType fntype, int i);

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
	struct sb path;		/* static_init: lvalue path of the element printed */
	int pcpu_add;		/* inside percpu_add_op(): its percpu_to_op() adds */
};
/* Print expression @c, instrumented (emit-expr.c explains the rules).
 * Problems are reported through diag.c and counted; the text printed in
 * their place is never used (nothing is written when rw->nerrors > 0). */
void emit_expr(struct emitter *e, CXCursor c);
/* Print the initializer @c of an object or of one of its elements: an
 * init list, a compound literal of the object's own type as its braces,
 * else an expression. */
void emit_initializer(struct emitter *e, CXCursor c);
/* Is @t (through pointers) a struct or union without a name, reached
 * through typeof(another object)?  Printing it would define a second,
 * incompatible type: such variables are declared with __auto_type. */
int emit_type_unnameable(CXType t);
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

/* asm-atomic.c: print asm statement @c of kind @kind (rw_asm_atomic()). */
void emit_asm_atomic(struct emitter *e, CXCursor c, int kind);

/* emit-kmod.c: DUSK_STUB_* @flags by name ("0" for none), for the kmod's
 * and the program's stub tables alike. */
void emit_stub_flags(struct sb *b, unsigned flags);

/* emit-types.c: the module's own type definitions, in source order. */
void emit_module_types(struct rw *rw, struct sb *out);

/* emit-user.c, emit-kmod.c: whole output files. */
int emit_user(struct rw *rw, const char *dir);
int emit_kmod(struct rw *rw, const char *dir);

#endif /* DUSK_REWRITER_H */
