/*
 * mkpcap: writes the capture files that the pcap-driven tests read.
 *
 *	mkpcap DIR
 *
 * Every scenario is a small program written against the builder below, so
 * that it reads like the description of a trace: "handshake, the client
 * sends 100 bytes, the path drops them, the client retransmits ...".  The
 * output is byte-for-byte deterministic: fixed clock (the first packet of
 * every file is at 1700000000.000000), fixed ISNs and IP IDs, files written
 * little-endian whatever the host.  tests/pcap/run.sh regenerates the files
 * and compares them with the committed ones.
 *
 * Packets are what a Linux host would put on the wire: valid IPv4 header
 * and TCP/UDP/ICMP checksums, DF on TCP, MSS/SACK_PERM/timestamps/window
 * scale 7 on SYN and SYN-ACK (RFC 7323 timestamps on every later segment),
 * windows of 502 and 509 scaled by 128 after the handshake, TTL 64.
 * The capture is taken on the client host (10.0.0.1) unless a scenario says
 * otherwise; that is what the SLL packet types say.
 *
 * This file stands alone on purpose: it must not share code with the
 * decoder it produces input for (tests/put.h's byte stores are all it
 * takes from elsewhere).
 */

#include <err.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../put.h"

#define USEC		1000000ULL
#define MSEC		1000ULL
#define T_START		(1700000000ULL * USEC)

#define RTT		(1 * MSEC)	/* client to server and back */
#define ACK_DELAY	100		/* a receiver's immediate ACK, in us */
#define SEG_GAP		12		/* back-to-back segments, in us */

#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PSH		0x08
#define TH_ACK		0x10

#define LT_NULL		0
#define LT_EN10MB	1
#define LT_PPP		9
#define LT_FDDI		10
#define LT_PPP_HDLC	50
#define LT_RAW		101
#define LT_SLL		113
#define LT_NFLOG	239
#define LT_SLL2		276

/* pcapng interfaces a file may describe in one section. */
#define NG_IFACES	4

#define ETH_IP		0x0800
#define ETH_ARP		0x0806
#define ETH_IP6		0x86dd
#define ETH_8021Q	0x8100
#define ETH_8021AD	0x88a8
#define ETH_MPLS	0x8847
#define ETH_PPPOE	0x8864
#define ETH_PBB		0x88e7
#define ETH_VNTAG	0x8926
#define ETH_ETAG	0x893f

#define P_ICMP		1
#define P_TCP		6
#define P_UDP		17
#define P_ICMP6		58

#define FRAME_MAX	65600
#define SNAP_DEFAULT	262144

/* Who sends a segment: the two ends of a connection. */
#define C		0	/* client, the originator */
#define S		1	/* server, the responder */

#define SEQ_GT(a, b)	((int32_t)((a) - (b)) > 0)

struct wr {
	const char	*path;
	FILE		*fp;
	int		 ng;		/* pcapng instead of classic pcap */
	uint32_t	 linktype;
	uint32_t	 snaplen;
	uint64_t	 now;		/* microseconds since the epoch */
	uint64_t	 lastts;	/* records must never go back in time */
	uint32_t	 dup_us;	/* nonzero: every frame twice, this far apart */
	int		 loopback;	/* SLL on lo: the copy is the inbound one */
	size_t		 lastlen;	/* the last IP packet sent, for ICMP quotes */
	uint8_t		 last[1500];
	/* pcapng: the section's byte order and interfaces, the one in use. */
	int		 ng_be;
	int		 nif;
	uint32_t	 ifid;
	struct ngif {
		uint32_t linktype;
		uint64_t units;		/* time stamp units per second */
		int64_t	 tsoffset;	/* seconds */
		int	 pb;		/* obsolete Packet Blocks */
	}		 ifs[NG_IFACES];
};

/* A machine: what it puts in the IP header and the link header. */
struct host {
	int		 v6;
	uint8_t		 addr[16];
	uint8_t		 mac[6];
	uint8_t		 ttl;
	uint16_t	 ipid;		/* next IPv4 ID */
	uint32_t	 flowlabel;
	uint32_t	 tsbase;	/* TCP timestamp clock at T_START (1 ms) */
	int		 local;		/* the capturing host: SLL "outgoing" */
};

/* The usual cast: client 10.0.0.1 (capturing), server 10.0.0.2, router. */
struct net {
	struct host	 c;
	struct host	 s;
	struct host	 r;
};

/* Encapsulations emit() can wrap a packet in (outer: IPv4, Ethernet). */
enum tun { TUN_NO = 0, TUN_VXLAN, TUN_GENEVE, TUN_GRE, TUN_IPIP, TUN_GTPU,
	TUN_TEREDO };

/* Link-layer encapsulations between the VLAN tags and IP. */
enum encap {
	ENC_NONE,
	ENC_MPLS,		/* label stack, then IP */
	ENC_PW,			/* label stack, customer Ethernet (RFC 4448) */
	ENC_PW_CW,		/* the same with the control word */
	ENC_PPPOE,		/* PPPoE session, PPP IPv4 or IPv6 */
	ENC_PBB,		/* 802.1ah I-tag, customer Ethernet */
	ENC_VNTAG,
	ENC_ETAG		/* 802.1BR */
};

/*
 * VLAN tags (802.1Q / 802.1ad), outermost first, then an encapsulation:
 * its labels (bottom last), the customer's C-tag inside a pseudowire or
 * an I-tag (0: none), the PPPoE session or the I-SID; with snap and no
 * encapsulation, an 802.3 length field and LLC/SNAP (RFC 1042) in place
 * of the EtherType.  Optionally, around all of that, a tunnel between
 * 172.16.0.<vtep[0]> (the client's side: packets from a host whose
 * address ends in 1) and 172.16.0.<vtep[1]>.
 */
struct lnk {
	int		 ntag;
	uint16_t	 tpid[2];
	uint16_t	 vid[2];
	enum encap	 enc;
	int		 nlabel;
	uint32_t	 label[2];
	uint16_t	 cvid;
	uint32_t	 id;
	int		 snap;
	enum tun	 tun;
	uint32_t	 tun_id;	/* VNI, GRE key, TEID */
	uint8_t		 vtep[2];
	uint32_t	 tun_id_back;	/* nonzero: the server side's own TEID */
	int		 mirror;	/* both directions vtep[0] to vtep[1] */
};

/* One end of a TCP connection. */
struct end {
	struct host	*h;
	uint16_t	 port;
	uint32_t	 isn;
	uint32_t	 nxt;		/* snd_nxt: highest sequence sent */
	uint32_t	 ack;		/* rcv_nxt: what this end acknowledges */
	uint16_t	 synwin;	/* window in the SYN (never scaled) */
	uint16_t	 win;		/* raw window after the handshake */
	uint16_t	 mss;		/* what this end announces */
	uint32_t	 tsecr;		/* the peer's last TSval */
	int		 drop;		/* the path drops what this end sends */
};

struct conn {
	struct wr	*w;
	const struct lnk *lk;
	struct end	 e[2];
	int		 hbh_syn;	/* IPv6 hop-by-hop header on the SYN */
};

enum optset { OPT_TS, OPT_SYN, OPT_NONE };

/* One TCP segment, as seg_init() fills it in from the connection state. */
struct seg {
	int		 dir;
	uint8_t		 flags;
	uint32_t	 seq;
	uint32_t	 ack;
	uint16_t	 win;
	uint32_t	 len;
	enum optset	 opts;
	uint32_t	 sack[2];	/* one SACK block when sack[0] != sack[1] */
	uint8_t		 ttl;		/* 0: the sender's */
	uint8_t		 doff;		/* 0: the real header length */
	const uint8_t	*rawopt;	/* options written as they are */
	size_t		 rawoptlen;
	int		 nocapture;	/* sent, but the capture missed it */
	int		 lost;		/* never reaches the peer */
	int		 noadv;		/* does not move the sender's snd_nxt */
};

/* IP header choices beyond the sender's defaults. */
struct ipx {
	uint8_t		 ttl;		/* 0: the sender's */
	uint8_t		 tos;
	int		 nodf;
	int		 hbh;
	int		 rawsum;	/* the L4 checksum is as given */
};

static uint32_t	sum_add(uint32_t, const uint8_t *, size_t);
static uint16_t	sum_fold(uint32_t);
static void	out(struct wr *, const void *, size_t);
static void	wr_open(struct wr *, const char *, int, uint32_t, uint32_t);
static void	wr_close(struct wr *);
static void	rec_write(struct wr *, const uint8_t *, size_t, uint64_t);
static uint64_t	until(const struct wr *, uint64_t, uint64_t);
static size_t	encap_hdr(const struct lnk *, const struct host *,
		    const struct host *, uint16_t, size_t, uint8_t *);
static size_t	link_hdr(const struct wr *, const struct lnk *,
		    const struct host *, const struct host *, uint16_t, int,
		    size_t, uint8_t *);
static void	wv16(const struct wr *, uint8_t *, uint16_t);
static void	wv32(const struct wr *, uint8_t *, uint32_t);
static void	ng_section(struct wr *, int);
static void	ng_iface(struct wr *, uint32_t, uint8_t, int64_t, int);
static void	ng_use(struct wr *, uint32_t);
static void	emit(struct wr *, const struct lnk *, const struct host *,
		    const struct host *, uint16_t, const uint8_t *, size_t);
static size_t	ip_build(uint8_t *, struct host *, const struct host *,
		    uint8_t, const uint8_t *, size_t, const struct ipx *);
static void	ip_send(struct wr *, const struct lnk *, struct host *,
		    const struct host *, uint8_t, const uint8_t *, size_t,
		    const struct ipx *, int);
static void	host_v4(struct host *, uint8_t, uint16_t, uint32_t);
static size_t	tun_wrap(const struct lnk *, const struct host *,
		    const struct host *, uint16_t, const uint8_t *, size_t,
		    uint8_t *, struct host *, struct host *);
static void	host_v6(struct host *, uint8_t, uint32_t, uint32_t);
static void	net_v4(struct net *);
static void	conn_init(struct conn *, struct wr *, const struct lnk *,
		    struct host *, uint16_t, uint32_t, struct host *, uint16_t,
		    uint32_t);
static void	conn_established(struct conn *);
static void	seg_init(const struct conn *, struct seg *, int, uint8_t,
		    uint32_t);
static void	seg_out(struct conn *, const struct seg *, uint64_t);
static void	tcp_send(struct conn *, int, uint8_t, uint32_t, uint64_t);
static void	tcp_resend(struct conn *, int, uint8_t, uint32_t, uint32_t,
		    uint64_t);
static void	tcp_handshake(struct conn *, uint64_t);
static void	tcp_refuse(struct conn *, uint64_t);
static void	tcp_fin_close(struct conn *, int, uint64_t);
static void	udp_send(struct wr *, const struct lnk *, struct host *,
		    uint16_t, const struct host *, uint16_t, size_t, uint64_t);
static void	icmp_unreach(struct wr *, const struct lnk *, struct host *,
		    const struct host *, uint8_t, uint8_t, size_t, uint64_t);

static void	sc_syn_retransmit(struct wr *);
static void	sc_synack_retransmit(struct wr *);
static void	sc_data_loss_reset(struct wr *);
static void	sc_app_reset(struct wr *);
static void	sc_rst_injected_ttl(struct wr *);
static void	sc_rst_injected_window(struct wr *);
static void	sc_seq_anomaly(struct wr *);
static void	sc_udp_port_unreachable(struct wr *);
static void	sc_tcp_admin_prohibited(struct wr *);
static void	sc_udp6_port_unreachable(struct wr *);
static void	sc_clean_close(struct wr *);
static void	sc_keepalive(struct wr *);
static void	sc_zero_window(struct wr *);
static void	sc_reorder(struct wr *);
static void	sc_tso(struct wr *);
static void	sc_duplicate(struct wr *);
static void	sc_fast_retransmit(struct wr *);
static void	sc_ipv6_clean(struct wr *);
static void	sc_vlan_two_flows(struct wr *);
static void	sc_new_isn_after_reset(struct wr *);
static void	sc_malformed_mix(struct wr *);
static void	sc_mid_stream(struct wr *);
static void	sc_loss_reset_by_server(struct wr *);
static void	sc_capture_gap(struct wr *);
static void	sc_mid_stream_one_end_rst(struct wr *);
static void	sc_icmp_quote_zero_length(struct wr *);
static void	sc_pcapng_multi(struct wr *);
static void	sc_resend_at_mark(struct wr *);
static void	sc_syn_lost_then_loss(struct wr *);
static void	sc_capture_gap_wide(struct wr *);
static void	sc_syn_fin_only(struct wr *);
static void	sc_mid_stream_fin(struct wr *);
static void	sc_pure_ack_seq(struct wr *);
static void	sc_alternating_resends(struct wr *);
static void	sc_synack_new_isn(struct wr *);
static void	sc_rst_syn_ack_mismatch(struct wr *);
static void	sc_rst_syn_right_ttl(struct wr *);
static void	sc_rst_syn_retry(struct wr *);
static void	sc_rst_data_race(struct wr *);
static void	sc_vxlan_two_vnis(struct wr *);

