/* SPDX-License-Identifier: MIT */
/*
 * dusk_main(): the generated program's main().  The one edge of the
 * library that writes to the terminal on its own (--help); everything else
 * goes through the log callback.  Exit status: 0 after an orderly stop,
 * 1 when the module could not start (bad parameter, kmod missing,
 * handshake mismatch, init failed).
 *
 * The kernel is this machine's (generic netlink), or, with DUSK_TARGET=
 * HOST:PORT and DUSK_KEY=FILE in the environment (dusk-run --target,
 * --key), another machine's through dusk-relay (docs/remote.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt-internal.h"

int dusk_remote;

static unsigned int worker_count(void)
{
	const char *env = getenv("DUSK_WORKERS");
	long n = env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 2)
		n = 2;
	if (n > 16)
		n = 16;
	return (unsigned int)n;
}

DUSK_API int dusk_main(const struct dusk_module *m, int argc, char **argv)
{
	struct dusk_transport *t;
	const char *target;
	int help, err, rc;

	target = getenv("DUSK_TARGET");
	dusk_remote = target && *target;
	err = dusk_params_parse(m, argc, argv, &help);
	if (err)
		return 1;
	if (dusk_kfail_setup(m, getenv("DUSK_FAIL")))
		return 1;
	if (help) {
		char *text = dusk_params_help(m, argc ? argv[0] : m->name);

		if (text)
			fputs(text, stdout);
		free(text);
		return 0;
	}
	dusk_fault_install();
	if (dusk_remote) {
		/* the kernel is another machine's, through dusk-relay */
		if (dusk_tcp_open(target, getenv("DUSK_KEY"), m, &t))
			return 1;
		goto open;
	}
	err = dusk_genl_open(m->name, &t);
	if (err == -ENOENT) {
		char family[DUSK_GENL_NAMSIZ];

		dusk_genl_family_name(family, m->name);
		dusk_log(DUSK_LOG_ERROR, "dusk: generic netlink family %s not found: "
			 "load dusk_%s.ko first", family, m->name);
		return 1;
	}
	if (err) {
		dusk_log(DUSK_LOG_ERROR, "dusk: cannot open generic netlink: %s", strerror(-err));
		return 1;
	}
open:
	if (dusk_session_open(m, t, worker_count()))
		return 1;
	/* as load_module() does, before init: mod_sysfs_setup() */
	dusk_params_publish(m);
	rc = dusk_session_run();
	dusk_kfail_report();
	dusk_session_close();
	return rc;
}
