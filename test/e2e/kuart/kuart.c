// SPDX-License-Identifier: GPL-2.0
/*
 * kuart — a virtual UART on serial_core ("ttyKU0"), as third-party serial
 * drivers are written: a uart_port embedded in the driver's state, added
 * with uart_add_one_port(); start_tx drains the transmit buffer, as a
 * FIFO would, and counts the bytes.
 *
 * serial_core calls start_tx(), stop_tx(), set_mctrl(), get_mctrl() and
 * the rest of the port's uart_ops with the port lock held and interrupts
 * off, whenever a writer writes.  A user build cannot run them: their
 * proxies would answer at once without running (nothing ever sent, the
 * modem lines and "transmitter empty" read from an error code), so
 * uart_add_one_port() is refused (-EOPNOTSUPP, named in the kernel log)
 * and module_init fails cleanly (test.sh).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/serial.h>
#include <linux/serial_core.h>

struct kuart {
	struct uart_port port;
	unsigned int sent;
};

static struct kuart ku;

static unsigned int kuart_tx_empty(struct uart_port *port)
{
	return TIOCSER_TEMT;
}

static void kuart_set_mctrl(struct uart_port *port, unsigned int mctrl)
{
}

static unsigned int kuart_get_mctrl(struct uart_port *port)
{
	return TIOCM_CAR | TIOCM_DSR | TIOCM_CTS;
}

static void kuart_stop_tx(struct uart_port *port)
{
}

static void kuart_start_tx(struct uart_port *port)
{
	struct kuart *k = container_of(port, struct kuart, port);
	struct circ_buf *xmit = &port->state->xmit;

	while (!uart_circ_empty(xmit)) {
		xmit->tail = (xmit->tail + 1) & (UART_XMIT_SIZE - 1);
		port->icount.tx++;
		k->sent++;
	}
}

static void kuart_stop_rx(struct uart_port *port)
{
}

static int kuart_startup(struct uart_port *port)
{
	return 0;
}

static void kuart_shutdown(struct uart_port *port)
{
}

static void kuart_set_termios(struct uart_port *port, struct ktermios *new,
			      const struct ktermios *old)
{
}

static const char *kuart_type(struct uart_port *port)
{
	return "kuart";
}

static void kuart_config_port(struct uart_port *port, int flags)
{
	if (flags & UART_CONFIG_TYPE)
		port->type = PORT_16550A;
}

static const struct uart_ops kuart_ops = {
	.tx_empty = kuart_tx_empty,
	.set_mctrl = kuart_set_mctrl,
	.get_mctrl = kuart_get_mctrl,
	.stop_tx = kuart_stop_tx,
	.start_tx = kuart_start_tx,
	.stop_rx = kuart_stop_rx,
	.startup = kuart_startup,
	.shutdown = kuart_shutdown,
	.set_termios = kuart_set_termios,
	.type = kuart_type,
	.config_port = kuart_config_port,
};

static struct uart_driver kuart_driver = {
	.owner = THIS_MODULE,
	.driver_name = "kuart",
	.dev_name = "ttyKU",
	.nr = 1,
};

static int __init kuart_init(void)
{
	int ret = uart_register_driver(&kuart_driver);

	if (ret)
		return ret;
	ku.port.ops = &kuart_ops;
	ku.port.iotype = UPIO_MEM;
	ku.port.mapbase = 0x1000;
	ku.port.flags = UPF_BOOT_AUTOCONF;
	ku.port.fifosize = 16;
	ku.port.uartclk = 1843200;
	spin_lock_init(&ku.port.lock);
	ret = uart_add_one_port(&kuart_driver, &ku.port);
	if (ret) {
		pr_err("uart_add_one_port failed: %d\n", ret);
		uart_unregister_driver(&kuart_driver);
		return ret;
	}
	return 0;
}

static void __exit kuart_exit(void)
{
	uart_remove_one_port(&kuart_driver, &ku.port);
	uart_unregister_driver(&kuart_driver);
	pr_info("sent %u\n", ku.sent);
}

module_init(kuart_init);
module_exit(kuart_exit);
MODULE_LICENSE("GPL");
