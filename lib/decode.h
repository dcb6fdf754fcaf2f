/*
 * Packet decoders, one file per layer.  Each returns DECODE_OK or the name
 * of what went wrong, which is also the index of the counter the caller
 * bumps.  "truncated" means the capture cut the packet short (snaplen), which
 * is normal for headers-only capture; "malformed" means the packet itself is
 * impossible.  Both are skipped; only the names differ.
 */
#ifndef RSTWATCH_DECODE_H
#define RSTWATCH_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/* Data link types we decode (the values of pcap's DLT_* for Linux). */
#define LINKTYPE_NULL		0
#define LINKTYPE_ETHERNET	1
#define LINKTYPE_FDDI		10
#define LINKTYPE_PPP		9
#define LINKTYPE_RAW		12	/* DLT_RAW on Linux */
#define LINKTYPE_RAW_ALT	14	/* DLT_RAW on OpenBSD */
#define LINKTYPE_PPP_HDLC	50	/* DLT_PPP_SERIAL */
#define LINKTYPE_RAW_PCAP	101	/* LINKTYPE_RAW in files */
#define LINKTYPE_C_HDLC		104
#define LINKTYPE_LOOP		108
#define LINKTYPE_LINUX_SLL	113
#define LINKTYPE_IPV4		228
#define LINKTYPE_PPP_WITH_DIR	204
#define LINKTYPE_IPV6		229
#define LINKTYPE_NFLOG		239
#define LINKTYPE_LINUX_SLL2	276

/*
 * How decapsulation stops (lib/decode_next.c and the tunnel decoders): one
 * counter per way, so that an administrator can tell a snaplen too short
 * for the tunnel overhead from a tunnel this program does not follow.
 */
#define DECODE_TUNNEL_RESULTS(X)					\
	X(tunnel_too_deep,	"more than 3 nested tunnels")		\
	X(gre_truncated,	"GRE header cut short")			\
	X(gre_bad_version,	"GRE version not 0 (PPTP)")		\
	X(gre_malformed,	"GRE flags or length impossible (RFC 2784)") \
	X(erspan_truncated,	"ERSPAN header cut short")		\
	X(erspan_bad_version,	"ERSPAN version neither 1 nor 2")	\
	X(vxlan_truncated,	"VXLAN header cut short")		\
	X(geneve_truncated,	"Geneve header or options cut short")	\
	X(geneve_bad_len,	"Geneve options longer than the packet") \
	X(gtpu_truncated,	"GTP-U header cut short")		\
	X(gtpu_malformed,	"GTP-U length or extension header impossible") \
	X(teredo_truncated,	"Teredo indicator cut short")		\
	X(ayiya_truncated,	"AYIYA header cut short")

/*
 * X(name, description): one entry per outcome.  "ok" must stay first.
 * The names are printed in statistics, so they are part of the interface.
 */
#define DECODE_RESULTS(X)						\
	X(ok,			"decoded")					\
	X(linktype_unsupported,	"link type not decoded")		\
	X(not_ip,		"not IPv4 or IPv6 (ARP, LLDP, ...)")		\
	X(tunnel,		"tunnel not decoded (NSH, EtherIP, L2TPv3)") \
	X(eth_truncated,	"Ethernet header cut short")		\
	X(vlan_truncated,	"802.1Q tag cut short")			\
	X(vlan_too_deep,	"more than 4 stacked 802.1Q tags")	\
	X(encap_too_deep,	"more than 8 nested link encapsulations") \
	X(pbb_truncated,	"802.1ah I-tag or customer header cut short") \
	X(vntag_truncated,	"VN-tag cut short")			\
	X(etag_truncated,	"802.1BR E-tag cut short")		\
	X(mpls_truncated,	"MPLS label or control word cut short")	\
	X(mpls_too_deep,	"more than 16 MPLS labels")		\
	X(mpls_not_ip,		"MPLS payload neither IP nor Ethernet (OAM)") \
	X(pppoe_truncated,	"PPPoE or PPP header cut short")	\
	X(pppoe_bad_header,	"PPPoE version, type or code impossible") \
	X(pppoe_bad_len,	"PPPoE length impossible")		\
	X(ppp_not_ip,		"PPP protocol not IP (LCP, IPCP, ...)")	\
	X(sll_truncated,	"Linux cooked header cut short")	\
	X(null_truncated,	"BSD loopback header cut short")	\
	X(null_bad_family,	"BSD loopback family not IP")		\
	X(ip_bad_version,	"IP version neither 4 nor 6")		\
	X(ipv4_truncated,	"IPv4 header cut short")		\
	X(ipv4_bad_hlen,	"IPv4 header length below 20")		\
	X(ipv4_bad_len,		"IPv4 total length impossible")		\
	X(ipv6_truncated,	"IPv6 header cut short")		\
	X(ipv6_bad_len,		"IPv6 payload length impossible")	\
	X(ipv6_ext_truncated,	"IPv6 extension header cut short")	\
	X(ipv6_ext_malformed,	"IPv6 extension header impossible")	\
	X(ip_fragment,		"non-first fragment, no transport header") \
	X(ip_other_proto,	"transport neither TCP, UDP nor ICMP")	\
	DECODE_TUNNEL_RESULTS(X)					\
	X(tcp_truncated,	"TCP header cut short")			\
	X(tcp_bad_offset,	"TCP data offset impossible")		\
	X(tcp_bad_option,	"TCP option length impossible")		\
	X(udp_truncated,	"UDP header cut short")			\
	X(udp_bad_len,		"UDP length impossible")		\
	X(icmp_truncated,	"ICMP header cut short")		\
	X(icmp_not_error,	"ICMP message that is not an error")	\
	X(icmp_quote_truncated,	"ICMP error quoting too little")	\
	X(icmp_quote_malformed,	"ICMP error quoting an impossible packet") \
	X(llc_truncated,	"802.2 LLC/SNAP header cut short")	\
	X(ppp_truncated,	"PPP or Cisco HDLC header cut short")	\
	X(nflog_truncated,	"NFLOG header or attribute cut short")	\
	X(nflog_malformed,	"NFLOG attribute length impossible")	\
	X(fddi_truncated,	"FDDI header cut short")		\
	X(wlan_truncated,	"802.11 header cut short (Aruba GRE)")

