// SPDX-License-Identifier: GPL-2.0
/*
 * The generated kernel module kmod/: dusk_<mod>_gen.c, the part that
 * dusk-kmod/dusk-gen.h defines (stub table, symbol table, proxies, undo
 * table, layout assertions), a Kbuild that links it with the dusk-kmod core,
 * and copies of the core, dusk-gen.h and dusk/{protocol,abi}.h so that
 * kmod/ builds on its own with `make -C $KDIR M=$PWD/kmod`.
 *
 * The file includes the headers the module itself includes, so every kernel
 * function and variable is declared exactly as the module saw it.  Pointer
 * arguments and parameters are passed as void *: the same ABI, and the
 * generated code never needs the module's private types.
 */
#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "walk.h"
#include "typegen.h"


static int is_void(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Void;
}

/* Does callback type @t take an sk_buff? */
static int takes_skb(CXType t)
{
	int i, n = clang_getNumArgTypes(t);

	for (i = 0; i < n; i++)
		if (kapi_pointee_is(clang_getArgType(t, (unsigned)i), "struct sk_buff"))
			return 1;
	return 0;
}

static int is_record(CXType t)
{
	return clang_getCanonicalType(t).kind == CXType_Record;
}

/* Remove every `const ` and `volatile ` from @s in place. */
static char *unqualify(char *s)
{
	char *p;

	while ((p = strstr(s, "const ")) || (p = strstr(s, "volatile "))) {
		size_t n = p[0] == 'c' ? 6 : 9;

		memmove(p, p + n, strlen(p + n) + 1);
	}
	return s;
}

/* A pointer as a stub passes it: a parameter declared with a function
 * type (`v4l2_check_dv_timings_fnc fnc`, a typedef of a function) is a
 * pointer to it, as C adjusts it; a cast to the function type would not
 * compile. */
static int kpointer(CXType t)
{
	enum CXTypeKind k = clang_getCanonicalType(t).kind;

	return rw_type_is_pointer(t) || k == CXType_FunctionProto || k == CXType_FunctionNoProto;
}

/* Is @t irqreturn_t (enum irqreturn)? */
static int is_irqreturn(CXType t)
{
	char *s = cxs_take(clang_getTypeSpelling(clang_getCanonicalType(t)));
	int r = !strcmp(s, "enum irqreturn");

	free(s);
	return r;
}

/* A type spelled so kernel headers accept it: pointers as void *, structs
 * passed by value as the headers name them (`kuid_t`, `struct timespec64`:
 * an anonymous struct has only its typedef's name), scalars canonical with
 * anonymous enums replaced by their integer type. */
static char *kscalar(CXType t)
{
	CXType c = clang_getCanonicalType(t);

	if (kpointer(c))
		return xstrdup("void *");
	if (is_record(c)) {
		while (t.kind == CXType_Elaborated || t.kind == CXType_Attributed)
			t = t.kind == CXType_Elaborated ? clang_Type_getNamedType(t) :
							  clang_Type_getModifiedType(t);
		return unqualify(cxs_take(clang_getTypeSpelling(t)));
	}
	if (c.kind == CXType_Enum)
		c = clang_getEnumDeclIntegerType(clang_getTypeDeclaration(c));
	c = clang_getCanonicalType(c);
	/* qualifiers do not matter for a value */
	return unqualify(cxs_take(clang_getTypeSpelling(c)));
}

static void put_arg(struct sb *b, CXType t, int i)
{
	char *s = kscalar(t);

	if (kpointer(t))
		sb_printf(b, "(void *)(uintptr_t)a[%d]", i);
	else if (is_record(t))	/* by value: a[i] is the address of a copy */
		sb_printf(b, "*(%s *)(uintptr_t)a[%d]", s, i);
	else
		sb_printf(b, "(%s)a[%d]", s, i);
	free(s);
}

