// SPDX-License-Identifier: GPL-2.0
/*
 * kserio: a serio port of the module's own (an echo device: each byte the
 * driver writes comes back inverted through serio_interrupt(), as a
 * port's interrupt handler hands bytes on) and a serio driver bound to it
 * (connect with serio_open(), .interrupt keeping the bytes, disconnect).
 * /proc/kserio shows the bytes; a write to it sends bytes with
 * serio_write().  Before (probe round p66), the user build's .interrupt,
 * called under the port's lock with interrupts off, answered IRQ_NONE
 * unrun (no byte ever arrived), and the port, which the serio core
 * kfree()s at its release, was freed a second time by teardown (SLUB
 * "Object already free").
 */
#include <linux/module.h>
#include <linux/serio.h>
#include <linux/slab.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>

#define KSERIO_PROTO 0x66

static struct serio *port;
static struct serio *bound;
static DEFINE_SPINLOCK(rlock);
static u8 got[32];
static unsigned int ngot, nwritten;

static int ks_port_write(struct serio *s, unsigned char c)
{
	nwritten++;
	serio_interrupt(s, c ^ 0xff, 0);
	return 0;
}

static irqreturn_t ks_interrupt(struct serio *s, unsigned char data, unsigned int flags)
{
	spin_lock(&rlock);
	if (ngot < sizeof(got))
		got[ngot++] = data;
	spin_unlock(&rlock);
	return IRQ_HANDLED;
}

static int ks_connect(struct serio *s, struct serio_driver *drv)
{
	int err = serio_open(s, drv);

	if (err)
		return err;
	bound = s;
	pr_info("kserio: connected to %s\n", s->name);
	return 0;
}

static void ks_disconnect(struct serio *s)
{
	serio_close(s);
	bound = NULL;
	pr_info("kserio: disconnected\n");
}

static const struct serio_device_id ks_ids[] = {
	{ .type = SERIO_RS232, .proto = KSERIO_PROTO, .id = SERIO_ANY, .extra = SERIO_ANY },
	{ }
};

static struct serio_driver ks_drv = {
	.driver = { .name = "kserio" },
	.description = "kserio echo driver",
	.id_table = ks_ids,
	.interrupt = ks_interrupt,
	.connect = ks_connect,
	.disconnect = ks_disconnect,
};

static int ks_show(struct seq_file *m, void *v)
{
	unsigned int i;

	seq_printf(m, "bound %s written %u got %u:", bound ? "yes" : "no", nwritten, ngot);
	spin_lock_irq(&rlock);
	for (i = 0; i < ngot; i++)
		seq_printf(m, " %02x", got[i]);
	spin_unlock_irq(&rlock);
	seq_putc(m, '\n');
	return 0;
}

static int ks_open(struct inode *i, struct file *f)
{
	return single_open(f, ks_show, NULL);
}

static ssize_t ks_write(struct file *f, const char __user *ubuf, size_t n, loff_t *off)
{
	char buf[16];
	size_t i, len = min(n, sizeof(buf));

	if (!bound)
		return -ENODEV;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	for (i = 0; i < len; i++)
		if (buf[i] != '\n' && serio_write(bound, buf[i]))
			return -EIO;
	return n;
}

static const struct proc_ops ks_pops = {
	.proc_open = ks_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = ks_write,
};

static int __init ks_init(void)
{
	int err = serio_register_driver(&ks_drv);

	if (err)
		return err;
	port = kzalloc(sizeof(*port), GFP_KERNEL);
	if (!port) {
		serio_unregister_driver(&ks_drv);
		return -ENOMEM;
	}
	port->id.type = SERIO_RS232;
	port->id.proto = KSERIO_PROTO;
	port->write = ks_port_write;
	strscpy(port->name, "kserio echo port", sizeof(port->name));
	strscpy(port->phys, "kserio/serio0", sizeof(port->phys));
	serio_register_port(port);
	proc_create("kserio", 0666, NULL, &ks_pops);
	return 0;
}

static void __exit ks_exit(void)
{
	remove_proc_entry("kserio", NULL);
	serio_unregister_port(port);
	serio_unregister_driver(&ks_drv);
	pr_info("kserio: unloaded after %u bytes\n", nwritten);
}

module_init(ks_init);
module_exit(ks_exit);
MODULE_LICENSE("GPL");
