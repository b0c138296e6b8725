// krtnl: a module that configures the network under rtnl_lock() in its
// init, as drivers creating devices at load do, with a deliberate NULL
// dereference inside the locked section when loaded with bug=1.  Its user
// build dies there holding the kernel's RTNL mutex: the session's end must
// release it, or every later `ip link` and the kmod's own unload hang.
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>

static int bug;
module_param(bug, int, 0444);

struct krtnl_cfg {
	int mtu;
};

static struct krtnl_cfg *cfg;	/* NULL: bug=1 reads through it */

static int __init krtnl_init(void)
{
	struct net_device *lo;
	int mtu;

	rtnl_lock();
	lo = __dev_get_by_name(&init_net, "lo");
	mtu = lo ? lo->mtu : -1;
	if (bug)
		mtu = cfg->mtu;
	rtnl_unlock();
	pr_info("krtnl: lo's mtu read under rtnl: %d\n", mtu > 0);
	return 0;
}

static void __exit krtnl_exit(void)
{
	if (rtnl_trylock()) {
		pr_info("krtnl: rtnl free at exit\n");
		rtnl_unlock();
	}
}
module_init(krtnl_init);
module_exit(krtnl_exit);
MODULE_LICENSE("GPL");