static void emit_stub(struct rw *rw, struct sb *b, int id)
{
	const struct rw_stub *st = &rw->stubs[id];
	int indirect = !st->callee[0], i, base = indirect ? 1 : 0;
	int va = rw_stub_va(st);
	struct sb call = { 0 };
	char *ret = kscalar(st->ret);

	(void)rw;
	if (st->unexported) {
		/* the kernel's build folds the call away; the program stops
		 * before calling it (emit-user.c), and modpost never sees it */
		sb_printf(b, "/* %s: not exported to modules */\n"
			  "static u64 dusk_stub_%d(const u64 *a)\n{\n\t(void)a;\n"
			  "\treturn (u64)-ENOSYS;\n}\n\n", st->sig, id);
		free(ret);
		return;
	}
	if (st->flags & DUSK_STUB_PRINTK) {
		sb_printf(b, "/* %s */\nstatic u64 dusk_stub_%d(const u64 *a)\n{\n"
			  "\tchar *buf = dusk_text_buf();\n\n"
			  "\tsnprintf(buf, DUSK_MAX_TEXT, (const char *)(uintptr_t)a[0]", st->sig, id);
		for (i = 1; i < (va ? DUSK_MAX_ARGS : st->nargs); i++) {
			sb_puts(b, ", ");
			if (va)		/* the words the program made (vafmt.c) */
				sb_printf(b, "a[%d]", i);
			else
				put_arg(b, st->args[i], i);
		}
		sb_puts(b, ");\n\treturn (u64)printk(\"%s\", buf);\n}\n\n");
		free(ret);
		return;
	}
	if (indirect) {
		sb_printf(&call, "((%s (*)(", ret);
		for (i = 0; i < st->nargs; i++) {
			char *s = kscalar(st->args[i]);

			sb_printf(&call, "%s%s", i ? ", " : "", s);
			free(s);
		}
		sb_printf(&call, "%s))(uintptr_t)a[0])(", st->nargs ? "" : "void");
	} else {
		sb_printf(&call, "%s(", st->callee);
	}
	for (i = 0; i < (va && st->variadic ? DUSK_MAX_ARGS : st->nargs); i++) {
		if (i)
			sb_puts(&call, ", ");
		if (va && i >= va && st->variadic)
			sb_printf(&call, "a[%d]", i);	/* a word the program made */
		else if (va && i == va)
			sb_puts(&call, "dusk_ap");
		else
			put_arg(&call, st->args[i], i + base);
	}
	sb_puts(&call, ")");
	sb_printf(b, "/* %s */\nstatic u64 dusk_stub_%d(const u64 *a)\n{\n", st->sig, id);
	if (va && !st->variadic)
		sb_printf(b, "\tva_list dusk_ap;\n\n\tdusk_va_over(&dusk_ap, a + %d);\n", va);
	if (!st->nargs && !indirect)
		sb_puts(b, "\t(void)a;\n");
	if (is_record(st->ret))	/* the last argument is where it goes */
		sb_printf(b, "\t*(%s *)(uintptr_t)a[%d] = %s;\n\treturn 0;\n}\n\n", ret,
			  st->nargs + base, xsb_str(&call));
	else if (is_void(st->ret))
		sb_printf(b, "\t%s;\n\treturn 0;\n}\n\n", xsb_str(&call));
	else if (rw_type_is_pointer(st->ret))
		sb_printf(b, "\treturn (u64)(uintptr_t)%s;\n}\n\n", xsb_str(&call));
	else
		sb_printf(b, "\treturn (u64)%s;\n}\n\n", xsb_str(&call));
	sb_free(&call);
	free(ret);
}

/*
 * Is @t a notifier callback, int (struct notifier_block *, unsigned long,
 * void *)?  Its answer goes through dusk_notifier_answer(): a call that did
 * not run must not answer with an errno, whose bits read as
 * NOTIFY_STOP_MASK and end the chain for every later subscriber.
 */
static int is_notifier_call(CXType t)
{
	CXType a0, pointee;
	char *name;
	int yes;

	if (clang_getNumArgTypes(t) != 3 ||
	    clang_getCanonicalType(clang_getResultType(t)).kind != CXType_Int)
		return 0;
	a0 = clang_getCanonicalType(clang_getArgType(t, 0));
	if (a0.kind != CXType_Pointer)
		return 0;
	pointee = clang_getCanonicalType(clang_getPointeeType(a0));
	name = unqualify(cxs_take(clang_getTypeSpelling(pointee)));
	yes = !strcmp(name, "struct notifier_block");
	free(name);
	return yes;
}

/*
 * A network driver's ndo_get_stats (struct net_device_stats *(struct
 * net_device *)) or ndo_get_stats64 (void (struct net_device *, struct
 * rtnl_link_stats64 *)): 1 or 2, else 0.  The stack asks for them in
 * atomic context too (sysfs statistics under dev_base_lock), where a
 * blocking proxy answers ERR_PTR(-EWOULDBLOCK), which dev_get_stats()
 * dereferences: the kmod core answers with the driver's last answer there
 * (dusk-kmod/core/netstats.c).
 */
static int netdev_stats_kind(CXType t)
{
	int n = clang_getNumArgTypes(t);
	CXType ret = clang_getResultType(t);

	if (n == 1 && kapi_pointee_is(clang_getArgType(t, 0), "struct net_device") &&
	    kapi_pointee_is(ret, "struct net_device_stats"))
		return 1;
	if (n == 2 && is_void(ret) && kapi_pointee_is(clang_getArgType(t, 0), "struct net_device") &&
	    kapi_pointee_is(clang_getArgType(t, 1), "struct rtnl_link_stats64"))
		return 2;
	return 0;
}

/* Is @p a protocol handler's proxy, int (struct sk_buff *) handed over? */
static int is_protocol_handler(const struct rw_proxy *p)
{
	return p->kind == RW_PROXY_ASYNC_SKB &&
	       clang_getNumArgTypes(clang_getCursorType(p->fn)) == 1;
}

/*
 * Is @p's signature a UDP tunnel's encap_rcv, int (struct sock *, struct
 * sk_buff *)?  Other kernel callbacks share it (a socket's backlog_rcv, a
 * UDP tunnel's encap_err_lookup), so the proxy stays a blocking one and
 * asks at run time whether the kernel called it as the socket's encap_rcv
 * (dusk_udp_encap_rcv()).
 */
