/* SPDX-License-Identifier: MIT */
/* The unit tests' module: tables as dusk-rewrite would emit them. */
#include <stddef.h>

#include "testmod.h"

struct leaf g_leaf;
struct mid g_mid;
struct top g_top;
union ptrs g_ptrs;
union word g_word;
struct tm_alg g_alg;
struct tm_list g_head;
uint64_t g_raw[4];
int g_knob;

uint64_t (*tm_hook_body)(uint64_t a, uint64_t b);
uint64_t (*tm_tick_body)(void);
int (*tm_init_body)(void);
void (*tm_exit_body)(void);

uint64_t tm_hook(uint64_t a, uint64_t b)
{
	DUSK_FRAME;
	return tm_hook_body ? tm_hook_body(a, b) : 0;
}

uint64_t tm_tick(uint64_t a, uint64_t b)
{
	DUSK_FRAME;
	(void)a;
	(void)b;
	return tm_tick_body ? tm_tick_body() : 0;
}

static uint64_t tramp_hook(const uint64_t *args)
{
	return tm_hook(args[0], args[1]);
}

static uint64_t tramp_tick(const uint64_t *args)
{
	(void)args;
	return tm_tick(0, 0);
}

static int tm_init(void)
{
	return tm_init_body ? tm_init_body() : 0;
}

static void tm_exit(void)
{
	if (tm_exit_body)
		tm_exit_body();
}

