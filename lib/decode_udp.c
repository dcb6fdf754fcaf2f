/*
 * UDP (RFC 768).  Only the ports and the length matter here: the flows
 * that end in an ICMP port unreachable are UDP ones.  A tunnel's port
 * sends the payload on through the next-protocol dispatch.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define UDP_HDR_LEN	8
#define UDP_LEN_OFF	4

enum decode_result
decode_udp(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	uint16_t ulen;

	if (len < caplen)
		len = caplen;
	/* Too short by the IP length is malformed, by the capture cut. */
	if (len < UDP_HDR_LEN)
		return DECODE_udp_bad_len;
	if (caplen < UDP_HDR_LEN)
		return DECODE_udp_truncated;
	p->sport = get_u16(data);
	p->dport = get_u16(data + 2);
	ulen = get_u16(data + UDP_LEN_OFF);
	p->l4_checksum = get_u16(data + 6);
	/*
	 * In a first fragment the datagram goes on in the next ones: what
	 * is beyond the fragment counts as not captured, so that a tunnel
	 * inside (GTP-U is often fragmented) still yields its inner headers.
	 */
	if (p->frag_first && ulen > len)
		len = ulen;
	if (ulen < UDP_HDR_LEN || ulen > len)
		return DECODE_udp_bad_len;
	p->payload_len = (uint32_t)ulen - UDP_HDR_LEN;
	/* The UDP length, not the IP length, ends the datagram. */
	if (caplen > ulen)
		caplen = ulen;
	return decode_udp_payload(p, data + UDP_HDR_LEN, caplen - UDP_HDR_LEN,
	    (size_t)ulen - UDP_HDR_LEN);
}