static int is_udp_encap_rcv(const struct rw_proxy *p)
{
	CXType t = clang_getCursorType(p->fn);

	return p->kind == DUSK_PROXY_BLOCKING && clang_getNumArgTypes(t) == 2 &&
	       clang_getCanonicalType(clang_getResultType(t)).kind == CXType_Int &&
	       kapi_pointee_is(clang_getArgType(t, 0), "struct sock") &&
	       kapi_pointee_is(clang_getArgType(t, 1), "struct sk_buff");
}

/* A bit for each argument of @t that is a struct net_device *: the kmod
 * holds them while a handed-over packet's handler may use them. */
static unsigned int netdev_args(CXType t)
{
	unsigned int i, n = clang_getNumArgTypes(t), mask = 0;

	for (i = 0; i < n && i < 32; i++)
		if (kapi_pointee_is(clang_getArgType(t, i), "struct net_device"))
			mask |= 1u << i;
	return mask;
}

static void emit_proxy(struct sb *b, const struct rw_proxy *p, int id)
{
	CXType t = clang_getCursorType(p->fn);
	int i, n = clang_getNumArgTypes(t);
	char *ret = kscalar(clang_getResultType(t));

	if (p->kind == DUSK_PROXY_NF_HOOK) {
		sb_printf(b, "static unsigned int dusk_proxy_%s(void *priv, struct sk_buff *skb,\n"
			  "\t\t\t\tconst struct nf_hook_state *state)\n{\n"
			  "\treturn dusk_upcall_nf_hook(%d, priv, skb, state);\n}\n\n", p->name, id);
		free(ret);
		return;
	}
	sb_printf(b, "static %s dusk_proxy_%s(", ret, p->name);
	for (i = 0; i < n; i++) {
		char *s = kscalar(clang_getArgType(t, i));

		sb_printf(b, "%s%s a%d", i ? ", " : "", s, i);
		free(s);
	}
	sb_printf(b, "%s)\n{\n", n ? "" : "void");
	if (p->kind == DUSK_PROXY_BLOCKING && netdev_stats_kind(t)) {
		if (netdev_stats_kind(t) == 1)
			sb_printf(b, "\treturn dusk_netdev_stats(%d, a0);\n}\n\n", id);
		else
			sb_printf(b, "\tdusk_netdev_stats64(%d, a0, a1);\n}\n\n", id);
		free(ret);
		return;
	}
	if (n && p->kind != RW_PROXY_SYNC_XT_MATCH && p->kind != RW_PROXY_SYNC_HRTIMER &&
	    p->kind != RW_PROXY_SYNC_ALARM &&
	    p->kind != RW_PROXY_SYNC_XT_TARGET && p->kind != RW_PROXY_SYNC_KPROBE &&
	    p->kind != RW_PROXY_SYNC_KRETPROBE) {
		sb_printf(b, "\tu64 a[%d] = { ", n);
		/* a struct by value (sockptr_t): the address of this frame's
		 * copy, which the program reads while the proxy waits */
		for (i = 0; i < n; i++)
			sb_printf(b, "%s(u64)%sa%d", i ? ", " : "",
				  is_record(clang_getArgType(t, i)) ? "(uintptr_t)&" :
				  rw_type_is_pointer(clang_getArgType(t, i)) ? "(uintptr_t)" : "", i);
		sb_puts(b, " };\n\n");
	}
	if (is_udp_encap_rcv(p))
		/* a UDP tunnel's encap_rcv owns its packet in the receive
		 * softirq: handed over, the proxy answering 0, "consumed"
		 * (a blocking proxy's -EWOULDBLOCK made UDP resubmit the
		 * packet as protocol 11 without running it) */
		sb_printf(b, "\tif (dusk_udp_encap_rcv(%d, a, dusk_proxy_%s))\n\t\treturn 0;\n",
			  id, p->name);
	if (p->kind == DUSK_PROXY_ASYNC)
		sb_printf(b, "\tdusk_upcall_async(%d, %s, %d);\n}\n\n", id, n ? "a" : "NULL", n);
	else if (p->kind == RW_PROXY_ASYNC_IRQ)
		/* an input handler's .filter answers "not filtered", a serio
		 * driver's .interrupt that it handled the byte */
		sb_printf(b, "\tdusk_upcall_async_irq(%d, %s, %d);%s\n}\n\n", id, n ? "a" : "NULL", n,
			  is_void(clang_getResultType(t)) ? "" :
			  is_irqreturn(clang_getResultType(t)) ? "\n\treturn 1; /* IRQ_HANDLED */" :
			  "\n\treturn 0;");
	else if (is_protocol_handler(p))
		/* a protocol handler (kapi_proxy_kind()): its packet's route
		 * is held by RCU alone in the receive path, and the program
		 * reads it later; the answer is 0 also when the kmod freed the
		 * packet, since IPv4 resubmits a packet on a negative answer
		 * and IPv6 on a positive one */
		sb_printf(b, "\tskb_dst_force(a0);\n\tdusk_upcall_skb_handover(%d, a, 1, 0);\n"
			  "\treturn 0;\n}\n\n", id);
	else if (p->kind == RW_PROXY_ASYNC_SKB)
		sb_printf(b, "\treturn dusk_upcall_skb_handover(%d, a, %d, %#x);\n}\n\n", id, n,
			  netdev_args(t));
	else if (p->kind == RW_PROXY_SYNC_XT_MATCH)
		sb_printf(b, "\treturn dusk_sync_xt_match(%d, a0, a1);\n}\n\n", id);
	else if (p->kind == RW_PROXY_SYNC_XT_TARGET)
		sb_printf(b, "\treturn dusk_sync_xt_target(%d, a0, a1);\n}\n\n", id);
	else if (p->kind == RW_PROXY_SYNC_HRTIMER)
		sb_printf(b, "\treturn (%s)dusk_sync_hrtimer(%d, a0);\n}\n\n", ret, id);
	else if (p->kind == RW_PROXY_SYNC_ALARM)
		sb_printf(b, "\treturn (%s)dusk_sync_alarm(%d, a0, a1);\n}\n\n", ret, id);
	else if (p->kind == RW_PROXY_SYNC_KPROBE && n == 2)
		sb_printf(b, "\treturn dusk_sync_kprobe(%d, a0, a1, 0, 2);\n}\n\n", id);
	else if (p->kind == RW_PROXY_SYNC_KPROBE)
		sb_printf(b, "\tdusk_sync_kprobe(%d, a0, a1, a2, 3);\n}\n\n", id);
	else if (p->kind == RW_PROXY_SYNC_KRETPROBE)
		sb_printf(b, "\treturn dusk_sync_kretprobe(%d, a0, a1);\n}\n\n", id);
	else if (is_void(clang_getResultType(t)) && takes_skb(t))
		/* a packet is freed or reused when the callback returns (an
		 * sk_buff destructor): never run late */
		sb_printf(b, "\tdusk_upcall_blocking(%d, a, %d);\n}\n\n", id, n);
	else if (is_void(clang_getResultType(t))) {
		/* nothing to answer: run late where it cannot wait */
		int len, buf = kapi_proxy_data_buffer(t, &len);
		int sock = n && kapi_pointee_is(clang_getArgType(t, 0), "struct sock");

		sb_printf(b, "\tdusk_upcall_void(%d, %s, %d, %d, %d, %s);\n}\n\n", id,
			  n ? "a" : "NULL", n, buf, len,
			  sock ? "DUSK_VOID_HOLD_SOCK" : "DUSK_VOID_HOLD_NONE");
	}
	else if (is_notifier_call(t))
		sb_printf(b, "\treturn dusk_notifier_call(%d, a, %d);\n}\n\n", id, n);
	else if (clang_getCanonicalType(clang_getResultType(t)).kind == CXType_Enum)
		/* no errno is an enumerator (dusk_enum_answer()) */
		sb_printf(b, "\treturn (%s)dusk_enum_answer(dusk_upcall_blocking(%d, %s, %d));\n}\n\n",
			  ret, id, n ? "a" : "NULL", n);
	else
		sb_printf(b, "\treturn (%s)%sdusk_upcall_blocking(%d, %s, %d);\n}\n\n", ret,
			  rw_type_is_pointer(clang_getResultType(t)) ? "(uintptr_t)" : "", id,
			  n ? "a" : "NULL", n);
	free(ret);
}

