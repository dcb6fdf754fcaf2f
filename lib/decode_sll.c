/*
 * Linux cooked capture headers, what libpcap gives for "any" and for
 * interfaces without a link header.  They tell which way the frame went,
 * which Ethernet cannot: the capturing host's own packets are "outgoing".
 *
 * SLL (LINKTYPE_LINUX_SLL), 16 bytes:
 *	0 packet type (16)  2 ARPHRD (16)  4 address length (16)
 *	6 address (8 bytes)  14 protocol (16)
 * SLL2 (LINKTYPE_LINUX_SLL2), 20 bytes:
 *	0 protocol (16)  2 reserved (16)  4 ifindex (32)  8 ARPHRD (16)
 *	10 packet type (8)  11 address length (8)  12 address (8 bytes)
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define SLL_HDR_LEN		16
#define SLL_PKTTYPE_OFF		0
#define SLL_PROTO_OFF		14

#define SLL2_HDR_LEN		20
#define SLL2_PROTO_OFF		0
#define SLL2_IFINDEX_OFF	4
#define SLL2_PKTTYPE_OFF	10

/*
 * Below 0x0600 the protocol field is not an EtherType but one of Linux's
 * own ETH_P_* values (<linux/if_ether.h>); of those only ETH_P_802_2
 * frames (LLC, maybe SNAP) can carry IP.
 */
#define ETHERTYPE_MIN		0x0600
#define LINUX_ETH_P_802_2	0x0004

/* Packet types of <linux/if_packet.h>. */
#define LINUX_PACKET_HOST	0
#define LINUX_PACKET_OTHERHOST	3
#define LINUX_PACKET_OUTGOING	4

static uint8_t	sll_direction(unsigned);
static enum decode_result sll_proto(struct pkt *, uint16_t, const uint8_t *,
		    size_t, size_t);

/*
 * Host, broadcast, multicast and other-host frames all arrived from the
 * wire; loopback copies and kernel/user injected ones say nothing.
 */
static uint8_t
sll_direction(unsigned pkttype)
{
	if (pkttype == LINUX_PACKET_OUTGOING)
		return PKT_DIR_OUT;
	if (pkttype <= LINUX_PACKET_OTHERHOST)
		return PKT_DIR_IN;
	return PKT_DIR_UNKNOWN;
}

static enum decode_result
sll_proto(struct pkt *p, uint16_t proto, const uint8_t *data, size_t caplen,
    size_t len)
{
	if (proto < ETHERTYPE_MIN && proto != LINUX_ETH_P_802_2)
		return DECODE_not_ip;
	return decode_ethertype(p, proto, data, caplen, len);
}

enum decode_result
decode_sll(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	if (caplen < SLL_HDR_LEN)
		return DECODE_sll_truncated;
	p->direction = sll_direction(get_u16(data + SLL_PKTTYPE_OFF));
	return sll_proto(p, get_u16(data + SLL_PROTO_OFF),
	    data + SLL_HDR_LEN, caplen - SLL_HDR_LEN, len - SLL_HDR_LEN);
}

enum decode_result
decode_sll2(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	if (caplen < SLL2_HDR_LEN)
		return DECODE_sll_truncated;
	p->direction = sll_direction(data[SLL2_PKTTYPE_OFF]);
	p->ifindex = get_u32(data + SLL2_IFINDEX_OFF);
	return sll_proto(p, get_u16(data + SLL2_PROTO_OFF),
	    data + SLL2_HDR_LEN, caplen - SLL2_HDR_LEN, len - SLL2_HDR_LEN);
}
