/* SPDX-License-Identifier: MIT */
/*
 * Flows in parallel: the ordered upcalls of one read, served on several
 * threads where the kernel would have run them at once.
 *
 * The packet thread serves ordered upcalls (packets through a hook, timers)
 * in the order the kernel raised them (conn.c, dispatch.c).  Two of them
 * must keep that order when the kernel would never have run them at the
 * same time, or when the order shows:
 *   - raised on one CPU: a CPU runs one softirq at a time, and a module's
 *     per-CPU data without atomics relies on it;
 *   - packets of one flow (the kmod's FLOW: both directions of a
 *     connection): a flow's packets leave in the order they came, or a TCP
 *     receiver sees holes and the module sees retransmissions;
 *   - an upcall without a flow (a timer, a tasklet) keeps its place among
 *     all the others, as before.
 * Those relations split the upcalls of one read into classes.  With more
 * than one class, each *lane* -- the packet thread and up to LANES_MAX - 1
 * lane threads -- takes whole classes and serves them in the read's order,
 * and the packet thread waits for every lane before it reads again, so the
 * order across reads stays the kernel's.  A read of one class (a lone
 * packet; one flow on one CPU) is served where it lies with no hand-off.
 * Each lane sends its REPLYs itself, in one datagram where they fit.
 *
 * Lane threads start the first time a read splits; their number is
 * DUSK_LANES - 1 (DUSK_LANES: lanes with the packet thread, 1 = none;
 * default the online CPUs, at most LANES_MAX).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt-internal.h"

#define LANES_MAX 8

struct lane {
	struct dusk_lanes *l;
	pthread_t thread;
	pthread_cond_t go;		/* work posted, or stopping */
	const struct nlmsghdr *v[DUSK_LANE_BATCH];
	unsigned int n;			/* posted, 0 once served */
	struct dusk_outq out;		/* its REPLYs */
};

struct dusk_lanes {
	struct dusk_conn *c;
	const struct dusk_upcall_ops *ops;	/* serve, key */
	pthread_mutex_t lock;		/* protects the lanes' n, pending, stopping */
	pthread_cond_t done;		/* pending reached 0 */
	unsigned int nlanes;		/* with the packet thread's (lane 0) */
	unsigned int started;		/* lane threads running: lane[1..started] */
	unsigned int pending;		/* lanes still serving the current read */
	int stopping;
	int failed;			/* a lane thread could not start: no more tries */
	struct lane lane[LANES_MAX];
};

static unsigned int lanes_wanted(void)
{
	const char *env = getenv("DUSK_LANES");
	long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		n = 1;
	if (n > LANES_MAX)
		n = LANES_MAX;
	return (unsigned int)n;
}

/* Must @a and @b run one after the other? */
static int related(const struct dusk_lane_key *a, const struct dusk_lane_key *b)
{
	return !a->flowed || !b->flowed || a->cpu == b->cpu || a->flow == b->flow;
}

static unsigned int find(uint8_t *parent, unsigned int i)
{
	while (parent[i] != i)
		i = parent[i] = parent[parent[i]];
	return i;
}

/*
 * Split @k[0..n) into classes of upcalls that must keep their order: each
 * upcall's class in @cls, numbered by first appearance, each class's
 * upcalls counted in @size.  Returns the number of classes.
 */
static unsigned int classes(const struct dusk_lane_key *k, unsigned int n, uint8_t *cls,
			    unsigned int *size)
{
	uint8_t parent[DUSK_LANE_BATCH], num[DUSK_LANE_BATCH];
	unsigned int i, j, m = 0;

	for (i = 0; i < n; i++)
		parent[i] = (uint8_t)i;
	for (i = 1; i < n; i++)
		for (j = 0; j < i; j++)
			if (related(&k[i], &k[j]))
				parent[find(parent, i)] = (uint8_t)find(parent, j);
	/* A root need not be its class's first member: number the roots. */
	memset(num, 0xff, n);
	for (i = 0; i < n; i++) {
		unsigned int r = find(parent, i);

		if (num[r] == 0xff) {
			num[r] = (uint8_t)m;
			size[m++] = 0;
		}
		cls[i] = num[r];
		size[cls[i]]++;
	}
	return m;
}

/*
 * Put @m classes of @size upcalls on @nlanes lanes: the largest first,
 * each onto the least loaded lane (ties: the lowest, so the packet
 * thread's lane 0 takes the largest).  Fills @lane_of[class]; returns the
 * lanes used.
 */