/*
 * The ranges a blocking callback may write while it runs (dusk-gen.h's
 * dusk_proxy_desc.lent), one per argument, decided from the signature by
 * kapi_proxy_lent().  Emitted only when something is lent; sets p->lent.
 * Netfilter proxies lend the packet by themselves, async ones nothing.
 */
static void emit_lent(struct sb *b, struct rw_proxy *p)
{
	CXType t = clang_getCursorType(p->fn);
	int i, n = clang_getNumArgTypes(t);
	struct sb row = { 0 };

	p->lent = 0;
	if (p->kind != DUSK_PROXY_BLOCKING)
		return;
	for (i = 0; i < n; i++) {
		char *e = kapi_proxy_lent(t, i);

		sb_printf(&row, "%s%s", i ? ", " : "", e ? e : "0");
		p->lent |= e != NULL;
		free(e);
	}
	if (p->lent)
		sb_printf(b, "static const u32 dusk_lent_%s[] = { %s };\n\n", p->name, xsb_str(&row));
	sb_free(&row);
}

static int stub_by_callee(const struct rw *rw, const char *name)
{
	size_t i;

	for (i = 0; i < rw->nstubs; i++)
		if (!rw->stubs[i].variadic && !strcmp(rw->stubs[i].callee, name))
			return (int)i;
	return -1;
}

/* Stub flags by name (dusk/abi.h's DUSK_STUB_*), "0" for none: the
 * generated kmod never holds a bare number for a shared constant. */
