/*
 * PPPoE session stage (RFC 2516 section 6), what DSL subscribers' traffic
 * looks like between the access concentrator and the home router:
 *
 *	0 version (4) = 1, type (4) = 1  1 code = 0  2 session ID (16)
 *	4 length (16): the PPP frame that follows, protocol field included
 *	6 PPP protocol (RFC 1661): 2 bytes, or 1 when compressed
 *
 * The length field, not the frame, bounds the payload: Ethernet pads short
 * frames.  PPP's own control traffic (LCP echoes, IPCP) is counted as not
 * IP.  The discovery stage (EtherType 0x8863) carries no IP at all and is
 * the dispatch's to count.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define PPPOE_HDR_LEN		6
#define PPPOE_VERTYPE		0x11
#define PPPOE_CODE_SESSION	0x00
#define PPPOE_LEN_OFF		4

/* PPP protocol numbers (IANA "PPP DLL Protocol Numbers"). */
#define PPP_IP			0x0021
#define PPP_IPV6		0x0057
#define PPP_MPLS		0x0281
#define PPP_MPLS_MCAST		0x0283

enum decode_result
decode_pppoe(struct decode_layer *l, const uint8_t *data, size_t caplen,
    size_t len)
{
	size_t plen, protolen;
	uint16_t proto;

	if (caplen < PPPOE_HDR_LEN)
		return DECODE_pppoe_truncated;
	if (data[0] != PPPOE_VERTYPE || data[1] != PPPOE_CODE_SESSION)
		return DECODE_pppoe_bad_header;
	plen = get_u16(data + PPPOE_LEN_OFF);
	if (plen > len - PPPOE_HDR_LEN)
		return DECODE_pppoe_bad_len;

	/*
	 * A protocol number's first byte is even and its last odd (RFC 1661
	 * 2), so an odd first byte is a field compressed to one byte.
	 */
	if (caplen < PPPOE_HDR_LEN + 1)
		return DECODE_pppoe_truncated;
	if (data[PPPOE_HDR_LEN] & 1) {
		protolen = 1;
		proto = data[PPPOE_HDR_LEN];
	} else {
		protolen = 2;
		if (caplen < PPPOE_HDR_LEN + 2)
			return DECODE_pppoe_truncated;
		proto = get_u16(data + PPPOE_HDR_LEN);
	}
	if (plen < protolen)
		return DECODE_pppoe_bad_len;

	switch (proto) {
	case PPP_IP:
		l->next = ETHERTYPE_IPV4;
		break;
	case PPP_IPV6:
		l->next = ETHERTYPE_IPV6;
		break;
	case PPP_MPLS:
		l->next = ETHERTYPE_MPLS;
		break;
	case PPP_MPLS_MCAST:
		l->next = ETHERTYPE_MPLS_MCAST;
		break;
	default:
		return DECODE_ppp_not_ip;
	}
	l->hlen = PPPOE_HDR_LEN + protolen;
	l->len = plen - protolen;
	return DECODE_ok;
}
