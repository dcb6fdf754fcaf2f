/*
 * gentrace: writes large, realistic capture files for the benchmark
 * (make bench), deterministically from a seed, together with the ground
 * truth of what rstwatchd must report on them.
 *
 * The trace is what a mirror port between many clients and a farm of
 * servers sees: connections interleaved in time, most of them ending
 * well, some failing in each of the ways rstwatchd explains.  Every
 * connection is first written down as a script (packets with times,
 * relative sequence numbers and acknowledgements, built by one function
 * per scenario that knows exactly what the analyser has to conclude), then
 * the scripts of all the open connections are merged in time order through
 * a heap.  The number of open connections is held at the requested
 * concurrency: when one ends another starts, until the packet budget is
 * spent.
 *
 * Each connection draws everything about itself (scenario, addresses,
 * times, ISNs) from its own generator seeded by (seed, connection number),
 * so a trace is the same on every run and every machine, and a cut trace
 * (-s 128) holds exactly the packets of the full one.
 *
 * Outputs: classic pcap (Ethernet, microsecond timestamps); FILE.truth
 * (counts of expected events per kind and of flow records per close
 * reason); FILE.alerts (one line per expected event: kind proto src sport
 * dst dport), for finding the flows behind a mismatch.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../put.h"

#define PCAP_MAGIC_USEC		0xa1b2c3d4u
#define LINKTYPE_ETHERNET	1
#define FULL_SNAPLEN		262144

/* Packet time of the first packet: 2023-11-14T22:13:20Z. */
#define T0_US			1700000000000000ULL

#define ETHERTYPE_IPV4		0x0800
#define ETHERTYPE_IPV6		0x86dd
#define ETHERTYPE_8021Q		0x8100

#define TH_FIN			0x01
#define TH_SYN			0x02
#define TH_RST			0x04
#define TH_PUSH			0x08
#define TH_ACK			0x10

#define IPPROTO_TCP_		6
#define IPPROTO_UDP_		17
#define IPPROTO_ICMP_		1
#define IPPROTO_ICMPV6_		58

#define MSS			1448	/* 1500 - 20 - 20 - 12 (timestamps) */
#define MAX_OPS			160
#define MAX_FRAME		1600
#define VXLAN_OVERHEAD		50	/* outer Ethernet, IPv4, UDP, VXLAN */
#define NSERVERS		200
#define V4_CLIENTS		16777214u	/* 10.0.0.1 to 10.255.255.254 */
#define nitems(a)		(sizeof(a) / sizeof((a)[0]))
#define US			1ULL
#define MS			(1000 * US)
#define SEC			(1000 * MS)

/* Op kinds: who sends what. */
#define OP_SERVER		0x01	/* sent by the server, else the client */
#define OP_UDP			0x02
#define OP_ICMP			0x04	/* server's unreachable quoting the client's datagram */
#define OP_NOOPT		0x08	/* TCP without options (Linux's RST to a closed port) */
#define OP_DNS			0x10	/* UDP payload is a DNS query or answer */

/* DNS ops: seq holds the query's ID << 8 | name label length, AAAA flag. */
#define DNS_AAAA		0x80000000u
#define DNS_QUERY_LEN(l)	((l) + 30)	/* header, name, type, class */
#define DNS_ANSWER_LEN(l, aaaa)	((l) + 30 + ((aaaa) ? 28 : 16))

/*
 * The event kinds and close reasons, named as rstwatchd names them; each
 * list makes an enum and the names (and shares) indexed by it.
 */
#define EVENTS(X)							\
	X(EV_SYN_RETRANSMIT, "syn_retransmit")				\
	X(EV_SYNACK_RETRANSMIT, "synack_retransmit")			\
	X(EV_SYN_REFUSED, "syn_refused")				\
	X(EV_DATA_RETRANSMIT, "data_retransmit")			\
	X(EV_LOSS_RESET, "loss_reset")					\
	X(EV_APP_RESET, "app_reset")					\
	X(EV_RST_INJECTED, "rst_injected")				\
	X(EV_SEQ_ANOMALY, "seq_anomaly")				\
	X(EV_ICMP_UNREACHABLE, "icmp_unreachable")			\
	X(EV_CAPTURE_DROP, "capture_drop")				\
	X(EV_RST_RATE, "rst_rate")

/*
 * "unfinished" stands for open, timeout and handshake_timeout together:
 * which of them a flow gets depends on where the trace ends relative to
 * the analyser's timers, not on what happened in the flow.
 */
#define CLOSES(X)							\
	X(CL_GRACEFUL, "graceful")					\
	X(CL_REFUSED, "refused")					\
	X(CL_LOSS_RESET, "loss_reset")					\
	X(CL_APP_RESET, "app_reset")					\
	X(CL_RST_INJECTED, "rst_injected")				\
	X(CL_UNFINISHED, "unfinished")

/*
 * The scenarios, their names in the summary and their share per 1000
 * connections (a server's ordinary day).
 */
#define SCENARIOS(X)							\
	X(SC_CLEAN, "clean", 700)					\
	X(SC_SYN_TIMEOUT, "syn_timeout", 40)				\
	X(SC_REFUSED, "refused", 40)					\
	X(SC_LOSS_RESET, "loss_reset", 30)				\
	X(SC_APP_RESET, "app_reset", 40)				\
	X(SC_RTX_RECOVER, "rtx_recovered", 20)				\
	X(SC_UDP_UNREACH, "udp_unreachable", 30)			\
	X(SC_UDP_OK, "udp_ok", 100)					\
	X(SC_SYN_ONLY, "syn_only", 0)

/* Variants of a clean connection, counted for the summary. */
#define VARIANTS(X)							\
	X(VA_PLAIN, "plain")						\
	X(VA_KEEPALIVE, "keepalive")					\
	X(VA_REORDER, "reorder")					\
	X(VA_SYN_RETRY, "syn_retry_ok")					\
	X(VA_FAST_RTX, "fast_retransmit")				\
	X(VA_SERVER_CLOSE, "server_close")

#define ENUM2(e, name)		e,
#define NAME2(e, name)		name,
#define ENUM3(e, name, n)	e,
#define NAME3(e, name, n)	name,
#define SHARE3(e, name, n)	n,

enum ev { EVENTS(ENUM2) EV_N };
static const char *const ev_names[EV_N] = { EVENTS(NAME2) };

enum close { CLOSES(ENUM2) CL_N };
static const char *const close_names[CL_N] = { CLOSES(NAME2) };

enum scenario { SCENARIOS(ENUM3) SC_N };
static const char *const sc_names[SC_N] = { SCENARIOS(NAME3) };
static const unsigned sc_permille[SC_N] = { SCENARIOS(SHARE3) };

enum variant { VARIANTS(ENUM2) VA_N };
static const char *const va_names[VA_N] = { VARIANTS(NAME2) };

/*
 * One packet of a script.  Sequence numbers are relative to the sender's
 * ISN (the SYN is 0), acknowledgements to the receiver's; t is from the
 * start of the connection.
 */
struct op {
	uint32_t	t_us;
	uint32_t	seq;
	uint32_t	ack;
	uint16_t	len;		/* payload; for OP_ICMP the quoted datagram's */
	uint8_t		flags;		/* TCP flags */
	uint8_t		kind;		/* OP_* */
};

