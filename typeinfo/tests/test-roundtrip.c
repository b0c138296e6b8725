/* SPDX-License-Identifier: MIT */
/*
 * The proof that layouts agree on both sides.  Real kernel types (sk_buff,
 * iphdr, tcphdr, nf_hook_ops, nf_hook_state, net_device, list_head,
 * file_operations, proc_ops, timer_list) are parsed with the pinned
 * kernel's own flags (kflags), then:
 *   - the declarations header and the table, _Static_assert()s included,
 *     compile with plain cc -Wall -Werror and no kernel headers, also after
 *     <dusk/runtime.h> (libc's stdint/stddef names);
 *   - a kernel module holding the BUILD_BUG_ON()s builds with Kbuild, and
 *     stops building when one of the numbers is off by one.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "kflags.h"
#include "tg-test.h"

#ifndef DUSK_INCLUDE
#error "DUSK_INCLUDE (the include/ folder) must be defined by the build"
#endif

static const char *const kernel_types[] = {
	"sk_buff", "iphdr", "tcphdr", "nf_hook_ops", "nf_hook_state",
	"net_device", "list_head", "file_operations", "proc_ops", "timer_list",
};

static const char includes[] =
	"#include <linux/module.h>\n"
	"#include <linux/skbuff.h>\n"
	"#include <linux/ip.h>\n"
	"#include <linux/tcp.h>\n"
	"#include <linux/netfilter.h>\n"
	"#include <linux/netfilter_ipv4.h>\n"
	"#include <linux/netdevice.h>\n"
	"#include <linux/list.h>\n"
	"#include <linux/fs.h>\n"
	"#include <linux/proc_fs.h>\n"
	"#include <linux/timer.h>\n"
	"#include <linux/build_bug.h>\n";

struct outputs {
	char *decls, *table, *bugs;
};

static const char *kdir(void)
{
	const char *k = getenv("DUSK_KDIR");

	return k && *k ? k : "/lib/modules/6.1.0-56-amd64/build";
}

static void generate(struct outputs *o)
{
	char path[4096], err[512] = "", cache[4096];
	struct tg_set *set = tg_set_new();
	struct args args;
	CXTranslationUnit tu;
	char name[64];
	size_t i;
	int32_t id;

	snprintf(path, sizeof(path), "%s", tgt_write(tgt_tmpdir(), "mymod.c", includes));
	snprintf(cache, sizeof(cache), "%s/cache", tgt_tmpdir());
	setenv("DUSK_CACHE_DIR", cache, 1);
	if (kf_kbuild_flags(kdir(), path, &args, err, sizeof(err)))
		fail_msg("kflags: %s", err);
	tu = tgt_parse_file(path, args.argv, args.argc);
	args_free(&args);
	for (i = 0; i < sizeof(kernel_types) / sizeof(kernel_types[0]); i++) {
		snprintf(name, sizeof(name), "struct %s", kernel_types[i]);
		id = tg_type_id(set, tgt_type(tu, name), 0);
		if (id < 0)
			fail_msg("tg_type_id(%s) = %d", name, id);
	}
	o->decls = tgt_decls(set);
	o->table = tgt_table(set, "mymod.decls.h", NULL);
	o->bugs = tgt_bugs(set);
	tg_set_free(set);
}

static int kbuild_check(const char *bugs, const char *log)
{
	char dir[4096], *text, *cmd;
	int st;

	snprintf(dir, sizeof(dir), "%s/kmod", tgt_tmpdir());
	mkdir(dir, 0755);
	assert_true(asprintf(&text, "%s\nstatic int __init chk_init(void)\n{\n%s"
			     "\treturn 0;\n}\nmodule_init(chk_init);\n"
			     "MODULE_LICENSE(\"GPL\");\n", includes, bugs) > 0);
	tgt_write(dir, "chk.c", text);
	tgt_write(dir, "Kbuild", "obj-m := chk.o\n");
	free(text);
	assert_true(asprintf(&cmd, "make -C %s M=%s modules && ! grep -q 'warning:' %s",
			     kdir(), dir, log) > 0);
	st = tgt_run(cmd, log);
	free(cmd);
	return st;
}

/* Is there a line starting (after blanks) with @start that contains @what? */
static int some_line_has(const char *text, const char *start, const char *what)
{
	const char *p = text, *eol;
	size_t n = strlen(what);

	while ((p = strstr(p, start))) {
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		for (const char *q = p; q + n <= eol; q++)
			if (!strncmp(q, what, n))
				return 1;
		p = eol;
	}
	return 0;
}

static void test_roundtrip(void **state)
{
	struct outputs o;
	char cmd[8192], log[4096];
	char *p, *tampered;

	(void)state;
	generate(&o);
	/* Some facts worth seeing in the table itself. */
	tgt_pos(o.table, "[0] = { \"struct sk_buff\"");
	assert_true(some_line_has(o.table, "{ \"hook\", ", ", 8, DUSK_FK_FNPTR, 0, "));
	assert_true(some_line_has(o.table, "{ \"dev\", 0, 8, ",
				  "DUSK_FK_PTR, DUSK_FF_AMBIGUOUS, "));	/* skb->dev */
	tgt_pos(o.table, "_Static_assert(offsetof(struct nf_hook_ops, priority) == ");

	tgt_write(tgt_tmpdir(), "mymod.decls.h", o.decls);
	tgt_write(tgt_tmpdir(), "mymod.types.c", o.table);
	tgt_write(tgt_tmpdir(), "user.c", "#include <dusk/runtime.h>\n"
		  "#include <stdbool.h>\n#include \"mymod.decls.h\"\n");
	snprintf(log, sizeof(log), "%s/cc.log", tgt_tmpdir());
	snprintf(cmd, sizeof(cmd), "cd %s && cc -Wall -Werror -std=gnu11 -I%s -c mymod.types.c "
		 "-o mymod.types.o && cc -Wall -Werror -std=gnu11 -I%s -fsyntax-only user.c",
		 tgt_tmpdir(), DUSK_INCLUDE, DUSK_INCLUDE);
	if (tgt_run(cmd, log))
		fail_msg("user build rejects the generated files; see %s", log);

	snprintf(log, sizeof(log), "%s/kbuild.log", tgt_tmpdir());
	if (kbuild_check(o.bugs, log))
		fail_msg("kernel build rejects the BUILD_BUG_ONs; see %s", log);

	/* Off by one: the kernel's compiler must notice. */
	tampered = strdup(o.bugs);
	p = strstr(tampered, "BUILD_BUG_ON(sizeof(struct sk_buff) != ");
	assert_non_null(p);
	p += strlen("BUILD_BUG_ON(sizeof(struct sk_buff) != ");
	assert_true(*p >= '0' && *p <= '8');
	(*p)++;
	assert_int_not_equal(kbuild_check(tampered, log), 0);
	free(tampered);
	free(o.decls);
	free(o.table);
	free(o.bugs);
}

static int teardown(void **state)
{
	(void)state;
	tgt_free_all();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, teardown);
}
