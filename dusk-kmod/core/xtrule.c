// SPDX-License-Identifier: GPL-2.0
/*
 * Does a packet pass a rule's own address, interface and protocol test?
 * The same test as ip_packet_match() and ip6_packet_match() (static in
 * net/ipv4/netfilter/ip_tables.c and net/ipv6/netfilter/ip6_tables.c of the
 * pinned kernel), which the table applies before it calls the rule's
 * matches.  Without it every instance would be asked about every packet of
 * its hook, and matches with state (quota, statistic, recent, limit) would
 * count packets their rule never sees: `-p icmp -m quota` counted TCP too.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <net/ipv6.h>
#include "xtrule.h"

/*
 * Keep the rule's part from checkentry's entryinfo: ip_tables and ip6_tables
 * pass &entry->ip / &entry->ipv6, nft_compat its own ipt_entry/ip6t_entry,
 * which begin with them; nft_compat's lives on the stack, hence the copy.
 */
void dusk_xt_rule_save(union dusk_xt_rule *r, const struct xt_mtchk_param *par)
{
	memset(r, 0, sizeof(*r));
	if (!par->entryinfo)
		return;
	if (par->family == NFPROTO_IPV4)
		memcpy(&r->v4, par->entryinfo, sizeof(r->v4));
	else if (par->family == NFPROTO_IPV6)
		memcpy(&r->v6, par->entryinfo, sizeof(r->v6));
}

/*
 * The rule's in and out interface tests: ipt_ip and ip6t_ip6 have the same
 * interface fields, and their VIA_IN and VIA_OUT flags invert them.
 */
#define dusk_xt_rule_ifaces(info, indev, outdev, via_in, via_out)				\
	(!NF_INVF(info, via_in,									\
		  ifname_compare_aligned(indev, (info)->iniface, (info)->iniface_mask) != 0) &&	\
	 !NF_INVF(info, via_out,								\
		  ifname_compare_aligned(outdev, (info)->outiface, (info)->outiface_mask) != 0))

static bool dusk_xt_rule_v4(const struct ipt_ip *ipinfo, const struct sk_buff *skb,
			    const char *indev, const char *outdev)
{
	const struct iphdr *ip = ip_hdr(skb);
	bool isfrag = ntohs(ip->frag_off) & IP_OFFSET;

	if (NF_INVF(ipinfo, IPT_INV_SRCIP,
		    (ip->saddr & ipinfo->smsk.s_addr) != ipinfo->src.s_addr) ||
	    NF_INVF(ipinfo, IPT_INV_DSTIP,
		    (ip->daddr & ipinfo->dmsk.s_addr) != ipinfo->dst.s_addr))
		return false;
	if (!dusk_xt_rule_ifaces(ipinfo, indev, outdev, IPT_INV_VIA_IN, IPT_INV_VIA_OUT))
		return false;
	if (ipinfo->proto && NF_INVF(ipinfo, IPT_INV_PROTO, ip->protocol != ipinfo->proto))
		return false;
	if (NF_INVF(ipinfo, IPT_INV_FRAG, (ipinfo->flags & IPT_F_FRAG) && !isfrag))
		return false;
	return true;
}

static bool dusk_xt_rule_v6(const struct ip6t_ip6 *ip6info, const struct sk_buff *skb,
			    const char *indev, const char *outdev)
{
	const struct ipv6hdr *ipv6 = ipv6_hdr(skb);
	unsigned short frag_off = 0;
	unsigned int protoff = 0;
	int protohdr;

	if (NF_INVF(ip6info, IP6T_INV_SRCIP,
		    ipv6_masked_addr_cmp(&ipv6->saddr, &ip6info->smsk, &ip6info->src)) ||
	    NF_INVF(ip6info, IP6T_INV_DSTIP,
		    ipv6_masked_addr_cmp(&ipv6->daddr, &ip6info->dmsk, &ip6info->dst)))
		return false;
	if (!dusk_xt_rule_ifaces(ip6info, indev, outdev, IP6T_INV_VIA_IN, IP6T_INV_VIA_OUT))
		return false;
	if (!(ip6info->flags & IP6T_F_PROTO))
		return true;
	/* A header chain the table cannot walk hot-drops the packet there. */
	protohdr = ipv6_find_hdr(skb, &protoff, -1, &frag_off, NULL);
	if (protohdr < 0)
		return false;
	if (ip6info->proto == protohdr)
		return !(ip6info->invflags & IP6T_INV_PROTO);
	/* '-p all' */
	return !(ip6info->proto != 0 && !(ip6info->invflags & IP6T_INV_PROTO));
}

/* Does a packet in @state, of family @pf, pass rule part @r? */
bool dusk_xt_rule_applies(const union dusk_xt_rule *r, u8 pf, const struct sk_buff *skb,
			  const struct nf_hook_state *state)
{
	static const char nulldevname[IFNAMSIZ] __aligned(sizeof(long));
	const char *indev = state->in ? state->in->name : nulldevname;
	const char *outdev = state->out ? state->out->name : nulldevname;

	if (pf == NFPROTO_IPV4)
		return dusk_xt_rule_v4(&r->v4, skb, indev, outdev);
	if (pf == NFPROTO_IPV6)
		return dusk_xt_rule_v6(&r->v6, skb, indev, outdev);
	return true;
}
