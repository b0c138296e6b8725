/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dusk-rewrite's internal interfaces, the part that needs no libclang: the
 * tool's state (struct rw), the steps main.c runs, the tables and the
 * allocation policy.  walk.h adds the libclang side: the model's cursors and
 * types, and the walkers and printers over them; only the files that talk
 * to libclang include it.  Not a library: only the files of rewriter/
 * include these headers.
 *
 * Data flow: cflags.c (compile arguments) -> parse.c (CXTranslationUnit,
 * libclang's own diagnostics) -> model.c + modinfo.c (what the module
 * reaches: kept functions, globals, stubs, symbols, proxies, params) ->
 * emit-*.c (text) -> main.c (temp dir renamed into place).
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
#include <dusk/abi.h>
#include "strbuf.h"	/* util/ */
#include "vec.h"

struct tg_set;
struct rw;
struct rw_unit;
struct rw_fn;
struct rw_global;
struct rw_stub;
struct rw_sym;
struct rw_proxy;
struct rw_param;
struct rw_reloc;
struct rw_anon;

/* statics.c: one file's own spelling of a static name another file of the
 * module declares too. */
struct rw_rename {
	size_t file;		/* index in rw->srcs */
	size_t first;		/* the file that keeps the name */
	int tag;		/* a struct/union/enum tag, else an ordinary name */
	char *from, *to;
};

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

/* ---- diag.c: clang-shaped diagnostics (walk.h: at a source location) -- */

enum rw_sev { RW_NOTE, RW_WARNING, RW_ERROR };

/* A diagnostic with no source position: `dusk-rewrite: error: msg`. */
void rw_diag_plain(struct rw *rw, enum rw_sev sev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the tool's state -------------------------------------------------- */

struct rw {
	/* inputs */
	const char *src;	/* module source path as given */
	char *modname;		/* "mini" */
	const char *core_dir;	/* dusk-kmod sources */
	const char *inc_dir;	/* include/ with dusk/protocol.h */
	char *kdir_real;	/* realpath of the kernel tree, or NULL */
	/* parse.c: the translation unit and the libclang handles into it
	 * (walk.h); NULL before rw_parse() */
	struct rw_unit *unit;
	/* A module of several source files (composite.c): all of them, read as
	 * one translation unit whose main file is a generated list of them. */
	char **srcs;		size_t nsrcs;
	/* statics.c: a static name several of them declare, spelled apart
	 * in each file after the first that declares it */
	struct rw_rename *renames;	size_t nrenames, caprenames;
	struct tg_set *tg;
	int nerrors;

	/* the model (model.c, modinfo.c; the element types are in walk.h) */
	struct rw_fn *fns;		size_t nfns, capfns;
	struct rw_global *globals;	size_t nglobals, capglobals;
	struct rw_literal *literals;	size_t nliterals, capliterals;
	struct rw_stub *stubs;		size_t nstubs, capstubs;
	struct rw_sym *syms;		size_t nsyms, capsyms;
	struct rw_proxy *proxies;	size_t nproxies, capproxies;
	struct rw_param *params;	size_t nparams, capparams;
	/* some parameter's ops (or an ops member) is kernel code the runtime
	 * does not re-implement: it is called in the kernel (kparam_call) */
	int kparam_calls;
	int kparam_stub_set, kparam_stub_get;	/* the indirect stubs of its set, get */
	char **modinfo;			size_t nmodinfo, capmodinfo;
	char **includes;		size_t nincludes, capincludes;
	/* 1 + the number of includes before the module's own `#define
	 * CREATE_TRACE_POINTS` (0: none): the kmod defines it there too, so
	 * that it defines the module's trace events (emit-kmod.c) */
	size_t create_tp_at;
	/* the kernel build's -Wno-X options: the program keeps them quiet too */
	char **warn_off;		size_t nwarn_off, capwarn_off;
	struct rw_reloc *relocs;	size_t nrelocs, caprelocs;
	/* emit-stmt.c: each anonymous struct or union a variable was declared
	 * with, and how later declarators of it name it again */
	struct rw_anon *anons;		size_t nanons, capanons;
	char *init_fn, *exit_fn;	/* module_init / module_exit targets */
	/* DEFINE_SRCU()/DEFINE_STATIC_SRCU() structs, which the module
	 * loader sets up before module_init and cleans up after module_exit
	 * (srcu_module_coming()): the program's init and exit do (model.c) */
	char **srcu;			size_t nsrcu, capsrcu;
	int srcu_init_stub, srcu_cleanup_stub;
	int have_module;		/* saw init_module/cleanup_module/MODULE_* */
	int reach_fn;			/* model.c: the function being walked, or -1 */

	/* results */
	uint64_t stub_hash;
	uint64_t layout_hash;
};

/* ---- the steps main.c runs, in order ---------------------------------- */

/* composite.c: when the folder's Kbuild/Makefile makes the source one of
 * several files of a module (`mymod-y := a.o b.o`), take the module's name
 * and all its sources (rw->srcs); 0, or -EINVAL (an object without C). */
int rw_find_composite(struct rw *rw);
/* target.c: refuse a kernel whose data model (pointer and long size, byte
 * order, 64-bit alignment), as clang sees it with @argv, is not this
 * machine's; 0, or -EINVAL with the reason reported. */
int rw_check_target(struct rw *rw, char **argv, int argc);
/* parse.c: parse rw->src (or all of rw->srcs) with the compile arguments
 * @argv; reports libclang's errors.  Creates rw->unit and rw->tg. */
int rw_parse(struct rw *rw, char **argv, int argc);
/* modinfo.c: module_init/exit, module_param, MODULE_* */
int rw_modinfo(struct rw *rw);
/* model.c: reach analysis over the parsed unit. */
int rw_analyze(struct rw *rw);

/* symvers.c: the kernel tree's Module.symvers.  rw_symvers_exported() is
 * 1 when @name is exported (its namespace in *ns, "" for none) or when the
 * tree has no Module.symvers, else 0.  rw_mark_unexported() sets
 * rw_stub.unexported (and rw_sym.unexported, for kernel functions and
 * variables the module names as values) for those neither exported nor defined in
 * the unit. */
int rw_symvers_load(struct rw *rw);
int rw_symvers_exported(const char *name, const char **ns);
void rw_mark_unexported(struct rw *rw);

/* emit-user.c, emit-kmod.c: whole output files. */
int emit_user(struct rw *rw, const char *dir);
int emit_kmod(struct rw *rw, const char *dir);

/* ---- tables ------------------------------------------------------------ */

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

/* emit-kmod.c: DUSK_STUB_* @flags by name ("0" for none), for the kmod's
 * and the program's stub tables alike. */
void emit_stub_flags(struct sb *b, unsigned flags);

#endif /* DUSK_REWRITER_H */
