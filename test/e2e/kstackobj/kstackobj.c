// SPDX-License-Identifier: GPL-2.0
/*
 * kstackobj: stack objects the kernel reaches through another object, as
 * drivers write them: an SPI driver's transfers on the stack
 * (spi_sync_transfer() of a `struct spi_transfer t[2]`; one transfer and
 * its message, spi_message_add_tail() and spi_sync(); an array of
 * transfers linked into a kzalloc()ed message), the SPI core reaching
 * each transfer through the message's list (container_of() of its
 * `transfer_list`), also with the data buffers on the stack; and a
 * platform device whose software-node properties are a stack
 * `struct property_entry props[]` behind a stack platform_device_info.
 *
 * Found by helper p61 (docs/COVERAGE.md, fifteenth session): a typed
 * pointer into a stack object reached through another object was mirrored
 * as one object of its type -- a 16-byte mirror of the transfer's
 * list_head (the kernel's container_of() read the slab redzone: general
 * protection fault in spi_transfer_one_message()), one property entry of
 * the array (-ENOMEM).  The stack's locals are registered with their
 * frame now (DUSK_LOCAL(), libduskrt/commit.c, local_of()).
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>

struct kso_priv {
	u8 key;
	unsigned int transfers, bytes;
};

static struct platform_device *pdev, *pnode;
static struct spi_controller *ctlr;
static struct spi_device *spi;
/* the data buffers are static: the shapes under test are the transfers */
static u8 tx[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 }, rx[12];

static int kso_transfer_one(struct spi_controller *c, struct spi_device *s,
			    struct spi_transfer *t)
{
	struct kso_priv *p = spi_controller_get_devdata(c);
	const u8 *in = t->tx_buf;
	u8 *out = t->rx_buf;
	unsigned int i;

	for (i = 0; i < t->len; i++)
		if (out)
			out[i] = (in ? in[i] : 0) ^ p->key;
	p->transfers++;
	p->bytes += t->len;
	return 0;
}

static void kso_show(const char *what, int ret, unsigned int actual)
{
	struct kso_priv *p = spi_controller_get_devdata(ctlr);

	pr_info("kstackobj: %s %d actual %u: %*ph (transfers %u bytes %u)\n", what, ret,
		actual, (int)sizeof(rx), rx, p->transfers, p->bytes);
	memset(rx, 0, sizeof(rx));
}

/* spi_sync_transfer() of a stack array: the message is on the stack too,
 * its list links the array's elements */
static int kso_array(void)
{
	struct spi_transfer t[2] = {
		{ .tx_buf = tx, .rx_buf = rx, .len = 3 },
		{ .tx_buf = tx + 3, .rx_buf = rx + 3, .len = 5, .cs_change = 0 },
	};
	int ret = spi_sync_transfer(spi, t, ARRAY_SIZE(t));

	kso_show("array", ret, t[0].len + t[1].len);
	return ret;
}

/* one stack transfer added to a stack message by hand */
static int kso_single(void)
{
	struct spi_transfer x = { .tx_buf = tx + 8, .rx_buf = rx + 8, .len = 4 };
	struct spi_message m;
	int ret;

	spi_message_init(&m);
	spi_message_add_tail(&x, &m);
	ret = spi_sync(spi, &m);
	kso_show("single", ret, m.actual_length);
	return ret;
}

/* a kzalloc()ed message whose list holds the addresses of a stack array's
 * elements (stored into kernel memory) */
static int kso_heap_message(void)
{
	struct spi_transfer ta[3];
	struct spi_message *m = kzalloc(sizeof(*m), GFP_KERNEL);
	int i, ret;

	if (!m)
		return -ENOMEM;
	memset(ta, 0, sizeof(ta));
	spi_message_init(m);
	for (i = 0; i < ARRAY_SIZE(ta); i++) {
		ta[i].tx_buf = tx + 4 * i;
		ta[i].rx_buf = rx + 4 * i;
		ta[i].len = 4 - i;
		spi_message_add_tail(&ta[i], m);
	}
	ret = spi_sync(spi, m);
	kso_show("heap message", ret, m->actual_length);
	kfree(m);
	return ret;
}

