/*
 * The event line, its addresses and its timestamps are written by hand
 * (lib/event_fmt.c, lib/addr.c) because snprintf(), inet_ntop() and
 * gmtime_r() cost too much per alert.  The line is an interface that
 * administrators and log shippers parse, so the hand-written code must
 * produce the very bytes those functions would: these tests build each
 * line a second way, with snprintf(), inet_ntop() and gmtime_r(), for
 * thousands of events and every buffer size, and compare.
 */
#include <arpa/inet.h>
#include <check.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "check_util.h"
#include "community_id.h"
#include "event.h"
#include "pkt.h"

/*
 * Check's ck_assert() reports every passing assertion to the parent
 * process too, which for millions of comparisons is most of the time:
 * the loops below test first and only abort when something differs.
 */
#define REQUIRE(cond, ...) do {						\
	if (!(cond))							\
		ck_abort_msg(__VA_ARGS__);				\
} while (0)

/* The reference line: far larger than any event needs. */
#define REF_MAX		4096
/* As in event_fmt.c: the sentence is cut to this size. */
#define REF_MSG_MAX	256

/* A deterministic generator, so that a failure can be replayed. */
struct rng {
	uint64_t	s;
};

struct ref {
	char		buf[REF_MAX];
	size_t		len;
	int		nkeys;
};