static unsigned int assign(const unsigned int *size, unsigned int m, unsigned int nlanes,
			   uint8_t *lane_of)
{
	uint8_t order[DUSK_LANE_BATCH];
	unsigned int load[LANES_MAX] = { 0 };
	unsigned int i, j, used = 0;

	for (i = 0; i < m; i++)
		order[i] = (uint8_t)i;
	for (i = 1; i < m; i++)
		for (j = i; j > 0 && size[order[j]] > size[order[j - 1]]; j--) {
			uint8_t t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (i = 0; i < m; i++) {
		unsigned int best = 0;

		for (j = 1; j < nlanes; j++)
			if (load[j] < load[best])
				best = j;
		lane_of[order[i]] = (uint8_t)best;
		used += !load[best];
		load[best] += size[order[i]];
	}
	return used;
}

unsigned int dusk_lanes_split(const struct dusk_lane_key *k, unsigned int n, unsigned int nlanes,
			      uint8_t *lane)
{
	uint8_t cls[DUSK_LANE_BATCH], lane_of[DUSK_LANE_BATCH];
	unsigned int size[DUSK_LANE_BATCH];
	unsigned int i, m, used;

	if (n > DUSK_LANE_BATCH || nlanes > LANES_MAX)
		return 0;
	memset(lane, 0, n);
	if (!n)
		return 0;
	if (nlanes < 2)
		return 1;
	for (i = 0; i < n; i++)
		if (!k[i].flowed)
			return 1;	/* in order with every other: one class */
	m = classes(k, n, cls, size);
	if (m < 2)
		return 1;
	used = assign(size, m, nlanes, lane_of);
	for (i = 0; i < n; i++)
		lane[i] = lane_of[cls[i]];
	return used;
}

static void *lane_main(void *arg)
{
	struct lane *ln = arg;
	struct dusk_lanes *l = ln->l;
	unsigned int i;

	dusk_outq_bind(&ln->out);
	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (!ln->n && !l->stopping)
			pthread_cond_wait(&ln->go, &l->lock);
		if (!ln->n)
			break;
		pthread_mutex_unlock(&l->lock);
		for (i = 0; i < ln->n; i++)
			l->ops->serve(ln->v[i], ln->v[i]->nlmsg_len);
		dusk_outq_flush(&ln->out);
		pthread_mutex_lock(&l->lock);
		ln->n = 0;
		if (--l->pending == 0)
			pthread_cond_signal(&l->done);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* Start lane threads up to lane[@want - 1].  Packet thread.  0 or -errno. */
static int lanes_start(struct dusk_lanes *l, unsigned int want)
{
	int err = 0;

	while (!err && l->started + 1 < want) {
		struct lane *ln = &l->lane[l->started + 1];

		ln->l = l;
		ln->n = 0;
		err = dusk_outq_init(&ln->out, l->c);
		if (err)
			break;
		pthread_cond_init(&ln->go, NULL);
		err = -pthread_create(&ln->thread, NULL, lane_main, ln);
		if (err) {
			pthread_cond_destroy(&ln->go);
			dusk_outq_fini(&ln->out);
			break;
		}
		l->started++;
	}
	if (err) {
		l->failed = 1;
		dusk_log(DUSK_LOG_WARN, "dusk: cannot start a thread to serve flows in parallel "
			 "(%s): packets are served one after the other", strerror(-err));
	}
	return err;
}

struct dusk_lanes *dusk_lanes_new(struct dusk_conn *c, const struct dusk_upcall_ops *ops)
{
	struct dusk_lanes *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->c = c;
	l->ops = ops;
	l->nlanes = lanes_wanted();
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->done, NULL);
	return l;
}

void dusk_lanes_free(struct dusk_lanes *l)
{
	unsigned int i;

	if (!l)
		return;
	pthread_mutex_lock(&l->lock);
	l->stopping = 1;
	for (i = 1; i <= l->started; i++)
		pthread_cond_signal(&l->lane[i].go);
	pthread_mutex_unlock(&l->lock);
	for (i = 1; i <= l->started; i++) {
		pthread_join(l->lane[i].thread, NULL);
		pthread_cond_destroy(&l->lane[i].go);
		dusk_outq_fini(&l->lane[i].out);
	}
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->done);
	free(l);
}

void dusk_lanes_forget_threads(struct dusk_lanes *l)
{
	unsigned int i;

	if (!l)
		return;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->done, NULL);
	for (i = 1; i <= l->started; i++)
		dusk_outq_fini(&l->lane[i].out);
	l->started = 0;
	l->pending = 0;
	l->nlanes = 1;	/* a fork()'s child serves no packets */
}

int dusk_lanes_serve(struct dusk_lanes *l, const struct nlmsghdr *const *v, unsigned int n)
{
	struct dusk_lane_key k[DUSK_LANE_BATCH];
	uint8_t lane[DUSK_LANE_BATCH];
	unsigned int i, used;

	if (!l || l->nlanes < 2 || l->failed || n < 2 || n > DUSK_LANE_BATCH)
		return 0;
	for (i = 0; i < n; i++)
		if (!l->ops->key(v[i], v[i]->nlmsg_len, &k[i]))
			return 0;	/* no flow: in order with all (checked early) */
	used = dusk_lanes_split(k, n, l->nlanes, lane);
	if (used < 2 || lanes_start(l, l->nlanes))
		return 0;
	pthread_mutex_lock(&l->lock);
	for (i = 0; i < n; i++) {
		struct lane *ln = &l->lane[lane[i]];

		if (lane[i])
			ln->v[ln->n++] = v[i];
	}
	l->pending = 0;
	for (i = 1; i < l->nlanes; i++) {
		if (l->lane[i].n) {
			l->pending++;
			pthread_cond_signal(&l->lane[i].go);
		}
	}
	pthread_mutex_unlock(&l->lock);
	for (i = 0; i < n; i++)
		if (!lane[i])
			l->ops->serve(v[i], v[i]->nlmsg_len);
	pthread_mutex_lock(&l->lock);
	while (l->pending)
		pthread_cond_wait(&l->done, &l->lock);
	pthread_mutex_unlock(&l->lock);
	return 1;
}
