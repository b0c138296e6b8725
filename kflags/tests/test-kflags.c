/* SPDX-License-Identifier: MIT */
/*
 * Unit tests of kflags: the shell splitter and the gcc-to-clang translation
 * on fixed input, then the real thing against the pinned kernel tree
 * ($DUSK_KDIR, set by meson): the flags must let libclang parse a module
 * without a single error, a second call must come from the cache, and a
 * missing KDIR or a broken module must come back as a clear error.
 */
#include <errno.h>
#include <limits.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <clang-c/Index.h>

#include "kflags-internal.h"

static char tmp_root[] = "/tmp/dusk-kflags-test-XXXXXX";

static int find(const struct args *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (!strcmp(a->argv[i], s))
			return i;
	return -1;
}

static int find_prefix(const struct args *a, const char *s)
{
	int i;

	for (i = 0; i < a->argc; i++)
		if (!strncmp(a->argv[i], s, strlen(s)))
			return i;
	return -1;
}

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *kdir(void)
{
	const char *k = getenv("DUSK_KDIR");

	return k && *k ? k : "/lib/modules/6.1.0-56-amd64/build";
}

static void test_shell_split(void **state)
{
	struct args a = { 0 };

	(void)state;
	assert_int_equal(kf_shell_split(
		"gcc-12  -DKBUILD_MODNAME='\"x\"' -D\"a b\" x\\ y $$HOME '' \"q\\\"\"", &a), 0);
	assert_int_equal(a.argc, 7);
	assert_string_equal(a.argv[0], "gcc-12");
	assert_string_equal(a.argv[1], "-DKBUILD_MODNAME=\"x\"");
	assert_string_equal(a.argv[2], "-Da b");
	assert_string_equal(a.argv[3], "x y");
	assert_string_equal(a.argv[4], "$HOME");
	assert_string_equal(a.argv[5], "");
	assert_string_equal(a.argv[6], "q\"");
	assert_null(a.argv[7]);
	args_free(&a);

	assert_int_equal(kf_shell_split("gcc 'unterminated", &a), -EINVAL);
	args_free(&a);
}

static void test_cmd_to_clang(void **state)
{
	struct args w = { 0 }, out = { 0 };
	int i;

	(void)state;
	assert_int_equal(kf_shell_split(
		"gcc-12 -E -Wp,-MMD,/t/d/.m.i.d -nostdinc -I./include -I/abs/inc "
		"-include ./include/linux/kconfig.h -isystem rel/sys "
		"-fconserve-stack -mrecord-mcount -mindirect-branch=thunk-extern "
		"-Wimplicit-fallthrough=5 -O2 -D__KERNEL__ -D X=1 "
		"-DKBUILD_MODNAME='\"m\"' -o /t/d/m.i /t/d/m.c", &w), 0);
	assert_int_equal(kf_cmd_to_clang(&w, "/k", "/t/d", "/src", &out), 0);

	assert_int_equal(find(&out, "-E"), -1);
	assert_int_equal(find_prefix(&out, "-Wp,"), -1);
	assert_int_equal(find(&out, "-fconserve-stack"), -1);
	assert_int_equal(find(&out, "-mrecord-mcount"), -1);
	assert_int_equal(find_prefix(&out, "-mindirect-branch"), -1);
	assert_int_equal(find_prefix(&out, "-Wimplicit-fallthrough="), -1);
	assert_int_equal(find(&out, "-o"), -1);
	assert_int_equal(find_prefix(&out, "/t/d"), -1);
	i = find(&out, "/k/include");
	assert_true(i > 0 && !strcmp(out.argv[i - 1], "-I"));
	i = find(&out, "/abs/inc");
	assert_true(i > 0 && !strcmp(out.argv[i - 1], "-I"));
	i = find(&out, "/k/include/linux/kconfig.h");
	assert_true(i > 0 && !strcmp(out.argv[i - 1], "-include"));
	i = find(&out, "/k/rel/sys");
	assert_true(i > 0 && !strcmp(out.argv[i - 1], "-isystem"));
	i = find(&out, "X=1");
	assert_true(i > 0 && !strcmp(out.argv[i - 1], "-D"));
	assert_true(find(&out, "-O2") >= 0);
	assert_true(find(&out, "-DKBUILD_MODNAME=\"m\"") >= 0);
	assert_true(find(&out, "-Wno-unknown-warning-option") >= 0);
	i = find(&out, "/src");
	assert_true(i > 0 && !strcmp(out.argv[i - 1], "-I"));
	assert_int_equal(find_prefix(&out, "--target="), -1);	/* native */
	args_free(&w);
	args_free(&out);
}

