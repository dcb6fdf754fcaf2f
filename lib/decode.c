/*
 * Entry point of the decoders: one call per captured frame, dispatched on
 * the link type of the capture it came from.  The link layer is decoded per
 * packet and not assumed from the first one: VLAN tags and, on "any",
 * cooked headers vary from frame to frame.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "decode.h"

#define RESULT_NAME(name, desc)	#name,
static const char *const result_names[DECODE_NRESULTS] = {
	DECODE_RESULTS(RESULT_NAME)
};
#undef RESULT_NAME

#define RESULT_DESC(name, desc)	desc,
static const char *const result_descs[DECODE_NRESULTS] = {
	DECODE_RESULTS(RESULT_DESC)
};
#undef RESULT_DESC

enum decode_result
decode_packet(struct pkt *p, int linktype, const uint8_t *data,
    size_t caplen, size_t wirelen)
{
	uint64_t ts_us;

	/* The caller may have stamped the packet already. */
	ts_us = p->ts_us;
	/*
	 * The tunnel stack (the larger part of the struct) is written layer
	 * by layer as the decoders push it and read only up to ntunnels:
	 * it need not be cleared for every packet.
	 */
	memset(p, 0, offsetof(struct pkt, tunnels));
	p->ts_us = ts_us;
	p->caplen = caplen > UINT32_MAX ? UINT32_MAX : (uint32_t)caplen;
	p->wirelen = wirelen > UINT32_MAX ? UINT32_MAX : (uint32_t)wirelen;
	p->wscale = TCP_NO_WSCALE;

	/*
	 * A wire length below the captured length is impossible and only
	 * comes from a damaged file; the captured bytes are real, so believe
	 * them rather than refuse a frame that is all there.
	 */
	if (wirelen < caplen)
		wirelen = caplen;

	switch (linktype) {
	case LINKTYPE_ETHERNET:
		return decode_ether(p, data, caplen, wirelen);
	case LINKTYPE_LINUX_SLL:
		return decode_sll(p, data, caplen, wirelen);
	case LINKTYPE_LINUX_SLL2:
		return decode_sll2(p, data, caplen, wirelen);
	case LINKTYPE_NULL:
		return decode_null(p, data, caplen, wirelen);
	case LINKTYPE_LOOP:
		return decode_loop(p, data, caplen, wirelen);
	case LINKTYPE_RAW:
	case LINKTYPE_RAW_ALT:
	case LINKTYPE_RAW_PCAP:
		return decode_ip(p, data, caplen, wirelen);
	case LINKTYPE_IPV4:
		return decode_ipv4(p, data, caplen, wirelen);
	case LINKTYPE_IPV6:
		return decode_ipv6(p, data, caplen, wirelen);
	case LINKTYPE_PPP:
		return decode_ppp(p, data, caplen, wirelen);
	case LINKTYPE_PPP_HDLC:
		return decode_ppp_hdlc(p, data, caplen, wirelen);
	case LINKTYPE_PPP_WITH_DIR:
		return decode_ppp_dir(p, data, caplen, wirelen);
	case LINKTYPE_C_HDLC:
		return decode_chdlc(p, data, caplen, wirelen);
	case LINKTYPE_NFLOG:
		return decode_nflog(p, data, caplen, wirelen);
	case LINKTYPE_FDDI:
		return decode_fddi(p, data, caplen, wirelen);
	default:
		return DECODE_linktype_unsupported;
	}
}

int
decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case LINKTYPE_ETHERNET:
	case LINKTYPE_LINUX_SLL:
	case LINKTYPE_LINUX_SLL2:
	case LINKTYPE_NULL:
	case LINKTYPE_LOOP:
	case LINKTYPE_RAW:
	case LINKTYPE_RAW_ALT:
	case LINKTYPE_RAW_PCAP:
	case LINKTYPE_IPV4:
	case LINKTYPE_IPV6:
	case LINKTYPE_PPP:
	case LINKTYPE_PPP_HDLC:
	case LINKTYPE_PPP_WITH_DIR:
	case LINKTYPE_C_HDLC:
	case LINKTYPE_NFLOG:
	case LINKTYPE_FDDI:
		return 1;
	default:
		return 0;
	}
}

int
decode_ethertype_is_tunnel(uint16_t type)
{
	/*
	 * MPLS, PPPoE, 802.1ah, VN-tag, 802.1BR and Ethernet pseudowires
	 * are decoded (decode_ethertype()); what is left here is not.
	 */
	switch (type) {
	case 0x894f:	/* network service header (RFC 8300) */
		return 1;
	default:
		return 0;
	}
}

/*
 * ESP (50) is not here: it is encryption, not an encapsulation we could
 * ever look into, and stays "other transport".
 */
int
decode_ipproto_is_tunnel(uint8_t proto)
{
	switch (proto) {
	case 4:		/* IPv4 in IP (RFC 2003) */
	case 41:	/* IPv6 in IP (RFC 4213, 2473) */
	case 47:	/* GRE (RFC 2784) */
	case 97:	/* EtherIP (RFC 3378) */
	case 115:	/* L2TPv3 over IP (RFC 3931) */
	case 137:	/* MPLS in IP (RFC 4023) */
		return 1;
	default:
		return 0;
	}
}

const char *
decode_result_name(enum decode_result r)
{
	return (unsigned)r < DECODE_NRESULTS ? result_names[r] : "unknown";
}

const char *
decode_result_desc(enum decode_result r)
{
	return (unsigned)r < DECODE_NRESULTS ? result_descs[r] :
	    "unknown decoder result";
}
