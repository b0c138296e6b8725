/* SPDX-License-Identifier: MIT */
/*
 * A seq_file read's records in one upcall (DUSK_UPCALL_SEQFILL).
 *
 * The kmod's wrapper of seq_read_iter() (dusk-kmod/core/seqread.c) keeps
 * the kernel's bookkeeping and asks the program for what lies between
 * seq_read_iter()'s ->start and ->stop (fs/seq_file.c, 6.1): the module's
 * start/show/next/stop run here, one after the other, on the seq_file the
 * kernel lends, with the kernel's rules -- empty records and show's "skip"
 * (> 0) are dropped, a record that overflows the buffer ends the fill
 * (stop, then DUSK_SEQFILL_GROW: the kernel doubles the buffer and asks
 * again), at least one record is shown and then as many as fit what the
 * reader asked for, every record shown advances the iterator once, a
 * ->next that leaves the index alone gets it bumped (the kernel prints its
 * complaint), stop is always called.  Each callback runs as it would as
 * an upcall of its own: arguments the kernel would have handed back are
 * mapped to the program's names (rmap), faults name the callback.  What
 * show prints goes through kernel calls (seq_printf...) into the real
 * buffer; m->count and m->index are read back from the kernel when a call
 * has ended the epoch (the shadows are then stale), and written through
 * the shadow (the seq_file is lent).
 */
#include <errno.h>
#include <string.h>

#include "rt-internal.h"

/* seq_file's SEQ_START_TOKEN, single_start()'s first record. */
#define SEQ_START_TOKEN 1

struct seqfill {
	const struct dusk_proxy *start, *next, *stop, *show;	/* NULL: single_open's */
	uint64_t m, want, size, index, count;	/* kernel addresses and numbers */
	int buggy_next;
};

/* The u64 at kernel address @addr, through this epoch's shadow. */
static uint64_t kget(uint64_t addr)
{
	uint64_t v;

	memcpy(&v, dusk_check_kernel((uintptr_t)addr, sizeof(v)), sizeof(v));
	return v;
}

static void kset(uint64_t addr, uint64_t v)
{
	memcpy(dusk_check_kernel((uintptr_t)addr, sizeof(v)), &v, sizeof(v));
}

/* Run callback @p on @args, as an upcall of its own would. */
static uint64_t run(const struct dusk_proxy *p, uint64_t *args)
{
	uint64_t ret = p->tramp(args);

	dusk_entry_pc = (const char *)p->fn + 1;	/* faults name the callback */
	return ret;
}

/* Run start or next: the record it returns goes through the kernel to the
 * next callback, which gets the program's name for it, as dispatch gives
 * an argument. */
static uint64_t run_iter(const struct dusk_proxy *p, uint64_t *args)
{
	uint64_t v = dusk_rmap_word(run(p, args));

	dusk_kasan_kernel_gave(v);
	return v;
}

static uint64_t sf_start(struct seqfill *f)
{
	uint64_t a[2] = { f->m, f->index };

	if (!f->start)	/* single_start(): one record at 0 */
		return kget(f->index) ? 0 : SEQ_START_TOKEN;
	return run_iter(f->start, a);
}

static uint64_t sf_next(struct seqfill *f, uint64_t v)
{
	uint64_t a[3] = { f->m, v, f->index };

	if (!f->next) {	/* single_next() */
		kset(f->index, kget(f->index) + 1);
		return 0;
	}
	return run_iter(f->next, a);
}

static void sf_stop(struct seqfill *f, uint64_t v)
{
	uint64_t a[2] = { f->m, v };

	if (f->stop)	/* single_stop() does nothing */
		run(f->stop, a);
}

static int sf_show(struct seqfill *f, uint64_t v)
{
	uint64_t a[2] = { f->m, v };

	return (int)run(f->show, a);
}

static int is_err_or_null(uint64_t v)
{
	return !v || v >= (uint64_t)-4095;
}

