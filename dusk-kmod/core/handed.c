// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel objects handed to the module to fill in are the module's to write
 * until it gives them back.
 *
 * class_create() (__class_create(), drivers/base/class.c) kzallocs the
 * struct class and registers it; drivers then set its devnode(),
 * dev_groups, class_groups or dev_uevent() before the first
 * device_create(), as tutorials' char drivers set devnode() for a 0666
 * node.  The kernel allocated it and class_destroy() frees it, so it is no
 * owned region of mem.c (teardown would free it a second time): it is
 * recorded here from the call's return, the record goes before
 * class_destroy() runs (afterwards the memory is freed) and at teardown,
 * whose undo destroyed the class already.
 *
 * input_allocate_device() hands out a struct input_dev the same way, and
 * tty_alloc_driver() (__tty_alloc_driver()) a struct tty_driver, whose
 * names, type, init_termios and ops the driver sets before
 * tty_register_driver().  alloc_netdev()/alloc_etherdev() hand out a
 * struct net_device followed by the driver's private area
 * (netdev_priv()), which the driver's open, xmit and stats write for as
 * long as the device lives: both are the module's until free_netdev(),
 * or until its unregistration when the kernel is to free it
 * (needs_free_netdev).  Devices the kernel allocates for the module's
 * link types are handed from their registration (netdevhand.c).
 * dma_alloc_coherent() (dma_alloc_attrs()) hands out a buffer the driver
 * fills for its device, given back by dma_free_coherent()
 * (dma_free_attrs(), the buffer its third argument), and dma_pool_alloc()
 * a block of its pool (the block size dma_pool_create() was given, kept
 * here with the pool) until dma_pool_free() or the pool's
 * dma_pool_destroy().  usb_alloc_urb() hands out a URB, which a USB
 * driver fills (usb_fill_int_urb() and kin are inlines) until
 * usb_free_urb(), and usb_alloc_coherent() a transfer buffer until
 * usb_free_coherent().  iio_device_alloc() hands out a struct iio_dev
 * (name, info, channels, modes set before iio_device_register()) and the
 * driver's private area the IIO core put after its own state
 * (iio_priv()), which read_raw() and write_raw() write for as long as
 * the device lives: both, as one span (the core's part between them
 * the module never reaches), until iio_device_free().
 * spi_alloc_master() and spi_alloc_slave() (__spi_alloc_controller(),
 * drivers/spi/spi.c) kzalloc a struct spi_controller and the driver's
 * private area after it (spi_controller_get_devdata(), at the cache
 * alignment after the struct): the driver sets bus_num, num_chipselect,
 * mode_bits, setup() and transfer_one() before spi_register_controller()
 * and its transfer functions write the private area for as long as the
 * controller lives; both, as one span, until spi_unregister_controller()
 * (which drops the last reference) or, on an error path,
 * spi_controller_put() (an inline of put_device() on the struct device
 * at the controller's start).  The devm_ variant is followed by devres.c.
 * platform_device_alloc() hands out a struct platform_device (its
 * dev.parent, dev.platform_data... set before platform_device_add())
 * until platform_device_put() or platform_device_unregister();
 * alloc_candev() (alloc_candev_mqs(), drivers/net/can/dev/dev.c) a
 * net_device and the driver's private area (the CAN core's own state
 * after it is not the module's) until free_candev(); video_device_alloc()
 * a kzalloc'd struct video_device (v4l2-dev.c) until
 * video_device_release() or video_unregister_device() (whose last
 * reference calls the release the driver set, in the kernel).
 * iio_trigger_alloc() (__iio_trigger_alloc(), industrialio-trigger.c)
 * kzallocs a struct iio_trigger whose ops and drvdata a driver sets before
 * iio_trigger_register(), until iio_trigger_free();
 * hid_allocate_device() a struct hid_device whose ll_driver, bus, vendor,
 * product, name and phys a HID transport driver sets before
 * hid_add_device(), until hid_destroy_device(); scsi_host_alloc() a
 * struct Scsi_Host and the driver's private area after it (hostdata,
 * shost_priv(), the privsize the call was given), whose max_id, max_lun
 * and max_channel a SCSI driver sets before scsi_add_host(), and whose
 * private area its queuecommand() writes, until the last scsi_host_put()
 * (the record goes at the module's first); gnss_allocate_device() a
 * struct gnss_device whose type and ops a GNSS receiver driver sets
 * before gnss_register_device(), until gnss_put_device();
 * framebuffer_alloc() a struct fb_info and the driver's par after it
 * (the size it was given), whose fix, var, fbops and screen_base an fbdev
 * driver sets before register_framebuffer(), until framebuffer_release()
 * (probe round p66).  Before, the first store into
 * each was refused at the registration and the program stopped (probe
 * round p65).
 *
 * Why a table, not a rule for every *_alloc*() that answers a struct:
 * the span and its end are the API's.  The writable size is not the
 * answer's type (a private area follows it, sized by an argument only the
 * API knows, or the kernel's own state does, which the module must not
 * write), and the call that frees the object is the API's (an inline
 * put_device(), a release callback run when the last reference goes, a
 * devres of the parent): a record without its known end would let the
 * program write freed and reused memory.  None of these is
 * freed at teardown: the kernel's own release (class_destroy() by the
 * undo of class_create(), a device's unbind) does it, or it leaks as the
 * kernel build's would when its module never frees it.
 *
 * A generic radix tree (genradix_ptr_alloc(), lib/generic-radix-tree.c)
 * holds the module's objects in leaf pages it allocates itself: the page
 * holding an object the module looked up or made is the module's to
 * write, recorded with the tree until __genradix_free() frees them all.
 *
 * snd_card_new() hands out, through its last argument, a struct snd_card
 * whose driver, shortname and longname an ALSA driver sets before
 * snd_card_register(), followed by the driver's private area
 * (card->private_data, the extra_size the call was given): both the
 * module's until snd_card_free() or snd_card_free_when_closed().  The
 * devices a driver makes on its card (snd_pcm_new(), snd_rawmidi_new(),
 * snd_hwdep_new(): the object comes back through an out-argument) are
 * the card's, freed with it: a driver sets their private_data, name,
 * info_flags and ops before snd_card_register(), so each is the module's
 * until its card goes (before, the first such store was refused and the
 * program stopped at load: probe round p66).
 *
 * A kernel socket the module creates (sock_create_kern(), sock_create(),
 * sock_create_lite(), kernel_accept(): the socket comes back through an
 * out-argument) is the module's to set up: drivers and tutorials set
 * sk->sk_rcvtimeo, sk_sndtimeo, sk_reuse, sk_allocation or sk_user_data
 * on it directly.  Its struct socket and its struct sock (the protocol's
 * whole object, sk_prot_creator->obj_size: a tcp_sock) are the module's
 * to write until its sock_release().
 *
 * wiphy_new() (wiphy_new_nm()) hands a Wi-Fi driver a struct wiphy, the
 * last member of cfg80211's struct cfg80211_registered_device, followed by
 * the driver's private area (wiphy_priv(), the sizeof_priv it was given):
 * a FullMAC driver sets interface_modes, bands, cipher_suites, flags and
 * perm_addr before wiphy_register(), and keeps its state (its netdev, the
 * wireless_dev it points the netdev at, a scan request in flight) in the
 * private area for as long as the wiphy lives: both the module's until
 * wiphy_free() (before, the first such store was refused at
 * wiphy_register() and the program stopped: probe round p71).
 *
 * dusk_handed_lock is a leaf spinlock: dusk_may_write() takes it under
 * qlock.
 */