#define FLD(st, f, kind, flags, type, count) \
	{ #f, offsetof(struct st, f), sizeof(((struct st *)0)->f), kind, flags, type, count }

static const struct dusk_field leaf_fields[] = {
	FLD(leaf, v, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(leaf, pad, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(leaf, fn, DUSK_FK_FNPTR, 0, 0, 1),
};
static const struct dusk_field mid_fields[] = {
	FLD(mid, leaf, DUSK_FK_PTR, 0, T_LEAF, 1),
	FLD(mid, arr, DUSK_FK_ARRAY, 0, T_LEAF, 2),
	FLD(mid, self, DUSK_FK_PTR, 0, T_MID, 1),
};
static const struct dusk_field either_fields[] = {
	{ "p", 0, 8, DUSK_FK_PTR, DUSK_FF_AMBIGUOUS, DUSK_TYPE_NONE, 1 },
	{ "l", 0, 8, DUSK_FK_DATA, 0, DUSK_TYPE_NONE, 1 },
	{ "f", 0, 8, DUSK_FK_FNPTR, DUSK_FF_AMBIGUOUS, 0, 1 },
};
static const struct dusk_field word_fields[] = {
	{ "p", 0, 8, DUSK_FK_PTR, DUSK_FF_AMBIGUOUS, DUSK_TYPE_NONE, 1 },
	{ "value", 0, 8, DUSK_FK_RECORD, DUSK_FF_AMBIGUOUS, T_WORDVAL, 1 },
};
static const struct dusk_field wordval_fields[] = {
	{ "u32_data", 0, 8, DUSK_FK_ARRAY, 0, T_INT, 2 },
	{ "str", 0, 8, DUSK_FK_ARRAY, DUSK_FF_AMBIGUOUS, T_CHARP, 1 },
};
static const struct dusk_field ptrs_fields[] = {
	{ "leaf", 0, 8, DUSK_FK_PTR, DUSK_FF_AMBIGUOUS, T_LEAF, 1 },
	{ "mid", 0, 8, DUSK_FK_PTR, DUSK_FF_AMBIGUOUS, T_MID, 1 },
};
static const struct dusk_field top_fields[] = {
	FLD(top, mid, DUSK_FK_PTR, 0, T_MID, 1),
	FLD(top, name, DUSK_FK_PTR, 0, DUSK_TYPE_CSTRING, 1),
	FLD(top, next, DUSK_FK_PTR, 0, T_TOP, 1),
	FLD(top, u, DUSK_FK_RECORD, 0, T_EITHER, 1),
};

static const struct dusk_field list_fields[] = {
	FLD(tm_list, next, DUSK_FK_PTR, 0, T_LIST, 1),
	FLD(tm_list, prev, DUSK_FK_PTR, 0, T_LIST, 1),
};

static const struct dusk_field wait_fields[] = {
	FLD(tm_wait, flags, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(tm_wait, private, DUSK_FK_PTR, 0, DUSK_TYPE_NONE, 1),
	FLD(tm_wait, func, DUSK_FK_FNPTR, 0, 0, 1),
	FLD(tm_wait, entry, DUSK_FK_RECORD, 0, T_LIST, 1),
};

static const struct dusk_field flex_fields[] = {
	FLD(tm_flex, tfm, DUSK_FK_PTR, 0, DUSK_TYPE_NONE, 1),
	{ "ctx", offsetof(struct tm_flex, ctx), 0, DUSK_FK_ARRAY, 0, T_INT, 0 },
};

static const struct dusk_field swait_fields[] = {
	FLD(tm_swait, lock, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(tm_swait, task_list, DUSK_FK_RECORD, 0, T_LIST, 1),
};

static const struct dusk_field completion_fields[] = {
	FLD(tm_completion, done, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(tm_completion, wait, DUSK_FK_RECORD, 0, T_SWAIT, 1),
};

static const struct dusk_field alg_fields[] = {
	FLD(tm_alg, name, DUSK_FK_PTR, 0, DUSK_TYPE_CSTRING, 1),
	FLD(tm_alg, u, DUSK_FK_RECORD, 0, T_ALGU, 1),
};
static const struct dusk_field algu_fields[] = {
	{ "cipher", 0, sizeof(struct tm_cipher), DUSK_FK_RECORD, DUSK_FF_AMBIGUOUS, T_CIPHER, 1 },
	{ "compress", 0, sizeof(struct tm_compress), DUSK_FK_RECORD, DUSK_FF_AMBIGUOUS,
	  T_COMPRESS, 1 },
};
static const struct dusk_field cipher_fields[] = {
	FLD(tm_cipher, min_keysize, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(tm_cipher, max_keysize, DUSK_FK_DATA, 0, T_INT, 1),
	FLD(tm_cipher, setkey, DUSK_FK_FNPTR, 0, 0, 1),
	FLD(tm_cipher, encrypt, DUSK_FK_FNPTR, 0, 0, 1),
};
static const struct dusk_field compress_fields[] = {
	FLD(tm_compress, compress, DUSK_FK_FNPTR, 0, 0, 1),
	FLD(tm_compress, decompress, DUSK_FK_FNPTR, 0, 0, 1),
};

static const struct dusk_type types[] = {
	[T_LEAF] = { "struct leaf", sizeof(struct leaf), 8, DUSK_TK_STRUCT, 3, leaf_fields,
		     DUSK_TYPE_NONE, 0 },
	[T_MID] = { "struct mid", sizeof(struct mid), 8, DUSK_TK_STRUCT, 3, mid_fields,
		    DUSK_TYPE_NONE, 0 },
	[T_TOP] = { "struct top", sizeof(struct top), 8, DUSK_TK_STRUCT, 4, top_fields,
		    DUSK_TYPE_NONE, 0 },
	[T_EITHER] = { "union either", sizeof(union either), 8, DUSK_TK_UNION, 3, either_fields,
		       DUSK_TYPE_NONE, 0 },
	[T_INT] = { "int", 4, 4, DUSK_TK_SCALAR, 0, NULL, DUSK_TYPE_NONE, 0 },
	[T_LIST] = { "struct tm_list", sizeof(struct tm_list), 8, DUSK_TK_STRUCT, 2, list_fields,
		     DUSK_TYPE_NONE, 0 },
	/* struct lock_class_key without lockdep: an empty struct */
	[T_EMPTY] = { "struct lock_class_key", 0, 1, DUSK_TK_STRUCT, 0, NULL, DUSK_TYPE_NONE, 0 },
	[T_WAIT] = { "struct wait_queue_entry", sizeof(struct tm_wait), 8, DUSK_TK_STRUCT, 4,
		     wait_fields, DUSK_TYPE_NONE, 0 },
	[T_FLEX] = { "struct tm_flex", sizeof(struct tm_flex), 8, DUSK_TK_STRUCT, 2, flex_fields,
		     DUSK_TYPE_NONE, 0 },
	[T_PTRS] = { "union ptrs", sizeof(union ptrs), 8, DUSK_TK_UNION, 2, ptrs_fields,
		     DUSK_TYPE_NONE, 0 },
	[T_WORD] = { "union word", sizeof(union word), 8, DUSK_TK_UNION, 2, word_fields,
		     DUSK_TYPE_NONE, 0 },
	[T_WORDVAL] = { "union value", 8, 8, DUSK_TK_UNION, 2, wordval_fields,
			DUSK_TYPE_NONE, 0 },
	[T_CHARP] = { "const char *", 8, 8, DUSK_TK_POINTER, 0, NULL, DUSK_TYPE_CSTRING, 0 },
	[T_SWAIT] = { "struct swait_queue_head", sizeof(struct tm_swait), 8, DUSK_TK_STRUCT, 2,
		      swait_fields, DUSK_TYPE_NONE, 0 },
	[T_COMPLETION] = { "struct completion", sizeof(struct tm_completion), 8, DUSK_TK_STRUCT,
			   2, completion_fields, DUSK_TYPE_NONE, 0 },
	[T_ALG] = { "struct tm_alg", sizeof(struct tm_alg), 8, DUSK_TK_STRUCT, 2, alg_fields,
		    DUSK_TYPE_NONE, 0 },
	[T_ALGU] = { "union tm_algu", sizeof(g_alg.u), 8, DUSK_TK_UNION, 2, algu_fields,
		     DUSK_TYPE_NONE, 0 },
	[T_CIPHER] = { "struct tm_cipher", sizeof(struct tm_cipher), 8, DUSK_TK_STRUCT, 4,
		       cipher_fields, DUSK_TYPE_NONE, 0 },
	[T_COMPRESS] = { "struct tm_compress", sizeof(struct tm_compress), 8, DUSK_TK_STRUCT, 2,
			 compress_fields, DUSK_TYPE_NONE, 0 },
};

const struct dusk_typetab tm_types = {
	DUSK_TYPEINFO_VERSION, sizeof(types) / sizeof(types[0]), types, 0x1a2b3c4d5e6f7788ull,
};

static const struct dusk_proxy proxies[] = {
	[PROXY_HOOK] = { "tm_hook", (const void *)tm_hook, tramp_hook, 2, 0 },
	[PROXY_TICK] = { "tm_tick", (const void *)tm_tick, tramp_tick, 0, 1 },
};

/* named as the rewriter names them (copy_from_user is kept whole) */
static const char *const stubs[] = { "noop", "printk#1", "touch", "kmalloc_trace",
				      "copy_from_user", "debugfs_create_u32", "kfree",
				      "kmem_cache_create", "kmem_cache_alloc", "kmem_cache_free",
				      "kmem_cache_destroy" };
static const uint32_t stub_flags[NSTUBS] = {
	[STUB_PRINTK] = DUSK_STUB_PRINTK,
	[STUB_KMALLOC] = DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR,
	[STUB_KFREE] = DUSK_STUB_FREE,
	[STUB_KMEM_CACHE_ALLOC] = DUSK_STUB_ALLOC | DUSK_STUB_RET_PTR,
	[STUB_KMEM_CACHE_FREE] = DUSK_STUB_FREE_ARG1,
};
static const char *const syms[] = { "init_net", "jiffies" };

static const struct dusk_object objects[] = {
	{ "g_leaf", &g_leaf, sizeof(g_leaf), T_LEAF },
	{ "g_mid", &g_mid, sizeof(g_mid), T_MID },
	{ "g_top", &g_top, sizeof(g_top), T_TOP },
	{ "g_ptrs", &g_ptrs, sizeof(g_ptrs), T_PTRS },
	{ "g_word", &g_word, sizeof(g_word), T_WORD },
	{ "g_alg", &g_alg, sizeof(g_alg), T_ALG },
	{ "g_head", &g_head, sizeof(g_head), T_LIST },
	{ "g_raw", g_raw, sizeof(g_raw), DUSK_TYPE_NONE },
	{ "g_knob", &g_knob, sizeof(g_knob), T_INT },
};

static const char *const modinfo[] = { "license=GPL", "description=unit test module", NULL };

struct dusk_module tm_module = {
	.name = "tm",
	.init = tm_init,
	.exit = tm_exit,
	.proxies = proxies,
	.nproxies = NPROXIES,
	.syms = syms,
	.nsyms = 2,
	.stubs = stubs,
	.stub_flags = stub_flags,
	.nstubs = NSTUBS,
	.objects = objects,
	.nobjects = sizeof(objects) / sizeof(objects[0]),
	.types = &tm_types,
	.stub_hash = 0x99aa99aa12345678ull,
	.modinfo = modinfo,
};