/* seq_read_iter() from its ->start to its ->stop.  RET as DUSK_SEQFILL_*. */
static int64_t seqfill_run(struct seqfill *f)
{
	uint64_t p, offs;
	int64_t pos;
	int err;

	p = sf_start(f);
	for (;;) {
		if (is_err_or_null(p)) {	/* EOF or an error */
			err = p ? (int)(int64_t)p : 0;
			sf_stop(f, p);
			return err;
		}
		err = sf_show(f, p);
		if (err < 0) {		/* hard error */
			sf_stop(f, p);
			return err;
		}
		if (err)		/* show says "skip it" */
			kset(f->count, 0);
		if (!kget(f->count)) {	/* empty record */
			p = sf_next(f, p);
			continue;
		}
		if (kget(f->count) < f->size)	/* got it */
			break;
		sf_stop(f, p);		/* need a bigger buffer */
		return DUSK_SEQFILL_GROW;
	}
	/* one non-empty record is in the buffer: fit more in, advancing the
	 * iterator once for every record shown */
	for (;;) {
		offs = kget(f->count);
		pos = (int64_t)kget(f->index);
		p = sf_next(f, p);
		if ((int64_t)kget(f->index) == pos) {
			f->buggy_next = 1;
			kset(f->index, (uint64_t)pos + 1);
		}
		if (is_err_or_null(p))
			break;
		if (kget(f->count) >= f->want)
			break;
		err = sf_show(f, p);
		if (err > 0) {		/* skip it */
			kset(f->count, offs);
		} else if (err || kget(f->count) >= f->size) {
			kset(f->count, offs);
			break;
		}
	}
	sf_stop(f, p);
	return DUSK_SEQFILL_FILLED | (f->buggy_next ? DUSK_SEQFILL_BUGGY_NEXT : 0);
}

/* Proxy @i for a callback of @nargs arguments, or NULL for single_open()'s
 * own (@single); *ok cleared when @i is neither. */
static const struct dusk_proxy *seq_proxy(uint64_t i, unsigned int nargs, int single, int *ok)
{
	const struct dusk_module *mod = dusk_sess->m;

	if (single && i == DUSK_SEQFILL_SINGLE)
		return NULL;
	if (i >= mod->nproxies || mod->proxies[i].nargs != nargs || !mod->proxies[i].blocking) {
		*ok = 0;
		return NULL;
	}
	return &mod->proxies[i];
}

uint64_t dusk_serve_seqfill(const struct dusk_upcall *up, const char **fn)
{
	struct seqfill f = { 0 };
	int ok = up->nargs == DUSK_SEQFILL_NARGS;

	*fn = "(seq_file read)";
	if (ok) {
		f.start = seq_proxy(up->args[DUSK_SEQFILL_A_START], 2, 1, &ok);
		f.next = seq_proxy(up->args[DUSK_SEQFILL_A_NEXT], 3, 1, &ok);
		f.stop = seq_proxy(up->args[DUSK_SEQFILL_A_STOP], 2, 1, &ok);
		f.show = seq_proxy(up->args[DUSK_SEQFILL_A_SHOW], 2, 0, &ok);
		ok = ok && f.show;
	}
	if (!ok || up->args[DUSK_SEQFILL_A_SEQ] < dusk_sess->kbase ||
	    up->args[DUSK_SEQFILL_A_INDEX] < dusk_sess->kbase ||
	    up->args[DUSK_SEQFILL_A_COUNT] < dusk_sess->kbase || !up->args[DUSK_SEQFILL_A_SIZE]) {
		dusk_log(DUSK_LOG_ERROR, "dusk: upcall %llu: a seq_file read of callbacks not in "
			 "this program's table; is dusk_%s.ko stale?", (unsigned long long)up->ctx,
			 dusk_sess->m->name);
		return (uint64_t)-EINVAL;
	}
	*fn = f.show->name;
	f.m = up->args[DUSK_SEQFILL_A_SEQ];
	f.want = up->args[DUSK_SEQFILL_A_WANT];
	f.size = up->args[DUSK_SEQFILL_A_SIZE];
	f.index = up->args[DUSK_SEQFILL_A_INDEX];
	f.count = up->args[DUSK_SEQFILL_A_COUNT];
	dusk_kasan_kernel_gave(f.m);
	dusk_trace("[dusk] upcall #%llu seq_file read of %s (%llu bytes wanted)",
		   (unsigned long long)up->ctx, f.show->name, (unsigned long long)f.want);
	return (uint64_t)seqfill_run(&f);
}
