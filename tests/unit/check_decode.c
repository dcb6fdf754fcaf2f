/*
 * Decoder tests on real frames, written out byte by byte as a capture
 * would show them, and on every truncation of each one.  Every frame is
 * declared header by header, and each header says what a capture cut inside
 * it must decode to, so the truncation test knows the right answer for
 * every caplen rather than only "something not ok".
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_util.h"
#include "decode.h"
#include "pkt.h"

#define FRAME_MAX	256
#define SEG_MAX		24
#define TS_MAGIC	UINT64_C(1700000000123456)

/* A cut here decodes like the whole frame. */
#define CUT_FULL	((int)DECODE_NRESULTS)
/* A cut here decodes like the whole frame, minus the TCP options. */
#define CUT_OPTS	((int)DECODE_NRESULTS + 1)
/*
 * A cut here leaves too little to tell a tunnel from anything else on its
 * UDP port: the frame decodes as the outer UDP datagram (want_outer).
 */
#define CUT_OUTER	((int)DECODE_NRESULTS + 2)

/* Addresses used throughout, as bytes on the wire and as text. */
#define V4_A	"c0 00 02 0a"	/* 192.0.2.10 */
#define V4_B	"c6 33 64 14"	/* 198.51.100.20 */
#define V6_A	"20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 01"
#define V6_B	"20 01 0d b8 00 00 00 00 00 00 00 00 00 00 00 02"
#define TXT_V4_A	"192.0.2.10"
#define TXT_V4_B	"198.51.100.20"
#define TXT_V6_A	"2001:db8::1"
#define TXT_V6_B	"2001:db8::2"

/* Tunnel endpoints (the outer addresses). */
#define TXT_O4_A	"10.0.0.5"
#define TXT_O4_B	"10.0.0.6"
#define TXT_O6_A	"fd00::5"
#define TXT_O6_B	"fd00::6"

#define V4_AB	V4_A " " V4_B
#define V4_BA	V4_B " " V4_A
#define V6_AB	V6_A " " V6_B
#define V6_BA	V6_B " " V6_A

#define ETH_V4	"52 54 00 12 34 56 52 54 00 ab cd ef 08 00"
#define ETH_V6	"52 54 00 12 34 56 52 54 00 ab cd ef 86 dd"

struct frame {
	const char	*name;
	int		 linktype;
	uint8_t		 b[FRAME_MAX];
	size_t		 len;		/* captured */
	size_t		 wirelen;	/* 0: same as len */
	size_t		 segend[SEG_MAX];
	int		 segcut[SEG_MAX];
	int		 nseg;
	enum decode_result want_rc;
	struct pkt	 want;
	struct pkt	 want_outer;	/* for CUT_OUTER */
};

/*
 * A frame as the table below declares it: its headers in order, each with
 * what a capture cut inside it must decode to, and the fields the whole
 * frame must decode to.  Addresses are text; what want leaves zero is
 * absent (a window scale of 0 too: TCP_NO_WSCALE).
 */
struct seg {
	int		 cut;
	const char	*hex;
	size_t		 zeros;		/* hex NULL: this many */
};
#define ZEROS(cut, n)	{ (cut), NULL, (n) }

struct tun_spec {
	enum pkt_tunnel_type type;
	const char	*src;
	const char	*dst;
	bool		 has_id;
	uint32_t	 id;
};

/* For CUT_OUTER: the outer UDP datagram, TTL 64, IP ID 0x1234. */
struct outer_spec {
	const char	*src;
	const char	*dst;
	uint16_t	 sport;
	uint16_t	 dport;
	uint32_t	 payload_len;
};

struct frame_spec {
	const char	*name;
	int		 linktype;
	struct seg	 seg[SEG_MAX];
	const char	*src;
	const char	*dst;
	const char	*qsrc;		/* the ICMP quote's */
	const char	*qdst;
	struct pkt	 want;
	struct tun_spec	 tun[PKT_MAX_TUNNELS];
	struct outer_spec outer;
	size_t		 wirelen;	/* 0: as captured */
	enum decode_result rc;
};

static size_t	hex_parse(uint8_t *, size_t, const char *);
static void	frame_init(struct frame *, const char *, int);
static void	hdr(struct frame *, int, const char *);
static void	zeros(struct frame *, int, size_t);
static void	frame_done(struct frame *, size_t, enum decode_result);
static void	tun_want(struct frame *, enum pkt_tunnel_type, const char *,
		    const char *, bool, uint32_t);
static void	outer_want_udp(struct frame *, const char *, const char *,
		    uint16_t, uint16_t, uint32_t);
static void	frame_build(struct frame *, const struct frame_spec *);
static void	frame_load(struct frame *, const char *);
static void	pkt_expect(const struct pkt *, const struct pkt *,
		    const char *, bool);
static enum decode_result decode_copy(struct pkt *, int, const uint8_t *,
		    size_t, size_t);
static int	ends_with(const char *, const char *);
static uint64_t	xorshift64(uint64_t *);

/*
 * Parse "45 00 00 3c ..." into bytes; spaces are for the reader.
 */