static void	app_exchange(struct conn *);
static void	clean_body(struct conn *);
static void	refused_conn(struct wr *, const struct lnk *, int);
static void	two_tenants(struct wr *, const struct lnk *,
		    const struct lnk *);
static void	rto_resends(struct conn *, int, uint32_t, uint32_t, uint64_t,
		    int);
static void	mid_stream_conn(struct wr *, struct net *, struct conn *,
		    uint16_t);

/* Fixed identities: every file starts from the same ones. */
#define ISN_C		2876543210U
#define ISN_S		1543210987U
#define IPID_C		0x3a1c
#define IPID_S		0x7b20
#define IPID_R		0x0d41
#define TSBASE_C	1234567000U
#define TSBASE_S	987654000U

/*
 * The links of the scenarios that are only refused_conn() in a link of
 * their own: the table below names them instead of a function.
 */
static const struct lnk lk_llc_snap = { .snap = 1 };
static const struct lnk lk_qinq = { .ntag = 2,
	.tpid = { ETH_8021AD, ETH_8021Q }, .vid = { 100, 200 } };

/* A refused connection inside each kind of tunnel the decoders follow. */
static const struct lnk lk_gre = {
	.tun = TUN_GRE, .tun_id = 7, .vtep = { 5, 6 } };
static const struct lnk lk_ipip = { .tun = TUN_IPIP, .vtep = { 5, 6 } };
static const struct lnk lk_geneve = {
	.tun = TUN_GENEVE, .tun_id = 0x123456, .vtep = { 5, 6 } };
static const struct lnk lk_gtpu = {
	.tun = TUN_GTPU, .tun_id = 0xdeadbeef, .vtep = { 5, 6 } };
static const struct lnk lk_teredo = { .tun = TUN_TEREDO, .vtep = { 5, 6 } };
/*
 * Traffic mirroring (as cloud providers do it over VXLAN): both directions
 * of a connection travel from the mirror source 172.16.0.5 to the
 * collector 172.16.0.6.  One flow, not two half flows.
 */
static const struct lnk lk_vxlan_mirror = {
	.tun = TUN_VXLAN, .tun_id = 1, .vtep = { 5, 6 }, .mirror = 1 };
/*
 * GTP-U: each end receives on a TEID of its own choosing, so the two
 * directions of one connection carry different TEIDs.  One flow.
 */
static const struct lnk lk_gtpu_two_teids = {
	.tun = TUN_GTPU, .tun_id = 0x1001, .vtep = { 5, 6 },
	.tun_id_back = 0x2002 };

/*
 * The refused connection in each link-layer encapsulation: the alert must
 * name the inner flow.  Labels are a transport label then a service label
 * (both directions use the same ones here, which real LSPs need not).
 */
static const struct lnk lk_mpls = {
	.enc = ENC_MPLS, .nlabel = 2, .label = { 16001, 3001 } };
static const struct lnk lk_vlan_mpls = { .ntag = 1, .tpid = { ETH_8021Q },
	.vid = { 100 }, .enc = ENC_MPLS, .nlabel = 1, .label = { 3001 } };
static const struct lnk lk_mpls_pw_cw = { .enc = ENC_PW_CW, .nlabel = 2,
	.label = { 16001, 800 }, .cvid = 7 };
static const struct lnk lk_mpls_pw = {
	.enc = ENC_PW, .nlabel = 1, .label = { 800 } };
static const struct lnk lk_pppoe = { .enc = ENC_PPPOE, .id = 0x1234 };
static const struct lnk lk_qinq_pppoe = { .ntag = 2,
	.tpid = { ETH_8021AD, ETH_8021Q }, .vid = { 100, 200 },
	.enc = ENC_PPPOE, .id = 0x0001 };
/* B-tag 100, I-SID 0x010001, the customer's C-tag 10. */
static const struct lnk lk_pbb = { .ntag = 1, .tpid = { ETH_8021AD },
	.vid = { 100 }, .enc = ENC_PBB, .cvid = 10, .id = 0x010001 };
static const struct lnk lk_vntag = { .enc = ENC_VNTAG };
static const struct lnk lk_etag = { .enc = ENC_ETAG };

/*
 * A capture file: its name, format, link type, snapshot length (0: the
 * default) and the function that writes it; with no function, the
 * refused connection (refused_conn()) in link lk (NULL: none), over IPv6
 * if v6.
 */
static const struct scenario {
	const char	*name;
	const char	*ext;
	uint32_t	 linktype;
	uint32_t	 snaplen;
	void		(*fn)(struct wr *);
	const struct lnk *lk;
	int		 v6;
} scenarios[] = {
	{ "syn_retransmit", "pcap", LT_EN10MB, 0, sc_syn_retransmit },
	{ "synack_retransmit", "pcap", LT_EN10MB, 0, sc_synack_retransmit },
	{ "syn_refused", "pcap", LT_EN10MB, 0, NULL, NULL, 0 },
	{ "data_loss_reset", "pcap", LT_EN10MB, 0, sc_data_loss_reset },
	{ "app_reset", "pcap", LT_EN10MB, 0, sc_app_reset },
	{ "rst_injected_ttl", "pcap", LT_EN10MB, 0, sc_rst_injected_ttl },
	{ "rst_injected_window", "pcap", LT_EN10MB, 0,
	    sc_rst_injected_window },
	{ "seq_anomaly", "pcap", LT_EN10MB, 0, sc_seq_anomaly },
	{ "udp_port_unreachable", "pcap", LT_EN10MB, 0,
	    sc_udp_port_unreachable },
	{ "tcp_admin_prohibited", "pcap", LT_EN10MB, 0,
	    sc_tcp_admin_prohibited },
	{ "udp6_port_unreachable", "pcap", LT_EN10MB, 0,
	    sc_udp6_port_unreachable },
	{ "clean_close", "pcap", LT_EN10MB, 0, sc_clean_close },
	{ "keepalive", "pcap", LT_EN10MB, 0, sc_keepalive },
	{ "zero_window", "pcap", LT_EN10MB, 0, sc_zero_window },
	{ "reorder", "pcap", LT_EN10MB, 0, sc_reorder },
	{ "tso", "pcap", LT_EN10MB, 0, sc_tso },
	{ "duplicate", "pcap", LT_SLL, 0, sc_duplicate },
	{ "fast_retransmit", "pcap", LT_EN10MB, 0, sc_fast_retransmit },
	{ "ipv6_refused", "pcap", LT_EN10MB, 0, NULL, NULL, 1 },
	{ "ipv6_clean", "pcap", LT_EN10MB, 0, sc_ipv6_clean },
	{ "vlan_two_flows", "pcap", LT_EN10MB, 0, sc_vlan_two_flows },
	{ "qinq_refused", "pcap", LT_EN10MB, 0, NULL, &lk_qinq, 0 },
	{ "new_isn_after_reset", "pcap", LT_EN10MB, 0,
	    sc_new_isn_after_reset },
	{ "sll_refused", "pcap", LT_SLL, 0, NULL, NULL, 0 },
	{ "sll2_refused", "pcap", LT_SLL2, 0, NULL, NULL, 0 },
	{ "null_refused", "pcap", LT_NULL, 0, NULL, NULL, 0 },
	{ "raw_refused", "pcap", LT_RAW, 0, NULL, NULL, 0 },
	{ "pcapng_refused", "pcapng", LT_EN10MB, 0, NULL, NULL, 0 },
	{ "headers_only", "pcap", LT_EN10MB, 128, sc_data_loss_reset },
	{ "malformed_mix", "pcap", LT_EN10MB, 0, sc_malformed_mix },
	{ "mid_stream", "pcap", LT_EN10MB, 0, sc_mid_stream },
	{ "loss_reset_by_server", "pcap", LT_EN10MB, 0,
	    sc_loss_reset_by_server },
	{ "capture_gap", "pcap", LT_EN10MB, 0, sc_capture_gap },
	{ "mid_stream_one_end_rst", "pcap", LT_EN10MB, 0,
	    sc_mid_stream_one_end_rst },
	{ "icmp_quote_zero_length", "pcap", LT_EN10MB, 0,
	    sc_icmp_quote_zero_length },
	{ "mpls_refused", "pcap", LT_EN10MB, 0, NULL, &lk_mpls, 0 },
	{ "vlan_mpls_refused", "pcap", LT_EN10MB, 0, NULL, &lk_vlan_mpls, 1 },
	{ "mpls_pw_cw_refused", "pcap", LT_EN10MB, 0,
	    NULL, &lk_mpls_pw_cw, 0 },
	{ "mpls_pw_refused", "pcap", LT_EN10MB, 0, NULL, &lk_mpls_pw, 0 },
	{ "pppoe_refused", "pcap", LT_EN10MB, 0, NULL, &lk_pppoe, 0 },
	{ "qinq_pppoe_refused", "pcap", LT_EN10MB, 0,
	    NULL, &lk_qinq_pppoe, 1 },
	{ "pbb_refused", "pcap", LT_EN10MB, 0, NULL, &lk_pbb, 0 },
	{ "vntag_refused", "pcap", LT_EN10MB, 0, NULL, &lk_vntag, 0 },
	{ "etag_refused", "pcap", LT_EN10MB, 0, NULL, &lk_etag, 1 },
	{ "ppp_refused", "pcap", LT_PPP, 0, NULL, NULL, 0 },
	{ "ppp_hdlc_refused6", "pcap", LT_PPP_HDLC, 0, NULL, NULL, 1 },
	{ "nflog_refused", "pcap", LT_NFLOG, 0, NULL, NULL, 0 },
	{ "nflog_refused6", "pcap", LT_NFLOG, 0, NULL, NULL, 1 },
	{ "llc_snap_refused", "pcap", LT_EN10MB, 0, NULL, &lk_llc_snap, 0 },
	{ "fddi_refused", "pcap", LT_FDDI, 0, NULL, NULL, 0 },
	{ "pcapng_multi", "pcapng", LT_EN10MB, 0, sc_pcapng_multi },
	{ "resend_at_mark", "pcap", LT_EN10MB, 0, sc_resend_at_mark },
	{ "syn_lost_then_loss", "pcap", LT_EN10MB, 0, sc_syn_lost_then_loss },
	{ "capture_gap_wide", "pcap", LT_EN10MB, 0, sc_capture_gap_wide },
	{ "syn_fin_only", "pcap", LT_EN10MB, 0, sc_syn_fin_only },
	{ "mid_stream_fin", "pcap", LT_EN10MB, 0, sc_mid_stream_fin },
	{ "pure_ack_seq", "pcap", LT_EN10MB, 0, sc_pure_ack_seq },
	{ "alternating_resends", "pcap", LT_EN10MB, 0, sc_alternating_resends },
	{ "synack_new_isn", "pcap", LT_EN10MB, 0, sc_synack_new_isn },
	{ "rst_syn_ack_mismatch", "pcap", LT_EN10MB, 0, sc_rst_syn_ack_mismatch },
	{ "rst_syn_right_ttl", "pcap", LT_EN10MB, 0, sc_rst_syn_right_ttl },
	{ "rst_syn_retry", "pcap", LT_EN10MB, 0, sc_rst_syn_retry },
	{ "rst_data_race", "pcap", LT_EN10MB, 0, sc_rst_data_race },
	{ "vxlan_two_vnis", "pcap", LT_EN10MB, 0, sc_vxlan_two_vnis },
	{ "gre_refused", "pcap", LT_EN10MB, 0, NULL, &lk_gre, 0 },
	{ "ipip_refused", "pcap", LT_EN10MB, 0, NULL, &lk_ipip, 0 },
	{ "6in4_refused", "pcap", LT_EN10MB, 0, NULL, &lk_ipip, 1 },
	{ "geneve_refused", "pcap", LT_EN10MB, 0, NULL, &lk_geneve, 0 },
	{ "gtpu_refused", "pcap", LT_EN10MB, 0, NULL, &lk_gtpu, 0 },
	{ "teredo_refused", "pcap", LT_EN10MB, 0, NULL, &lk_teredo, 1 },
	{ "vxlan_mirror", "pcap", LT_EN10MB, 0, NULL, &lk_vxlan_mirror, 0 },
	{ "gtpu_two_teids", "pcap", LT_EN10MB, 0,
	    NULL, &lk_gtpu_two_teids, 0 },
};

