/* SPDX-License-Identifier: MIT */
/*
 * typegen: from libclang types to everything DUSK says about them.
 *
 * The rewriter hands this library the types its kept code touches; the
 * library answers with C text for three audiences:
 *   - the user build's declarations header (typedefs, records, enums in
 *     dependency order; forward declarations where a pointer is enough),
 *   - the type-layout table mymod.types.c (include/dusk/typeinfo.h) and its
 *     hash, plus _Static_assert()s of every size and offset,
 *   - the generated kmod's BUILD_BUG_ON()s of the same facts, compiled
 *     against the real kernel headers.
 * And a declarator printer every emitter uses ("void (*name)(int)").
 *
 * Only this library and rewriter/ include clang-c/Index.h.
 * Error convention: int functions return 0 or a negative errno.
 * A set keeps libclang types and cursors: their translation unit must
 * outlive it.  Types declared in the main file (the module's own) get table
 * entries but are neither emitted in the header nor asserted.
 * docs/typetable.md describes the table, its hash and the assertions.
 */
#ifndef DUSK_TYPEGEN_H
#define DUSK_TYPEGEN_H

#include <stdint.h>
#include <stdio.h>
#include <clang-c/Index.h>

struct tg_set;

struct tg_set *tg_set_new(void);
void tg_set_free(struct tg_set *set);

/* The module's own source files: their declarations are the module's,
 * printed with its code, never in the declarations header or the layout
 * table.  By default libclang's main file; a module of several files is
 * parsed through a main file that only #includes them, so the rewriter
 * names them here (@files stays the caller's until the unit is gone). */
void tg_module_files(const CXFile *files, size_t n);

/* The code needs to see the full definition of @t (members accessed,
 * sizeof, by-value use).  Pulls in what that definition needs in turn:
 * embedded records/arrays by value are completed, pointees only declared. */
int tg_need_complete(struct tg_set *set, CXType t);

/* The code names @t but only through pointers: a declaration is enough. */
int tg_need_decl(struct tg_set *set, CXType t);

/* Type id of @t in the layout table (adds @t and, recursively, the records
 * and pointees reachable from its fields).  Returns a non-negative id,
 * DUSK_TYPE_CSTRING for char arrays/strings when @as_string, or a negative
 * errno.  Implies tg_need_complete() for records.
 * Also DUSK_TYPE_NONE (-1) for types with no layout: void, functions,
 * records never defined.  Ids are stable once returned.  A pointer field's
 * target record gets an id only if the set needs it complete when the
 * table is emitted; otherwise the field says DUSK_TYPE_NONE (opaque). */
int32_t tg_type_id(struct tg_set *set, CXType t, int as_string);

/* Write the declarations header body: every needed typedef, record, enum,
 * in an order a C compiler accepts.  No kernel header is included. */
int tg_emit_decls(struct tg_set *set, FILE *out);

/* Write mymod.types.c: `const struct dusk_typetab <sym>` and its arrays,
 * plus _Static_assert()s of sizes/offsets (the file includes @decls_header).
 * *hash receives the layout hash (also stored in the table). */
int tg_emit_table(struct tg_set *set, FILE *out, const char *sym,
		  const char *decls_header, uint64_t *hash);

/* Write a C function body fragment of BUILD_BUG_ON()s asserting every size
 * and offset in the table, for the kmod (compiled with kernel headers). */
int tg_emit_build_bug_ons(struct tg_set *set, FILE *out);

/* Heap string: a declaration of @name with type @t, e.g. "int (*name)[4]".
 * @name may be "" for an abstract declarator (casts, sizeof).  Caller frees. */
char *tg_declarator(CXType t, const char *name);

/* __user written in declaration @decl's own tokens (a field, a parameter):
 * sparse's address space, an empty macro for compilers, so only the tokens
 * show it. */
int tg_has_user_token(CXCursor decl);

#endif /* DUSK_TYPEGEN_H */
