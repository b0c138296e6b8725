// SPDX-License-Identifier: GPL-2.0
/*
 * kauxbus: the auxiliary bus as a multi-function driver uses it: a parent
 * (here a platform device) splits off an auxiliary device
 * (auxiliary_device_init(), auxiliary_device_add()) and an auxiliary
 * driver of the same module binds to it by "modname.name"
 * (auxiliary_driver_register(), an id_table, probe() and remove()).
 *
 * Probe round p60 saw a user build of this kind fail at load (a write
 * refused; not reproduced).  This one found that the probe
 * driver_register() runs inside __auxiliary_driver_register() read
 * dev->driver->name as NULL: the name the call had kasprintf()ed into the
 * module's struct counted as in flight (libduskrt/mirror.c,
 * call_raised()); and that a killed program left its driver and devices
 * on the bus over freed memory (kill.sh: undo pairs now).
 */
#include <linux/module.h>
#include <linux/auxiliary_bus.h>
#include <linux/platform_device.h>
#include <linux/slab.h>

struct kaux_state {
	int probes;
	char seen[32];
};

static struct platform_device *pdev;
static struct auxiliary_device *adev;
static struct auxiliary_device gadev;	/* a second one, a global */
static struct kaux_state state;

static int kaux_probe(struct auxiliary_device *a, const struct auxiliary_device_id *id)
{
	state.probes++;
	strscpy(state.seen, id->name, sizeof(state.seen));
	auxiliary_set_drvdata(a, &state);
	pr_info("kauxbus: probe %s by id %s, driver %s\n", dev_name(&a->dev), id->name,
		a->dev.driver ? a->dev.driver->name : "?");
	return 0;
}

static void kaux_remove(struct auxiliary_device *a)
{
	struct kaux_state *st = auxiliary_get_drvdata(a);

	pr_info("kauxbus: remove %s after %d probe(s)\n", dev_name(&a->dev), st->probes);
}

static const struct auxiliary_device_id kaux_ids[] = {
	{ .name = KBUILD_MODNAME ".widget" },
	{ .name = KBUILD_MODNAME ".gadget" },
	{ }
};
MODULE_DEVICE_TABLE(auxiliary, kaux_ids);

static struct auxiliary_driver kaux_driver = {
	.probe = kaux_probe,
	.remove = kaux_remove,
	.id_table = kaux_ids,
};

static void kaux_release(struct device *dev)
{
	kfree(to_auxiliary_dev(dev));
}

static void kaux_grelease(struct device *dev)
{
}

static int __init kauxbus_init(void)
{
	int ret;

	pdev = platform_device_register_simple("kauxbus", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	/* a device first: the driver's registration probes it */
	gadev.name = "gadget";
	gadev.id = 0;
	gadev.dev.parent = &pdev->dev;
	gadev.dev.release = kaux_grelease;
	ret = auxiliary_device_init(&gadev);
	if (ret)
		goto out_pdev;
	ret = auxiliary_device_add(&gadev);
	if (ret) {
		auxiliary_device_uninit(&gadev);
		goto out_pdev;
	}
	ret = auxiliary_driver_register(&kaux_driver);
	if (ret)
		goto out_gadev;
	pr_info("kauxbus: driver %s registered, %s bound %d, probes %d (%s)\n",
		kaux_driver.driver.name, dev_name(&gadev.dev), gadev.dev.driver != NULL,
		state.probes, state.seen);
	/* then one the registered driver probes as it is added */
	ret = -ENOMEM;
	adev = kzalloc(sizeof(*adev), GFP_KERNEL);
	if (!adev)
		goto out_drv;
	adev->name = "widget";
	adev->id = 3;
	adev->dev.parent = &pdev->dev;
	adev->dev.release = kaux_release;
	ret = auxiliary_device_init(adev);
	if (ret) {
		kfree(adev);
		goto out_drv;
	}
	ret = auxiliary_device_add(adev);
	if (ret) {
		auxiliary_device_uninit(adev);
		goto out_drv;
	}
	pr_info("kauxbus: device %s added, bound %d, probes %d (%s)\n", dev_name(&adev->dev),
		adev->dev.driver != NULL, state.probes, state.seen);
	return 0;

out_drv:
	auxiliary_driver_unregister(&kaux_driver);
out_gadev:
	auxiliary_device_delete(&gadev);
	auxiliary_device_uninit(&gadev);
out_pdev:
	platform_device_unregister(pdev);
	return ret;
}

static void __exit kauxbus_exit(void)
{
	auxiliary_device_delete(&gadev);
	auxiliary_device_uninit(&gadev);
	auxiliary_device_delete(adev);
	auxiliary_device_uninit(adev);
	auxiliary_driver_unregister(&kaux_driver);
	platform_device_unregister(pdev);
	pr_info("kauxbus: bye\n");
}

module_init(kauxbus_init);
module_exit(kauxbus_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("DUSK e2e: an auxiliary device and its driver");