/* the data buffers on the stack too, as spi_write_then_read()'s callers
 * have them: `void *` buffers of unknown size beside the transfers */
static int kso_stack_buffers(void)
{
	u8 out[4] = { 0x10, 0x20, 0x30, 0x40 }, in[4] = { 0 };
	struct spi_transfer t[2] = {
		{ .tx_buf = out, .len = 2 },
		{ .tx_buf = out + 2, .rx_buf = in, .len = 2 },
	};
	int ret = spi_sync_transfer(spi, t, ARRAY_SIZE(t));

	pr_info("kstackobj: stack buffers %d: %*ph\n", ret, (int)sizeof(in), in);
	return ret;
}

/* properties on the stack, behind a stack platform_device_info: the
 * kernel copies them (device_create_managed_software_node()) */
static int kso_props(void)
{
	struct property_entry props[] = {
		PROPERTY_ENTRY_STRING("label", "kstackobj-node"),
		PROPERTY_ENTRY_U32("reg-width", 24),
		PROPERTY_ENTRY_U16("lanes", 3),
		PROPERTY_ENTRY_STRING("compatible", "dusk,kstackobj"),
		PROPERTY_ENTRY_BOOL("wakeup-source"),
		{ }
	};
	struct platform_device_info info = {
		.name = "kstackobj-node",
		.id = PLATFORM_DEVID_NONE,
		.properties = props,
	};
	const char *label = "?", *compat = "?";
	u32 w = 0;
	u16 lanes = 0;
	int r1, r2, r3, r4;

	pnode = platform_device_register_full(&info);
	if (IS_ERR(pnode)) {
		pr_info("kstackobj: node device: %ld\n", PTR_ERR(pnode));
		return PTR_ERR(pnode);
	}
	r1 = device_property_read_string(&pnode->dev, "label", &label);
	r2 = device_property_read_u32(&pnode->dev, "reg-width", &w);
	r3 = device_property_read_u16(&pnode->dev, "lanes", &lanes);
	r4 = device_property_read_string(&pnode->dev, "compatible", &compat);
	pr_info("kstackobj: %s: label %s (%d) reg-width %u (%d) lanes %u (%d) compatible %s (%d) wakeup %d\n",
		dev_name(&pnode->dev), label, r1, w, r2, lanes, r3, compat, r4,
		device_property_present(&pnode->dev, "wakeup-source"));
	return 0;
}

static int __init kstackobj_init(void)
{
	struct spi_board_info info = {
		.modalias = "kstackobj-dev",
		.max_speed_hz = 1000000,
		.chip_select = 0,
	};
	struct kso_priv *p;
	int ret;

	pdev = platform_device_register_simple("kstackobj", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = -ENOMEM;
	ctlr = spi_alloc_master(&pdev->dev, sizeof(*p));
	if (!ctlr)
		goto out_pdev;
	p = spi_controller_get_devdata(ctlr);
	p->key = 0x5a;
	ctlr->bus_num = -1;
	ctlr->num_chipselect = 1;
	ctlr->bits_per_word_mask = SPI_BPW_MASK(8);
	ctlr->transfer_one = kso_transfer_one;
	ret = spi_register_controller(ctlr);
	if (ret) {
		spi_controller_put(ctlr);
		goto out_pdev;
	}
	spi = spi_new_device(ctlr, &info);
	if (!spi) {
		ret = -ENODEV;
		goto out_ctlr;
	}
	kso_array();
	kso_single();
	kso_heap_message();
	kso_array();	/* again: the frame's next locals at the same place */
	kso_stack_buffers();
	ret = kso_props();
	if (ret)
		goto out_dev;
	return 0;

out_dev:
	spi_unregister_device(spi);
out_ctlr:
	spi_unregister_controller(ctlr);
out_pdev:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit kstackobj_exit(void)
{
	struct kso_priv *p = spi_controller_get_devdata(ctlr);

	pr_info("kstackobj: bye: transfers %u bytes %u\n", p->transfers, p->bytes);
	spi_unregister_device(spi);
	spi_unregister_controller(ctlr);
	platform_device_unregister(pdev);
	platform_device_unregister(pnode);
}

module_init(kstackobj_init);
module_exit(kstackobj_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: stack objects the kernel reaches through another object");