void emit_stub_flags(struct sb *b, unsigned flags)
{
#define FLAG(f) { DUSK_STUB_##f, "DUSK_STUB_" #f }
	static const struct { unsigned bit; const char *name; } names[] = {
		FLAG(PRINTK), FLAG(INDIRECT), FLAG(ALLOC), FLAG(FREE),
		FLAG(RET_PTR), FLAG(FREE_ARG1), FLAG(FREE_RCU), FLAG(SKB),
		FLAG(FREE_LAST),
	};
#undef FLAG
	size_t i;
	int any = 0;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (flags & names[i].bit) {
			sb_printf(b, "%s%s", any ? " | " : "", names[i].name);
			flags &= ~names[i].bit;
			any = 1;
		}
	}
	if (flags & DUSK_STUB_VA) {
		sb_printf(b, "%sDUSK_STUB_VA_AT(%u)", any ? " | " : "", DUSK_STUB_VA_INDEX(flags));
		flags &= ~DUSK_STUB_VA_AT(DUSK_STUB_VA_INDEX(flags));
		any = 1;
	}
	assert(!flags);		/* a flag dusk/abi.h does not name */
	if (!any)
		sb_puts(b, "0");
}

/* The kmod's DUSK_PROXY_* of a proxy kind (every sync strategy is
 * DUSK_PROXY_SYNC there). */
static const char *proxy_kind_name(int kind)
{
	switch (kind) {
	case DUSK_PROXY_NF_HOOK:	return "DUSK_PROXY_NF_HOOK";
	case DUSK_PROXY_BLOCKING:	return "DUSK_PROXY_BLOCKING";
	case DUSK_PROXY_ASYNC:
	case RW_PROXY_ASYNC_SKB:
	case RW_PROXY_ASYNC_IRQ:	return "DUSK_PROXY_ASYNC";
	case RW_PROXY_SYNC_XT_MATCH:
	case RW_PROXY_SYNC_HRTIMER:
	case RW_PROXY_SYNC_ALARM:
	case RW_PROXY_SYNC_KPROBE:
	case RW_PROXY_SYNC_KRETPROBE:
	case RW_PROXY_SYNC_XT_TARGET:	return "DUSK_PROXY_SYNC";
	}
	assert(0);
	return "?";
}

/* One element of dusk_undo_desc.from[] by name. */
static void put_undo_from(struct sb *b, unsigned from)
{
	if (from == DUSK_UNDO_RET)
		sb_puts(b, "DUSK_UNDO_RET");
	else if (from & DUSK_UNDO_ARG_OR_RET_BIT)
		sb_printf(b, "DUSK_UNDO_ARG_OR_RET(%u)", from & ~DUSK_UNDO_ARG_OR_RET_BIT);
	else if (from & DUSK_UNDO_DEREF_U32_BIT)
		sb_printf(b, "DUSK_UNDO_DEREF_U32(%u)", from & ~DUSK_UNDO_DEREF_U32_BIT);
	else
		sb_printf(b, "%u", from);
}

/*
 * The undo table's rows for one register/unregister pair: only when the
 * module itself calls both (the core forgets the record when it sees the
 * module's own unregister call).  A variadic register function
 * (device_create) has one stub per argument list: a row for each, since the
 * arguments the unregister needs are fixed ones.  Returns the rows printed.
 */
static size_t emit_undo_pair(const struct rw *rw, struct sb *b, const struct kapi_undo *u)
{
	int unreg = stub_by_callee(rw, u->unreg), j;
	size_t reg, n = 0;

	if (unreg < 0)
		return 0;
	for (reg = 0; reg < rw->nstubs; reg++) {
		if (strcmp(rw->stubs[reg].callee, u->reg))
			continue;
		sb_printf(b, "\t{ %zu, %d, %d, {", reg, unreg, u->nargs);
		for (j = 0; j < u->nargs; j++) {
			sb_puts(b, j ? ", " : " ");
			put_undo_from(b, u->from[j]);
		}
		sb_puts(b, " } },\n");
		n++;
	}
	return n;
}

struct own_decls {
	struct rw *rw;
	struct sb *b;
};

/* Is @name a symbol or a stub callee of the kmod? */
static int kmod_names(const struct rw *rw, const char *name)
{
	size_t i;

	if (rw_sym_find(rw, name) >= 0)
		return 1;
	for (i = 0; i < rw->nstubs; i++)
		if (!strcmp(rw->stubs[i].callee, name))
			return 1;
	return 0;
}

/* A kernel variable or function the module declares in its own file
 * (`extern struct list_head efi_embedded_fw_list;`): the kmod declares it
 * the same way, from the module's tokens. */
static enum CXChildVisitResult own_decl(CXCursor c, CXCursor parent, CXClientData d)
{
	struct own_decls *o = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	CXToken *toks = NULL;
	unsigned ntoks = 0, i;
	char *name;

	(void)parent;
	if ((k != CXCursor_VarDecl && k != CXCursor_FunctionDecl) ||
	    clang_isCursorDefinition(c) || !rw_in_main_file(o->rw, c))
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	if (kmod_names(o->rw, name)) {
		clang_tokenize(o->rw->unit->tu, clang_getCursorExtent(c), &toks, &ntoks);
		sb_puts(o->b, "/* declared by the module itself */\n");
		for (i = 0; i < ntoks; i++) {
			char *t = cxs_take(clang_getTokenSpelling(o->rw->unit->tu, toks[i]));

			sb_printf(o->b, "%s%s", i ? " " : "", t);
			free(t);
		}
		sb_puts(o->b, ";\n\n");
		clang_disposeTokens(o->rw->unit->tu, toks, ntoks);
	}
	free(name);
	return CXChildVisit_Continue;
}

