// SPDX-License-Identifier: GPL-2.0
/*
 * kedu: a PCI driver for QEMU's "edu" device, as tutorials write one.
 *
 * BAR 0 is mapped and its registers read and written (identification,
 * liveness check, factorial); the device's interrupt, on its legacy INTx
 * line, is requested with request_irq() (shared) and handled by a hard
 * interrupt handler that reads the interrupt status, acknowledges it and
 * completes; with threaded=1, by a quick handler that wakes a thread
 * function for that (request_threaded_irq(), IRQF_ONESHOT); threaded=2, by
 * the thread function alone.  dma=1 sends
 * a coherent buffer through the device's DMA engine and back; managed=1
 * claims everything through devres (pcim_*, devm_request_irq()); anyctx=1
 * requests the line with request_any_context_irq(); msi=1 takes the
 * interrupt as an MSI vector; twice=1 requests the line again, refused.  Interrupts are raised through the raise register in probe,
 * by a factorial that signals its end, and by writes to /proc/kedu.
 */
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>

#define EDU_VENDOR		0x1234
#define EDU_DEVICE		0x11e8

#define EDU_ID			0x00
#define EDU_LIVE		0x04
#define EDU_FACT		0x08
#define EDU_STATUS		0x20
#define EDU_IRQ_STATUS		0x24
#define EDU_IRQ_RAISE		0x60
#define EDU_IRQ_ACK		0x64

#define EDU_DMA_SRC		0x80
#define EDU_DMA_DST		0x88
#define EDU_DMA_COUNT		0x90
#define EDU_DMA_CMD		0x98
#define EDU_DMA_START		0x01
#define EDU_DMA_TO_RAM		0x02
#define EDU_DMA_IRQ		0x04
#define EDU_DMA_DONE		0x100	/* the status a DMA's interrupt raises */
#define EDU_BUF			0x40000	/* the device's own 4 KiB buffer */

#define EDU_STATUS_BUSY		0x01
#define EDU_STATUS_FACT_IRQ	0x80
#define EDU_FACT_DONE		0x01	/* the status a factorial's interrupt raises */

struct kedu {
	struct pci_dev *pdev;
	void __iomem *bar;
	int irq;
	struct completion irq_done;
	spinlock_t lock;
	u32 last_status;
	unsigned int irqs;
};

static struct kedu *kedu;
static struct proc_dir_entry *kedu_proc;

/* threaded=1: a quick handler that only checks the device, the rest in a
 * thread function; threaded=2: the thread function alone */
static int threaded;
module_param(threaded, int, 0444);
/* dma=1: a buffer sent through the device and back by DMA in probe */
static bool dma;
module_param(dma, bool, 0444);
static bool managed;
module_param(managed, bool, 0444);
/* anyctx=1: the line requested with request_any_context_irq() */
static bool anyctx;
module_param(anyctx, bool, 0444);
/* msi=1: the interrupt as an MSI vector (the device writes it: bus master) */
static bool msi;
module_param(msi, bool, 0444);
/* twice=1: the line requested a second time with the same dev_id, not
 * shared: the kernel refuses it (-EBUSY) and the first request serves on */
static bool twice;
module_param(twice, bool, 0444);

static void kedu_ack(struct kedu *k, u32 st)
{
	iowrite32(st, k->bar + EDU_IRQ_ACK);
	spin_lock(&k->lock);
	k->last_status = st;
	k->irqs++;
	spin_unlock(&k->lock);
	complete(&k->irq_done);
}

static irqreturn_t kedu_irq(int irq, void *data)
{
	struct kedu *k = data;
	u32 st = ioread32(k->bar + EDU_IRQ_STATUS);

	if (!st)
		return IRQ_NONE;	/* a device sharing the line */
	kedu_ack(k, st);
	return IRQ_HANDLED;
}

static irqreturn_t kedu_quick(int irq, void *data)
{
	struct kedu *k = data;

	return ioread32(k->bar + EDU_IRQ_STATUS) ? IRQ_WAKE_THREAD : IRQ_NONE;
}

static irqreturn_t kedu_thread(int irq, void *data)
{
	struct kedu *k = data;

	kedu_ack(k, ioread32(k->bar + EDU_IRQ_STATUS));
	return IRQ_HANDLED;
}

/* Raise @value on the device and wait for its handler. */
static int kedu_raise(struct kedu *k, u32 value)
{
	reinit_completion(&k->irq_done);
	iowrite32(value, k->bar + EDU_IRQ_RAISE);
	if (!wait_for_completion_timeout(&k->irq_done, 5 * HZ))
		return -ETIMEDOUT;
	return 0;
}