static size_t
hex_parse(uint8_t *out, size_t max, const char *s)
{
	size_t n = 0;
	int hi = -1;

	for (; *s != '\0'; s++) {
		int v;

		if (*s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else {
			ck_abort_msg("bad hex character '%c'", *s);
			return 0;
		}
		if (hi < 0) {
			hi = v;
			continue;
		}
		ck_assert_msg(n < max, "frame too long");
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	ck_assert_msg(hi < 0, "odd number of hex digits");
	return n;
}

static void
frame_init(struct frame *f, const char *name, int linktype)
{
	memset(f, 0, sizeof(*f));
	f->name = name;
	f->linktype = linktype;
	f->want.ts_us = TS_MAGIC;
	f->want.wscale = TCP_NO_WSCALE;
}

/* Append a header; a capture ending inside it must decode to "cut". */
static void
hdr(struct frame *f, int cut, const char *hex)
{
	ck_assert_int_lt(f->nseg, SEG_MAX);
	f->len += hex_parse(f->b + f->len, sizeof(f->b) - f->len, hex);
	f->segend[f->nseg] = f->len;
	f->segcut[f->nseg] = cut;
	f->nseg++;
}

static void
zeros(struct frame *f, int cut, size_t n)
{
	ck_assert_int_le(f->len + n, sizeof(f->b));
	ck_assert_int_lt(f->nseg, SEG_MAX);
	memset(f->b + f->len, 0, n);
	f->len += n;
	f->segend[f->nseg] = f->len;
	f->segcut[f->nseg] = cut;
	f->nseg++;
}

static void
frame_done(struct frame *f, size_t wirelen, enum decode_result rc)
{
	f->wirelen = wirelen != 0 ? wirelen : f->len;
	f->want_rc = rc;
	f->want.caplen = (uint32_t)f->len;
	f->want.wirelen = (uint32_t)f->wirelen;
}

/*
 * The frames.  Checksums are left zero: the decoders do not verify them
 * (offload makes them wrong on the capturing host anyway).
 */

/*
 * Headers that recur: the inner Ethernet, IPv4 and IPv6 headers of the
 * tunnelled SYN (TTL 63), a 20-byte SYN without options, and the RST/ACK
 * of sll_v4_tcp_rst.
 */
#define ETH_IN4		"02 00 00 00 00 01 02 00 00 00 00 02 08 00"
#define IN4_SYN		"45 00 00 28 12 34 40 00 3f 06 00 00 " V4_AB
#define IN6_SYN		"60 00 00 00 00 14 06 3f " V6_AB
#define TCP_SYN20 \
	"d4 31 01 bb 6b 8b 45 67 00 00 00 00 50 02 fa f0 00 00 00 00"
#define V4_SYN40	"00 00 28 1c 46 40 00 40 06 00 00 " V4_AB
#define V4_RST_IP	"45 00 00 28 00 00 40 00 40 06 00 00 " V4_BA
#define V4_RST_TCP \
	"01 bb d4 31 00 00 00 00 6b 8b 45 68 50 14 00 00 00 00 00 00"

/* What those two segments decode to, but for the addresses and TTL. */
#define WANT_SYN	.proto = PKT_PROTO_TCP, .sport = 54321, .dport = 443, \
			.seq = 0x6b8b4567, .win = 64240, .tcp_flags = TH_SYN
#define WANT_RST	.proto = PKT_PROTO_TCP, .ttl = 64, .sport = 443, \
			.dport = 54321, .ack = 0x6b8b4568, \
			.tcp_flags = TH_RST | TH_ACK

/* The RST/ACK of sll_v4_tcp_rst as the last segments of a frame. */
#define SEGS_V4_RST	{ DECODE_ipv4_truncated, V4_RST_IP }, \
			{ DECODE_tcp_truncated, V4_RST_TCP }

/*
 * Eight bytes of syslog from [2001:db8::1]:50000 to port 514 after the
 * IPv6 header, and what they decode to.
 */
#define SEGS_SYSLOG6	\
	{ DECODE_udp_truncated, "c3 50 02 02 00 10 00 00" }, \
	{ CUT_FULL, "3c 31 33 3e 68 69 21 0a" }
#define WANT_SYSLOG6	\
	.proto = PKT_PROTO_UDP, .ttl = 64, .sport = 50000, .dport = 514, \
	.payload_len = 8

/*
 * The tunnels' inner SYN, IPv4 or IPv6, as the last segments of a frame
 * and what the frame decodes to.
 */
#define SEGS_IN4_SYN	{ DECODE_ipv4_truncated, IN4_SYN }, \
			{ DECODE_tcp_truncated, TCP_SYN20 }
#define WANT_IN4_SYN	.src = TXT_V4_A, .dst = TXT_V4_B, \
			.want = { WANT_SYN, .ip_id = 0x1234, .ttl = 63 }
#define SEGS_IN6_SYN	{ DECODE_ipv6_truncated, IN6_SYN }, \
			{ DECODE_tcp_truncated, TCP_SYN20 }
#define WANT_IN6_SYN	.src = TXT_V6_A, .dst = TXT_V6_B, \
			.want = { WANT_SYN, .ttl = 63 }

/*
 * An IPv6 server's data segment with timestamps in VLAN 100 (after the
 * IPv6 header), and what the frame decodes to.
 */
#define SEGS_DATA6	{ DECODE_tcp_truncated, "01 bb d4 31 00 00 10 00 " \
			    "6b 8b 45 68 80 18 01 f5 00 00 00 00" }, \
			{ CUT_OPTS, "01 01 08 0a 00 0f 42 41 00 0f 42 40" }, \
			{ CUT_FULL, "68 65 6c 6c 6f 20 77 6f 72 6c" }
#define WANT_DATA6	.src = TXT_V6_B, .dst = TXT_V6_A, \
			.want = { .vlan_outer = 100, .proto = PKT_PROTO_TCP, \
			    .ttl = 63, .sport = 443, .dport = 54321, \
			    .seq = 0x1000, .ack = 0x6b8b4568, .win = 501, \
			    .tcp_flags = TH_PUSH | TH_ACK, \
			    .has_timestamp = true, .tsval = 1000001, \
			    .tsecr = 1000000, .payload_len = 10 }

static const struct frame_spec frame_specs[] = {
	/*
	 * A Linux SYN: MSS, SACK permitted, timestamps, NOP, window scale 7.
	 */
	{
		.name = "eth_v4_tcp_syn", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 3c 1c 46 40 00 40 06 00 00 " V4_AB },
			{ DECODE_tcp_truncated,
			    "d4 31 01 bb 6b 8b 45 67 00 00 00 00 "
			    "a0 02 fa f0 00 00 00 00" },
			{ CUT_OPTS,
			    "02 04 05 b4 04 02 08 0a 00 0f 42 40 "
			    "00 00 00 00 01 03 03 07" },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { WANT_SYN, .ttl = 64, .ip_id = 0x1c46, .mss = 1460,
		    .sack_permitted = true, .has_timestamp = true,
		    .tsval = 1000000, .wscale = 7 },
		.rc = DECODE_ok,
	},
	/*
	 * 802.1Q tag with PCP 1 (the VID is only the low 12 bits), IPv6, data.
	 */
	{
		.name = "eth_vlan_v6_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 81 00" },
			{ DECODE_vlan_truncated, "20 64 86 dd" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 2a 06 3f " V6_BA },
			SEGS_DATA6,
		},
		WANT_DATA6,
		.rc = DECODE_ok,
	},
	/* 802.1ad S-tag 200 (PCP 5) over C-tag 300, IPv4 UDP (DNS query). */
	{
		.name = "eth_qinq_v4_udp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 a8" },
			{ DECODE_vlan_truncated, "a0 c8 81 00" },
			{ DECODE_vlan_truncated, "01 2c 08 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 30 00 00 40 00 40 11 00 00 " V4_AB },
			{ DECODE_udp_truncated, "30 39 00 35 00 1c 00 00" },
			ZEROS(CUT_FULL, 20),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .vlan_outer = 200, .vlan_inner = 300,
		    .proto = PKT_PROTO_UDP, .ttl = 64, .sport = 12345,
		    .dport = 53, .payload_len = 20 },
		.rc = DECODE_ok,
	},
	/* Linux cooked, outgoing: this host answering with RST/ACK. */
	{
		.name = "sll_v4_tcp_rst", .linktype = LINKTYPE_LINUX_SLL,
		.seg = {
			{ DECODE_sll_truncated,
			    "00 04 00 01 00 06 52 54 "
			    "00 12 34 56 00 00 08 00" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST, .direction = PKT_DIR_OUT },
		.rc = DECODE_ok,
	},
	/* Linux cooked, incoming, with the VLAN tag libpcap puts back. */
	{
		.name = "sll_vlan_v4_udp", .linktype = LINKTYPE_LINUX_SLL,
		.seg = {
			{ DECODE_sll_truncated,
			    "00 00 00 01 00 06 52 54 "
			    "00 ab cd ef 00 00 81 00" },
			{ DECODE_vlan_truncated, "00 2a 08 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 21 12 34 00 00 3f 11 00 00 " V4_BA },
			{ DECODE_udp_truncated, "00 35 30 39 00 0d 00 00" },
			{ CUT_FULL, "2a 2a 2a 2a 2a" },
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { .direction = PKT_DIR_IN, .vlan_outer = 42,
		    .proto = PKT_PROTO_UDP, .ttl = 63, .ip_id = 0x1234,
		    .sport = 53, .dport = 12345, .payload_len = 5 },
		.rc = DECODE_ok,
	},
	/*
	 * Linux cooked v2: interface index 3, outgoing, IPv6 syslog over UDP.
	 */
	{
		.name = "sll2_v6_udp", .linktype = LINKTYPE_LINUX_SLL2,
		.seg = {
			{ DECODE_sll_truncated,
			    "86 dd 00 00 00 00 00 03 00 01 04 06 "
			    "52 54 00 12 34 56 00 00" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 10 11 40 " V6_AB },
			SEGS_SYSLOG6,
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .ifindex = 3, .direction = PKT_DIR_OUT,
		    WANT_SYSLOG6 },
		.rc = DECODE_ok,
	},
	/* BSD loopback written on a little-endian host: SYN-ACK with MSS. */
	{
		.name = "null_le_v4_tcp", .linktype = LINKTYPE_NULL,
		.seg = {
			{ DECODE_null_truncated, "02 00 00 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 2c 00 00 40 00 40 06 00 00 "
			    "7f 00 00 01 7f 00 00 01" },
			{ DECODE_tcp_truncated,
			    "1f 90 c0 01 00 00 27 10 00 00 03 e9 "
			    "60 12 ff ff 00 00 00 00" },
			{ CUT_OPTS, "02 04 3f d8" },
		},
		.src = "127.0.0.1", .dst = "127.0.0.1",
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .sport = 8080,
		    .dport = 49153, .seq = 10000, .ack = 1001, .win = 65535,
		    .tcp_flags = TH_SYN | TH_ACK, .mss = 16344 },
		.rc = DECODE_ok,
	},
	/*
	 * BSD loopback written on a big-endian host, AF_INET6 as on macOS
	 * (30).
	 */
	{
		.name = "null_be_v6_tcp", .linktype = LINKTYPE_NULL,
		.seg = {
			{ DECODE_null_truncated, "00 00 00 1e" },
			{ DECODE_ipv6_truncated,
			    "60 0a bc de 00 14 06 40 " V6_AB },
			{ DECODE_tcp_truncated,
			    "c0 01 00 16 00 00 00 64 00 00 00 c8 "
			    "50 10 02 00 00 00 00 00" },
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .sport = 49153,
		    .dport = 22, .seq = 100, .ack = 200, .win = 512,
		    .tcp_flags = TH_ACK },
		.rc = DECODE_ok,
	},
	/* OpenBSD loopback: family in network byte order. */
	{
		.name = "loop_v4_udp", .linktype = LINKTYPE_LOOP,
		.seg = {
			{ DECODE_null_truncated, "00 00 00 02" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 1c ab cd 00 00 ff 11 00 00 " V4_AB },
			{ DECODE_udp_truncated, "00 7b 00 7b 00 08 00 00" },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 255,
		    .ip_id = 0xabcd, .sport = 123, .dport = 123 },
		.rc = DECODE_ok,
	},
	{
		.name = "loop_v6_tcp", .linktype = LINKTYPE_LOOP,
		.seg = {
			{ DECODE_null_truncated, "00 00 00 18" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 18 06 40 " V6_BA },
			{ DECODE_tcp_truncated,
			    "00 19 c0 02 00 00 00 01 00 00 00 02 "
			    "50 11 00 10 00 00 00 00" },
			{ CUT_FULL, "51 55 49 54" },
		},
		.src = TXT_V6_B, .dst = TXT_V6_A,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .sport = 25,
		    .dport = 49154, .seq = 1, .ack = 2, .win = 16,
		    .tcp_flags = TH_FIN | TH_ACK, .payload_len = 4 },
		.rc = DECODE_ok,
	},
	/*
	 * Raw IPv4 with IP options (NOP NOP NOP EOL), which must be skipped.
	 */
	{
		.name = "raw_v4_tcp_ipopts", .linktype = LINKTYPE_RAW,
		.seg = {
			{ DECODE_ipv4_truncated,
			    "46 00 00 30 00 07 00 00 80 06 00 00 " V4_BA
			    " 01 01 01 00" },
			{ DECODE_tcp_truncated,
			    "0d 3d e0 00 12 34 56 78 9a bc de f0 "
			    "50 18 20 00 00 00 00 00" },
			{ CUT_FULL, "03 00 00 13" },
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 128, .ip_id = 7,
		    .sport = 3389, .dport = 57344, .seq = 0x12345678,
		    .ack = 0x9abcdef0, .win = 8192,
		    .tcp_flags = TH_PUSH | TH_ACK, .payload_len = 4 },
		.rc = DECODE_ok,
	},
	/*
	 * Raw IPv6 as written to files (101).  Zero bytes cannot say which
	 * version, and decode_ip() calls that IPv4 cut short.
	 */
	{
		.name = "raw_v6_tcp", .linktype = LINKTYPE_RAW_PCAP,
		.seg = {
			{ DECODE_ipv4_truncated, "60" },
			{ DECODE_ipv6_truncated,
			    "00 00 00 00 14 06 38 20 01 0d b8 00 "
			    "00 00 00 00 00 00 00 00 00 00 01 20 "
			    "01 0d b8 00 00 00 00 00 00 00 00 00 "
			    "00 00 02" },
			{ DECODE_tcp_truncated,
			    "c0 03 01 bb 00 01 00 00 00 02 00 00 "
			    "50 04 00 00 00 00 00 00" },
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 56, .sport = 49155,
		    .dport = 443, .seq = 0x10000, .ack = 0x20000,
		    .tcp_flags = TH_RST },
		.rc = DECODE_ok,
	},
	{
		.name = "ipv4_linktype_udp", .linktype = LINKTYPE_IPV4,
		.seg = {
			{ DECODE_ipv4_truncated,
			    "45 00 00 20 00 01 00 00 40 11 00 00 " V4_AB },
			{ DECODE_udp_truncated, "13 88 13 89 00 0c 00 00" },
			{ CUT_FULL, "01 02 03 04" },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64, .ip_id = 1,
		    .sport = 5000, .dport = 5001, .payload_len = 4 },
		.rc = DECODE_ok,
	},
	/* An ICMPv6 echo request is no error; the caller skips it. */
	{
		.name = "ipv6_linktype_echo", .linktype = LINKTYPE_IPV6,
		.seg = {
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 10 3a 40 " V6_AB },
			{ DECODE_icmp_truncated, "80 00 00 00 00 01 00 01" },
			ZEROS(CUT_FULL, 8),
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_ICMPV6, .ttl = 64,
		    .icmp_type = 128, .payload_len = 8 },
		.rc = DECODE_icmp_not_error,
	},
	/*
	 * Hop-by-hop options, then a first fragment (offset 0, M set), then
	 * TCP.
	 */
	{
		.name = "eth_v6_hbh_frag_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 88 00 40 " V6_AB },
			{ DECODE_ipv6_ext_truncated,
			    "2c 00 01 04 00 00 00 00" },
			{ DECODE_ipv6_ext_truncated,
			    "06 00 00 01 12 34 56 78" },
			{ DECODE_tcp_truncated,
			    "c0 04 00 50 00 00 01 00 00 00 02 00 "
			    "50 10 04 00 00 00 00 00" },
			ZEROS(CUT_FULL, 100),
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .sport = 49156,
		    .dport = 80, .seq = 0x100, .ack = 0x200, .win = 1024,
		    .tcp_flags = TH_ACK, .payload_len = 100 },
		.rc = DECODE_ok,
	},
	/* A later IPv6 fragment (offset 184): no transport header to read. */
	{
		.name = "eth_v6_frag_later", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 48 2c 40 " V6_AB },
			{ DECODE_ipv6_ext_truncated,
			    "11 00 00 b8 12 34 56 78" },
			ZEROS(CUT_FULL, 64),
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64,
		    .fragment = true },
		.rc = DECODE_ip_fragment,
	},
	/* IPv4 first fragment (MF, offset 0): decoded like any packet. */
	{
		.name = "eth_v4_frag_first", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 64 43 21 20 00 40 06 00 00 " V4_AB },
			{ DECODE_tcp_truncated,
			    "c0 05 00 50 00 00 00 0a 00 00 00 14 "
			    "50 18 00 ff 00 00 00 00" },
			ZEROS(CUT_FULL, 60),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64,
		    .ip_id = 0x4321, .sport = 49157, .dport = 80, .seq = 10,
		    .ack = 20, .win = 255, .tcp_flags = TH_PUSH | TH_ACK,
		    .payload_len = 60 },
		.rc = DECODE_ok,
	},
	/*
	 * IPv4 last fragment at offset 185 (1480 bytes): no transport header.
	 */
	{
		.name = "eth_v4_frag_later", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 3c 43 22 00 b9 40 11 00 00 " V4_AB },
			ZEROS(CUT_FULL, 40),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64,
		    .ip_id = 0x4322, .fragment = true },
		.rc = DECODE_ip_fragment,
	},
	/* A 2-byte UDP payload padded to Ethernet's 60-byte minimum. */
	{
		.name = "eth_v4_udp_padded", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 1e 00 02 00 00 40 11 00 00 " V4_AB },
			{ DECODE_udp_truncated, "c0 06 00 45 00 0a 00 00" },
			{ CUT_FULL, "68 69" },
			{ CUT_FULL,
			    "ee ee ee ee ee ee ee ee "
			    "ee ee ee ee ee ee ee ee" },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64, .ip_id = 2,
		    .sport = 49158, .dport = 69, .payload_len = 2 },
		.rc = DECODE_ok,
	},
	/* Port unreachable for a DNS query, quoting 8 bytes of data too. */
	{
		.name = "eth_icmp_port_unreach", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 c0 00 3c 9f 01 00 00 40 01 00 00 " V4_BA },
			{ DECODE_icmp_truncated, "03 03 00 00 00 00 00 00" },
			{ DECODE_icmp_quote_truncated,
			    "45 00 00 24 ab cd 40 00 40 11 00 00 " V4_AB },
			{ DECODE_icmp_quote_truncated,
			    "30 39 00 35 00 10 00 00" },
			{ CUT_FULL, "de ad be ef" },
		},
		.src = TXT_V4_B, .dst = TXT_V4_A, .qsrc = TXT_V4_A,
		.qdst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_ICMP, .ttl = 64,
		    .ip_id = 0x9f01, .payload_len = 32, .icmp_error = true,
		    .icmp_type = 3, .icmp_code = 3, .quote.sport = 12345,
		    .quote.dport = 53, .quote.proto = PKT_PROTO_UDP },
		.rc = DECODE_ok,
	},
	/*
	 * ICMPv6 destination unreachable, port unreachable (code 4), quoting
	 * UDP.
	 */
	{
		.name = "eth_icmp6_port_unreach",
		.linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 3c 3a 40 " V6_BA },
			{ DECODE_icmp_truncated, "01 04 00 00 00 00 00 00" },
			{ DECODE_icmp_quote_truncated,
			    "60 00 00 00 00 0c 11 40 " V6_AB },
			{ DECODE_icmp_quote_truncated,
			    "c3 50 00 35 00 0c 00 00" },
			{ CUT_FULL, "00 01 02 03" },
		},
		.src = TXT_V6_B, .dst = TXT_V6_A, .qsrc = TXT_V6_A,
		.qdst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_ICMPV6, .ttl = 64,
		    .payload_len = 52, .icmp_error = true, .icmp_type = 1,
		    .icmp_code = 4, .quote.sport = 50000, .quote.dport = 53,
		    .quote.proto = PKT_PROTO_UDP },
		.rc = DECODE_ok,
	},
	/*
	 * A firewall's "communication administratively prohibited" (code 13)
	 * quoting the minimum RFC 792 asks for: IP header and 8 bytes of TCP.
	 */
	{
		.name = "eth_icmp_admin_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 38 00 00 00 00 "
			    "fe 01 00 00 cb 00 71 01 " V4_A },
			{ DECODE_icmp_truncated, "03 0d 00 00 00 00 00 00" },
			{ DECODE_icmp_quote_truncated,
			    "45 00 00 3c 1c 46 40 00 3f 06 00 00 " V4_AB },
			{ DECODE_icmp_quote_truncated,
			    "d4 31 01 bb 6b 8b 45 67" },
		},
		.src = "203.0.113.1", .dst = TXT_V4_A, .qsrc = TXT_V4_A,
		.qdst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_ICMP, .ttl = 254,
		    .payload_len = 28, .icmp_error = true, .icmp_type = 3,
		    .icmp_code = 13, .quote.sport = 54321,
		    .quote.dport = 443, .quote.seq = 0x6b8b4567,
		    .quote.proto = PKT_PROTO_TCP },
		.rc = DECODE_ok,
	},
	/* ICMPv6 packet too big quoting IPv6 + destination options + TCP. */
	{
		.name = "eth_icmp6_too_big_ext", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 40 3a 40 " V6_BA },
			{ DECODE_icmp_truncated, "02 00 00 00 00 00 05 00" },
			{ DECODE_icmp_quote_truncated,
			    "60 00 00 00 04 d8 3c 40 " V6_AB },
			{ DECODE_icmp_quote_truncated,
			    "06 00 01 04 00 00 00 00" },
			{ DECODE_icmp_quote_truncated,
			    "c0 07 01 bb 00 00 30 39" },
		},
		.src = TXT_V6_B, .dst = TXT_V6_A, .qsrc = TXT_V6_A,
		.qdst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_ICMPV6, .ttl = 64,
		    .payload_len = 56, .icmp_error = true, .icmp_type = 2,
		    .quote.sport = 49159, .quote.dport = 443,
		    .quote.seq = 12345, .quote.proto = PKT_PROTO_TCP },
		.rc = DECODE_ok,
	},
	{
		.name = "eth_icmp_echo", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 2c 00 03 40 00 40 01 00 00 " V4_AB },
			{ DECODE_icmp_truncated, "08 00 00 00 00 11 00 01" },
			ZEROS(CUT_FULL, 16),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_ICMP, .ttl = 64, .ip_id = 3,
		    .icmp_type = 8, .payload_len = 16 },
		.rc = DECODE_icmp_not_error,
	},
	{
		.name = "eth_arp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "ff ff ff ff ff ff 52 54 00 ab cd ef 08 06" },
			{ CUT_FULL,
			    "00 01 08 00 06 04 00 01 52 54 00 ab "
			    "cd ef c0 00 02 0a 00 00 00 00 00 00 "
			    "c6 33 64 14" },
		},
		.rc = DECODE_not_ip,
	},
	/*
	 * Headers-only capture (snaplen 128) of a full-sized segment: the
	 * payload length must come from the IP header, not from caplen.
	 */
	{
		.name = "eth_v4_tcp_snap128", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 05 dc 00 04 40 00 40 06 00 00 " V4_AB },
			{ DECODE_tcp_truncated,
			    "c0 08 01 bb 00 00 20 00 00 00 30 00 "
			    "80 10 01 f5 00 00 00 00" },
			{ CUT_OPTS, "01 01 08 0a 00 00 00 05 00 00 00 06" },
			ZEROS(CUT_FULL, 128 - 14 - 20 - 32),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .ip_id = 4,
		    .sport = 49160, .dport = 443, .seq = 0x2000,
		    .ack = 0x3000, .win = 501, .tcp_flags = TH_ACK,
		    .has_timestamp = true, .tsval = 5, .tsecr = 6,
		    .payload_len = 1500 - 20 - 32 },
		.wirelen = 1514,
		.rc = DECODE_ok,
	},
	/*
	 * A TSO super-segment as the sending host captures it: IPv4 total
	 * length 0 (it would not fit), so the wire length gives the IP length.
	 */
	{
		.name = "eth_v4_tcp_tso", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 00 00 05 40 00 40 06 00 00 " V4_AB },
			{ DECODE_tcp_truncated,
			    "c0 09 01 bb 00 00 40 00 00 00 50 00 "
			    "50 18 01 f5 00 00 00 00" },
			ZEROS(CUT_FULL, 40),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .ip_id = 5,
		    .sport = 49161, .dport = 443, .seq = 0x4000,
		    .ack = 0x5000, .win = 501,
		    .tcp_flags = TH_PUSH | TH_ACK, .payload_len = 70000 },
		.wirelen = 14 + 20 + 20 + 70000,
		.rc = DECODE_ok,
	},
	/* The same for IPv6 GSO: payload length 0, the wire length rules. */
	{
		.name = "eth_v6_tcp_gso", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 00 06 40 " V6_AB },
			{ DECODE_tcp_truncated,
			    "c0 0a 01 bb 00 00 60 00 00 00 70 00 "
			    "50 10 01 f5 00 00 00 00" },
			ZEROS(CUT_FULL, 10),
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_TCP, .ttl = 64, .sport = 49162,
		    .dport = 443, .seq = 0x6000, .ack = 0x7000, .win = 501,
		    .tcp_flags = TH_ACK, .payload_len = 65536 },
		.wirelen = 14 + 40 + 20 + 65536,
		.rc = DECODE_ok,
	},
	/*
	 * Tunnels. Each carries the same inner SYN (20-byte TCP header, no
	 * options) between the usual addresses, TTL 63, over outer endpoints
	 * 10.0.0.5 > 10.0.0.6 or fd00::5 > fd00::6. Lengths are the real ones.
	 */
	/* IPv4 in IPv4 (RFC 2003), a SYN inside. */
	{
		.name = "eth_ipip_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 3c 12 34 40 00 40 04 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_IPIP, TXT_O4_A, TXT_O4_B } },
		.rc = DECODE_ok,
	},
	/* IPv6 in IPv4 (RFC 4213). */
	{
		.name = "eth_6in4_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 50 12 34 40 00 40 29 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			SEGS_IN6_SYN,
		},
		WANT_IN6_SYN,
		.tun = { { TUN_6IN4, TXT_O4_A, TXT_O4_B } },
		.rc = DECODE_ok,
	},
	/* IPv4 in IPv6 (RFC 2473). */
	{
		.name = "eth_4in6_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 28 04 40 fd 00 00 00 "
			    "00 00 00 00 00 00 00 00 00 00 00 05 "
			    "fd 00 00 00 00 00 00 00 00 00 00 00 "
			    "00 00 00 06" },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_4IN6, TXT_O6_A, TXT_O6_B } },
		.rc = DECODE_ok,
	},
	/* IPv6 in IPv6 (RFC 2473). */
	{
		.name = "eth_6in6_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 3c 29 40 fd 00 00 00 "
			    "00 00 00 00 00 00 00 00 00 00 00 05 "
			    "fd 00 00 00 00 00 00 00 00 00 00 00 "
			    "00 00 00 06" },
			SEGS_IN6_SYN,
		},
		WANT_IN6_SYN,
		.tun = { { TUN_6IN6, TXT_O6_A, TXT_O6_B } },
		.rc = DECODE_ok,
	},
	/*
	 * GRE with checksum, key 0x1000002a and sequence (RFC 2890), IPv6
	 * inside.
	 */
	{
		.name = "eth_gre_csum_key_seq_v6",
		.linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 60 12 34 40 00 40 2f 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_gre_truncated,
			    "b0 00 86 dd 12 34 00 00 "
			    "10 00 00 2a 00 00 00 07" },
			SEGS_IN6_SYN,
		},
		WANT_IN6_SYN,
		.tun = { { TUN_GRE, TXT_O4_A, TXT_O4_B, true, 0x1000002a } },
		.rc = DECODE_ok,
	},
	/* GRE over IPv6 carrying Ethernet (transparent bridging). */
	{
		.name = "eth_gre_teb_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 3a 2f 40 fd 00 00 00 "
			    "00 00 00 00 00 00 00 00 00 00 00 05 "
			    "fd 00 00 00 00 00 00 00 00 00 00 00 "
			    "00 00 00 06" },
			{ DECODE_gre_truncated, "00 00 65 58" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_GRE, TXT_O6_A, TXT_O6_B } },
		.rc = DECODE_ok,
	},
	/*
	 * ERSPAN type I: GRE 0x88be without a sequence number, Ethernet at
	 * once.
	 */
	{
		.name = "eth_erspan1_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 4e 12 34 40 00 40 2f 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_gre_truncated, "00 00 88 be" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_ERSPAN, TXT_O4_A, TXT_O4_B } },
		.rc = DECODE_ok,
	},
	/* ERSPAN type II (session 5) in GRE with a sequence number. */
	{
		.name = "eth_erspan2_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 5a 12 34 40 00 40 2f 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_gre_truncated, "10 00 88 be 00 00 00 01" },
			{ DECODE_erspan_truncated, "10 64 00 05 00 00 00 00" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_ERSPAN, TXT_O4_A, TXT_O4_B, true, 5 } },
		.rc = DECODE_ok,
	},
	/* ERSPAN type III (session 7) with 8 bytes of platform data. */
	{
		.name = "eth_erspan3_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 66 12 34 40 00 40 2f 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_gre_truncated, "10 00 22 eb 00 00 00 09" },
			{ DECODE_erspan_truncated,
			    "20 00 00 07 11 22 33 44 00 00 00 01" },
			{ DECODE_erspan_truncated, "00 00 00 00 00 00 00 00" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_ERSPAN, TXT_O4_A, TXT_O4_B, true, 7 } },
		.rc = DECODE_ok,
	},
	/* VXLAN, VNI 42 (RFC 7348). */
	{
		.name = "eth_vxlan_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 5a 12 34 40 00 40 11 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_udp_truncated, "c0 00 12 b5 00 46 00 00" },
			{ DECODE_vxlan_truncated, "08 00 00 00 00 00 2a 00" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_VXLAN, TXT_O4_A, TXT_O4_B, true, 42 } },
		.rc = DECODE_ok,
	},
	/* Geneve over IPv6, VNI 0x123456, one 8-byte option skipped. */
	{
		.name = "eth_geneve_opts_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V6 },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 4e 11 40 fd 00 00 00 "
			    "00 00 00 00 00 00 00 00 00 00 00 05 "
			    "fd 00 00 00 00 00 00 00 00 00 00 00 "
			    "00 00 00 06" },
			{ DECODE_udp_truncated, "c3 50 17 c1 00 4e 00 00" },
			{ DECODE_geneve_truncated, "02 00 65 58 12 34 56 00" },
			{ DECODE_geneve_truncated, "01 02 03 01 de ad be ef" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_GENEVE, TXT_O6_A, TXT_O6_B, true, 0x123456 } },
		.rc = DECODE_ok,
	},
	/* Geneve whose protocol type is IPv6 itself. */
	{
		.name = "eth_geneve_v6_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 60 12 34 40 00 40 11 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_udp_truncated, "c3 50 17 c1 00 4c 00 00" },
			{ DECODE_geneve_truncated, "00 00 86 dd 00 00 07 00" },
			SEGS_IN6_SYN,
		},
		WANT_IN6_SYN,
		.tun = { { TUN_GENEVE, TXT_O4_A, TXT_O4_B, true, 7 } },
		.rc = DECODE_ok,
	},
	/*
	 * GTP-U G-PDU, TEID 0xdeadbeef, one PDU session container extension.
	 */
	{
		.name = "eth_gtpu_ext_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 54 12 34 40 00 40 11 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_udp_truncated, "08 68 08 68 00 40 00 00" },
			{ DECODE_gtpu_truncated, "34 ff 00 30 de ad be ef" },
			{ DECODE_gtpu_truncated, "00 00 00 85" },
			{ DECODE_gtpu_truncated, "01 00 09 00" },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_GTPU, TXT_O4_A, TXT_O4_B, true, 0xdeadbeef } },
		.rc = DECODE_ok,
	},
	/*
	 * Teredo from a server port, with authentication and origin
	 * indicators.
	 */
	{
		.name = "eth_teredo_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 6d 12 34 40 00 40 11 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_udp_truncated, "0d d8 9c 40 00 59 00 00" },
			{ CUT_OUTER, "00 01" },
			{ DECODE_teredo_truncated,
			    "00 00 01 02 03 04 05 06 07 08 00" },
			{ CUT_OUTER, "00 00" },
			{ DECODE_teredo_truncated, "f2 27 3f f5 ff fe" },
			{ CUT_OUTER, "60 00 00 00 00 14" },
			{ DECODE_ipv6_truncated,
			    "06 3f 20 01 0d b8 00 00 00 00 00 00 "
			    "00 00 00 00 00 01 20 01 0d b8 00 00 "
			    "00 00 00 00 00 00 00 00 00 02" },
			{ DECODE_tcp_truncated, TCP_SYN20 },
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { WANT_SYN, .ttl = 63, .ip_id = 0 },
		.tun = { { TUN_TEREDO, TXT_O4_A, TXT_O4_B } },
		.outer = { TXT_O4_A, TXT_O4_B, 3544, 40000, 81 },
		.rc = DECODE_ok,
	},
	/*
	 * AYIYA forwarding IPv6, with a 16-byte identity and a 20-byte
	 * signature.
	 */
	{
		.name = "eth_ayiya_v6_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 84 12 34 40 00 40 11 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_udp_truncated, "13 d0 13 d0 00 70 00 00" },
			{ DECODE_ayiya_truncated, "41 52 21 29 5e 0b e1 00" },
			{ DECODE_ayiya_truncated,
			    "00 01 02 03 04 05 06 07 08 09 0a 0b "
			    "0c 0d 0e 0f aa aa aa aa aa aa aa aa "
			    "aa aa aa aa aa aa aa aa aa aa aa aa" },
			SEGS_IN6_SYN,
		},
		WANT_IN6_SYN,
		.tun = { { TUN_AYIYA, TXT_O4_A, TXT_O4_B } },
		.rc = DECODE_ok,
	},
	/* GRE in UDP (RFC 8086), key 99. */
	{
		.name = "eth_gre_udp_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 4c 12 34 40 00 40 11 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_udp_truncated, "80 e8 12 92 00 38 00 00" },
			{ DECODE_gre_truncated, "20 00 08 00 00 00 00 63" },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = { { TUN_GRE, TXT_O4_A, TXT_O4_B, true, 99 } },
		.rc = DECODE_ok,
	},
	/* Two layers: VXLAN carried in GRE. */
	{
		.name = "eth_gre_vxlan_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated, ETH_V4 },
			{ DECODE_ipv4_truncated,
			    "45 00 00 72 12 34 40 00 40 2f 00 00 "
			    "0a 00 00 05 0a 00 00 06" },
			{ DECODE_gre_truncated, "00 00 08 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 5a 12 34 40 00 40 11 00 00 "
			    "ac 10 00 01 ac 10 00 02" },
			{ DECODE_udp_truncated, "c0 00 12 b5 00 46 00 00" },
			{ DECODE_vxlan_truncated, "08 00 00 00 00 00 2a 00" },
			{ DECODE_eth_truncated, ETH_IN4 },
			SEGS_IN4_SYN,
		},
		WANT_IN4_SYN,
		.tun = {
			{ TUN_GRE, TXT_O4_A, TXT_O4_B },
			{ TUN_VXLAN, "172.16.0.1", "172.16.0.2", true, 42 },
		},
		.rc = DECODE_ok,
	},
	/*
	 * Link-layer encapsulations.  The first payload byte after a label
	 * stack is its own segment: without it the MPLS decoder cannot tell
	 * what follows, so a cut there is the label stack's.
	 */
	/* Two labels (transport 20, service 1000 at the bottom), IPv4 SYN. */
	{
		.name = "eth_mpls_v4_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 47" },
			{ DECODE_mpls_truncated, "00 01 40 40" },
			{ DECODE_mpls_truncated, "00 3e 81 3f" },
			{ DECODE_mpls_truncated, "45" },
			{ DECODE_ipv4_truncated,
			    "00 00 28 1c 46 40 00 40 06 00 00 c0 "
			    "00 02 0a c6 33 64 14" },
			{ DECODE_tcp_truncated, TCP_SYN20 },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { WANT_SYN, .ttl = 64, .ip_id = 0x1c46 },
		.rc = DECODE_ok,
	},
	/* MPLS multicast in VLAN 100, IPv6 explicit null label, IPv6 data. */
	{
		.name = "eth_vlan_mpls_v6_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 81 00" },
			{ DECODE_vlan_truncated, "00 64 88 48" },
			{ DECODE_mpls_truncated, "00 00 21 40" },
			{ DECODE_mpls_truncated, "60" },
			{ DECODE_ipv6_truncated,
			    "00 00 00 00 2a 06 3f 20 01 0d b8 00 "
			    "00 00 00 00 00 00 00 00 00 00 02 20 "
			    "01 0d b8 00 00 00 00 00 00 00 00 00 "
			    "00 00 01" },
			SEGS_DATA6,
		},
		WANT_DATA6,
		.rc = DECODE_ok,
	},
	/*
	 * An Ethernet pseudowire with the control word (RFC 4448 4.6, sequence
	 * number 5), the customer's frame in its VLAN 7: a DNS query.
	 */
	{
		.name = "eth_mpls_pw_cw_v4_udp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 47" },
			{ DECODE_mpls_truncated, "00 0c 81 ff" },
			{ DECODE_mpls_truncated, "00 00 00 05" },
			{ DECODE_eth_truncated,
			    "02 00 00 00 00 02 02 00 00 00 00 01 81 00" },
			{ DECODE_vlan_truncated, "00 07 08 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 30 00 00 40 00 40 11 00 00 " V4_AB },
			{ DECODE_udp_truncated, "30 39 00 35 00 1c 00 00" },
			ZEROS(CUT_FULL, 20),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .vlan_outer = 7, .proto = PKT_PROTO_UDP,
		    .ttl = 64, .sport = 12345, .dport = 53,
		    .payload_len = 20 },
		.rc = DECODE_ok,
	},
	/*
	 * The same without control word: after the bottom label comes the
	 * customer's destination address, whose first nibble (5) is neither IP
	 * version nor a control word.
	 */
	{
		.name = "eth_mpls_pw_nocw_v6_udp",
		.linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 47" },
			{ DECODE_mpls_truncated, "00 0d 01 ff" },
			{ DECODE_mpls_truncated, "52" },
			{ DECODE_eth_truncated,
			    "54 00 12 34 56 52 54 00 ab cd ef 86 dd" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 10 11 40 " V6_AB },
			SEGS_SYSLOG6,
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { WANT_SYSLOG6 },
		.rc = DECODE_ok,
	},
	/* PPPoE session 0x1234, PPP IPv4: the SYN of a DSL subscriber. */
	{
		.name = "eth_pppoe_v4_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 64" },
			{ DECODE_pppoe_truncated, "11 00 12 34 00 2a" },
			{ DECODE_pppoe_truncated, "00 21" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 28 1c 46 40 00 40 06 00 00 " V4_AB },
			{ DECODE_tcp_truncated, TCP_SYN20 },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { WANT_SYN, .ttl = 64, .ip_id = 0x1c46 },
		.rc = DECODE_ok,
	},
	/*
	 * PPPoE over QinQ (S-tag 100, C-tag 200), PPP IPv6, syslog over UDP.
	 */
	{
		.name = "eth_qinq_pppoe_v6_udp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 a8" },
			{ DECODE_vlan_truncated, "00 64 81 00" },
			{ DECODE_vlan_truncated, "00 c8 88 64" },
			{ DECODE_pppoe_truncated, "11 00 00 01 00 3a" },
			{ DECODE_pppoe_truncated, "00 57" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 10 11 40 " V6_AB },
			SEGS_SYSLOG6,
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .vlan_outer = 100, .vlan_inner = 200, WANT_SYSLOG6 },
		.rc = DECODE_ok,
	},
	/*
	 * 802.1ah: B-tag 100, I-tag (I-SID 0x010001), the customer's
	 * addresses, its C-tag 10, IPv4 SYN.
	 */
	{
		.name = "eth_pbb_v4_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 88 a8" },
			{ DECODE_vlan_truncated, "00 64 88 e7" },
			{ DECODE_pbb_truncated,
			    "00 01 00 01 02 00 00 00 00 02 02 00 "
			    "00 00 00 01 81 00" },
			{ DECODE_vlan_truncated, "00 0a 08 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 28 1c 46 40 00 40 06 00 00 " V4_AB },
			{ DECODE_tcp_truncated, TCP_SYN20 },
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { WANT_SYN, .ttl = 64, .ip_id = 0x1c46,
		    .vlan_outer = 100, .vlan_inner = 10 },
		.rc = DECODE_ok,
	},
	/* A VN-tag (destination VIF 5, source VIF 3), IPv4 NTP. */
	{
		.name = "eth_vntag_v4_udp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 89 26" },
			{ DECODE_vntag_truncated, "80 05 00 03 08 00" },
			{ DECODE_ipv4_truncated,
			    "45 00 00 24 00 00 00 00 40 11 00 00 " V4_AB },
			{ DECODE_udp_truncated, "00 7b 00 7b 00 10 00 00" },
			ZEROS(CUT_FULL, 8),
		},
		.src = TXT_V4_A, .dst = TXT_V4_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64, .sport = 123,
		    .dport = 123, .payload_len = 8 },
		.rc = DECODE_ok,
	},
	/*
	 * An 802.1BR E-tag (E-CID 42) after a Linux cooked header, IPv6 RST.
	 */
	{
		.name = "sll_etag_v6_tcp", .linktype = LINKTYPE_LINUX_SLL,
		.seg = {
			{ DECODE_sll_truncated,
			    "00 00 00 01 00 06 52 54 "
			    "00 ab cd ef 00 00 89 3f" },
			{ DECODE_etag_truncated, "00 00 00 2a 00 00 86 dd" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 14 06 40 " V6_BA },
			{ DECODE_tcp_truncated, V4_RST_TCP },
		},
		.src = TXT_V6_B, .dst = TXT_V6_A,
		.want = { WANT_RST, .direction = PKT_DIR_IN },
		.rc = DECODE_ok,
	},
	/* The RST/ACK of sll_v4_tcp_rst after other link layers. */
	/* PPP with address and control bytes (RFC 1662). */
	{
		.name = "ppp_v4_tcp", .linktype = LINKTYPE_PPP,
		.seg = {
			{ DECODE_ppp_truncated, "ff 03 00 21" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST },
		.rc = DECODE_ok,
	},
	/*
	 * PPP without address and control, the protocol compressed to one byte
	 * (57, IPv6; RFC 1661 section 6.5), UDP with 8 bytes of data.
	 */
	{
		.name = "ppp_pfc_v6_udp", .linktype = LINKTYPE_PPP,
		.seg = {
			{ DECODE_ppp_truncated, "57" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 10 11 40 " V6_AB },
			SEGS_SYSLOG6,
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { WANT_SYSLOG6 },
		.rc = DECODE_ok,
	},
	/* PPP in HDLC-like framing (LINKTYPE_PPP_HDLC), as DLT_PPP_SERIAL. */
	{
		.name = "ppp_hdlc_v4_tcp", .linktype = LINKTYPE_PPP_HDLC,
		.seg = {
			{ DECODE_ppp_truncated, "ff 03 00 21" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST },
		.rc = DECODE_ok,
	},
	/*
	 * Cisco HDLC in the same link type: address 0f, control 00, EtherType.
	 */
	{
		.name = "ppp_hdlc_cisco_v4_tcp", .linktype = LINKTYPE_PPP_HDLC,
		.seg = {
			{ DECODE_ppp_truncated, "0f 00 08 00" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST },
		.rc = DECODE_ok,
	},
	/* Cisco HDLC as its own link type, multicast address, IPv6. */
	{
		.name = "chdlc_v6_udp", .linktype = LINKTYPE_C_HDLC,
		.seg = {
			{ DECODE_ppp_truncated, "8f 00 86 dd" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 08 11 40 " V6_AB },
			{ DECODE_udp_truncated, "c3 50 02 02 00 08 00 00" },
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64, .sport = 50000,
		    .dport = 514 },
		.rc = DECODE_ok,
	},
	/* PPP with a direction byte (LINKTYPE_PPP_WITH_DIR): 1, sent by us. */
	{
		.name = "ppp_dir_v4_tcp", .linktype = LINKTYPE_PPP_WITH_DIR,
		.seg = {
			{ DECODE_ppp_truncated, "01 ff 03 00 21" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST, .direction = PKT_DIR_OUT },
		.rc = DECODE_ok,
	},
	/*
	 * NFLOG as "nflog:5" gives it on x86: family 2, version 0, group 5
	 * (big-endian); NFULA_PACKET_HDR (1: hardware protocol 0800, hook 1),
	 * a prefix "rst" (10, length 8 with its NUL, no padding), NFULA_MARK
	 * (3), then NFULA_PAYLOAD (9, length 44): the packet.
	 */
	{
		.name = "nflog_v4_tcp", .linktype = LINKTYPE_NFLOG,
		.seg = {
			{ DECODE_nflog_truncated, "02 00 00 05" },
			{ DECODE_nflog_truncated, "08 00 01 00 08 00 01 00" },
			{ DECODE_nflog_truncated, "08 00 0a 00 72 73 74 00" },
			{ DECODE_nflog_truncated, "08 00 03 00 00 00 00 2a" },
			{ DECODE_nflog_truncated, "2c 00 09 00" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST },
		.rc = DECODE_ok,
	},
	/*
	 * NFLOG, family 10, a prefix of 5 bytes padded to 8 (length 9), and a
	 * payload cut by the rule's snapshot length to the IPv6 and UDP
	 * headers of a datagram of 100 bytes: the IP header, not NFLOG, gives
	 * the length.
	 */
	{
		.name = "nflog_v6_udp_cut", .linktype = LINKTYPE_NFLOG,
		.seg = {
			{ DECODE_nflog_truncated, "0a 00 00 07" },
			{ DECODE_nflog_truncated,
			    "09 00 0a 00 64 72 6f 70 00 00 00 00" },
			{ DECODE_nflog_truncated, "34 00 09 00" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 6c 11 40 " V6_AB },
			{ DECODE_udp_truncated, "c3 50 02 02 00 6c 00 00" },
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .proto = PKT_PROTO_UDP, .ttl = 64, .sport = 50000,
		    .dport = 514, .payload_len = 100 },
		/*
		 * The headers of NFLOG (20 bytes) and the datagram's 148:
		 * what the decoder makes of a wire length below that.
		 */
		.wirelen = 168,
		.rc = DECODE_ok,
	},
	/*
	 * 802.3 with a length field (0x0030, 48 bytes) and LLC/SNAP (RFC
	 * 1042): DSAP aa, SSAP aa, UI, OUI 000000, EtherType 0800.
	 */
	{
		.name = "eth_llc_snap_v4_tcp", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 00 30" },
			{ DECODE_llc_truncated, "aa aa 03 00 00 00 08 00" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST },
		.rc = DECODE_ok,
	},
	/*
	 * 802.1Q tag 7, then a length and LLC/SNAP with 802.1H's OUI (0000f8),
	 * IPv6: as a bridge between Ethernet and 802.11 forwards it.
	 */
	{
		.name = "eth_vlan_llc_snap_v6", .linktype = LINKTYPE_ETHERNET,
		.seg = {
			{ DECODE_eth_truncated,
			    "52 54 00 12 34 56 52 54 00 ab cd ef 81 00" },
			{ DECODE_vlan_truncated, "00 07 00 38" },
			{ DECODE_llc_truncated, "aa aa 03 00 00 f8 86 dd" },
			{ DECODE_ipv6_truncated,
			    "60 00 00 00 00 08 11 40 " V6_AB },
			{ DECODE_udp_truncated, "c3 50 02 02 00 08 00 00" },
		},
		.src = TXT_V6_A, .dst = TXT_V6_B,
		.want = { .vlan_outer = 7, .proto = PKT_PROTO_UDP,
		    .ttl = 64, .sport = 50000, .dport = 514 },
		.rc = DECODE_ok,
	},
	/* Linux cooked, protocol ETH_P_802_2 (4): LLC/SNAP follows. */
	{
		.name = "sll_llc_snap_v4_tcp", .linktype = LINKTYPE_LINUX_SLL,
		.seg = {
			{ DECODE_sll_truncated,
			    "00 00 00 01 00 06 52 54 "
			    "00 ab cd ef 00 00 00 04" },
			{ DECODE_llc_truncated, "aa aa 03 00 00 00 08 00" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST, .direction = PKT_DIR_IN },
		.rc = DECODE_ok,
	},
	/* FDDI, asynchronous LLC frame (frame control 50), LLC/SNAP, IPv4. */
	{
		.name = "fddi_llc_snap_v4_tcp", .linktype = LINKTYPE_FDDI,
		.seg = {
			{ DECODE_fddi_truncated,
			    "50 52 54 00 12 34 56 52 54 00 ab cd ef" },
			{ DECODE_llc_truncated, "aa aa 03 00 00 00 08 00" },
			SEGS_V4_RST,
		},
		.src = TXT_V4_B, .dst = TXT_V4_A,
		.want = { WANT_RST },
		.rc = DECODE_ok,
	},
};
#define NFRAMES	((int)(sizeof(frame_specs) / sizeof(frame_specs[0])))

static void
tun_want(struct frame *f, enum pkt_tunnel_type type, const char *src,
    const char *dst, bool has_id, uint32_t id)
{
	struct pkt_tunnel *t;

	ck_assert_int_lt(f->want.ntunnels, PKT_MAX_TUNNELS);
	t = &f->want.tunnels[f->want.ntunnels++];
	t->src = util_addr(src);
	t->dst = util_addr(dst);
	t->type = (uint8_t)type;
	t->has_id = has_id;
	t->id = id;
}

static void
outer_want_udp(struct frame *f, const char *src, const char *dst,
    uint16_t sport, uint16_t dport, uint32_t payload_len)
{
	struct pkt *w = &f->want_outer;

	memset(w, 0, sizeof(*w));
	w->ts_us = TS_MAGIC;
	w->wscale = TCP_NO_WSCALE;
	w->src = util_addr(src);
	w->dst = util_addr(dst);
	w->proto = PKT_PROTO_UDP;
	w->ttl = 64;
	w->ip_id = 0x1234;
	w->sport = sport;
	w->dport = dport;
	w->payload_len = payload_len;
}

static void
frame_build(struct frame *f, const struct frame_spec *s)
{
	const struct seg *g;
	const struct tun_spec *t;

	frame_init(f, s->name, s->linktype);
	for (g = s->seg; g->hex != NULL || g->zeros != 0; g++) {
		if (g->hex != NULL)
			hdr(f, g->cut, g->hex);
		else
			zeros(f, g->cut, g->zeros);
	}
	f->want = s->want;
	f->want.ts_us = TS_MAGIC;
	if (f->want.wscale == 0)
		f->want.wscale = TCP_NO_WSCALE;
	if (s->src != NULL)
		f->want.src = util_addr(s->src);
	if (s->dst != NULL)
		f->want.dst = util_addr(s->dst);
	if (s->qsrc != NULL)
		f->want.quote.src = util_addr(s->qsrc);
	if (s->qdst != NULL)
		f->want.quote.dst = util_addr(s->qdst);
	for (t = s->tun; t < s->tun + PKT_MAX_TUNNELS && t->src != NULL; t++)
		tun_want(f, t->type, t->src, t->dst, t->has_id, t->id);
	if (s->outer.src != NULL)
		outer_want_udp(f, s->outer.src, s->outer.dst, s->outer.sport,
		    s->outer.dport, s->outer.payload_len);
	frame_done(f, s->wirelen, s->rc);
}

/* The frame of the table called name, for the tests that break it. */
static void
frame_load(struct frame *f, const char *name)
{
	for (int i = 0; i < NFRAMES; i++) {
		if (strcmp(frame_specs[i].name, name) == 0) {
			frame_build(f, &frame_specs[i]);
			return;
		}
	}
	ck_abort_msg("no frame %s", name);
}


/*
 * Compare every field.  With no_opts, the TCP option fields must be at
 * their "absent" values instead of the expected ones.
 */
#define EXPECT_FIELD(fld) \
	ck_assert_msg(got->fld == want->fld, "%s: " #fld " is %llu, want %llu", \
	    ctx, (unsigned long long)got->fld, (unsigned long long)want->fld)

static void
pkt_expect(const struct pkt *got, const struct pkt *want, const char *ctx,
    bool no_opts)
{
	struct pkt absent;
	char g[ADDR_STRLEN], w[ADDR_STRLEN];

	EXPECT_FIELD(ts_us);
	EXPECT_FIELD(caplen);
	EXPECT_FIELD(wirelen);
	EXPECT_FIELD(ifindex);
	EXPECT_FIELD(direction);
	EXPECT_FIELD(vlan_outer);
	EXPECT_FIELD(vlan_inner);
	ck_assert_msg(addr_cmp(&got->src, &want->src) == 0, "%s: src %s, want %s",
	    ctx, addr_format(&got->src, g, sizeof(g)),
	    addr_format(&want->src, w, sizeof(w)));
	ck_assert_msg(addr_cmp(&got->dst, &want->dst) == 0, "%s: dst %s, want %s",
	    ctx, addr_format(&got->dst, g, sizeof(g)),
	    addr_format(&want->dst, w, sizeof(w)));
	EXPECT_FIELD(proto);
	EXPECT_FIELD(ttl);
	EXPECT_FIELD(ip_id);
	EXPECT_FIELD(fragment);
	EXPECT_FIELD(sport);
	EXPECT_FIELD(dport);
	EXPECT_FIELD(payload_len);
	EXPECT_FIELD(seq);
	EXPECT_FIELD(ack);
	EXPECT_FIELD(win);
	EXPECT_FIELD(tcp_flags);
	EXPECT_FIELD(icmp_error);
	EXPECT_FIELD(icmp_type);
	EXPECT_FIELD(icmp_code);
	ck_assert_msg(addr_cmp(&got->quote.src, &want->quote.src) == 0,
	    "%s: quote.src %s, want %s", ctx,
	    addr_format(&got->quote.src, g, sizeof(g)),
	    addr_format(&want->quote.src, w, sizeof(w)));
	ck_assert_msg(addr_cmp(&got->quote.dst, &want->quote.dst) == 0,
	    "%s: quote.dst %s, want %s", ctx,
	    addr_format(&got->quote.dst, g, sizeof(g)),
	    addr_format(&want->quote.dst, w, sizeof(w)));
	EXPECT_FIELD(quote.sport);
	EXPECT_FIELD(quote.dport);
	EXPECT_FIELD(quote.seq);
	EXPECT_FIELD(quote.proto);
	EXPECT_FIELD(ntunnels);
	for (int i = 0; i < got->ntunnels && i < PKT_MAX_TUNNELS; i++) {
		const struct pkt_tunnel *gt = &got->tunnels[i];
		const struct pkt_tunnel *wt = &want->tunnels[i];

		ck_assert_msg(gt->type == wt->type && gt->has_id == wt->has_id &&
		    gt->id == wt->id, "%s: tunnel %d is %s id %u/%u, want %s "
		    "id %u/%u", ctx, i, decode_tunnel_name(gt->type),
		    gt->has_id, gt->id, decode_tunnel_name(wt->type),
		    wt->has_id, wt->id);
		ck_assert_msg(addr_cmp(&gt->src, &wt->src) == 0 &&
		    addr_cmp(&gt->dst, &wt->dst) == 0,
		    "%s: tunnel %d endpoints %s > %s", ctx, i,
		    addr_format(&gt->src, g, sizeof(g)),
		    addr_format(&gt->dst, w, sizeof(w)));
	}

	if (no_opts) {
		memset(&absent, 0, sizeof(absent));
		absent.wscale = TCP_NO_WSCALE;
		want = &absent;
	}
	EXPECT_FIELD(wscale);
	EXPECT_FIELD(mss);
	EXPECT_FIELD(sack_permitted);
	EXPECT_FIELD(has_timestamp);
	EXPECT_FIELD(sack_blocks);
	EXPECT_FIELD(tsval);
	EXPECT_FIELD(tsecr);
}

/*
 * Decode from a heap copy of exactly caplen bytes, so that AddressSanitizer
 * sees any read past the captured data.
 */
static enum decode_result
decode_copy(struct pkt *p, int linktype, const uint8_t *data, size_t caplen,
    size_t wirelen)
{
	enum decode_result r;
	uint8_t *copy;

	copy = malloc(caplen > 0 ? caplen : 1);
	ck_assert_ptr_nonnull(copy);
	if (caplen > 0)
		memcpy(copy, data, caplen);
	r = decode_packet(p, linktype, copy, caplen, wirelen);
	free(copy);
	return r;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && strcmp(s + n - m, suffix) == 0;
}

START_TEST(test_frame_fields)
{
	struct frame f;
	struct pkt p;
	enum decode_result r;

	frame_build(&f, &frame_specs[_i]);
	memset(&p, 0xa5, sizeof(p));	/* decode_packet must clear it */
	p.ts_us = TS_MAGIC;
	r = decode_copy(&p, f.linktype, f.b, f.len, f.wirelen);
	ck_assert_msg(r == f.want_rc, "%s: %s, want %s", f.name,
	    decode_result_name(r), decode_result_name(f.want_rc));
	pkt_expect(&p, &f.want, f.name, false);
}
END_TEST

START_TEST(test_frame_truncations)
{
	struct frame f;
	struct pkt p, want;
	enum decode_result r;
	char ctx[128];
	size_t cl;
	int seg = 0, cut;

	frame_build(&f, &frame_specs[_i]);
	ck_assert_int_eq(f.segend[f.nseg - 1], f.len);
	for (cl = 0; cl < f.len; cl++) {
		while (f.segend[seg] <= cl)
			seg++;
		cut = f.segcut[seg];
		snprintf(ctx, sizeof(ctx), "%s caplen %zu", f.name, cl);

		memset(&p, 0x5a, sizeof(p));
		p.ts_us = TS_MAGIC;
		r = decode_copy(&p, f.linktype, f.b, cl, f.wirelen);
		ck_assert_msg(r < DECODE_NRESULTS, "%s: result %d", ctx, r);
		ck_assert_msg(p.ts_us == TS_MAGIC, "%s: ts_us clobbered", ctx);
		ck_assert_msg(p.caplen == cl && p.wirelen == f.wirelen,
		    "%s: lengths not recorded", ctx);
		if (cut == CUT_FULL || cut == CUT_OPTS) {
			ck_assert_msg(r == f.want_rc, "%s: %s, want %s", ctx,
			    decode_result_name(r),
			    decode_result_name(f.want_rc));
			want = f.want;
			want.caplen = (uint32_t)cl;
			pkt_expect(&p, &want, ctx, cut == CUT_OPTS);
		} else if (cut == CUT_OUTER) {
			ck_assert_msg(r == DECODE_ok, "%s: %s, want ok (outer)",
			    ctx, decode_result_name(r));
			want = f.want_outer;
			want.caplen = (uint32_t)cl;
			want.wirelen = (uint32_t)f.wirelen;
			pkt_expect(&p, &want, ctx, false);
		} else {
			ck_assert_msg(r == (enum decode_result)cut,
			    "%s: %s, want %s", ctx, decode_result_name(r),
			    decode_result_name((enum decode_result)cut));
			ck_assert_msg(ends_with(decode_result_name(r),
			    "_truncated"), "%s: %s is not a truncation", ctx,
			    decode_result_name(r));
		}
	}
}
END_TEST

/*
 * Malformed packets, built from the frames above with one field broken.
 * Offsets are those of Ethernet + IPv4 (14, 34) and Ethernet + IPv6 (14, 54).
 */
#define ETH	14
#define IP4	(ETH + 20)
#define IP6	(ETH + 40)

static enum decode_result
frame_decode(struct frame *f, struct pkt *p)
{
	p->ts_us = TS_MAGIC;
	return decode_copy(p, f->linktype, f->b, f->len,
	    f->wirelen > f->len ? f->wirelen : f->len);
}

#define EXPECT_RESULT(f, p, want) do {					\
	enum decode_result r_ = frame_decode((f), (p));			\
	ck_assert_msg(r_ == (want), "%s: got %s, want %s", (f)->name,	\
	    decode_result_name(r_), decode_result_name(want));		\
} while (0)

/* The first byte after the outer UDP header of the tunnel frames. */
#define UDP_PAYLOAD	(IP4 + 8)

/*
 * One byte of a frame broken, and the result that names the breakage: each
 * way a header (a recognised tunnel's too) can be impossible has its own
 * counter.
 */
static const struct mutation {
	const char		*frame;
	size_t			 off;
	uint8_t			 val;
	enum decode_result	 want;
} mutations[] = {
	/* IPv4 header length below 20 bytes; IP version 6 or 5 in IPv4. */
	{ "eth_v4_tcp_syn", ETH, 0x44, DECODE_ipv4_bad_hlen },
	{ "eth_v4_tcp_syn", ETH, 0x40, DECODE_ipv4_bad_hlen },
	{ "eth_v4_tcp_syn", ETH, 0x65, DECODE_ip_bad_version },
	{ "raw_v4_tcp_ipopts", 0, 0x56, DECODE_ip_bad_version },
	/* TCP header 16 and 0 bytes, 44 in a 40-byte segment; 40 is fine. */
	{ "eth_v4_tcp_syn", IP4 + 12, 0x40, DECODE_tcp_bad_offset },
	{ "eth_v4_tcp_syn", IP4 + 12, 0x00, DECODE_tcp_bad_offset },
	{ "eth_v4_tcp_syn", IP4 + 12, 0xb0, DECODE_tcp_bad_offset },
	{ "eth_v4_tcp_syn", IP4 + 12, 0xa0, DECODE_ok },
	/* PPTP's enhanced GRE; RFC 1701 routing present. */
	{ "eth_erspan1_tcp", IP4 + 1, 0x01, DECODE_gre_bad_version },
	{ "eth_erspan1_tcp", IP4, 0x40, DECODE_gre_malformed },
	/* The outer IPv4 length ends inside GRE. */
	{ "eth_gre_csum_key_seq_v6", ETH + 3, 20 + 8, DECODE_gre_malformed },
	/* ERSPAN type III's version in type II. */
	{ "eth_erspan2_tcp", IP4 + 8, 0x20, DECODE_erspan_bad_version },
	/* Geneve: 252 bytes of options. */
	{ "eth_geneve_v6_tcp", UDP_PAYLOAD, 0x3f, DECODE_geneve_bad_len },
	/* GTP-U longer than the datagram; an extension of length 0. */
	{ "eth_gtpu_ext_tcp", UDP_PAYLOAD + 2, 0xff, DECODE_gtpu_malformed },
	{ "eth_gtpu_ext_tcp", UDP_PAYLOAD + 12, 0, DECODE_gtpu_malformed },
};
#define NMUTATIONS	((int)(sizeof(mutations) / sizeof(mutations[0])))

START_TEST(test_mutation)
{
	const struct mutation *m = &mutations[_i];
	struct frame f;
	struct pkt p;

	frame_load(&f, m->frame);
	f.b[m->off] = m->val;
	EXPECT_RESULT(&f, &p, m->want);
}
END_TEST

/*
 * A payload on a tunnel's UDP port that is not that tunnel (wrong flags,
 * version or message type) is someone else's datagram: an ordinary UDP
 * flow, no tunnel recorded, nothing counted against the tunnel.
 */
static void
expect_outer_udp(struct frame *f, uint16_t dport)
{
	struct pkt p;

	EXPECT_RESULT(f, &p, DECODE_ok);
	ck_assert_msg(p.proto == PKT_PROTO_UDP && p.ntunnels == 0 &&
	    p.dport == dport, "%s: proto %u, %u tunnels, dport %u", f->name,
	    p.proto, p.ntunnels, p.dport);
	ck_assert(addr_cmp(&p.src, &(struct addr){ .b = { [10] = 0xff,
	    [11] = 0xff, [12] = 10, [15] = 5 } }) == 0);
}

START_TEST(test_tunnel_port_not_tunnel)
{
	struct frame f;

	frame_load(&f, "eth_vxlan_tcp");
	f.b[UDP_PAYLOAD] = 0x00;		/* no I flag */
	expect_outer_udp(&f, 4789);

	frame_load(&f, "eth_geneve_v6_tcp");
	f.b[UDP_PAYLOAD] = 0x40;		/* version 1 */
	expect_outer_udp(&f, 6081);

	frame_load(&f, "eth_gtpu_ext_tcp");
	f.b[UDP_PAYLOAD + 1] = 1;		/* echo request */
	expect_outer_udp(&f, 2152);
	frame_load(&f, "eth_gtpu_ext_tcp");
	f.b[UDP_PAYLOAD] = 0x44;		/* version 2 (GTPv2-C) */
	expect_outer_udp(&f, 2152);

	frame_load(&f, "eth_teredo_tcp");
	f.b[UDP_PAYLOAD + 13 + 8] = 0x45;	/* IPv4, not IPv6 */
	expect_outer_udp(&f, 40000);
	frame_load(&f, "eth_teredo_tcp");
	f.b[UDP_PAYLOAD + 13 + 8 + 5] = 21;	/* payload length off by one */
	expect_outer_udp(&f, 40000);

	frame_load(&f, "eth_ayiya_v6_tcp");
	f.b[UDP_PAYLOAD + 2] = 0x20;		/* opcode 0: heartbeat */
	expect_outer_udp(&f, 5072);
	frame_load(&f, "eth_ayiya_v6_tcp");
	f.b[UDP_PAYLOAD + 3] = 17;		/* next header not IP */
	expect_outer_udp(&f, 5072);

	frame_load(&f, "eth_gre_udp_tcp");
	f.b[UDP_PAYLOAD + 1] = 0x01;		/* GRE version 1 */
	expect_outer_udp(&f, 4754);
}
END_TEST

/* Protocol 4 promises IPv4: the tunnel is recorded, its inside refused. */
START_TEST(test_ipip_not_ipv4)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_ipip_tcp");
	f.b[IP4] = 0x60;
	EXPECT_RESULT(&f, &p, DECODE_ip_bad_version);
	ck_assert_int_eq(p.ntunnels, 1);
}
END_TEST

/*
 * GTP-U is often fragmented: the first fragment holds the tunnel and the
 * inner headers, and the UDP and GTP lengths announce more than it has.
 * That is not malformed; the rest is in the next fragments.
 */
START_TEST(test_tunnel_first_fragment)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_gtpu_ext_tcp");
	f.b[UDP_PAYLOAD - 3] += 100;		/* UDP length */
	f.b[UDP_PAYLOAD + 3] += 100;		/* GTP length */
	f.b[UDP_PAYLOAD + 16 + 3] += 100;	/* inner IPv4 total length */
	EXPECT_RESULT(&f, &p, DECODE_udp_bad_len);
	f.b[ETH + 6] |= 0x20;			/* more fragments */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.ntunnels, 1);
	ck_assert_int_eq(p.sport, 54321);
	ck_assert_int_eq(p.payload_len, 100);
}
END_TEST

/*
 * A first fragment that ends inside the TCP header's options (Zeek's
 * ipv4/fragmented-syn.pcap: 24 bytes of a 40-byte SYN header): the ports,
 * sequence numbers and flags are all there, so the segment is decoded,
 * its options left absent as a snaplen would leave them and no payload
 * counted (the rest is in fragments not reassembled).  Not a fragment,
 * the same header is impossible.
 */
START_TEST(test_tcp_header_in_fragments)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_v4_frag_first");
	f.b[ETH + 2] = 0;
	f.b[ETH + 3] = 44;			/* 20 + 24 */
	f.b[IP4 + 12] = 0xa0;			/* a 40-byte TCP header */
	f.b[IP4 + 13] = TH_SYN;
	f.b[ETH + 6] &= (uint8_t)~0x20;		/* not a fragment */
	EXPECT_RESULT(&f, &p, DECODE_tcp_bad_offset);
	f.b[ETH + 6] |= 0x20;			/* more fragments, offset 0 */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.sport, 49157);
	ck_assert_int_eq(p.dport, 80);
	ck_assert_int_eq(p.tcp_flags, TH_SYN);
	ck_assert_int_eq(p.payload_len, 0);
}
END_TEST

/*
 * IPv4 in IPv4 nested n times around a SYN: PKT_MAX_TUNNELS layers are
 * followed, one more is refused, so a crafted packet cannot make the
 * decoders recurse without end.
 */
static void
nested_ipip(struct frame *f, int n)
{
	static const uint8_t ip[20] = { 0x45, 0, 0, 0, 0, 0, 0x40, 0, 64, 4,
	    0, 0, 10, 0, 0, 1, 10, 0, 0, 2 };

	frame_load(f, "eth_ipip_tcp");
	f->len = ETH;
	for (int i = 0; i < n; i++) {
		memcpy(f->b + f->len, ip, sizeof(ip));
		f->b[f->len + 3] = (uint8_t)(20 * (n - i) + 40);
		f->b[f->len + 15] = (uint8_t)(i + 1);
		f->len += sizeof(ip);
	}
	/* The innermost IPv4 + TCP of the one-layer frame. */
	{
		struct frame g;

		frame_load(&g, "eth_ipip_tcp");
		memcpy(f->b + f->len, g.b + IP4, 40);
	}
	f->len += 40;
	f->wirelen = f->len;
}

START_TEST(test_tunnel_too_deep)
{
	struct frame f;
	struct pkt p;

	nested_ipip(&f, PKT_MAX_TUNNELS);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.ntunnels, PKT_MAX_TUNNELS);
	ck_assert_int_eq(p.tunnels[PKT_MAX_TUNNELS - 1].src.b[15],
	    PKT_MAX_TUNNELS);
	ck_assert_int_eq(p.sport, 54321);

	nested_ipip(&f, PKT_MAX_TUNNELS + 1);
	EXPECT_RESULT(&f, &p, DECODE_tunnel_too_deep);
	ck_assert_int_eq(p.ntunnels, PKT_MAX_TUNNELS);
}
END_TEST

START_TEST(test_tunnel_names)
{
	ck_assert_str_eq(decode_tunnel_name(TUN_VXLAN), "vxlan");
	ck_assert_str_eq(decode_tunnel_name(TUN_6IN4), "6in4");
	ck_assert_str_eq(decode_tunnel_name(TUN_NTYPES), "unknown");
	ck_assert_str_eq(decode_tunnel_id_name(TUN_VXLAN), "vni");
	ck_assert_str_eq(decode_tunnel_id_name(TUN_GRE), "key");
	ck_assert_str_eq(decode_tunnel_id_name(TUN_GTPU), "teid");
	for (unsigned t = 0; t < TUN_NTYPES; t++)
		ck_assert_str_ne(decode_tunnel_name(t), "unknown");
}
END_TEST

START_TEST(test_ipv4_hlen_whole_packet)
{
	struct frame f;
	struct pkt p;

	/* 60 bytes of header in a 60-byte packet: no room left for TCP. */
	frame_load(&f, "eth_v4_tcp_syn");
	f.b[ETH] = 0x4f;
	EXPECT_RESULT(&f, &p, DECODE_tcp_bad_offset);
	ck_assert_int_eq(p.proto, PKT_PROTO_TCP);
	ck_assert_int_eq(p.tcp_flags, 0);	/* nothing left for TCP */
}
END_TEST

START_TEST(test_ipv4_hlen_beyond_packet)
{
	struct frame f;
	struct pkt p;

	/* IHL 15 (60 bytes) in a 40-byte packet: the packet is wrong. */
	frame_load(&f, "sll_v4_tcp_rst");
	f.b[16] = 0x4f;
	EXPECT_RESULT(&f, &p, DECODE_ipv4_bad_len);
	/* The same with the wire longer than the capture: cut short. */
	f.wirelen = f.len + 100;
	f.b[18] = 0x00;
	f.b[19] = 0x00;		/* total length 0: the wire length */
	EXPECT_RESULT(&f, &p, DECODE_ipv4_truncated);
}
END_TEST

START_TEST(test_ipv4_bad_total_length)
{
	struct frame f;
	struct pkt p;

	/* Longer than the wire. */
	frame_load(&f, "eth_v4_tcp_syn");
	f.b[ETH + 3] = 0x3d;
	EXPECT_RESULT(&f, &p, DECODE_ipv4_bad_len);
	/* Shorter than its own header. */
	f.b[ETH + 2] = 0;
	f.b[ETH + 3] = 19;
	EXPECT_RESULT(&f, &p, DECODE_ipv4_bad_len);
	/* Just the header: no TCP header fits, by the sender's doing. */
	f.b[ETH + 3] = 20;
	EXPECT_RESULT(&f, &p, DECODE_tcp_bad_offset);
	ck_assert_int_eq(p.proto, PKT_PROTO_TCP);
}
END_TEST

START_TEST(test_ipv4_tso_zero_length)
{
	struct frame f;
	struct pkt p;

	/*
	 * Captured whole, total length 0: the frame length is the IP length.
	 */
	frame_load(&f, "eth_v4_tcp_syn");
	f.b[ETH + 2] = 0;
	f.b[ETH + 3] = 0;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.payload_len, 0);
	ck_assert_int_eq(p.mss, 1460);
	/* Wire length below the IP header with total length 0 is wrong. */
	ck_assert_int_eq(decode_copy(&p, LINKTYPE_RAW, f.b + ETH, 12, 12),
	    DECODE_ipv4_bad_len);
	/* ... and merely cut short when the wire had more. */
	ck_assert_int_eq(decode_copy(&p, LINKTYPE_RAW, f.b + ETH, 12, 60),
	    DECODE_ipv4_truncated);
}
END_TEST

START_TEST(test_ethernet_padding_not_payload)
{
	struct frame f;
	struct pkt p;

	/* A bare ACK padded to 60 bytes: zero payload, not six. */
	frame_load(&f, "sll_v4_tcp_rst");
	memmove(f.b + ETH, f.b + 16, f.len - 16);
	memcpy(f.b, "\x52\x54\x00\x12\x34\x56\x52\x54\x00\xab\xcd\xef\x08\x00",
	    ETH);
	f.linktype = LINKTYPE_ETHERNET;
	f.len = 60;
	memset(f.b + ETH + 40, 0xee, 6);
	f.wirelen = 60;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.payload_len, 0);
	ck_assert_int_eq(p.tcp_flags, TH_RST | TH_ACK);
}
END_TEST

START_TEST(test_ip_other_proto)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_v4_tcp_syn");
	f.b[ETH + 9] = 132;	/* SCTP */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	ck_assert_int_eq(p.proto, 132);
	ck_assert_int_eq(p.ttl, 64);
	f.b[ETH + 9] = PKT_PROTO_ICMPV6;	/* ICMPv6 over IPv4 is not ICMP */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);

	frame_load(&f, "eth_vlan_v6_tcp");
	f.b[18 + 6] = PKT_PROTO_ICMP;	/* ICMPv4 over IPv6 neither */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	f.b[18 + 6] = 59;		/* no next header */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	f.b[18 + 6] = 50;		/* ESP */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	ck_assert_int_eq(p.proto, 50);
}
END_TEST

