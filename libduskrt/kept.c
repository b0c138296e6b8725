/* SPDX-License-Identifier: MIT */
/*
 * Kernel functions that keep a module global: they take the address of
 * the module's own data and the kernel reads and writes it *on its own*
 * afterwards, outside any call of the module -- a debugfs value file
 * (`debugfs_create_u32("n", 0644, dir, &n)`: a shell's `echo 5 >` writes
 * n, `cat` reads it), a sysctl table whose `.data` points at the module's
 * ints (proc_dointvec and friends parse into them).
 *
 * In the user build the kernel holds the global's mirror and the module's
 * code uses the program's copy.  To keep one object with one value, the
 * mirrors committed for a call of one of these functions are *kept*
 * (mirror.c): the program reads them back when a callback starts and after
 * each kernel call that may have slept, and sends its own changes at every
 * epoch's end (commit.c), byte by byte, as for any mirror refresh.  Only
 * these functions make a mirror kept: reading every mirror at every
 * callback would cost each packet a round trip.
 *
 * The names are the kernel functions the generated stubs call (an inline
 * wrapper the module reaches calls one of them).
 */
#include <stdlib.h>
#include <string.h>

#include "rt-internal.h"

static const char *const kept_table[] = {
	/* fs/debugfs/file.c: the file's value is the variable */
	"debugfs_create_u8", "debugfs_create_u16", "debugfs_create_u32", "debugfs_create_u64",
	"debugfs_create_ulong", "debugfs_create_x8", "debugfs_create_x16", "debugfs_create_x32",
	"debugfs_create_x64", "debugfs_create_size_t", "debugfs_create_atomic_t",
	"debugfs_create_bool", "debugfs_create_str", "debugfs_create_blob",
	"debugfs_create_u32_array",
	/* kernel/sysctl.c, fs/proc/proc_sysctl.c: a table's .data, .extra1/2 */
	"register_sysctl", "register_sysctl_table", "register_sysctl_paths",
	"__register_sysctl_table", "__register_sysctl_paths", "__register_sysctl_base",
	"register_net_sysctl",
};

uint8_t *dusk_kept_table(const struct dusk_module *m)
{
	uint8_t *kept = calloc(m->nstubs + 1, 1);
	uint32_t i;

	for (i = 0; kept && i < m->nstubs; i++)
		kept[i] = m->stubs && m->stubs[i] && dusk_kept_by(m->stubs[i]);	/* a hand-made table may have no names */
	return kept;
}

int dusk_kept_by(const char *fn)
{
	size_t n = strcspn(fn, "#"), i;	/* a variadic stub's name ends in #N */

	for (i = 0; i < sizeof(kept_table) / sizeof(kept_table[0]); i++)
		if (strlen(kept_table[i]) == n && !strncmp(kept_table[i], fn, n))
			return 1;
	return 0;
}