struct conn {
	uint64_t	start_us;	/* from T0 */
	struct op	*ops;
	uint32_t	nops;
	uint32_t	next;
	uint32_t	id;
	uint32_t	isn[2];		/* client, server */
	uint32_t	tsval[2];	/* TCP timestamp clocks at the start */
	uint32_t	tsecr[2];	/* last timestamp each side saw */
	uint16_t	port[2];
	uint16_t	ipid[2];
	uint16_t	udp_ipid;	/* of the client's last datagram (quoted) */
	uint16_t	vlan;		/* 0: untagged */
	uint16_t	win[2];		/* raw, after the SYN */
	uint8_t		ttl[2];
	uint8_t		wscale[2];
	uint8_t		v6;
	uint8_t		server;
};

/* What the flow records' counters must add up to (SPEC section 6). */
struct counts {
	uint64_t	syn_retransmits;
	uint64_t	retransmits;	/* data and FIN, both directions */
	uint64_t	keepalives;
	uint64_t	out_of_order;
};

/* The script of one connection being written. */
struct script {
	struct op	op[MAX_OPS];
	uint32_t	n;
	uint64_t	t;		/* current time, from the start */
	uint32_t	snd[2];		/* next relative sequence number, per side */
	uint64_t	rng;
	uint32_t	h1_us;		/* mirror <-> server round trip */
	uint32_t	h2_us;		/* mirror <-> client round trip */
	unsigned	events;		/* bit per enum ev */
	enum close	close;
	enum variant	variant;
	struct counts	cnt;
};

struct heap_ent {
	uint64_t	key;		/* packet time of the connection's next op */
	struct conn	*c;
};

struct gen {
	/* Options. */
	uint64_t	packets;
	uint64_t	concurrency;
	uint64_t	seed;
	uint32_t	snaplen;
	bool		flood;
	bool		vxlan;		/* every frame inside VXLAN, VNI 42 */
	const char	*out_path;

	FILE		*out;
	FILE		*alerts;
	struct heap_ent	*heap;
	size_t		heap_n;
	uint64_t	rng;
	uint64_t	planned;	/* packets of the connections started */
	uint32_t	next_id;
	uint64_t	last_ts;

	/* Truth and statistics. */
	uint64_t	written;
	uint64_t	bytes_wire;
	uint64_t	conns;
	uint64_t	tcp, udp, v6, vlan;
	uint64_t	active, peak_active;
	uint64_t	ev_count[EV_N];
	uint64_t	flow_pkts;	/* TCP and UDP packets: pkts_orig + pkts_resp */
	struct counts	cnt;
	uint64_t	close_count[CL_N];
	uint64_t	sc_count[SC_N];
	uint64_t	va_count[VA_N];
};

static void	usage(void) __attribute__((noreturn));
static uint64_t	parse_num(const char *, const char *, uint64_t, uint64_t);
static uint64_t	splitmix(uint64_t *);
static uint32_t	rnd(uint64_t *, uint32_t);
static uint32_t	rnd_range(uint64_t *, uint32_t, uint32_t);
static uint32_t	rnd_exp_us(uint64_t *, uint32_t, uint32_t);
static void	push(struct script *, int, uint8_t, uint8_t, uint32_t,
		    uint32_t, uint32_t);
static uint32_t	seg(struct script *, int, uint8_t, uint32_t, uint32_t);
static void	sc_handshake(struct script *, unsigned);
static void	sc_exchange(struct script *, bool);
static void	sc_close(struct script *, bool);
static void	sc_think(struct script *);
static uint32_t	rto_us(const struct script *);
static void	build_clean(struct script *);
static void	build_syn_timeout(struct script *);
static void	build_refused(struct script *);
static void	build_loss_reset(struct script *);
static void	build_app_reset(struct script *);
static void	build_rtx_recover(struct script *);
static void	build_udp_unreach(struct script *);
static void	build_udp_ok(struct script *);
static void	build_syn_only(struct script *);
static struct conn *conn_new(struct gen *, uint64_t);
static uint16_t	client_port(const struct gen *, uint32_t);
static void	conn_addrs(const struct conn *, uint8_t[16], uint8_t[16]);
static void	write_alerts(struct gen *, const struct conn *, unsigned, int);
static void	heap_push(struct gen *, struct conn *);
static void	heap_fix_top(struct gen *);
static void	heap_pop(struct gen *);
static void	dns_message(uint8_t *, const struct op *, int);
static void	emit(struct gen *, struct conn *, const struct op *, uint64_t);
static void	write_frame(struct gen *, uint64_t, const uint8_t *, uint32_t);
static uint32_t	sum16(const uint8_t *, size_t);
static uint32_t	sum_fill(uint8_t, size_t);
static uint16_t	fold(uint32_t);
static void	write_truth(struct gen *, const char *);

static void
usage(void)
{
	fprintf(stderr,
	    "usage: gentrace [-fx] [-n packets] [-c concurrency] [-S seed] "
	    "[-s snaplen] -o file.pcap\n"
	    "  -n  packets to write (default 1000000)\n"
	    "  -c  connections open at once (default packets / 10)\n"
	    "  -S  seed (default 1)\n"
	    "  -s  snaplen: 0 keeps whole frames (default), 128 cuts them "
	    "(caplen 128, len kept)\n"
	    "  -f  flood: one SYN per flow, every flow distinct\n"
	    "  -x  every frame inside VXLAN (RFC 7348), VNI 42, between\n"
	    "      192.168.100.1 (clients' side) and 192.168.100.2\n"
	    "  -o  output; the truth goes to FILE.truth and FILE.alerts\n");
	exit(1);
}

static uint64_t
parse_num(const char *what, const char *s, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' ||
	    v < min || v > max) {
		fprintf(stderr, "gentrace: %s: %s: want %" PRIu64 " to %" PRIu64
		    "\n", what, s, min, max);
		exit(1);
	}
	return v;
}

/* splitmix64 (Steele, Lea, Flood 2014): tiny, fast, fine for test data. */
static uint64_t
splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0 (the bias of the multiply is negligible here). */
static uint32_t
rnd(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((splitmix(s) >> 32) * (uint64_t)n) >> 32);
}

static uint32_t
rnd_range(uint64_t *s, uint32_t lo, uint32_t hi)
{
	return lo + rnd(s, hi - lo + 1);
}

/* Exponential with the given mean, capped: think times between requests. */
static uint32_t
rnd_exp_us(uint64_t *s, uint32_t mean_us, uint32_t cap_us)
{
	/* u in (0, 1]: the top 53 bits, never 0, so the log is finite. */
	double u = (double)((splitmix(s) >> 11) + 1) / 9007199254740992.0;
	double v = -log(u) * mean_us;

	return v > cap_us ? cap_us : (uint32_t)v;
}

/* --- scripts ----------------------------------------------------------- */

static void
push(struct script *b, int server, uint8_t kind, uint8_t flags, uint32_t seq,
    uint32_t len, uint32_t ack)
{
	struct op *o;

	if (b->n == MAX_OPS) {
		fprintf(stderr, "gentrace: script over %d packets\n", MAX_OPS);
		exit(2);
	}
	if (b->t > UINT32_MAX) {
		fprintf(stderr, "gentrace: connection longer than 4294 s\n");
		exit(2);
	}
	o = &b->op[b->n++];
	o->t_us = (uint32_t)b->t;
	o->seq = seq;
	o->ack = (flags & TH_ACK) ? ack : 0;
	o->len = (uint16_t)len;
	o->flags = flags;
	o->kind = kind | (server ? OP_SERVER : 0);
}