/*
 * Encapsulations we do not decode are counted as "tunnel", at every
 * EtherType that carries one: on Ethernet, behind a VLAN tag and after
 * a Linux cooked header (issue 8: "tunnel not decoded" rather than "not
 * IP").  What is not a tunnel stays "not IP", PPPoE discovery included.
 * MPLS, PPPoE sessions, 802.1ah, VN-tag, E-tag and bridged Ethernet are
 * decoded (issue 9) and no longer "tunnel".
 */
START_TEST(test_tunnel_ethertypes)
{
	static const uint16_t tunnels[] = {
		0x894f,			/* NSH */
	};
	static const uint16_t others[] = {
		0x0806, 0x88cc, 0x8035, 0x88e5, 0x88f7, 0x0000, 0xffff,
		0x8863,			/* PPPoE discovery */
	};
	static const uint16_t decoded[] = {
		0x8847, 0x8848, 0x8864, 0x88e7, 0x8926, 0x893f, 0x6558
	};
	struct frame f;
	struct pkt p;

	for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++) {
		uint8_t hi = (uint8_t)(tunnels[i] >> 8);
		uint8_t lo = (uint8_t)tunnels[i];

		ck_assert(decode_ethertype_is_tunnel(tunnels[i]));
		frame_load(&f, "eth_v4_tcp_syn");
		f.b[12] = hi;
		f.b[13] = lo;
		EXPECT_RESULT(&f, &p, DECODE_tunnel);

		frame_load(&f, "eth_vlan_v6_tcp");
		f.b[16] = hi;
		f.b[17] = lo;
		EXPECT_RESULT(&f, &p, DECODE_tunnel);
		ck_assert_int_eq(p.vlan_outer, 100);

		frame_load(&f, "sll_v4_tcp_rst");
		f.b[14] = hi;
		f.b[15] = lo;
		EXPECT_RESULT(&f, &p, DECODE_tunnel);

		frame_load(&f, "sll2_v6_udp");
		f.b[0] = hi;
		f.b[1] = lo;
		EXPECT_RESULT(&f, &p, DECODE_tunnel);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		ck_assert(!decode_ethertype_is_tunnel(others[i]));
		frame_load(&f, "eth_v4_tcp_syn");
		f.b[12] = (uint8_t)(others[i] >> 8);
		f.b[13] = (uint8_t)others[i];
		EXPECT_RESULT(&f, &p, DECODE_not_ip);
	}
	for (size_t i = 0; i < sizeof(decoded) / sizeof(decoded[0]); i++)
		ck_assert(!decode_ethertype_is_tunnel(decoded[i]));
}
END_TEST

