// SPDX-License-Identifier: GPL-2.0
/*
 * An I2C adapter's master_xfer(adap, msgs, num) fills the buf of each read
 * message: the SMBus emulation's buffers on its caller's stack, i2c-dev's
 * copies.  The messages and their bufs are lent (DUSK_LENT_I2C_MSGS); before,
 * only the first struct i2c_msg was, and the program's first store into a
 * read message's buf was refused (twentieth round of probes).  smbus_xfer's
 * union i2c_smbus_data is lent by its size, as any struct.  i2c_add_adapter()
 * is undone by i2c_del_adapter() when the program dies: left registered,
 * the adapter's freed mirror oopsed the next sysfs read of it.
 */
#include <linux/module.h>
#include <linux/i2c.h>

static u8 ix_regs[256];
static u8 ix_ptr;

static int ix_xfer(struct i2c_adapter *adap, struct i2c_msg *msgs, int num)
{
	int i, j;

	for (i = 0; i < num; i++) {
		if (msgs[i].flags & I2C_M_RD) {
			for (j = 0; j < msgs[i].len; j++)
				msgs[i].buf[j] = ix_regs[ix_ptr++];
		} else if (msgs[i].len) {
			ix_ptr = msgs[i].buf[0];
		}
	}
	return num;
}

static int ix_smbus(struct i2c_adapter *adap, u16 addr, unsigned short flags, char rw,
		    u8 command, int size, union i2c_smbus_data *data)
{
	if (rw == I2C_SMBUS_READ)
		data->byte = ix_regs[command];
	return 0;
}

static u32 ix_func(struct i2c_adapter *adap)
{
	return I2C_FUNC_I2C | I2C_FUNC_SMBUS_EMUL;
}

static const struct i2c_algorithm ix_algo = {
	.master_xfer = ix_xfer,
	.smbus_xfer = ix_smbus,
	.functionality = ix_func,
};

static struct i2c_adapter ix_adap = {
	.owner = THIS_MODULE,
	.algo = &ix_algo,
	.name = "ix",
};

static int __init ix_init(void)
{
	return i2c_add_adapter(&ix_adap);
}
module_init(ix_init);

static void __exit ix_exit(void)
{
	i2c_del_adapter(&ix_adap);
}
module_exit(ix_exit);
MODULE_LICENSE("GPL");
