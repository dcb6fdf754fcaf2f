/*
 * Teredo (RFC 4380): IPv6 in UDP, to or from port 3544, optionally behind
 * an authentication indicator (0x0001) and an origin indication (0x0000).
 * Nothing in the datagram says "Teredo", so it is taken for one only when
 * it is unambiguous: an IPv6 header whose payload length accounts for the
 * rest of the datagram exactly.  Anything else on that port stays an
 * ordinary UDP datagram.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define TEREDO_AUTH		0x0001
#define TEREDO_AUTH_LEN		13	/* 4 + nonce 8 + confirmation 1 */
#define TEREDO_ORIGIN		0x0000
#define TEREDO_ORIGIN_LEN	8
#define IPV6_HDR_LEN		40
#define IPV6_PLEN_OFF		4
#define IPPROTO_IPV6_IN		41

enum decode_result
decode_teredo(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	size_t off = 0, ilen;

	if (len < caplen)
		len = caplen;
	/* The authentication indicator comes first (RFC 4380, 5.1.1). */
	if (len >= 2 && caplen >= 2 && get_u16(data) == TEREDO_AUTH) {
		if (len < 4)
			return DECODE_NOT_TUNNEL;
		if (caplen < 4)
			return DECODE_teredo_truncated;
		ilen = TEREDO_AUTH_LEN + (size_t)data[2] + data[3];
		if (len < ilen)
			return DECODE_NOT_TUNNEL;
		if (caplen < ilen)
			return DECODE_teredo_truncated;
		off = ilen;
	}
	if (len - off >= 2 && caplen - off >= 2 &&
	    get_u16(data + off) == TEREDO_ORIGIN) {
		if (len - off < TEREDO_ORIGIN_LEN)
			return DECODE_NOT_TUNNEL;
		if (caplen - off < TEREDO_ORIGIN_LEN)
			return DECODE_teredo_truncated;
		off += TEREDO_ORIGIN_LEN;
	}
	/*
	 * Version and payload length must be seen to decide; a capture cut
	 * before them cannot tell Teredo from anything else on the port.
	 */
	if (len - off < IPV6_HDR_LEN || caplen - off < IPV6_PLEN_OFF + 2)
		return DECODE_NOT_TUNNEL;
	if (data[off] >> 4 != 6 ||
	    get_u16(data + off + IPV6_PLEN_OFF) != len - off - IPV6_HDR_LEN)
		return DECODE_NOT_TUNNEL;
	if ((r = decode_tunnel_push(p, TUN_TEREDO, false, 0)) != DECODE_ok)
		return r;
	return decode_next_ip(p, IPPROTO_IPV6_IN, data + off, caplen - off,
	    len - off);
}