/* n! by the device, its end signalled by an interrupt. */
static int kedu_factorial(struct kedu *k, u32 n, u32 *out)
{
	reinit_completion(&k->irq_done);
	iowrite32(EDU_STATUS_FACT_IRQ, k->bar + EDU_STATUS);
	iowrite32(n, k->bar + EDU_FACT);
	if (!wait_for_completion_timeout(&k->irq_done, 5 * HZ))
		return -ETIMEDOUT;
	if (ioread32(k->bar + EDU_STATUS) & EDU_STATUS_BUSY)
		return -EBUSY;
	*out = ioread32(k->bar + EDU_FACT);
	return 0;
}

/* One DMA transfer of @len bytes, its end signalled by an interrupt. */
static int kedu_dma_one(struct kedu *k, u64 src, u64 dst, u32 len, u32 cmd)
{
	reinit_completion(&k->irq_done);
	writeq(src, k->bar + EDU_DMA_SRC);
	writeq(dst, k->bar + EDU_DMA_DST);
	writeq(len, k->bar + EDU_DMA_COUNT);
	writeq(cmd | EDU_DMA_START | EDU_DMA_IRQ, k->bar + EDU_DMA_CMD);
	if (!wait_for_completion_timeout(&k->irq_done, 5 * HZ))
		return -ETIMEDOUT;
	return k->last_status == EDU_DMA_DONE ? 0 : -EIO;
}

/* A pattern in a coherent buffer, to the device's buffer and back into
 * the second half: what comes back is what went. */
static int kedu_dma(struct kedu *k)
{
	struct device *dev = &k->pdev->dev;
	dma_addr_t handle;
	u8 *buf;
	int err, i, same;

	err = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(28));
	if (err)
		return err;
	pci_set_master(k->pdev);
	buf = dma_alloc_coherent(dev, PAGE_SIZE, &handle, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < 256; i++)
		buf[i] = (u8)(i * 7 + 3);
	memset(buf + 2048, 0, 256);
	err = kedu_dma_one(k, handle, EDU_BUF, 256, 0);
	if (!err)
		err = kedu_dma_one(k, EDU_BUF, handle + 2048, 256, EDU_DMA_TO_RAM);
	same = !memcmp(buf, buf + 2048, 256);
	if (!err)
		pr_info("kedu: dma of 256 bytes there and back: %s (0x%02x..0x%02x)\n",
			same ? "same" : "different", buf[2048], buf[2048 + 255]);
	dma_free_coherent(dev, PAGE_SIZE, buf, handle);
	return err;
}

static int kedu_show(struct seq_file *m, void *v)
{
	struct kedu *k = kedu;
	unsigned long flags;
	unsigned int irqs;
	u32 st;

	if (!k)
		return -ENODEV;
	spin_lock_irqsave(&k->lock, flags);
	irqs = k->irqs;
	st = k->last_status;
	spin_unlock_irqrestore(&k->lock, flags);
	seq_printf(m, "irqs %u last 0x%x\n", irqs, st);
	return 0;
}

static int kedu_open(struct inode *inode, struct file *file)
{
	return single_open(file, kedu_show, NULL);
}

/* "N": raise interrupt status N; "fact N": N! with an interrupt. */
static ssize_t kedu_write(struct file *file, const char __user *ubuf, size_t len, loff_t *off)
{
	char buf[32];
	u32 v, r;
	int err;

	if (!kedu)
		return -ENODEV;
	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (!strncmp(buf, "fact ", 5)) {
		err = kstrtou32(strim(buf + 5), 0, &v);
		if (!err)
			err = kedu_factorial(kedu, v, &r);
		if (err)
			return err;
		pr_info("kedu: %u! = %u\n", v, r);
		return len;
	}
	err = kstrtou32(strim(buf), 0, &v);
	if (!err)
		err = kedu_raise(kedu, v);
	if (err)
		return err;
	pr_info("kedu: raised 0x%x, handled 0x%x\n", v, kedu->last_status);
	return len;
}

static const struct proc_ops kedu_proc_ops = {
	.proc_open = kedu_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = kedu_write,
};

/* What probe does once the device is mapped and its line requested:
 * interrupts raised, a factorial, a DMA if asked. */
static int kedu_start(struct kedu *k)
{
	u32 fact;
	int err;

	err = kedu_raise(k, 0x5);
	if (err)
		return err;
	pr_info("kedu: raised 0x5, handled 0x%x after %u interrupts\n", k->last_status, k->irqs);
	err = kedu_factorial(k, 10, &fact);
	if (err)
		return err;
	pr_info("kedu: 10! = %u, status 0x%x after %u interrupts\n", fact, k->last_status,
		k->irqs);
	return dma ? kedu_dma(k) : 0;
}

static void kedu_identify(struct kedu *k)
{
	u32 ident = ioread32(k->bar + EDU_ID), live;

	iowrite32(0x1234abcd, k->bar + EDU_LIVE);
	live = ioread32(k->bar + EDU_LIVE);
	pr_info("kedu: device %04x:%04x, id 0x%08x, liveness 0x%08x%s%s\n", k->pdev->vendor,
		k->pdev->device, ident, live,
		threaded == 1 ? ", threaded" : threaded ? ", thread only" : "",
		managed ? ", managed" : "");
}

