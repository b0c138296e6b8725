// SPDX-License-Identifier: GPL-2.0
/*
 * kipi — callbacks that run in hard interrupt or atomic context: cross-CPU
 * function calls (smp_call_function_single, on_each_cpu), a function run
 * with every CPU stopped (stop_machine: thirteenth round), a keyboard
 * notifier, a sysrq key and a shared interrupt handler on the ACPI SCI
 * line (irq 9 in the VM).  The kernel build runs them; a user build runs
 * the keyboard notifier late and the interrupt handler in the line's
 * thread (docs/kapi.md) and cannot run the others (its blocking proxies
 * would answer at once without running them: the IPI functions silently
 * never ran), so each registration or call is refused (-EOPNOTSUPP, named
 * in the kernel log) and the module sees it.
 * So are callbacks of the packet path, which run in softirq for every
 * packet or ACK: a TCP congestion control, a conntrack helper, an
 * nf_tables expression (sixth round of probes, docs/COVERAGE.md).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/interrupt.h>
#include <linux/keyboard.h>
#include <linux/module.h>
#include <linux/notifier.h>
#include <linux/smp.h>
#include <linux/stop_machine.h>
#include <linux/sysrq.h>
#include <net/netfilter/nf_conntrack_helper.h>
#include <net/netfilter/nf_tables.h>
#include <net/tcp.h>

static int irq = 9;
module_param(irq, int, 0444);

static atomic_t hits = ATOMIC_INIT(0);
static int cookie, have_irq, have_kbd, have_sysrq, have_cc, have_helper, have_expr;

static void ipi_fn(void *info)
{
	atomic_inc(&hits);
}

static int stop_fn(void *data)
{
	atomic_inc(&hits);
	return 0;
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

static u32 cc_ssthresh(struct sock *sk)
{
	return max(tcp_snd_cwnd(tcp_sk(sk)) >> 1U, 2U);
}

static void cc_avoid(struct sock *sk, u32 ack, u32 acked)
{
	tcp_reno_cong_avoid(sk, ack, acked);
}

static u32 cc_undo(struct sock *sk)
{
	return tcp_snd_cwnd(tcp_sk(sk));
}

static struct tcp_congestion_ops kipi_cc = {
	.name = "kipi",
	.owner = THIS_MODULE,
	.ssthresh = cc_ssthresh,
	.cong_avoid = cc_avoid,
	.undo_cwnd = cc_undo,
};

static int ct_help(struct sk_buff *skb, unsigned int protoff, struct nf_conn *ct,
		   enum ip_conntrack_info ctinfo)
{
	return NF_ACCEPT;
}

static const struct nf_conntrack_expect_policy kipi_pol = { .max_expected = 1, .timeout = 60 };

static struct nf_conntrack_helper kipi_helper = {
	.name = "kipi",
	.me = THIS_MODULE,
	.help = ct_help,
	.expect_policy = &kipi_pol,
	.tuple.src.l3num = NFPROTO_IPV4,
	.tuple.src.u.tcp.port = cpu_to_be16(9999),
	.tuple.dst.protonum = IPPROTO_TCP,
};

static void expr_eval(const struct nft_expr *expr, struct nft_regs *regs,
		      const struct nft_pktinfo *pkt)
{
}

static struct nft_expr_type kipi_expr_type;

static const struct nft_expr_ops kipi_expr_ops = {
	.type = &kipi_expr_type,
	.size = NFT_EXPR_SIZE(0),
	.eval = expr_eval,
};

static struct nft_expr_type kipi_expr_type = {
	.name = "kipi",
	.ops = &kipi_expr_ops,
	.owner = THIS_MODULE,
};

static int __init kipi_init(void)
{
	int r;

	r = smp_call_function_single(0, ipi_fn, NULL, 1);
	pr_info("smp_call_function_single: %d\n", r);
	on_each_cpu(ipi_fn, NULL, 1);
	r = stop_machine(stop_fn, NULL, NULL);
	pr_info("stop_machine: %d\n", r);
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
	r = tcp_register_congestion_control(&kipi_cc);
	have_cc = !r;
	pr_info("tcp_register_congestion_control: %d\n", r);
	r = nf_conntrack_helper_register(&kipi_helper);
	have_helper = !r;
	pr_info("nf_conntrack_helper_register: %d\n", r);
	r = nft_register_expr(&kipi_expr_type);
	have_expr = !r;
	pr_info("nft_register_expr: %d\n", r);
	return 0;
}

static void __exit kipi_exit(void)
{
	if (have_expr)
		nft_unregister_expr(&kipi_expr_type);
	if (have_helper)
		nf_conntrack_helper_unregister(&kipi_helper);
	if (have_cc)
		tcp_unregister_congestion_control(&kipi_cc);
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
