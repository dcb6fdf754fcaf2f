/*
 * Ethernet II and the 802.1Q / 802.1ad tags that may follow it.  The tag
 * walk is shared with the Linux cooked headers, which end in the same
 * ethertype field and carry the same tags when libpcap re-inserts them.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define ETHER_HDR_LEN		14
#define ETHER_TYPE_OFF		12
#define VLAN_TAG_LEN		4
#define VLAN_VID_MASK		0x0fff

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_8021Q		0x8100	/* C-tag */
#define ETHERTYPE_8021AD	0x88a8	/* S-tag */
#define ETHERTYPE_QINQ_OLD	0x9100	/* pre-802.1ad S-tag, still seen */
/* At most this, the field is an 802.3 length and LLC follows (802.3 3.2.6). */
#define ETHER_MAX_LENGTH_FIELD	1500

static int	is_vlan_tpid(uint16_t);

static int
is_vlan_tpid(uint16_t type)
{
	return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD ||
	    type == ETHERTYPE_QINQ_OLD;
}

int
decode_ethertype_is_vlan(uint16_t type)
{
	return is_vlan_tpid(type);
}

enum decode_result
decode_ether(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	if (len < caplen)
		len = caplen;
	if (caplen < ETHER_HDR_LEN)
		return DECODE_eth_truncated;
	return decode_ethertype(p, get_u16(data + ETHER_TYPE_OFF),
	    data + ETHER_HDR_LEN, caplen - ETHER_HDR_LEN, len - ETHER_HDR_LEN);
}

enum decode_result
decode_ethertype(struct pkt *p, uint16_t type, const uint8_t *data,
    size_t caplen, size_t len)
{
	int ntags = 0;

	if (len < caplen)
		len = caplen;
	while (is_vlan_tpid(type)) {
		uint16_t vid;

		if (ntags == DECODE_MAX_VLAN_TAGS)
			return DECODE_vlan_too_deep;
		if (caplen < VLAN_TAG_LEN)
			return DECODE_vlan_truncated;
		/* The TCI's low 12 bits are the VID; PCP and DEI are not ours. */
		vid = get_u16(data) & VLAN_VID_MASK;
		if (ntags == 0)
			p->vlan_outer = vid;
		else if (ntags == 1)
			p->vlan_inner = vid;
		type = get_u16(data + 2);
		data += VLAN_TAG_LEN;
		caplen -= VLAN_TAG_LEN;
		len -= VLAN_TAG_LEN;
		ntags++;
	}

	if (type <= ETHER_MAX_LENGTH_FIELD)
		return decode_llc(p, data, caplen, len);
	switch (type) {
	case ETHERTYPE_IPV4:
		return decode_ipv4(p, data, caplen, len);
	case ETHERTYPE_IPV6:
		return decode_ipv6(p, data, caplen, len);
	default:
		return decode_ethertype_is_tunnel(type) ? DECODE_tunnel :
		    DECODE_not_ip;
	}
}
