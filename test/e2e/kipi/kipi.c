// SPDX-License-Identifier: GPL-2.0
/*
 * kipi — callbacks that run in hard interrupt or atomic context: cross-CPU
 * function calls (smp_call_function_single, on_each_cpu), a keyboard
 * notifier, a sysrq key and a shared interrupt handler on the ACPI SCI
 * line (irq 9 in the VM).  The kernel build runs them; a user build cannot
 * (its blocking proxies would answer at once without running them: the
 * IPI functions silently never ran, and a hard interrupt handler's
 * -EWOULDBLOCK is no irqreturn_t), so each registration or call is
 * refused (-EOPNOTSUPP, named in the kernel log) and the module sees it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/keyboard.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/smp.h>
#include <linux/sysrq.h>

static int irq = 9;
module_param(irq, int, 0444);

static atomic_t hits = ATOMIC_INIT(0);
static int cookie, have_irq, have_kbd, have_sysrq;

static void ipi_fn(void *info)
{
	atomic_inc(&hits);
}

static int kbd_cb(struct notifier_block *nb, unsigned long action, void *data)
{
	return NOTIFY_OK;
}

static struct notifier_block kbd_nb = { .notifier_call = kbd_cb };

static void sysrq_fn(int key)
{
}

static const struct sysrq_key_op sysrq_op = {
	.handler = sysrq_fn,
	.help_msg = "kipi(y)",
	.action_msg = "kipi",
};

static irqreturn_t irq_fn(int i, void *dev)
{
	return IRQ_NONE;
}

static int __init kipi_init(void)
{
	int r;

	r = smp_call_function_single(0, ipi_fn, NULL, 1);
	pr_info("smp_call_function_single: %d\n", r);
	on_each_cpu(ipi_fn, NULL, 1);
	pr_info("IPI functions ran: %s\n", atomic_read(&hits) ? "yes" : "no");
	r = register_keyboard_notifier(&kbd_nb);
	have_kbd = !r;
	pr_info("register_keyboard_notifier: %d\n", r);
	r = register_sysrq_key('y', &sysrq_op);
	have_sysrq = !r;
	pr_info("register_sysrq_key: %d\n", r);
	r = request_irq(irq, irq_fn, IRQF_SHARED, "kipi", &cookie);
	have_irq = !r;
	pr_info("request_irq: %d\n", r);
	return 0;
}

static void __exit kipi_exit(void)
{
	if (have_irq)
		free_irq(irq, &cookie);
	if (have_sysrq)
		unregister_sysrq_key('y', &sysrq_op);
	if (have_kbd)
		unregister_keyboard_notifier(&kbd_nb);
	pr_info("exit\n");
}

module_init(kipi_init);
module_exit(kipi_exit);
MODULE_LICENSE("GPL");