/* The Internet checksum (RFC 1071), accumulated over several pieces. */
static uint32_t
sum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
sum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

static void
out(struct wr *w, const void *p, size_t len)
{
	if (len > 0 && fwrite(p, 1, len, w->fp) != len)
		err(1, "%s", w->path);
}

static void
wr_open(struct wr *w, const char *path, int ng, uint32_t linktype,
    uint32_t snaplen)
{
	uint8_t h[64];

	memset(w, 0, sizeof(*w));
	w->path = path;
	w->ng = ng;
	w->linktype = linktype;
	w->snaplen = snaplen ? snaplen : SNAP_DEFAULT;
	w->now = T_START;
	w->lastts = T_START;
	if ((w->fp = fopen(path, "wb")) == NULL)
		err(1, "%s", path);

	if (!ng) {
		/* Classic libpcap header, version 2.4, microseconds. */
		le32(h, 0xa1b2c3d4);
		le16(h + 4, 2);
		le16(h + 6, 4);
		le32(h + 8, 0);		/* thiszone */
		le32(h + 12, 0);	/* sigfigs */
		le32(h + 16, w->snaplen);
		le32(h + 20, linktype);
		out(w, h, 24);
		return;
	}

	/*
	 * pcapng: a Section Header Block of unknown section length, then one
	 * Interface Description Block.  The IDB names the interface and
	 * leaves if_tsresol at its default, microseconds.
	 */
	memset(h, 0, sizeof(h));
	le32(h, 0x0a0d0d0a);
	le32(h + 4, 28);
	le32(h + 8, 0x1a2b3c4d);
	le16(h + 12, 1);
	le16(h + 14, 0);
	le32(h + 16, 0xffffffff);
	le32(h + 20, 0xffffffff);
	le32(h + 24, 28);
	out(w, h, 28);

	memset(h, 0, sizeof(h));
	le32(h, 1);
	le32(h + 4, 32);
	le16(h + 8, linktype);
	le16(h + 10, 0);
	le32(h + 12, w->snaplen);
	le16(h + 16, 2);		/* if_name */
	le16(h + 18, 4);
	memcpy(h + 20, "eth0", 4);
	le16(h + 24, 0);		/* opt_endofopt */
	le16(h + 26, 0);
	le32(h + 28, 32);
	out(w, h, 32);
	w->nif = 1;
	w->ifs[0].linktype = linktype;
	w->ifs[0].units = USEC;
}

/* pcapng fields in the section's byte order. */
static void
wv16(const struct wr *w, uint8_t *p, uint16_t v)
{
	if (w->ng_be)
		put16(p, v);
	else
		le16(p, v);
}

static void
wv32(const struct wr *w, uint8_t *p, uint32_t v)
{
	if (w->ng_be)
		put32(p, v);
	else
		le32(p, v);
}

/* A new section, big-endian if be: its interfaces are described afresh. */
static void
ng_section(struct wr *w, int be)
{
	uint8_t h[28];

	w->ng_be = be;
	w->nif = 0;
	memset(h, 0, sizeof(h));
	wv32(w, h, 0x0a0d0d0a);
	wv32(w, h + 4, 28);
	wv32(w, h + 8, 0x1a2b3c4d);
	wv16(w, h + 12, 1);
	wv16(w, h + 14, 0);
	memset(h + 16, 0xff, 8);	/* section length unknown */
	wv32(w, h + 24, 28);
	out(w, h, 28);
}

/*
 * An interface of the current section: its link type, if_tsresol (the
 * option's byte: 10^-n, or 2^-n with the high bit; 6 is left out, the
 * default), if_tsoffset in seconds (0: left out), and whether its packets
 * go in obsolete Packet Blocks.
 */
static void
ng_iface(struct wr *w, uint32_t linktype, uint8_t tsresol, int64_t tsoffset,
    int pb)
{
	struct ngif *ifc;
	uint8_t h[64];
	uint64_t off;
	size_t n = 16;
	unsigned e;

	if (w->nif == NG_IFACES)
		errx(1, "%s: too many interfaces", w->path);
	ifc = &w->ifs[w->nif++];
	ifc->linktype = linktype;
	ifc->tsoffset = tsoffset;
	ifc->pb = pb;
	ifc->units = 1;
	for (e = tsresol & 0x7f; e > 0; e--)
		ifc->units *= tsresol & 0x80 ? 2 : 10;
	memset(h, 0, sizeof(h));
	wv32(w, h, 1);
	wv16(w, h + 8, (uint16_t)linktype);
	wv32(w, h + 12, w->snaplen);
	if (tsresol != 6) {
		wv16(w, h + n, 9);
		wv16(w, h + n + 2, 1);
		h[n + 4] = tsresol;
		n += 8;
	}
	if (tsoffset != 0) {
		wv16(w, h + n, 14);
		wv16(w, h + n + 2, 8);
		off = (uint64_t)tsoffset;
		if (w->ng_be)
			off = __builtin_bswap64(off);
		memcpy(h + n + 4, &off, 8);
		n += 12;
	}
	n += 4;				/* opt_endofopt */
	wv32(w, h + 4, (uint32_t)n + 4);
	wv32(w, h + n, (uint32_t)n + 4);
	out(w, h, n + 4);
}

/* Packets from now on are captured on interface i of the section. */
static void
ng_use(struct wr *w, uint32_t i)
{
	if (i >= (uint32_t)w->nif)
		errx(1, "%s: no interface %u", w->path, i);
	w->ifid = i;
	w->linktype = w->ifs[i].linktype;
}

static void
wr_close(struct wr *w)
{
	if (fclose(w->fp) != 0)
		err(1, "%s", w->path);
	w->fp = NULL;
}

static void
rec_write(struct wr *w, const uint8_t *f, size_t len, uint64_t ts)
{
	static const uint8_t zero[4];
	const struct ngif *ifc;
	unsigned __int128 rel;
	uint8_t h[28];
	size_t cap, pad;
	uint64_t t;

	if (ts < w->lastts)
		errx(1, "%s: a record goes back in time", w->path);
	w->lastts = ts;
	cap = len < w->snaplen ? len : w->snaplen;

	if (!w->ng) {
		le32(h, ts / USEC);
		le32(h + 4, ts % USEC);
		le32(h + 8, cap);
		le32(h + 12, len);
		out(w, h, 16);
		out(w, f, cap);
		return;
	}

	/*
	 * Enhanced (or obsolete) Packet Block; data padded to 32 bits.  The
	 * time in the interface's units, rounded up: reading rounds down,
	 * so the microsecond comes back whole; a unit coarser than that
	 * must fall on the time exactly.
	 */
	ifc = &w->ifs[w->ifid];
	rel = (unsigned __int128)(ts - (uint64_t)ifc->tsoffset * USEC);
	t = (uint64_t)((rel * ifc->units + USEC - 1) / USEC);
	if (ifc->units < USEC && (unsigned __int128)t * USEC / ifc->units != rel)
		errx(1, "%s: time %llu not in the interface's units", w->path,
		    (unsigned long long)ts);
	pad = (4 - cap % 4) % 4;
	wv32(w, h, ifc->pb ? 2 : 6);
	wv32(w, h + 4, 32 + cap + pad);
	if (ifc->pb) {
		wv16(w, h + 8, (uint16_t)w->ifid);
		wv16(w, h + 10, 0);	/* drops */
	} else
		wv32(w, h + 8, w->ifid);
	wv32(w, h + 12, t >> 32);
	wv32(w, h + 16, t & 0xffffffff);
	wv32(w, h + 20, cap);
	wv32(w, h + 24, len);
	out(w, h, 28);
	out(w, f, cap);
	out(w, zero, pad);
	wv32(w, h, 32 + cap + pad);
	out(w, h, 4);
}

/* The step from now to t0 + off: lets a scenario state absolute times. */
static uint64_t
until(const struct wr *w, uint64_t t0, uint64_t off)
{
	if (t0 + off < w->now)
		errx(1, "%s: scenario time goes backwards", w->path);
	return t0 + off - w->now;
}

/*
 * The encapsulation of lk from its EtherType on, for a payload of type
 * etype and plen bytes.  The customer frame inside a pseudowire or an
 * I-tag has addresses 52:54:00:ab:cd:NN (NN the host's last byte): a
 * pseudowire without control word must not start with nibble 0, 4 or 6,
 * and Wireshark tells a control word from an address by the vendor
 * prefixes it knows (52:54:00 yes, 00:ab:cd no).
 */
static size_t
encap_hdr(const struct lnk *lk, const struct host *src,
    const struct host *dst, uint16_t etype, size_t plen, uint8_t *f)
{
	static const uint8_t cmac[5] = { 0x52, 0x54, 0x00, 0xab, 0xcd };
	size_t n = 0;
	int i;

	switch (lk->enc) {
	case ENC_MPLS:
	case ENC_PW:
	case ENC_PW_CW:
		put16(f, ETH_MPLS);
		n = 2;
		/* RFC 3032: label, TC 0, bottom of stack on the last, TTL. */
		for (i = 0; i < lk->nlabel; i++) {
			put32(f + n, lk->label[i] << 12 |
			    (i == lk->nlabel - 1 ? 0x100U : 0) | 64);
			n += 4;
		}
		if (lk->enc == ENC_MPLS)
			return n;
		if (lk->enc == ENC_PW_CW) {
			put32(f + n, 0);	/* RFC 4385, no sequencing */
			n += 4;
		}
		break;
	case ENC_PPPOE:
		put16(f, ETH_PPPOE);
		f[2] = 0x11;
		f[3] = 0;
		put16(f + 4, lk->id);
		put16(f + 6, plen + 2);
		put16(f + 8, etype == ETH_IP6 ? 0x0057 : 0x0021);
		return 10;
	case ENC_PBB:
		put16(f, ETH_PBB);
		put32(f + 2, lk->id & 0xffffff);
		n = 6;
		break;
	case ENC_VNTAG:
		put16(f, ETH_VNTAG);
		put32(f + 2, 0x80050003);	/* to VIF 5, from VIF 3 */
		put16(f + 6, etype);
		return 8;
	case ENC_ETAG:
		put16(f, ETH_ETAG);
		put32(f + 2, 0x0000002a);	/* E-CID 42 */
		put16(f + 6, 0);
		put16(f + 8, etype);
		return 10;
	default:
		errx(1, "encapsulation %d", lk->enc);
	}
	/* A customer's Ethernet frame. */
	memcpy(f + n, cmac, 5);
	f[n + 5] = dst->mac[5];
	memcpy(f + n + 6, cmac, 5);
	f[n + 11] = src->mac[5];
	n += 12;
	if (lk->cvid != 0) {
		put16(f + n, ETH_8021Q);
		put16(f + n + 2, lk->cvid);
		n += 4;
	}
	put16(f + n, etype);
	return n + 2;
}

/*
 * The link-layer header for a frame from src to dst, carrying plen bytes
 * of etype.  copy is 1 for the second of two copies (loopback seen on
 * "any": outbound, then inbound).
 */