static uint64_t	rng_next(struct rng *);
static uint64_t	rng_below(struct rng *, uint64_t);
static void	ref_printf(struct ref *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
static void	ref_key(struct ref *, const char *);
static void	ref_str(struct ref *, const char *, const char *);
static void	ref_num(struct ref *, const char *, uint64_t);
static void	ref_addr(const struct addr *, char *, size_t);
static const char *ref_noun(enum event_side);
static const char *ref_side(enum event_side);
static void	ref_icmp_msg(const struct event *, char *, size_t);
static void	ref_msg(const struct event *, char *, size_t);
static void	ref_line(const struct event *, struct ref *);
static void	check_sizes(const struct event *, const struct ref *, size_t);
static void	check_event(const struct event *, size_t);
static void	random_addr(struct rng *, struct addr *, bool);
static uint64_t	random_u64(struct rng *);
static uint32_t	random_u32(struct rng *);
static void	random_event(struct rng *, struct event *);
static void	check_addr_text(const struct addr *);
static void	check_rfc3339_ref(uint64_t);
static void	check_rfc3339_sizes(uint64_t, const char *);
static Suite	*event_suite(void);

/* Interface names, including those that must be quoted and escaped. */
static const char *const ifaces[] = {
	"eth0", "enp3s0f1", "br-0123abcd", "", "a b", "x\"y", "a=b", "back\\",
	"\x01\x1f", "\x7f", "caf\xc3\xa9", "\xff", "tab\tnl\n", "\"",
};

static const enum event_kind all_kinds[] = {
	EV_syn_retransmit, EV_synack_retransmit, EV_syn_refused,
	EV_data_retransmit, EV_loss_reset, EV_app_reset, EV_rst_injected,
	EV_seq_anomaly, EV_icmp_unreachable, EV_capture_drop, EV_rst_rate,
	/* Not a kind: the line still says so rather than failing. */
	EV_NKINDS, (enum event_kind)99, (enum event_kind)-1,
};

/* xorshift64: any fixed sequence with all bits in play will do. */
static uint64_t
rng_next(struct rng *r)
{
	r->s ^= r->s << 13;
	r->s ^= r->s >> 7;
	r->s ^= r->s << 17;
	return r->s;
}

static uint64_t
rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

static void
ref_printf(struct ref *r, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(r->buf + r->len, sizeof(r->buf) - r->len, fmt, ap);
	va_end(ap);
	REQUIRE(n >= 0 && (size_t)n < sizeof(r->buf) - r->len,
	    "reference line too long");
	r->len += (size_t)n;
}

static void
ref_key(struct ref *r, const char *key)
{
	ref_printf(r, "%s%s=", r->nkeys++ > 0 ? " " : "", key);
}

/*
 * SPEC section 5: quoted when empty or holding a space, '"', '=', '\' or
 * a byte outside printable ASCII; inside, \" \\ and \xHH.
 */
static void
ref_str(struct ref *r, const char *key, const char *val)
{
	const unsigned char *p;
	bool quote = val[0] == '\0';

	for (p = (const unsigned char *)val; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '=' ||
		    *p == '\\')
			quote = true;
	ref_key(r, key);
	if (!quote) {
		ref_printf(r, "%s", val);
		return;
	}
	ref_printf(r, "\"");
	for (p = (const unsigned char *)val; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			ref_printf(r, "\\%c", *p);
		else if (*p < ' ' || *p >= 0x7f)
			ref_printf(r, "\\x%02x", *p);
		else
			ref_printf(r, "%c", *p);
	}
	ref_printf(r, "\"");
}

static void
ref_num(struct ref *r, const char *key, uint64_t val)
{
	ref_key(r, key);
	ref_printf(r, "%" PRIu64, val);
}

/* What addr_format() wrote when it was inet_ntop(). */
static void
ref_addr(const struct addr *a, char *buf, size_t len)
{
	const char *s;

	if (memcmp(a->b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
		s = inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len);
	else
		s = inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
	if (s == NULL && len > 0)
		buf[0] = '\0';
}

static const char *
ref_noun(enum event_side side)
{
	return side == SIDE_SRC ? "the originator" :
	    side == SIDE_DST ? "the responder" : "one side";
}

static const char *
ref_side(enum event_side side)
{
	return side == SIDE_SRC ? "src" : side == SIDE_DST ? "dst" :
	    "unknown";
}

static void
ref_icmp_msg(const struct event *ev, char *msg, size_t size)
{
	char rep[ADDR_STRLEN];
	bool v4 = addr_is_v4(&ev->reporter), udp = ev->proto == PKT_PROTO_UDP;
	const char *icmp = v4 ? "ICMP" : "ICMPv6", *what = NULL, *why = NULL;
	unsigned code = ev->icmp_code;

	ref_addr(&ev->reporter, rep, sizeof(rep));
	if (v4 && ev->icmp_type == 3) {
		switch (code) {
		case 0:
			what = "network unreachable";
			why = "there is no route to the destination";
			break;
		case 1:
			what = "host unreachable";
			why = "the destination host is down or cannot be "
			    "reached";
			break;
		case 2:
			what = "protocol unreachable";
			why = udp ? "the destination does not handle UDP" :
			    "the destination does not handle TCP";
			break;
		case 3:
			what = "port unreachable";
			break;
		case 4:
			what = "fragmentation needed";
			why = "packets larger than the path MTU are dropped";
			break;
		case 9:
		case 10:
		case 13:
			what = "administratively prohibited";
			break;
		}
	} else if (!v4 && ev->icmp_type == 1) {
		switch (code) {
		case 0:
			what = "network unreachable";
			why = "there is no route to the destination";
			break;
		case 1:
			what = "administratively prohibited";
			break;
		case 3:
			what = "host unreachable";
			why = "the destination host is down or cannot be "
			    "reached";
			break;
		case 4:
			what = "port unreachable";
			break;
		}
	}
	if (what != NULL && strcmp(what, "port unreachable") == 0)
		why = udp ? "nothing listens on the UDP port" :
		    "the port is closed or a firewall rejects the connection";
	if (what != NULL && strcmp(what, "administratively prohibited") == 0)
		why = "a firewall filters this traffic";

	if (what != NULL)
		snprintf(msg, size, "%s %s from %s: %s", icmp, what, rep, why);
	else
		snprintf(msg, size, "%s destination unreachable (type %u code "
		    "%u) from %s", icmp, (unsigned)ev->icmp_type, code, rep);
}

static void
ref_msg(const struct event *ev, char *msg, size_t size)
{
	char times[32];
	const char *hl;

	if (ev->count == 1)
		snprintf(times, sizeof(times), "once");
	else
		snprintf(times, sizeof(times), "%" PRIu32 " times", ev->count);

	if (ev->suppressed > 0) {
		snprintf(msg, size, "%" PRIu64 " further %s alert%s%s %s "
		    "suppressed during the cooldown", ev->suppressed,
		    event_kind_name(ev->kind), ev->suppressed == 1 ? "" : "s",
		    ev->has_flow ? " for this service" : "",
		    ev->suppressed == 1 ? "was" : "were");
		return;
	}
	switch (ev->kind) {
	case EV_syn_retransmit:
		snprintf(msg, size, "SYN retransmitted %s without a SYN-ACK: "
		    "%s", times, ev->listening == TRI_YES ? "the port is "
		    "listening, so a local firewall drops it" :
		    ev->listening == TRI_NO ? "nothing listens on the port "
		    "and no RST was sent, so a local firewall drops it" :
		    "lost in the path or dropped at the destination");
		break;
	case EV_synack_retransmit:
		snprintf(msg, size, "SYN-ACK retransmitted %s: the "
		    "originator's final ACK is not arriving", times);
		break;
	case EV_syn_refused:
		snprintf(msg, size, "connection refused: RST answered the SYN "
		    "(port closed or connection rejected)");
		break;
	case EV_data_retransmit:
		snprintf(msg, size, "%s retransmitted data %s without "
		    "acknowledgement: packets are being lost in the path",
		    ref_noun(ev->by), times);
		break;
	case EV_loss_reset:
		snprintf(msg, size, "%s reset the connection while data was "
		    "being retransmitted: it gave up because of packet loss",
		    ref_noun(ev->by));
		break;
	case EV_app_reset:
		snprintf(msg, size, "%s reset the connection with no "
		    "retransmission outstanding: the application aborted it",
		    ref_noun(ev->by));
		break;
	case EV_rst_injected:
		hl = addr_is_v4(&ev->src) ? "TTL" : "hop limit";
		if (ev->window_evidence)
			snprintf(msg, size, "RST with a sequence number outside "
			    "the receive window: probably injected by a device "
			    "in the path");
		else if (ev->ttl == ev->expected_ttl)
			snprintf(msg, size, "RST followed by packets from %s "
			    "that the RST should have ended: probably injected "
			    "by a device in the path", ref_noun(ev->by));
		else
			snprintf(msg, size, "RST with %s %u where %s's packets "
			    "had %s %u: probably injected by a device in the "
			    "path", hl, (unsigned)ev->ttl, ref_noun(ev->by), hl,
			    (unsigned)ev->expected_ttl);
		break;
	case EV_seq_anomaly:
		snprintf(msg, size, "%" PRIu32 " segment%s with sequence or "
		    "acknowledgement numbers that cannot belong to this "
		    "connection: a device in the path altered or replayed "
		    "packets", ev->count, ev->count == 1 ? "" : "s");
		break;
	case EV_icmp_unreachable:
		ref_icmp_msg(ev, msg, size);
		break;
	case EV_capture_drop:
		snprintf(msg, size, "%" PRIu32 " packet%s dropped before "
		    "rstwatchd could read %s (%" PRIu64 " received): the "
		    "analysis of this interval is incomplete", ev->count,
		    ev->count == 1 ? " was" : "s were",
		    ev->count == 1 ? "it" : "them", ev->received);
		break;
	case EV_rst_rate:
		snprintf(msg, size, "%" PRIu32 " RST%s involving this service "
		    "within %" PRIu32 " second%s: its connections are being "
		    "reset unusually often", ev->count,
		    ev->count == 1 ? "" : "s", ev->window_s,
		    ev->window_s == 1 ? "" : "s");
		break;
	default:
		snprintf(msg, size, "unknown event kind %d", (int)ev->kind);
		break;
	}
}

/* SPEC section 5, key by key. */
static void
ref_line(const struct event *ev, struct ref *r)
{
	char a[ADDR_STRLEN], msg[REF_MSG_MAX], proto[8];
	char cid[COMMUNITY_ID_SIZE];
	bool summary = ev->suppressed > 0;

	memset(r, 0, sizeof(*r));
	ref_str(r, "kind", event_kind_name(ev->kind));
	ref_str(r, "severity", severity_name(ev->severity));
	if (ev->has_flow) {
		if (ev->proto == PKT_PROTO_TCP)
			snprintf(proto, sizeof(proto), "tcp");
		else if (ev->proto == PKT_PROTO_UDP)
			snprintf(proto, sizeof(proto), "udp");
		else
			snprintf(proto, sizeof(proto), "%u",
			    (unsigned)ev->proto);
		ref_str(r, "proto", proto);
		if (ev->has_sport && !summary) {
			ref_addr(&ev->src, a, sizeof(a));
			ref_str(r, "src", a);
			ref_num(r, "sport", ev->sport);
		}
		ref_addr(&ev->dst, a, sizeof(a));
		ref_str(r, "dst", a);
		ref_num(r, "dport", ev->dport);
	}
	if (summary)
		ref_num(r, "suppressed", ev->suppressed);
	else {
		switch (ev->kind) {
		case EV_syn_retransmit:
			ref_num(r, "syn_retransmits", ev->count);
			ref_num(r, "threshold", ev->threshold);
			if (ev->listening != TRI_UNKNOWN)
				ref_str(r, "listening",
				    ev->listening == TRI_YES ? "yes" : "no");
			break;
		case EV_synack_retransmit:
			ref_num(r, "synack_retransmits", ev->count);
			ref_num(r, "threshold", ev->threshold);
			break;
		case EV_syn_refused:
		case EV_app_reset:
			ref_str(r, "by", ref_side(ev->by));
			break;
		case EV_data_retransmit:
			ref_num(r, "retransmits", ev->count);
			ref_num(r, "threshold", ev->threshold);
			ref_num(r, "seq", ev->seq);
			ref_str(r, "by", ref_side(ev->by));
			break;
		case EV_loss_reset:
			ref_str(r, "by", ref_side(ev->by));
			ref_num(r, "retransmits", ev->count);
			break;
		case EV_rst_injected:
			ref_str(r, "by", ref_side(ev->by));
			if (ev->window_evidence) {
				ref_num(r, "seq", ev->seq);
				ref_num(r, "expected_seq", ev->expected_seq);
				ref_num(r, "window", ev->window);
			} else {
				ref_num(r, "ttl", ev->ttl);
				ref_num(r, "expected_ttl", ev->expected_ttl);
			}
			break;
		case EV_seq_anomaly:
			ref_num(r, "count", ev->count);
			break;
		case EV_icmp_unreachable:
			ref_num(r, "icmp_type", ev->icmp_type);
			ref_num(r, "icmp_code", ev->icmp_code);
			ref_addr(&ev->reporter, a, sizeof(a));
			ref_str(r, "reporter", a);
			break;
		case EV_capture_drop:
			ref_num(r, "dropped", ev->count);
			ref_num(r, "received", ev->received);
			break;
		case EV_rst_rate:
			ref_num(r, "count", ev->count);
			ref_num(r, "window", ev->window_s);
			break;
		default:
			break;
		}
		if (ev->capture_loss)
			ref_str(r, "capture_loss", "yes");
	}
	if (ev->iface != NULL)
		ref_str(r, "iface", ev->iface);
	/* Its value is check_community_id's business; here, its place. */
	if (ev->has_flow && ev->has_sport && !summary &&
	    community_id(&ev->src, &ev->dst, ev->proto, ev->sport, ev->dport,
	    COMMUNITY_ID_SEED, cid) == 0)
		ref_str(r, "community_id", cid);
	ref_msg(ev, msg, sizeof(msg));
	ref_str(r, "msg", msg);
}

/*
 * In a buffer of exactly size bytes (ASan sees one byte too many) and a
 * guard byte after it: what snprintf() of the reference line would leave,
 * the line's length when it fits and -1 when not.
 */
static void
check_sizes(const struct event *ev, const struct ref *r, size_t size)
{
	char *buf = malloc(size + 1);
	int n;

	REQUIRE(buf != NULL, "out of memory");
	memset(buf, '#', size + 1);
	n = event_format_text(ev, buf, size);
	REQUIRE(buf[size] == '#', "size %zu: wrote past the buffer", size);
	if (size > r->len)
		REQUIRE(n == (int)r->len && strcmp(buf, r->buf) == 0,
		    "size %zu: %d \"%s\"", size, n, buf);
	else {
		REQUIRE(n == -1, "size %zu: %d for a line of %zu", size, n,
		    r->len);
		REQUIRE(size == 0 || (memcmp(buf, r->buf, size - 1) == 0 &&
		    buf[size - 1] == '\0'), "size %zu: \"%.*s\" is not the "
		    "cut line", size, (int)size, buf);
	}
	free(buf);
}

/* The whole line, and its cuts: every size when every_size is set. */
static void
check_event(const struct event *ev, size_t every_size)
{
	static struct ref r;
	static char buf[REF_MAX];
	int n;

	ref_line(ev, &r);
	n = event_format_text(ev, buf, sizeof(buf));
	REQUIRE(n == (int)r.len && strcmp(buf, r.buf) == 0,
	    "\n got  %s\n want %s", buf, r.buf);
	if (every_size) {
		for (size_t size = 0; size <= r.len + 1; size++)
			check_sizes(ev, &r, size);
	} else {
		check_sizes(ev, &r, r.len);
		check_sizes(ev, &r, r.len + 1);
	}
}

/*
 * IPv4 or IPv6; for IPv6 each group is zero with odds of one in three,
 * so that zero runs of every length and place come up, and sometimes the
 * first 96 bits are zero (the IPv4-compatible form).
 */
static void
random_addr(struct rng *rng, struct addr *a, bool v6)
{
	uint8_t b[16];

	for (int i = 0; i < 16; i++)
		b[i] = (uint8_t)rng_next(rng);
	if (!v6) {
		addr_from_v4(a, b);
		return;
	}
	for (int g = 0; g < 8; g++) {
		if (rng_below(rng, 3) == 0)
			b[2 * g] = b[2 * g + 1] = 0;
		else if (rng_below(rng, 4) == 0)
			b[2 * g] = 0;
	}
	if (rng_below(rng, 10) == 0)
		memset(b, 0, 12);
	addr_from_v6(a, b);
}

/* Numbers of every width, and the ends of the range. */
static uint64_t
random_u64(struct rng *rng)
{
	switch (rng_below(rng, 8)) {
	case 0:
		return 0;
	case 1:
		return 1;
	case 2:
		return UINT64_MAX;
	case 3:
		return rng_below(rng, 10);
	case 4:
		return rng_below(rng, 100000);
	default:
		return rng_next(rng) >> rng_below(rng, 64);
	}
}

static uint32_t
random_u32(struct rng *rng)
{
	switch (rng_below(rng, 6)) {
	case 0:
		return 1;
	case 1:
		return UINT32_MAX;
	default:
		return (uint32_t)random_u64(rng);
	}
}

static void
random_event(struct rng *rng, struct event *ev)
{
	static const uint8_t protos[] = {
		PKT_PROTO_TCP, PKT_PROTO_UDP, 0, 1, 58, 132, 255
	};
	bool v6 = rng_below(rng, 3) == 0;

	memset(ev, 0, sizeof(*ev));
	ev->kind = all_kinds[rng_below(rng,
	    sizeof(all_kinds) / sizeof(all_kinds[0]))];
	ev->severity = (enum severity)rng_below(rng, 9);
	ev->ts_us = rng_next(rng);
	ev->has_flow = rng_below(rng, 6) != 0;
	ev->has_sport = rng_below(rng, 6) != 0;
	ev->proto = protos[rng_below(rng, sizeof(protos))];
	random_addr(rng, &ev->src, v6);
	random_addr(rng, &ev->dst, v6);
	random_addr(rng, &ev->reporter, rng_below(rng, 2) == 0);
	ev->sport = (uint16_t)random_u64(rng);
	ev->dport = (uint16_t)random_u64(rng);
	ev->count = random_u32(rng);
	ev->threshold = random_u32(rng);
	ev->seq = random_u32(rng);
	ev->by = (enum event_side)rng_below(rng, 3);
	ev->ttl = (uint8_t)random_u64(rng);
	ev->expected_ttl = (uint8_t)random_u64(rng);
	ev->window_evidence = rng_below(rng, 2) == 0;
	ev->expected_seq = random_u32(rng);
	ev->window = random_u32(rng);
	/* The unreachable types of both families, and others. */
	ev->icmp_type = rng_below(rng, 3) == 0 ? (uint8_t)rng_next(rng) :
	    rng_below(rng, 2) == 0 ? 3 : 1;
	ev->icmp_code = rng_below(rng, 5) == 0 ? (uint8_t)rng_next(rng) :
	    (uint8_t)rng_below(rng, 16);
	ev->listening = (enum tristate)rng_below(rng, 3);
	ev->received = random_u64(rng);
	ev->window_s = random_u32(rng);
	ev->suppressed = rng_below(rng, 4) == 0 ? random_u64(rng) : 0;
	ev->capture_loss = rng_below(rng, 3) == 0;
	ev->iface = rng_below(rng, 4) == 0 ? NULL :
	    ifaces[rng_below(rng, sizeof(ifaces) / sizeof(ifaces[0]))];
}

/* Every kind with every side, family, summary, capture_loss and iface. */
START_TEST(test_every_kind_and_option)
{
	static const uint64_t suppressed[] = { 0, 1, 2, UINT64_MAX };
	struct rng rng = { 0x9e3779b97f4a7c15ULL };
	struct event ev;
	size_t nev = 0;

	for (size_t k = 0; k < sizeof(all_kinds) / sizeof(all_kinds[0]); k++)
	for (int by = SIDE_NONE; by <= SIDE_DST; by++)
	for (int v6 = 0; v6 <= 1; v6++)
	for (size_t s = 0; s < sizeof(suppressed) / sizeof(suppressed[0]); s++)
	for (int loss = 0; loss <= 1; loss++)
	for (size_t i = 0; i <= sizeof(ifaces) / sizeof(ifaces[0]); i++) {
		random_event(&rng, &ev);
		ev.kind = all_kinds[k];
		ev.by = (enum event_side)by;
		ev.has_flow = ev.kind != EV_capture_drop;
		ev.has_sport = ev.kind != EV_rst_rate;
		random_addr(&rng, &ev.src, v6);
		random_addr(&rng, &ev.dst, v6);
		ev.suppressed = suppressed[s];
		ev.capture_loss = loss;
		ev.iface = i < sizeof(ifaces) / sizeof(ifaces[0]) ?
		    ifaces[i] : NULL;
		/* Every cut of one line in twenty. */
		check_event(&ev, nev++ % 20 == 0);
	}
}
END_TEST

/* Any mix of fields, flags and numbers; most lines at every size. */
START_TEST(test_random_events)
{
	struct rng rng = { 0x2545f4914f6cdd1dULL };
	struct event ev;

	for (int i = 0; i < 20000; i++) {
		random_event(&rng, &ev);
		check_event(&ev, i % 4 == 0);
	}
}
END_TEST

/* The widest numbers of each field: UINT64_MAX and UINT32_MAX. */
START_TEST(test_largest_numbers)
{
	struct event ev;

	for (size_t k = 0; k < sizeof(all_kinds) / sizeof(all_kinds[0]); k++) {
		memset(&ev, 0xff, sizeof(ev));
		ev.kind = all_kinds[k];
		ev.severity = SEV_WARNING;
		ev.has_flow = true;
		ev.has_sport = true;
		ev.proto = PKT_PROTO_TCP;
		ev.by = SIDE_DST;
		ev.window_evidence = k % 2 == 0;
		ev.listening = TRI_NO;
		ev.capture_loss = true;
		ev.suppressed = 0;
		ev.evidence = NULL;
		ev.iface = "eth0";
		check_event(&ev, 1);
		ev.suppressed = UINT64_MAX;
		check_event(&ev, 1);
	}
}
END_TEST

/* Literal lines, so that the reference itself is pinned down too. */
START_TEST(test_literal_lines)
{
	static const uint8_t v4[4] = { 203, 0, 113, 9 };
	static const uint8_t v6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	struct event ev;
	struct ref r;
	char buf[1024];

	ev = util_event(EV_capture_drop);
	ev.count = UINT32_MAX;
	ev.received = UINT64_MAX;
	ev.iface = "my if";
	ck_assert_int_gt(event_format_text(&ev, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "kind=capture_drop severity=warning "
	    "dropped=4294967295 received=18446744073709551615 "
	    "iface=\"my if\" msg=\"4294967295 packets were dropped before "
	    "rstwatchd could read them (18446744073709551615 received): the "
	    "analysis of this interval is incomplete\"");
	ref_line(&ev, &r);
	ck_assert_str_eq(r.buf, buf);

	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_icmp_unreachable;
	ev.severity = SEV_NOTICE;
	ev.has_flow = true;
	ev.has_sport = true;
	ev.proto = 200;
	addr_from_v6(&ev.src, v6);
	addr_from_v6(&ev.dst, v6);
	addr_from_v4(&ev.reporter, v4);
	ev.sport = 65535;
	ev.icmp_type = 11;
	ev.icmp_code = 255;
	ev.capture_loss = true;
	ck_assert_int_gt(event_format_text(&ev, buf, sizeof(buf)), 0);
	/* Protocol 200 has no ports: the Community ID leaves them out. */
	ck_assert_str_eq(buf, "kind=icmp_unreachable severity=notice "
	    "proto=200 src=2001:db8::1 sport=65535 dst=2001:db8::1 dport=0 "
	    "icmp_type=11 icmp_code=255 reporter=203.0.113.9 capture_loss=yes "
	    "community_id=\"1:iudy04atX1+4owy4/XTHFekHv9E=\" "
	    "msg=\"ICMP destination unreachable (type 11 code 255) from "
	    "203.0.113.9\"");
	ref_line(&ev, &r);
	ck_assert_str_eq(r.buf, buf);

	ev.suppressed = 1;
	ev.kind = (enum event_kind)-3;
	ev.iface = "";
	ck_assert_int_gt(event_format_text(&ev, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "kind=unknown severity=notice proto=200 "
	    "dst=2001:db8::1 dport=0 suppressed=1 iface=\"\" msg=\"1 further "
	    "unknown alert for this service was suppressed during the "
	    "cooldown\"");

	ev.suppressed = 0;
	ck_assert_int_gt(event_format_text(&ev, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, " msg=\"unknown event kind -3\""));
	ev.kind = (enum event_kind)INT32_MIN;
	ck_assert_int_gt(event_format_text(&ev, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf,
	    " msg=\"unknown event kind -2147483648\""));
	ref_line(&ev, &r);
	ck_assert_str_eq(r.buf, buf);
}
END_TEST

/* addr_format() against inet_ntop() in every buffer size. */
static void
check_addr_text(const struct addr *a)
{
	char got[ADDR_STRLEN + 2], want[ADDR_STRLEN + 2];

	for (size_t len = 0; len <= ADDR_STRLEN + 1; len++) {
		memset(got, '#', sizeof(got));
		memset(want, '#', sizeof(want));
		REQUIRE(addr_format(a, got, len) == got, "not buf");
		ref_addr(a, want, len);
		REQUIRE(memcmp(got, want, sizeof(got)) == 0,
		    "len %zu: got \"%.*s\" want \"%.*s\"", len, (int)len, got,
		    (int)len, want);
	}
}

/*
 * Every pattern of zero and nonzero groups, each with nonzero groups of
 * 1 to 4 hex digits; every value of every IPv4 byte; the IPv4-compatible
 * and IPv4-mapped forms; random addresses.
 */
START_TEST(test_addr_format_is_inet_ntop)
{
	static const unsigned fills[] = { 0x1, 0xf, 0x10, 0xab, 0x100, 0xfff,
	    0x1000, 0xffff, 0x0d0c };
	struct rng rng = { 0xd1b54a32d192ed03ULL };
	struct addr a;
	uint8_t b[16];

	for (unsigned mask = 0; mask < 256; mask++)
	for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
		for (int g = 0; g < 8; g++) {
			unsigned w = mask & (1u << g) ?
			    fills[(f + (size_t)g) % (sizeof(fills) /
			    sizeof(fills[0]))] : 0;

			b[2 * g] = (uint8_t)(w >> 8);
			b[2 * g + 1] = (uint8_t)w;
		}
		addr_from_v6(&a, b);
		check_addr_text(&a);
	}

	for (int pos = 0; pos < 4; pos++)
	for (unsigned v = 0; v < 256; v++) {
		uint8_t q[4] = { 192, 0, 2, 1 };

		q[pos] = (uint8_t)v;
		addr_from_v4(&a, q);
		check_addr_text(&a);
		/* ::a.b.c.d, which inet_ntop writes dotted too. */
		memset(b, 0, 12);
		memcpy(b + 12, q, 4);
		addr_from_v6(&a, b);
		check_addr_text(&a);
		/* ::ffff:0:a.b.c.d and ::1:ffff:a.b.c.d are not mapped. */
		b[9] = 0xff;
		b[8] = 0xff;
		addr_from_v6(&a, b);
		check_addr_text(&a);
		b[8] = 0;
		b[9] = 1;
		b[10] = b[11] = 0xff;
		addr_from_v6(&a, b);
		check_addr_text(&a);
	}

	for (int i = 0; i < 20000; i++) {
		random_addr(&rng, &a, i % 2 == 0);
		check_addr_text(&a);
	}
}
END_TEST

/* The RFC 3339 text of ts_us by gmtime_r() and snprintf(). */
static void
check_rfc3339_ref(uint64_t ts_us)
{
	char got[40], want[40];
	struct tm tm;
	time_t secs = (time_t)(ts_us / 1000000);
	int n;

	REQUIRE(gmtime_r(&secs, &tm) != NULL, "gmtime_r");
	n = snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(ts_us % 1000000));
	REQUIRE(format_rfc3339(ts_us, got, sizeof(got)) == n &&
	    strcmp(got, want) == 0, "%" PRIu64 ": got %s want %s", ts_us,
	    got, want);
}

/*
 * Every size from 0 to one past the text, in exact buffers: -1 and the
 * prefix that snprintf() left when it does not fit, the length when it
 * does, and nothing written past the end.
 */
static void
check_rfc3339_sizes(uint64_t ts_us, const char *expect)
{
	size_t len = strlen(expect);

	for (size_t size = 0; size <= len + 1; size++) {
		char *buf = malloc(size + 1);

		ck_assert_ptr_nonnull(buf);
		memset(buf, '#', size + 1);
		ck_assert_int_eq(format_rfc3339(ts_us, buf, size),
		    size > len ? (int)len : -1);
		ck_assert(buf[size] == '#');
		if (size > 0) {
			ck_assert(buf[size - 1 < len ? size - 1 : len] ==
			    '\0');
			ck_assert(memcmp(buf, expect,
			    size - 1 < len ? size - 1 : len) == 0);
		}
		free(buf);
	}
}

START_TEST(test_rfc3339_bounds)
{
	static const struct {
		uint64_t	ts_us;
		const char	*out;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00.000000Z" },
		{ 999999, "1970-01-01T00:00:00.999999Z" },
		{ 86399000001ULL, "1970-01-01T23:59:59.000001Z" },
		{ 68169600000000ULL, "1972-02-29T00:00:00.000000Z" },
		{ 951782400000000ULL, "2000-02-29T00:00:00.000000Z" },
		{ 951868800000000ULL, "2000-03-01T00:00:00.000000Z" },
		{ 978220800000000ULL, "2000-12-31T00:00:00.000000Z" },
		{ 1709164800000000ULL, "2024-02-29T00:00:00.000000Z" },
		/* Centuries are leap years only every fourth one. */
		{ 4107542400000000ULL, "2100-03-01T00:00:00.000000Z" },
		{ 13574563200000000ULL, "2400-02-29T00:00:00.000000Z" },
		{ 253402300799999999ULL, "9999-12-31T23:59:59.999999Z" },
	};
	char buf[40];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(format_rfc3339(cases[i].ts_us, buf,
		    sizeof(buf)), 27);
		ck_assert_str_eq(buf, cases[i].out);
		check_rfc3339_ref(cases[i].ts_us);
		check_rfc3339_sizes(cases[i].ts_us, cases[i].out);
	}

	/* One microsecond past 9999 has no RFC 3339 form. */
	memset(buf, '#', sizeof(buf));
	ck_assert_int_eq(format_rfc3339(253402300800000000ULL, buf,
	    sizeof(buf)), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(format_rfc3339(UINT64_MAX, buf, sizeof(buf)), -1);
	ck_assert_str_eq(buf, "");
	buf[0] = '#';
	ck_assert_int_eq(format_rfc3339(UINT64_MAX, buf, 0), -1);
	ck_assert(buf[0] == '#');
}
END_TEST

/*
 * Every day from 1970 to 9999 against gmtime_r(), each at another time
 * of day, and the last second of each day: the date arithmetic has no
 * branch that a few chosen days would miss.
 */
START_TEST(test_rfc3339_every_day)
{
	struct rng rng = { 0xbf58476d1ce4e5b9ULL };
	uint64_t day, last = 253402300799ULL / 86400;

	for (day = 0; day <= last; day++) {
		check_rfc3339_ref(day * 86400000000ULL +
		    rng_below(&rng, 86400000000ULL));
		check_rfc3339_ref(day * 86400000000ULL + 86399999999ULL);
	}
}
END_TEST

static Suite *
event_suite(void)
{
	Suite *s = suite_create("event");
	TCase *tc = tcase_create("text");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_every_kind_and_option);
	tcase_add_test(tc, test_random_events);
	tcase_add_test(tc, test_largest_numbers);
	tcase_add_test(tc, test_literal_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("addr");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_addr_format_is_inet_ntop);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc3339");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_rfc3339_bounds);
	tcase_add_test(tc, test_rfc3339_every_day);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	/*
	 * The references use gmtime_r(), which applies leap seconds under a
	 * right/ zone; format_rfc3339() is POSIX time in UTC.
	 */
	if (setenv("TZ", "UTC", 1) != 0)
		return EXIT_FAILURE;
	tzset();
	return util_run(event_suite());
}
