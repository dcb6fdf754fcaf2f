/*
 * Linux NFLOG (LINKTYPE_NFLOG, 239): what `nflog:GROUP` captures, the
 * packets that nftables "log group N" or iptables NFLOG rules hand to
 * user space.  A 4-byte header,
 *	0 address family (8)  1 version (8)  2 resource id (16, big-endian)
 * then type-length-value attributes, each
 *	0 length (16)  2 type (16)  4 value ...
 * with length and type in the byte order of the host that captured, the
 * length counting the 4-byte header but not the padding to a multiple of
 * 4 that follows.  Which order that was is not written anywhere, and
 * libpcap turns the attributes of a file from a host of the other order
 * into its reader's order (while our own file readers leave them as
 * written): the first attribute's type, a small number in one order and
 * a multiple of 256 in the other, tells.  NFULA_PAYLOAD (9) holds the
 * packet from its network header on: IPv4 for family 2, IPv6 for 10.
 *
 * The payload may be cut by the rule's snapshot length ("log snaplen",
 * --nflog-size), and NFLOG says nothing of the packet's length on the
 * wire: the IP header's own length stands in for it, so that a cut packet
 * is "truncated", as with a small capture snaplen, and not "malformed",
 * and the frame's length on the wire becomes the NFLOG headers plus that.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "extract.h"

#define NFLOG_HDR_LEN		4
#define NFLOG_TLV_HDR_LEN	4
#define NFULA_PAYLOAD		9
/* The high bits of an attribute type are netlink flags (nested, order). */
#define NLA_TYPE_MASK		0x3fff

#define NFPROTO_IPV4		2
#define NFPROTO_IPV6		10

#define IPV4_TOTLEN_OFF		2
#define IPV6_PLEN_OFF		4
#define IPV6_HDR_LEN		40

/* Attribute types are below this (linux/netfilter/nfnetlink_log.h). */
#define NFULA_TYPE_LIMIT	0x100

static uint16_t	tlv16(const uint8_t *, bool);
static size_t	ip_claimed_len(int, const uint8_t *, size_t);

static uint16_t
tlv16(const uint8_t *p, bool big)
{
	return big ? get_u16(p) : (uint16_t)(p[1] << 8 | p[0]);
}

/* The length the IP header gives itself, 0 when it cannot be read. */
static size_t
ip_claimed_len(int family, const uint8_t *ip, size_t caplen)
{
	if (family == NFPROTO_IPV4 && caplen >= IPV4_TOTLEN_OFF + 2)
		return get_u16(ip + IPV4_TOTLEN_OFF);
	if (family == NFPROTO_IPV6 && caplen >= IPV6_PLEN_OFF + 2)
		return IPV6_HDR_LEN + (size_t)get_u16(ip + IPV6_PLEN_OFF);
	return 0;
}

enum decode_result
decode_nflog(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	size_t off = NFLOG_HDR_LEN, tlen, vlen, have, claimed;
	uint8_t family;
	bool big = false;

	(void)len;	/* the wire length of a log message says nothing */
	if (caplen < NFLOG_HDR_LEN)
		return DECODE_nflog_truncated;
	family = data[0];
	if (family != NFPROTO_IPV4 && family != NFPROTO_IPV6)
		return DECODE_not_ip;
	if (caplen - off >= NFLOG_TLV_HDR_LEN &&
	    (tlv16(data + off + 2, false) & NLA_TYPE_MASK) >= NFULA_TYPE_LIMIT &&
	    (tlv16(data + off + 2, true) & NLA_TYPE_MASK) < NFULA_TYPE_LIMIT)
		big = true;
	for (;;) {
		if (caplen - off < NFLOG_TLV_HDR_LEN)
			return DECODE_nflog_truncated;
		tlen = tlv16(data + off, big);
		if (tlen < NFLOG_TLV_HDR_LEN)
			return DECODE_nflog_malformed;
		if ((tlv16(data + off + 2, big) & NLA_TYPE_MASK) ==
		    NFULA_PAYLOAD)
			break;
		/* Past this attribute and its padding. */
		tlen = (tlen + 3) & ~(size_t)3;
		if (tlen > caplen - off)
			return DECODE_nflog_truncated;
		off += tlen;
	}
	off += NFLOG_TLV_HDR_LEN;
	vlen = tlen - NFLOG_TLV_HDR_LEN;
	have = caplen - off < vlen ? caplen - off : vlen;
	claimed = ip_claimed_len(family, data + off, have);
	if (claimed < vlen)
		claimed = vlen;
	/* The packet's length, not the log message's, is what went by. */
	if (off + claimed > p->wirelen)
		p->wirelen = off + claimed > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)(off + claimed);
	if (family == NFPROTO_IPV4)
		return decode_ipv4(p, data + off, have, claimed);
	return decode_ipv6(p, data + off, have, claimed);
}