static size_t
link_hdr(const struct wr *w, const struct lnk *lk, const struct host *src,
    const struct host *dst, uint16_t etype, int copy, size_t plen,
    uint8_t *f)
{
	static const uint8_t zmac[8];
	uint16_t pkttype, hatype;
	const uint8_t *addr;
	size_t n;
	int i;

	if ((lk->ntag > 0 || lk->enc != ENC_NONE || lk->snap) &&
	    w->linktype != LT_EN10MB)
		errx(1, "%s: VLAN tags, encapsulations and SNAP need Ethernet",
		    w->path);
	if (lk->enc != ENC_NONE && lk->snap)
		errx(1, "%s: SNAP is not written inside an encapsulation",
		    w->path);

	/* Linux packet types: 0 to us, 4 outgoing (if_packet.h). */
	if (w->loopback)
		pkttype = copy ? 0 : 4;
	else
		pkttype = src->local ? 4 : 0;
	hatype = w->loopback ? 772 : 1;		/* ARPHRD_LOOPBACK, _ETHER */
	addr = w->loopback ? zmac : src->mac;

	switch (w->linktype) {
	case LT_EN10MB:
		memcpy(f, dst->mac, 6);
		memcpy(f + 6, src->mac, 6);
		n = 12;
		for (i = 0; i < lk->ntag; i++) {
			put16(f + n, lk->tpid[i]);
			put16(f + n + 2, lk->vid[i]);
			n += 4;
		}
		if (lk->enc != ENC_NONE)
			return n + encap_hdr(lk, src, dst, etype, plen, f + n);
		if (lk->snap) {
			/* 802.3 length: LLC/SNAP and the packet. */
			put16(f + n, (uint16_t)(8 + plen));
			memcpy(f + n + 2, "\xaa\xaa\x03\x00\x00\x00", 6);
			put16(f + n + 8, etype);
			return n + 10;
		}
		put16(f + n, etype);
		return n + 2;
	case LT_FDDI:
		/* Asynchronous LLC frame, the addresses, LLC/SNAP (RFC 1042). */
		f[0] = 0x50;
		memcpy(f + 1, dst->mac, 6);
		memcpy(f + 7, src->mac, 6);
		memcpy(f + 13, "\xaa\xaa\x03\x00\x00\x00", 6);
		put16(f + 19, etype);
		return 21;
	case LT_PPP:
	case LT_PPP_HDLC:
		/* Address ff, control 03 (RFC 1662), then the protocol. */
		if (etype != ETH_IP && etype != ETH_IP6)
			errx(1, "%s: PPP here carries IP only", w->path);
		f[0] = 0xff;
		f[1] = 0x03;
		put16(f + 2, etype == ETH_IP ? 0x0021 : 0x0057);
		return 4;
	case LT_NFLOG:
		/*
		 * Family, version 0, group 5; NFULA_PACKET_HDR (hardware
		 * protocol, hook 1 = input), NFULA_PREFIX "rstwatch" with
		 * its NUL (9 bytes, padded to 12), NFULA_PAYLOAD.  Lengths
		 * and types little-endian, as an x86 host writes them.
		 */
		if (etype != ETH_IP && etype != ETH_IP6)
			errx(1, "%s: NFLOG carries IP only", w->path);
		f[0] = etype == ETH_IP ? 2 : 10;
		f[1] = 0;
		put16(f + 2, 5);
		le16(f + 4, 8);
		le16(f + 6, 1);
		put16(f + 8, etype);
		f[10] = 1;
		f[11] = 0;
		le16(f + 12, 13);
		le16(f + 14, 10);
		memcpy(f + 16, "rstwatch\0\0\0\0", 12);
		le16(f + 28, (uint16_t)(4 + plen));
		le16(f + 30, 9);
		return 32;
	case LT_SLL:
		put16(f, pkttype);
		put16(f + 2, hatype);
		put16(f + 4, 6);
		memcpy(f + 6, addr, 6);
		memset(f + 12, 0, 2);
		put16(f + 14, etype);
		return 16;
	case LT_SLL2:
		put16(f, etype);
		put16(f + 2, 0);
		put32(f + 4, 2);		/* ifindex */
		put16(f + 8, hatype);
		f[10] = pkttype;
		f[11] = 6;
		memcpy(f + 12, addr, 6);
		memset(f + 18, 0, 2);
		return 20;
	case LT_NULL:
		/* The sender's AF_ value in its own byte order. */
		if (etype != ETH_IP)
			errx(1, "%s: DLT_NULL here carries IPv4 only",
			    w->path);
		le32(f, 2);
		return 4;
	case LT_RAW:
		if (etype != ETH_IP && etype != ETH_IP6)
			errx(1, "%s: DLT_RAW carries IP only", w->path);
		return 0;
	default:
		errx(1, "%s: linktype %u", w->path, w->linktype);
	}
}

/*
 * Wrap an IP packet in lk's tunnel: the outer IPv4 packet goes into o.
 * Outer IP IDs are 0 with DF set (RFC 6864), UDP source ports fixed.
 */
static size_t
tun_wrap(const struct lnk *lk, const struct host *src,
    const struct host *dst, uint16_t etype, const uint8_t *pl, size_t len,
    uint8_t *o, struct host *osrc, struct host *odst)
{
	static uint8_t b[FRAME_MAX], u[FRAME_MAX];
	static const struct ipx ox;
	size_t n = 0, un;
	uint8_t proto = P_UDP;
	int fwd = lk->mirror || (src->v6 ? src->addr[15] : src->addr[3]) == 1;
	uint32_t id = lk->tun_id;

	host_v4(osrc, lk->vtep[fwd ? 0 : 1], 0, 0);
	host_v4(odst, lk->vtep[fwd ? 1 : 0], 0, 0);
	osrc->addr[0] = odst->addr[0] = 172;
	osrc->addr[1] = odst->addr[1] = 16;
	osrc->mac[4] = odst->mac[4] = 0xee;

	switch (lk->tun) {
	case TUN_VXLAN:			/* RFC 7348: flags I, VNI */
	case TUN_GENEVE:		/* RFC 8926: no options, TEB */
		if (lk->tun == TUN_VXLAN) {
			put32(b, 0x08000000);
		} else {
			put16(b, 0);
			put16(b + 2, 0x6558);
		}
		put32(b + 4, id << 8);
		memcpy(b + 8, dst->mac, 6);
		memcpy(b + 14, src->mac, 6);
		put16(b + 20, etype);
		n = 22;
		break;
	case TUN_GRE:			/* RFC 2890: key present */
		put16(b, 0x2000);
		put16(b + 2, etype);
		put32(b + 4, id);
		n = 8;
		proto = 47;
		break;
	case TUN_IPIP:
		proto = etype == ETH_IP6 ? 41 : 4;
		break;
	case TUN_GTPU:			/* TS 29.281: G-PDU, no options */
		/* Each end receives on the TEID it chose. */
		if ((src->v6 ? src->addr[15] : src->addr[3]) != 1 &&
		    lk->tun_id_back != 0)
			id = lk->tun_id_back;
		put16(b, 0x30ff);
		put16(b + 2, (uint16_t)len);
		put32(b + 4, id);
		n = 8;
		break;
	case TUN_TEREDO:		/* RFC 4380: bare IPv6 */
		break;
	default:
		errx(1, "tunnel %d", lk->tun);
	}
	if (n + len + 8 > sizeof(b))
		errx(1, "tunnelled packet too large");
	memcpy(b + n, pl, len);
	n += len;
	if (proto != P_UDP)
		return ip_build(o, osrc, odst, proto, b, n, &ox);
	put16(u, lk->tun == TUN_GTPU ? 2152 : lk->tun == TUN_TEREDO ? 3544 :
	    49152);
	put16(u + 2, lk->tun == TUN_VXLAN ? 4789 : lk->tun == TUN_GENEVE ?
	    6081 : lk->tun == TUN_GTPU ? 2152 : 40000);
	put16(u + 4, (uint16_t)(n + 8));
	put16(u + 6, 0);
	memcpy(u + 8, b, n);
	un = n + 8;
	return ip_build(o, osrc, odst, P_UDP, u, un, &ox);
}

static void
emit(struct wr *w, const struct lnk *lk, const struct host *src,
    const struct host *dst, uint16_t etype, const uint8_t *pl, size_t len)
{
	static uint8_t o[FRAME_MAX];
	struct host osrc, odst;
	uint8_t f[FRAME_MAX];
	size_t hl;
	int copy;

	if (lk->tun != TUN_NO) {
		len = tun_wrap(lk, src, dst, etype, pl, len, o, &osrc, &odst);
		pl = o;
		src = &osrc;
		dst = &odst;
		etype = ETH_IP;
	}

	for (copy = 0; copy < (w->dup_us ? 2 : 1); copy++) {
		hl = link_hdr(w, lk, src, dst, etype, copy, len, f);
		if (hl + len > sizeof(f))
			errx(1, "%s: frame too large", w->path);
		memcpy(f + hl, pl, len);
		rec_write(w, f, hl + len, w->now + (copy ? w->dup_us : 0));
	}
}

/*
 * Build an IP packet around l4 into b and fill in the transport checksum
 * (RFC 793/768 pseudo header; ICMPv4 covers the message only).
 */
static size_t
ip_build(uint8_t *b, struct host *src, const struct host *dst,
    uint8_t proto, const uint8_t *l4, size_t l4len, const struct ipx *x)
{
	uint8_t ph[40], *t;
	size_t hl, off;
	uint32_t sum;
	uint16_t ck;

	if (!src->v6) {
		hl = 20;
		if (hl + l4len > 0xffff)
			errx(1, "IPv4 packet too large");
		b[0] = 0x45;
		b[1] = x->tos;
		put16(b + 2, hl + l4len);
		put16(b + 4, src->ipid++);
		put16(b + 6, x->nodf ? 0 : 0x4000);
		b[8] = x->ttl ? x->ttl : src->ttl;
		b[9] = proto;
		put16(b + 10, 0);
		memcpy(b + 12, src->addr, 4);
		memcpy(b + 16, dst->addr, 4);
		put16(b + 10, sum_fold(sum_add(0, b, hl)));
		memcpy(ph, src->addr, 4);
		memcpy(ph + 4, dst->addr, 4);
		ph[8] = 0;
		ph[9] = proto;
		put16(ph + 10, l4len);
		sum = sum_add(0, ph, 12);
	} else {
		hl = x->hbh ? 48 : 40;
		put32(b, 6U << 28 | (src->flowlabel & 0xfffff));
		put16(b + 4, hl - 40 + l4len);
		b[6] = x->hbh ? 0 : proto;
		b[7] = x->ttl ? x->ttl : src->ttl;
		memcpy(b + 8, src->addr, 16);
		memcpy(b + 24, dst->addr, 16);
		if (x->hbh) {
			/* RFC 8200 4.3: one PadN option filling 8 bytes. */
			b[40] = proto;
			b[41] = 0;
			b[42] = 1;
			b[43] = 4;
			memset(b + 44, 0, 4);
		}
		memcpy(ph, src->addr, 16);
		memcpy(ph + 16, dst->addr, 16);
		put32(ph + 32, l4len);
		memset(ph + 36, 0, 3);
		ph[39] = proto;
		sum = sum_add(0, ph, 40);
	}

	t = b + hl;
	memcpy(t, l4, l4len);
	if (x->rawsum)
		return hl + l4len;
	switch (proto) {
	case P_TCP:
		off = 16;
		break;
	case P_UDP:
		off = 6;
		break;
	case P_ICMP:
		sum = 0;
		off = 2;
		break;
	case P_ICMP6:
		off = 2;
		break;
	default:
		return hl + l4len;
	}
	put16(t + off, 0);
	ck = sum_fold(sum_add(sum, t, l4len));
	if (proto == P_UDP && ck == 0)
		ck = 0xffff;
	put16(t + off, ck);
	return hl + l4len;
}

static void
ip_send(struct wr *w, const struct lnk *lk, struct host *src,
    const struct host *dst, uint8_t proto, const uint8_t *l4, size_t l4len,
    const struct ipx *x, int capture)
{
	uint8_t b[FRAME_MAX];
	size_t n;

	if (l4len + 48 > sizeof(b))
		errx(1, "%s: packet too large", w->path);
	n = ip_build(b, src, dst, proto, l4, l4len, x);
	w->lastlen = n < sizeof(w->last) ? n : sizeof(w->last);
	memcpy(w->last, b, w->lastlen);
	if (capture)
		emit(w, lk, src, dst, src->v6 ? ETH_IP6 : ETH_IP, b, n);
}

static void
host_v4(struct host *h, uint8_t last, uint16_t ipid, uint32_t tsbase)
{
	memset(h, 0, sizeof(*h));
	h->addr[0] = 10;
	h->addr[3] = last;
	h->mac[0] = 0x02;
	h->mac[5] = last;
	h->ttl = 64;
	h->ipid = ipid;
	h->tsbase = tsbase;
}

static void
host_v6(struct host *h, uint8_t last, uint32_t flowlabel, uint32_t tsbase)
{
	memset(h, 0, sizeof(*h));
	h->v6 = 1;
	h->addr[0] = 0x20;		/* 2001:db8::/32, RFC 3849 */
	h->addr[1] = 0x01;
	h->addr[2] = 0x0d;
	h->addr[3] = 0xb8;
	h->addr[15] = last;
	h->mac[0] = 0x02;
	h->mac[5] = last;
	h->ttl = 64;
	h->flowlabel = flowlabel;
	h->tsbase = tsbase;
}

static void
net_v4(struct net *n)
{
	host_v4(&n->c, 1, IPID_C, TSBASE_C);
	host_v4(&n->s, 2, IPID_S, TSBASE_S);
	host_v4(&n->r, 254, IPID_R, 0);
	n->c.local = 1;
}

