/* SPDX-License-Identifier: MIT */
/*
 * The write list: (kernel address, bytes, length) triples that an epoch's
 * end sends to the kmod as WRITE chunks, and the buffers that go with
 * them.  A growable array, nothing more; epoch.c fills and sends it.
 */
#include <errno.h>
#include <stdlib.h>

#include "rt-internal.h"

int dusk_wlist_add(struct dusk_wlist *w, uint64_t addr, const void *data, uint32_t len)
{
	return dusk_push(w->v, &w->cap, w->n, ((struct dusk_write){ addr, data, len }), 32);
}

void dusk_wlist_free(struct dusk_wlist *w)
{
	/* an epoch without writes has none: no call for it */
	if (w->v)
		free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}