/* Add @ns to the NULL-terminated list @seen unless it is there; 1 if new. */
static int first_ns(const char ***seen, size_t *n, const char *ns)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp((*seen)[i], ns))
			return 0;
	*seen = xrealloc(*seen, (*n + 1) * sizeof(**seen));
	(*seen)[(*n)++] = ns;
	return 1;
}

/* The namespaces of the kernel symbols the kmod uses (Module.symvers):
 * modpost refuses a module that uses one without importing it, as the
 * module's own MODULE_IMPORT_NS() does for its native build. */
static void emit_import_ns(struct rw *rw, struct sb *b)
{
	const char **seen = NULL, *ns;
	size_t i, n = 0;

	for (i = 0; i < rw->nstubs; i++)
		if (rw->stubs[i].callee[0] && !rw->stubs[i].unexported &&
		    rw_symvers_exported(rw->stubs[i].callee, &ns) && ns[0] &&
		    first_ns(&seen, &n, ns))
			sb_printf(b, "MODULE_IMPORT_NS(%s);\n", ns);
	for (i = 0; i < rw->nsyms; i++)
		if (rw_symvers_exported(rw->syms[i].name, &ns) && ns[0] && first_ns(&seen, &n, ns))
			sb_printf(b, "MODULE_IMPORT_NS(%s);\n", ns);
	if (n)
		sb_puts(b, "\n");
	free(seen);
}

static void emit_gen(struct rw *rw, struct sb *b, const char *layout_checks)
{
	size_t i, nundo, nu = 0;
	const struct kapi_undo *undo = kapi_undo_table(&nundo);
	const char *m = rw->modname;

	sb_printf(b, "// SPDX-License-Identifier: GPL-2.0\n"
		  "/* Generated by dusk-rewrite from %s: do not edit.\n"
		  " * The generated part of dusk_%s.ko (dusk-gen.h): one typed stub per\n"
		  " * kernel call, the kernel symbols the module uses, one proxy per module\n"
		  " * callback, the undo table and the layout assertions. */\n", rw->src, m);
	for (i = 0; i < rw->nincludes; i++) {
		if (rw->create_tp_at == i + 1)
			sb_puts(b, "#define CREATE_TRACE_POINTS\n");
		sb_printf(b, "#include %s\n", rw->includes[i]);
	}
	/* the module's trace events are defined in the kmod: the kernel
	 * registers them with it, and the program's trace_NAME() reaches
	 * their tracepoints and static calls as kernel symbols */
	if (rw->create_tp_at)
		sb_puts(b, "#undef CREATE_TRACE_POINTS\n");
	sb_puts(b, "#include <linux/build_bug.h>\n#include <linux/kernel.h>\n");
	for (i = 0; i < rw->nproxies; i++)
		if (is_protocol_handler(&rw->proxies[i])) {
			sb_puts(b, "#include <net/dst.h>\n");	/* skb_dst_force() */
			break;
		}
	sb_puts(b, "#include <dusk/protocol.h>\n#include \"dusk-gen.h\"\n\n");
	{
		struct own_decls o = { rw, b };

		clang_visitChildren(clang_getTranslationUnitCursor(rw->unit->tu), own_decl, &o);
	}
	emit_import_ns(rw, b);
	for (i = 0; i < rw->nstubs; i++)
		emit_stub(rw, b, (int)i);
	for (i = 0; i < rw->nproxies; i++)
		emit_proxy(b, &rw->proxies[i], (int)i);

	sb_printf(b, "static const struct dusk_stub_desc dusk_stubs[] = {\n");
	for (i = 0; i < rw->nstubs; i++) {
		sb_printf(b, "\t{ \"%s\", dusk_stub_%zu, %d, ", rw->stubs[i].name, i,
			  rw->stubs[i].flags & DUSK_STUB_VA ? DUSK_MAX_ARGS :
			  rw_stub_words(&rw->stubs[i]));
		emit_stub_flags(b, rw->stubs[i].flags);
		sb_puts(b, " },\n");
	}
	sb_puts(b, "\t{ NULL },\n};\n\n");
	sb_printf(b, "static const struct dusk_sym_desc dusk_syms[] = {\n");
	for (i = 0; i < rw->nsyms; i++)
		if (rw->syms[i].unexported)	/* the program stops if it uses it */
			sb_printf(b, "\t{ \"%s\", NULL },\t/* not exported to modules */\n",
				  rw->syms[i].name);
		else
			sb_printf(b, "\t{ \"%s\", %s%s },\n", rw->syms[i].name,
				  rw->syms[i].is_fn ? "(const void *)" : "(const void *)&",
				  rw->syms[i].name);
	sb_puts(b, "\t{ NULL },\n};\n\n");
	for (i = 0; i < rw->nproxies; i++)
		emit_lent(b, &rw->proxies[i]);
	sb_printf(b, "static const struct dusk_proxy_desc dusk_proxies[] = {\n");
	for (i = 0; i < rw->nproxies; i++)
		sb_printf(b, "\t{ \"%s\", dusk_proxy_%s, %s, %d, %s%s },\n", rw->proxies[i].name,
			  rw->proxies[i].name, proxy_kind_name(rw->proxies[i].kind),
			  clang_getNumArgTypes(clang_getCursorType(rw->proxies[i].fn)),
			  rw->proxies[i].lent ? "dusk_lent_" : "NULL",
			  rw->proxies[i].lent ? rw->proxies[i].name : "");
	sb_puts(b, "\t{ NULL },\n};\n\n");
	sb_printf(b, "static const struct dusk_undo_desc dusk_undo[] = {\n");
	for (i = 0; i < nundo; i++)
		nu += emit_undo_pair(rw, b, &undo[i]);
	sb_puts(b, "\t{ 0 },\n};\n\n");
	sb_printf(b, "/* The user build asserts the same facts with _Static_assert. */\n"
		  "static void __maybe_unused dusk_layout_checks(void)\n{\n%s}\n\n", layout_checks);
	sb_printf(b, "const struct dusk_gen dusk_gen = {\n"
		  "\t.modname = \"%s\",\n"
		  "\t.layout_hash = 0x%016llxULL,\n"
		  "\t.stub_hash = 0x%016llxULL,\n"
		  "\t.stubs = dusk_stubs,\n\t.nstubs = %zu,\n"
		  "\t.syms = dusk_syms,\n\t.nsyms = %zu,\n"
		  "\t.proxies = dusk_proxies,\n\t.nproxies = %zu,\n"
		  "\t.undo = dusk_undo,\n\t.nundo = %zu,\n"
		  "};\n", m, (unsigned long long)rw->layout_hash,
		  (unsigned long long)rw->stub_hash, rw->nstubs, rw->nsyms, rw->nproxies, nu);
}

