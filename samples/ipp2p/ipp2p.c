// SPDX-License-Identifier: GPL-2.0
/*
 * ipp2p - count peer-to-peer traffic by payload signature.
 *
 * On NF_INET_POST_ROUTING every TCP and UDP packet leaving the host (sent
 * locally or forwarded) has the start of its payload compared with the
 * signatures of a few peer-to-peer protocols:
 *
 *   bittorrent     TCP "\x13BitTorrent protocol" handshake, TCP tracker
 *                  "GET /announce?info_hash=", UDP DHT "d1:ad2:id20:" and
 *                  "d1:rd2:id20:";
 *   edonkey        TCP 0xe3/0xc5 header whose little-endian length field
 *                  equals the rest of the payload; UDP 0xe3/0xc5 followed by
 *                  a server opcode (0x90-0xa5);
 *   gnutella       TCP "GNUTELLA CONNECT/", "GNUTELLA/0.6", "GIV ";
 *   directconnect  TCP "$MyNick ", "$Lock ", "$Key ", "$Hello " ... "|".
 *
 * Matching packets are counted per protocol and always accepted: this is a
 * classifier, not a filter.  The counts are readable in /proc/ipp2p, one
 * "name count" line per protocol, and are logged when the module unloads.
 * scan_udp=0 restricts the classifier to TCP.
 *
 * Modelled on the ipp2p sample of the DUSK evaluation (after Eicke
 * Friedrich's ipp2p netfilter match), written for the Linux 6.1 Netfilter
 * API.  Only init_net is hooked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/init.h>
#include <linux/ip.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/skbuff.h>
#include <linux/string.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <asm/unaligned.h>
#include <net/ip.h>
#include <net/net_namespace.h>

/* How much of a payload the signatures look at. */
#define IPP2P_SCAN_LEN	64

static bool scan_udp = true;
module_param(scan_udp, bool, 0444);
MODULE_PARM_DESC(scan_udp, "Classify UDP payloads as well as TCP (default: on)");

enum ipp2p_proto {
	IPP2P_BITTORRENT,
	IPP2P_EDONKEY,
	IPP2P_GNUTELLA,
	IPP2P_DIRECTCONNECT,
	IPP2P_NR_PROTOS,
	IPP2P_NONE = IPP2P_NR_PROTOS,
};

static const char *const ipp2p_names[IPP2P_NR_PROTOS] = {
	[IPP2P_BITTORRENT]    = "bittorrent",
	[IPP2P_EDONKEY]       = "edonkey",
	[IPP2P_GNUTELLA]      = "gnutella",
	[IPP2P_DIRECTCONNECT] = "directconnect",
};

/* Packets seen per protocol; updated from any CPU, in any context. */
static atomic_long_t ipp2p_counts[IPP2P_NR_PROTOS];

/* Does @data (@len bytes) start with the C string @prefix? */
static bool ipp2p_starts(const u8 *data, unsigned int len, const char *prefix)
{
	size_t n = strlen(prefix);

	return len >= n && !memcmp(data, prefix, n);
}

/*
 * Each search function gets the first @len bytes of the payload in @data and
 * the payload's full length in @plen, and says whether it matches.
 */
static bool ipp2p_bittorrent_tcp(const u8 *data, unsigned int len,
				 unsigned int plen)
{
	return (len >= 20 && data[0] == 0x13 &&
		!memcmp(data + 1, "BitTorrent protocol", 19)) ||
	       ipp2p_starts(data, len, "GET /announce?info_hash=");
}

static bool ipp2p_bittorrent_udp(const u8 *data, unsigned int len,
				 unsigned int plen)
{
	return ipp2p_starts(data, len, "d1:ad2:id20:") ||
	       ipp2p_starts(data, len, "d1:rd2:id20:");
}

/* eDonkey/eMule over TCP: marker, u32 little-endian length, opcode... */
static bool ipp2p_edonkey_tcp(const u8 *data, unsigned int len,
			      unsigned int plen)
{
	if (len < 6 || (data[0] != 0xe3 && data[0] != 0xc5))
		return false;
	return get_unaligned_le32(data + 1) == plen - 5;
}

static bool ipp2p_edonkey_udp(const u8 *data, unsigned int len,
			      unsigned int plen)
{
	return len >= 2 && (data[0] == 0xe3 || data[0] == 0xc5) &&
	       data[1] >= 0x90 && data[1] <= 0xa5;
}

static bool ipp2p_gnutella_tcp(const u8 *data, unsigned int len,
			       unsigned int plen)
{
	return ipp2p_starts(data, len, "GNUTELLA CONNECT/") ||
	       ipp2p_starts(data, len, "GNUTELLA/0.6") ||
	       ipp2p_starts(data, len, "GIV ");
}

/* Direct Connect commands start with '$' and end with '|'. */
static bool ipp2p_directconnect_tcp(const u8 *data, unsigned int len,
				    unsigned int plen)
{
	static const char *const cmds[] = { "$MyNick ", "$Lock ", "$Key ", "$Hello " };
	int i;

	if (len != plen || data[len - 1] != '|')
		return false;
	for (i = 0; i < ARRAY_SIZE(cmds); i++)
		if (ipp2p_starts(data, len, cmds[i]))
			return true;
	return false;
}