/* New data (or SYN/FIN) from one side: takes the next sequence numbers. */
static uint32_t
seg(struct script *b, int server, uint8_t flags, uint32_t len, uint32_t ack)
{
	uint32_t seq = b->snd[server];

	push(b, server, 0, flags, seq, len, ack);
	b->snd[server] += len + !!(flags & TH_SYN) + !!(flags & TH_FIN);
	return seq;
}

/*
 * SYN, SYN-ACK, ACK, as the mirror sees them: the server answers one
 * mirror-server round trip after the SYN, the client one mirror-client
 * round trip after that.  Retries resend the SYN (same ISN) after 1, 2,
 * 4 ... seconds, as Linux does.
 */
static void
sc_handshake(struct script *b, unsigned retries)
{
	seg(b, 0, TH_SYN, 0, 0);
	for (unsigned i = 0; i < retries; i++) {
		b->t += (1ULL << i) * SEC;
		push(b, 0, 0, TH_SYN, 0, 0, 0);
	}
	b->cnt.syn_retransmits += retries;
	b->t += b->h1_us + rnd_range(&b->rng, 5, 40);
	seg(b, 1, TH_SYN | TH_ACK, 0, b->snd[0]);
	b->t += b->h2_us;
	seg(b, 0, TH_ACK, 0, b->snd[1]);
}

/* Time the application thinks between requests. */
static void
sc_think(struct script *b)
{
	b->t += MS + rnd_exp_us(&b->rng, 8 * SEC, 60 * SEC);
}

/* Request from the client, response in 1 to 4 segments, the client's ACK. */
static void
sc_exchange(struct script *b, bool reorder)
{
	uint32_t req = rnd_range(&b->rng, 40, 900);
	uint32_t resp = rnd(&b->rng, 4) == 0 ? rnd_range(&b->rng, 2000, 5500) :
	    rnd_range(&b->rng, 80, MSS);

	if (reorder) {
		/*
		 * Two request segments swapped between the client and the
		 * mirror: B is seen first, A a few microseconds later (well
		 * within the handshake RTT, so out-of-order, not a
		 * retransmission); the server dup-ACKs B, then ACKs both.
		 */
		uint32_t a = b->snd[0], lena = MSS, lenb = req;
		uint32_t delta = rnd_range(&b->rng, 5, b->h1_us / 2);
		uint64_t t0 = b->t;

		b->snd[0] += lena + lenb;
		push(b, 0, 0, TH_ACK | TH_PUSH, a + lena, lenb, b->snd[1]);
		b->t = t0 + delta;
		push(b, 0, 0, TH_ACK, a, lena, b->snd[1]);
		b->t = t0 + b->h1_us;
		push(b, 1, 0, TH_ACK, b->snd[1], 0, a);
		b->t = t0 + delta + b->h1_us;
		push(b, 1, 0, TH_ACK, b->snd[1], 0, b->snd[0]);
		b->cnt.out_of_order++;
	} else
		seg(b, 0, TH_ACK | TH_PUSH, req, b->snd[1]);

	b->t += b->h1_us + rnd_range(&b->rng, 20, 2000);
	while (resp > 0) {
		uint32_t l = resp > MSS ? MSS : resp;

		resp -= l;
		seg(b, 1, resp ? TH_ACK : TH_ACK | TH_PUSH, l, b->snd[0]);
		if (resp)
			b->t += rnd_range(&b->rng, 10, 40);
	}
	b->t += b->h2_us;
	seg(b, 0, TH_ACK, 0, b->snd[1]);
}

/* FIN, FIN, ACK; by the client unless server_first. */
static void
sc_close(struct script *b, bool server_first)
{
	int first = server_first ? 1 : 0;
	uint32_t hop1 = server_first ? b->h2_us : b->h1_us;
	uint32_t hop2 = server_first ? b->h1_us : b->h2_us;

	seg(b, first, TH_FIN | TH_ACK, 0, b->snd[!first]);
	b->t += hop1 + rnd_range(&b->rng, 5, 40);
	seg(b, !first, TH_FIN | TH_ACK, 0, b->snd[first]);
	b->t += hop2;
	seg(b, first, TH_ACK, 0, b->snd[!first]);
}

/* Linux's first retransmission timeout: 200 ms plus the round trip. */
static uint32_t
rto_us(const struct script *b)
{
	return 200 * MS + b->h1_us + b->h2_us;
}

static void
build_clean(struct script *b)
{
	unsigned rounds = 1, r = rnd(&b->rng, 100);

	while (rounds < 4 && rnd(&b->rng, 100) < 35)
		rounds++;
	b->variant = r < 8 ? VA_KEEPALIVE : r < 13 ? VA_REORDER :
	    r < 16 ? VA_SYN_RETRY : r < 19 ? VA_FAST_RTX :
	    r < 40 ? VA_SERVER_CLOSE : VA_PLAIN;
	b->close = CL_GRACEFUL;

	/* One or two SYN retries, then an answer: no alert (threshold 3). */
	sc_handshake(b, b->variant == VA_SYN_RETRY ? rnd_range(&b->rng, 1, 2) : 0);
	for (unsigned i = 0; i < rounds; i++) {
		if (b->variant == VA_FAST_RTX && i == rounds - 1)
			break;
		b->t += rnd_range(&b->rng, 50, 500);
		sc_exchange(b, b->variant == VA_REORDER && i == 0);
		if (i + 1 < rounds)
			sc_think(b);
	}
	if (b->variant == VA_FAST_RTX) {
		/*
		 * A 5-segment response whose 2nd segment is lost beyond the
		 * mirror: the client ACKs the 1st, then sends three duplicate
		 * ACKs (paced segments, so they are over 100 us apart and
		 * cannot pass for copies), and the server fast-retransmits.
		 */
		uint32_t segs[5], gap = rnd_range(&b->rng, 150, 400);
		uint64_t t0;

		b->t += rnd_range(&b->rng, 50, 500);
		seg(b, 0, TH_ACK | TH_PUSH, rnd_range(&b->rng, 40, 600), b->snd[1]);
		b->t += b->h1_us + rnd_range(&b->rng, 20, 2000);
		t0 = b->t;
		for (int i = 0; i < 5; i++) {
			b->t = t0 + (uint64_t)i * gap;
			segs[i] = seg(b, 1, i == 4 ? TH_ACK | TH_PUSH : TH_ACK,
			    MSS, b->snd[0]);
		}
		for (int i = 0; i < 5; i++) {
			if (i == 1)
				continue;
			b->t = t0 + (uint64_t)i * gap + b->h2_us;
			push(b, 0, 0, TH_ACK, b->snd[0], 0, segs[1]);
		}
		b->t += b->h1_us;
		push(b, 1, 0, TH_ACK, segs[1], MSS, b->snd[0]);
		b->cnt.retransmits++;
		b->t += b->h2_us;
		seg(b, 0, TH_ACK, 0, b->snd[1]);
	}
	if (b->variant == VA_KEEPALIVE) {
		/* Idle, then keep-alives one below the mark, each ACKed. */
		unsigned n = rnd_range(&b->rng, 1, 3);

		for (unsigned i = 0; i < n; i++) {
			b->t += rnd_range(&b->rng, 10, 20) * SEC;
			push(b, 0, 0, TH_ACK, b->snd[0] - 1, 0, b->snd[1]);
			b->cnt.keepalives++;
			b->t += b->h1_us + rnd_range(&b->rng, 5, 40);
			push(b, 1, 0, TH_ACK, b->snd[1], 0, b->snd[0]);
		}
	}
	sc_think(b);
	sc_close(b, b->variant == VA_SERVER_CLOSE);
}

