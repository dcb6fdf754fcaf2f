/*
 * MPLS label stacks (RFC 3032), unicast and multicast alike.  Each entry
 * is 4 bytes: label (20), traffic class (3), bottom of stack (1), TTL (8).
 * Nothing in the stack says what the payload is (the label's meaning was
 * agreed by signalling we do not see), so after the bottom entry the first
 * nibble decides, as Wireshark, Zeek and Suricata decide it:
 *
 *	4, 6	IPv4, IPv6 (their version field)
 *	0	the pseudowire control word (RFC 4385), 4 bytes, then the
 *		customer's Ethernet frame (RFC 4448)
 *	1	the associated channel (RFC 4385, 5586): OAM, not traffic
 *	other	an Ethernet pseudowire without control word: the frame's
 *		destination address starts right away
 *
 * The last rule is a guess that fails for a customer destination address
 * that starts with nibble 4 or 6, which is why RFC 4448 recommends the
 * control word; the frame is then misread as IP and most likely refused by
 * the IP decoder.  Labels are not part of the flow key: they change at
 * every hop and differ between the two directions of one connection.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define MPLS_ENTRY_LEN		4
#define MPLS_BOS		0x00000100U
#define MPLS_CW_LEN		4

enum decode_result
decode_mpls(struct decode_layer *l, const uint8_t *data, size_t caplen,
    size_t len)
{
	size_t off = 0;
	int n;

	for (n = 0;; n++) {
		if (n == DECODE_MAX_MPLS_LABELS)
			return DECODE_mpls_too_deep;
		if (caplen - off < MPLS_ENTRY_LEN)
			return DECODE_mpls_truncated;
		off += MPLS_ENTRY_LEN;
		if (get_u32(data + off - MPLS_ENTRY_LEN) & MPLS_BOS)
			break;
	}
	if (caplen - off < 1)
		return DECODE_mpls_truncated;
	switch (data[off] >> 4) {
	case 4:
		l->next = ETHERTYPE_IPV4;
		break;
	case 6:
		l->next = ETHERTYPE_IPV6;
		break;
	case 0:
		if (caplen - off < MPLS_CW_LEN)
			return DECODE_mpls_truncated;
		off += MPLS_CW_LEN;
		l->next = ETHERTYPE_TEB;
		break;
	case 1:
		return DECODE_mpls_not_ip;
	default:
		l->next = ETHERTYPE_TEB;
		break;
	}
	l->hlen = off;
	l->len = len - off;
	return DECODE_ok;
}
