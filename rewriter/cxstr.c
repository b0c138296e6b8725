// SPDX-License-Identifier: GPL-2.0
/*
 * libclang's strings as the rewriter's: every CXString is taken (copied
 * and disposed of) where it is obtained, so none outlives its call.
 */
#include "walk.h"

char *cxs_take(CXString s)
{
	const char *c = clang_getCString(s);
	char *r = xstrdup(c ? c : "");

	clang_disposeString(s);
	return r;
}