#include <linux/blkdev.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/fb.h>
#include <linux/gnss.h>
#include <linux/hid.h>
#include <linux/iio/iio.h>
#include <linux/iio/trigger.h>
#include <linux/input.h>
#include <linux/net.h>
#include <linux/netdevice.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <linux/spinlock.h>
#include <linux/tty_driver.h>
#include <linux/usb.h>
#include <media/v4l2-dev.h>
#include <net/sock.h>
#include <scsi/scsi_host.h>
#include <net/cfg80211.h>
#include <sound/core.h>
#include <sound/hwdep.h>
#include <sound/pcm.h>
#include <sound/rawmidi.h>
#include "dusk-core.h"

/* A net_device and the private area that follows it: alloc_netdev_mqs()
 * and alloc_etherdev_mqs() take the private area's size first. */
static size_t dusk_netdev_size(const struct dusk_call *c)
{
	return dusk_netdev_span((int)c->args[0]);
}

/* dma_alloc_attrs(dev, size, &handle, gfp, attrs), usb_alloc_coherent(dev,
 * size, gfp, &dma): @size bytes. */
static size_t dusk_dma_size(const struct dusk_call *c)
{
	return c->args[1];
}

/* usb_alloc_urb(iso_packets, gfp): the URB and its isochronous frames */
static size_t dusk_urb_size(const struct dusk_call *c)
{
	int iso = (int)c->args[0];

	return struct_size((struct urb *)NULL, iso_frame_desc, iso > 0 ? iso : 0);
}

