/*
 * Geneve (RFC 8926): 8 bytes in UDP to port 6081, options skipped by
 * their total length, then whatever the protocol type (an EtherType)
 * names: Ethernet (0x6558) or IP directly.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define GENEVE_HDR_LEN		8
#define GENEVE_VERSION		0
#define GENEVE_PROTO_OFF	2
#define GENEVE_VNI_OFF		4

enum decode_result
decode_geneve(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	size_t hlen;

	if (len < caplen)
		len = caplen;
	if (len < GENEVE_HDR_LEN)
		return DECODE_NOT_TUNNEL;
	if (caplen < GENEVE_HDR_LEN)
		return DECODE_geneve_truncated;
	/* A version we do not know may not even have this layout. */
	if (data[0] >> 6 != GENEVE_VERSION)
		return DECODE_NOT_TUNNEL;
	/* Options length in 4-byte words (RFC 8926, section 3.4). */
	hlen = GENEVE_HDR_LEN + (size_t)(data[0] & 0x3f) * 4;
	if (len < hlen)
		return DECODE_geneve_bad_len;
	if (caplen < hlen)
		return DECODE_geneve_truncated;
	if ((r = decode_tunnel_push(p, TUN_GENEVE, true,
	    get_u32(data + GENEVE_VNI_OFF) >> 8)) != DECODE_ok)
		return r;
	return decode_next_ethertype(p, get_u16(data + GENEVE_PROTO_OFF),
	    data + hlen, caplen - hlen, len - hlen);
}
