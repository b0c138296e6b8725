// SPDX-License-Identifier: GPL-2.0
/*
 * lwfw - a light-weight firewall on the IPv4 PRE_ROUTING hook.
 *
 * Every IPv4 packet that enters the host (for local delivery or for
 * forwarding) is checked against three optional rules, in this order:
 *
 *   deny_ip=A.B.C.D   drop packets whose source address is A.B.C.D;
 *   deny_if=NAME      drop packets that arrive on interface NAME;
 *   deny_port=N       drop TCP and UDP packets whose destination port is N.
 *
 * A packet is counted against the first rule that drops it.  The counts are
 * reported when the module is unloaded.  invert=1 turns every configured
 * rule into its opposite ("drop what does NOT match"), which makes a
 * whitelist of one address, interface or port.
 *
 * Modelled on the lwfw sample of the DUSK evaluation (Smirnov and Chiueh,
 * 2005); written for the Linux 6.1 Netfilter API.  Only init_net is hooked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/inet.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/net_namespace.h>

static char *deny_ip;
module_param(deny_ip, charp, 0444);
MODULE_PARM_DESC(deny_ip, "Drop IPv4 packets from this source address (dotted quad; unset = off)");

static char *deny_if;
module_param(deny_if, charp, 0444);
MODULE_PARM_DESC(deny_if, "Drop IPv4 packets arriving on this interface (unset = off)");

static ushort deny_port;
module_param(deny_port, ushort, 0444);
MODULE_PARM_DESC(deny_port, "Drop TCP and UDP packets to this destination port (0 = off)");

static bool invert;
module_param(invert, bool, 0444);
MODULE_PARM_DESC(invert, "Invert every rule: drop what does not match it (default: off)");

enum lwfw_rule {
	LWFW_RULE_IP,
	LWFW_RULE_IF,
	LWFW_RULE_PORT,
	LWFW_NR_RULES,
};

static const char *const lwfw_rule_names[LWFW_NR_RULES] = {
	[LWFW_RULE_IP]   = "ip",
	[LWFW_RULE_IF]   = "if",
	[LWFW_RULE_PORT] = "port",
};

/* The parameters, parsed once at load time. */
static __be32 deny_addr;	/* meaningful only if deny_ip_set */
static bool deny_ip_set;
static bool deny_if_set;

/*
 * Per-rule drop counters.  The hook runs in softirq context on every CPU,
 * the exit path in process context: take lwfw_lock with the _bh variants.
 */
static DEFINE_SPINLOCK(lwfw_lock);
static unsigned long lwfw_drops[LWFW_NR_RULES];

/* Apply the invert parameter to the outcome of one rule's match. */
static bool lwfw_denies(bool match)
{
	return match != invert;
}

/*
 * Destination port of a TCP or UDP packet, in host order, or 0 if the
 * packet is neither, is a non-first fragment, or is too short to tell.
 * Both headers start with (source, dest) ports, so one read serves both.
 */
static u16 lwfw_dest_port(const struct sk_buff *skb, const struct iphdr *iph)
{
	__be16 _ports[2];
	const __be16 *ports;

	if (iph->protocol != IPPROTO_TCP && iph->protocol != IPPROTO_UDP)
		return 0;
	if (ntohs(iph->frag_off) & IP_OFFSET)
		return 0;

	ports = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_ports), _ports);
	if (!ports)
		return 0;
	return ntohs(ports[1]);
}

/*
 * Decide which rule, if any, drops this packet.  Returns the rule, or
 * LWFW_NR_RULES if the packet may pass.
 */
static enum lwfw_rule lwfw_classify(const struct sk_buff *skb,
				    const struct net_device *in)
{
	const struct iphdr *iph = ip_hdr(skb);
	u16 dport;

	if (deny_ip_set && lwfw_denies(iph->saddr == deny_addr))
		return LWFW_RULE_IP;

	if (deny_if_set && in &&
	    lwfw_denies(strncmp(in->name, deny_if, IFNAMSIZ) == 0))
		return LWFW_RULE_IF;

	if (deny_port) {
		dport = lwfw_dest_port(skb, iph);
		if (dport && lwfw_denies(dport == deny_port))
			return LWFW_RULE_PORT;
	}

	return LWFW_NR_RULES;
}

static unsigned int lwfw_hook(void *priv, struct sk_buff *skb,
			      const struct nf_hook_state *state)
{
	enum lwfw_rule rule = lwfw_classify(skb, state->in);

	if (rule == LWFW_NR_RULES)
		return NF_ACCEPT;

	spin_lock_bh(&lwfw_lock);
	lwfw_drops[rule]++;
	spin_unlock_bh(&lwfw_lock);
	return NF_DROP;
}

static struct nf_hook_ops lwfw_ops = {
	.hook     = lwfw_hook,
	.pf       = NFPROTO_IPV4,
	.hooknum  = NF_INET_PRE_ROUTING,
	.priority = NF_IP_PRI_FIRST,
};

static int __init lwfw_init(void)
{
	int err;

	if (deny_ip && *deny_ip) {
		if (!in4_pton(deny_ip, -1, (u8 *)&deny_addr, -1, NULL)) {
			pr_err("deny_ip=%s is not a dotted-quad IPv4 address\n",
			       deny_ip);
			return -EINVAL;
		}
		deny_ip_set = true;
	}
	if (deny_if && *deny_if) {
		if (strlen(deny_if) >= IFNAMSIZ) {
			pr_err("deny_if=%s is longer than an interface name\n",
			       deny_if);
			return -EINVAL;
		}
		deny_if_set = true;
	}

	err = nf_register_net_hook(&init_net, &lwfw_ops);
	if (err) {
		pr_err("cannot register the PRE_ROUTING hook: %d\n", err);
		return err;
	}

	pr_info("loaded: deny_ip=%s deny_if=%s deny_port=%u%s\n",
		deny_ip_set ? deny_ip : "-", deny_if_set ? deny_if : "-",
		deny_port, invert ? " (inverted)" : "");
	return 0;
}

static void __exit lwfw_exit(void)
{
	unsigned long drops[LWFW_NR_RULES];
	int i;

	nf_unregister_net_hook(&init_net, &lwfw_ops);

	spin_lock_bh(&lwfw_lock);
	memcpy(drops, lwfw_drops, sizeof(drops));
	spin_unlock_bh(&lwfw_lock);

	for (i = 0; i < LWFW_NR_RULES; i++)
		pr_info("dropped by %s rule: %lu\n", lwfw_rule_names[i], drops[i]);
	pr_info("unloaded\n");
}

module_init(lwfw_init);
module_exit(lwfw_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("DUSK developers");
MODULE_DESCRIPTION("Light-weight firewall: drop IPv4 packets by source, interface or port");
