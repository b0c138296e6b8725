// SPDX-License-Identifier: GPL-2.0
/*
 * kpinctrl: a pin controller (8 pins, two groups, two functions, generic
 * pin config) and a consumer of the module's own selecting its states
 * through a mapping table.  Its name callbacks answer string literals of
 * the module's.  Before (probe round p66), the user build's answer was
 * the program's own address, and the kernel's strcmp() of it in
 * pinmux_func_name_to_selector() oopsed (a supervisor read of a user
 * address) at the consumer's pinctrl_get().
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/pinctrl/pinctrl.h>
#include <linux/pinctrl/pinmux.h>
#include <linux/pinctrl/pinconf.h>
#include <linux/pinctrl/pinconf-generic.h>
#include <linux/pinctrl/machine.h>
#include <linux/pinctrl/consumer.h>

static const struct pinctrl_pin_desc kpc_pins[] = {
	PINCTRL_PIN(0, "P0"), PINCTRL_PIN(1, "P1"), PINCTRL_PIN(2, "P2"), PINCTRL_PIN(3, "P3"),
	PINCTRL_PIN(4, "P4"), PINCTRL_PIN(5, "P5"), PINCTRL_PIN(6, "P6"), PINCTRL_PIN(7, "P7"),
};
static const unsigned int uart_pins[] = { 0, 1 };
static const unsigned int spi_pins[] = { 4, 5, 6, 7 };
static const char *const uart_groups[] = { "uart_grp" };
static const char *const spi_groups[] = { "spi_grp" };
static unsigned long conf[8];
static unsigned int muxes;

static struct { const char *name; const unsigned int *pins; unsigned int n; } groups[] = {
	{ "uart_grp", uart_pins, ARRAY_SIZE(uart_pins) },
	{ "spi_grp", spi_pins, ARRAY_SIZE(spi_pins) },
};
static struct { const char *name; const char *const *groups; } funcs[] = {
	{ "uart", uart_groups }, { "spi", spi_groups },
};

static int kpc_groups_count(struct pinctrl_dev *pd) { return ARRAY_SIZE(groups); }
static const char *kpc_group_name(struct pinctrl_dev *pd, unsigned int g) { return groups[g].name; }
static int kpc_group_pins(struct pinctrl_dev *pd, unsigned int g, const unsigned int **pins,
			  unsigned int *n)
{
	*pins = groups[g].pins;
	*n = groups[g].n;
	return 0;
}

static const struct pinctrl_ops kpc_pctl = {
	.get_groups_count = kpc_groups_count,
	.get_group_name = kpc_group_name,
	.get_group_pins = kpc_group_pins,
};

static int kpc_funcs_count(struct pinctrl_dev *pd) { return ARRAY_SIZE(funcs); }
static const char *kpc_func_name(struct pinctrl_dev *pd, unsigned int f) { return funcs[f].name; }
static int kpc_func_groups(struct pinctrl_dev *pd, unsigned int f, const char *const **g,
			   unsigned int *n)
{
	*g = funcs[f].groups;
	*n = 1;
	return 0;
}

static int kpc_set_mux(struct pinctrl_dev *pd, unsigned int f, unsigned int g)
{
	muxes++;
	pr_info("kpinctrl: mux %s -> %s\n", groups[g].name, funcs[f].name);
	return 0;
}

static const struct pinmux_ops kpc_pmx = {
	.get_functions_count = kpc_funcs_count,
	.get_function_name = kpc_func_name,
	.get_function_groups = kpc_func_groups,
	.set_mux = kpc_set_mux,
	.strict = true,
};

static int kpc_conf_get(struct pinctrl_dev *pd, unsigned int pin, unsigned long *config)
{
	enum pin_config_param param = pinconf_to_config_param(*config);

	if (param != PIN_CONFIG_BIAS_PULL_UP && param != PIN_CONFIG_DRIVE_STRENGTH)
		return -ENOTSUPP;
	if (pinconf_to_config_param(conf[pin]) != param)
		return -EINVAL;
	*config = conf[pin];
	return 0;
}

static int kpc_conf_set(struct pinctrl_dev *pd, unsigned int pin, unsigned long *configs,
			unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		conf[pin] = configs[i];
		pr_info("kpinctrl: pin %u param %u arg %u\n", pin,
			pinconf_to_config_param(configs[i]), pinconf_to_config_argument(configs[i]));
	}
	return 0;
}

static const struct pinconf_ops kpc_conf = {
	.is_generic = true,
	.pin_config_get = kpc_conf_get,
	.pin_config_set = kpc_conf_set,
};

static struct pinctrl_desc kpc_desc = {
	.name = "kpinctrl",
	.pins = kpc_pins,
	.npins = ARRAY_SIZE(kpc_pins),
	.pctlops = &kpc_pctl,
	.pmxops = &kpc_pmx,
	.confops = &kpc_conf,
	/* no owner: the module's own consumer would pin it */
};

