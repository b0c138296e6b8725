/* SPDX-License-Identifier: MIT */
/*
 * Ask libclang itself which arguments it rejects.
 *
 * An empty file is parsed with the candidate arguments; the driver's
 * complaints ("unknown argument: '-fconserve-stack'", "unsupported option
 * '-mrecord-mcount' for target ...", "optimization flag '-falign-jumps=1' is
 * not supported", "unknown warning option '-Wfoo=5'") name the argument in
 * quotes, and that argument is dropped.  This keeps kflags working for a
 * kernel whose Makefile grew a gcc flag the static list does not know.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <clang-c/Index.h>

#include "kflags-internal.h"

#define PROBE_FILE "/dusk-kflags-probe.c"
#define PROBE_ROUNDS 4

/* If @msg is a complaint about one argument, copy that argument to @arg. */
static int rejected_arg(const char *msg, char *arg, size_t arglen)
{
	static const char *const kinds[] = {
		"unknown argument", "unsupported option", "is not supported",
		"unknown warning option", "unsupported argument",
	};
	const char *b, *e;
	size_t i, n;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strstr(msg, kinds[i]))
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0]))
		return 0;
	b = strchr(msg, '\'');
	e = b ? strchr(b + 1, '\'') : NULL;
	if (!e)
		return 0;
	n = (size_t)(e - b - 1);
	if (n + 1 > arglen)
		return 0;
	memcpy(arg, b + 1, n);
	arg[n] = '\0';
	return 1;
}

/* One parse; drops what it complains about.  Returns how many were dropped,
 * or a negative errno. */
static int probe_once(CXIndex idx, struct args *a, char *err, size_t errlen)
{
	struct CXUnsavedFile file = { PROBE_FILE, "", 0 };
	CXTranslationUnit tu;
	enum CXErrorCode ec;
	CXDiagnostic d;
	CXString s;
	char arg[256];
	unsigned int i, n;
	int k, dropped = 0;

	ec = clang_parseTranslationUnit2(idx, PROBE_FILE,
					 (const char *const *)a->argv, a->argc,
					 &file, 1, CXTranslationUnit_Incomplete,
					 &tu);
	if (ec != CXError_Success) {
		kf_seterr(err, errlen, "libclang refused the kernel flags (error %d)",
			  (int)ec);
		return -EINVAL;
	}
	n = clang_getNumDiagnostics(tu);
	for (i = 0; i < n; i++) {
		d = clang_getDiagnostic(tu, i);
		s = clang_getDiagnosticSpelling(d);
		if (rejected_arg(clang_getCString(s), arg, sizeof(arg)) &&
		    (k = args_find(a, arg)) >= 0) {
			args_remove(a, k);
			dropped++;
		}
		clang_disposeString(s);
		clang_disposeDiagnostic(d);
	}
	clang_disposeTranslationUnit(tu);
	return dropped;
}

int kf_probe_drop_unknown(struct args *a, char *err, size_t errlen)
{
	CXIndex idx = clang_createIndex(0, 0);
	int round, ret = 0;

	if (!idx)
		return -ENOMEM;
	for (round = 0; round < PROBE_ROUNDS; round++) {
		ret = probe_once(idx, a, err, errlen);
		if (ret <= 0)
			break;
	}
	clang_disposeIndex(idx);
	return ret < 0 ? ret : 0;
}
