/*
 * The one dispatch on "next protocol": what follows an IP header (its
 * protocol number), a UDP header (a tunnel's well-known port) or a tunnel
 * header (an EtherType, or IP by version).  Decoders reach each other only
 * through here, so that a new encapsulation is one file and one case.
 * (What follows an IP header is decode_ipproto() in decode_int.h, inline:
 * every packet takes that branch; what follows an EtherType is the link
 * layer's decode_ethertype().)  Each layer of encapsulation taken off is
 * recorded in the packet's tunnel stack, whose depth bounds the recursion:
 * a packet cannot make the decoders nest deeper than PKT_MAX_TUNNELS.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"

#define IPPROTO_IPIP		4	/* RFC 2003 */
#define IPPROTO_IPV6_IN		41	/* RFC 4213, RFC 2473 */

/* Well-known ports of the UDP tunnels (IANA service names registry). */
#define PORT_VXLAN		4789	/* RFC 7348 */
#define PORT_GENEVE		6081	/* RFC 8926 */
#define PORT_GTPU		2152	/* 3GPP TS 29.281 */
#define PORT_TEREDO		3544	/* RFC 4380 */
#define PORT_AYIYA		5072
#define PORT_GRE_UDP		4754	/* RFC 8086 */

static const char *const tunnel_names[TUN_NTYPES] = {
	[TUN_NONE] = "none",
	[TUN_IPIP] = "ipip",
	[TUN_6IN4] = "6in4",
	[TUN_4IN6] = "4in6",
	[TUN_6IN6] = "6in6",
	[TUN_GRE] = "gre",
	[TUN_ERSPAN] = "erspan",
	[TUN_VXLAN] = "vxlan",
	[TUN_GENEVE] = "geneve",
	[TUN_GTPU] = "gtpu",
	[TUN_TEREDO] = "teredo",
	[TUN_AYIYA] = "ayiya",
};

enum decode_result
decode_tunnel_push(struct pkt *p, enum pkt_tunnel_type type, bool has_id,
    uint32_t id)
{
	struct pkt_tunnel *t;

	if (p->ntunnels >= PKT_MAX_TUNNELS)
		return DECODE_tunnel_too_deep;
	t = &p->tunnels[p->ntunnels++];
	t->src = p->src;
	t->dst = p->dst;
	t->type = (uint8_t)type;
	t->has_id = has_id;
	t->id = has_id ? id : 0;
	t->pad = 0;
	return DECODE_ok;
}

/*
 * The port a tunnel listens on is the destination of its packets (VXLAN,
 * Geneve and GRE in UDP pick the source port for entropy); GTP-U, Teredo
 * and AYIYA peers answer from the port too, so either side will do.  A
 * payload that turns out not to be the tunnel's leaves an ordinary UDP
 * datagram: DECODE_NOT_TUNNEL becomes DECODE_ok with p as UDP left it.
 */
enum decode_result
decode_udp_payload(struct pkt *p, const uint8_t *data, size_t caplen,
    size_t len)
{
	enum decode_result r;

	if (p->dport == PORT_VXLAN)
		r = decode_vxlan(p, data, caplen, len);
	else if (p->dport == PORT_GENEVE)
		r = decode_geneve(p, data, caplen, len);
	else if (p->dport == PORT_GRE_UDP)
		r = decode_gre(p, data, caplen, len);
	else if (p->dport == PORT_GTPU || p->sport == PORT_GTPU)
		r = decode_gtpu(p, data, caplen, len);
	else if (p->dport == PORT_TEREDO || p->sport == PORT_TEREDO)
		r = decode_teredo(p, data, caplen, len);
	else if (p->dport == PORT_AYIYA || p->sport == PORT_AYIYA)
		r = decode_ayiya(p, data, caplen, len);
	else
		return DECODE_ok;
	return r == DECODE_NOT_TUNNEL ? DECODE_ok : r;
}

/*
 * Tags, IP, a whole Ethernet frame (0x6558) and the link-layer
 * encapsulations all go through the link layer's own EtherType dispatch.
 */
enum decode_result
decode_next_ethertype(struct pkt *p, uint16_t type, const uint8_t *data,
    size_t caplen, size_t len)
{
	/* Aruba's 802.11 in GRE: protocol types no EtherType uses. */
	if ((type & 0x000f) == 0 && ((type >= 0x8200 && type <= 0x82f0) ||
	    (type >= 0x8300 && type <= 0x8370)))
		return decode_wlan(p, data, caplen, len);
	return decode_ethertype(p, type, data, caplen, len);
}

enum decode_result
decode_next_ip(struct pkt *p, uint8_t proto, const uint8_t *data,
    size_t caplen, size_t len)
{
	switch (proto) {
	case IPPROTO_IPIP:
		return decode_ipv4(p, data, caplen, len);
	case IPPROTO_IPV6_IN:
		return decode_ipv6(p, data, caplen, len);
	default:
		return decode_ip(p, data, caplen, len);
	}
}

const char *
decode_tunnel_name(unsigned type)
{
	return type < TUN_NTYPES ? tunnel_names[type] : "unknown";
}

/* What the identifier is called where it is written (rstwatchd(8)). */
const char *
decode_tunnel_id_name(unsigned type)
{
	switch (type) {
	case TUN_GRE:
		return "key";
	case TUN_ERSPAN:
		return "session";
	case TUN_VXLAN:
	case TUN_GENEVE:
		return "vni";
	case TUN_GTPU:
		return "teid";
	default:
		return "id";
	}
}
