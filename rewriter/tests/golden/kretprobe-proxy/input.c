// kretprobe handlers: the kmod's proxies observe the entry and the return
// for the program (dusk_sync_kretprobe()), never a blocking upcall whose
// -EWOULDBLOCK would tell the kernel to skip the call; the data area of
// the instance is the module's to write.
#include <linux/kprobes.h>
#include <linux/ktime.h>
#include <linux/module.h>

struct stamp {
	ktime_t entry;
};

static int rp_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	((struct stamp *)ri->data)->entry = ktime_get();
	return 0;
}

static int rp_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	return regs_return_value(regs) && ((struct stamp *)ri->data)->entry;
}

static struct kretprobe rp = {
	.kp.symbol_name = "kernel_clone",
	.entry_handler = rp_entry,
	.handler = rp_return,
	.data_size = sizeof(struct stamp),
	.maxactive = 20,
};

static int __init rp_init(void)
{
	return register_kretprobe(&rp);
}

static void __exit rp_exit(void)
{
	unregister_kretprobe(&rp);
}

module_init(rp_init);
module_exit(rp_exit);
MODULE_LICENSE("GPL");
