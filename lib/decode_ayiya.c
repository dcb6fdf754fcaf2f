/*
 * AYIYA, "Anything In Anything" (draft-massar-v6ops-ayiya), as SixXS tunnel
 * brokers used it on UDP port 5072: an 8-byte header whose first bytes
 * give the lengths of an identity and a signature that follow, then the
 * packet of the protocol the next header field names.  Only forwarded
 * IPv4 or IPv6 is followed; heartbeats and the rest stay UDP datagrams.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define AYIYA_HDR_LEN		8
#define AYIYA_OP_FORWARD	1
#define IPPROTO_IPIP		4
#define IPPROTO_IPV6_IN		41

enum decode_result
decode_ayiya(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	size_t hlen;
	uint8_t nxt;

	if (len < caplen)
		len = caplen;
	if (len < AYIYA_HDR_LEN)
		return DECODE_NOT_TUNNEL;
	if (caplen < AYIYA_HDR_LEN)
		return DECODE_ayiya_truncated;
	nxt = data[3];
	if ((data[2] & 0x0f) != AYIYA_OP_FORWARD ||
	    (nxt != IPPROTO_IPIP && nxt != IPPROTO_IPV6_IN))
		return DECODE_NOT_TUNNEL;
	/* Identity: 2^n bytes; signature: n 4-byte words. */
	hlen = AYIYA_HDR_LEN + ((size_t)1 << (data[0] >> 4)) +
	    (size_t)(data[1] >> 4) * 4;
	if (len < hlen)
		return DECODE_NOT_TUNNEL;
	if (caplen < hlen)
		return DECODE_ayiya_truncated;
	if ((r = decode_tunnel_push(p, TUN_AYIYA, false, 0)) != DECODE_ok)
		return r;
	return decode_next_ip(p, nxt, data + hlen, caplen - hlen, len - hlen);
}