/* SYN and 3 to 6 retries, no answer (a firewall drops it): one alert. */
static void
build_syn_timeout(struct script *b)
{
	unsigned retries = rnd_range(&b->rng, 3, 6);

	seg(b, 0, TH_SYN, 0, 0);
	for (unsigned i = 0; i < retries; i++) {
		b->t += (1ULL << i) * SEC;
		push(b, 0, 0, TH_SYN, 0, 0, 0);
	}
	b->cnt.syn_retransmits += retries;
	b->events |= 1u << EV_SYN_RETRANSMIT;
	b->close = CL_UNFINISHED;
}

/* Closed port: Linux answers RST|ACK, seq 0, ack ISN+1, no options. */
static void
build_refused(struct script *b)
{
	seg(b, 0, TH_SYN, 0, 0);
	b->t += b->h1_us + rnd_range(&b->rng, 5, 30);
	push(b, 1, OP_NOOPT, TH_RST | TH_ACK, 0, 0, b->snd[0]);
	b->events |= 1u << EV_SYN_REFUSED;
	b->close = CL_REFUSED;
}

/*
 * Some good exchanges, then data that is never acknowledged: the sender
 * retransmits it 1 to 7 times with a doubling timeout and gives up with a
 * RST at its high-water mark.  Mostly the client's request is lost (the
 * path to the server died), sometimes the server's response.
 */
static void
build_loss_reset(struct script *b)
{
	unsigned good = rnd(&b->rng, 3), n = rnd_range(&b->rng, 1, 7);
	int who = rnd(&b->rng, 4) == 0 ? 1 : 0;
	uint32_t rto = rto_us(b), seq, len;
	uint64_t t0;

	sc_handshake(b, 0);
	for (unsigned i = 0; i < good; i++) {
		b->t += rnd_range(&b->rng, 50, 500);
		sc_exchange(b, false);
		sc_think(b);
	}
	b->t += rnd_range(&b->rng, 50, 500);
	if (who == 1) {
		seg(b, 0, TH_ACK | TH_PUSH, rnd_range(&b->rng, 40, 600), b->snd[1]);
		b->t += b->h1_us + rnd_range(&b->rng, 20, 2000);
	}
	len = rnd_range(&b->rng, 100, MSS);
	t0 = b->t;
	seq = seg(b, who, TH_ACK | TH_PUSH, len, b->snd[!who]);
	for (unsigned i = 1; i <= n; i++) {
		b->t = t0 + (uint64_t)rto * ((1ULL << i) - 1);
		push(b, who, 0, TH_ACK | TH_PUSH, seq, len, b->snd[!who]);
	}
	b->cnt.retransmits += n;
	b->t += (uint64_t)rto * (1ULL << n) / 2 +
	    rnd(&b->rng, (uint32_t)((uint64_t)rto * (1ULL << n) / 2));
	push(b, who, 0, TH_RST | TH_ACK, b->snd[who], 0, b->snd[!who]);
	b->events |= 1u << EV_LOSS_RESET;
	if (n >= 5)
		b->events |= 1u << EV_DATA_RETRANSMIT;
	b->close = CL_LOSS_RESET;
}

/* Good exchanges, then an application aborts: mostly the server's. */
static void
build_app_reset(struct script *b)
{
	unsigned good = rnd_range(&b->rng, 1, 3);
	int who = rnd(&b->rng, 10) < 7 ? 1 : 0;

	sc_handshake(b, 0);
	for (unsigned i = 0; i < good; i++) {
		b->t += rnd_range(&b->rng, 50, 500);
		sc_exchange(b, false);
		sc_think(b);
	}
	push(b, who, 0, TH_RST | TH_ACK, b->snd[who], 0, b->snd[!who]);
	b->events |= 1u << EV_APP_RESET;
	b->close = CL_APP_RESET;
}

/*
 * A response segment lost 2 to 6 times, then acknowledged: the
 * connection recovers and closes normally.  Five or more retransmissions
 * of the one segment raise data_retransmit.
 */
static void
build_rtx_recover(struct script *b)
{
	unsigned n = rnd_range(&b->rng, 2, 6);
	uint32_t rto = rto_us(b), seq, len = rnd_range(&b->rng, 200, MSS);
	uint64_t t0;

	sc_handshake(b, 0);
	b->t += rnd_range(&b->rng, 50, 500);
	seg(b, 0, TH_ACK | TH_PUSH, rnd_range(&b->rng, 40, 600), b->snd[1]);
	b->t += b->h1_us + rnd_range(&b->rng, 20, 2000);
	t0 = b->t;
	seq = seg(b, 1, TH_ACK | TH_PUSH, len, b->snd[0]);
	for (unsigned i = 1; i <= n; i++) {
		b->t = t0 + (uint64_t)rto * ((1ULL << i) - 1);
		push(b, 1, 0, TH_ACK | TH_PUSH, seq, len, b->snd[0]);
	}
	b->cnt.retransmits += n;
	b->t += b->h2_us;
	seg(b, 0, TH_ACK, 0, b->snd[1]);
	sc_think(b);
	sc_close(b, false);
	if (n >= 5)
		b->events |= 1u << EV_DATA_RETRANSMIT;
	b->close = CL_GRACEFUL;
}

/* A datagram to a closed port, ICMP port unreachable; the client may retry. */
static void
build_udp_unreach(struct script *b)
{
	unsigned tries = 1 + (rnd(&b->rng, 3) == 0 ? rnd_range(&b->rng, 1, 2) : 0);
	uint32_t len = rnd_range(&b->rng, 20, 200);

	for (unsigned i = 0; i < tries; i++) {
		if (i > 0)
			b->t += rnd_range(&b->rng, 1000, 5000) * MS;
		push(b, 0, OP_UDP, 0, 0, len, 0);
		b->t += b->h1_us + rnd_range(&b->rng, 5, 50);
		push(b, 1, OP_ICMP, 0, 0, len, 0);
	}
	b->events |= 1u << EV_ICMP_UNREACHABLE;
	b->close = CL_REFUSED;
}

/*
 * A DNS query and its answer (valid messages, so that a dissector reading
 * them works as it would on real traffic), sometimes A and AAAA together.
 */
static void
build_udp_ok(struct script *b)
{
	unsigned q = rnd(&b->rng, 10) < 4 ? 2 : 1;
	uint32_t label = rnd_range(&b->rng, 1, 30);

	for (unsigned i = 0; i < q; i++) {
		uint32_t dns = (rnd(&b->rng, 65536) << 8 | label) |
		    (i == 1 ? DNS_AAAA : 0);

		if (i > 0)
			b->t += rnd_range(&b->rng, 20, 300);
		push(b, 0, OP_UDP | OP_DNS, 0, dns, DNS_QUERY_LEN(label), 0);
		b->t += b->h1_us + rnd_range(&b->rng, 20, 3000);
		push(b, 1, OP_UDP | OP_DNS, 0, dns,
		    DNS_ANSWER_LEN(label, i == 1), 0);
	}
	b->close = CL_UNFINISHED;
}

