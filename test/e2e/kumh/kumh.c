// SPDX-License-Identifier: GPL-2.0
/*
 * kumh: a usermode helper set up in one call and run by another, from
 * module_init and from a /proc write.  call_usermodehelper_setup() keeps
 * the argv and envp arrays it is given (on the caller's stack) and
 * call_usermodehelper_exec() reads them, after running the module's init
 * function in the helper's new task.
 */
#include <linux/module.h>
#include <linux/kernel.h>
#include <linux/umh.h>
#include <linux/cred.h>
#include <linux/proc_fs.h>
#include <linux/uaccess.h>

struct helper_state {
	int inits;
	int cleanups;
	int last_retval;
};

static struct helper_state state;

static int helper_init(struct subprocess_info *info, struct cred *new)
{
	struct helper_state *s = info->data;

	s->inits++;
	pr_info("kumh: init for %s, uid %u\n", info->path, from_kuid(&init_user_ns, new->uid));
	return 0;
}

static void helper_cleanup(struct subprocess_info *info)
{
	struct helper_state *s = info->data;

	s->cleanups++;
	s->last_retval = info->retval;
}

/* The helper logs its argument and environment, then exits with @code. */
static int run_helper(const char *word, int code)
{
	char cmd[128];
	char *argv[] = { "/bin/sh", "-c", cmd, "kumh-helper", NULL };
	char *envp[] = { "HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "KUMH_WORD=", NULL };
	char word_env[48];
	struct subprocess_info *info;
	int ret;

	snprintf(cmd, sizeof(cmd), "echo \"kumh: helper $0 says $KUMH_WORD\" >/dev/kmsg; exit %d",
		 code);
	snprintf(word_env, sizeof(word_env), "KUMH_WORD=%s", word);
	envp[2] = word_env;
	info = call_usermodehelper_setup(argv[0], argv, envp, GFP_KERNEL, helper_init,
					 helper_cleanup, &state);
	if (!info)
		return -ENOMEM;
	ret = call_usermodehelper_exec(info, UMH_WAIT_PROC);
	pr_info("kumh: %s: exec returned %d, exit %d; inits %d cleanups %d retval %d\n", word,
		ret, ret >> 8, state.inits, state.cleanups, state.last_retval);
	return ret;
}

static ssize_t kumh_write(struct file *file, const char __user *ubuf, size_t len, loff_t *off)
{
	char word[16];
	size_t n = min(len, sizeof(word) - 1);

	if (copy_from_user(word, ubuf, n))
		return -EFAULT;
	word[n] = 0;
	strim(word);
	run_helper(word, 7);
	return len;
}

static const struct proc_ops kumh_ops = {
	.proc_write = kumh_write,
};

static int __init kumh_init(void)
{
	run_helper("alpha", 3);
	run_helper("bravo", 0);
	if (!proc_create("kumh", 0222, NULL, &kumh_ops))
		return -ENOMEM;
	return 0;
}

static void __exit kumh_exit(void)
{
	remove_proc_entry("kumh", NULL);
	run_helper("zulu", 1);
}

module_init(kumh_init);
module_exit(kumh_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a usermode helper set up, then run");