/**
 * dusk_iio_span() - the bytes of an IIO device the module may write: from
 * the struct iio_dev @indio (iio_device_alloc()'s or
 * devm_iio_device_alloc()'s result) to the end of its @sizeof_priv bytes
 * of private area at indio->priv; the struct alone when the private area
 * is not where the core puts it, after its own state.
 * Context: any.
 */
size_t dusk_iio_span(u64 indio, u64 sizeof_priv)
{
	unsigned long start = (unsigned long)indio;
	unsigned long priv = (unsigned long)((const struct iio_dev *)(uintptr_t)indio)->priv;
	int size = (int)sizeof_priv;

	if (size <= 0 || priv < start + sizeof(struct iio_dev) || priv - start > 2 * PAGE_SIZE)
		return sizeof(struct iio_dev);
	return priv - start + size;
}

/* iio_device_alloc(parent, sizeof_priv) */
static size_t dusk_iio_size(const struct dusk_call *c)
{
	return c->nargs >= 2 ? dusk_iio_span(c->ret, c->args[1]) : sizeof(struct iio_dev);
}

/**
 * dusk_spi_span() - the bytes of an SPI controller the module may write:
 * the struct spi_controller @ctlr (__spi_alloc_controller()'s or
 * __devm_spi_alloc_controller()'s result) to the end of its @size bytes of
 * private area (spi_controller_get_devdata(), where the core put it after
 * the struct); the struct alone when the private area is not there.
 * Context: any.
 */
size_t dusk_spi_span(u64 ctlr, u64 size)
{
	unsigned long start = (unsigned long)ctlr;
	unsigned long priv =
		(unsigned long)dev_get_drvdata(&((struct spi_controller *)(uintptr_t)ctlr)->dev);
	unsigned int n = (unsigned int)size;

	if (!n || priv < start + sizeof(struct spi_controller) ||
	    priv - start > sizeof(struct spi_controller) + PAGE_SIZE)
		return sizeof(struct spi_controller);
	return priv - start + n;
}

/* scsi_host_alloc(sht, privsize): the struct and its hostdata[], one
 * kzalloc (drivers/scsi/hosts.c) */
static size_t dusk_shost_size(const struct dusk_call *c)
{
	int priv = c->nargs >= 2 ? (int)c->args[1] : 0;

	if (priv < 0 || priv > 16 * PAGE_SIZE)
		priv = 0;
	return sizeof(struct Scsi_Host) + priv;
}

/* framebuffer_alloc(size, dev): the struct fb_info and the driver's @size
 * bytes of par, where the core put them after it (past a padding of its
 * own, drivers/video/fbdev/core/fbsysfs.c); the struct alone otherwise */
static size_t dusk_fb_size(const struct dusk_call *c)
{
	unsigned long start = (unsigned long)c->ret;
	unsigned long par = (unsigned long)((const struct fb_info *)(uintptr_t)c->ret)->par;
	size_t size = c->nargs ? (size_t)c->args[0] : 0;

	if (!size || size > 16 * PAGE_SIZE || par < start + sizeof(struct fb_info) ||
	    par - start > sizeof(struct fb_info) + sizeof(long))
		return sizeof(struct fb_info);
	return par - start + size;
}