/* Flood: a lone SYN. */
static void
build_syn_only(struct script *b)
{
	seg(b, 0, TH_SYN, 0, 0);
	b->close = CL_UNFINISHED;
}

/* --- connections ------------------------------------------------------- */

static const uint16_t tcp_ports[] = {
	443, 443, 443, 443, 443, 443, 443, 443, 443, 443, 80, 80, 80,
	5432, 5432, 3306, 3306, 445, 3389, 8080, 22, 22, 6379, 25
};
static const uint16_t closed_ports[] = { 81, 8443, 9000, 23, 8081, 1433 };
static const uint16_t udp_closed_ports[] = { 9999, 33434, 33435, 33436, 7777, 4444 };

/*
 * Clients 10.0.0.1 to 10.255.255.254 (IPv4) by connection number, with
 * wrap-around after V4_CLIENTS connections.  The ephemeral port keeps the
 * tuples of the rounds apart: it is a function of the address (the same
 * in every round) plus 4099 times the round, and 4099 being odd, two
 * rounds never give one address the same port.
 */
static uint16_t
client_port(const struct gen *g, uint32_t id)
{
	uint64_t h = g->seed ^ (uint64_t)(id % V4_CLIENTS) * 0x9e3779b97f4a7c15ULL;

	return (uint16_t)(32768 + ((id / V4_CLIENTS * 4099 +
	    (uint32_t)splitmix(&h)) & 0x7fff));
}

static void
conn_addrs(const struct conn *c, uint8_t cli[16], uint8_t srv[16])
{
	uint32_t low = 1 + c->id % V4_CLIENTS;

	memset(cli, 0, 16);
	memset(srv, 0, 16);
	if (c->v6) {
		/* 2001:db8:c::/64 clients, 2001:db8:5::/64 servers. */
		cli[0] = 0x20; cli[1] = 0x01; cli[2] = 0x0d; cli[3] = 0xb8;
		cli[5] = 0x0c;
		cli[12] = (uint8_t)(c->id >> 24);
		cli[13] = (uint8_t)(c->id >> 16);
		cli[14] = (uint8_t)(c->id >> 8);
		cli[15] = (uint8_t)c->id;
		cli[11] = 1;
		srv[0] = 0x20; srv[1] = 0x01; srv[2] = 0x0d; srv[3] = 0xb8;
		srv[5] = 0x05;
		srv[15] = (uint8_t)(c->server + 1);
	} else {
		/* 10.0.0.0/8 clients, 172.16.1.0/24 servers. */
		cli[0] = 10;
		cli[1] = (uint8_t)(low >> 16);
		cli[2] = (uint8_t)(low >> 8);
		cli[3] = (uint8_t)low;
		srv[0] = 172; srv[1] = 16; srv[2] = 1;
		srv[3] = (uint8_t)(c->server + 1);
	}
}

/* One line per expected event, for finding the flows behind a mismatch. */
static void
write_alerts(struct gen *g, const struct conn *c, unsigned events, int udp)
{
	uint8_t cli[16], srv[16];
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	int af = c->v6 ? AF_INET6 : AF_INET;

	if (events == 0 || g->alerts == NULL)
		return;
	conn_addrs(c, cli, srv);
	inet_ntop(af, cli, a, sizeof(a));
	inet_ntop(af, srv, b, sizeof(b));
	for (int k = 0; k < EV_N; k++)
		if (events & (1u << k))
			fprintf(g->alerts, "%s %s %s %u %s %u\n", ev_names[k],
			    udp ? "udp" : "tcp", a, c->port[0], b, c->port[1]);
}

static struct conn *
conn_new(struct gen *g, uint64_t start_us)
{
	static struct script b;
	struct conn *c;
	uint64_t rng;
	uint32_t id = g->next_id++, r;
	enum scenario sc;
	int udp;

	/* Everything about connection id comes from (seed, id) alone. */
	rng = g->seed * 0x9e3779b97f4a7c15ULL ^ (uint64_t)id * 0xd1b54a32d192ed03ULL;
	splitmix(&rng);

	if (g->flood)
		sc = SC_SYN_ONLY;
	else {
		r = rnd(&rng, 1000);
		for (sc = 0; sc < SC_N - 1 && r >= sc_permille[sc]; sc++)
			r -= sc_permille[sc];
	}
	udp = sc == SC_UDP_UNREACH || sc == SC_UDP_OK;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		perror("gentrace: calloc");
		exit(2);
	}
	c->id = id;
	c->start_us = start_us;
	c->v6 = rnd(&rng, 100) < 20;
	c->vlan = rnd(&rng, 100) < 15 ? (uint16_t)(10 * rnd_range(&rng, 1, 4)) : 0;
	c->server = (uint8_t)rnd(&rng, NSERVERS);
	c->port[0] = client_port(g, id);
	switch (sc) {
	case SC_REFUSED:
		c->port[1] = closed_ports[rnd(&rng, nitems(closed_ports))];
		break;
	case SC_UDP_UNREACH:
		c->port[1] = udp_closed_ports[rnd(&rng,
		    nitems(udp_closed_ports))];
		break;
	case SC_UDP_OK:
		c->port[1] = 53;
		break;
	default:
		c->port[1] = tcp_ports[rnd(&rng, nitems(tcp_ports))];
		break;
	}
	c->isn[0] = (uint32_t)splitmix(&rng);
	c->isn[1] = (uint32_t)splitmix(&rng);
	c->tsval[0] = (uint32_t)splitmix(&rng);
	c->tsval[1] = (uint32_t)splitmix(&rng);
	c->ipid[0] = (uint16_t)splitmix(&rng);
	c->ipid[1] = (uint16_t)splitmix(&rng);
	/* Linux clients 64, Windows 128, a few hops away; servers nearby. */
	c->ttl[0] = (uint8_t)((rnd(&rng, 10) < 3 ? 128 : 64) - rnd_range(&rng, 3, 20));
	c->ttl[1] = (uint8_t)(64 - rnd_range(&rng, 1, 3));
	c->wscale[0] = rnd(&rng, 10) < 3 ? 8 : 7;
	c->wscale[1] = 7;
	c->win[0] = (uint16_t)rnd_range(&rng, 250, 2000);
	c->win[1] = (uint16_t)rnd_range(&rng, 250, 509);

	memset(&b, 0, sizeof(b));
	b.rng = rng;
	b.h1_us = rnd_range(&b.rng, 100, 2000);
	/* Clients 1 to 80 ms away, most of them close. */
	b.h2_us = rnd(&b.rng, 4) == 0 ? rnd_range(&b.rng, 20, 80) * 1000 :
	    rnd_range(&b.rng, 1000, 20000);
	b.snd[0] = b.snd[1] = 0;
	switch (sc) {
	case SC_CLEAN:
		build_clean(&b);
		break;
	case SC_SYN_TIMEOUT:
		build_syn_timeout(&b);
		break;
	case SC_REFUSED:
		build_refused(&b);
		break;
	case SC_LOSS_RESET:
		build_loss_reset(&b);
		break;
	case SC_APP_RESET:
		build_app_reset(&b);
		break;
	case SC_RTX_RECOVER:
		build_rtx_recover(&b);
		break;
	case SC_UDP_UNREACH:
		build_udp_unreach(&b);
		break;
	case SC_UDP_OK:
		build_udp_ok(&b);
		break;
	default:
		build_syn_only(&b);
		break;
	}

	/* Scripts are written per side; the mirror sees them merged in time. */
	for (uint32_t i = 1; i < b.n; i++) {
		struct op x = b.op[i];
		uint32_t j = i;

		while (j > 0 && b.op[j - 1].t_us > x.t_us) {
			b.op[j] = b.op[j - 1];
			j--;
		}
		b.op[j] = x;
	}
	if ((c->ops = malloc(b.n * sizeof(*c->ops))) == NULL) {
		perror("gentrace: malloc");
		exit(2);
	}
	memcpy(c->ops, b.op, b.n * sizeof(*c->ops));
	c->nops = b.n;

	g->planned += b.n;
	g->conns++;
	g->sc_count[sc]++;
	if (sc == SC_CLEAN)
		g->va_count[b.variant]++;
	if (udp)
		g->udp++;
	else
		g->tcp++;
	g->v6 += c->v6;
	g->vlan += c->vlan != 0;
	for (int k = 0; k < EV_N; k++)
		if (b.events & (1u << k))
			g->ev_count[k]++;
	g->close_count[b.close]++;
	for (uint32_t i = 0; i < b.n; i++)
		g->flow_pkts += !(b.op[i].kind & OP_ICMP);
	g->cnt.syn_retransmits += b.cnt.syn_retransmits;
	g->cnt.retransmits += b.cnt.retransmits;
	g->cnt.keepalives += b.cnt.keepalives;
	g->cnt.out_of_order += b.cnt.out_of_order;
	write_alerts(g, c, b.events, udp);
	return c;
}