static void
conn_init(struct conn *c, struct wr *w, const struct lnk *lk,
    struct host *ch, uint16_t cport, uint32_t cisn, struct host *sh,
    uint16_t sport, uint32_t sisn)
{
	struct end *e;
	int i;

	memset(c, 0, sizeof(*c));
	c->w = w;
	c->lk = lk;
	c->e[C].h = ch;
	c->e[C].port = cport;
	c->e[C].isn = cisn;
	c->e[S].h = sh;
	c->e[S].port = sport;
	c->e[S].isn = sisn;
	for (i = 0; i < 2; i++) {
		e = &c->e[i];
		e->nxt = e->isn;
		/* MTU 1500 less the IP and TCP headers. */
		e->mss = e->h->v6 ? 1440 : 1460;
	}
	/*
	 * Linux: the SYN offers 10 segments' worth rounded to the MSS, the
	 * SYN-ACK 45 of the MSS net of timestamps; after the handshake the
	 * windows are 64256 and 65152 bytes at scale 7.
	 */
	c->e[C].synwin = ch->v6 ? 64800 : 64240;
	c->e[S].synwin = sh->v6 ? 64260 : 65160;
	c->e[C].win = 502;
	c->e[S].win = 509;
}

/* A connection whose handshake happened before the capture started. */
static void
conn_established(struct conn *c)
{
	c->e[C].nxt = c->e[C].isn + 1;
	c->e[S].nxt = c->e[S].isn + 1;
	c->e[C].ack = c->e[S].nxt;
	c->e[S].ack = c->e[C].nxt;
	c->e[C].tsecr = c->e[S].h->tsbase;
	c->e[S].tsecr = c->e[C].h->tsbase;
}

/* The segment the end dir sends next, from the connection state. */
static void
seg_init(const struct conn *c, struct seg *s, int dir, uint8_t flags,
    uint32_t len)
{
	const struct end *e = &c->e[dir];

	memset(s, 0, sizeof(*s));
	s->dir = dir;
	s->flags = flags;
	s->seq = e->nxt;
	s->ack = (flags & TH_ACK) ? e->ack : 0;
	s->win = (flags & TH_SYN) ? e->synwin : e->win;
	s->len = len;
	s->opts = (flags & TH_SYN) ? OPT_SYN : OPT_TS;
	s->lost = e->drop;
}

/*
 * Send one segment dt microseconds after the previous packet, then update
 * both ends as TCP would: the sender's snd_nxt, and, when it arrives, the
 * receiver's rcv_nxt (in-order data only: scenarios with a hole fix the
 * receiver up themselves) and its copy of the timestamp to echo.
 */
static void
seg_out(struct conn *c, const struct seg *s, uint64_t dt)
{
	struct end *e = &c->e[s->dir], *p = &c->e[!s->dir];
	struct ipx x;
	uint8_t t[FRAME_MAX];
	uint32_t tsval, seglen, i, off;
	size_t hl;
	int uc;

	c->w->now += dt;
	tsval = e->h->tsbase + (uint32_t)((c->w->now - T_START) / MSEC);

	hl = 20;
	switch (s->opts) {
	case OPT_SYN:
		/* Linux order: mss, sackOK, TS, nop, wscale (RFC 7323). */
		t[hl++] = 2;
		t[hl++] = 4;
		put16(t + hl, e->mss);
		hl += 2;
		t[hl++] = 4;
		t[hl++] = 2;
		t[hl++] = 8;
		t[hl++] = 10;
		put32(t + hl, tsval);
		put32(t + hl + 4, (s->flags & TH_ACK) ? e->tsecr : 0);
		hl += 8;
		t[hl++] = 1;
		t[hl++] = 3;
		t[hl++] = 3;
		t[hl++] = 7;
		break;
	case OPT_TS:
		t[hl++] = 1;
		t[hl++] = 1;
		t[hl++] = 8;
		t[hl++] = 10;
		put32(t + hl, tsval);
		put32(t + hl + 4, e->tsecr);
		hl += 8;
		if (s->sack[0] != s->sack[1]) {
			t[hl++] = 1;
			t[hl++] = 1;
			t[hl++] = 5;
			t[hl++] = 10;
			put32(t + hl, s->sack[0]);
			put32(t + hl + 4, s->sack[1]);
			hl += 8;
		}
		break;
	case OPT_NONE:
		break;
	}
	if (s->rawopt != NULL) {
		memcpy(t + hl, s->rawopt, s->rawoptlen);
		hl += s->rawoptlen;
	}
	if (hl + s->len > sizeof(t) - 48)
		errx(1, "%s: segment too large", c->w->path);

	put16(t, e->port);
	put16(t + 2, p->port);
	put32(t + 4, s->seq);
	put32(t + 8, s->ack);
	t[12] = (s->doff ? s->doff : hl / 4) << 4;
	t[13] = s->flags;
	put16(t + 14, s->win);
	put16(t + 16, 0);
	put16(t + 18, 0);
	/*
	 * Payload bytes are a function of their sequence number, so that a
	 * retransmission carries the same bytes as the original.
	 */
	uc = s->dir == S ? 'A' : 'a';
	for (i = 0; i < s->len; i++) {
		off = s->seq + i - e->isn - 1;
		t[hl + i] = uc + off % 26;
	}

	memset(&x, 0, sizeof(x));
	x.ttl = s->ttl;
	x.hbh = c->hbh_syn && (s->flags & TH_SYN) && s->dir == C;
	c->hbh_syn = c->hbh_syn && !x.hbh;
	ip_send(c->w, c->lk, e->h, p->h, P_TCP, t, hl + s->len, &x,
	    !s->nocapture);

	seglen = s->len + !!(s->flags & TH_SYN) + !!(s->flags & TH_FIN);
	if (!s->noadv && SEQ_GT(s->seq + seglen, e->nxt))
		e->nxt = s->seq + seglen;
	if (s->lost)
		return;
	if (s->opts != OPT_NONE)
		p->tsecr = tsval;
	if ((s->flags & TH_SYN) || s->seq == p->ack)
		p->ack = s->seq + seglen;
}

static void
tcp_send(struct conn *c, int dir, uint8_t flags, uint32_t len, uint64_t dt)
{
	struct seg s;

	seg_init(c, &s, dir, flags, len);
	seg_out(c, &s, dt);
}

/* The same bytes again, from seq: a retransmission. */
static void
tcp_resend(struct conn *c, int dir, uint8_t flags, uint32_t seq,
    uint32_t len, uint64_t dt)
{
	struct seg s;

	seg_init(c, &s, dir, flags, len);
	s.seq = seq;
	seg_out(c, &s, dt);
}

/*
 * The n retransmissions of len bytes from seq that Linux's RTO (200 ms,
 * doubling) makes after a segment sent at t0: at +0.2 +0.6 +1.4 +3.0
 * +6.2 s ...
 */
static void
rto_resends(struct conn *c, int dir, uint32_t seq, uint32_t len,
    uint64_t t0, int n)
{
	uint64_t at = 0, rto = 200 * MSEC;

	for (int i = 0; i < n; i++) {
		at += rto;
		rto *= 2;
		tcp_resend(c, dir, TH_PSH | TH_ACK, seq, len,
		    until(c->w, t0, at));
	}
}

/* SYN, SYN-ACK one round trip later, the client's ACK at once. */
static void
tcp_handshake(struct conn *c, uint64_t dt)
{
	tcp_send(c, C, TH_SYN, 0, dt);
	tcp_send(c, S, TH_SYN | TH_ACK, 0, RTT);
	tcp_send(c, C, TH_ACK, 0, ACK_DELAY);
}

/*
 * The server's answer to a SYN on a closed port, as tcp_v4_send_reset()
 * builds it: RST|ACK, sequence 0, acknowledging the SYN, window 0, no
 * options (RFC 9293 3.10.7.1).
 */
static void
tcp_refuse(struct conn *c, uint64_t dt)
{
	struct seg s;

	seg_init(c, &s, S, TH_RST | TH_ACK, 0);
	s.seq = 0;
	s.win = 0;
	s.opts = OPT_NONE;
	s.noadv = 1;
	seg_out(c, &s, dt);
}

/* first sends FIN, the other end answers with its own FIN, last ACK. */
static void
tcp_fin_close(struct conn *c, int first, uint64_t dt)
{
	tcp_send(c, first, TH_FIN | TH_ACK, 0, dt);
	tcp_send(c, !first, TH_FIN | TH_ACK, 0, RTT);
	tcp_send(c, first, TH_ACK, 0, ACK_DELAY);
}

static void
udp_send(struct wr *w, const struct lnk *lk, struct host *src,
    uint16_t sport, const struct host *dst, uint16_t dport, size_t len,
    uint64_t dt)
{
	uint8_t u[1500];
	struct ipx x;
	size_t i;

	if (len + 8 > sizeof(u))
		errx(1, "%s: datagram too large", w->path);
	w->now += dt;
	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, len + 8);
	put16(u + 6, 0);
	for (i = 0; i < len; i++)
		u[8 + i] = 'a' + i % 26;
	memset(&x, 0, sizeof(x));
	ip_send(w, lk, src, dst, P_UDP, u, len + 8, &x, 1);
}

/*
 * A destination unreachable from reporter to dst quoting the last packet
 * sent, cut to quote bytes (0: as much as fits in 576 bytes, which is
 * what Linux's icmp_send() quotes, RFC 1812 4.3.2.3).  Linux sends ICMP
 * errors with TOS 0xc0 and without DF.
 */
static void
icmp_unreach(struct wr *w, const struct lnk *lk, struct host *reporter,
    const struct host *dst, uint8_t type, uint8_t code, size_t quote,
    uint64_t dt)
{
	uint8_t m[1500];
	struct ipx x;
	size_t q;

	q = w->lastlen;
	/* ICMPv6 errors fill up to the minimum MTU (RFC 4443 2.4 (c)). */
	if (quote == 0 && reporter->v6 && q > 1280 - 40 - 8)
		q = 1280 - 40 - 8;
	else if (quote == 0 && !reporter->v6 && q > 576 - 20 - 8)
		q = 576 - 20 - 8;
	else if (quote != 0 && quote < q)
		q = quote;
	w->now += dt;
	m[0] = type;
	m[1] = code;
	put16(m + 2, 0);
	put32(m + 4, 0);
	memcpy(m + 8, w->last, q);
	memset(&x, 0, sizeof(x));
	x.tos = 0xc0;
	x.nodf = 1;
	ip_send(w, lk, reporter, dst, reporter->v6 ? P_ICMP6 : P_ICMP, m, 8 + q,
	    &x, 1);
}

/*
 * The scenarios.  Each starts at T_START; client 10.0.0.1 with ephemeral
 * ports from 40001, server 10.0.0.2.
 */

static const struct lnk nolnk;

static void
sc_syn_retransmit(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0 = w->now;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40001, ISN_C, &n.s, 445, ISN_S);
	/* Nothing comes back: RTO 1 s, doubled per retry (RFC 6298 5.5). */
	c.e[C].drop = 1;
	tcp_send(&c, C, TH_SYN, 0, 0);
	tcp_resend(&c, C, TH_SYN, ISN_C, 0, until(w, t0, 1 * USEC));
	tcp_resend(&c, C, TH_SYN, ISN_C, 0, until(w, t0, 3 * USEC));
	tcp_resend(&c, C, TH_SYN, ISN_C, 0, until(w, t0, 7 * USEC));
}

static void
sc_synack_retransmit(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40002, ISN_C, &n.s, 3306, ISN_S);
	tcp_send(&c, C, TH_SYN, 0, 0);
	/* The SYN-ACK gets through but the client's ACK never comes back. */
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	t0 = w->now;
	tcp_resend(&c, S, TH_SYN | TH_ACK, ISN_S, 0, until(w, t0, 1 * USEC));
	tcp_resend(&c, S, TH_SYN | TH_ACK, ISN_S, 0, until(w, t0, 3 * USEC));
	tcp_resend(&c, S, TH_SYN | TH_ACK, ISN_S, 0, until(w, t0, 7 * USEC));
}

/* A SYN to port 81, where nothing listens; the server's kernel says so. */
static void
refused_conn(struct wr *w, const struct lnk *lk, int v6)
{
	struct net n;
	struct conn c;

	net_v4(&n);
	if (v6) {
		host_v6(&n.c, 1, 0x5c1e7, TSBASE_C);
		host_v6(&n.s, 2, 0x9a0b3, TSBASE_S);
		n.c.local = 1;
	}
	conn_init(&c, w, lk, &n.c, 40003, ISN_C, &n.s, 81, ISN_S);
	tcp_send(&c, C, TH_SYN, 0, 0);
	tcp_refuse(&c, RTT);
}

