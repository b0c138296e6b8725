// SPDX-License-Identifier: GPL-2.0
/*
 * kswnode: a platform device described by software-node properties, as
 * board files and x86 platform drivers describe theirs:
 * platform_device_register_full() with a struct property_entry[] built by
 * PROPERTY_ENTRY_STRING, _U32, _U8_ARRAY, _U32_ARRAY, _STRING_ARRAY and
 * _BOOL, in static tables; read back through the
 * unified property API (device_property_read_*()).  A third device from
 * platform_device_alloc(), its DMA mask set before platform_device_add().
 *
 * Found by probe round p60: the user build failed at load, "union member
 * holds own address ... cannot be translated": struct property_entry holds
 * a pointer (an array) or inline data (a string pointer, a number) in one
 * word, told apart by its is_inline.  Such a word is read by value now
 * (libduskrt/commit.c, word_union()).
 */
#include <linux/module.h>
#include <linux/dma-mapping.h>
#include <linux/platform_device.h>
#include <linux/property.h>

static const u32 widths[] = { 8, 16, 32 };
static const u8 mac[] = { 0x02, 0x00, 0x5e, 0x10, 0x20, 0x30 };
static const char *const modes[] = { "fast", "slow", "off" };

static const struct property_entry kswnode_props[] = {
	PROPERTY_ENTRY_STRING("label", "kswnode-a"),
	PROPERTY_ENTRY_U32("reg-width", 32),
	PROPERTY_ENTRY_U32_ARRAY("widths", widths),
	PROPERTY_ENTRY_U8_ARRAY("mac-address", mac),
	PROPERTY_ENTRY_STRING_ARRAY("modes", modes),
	PROPERTY_ENTRY_BOOL("wakeup-source"),
	{ }
};

static const u32 lanes[] = { 4, 2 };
static const struct property_entry kswnode_props_b[] = {
	PROPERTY_ENTRY_STRING("label", "kswnode-b"),
	PROPERTY_ENTRY_U32("reg-width", 16),
	PROPERTY_ENTRY_U32_ARRAY("widths", lanes),
	{ }
};

static struct platform_device *pa, *pb, *pc;

static void kswnode_show(struct platform_device *p)
{
	struct device *dev = &p->dev;
	const char *label = "?", *mode[3] = { "?", "?", "?" };
	u32 w = 0, ws[3] = { 0 };
	u8 m[6] = { 0 };
	int n, r1, r2, r3, r4;

	r1 = device_property_read_string(dev, "label", &label);
	r2 = device_property_read_u32(dev, "reg-width", &w);
	r3 = device_property_read_u32_array(dev, "widths", ws, ARRAY_SIZE(ws));
	r4 = device_property_read_u8_array(dev, "mac-address", m, sizeof(m));
	n = device_property_read_string_array(dev, "modes", mode, ARRAY_SIZE(mode));
	pr_info("kswnode: %s: label %s (%d) reg-width %u (%d) widths %u %u %u (%d)\n",
		dev_name(dev), label, r1, w, r2, ws[0], ws[1], ws[2], r3);
	pr_info("kswnode: %s: mac %pM (%d) modes %d: %s %s %s wakeup %d count %d\n",
		dev_name(dev), m, r4, n, mode[0], mode[1], mode[2],
		device_property_present(dev, "wakeup-source"),
		device_property_count_u32(dev, "widths"));
}

static int __init kswnode_init(void)
{
	struct platform_device_info info = {
		.name = "kswnode",
		.id = 0,
		.properties = kswnode_props,
	};

	pa = platform_device_register_full(&info);
	if (IS_ERR(pa))
		return PTR_ERR(pa);
	info.id = 1;
	info.properties = kswnode_props_b;
	pb = platform_device_register_full(&info);
	if (IS_ERR(pb)) {
		platform_device_unregister(pa);
		return PTR_ERR(pb);
	}
	kswnode_show(pa);
	kswnode_show(pb);
	/* a device the kernel allocates and the module fills in before
	 * adding it (handed.c) */
	pc = platform_device_alloc("kswnode", 2);
	if (!pc)
		goto out;
	pc->dev.coherent_dma_mask = DMA_BIT_MASK(24);
	pc->dev.dma_mask = &pc->dev.coherent_dma_mask;
	if (platform_device_add(pc)) {
		platform_device_put(pc);
		pc = NULL;
		goto out;
	}
	pr_info("kswnode: %s added, dma mask %#llx\n", dev_name(&pc->dev),
		(unsigned long long)*pc->dev.dma_mask);
	return 0;
out:
	platform_device_unregister(pb);
	platform_device_unregister(pa);
	return -ENOMEM;
}

static void __exit kswnode_exit(void)
{
	kswnode_show(pb);
	platform_device_unregister(pc);
	platform_device_unregister(pb);
	platform_device_unregister(pa);
}

module_init(kswnode_init);
module_exit(kswnode_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: software-node properties of a platform device");