/* --- the merge --------------------------------------------------------- */

static void
heap_push(struct gen *g, struct conn *c)
{
	size_t i = g->heap_n++;
	uint64_t key = c->start_us + c->ops[c->next].t_us;

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (g->heap[parent].key <= key)
			break;
		g->heap[i] = g->heap[parent];
		i = parent;
	}
	g->heap[i].key = key;
	g->heap[i].c = c;
}

/* The top's key grew: sift it down. */
static void
heap_fix_top(struct gen *g)
{
	struct heap_ent x = g->heap[0];
	size_t i = 0, n = g->heap_n;

	for (;;) {
		size_t l = 2 * i + 1, m;

		if (l >= n)
			break;
		m = l + 1 < n && g->heap[l + 1].key < g->heap[l].key ? l + 1 : l;
		if (g->heap[m].key >= x.key)
			break;
		g->heap[i] = g->heap[m];
		i = m;
	}
	g->heap[i] = x;
}

static void
heap_pop(struct gen *g)
{
	g->heap[0] = g->heap[--g->heap_n];
	if (g->heap_n > 0)
		heap_fix_top(g);
}

/* --- frames ------------------------------------------------------------ */

static uint32_t
sum16(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (; n > 1; n -= 2, p += 2)
		s += (uint32_t)p[0] << 8 | p[1];
	if (n)
		s += (uint32_t)p[0] << 8;
	return s;
}

/* The one's complement sum of n bytes all equal to v, without reading them. */
static uint32_t
sum_fill(uint8_t v, size_t n)
{
	uint64_t s = (uint64_t)(n / 2) * ((uint32_t)v << 8 | v);

	if (n & 1)
		s += (uint32_t)v << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static void
write_frame(struct gen *g, uint64_t ts, const uint8_t *frame, uint32_t len)
{
	static uint8_t vx[MAX_FRAME + 64 + VXLAN_OVERHEAD];
	uint32_t hdr[4], caplen, sum = 0;

	if (g->vxlan) {
		/*
		 * Outer Ethernet, IPv4 (ID 0, DF), UDP to 4789 with no
		 * checksum (allowed over IPv4), VXLAN with the I flag; the
		 * frame's source MAC says which side sent it.
		 */
		int cli = frame[11] == 1;

		memcpy(vx, frame, 12);
		put16(vx + 12, ETHERTYPE_IPV4);
		memset(vx + 14, 0, 20);
		vx[14] = 0x45;
		put16(vx + 16, (uint16_t)(len + 36));
		put16(vx + 20, 0x4000);
		vx[22] = 64;
		vx[23] = IPPROTO_UDP_;
		put32(vx + 26, cli ? 0xc0a86401 : 0xc0a86402);
		put32(vx + 30, cli ? 0xc0a86402 : 0xc0a86401);
		for (int i = 0; i < 20; i += 2)
			sum += (uint32_t)vx[14 + i] << 8 | vx[15 + i];
		put16(vx + 24, fold(sum));
		put16(vx + 34, 49152);
		put16(vx + 36, 4789);
		put16(vx + 38, (uint16_t)(len + 16));
		put16(vx + 40, 0);
		put32(vx + 42, 0x08000000);
		put32(vx + 46, 42 << 8);
		memcpy(vx + VXLAN_OVERHEAD, frame, len);
		frame = vx;
		len += VXLAN_OVERHEAD;
	}
	caplen = len;

	if (g->snaplen > 0 && caplen > g->snaplen)
		caplen = g->snaplen;
	hdr[0] = (uint32_t)(ts / 1000000);
	hdr[1] = (uint32_t)(ts % 1000000);
	hdr[2] = caplen;
	hdr[3] = len;
	if (fwrite(hdr, sizeof(hdr), 1, g->out) != 1 ||
	    fwrite(frame, caplen, 1, g->out) != 1) {
		perror("gentrace: write");
		exit(2);
	}
	g->written++;
	g->bytes_wire += len;
}

/* A query for NNN.example.com (A or AAAA), or its one-record answer. */
static void
dns_message(uint8_t *p, const struct op *o, int answer)
{
	uint32_t label = o->seq & 0x7f, n = 12;
	bool aaaa = o->seq & DNS_AAAA;

	put16(p, (uint16_t)(o->seq >> 8));
	put16(p + 2, answer ? 0x8180 : 0x0100);
	put16(p + 4, 1);
	put16(p + 6, answer ? 1 : 0);
	put16(p + 8, 0);
	put16(p + 10, 0);
	p[n++] = (uint8_t)label;
	memset(p + n, 'w', label);
	n += label;
	p[n++] = 7;
	memcpy(p + n, "example", 7);
	n += 7;
	p[n++] = 3;
	memcpy(p + n, "com", 3);
	n += 3;
	p[n++] = 0;
	put16(p + n, aaaa ? 28 : 1);
	put16(p + n + 2, 1);
	n += 4;
	if (!answer)
		return;
	put16(p + n, 0xc00c);		/* the name, by pointer */
	put16(p + n + 2, aaaa ? 28 : 1);
	put16(p + n + 4, 1);
	put32(p + n + 6, 300);
	put16(p + n + 10, aaaa ? 16 : 4);
	n += 12;
	if (aaaa) {
		static const uint8_t a6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0x53 };

		memcpy(p + n, a6, 16);
	} else {
		p[n] = 192; p[n + 1] = 0; p[n + 2] = 2; p[n + 3] = 53;
	}
}

/*
 * Builds one frame: Ethernet, optional 802.1Q tag, IPv4 or IPv6, then TCP
 * (with Linux's options), UDP, or an ICMP error quoting the client's last
 * datagram.  Payload bytes are one repeated value per segment, so that
 * checksums are computed without reading them and a retransmission carries
 * the same bytes as the original.
 */
