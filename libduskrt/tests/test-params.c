/* SPDX-License-Identifier: MIT */
/*
 * Module parameters as insmod takes them: every param_ops type, arrays,
 * bool without a value, '-' for '_', values the kernel refuses (range,
 * junk, too many elements, unknown names), and --help listing them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static int p_int = 1;
static unsigned int p_uint;
static long p_long;
static unsigned long p_ulong;
static short p_short;
static unsigned short p_ushort;
static _Bool p_bool;
static _Bool p_invbool;
static char *p_charp = "default";
static unsigned char p_byte;
static unsigned int p_hex;
static int p_arr[4];
static unsigned int p_arr_n;
static char p_str[8] = "abc";

static const struct dusk_param params[] = {
	{ "port", "int", &p_int, sizeof(p_int), 0, NULL, 0644, "port to watch", NULL, NULL },
	{ "limit", "uint", &p_uint, sizeof(p_uint), 0, NULL, 0, NULL, NULL, NULL },
	{ "offset", "long", &p_long, sizeof(p_long), 0, NULL, 0, NULL, NULL, NULL },
	{ "size", "ulong", &p_ulong, sizeof(p_ulong), 0, NULL, 0, NULL, NULL, NULL },
	{ "delta", "short", &p_short, sizeof(p_short), 0, NULL, 0, NULL, NULL, NULL },
	{ "mtu", "ushort", &p_ushort, sizeof(p_ushort), 0, NULL, 0, NULL, NULL, NULL },
	{ "verbose", "bool", &p_bool, sizeof(p_bool), 0, NULL, 0, "log every packet", NULL, NULL },
	{ "quiet", "invbool", &p_invbool, sizeof(p_invbool), 0, NULL, 0, NULL, NULL, NULL },
	{ "iface", "charp", &p_charp, sizeof(p_charp), 0, NULL, 0, "interface name", NULL, NULL },
	{ "tos", "byte", &p_byte, sizeof(p_byte), 0, NULL, 0, NULL, NULL, NULL },
	{ "mask", "hexint", &p_hex, sizeof(p_hex), 0, NULL, 0444, NULL, NULL, NULL },
	{ "ports_list", "int", p_arr, sizeof(int), 4, &p_arr_n, 0, "ports", NULL, NULL },
	{ "name", "string", p_str, sizeof(p_str), 0, NULL, 0644, NULL, NULL, NULL },
};

static const char *const modinfo[] = { "license=GPL", "description=param test", NULL };

static const struct dusk_module mod = {
	.name = "pm", .params = params, .nparams = sizeof(params) / sizeof(params[0]),
	.modinfo = modinfo,
};

static int parse(int argc, const char **argv)
{
	int help;

	return dusk_params_parse(&mod, argc, (char **)argv, &help);
}

static void every_type_parses(void **state)
{
	const char *argv[] = { "pm", "port=-80", "limit=4000000000", "offset=-5", "size=0x10",
			       "delta=-32768", "mtu=65535", "verbose", "quiet=n", "iface=eth0",
			       "tos=0377", "", "mask=0xff00", "ports-list=22,80,443" };

	(void)state;
	harness_log_capture();
	assert_int_equal(parse(14, argv), 0);	/* "" is nothing, as for insmod */
	assert_int_equal(p_int, -80);
	assert_int_equal(p_uint, 4000000000u);
	assert_int_equal(p_long, -5);
	assert_int_equal(p_ulong, 16);
	assert_int_equal(p_short, -32768);
	assert_int_equal(p_ushort, 65535);
	assert_true(p_bool);
	assert_true(p_invbool);			/* invbool: n means true */
	assert_string_equal(p_charp, "eth0");
	assert_int_equal(p_byte, 255);		/* octal, base 0 like kstrtou8 */
	assert_int_equal(p_hex, 0xff00);
	assert_int_equal(p_arr_n, 3);
	assert_int_equal(p_arr[0], 22);
	assert_int_equal(p_arr[2], 443);
	free(p_charp);
	p_charp = NULL;
}

static void refused_like_the_kernel(void **state)
{
	const char *range[] = { "pm", "delta=40000" };
	const char *junk[] = { "pm", "port=12abc" };
	const char *neg[] = { "pm", "limit=-1" };
	const char *many[] = { "pm", "ports_list=1,2,3,4,5" };
	const char *boolj[] = { "pm", "verbose=maybe" };
	const char *novalue[] = { "pm", "port" };
	const char *unknown[] = { "pm", "nosuch=1", "port=7" };

	(void)state;
	harness_log_capture();
	/* kstrtos16's -ERANGE, which insmod reports as it is */
	assert_int_equal(parse(2, range), -ERANGE);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "`40000' invalid for parameter `delta'"));
	assert_true(harness_log_has(DUSK_LOG_ERROR, "could not insert module pm: "
				    "Numerical result out of range"));
	assert_int_equal(parse(2, junk), -EINVAL);
	assert_int_equal(parse(2, neg), -EINVAL);
	assert_int_equal(parse(2, many), -EINVAL);
	assert_int_equal(parse(2, boolj), -EINVAL);
	assert_int_equal(parse(2, novalue), -EINVAL);
	assert_true(harness_log_has(DUSK_LOG_ERROR,
				    "insmod: ERROR: could not insert module pm: Invalid parameters"));
	/* as the kernel: an unknown parameter is ignored with a warning */
	assert_int_equal(parse(3, unknown), 0);
	assert_true(harness_log_has(DUSK_LOG_WARN, "pm: unknown parameter 'nosuch' ignored"));
	assert_int_equal(p_int, 7);
}

