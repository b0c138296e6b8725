/* SPDX-License-Identifier: MIT */
/*
 * The end of an epoch: everything the program wrote to kernel memory since
 * the epoch began (dirty shadow bytes) and every own object it committed
 * (mirror refreshes) must reach the kernel before the kernel runs again.
 * They ride as CHUNKs in the CALL or REPLY that ends the epoch; what does
 * not fit goes ahead in WRITE requests.  Then the thread's shadows are
 * invalidated.
 */
#include <errno.h>
#include <stdlib.h>

#include "rt-internal.h"

int dusk_wlist_add(struct dusk_wlist *w, uint64_t addr, const void *data, uint32_t len)
{
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 32;
		struct dusk_write *v = realloc(w->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		w->v = v;
		w->cap = cap;
	}
	w->v[w->n++] = (struct dusk_write){ addr, data, len };
	return 0;
}

void dusk_wlist_free(struct dusk_wlist *w)
{
	free(w->v);
	w->v = NULL;
	w->n = w->cap = 0;
}

void dusk_write_refused(const char *when, const char *extack)
{
	struct dusk_thread *t = dusk_thread();
	char detail[512];
	size_t n = 0;
	unsigned int i;

	n += snprintf(detail + n, sizeof(detail) - n, "%s; the kernel said: %s; chunks sent:",
		      when, extack && extack[0] ? extack : "(no reason given)");
	for (i = 0; i < t->nwr && i < 4 && n < sizeof(detail) - 40; i++)
		n += snprintf(detail + n, sizeof(detail) - n, " 0x%llx +%u",
			      (unsigned long long)t->wr[i].addr, t->wr[i].len);
	if (t->nwr > 4 && n < sizeof(detail) - 24)
		snprintf(detail + n, sizeof(detail) - n, " (%u in all)", t->nwr);
	dusk_fault("write refused by the kernel", t->nwr ? t->wr[0].addr : 0,
		   t->nwr ? t->wr[0].len : 0, dusk_entry_pc, detail);
}

/* Send a full overflow WRITE; a refusal is a fault of the module. */
static int send_overflow(struct dusk_msg *ov)
{
	struct dusk_answer ans;
	int err = dusk_request(ov, &ans);

	dusk_answer_free(&ans);
	dusk_msg_fini(ov);
	if (err == -EACCES || err == -EFAULT)
		dusk_write_refused("in a WRITE ending an epoch", ans.extack);
	return err;
}

int dusk_epoch_end(struct dusk_msg *final, size_t reserve)
{
	struct dusk_thread *t = dusk_thread();
	struct dusk_wlist wl = { 0 };
	struct dusk_msg ov = { 0 };
	size_t i;
	int err;

	err = dusk_commit_pending(&wl);
	if (!err)
		err = dusk_shadow_collect(t->shadow, &wl);
	t->nwr = 0;
	for (i = 0; !err && i < wl.n; i++) {
		const struct dusk_write *w = &wl.v[i];
		uint32_t done = 0;

		if (t->nwr < 4)
			t->wr[t->nwr] = (struct dusk_write){ w->addr, NULL, w->len };
		t->nwr++;
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
			if (ov.buf && dusk_msg_room(&ov) < dusk_msg_chunk_size(n)) {
				err = send_overflow(&ov);
				continue;
			}
			if (!ov.buf) {
				err = dusk_msg_new(&ov, DUSK_CMD_WRITE);
				continue;
			}
			err = dusk_msg_put_chunk(&ov, w->addr + done, d, n);
			done += n;
		}
	}
	if (!err && ov.buf)
		err = send_overflow(&ov);
	if (ov.buf)
		dusk_msg_fini(&ov);
	dusk_wlist_free(&wl);
	dusk_shadow_invalidate(t->shadow);
	return err;
}
