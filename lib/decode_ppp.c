/*
 * PPP (RFC 1661) as capture files carry it:
 *	LINKTYPE_PPP (9): the PPP frame, with or without the HDLC-like
 *	    address and control bytes ff 03 (RFC 1662); either may be absent
 *	    when the peers agreed to compress them away.
 *	LINKTYPE_PPP_HDLC (50): PPP in HDLC-like framing, ff 03 then the
 *	    protocol; on Cisco serial links the same link type carries Cisco
 *	    HDLC frames (address 0f or 8f, control 00, an EtherType).
 *	LINKTYPE_C_HDLC (104): Cisco HDLC alone.
 *	LINKTYPE_PPP_WITH_DIR (204): one direction byte (0 received,
 *	    nonzero sent), then LINKTYPE_PPP's frame.
 * The protocol field is two bytes, or one when protocol field compression
 * was agreed: a first byte with its low bit set ends the field (RFC 1661,
 * section 2).  IPv4, IPv6 and MPLS are handed to the EtherType dispatch
 * under their EtherTypes, so that what follows is decoded (or counted) as
 * it is on Ethernet.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define HDLC_ADDR_ALL		0xff
#define HDLC_CTRL_UI		0x03
#define CHDLC_ADDR_UNICAST	0x0f
#define CHDLC_ADDR_MULTICAST	0x8f
#define CHDLC_HDR_LEN		4

#define PPP_IP			0x0021
#define PPP_IPV6		0x0057
#define PPP_MPLS_UC		0x0281
#define PPP_MPLS_MC		0x0283

/* The PPP frame, from its address bytes, if any, on. */
enum decode_result
decode_ppp(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	uint16_t proto, type;
	size_t plen;

	/*
	 * ff is no protocol (nor the start of one): it is the address byte,
	 * and the control byte must follow.
	 */
	if (caplen >= 1 && data[0] == HDLC_ADDR_ALL) {
		if (caplen < 2)
			return DECODE_ppp_truncated;
		if (data[1] == HDLC_CTRL_UI) {
			data += 2;
			caplen -= 2;
			len -= 2;
		}
	}
	if (caplen < 1)
		return DECODE_ppp_truncated;
	if (data[0] & 1) {
		proto = data[0];
		plen = 1;
	} else {
		if (caplen < 2)
			return DECODE_ppp_truncated;
		proto = get_u16(data);
		plen = 2;
	}
	switch (proto) {
	case PPP_IP:
		type = ETHERTYPE_IPV4;
		break;
	case PPP_IPV6:
		type = ETHERTYPE_IPV6;
		break;
	case PPP_MPLS_UC:
		type = ETHERTYPE_MPLS;
		break;
	case PPP_MPLS_MC:
		type = ETHERTYPE_MPLS_MCAST;
		break;
	default:
		/* LCP, IPCP, CHAP...: the link's own talk. */
		return DECODE_not_ip;
	}
	return decode_ethertype(p, type, data + plen, caplen - plen,
	    len - plen);
}

enum decode_result
decode_chdlc(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	if (caplen < CHDLC_HDR_LEN)
		return DECODE_ppp_truncated;
	return decode_ethertype(p, get_u16(data + 2), data + CHDLC_HDR_LEN,
	    caplen - CHDLC_HDR_LEN, len - CHDLC_HDR_LEN);
}

enum decode_result
decode_ppp_hdlc(struct pkt *p, const uint8_t *data, size_t caplen,
    size_t len)
{
	if (caplen < 1)
		return DECODE_ppp_truncated;
	if (data[0] == CHDLC_ADDR_UNICAST || data[0] == CHDLC_ADDR_MULTICAST)
		return decode_chdlc(p, data, caplen, len);
	return decode_ppp(p, data, caplen, len);
}

enum decode_result
decode_ppp_dir(struct pkt *p, const uint8_t *data, size_t caplen,
    size_t len)
{
	if (caplen < 1)
		return DECODE_ppp_truncated;
	p->direction = data[0] == 0 ? PKT_DIR_IN : PKT_DIR_OUT;
	return decode_ppp(p, data + 1, caplen - 1, len - 1);
}
