/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The address, interface and protocol part of an xtables rule, kept with
 * each instance of a match asked ahead of the table (xtmatch.c): the
 * pre-hook asks the program only about rules whose own part the packet
 * passes, as ipt_do_table()/ip6t_do_table() call a rule's matches only then.
 */
#ifndef DUSK_XTRULE_H
#define DUSK_XTRULE_H

#include <linux/netfilter.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter_ipv6/ip6_tables.h>

union dusk_xt_rule {
	struct ipt_ip v4;
	struct ip6t_ip6 v6;
};

void dusk_xt_rule_save(union dusk_xt_rule *r, const struct xt_mtchk_param *par);
bool dusk_xt_rule_applies(const union dusk_xt_rule *r, u8 pf, const struct sk_buff *skb,
			  const struct nf_hook_state *state);

#endif