struct ipp2p_search {
	enum ipp2p_proto proto;
	u8 ipproto;
	bool (*match)(const u8 *data, unsigned int len, unsigned int plen);
};

static const struct ipp2p_search ipp2p_searches[] = {
	{ IPP2P_BITTORRENT,    IPPROTO_TCP, ipp2p_bittorrent_tcp },
	{ IPP2P_BITTORRENT,    IPPROTO_UDP, ipp2p_bittorrent_udp },
	{ IPP2P_EDONKEY,       IPPROTO_TCP, ipp2p_edonkey_tcp },
	{ IPP2P_EDONKEY,       IPPROTO_UDP, ipp2p_edonkey_udp },
	{ IPP2P_GNUTELLA,      IPPROTO_TCP, ipp2p_gnutella_tcp },
	{ IPP2P_DIRECTCONNECT, IPPROTO_TCP, ipp2p_directconnect_tcp },
};

/*
 * Classify one packet.  Returns the protocol it belongs to, or IPP2P_NONE
 * if it has no payload or no signature matches.
 */
static enum ipp2p_proto ipp2p_classify(const struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int off = ip_hdrlen(skb);
	unsigned int len, plen;
	u8 _payload[IPP2P_SCAN_LEN];
	const u8 *data;
	int i;

	if (ip_is_fragment(iph))
		return IPP2P_NONE;

	if (iph->protocol == IPPROTO_TCP) {
		const struct tcphdr *th;
		struct tcphdr _th;

		th = skb_header_pointer(skb, off, sizeof(_th), &_th);
		if (!th)
			return IPP2P_NONE;
		off += th->doff * 4;
	} else if (iph->protocol == IPPROTO_UDP && scan_udp) {
		off += sizeof(struct udphdr);
	} else {
		return IPP2P_NONE;
	}

	if (off >= skb->len)
		return IPP2P_NONE;
	plen = skb->len - off;
	len = min_t(unsigned int, plen, sizeof(_payload));
	data = skb_header_pointer(skb, off, len, _payload);
	if (!data)
		return IPP2P_NONE;

	for (i = 0; i < ARRAY_SIZE(ipp2p_searches); i++) {
		const struct ipp2p_search *s = &ipp2p_searches[i];

		if (s->ipproto == iph->protocol && s->match(data, len, plen))
			return s->proto;
	}
	return IPP2P_NONE;
}

static unsigned int ipp2p_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	enum ipp2p_proto proto = ipp2p_classify(skb);

	if (proto != IPP2P_NONE)
		atomic_long_inc(&ipp2p_counts[proto]);
	return NF_ACCEPT;
}

static struct nf_hook_ops ipp2p_ops = {
	.hook     = ipp2p_hook,
	.pf       = NFPROTO_IPV4,
	.hooknum  = NF_INET_POST_ROUTING,
	.priority = NF_IP_PRI_LAST,
};

static int ipp2p_proc_show(struct seq_file *m, void *v)
{
	int i;

	for (i = 0; i < IPP2P_NR_PROTOS; i++)
		seq_printf(m, "%s %ld\n", ipp2p_names[i],
			   atomic_long_read(&ipp2p_counts[i]));
	return 0;
}

static int ipp2p_proc_open(struct inode *inode, struct file *file)
{
	return single_open(file, ipp2p_proc_show, NULL);
}

static const struct proc_ops ipp2p_proc_ops = {
	.proc_open    = ipp2p_proc_open,
	.proc_read    = seq_read,
	.proc_lseek   = seq_lseek,
	.proc_release = single_release,
};

static struct proc_dir_entry *ipp2p_proc;

static int __init ipp2p_init(void)
{
	int err;

	ipp2p_proc = proc_create("ipp2p", 0444, NULL, &ipp2p_proc_ops);
	if (!ipp2p_proc) {
		pr_err("cannot create /proc/ipp2p\n");
		return -ENOMEM;
	}

	err = nf_register_net_hook(&init_net, &ipp2p_ops);
	if (err) {
		pr_err("cannot register the POST_ROUTING hook: %d\n", err);
		goto err_remove_proc;
	}

	pr_info("classifying TCP%s payloads\n", scan_udp ? " and UDP" : "");
	return 0;

err_remove_proc:
	proc_remove(ipp2p_proc);
	return err;
}

static void __exit ipp2p_exit(void)
{
	int i;

	nf_unregister_net_hook(&init_net, &ipp2p_ops);
	proc_remove(ipp2p_proc);

	for (i = 0; i < IPP2P_NR_PROTOS; i++)
		pr_info("%s packets: %ld\n", ipp2p_names[i],
			atomic_long_read(&ipp2p_counts[i]));
}

module_init(ipp2p_init);
module_exit(ipp2p_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("DUSK developers");
MODULE_DESCRIPTION("Peer-to-peer traffic classifier with counters in /proc/ipp2p");