/* wiphy_new_nm(ops, sizeof_priv, name): the struct wiphy and the driver's
 * @sizeof_priv bytes after it (its flexible priv[], net/wireless/core.c) */
static size_t dusk_wiphy_size(const struct dusk_call *c)
{
	size_t priv = c->nargs >= 2 ? (size_t)c->args[1] : 0;

	if (priv > 16 * PAGE_SIZE)
		priv = 0;
	return sizeof(struct wiphy) + priv;
}

/* __spi_alloc_controller(dev, size, slave) */
static size_t dusk_spi_size(const struct dusk_call *c)
{
	return dusk_spi_span(c->ret, c->nargs >= 2 ? c->args[1] : 0);
}

static size_t dusk_pool_block(const struct dusk_call *c);

/* What the kernel hands out (@alloc's result, @size bytes, or what
 * @size_of says of the call when @size is 0) and which call takes it back
 * (@free, the object its argument @free_arg); @in_pool: a block of the
 * pool that is the first argument. */
static const struct {
	const char *alloc;
	size_t size;
	const char *free;
	size_t (*size_of)(const struct dusk_call *c);
	u8 free_arg;
	bool in_pool;
} dusk_handed_kinds[] = {
	{ "__class_create", sizeof(struct class), "class_destroy" },
	/* a char driver sets owner and ops (and its kobject's name) before
	 * cdev_add(); given back by cdev_del(), or by kobject_put() of its
	 * kobject (at offset 0) on an error path before cdev_add() */
	{ "cdev_alloc", sizeof(struct cdev), "cdev_del" },
	{ "cdev_alloc", sizeof(struct cdev), "kobject_put" },
	/* a driver sets name, phys, id and the capability bits before
	 * input_register_device(); freed by input_free_device() before
	 * registration, by input_unregister_device() after it */
	{ "input_allocate_device", sizeof(struct input_dev), "input_free_device" },
	{ "input_allocate_device", sizeof(struct input_dev), "input_unregister_device" },
	/* given back by the last tty_driver_kref_put() (the record goes at
	 * the module's first: the object may be freed then) */
	{ "__tty_alloc_driver", sizeof(struct tty_driver), "tty_driver_kref_put" },
	/* a registered device's memory outlives free_netdev() until its last
	 * reference goes: the record goes at the call all the same */
	{ "alloc_netdev_mqs", 0, "free_netdev", dusk_netdev_size },
	{ "alloc_etherdev_mqs", 0, "free_netdev", dusk_netdev_size },
	{ "dma_alloc_attrs", 0, "dma_free_attrs", dusk_dma_size, 2 },
	/* a USB driver fills its URB (usb_fill_*_urb() are inlines) and the
	 * transfer buffer before usb_submit_urb(); the URB is refcounted, the
	 * record goes at the module's usb_free_urb() */
	{ "usb_alloc_urb", 0, "usb_free_urb", dusk_urb_size },
	{ "usb_alloc_coherent", 0, "usb_free_coherent", dusk_dma_size, 2 },
	{ "dma_pool_alloc", 0, "dma_pool_free", dusk_pool_block, 1, true },
	/* a bio-based block driver sets major, minors, fops, private_data,
	 * disk_name and flags before add_disk(); blk_alloc_disk() is an inline
	 * of this */
	{ "__blk_alloc_disk", sizeof(struct gendisk), "put_disk" },
	/* blk_mq_alloc_disk() is an inline of this: a blk-mq driver's disk */
	{ "__blk_mq_alloc_disk", sizeof(struct gendisk), "put_disk" },
	/* an IIO driver sets name, info, channels and modes before
	 * iio_device_register(), its state in iio_priv() */
	{ "iio_device_alloc", 0, "iio_device_free", dusk_iio_size },
	/* an SPI controller driver sets bus_num, num_chipselect, mode_bits,
	 * setup() and transfer_one() before spi_register_controller(), its
	 * state in spi_controller_get_devdata(); spi_controller_put() is an
	 * inline put_device() of the struct device at its start */
	{ "__spi_alloc_controller", 0, "spi_unregister_controller", dusk_spi_size },
	{ "__spi_alloc_controller", 0, "put_device", dusk_spi_size },
	{ "platform_device_alloc", sizeof(struct platform_device), "platform_device_put" },
	{ "platform_device_alloc", sizeof(struct platform_device), "platform_device_unregister" },
	/* alloc_candev() and alloc_candev_mq() are inlines of this; the
	 * driver's private area (the first argument) follows the net_device */
	{ "alloc_candev_mqs", 0, "free_candev", dusk_netdev_size },
	/* v4l2-dev.c: a plain kzalloc(); the release the driver sets frees it
	 * when the last reference goes, after video_unregister_device() */
	{ "video_device_alloc", sizeof(struct video_device), "video_device_release" },
	{ "video_device_alloc", sizeof(struct video_device), "video_unregister_device" },
	/* iio_trigger_alloc() is a macro of this; iio_trigger_put() drops a
	 * reference a consumer took, not the driver's */
	{ "__iio_trigger_alloc", sizeof(struct iio_trigger), "iio_trigger_free" },
	{ "hid_allocate_device", sizeof(struct hid_device), "hid_destroy_device" },
	{ "scsi_host_alloc", 0, "scsi_host_put", dusk_shost_size },
	{ "gnss_allocate_device", sizeof(struct gnss_device), "gnss_put_device" },
	/* an fbdev driver fills in fix, var, fbops, screen_base, flags and
	 * its par before register_framebuffer() */
	{ "framebuffer_alloc", 0, "framebuffer_release", dusk_fb_size },
	/* a Wi-Fi driver fills in its wiphy before wiphy_register() and keeps
	 * its state in wiphy_priv() */
	{ "wiphy_new_nm", 0, "wiphy_free", dusk_wiphy_size },
};