/*
 * EtherIP, L2TPv3 and MPLS in IP, over IPv4 and IPv6 (after extension
 * headers too): "tunnel", with the protocol kept (IP in IP and GRE are
 * decoded: see the tunnel frames).  ESP is encryption, not a tunnel we could look into: "other".
 */
START_TEST(test_tunnel_ipprotos)
{
	static const uint8_t tunnels[] = { 97, 115, 137 };
	/* ESP, AH over IPv4, SCTP, IGMP, OSPF, reserved. */
	static const uint8_t others[] = { 50, 51, 132, 2, 89, 255 };
	struct frame f;
	struct pkt p;

	for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++) {
		ck_assert(decode_ipproto_is_tunnel(tunnels[i]));
		frame_load(&f, "eth_v4_tcp_syn");
		f.b[ETH + 9] = tunnels[i];
		EXPECT_RESULT(&f, &p, DECODE_tunnel);
		ck_assert_int_eq(p.proto, tunnels[i]);
		ck_assert(addr_cmp(&p.src, &f.want.src) == 0);

		frame_load(&f, "raw_v4_tcp_ipopts");
		f.b[9] = tunnels[i];
		EXPECT_RESULT(&f, &p, DECODE_tunnel);

		frame_load(&f, "eth_vlan_v6_tcp");
		f.b[18 + 6] = tunnels[i];
		EXPECT_RESULT(&f, &p, DECODE_tunnel);
		ck_assert_int_eq(p.proto, tunnels[i]);

		frame_load(&f, "raw_v6_tcp");
		f.b[6] = tunnels[i];
		EXPECT_RESULT(&f, &p, DECODE_tunnel);

		/* Behind a hop-by-hop options header. */
		frame_load(&f, "eth_vlan_v6_tcp");
		f.b[18 + 6] = 0;
		f.b[18 + 40] = tunnels[i];
		f.b[18 + 41] = 0;
		EXPECT_RESULT(&f, &p, DECODE_tunnel);
		ck_assert_int_eq(p.proto, tunnels[i]);
	}
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		ck_assert(!decode_ipproto_is_tunnel(others[i]));
		frame_load(&f, "eth_v4_tcp_syn");
		f.b[ETH + 9] = others[i];
		EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	}
	ck_assert_str_eq(decode_result_name(DECODE_tunnel), "tunnel");
	ck_assert_ptr_nonnull(strstr(decode_result_desc(DECODE_tunnel),
	    "tunnel not decoded"));
}
END_TEST

