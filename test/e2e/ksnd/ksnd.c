// SPDX-License-Identifier: GPL-2.0
/*
 * ksnd: a virtual ALSA card as out-of-tree sound drivers make one, on a
 * platform device of its own: snd_card_new() with a private area, the
 * card's names set, a mixer control (snd_ctl_new1/snd_ctl_add with
 * info/get/put), a card proc entry (snd_card_ro_proc_new),
 * snd_card_register().  /proc/ksnd shows the card and the volume; a write
 * to it sets the volume through the control's put, found by
 * snd_ctl_find_id().  The user build died before at its first store into
 * the card (the kernel's allocation, refused).
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <sound/core.h>
#include <sound/control.h>
#include <sound/info.h>

struct ksnd {
	struct snd_card *card;
	int volume;
	unsigned int gets, puts;
};

static struct snd_card *card;
static struct platform_device *pdev;

static int vol_info(struct snd_kcontrol *k, struct snd_ctl_elem_info *ui)
{
	ui->type = SNDRV_CTL_ELEM_TYPE_INTEGER;
	ui->count = 1;
	ui->value.integer.min = 0;
	ui->value.integer.max = 100;
	return 0;
}

static int vol_get(struct snd_kcontrol *k, struct snd_ctl_elem_value *uv)
{
	struct ksnd *s = snd_kcontrol_chip(k);

	s->gets++;
	uv->value.integer.value[0] = s->volume;
	return 0;
}

static int vol_put(struct snd_kcontrol *k, struct snd_ctl_elem_value *uv)
{
	struct ksnd *s = snd_kcontrol_chip(k);
	long v = uv->value.integer.value[0];

	if (v < 0 || v > 100)
		return -EINVAL;
	s->puts++;
	if (v == s->volume)
		return 0;
	s->volume = v;
	return 1;
}

static const struct snd_kcontrol_new vol_ctl = {
	.iface = SNDRV_CTL_ELEM_IFACE_MIXER,
	.name = "Master Playback Volume",
	.info = vol_info,
	.get = vol_get,
	.put = vol_put,
};

static void card_proc_read(struct snd_info_entry *e, struct snd_info_buffer *b)
{
	struct ksnd *s = e->private_data;

	snd_iprintf(b, "volume %d gets %u puts %u\n", s->volume, s->gets, s->puts);
}

static int p_show(struct seq_file *m, void *v)
{
	struct ksnd *s = card->private_data;

	seq_printf(m, "card %d %s / %s: volume %d gets %u puts %u\n", card->number,
		   card->shortname, card->longname, s->volume, s->gets, s->puts);
	return 0;
}

static int p_open(struct inode *inode, struct file *file)
{
	return single_open(file, p_show, NULL);
}

static ssize_t p_write(struct file *file, const char __user *buf, size_t len, loff_t *pos)
{
	struct snd_ctl_elem_id id = { .iface = SNDRV_CTL_ELEM_IFACE_MIXER };
	struct snd_ctl_elem_value *uv;
	struct snd_kcontrol *k;
	int val, err;

	err = kstrtoint_from_user(buf, len, 0, &val);
	if (err)
		return err;
	strscpy(id.name, "Master Playback Volume", sizeof(id.name));
	k = snd_ctl_find_id(card, &id);
	if (!k)
		return -ENOENT;
	uv = kzalloc(sizeof(*uv), GFP_KERNEL);
	if (!uv)
		return -ENOMEM;
	uv->value.integer.value[0] = val * 10;
	err = k->put(k, uv);
	pr_info("ksnd: put %d: %d\n", val * 10, err);
	if (err > 0)
		snd_ctl_notify(card, SNDRV_CTL_EVENT_MASK_VALUE, &k->id);
	kfree(uv);
	return err < 0 ? err : len;
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
	struct ksnd *s;
	int err;

	pdev = platform_device_register_simple("ksnd", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	err = snd_card_new(&pdev->dev, -1, "ksnd", THIS_MODULE, sizeof(*s), &card);
	if (err) {
		platform_device_unregister(pdev);
		return err;
	}
	s = card->private_data;
	s->card = card;
	s->volume = 40;
	strscpy(card->driver, "ksnd", sizeof(card->driver));
	strscpy(card->shortname, "DUSK test card", sizeof(card->shortname));
	snprintf(card->longname, sizeof(card->longname), "%s %d", card->shortname, 50);
	err = snd_ctl_add(card, snd_ctl_new1(&vol_ctl, s));
	if (err)
		goto fail;
	err = snd_card_ro_proc_new(card, "ksnd", s, card_proc_read);
	if (err)
		goto fail;
	err = snd_card_register(card);
	if (err)
		goto fail;
	if (!proc_create("ksnd", 0666, NULL, &p_fops)) {
		err = -ENOMEM;
		goto fail;
	}
	pr_info("ksnd: card registered, volume %d\n", s->volume);
	return 0;
fail:
	snd_card_free(card);
	platform_device_unregister(pdev);
	return err;
}

static void __exit p_exit(void)
{
	struct ksnd *s = card->private_data;

	remove_proc_entry("ksnd", NULL);
	pr_info("ksnd: volume %d gets %u puts %u\n", s->volume, s->gets, s->puts);
	snd_card_free(card);
	platform_device_unregister(pdev);
}

module_init(p_init);
module_exit(p_exit);
MODULE_LICENSE("GPL");