/* DMA pools whose blocks are handed: (result, size argument).  Not
 * dmam_pool_create()'s: its pool goes with its device's unbind, no call of
 * the module's would forget the blocks. */
static const struct {
	const char *create;
	u8 size_arg;
} dusk_pool_kinds[] = {
	{ "dma_pool_create", 2 },
};

/* Calls answering an object in a leaf page of a generic radix tree (the
 * tree their argument @radix_arg), and the call that frees the tree. */
static const struct {
	const char *lookup;
	u8 radix_arg;
} dusk_leaf_kinds[] = {
	{ "__genradix_ptr_alloc", 0 },
	{ "__genradix_ptr", 0 },
	{ "__genradix_iter_peek", 1 },
};
#define DUSK_LEAF_FREE "__genradix_free"

/* Calls that hand the module a kernel socket through their argument
 * @out_arg (a struct socket **), answering 0; sock_release() takes it back. */
static const struct {
	const char *create;
	u8 out_arg;
} dusk_sock_kinds[] = {
	{ "sock_create_kern", 4 },
	{ "sock_create", 3 },
	{ "sock_create_lite", 3 },
	{ "kernel_accept", 1 },
};
#define DUSK_SOCK_FREE "sock_release"

/* snd_card_new(parent, idx, xid, module, extra_size, &card): the card
 * comes back through argument 5; either release takes it back.
 * (snd_devm_card_new()'s card goes with its device: not handed.) */
#define DUSK_CARD_NEW "snd_card_new"
#define DUSK_CARD_OUT 5
#define DUSK_CARD_EXTRA 4
static const char *const dusk_card_frees[] = { "snd_card_free", "snd_card_free_when_closed" };

/* Devices made on a card (its first argument), answering 0 and the
 * device through argument @out_arg: handed until the card is freed. */
static const struct {
	const char *call;
	u8 out_arg;
	size_t size;
} dusk_card_parts[] = {
	{ "snd_pcm_new", 5, sizeof(struct snd_pcm) },
	{ "snd_pcm_new_internal", 5, sizeof(struct snd_pcm) },
	{ "snd_rawmidi_new", 5, sizeof(struct snd_rawmidi) },
	{ "snd_hwdep_new", 3, sizeof(struct snd_hwdep) },
};

/* One handed object (a span on dusk_handed_list, which mem.c reads), or
 * (@span.len 0: nothing writable) a DMA pool whose blocks are @block
 * bytes. */
