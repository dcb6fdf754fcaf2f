/*
 * What the decoders share with each other and with nobody else: the
 * ethertype dispatch (Ethernet and both Linux cooked headers end in an
 * ethertype that may be followed by 802.1Q tags), the IP header checks
 * and the IPv6 extension header walk (a packet and the packet an ICMP
 * error quotes get the same checks and have the same chain).
 */
#ifndef RSTWATCH_DECODE_INT_H
#define RSTWATCH_DECODE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

/* Stacked tags beyond this are refused rather than walked (IEEE 802.1Q). */
#define DECODE_MAX_VLAN_TAGS	4
/* Extension headers beyond this are refused (RFC 8200 sets no limit). */
#define DECODE_MAX_IPV6_EXT	8

/*
 * Decode what follows a link header whose last field was the ethertype
 * "type": zero or more 802.1Q/802.1ad tags at data, then IPv4 or IPv6.
 */
enum decode_result decode_ethertype(struct pkt *, uint16_t type,
	    const uint8_t *, size_t caplen, size_t len);
/* Whether type is an 802.1Q/802.1ad tag protocol identifier. */
int	decode_ethertype_is_vlan(uint16_t type);

/*
 * The checks every IP header gets, a packet's own or the one an ICMP error
 * quotes (RFC 791, RFC 8200): the version; for IPv4 a header length of at
 * least 20 bytes that fits in len and a total length no shorter than the
 * header; for IPv6 the 40-byte header within len.  caplen bytes are
 * captured of len on the wire; a header cut by the capture is truncated,
 * one that cannot be is malformed (ip_bad_version, ipv4_bad_hlen,
 * ipv4_bad_len, ipv6_bad_len).  A packet's own length must fit in len, and
 * a length of 0 means len (TSO and GSO).  A quoted packet was cut short
 * by whoever quoted it, so its length is not held to len; but it crossed
 * a wire, so 0 is malformed.  Fill the header length and the length at
 * the IP layer (IPv4), or the payload length (IPv6).
 */
enum decode_result decode_ipv4_check(const uint8_t *, size_t caplen,
	    size_t len, bool quoted, size_t *hlen, size_t *iplen);
enum decode_result decode_ipv6_check(const uint8_t *, size_t caplen,
	    size_t len, bool quoted, size_t *plen);

/*
 * Where an IPv6 extension header chain ends.  "off" is the offset of the
 * upper-layer header from the end of the fixed 40-byte header.
 */
struct ipv6_chain {
	size_t		off;
	uint8_t		nxt;		/* upper-layer protocol */
	bool		fragment;	/* a fragment header was seen */
};

/*
 * Walk the extension headers that start at data (just past the fixed
 * header) with first next-header value nxt.  caplen bytes are captured and
 * plen is the payload length the chain must fit in.  Returns DECODE_ok,
 * DECODE_ip_fragment (non-first fragment; nxt is the fragment's protocol),
 * DECODE_ip_other_proto (no next header, or ESP), DECODE_ipv6_ext_truncated
 * or DECODE_ipv6_ext_malformed.
 */
enum decode_result decode_ipv6_chain(struct ipv6_chain *, uint8_t nxt,
	    const uint8_t *, size_t caplen, size_t plen);

#endif
