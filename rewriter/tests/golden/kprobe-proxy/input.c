// kprobe handlers: the kmod's proxies answer 0 at once and observe the
// hit for the program (dusk_sync_kprobe()), never a blocking upcall
// whose -EWOULDBLOCK would tell kprobes that regs->ip moved.
#include <linux/kprobes.h>
#include <linux/module.h>

static int hits;

static int kp_pre(struct kprobe *p, struct pt_regs *regs)
{
	hits++;
	return 0;
}

static void kp_post(struct kprobe *p, struct pt_regs *regs, unsigned long flags)
{
	hits++;
}

static struct kprobe kp = {
	.symbol_name = "kernel_clone",
	.pre_handler = kp_pre,
	.post_handler = kp_post,
};

static int __init kp_init(void)
{
	return register_kprobe(&kp);
}

static void __exit kp_exit(void)
{
	unregister_kprobe(&kp);
}

module_init(kp_init);
module_exit(kp_exit);
MODULE_LICENSE("GPL");
