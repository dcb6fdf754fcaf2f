/*
 * Community ID v1.  The hashed bytes, all in network order: the 2-byte
 * seed, the two addresses (4 bytes each for IPv4, 16 for IPv6), the
 * protocol, a zero byte, and for protocols with ports the two ports.  The
 * endpoint with the smaller address (the smaller port when the addresses
 * are equal) comes first, so that both directions of a flow hash alike.
 * The ID is "1:" and the base64 of the SHA-1 digest.
 *
 * ICMP has no ports; the specification takes Zeek's mapping of types and
 * codes to ports, so that a request and its reply get one ID.
 */
#include <string.h>

#include "community_id.h"
#include "pkt.h"
#include "sha1.h"

#define PROTO_SCTP	132

/* The longest input: seed, two IPv6 addresses, proto, pad, two ports. */
#define CID_INPUT_MAX	(2 + 16 + 16 + 1 + 1 + 2 + 2)

static uint8_t	icmp_counterpart(bool, uint8_t);
static size_t	base64(const uint8_t *, size_t, char *);

/*
 * The request/reply pairs of RFC 792, 950 and 1256 (ICMP) and RFC 4443,
 * 4861, 2710, 4620 and 6275 (ICMPv6), as Zeek pairs them; 0xff, a type
 * that is nobody's counterpart, means the message has none.
 */
static uint8_t
icmp_counterpart(bool v6, uint8_t type)
{
	if (!v6) {
		switch (type) {
		case 8:		return 0;	/* echo -> echo reply */
		case 0:		return 8;
		case 13:	return 14;	/* timestamp */
		case 14:	return 13;
		case 15:	return 16;	/* information */
		case 16:	return 15;
		case 10:	return 9;	/* router solicitation */
		case 9:		return 10;
		case 17:	return 18;	/* address mask */
		case 18:	return 17;
		default:	return 0xff;
		}
	}
	switch (type) {
	case 128:	return 129;		/* echo */
	case 129:	return 128;
	case 133:	return 134;		/* router solicitation */
	case 134:	return 133;
	case 135:	return 136;		/* neighbour solicitation */
	case 136:	return 135;
	case 130:	return 131;		/* multicast listener query */
	case 131:	return 130;
	case 139:	return 140;		/* node information query */
	case 140:	return 139;
	case 144:	return 145;		/* home agent discovery */
	case 145:	return 144;
	default:	return 0xff;
	}
}

void
community_id_icmp_ports(bool v6, uint8_t type, uint8_t code,
    uint16_t *sport, uint16_t *dport, bool *one_way)
{
	uint8_t peer = icmp_counterpart(v6, type);

	*sport = type;
	if (peer == 0xff) {
		*dport = code;
		*one_way = true;
	} else {
		*dport = peer;
		*one_way = false;
	}
}

/* RFC 4648 section 4, with padding; out has room for 4 * ceil(n / 3). */
static size_t
base64(const uint8_t *in, size_t n, char *out)
{
	static const char alphabet[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;

	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)in[i + 1] << 8;
		if (i + 2 < n)
			v |= in[i + 2];
		out[o++] = alphabet[v >> 18 & 0x3f];
		out[o++] = alphabet[v >> 12 & 0x3f];
		out[o++] = i + 1 < n ? alphabet[v >> 6 & 0x3f] : '=';
		out[o++] = i + 2 < n ? alphabet[v & 0x3f] : '=';
	}
	return o;
}

int
community_id(const struct addr *src, const struct addr *dst, uint8_t proto,
    uint16_t sport, uint16_t dport, uint16_t seed,
    char buf[COMMUNITY_ID_SIZE])
{
	uint8_t in[CID_INPUT_MAX], digest[SHA1_DIGEST_LEN];
	const struct addr *a = src, *b = dst;
	uint16_t pa = sport, pb = dport;
	bool v4 = addr_is_v4(src), ports, one_way = false;
	size_t alen = v4 ? 4 : 16, off = v4 ? 12 : 0, n = 0;
	int c;

	buf[0] = '\0';
	if (v4 != addr_is_v4(dst))
		return -1;
	ports = proto == PKT_PROTO_TCP || proto == PKT_PROTO_UDP ||
	    proto == PROTO_SCTP || proto == PKT_PROTO_ICMP ||
	    proto == PKT_PROTO_ICMPV6;
	if (proto == PKT_PROTO_ICMP || proto == PKT_PROTO_ICMPV6)
		community_id_icmp_ports(proto == PKT_PROTO_ICMPV6,
		    (uint8_t)sport, (uint8_t)dport, &pa, &pb, &one_way);
	if (!ports)
		pa = pb = 0;
	/*
	 * IPv4 is kept as an IPv4-mapped IPv6 address, whose first 12 bytes
	 * are the same for all: comparing the 16 bytes orders as the 4 do.
	 */
	c = memcmp(a->b, b->b, sizeof(a->b));
	if (!one_way && (c > 0 || (c == 0 && pa > pb))) {
		const struct addr *t = a;
		uint16_t tp = pa;

		a = b;
		b = t;
		pa = pb;
		pb = tp;
	}

	in[n++] = (uint8_t)(seed >> 8);
	in[n++] = (uint8_t)seed;
	memcpy(in + n, a->b + off, alen);
	n += alen;
	memcpy(in + n, b->b + off, alen);
	n += alen;
	in[n++] = proto;
	in[n++] = 0;
	if (ports) {
		in[n++] = (uint8_t)(pa >> 8);
		in[n++] = (uint8_t)pa;
		in[n++] = (uint8_t)(pb >> 8);
		in[n++] = (uint8_t)pb;
	}
	sha1(in, n, digest);

	buf[0] = '1';
	buf[1] = ':';
	n = 2 + base64(digest, sizeof(digest), buf + 2);
	buf[n] = '\0';
	return 0;
}
