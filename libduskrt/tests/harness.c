/* SPDX-License-Identifier: MIT */
/* Test helpers: see harness.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "harness.h"

struct dusk_sim *harness_sim(const struct dusk_module *m)
{
	struct dusk_sim *sim = dusk_sim_new();
	uint64_t addrs[64];
	unsigned int i;

	assert_non_null(sim);
	dusk_sim_set_hello(sim, DUSK_PROTO_VERSION, m->types ? m->types->hash : 0, m->stub_hash,
			   m->name);
	for (i = 0; i < m->nsyms && i < 64; i++)
		addrs[i] = 0xffffffff81000000ull + 8 * i;
	dusk_sim_set_syms(sim, addrs, m->nsyms);
	for (i = 0; i < m->nproxies && i < 64; i++)
		addrs[i] = 0xffffffffc0000000ull + 16 * i;
	dusk_sim_set_proxies(sim, addrs, m->nproxies);
	return sim;
}

void harness_open(struct dusk_sim *sim, const struct dusk_module *m, unsigned int workers)
{
	int err = dusk_session_open(m, dusk_sim_transport(sim), workers);

	if (err)
		fail_msg("session did not open (%d): %s", err, harness_log_text());
	assert_int_equal(dusk_kbase, DUSK_SIM_KBASE);
}

void harness_close(struct dusk_sim *sim)
{
	dusk_session_close();
	dusk_sim_free(sim);
}

static char logbuf[64 * 1024];
static size_t loglen;
static pthread_mutex_t loglock = PTHREAD_MUTEX_INITIALIZER;

static void capture(int level, const char *msg, void *arg)
{
	(void)arg;
	pthread_mutex_lock(&loglock);
	loglen += snprintf(logbuf + loglen, sizeof(logbuf) - loglen, "%d|%s\n", level, msg);
	if (loglen >= sizeof(logbuf))
		loglen = sizeof(logbuf) - 1;
	pthread_mutex_unlock(&loglock);
}

void harness_log_capture(void)
{
	pthread_mutex_lock(&loglock);
	loglen = 0;
	logbuf[0] = '\0';
	pthread_mutex_unlock(&loglock);
	dusk_set_log(capture, NULL);
}

int harness_log_has(int level, const char *needle)
{
	char *line, *save = NULL, *copy;
	int found = 0;

	pthread_mutex_lock(&loglock);
	copy = strdup(logbuf);
	pthread_mutex_unlock(&loglock);
	for (line = strtok_r(copy, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
		char *bar = strchr(line, '|');

		if (!bar)
			continue;
		if ((level < 0 || atoi(line) == level) && strstr(bar + 1, needle))
			found = 1;
	}
	free(copy);
	return found;
}

const char *harness_log_text(void)
{
	return logbuf;
}

static int child_fd = -1;

static void to_pipe(int level, const char *msg, void *arg)
{
	char line[2048];
	int n;

	(void)arg;
	n = snprintf(line, sizeof(line), "%d|%s\n", level, msg);
	if (write(child_fd, line, n > (int)sizeof(line) ? (int)sizeof(line) : n) < 0)
		_exit(99);
}

int harness_fork(void (*fn)(void *), void *arg, char *log, size_t cap)
{
	int fd[2], status = 0;
	size_t n = 0;
	ssize_t r;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		child_fd = fd[1];
		dusk_set_log(to_pipe, NULL);
		fn(arg);
		_exit(0);
	}
	close(fd[1]);
	while (n < cap - 1 && (r = read(fd[0], log + n, cap - 1 - n)) > 0)
		n += r;
	log[n] = '\0';
	close(fd[0]);
	waitpid(pid, &status, 0);
	return status;
}