/*
 * A bad option is not fatal: every other field must still be there, so
 * compare with the frame's expectations minus the options.
 */
static void
expect_bad_option(struct frame *f, const char *opts)
{
	struct pkt p, want;
	size_t n;

	n = hex_parse(f->b + IP4 + 20, 20, opts);
	ck_assert_int_eq(n, 20);
	EXPECT_RESULT(f, &p, DECODE_tcp_bad_option);
	want = f->want;
	want.mss = p.mss;
	want.wscale = p.wscale;
	want.sack_permitted = p.sack_permitted;
	want.has_timestamp = p.has_timestamp;
	want.sack_blocks = p.sack_blocks;
	want.tsval = p.tsval;
	want.tsecr = p.tsecr;
	pkt_expect(&p, &want, opts, false);
}

START_TEST(test_tcp_bad_options)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_v4_tcp_syn");
	/* Length 0 and 1 would loop forever or step into themselves. */
	expect_bad_option(&f,
	    "02 04 05 b4 04 00 08 0a 00 0f 42 40 00 00 00 00 01 03 03 07");
	frame_decode(&f, &p);
	ck_assert_int_eq(p.mss, 1460);		/* before the bad one: kept */
	ck_assert(!p.has_timestamp);		/* after it: unreachable */
	expect_bad_option(&f,
	    "04 01 02 04 05 b4 08 0a 00 0f 42 40 00 00 00 00 01 03 03 07");
	/* The timestamp runs past the header. */
	expect_bad_option(&f,
	    "01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 08 0a 00");
	/* The length byte itself is past the header. */
	expect_bad_option(&f,
	    "01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 01 02");
	/* MSS of length 3: skipped, the rest still read. */
	expect_bad_option(&f,
	    "02 03 05 04 02 08 0a 00 0f 42 40 00 00 00 00 01 03 03 07 00");
	frame_decode(&f, &p);
	ck_assert_int_eq(p.mss, 0);
	ck_assert(p.sack_permitted);
	ck_assert(p.has_timestamp);
	ck_assert_int_eq(p.wscale, 7);
	/* SACK with a partial block. */
	expect_bad_option(&f,
	    "05 0e 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 00 00 00");
}
END_TEST

