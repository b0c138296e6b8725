/* SPDX-License-Identifier: MIT */
/*
 * The end of an epoch: everything the program wrote to kernel memory since
 * the epoch began (dirty shadow bytes) and every own object it committed
 * (mirror refreshes) must reach the kernel before the kernel runs again.
 * They ride as CHUNKs in the CALL or REPLY that ends the epoch; what does
 * not fit goes ahead in WRITE requests.  Then the thread's shadows are
 * invalidated.
 *
 * A pointer the program stored into kernel memory must reach the kernel in
 * the kernel's terms: an aligned 8-byte word of a dirty run whose new value
 * is a module function (with a proxy) or an address inside a module global
 * is sent as the proxy's address / the global's mirror.  Without this the
 * kernel would one day call or read a user address.  The test is by value:
 * a data word equal to such an address would be translated too, which no
 * real module data does.  The way back is rmap.c's: shadows show kernel
 * words in the program's names, so a word that held such a name before
 * the program changed it also goes whole (the kernel's bytes differ).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

void dusk_write_refused(const char *when, const struct dusk_answer *ans,
			const struct dusk_msg *req)
{
	const struct nlattr *a;
	const void *data;
	uint64_t addr = 0, ca;
	uint32_t len = 0, cl;
	char detail[512];
	size_t n = 0;
	unsigned int i = 0;

	n += snprintf(detail + n, sizeof(detail) - n, "%s; the kernel said: %s; chunks sent:",
		      when, ans->extack[0] ? ans->extack : "(no reason given)");
	/* The chunks of the refused request itself: an epoch's end, a
	 * WRITE of its overflow or a new mirror's first image. */
	mnl_attr_for_each(a, req->nlh, GENL_HDRLEN) {
		if (mnl_attr_get_type(a) != DUSK_A_CHUNK)
			continue;
		ca = 0;
		cl = 0;
		dusk_attr_chunk(a, &ca, &data, &cl);
		if (!i++) {
			addr = ca;
			len = cl;
		}
		if (i <= 4 && n < sizeof(detail) - 40)
			n += snprintf(detail + n, sizeof(detail) - n, " 0x%llx +%u",
				      (unsigned long long)ca, cl);
	}
	if (i > 4 && n < sizeof(detail) - 24)
		snprintf(detail + n, sizeof(detail) - n, " (%u in all)", i);
	/* The kmod names the CHUNK it refused (NLMSGERR_ATTR_OFFS); without
	 * that, the first chunk sent is the best guess. */
	if (ans->bad_off)
		dusk_msg_chunk_at(req->nlh, ans->bad_off, &addr, &len);
	dusk_fault("write refused by the kernel", addr, len, dusk_entry_pc, detail);
}

int dusk_write_send(struct dusk_msg *m, const char *when)
{
	struct dusk_answer ans;
	int err = dusk_request(m, &ans);

	if (err == -EACCES || err == -EFAULT)
		dusk_write_refused(when, &ans, m);
	dusk_answer_free(&ans);
	dusk_msg_fini(m);
	return err;
}

int dusk_write_put(struct dusk_msg *m, uint64_t addr, const void *data, uint32_t len,
		   const char *when)
{
	int err;

	if (m->buf && dusk_msg_room(m) < dusk_msg_chunk_size(len)) {
		err = dusk_write_send(m, when);
		if (err)
			return err;
	}
	if (!m->buf) {
		err = dusk_msg_new(m, DUSK_CMD_WRITE);
		if (err)
			return err;
	}
	return dusk_msg_put_chunk(m, addr, data, len);
}

struct fix {
	uint64_t addr;		/* an aligned word of the run */
	uint64_t val;		/* sent whole, as this */
};

/*
 * Which words of shadow run @w go to the kernel whole, and as what: a new
 * value the kernel knows by another name (dusk_commit_word()), or a word
 * whose old value was the program's name of a kernel value (rmap.c: the
 * kernel's bytes differ from the pristine ones, so sending only the bytes
 * that changed would mix the two).  Words not wholly inside the shadow's
 * valid range are left as they are.  Sets *fixes (malloc'd) and *n.
 */
