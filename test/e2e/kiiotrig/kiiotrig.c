// kiiotrig: an IIO ADC with a triggered buffer and a trigger of its own
// driven by an hrtimer, as iio-trig-hrtimer drives one: the hrtimer
// function calls iio_trigger_poll(), which only hard interrupt context
// calls (it runs the trigger's interrupt flow); the thread handler pushes
// scans the guest reads from /dev/iio:deviceN.  The user build runs the
// hrtimer function late, in process context, and the kmod makes the call
// with interrupts off.
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/hrtimer.h>
#include <linux/iio/iio.h>
#include <linux/iio/buffer.h>
#include <linux/iio/trigger.h>
#include <linux/iio/triggered_buffer.h>
#include <linux/iio/trigger_consumer.h>

struct kit_adc {
	struct iio_trigger *trig;
	struct hrtimer timer;
	u16 sample;
	int scans, ticks;
	struct { u16 ch[2]; s64 ts __aligned(8); } scan;
};

static struct platform_device *pdev;
static struct iio_dev *indio;

static const struct iio_chan_spec kit_chans[] = {
	{ .type = IIO_VOLTAGE, .indexed = 1, .channel = 0, .scan_index = 0,
	  .info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
	  .scan_type = { .sign = 'u', .realbits = 12, .storagebits = 16, .endianness = IIO_CPU } },
	{ .type = IIO_VOLTAGE, .indexed = 1, .channel = 1, .scan_index = 1,
	  .info_mask_separate = BIT(IIO_CHAN_INFO_RAW),
	  .scan_type = { .sign = 'u', .realbits = 12, .storagebits = 16, .endianness = IIO_CPU } },
	IIO_CHAN_SOFT_TIMESTAMP(2),
};

static int kit_read_raw(struct iio_dev *dev, struct iio_chan_spec const *ch, int *val,
			int *val2, long mask)
{
	int ret = iio_device_claim_direct_mode(dev);

	if (ret)
		return ret;
	*val = 100 * (ch->channel + 1);
	iio_device_release_direct_mode(dev);
	return IIO_VAL_INT;
}

static const struct iio_info kit_info = { .read_raw = kit_read_raw };

static irqreturn_t kit_thread(int irq, void *p)
{
	struct iio_poll_func *pf = p;
	struct iio_dev *dev = pf->indio_dev;
	struct kit_adc *st = iio_priv(dev);

	st->scan.ch[0] = st->sample;
	st->scan.ch[1] = 0x0fff - st->sample;
	st->sample++;
	st->scans++;
	iio_push_to_buffers_with_timestamp(dev, &st->scan, pf->timestamp);
	iio_trigger_notify_done(dev->trig);
	return IRQ_HANDLED;
}

static enum hrtimer_restart kit_tick(struct hrtimer *t)
{
	struct kit_adc *st = container_of(t, struct kit_adc, timer);

	st->ticks++;
	hrtimer_forward_now(t, ms_to_ktime(20));
	iio_trigger_poll(st->trig);
	return HRTIMER_RESTART;
}

static int kit_trig_state(struct iio_trigger *trig, bool on)
{
	struct kit_adc *st = iio_trigger_get_drvdata(trig);

	if (on)
		hrtimer_start(&st->timer, ms_to_ktime(20), HRTIMER_MODE_REL);
	else
		hrtimer_cancel(&st->timer);
	return 0;
}

static const struct iio_trigger_ops kit_trig_ops = { .set_trigger_state = kit_trig_state };

static int kit_postenable(struct iio_dev *dev)
{
	struct kit_adc *st = iio_priv(dev);

	st->sample = 0;
	return 0;
}

static const struct iio_buffer_setup_ops kit_bops = { .postenable = kit_postenable };

static int __init kit_init(void)
{
	struct kit_adc *st;
	int ret;

	pdev = platform_device_register_simple("kiiotrig", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	indio = iio_device_alloc(&pdev->dev, sizeof(*st));
	if (!indio) {
		ret = -ENOMEM;
		goto err_pdev;
	}
	st = iio_priv(indio);
	hrtimer_init(&st->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	st->timer.function = kit_tick;
	indio->name = "kiiotrig";
	indio->info = &kit_info;
	indio->channels = kit_chans;
	indio->num_channels = ARRAY_SIZE(kit_chans);
	indio->modes = INDIO_DIRECT_MODE;
	st->trig = iio_trigger_alloc(&pdev->dev, "kiiotrig-trig");
	if (!st->trig) {
		ret = -ENOMEM;
		goto err_dev;
	}
	st->trig->ops = &kit_trig_ops;
	iio_trigger_set_drvdata(st->trig, st);
	ret = iio_trigger_register(st->trig);
	if (ret)
		goto err_trig;
	ret = iio_triggered_buffer_setup(indio, iio_pollfunc_store_time, kit_thread, &kit_bops);
	if (ret)
		goto err_trig_reg;
	ret = iio_device_register(indio);
	if (ret)
		goto err_buf;
	return 0;
err_buf:
	iio_triggered_buffer_cleanup(indio);
err_trig_reg:
	iio_trigger_unregister(st->trig);
err_trig:
	iio_trigger_free(st->trig);
err_dev:
	iio_device_free(indio);
err_pdev:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit kit_exit(void)
{
	struct kit_adc *st = iio_priv(indio);

	iio_device_unregister(indio);
	iio_triggered_buffer_cleanup(indio);
	iio_trigger_unregister(st->trig);
	iio_trigger_free(st->trig);
	pr_info("kiiotrig: scans>0 %d ticks>0 %d\n", st->scans > 0, st->ticks > 0);
	iio_device_free(indio);
	platform_device_unregister(pdev);
}
module_init(kit_init);
module_exit(kit_exit);
MODULE_LICENSE("GPL");
