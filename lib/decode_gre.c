/*
 * GRE (RFC 2784, with the key and sequence number of RFC 2890), over IP
 * (protocol 47) or UDP (RFC 8086), and the ERSPAN mirroring sessions that
 * ride on it: type I (no header), type II (8 bytes) and type III (12, plus
 * 8 of platform data), each followed by the mirrored Ethernet frame.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define GRE_HDR_LEN		4
#define GRE_OPT_LEN		4	/* checksum+reserved, key, sequence */
#define GRE_F_CSUM		0x8000
#define GRE_F_ROUTING		0x4000	/* RFC 1701 source routing */
#define GRE_F_KEY		0x2000
#define GRE_F_SEQ		0x1000
#define GRE_F_SSR		0x0800	/* RFC 1701 strict source route */
#define GRE_F_RECUR		0x0700	/* RFC 1701 recursion control */
#define GRE_VERSION		0x0007

#define ETHERTYPE_ERSPAN_II	0x88be	/* also type I, without sequence */
#define ETHERTYPE_ERSPAN_III	0x22eb

#define ERSPAN_II_HDR_LEN	8
#define ERSPAN_III_HDR_LEN	12
#define ERSPAN_III_PLAT_LEN	8	/* when the O bit is set */
#define ERSPAN_SESSION_MASK	0x03ff
#define ERSPAN_VER_II		1
#define ERSPAN_VER_III		2

static enum decode_result gre_erspan(struct pkt *, uint16_t, bool,
	    const uint8_t *, size_t, size_t);

/*
 * ERSPAN type I is 0x88be without a GRE sequence number, type II the same
 * EtherType with one (which is how Wireshark and Zeek tell them apart).
 */
static enum decode_result
gre_erspan(struct pkt *p, uint16_t type, bool seq, const uint8_t *data,
    size_t caplen, size_t len)
{
	enum decode_result r;
	size_t hlen;
	unsigned ver;

	if (type == ETHERTYPE_ERSPAN_II && !seq) {
		if ((r = decode_tunnel_push(p, TUN_ERSPAN, false, 0)) !=
		    DECODE_ok)
			return r;
		return decode_next_ethertype(p, ETHERTYPE_TEB, data, caplen,
		    len);
	}
	hlen = type == ETHERTYPE_ERSPAN_II ? ERSPAN_II_HDR_LEN :
	    ERSPAN_III_HDR_LEN;
	if (caplen < hlen)
		return len < hlen ? DECODE_gre_malformed :
		    DECODE_erspan_truncated;
	ver = data[0] >> 4;
	if (ver != (type == ETHERTYPE_ERSPAN_II ? ERSPAN_VER_II :
	    ERSPAN_VER_III))
		return DECODE_erspan_bad_version;
	/* Type III: the O bit announces 8 bytes of platform data. */
	if (type == ETHERTYPE_ERSPAN_III && (data[11] & 0x01))
		hlen += ERSPAN_III_PLAT_LEN;
	if (len < hlen)
		return DECODE_gre_malformed;
	if (caplen < hlen)
		return DECODE_erspan_truncated;
	if ((r = decode_tunnel_push(p, TUN_ERSPAN, true,
	    get_u16(data + 2) & ERSPAN_SESSION_MASK)) != DECODE_ok)
		return r;
	return decode_next_ethertype(p, ETHERTYPE_TEB, data + hlen,
	    caplen - hlen, len - hlen);
}

/*
 * Over UDP (RFC 8086) a payload that is not GRE version 0 is someone
 * else's datagram on that port: DECODE_NOT_TUNNEL, p untouched.
 */
enum decode_result
decode_gre(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	bool udp = p->proto == PKT_PROTO_UDP;
	uint16_t flags, type;
	uint32_t key = 0;
	size_t hlen, off;

	if (len < caplen)
		len = caplen;
	if (len < GRE_HDR_LEN)
		return udp ? DECODE_NOT_TUNNEL : DECODE_gre_malformed;
	if (caplen < GRE_HDR_LEN)
		return DECODE_gre_truncated;
	flags = get_u16(data);
	type = get_u16(data + 2);
	/* Version 1 is PPTP's enhanced GRE (RFC 2637), carrying PPP. */
	if ((flags & GRE_VERSION) != 0)
		return udp ? DECODE_NOT_TUNNEL : DECODE_gre_bad_version;
	/*
	 * RFC 2784 section 2.3: bits 1-5 (what RFC 1701 used for routing
	 * and recursion, less the key and sequence bits that RFC 2890 gave
	 * back a meaning) must be zero.
	 */
	if (flags & (GRE_F_ROUTING | GRE_F_SSR | GRE_F_RECUR))
		return udp ? DECODE_NOT_TUNNEL : DECODE_gre_malformed;
	hlen = GRE_HDR_LEN;
	if (flags & GRE_F_CSUM)
		hlen += GRE_OPT_LEN;
	off = hlen;
	if (flags & GRE_F_KEY)
		hlen += GRE_OPT_LEN;
	if (flags & GRE_F_SEQ)
		hlen += GRE_OPT_LEN;
	if (len < hlen)
		return udp ? DECODE_NOT_TUNNEL : DECODE_gre_malformed;
	if (caplen < hlen)
		return DECODE_gre_truncated;
	if (flags & GRE_F_KEY)
		key = get_u32(data + off);

	data += hlen;
	caplen -= hlen;
	len -= hlen;
	if (type == ETHERTYPE_ERSPAN_II || type == ETHERTYPE_ERSPAN_III)
		return gre_erspan(p, type, (flags & GRE_F_SEQ) != 0, data,
		    caplen, len);
	if ((r = decode_tunnel_push(p, TUN_GRE, (flags & GRE_F_KEY) != 0,
	    key)) != DECODE_ok)
		return r;
	return decode_next_ethertype(p, type, data, caplen, len);
}
