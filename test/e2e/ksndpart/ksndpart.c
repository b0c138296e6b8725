// SPDX-License-Identifier: GPL-2.0
/*
 * ksndpart: the devices an ALSA driver makes on its card, as sound drivers
 * set them up before snd_card_register(): a rawmidi device
 * (snd_rawmidi_new(), its name, info_flags, private_data and ops) whose
 * output loops back to its input, and a capture PCM (snd_pcm_new(), its
 * name, private_data and ops).  /proc/ksndpart shows what the driver set
 * and how many bytes went round.  The user build stopped before at its
 * first store into the rawmidi device and the PCM (the kernel's objects,
 * refused: probe round p66).
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <sound/core.h>
#include <sound/pcm.h>
#include <sound/rawmidi.h>

struct ksndpart {
	struct snd_rawmidi_substream *in;
	unsigned int moved, opens;
};

static struct platform_device *pdev;
static struct snd_card *card;
static struct snd_rawmidi *rmidi;
static struct snd_pcm *pcm;
static struct ksndpart state;

static int in_open(struct snd_rawmidi_substream *ss)
{
	struct ksndpart *s = ss->rmidi->private_data;

	s->in = ss;
	s->opens++;
	return 0;
}

static int in_close(struct snd_rawmidi_substream *ss)
{
	struct ksndpart *s = ss->rmidi->private_data;

	s->in = NULL;
	return 0;
}

static void in_trigger(struct snd_rawmidi_substream *ss, int up)
{
}

static int out_open(struct snd_rawmidi_substream *ss)
{
	struct ksndpart *s = ss->rmidi->private_data;

	s->opens++;
	return 0;
}

static int out_close(struct snd_rawmidi_substream *ss)
{
	return 0;
}

/* what is written comes back on the input, each byte inverted */
static void out_trigger(struct snd_rawmidi_substream *ss, int up)
{
	struct ksndpart *s = ss->rmidi->private_data;
	unsigned char c;

	if (!up)
		return;
	while (snd_rawmidi_transmit(ss, &c, 1) == 1) {
		c ^= 0xff;
		if (s->in)
			snd_rawmidi_receive(s->in, &c, 1);
		s->moved++;
	}
}

static const struct snd_rawmidi_ops in_ops = {
	.open = in_open, .close = in_close, .trigger = in_trigger,
};
static const struct snd_rawmidi_ops out_ops = {
	.open = out_open, .close = out_close, .trigger = out_trigger,
};

static int pcm_open(struct snd_pcm_substream *ss)
{
	return -ENODEV;
}

static int pcm_close(struct snd_pcm_substream *ss)
{
	return 0;
}

static snd_pcm_uframes_t pcm_pointer(struct snd_pcm_substream *ss)
{
	return 0;
}

static const struct snd_pcm_ops pcm_ops = {
	.open = pcm_open, .close = pcm_close, .pointer = pcm_pointer,
};

static int p_show(struct seq_file *m, void *v)
{
	struct ksndpart *rs = rmidi->private_data, *ps = pcm->private_data;

	seq_printf(m, "rawmidi \"%s\" flags %#x %s, pcm \"%s\" %s: opens %u moved %u\n",
		   rmidi->name, rmidi->info_flags, rs == &state ? "ours" : "not ours", pcm->name,
		   ps == &state ? "ours" : "not ours", state.opens, state.moved);
	return 0;
}

static int p_open(struct inode *inode, struct file *file)
{
	return single_open(file, p_show, NULL);
}

static const struct proc_ops p_fops = {
	.proc_open = p_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

static int __init p_init(void)
{
	int err;

	pdev = platform_device_register_simple("ksndpart", -1, NULL, 0);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	err = snd_card_new(&pdev->dev, -1, "ksndpart", THIS_MODULE, 0, &card);
	if (err)
		goto out_dev;
	strscpy(card->driver, "ksndpart", sizeof(card->driver));
	strscpy(card->shortname, "DUSK parts", sizeof(card->shortname));
	strscpy(card->longname, "DUSK card with parts", sizeof(card->longname));
	err = snd_rawmidi_new(card, "ksndpart", 0, 1, 1, &rmidi);
	if (err)
		goto out_card;
	strscpy(rmidi->name, "ksndpart loop", sizeof(rmidi->name));
	rmidi->info_flags = SNDRV_RAWMIDI_INFO_OUTPUT | SNDRV_RAWMIDI_INFO_INPUT |
			    SNDRV_RAWMIDI_INFO_DUPLEX;
	rmidi->private_data = &state;
	snd_rawmidi_set_ops(rmidi, SNDRV_RAWMIDI_STREAM_INPUT, &in_ops);
	snd_rawmidi_set_ops(rmidi, SNDRV_RAWMIDI_STREAM_OUTPUT, &out_ops);
	err = snd_pcm_new(card, "ksndpart pcm", 0, 0, 1, &pcm);
	if (err)
		goto out_card;
	strscpy(pcm->name, "ksndpart capture", sizeof(pcm->name));
	pcm->private_data = &state;
	snd_pcm_set_ops(pcm, SNDRV_PCM_STREAM_CAPTURE, &pcm_ops);
	err = snd_card_register(card);
	if (err)
		goto out_card;
	if (!proc_create("ksndpart", 0444, NULL, &p_fops)) {
		err = -ENOMEM;
		goto out_card;
	}
	pr_info("ksndpart: card registered\n");
	return 0;
out_card:
	snd_card_free(card);
out_dev:
	platform_device_unregister(pdev);
	return err;
}

static void __exit p_exit(void)
{
	remove_proc_entry("ksndpart", NULL);
	pr_info("ksndpart: %u bytes moved\n", state.moved);
	snd_card_free(card);
	platform_device_unregister(pdev);
}

module_init(p_init);
module_exit(p_exit);
MODULE_LICENSE("GPL");
