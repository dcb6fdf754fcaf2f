/*
 * IPv4 (RFC 791).  The total length, not the captured length, bounds
 * the packet: Ethernet pads short frames to 60 bytes, and the padding is
 * not payload.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define IPV4_MIN_HDR_LEN	20
#define IPV4_TOTLEN_OFF		2
#define IPV4_ID_OFF		4
#define IPV4_FRAG_OFF		6
#define IPV4_TTL_OFF		8
#define IPV4_PROTO_OFF		9
#define IPV4_SRC_OFF		12
#define IPV4_DST_OFF		16
#define IPV4_OFFMASK		0x1fff
#define IPV4_MF			0x2000

enum decode_result
decode_ipv4_check(const uint8_t *data, size_t caplen, size_t len, bool quoted,
    size_t *hlenp, size_t *iplenp)
{
	size_t hlen, iplen;
	uint16_t totlen;

	if (caplen < 1)
		return DECODE_ipv4_truncated;
	if (data[0] >> 4 != 4)
		return DECODE_ip_bad_version;
	hlen = (size_t)(data[0] & 0x0f) * 4;
	if (hlen < IPV4_MIN_HDR_LEN)
		return DECODE_ipv4_bad_hlen;
	/* A header longer than the packet is the packet's fault. */
	if (len < hlen)
		return DECODE_ipv4_bad_len;
	if (caplen < hlen)
		return DECODE_ipv4_truncated;

	totlen = get_u16(data + IPV4_TOTLEN_OFF);
	if (totlen == 0 && !quoted) {
		/*
		 * With TCP segmentation offload the capturing host sees its
		 * own super-segments before the NIC cuts them, and Linux
		 * leaves a length that does not fit in 16 bits as zero: the
		 * wire length is the only length there is.  A router quotes
		 * what crossed a wire, which always had a length.
		 */
		iplen = len;
	} else {
		iplen = totlen;
		if (iplen < hlen || (!quoted && iplen > len))
			return DECODE_ipv4_bad_len;
	}
	*hlenp = hlen;
	*iplenp = iplen;
	return DECODE_ok;
}

enum decode_result
decode_ipv4(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	size_t hlen, iplen;

	if (len < caplen)
		len = caplen;
	r = decode_ipv4_check(data, caplen, len, false, &hlen, &iplen);
	if (r != DECODE_ok)
		return r;
	if (caplen > iplen)
		caplen = iplen;

	addr_from_v4(&p->src, data + IPV4_SRC_OFF);
	addr_from_v4(&p->dst, data + IPV4_DST_OFF);
	p->ttl = data[IPV4_TTL_OFF];
	p->ip_id = get_u16(data + IPV4_ID_OFF);
	p->proto = data[IPV4_PROTO_OFF];

	/*
	 * A first fragment (offset 0, more fragments) starts with the
	 * transport header like any packet; the others have none.
	 */
	if ((get_u16(data + IPV4_FRAG_OFF) & IPV4_OFFMASK) != 0) {
		p->fragment = true;
		return DECODE_ip_fragment;
	}
	/*
	 * A first fragment's transport header may announce more than the
	 * fragment holds (a UDP length, a tunnelled packet's own length):
	 * the rest is in later fragments, not missing.
	 */
	p->frag_first = (get_u16(data + IPV4_FRAG_OFF) & IPV4_MF) != 0;

	/* Options are of no use here; the header length skips them. */
	data += hlen;
	caplen -= hlen;
	iplen -= hlen;
	return decode_ipproto(p, false, data, caplen, iplen);
}