static void
emit(struct gen *g, struct conn *c, const struct op *o, uint64_t ts)
{
	static uint8_t f[MAX_FRAME + 64];
	uint8_t cli[16], srv[16], *ip, *l4;
	const uint8_t *src, *dst;
	int s = o->kind & OP_SERVER, alen = c->v6 ? 16 : 4;
	uint32_t off = 12, l4len, hlen = 0, pay = 0, sum;
	uint8_t proto, fill = 0;
	uint16_t ipid;

	conn_addrs(c, cli, srv);
	src = s ? srv : cli;
	dst = s ? cli : srv;

	/* Ethernet: locally administered MACs, one per side. */
	memset(f, 0, 12);
	f[0] = 0x02; f[5] = s ? 1 : 2;
	f[6] = 0x02; f[11] = s ? 2 : 1;
	if (c->vlan) {
		put16(f + off, ETHERTYPE_8021Q);
		put16(f + off + 2, c->vlan);
		off += 4;
	}
	put16(f + off, c->v6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4);
	off += 2;
	ip = f + off;
	l4 = ip + (c->v6 ? 40 : 20);
	ipid = c->ipid[s]++;

	if (o->kind & OP_ICMP) {
		/* Quote the client's datagram, as much as RFC 1812/4443 allow. */
		uint32_t qip = c->v6 ? 40 : 20, qlen = qip + 8 + o->len;
		uint32_t qmax = c->v6 ? 1232 : 548;
		uint8_t *q = l4 + 8;

		proto = c->v6 ? IPPROTO_ICMPV6_ : IPPROTO_ICMP_;
		if (qlen > qmax)
			qlen = qmax;
		memset(l4, 0, 8);
		l4[0] = c->v6 ? 1 : 3;		/* destination unreachable */
		l4[1] = c->v6 ? 4 : 3;		/* port unreachable */
		/* The quoted IP header, then the UDP header and data. */
		if (c->v6) {
			q[0] = 0x60;
			q[1] = q[2] = q[3] = 0;
			put16(q + 4, (uint16_t)(8 + o->len));
			q[6] = IPPROTO_UDP_;
			q[7] = c->ttl[0];
			memcpy(q + 8, cli, 16);
			memcpy(q + 24, srv, 16);
		} else {
			q[0] = 0x45;
			q[1] = 0;
			put16(q + 2, (uint16_t)(20 + 8 + o->len));
			put16(q + 4, c->udp_ipid);
			put16(q + 6, 0x4000);
			q[8] = c->ttl[0];
			q[9] = IPPROTO_UDP_;
			put16(q + 10, 0);
			memcpy(q + 12, cli, 4);
			memcpy(q + 16, srv, 4);
			put16(q + 10, fold(sum16(q, 20)));
		}
		put16(q + qip, c->port[0]);
		put16(q + qip + 2, c->port[1]);
		put16(q + qip + 4, (uint16_t)(8 + o->len));
		put16(q + qip + 6, 0);
		if (qlen > qip + 8)
			memset(q + qip + 8, 'q', qlen - qip - 8);
		l4len = 8 + qlen;
		sum = sum16(l4, l4len);
		if (c->v6) {
			sum += sum16(src, 16) + sum16(dst, 16) + l4len + proto;
		}
		put16(l4 + 2, fold(sum));
	} else if (o->kind & OP_UDP) {
		proto = IPPROTO_UDP_;
		pay = o->len;
		fill = s ? 'r' : 'q';
		l4len = 8 + pay;
		put16(l4, c->port[s]);
		put16(l4 + 2, c->port[!s]);
		put16(l4 + 4, (uint16_t)l4len);
		put16(l4 + 6, 0);
		if (!s)
			c->udp_ipid = ipid;
		if (o->kind & OP_DNS) {
			dns_message(l4 + 8, o, s);
			sum = sum16(l4 + 8, pay);
			pay = 0;	/* written already */
		} else
			sum = sum_fill(fill, pay);
		sum += sum16(l4, 8) +
		    sum16(src, (size_t)alen) + sum16(dst, (size_t)alen) +
		    IPPROTO_UDP_ + l4len;
		put16(l4 + 6, fold(sum) ? fold(sum) : 0xffff);
	} else {
		uint32_t now_ms = (uint32_t)((ts - T0_US) / 1000);
		uint8_t *opt = l4 + 20;
		uint32_t tsv = c->tsval[s] + now_ms;

		proto = IPPROTO_TCP_;
		pay = o->len;
		fill = (uint8_t)('A' + (o->seq + c->isn[s]) % 26);
		put16(l4, c->port[s]);
		put16(l4 + 2, c->port[!s]);
		put32(l4 + 4, c->isn[s] + o->seq);
		put32(l4 + 8, (o->flags & TH_ACK) ? c->isn[!s] + o->ack : 0);
		l4[13] = o->flags;
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		if (o->kind & OP_NOOPT) {
			hlen = 20;
			put16(l4 + 14, 0);
		} else if (o->flags & TH_SYN) {
			/* MSS, SACK permitted, timestamps, NOP, window scale. */
			opt[0] = 2; opt[1] = 4; put16(opt + 2, 1460);
			opt[4] = 4; opt[5] = 2;
			opt[6] = 8; opt[7] = 10;
			put32(opt + 8, tsv);
			put32(opt + 12, (o->flags & TH_ACK) ? c->tsecr[s] : 0);
			opt[16] = 1;
			opt[17] = 3; opt[18] = 3; opt[19] = c->wscale[s];
			hlen = 40;
			put16(l4 + 14, 64240);
		} else {
			opt[0] = 1; opt[1] = 1; opt[2] = 8; opt[3] = 10;
			put32(opt + 4, tsv);
			put32(opt + 8, c->tsecr[s]);
			hlen = 32;
			put16(l4 + 14, c->win[s]);
		}
		c->tsecr[!s] = tsv;
		l4[12] = (uint8_t)((hlen / 4) << 4);
		l4len = hlen + pay;
		sum = sum16(l4, hlen) + sum_fill(fill, pay) +
		    sum16(src, (size_t)alen) + sum16(dst, (size_t)alen) +
		    IPPROTO_TCP_ + l4len;
		put16(l4 + 16, fold(sum));
	}
	if (pay > 0 && (g->snaplen == 0 ||
	    (size_t)(l4 - f) + (l4len - pay) < g->snaplen))
		memset(l4 + (l4len - pay), fill, pay);

	if (c->v6) {
		ip[0] = 0x60;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)c->id);	/* low bits of the flow label */
		put16(ip + 4, (uint16_t)l4len);
		ip[6] = proto;
		ip[7] = c->ttl[s];
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint16_t)(20 + l4len));
		put16(ip + 4, ipid);
		put16(ip + 6, (o->kind & OP_ICMP) ? 0 : 0x4000);
		ip[8] = c->ttl[s];
		ip[9] = proto;
		put16(ip + 10, 0);
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, fold(sum16(ip, 20)));
	}
	write_frame(g, ts, f, (uint32_t)(l4 - f) + l4len);
}

/* --- truth ------------------------------------------------------------- */