static int find_fixes(struct dusk_thread *t, const struct dusk_write *w, struct fix **fixes,
		      size_t *n)
{
	uint64_t first = w->addr & ~7ull, last = (w->addr + w->len - 1) & ~7ull, a;
	size_t cap = 0;

	*fixes = NULL;
	*n = 0;
	for (a = first; a <= last; a += 8) {
		const uint64_t *sp = dusk_shadow_peek(t->shadow, a, 8);
		uint64_t now, was, k;
		int r;

		if (!sp)
			continue;
		memcpy(&now, sp, 8);
		memcpy(&was, dusk_shadow_pristine(sp), 8);
		r = dusk_commit_word(now, &k);
		if (r < 0)
			return r;
		if (r == 0 && !dusk_rmap_is_program_name(was))
			continue;
		if (r == 0)
			k = now;
		else
			dusk_trace("[dusk] pointer 0x%llx stored at 0x%llx sent as 0x%llx",
				   (unsigned long long)now, (unsigned long long)a,
				   (unsigned long long)k);
		if (*n == cap) {
			struct fix *v = realloc(*fixes, (cap = cap ? 2 * cap : 8) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			*fixes = v;
		}
		(*fixes)[(*n)++] = (struct fix){ a, k };
	}
	return 0;
}

/* Rewrite shadow run @w into a copy (kept in @bufs) where the words of
 * find_fixes() are whole and in the kernel's terms.  0 or -errno. */
static int fix_pointers(struct dusk_thread *t, struct dusk_write *w, struct dusk_wlist *bufs)
{
	uint64_t lo = w->addr, hi = w->addr + w->len;
	struct fix *fixes;
	unsigned char *copy = NULL;
	const unsigned char *src;
	size_t n, i;
	int err;

	err = find_fixes(t, w, &fixes, &n);
	if (err || !n)
		goto out;
	/* Only the first and last word can reach outside the run. */
	lo = fixes[0].addr < lo ? fixes[0].addr : lo;
	hi = fixes[n - 1].addr + 8 > hi ? fixes[n - 1].addr + 8 : hi;
	src = dusk_shadow_peek(t->shadow, lo, hi - lo);
	copy = src ? malloc(hi - lo) : NULL;
	err = -ENOMEM;
	if (!copy || dusk_wlist_add(bufs, 0, copy, 0)) {
		free(copy);
		goto out;
	}
	memcpy(copy, src, hi - lo);
	for (i = 0; i < n; i++)
		memcpy(copy + (fixes[i].addr - lo), &fixes[i].val, 8);
	*w = (struct dusk_write){ lo, copy, (uint32_t)(hi - lo) };
	err = 0;
out:
	free(fixes);
	return err;
}

int dusk_epoch_end(struct dusk_msg *final, size_t reserve)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_wlist wl = { 0 }, bufs = { 0 };
	struct dusk_msg ov = { 0 };
	size_t i, nshadow;
	int err;

	/* Shadow runs first: translating their pointers may commit globals,
	 * whose refreshes dusk_commit_pending() then adds. */
	err = dusk_shadow_collect(t->shadow, &wl);
	nshadow = wl.n;
	for (i = 0; !err && i < nshadow; i++) {
		struct dusk_write run = wl.v[i];

		err = fix_pointers(t, &wl.v[i], &bufs);
		dusk_shadow_settle(&run);
	}
	/* Kept globals the module changed (a debugfs value it counts in). */
	if (!err)
		err = dusk_commit_kept_changes();
	/* Held stack objects it changed (a request's IV set again). */
	if (!err)
		err = dusk_commit_held_changes();
	/* Objects of a call waiting for this callback (its read_raw()'s *val). */
	if (!err)
		err = dusk_commit_incall_changes();
	if (!err)
		err = dusk_commit_pending(&wl);
	for (i = 0; !err && i < wl.n; i++) {
		const struct dusk_write *w = &wl.v[i];
		uint32_t done = 0;

		while (!err && done < w->len) {
			uint32_t n = w->len - done;
			const char *d = (const char *)w->data + done;

			if (n > DUSK_MAX_CHUNK)
				n = DUSK_MAX_CHUNK;
			dusk_trace("[dusk] write 0x%llx +%u", (unsigned long long)(w->addr + done), n);
			if (dusk_msg_room(final) >= dusk_msg_chunk_size(n) + reserve) {
				err = dusk_msg_put_chunk(final, w->addr + done, d, n);
				done += n;
				continue;
			}
			err = dusk_write_put(&ov, w->addr + done, d, n, "in a WRITE ending an epoch");
			done += n;
		}
	}
	if (!err && ov.buf)
		err = dusk_write_send(&ov, "in a WRITE ending an epoch");
	if (ov.buf)
		dusk_msg_fini(&ov);
	for (i = 0; i < bufs.n; i++)
		free((void *)bufs.v[i].data);
	dusk_wlist_free(&bufs);
	dusk_wlist_free(&wl);
	dusk_shadow_invalidate(t->shadow);
	return err;
}

/* Send what module code left dirty outside any call: at the end of
 * init/exit, or for a call --fail keeps from the kernel (@when says). */
int dusk_epoch_flush(const char *when)
{
	struct dusk_msg m;
	int err = dusk_msg_new(&m, DUSK_CMD_WRITE);

	if (err)
		return err;
	err = dusk_epoch_end(&m, 0);
	if (!err && m.nlh->nlmsg_len > MNL_NLMSG_HDRLEN + GENL_HDRLEN) {
		err = dusk_write_send(&m, when);
		dusk_commit_landed();
		return err;
	}
	dusk_msg_fini(&m);
	return err;
}