/*
 * One pcapng file, two sections, six interfaces: what a capture on
 * several interfaces at once writes (dumpcap -i eth0 -i ppp0 ...).
 * Section 1, little-endian: Ethernet (microseconds), raw IP (10^-9 s),
 * Linux cooked (2^-20 s, offset 1699999000 s).  Section 2, big-endian:
 * SLL2 in obsolete Packet Blocks (10^-3 s), PPP (10^-7 s), NFLOG.  A
 * refused connection on each, from its own client port; one more whose
 * SYN is seen on the Ethernet interface and its refusal on the raw one.
 */
static void
sc_pcapng_multi(struct wr *w)
{
	struct net n;
	struct conn c;
	uint32_t i;

	ng_iface(w, LT_RAW, 9, 0, 0);
	ng_iface(w, LT_SLL, 0x94, 1699999000, 0);
	net_v4(&n);
	for (i = 0; i < 3; i++) {
		ng_use(w, i);
		conn_init(&c, w, &nolnk, &n.c, (uint16_t)(40010 + i), ISN_C,
		    &n.s, 81, ISN_S);
		tcp_send(&c, C, TH_SYN, 0, 10 * MSEC);
		tcp_refuse(&c, RTT);
	}
	ng_use(w, 0);
	conn_init(&c, w, &nolnk, &n.c, 40013, ISN_C, &n.s, 81, ISN_S);
	tcp_send(&c, C, TH_SYN, 0, 10 * MSEC);
	ng_use(w, 1);
	tcp_refuse(&c, RTT);

	ng_section(w, 1);
	ng_iface(w, LT_SLL2, 3, 0, 1);
	ng_iface(w, LT_PPP, 7, 0, 0);
	ng_iface(w, LT_NFLOG, 6, 0, 0);
	for (i = 0; i < 3; i++) {
		ng_use(w, i);
		conn_init(&c, w, &nolnk, &n.c, (uint16_t)(40020 + i), ISN_C,
		    &n.s, 81, ISN_S);
		tcp_send(&c, C, TH_SYN, 0, 10 * MSEC);
		tcp_refuse(&c, RTT);
	}
}

static void
sc_data_loss_reset(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0;
	uint32_t seq;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40004, ISN_C, &n.s, 5432, ISN_S);
	tcp_handshake(&c, 0);
	/* From here on the path drops everything the client sends. */
	c.e[C].drop = 1;
	seq = c.e[C].nxt;
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	t0 = w->now;
	rto_resends(&c, C, seq, 100, t0, 5);
	/*
	 * The application gives up after 10 s and aborts: Linux's
	 * tcp_send_active_reset() sends RST|ACK at snd_nxt, after the data.
	 */
	tcp_send(&c, C, TH_RST | TH_ACK, 0, until(w, t0, 10 * USEC));
}

/* Handshake, a 50-byte request, ACK, a 200-byte response, ACK. */
static void
app_exchange(struct conn *c)
{
	tcp_handshake(c, 0);
	tcp_send(c, C, TH_PSH | TH_ACK, 50, 5 * MSEC);
	tcp_send(c, S, TH_ACK, 0, RTT);
	tcp_send(c, S, TH_PSH | TH_ACK, 200, 2 * MSEC);
	tcp_send(c, C, TH_ACK, 0, ACK_DELAY);
}

static void
sc_app_reset(struct wr *w)
{
	struct net n;
	struct conn c;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40005, ISN_C, &n.s, 80, ISN_S);
	app_exchange(&c);
	/* The server application aborts: RST|ACK at its snd_nxt. */
	tcp_send(&c, S, TH_RST | TH_ACK, 0, 1 * USEC);
}

static void
sc_rst_injected_ttl(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40006, ISN_C, &n.s, 80, ISN_S);
	app_exchange(&c);
	/*
	 * A device in the path forges the server's RST: sequence, ACK and
	 * options are right, only the TTL gives it away.
	 */
	seg_init(&c, &s, S, TH_RST | TH_ACK, 0);
	s.ttl = 120;
	seg_out(&c, &s, 1 * USEC);
}

static void
sc_rst_injected_window(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40007, ISN_C, &n.s, 80, ISN_S);
	app_exchange(&c);
	/*
	 * A RST with the server's TTL but 1e9 beyond its snd_nxt.  The client
	 * drops it silently (RFC 5961 3.2: out of window) and the connection
	 * goes on: another request and response, then FINs.
	 */
	seg_init(&c, &s, S, TH_RST | TH_ACK, 0);
	s.seq = c.e[S].nxt + 1000000000U;
	s.noadv = 1;
	s.lost = 1;
	seg_out(&c, &s, 1 * USEC);
	tcp_send(&c, C, TH_PSH | TH_ACK, 50, 1 * USEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 200, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(&c, C, 10 * MSEC);
}

static void
sc_seq_anomaly(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40008, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 500, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	/*
	 * 100 bytes "from the server" 2e9 ahead of what the client expects.
	 * The client discards them and answers with an ACK of what it does
	 * expect (RFC 9293 3.10.7.4).
	 */
	seg_init(&c, &s, S, TH_PSH | TH_ACK, 100);
	s.seq = c.e[S].nxt + 2000000000U;
	s.noadv = 1;
	s.lost = 1;
	seg_out(&c, &s, 300 * MSEC);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	/* The connection carries on as if nothing happened. */
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 200 * MSEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 300, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(&c, C, 10 * MSEC);
}

static void
sc_udp_port_unreachable(struct wr *w)
{
	struct net n;

	net_v4(&n);
	udp_send(w, &nolnk, &n.c, 53000, &n.s, 9999, 40, 0);
	icmp_unreach(w, &nolnk, &n.s, &n.c, 3, 3, 0, RTT);
}

/* The same over IPv6: ICMPv6 destination unreachable, code 4 (port). */
static void
sc_udp6_port_unreachable(struct wr *w)
{
	struct host ch, sh;

	host_v6(&ch, 1, 0x5c1e8, TSBASE_C);
	host_v6(&sh, 2, 0x9a0b4, TSBASE_S);
	ch.local = 1;
	udp_send(w, &nolnk, &ch, 53001, &sh, 9999, 40, 0);
	icmp_unreach(w, &nolnk, &sh, &ch, 1, 4, 0, RTT);
}

static void
sc_tcp_admin_prohibited(struct wr *w)
{
	struct net n;
	struct conn c;

	net_v4(&n);
	/* The server is behind the router: its frames carry the router's MAC. */
	memcpy(n.s.mac, n.r.mac, sizeof(n.s.mac));
	conn_init(&c, w, &nolnk, &n.c, 40010, ISN_C, &n.s, 3389, ISN_S);
	tcp_send(&c, C, TH_SYN, 0, 0);
	/*
	 * A filtering router quotes the minimum RFC 792 asks for: the IP
	 * header and 8 bytes, i.e. ports and sequence number.  Linux takes a
	 * code 13 on a SYN as a hard error and does not retry.
	 */
	icmp_unreach(w, &nolnk, &n.r, &n.c, 3, 13, 20 + 8, RTT / 2);
}

/*
 * Request of 100 bytes, response of 3000 in three segments (the receiver
 * ACKs every second full segment), FIN from the client, FIN from the
 * server, last ACK.
 */
