// SPDX-License-Identifier: GPL-2.0
/*
 * kspictl: an SPI controller driver as third parties write them (a
 * bit-banging or FPGA bridge): spi_alloc_master() with a private area,
 * bus_num, num_chipselect, mode_bits, setup() and transfer_one() filled
 * in, spi_register_controller(); a second controller from
 * devm_spi_alloc_master(), freed with its parent device; a device on the
 * first made with spi_new_device(), a full-duplex transfer through the SPI
 * core (spi_sync_transfer()) that transfer_one() answers from the private
 * area's state.
 *
 * Found by probe round p60: the user build died at
 * spi_register_controller() ("write outside mirrors, owned and lent
 * memory"): the controller and its private area are the kernel's
 * allocation, which the driver fills (dusk-kmod/core/handed.c, devres.c).
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/spi/spi.h>

struct kspi_priv {
	u8 key;
	unsigned int setups, transfers, bytes;
	char tag[16];
};

static struct platform_device *pdev;
static struct spi_controller *ctlr, *ctlr2;
static struct spi_device *spi;
/* static: the transfers on the stack are e2e kstackobj's */
static u8 tx[6] = { 1, 2, 3, 0x40, 0x55, 0xff }, rx[6];
static struct spi_transfer xfer = { .tx_buf = tx, .rx_buf = rx, .len = sizeof(tx) };

static int kspi_setup(struct spi_device *s)
{
	struct kspi_priv *p = spi_controller_get_devdata(s->controller);

	p->setups++;
	pr_info("kspictl: %s setup cs %d mode %#x speed %u\n", p->tag, s->chip_select,
		s->mode, s->max_speed_hz);
	return 0;
}

/* The "wire": each byte sent comes back xor'ed with the key. */
static int kspi_transfer_one(struct spi_controller *c, struct spi_device *s,
			     struct spi_transfer *t)
{
	struct kspi_priv *p = spi_controller_get_devdata(c);
	const u8 *tx = t->tx_buf;
	u8 *rx = t->rx_buf;
	unsigned int i;

	for (i = 0; i < t->len; i++)
		if (rx)
			rx[i] = (tx ? tx[i] : 0) ^ p->key;
	p->transfers++;
	p->bytes += t->len;
	return 0;
}

static struct spi_controller *kspi_make(bool devm, int cs, u8 key, const char *tag)
{
	struct spi_controller *c;
	struct kspi_priv *p;

	c = devm ? devm_spi_alloc_master(&pdev->dev, sizeof(*p))
		 : spi_alloc_master(&pdev->dev, sizeof(*p));
	if (!c)
		return NULL;
	p = spi_controller_get_devdata(c);
	p->key = key;
	strscpy(p->tag, tag, sizeof(p->tag));
	c->bus_num = -1;
	c->num_chipselect = cs;
	c->mode_bits = SPI_CPOL | SPI_CPHA | SPI_CS_HIGH;
	c->bits_per_word_mask = SPI_BPW_MASK(8);
	c->setup = kspi_setup;
	c->transfer_one = kspi_transfer_one;
	return c;
}

static int __init kspictl_init(void)
{
	struct spi_board_info info = {
		.modalias = "kspidev",
		.max_speed_hz = 1000000,
		.chip_select = 1,
		.mode = SPI_MODE_3,
	};
	struct kspi_priv *p;
	int ret;

	pdev = platform_device_register_simple("kspictl", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	ret = -ENOMEM;
	ctlr = kspi_make(false, 2, 0x5a, "plain");
	if (!ctlr)
		goto out_pdev;
	ret = spi_register_controller(ctlr);
	if (ret) {
		spi_controller_put(ctlr);
		goto out_pdev;
	}
	ctlr2 = kspi_make(true, 1, 0x0f, "devm");
	if (!ctlr2)
		goto out_ctlr;
	ret = spi_register_controller(ctlr2);
	if (ret)
		goto out_ctlr;
	pr_info("kspictl: controllers registered, %d chip selects and %d\n",
		ctlr->num_chipselect, ctlr2->num_chipselect);
	spi = spi_new_device(ctlr, &info);
	if (!spi) {
		ret = -ENODEV;
		goto out_ctlr2;
	}
	ret = spi_sync_transfer(spi, &xfer, 1);
	p = spi_controller_get_devdata(ctlr);
	pr_info("kspictl: transfer %d: %*ph (setups %u transfers %u bytes %u)\n", ret,
		(int)sizeof(rx), rx, p->setups, p->transfers, p->bytes);
	p->key = 0x11;	/* the private area stays the driver's */
	ret = spi_sync_transfer(spi, &xfer, 1);
	pr_info("kspictl: again %d: %*ph\n", ret, (int)sizeof(rx), rx);
	return 0;

out_ctlr2:
	spi_unregister_controller(ctlr2);
out_ctlr:
	spi_unregister_controller(ctlr);
out_pdev:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit kspictl_exit(void)
{
	struct kspi_priv *p = spi_controller_get_devdata(ctlr);
	struct kspi_priv *p2 = spi_controller_get_devdata(ctlr2);

	pr_info("kspictl: bye: %s transfers %u bytes %u, %s setups %u\n", p->tag,
		p->transfers, p->bytes, p2->tag, p2->setups);
	spi_unregister_device(spi);
	spi_unregister_controller(ctlr2);	/* devm: freed with pdev */
	spi_unregister_controller(ctlr);
	platform_device_unregister(pdev);
}

module_init(kspictl_init);
module_exit(kspictl_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: an SPI controller the kernel allocates and the driver fills");
