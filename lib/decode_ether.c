/*
 * Ethernet II, the 802.1Q / 802.1ad tags that may follow it, and the
 * dispatch on EtherType that takes a frame through whatever link-layer
 * encapsulations it carries (provider backbone and port extender tags,
 * MPLS, PPPoE, Ethernet pseudowires) down to IP.  The dispatch is shared
 * with the Linux cooked headers, which end in the same ethertype field and
 * carry the same tags when libpcap re-inserts them.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define ETHER_HDR_LEN		14
#define VLAN_TAG_LEN		4
#define VLAN_VID_MASK		0x0fff
/* At most this, the field is an 802.3 length and LLC follows (802.3 3.2.6). */
#define ETHER_MAX_LENGTH_FIELD	1500

/* The tag walk's TPIDs; LLC/SNAP refuses them so a frame is walked once. */
int
decode_ethertype_is_vlan(uint16_t type)
{
	return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
	    type == ETHERTYPE_QINQ_OLD;
}

enum decode_result
decode_ether_hdr(struct decode_layer *l, const uint8_t *data, size_t caplen,
    size_t len)
{
	return decode_layer_fixed(l, data, caplen, len, ETHER_HDR_LEN,
	    DECODE_eth_truncated);
}

enum decode_result
decode_ether(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	struct decode_layer l;
	enum decode_result r;

	if ((r = decode_ether_hdr(&l, data, caplen, len)) != DECODE_ok)
		return r;
	return decode_ethertype(p, l.next, data + l.hlen, caplen - l.hlen,
	    l.len);
}

/*
 * The VLAN IDs in the flow key are the first two tags of the frame in wire
 * order, whatever encapsulation they sit in (Zeek's vlan and inner_vlan):
 * a third tag, or a customer's tags inside a pseudowire that already
 * crossed two, is walked but not keyed.  The tag limit is per Ethernet
 * header, since a pseudowire's frame brings tags of its own.
 */
enum decode_result
decode_ethertype(struct pkt *p, uint16_t type, const uint8_t *data,
    size_t caplen, size_t len)
{
	struct decode_layer l;
	enum decode_result r;
	int ntags = 0, nkeyed = 0, nencap = 0;

	if (len < caplen)
		len = caplen;
	for (;;) {
		/* An 802.3 length, not a type, after any header or tag. */
		if (type <= ETHER_MAX_LENGTH_FIELD)
			return decode_llc(p, data, caplen, len);
		switch (type) {
		case ETHERTYPE_IPV4:
			return decode_ipv4(p, data, caplen, len);
		case ETHERTYPE_IPV6:
			return decode_ipv6(p, data, caplen, len);
		case ETHERTYPE_8021Q:
		case ETHERTYPE_8021AD:
		case ETHERTYPE_QINQ_OLD: {
			uint16_t vid;

			if (ntags == DECODE_MAX_VLAN_TAGS)
				return DECODE_vlan_too_deep;
			if (caplen < VLAN_TAG_LEN)
				return DECODE_vlan_truncated;
			/* The TCI's low 12 bits are the VID; PCP and DEI not. */
			vid = get_u16(data) & VLAN_VID_MASK;
			if (nkeyed == 0)
				p->vlan_outer = vid;
			else if (nkeyed == 1)
				p->vlan_inner = vid;
			nkeyed++;
			ntags++;
			type = get_u16(data + 2);
			data += VLAN_TAG_LEN;
			caplen -= VLAN_TAG_LEN;
			len -= VLAN_TAG_LEN;
			continue;
		}
		case ETHERTYPE_TEB:
			r = decode_ether_hdr(&l, data, caplen, len);
			ntags = 0;
			break;
		case ETHERTYPE_PBB:
			r = decode_pbb(&l, data, caplen, len);
			ntags = 0;
			break;
		case ETHERTYPE_VNTAG:
			r = decode_vntag(&l, data, caplen, len);
			break;
		case ETHERTYPE_ETAG:
			r = decode_etag(&l, data, caplen, len);
			break;
		case ETHERTYPE_MPLS:
		case ETHERTYPE_MPLS_MCAST:
			r = decode_mpls(&l, data, caplen, len);
			break;
		case ETHERTYPE_PPPOE_SESS:
			r = decode_pppoe(&l, data, caplen, len);
			break;
		case ETHERTYPE_PPPOE_DISC:
			/* Session set-up (RFC 2516 5): no IP in it. */
			return DECODE_not_ip;
		default:
			return decode_ethertype_is_tunnel(type) ?
			    DECODE_tunnel : DECODE_not_ip;
		}
		if (r != DECODE_ok)
			return r;
		if (++nencap > DECODE_MAX_ENCAP)
			return DECODE_encap_too_deep;
		type = l.next;
		data += l.hlen;
		caplen -= l.hlen;
		len = l.len;
		if (caplen > len)
			caplen = len;
	}
}