struct dusk_handed {
	struct dusk_span span;	/* first: the list's entries are spans */
	size_t block;
	unsigned long pool;	/* a pool block's pool; a socket's sock and
				 * struct socket: the struct socket */
	bool until_unreg;	/* a net device the kernel made: until it is
				 * unregistered (netdevhand.c) */
};

static DEFINE_SPINLOCK(dusk_handed_lock);
static LIST_HEAD(dusk_handed_list);
/* The program may write them (mem.c). */
const struct dusk_spans dusk_handed_spans = { &dusk_handed_lock, &dusk_handed_list };

/* Drop the records starting at @start and the blocks of a pool there
 * (all when @start is 0); only those kept until an unregistration when
 * @until_unreg. */
static void dusk_handed_remove_if(unsigned long start, bool until_unreg)
{
	struct dusk_handed *h, *tmp;
	LIST_HEAD(gone);

	spin_lock(&dusk_handed_lock);
	list_for_each_entry_safe(h, tmp, &dusk_handed_list, span.node)
		if ((!start || h->span.start == start || h->pool == start) &&
		    (!until_unreg || h->until_unreg))
			list_move(&h->span.node, &gone);
	spin_unlock(&dusk_handed_lock);
	list_for_each_entry_safe(h, tmp, &gone, span.node)
		kfree(h);
}

static void dusk_handed_remove(unsigned long start)
{
	dusk_handed_remove_if(start, false);
}

/* dma_pool_alloc(pool, gfp, &handle): the pool's block size, 0 (nothing
 * handed) for a pool not seen made. */
static size_t dusk_pool_block(const struct dusk_call *c)
{
	const struct dusk_handed *h;
	size_t block = 0;

	spin_lock(&dusk_handed_lock);
	list_for_each_entry(h, &dusk_handed_list, span.node)
		if (!h->span.len && h->span.start == c->args[0]) {
			block = h->block;
			break;
		}
	spin_unlock(&dusk_handed_lock);
	return block;
}

static bool dusk_handed_has(unsigned long start)
{
	const struct dusk_handed *h;
	bool found = false;

	spin_lock(&dusk_handed_lock);
	list_for_each_entry(h, &dusk_handed_list, span.node)
		if (h->span.len && h->span.start == start) {
			found = true;
			break;
		}
	spin_unlock(&dusk_handed_lock);
	return found;
}

static void dusk_handed_add(unsigned long start, size_t len, size_t block, unsigned long pool,
			    bool until_unreg)
{
	struct dusk_handed *h = kmalloc(sizeof(*h), GFP_KERNEL);

	if (!h)
		return;	/* the program's writes are refused, as before */
	h->span.start = start;
	h->span.len = len;
	h->block = block;
	h->pool = pool;
	h->until_unreg = until_unreg;
	spin_lock(&dusk_handed_lock);
	list_add(&h->span.node, &dusk_handed_list);
	spin_unlock(&dusk_handed_lock);
}

/**
 * dusk_handed_netdev() - net device @dev, @len bytes with its private
 * area, which the kernel made for the module (a device of its link type,
 * registered now), is the module's to write until it is unregistered
 * (dusk_handed_netdev_going()).
 * Context: process, RTNL held (no other registration of @dev races).
 */
void dusk_handed_netdev(unsigned long dev, size_t len)
{
	if (!dusk_handed_has(dev))	/* else the module allocated it, or it moved */
		dusk_handed_add(dev, len, 0, 0, true);
}

/**
 * dusk_handed_netdev_going() - net device @dev is being unregistered, its
 * memory freed by the kernel soon after: the record of a device the
 * kernel made goes now, and so does the module's own alloc_netdev()'s
 * when @kernel_frees (needs_free_netdev: the module's free_netdev() that
 * would end it never comes).  Its callbacks until then (ndo_uninit,
 * priv_destructor, a link type's dellink) are lent it (netdevhand.c).
 * Context: process, RTNL held.
 */
void dusk_handed_netdev_going(unsigned long dev, bool kernel_frees)
{
	dusk_handed_remove_if(dev, !kernel_frees);
}

