// SPDX-License-Identifier: GPL-2.0
/*
 * kgpio — a virtual gpio chip embedded in the driver's state, as gpio
 * drivers keep it (struct kgpio { struct gpio_chip chip; ... }, the
 * callbacks reaching the state through gpiochip_get_data()).  Its outputs
 * loop back to the neighbouring line's input; init requests two lines of
 * its own and drives one.
 *
 * The state's type is the module's own, which the user build's type
 * table does not hold, so its mirror was untyped and the chip's pointers
 * (label, names) reached the kernel as the program's addresses:
 * gpiochip_add_data() kstrdup()ed the label at one and the kernel oopsed
 * (sixth round of probes, docs/COVERAGE.md).  A typed object handed to
 * the kernel inside such a mirror is translated by its type now.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitops.h>
#include <linux/err.h>
#include <linux/gpio/consumer.h>
#include <linux/gpio/driver.h>
#include <linux/gpio/machine.h>
#include <linux/module.h>

struct kgpio {
	struct gpio_chip chip;
	unsigned long out;	/* output levels */
	unsigned long dir_in;	/* 1: input */
};

static struct kgpio kg = { .dir_in = 0xf };

static int kgpio_get_direction(struct gpio_chip *gc, unsigned int off)
{
	struct kgpio *k = gpiochip_get_data(gc);

	return test_bit(off, &k->dir_in) ? GPIO_LINE_DIRECTION_IN : GPIO_LINE_DIRECTION_OUT;
}

static int kgpio_direction_input(struct gpio_chip *gc, unsigned int off)
{
	struct kgpio *k = gpiochip_get_data(gc);

	set_bit(off, &k->dir_in);
	return 0;
}

static int kgpio_direction_output(struct gpio_chip *gc, unsigned int off, int val)
{
	struct kgpio *k = gpiochip_get_data(gc);

	clear_bit(off, &k->dir_in);
	assign_bit(off, &k->out, val);
	return 0;
}

/* an input reads the output of its neighbour (off ^ 1) */
static int kgpio_get(struct gpio_chip *gc, unsigned int off)
{
	struct kgpio *k = gpiochip_get_data(gc);

	return test_bit(off ^ 1, &k->out);
}

static void kgpio_set(struct gpio_chip *gc, unsigned int off, int val)
{
	struct kgpio *k = gpiochip_get_data(gc);

	assign_bit(off, &k->out, val);
}

static const char *const kgpio_names[] = { "kg-a0", "kg-a1", "kg-b0", "kg-b1" };

static int __init kgpio_init(void)
{
	struct gpio_desc *out, *in;
	int ret;

	kg.chip.label = "kgpio";
	kg.chip.owner = THIS_MODULE;
	kg.chip.base = -1;
	kg.chip.ngpio = 4;
	kg.chip.names = kgpio_names;
	kg.chip.can_sleep = true;
	kg.chip.get_direction = kgpio_get_direction;
	kg.chip.direction_input = kgpio_direction_input;
	kg.chip.direction_output = kgpio_direction_output;
	kg.chip.get = kgpio_get;
	kg.chip.set = kgpio_set;
	ret = gpiochip_add_data(&kg.chip, &kg);
	if (ret)
		return ret;
	out = gpiochip_request_own_desc(&kg.chip, 2, "kgpio-out", GPIO_ACTIVE_HIGH, GPIOD_OUT_HIGH);
	in = gpiochip_request_own_desc(&kg.chip, 3, "kgpio-in", GPIO_ACTIVE_HIGH, GPIOD_IN);
	if (IS_ERR(out) || IS_ERR(in)) {
		pr_info("request failed\n");
	} else {
		pr_info("in after high: %d\n", gpiod_get_value_cansleep(in));
		gpiod_set_value_cansleep(out, 0);
		pr_info("in after low: %d\n", gpiod_get_value_cansleep(in));
	}
	if (!IS_ERR(out))
		gpiochip_free_own_desc(out);
	if (!IS_ERR(in))
		gpiochip_free_own_desc(in);
	pr_info("chip %s of %u lines\n", kg.chip.label, kg.chip.ngpio);
	return 0;
}

static void __exit kgpio_exit(void)
{
	gpiochip_remove(&kg.chip);
	pr_info("exit\n");
}

module_init(kgpio_init);
module_exit(kgpio_exit);
MODULE_LICENSE("GPL");
