// SPDX-License-Identifier: GPL-2.0
/*
 * Port and memory-mapped I/O are inline assembly only the kernel may run:
 * inb()/outb() (x86's __inb/__outb), their _p forms and readl()/writel()
 * are kernel calls, as ioread32()/iowrite32() are.  Before, the rewriter
 * refused the module ("inline assembly cannot run at user level").
 */
#include <linux/module.h>
#include <linux/io.h>
#include <linux/ioport.h>

static void __iomem *regs;

static u8 pio_cmos(u8 reg)
{
	outb(reg, 0x70);
	return inb(0x71);
}

static int __init pio_init(void)
{
	u32 v;

	if (!request_region(0x70, 2, "pio"))
		return -EBUSY;
	pr_info("cmos %u\n", pio_cmos(0x0b));
	outb_p(0x0a, 0x70);
	pr_info("cmos %u\n", inb_p(0x71));
	outw(1, 0x72);
	pr_info("%u %u\n", inw(0x72), inl(0x74));
	release_region(0x70, 2);

	regs = ioremap(0xfed00000, 0x400);
	if (!regs)
		return -ENOMEM;
	v = readl(regs);
	writel(v, regs + 0x10);
	writeb(readb(regs + 4), regs + 0x20);
	writel_relaxed(readl_relaxed(regs + 8), regs + 0x30);
	pr_info("id %08x\n", v);
	return 0;
}

static void __exit pio_exit(void)
{
	iounmap(regs);
}

module_init(pio_init);
module_exit(pio_exit);
MODULE_LICENSE("GPL");