/* Copy file @from to @to. */
static int copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out;
	char buf[8192];
	size_t n;
	int r = 0;

	if (!in)
		return -errno;
	out = fopen(to, "wb");
	if (!out) {
		r = -errno;
		fclose(in);
		return r;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			r = -EIO;
	if (ferror(in))
		r = -EIO;
	fclose(in);
	if (fclose(out) != 0 && !r)
		r = -errno;
	return r;
}

/* Copy the source files (*.c, *.h, Kbuild*) of tree @from into @to. */
static int copy_tree(const char *from, const char *to)
{
	DIR *d = opendir(from);
	struct dirent *de;
	int r = 0;

	if (!d)
		return -errno;
	if (mkdir(to, 0755) != 0 && errno != EEXIST) {
		closedir(d);
		return -errno;
	}
	while (!r && (de = readdir(d))) {
		char *f, *t;
		struct stat st;
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.')
			continue;
		f = xasprintf("%s/%s", from, de->d_name);
		t = xasprintf("%s/%s", to, de->d_name);
		if (stat(f, &st) == 0 && S_ISDIR(st.st_mode))
			r = copy_tree(f, t);
		else if ((len > 2 && (!strcmp(de->d_name + len - 2, ".c") ||
				      !strcmp(de->d_name + len - 2, ".h"))) ||
			 !strncmp(de->d_name, "Kbuild", 6) || !strcmp(de->d_name, "Makefile"))
			r = copy_file(f, t);
		free(f);
		free(t);
	}
	closedir(d);
	return r;
}

struct own_headers {
	struct rw *rw;
	char *srcdir;		/* realpath of the module source's folder, "/" added */
	const char *to;		/* kmod/modsrc */
	int n, err;
};

/* mkdir -p for the folders of @path (not @path itself). */
static int make_parents(const char *path)
{
	char *p = xstrdup(path), *s;
	int r = 0;

	for (s = strchr(p + 1, '/'); s && !r; s = strchr(s + 1, '/')) {
		*s = 0;
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			r = -errno;
		*s = '/';
	}
	free(p);
	return r;
}

/* One file the unit includes: copied when it is the module's own (inside
 * the source's folder, outside the kernel tree). */
static void own_header(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData d)
{
	struct own_headers *o = d;
	char *name, *real, *to;
	size_t n = strlen(o->srcdir);

	(void)stack;
	if (!depth || o->err)
		return;		/* the main file */
	name = cxs_take(clang_getFileName(f));
	real = realpath(name, NULL);
	free(name);
	if (!real || strncmp(real, o->srcdir, n) ||
	    (o->rw->kdir_real && !strncmp(real, o->rw->kdir_real, strlen(o->rw->kdir_real)))) {
		free(real);
		return;
	}
	to = xasprintf("%s/%s", o->to, real + n);
	o->err = make_parents(to);
	if (!o->err && access(to, F_OK) != 0) {
		o->err = copy_file(real, to);
		o->n++;
	}
	free(to);
	free(real);
}