#define DECODE_ENUM(name, desc)	DECODE_##name,
enum decode_result {
	DECODE_RESULTS(DECODE_ENUM)
	DECODE_NRESULTS
};
#undef DECODE_ENUM

/*
 * Decode one frame of the given link type.  wirelen is the length on the
 * wire (pcap's len), caplen the bytes captured; the transport payload
 * length comes from the IP header, so headers-only captures still see it.
 * DECODE_tcp_bad_option is not fatal: the segment is usable without its
 * options, so pkt is complete and the caller should count and go on.
 */
enum decode_result decode_packet(struct pkt *, int linktype,
	    const uint8_t *, size_t caplen, size_t wirelen);

/*
 * Per layer, for the tests and for each other.  The link layers (decode_ether
 * to decode_fddi) take len >= caplen, which decode_packet() makes so once
 * for all of them; the layers after them put it right themselves, since
 * the lengths of IP, PPPoE and tunnel headers can cut len below caplen.
 */
enum decode_result decode_ether(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_sll(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_sll2(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_null(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_loop(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_ppp(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_ppp_hdlc(struct pkt *, const uint8_t *, size_t,
	    size_t);
enum decode_result decode_ppp_dir(struct pkt *, const uint8_t *, size_t,
	    size_t);
enum decode_result decode_chdlc(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_nflog(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_fddi(struct pkt *, const uint8_t *, size_t, size_t);
/* 802.2 LLC after an 802.3 length field; IP only behind SNAP. */
enum decode_result decode_llc(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_wlan(struct pkt *, const uint8_t *, size_t, size_t);
/* Starts at an IP header of either version. */
enum decode_result decode_ip(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_ipv4(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_ipv6(struct pkt *, const uint8_t *, size_t, size_t);
/* Transport decoders get the captured L4 bytes and the L4 length by IP. */
enum decode_result decode_tcp(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_udp(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_icmp(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_icmp6(struct pkt *, const uint8_t *, size_t, size_t);
/* Tunnel decoders get the bytes after the outer header (lib/decode_next.c). */
enum decode_result decode_gre(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_vxlan(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_geneve(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_gtpu(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_teredo(struct pkt *, const uint8_t *, size_t, size_t);
enum decode_result decode_ayiya(struct pkt *, const uint8_t *, size_t, size_t);

/* The name of a tunnel type as alerts write it ("vxlan"), and its id's. */
const char *decode_tunnel_name(unsigned type);
const char *decode_tunnel_id_name(unsigned type);

const char *decode_result_name(enum decode_result);
const char *decode_result_desc(enum decode_result);
/* True for link types decode_packet() understands. */
int	decode_linktype_supported(int linktype);
/*
 * Whether an EtherType or an IP protocol number carries another layer that
 * we do not decode yet (NSH, EtherIP, L2TPv3, ...): such frames are
 * counted as "tunnel", not as "not IP" or "other transport", so that an
 * administrator sees that traffic went unwatched and why.
 */
int	decode_ethertype_is_tunnel(uint16_t type);
int	decode_ipproto_is_tunnel(uint8_t proto);

#endif