static unsigned long uart_conf[] = { PIN_CONF_PACKED(PIN_CONFIG_BIAS_PULL_UP, 1) };
static unsigned long spi_conf[] = { PIN_CONF_PACKED(PIN_CONFIG_DRIVE_STRENGTH, 8) };

static const struct pinctrl_map kpc_map[] = {
	PIN_MAP_MUX_GROUP_DEFAULT("kpinuser", "kpinctrl", "uart_grp", "uart"),
	PIN_MAP_CONFIGS_GROUP_DEFAULT("kpinuser", "kpinctrl", "uart_grp", uart_conf),
	PIN_MAP_MUX_GROUP("kpinuser", "spi", "kpinctrl", "spi_grp", "spi"),
	PIN_MAP_CONFIGS_PIN("kpinuser", "spi", "kpinctrl", "P5", spi_conf),
};

static struct platform_device *ctl_dev, *user_dev;
static struct pinctrl_dev *pctl;
static struct pinctrl *user;

static int __init kpc_init(void)
{
	struct pinctrl_state *st;
	int err;

	ctl_dev = platform_device_register_simple("kpinctrl", -1, NULL, 0);
	if (IS_ERR(ctl_dev))
		return PTR_ERR(ctl_dev);
	err = pinctrl_register_and_init(&kpc_desc, &ctl_dev->dev, NULL, &pctl);
	if (err)
		goto out_ctl;
	err = pinctrl_enable(pctl);
	if (err)
		goto out_unreg;
	err = pinctrl_register_mappings(kpc_map, ARRAY_SIZE(kpc_map));
	if (err)
		goto out_unreg;
	user_dev = platform_device_register_simple("kpinuser", -1, NULL, 0);
	if (IS_ERR(user_dev)) {
		err = PTR_ERR(user_dev);
		goto out_map;
	}
	user = pinctrl_get(&user_dev->dev);
	if (IS_ERR(user)) {
		err = PTR_ERR(user);
		goto out_user;
	}
	st = pinctrl_lookup_state(user, PINCTRL_STATE_DEFAULT);
	err = IS_ERR(st) ? PTR_ERR(st) : pinctrl_select_state(user, st);
	pr_info("kpinctrl: default state %d\n", err);
	st = pinctrl_lookup_state(user, "spi");
	err = IS_ERR(st) ? PTR_ERR(st) : pinctrl_select_state(user, st);
	pr_info("kpinctrl: spi state %d\n", err);
	pr_info("kpinctrl: loaded, %u muxes\n", muxes);
	return 0;
out_user:
	platform_device_unregister(user_dev);
out_map:
	pinctrl_unregister_mappings(kpc_map);
out_unreg:
	pinctrl_unregister(pctl);
out_ctl:
	platform_device_unregister(ctl_dev);
	return err;
}

static void __exit kpc_exit(void)
{
	pinctrl_put(user);
	platform_device_unregister(user_dev);
	pinctrl_unregister_mappings(kpc_map);
	pinctrl_unregister(pctl);
	platform_device_unregister(ctl_dev);
	pr_info("kpinctrl: unloaded after %u muxes\n", muxes);
}

module_init(kpc_init);
module_exit(kpc_exit);
MODULE_LICENSE("GPL");
