/*
 * A decoded packet: what the analyser needs from one frame, filled in by the
 * decoders.  Nothing here points into the frame after decoding returns, so a
 * struct pkt can outlive the capture buffer.
 */
#ifndef RSTWATCH_PKT_H
#define RSTWATCH_PKT_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* TCP flags (RFC 9293, section 3.1). */
#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PUSH	0x08
#define TH_ACK	0x10
#define TH_URG	0x20
#define TH_ECE	0x40
#define TH_CWR	0x80

#define PKT_PROTO_ICMP		1
#define PKT_PROTO_TCP		6
#define PKT_PROTO_UDP		17
#define PKT_PROTO_ICMPV6	58

/* Linux SLL packet types that say the capturing host sent the frame. */
#define PKT_DIR_UNKNOWN		0
#define PKT_DIR_IN		1
#define PKT_DIR_OUT		2

/*
 * The transport header that an ICMP error quotes (RFC 792, RFC 4443):
 * enough of the offending packet to find its flow.
 */
struct pkt_quote {
	struct addr	src;
	struct addr	dst;
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	seq;		/* TCP only */
	uint8_t		proto;		/* PKT_PROTO_TCP or PKT_PROTO_UDP */
};

/*
 * One layer of encapsulation that the decoders took off (outermost
 * first in struct pkt): the kind, the outer addresses that carried it and
 * the identifier that tells tunnels between the same endpoints apart.
 */
enum pkt_tunnel_type {
	TUN_NONE = 0,
	TUN_IPIP,		/* IPv4 in IPv4 (RFC 2003) */
	TUN_6IN4,		/* IPv6 in IPv4 (RFC 4213) */
	TUN_4IN6,		/* IPv4 in IPv6 (RFC 2473) */
	TUN_6IN6,		/* IPv6 in IPv6 (RFC 2473) */
	TUN_GRE,		/* RFC 2784/2890, also in UDP (RFC 8086) */
	TUN_ERSPAN,		/* GRE carrying ERSPAN types I-III */
	TUN_VXLAN,		/* RFC 7348 */
	TUN_GENEVE,		/* RFC 8926 */
	TUN_GTPU,		/* 3GPP TS 29.281 */
	TUN_TEREDO,		/* RFC 4380 */
	TUN_AYIYA,		/* draft-massar-v6ops-ayiya */
	TUN_NTYPES
};

/* Layers of encapsulation followed; one more is counted and refused. */
#define PKT_MAX_TUNNELS	3

struct pkt_tunnel {
	struct addr	src;		/* outer source */
	struct addr	dst;		/* outer destination */
	uint32_t	id;		/* VNI, GRE key, TEID, ERSPAN session */
	uint8_t		type;		/* enum pkt_tunnel_type */
	uint8_t		has_id;		/* id is meaningful */
	uint16_t	pad;
};

struct pkt {
	uint64_t	ts_us;		/* capture time, microseconds since the epoch */
	uint32_t	caplen;
	uint32_t	wirelen;
	uint32_t	ifindex;	/* from SLL2, else 0 */
	uint8_t		direction;	/* PKT_DIR_*, from SLL/SLL2 */

	/* 802.1Q tags, outermost first; 0 when absent (RFC-less: IEEE 802.1Q). */
	uint16_t	vlan_outer;
	uint16_t	vlan_inner;

	/* Network layer. */
	struct addr	src;
	struct addr	dst;
	uint8_t		proto;		/* PKT_PROTO_*, or another IP protocol */
	uint8_t		ttl;		/* TTL or hop limit */
	uint16_t	ip_id;		/* IPv4 identification, 0 for IPv6 */
	bool		fragment;	/* a non-first fragment: no L4 header */
	bool		frag_first;	/* a first fragment: lengths beyond it */

	/* Transport layer. */
	uint16_t	sport;
	uint16_t	dport;
	uint32_t	payload_len;	/* L4 payload by the IP length, not caplen */
	uint16_t	l4_checksum;	/* as sent: only to recognise copies */

	/* TCP, when proto is PKT_PROTO_TCP. */
	uint32_t	seq;
	uint32_t	ack;
	uint16_t	win;		/* raw, unscaled */
	uint8_t		tcp_flags;
	uint8_t		wscale;		/* window scale option, or TCP_NO_WSCALE */
	uint16_t	mss;		/* MSS option, 0 when absent */
	bool		sack_permitted;
	bool		has_timestamp;
	uint8_t		sack_blocks;	/* SACK blocks in this segment */
	uint32_t	sack_sig;	/* hash of the SACK edges: only to recognise copies */
	uint32_t	tsval;
	uint32_t	tsecr;

	/* ICMP and ICMPv6 errors. */
	bool		icmp_error;	/* quote is valid */
	uint8_t		icmp_type;
	uint8_t		icmp_code;
	struct pkt_quote quote;

	/* Encapsulations removed, outermost first; ntunnels of them valid. */
	uint8_t		ntunnels;
	struct pkt_tunnel tunnels[PKT_MAX_TUNNELS];
};

#define TCP_NO_WSCALE	0xff

#endif