static void help_lists_params_and_modinfo(void **state)
{
	const char *argv[] = { "pm", "--help" };
	char *text;
	int help = 0;

	(void)state;
	assert_int_equal(dusk_params_parse(&mod, 2, (char **)argv, &help), 0);
	assert_true(help);
	text = dusk_params_help(&mod, "./pm");
	assert_non_null(text);
	assert_non_null(strstr(text, "usage: ./pm [param=value]..."));
	assert_non_null(strstr(text, "license:        GPL"));
	assert_non_null(strstr(text, "description:    param test"));
	assert_non_null(strstr(text, "  port:port to watch (int)"));
	assert_non_null(strstr(text, "  ports_list:ports (array of int)"));
	assert_non_null(strstr(text, "dusk_pm.ko"));
	free(text);
}

/* get into a string; -errno as text */
static const char *get(const char *name)
{
	static char buf[4096];
	unsigned int i;
	int n;

	for (i = 0; strcmp(params[i].name, name); i++)
		;
	n = dusk_param_get(&params[i], buf, sizeof(buf));
	if (n < 0)
		snprintf(buf, sizeof(buf), "error %d", n);
	else
		assert_int_equal((size_t)n, strlen(buf));
	return buf;
}

static int set(const char *name, const char *v)
{
	unsigned int i;

	for (i = 0; strcmp(params[i].name, name); i++)
		;
	return dusk_param_set(&params[i], v);
}

/* /sys/module/NAME/parameters/: param_get_* texts, and writes as sysfs
 * hands them (with echo's newline). */
static void sysfs_reads_and_writes_like_the_kernel(void **state)
{
	(void)state;
	harness_log_capture();
	p_int = -80;
	assert_string_equal(get("port"), "-80\n");
	assert_int_equal(set("port", "443\n"), 0);
	assert_int_equal(p_int, 443);
	assert_int_equal(set("port", " 5"), -EINVAL);
	assert_int_equal(set("port", "5\n\n"), -EINVAL);
	assert_int_equal(set("port", "99999999999"), -ERANGE);
	assert_int_equal(set("port", "+0x10"), 0);
	assert_int_equal(p_int, 16);
	p_bool = 1;
	assert_string_equal(get("verbose"), "Y\n");
	assert_int_equal(set("verbose", "off\n"), 0);
	assert_string_equal(get("verbose"), "N\n");
	p_invbool = 0;
	assert_string_equal(get("quiet"), "Y\n");
	p_hex = 0xff00;
	assert_string_equal(get("mask"), "0x00ff00\n");
	p_hex = 0;
	assert_string_equal(get("mask"), "0x000000\n");	/* not glibc's "00000000" */
	p_hex = 0x12345678;
	assert_string_equal(get("mask"), "0x12345678\n");
	p_byte = 255;
	assert_string_equal(get("tos"), "255\n");
	assert_int_equal(set("tos", "256"), -ERANGE);
	assert_int_equal(set("limit", "-1"), -EINVAL);
	/* charp and string keep the newline, as the kernel's setters do */
	p_charp = "eth0";
	assert_string_equal(get("iface"), "eth0\n");
	assert_int_equal(set("iface", "wlan1\n"), 0);
	assert_string_equal(get("iface"), "wlan1\n\n");
	assert_int_equal(set("iface", "lo"), 0);	/* frees "wlan1\n" */
	assert_string_equal(p_charp, "lo");
	assert_int_equal(set("name", "1234567"), 0);
	assert_int_equal(set("name", "12345678"), -ENOSPC);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "name: string doesn't fit in 7 chars."));
	assert_string_equal(get("name"), "1234567\n");
	/* arrays: joined by ',', the count as the kernel leaves it */
	p_arr_n = 3;
	p_arr[0] = 22, p_arr[1] = 80, p_arr[2] = 443;
	assert_string_equal(get("ports_list"), "22,80,443\n");
	assert_int_equal(set("ports_list", "1,2\n"), 0);
	assert_int_equal(p_arr_n, 2);
	assert_string_equal(get("ports_list"), "1,2\n");
	assert_int_equal(set("ports_list", "1,2,3,4,5"), -EINVAL);
	assert_true(harness_log_has(DUSK_LOG_ERROR, "ports_list: can only take 4 arguments"));
	assert_int_equal(p_arr_n, 4);
	assert_int_equal(set("ports_list", "7,x"), -EINVAL);
	assert_int_equal(p_arr_n, 1);
	p_arr_n = 0;
	assert_string_equal(get("ports_list"), "");
	/* only perm != 0 has a file: in table order */
	assert_string_equal(dusk_param_visible(&mod, 0)->name, "port");
	assert_string_equal(dusk_param_visible(&mod, 1)->name, "mask");
	assert_string_equal(dusk_param_visible(&mod, 2)->name, "name");
	assert_null(dusk_param_visible(&mod, 3));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_parses),
		cmocka_unit_test(refused_like_the_kernel),
		cmocka_unit_test(help_lists_params_and_modinfo),
		cmocka_unit_test(sysfs_reads_and_writes_like_the_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