/* A cross compiler's command (an arm64 tree here): clang parses for its
 * triple, without gcc's -mabi=lp64. */
static void test_cross_cmd_to_clang(void **state)
{
	struct args w = { 0 }, out = { 0 };
	char *t;

	(void)state;
	assert_int_equal(kf_shell_split("aarch64-linux-gnu-gcc-12 -E -mabi=lp64 "
					"-mgeneral-regs-only -o /t/d/m.i /t/d/m.c", &w), 0);
	assert_int_equal(kf_cmd_to_clang(&w, "/k", "/t/d", "/src", &out), 0);
	assert_string_equal(out.argv[0], "--target=aarch64-linux-gnu");
	assert_int_equal(find(&out, "-mabi=lp64"), -1);
	assert_true(find(&out, "-mgeneral-regs-only") >= 0);
	args_free(&w);
	args_free(&out);

	t = kf_cross_target("/usr/bin/arm-linux-gnueabihf-gcc");
	assert_string_equal(t, "arm-linux-gnueabihf");
	free(t);
	assert_null(kf_cross_target("gcc-12"));
	assert_null(kf_cross_target("cc"));
	assert_null(kf_cross_target("clang"));
	assert_null(kf_cross_target("x86_64-linux-gnu-gccgo"));
}

static void test_probe_drops_unknown(void **state)
{
	struct args a = { 0 };
	char err[256] = "";

	(void)state;
	assert_int_equal(args_push(&a, "-O2"), 0);
	assert_int_equal(args_push(&a, "-fsome-flag-no-compiler-has"), 0);
	assert_int_equal(args_push(&a, "-D__KERNEL__"), 0);
	assert_int_equal(kf_probe_drop_unknown(&a, err, sizeof(err)), 0);
	assert_int_equal(a.argc, 2);
	assert_string_equal(a.argv[0], "-O2");
	assert_string_equal(a.argv[1], "-D__KERNEL__");
	args_free(&a);
}

/* Count error diagnostics of parsing @path with @a. */
static int parse_errors(const char *path, const struct args *a, char *first,
			size_t firstlen)
{
	CXIndex idx = clang_createIndex(0, 0);
	CXTranslationUnit tu;
	unsigned int i, n;
	int errors = 0;

	assert_int_equal(clang_parseTranslationUnit2(idx, path,
		(const char *const *)a->argv, a->argc, NULL, 0, 0, &tu), CXError_Success);
	n = clang_getNumDiagnostics(tu);
	for (i = 0; i < n; i++) {
		CXDiagnostic d = clang_getDiagnostic(tu, i);

		if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
			if (!errors++) {
				CXString s = clang_formatDiagnostic(d,
					clang_defaultDiagnosticDisplayOptions());
				snprintf(first, firstlen, "%s", clang_getCString(s));
				clang_disposeString(s);
			}
		}
		clang_disposeDiagnostic(d);
	}
	clang_disposeTranslationUnit(tu);
	clang_disposeIndex(idx);
	return errors;
}

static const char module_src[] =
	"#include <linux/module.h>\n"
	"#include <linux/skbuff.h>\n"
	"#include <linux/netfilter_ipv4.h>\n"
	"#include \"local.h\"\n"
	"static unsigned int hook(void *priv, struct sk_buff *skb,\n"
	"                         const struct nf_hook_state *st)\n"
	"{ return skb->len > LOCAL_LIMIT ? NF_DROP : NF_ACCEPT; }\n"
	"static struct nf_hook_ops ops = { .hook = hook, .pf = NFPROTO_IPV4 };\n"
	"static int __init m_init(void) { return nf_register_net_hook(&init_net, &ops); }\n"
	"static void __exit m_exit(void) { nf_unregister_net_hook(&init_net, &ops); }\n"
	"module_init(m_init);\nmodule_exit(m_exit);\nMODULE_LICENSE(\"GPL\");\n"
	"static const char modname[] = KBUILD_MODNAME;\n";

