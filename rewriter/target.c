/* SPDX-License-Identifier: MIT */
/*
 * The kernel's data model against the program's.
 *
 * The rewrite parses the module for the kernel tree's target (a tree of
 * another architecture: --target=<triple>, kflags-arch.c), and the program
 * is compiled from the generated C for this machine.  The program then
 * reads and writes the target's kernel memory with its own types: that is
 * right only when both have the same pointer and long sizes, byte order and
 * alignment of 64-bit integers.  The per-type layout assertions of the
 * generated code catch a struct that differs; a byte order that differs
 * no assertion can see, and a pointer size that differs breaks every
 * address the wire carries.  The runtime does not translate, so such a
 * target is refused here, before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "walk.h"

struct data_model {
	long long ptr, lng, llalign, big;
};

/* Evaluated by the target's compiler: each array's size is one answer. */
static const char probe_src[] =
	"char dusk_dm_ptr[sizeof(void *)];\n"
	"char dusk_dm_lng[sizeof(long)];\n"
	"char dusk_dm_llalign[__alignof__(long long)];\n"
	"char dusk_dm_big[__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__ ? 2 : 1];\n";

static enum CXChildVisitResult read_probe(CXCursor c, CXCursor parent, CXClientData d)
{
	struct data_model *m = d;
	char *name;
	long long v;

	(void)parent;
	if (clang_getCursorKind(c) != CXCursor_VarDecl)
		return CXChildVisit_Continue;
	name = cxs_take(clang_getCursorSpelling(c));
	v = clang_getArraySize(clang_getCursorType(c));
	if (!strcmp(name, "dusk_dm_ptr"))
		m->ptr = v;
	else if (!strcmp(name, "dusk_dm_lng"))
		m->lng = v;
	else if (!strcmp(name, "dusk_dm_llalign"))
		m->llalign = v;
	else if (!strcmp(name, "dusk_dm_big"))
		m->big = v - 1;
	free(name);
	return CXChildVisit_Continue;
}

static void describe(char *buf, size_t len, const struct data_model *m)
{
	snprintf(buf, len, "%lld-bit pointers, %lld-byte long, %s-endian, 8-byte integers %lld-aligned",
		 m->ptr * 8, m->lng, m->big ? "big" : "little", m->llalign);
}

int rw_check_target(struct rw *rw, char **argv, int argc)
{
	static const char file[] = "dusk-target-probe.c";
	struct CXUnsavedFile u = { file, probe_src, sizeof(probe_src) - 1 };
	const struct data_model host = {
		sizeof(void *), sizeof(long), __alignof__(long long),
		__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__,
	};
	struct data_model tgt = { -1, -1, -1, -1 };
	char th[160], hh[160], *triple = NULL;
	CXTargetInfo ti;
	CXTranslationUnit tu;
	CXIndex idx = clang_createIndex(0, 0);
	const char **av = xrealloc(NULL, (argc + 1) * sizeof(*av));
	int i, n = 0;
	enum CXErrorCode ec;

	/* The target's flags without the headers they force in (kconfig.h,
	 * compiler_types.h): the data model is the target's, and the probe
	 * then costs milliseconds, not a parse of kernel headers. */
	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "-include") && i + 1 < argc)
			i++;
		else
			av[n++] = argv[i];
	}
	ec = clang_parseTranslationUnit2(idx, file, av, n, &u, 1, CXTranslationUnit_Incomplete, &tu);
	free(av);
	if (ec != CXError_Success) {
		clang_disposeIndex(idx);
		return 0;	/* rw_parse() reports what is wrong with the flags */
	}
	clang_visitChildren(clang_getTranslationUnitCursor(tu), read_probe, &tgt);
	ti = clang_getTranslationUnitTargetInfo(tu);
	if (ti) {
		triple = cxs_take(clang_TargetInfo_getTriple(ti));
		clang_TargetInfo_dispose(ti);
	}
	clang_disposeTranslationUnit(tu);
	clang_disposeIndex(idx);
	if (tgt.ptr < 0 || tgt.lng < 0 || tgt.llalign < 0 || tgt.big < 0 ||
	    !memcmp(&tgt, &host, sizeof(host))) {
		free(triple);
		return 0;
	}
	describe(th, sizeof(th), &tgt);
	describe(hh, sizeof(hh), &host);
	rw_diag_plain(rw, RW_ERROR,
		      "the kernel is built for %s (%s), the program would be built for this "
		      "machine (%s): it would read the kernel's data wrongly, and DUSK does not "
		      "translate between data models; run the program on a machine of the "
		      "target's data model (docs/remote.md)",
		      triple ? triple : "another target", th, hh);
	free(triple);
	return -EINVAL;
}
