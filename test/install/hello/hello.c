// SPDX-License-Identifier: GPL-2.0
/*
 * hello: the out-of-tree module of the install test (test/install/).  A
 * /proc/dusk_hello file that greets the module parameter `who` and counts
 * its reads; init and exit say so in the kernel log.  Built with Kbuild as
 * hello.ko and, by the installed DUSK alone, as the user build `hello`.
 */
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define GREETING "hello"

static char *who = "world";
module_param(who, charp, 0444);
MODULE_PARM_DESC(who, "whom to greet");

static int reads;
static struct proc_dir_entry *hello_proc;

static int hello_show(struct seq_file *m, void *v)
{
	reads++;
	seq_printf(m, "%s %s: read %d\n", GREETING, who, reads);
	return 0;
}

static int hello_open(struct inode *inode, struct file *file)
{
	return single_open(file, hello_show, NULL);
}

static const struct proc_ops hello_ops = {
	.proc_open    = hello_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static int __init hello_init(void)
{
	hello_proc = proc_create("dusk_hello", 0444, NULL, &hello_ops);
	if (!hello_proc)
		return -ENOMEM;
	pr_info("hello: ready to greet %s\n", who);
	return 0;
}

static void __exit hello_exit(void)
{
	proc_remove(hello_proc);
	pr_info("hello: %d reads\n", reads);
}

module_init(hello_init);
module_exit(hello_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK install test: a greeting in /proc");
