// SPDX-License-Identifier: GPL-2.0
/*
 * kiio: an IIO sensor driver (a thermometer and a DAC) as sensor drivers
 * are: iio_device_alloc() with a private area, channels with info masks,
 * read_raw/write_raw, iio_device_register(); the driver's own consumer
 * reads it back through an in-kernel channel map (iio_map_array_register,
 * iio_channel_get, iio_read_channel_raw, iio_read_channel_scale,
 * iio_write_channel_raw, iio_read_channel_processed).  /proc/kiio shows
 * what the consumer reads; a write to it sets the DAC through the
 * consumer.  The user build died before at iio_device_register(): the
 * struct iio_dev and its private area are the kernel's allocation, and the
 * driver's stores were refused.  Then the processed temperature was wrong:
 * the core converts what read_raw() wrote into the consumer's variable,
 * a callback's write into the waiting call's object.
 */
#include <linux/module.h>
#include <linux/iio/iio.h>
#include <linux/iio/driver.h>
#include <linux/iio/machine.h>
#include <linux/iio/consumer.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

struct kiio {
	struct mutex lock;
	int temp_mc;	/* millidegrees */
	int dac;
	unsigned int reads, writes;
};

static struct iio_dev *idev;
static struct iio_channel *ch_temp, *ch_dac;

static ssize_t p_mode_read(struct iio_dev *indio_dev, uintptr_t priv,
			   const struct iio_chan_spec *chan, char *buf)
{
	struct kiio *st = iio_priv(indio_dev);

	return sysfs_emit(buf, "reads %u\n", st->reads);
}

static const struct iio_chan_spec_ext_info p_ext[] = {
	{ .name = "stats", .read = p_mode_read, .shared = IIO_SEPARATE },
	{ }
};

static const struct iio_chan_spec p_channels[] = {
	{
		.type = IIO_TEMP,
		.datasheet_name = "temp",
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW) | BIT(IIO_CHAN_INFO_SCALE) |
				      BIT(IIO_CHAN_INFO_OFFSET),
		.ext_info = p_ext,
	},
	{
		.type = IIO_VOLTAGE,
		.indexed = 1,
		.channel = 0,
		.output = 1,
		.datasheet_name = "voltage0",
		.info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
	},
};

static int p_read_raw(struct iio_dev *indio_dev, struct iio_chan_spec const *chan,
		      int *val, int *val2, long mask)
{
	struct kiio *st = iio_priv(indio_dev);
	int ret = -EINVAL;

	mutex_lock(&st->lock);
	st->reads++;
	switch (mask) {
	case IIO_CHAN_INFO_RAW:
		*val = chan->type == IIO_TEMP ? st->temp_mc / 250 : st->dac;
		ret = IIO_VAL_INT;
		break;
	case IIO_CHAN_INFO_SCALE:
		*val = 250;
		ret = IIO_VAL_INT;
		break;
	case IIO_CHAN_INFO_OFFSET:
		*val = 4;
		ret = IIO_VAL_INT;
		break;
	}
	mutex_unlock(&st->lock);
	return ret;
}

static int p_write_raw(struct iio_dev *indio_dev, struct iio_chan_spec const *chan,
		       int val, int val2, long mask)
{
	struct kiio *st = iio_priv(indio_dev);

	if (mask != IIO_CHAN_INFO_RAW || !chan->output || val < 0 || val > 4095)
		return -EINVAL;
	mutex_lock(&st->lock);
	st->dac = val;
	st->writes++;
	/* the DAC heats the sensor */
	st->temp_mc = 21000 + val * 10;
	mutex_unlock(&st->lock);
	return 0;
}

static const struct iio_info p_info = {
	.read_raw = p_read_raw,
	.write_raw = p_write_raw,
};

static struct iio_map p_maps[] = {
	{ .consumer_dev_name = "kiio-consumer", .consumer_channel = "temp",
	  .adc_channel_label = "temp" },
	{ .consumer_dev_name = "kiio-consumer", .consumer_channel = "dac",
	  .adc_channel_label = "voltage0" },
	{ }
};

static int p_show(struct seq_file *m, void *v)
{
	struct kiio *st = iio_priv(idev);
	int t = 0, t2 = 0, raw = 0, d = 0, mc = 0, e1, e2, e3, e4;

	e1 = iio_read_channel_scale(ch_temp, &t, &t2);
	e2 = iio_read_channel_raw(ch_temp, &raw);
	e3 = iio_read_channel_raw(ch_dac, &d);
	/* the core converts what read_raw() wrote into mc: (raw + offset) * scale */
	e4 = iio_read_channel_processed(ch_temp, &mc);
	seq_printf(m, "scale %d (%d) raw %d (%d) dac %d (%d) processed %d (%d) reads %u writes %u\n",
		   t, e1, raw, e2, d, e3, mc, e4, st->reads, st->writes);
	return 0;
}

static int p_open(struct inode *inode, struct file *file)
{
	return single_open(file, p_show, NULL);
}

static ssize_t p_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	int val, err;

	err = kstrtoint_from_user(buf, len, 0, &val);
	if (err)
		return err;
	err = iio_write_channel_raw(ch_dac, val * 100);
	pr_info("kiio: dac set to %d: %d\n", val * 100, err);
	return err ? err : len;
}

static const struct proc_ops p_fops = {
	.proc_open = p_open,
	.proc_read = seq_read,
	.proc_write = p_write,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init p_init(void)
{
	struct kiio *st;
	int err;

	idev = iio_device_alloc(NULL, sizeof(*st));
	if (!idev)
		return -ENOMEM;
	st = iio_priv(idev);
	mutex_init(&st->lock);
	st->temp_mc = 21000;
	idev->name = "kiio";
	idev->info = &p_info;
	idev->modes = INDIO_DIRECT_MODE;
	idev->channels = p_channels;
	idev->num_channels = ARRAY_SIZE(p_channels);
	err = iio_device_register(idev);
	if (err)
		goto free;
	err = iio_map_array_register(idev, p_maps);
	if (err)
		goto unreg;
	ch_temp = iio_channel_get(NULL, "temp");
	ch_dac = iio_channel_get(NULL, "dac");
	pr_info("kiio: channels %d %d\n", PTR_ERR_OR_ZERO(ch_temp), PTR_ERR_OR_ZERO(ch_dac));
	if (IS_ERR(ch_temp) || IS_ERR(ch_dac)) {
		err = -ENODEV;
		goto unmap;
	}
	err = iio_write_channel_raw(ch_dac, 300);
	pr_info("kiio: registered, dac write %d\n", err);
	if (!proc_create("kiio", 0666, NULL, &p_fops)) {
		err = -ENOMEM;
		goto chans;
	}
	return 0;
chans:
unmap:
	if (!IS_ERR(ch_dac))
		iio_channel_release(ch_dac);
	if (!IS_ERR(ch_temp))
		iio_channel_release(ch_temp);
	iio_map_array_unregister(idev);
unreg:
	iio_device_unregister(idev);
free:
	iio_device_free(idev);
	return err;
}

static void __exit p_exit(void)
{
	struct kiio *st = iio_priv(idev);

	remove_proc_entry("kiio", NULL);
	iio_channel_release(ch_dac);
	iio_channel_release(ch_temp);
	iio_map_array_unregister(idev);
	iio_device_unregister(idev);
	pr_info("kiio: reads %u writes %u dac %d\n", st->reads, st->writes, st->dac);
	iio_device_free(idev);
}

module_init(p_init);
module_exit(p_exit);
MODULE_LICENSE("GPL");
