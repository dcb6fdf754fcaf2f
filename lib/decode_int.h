/*
 * What the decoders share with each other and with nobody else: the
 * ethertype dispatch (Ethernet and both Linux cooked headers end in an
 * ethertype that may be followed by 802.1Q tags) and the IPv6 extension
 * header walk (a packet and the packet an ICMPv6 error quotes have the same
 * chain).
 */
#ifndef RSTWATCH_DECODE_INT_H
#define RSTWATCH_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Stacked tags beyond this are refused rather than walked (IEEE 802.1Q). */
#define DECODE_MAX_VLAN_TAGS	4
/* Extension headers beyond this are refused (RFC 8200 sets no limit). */
#define DECODE_MAX_IPV6_EXT	8

/*
 * Decode what follows a link header whose last field was the ethertype
 * "type": zero or more 802.1Q/802.1ad tags at data, then IPv4 or IPv6.
 */
enum decode_result decode_ethertype(struct pkt *, uint16_t type,
	    const uint8_t *, size_t caplen, size_t len);

/*
 * From a UDP tunnel decoder: the payload is not that tunnel's after all
 * (wrong flags or version, a length that cannot be), and the packet is
 * left untouched; it is then an ordinary UDP datagram.  Never leaves
 * decode_packet().
 */
#define DECODE_NOT_TUNNEL	((enum decode_result)DECODE_NRESULTS)

/* lib/decode_next.c: the one dispatch on "next protocol". */
/* After a UDP header (ports in p): a tunnel by port, or nothing. */
enum decode_result decode_udp_payload(struct pkt *, const uint8_t *,
	    size_t caplen, size_t len);
/* Inside a tunnel: an EtherType (0x6558 is a whole Ethernet frame). */
enum decode_result decode_next_ethertype(struct pkt *, uint16_t type,
	    const uint8_t *, size_t caplen, size_t len);
/* Inside a tunnel: IP, of the version proto says (4, 41), or 0 by nibble. */
enum decode_result decode_next_ip(struct pkt *, uint8_t proto,
	    const uint8_t *, size_t caplen, size_t len);
/*
 * Record one layer of encapsulation, its outer addresses being p's
 * addresses at the time; DECODE_tunnel_too_deep past PKT_MAX_TUNNELS.
 */
enum decode_result decode_tunnel_push(struct pkt *, enum pkt_tunnel_type,
	    bool has_id, uint32_t id);

#define DECODE_IPPROTO_IPIP	4	/* RFC 2003 */
#define DECODE_IPPROTO_IPV6	41	/* RFC 4213, RFC 2473 */
#define DECODE_IPPROTO_GRE	47	/* RFC 2784 */

/*
 * After an IP header: the transport or tunnelled protocol p->proto.  Part
 * of the dispatch of decode_next.c, inline here since every packet goes
 * through it.
 */
static inline enum decode_result
decode_ipproto(struct pkt *p, bool v6, const uint8_t *data, size_t caplen,
    size_t len)
{
	enum decode_result r;

	switch (p->proto) {
	case PKT_PROTO_TCP:
		return decode_tcp(p, data, caplen, len);
	case PKT_PROTO_UDP:
		return decode_udp(p, data, caplen, len);
	case PKT_PROTO_ICMP:
		if (v6)
			return DECODE_ip_other_proto;
		return decode_icmp(p, data, caplen, len);
	case PKT_PROTO_ICMPV6:
		if (!v6)
			return DECODE_ip_other_proto;
		return decode_icmp6(p, data, caplen, len);
	case DECODE_IPPROTO_IPIP:
		r = decode_tunnel_push(p, v6 ? TUN_4IN6 : TUN_IPIP, false, 0);
		if (r != DECODE_ok)
			return r;
		return decode_ipv4(p, data, caplen, len);
	case DECODE_IPPROTO_IPV6:
		r = decode_tunnel_push(p, v6 ? TUN_6IN6 : TUN_6IN4, false, 0);
		if (r != DECODE_ok)
			return r;
		return decode_ipv6(p, data, caplen, len);
	case DECODE_IPPROTO_GRE:
		return decode_gre(p, data, caplen, len);
	default:
		return decode_ipproto_is_tunnel(p->proto) ? DECODE_tunnel :
		    DECODE_ip_other_proto;
	}
}

/*
 * Where an IPv6 extension header chain ends.  "off" is the offset of the
 * upper-layer header from the end of the fixed 40-byte header.
 */
struct ipv6_chain {
	size_t		off;
	uint8_t		nxt;		/* upper-layer protocol */
	bool		fragment;	/* a fragment header was seen */
};

/*
 * Walk the extension headers that start at data (just past the fixed
 * header) with first next-header value nxt.  caplen bytes are captured and
 * plen is the payload length the chain must fit in.  Returns DECODE_ok,
 * DECODE_ip_fragment (non-first fragment; nxt is the fragment's protocol),
 * DECODE_ip_other_proto (no next header, or ESP), DECODE_ipv6_ext_truncated
 * or DECODE_ipv6_ext_malformed.
 */
enum decode_result decode_ipv6_chain(struct ipv6_chain *, uint8_t nxt,
	    const uint8_t *, size_t caplen, size_t plen);

#endif