/**
 * dusk_handed_before_call() - the module gives a handed object back: it is
 * no longer the program's to write (the call frees it).
 * Context: process, no dusk lock held.
 */
void dusk_handed_before_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	size_t i;

	/* spi_controller_put(ctlr) is put_device(&ctlr->dev): the same address */
	BUILD_BUG_ON(offsetof(struct spi_controller, dev) != 0);

	for (i = 0; i < ARRAY_SIZE(dusk_handed_kinds); i++) {
		u8 arg = dusk_handed_kinds[i].free_arg;

		if (dusk_stub_named(name, dusk_handed_kinds[i].free) &&
		    arg < c->nargs && c->args[arg])
			dusk_handed_remove(c->args[arg]);
	}
	/* the pool and every block still out of it; a radix tree's pages; a
	 * socket's struct socket and sock */
	if ((dusk_stub_named(name, "dma_pool_destroy") || dusk_stub_named(name, DUSK_LEAF_FREE) ||
	     dusk_stub_named(name, DUSK_SOCK_FREE) || dusk_stub_named(name, dusk_card_frees[0]) ||
	     dusk_stub_named(name, dusk_card_frees[1])) &&
	    c->nargs && c->args[0])
		dusk_handed_remove(c->args[0]);
}

bool dusk_handed_acts_on(const struct dusk_stub_desc *s)
{
	return dusk_stub_in(s->name, dusk_handed_kinds, .alloc) ||
	       dusk_stub_in(s->name, dusk_handed_kinds, .free) ||
	       dusk_stub_in(s->name, dusk_pool_kinds, .create) ||
	       dusk_stub_named(s->name, "dma_pool_destroy") ||
	       dusk_stub_in(s->name, dusk_leaf_kinds, .lookup) ||
	       dusk_stub_named(s->name, DUSK_LEAF_FREE) ||
	       dusk_stub_in(s->name, dusk_sock_kinds, .create) ||
	       dusk_stub_named(s->name, DUSK_SOCK_FREE) ||
	       dusk_stub_named(s->name, DUSK_CARD_NEW) ||
	       dusk_stub_in(s->name, dusk_card_parts, .call) ||
	       dusk_stub_named(s->name, dusk_card_frees[0]) ||
	       dusk_stub_named(s->name, dusk_card_frees[1]);
}

/*
 * snd_card_new() answered 0: the card it stored through its out-argument
 * (the mirror of the module's pointer, the reply not sent yet) and the
 * private area after it are the module's now.
 */
static void dusk_handed_card(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	struct snd_card *card;
	int extra;

	if (!dusk_stub_named(name, DUSK_CARD_NEW) || c->err || c->ret ||
	    c->nargs <= DUSK_CARD_OUT || !c->args[DUSK_CARD_OUT])
		return;
	if (copy_from_kernel_nofault(&card, (void *)(uintptr_t)c->args[DUSK_CARD_OUT],
				     sizeof(card)) || !card)
		return;
	extra = (int)c->args[DUSK_CARD_EXTRA];
	dusk_handed_add((unsigned long)card, sizeof(*card) + (extra > 0 ? extra : 0), 0, 0, false);
}

/*
 * A call of dusk_card_parts[] answered 0: the device it stored through its
 * out-argument is the module's, recorded with its card (the first
 * argument), whose snd_card_free() drops the record.
 */
static void dusk_handed_card_part(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	void *part;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(dusk_card_parts); i++)
		if (dusk_stub_named(name, dusk_card_parts[i].call))
			break;
	if (i == ARRAY_SIZE(dusk_card_parts) || c->err || c->ret || !c->nargs || !c->args[0] ||
	    dusk_card_parts[i].out_arg >= c->nargs || !c->args[dusk_card_parts[i].out_arg])
		return;
	if (copy_from_kernel_nofault(&part,
				     (void *)(uintptr_t)c->args[dusk_card_parts[i].out_arg],
				     sizeof(part)) || !part)
		return;
	dusk_handed_add((unsigned long)part, dusk_card_parts[i].size, 0, c->args[0], false);
}