static void
clean_body(struct conn *c)
{
	uint32_t smss = c->e[C].mss - 12;

	tcp_send(c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	tcp_send(c, S, TH_ACK, smss, RTT);
	tcp_send(c, S, TH_ACK, smss, SEG_GAP);
	tcp_send(c, C, TH_ACK, 0, ACK_DELAY);
	tcp_send(c, S, TH_PSH | TH_ACK, 3000 - 2 * smss, SEG_GAP);
	tcp_send(c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(c, C, 10 * MSEC);
}

static void
sc_clean_close(struct wr *w)
{
	struct net n;
	struct conn c;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40011, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	clean_body(&c);
}

static void
sc_keepalive(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	int i;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40012, ISN_C, &n.s, 5432, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 300, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	/*
	 * Idle for 60 s, then keep-alive probes 10 s apart: no data, one
	 * below snd_nxt so that the peer must answer (RFC 9293 3.8.4).
	 */
	for (i = 0; i < 3; i++) {
		seg_init(&c, &s, C, TH_ACK, 0);
		s.seq = c.e[C].nxt - 1;
		seg_out(&c, &s, i == 0 ? 60 * USEC : 10 * USEC - RTT);
		tcp_send(&c, S, TH_ACK, 0, RTT);
	}
	tcp_fin_close(&c, C, 5 * USEC);
}

static void
sc_zero_window(struct wr *w)
{
	static const uint64_t probe_ms[] = { 200, 600, 1400, 3000, 6200 };
	struct net n;
	struct conn c;
	struct seg s;
	uint64_t t0;
	uint32_t smss;
	size_t i;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40013, ISN_C, &n.s, 445, ISN_S);
	smss = c.e[S].mss - 12;
	tcp_handshake(&c, 0);
	/* An upload the server application does not read: window closes. */
	for (i = 0; i < 4; i++)
		tcp_send(&c, C, i == 3 ? TH_PSH | TH_ACK : TH_ACK, smss,
		    i == 0 ? 5 * MSEC : SEG_GAP);
	c.e[S].win = 0;
	tcp_send(&c, S, TH_ACK, 0, RTT);
	t0 = w->now;
	/*
	 * Zero-window probes: the next byte, at snd_nxt, which the receiver
	 * refuses and answers with window 0 again (RFC 9293 3.8.6.1).
	 */
	for (i = 0; i < sizeof(probe_ms) / sizeof(probe_ms[0]); i++) {
		seg_init(&c, &s, C, TH_ACK, 1);
		s.noadv = 1;
		s.lost = 1;
		seg_out(&c, &s, until(w, t0, probe_ms[i] * MSEC));
		tcp_send(&c, S, TH_ACK, 0, RTT);
	}
	/* The application reads: a window update, the rest goes through. */
	c.e[S].win = 509;
	tcp_send(&c, S, TH_ACK, 0, until(w, t0, 8 * USEC));
	tcp_send(&c, C, TH_ACK, smss, RTT);
	tcp_send(&c, C, TH_PSH | TH_ACK, smss, SEG_GAP);
	tcp_send(&c, S, TH_ACK, 0, RTT);
	tcp_fin_close(&c, C, 10 * MSEC);
}

static void
sc_reorder(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	uint32_t base, tsecr;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40014, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	base = c.e[C].nxt;
	/* A, then C overtaking B in the path, then B 50 us later. */
	tcp_send(&c, C, TH_ACK, 1000, 5 * MSEC);
	seg_init(&c, &s, C, TH_PSH | TH_ACK, 1000);
	s.seq = base + 2000;
	seg_out(&c, &s, SEG_GAP);
	/* The receiver acknowledges A and SACKs C (RFC 2018). */
	tsecr = c.e[C].tsecr;
	seg_init(&c, &s, S, TH_ACK, 0);
	s.sack[0] = base + 2000;
	s.sack[1] = base + 3000;
	seg_out(&c, &s, 20);
	/* B left the client with A and C: it cannot echo that ACK. */
	c.e[C].tsecr = tsecr;
	tcp_resend(&c, C, TH_ACK, base + 1000, 1000, 50 - 20);
	/* B fills the hole; C was queued. */
	c.e[S].ack = base + 3000;
	tcp_send(&c, S, TH_ACK, 0, 20);
	tcp_fin_close(&c, C, 10 * MSEC);
}

static void
sc_tso(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	uint64_t t0;
	uint32_t base;
	int i;

	net_v4(&n);
	/* The ISN sits just below 2^32: the data wraps the sequence space. */
	conn_init(&c, w, &nolnk, &n.c, 40015, 0xffffe000U, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	base = c.e[C].nxt;
	/*
	 * One 14480-byte segment as the sender's capture shows it before the
	 * NIC cuts it into 10 segments; the last 5 of those are lost.
	 */
	seg_init(&c, &s, C, TH_PSH | TH_ACK, 10 * 1448);
	s.lost = 1;
	seg_out(&c, &s, 5 * MSEC);
	t0 = w->now;
	c.e[S].ack = base + 5 * 1448;
	c.e[S].tsecr = c.e[C].h->tsbase + (uint32_t)((t0 - T_START) / MSEC);
	tcp_send(&c, S, TH_ACK, 0, RTT);
	/* RTO: the missing half again, now in MSS-sized segments. */
	for (i = 0; i < 5; i++) {
		tcp_resend(&c, C, i == 4 ? TH_PSH | TH_ACK : TH_ACK,
		    base + (5 + i) * 1448, 1448,
		    i == 0 ? until(w, t0, 300 * MSEC) : SEG_GAP);
		if (i % 2 == 1 || i == 4)
			tcp_send(&c, S, TH_ACK, 0, ACK_DELAY);
	}
	tcp_fin_close(&c, C, 10 * MSEC);
}

static void
sc_duplicate(struct wr *w)
{
	struct net n;
	struct conn c;

	/*
	 * tcpdump -i any on a host talking to itself over lo: every packet
	 * is seen going out and again coming in, 5 us later, identical but
	 * for the SLL packet type.
	 */
	w->dup_us = 5;
	w->loopback = 1;
	net_v4(&n);
	n.s.local = 1;
	conn_init(&c, w, &nolnk, &n.c, 40016, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	clean_body(&c);
}

static void
sc_fast_retransmit(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	uint32_t base;
	int i;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40017, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	base = c.e[C].nxt;
	/* Five segments; the path loses the second. */
	for (i = 0; i < 5; i++) {
		seg_init(&c, &s, C, i == 4 ? TH_PSH | TH_ACK : TH_ACK, 1448);
		s.lost = i == 1;
		seg_out(&c, &s, i == 0 ? 5 * MSEC : SEG_GAP);
	}
	/*
	 * The ACK of the first, then one duplicate per later segment.  The
	 * burst queues in the path: the ACKs take two handshake RTTs, so
	 * that the retransmission cannot pass for reordering.
	 */
	tcp_send(&c, S, TH_ACK, 0, 2 * RTT - 4 * SEG_GAP);
	for (i = 0; i < 3; i++) {
		seg_init(&c, &s, S, TH_ACK, 0);
		s.sack[0] = base + 2 * 1448;
		s.sack[1] = base + (3 + i) * 1448;
		seg_out(&c, &s, i == 0 ? 2 * SEG_GAP : SEG_GAP);
	}
	/* Third duplicate ACK: fast retransmit (RFC 5681 3.2). */
	tcp_resend(&c, C, TH_ACK, base + 1448, 1448, 20);
	c.e[S].ack = base + 5 * 1448;
	tcp_send(&c, S, TH_ACK, 0, RTT);
	tcp_fin_close(&c, C, 10 * MSEC);
}

static void
sc_ipv6_clean(struct wr *w)
{
	struct host ch, sh;
	struct conn c;

	host_v6(&ch, 1, 0x5c1e7, TSBASE_C);
	host_v6(&sh, 2, 0x9a0b3, TSBASE_S);
	ch.local = 1;
	conn_init(&c, w, &nolnk, &ch, 40019, ISN_C, &sh, 80, ISN_S);
	c.hbh_syn = 1;
	tcp_handshake(&c, 0);
	clean_body(&c);
}

/*
 * Two tenants with the same addressing: the same 5-tuple in link la (port
 * closed) and in link lb (a clean connection), interleaved.
 */
static void
two_tenants(struct wr *w, const struct lnk *la, const struct lnk *lb)
{
	struct net na, nb;
	struct conn a, b;

	net_v4(&na);
	net_v4(&nb);
	nb.c.ipid = 0x51f0;
	nb.s.ipid = 0x62e8;
	conn_init(&a, w, la, &na.c, 40020, ISN_C, &na.s, 80, ISN_S);
	conn_init(&b, w, lb, &nb.c, 40020, 3917204551U, &nb.s, 80,
	    204863117U);
	tcp_send(&a, C, TH_SYN, 0, 0);
	tcp_send(&b, C, TH_SYN, 0, 100);
	tcp_refuse(&a, RTT - 100);
	tcp_send(&b, S, TH_SYN | TH_ACK, 0, 100);
	tcp_send(&b, C, TH_ACK, 0, ACK_DELAY);
	clean_body(&b);
}

/* In VLAN 10 and VLAN 20. */
static void
sc_vlan_two_flows(struct wr *w)
{
	static const struct lnk v10 = { 1, { ETH_8021Q }, { 10 } };
	static const struct lnk v20 = { 1, { ETH_8021Q }, { 20 } };

	two_tenants(w, &v10, &v20);
}

/*
 * Behind the same two VXLAN tunnel endpoints, in VNI 42 and VNI 43: two
 * flows, each naming its VNI.
 */
static void
sc_vxlan_two_vnis(struct wr *w)
{
	static const struct lnk v42 = {
	    .tun = TUN_VXLAN, .tun_id = 42, .vtep = { 5, 6 } };
	static const struct lnk v43 = {
	    .tun = TUN_VXLAN, .tun_id = 43, .vtep = { 5, 6 } };

	two_tenants(w, &v42, &v43);
}

static void
sc_new_isn_after_reset(struct wr *w)
{
	struct net n;
	struct conn a, b;

	net_v4(&n);
	conn_init(&a, w, &nolnk, &n.c, 40022, ISN_C, &n.s, 80, ISN_S);
	tcp_send(&a, C, TH_SYN, 0, 0);
	tcp_refuse(&a, RTT);
	/*
	 * The service comes up; 1 s later the client tries again from the
	 * same port with a new ISN (RFC 9293 3.4.1) and gets through.
	 */
	conn_init(&b, w, &nolnk, &n.c, 40022, ISN_C + 64000000U, &n.s, 80,
	    ISN_S + 777777U);
	tcp_handshake(&b, 1 * USEC);
	clean_body(&b);
}

static void
sc_malformed_mix(struct wr *w)
{
	static const uint8_t noise[10] = {
		0x9e, 0x37, 0x79, 0xb9, 0x7f, 0x4a, 0x7c, 0x15, 0xf3, 0x9c
	};
	/* nop, nop, then a timestamp option claiming length 0. */
	static const uint8_t badopt[12] = { 1, 1, 8, 0 };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct net n;
	struct conn c;
	struct seg s;
	struct host bc;
	struct ipx x;
	uint8_t b[256], l4[64];
	size_t len;
	uint32_t smss;
	int i;

	net_v4(&n);
	memset(&x, 0, sizeof(x));
	conn_init(&c, w, &nolnk, &n.c, 40029, ISN_C, &n.s, 80, ISN_S);
	smss = c.e[S].mss - 12;
	tcp_handshake(&c, 0);

	/* A frame cut inside the IPv4 header: 12 of 20 bytes. */
	memset(l4, 0, 20);
	len = ip_build(b, &n.c, &n.s, P_TCP, l4, 20, &x);
	w->now += 100;
	emit(w, &nolnk, &n.c, &n.s, ETH_IP, b, 12);

	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);

	/* IHL 3: a header shorter than the minimum 5 words. */
	len = ip_build(b, &n.c, &n.s, P_TCP, l4, 20, &x);
	b[0] = 0x43;
	put16(b + 10, 0);
	put16(b + 10, sum_fold(sum_add(0, b, 20)));
	w->now += 100;
	emit(w, &nolnk, &n.c, &n.s, ETH_IP, b, len);

	tcp_send(&c, S, TH_ACK, smss, RTT);

	/* On the connection's own tuple: TCP data offset 2 (8 bytes). */
	seg_init(&c, &s, C, TH_ACK, 0);
	s.doff = 2;
	s.lost = 1;
	seg_out(&c, &s, 20);

	/* ... and an option whose length byte is 0. */
	seg_init(&c, &s, C, TH_ACK, 0);
	s.opts = OPT_NONE;
	s.rawopt = badopt;
	s.rawoptlen = sizeof(badopt);
	s.lost = 1;
	seg_out(&c, &s, 10);

	tcp_send(&c, S, TH_ACK, smss, SEG_GAP);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);

	/* UDP length 3, below the 8-byte header; no checksum. */
	put16(l4, 40100);
	put16(l4 + 2, 53);
	put16(l4 + 4, 3);
	put16(l4 + 6, 0);
	for (i = 0; i < 12; i++)
		l4[8 + i] = 0x41 + i;
	x.rawsum = 1;
	len = ip_build(b, &n.c, &n.s, P_UDP, l4, 20, &x);
	x.rawsum = 0;
	w->now += 300;
	emit(w, &nolnk, &n.c, &n.s, ETH_IP, b, len);

	/* ARP who-has 10.0.0.2 tell 10.0.0.1. */
	memset(&bc, 0, sizeof(bc));
	memcpy(bc.mac, bcast, 6);
	put16(b, 1);
	put16(b + 2, ETH_IP);
	b[4] = 6;
	b[5] = 4;
	put16(b + 6, 1);
	memcpy(b + 8, n.c.mac, 6);
	memcpy(b + 14, n.c.addr, 4);
	memset(b + 18, 0, 6);
	memcpy(b + 24, n.s.addr, 4);
	w->now += 200;
	emit(w, &nolnk, &n.c, &bc, ETH_ARP, b, 28);

	tcp_send(&c, S, TH_PSH | TH_ACK, 3000 - 2 * smss, 50);

	/* An ICMP echo request, as ping sends it (56 bytes of data). */
	memset(l4, 0, sizeof(l4));
	l4[0] = 8;
	put16(l4 + 4, 0x1c2d);
	put16(l4 + 6, 1);
	for (i = 0; i < 56; i++)
		l4[8 + i] = 0x10 + i;
	w->now += 150;
	ip_send(w, &nolnk, &n.c, &n.s, P_ICMP, l4, 64, &x, 1);

	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);

	/* Ten bytes of noise: not even an Ethernet header. */
	w->now += 500;
	rec_write(w, noise, sizeof(noise), w->now);

	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * A connection from client port cport to the server's 443, its handshake
 * long gone: 5000 bytes sent and acknowledged one way, 80000 the other.
 */
static void
mid_stream_conn(struct wr *w, struct net *n, struct conn *c, uint16_t cport)
{
	net_v4(n);
	conn_init(c, w, &nolnk, &n->c, cport, 3141592653U, &n->s, 443,
	    2718281828U);
	conn_established(c);
	c->e[C].nxt += 5000;
	c->e[S].ack = c->e[C].nxt;
	c->e[S].nxt += 80000;
	c->e[C].ack = c->e[S].nxt;
}

static void
sc_mid_stream(struct wr *w)
{
	struct net n;
	struct conn c;

	/* The capture starts in the middle: the server is sending. */
	mid_stream_conn(w, &n, &c, 51000);
	tcp_send(&c, S, TH_ACK, 1448, 0);
	tcp_send(&c, S, TH_PSH | TH_ACK, 1448, SEG_GAP);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_send(&c, C, TH_PSH | TH_ACK, 300, 50 * MSEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 500, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	/* All acknowledged both ways; the client application aborts. */
	tcp_send(&c, C, TH_RST | TH_ACK, 0, 2 * USEC);
}

/*
 * Picked up mid-stream with only the client heard: it sends a request
 * (perhaps a retransmission of one the capture never saw), the server
 * answers with RST|ACK.  Whether anything was outstanding before the
 * capture started cannot be known, so the RST is counted, not judged.
 */
static void
sc_mid_stream_one_end_rst(struct wr *w)
{
	struct net n;
	struct conn c;

	mid_stream_conn(w, &n, &c, 51001);
	tcp_send(&c, C, TH_PSH | TH_ACK, 300, 0);
	tcp_send(&c, S, TH_RST | TH_ACK, 0, RTT);
}

/*
 * A UDP datagram answered by an ICMP port unreachable whose quoted IPv4
 * header says total length 0: no packet that crossed a wire had that
 * length, so the error is malformed (a forgery or a broken device) and
 * raises no alert.
 */
static void
sc_icmp_quote_zero_length(struct wr *w)
{
	struct net n;

	net_v4(&n);
	udp_send(w, &nolnk, &n.c, 53002, &n.s, 9999, 40, 0);
	put16(w->last + 2, 0);
	icmp_unreach(w, &nolnk, &n.s, &n.c, 3, 3, 0, RTT);
}

static void
sc_loss_reset_by_server(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0;
	uint32_t seq;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40031, ISN_C, &n.s, 8080, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	/* The response never gets to the client. */
	c.e[S].drop = 1;
	seq = c.e[S].nxt;
	tcp_send(&c, S, TH_PSH | TH_ACK, 1000, RTT);
	t0 = w->now;
	rto_resends(&c, S, seq, 1000, t0, 3);
	/* The server application times out and aborts. */
	tcp_send(&c, S, TH_RST | TH_ACK, 0, until(w, t0, 2 * USEC));
}

static void
sc_capture_gap(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40032, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_ACK, 100, 5 * MSEC);
	/* Sent and delivered, but the capture missed it. */
	seg_init(&c, &s, C, TH_PSH | TH_ACK, 200);
	s.nocapture = 1;
	seg_out(&c, &s, SEG_GAP);
	/* So the server acknowledges 300 bytes of which 100 were seen. */
	tcp_send(&c, S, TH_ACK, 0, RTT);
	tcp_send(&c, S, TH_PSH | TH_ACK, 500, 2 * MSEC);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_send(&c, C, TH_RST | TH_ACK, 0, 1 * USEC);
}

/*
 * Re-sends just after the original (a tail loss probe, a FIN sent twice):
 * they end at the sender's mark, so they cannot be reordered originals.
 */
static void
sc_resend_at_mark(struct wr *w)
{
	struct net n;
	struct conn c;
	uint32_t seq;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40033, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	seq = c.e[C].nxt;
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	tcp_resend(&c, C, TH_PSH | TH_ACK, seq, 100, 500);
	tcp_send(&c, S, TH_ACK, 0, RTT);
	tcp_send(&c, S, TH_PSH | TH_ACK, 300, 2 * MSEC);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	seq = c.e[C].nxt;
	tcp_send(&c, C, TH_FIN | TH_ACK, 0, 10 * MSEC);
	tcp_resend(&c, C, TH_FIN | TH_ACK, seq, 0, 300);
	tcp_send(&c, S, TH_FIN | TH_ACK, 0, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
}

/*
 * The first SYN is lost, the retry 1 s later is answered; then the path
 * loses the request and its retransmissions until the client aborts.
 * The reordering window is the RTT of the SYN answered, not 1 s.
 */
static void
sc_syn_lost_then_loss(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0;
	uint32_t seq;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40034, ISN_C, &n.s, 5432, ISN_S);
	c.e[C].drop = 1;
	tcp_send(&c, C, TH_SYN, 0, 0);
	c.e[C].drop = 0;
	tcp_resend(&c, C, TH_SYN, ISN_C, 0, 1 * USEC);
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	c.e[C].drop = 1;
	seq = c.e[C].nxt;
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	t0 = w->now;
	rto_resends(&c, C, seq, 100, t0, 4);
	tcp_send(&c, C, TH_RST | TH_ACK, 0, until(w, t0, 5 * USEC));
}

/*
 * The capture (a ring that overflowed) misses 300 kB of an upload, far
 * more than a window; the transfer goes on and closes with FINs.
 */
static void
sc_capture_gap_wide(struct wr *w)
{
	struct net n;
	struct conn c;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40035, ISN_C, &n.s, 21, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_ACK, 1448, 5 * MSEC);
	tcp_send(&c, S, TH_ACK, 0, RTT);
	/* Sent, delivered and acknowledged while the capture was blind. */
	c.e[C].nxt += 300000;
	c.e[S].ack = c.e[C].nxt;
	w->now += 2 * USEC;
	tcp_send(&c, C, TH_ACK, 1448, 0);
	tcp_send(&c, C, TH_PSH | TH_ACK, 1448, SEG_GAP);
	tcp_send(&c, S, TH_ACK, 0, RTT);
	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * tcpdump 'tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0': the handshake's
 * SYNs, then the FINs of a connection that moved 5 kB up and 80 kB down.
 */
static void
sc_syn_fin_only(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40036, ISN_C, &n.s, 80, ISN_S);
	tcp_send(&c, C, TH_SYN, 0, 0);
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	seg_init(&c, &s, C, TH_ACK, 0);
	s.nocapture = 1;
	seg_out(&c, &s, ACK_DELAY);
	c.e[C].nxt += 5000;
	c.e[S].ack = c.e[C].nxt;
	c.e[S].nxt += 80000;
	c.e[C].ack = c.e[S].nxt;
	w->now += 3 * USEC;
	tcp_send(&c, S, TH_FIN | TH_ACK, 0, 0);
	tcp_send(&c, C, TH_FIN | TH_ACK, 0, RTT);
}