START_TEST(test_tcp_options_misc)
{
	struct frame f;
	struct pkt p;
	size_t n;

	frame_load(&f, "eth_v4_tcp_syn");
	/* Window scale 15 is used as 14 (RFC 7323, 2.3); EOL ends the list. */
	n = hex_parse(f.b + IP4 + 20, 20,
	    "03 03 0f 00 02 04 05 b4 00 00 00 00 00 00 00 00 00 00 00 00");
	ck_assert_int_eq(n, 20);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.wscale, 14);
	ck_assert_int_eq(p.mss, 0);
	/* Two SACK options, 3 + 1 blocks, and an unknown kind stepped over. */
	f.b[IP4 + 12] = 0xf0;		/* 60-byte header */
	f.b[ETH + 3] = 60 + 20;		/* total length */
	f.len = IP4 + 60;
	f.wirelen = f.len;
	n = hex_parse(f.b + IP4 + 20, 40,
	    "05 1a 00 00 00 01 00 00 00 02 00 00 00 03 00 00 00 04"
	    " 00 00 00 05 00 00 00 06 1e 04 ab cd 05 0a 00 00 00 07 00 00"
	    " 00 08");
	ck_assert_int_eq(n, 40);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.sack_blocks, 4);
	ck_assert_int_eq(p.payload_len, 0);
}
END_TEST

START_TEST(test_udp_bad_len)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_qinq_v4_udp");
	f.b[22 + 20 + 4] = 0;
	f.b[22 + 20 + 5] = 7;
	EXPECT_RESULT(&f, &p, DECODE_udp_bad_len);
	f.b[22 + 20 + 5] = 29;		/* one more than the IP length allows */
	EXPECT_RESULT(&f, &p, DECODE_udp_bad_len);
	f.b[22 + 20 + 5] = 8;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.payload_len, 0);
}
END_TEST

START_TEST(test_l4_shorter_than_header)
{
	struct frame f;
	struct pkt p;

	/* IP says 10 bytes of TCP, all captured: malformed, not truncated. */
	frame_load(&f, "eth_v4_tcp_syn");
	f.b[ETH + 3] = 30;
	EXPECT_RESULT(&f, &p, DECODE_tcp_bad_offset);
	/* The same for UDP: 4 bytes. */
	frame_load(&f, "eth_qinq_v4_udp");
	f.b[22 + 3] = 24;
	EXPECT_RESULT(&f, &p, DECODE_udp_bad_len);
}
END_TEST

START_TEST(test_vlan_depth)
{
	struct frame f;
	struct pkt p;
	int i;

	/* Four tags: the outer two are reported, the packet decoded. */
	frame_init(&f, "eth_4tags", LINKTYPE_ETHERNET);
	hdr(&f, CUT_FULL, "52 54 00 12 34 56 52 54 00 ab cd ef 88 a8");
	hdr(&f, CUT_FULL, "00 0a 91 00 00 0b 81 00 00 0c 81 00 00 0d 08 00");
	hdr(&f, CUT_FULL, "45 00 00 1c 00 00 00 00 40 11 00 00 " V4_A " " V4_B
	    " 00 7b 00 7b 00 08 00 00");
	frame_done(&f, 0, DECODE_ok);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.vlan_outer, 10);
	ck_assert_int_eq(p.vlan_inner, 11);
	ck_assert_int_eq(p.sport, 123);

	/* A fifth is refused. */
	frame_init(&f, "eth_5tags", LINKTYPE_ETHERNET);
	hdr(&f, CUT_FULL, "52 54 00 12 34 56 52 54 00 ab cd ef");
	for (i = 0; i < 5; i++)
		hdr(&f, CUT_FULL, "81 00 0f ff");
	hdr(&f, CUT_FULL, "08 00 45 00 00 1c 00 00 00 00 40 11 00 00 " V4_A
	    " " V4_B " 00 7b 00 7b 00 08 00 00");
	frame_done(&f, 0, DECODE_ok);
	EXPECT_RESULT(&f, &p, DECODE_vlan_too_deep);

	/* A tag that carries something other than IP. */
	frame_load(&f, "eth_vlan_v6_tcp");
	f.b[16] = 0x08;
	f.b[17] = 0x06;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	ck_assert_int_eq(p.vlan_outer, 100);
}
END_TEST

/*
 * MPLS: 16 labels are walked, a 17th is refused; an associated channel
 * (first nibble 1) is OAM, not traffic.
 */
START_TEST(test_mpls_stack)
{
	struct frame f;
	struct pkt p;
	int i;

	for (int n = 16; n <= 17; n++) {
		frame_init(&f, n == 16 ? "mpls_16" : "mpls_17",
		    LINKTYPE_ETHERNET);
		hdr(&f, CUT_FULL, "52 54 00 12 34 56 52 54 00 ab cd ef 88 47");
		for (i = 0; i < n - 1; i++)
			hdr(&f, CUT_FULL, "00 01 40 40");
		hdr(&f, CUT_FULL, "00 3e 81 3f");
		hdr(&f, CUT_FULL, "45 " V4_SYN40 " " TCP_SYN20);
		frame_done(&f, 0, DECODE_ok);
		EXPECT_RESULT(&f, &p, n == 16 ? DECODE_ok : DECODE_mpls_too_deep);
	}
	ck_assert_int_eq(p.tcp_flags, 0);

	frame_load(&f, "eth_mpls_v4_tcp");
	f.b[22] = 0x10;		/* RFC 5586 G-ACh: 0001 version 0 */
	EXPECT_RESULT(&f, &p, DECODE_mpls_not_ip);

	/* No bottom of stack before the end of the frame. */
	frame_load(&f, "eth_mpls_v4_tcp");
	f.b[20] = 0x80;
	f.len = 22;
	f.wirelen = 22;
	EXPECT_RESULT(&f, &p, DECODE_mpls_truncated);
}
END_TEST

/*
 * Nesting: eight link encapsulations are decoded, a ninth is refused,
 * whether stacked I-tags (Zeek's pbb-recursive-frames) or pseudowires in
 * pseudowires.
 */
START_TEST(test_encap_depth)
{
	static const char pbb[] =
	    "00 00 00 01 02 00 00 00 00 02 02 00 00 00 00 01 88 e7";
	static const char pw[] = "00 00 01 ff 00 00 00 00 "
	    "02 00 00 00 00 02 02 00 00 00 00 01 88 47";
	struct frame f;
	struct pkt p;
	int n, i;

	for (n = 7; n <= 9; n++) {
		frame_init(&f, "pbb_nested", LINKTYPE_ETHERNET);
		hdr(&f, CUT_FULL, "52 54 00 12 34 56 52 54 00 ab cd ef 88 e7");
		for (i = 0; i < n - 1; i++)
			hdr(&f, CUT_FULL, pbb);
		hdr(&f, CUT_FULL,
		    "00 00 00 01 02 00 00 00 00 02 02 00 00 00 00 01 08 00");
		hdr(&f, CUT_FULL, "45 " V4_SYN40 " " TCP_SYN20);
		frame_done(&f, 0, DECODE_ok);
		EXPECT_RESULT(&f, &p, n <= 8 ? DECODE_ok :
		    DECODE_encap_too_deep);
	}
	/* A pseudowire is two levels: its label stack and its Ethernet. */
	for (n = 4; n <= 5; n++) {
		frame_init(&f, "pw_nested", LINKTYPE_ETHERNET);
		hdr(&f, CUT_FULL, "52 54 00 12 34 56 52 54 00 ab cd ef 88 47");
		for (i = 0; i < n - 1; i++)
			hdr(&f, CUT_FULL, pw);
		hdr(&f, CUT_FULL, "00 00 01 ff 00 00 00 00 "
		    "02 00 00 00 00 02 02 00 00 00 00 01 08 00");
		hdr(&f, CUT_FULL, "45 " V4_SYN40 " " TCP_SYN20);
		frame_done(&f, 0, DECODE_ok);
		EXPECT_RESULT(&f, &p, n == 4 ? DECODE_ok :
		    DECODE_encap_too_deep);
	}
}
END_TEST

/*
 * The flow key keeps the first two VLAN IDs of the frame: the backbone's
 * tag and the customer's inside a pseudowire, not a third.  The tag limit
 * is per Ethernet header: four outside and four inside are fine.
 */
START_TEST(test_vlan_across_encap)
{
	struct frame f;
	struct pkt p;
	int i;

	frame_init(&f, "vlan_pw_vlan", LINKTYPE_ETHERNET);
	hdr(&f, CUT_FULL, "52 54 00 12 34 56 52 54 00 ab cd ef");
	for (i = 0; i < 4; i++)
		hdr(&f, CUT_FULL, i == 3 ? "81 00 00 64 88 47" : "81 00 00 64");
	hdr(&f, CUT_FULL, "00 00 01 ff 00 00 00 00");
	hdr(&f, CUT_FULL, "02 00 00 00 00 02 02 00 00 00 00 01");
	for (i = 0; i < 4; i++)
		hdr(&f, CUT_FULL, "81 00 00 07");
	hdr(&f, CUT_FULL, "08 00 45 " V4_SYN40 " " TCP_SYN20);
	frame_done(&f, 0, DECODE_ok);
	/* 88 47 went into the fourth tag: fix the first three's types. */
	f.b[12 + 2] = 0x00;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.vlan_outer, 100);
	ck_assert_int_eq(p.vlan_inner, 100);
	ck_assert_int_eq(p.sport, 54321);

	/* One backbone tag: the customer's first tag is the inner one. */
	frame_load(&f, "eth_mpls_pw_cw_v4_udp");
	memmove(f.b + 16, f.b + 12, f.len - 12);
	f.b[12] = 0x81;
	f.b[13] = 0x00;
	f.b[14] = 0x00;
	f.b[15] = 0x64;
	f.len += 4;
	f.wirelen = f.len;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.vlan_outer, 100);
	ck_assert_int_eq(p.vlan_inner, 7);
	ck_assert_int_eq(p.dport, 53);
}
END_TEST

