/*
 * ICMP (RFC 792) and ICMPv6 (RFC 4443) errors, and the packet they quote.
 * The quote is how an error is tied to a flow: its addresses and ports are
 * those of the packet that failed, as its sender wrote them.  Only the
 * first 8 bytes of the quoted transport header are promised (RFC 792), so
 * only ports and the TCP sequence number are read; ICMP quoting ICMP is
 * not followed.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"
#include "icmp_const.h"

#define ICMP_HDR_LEN		8
#define QUOTE_L4_LEN		8	/* what RFC 792 promises of the L4 header */

#define IPV4_FRAG_OFF		6
#define IPV4_PROTO_OFF		9
#define IPV4_SRC_OFF		12
#define IPV4_DST_OFF		16
#define IPV4_OFFMASK		0x1fff

#define IPV6_HDR_LEN		40
#define IPV6_NXT_OFF		6
#define IPV6_SRC_OFF		8
#define IPV6_DST_OFF		24

static int	icmp_is_error(uint8_t);
static enum decode_result quote_l4(struct pkt_quote *, const uint8_t *,
		    size_t);
static enum decode_result quote_result(enum decode_result);
static enum decode_result quote_ipv4(struct pkt_quote *, const uint8_t *,
		    size_t, size_t);
static enum decode_result quote_ipv6(struct pkt_quote *, const uint8_t *,
		    size_t, size_t);
static enum decode_result icmp_common(struct pkt *, const uint8_t *, size_t,
		    size_t, int);

static int
icmp_is_error(uint8_t type)
{
	switch (type) {
	case ICMP_UNREACH:
	case ICMP_SOURCEQUENCH:
	case ICMP_REDIRECT:
	case ICMP_TIMXCEED:
	case ICMP_PARAMPROB:
		return 1;
	default:
		return 0;
	}
}

/* The first 8 bytes of the quoted TCP or UDP header; q->proto is set. */
static enum decode_result
quote_l4(struct pkt_quote *q, const uint8_t *data, size_t caplen)
{
	if (q->proto != PKT_PROTO_TCP && q->proto != PKT_PROTO_UDP)
		return DECODE_ip_other_proto;
	if (caplen < QUOTE_L4_LEN)
		return DECODE_icmp_quote_truncated;
	q->sport = get_u16(data);
	q->dport = get_u16(data + 2);
	if (q->proto == PKT_PROTO_TCP)
		q->seq = get_u32(data + 4);
	return DECODE_ok;
}

/* What a check of the quoted IP header says, as the quote's outcome. */
static enum decode_result
quote_result(enum decode_result r)
{
	switch (r) {
	case DECODE_ok:
		return DECODE_ok;
	case DECODE_ipv4_truncated:
	case DECODE_ipv6_truncated:
		return DECODE_icmp_quote_truncated;
	default:
		return DECODE_icmp_quote_malformed;
	}
}

/*
 * The quoted IPv4 header gets the checks a packet's own does
 * (decode_ipv4_check), but for its total length, which is not held to
 * what was quoted: the quote is cut short by design.
 */
static enum decode_result
quote_ipv4(struct pkt_quote *q, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	size_t hlen, iplen;

	r = decode_ipv4_check(data, caplen, len, true, &hlen, &iplen);
	if (r != DECODE_ok)
		return quote_result(r);
	addr_from_v4(&q->src, data + IPV4_SRC_OFF);
	addr_from_v4(&q->dst, data + IPV4_DST_OFF);
	q->proto = data[IPV4_PROTO_OFF];
	/* A later fragment quotes no transport header: no flow to name. */
	if ((get_u16(data + IPV4_FRAG_OFF) & IPV4_OFFMASK) != 0)
		return DECODE_ip_fragment;
	return quote_l4(q, data + hlen, caplen - hlen);
}

static enum decode_result
quote_ipv6(struct pkt_quote *q, const uint8_t *data, size_t caplen, size_t len)
{
	struct ipv6_chain c;
	enum decode_result r;
	size_t plen;

	r = decode_ipv6_check(data, caplen, len, true, &plen);
	if (r != DECODE_ok)
		return quote_result(r);
	addr_from_v6(&q->src, data + IPV6_SRC_OFF);
	addr_from_v6(&q->dst, data + IPV6_DST_OFF);

	r = decode_ipv6_chain(&c, data[IPV6_NXT_OFF], data + IPV6_HDR_LEN,
	    caplen - IPV6_HDR_LEN, plen);
	q->proto = c.nxt;
	switch (r) {
	case DECODE_ok:
		break;
	case DECODE_ipv6_ext_truncated:
		return DECODE_icmp_quote_truncated;
	case DECODE_ipv6_ext_malformed:
		return DECODE_icmp_quote_malformed;
	default:
		return r;
	}
	return quote_l4(q, data + IPV6_HDR_LEN + c.off,
	    caplen - IPV6_HDR_LEN - c.off);
}

static enum decode_result
icmp_common(struct pkt *p, const uint8_t *data, size_t caplen, size_t len,
    int v6)
{
	enum decode_result r;

	if (len < caplen)
		len = caplen;
	if (caplen < ICMP_HDR_LEN)
		return DECODE_icmp_truncated;
	p->icmp_type = data[0];
	p->icmp_code = data[1];
	p->payload_len = (uint32_t)(len - ICMP_HDR_LEN);

	if (v6) {
		/* RFC 4443, section 2.1: types 0-127 are errors, 1-4 defined. */
		if (p->icmp_type < ICMP6_DST_UNREACH ||
		    p->icmp_type > ICMP6_PARAM_PROB)
			return DECODE_icmp_not_error;
		r = quote_ipv6(&p->quote, data + ICMP_HDR_LEN,
		    caplen - ICMP_HDR_LEN, len - ICMP_HDR_LEN);
	} else {
		if (!icmp_is_error(p->icmp_type))
			return DECODE_icmp_not_error;
		r = quote_ipv4(&p->quote, data + ICMP_HDR_LEN,
		    caplen - ICMP_HDR_LEN, len - ICMP_HDR_LEN);
	}
	/* The quote is only worth anything when it names a whole flow. */
	if (r == DECODE_ok)
		p->icmp_error = true;
	return r;
}

enum decode_result
decode_icmp(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	return icmp_common(p, data, caplen, len, 0);
}

enum decode_result
decode_icmp6(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	return icmp_common(p, data, caplen, len, 1);
}