/* Picked up mid-stream (Zeek's missing-syn): data both ways, then FINs. */
static void
sc_mid_stream_fin(struct wr *w)
{
	struct net n;
	struct conn c;

	mid_stream_conn(w, &n, &c, 51002);
	tcp_send(&c, C, TH_PSH | TH_ACK, 98, 0);
	tcp_send(&c, S, TH_ACK, 1448, RTT);
	tcp_send(&c, S, TH_PSH | TH_ACK, 1000, SEG_GAP);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * The client sends 200 bytes that the path loses and the capture misses;
 * its next ACK (of the server's data) carries the sequence number after
 * them, so the re-send 200 ms later is a retransmission (as tshark says).
 */
static void
sc_pure_ack_seq(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	uint32_t seq;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40037, ISN_C, &n.s, 8240, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, S, TH_PSH | TH_ACK, 100, 5 * MSEC);
	seq = c.e[C].nxt;
	seg_init(&c, &s, C, TH_PSH | TH_ACK, 200);
	s.nocapture = 1;
	s.lost = 1;
	seg_out(&c, &s, 50);
	tcp_send(&c, C, TH_ACK, 0, 50);
	tcp_resend(&c, C, TH_PSH | TH_ACK, seq, 200, 200 * MSEC);
	tcp_send(&c, S, TH_ACK, 0, RTT);
	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * The server's two response segments are lost; it re-sends both, one
 * after the other, at every timeout (as in 206_example_b.pcap), until its
 * application aborts.  The first one's count must not start again.
 */
static void
sc_alternating_resends(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0, rto;
	uint32_t seq;
	int i;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40038, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	c.e[S].drop = 1;
	seq = c.e[S].nxt;
	tcp_send(&c, S, TH_ACK, 1448, RTT);
	tcp_send(&c, S, TH_PSH | TH_ACK, 1448, SEG_GAP);
	t0 = w->now;
	rto = 200 * MSEC;
	for (i = 0; i < 6; i++) {
		tcp_resend(&c, S, TH_ACK, seq, 1448, until(w, t0, rto));
		tcp_resend(&c, S, TH_PSH | TH_ACK, seq + 1448, 1448, SEG_GAP);
		t0 = w->now;
		rto *= 2;
	}
	tcp_send(&c, S, TH_RST | TH_ACK, 0, 5 * USEC);
}

/*
 * The server's SYN-ACKs never reach the client; after its retries
 * (net.ipv4.tcp_synack_retries) Linux drops the request, and answers the
 * client's next SYN retry as a new one, with a new ISN.
 */
static void
sc_synack_new_isn(struct wr *w)
{
	struct net n;
	struct conn c;
	uint64_t t0;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40039, ISN_C, &n.s, 443, ISN_S);
	t0 = w->now;
	tcp_send(&c, C, TH_SYN, 0, 0);
	c.e[S].drop = 1;
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	tcp_resend(&c, S, TH_SYN | TH_ACK, ISN_S, 0, until(w, t0, 1 * USEC));
	c.e[S].drop = 0;
	tcp_resend(&c, C, TH_SYN, ISN_C, 0, until(w, t0, 7 * USEC));
	c.e[S].isn = c.e[S].nxt = ISN_S + 99999999U;
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_send(&c, C, TH_PSH | TH_ACK, 100, 5 * MSEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 300, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * Zeek's rst-inject-rae.pcap, made again: a device answers the SYN with a
 * RST|ACK (TTL 46, the SYN's own IP ID) whose ack is the SYN's sequence
 * number, not the next one, so the client drops it (RFC 9293 3.10.7.3);
 * the real SYN-ACK (TTL 49) comes a second later and data flows.
 */
static void
sc_rst_syn_ack_mismatch(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	uint16_t ipid;

	net_v4(&n);
	n.s.ttl = 49;
	conn_init(&c, w, &nolnk, &n.c, 40040, ISN_C, &n.s, 6649, ISN_S);
	ipid = n.c.ipid;
	tcp_send(&c, C, TH_SYN, 0, 0);
	seg_init(&c, &s, S, TH_RST | TH_ACK, 0);
	s.seq = 0;
	s.ack = ISN_C;
	s.win = 0;
	s.opts = OPT_NONE;
	s.ttl = 46;
	s.noadv = 1;
	s.lost = 1;
	n.s.ipid = ipid;
	seg_out(&c, &s, 230 * MSEC);
	n.s.ipid = IPID_S;
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, 1 * USEC);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_send(&c, C, TH_PSH | TH_ACK, 25, 1 * MSEC);
	tcp_send(&c, S, TH_PSH | TH_ACK, 150, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * A forged refusal with the server's TTL and a right ack (only the SYN's
 * IP ID gives it away): the client believes it, so when the real SYN-ACK
 * comes it answers with a RST (RFC 9293 3.10.7.1).
 */
static void
sc_rst_syn_right_ttl(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;
	uint16_t ipid;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40041, ISN_C, &n.s, 443, ISN_S);
	ipid = n.c.ipid;
	tcp_send(&c, C, TH_SYN, 0, 0);
	n.s.ipid = ipid;
	tcp_refuse(&c, 300);
	n.s.ipid = IPID_S;
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	seg_init(&c, &s, C, TH_RST, 0);
	s.seq = c.e[S].ack;
	s.opts = OPT_NONE;
	s.win = 0;
	s.noadv = 1;
	seg_out(&c, &s, ACK_DELAY);
}

/*
 * The SYN is lost; a device answers it with a refusal the client ignores
 * (a firewall on the client drops it); the SYN retry gets the server's
 * SYN-ACK and the connection goes on.
 */
static void
sc_rst_syn_retry(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40042, ISN_C, &n.s, 25, ISN_S);
	c.e[C].drop = 1;
	tcp_send(&c, C, TH_SYN, 0, 0);
	c.e[C].drop = 0;
	seg_init(&c, &s, S, TH_RST | TH_ACK, 0);
	s.seq = 0;
	s.ack = ISN_C + 1;
	s.win = 0;
	s.opts = OPT_NONE;
	s.ttl = 58;
	s.noadv = 1;
	s.lost = 1;
	seg_out(&c, &s, 400);
	tcp_resend(&c, C, TH_SYN, ISN_C, 0, 1 * USEC);
	tcp_send(&c, S, TH_SYN | TH_ACK, 0, RTT);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_send(&c, S, TH_PSH | TH_ACK, 80, 2 * MSEC);
	tcp_send(&c, C, TH_ACK, 0, ACK_DELAY);
	tcp_fin_close(&c, C, 10 * MSEC);
}

/*
 * A device races the server: its RST (the server's TTL, the next sequence
 * number) reaches the client just before the server's real response.  The
 * client takes the RST, so it answers the response with a RST of its own.
 */
static void
sc_rst_data_race(struct wr *w)
{
	struct net n;
	struct conn c;
	struct seg s;

	net_v4(&n);
	conn_init(&c, w, &nolnk, &n.c, 40043, ISN_C, &n.s, 80, ISN_S);
	tcp_handshake(&c, 0);
	tcp_send(&c, C, TH_PSH | TH_ACK, 50, 5 * MSEC);
	seg_init(&c, &s, S, TH_RST | TH_ACK, 0);
	s.noadv = 1;
	s.lost = 1;
	seg_out(&c, &s, 300);
	tcp_send(&c, S, TH_PSH | TH_ACK, 1448, RTT - 300);
	seg_init(&c, &s, C, TH_RST, 0);
	s.seq = c.e[C].nxt;
	s.opts = OPT_NONE;
	s.win = 0;
	s.noadv = 1;
	seg_out(&c, &s, 20);
}

int
main(int argc, char *argv[])
{
	const struct scenario *sc;
	char path[PATH_MAX];
	struct wr *w;
	size_t i;
	int n;

	if (argc != 2) {
		fprintf(stderr, "usage: mkpcap dir\n");
		return 1;
	}
	/* Too big for the stack with the frame buffers on top of it. */
	if ((w = malloc(sizeof(*w))) == NULL)
		err(1, "malloc");
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		sc = &scenarios[i];
		n = snprintf(path, sizeof(path), "%s/%s.%s", argv[1],
		    sc->name, sc->ext);
		if (n < 0 || (size_t)n >= sizeof(path))
			errx(1, "%s: path too long", argv[1]);
		wr_open(w, path, strcmp(sc->ext, "pcapng") == 0,
		    sc->linktype, sc->snaplen);
		if (sc->fn != NULL)
			sc->fn(w);
		else
			refused_conn(w, sc->lk != NULL ? sc->lk : &nolnk,
			    sc->v6);
		wr_close(w);
	}
	free(w);
	return 0;
}
