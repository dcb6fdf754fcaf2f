/*
 * IPv6 (RFC 8200) and its extension header chain.  The payload length
 * bounds the packet, as IPv4's total length does.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define IPV6_HDR_LEN		40
#define IPV6_PLEN_OFF		4
#define IPV6_NXT_OFF		6
#define IPV6_HLIM_OFF		7
#define IPV6_SRC_OFF		8
#define IPV6_DST_OFF		24

/* Next header values (IANA "Assigned Internet Protocol Numbers"). */
#define IPPROTO_V6_HOPOPTS	0
#define IPPROTO_V6_ROUTING	43
#define IPPROTO_V6_FRAGMENT	44
#define IPPROTO_V6_ESP		50
#define IPPROTO_V6_AH		51
#define IPPROTO_V6_NONE		59
#define IPPROTO_V6_DSTOPTS	60
#define IPPROTO_V6_MOBILITY	135

#define IPV6_FRAG_HDR_LEN	8
#define IPV6_FRAG_OFFMASK	0xfff8
#define IPV6_EXT_MIN_LEN	2	/* next header, length */

enum decode_result
decode_ipv6_chain(struct ipv6_chain *c, uint8_t nxt, const uint8_t *data,
    size_t caplen, size_t plen)
{
	size_t off = 0, hlen;
	int n;

	c->fragment = false;
	for (n = 0;; n++) {
		c->off = off;
		c->nxt = nxt;
		switch (nxt) {
		case IPPROTO_V6_HOPOPTS:
		case IPPROTO_V6_ROUTING:
		case IPPROTO_V6_FRAGMENT:
		case IPPROTO_V6_AH:
		case IPPROTO_V6_DSTOPTS:
		case IPPROTO_V6_MOBILITY:
			break;
		case IPPROTO_V6_NONE:
		case IPPROTO_V6_ESP:
			/* Nothing, or nothing we can read, follows. */
			return DECODE_ip_other_proto;
		default:
			return DECODE_ok;
		}
		if (n == DECODE_MAX_IPV6_EXT)
			return DECODE_ipv6_ext_malformed;

		/*
		 * Whether the header fits in the payload is a property of the
		 * packet, so it is checked before whether it was captured.
		 */
		if (plen - off < IPV6_EXT_MIN_LEN)
			return DECODE_ipv6_ext_malformed;
		if (caplen < off || caplen - off < IPV6_EXT_MIN_LEN)
			return DECODE_ipv6_ext_truncated;
		if (nxt == IPPROTO_V6_FRAGMENT)
			hlen = IPV6_FRAG_HDR_LEN;
		else if (nxt == IPPROTO_V6_AH)
			hlen = ((size_t)data[off + 1] + 2) * 4; /* RFC 4302 */
		else
			hlen = ((size_t)data[off + 1] + 1) * 8;
		if (plen - off < hlen)
			return DECODE_ipv6_ext_malformed;
		if (caplen - off < hlen)
			return DECODE_ipv6_ext_truncated;

		nxt = data[off];
		if (c->nxt == IPPROTO_V6_FRAGMENT) {
			c->fragment = true;
			if ((get_u16(data + off + 2) & IPV6_FRAG_OFFMASK) != 0) {
				c->nxt = nxt;
				return DECODE_ip_fragment;
			}
		}
		off += hlen;
	}
}

enum decode_result
decode_ipv6_check(const uint8_t *data, size_t caplen, size_t len, bool quoted,
    size_t *plenp)
{
	size_t plen;

	if (caplen < 1)
		return DECODE_ipv6_truncated;
	if (data[0] >> 4 != 6)
		return DECODE_ip_bad_version;
	if (len < IPV6_HDR_LEN)
		return DECODE_ipv6_bad_len;
	if (caplen < IPV6_HDR_LEN)
		return DECODE_ipv6_truncated;

	plen = get_u16(data + IPV6_PLEN_OFF);
	if (plen == 0) {
		/*
		 * Zero is a jumbogram (RFC 2675) or, far more often, a GSO
		 * super-packet seen on the host that sent it: the wire length
		 * is the only length there is.  In a quote it is taken as
		 * malformed: a GSO packet never crossed a wire to be quoted,
		 * and jumbograms (links with an MTU beyond 65,575 bytes) are
		 * too rare to let a zero length through unchecked.
		 */
		if (quoted)
			return DECODE_ipv6_bad_len;
		plen = len - IPV6_HDR_LEN;
	} else if (!quoted && plen > len - IPV6_HDR_LEN)
		return DECODE_ipv6_bad_len;
	*plenp = plen;
	return DECODE_ok;
}

enum decode_result
decode_ipv6(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	struct ipv6_chain c;
	enum decode_result r;
	size_t plen;
	uint8_t nxt;

	if (len < caplen)
		len = caplen;
	r = decode_ipv6_check(data, caplen, len, false, &plen);
	if (r != DECODE_ok)
		return r;
	if (caplen > IPV6_HDR_LEN + plen)
		caplen = IPV6_HDR_LEN + plen;

	addr_from_v6(&p->src, data + IPV6_SRC_OFF);
	addr_from_v6(&p->dst, data + IPV6_DST_OFF);
	p->ttl = data[IPV6_HLIM_OFF];
	p->ip_id = 0;
	nxt = data[IPV6_NXT_OFF];

	data += IPV6_HDR_LEN;
	caplen -= IPV6_HDR_LEN;
	r = decode_ipv6_chain(&c, nxt, data, caplen, plen);
	p->proto = c.nxt;
	if (r == DECODE_ip_fragment)
		p->fragment = true;
	if (r != DECODE_ok)
		return r;
	/* Offset 0 (or we would not be here): a first fragment. */
	p->frag_first = c.fragment;

	data += c.off;
	caplen -= c.off;
	plen -= c.off;
	return decode_ipproto(p, true, data, caplen, plen);
}
