/* SPDX-License-Identifier: MIT */
/*
 * typegen internals: the pieces behind typegen.h, one file each.
 *   tg-names.c      libc names the user build already defines
 *   tg-type.c       desugaring, qualifiers, small type predicates
 *   tg-layout.c     a record's fields and the attributes that reproduce its
 *                   layout (packed, aligned, padding bit-fields)
 *   tg-declarator.c C declarators, record/enum bodies
 *   tg-set.c        the set: which declarations are needed, and how much
 *   tg-decls.c      the declarations header, in dependency order
 *   tg-table.c      layout-table entries, fields, hash
 *   tg-emit-table.c mymod.types.c, _Static_assert()s and BUILD_BUG_ON()s
 *
 * A set holds CXTypes and CXCursors: the translation unit they come from
 * must outlive it.
 */
#ifndef DUSK_TYPEGEN_INTERNAL_H
#define DUSK_TYPEGEN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <clang-c/Index.h>

#include "typegen.h"
#include "strbuf.h"	/* util/: every emitter writes into a struct sb */
#include "vec.h"

/* ---- tg-names.c -------------------------------------------------------- */

/* True when the user build's <stdint.h>/<stddef.h> (or bool) define @name:
 * such typedefs are printed as their canonical type, never redefined. */
int tg_libc_name(const char *name);

/* ---- tg-type.c --------------------------------------------------------- */

#define TG_CONST	1u
#define TG_VOLATILE	2u
#define TG_RESTRICT	4u

/*
 * Strip the sugar the printer does not keep: elaborated types, attributes,
 * unexposed types (typeof...), and typedefs of libc names.  Qualifiers met
 * on the way are OR-ed into *@quals.  The result is a pointer, array,
 * function, typedef, record, enum or builtin-like type.
 */
CXType tg_desugar(CXType t, unsigned *quals);
unsigned tg_quals(CXType t);
int tg_is_array(enum CXTypeKind k);
int tg_is_function(enum CXTypeKind k);
/* Record/enum declaration of @t (desugared), or a null cursor. */
CXCursor tg_decl_of(CXType t);
/* "struct", "union" or "enum". */
const char *tg_tag_keyword(CXCursor decl);
/* No tag of its own: an anonymous member or `typedef struct {...} name`. */
int tg_is_anonymous(CXCursor decl);
/* The `typedef struct {...} name` case: known by the typedef's name. */
int tg_has_typedef_name(CXCursor decl);
/* Size/alignment in bytes; 0 when unknown (incomplete, flexible array). */
uint64_t tg_sizeof(CXType t);
uint64_t tg_alignof(CXType t);
/* Provided by the compiler (__builtin_va_list's struct __va_list_tag):
 * never declared, never named in an assertion. */
int tg_is_builtin(CXCursor decl);
/* Declared in the module's own source files (the main file, or those
 * tg_module_files() named), not in a kernel header. */
int tg_in_main_file(CXCursor c);
/* Append libclang's string @s to @b and release it. */
void tg_put_cx(struct sb *b, CXString s);
/* The cursor's USR (stable identity across the TU), heap string. */
char *tg_usr(CXCursor c);

/* ---- tg-layout.c ------------------------------------------------------- */

struct tg_field {
	CXCursor cur;
	CXType type;
	char *name;		/* "" for anonymous members and unnamed bit-fields */
	uint64_t off_bits;	/* from the start of the record */
	int bitfield;
	int width;		/* bit-fields: width in bits */
	int anon_member;	/* anonymous struct/union member */
	/* Attributes that make a plain C compiler reproduce the layout: */
	unsigned attr_align;	/* aligned(N) on the field, 0 for none */
	int attr_packed;	/* packed on the field */
	unsigned pad_bits;	/* unnamed bit-field of this width before it */
};

struct tg_record {
	CXCursor decl;
	int is_union;
	uint64_t size, align;
	int packed;		/* packed on the record */
	unsigned attr_align;	/* aligned(N) on the record, 0 for none */
	int nfields;
	struct tg_field *fields;	/* declaration order */
};

/* Fields and layout attributes of record type @t (complete).  0 / -errno. */
int tg_record_layout(CXType t, struct tg_record *r);
void tg_record_free(struct tg_record *r);

/* ---- tg-declarator.c --------------------------------------------------- */

/* Append the declarator of @name with type @t.  @indent < 0: one line;
 * else inline record bodies are printed over lines indented from @indent. */
void tg_print_decl(struct sb *b, CXType t, const char *name, int indent);
/* Append "struct attrs name { ... }" / "enum name { ... }" (no ';') for the
 * definition of @decl; the name is left out for anonymous ones. */
void tg_print_definition(struct sb *b, CXCursor decl, int indent);

/* ---- tg-set.c ---------------------------------------------------------- */

enum tg_level { TG_NONE, TG_DECL, TG_COMPLETE };
enum tg_item_kind { TG_ITEM_RECORD, TG_ITEM_ENUM, TG_ITEM_TYPEDEF };

struct tg_item {
	char *usr;
	CXCursor decl;		/* the definition when there is one */
	enum tg_item_kind kind;
	enum tg_level level;
	int state;		/* emission: 0 todo, 1 in progress, 2 done */
	int declared;		/* emission: name usable (defined or forward-declared) */
};

struct tg_entry;

struct tg_set {
	struct tg_item *items;
	int nitems;
	size_t capitems;
	int *index;		/* open-addressing hash of items by usr; -1 = empty */
	int capindex;
	struct tg_entry *entries;	/* layout table, by type id */
	int nentries;
	size_t capentries;
	int oom;
};

/* Callback for every named record/enum/typedef a type mentions, with the
 * level the mention needs. */
typedef void (*tg_dep_fn)(void *ctx, CXCursor decl, enum tg_level level);

/* Report the named declarations that spelling @t needs at @level; walks
 * through pointers, arrays, functions and anonymous bodies. */
void tg_walk_type(CXType t, enum tg_level level, tg_dep_fn fn, void *ctx);
/* The same for the text of declaration @decl at @level (a typedef's
 * target, a complete record's fields). */
void tg_walk_decl(CXCursor decl, enum tg_level level, tg_dep_fn fn, void *ctx);
struct tg_item *tg_item_find(struct tg_set *set, CXCursor decl);
/* Is record @decl needed complete? */
int tg_set_is_complete(struct tg_set *set, CXCursor decl);

/* ---- tg-table.c -------------------------------------------------------- */

struct tg_entry_field {
	char *name;
	uint32_t offset, size;
	uint16_t kind, flags;
	int32_t type;
	uint32_t count;
	uint64_t off_bits;	/* bit-fields: first bit, for readers */
};

struct tg_entry {
	char *key;		/* identity: record USR or canonical spelling */
	CXType type;		/* canonical, unqualified */
	char *name;		/* C spelling for people and the hash */
	char *cname;		/* C spelling usable in sizeof(), NULL if none */
	int kernel_side;	/* the kmod can name it too (not the module's own) */
	uint32_t size, align;
	uint16_t kind;
	int32_t elem;
	uint32_t count;
	int done;		/* fields computed */
	int nfields;
	struct tg_entry_field *fields;
};

/* Compute the fields of every entry (adding the entries they reach) and
 * the layout hash.  0 / -errno. */
int tg_table_finish(struct tg_set *set, uint64_t *hash);
void tg_entries_free(struct tg_set *set);

#endif /* DUSK_TYPEGEN_INTERNAL_H */
