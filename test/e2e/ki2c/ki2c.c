// SPDX-License-Identifier: GPL-2.0
/*
 * ki2c — an I2C bus and a chip driver on it, the i2c-stub pattern
 * out-of-tree drivers are tested with: an adapter of the module's own
 * (i2c_add_adapter() with an i2c_algorithm: master_xfer over a 256-byte
 * register file, the SMBus calls left to the core's emulation), a client
 * made with i2c_new_client_device() at 0x50 and an i2c_driver bound to it
 * by name, whose probe reads an ID register.  /proc/ki2c shows what the
 * driver reads through the core (byte, word, block, raw i2c_transfer); a
 * write of N stores N at register 0x10 and reads it back.
 *
 * master_xfer() fills each read message's buf, the SMBus emulation's
 * buffers on its caller's stack: lent to the program with the messages
 * (before, the first store there was refused and the probe failed,
 * -EACCES).  A program that dies leaves no adapter, client or driver
 * behind (before, the adapter stayed registered over its freed mirror
 * and the next read of its sysfs name oopsed: kill.sh).
 */
#include <linux/module.h>
#include <linux/i2c.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#define KI2C_ADDR 0x50

static u8 regs[256];		/* the chip's registers */
static u8 reg_ptr;
static unsigned int xfers, msgs_seen;

struct kichip {
	struct i2c_client *client;
	int id;
	int last;
};

static struct i2c_client *client;

/* One message at a time, as an EEPROM-like chip: a write sets the
 * register pointer and stores the bytes after it; a read reads on. */
static int kia_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	int i, j;

	xfers++;
	for (i = 0; i < num; i++) {
		struct i2c_msg *m = &msgs[i];

		msgs_seen++;
		if (m->addr != KI2C_ADDR)
			return -ENXIO;
		if (m->flags & I2C_M_RD) {
			for (j = 0; j < m->len; j++)
				m->buf[j] = regs[reg_ptr++];
		} else if (m->len) {
			reg_ptr = m->buf[0];
			for (j = 1; j < m->len; j++)
				regs[reg_ptr++] = m->buf[j];
		}
	}
	return num;
}

static u32 kia_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm kia_algo = {
	.master_xfer = kia_xfer,
	.functionality = kia_func,
};

static struct i2c_adapter ki2c_adap = {
	.owner = THIS_MODULE,
	.class = I2C_CLASS_HWMON,
	.algo = &kia_algo,
	.name = "ki2c bus",
};

static int kichip_probe(struct i2c_client *c)
{
	struct kichip *chip;

	chip = devm_kzalloc(&c->dev, sizeof(*chip), GFP_KERNEL);
	if (!chip)
		return -ENOMEM;
	chip->client = c;
	chip->id = i2c_smbus_read_byte_data(c, 0x00);
	if (chip->id < 0)
		return chip->id;
	i2c_set_clientdata(c, chip);
	dev_info(&c->dev, "kichip id %#x at %#x\n", chip->id, c->addr);
	return 0;
}

static void kichip_remove(struct i2c_client *c)
{
	struct kichip *chip = i2c_get_clientdata(c);

	dev_info(&c->dev, "kichip remove, last %d\n", chip->last);
}

static const struct i2c_device_id kichip_ids[] = {
	{ "kichip", 0 },
	{ }
};
MODULE_DEVICE_TABLE(i2c, kichip_ids);

static struct i2c_driver kichip_driver = {
	.driver = { .name = "kichip" },
	.probe_new = kichip_probe,
	.remove = kichip_remove,
	.id_table = kichip_ids,
};

static int ki2c_show(struct seq_file *m, void *v)
{
	struct kichip *chip = client ? i2c_get_clientdata(client) : NULL;
	u8 block[8], raw[4], at = 0x20;
	struct i2c_msg msgs[2] = {
		{ .addr = KI2C_ADDR, .flags = 0, .len = 1, .buf = &at },
		{ .addr = KI2C_ADDR, .flags = I2C_M_RD, .len = sizeof(raw), .buf = raw },
	};
	int w, b, r;

	if (!chip) {
		seq_puts(m, "no chip bound\n");
		return 0;
	}
	w = i2c_smbus_read_word_data(client, 0x01);
	b = i2c_smbus_read_i2c_block_data(client, 0x20, sizeof(block), block);
	r = i2c_transfer(client->adapter, msgs, 2);
	seq_printf(m, "id %#x reg10 %d word %#x\n", chip->id,
		   i2c_smbus_read_byte_data(client, 0x10), w);
	seq_printf(m, "block %d: %*ph\n", b, b > 0 ? b : 0, block);
	seq_printf(m, "transfer %d: %*ph\n", r, (int)sizeof(raw), raw);
	seq_printf(m, "adapter %s nr %d func %#x xfers>0 %d msgs>0 %d last %d\n",
		   client->adapter->name, i2c_adapter_id(client->adapter),
		   i2c_get_functionality(client->adapter), xfers > 0,
		   msgs_seen > 0, chip->last);
	return 0;
}

static int ki2c_open(struct inode *inode, struct file *file)
{
	return single_open(file, ki2c_show, NULL);
}

static ssize_t ki2c_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *off)
{
	struct kichip *chip = client ? i2c_get_clientdata(client) : NULL;
	int v, ret;

	if (!chip)
		return -ENODEV;
	if (kstrtoint_from_user(ubuf, len, 0, &v))
		return -EINVAL;
	ret = i2c_smbus_write_byte_data(client, 0x10, v);
	if (ret)
		return ret;
	chip->last = i2c_smbus_read_byte_data(client, 0x10);
	return len;
}

static const struct proc_ops ki2c_proc = {
	.proc_open = ki2c_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
	.proc_write = ki2c_write,
};

static int __init ki2c_init(void)
{
	struct i2c_board_info info = { I2C_BOARD_INFO("kichip", KI2C_ADDR) };
	int i, ret;

	for (i = 0; i < 256; i++)
		regs[i] = i ^ 0x5a;
	regs[0] = 0x51;
	ret = i2c_add_adapter(&ki2c_adap);
	if (ret)
		return ret;
	ret = i2c_add_driver(&kichip_driver);
	if (ret)
		goto err_adap;
	client = i2c_new_client_device(&ki2c_adap, &info);
	if (IS_ERR(client)) {
		ret = PTR_ERR(client);
		client = NULL;
		goto err_drv;
	}
	if (!proc_create("ki2c", 0644, NULL, &ki2c_proc)) {
		ret = -ENOMEM;
		goto err_client;
	}
	pr_info("ki2c: bound %s\n", i2c_get_clientdata(client) ? "yes" : "no");
	return 0;

err_client:
	i2c_unregister_device(client);
err_drv:
	i2c_del_driver(&kichip_driver);
err_adap:
	i2c_del_adapter(&ki2c_adap);
	return ret;
}

static void __exit ki2c_exit(void)
{
	remove_proc_entry("ki2c", NULL);
	i2c_unregister_device(client);
	i2c_del_driver(&kichip_driver);
	i2c_del_adapter(&ki2c_adap);
}

module_init(ki2c_init);
module_exit(ki2c_exit);
MODULE_LICENSE("GPL");