/* managed=1: everything through devres, as many drivers do it */
static int kedu_probe_managed(struct pci_dev *pdev)
{
	struct kedu *k;
	int err;

	k = devm_kzalloc(&pdev->dev, sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->pdev = pdev;
	init_completion(&k->irq_done);
	spin_lock_init(&k->lock);
	err = pcim_enable_device(pdev);
	if (err)
		return err;
	err = pcim_iomap_regions(pdev, BIT(0), "kedu");
	if (err)
		return err;
	k->bar = pcim_iomap_table(pdev)[0];
	kedu_identify(k);
	k->irq = pdev->irq;
	err = devm_request_irq(&pdev->dev, k->irq, kedu_irq, IRQF_SHARED, "kedu", k);
	if (err)
		return err;
	pci_set_drvdata(pdev, k);
	err = kedu_start(k);
	if (err)
		return err;
	kedu = k;
	return 0;
}

static int kedu_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct kedu *k;
	int err;

	if (managed)
		return kedu_probe_managed(pdev);
	k = kzalloc(sizeof(*k), GFP_KERNEL);
	if (!k)
		return -ENOMEM;
	k->pdev = pdev;
	init_completion(&k->irq_done);
	spin_lock_init(&k->lock);
	err = pci_enable_device(pdev);
	if (err)
		goto free;
	err = pci_request_region(pdev, 0, "kedu");
	if (err)
		goto disable;
	k->bar = pci_iomap(pdev, 0, 0);
	if (!k->bar) {
		err = -ENOMEM;
		goto release;
	}
	kedu_identify(k);
	k->irq = pdev->irq;
	if (msi) {
		pci_set_master(pdev);
		err = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI);
		if (err < 0) {
			pr_err("kedu: pci_alloc_irq_vectors: %d\n", err);
			goto unmap;
		}
		k->irq = pci_irq_vector(pdev, 0);
	}
	if (threaded) {
		err = request_threaded_irq(k->irq, threaded == 1 ? kedu_quick : NULL, kedu_thread,
					   IRQF_SHARED | IRQF_ONESHOT, "kedu", k);
	} else if (anyctx) {
		err = request_any_context_irq(k->irq, kedu_irq, IRQF_SHARED, "kedu", k);
		pr_info("kedu: request_any_context_irq: %s\n",
			err == IRQC_IS_HARDIRQ ? "hard" : err == IRQC_IS_NESTED ? "nested" : "failed");
		err = err < 0 ? err : 0;
	} else {
		err = request_irq(k->irq, kedu_irq, IRQF_SHARED, "kedu", k);
	}
	if (err) {
		pr_err("kedu: request_irq: %d\n", err);
		goto vectors;
	}
	if (twice)
		pr_info("kedu: second request_irq, not shared: %d\n",
			request_irq(k->irq, kedu_irq, 0, "kedu", k));
	pci_set_drvdata(pdev, k);
	err = kedu_start(k);
	if (err)
		goto irq;
	kedu = k;
	return 0;
irq:
	pr_err("kedu: no interrupt: %d\n", err);
	free_irq(k->irq, k);
vectors:
	if (msi)
		pci_free_irq_vectors(pdev);
unmap:
	pci_iounmap(pdev, k->bar);
release:
	pci_release_region(pdev, 0);
disable:
	pci_disable_device(pdev);
free:
	kfree(k);
	return err;
}

static void kedu_remove(struct pci_dev *pdev)
{
	struct kedu *k = pci_get_drvdata(pdev);

	kedu = NULL;
	pr_info("kedu: remove after %u interrupts\n", k->irqs);
	if (managed)
		return;
	free_irq(k->irq, k);
	if (msi)
		pci_free_irq_vectors(pdev);
	pci_iounmap(pdev, k->bar);
	pci_release_region(pdev, 0);
	pci_disable_device(pdev);
	kfree(k);
}

static const struct pci_device_id kedu_ids[] = {
	{ PCI_DEVICE(EDU_VENDOR, EDU_DEVICE) },
	{ }
};
MODULE_DEVICE_TABLE(pci, kedu_ids);

static struct pci_driver kedu_driver = {
	.name = "kedu",
	.id_table = kedu_ids,
	.probe = kedu_probe,
	.remove = kedu_remove,
};

static int __init kedu_init(void)
{
	int err = pci_register_driver(&kedu_driver);

	if (err)
		return err;
	kedu_proc = proc_create("kedu", 0666, NULL, &kedu_proc_ops);
	if (!kedu_proc) {
		pci_unregister_driver(&kedu_driver);
		return -ENOMEM;
	}
	return 0;
}

static void __exit kedu_exit(void)
{
	proc_remove(kedu_proc);
	pci_unregister_driver(&kedu_driver);
}

module_init(kedu_init);
module_exit(kedu_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK test: a PCI driver with a hard interrupt handler (QEMU edu)");
