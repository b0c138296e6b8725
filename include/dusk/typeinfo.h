/* SPDX-License-Identifier: MIT */
/*
 * DUSK type-layout table: what dusk-rewrite knows about every type whose
 * objects cross the user/kernel boundary, emitted as C data in mymod.types.c
 * and walked by libduskrt's commit().  docs/typetable.md is the prose form.
 *
 * The same facts are asserted twice: with BUILD_BUG_ON in the generated kmod
 * (kernel compiler) and with _Static_assert in the user build, so a layout
 * disagreement fails a build, never a run.
 *
 * Self-contained on purpose: the user build has no kernel headers.
 */
#ifndef DUSK_TYPEINFO_H
#define DUSK_TYPEINFO_H

#include <stdint.h>

#define DUSK_TYPEINFO_VERSION 1

/* Reserved type ids (real types are numbered from DUSK_TYPE_FIRST). */
#define DUSK_TYPE_NONE		(-1)	/* unknown / opaque: commit copies bytes only */
#define DUSK_TYPE_CSTRING	(-2)	/* NUL-terminated char array */
#define DUSK_TYPE_FIRST		0

enum dusk_type_kind {
	DUSK_TK_SCALAR,		/* integer, enum, float: plain bytes */
	DUSK_TK_STRUCT,
	DUSK_TK_UNION,
	DUSK_TK_ARRAY,		/* elem type + count */
	DUSK_TK_POINTER,	/* data pointer: pointee type */
	DUSK_TK_FUNCPTR,	/* function pointer: translated to a proxy */
};

enum dusk_field_kind {
	DUSK_FK_DATA,		/* bytes with no pointers inside */
	DUSK_FK_PTR,		/* data pointer; type = pointee type id */
	DUSK_FK_FNPTR,		/* function pointer; type = signature id (see proxies) */
	DUSK_FK_ARRAY,		/* type = element type id; count elements */
	DUSK_FK_RECORD,		/* embedded struct/union; type = its type id */
};

/* dusk_field.flags */
#define DUSK_FF_AMBIGUOUS	(1u << 0)	/* pointer member of a union: which member is live is unknown */
#define DUSK_FF_BITFIELD	(1u << 1)	/* offset/size are of the containing storage unit */
#define DUSK_FF_USER_PTR	(1u << 2)	/* declared __user: never translated */

struct dusk_field {
	const char *name;	/* "" for an anonymous member */
	uint32_t offset;	/* bytes from the start of the record */
	uint32_t size;		/* bytes */
	uint16_t kind;		/* enum dusk_field_kind */
	uint16_t flags;		/* DUSK_FF_* */
	int32_t type;		/* see enum dusk_field_kind */
	uint32_t count;		/* DUSK_FK_ARRAY: number of elements; else 1 */
};

struct dusk_type {
	const char *name;	/* C spelling, e.g. "struct nf_hook_ops" */
	uint32_t size;
	uint32_t align;
	uint16_t kind;		/* enum dusk_type_kind */
	uint16_t nfields;
	const struct dusk_field *fields;	/* records only; ordered by offset */
	int32_t elem;		/* ARRAY: element type; POINTER: pointee; else DUSK_TYPE_NONE */
	uint32_t count;		/* ARRAY: element count */
};

struct dusk_typetab {
	uint32_t version;	/* DUSK_TYPEINFO_VERSION */
	uint32_t ntypes;
	const struct dusk_type *types;	/* indexed by type id */
	uint64_t hash;		/* layout hash; must equal the kmod's (HELLO) */
};

#endif /* DUSK_TYPEINFO_H */