static void test_real_kbuild_and_cache(void **state)
{
	char dir[PATH_MAX], src[PATH_MAX + 16], cache[PATH_MAX + 16];
	char err[512] = "", first[1024] = "";
	struct args a = { 0 }, b = { 0 };
	char cmd[3 * PATH_MAX];
	FILE *p;
	char found[PATH_MAX];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/mod", tmp_root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(src, sizeof(src), "%s/mymod.c", dir);
	write_text(src, module_src);
	snprintf(src, sizeof(src), "%s/local.h", dir);
	write_text(src, "#define LOCAL_LIMIT 1500\n");
	snprintf(src, sizeof(src), "%s/mymod.c", dir);
	snprintf(cache, sizeof(cache), "%s/cache", tmp_root);
	setenv("DUSK_CACHE_DIR", cache, 1);

	assert_int_equal(kf_kbuild_flags(kdir(), src, &a, err, sizeof(err)), 0);
	assert_true(find(&a, "-D__KERNEL__") >= 0);
	assert_true(find(&a, "-DKBUILD_MODNAME=\"mymod\"") >= 0);
	assert_int_equal(find(&a, "-fconserve-stack"), -1);
	assert_int_equal(find(&a, "-E"), -1);
	assert_null(a.argv[a.argc]);
	if (parse_errors(src, &a, first, sizeof(first)))
		fail_msg("kernel flags do not parse a module: %s", first);

	/* The second call is served by the cache: poison the cached file and
	 * see the poison come back. */
	snprintf(cmd, sizeof(cmd), "ls %s/kflags-*.txt", cache);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(found, sizeof(found), p));
	pclose(p);
	found[strcspn(found, "\n")] = '\0';
	p = fopen(found, "a");
	assert_non_null(p);
	fputs("-DDUSK_FROM_CACHE\n", p);
	fclose(p);
	assert_int_equal(kf_kbuild_flags(kdir(), src, &b, err, sizeof(err)), 0);
	assert_int_equal(b.argc, a.argc + 1);
	assert_true(find(&b, "-DDUSK_FROM_CACHE") >= 0);
	args_free(&a);
	args_free(&b);
	unsetenv("DUSK_CACHE_DIR");
}

static void test_missing_kdir(void **state)
{
	struct args a = { 0 };
	char err[256] = "";

	(void)state;
	setenv("DUSK_CACHE_DIR", "off", 1);
	assert_int_equal(kf_kbuild_flags("/nonexistent/kdir", "/dev/null", &a,
					 err, sizeof(err)), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/kdir"));
	assert_int_equal(a.argc, 0);
	/* A folder that is not a kernel tree. */
	assert_int_equal(kf_kbuild_flags(tmp_root, "/dev/null", &a, err, sizeof(err)),
			 -ENOENT);
	assert_non_null(strstr(err, "Makefile"));
	unsetenv("DUSK_CACHE_DIR");
}

static void test_broken_module(void **state)
{
	char dir[PATH_MAX], src[PATH_MAX + 16], err[512] = "";
	struct args a = { 0 };

	(void)state;
	setenv("DUSK_CACHE_DIR", "off", 1);
	snprintf(dir, sizeof(dir), "%s/broken", tmp_root);
	assert_int_equal(mkdir(dir, 0755), 0);
	snprintf(src, sizeof(src), "%s/broken.c", dir);
	write_text(src, "#include <linux/no_such_header.h>\n");
	assert_int_equal(kf_kbuild_flags(kdir(), src, &a, err, sizeof(err)), -EIO);
	assert_non_null(strstr(err, "no_such_header.h"));
	assert_int_equal(a.argc, 0);
	unsetenv("DUSK_CACHE_DIR");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmp_root) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[sizeof(tmp_root) + 16];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp_root);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shell_split),
		cmocka_unit_test(test_cmd_to_clang),
		cmocka_unit_test(test_cross_cmd_to_clang),
		cmocka_unit_test(test_probe_drops_unknown),
		cmocka_unit_test(test_real_kbuild_and_cache),
		cmocka_unit_test(test_missing_kdir),
		cmocka_unit_test(test_broken_module),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