/*
 * A call of dusk_sock_kinds[] answered 0: the struct socket it stored
 * through its out-argument (the mirror of the module's pointer, still
 * there: the call's reply is not sent yet) and its struct sock are the
 * module's now, both keyed by the struct socket; the socket is released
 * if the program dies before it does (ksocket.c).
 */
static void dusk_handed_socket(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	struct socket *sock;
	struct sock *sk;
	size_t i, size;

	for (i = 0; i < ARRAY_SIZE(dusk_sock_kinds); i++)
		if (dusk_stub_named(name, dusk_sock_kinds[i].create))
			break;
	if (i == ARRAY_SIZE(dusk_sock_kinds) || c->err || c->ret ||
	    dusk_sock_kinds[i].out_arg >= c->nargs || !c->args[dusk_sock_kinds[i].out_arg])
		return;
	if (copy_from_kernel_nofault(&sock, (void *)(uintptr_t)c->args[dusk_sock_kinds[i].out_arg],
				     sizeof(sock)) || !sock)
		return;
	dusk_handed_add((unsigned long)sock, sizeof(*sock), 0, (unsigned long)sock, false);
	sk = sock->sk;
	if (!sk)
		return;	/* sock_create_lite(): no sock yet */
	size = sk->sk_prot_creator ? sk->sk_prot_creator->obj_size : sizeof(*sk);
	dusk_handed_add((unsigned long)sk, max_t(size_t, size, sizeof(*sk)), 0,
			(unsigned long)sock, false);
	dusk_ksocket_note(sock);
}

/**
 * dusk_handed_after_call() - the kernel handed the module an object to fill.
 * Context: process, no dusk lock held.
 */
void dusk_handed_after_call(const struct dusk_call *c)
{
	const char *name = dusk_gen.stubs[c->stub].name;
	size_t i, len;

	dusk_handed_socket(c);
	dusk_handed_card(c);
	dusk_handed_card_part(c);
	if (c->err || IS_ERR_OR_NULL((void *)(uintptr_t)c->ret))
		return;
	for (i = 0; i < ARRAY_SIZE(dusk_pool_kinds); i++)
		if (dusk_stub_named(name, dusk_pool_kinds[i].create) &&
		    dusk_pool_kinds[i].size_arg < c->nargs) {
			dusk_handed_add(c->ret, 0, c->args[dusk_pool_kinds[i].size_arg], 0, false);
			return;
		}
	for (i = 0; i < ARRAY_SIZE(dusk_leaf_kinds); i++) {
		unsigned long page = (unsigned long)c->ret & PAGE_MASK;

		if (!dusk_stub_named(name, dusk_leaf_kinds[i].lookup) ||
		    dusk_leaf_kinds[i].radix_arg >= c->nargs)
			continue;
		if (!dusk_handed_has(page))
			dusk_handed_add(page, PAGE_SIZE, 0, c->args[dusk_leaf_kinds[i].radix_arg], false);
		return;
	}
	for (i = 0; i < ARRAY_SIZE(dusk_handed_kinds); i++) {
		if (!dusk_stub_named(name, dusk_handed_kinds[i].alloc))
			continue;
		len = dusk_handed_kinds[i].size ?: dusk_handed_kinds[i].size_of(c);
		if (len)
			dusk_handed_add(c->ret, len, 0,
					dusk_handed_kinds[i].in_pool ? c->args[0] : 0, false);
		return;
	}
}

/**
 * dusk_handed_owned_by() - is [addr, addr + len) inside the handed object
 * that starts at @start?
 * Context: any; takes dusk_handed_lock.
 */
bool dusk_handed_owned_by(u64 start, u64 addr, u64 len)
{
	const struct dusk_span *h;
	bool ok = false;

	spin_lock(&dusk_handed_lock);
	list_for_each_entry(h, &dusk_handed_list, node) {
		if (h->start == start && addr >= start && addr < start + h->len &&
		    len <= start + h->len - addr) {
			ok = true;
			break;
		}
	}
	spin_unlock(&dusk_handed_lock);
	return ok;
}

/**
 * dusk_handed_forget_all() - the session ends: nothing is the program's
 * (teardown's undo gave the objects back already).
 */
void dusk_handed_forget_all(void)
{
	dusk_handed_remove(0);
}