/*
 * PPPoE: version and type 1, code 0 in a session; the length fits the
 * frame and holds the protocol field; PPP's own protocols are not IP; a
 * compressed protocol field is one byte; the length, not the frame,
 * bounds the IP packet.
 */
START_TEST(test_pppoe_cases)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_pppoe_v4_tcp");
	f.b[14] = 0x12;
	EXPECT_RESULT(&f, &p, DECODE_pppoe_bad_header);
	frame_load(&f, "eth_pppoe_v4_tcp");
	f.b[15] = 0xa7;		/* PADT, a discovery code */
	EXPECT_RESULT(&f, &p, DECODE_pppoe_bad_header);

	frame_load(&f, "eth_pppoe_v4_tcp");
	f.b[19] = 0x2b;		/* one byte more than the frame */
	EXPECT_RESULT(&f, &p, DECODE_pppoe_bad_len);
	f.wirelen = f.len + 1;	/* ... unless the capture cut it */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	frame_load(&f, "eth_pppoe_v4_tcp");
	f.b[19] = 0x01;		/* no room for a two-byte protocol */
	EXPECT_RESULT(&f, &p, DECODE_pppoe_bad_len);
	f.b[19] = 0x00;
	EXPECT_RESULT(&f, &p, DECODE_pppoe_bad_len);
	/* Shorter than the IP packet (seen in Zeek's pppoe-over-qinq). */
	f.b[19] = 0x24;
	EXPECT_RESULT(&f, &p, DECODE_ipv4_bad_len);

	frame_load(&f, "eth_pppoe_v4_tcp");
	f.b[20] = 0xc0;		/* LCP */
	EXPECT_RESULT(&f, &p, DECODE_ppp_not_ip);
	f.b[20] = 0x80;		/* IPCP */
	EXPECT_RESULT(&f, &p, DECODE_ppp_not_ip);

	/* Protocol field compressed to 0x21 (RFC 1661 6.5). */
	frame_load(&f, "eth_pppoe_v4_tcp");
	memmove(f.b + 20, f.b + 21, f.len - 21);
	f.len--;
	f.wirelen = f.len;
	f.b[19] = 0x29;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.dport, 443);
	f.b[19] = 0x28;
	EXPECT_RESULT(&f, &p, DECODE_ipv4_bad_len);

	/* Ethernet padding after the PPP frame is not payload. */
	frame_load(&f, "eth_qinq_pppoe_v6_udp");
	memset(f.b + f.len, 0xee, 12);
	f.len += 12;
	f.wirelen = f.len;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.payload_len, 8);

	/* MPLS over PPPoE (PPP protocol 0x0281). */
	frame_load(&f, "eth_pppoe_v4_tcp");
	memmove(f.b + 26, f.b + 22, f.len - 22);
	memcpy(f.b + 20, "\x02\x81\x00\x3e\x81\x3f", 6);
	f.len += 4;
	f.wirelen = f.len;
	f.b[19] = 0x2e;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.sport, 54321);
}
END_TEST

START_TEST(test_ipv6_bad_len)
{
	struct frame f;
	struct pkt p;

	frame_load(&f, "eth_vlan_v6_tcp");
	f.b[18 + 5] = 43;		/* one more than the frame holds */
	EXPECT_RESULT(&f, &p, DECODE_ipv6_bad_len);
	f.b[18 + 5] = 0;		/* GSO: the frame length rules */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.payload_len, 10);
	/* A wire length shorter than the fixed header. */
	ck_assert_int_eq(decode_copy(&p, LINKTYPE_IPV6, f.b + 18, 39, 39),
	    DECODE_ipv6_bad_len);
	f.b[18] = 0x40;
	EXPECT_RESULT(&f, &p, DECODE_ip_bad_version);
}
END_TEST

/* IPv6 + n destination options headers + UDP, captured whole. */
static void
build_v6_ext_chain(struct frame *f, int n)
{
	int i;
	size_t plen = (size_t)n * 8 + 8;

	frame_init(f, "eth_v6_ext_chain", LINKTYPE_ETHERNET);
	hdr(f, CUT_FULL, ETH_V6);
	hdr(f, CUT_FULL, "60 00 00 00 00 00 3c 40 " V6_A " " V6_B);
	f->b[ETH + 5] = (uint8_t)plen;
	for (i = 0; i < n; i++)
		hdr(f, CUT_FULL, i == n - 1 ? "11 00 01 04 00 00 00 00" :
		    "3c 00 01 04 00 00 00 00");
	hdr(f, CUT_FULL, "00 35 c3 50 00 08 00 00");
	frame_done(f, 0, DECODE_ok);
}

START_TEST(test_ipv6_ext_chain)
{
	struct frame f;
	struct pkt p;

	build_v6_ext_chain(&f, 8);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.proto, PKT_PROTO_UDP);
	ck_assert_int_eq(p.dport, 50000);
	build_v6_ext_chain(&f, 9);
	EXPECT_RESULT(&f, &p, DECODE_ipv6_ext_malformed);

	/* An extension header running past the payload length. */
	build_v6_ext_chain(&f, 1);
	f.b[IP6 + 1] = 1;		/* 16 bytes: fits, leaves none for UDP */
	EXPECT_RESULT(&f, &p, DECODE_udp_bad_len);
	f.b[IP6 + 1] = 2;		/* 24 bytes in a 16-byte payload */
	EXPECT_RESULT(&f, &p, DECODE_ipv6_ext_malformed);
	/* The same captured short: still the packet's fault. */
	f.len = IP6 + 4;
	EXPECT_RESULT(&f, &p, DECODE_ipv6_ext_malformed);

	/*
	 * Routing (43), then AH (51: (2+2)*4 = 16 bytes), then TCP-less UDP.
	 */
	frame_init(&f, "eth_v6_rh_ah", LINKTYPE_ETHERNET);
	hdr(&f, CUT_FULL, ETH_V6);
	hdr(&f, CUT_FULL, "60 00 00 00 00 20 2b 40 " V6_A " " V6_B);
	hdr(&f, CUT_FULL, "33 00 00 00 00 00 00 00");
	hdr(&f, CUT_FULL, "11 02 00 00 00 00 01 00 00 00 00 01 00 00 00 00");
	hdr(&f, CUT_FULL, "00 35 c3 51 00 08 00 00");
	frame_done(&f, 0, DECODE_ok);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.dport, 50001);
	/* Mobility header (135) is walked like the others. */
	f.b[IP6 - 40 + 6] = 135;
	EXPECT_RESULT(&f, &p, DECODE_ok);
}
END_TEST

START_TEST(test_null_families)
{
	struct frame f;
	struct pkt p;
	static const uint8_t v6fam[][4] = {
		{ 10, 0, 0, 0 }, { 24, 0, 0, 0 }, { 28, 0, 0, 0 },
		{ 30, 0, 0, 0 }, { 0, 0, 0, 10 }, { 0, 0, 0, 24 },
		{ 0, 0, 0, 28 }, { 0, 0, 0, 30 },
	};
	size_t i;

	frame_load(&f, "null_be_v6_tcp");
	for (i = 0; i < sizeof(v6fam) / sizeof(v6fam[0]); i++) {
		memcpy(f.b, v6fam[i], 4);
		EXPECT_RESULT(&f, &p, DECODE_ok);
		ck_assert_int_eq(p.dport, 22);
	}
	memcpy(f.b, "\x00\x00\x00\x07", 4);
	EXPECT_RESULT(&f, &p, DECODE_null_bad_family);
	/* The family says IPv4 but the packet is IPv6. */
	memcpy(f.b, "\x00\x00\x00\x02", 4);
	EXPECT_RESULT(&f, &p, DECODE_ip_bad_version);

	/* DLT_LOOP is network byte order only. */
	frame_load(&f, "loop_v4_udp");
	memcpy(f.b, "\x02\x00\x00\x00", 4);
	EXPECT_RESULT(&f, &p, DECODE_null_bad_family);
}
END_TEST

/* What the link layers added for issue 9 refuse, and why. */
START_TEST(test_link_not_ip)
{
	struct frame f;
	struct pkt p;

	/* PPP's own protocols: LCP (c021), IPCP (8021). */
	frame_load(&f, "ppp_v4_tcp");
	memcpy(f.b + 2, "\xc0\x21", 2);
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	memcpy(f.b + 2, "\x80\x21", 2);
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* ff not followed by 03: ff is then no protocol at all. */
	frame_load(&f, "ppp_v4_tcp");
	f.b[1] = 0x00;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* MPLS over PPP goes to the EtherType dispatch as 8847. */
	frame_load(&f, "ppp_v4_tcp");
	memcpy(f.b + 2, "\x02\x81", 2);
	ck_assert_int_ne(frame_decode(&f, &p), DECODE_ok);
	ck_assert_int_ne(frame_decode(&f, &p), DECODE_ppp_truncated);
	/* PPP direction byte 0: received. */
	frame_load(&f, "ppp_dir_v4_tcp");
	f.b[0] = 0;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.direction, PKT_DIR_IN);
	/* Cisco HDLC keepalive (SLARP, 8035). */
	frame_load(&f, "chdlc_v6_udp");
	memcpy(f.b + 2, "\x80\x35", 2);
	EXPECT_RESULT(&f, &p, DECODE_not_ip);

	/* NFLOG of the bridge family (7), or of ARP (3). */
	frame_load(&f, "nflog_v4_tcp");
	f.b[0] = 7;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	f.b[0] = 3;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* An attribute length below its own header. */
	frame_load(&f, "nflog_v4_tcp");
	f.b[4] = 3;
	EXPECT_RESULT(&f, &p, DECODE_nflog_malformed);
	/* An attribute running past the frame. */
	frame_load(&f, "nflog_v4_tcp");
	f.b[12] = 0xfc;
	EXPECT_RESULT(&f, &p, DECODE_nflog_truncated);
	/* No payload attribute at all: the prefix is renamed. */
	frame_load(&f, "nflog_v4_tcp");
	f.b[30] = 0x0b;
	EXPECT_RESULT(&f, &p, DECODE_nflog_truncated);
	/* Netlink's flag bits in the type do not hide the payload. */
	frame_load(&f, "nflog_v4_tcp");
	f.b[31] = 0x40;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	/*
	 * Written by a big-endian host, or turned so by libpcap: the first
	 * attribute's type tells the order.
	 */
	frame_load(&f, "nflog_v4_tcp");
	for (size_t i = 0; i < 4; i++) {
		static const size_t tlv[4] = { 4, 12, 20, 28 };
		uint8_t *h = f.b + tlv[i], t;

		t = h[0], h[0] = h[1], h[1] = t;
		t = h[2], h[2] = h[3], h[3] = t;
	}
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.tcp_flags, TH_RST | TH_ACK);
	/* A payload attribute longer than its packet: data after it. */
	frame_load(&f, "nflog_v4_tcp");
	f.b[28] = 0x2d;
	EXPECT_RESULT(&f, &p, DECODE_ok);

	/* Spanning tree BPDUs: LLC 42 42 03, no SNAP. */
	frame_load(&f, "eth_llc_snap_v4_tcp");
	memcpy(f.b + 14, "\x42\x42\x03", 3);
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* CDP: SNAP with Cisco's OUI 00000c. */
	frame_load(&f, "eth_llc_snap_v4_tcp");
	f.b[19] = 0x0c;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* A length or a VLAN tag inside SNAP is refused, not walked. */
	frame_load(&f, "eth_llc_snap_v4_tcp");
	memcpy(f.b + 20, "\x00\x30", 2);
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	memcpy(f.b + 20, "\x81\x00", 2);
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* FDDI station management (frame control 41): not LLC. */
	frame_load(&f, "fddi_llc_snap_v4_tcp");
	f.b[0] = 0x41;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	/* Linux cooked protocols below 0600 other than 802.2: CAN (000c). */
	frame_load(&f, "sll_llc_snap_v4_tcp");
	f.b[15] = 0x0c;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
	f.b[15] = 0x01;		/* ETH_P_802_3, Novell's raw 802.3 */
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
}
END_TEST

START_TEST(test_sll_packet_types)
{
	struct frame f;
	struct pkt p;
	static const struct {
		uint8_t type;
		uint8_t dir;
	} t[] = {
		{ 0, PKT_DIR_IN }, { 1, PKT_DIR_IN }, { 2, PKT_DIR_IN },
		{ 3, PKT_DIR_IN }, { 4, PKT_DIR_OUT }, { 5, PKT_DIR_UNKNOWN },
		{ 7, PKT_DIR_UNKNOWN },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		frame_load(&f, "sll_v4_tcp_rst");
		f.b[1] = t[i].type;
		EXPECT_RESULT(&f, &p, DECODE_ok);
		ck_assert_int_eq(p.direction, t[i].dir);
		ck_assert_int_eq(p.ifindex, 0);

		frame_load(&f, "sll2_v6_udp");
		f.b[10] = t[i].type;
		EXPECT_RESULT(&f, &p, DECODE_ok);
		ck_assert_int_eq(p.direction, t[i].dir);
		ck_assert_int_eq(p.ifindex, 3);
	}
	/* A high byte in SLL's 16-bit packet type is not "outgoing". */
	frame_load(&f, "sll_v4_tcp_rst");
	f.b[0] = 1;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.direction, PKT_DIR_UNKNOWN);
	/* A big interface index, all 32 bits. */
	frame_load(&f, "sll2_v6_udp");
	memcpy(f.b + 4, "\x80\x01\x02\x03", 4);
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_uint_eq(p.ifindex, 0x80010203u);
	/* Cooked header on something that is not IP (netlink, ARP). */
	f.b[0] = 0x08;
	f.b[1] = 0x06;
	EXPECT_RESULT(&f, &p, DECODE_not_ip);
}
END_TEST

START_TEST(test_icmp_quote_cases)
{
	struct frame f;
	struct pkt p;
	const size_t icmp = IP4, quote = IP4 + 8;

	/* Bad quoted version, bad quoted IHL. */
	frame_load(&f, "eth_icmp_port_unreach");
	f.b[quote] = 0x65;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	ck_assert(!p.icmp_error);
	ck_assert_int_eq(p.icmp_type, 3);
	f.b[quote] = 0x43;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	/* Quoted IP options are skipped: IHL 6 moves the UDP header on. */
	f.b[quote] = 0x46;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.quote.sport, 0x0010);
	ck_assert_int_eq(p.quote.dport, 0x0000);
	/* ... and the quote then lacks 4 of the 8 UDP bytes it needs. */
	f.len -= 4;
	f.b[ETH + 3] -= 4;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_truncated);

	/* A quoted non-first fragment names no flow. */
	frame_load(&f, "eth_icmp_port_unreach");
	f.b[quote + 7] = 0x10;
	EXPECT_RESULT(&f, &p, DECODE_ip_fragment);
	ck_assert(!p.icmp_error);
	/* A quoted first fragment does. */
	f.b[quote + 6] = 0x20;
	f.b[quote + 7] = 0x00;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert(p.icmp_error);

	/* ICMP quoting ICMP is not followed, nor other protocols. */
	f.b[quote + 9] = PKT_PROTO_ICMP;
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	ck_assert(!p.icmp_error);
	f.b[quote + 9] = 132;		/* SCTP */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);

	/* Every ICMPv4 error type quotes; other types do not. */
	frame_load(&f, "eth_icmp_port_unreach");
	f.b[icmp] = 11;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.icmp_type, 11);
	ck_assert_int_eq(p.quote.dport, 53);
	f.b[icmp] = 4;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	f.b[icmp] = 5;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	f.b[icmp] = 12;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	f.b[icmp] = 0;			/* echo reply */
	EXPECT_RESULT(&f, &p, DECODE_icmp_not_error);
	ck_assert(!p.icmp_error);
	f.b[icmp] = 13;			/* timestamp */
	EXPECT_RESULT(&f, &p, DECODE_icmp_not_error);
	ck_assert_int_eq(p.icmp_type, 13);
	ck_assert_int_eq(p.icmp_code, 3);
}
END_TEST

