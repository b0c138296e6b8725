/* SPDX-License-Identifier: MIT */
/*
 * The module the unit tests run: what dusk-rewrite would generate for a
 * small module with a three-level struct graph (top -> mid -> leaf, with
 * cycles, an array of records, function pointers and a union), two
 * callbacks and a few kernel functions.  Tests set the callbacks' bodies.
 */
#ifndef DUSK_TESTMOD_H
#define DUSK_TESTMOD_H

#include <dusk/runtime.h>

struct leaf {
	int v;
	int pad;
	uint64_t (*fn)(uint64_t, uint64_t);
};

struct mid {
	struct leaf *leaf;
	struct leaf arr[2];
	struct mid *self;
};

/* A data pointer or a function pointer: which is live is unknown, and
 * they translate differently: refused when it holds an own address. */
union either {
	void *p;
	long l;
	void (*f)(void);
};

/* A pointer or inline data in one word (struct property_entry's pointer
 * or value, told apart by is_inline): read by value. */
union word {
	const void *p;
	union {
		unsigned int u32_data[2];
		const char *str[1];
	} value;
};

/* A union of data pointers only (struct kernel_param's { arg, str, arr }):
 * an address whichever member is live. */
union ptrs {
	struct leaf *leaf;
	struct mid *mid;
};

struct top {
	struct mid *mid;
	const char *name;
	struct top *next;
	union either u;
};

/* A list head, as <linux/list.h> has it. */
struct tm_list {
	struct tm_list *next, *prev;
};

/* A wait entry, as <linux/wait.h> has it: the kernel links it into a wait
 * queue across calls. */
struct tm_wait {
	unsigned int flags;
	void *private;
	void *func;
	struct tm_list entry;
};

/* A header and a flexible array (struct shash_desc's __ctx[]): the object
 * is larger than the type; SHASH_DESC_ON_STACK() puts one in a char array. */
struct tm_flex {
	void *tfm;
	uint64_t ctx[];
};

/* A completion, as <linux/completion.h> has it: its queue head is woken
 * by another context. */
struct tm_swait {
	unsigned int lock;
	struct tm_list task_list;
};

struct tm_completion {
	unsigned int done;
	struct tm_swait wait;
};

/* A union of records with function pointers (struct crypto_alg's cra_u
 * { cipher, compress }): the cipher's key sizes lie where the
 * compressor's first function would. */
struct tm_cipher {
	unsigned int min_keysize, max_keysize;
	uint64_t (*setkey)(uint64_t, uint64_t);
	uint64_t (*encrypt)(uint64_t, uint64_t);
};

struct tm_compress {
	uint64_t (*compress)(uint64_t, uint64_t);
	uint64_t (*decompress)(uint64_t, uint64_t);
};

struct tm_alg {
	const char *name;
	union {
		struct tm_cipher cipher;
		struct tm_compress compress;
	} u;
};

enum { T_LEAF, T_MID, T_TOP, T_EITHER, T_INT, T_LIST, T_EMPTY, T_WAIT, T_FLEX, T_PTRS, T_WORD,
       T_WORDVAL, T_CHARP, T_SWAIT, T_COMPLETION, T_ALG, T_ALGU, T_CIPHER, T_COMPRESS };
enum { STUB_NOOP, STUB_PRINTK, STUB_TOUCH, STUB_KMALLOC, STUB_COPY_FROM_USER,
       STUB_DEBUGFS_U32, STUB_KFREE, STUB_KMEM_CACHE_CREATE, STUB_KMEM_CACHE_ALLOC,
       STUB_KMEM_CACHE_FREE, STUB_KMEM_CACHE_DESTROY, NSTUBS };
enum { PROXY_HOOK, PROXY_TICK, NPROXIES };

extern struct leaf g_leaf;
extern struct mid g_mid;
extern struct top g_top;
extern union ptrs g_ptrs;
extern union word g_word;
extern struct tm_alg g_alg;
extern struct tm_list g_head;
extern uint64_t g_raw[4];	/* a global of a type the table lacks */
extern int g_knob;		/* a debugfs value: the kernel keeps it (kept.c) */

/* Bodies of the two callbacks (module functions); tests assign them. */
extern uint64_t (*tm_hook_body)(uint64_t a, uint64_t b);
extern uint64_t (*tm_tick_body)(void);
uint64_t tm_hook(uint64_t a, uint64_t b);	/* proxy 0 */
uint64_t tm_tick(uint64_t a, uint64_t b);	/* proxy 1 (args ignored) */

extern int (*tm_init_body)(void);
extern void (*tm_exit_body)(void);

extern const struct dusk_typetab tm_types;
extern struct dusk_module tm_module;	/* not const: tests vary hashes */

#endif /* DUSK_TESTMOD_H */
