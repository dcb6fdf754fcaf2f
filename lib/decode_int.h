/*
 * What the decoders share with each other and with nobody else: the
 * ethertype dispatch (Ethernet and both Linux cooked headers end in an
 * ethertype that may be followed by 802.1Q tags), the IP header checks
 * and the IPv6 extension header walk (a packet and the packet an ICMP
 * error quotes get the same checks and have the same chain).
 */
#ifndef RSTWATCH_DECODE_INT_H
#define RSTWATCH_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "extract.h"

/* Stacked tags beyond this are refused rather than walked (IEEE 802.1Q). */
#define DECODE_MAX_VLAN_TAGS	4
/*
 * Link-layer encapsulations (a label stack, a PPPoE header, a pseudowire's
 * Ethernet header, an I-tag...) nested deeper than this are refused: real
 * networks stop at three or four, and each level costs a pass round the
 * dispatch, so the limit bounds the work a hostile frame can ask for.
 */
#define DECODE_MAX_ENCAP	8
/* Segment routing stacks a dozen labels deep exist; 16 leaves room. */
#define DECODE_MAX_MPLS_LABELS	16

/* EtherTypes the dispatch knows (IEEE registry; RFC 3032, 2516, 1701). */
#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_8021Q		0x8100	/* C-tag */
#define ETHERTYPE_8021AD	0x88a8	/* S-tag, also 802.1ah's B-tag */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-802.1ad S-tag, still seen */
#define ETHERTYPE_MPLS		0x8847
#define ETHERTYPE_MPLS_MCAST	0x8848
#define ETHERTYPE_PPPOE_DISC	0x8863
#define ETHERTYPE_PPPOE_SESS	0x8864
#define ETHERTYPE_PBB		0x88e7	/* 802.1ah I-tag */
#define ETHERTYPE_VNTAG		0x8926
#define ETHERTYPE_ETAG		0x893f	/* 802.1BR */
/* "An Ethernet frame follows": GRE's and our own name for a pseudowire. */
#define ETHERTYPE_TEB		0x6558

/*
 * What one encapsulation layer tells the dispatch: how long its own header
 * was, what follows it (as an EtherType) and how long that is on the wire
 * (a layer with a length field, PPPoE, may shorten it: the rest is padding).
 */
struct decode_layer {
	size_t		hlen;
	uint16_t	next;
	size_t		len;
};
/* Extension headers beyond this are refused (RFC 8200 sets no limit). */
#define DECODE_MAX_IPV6_EXT	8

/*
 * Decode what follows a link header whose last field was the ethertype
 * "type": zero or more 802.1Q/802.1ad tags and link encapsulations at
 * data, then IPv4 or IPv6.  This is the one dispatch on "next protocol"
 * of the link layer: the layer decoders below only say what follows them.
 */
enum decode_result decode_ethertype(struct pkt *, uint16_t type,
	    const uint8_t *, size_t caplen, size_t len);
/* Whether type is an 802.1Q/802.1ad tag protocol identifier. */
int	decode_ethertype_is_vlan(uint16_t type);

/*
 * The layer decoders of that dispatch.  Each checks its header in the
 * caplen captured bytes at data (len on the wire, len >= caplen) and fills
 * in the layer, or says why it cannot.
 */
/*
 * The layers of one fixed length, hlen, whose last two bytes are the
 * EtherType of what follows (Ethernet's header, 802.1ah's I-tag and
 * customer addresses, VN-tag, E-tag): short when caplen cannot hold it.
 */
static inline enum decode_result
decode_layer_fixed(struct decode_layer *l, const uint8_t *data,
    size_t caplen, size_t len, size_t hlen, enum decode_result short_)
{
	if (caplen < hlen)
		return short_;
	l->hlen = hlen;
	l->next = get_u16(data + hlen - 2);
	l->len = len - hlen;
	return DECODE_ok;
}

enum decode_result decode_ether_hdr(struct decode_layer *, const uint8_t *,
	    size_t caplen, size_t len);
enum decode_result decode_pbb(struct decode_layer *, const uint8_t *,
	    size_t caplen, size_t len);
enum decode_result decode_vntag(struct decode_layer *, const uint8_t *,
	    size_t caplen, size_t len);
enum decode_result decode_etag(struct decode_layer *, const uint8_t *,
	    size_t caplen, size_t len);
enum decode_result decode_mpls(struct decode_layer *, const uint8_t *,
	    size_t caplen, size_t len);
enum decode_result decode_pppoe(struct decode_layer *, const uint8_t *,
	    size_t caplen, size_t len);

/*
 * The checks every IP header gets, a packet's own or the one an ICMP error
 * quotes (RFC 791, RFC 8200): the version; for IPv4 a header length of at
 * least 20 bytes that fits in len and a total length no shorter than the
 * header; for IPv6 the 40-byte header within len.  caplen bytes are
 * captured of len on the wire; a header cut by the capture is truncated,
 * one that cannot be is malformed (ip_bad_version, ipv4_bad_hlen,
 * ipv4_bad_len, ipv6_bad_len).  A packet's own length must fit in len, and
 * a length of 0 means len (TSO and GSO).  A quoted packet was cut short
 * by whoever quoted it, so its length is not held to len; but it crossed
 * a wire, so 0 is malformed.  Fill the header length and the length at
 * the IP layer (IPv4), or the payload length (IPv6).
 */
enum decode_result decode_ipv4_check(const uint8_t *, size_t caplen,
	    size_t len, bool quoted, size_t *hlen, size_t *iplen);
enum decode_result decode_ipv6_check(const uint8_t *, size_t caplen,
	    size_t len, bool quoted, size_t *plen);

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