/* Copy the headers of the module's own folder that the unit includes
 * (`#include "xt_foo.h"`, and what they include) into @kdir/modsrc/, keeping
 * their paths: the kmod includes what the module includes.  Sets *@n. */
static int copy_own_headers(struct rw *rw, const char *kdir, int *n)
{
	struct own_headers o = { .rw = rw };
	char *src = realpath(rw->src, NULL), *slash;

	*n = 0;
	if (!src)
		return -errno;
	slash = strrchr(src, '/');
	slash[1] = 0;
	o.srcdir = src;
	o.to = xasprintf("%s/modsrc", kdir);
	clang_getInclusions(rw->unit->tu, own_header, &o);
	*n = o.n;
	free(src);
	free((char *)o.to);
	return o.err;
}

int emit_kmod(struct rw *rw, const char *dir)
{
	int nown = 0;

	struct sb gen = { 0 }, kbuild = { 0 };
	char *kdir = xasprintf("%s/kmod", dir), *path = NULL, *checks = NULL;
	size_t clen = 0;
	FILE *mem;
	int r;

	if (mkdir(kdir, 0755) != 0) {
		r = -errno;
		goto out;
	}
	mem = open_memstream(&checks, &clen);
	r = tg_emit_build_bug_ons(rw->tg, mem);
	fclose(mem);
	if (r < 0)
		goto out;
	emit_gen(rw, &gen, checks);
	r = copy_own_headers(rw, kdir, &nown);
	if (r < 0)
		goto out;

	path = xasprintf("%s/dusk_%s_gen.c", kdir, rw->modname);
	mem = fopen(path, "w");
	if (!mem || fputs(xsb_str(&gen), mem) == EOF || fclose(mem) != 0) {
		r = -errno;
		goto out;
	}
	free(path);

	sb_printf(&kbuild,
		  "# Generated by dusk-rewrite from %s: do not edit.\n"
		  "# dusk_%s.ko = the generated part + the dusk-kmod core (core/Kbuild.inc\n"
		  "# sets DUSK_CORE_OBJS).  Build: make -C $KDIR M=$PWD modules\n"
		  "-include $(src)/core/Kbuild.inc\n"
		  "obj-m := dusk_%s.o\n"
		  "dusk_%s-y := dusk_%s_gen.o $(DUSK_CORE_OBJS)\n"
		  "ccflags-y += -I$(src) -I$(src)/include\n"
		  "# a kernel function marked __attribute__((warning)) that the module\n"
		  "# calls (flush_scheduled_work) is the module's business, not the kmod's\n"
		  "ccflags-y += -Wno-attribute-warning\n",
		  rw->src, rw->modname, rw->modname, rw->modname, rw->modname);
	if (nown)
		sb_puts(&kbuild, "# the module's own headers, copied from its folder\n"
			"ccflags-y += -I$(src)/modsrc\n");
	path = xasprintf("%s/Kbuild", kdir);
	mem = fopen(path, "w");
	if (!mem || fputs(xsb_str(&kbuild), mem) == EOF || fclose(mem) != 0) {
		r = -errno;
		goto out;
	}
	free(path);

	/* self-contained: core, dusk-gen.h, dusk/protocol.h, abi.h, fnv.h, printf-ext.h */
	path = xasprintf("%s/core", rw->core_dir);
	if (access(path, F_OK) == 0) {
		char *to = xasprintf("%s/core", kdir);

		r = copy_tree(path, to);
		free(to);
		if (r < 0)
			goto out;
	}
	free(path);
	{
		char *from = xasprintf("%s/dusk-gen.h", rw->core_dir);
		char *to = xasprintf("%s/dusk-gen.h", kdir);

		r = copy_file(from, to);
		free(from);
		free(to);
		if (r < 0) {
			path = NULL;
			rw_diag_plain(rw, RW_ERROR, "%s/dusk-gen.h: %s (see --core)", rw->core_dir,
				      strerror(-r));
			goto out;
		}
	}
	path = xasprintf("%s/include", kdir);
	if (mkdir(path, 0755) != 0) {
		r = -errno;
		goto out;
	}
	free(path);
	path = xasprintf("%s/include/dusk", kdir);
	if (mkdir(path, 0755) != 0) {
		r = -errno;
		goto out;
	}
	free(path);
	{
		static const char *const hdrs[] = { "protocol.h", "abi.h", "fnv.h", "printf-ext.h" };
		size_t h;

		for (h = 0; r >= 0 && h < sizeof(hdrs) / sizeof(hdrs[0]); h++) {
			char *from = xasprintf("%s/dusk/%s", rw->inc_dir, hdrs[h]);
			char *to = xasprintf("%s/include/dusk/%s", kdir, hdrs[h]);

			r = copy_file(from, to);
			free(from);
			free(to);
		}
	}
	path = NULL;
out:
	if (r < 0 && !rw->nerrors)
		rw_diag_plain(rw, RW_ERROR, "writing %s: %s", kdir, strerror(-r));
	free(path);
	free(kdir);
	free(checks);
	sb_free(&gen);
	sb_free(&kbuild);
	return r;
}