START_TEST(test_icmp6_quote_cases)
{
	struct frame f;
	struct pkt p;
	const size_t icmp = IP6, quote = IP6 + 8;

	frame_load(&f, "eth_icmp6_port_unreach");
	f.b[icmp] = 3;			/* time exceeded */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	f.b[icmp] = 4;			/* parameter problem */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	f.b[icmp] = 0;
	EXPECT_RESULT(&f, &p, DECODE_icmp_not_error);
	f.b[icmp] = 129;		/* echo reply */
	EXPECT_RESULT(&f, &p, DECODE_icmp_not_error);
	f.b[icmp] = 135;		/* neighbour solicitation */
	EXPECT_RESULT(&f, &p, DECODE_icmp_not_error);
	ck_assert(!p.icmp_error);

	frame_load(&f, "eth_icmp6_port_unreach");
	f.b[quote] = 0x45;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	f.b[quote] = 0x60;
	f.b[quote + 6] = 58;		/* ICMPv6 quoting ICMPv6 */
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);
	f.b[quote + 6] = 59;
	EXPECT_RESULT(&f, &p, DECODE_ip_other_proto);

	/* Quoted later fragment. */
	frame_load(&f, "eth_icmp6_too_big_ext");
	f.b[quote + 6] = 44;
	f.b[quote + 40 + 3] = 0xb8;
	EXPECT_RESULT(&f, &p, DECODE_ip_fragment);
	/* Quoted first fragment: the walk goes on to TCP. */
	f.b[quote + 40 + 2] = 0x00;
	f.b[quote + 40 + 3] = 0x01;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert_int_eq(p.quote.seq, 12345);
	/* Quoted extension header longer than the quoted payload. */
	frame_load(&f, "eth_icmp6_too_big_ext");
	f.b[quote + 4] = 0;
	f.b[quote + 5] = 4;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	/*
	 * Quoted payload length 0: no GSO packet crossed a wire to be quoted.
	 */
	f.b[quote + 5] = 0;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	ck_assert(!p.icmp_error);
	/* Extension header longer than what was quoted. */
	f.b[quote + 5] = 0xff;
	f.b[quote + 40 + 1] = 2;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_truncated);
}
END_TEST

/*
 * A quoted IP header gets the checks a packet's own header gets, field by
 * field (issue 8: a quote with IPv4 total length 0 used to be alerted on),
 * except that its length is not held to what was quoted.
 */
START_TEST(test_icmp_quote_checked_like_packet)
{
	struct frame f;
	struct pkt p;
	const size_t quote = IP4 + 8, quote6 = IP6 + 8;

	/* IPv4: version, header length, total length. */
	frame_load(&f, "eth_icmp_port_unreach");
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert(p.icmp_error);
	f.b[quote] = 0x05;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	f.b[quote] = 0x44;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	f.b[quote] = 0x45;
	f.b[quote + 2] = 0;
	f.b[quote + 3] = 0;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	ck_assert(!p.icmp_error);
	f.b[quote + 3] = 19;		/* shorter than its own header */
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	f.b[quote + 3] = 20;		/* the header alone: allowed */
	EXPECT_RESULT(&f, &p, DECODE_ok);
	/* Longer than the quote: the quote is cut by design. */
	f.b[quote + 2] = 0x05;
	f.b[quote + 3] = 0xdc;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert(p.icmp_error);
	ck_assert_int_eq(p.quote.dport, 53);
	/* A real packet with total length 0 is TSO's and is accepted. */
	f.b[ETH + 2] = 0;
	f.b[ETH + 3] = 0;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert(p.icmp_error);
	/* ... but not a quoted one, whatever the outer length says. */
	f.b[quote + 2] = 0;
	f.b[quote + 3] = 0;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);

	/*
	 * Quoted IHL 15 (60 bytes) where the ICMP message holds 32: the
	 * message is wrong; with the wire longer than the capture, the
	 * capture merely cut it.
	 */
	frame_load(&f, "eth_icmp_port_unreach");
	f.b[quote] = 0x4f;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	f.b[ETH + 2] = 0;
	f.b[ETH + 3] = 0;		/* outer length: the wire's */
	f.wirelen = f.len + 100;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_truncated);

	/* IPv6: version, payload length 0, header within the message. */
	frame_load(&f, "eth_icmp6_port_unreach");
	EXPECT_RESULT(&f, &p, DECODE_ok);
	f.b[quote6] = 0x40;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	f.b[quote6] = 0x60;
	f.b[quote6 + 4] = 0;
	f.b[quote6 + 5] = 0;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	ck_assert(!p.icmp_error);
	/* Longer than the quote: allowed. */
	f.b[quote6 + 4] = 0x05;
	EXPECT_RESULT(&f, &p, DECODE_ok);
	ck_assert(p.icmp_error);
	/* A message too short for the quoted fixed header is malformed ... */
	frame_load(&f, "eth_icmp6_port_unreach");
	f.len = IP6 + 8 + 39;
	f.b[ETH + 4] = 0;
	f.b[ETH + 5] = 8 + 39;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_malformed);
	/* ... and cut short when the wire had the rest. */
	f.b[ETH + 5] = 0x3c;
	f.wirelen = IP6 + 0x3c;
	EXPECT_RESULT(&f, &p, DECODE_icmp_quote_truncated);
}
END_TEST

START_TEST(test_packet_entry)
{
	struct frame f;
	struct pkt p;
	enum decode_result r;

	frame_load(&f, "eth_v4_tcp_syn");
	memset(&p, 0xff, sizeof(p));
	p.ts_us = TS_MAGIC;
	r = decode_packet(&p, 105, f.b, f.len, f.len);	/* 802.11 */
	ck_assert_int_eq(r, DECODE_linktype_unsupported);
	ck_assert(p.ts_us == TS_MAGIC);
	ck_assert_int_eq(p.caplen, f.len);
	ck_assert_int_eq(p.sport, 0);
	ck_assert_int_eq(p.wscale, TCP_NO_WSCALE);
	ck_assert_int_eq(decode_linktype_supported(105), 0);
	ck_assert_int_eq(decode_linktype_supported(-1), 0);
	ck_assert_int_ne(decode_linktype_supported(LINKTYPE_ETHERNET), 0);
	ck_assert_int_ne(decode_linktype_supported(LINKTYPE_LINUX_SLL2), 0);
	ck_assert_int_ne(decode_linktype_supported(LINKTYPE_RAW_ALT), 0);

	/* RAW_ALT and the others all reach the same IP decoder. */
	frame_load(&f, "raw_v4_tcp_ipopts");
	ck_assert_int_eq(decode_copy(&p, LINKTYPE_RAW_ALT, f.b, f.len, f.len),
	    DECODE_ok);
	ck_assert_int_eq(p.sport, 3389);
	ck_assert_int_eq(decode_copy(&p, LINKTYPE_IPV4, f.b, f.len, f.len),
	    DECODE_ok);
	ck_assert_int_eq(decode_copy(&p, LINKTYPE_IPV6, f.b, f.len, f.len),
	    DECODE_ip_bad_version);

	/*
	 * A damaged file with wirelen below caplen: the bytes are there, so
	 * the frame decodes, and the recorded lengths are the file's.
	 */
	frame_load(&f, "eth_v4_tcp_syn");
	r = decode_copy(&p, f.linktype, f.b, f.len, 20);
	ck_assert_int_eq(r, DECODE_ok);
	ck_assert_int_eq(p.wirelen, 20);
	ck_assert_int_eq(p.mss, 1460);
}
END_TEST

START_TEST(test_result_names)
{
	int i, j;

	ck_assert_str_eq(decode_result_name(DECODE_ok), "ok");
	for (i = 0; i < DECODE_NRESULTS; i++) {
		const char *n = decode_result_name((enum decode_result)i);
		const char *d = decode_result_desc((enum decode_result)i);

		ck_assert_ptr_nonnull(n);
		ck_assert_ptr_nonnull(d);
		ck_assert_int_gt(strlen(n), 0);
		ck_assert_int_gt(strlen(d), 0);
		ck_assert_msg(strspn(n, "abcdefghijklmnopqrstuvwxyz0123456789_")
		    == strlen(n), "name \"%s\" not a plain identifier", n);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(n,
			    decode_result_name((enum decode_result)j));
	}
	ck_assert_str_eq(decode_result_name(DECODE_tcp_bad_option),
	    "tcp_bad_option");
	ck_assert_ptr_nonnull(decode_result_name(DECODE_NRESULTS));
	ck_assert_ptr_nonnull(decode_result_name((enum decode_result)-1));
	ck_assert_ptr_nonnull(decode_result_desc(DECODE_NRESULTS));
}
END_TEST

/* Marsaglia's xorshift64: deterministic, and enough to shake a decoder. */
static uint64_t
xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

#define FUZZ_ITERATIONS	200000

static const int fuzz_linktypes[] = {
	LINKTYPE_NULL, LINKTYPE_ETHERNET, LINKTYPE_RAW, LINKTYPE_RAW_ALT,
	LINKTYPE_RAW_PCAP, LINKTYPE_LOOP, LINKTYPE_LINUX_SLL, LINKTYPE_IPV4,
	LINKTYPE_IPV6, LINKTYPE_LINUX_SLL2, LINKTYPE_PPP, LINKTYPE_PPP_HDLC,
	LINKTYPE_PPP_WITH_DIR, LINKTYPE_C_HDLC, LINKTYPE_NFLOG, LINKTYPE_FDDI,
	105, 127,
};
#define NFUZZ_LINKTYPES	((int)(sizeof(fuzz_linktypes) / sizeof(fuzz_linktypes[0])))

/*
 * Random bytes would almost never get past the link layer, so most inputs
 * are the frames above with a few bytes changed and a random cut; the
 * rest are plain noise.  The point is the sanitizers' verdict.
 */
START_TEST(test_random_bytes)
{
	static struct frame seeds[NFRAMES];
	uint8_t buf[FRAME_MAX];
	uint64_t s = UINT64_C(0x2545f4914f6cdd1d);
	unsigned counts[DECODE_NRESULTS];
	struct pkt p;
	enum decode_result r;
	size_t caplen, wirelen, k;
	int i, lt, nok = 0;

	memset(counts, 0, sizeof(counts));
	for (i = 0; i < NFRAMES; i++)
		frame_build(&seeds[i], &frame_specs[i]);
	for (i = 0; i < FUZZ_ITERATIONS; i++) {
		uint64_t x = xorshift64(&s);

		if (x % 4 != 0) {
			const struct frame *sd = &seeds[(x >> 8) % NFRAMES];
			unsigned nflip = 1 + (unsigned)((x >> 16) % 4);

			memcpy(buf, sd->b, sd->len);
			caplen = sd->len;
			lt = (x >> 24) % 16 == 0 ?
			    fuzz_linktypes[(x >> 28) % NFUZZ_LINKTYPES] :
			    sd->linktype;
			for (unsigned n = 0; n < nflip; n++) {
				uint64_t y = xorshift64(&s);

				buf[y % caplen] = (uint8_t)(y >> 32);
			}
			if ((x >> 32) % 2 == 0)
				caplen = (size_t)((x >> 33) % (caplen + 1));
		} else {
			caplen = (size_t)((x >> 8) % (sizeof(buf) + 1));
			lt = fuzz_linktypes[(x >> 20) % NFUZZ_LINKTYPES];
			for (k = 0; k < caplen; k++)
				buf[k] = (uint8_t)xorshift64(&s);
		}
		switch ((x >> 40) % 4) {
		case 0:
			wirelen = caplen;
			break;
		case 1:
			wirelen = caplen + (size_t)((x >> 44) % 2000);
			break;
		case 2:
			wirelen = (size_t)((x >> 44) % (caplen + 1));
			break;
		default:
			wirelen = (size_t)((x >> 44) % 100000);
			break;
		}

		p.ts_us = (uint64_t)i;
		r = decode_copy(&p, lt, buf, caplen, wirelen);
		ck_assert_int_lt(r, DECODE_NRESULTS);
		counts[r]++;
		ck_assert(p.ts_us == (uint64_t)i);
		ck_assert_int_eq(p.caplen, caplen);
		/* NFLOG's says nothing; the logged packet's IP header does. */
		if (lt == LINKTYPE_NFLOG)
			ck_assert_int_ge(p.wirelen, wirelen);
		else
			ck_assert_int_eq(p.wirelen, wirelen);
		ck_assert_int_le(p.direction, PKT_DIR_OUT);
		ck_assert_int_le(p.vlan_outer, 0xfff);
		ck_assert_int_le(p.vlan_inner, 0xfff);
		if (p.wscale != TCP_NO_WSCALE)
			ck_assert_int_le(p.wscale, 14);
		if (r == DECODE_ok || r == DECODE_tcp_bad_option) {
			nok++;
			ck_assert_int_le(p.payload_len,
			    p.wirelen > caplen ? p.wirelen : caplen);
			ck_assert(p.proto == PKT_PROTO_TCP ||
			    p.proto == PKT_PROTO_UDP ||
			    p.proto == PKT_PROTO_ICMP ||
			    p.proto == PKT_PROTO_ICMPV6);
			ck_assert(!p.fragment);
			if (p.proto == PKT_PROTO_ICMP ||
			    p.proto == PKT_PROTO_ICMPV6) {
				ck_assert(p.icmp_error);
				ck_assert(p.quote.proto == PKT_PROTO_TCP ||
				    p.quote.proto == PKT_PROTO_UDP);
			}
		} else
			ck_assert(!p.icmp_error);
		if (r == DECODE_tcp_bad_option)
			ck_assert_int_eq(p.proto, PKT_PROTO_TCP);
		if (r == DECODE_ip_fragment)
			ck_assert(p.fragment || p.proto == PKT_PROTO_ICMP ||
			    p.proto == PKT_PROTO_ICMPV6);
	}
	/*
	 * The mutation must reach the transport decoders, not only the links.
	 */
	ck_assert_int_gt(nok, FUZZ_ITERATIONS / 10);
	ck_assert_int_gt(counts[DECODE_tcp_bad_option], 0);
	ck_assert_int_gt(counts[DECODE_icmp_quote_malformed], 0);
	ck_assert_int_gt(counts[DECODE_ipv6_ext_malformed] +
	    counts[DECODE_ipv6_ext_truncated], 0);
}
END_TEST

static Suite *
decode_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("decode");

	tc = tcase_create("frames");
	tcase_add_loop_test(tc, test_frame_fields, 0, NFRAMES);
	tcase_add_loop_test(tc, test_frame_truncations, 0, NFRAMES);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_mutation, 0, NMUTATIONS);
	tcase_add_test(tc, test_ipv4_hlen_whole_packet);
	tcase_add_test(tc, test_ipv4_hlen_beyond_packet);
	tcase_add_test(tc, test_ipv4_bad_total_length);
	tcase_add_test(tc, test_ipv4_tso_zero_length);
	tcase_add_test(tc, test_ethernet_padding_not_payload);
	tcase_add_test(tc, test_ip_other_proto);
	tcase_add_test(tc, test_tunnel_ethertypes);
	tcase_add_test(tc, test_tunnel_ipprotos);
	tcase_add_test(tc, test_tunnel_port_not_tunnel);
	tcase_add_test(tc, test_ipip_not_ipv4);
	tcase_add_test(tc, test_tunnel_too_deep);
	tcase_add_test(tc, test_tunnel_first_fragment);
	tcase_add_test(tc, test_tcp_header_in_fragments);
	tcase_add_test(tc, test_tunnel_names);
	tcase_add_test(tc, test_tcp_bad_options);
	tcase_add_test(tc, test_tcp_options_misc);
	tcase_add_test(tc, test_udp_bad_len);
	tcase_add_test(tc, test_l4_shorter_than_header);
	tcase_add_test(tc, test_vlan_depth);
	tcase_add_test(tc, test_mpls_stack);
	tcase_add_test(tc, test_encap_depth);
	tcase_add_test(tc, test_vlan_across_encap);
	tcase_add_test(tc, test_pppoe_cases);
	tcase_add_test(tc, test_ipv6_bad_len);
	tcase_add_test(tc, test_ipv6_ext_chain);
	tcase_add_test(tc, test_null_families);
	tcase_add_test(tc, test_sll_packet_types);
	tcase_add_test(tc, test_link_not_ip);
	tcase_add_test(tc, test_icmp_quote_cases);
	tcase_add_test(tc, test_icmp6_quote_cases);
	tcase_add_test(tc, test_icmp_quote_checked_like_packet);
	suite_add_tcase(s, tc);

	tc = tcase_create("interface");
	tcase_add_test(tc, test_packet_entry);
	tcase_add_test(tc, test_result_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("random");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_random_bytes);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return util_run(decode_suite());
}
