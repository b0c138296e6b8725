// SPDX-License-Identifier: GPL-2.0
/*
 * Stack locals registered with their frame (DUSK_LOCAL()): an array of
 * kernel records (the SPI transfers spi_sync_transfer() links into the
 * message's list, a software node's property entries), and a kernel
 * record whose address (or a member's) is taken.  Not registered: a
 * record whose address is never taken, scalars, char buffers, the
 * module's own types, statics, and a `for` clause's declaration.
 */
#include <linux/module.h>
#include <linux/property.h>
#include <linux/spi/spi.h>

struct sl_own {
	int a;
	struct list_head link;
};

static u8 sl_buf[8];

int sl_transfer(struct spi_device *spi)
{
	struct spi_transfer t[2] = {
		{ .tx_buf = sl_buf, .len = 4 },
		{ .rx_buf = sl_buf + 4, .len = 4 },
	};
	struct spi_transfer x = { .tx_buf = sl_buf, .len = 1 };
	struct spi_message m;
	struct spi_transfer unused = { .len = 2 };
	struct sl_own own;
	char name[16];
	int i, n = 0;
	static struct spi_transfer st;

	INIT_LIST_HEAD(&own.link);
	snprintf(name, sizeof(name), "%d", unused.len);
	spi_message_init(&m);
	spi_message_add_tail(&x, &m);
	for (i = 0; i < 2; i++) {
		struct spi_transfer inner = { .len = i };

		n += spi_sync_transfer(spi, &inner, 1);
	}
	n += spi_sync(spi, &m);
	n += spi_sync_transfer(spi, &st, 1);
	return n + spi_sync_transfer(spi, t, ARRAY_SIZE(t)) + own.a + name[0];
}

const struct property_entry *sl_props(void)
{
	struct property_entry props[] = {
		PROPERTY_ENTRY_U32("reg", 1),
		{ }
	};

	return property_entries_dup(props);
}
MODULE_LICENSE("GPL");