static void
write_truth(struct gen *g, const char *path)
{
	FILE *fp;

	if ((fp = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	fprintf(fp, "# gentrace ground truth: what rstwatchd -r must report\n"
	    "# (rst_rate and capture_drop are not predicted: the bench\n"
	    "# disables rst_rate; a file has no capture drops).\n");
	fprintf(fp, "seed %" PRIu64 "\n", g->seed);
	fprintf(fp, "snaplen %u\n", g->snaplen);
	fprintf(fp, "packets %" PRIu64 "\n", g->written);
	fprintf(fp, "wire_bytes %" PRIu64 "\n", g->bytes_wire);
	fprintf(fp, "duration_us %" PRIu64 "\n", g->last_ts);
	fprintf(fp, "connections %" PRIu64 "\n", g->conns);
	fprintf(fp, "tcp %" PRIu64 "\n", g->tcp);
	fprintf(fp, "udp %" PRIu64 "\n", g->udp);
	fprintf(fp, "ipv6 %" PRIu64 "\n", g->v6);
	fprintf(fp, "vlan %" PRIu64 "\n", g->vlan);
	fprintf(fp, "concurrency_target %" PRIu64 "\n", g->concurrency);
	fprintf(fp, "peak_concurrency %" PRIu64 "\n", g->peak_active);
	fprintf(fp, "flow_records %" PRIu64 "\n", g->conns);
	fprintf(fp, "sum pkts %" PRIu64 "\n", g->flow_pkts);
	fprintf(fp, "sum syn_retransmits %" PRIu64 "\n", g->cnt.syn_retransmits);
	fprintf(fp, "sum retransmits %" PRIu64 "\n", g->cnt.retransmits);
	fprintf(fp, "sum keepalives %" PRIu64 "\n", g->cnt.keepalives);
	fprintf(fp, "sum out_of_order %" PRIu64 "\n", g->cnt.out_of_order);
	fprintf(fp, "sum duplicates 0\n");
	fprintf(fp, "sum seq_anomalies 0\n");
	for (int k = 0; k < EV_N; k++)
		fprintf(fp, "event %s %" PRIu64 "\n", ev_names[k], g->ev_count[k]);
	for (int k = 0; k < CL_N; k++)
		fprintf(fp, "close %s %" PRIu64 "\n", close_names[k],
		    g->close_count[k]);
	for (int k = 0; k < SC_N; k++)
		fprintf(fp, "scenario %s %" PRIu64 "\n", sc_names[k],
		    g->sc_count[k]);
	for (int k = 0; k < VA_N; k++)
		fprintf(fp, "variant %s %" PRIu64 "\n", va_names[k],
		    g->va_count[k]);
	if (fclose(fp) == EOF) {
		perror(path);
		exit(2);
	}
}

int
main(int argc, char **argv)
{
	struct gen g;
	char path[4096];
	uint32_t pcap_hdr[6];
	uint64_t ramp_us;
	int ch;

	memset(&g, 0, sizeof(g));
	g.packets = 1000000;
	g.seed = 1;
	while ((ch = getopt(argc, argv, "c:fn:o:S:s:x")) != -1) {
		switch (ch) {
		case 'c':
			g.concurrency = parse_num("-c", optarg, 1, 100000000);
			break;
		case 'f':
			g.flood = true;
			break;
		case 'x':
			g.vxlan = true;
			break;
		case 'n':
			/* Connection numbers stay below 2^32. */
			g.packets = parse_num("-n", optarg, 1, 1000000000);
			break;
		case 'o':
			g.out_path = optarg;
			break;
		case 'S':
			g.seed = parse_num("-S", optarg, 0, UINT64_MAX);
			break;
		case 's':
			g.snaplen = (uint32_t)parse_num("-s", optarg, 0, FULL_SNAPLEN);
			if (g.snaplen != 0 && g.snaplen < 68) {
				fprintf(stderr, "gentrace: -s: at least 68\n");
				exit(1);
			}
			break;
		default:
			usage();
		}
	}
	if (optind != argc || g.out_path == NULL)
		usage();
	if (g.concurrency == 0)
		g.concurrency = g.flood ? g.packets : (g.packets + 9) / 10;

	if ((g.out = fopen(g.out_path, "w")) == NULL) {
		perror(g.out_path);
		exit(2);
	}
	setvbuf(g.out, NULL, _IOFBF, 8 << 20);
	snprintf(path, sizeof(path), "%s.alerts", g.out_path);
	if ((g.alerts = fopen(path, "w")) == NULL) {
		perror(path);
		exit(2);
	}
	setvbuf(g.alerts, NULL, _IOFBF, 1 << 20);
	if ((g.heap = calloc(g.concurrency, sizeof(*g.heap))) == NULL) {
		perror("gentrace: calloc");
		exit(2);
	}

	pcap_hdr[0] = PCAP_MAGIC_USEC;
	pcap_hdr[1] = 2 | 4u << 16;	/* version 2.4, in host order as read */
	pcap_hdr[2] = 0;		/* thiszone */
	pcap_hdr[3] = 0;		/* sigfigs */
	pcap_hdr[4] = g.snaplen ? g.snaplen : FULL_SNAPLEN;
	pcap_hdr[5] = LINKTYPE_ETHERNET;
	if (fwrite(pcap_hdr, sizeof(pcap_hdr), 1, g.out) != 1) {
		perror(g.out_path);
		exit(2);
	}

	/*
	 * Open the first batch over a short ramp (500,000 new connections a
	 * second, at least one second) so that the open count reaches the
	 * target early; the flood is one SYN a microsecond.
	 */
	g.rng = g.seed ^ 0x5eedULL;
	ramp_us = g.flood ? g.concurrency : g.concurrency * 2;
	if (ramp_us < SEC && !g.flood)
		ramp_us = SEC;
	for (uint64_t i = 0; i < g.concurrency && g.planned < g.packets; i++) {
		uint64_t start = g.flood ? i :
		    (uint64_t)(((splitmix(&g.rng) >> 11) * (double)ramp_us) /
		    9007199254740992.0);

		heap_push(&g, conn_new(&g, start));
	}

	while (g.heap_n > 0) {
		struct conn *c = g.heap[0].c;
		uint64_t t = g.heap[0].key;

		if (t < g.last_ts)
			t = g.last_ts;	/* never happens: keys only grow */
		g.last_ts = t;
		if (c->next == 0 && ++g.active > g.peak_active)
			g.peak_active = g.active;
		emit(&g, c, &c->ops[c->next], T0_US + t);
		if (++c->next < c->nops) {
			g.heap[0].key = c->start_us + c->ops[c->next].t_us;
			heap_fix_top(&g);
			continue;
		}
		/* The connection is over: another takes its place. */
		g.active--;
		heap_pop(&g);
		free(c->ops);
		free(c);
		if (g.planned < g.packets)
			heap_push(&g, conn_new(&g, t + rnd_range(&g.rng, 1, 200)));
	}

	if (fclose(g.out) == EOF || fclose(g.alerts) == EOF) {
		perror("gentrace: close");
		exit(2);
	}
	snprintf(path, sizeof(path), "%s.truth", g.out_path);
	write_truth(&g, path);
	fprintf(stderr, "gentrace: %s: %" PRIu64 " packets, %" PRIu64
	    " connections (peak %" PRIu64 " open), %.1f s of traffic\n",
	    g.out_path, g.written, g.conns, g.peak_active,
	    (double)g.last_ts / 1e6);
	free(g.heap);
	return 0;
}
