/*
 * libFuzzer target for the packet path: decoders, flow table, TCP and
 * ICMP analysis, the formatters, the rules and the cooldown, driven the
 * way the daemon drives them (daemon/offline.c, daemon/capture.c).
 *
 * Input format (tests/fuzz/README has the details and pcap2seed.c writes
 * it from pcap files):
 *
 *	byte 0		low nibble: link type (linktypes[] below)
 *			bits 4-5: threshold level, 1 to 3 retransmissions
 *			bit 6: ignore lists in force
 *			bit 7: clock starts just before the 64-bit wrap
 *	then frames	ctl, dt (2 bytes, big-endian), caplen (2 bytes),
 *			[op byte when ctl has F_LINKTYPE], caplen bytes
 *	op byte		low nibble: link type from now on (the next -r file)
 *			bit 4: the daemon reports a capture_drop first
 *			bit 5: toggle the live interface's name to a hostile one
 *
 * The target checks more than "no crash": every line the formatters write
 * must fit the buffer they were given, report its true length, refuse a
 * buffer one byte short, and (for JSON) parse as one JSON object.  The
 * statistics must add up.  A failed check aborts, which libFuzzer reports
 * like a crash.  Each input is analysed twice, with two hash seeds: the
 * flow table's hashing must not change what comes out.
 *
 * The evidence store rides along, with a budget so small that its rings
 * go round within a few frames: every alert let out asks for its file
 * (as daemon/evidence_out.c does), and each file's packets are walked and
 * checked (bytes within snaplen and wire length, names safe).  After
 * FUZZ_EVIDENCE_FILES files the store is closed, as -r closes it at
 * evidence.max_files, and the open requests still take their packets.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "conf.h"
#include "cooldown.h"
#include "decode.h"
#include "event.h"
#include "evidence.h"
#include "flow.h"
#include "rules.h"

#define FUZZ_NAME	"fuzz_packet"
#include "fuzz_util.h"

/* Small enough that a few hundred bytes of input make the table evict. */
#define FUZZ_MAX_FLOWS		16
/* Files asked for before the store is closed, as -r does at max_files. */
#define FUZZ_EVIDENCE_FILES	4
/* Few enough services that the cooldown table fills up too. */
#define FUZZ_COOLDOWN_SLOTS	4
#define FUZZ_MAX_FRAMES		2048
/* Evidence: bytes kept per packet, and room for a few dozen of them. */
#define FUZZ_EVIDENCE_SNAPLEN	96
#define FUZZ_EVIDENCE_ROOM	4096
/* The daemon's line buffer (daemon/sinks.c). */
#define LINE_MAX_BYTES		2048

/* Frame control bits. */
#define F_UNIT_MASK	0x03	/* what dt counts: */
#define F_UNIT_US	0x00	/*   microseconds forward */
#define F_UNIT_MS	0x01	/*   milliseconds forward */
#define F_UNIT_S	0x02	/*   seconds forward */
#define F_UNIT_BACK_MS	0x03	/*   milliseconds backward (unordered files) */
#define F_HDRONLY	0x04	/* wirelen beyond caplen, as with snaplen 128 */
#define F_TICK		0x08	/* the live timer fires before this frame */
#define F_LOSS		0x10	/* toggle capture_loss */
#define F_IFACE		0x20	/* from a live capture on "eth0" */
#define F_RELOAD	0x40	/* new thresholds mid-stream (SIGHUP) */
#define F_LINKTYPE	0x80	/* an op byte follows: */
#define OP_LINKTYPE	0x0f	/*   the next -r file's link type */
#define OP_DROP		0x10	/*   a capture_drop from pcap_stats */
#define OP_IFNAME	0x20	/*   toggle the interface name */

#define FRAME_HDR_LEN	5

/*
 * Every link type decode_packet() knows but Cisco HDLC alone (reached
 * through PPP_HDLC), and two it does not: 147 (LINKTYPE_USER0) and 105
 * (802.11).
 */
static const int linktypes[16] = {
	LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL, LINKTYPE_LINUX_SLL2,
	LINKTYPE_NULL, LINKTYPE_LOOP, LINKTYPE_RAW, LINKTYPE_RAW_ALT,
	LINKTYPE_RAW_PCAP, LINKTYPE_IPV4, LINKTYPE_IPV6, LINKTYPE_PPP,
	LINKTYPE_PPP_HDLC, LINKTYPE_NFLOG, LINKTYPE_PPP_WITH_DIR, 147, 105
};

/*
 * Linux interface names may hold any byte but '/', ':' and white space
 * (dev_valid_name()), so the formatters must escape what they get.
 */
static const char *const ifnames[2][2] = {
	{ NULL, "eth0" },
	{ NULL, "q\"=\\\x01\b\x7f\xff\xc3\xa9" }
};

struct fuzz_ctx {
	struct conf	 conf;
	struct analyzer	*a;
	struct evidence	*evidence;
	uint64_t	 evidence_files;
	uint64_t	 evidence_requests;
	struct cooldown	*cooldown;
	uint64_t	 now_us;
	uint64_t	 events;
	uint64_t	 records;
	uint64_t	 summaries;
	uint64_t	 digest;	/* of every line, in any order */
	bool		 quiet;		/* the second run prints nothing */
	char		 line[LINE_MAX_BYTES];
};

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t	analyse(const uint8_t *, size_t, uint64_t, bool);
static void	fuzz_event(void *, const struct event *);
static void	sink_event(struct fuzz_ctx *, const struct event *);
static void	capture_drop(struct fuzz_ctx *, const char *, uint32_t,
		    uint64_t);
static void	fuzz_summary(void *, const struct event *);
static void	fuzz_flow(void *, const struct flow_record *);
static void	evidence_done(void *, const struct evidence *, uint32_t,
		    const char *);
static void	evidence_pkt(void *, int, uint64_t, const uint8_t *, uint32_t,
		    uint32_t);
static void	check_event_line(struct fuzz_ctx *, const struct event *,
		    int (*)(const struct event *, char *, size_t), bool);
static void	check_record_line(struct fuzz_ctx *, const struct flow_record *);
static void	check_line(struct fuzz_ctx *, const char *, int, bool);
static void	params_for_level(struct analyzer_params *, const struct conf *,
		    unsigned);
static void	conf_for_fuzz(struct conf *, bool);
static bool	json_object(const char *);
static bool	json_value(const char **, int);
static bool	json_string(const char **);
static bool	json_number(const char **);
static void	json_ws(const char **);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (analyse(data, size, 0x5eed, false) !=
	    analyse(data, size, 0xfeedfacecafebeefULL, true))
		check_fail("analyse", "another hash seed, another result");
	return 0;
}

/* One replay of the input; returns a digest of every line written. */
static uint64_t
analyse(const uint8_t *data, size_t size, uint64_t seed, bool quiet)
{
	struct fuzz_ctx ctx;
	struct analyzer_params params;
	struct analyzer_sink sink;
	const struct analyzer_stats *st;
	const struct flow_table_stats *fst;
	struct analyzer *a;
	uint64_t ts_us, sum, frames = 0;
	uint8_t *frame;
	unsigned level, ifname = 0;
	bool loss = false;
	int linktype;
	size_t off;

	if (size < 1)
		return 0;
	linktype = linktypes[data[0] & 0x0f];
	level = (data[0] >> 4) & 0x03;
	/*
	 * pcap gives seconds and microseconds, pcapng a 64-bit count, so a
	 * hostile file reaches any uint64_t: start either at a real date
	 * (2023-11-14, as the fixtures do) or close enough to the wrap
	 * that a few jumps of seconds cross it.
	 */
	ts_us = (data[0] & 0x80) ? UINT64_MAX - ((uint64_t)1 << 36) :
	    UINT64_C(1700000000000000);

	memset(&ctx, 0, sizeof(ctx));
	ctx.quiet = quiet;
	conf_for_fuzz(&ctx.conf, (data[0] & 0x40) != 0);
	if ((ctx.cooldown = cooldown_new(FUZZ_COOLDOWN_SLOTS)) == NULL)
		return 0;
	params_for_level(&params, &ctx.conf, level);
	sink.event = fuzz_event;
	sink.flow = fuzz_flow;
	sink.ctx = &ctx;
	if ((a = analyzer_new(FUZZ_MAX_FLOWS, seed, &params, &sink)) == NULL) {
		cooldown_free(ctx.cooldown);
		return 0;
	}
	ctx.a = a;
	ctx.evidence = evidence_new(evidence_min_memory(FUZZ_EVIDENCE_SNAPLEN) +
	    FUZZ_EVIDENCE_ROOM, FUZZ_MAX_FLOWS, FUZZ_EVIDENCE_SNAPLEN,
	    evidence_done, &ctx);
	if (ctx.evidence == NULL)
		check_fail("evidence", "the store cannot be had");
	analyzer_set_evidence(a, ctx.evidence);

	off = 1;
	while (size - off >= FRAME_HDR_LEN && frames < FUZZ_MAX_FRAMES) {
		uint8_t ctl = data[off];
		uint16_t dt = (uint16_t)(data[off + 1] << 8 | data[off + 2]);
		uint32_t caplen = (uint32_t)(data[off + 3] << 8 | data[off + 4]);
		uint32_t wirelen;

		off += FRAME_HDR_LEN;
		if (ctl & F_LINKTYPE) {
			uint8_t op;

			if (off >= size)
				break;
			op = data[off++];
			linktype = linktypes[op & OP_LINKTYPE];
			if (op & OP_IFNAME)
				ifname ^= 1;
			if (op & OP_DROP)
				capture_drop(&ctx, ifnames[ifname][1], dt, caplen);
		}
		if (caplen > size - off)
			caplen = (uint32_t)(size - off);

		/* Unsigned arithmetic: a wrap is what a hostile file gives. */
		switch (ctl & F_UNIT_MASK) {
		case F_UNIT_US:
			ts_us += dt;
			break;
		case F_UNIT_MS:
			ts_us += (uint64_t)dt * 1000;
			break;
		case F_UNIT_S:
			ts_us += (uint64_t)dt * 1000000;
			break;
		default:
			ts_us -= (uint64_t)dt * 1000;
			break;
		}
		ctx.now_us = ts_us;

		if (ctl & F_TICK) {
			analyzer_tick(a, ts_us);
			cooldown_expire(ctx.cooldown, ts_us, fuzz_summary, &ctx);
		}
		if (ctl & F_LOSS) {
			loss = !loss;
			analyzer_set_capture_loss(a, loss);
		}
		if (ctl & F_RELOAD) {
			level = (level + 1) & 0x03;
			params_for_level(&params, &ctx.conf, level);
			analyzer_set_params(a, &params);
		}
		/*
		 * A copy of exactly caplen bytes, so that AddressSanitizer
		 * sees a decoder read past the frame, not into the next one.
		 */
		if ((frame = malloc(caplen)) == NULL)
			break;
		memcpy(frame, data + off, caplen);
		off += caplen;
		/* As the daemon passes it: never below caplen. */
		wirelen = (ctl & F_HDRONLY) ? caplen + 1460 : caplen;
		analyzer_packet(a, linktype, frame, caplen, wirelen, ts_us,
		    ifnames[ifname][(ctl & F_IFACE) != 0]);
		free(frame);
		frames++;
	}

	/* The live timer once more, well after everything went quiet. */
	ctx.now_us = ts_us + UINT64_C(4000) * 1000000;
	analyzer_tick(a, ctx.now_us);
	analyzer_finish(a);
	/* As at shutdown (daemon/daemon.c). */
	cooldown_flush(ctx.cooldown, ctx.now_us, fuzz_summary, &ctx);

	st = analyzer_stats(a);
	fst = analyzer_flow_stats(a);
	if (st->packets != frames)
		check_fail("stats", "packets counted differ from frames fed");
	sum = 0;
	for (int i = 0; i < DECODE_NRESULTS; i++)
		sum += st->decode[i];
	if (sum != st->packets)
		check_fail("stats", "decode results do not add up to packets");
	if (st->events != ctx.events)
		check_fail("stats", "events counted differ from events sunk");
	if (st->flow_records != ctx.records)
		check_fail("stats", "flow records counted differ from records sunk");
	if (fst->active != 0)
		check_fail("stats", "flows left active after analyzer_finish");
	if (fst->max_active > FUZZ_MAX_FLOWS)
		check_fail("stats", "more flows active than the table holds");

	analyzer_free(a);
	evidence_free(ctx.evidence);
	cooldown_free(ctx.cooldown);
	return ctx.digest + ctx.events * 3 + ctx.records * 5 + ctx.summaries * 7;
}

/*
 * Thresholds of 1 to 3 so that the events fire on short inputs; level 3
 * mixes them.  rst_rate with a low threshold too.
 */
static void
params_for_level(struct analyzer_params *p, const struct conf *c,
    unsigned level)
{
	uint32_t n = level % 3 + 1;

	analyzer_params_from_conf(p, c, n);
	p->max_syn_retransmissions = n;
	p->max_synack_retransmissions = level == 3 ? 2 : n;
	p->max_data_retransmissions = level == 3 ? 3 : n;
	p->rst_rate_threshold = n;
}

static void
conf_for_fuzz(struct conf *c, bool ignore)
{
	static const char *const addrs[] = {
		"10.99.0.0/16", "2001:db8:dead::/48", "192.0.2.7"
	};

	conf_defaults(c);
	c->max_syn_retransmissions = 1;
	c->max_synack_retransmissions = 1;
	c->max_data_retransmissions = 1;
	c->rst_rate_threshold = 1;
	/* A short cooldown for some kinds, none for others. */
	for (int k = 0; k < EV_NKINDS; k++)
		c->kinds[k].cooldown_s = (uint32_t)(k % 3) * 5;
	c->kinds[EV_seq_anomaly].enabled = false;
	if (!ignore)
		return;
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
		if (addr_prefix_parse(&c->ignore_addrs[c->nignore_addrs],
		    addrs[i]) == 0)
			c->nignore_addrs++;
	c->ignore_ports[0].lo = 7000;
	c->ignore_ports[0].hi = 7010;
	c->ignore_ports[1].lo = 53;
	c->ignore_ports[1].hi = 53;
	c->nignore_ports = 2;
}

static void
fuzz_event(void *arg, const struct event *ev)
{
	struct fuzz_ctx *ctx = arg;

	ctx->events++;
	sink_event(ctx, ev);
}

/* As daemon/daemon.c reports pcap_stats drops. */
static void
capture_drop(struct fuzz_ctx *ctx, const char *iface, uint32_t drops,
    uint64_t received)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = EV_capture_drop;
	ev.severity = event_kind_default_severity(EV_capture_drop);
	ev.ts_us = ctx->now_us;
	ev.count = drops;
	ev.received = received;
	ev.iface = iface;
	sink_event(ctx, &ev);
}

/* What daemon/sinks.c does with an event, with every output checked. */
static void
sink_event(struct fuzz_ctx *ctx, const struct event *ev)
{
	struct event copy;
	int n;

	if ((unsigned)ev->kind >= EV_NKINDS)
		check_fail("event", "kind out of range");
	check_event_line(ctx, ev, event_format_text, false);
	check_event_line(ctx, ev, event_format_json, true);
	/* -1 is allowed here: years past 9999 have no RFC 3339 form. */
	n = format_rfc3339(ev->ts_us, ctx->line, sizeof(ctx->line));
	if (n >= 0 && strlen(ctx->line) != (size_t)n)
		check_fail("format_rfc3339", "returned length is not the time's");

	copy = *ev;
	/* daemon/local.c answers this from /proc for local responders. */
	if (copy.kind == EV_syn_retransmit)
		copy.listening = (enum tristate)(copy.dport % 3);
	if (!rules_admit(&ctx->conf, &copy))
		return;
	if (!cooldown_admit(ctx->cooldown, &copy,
	    (uint64_t)ctx->conf.kinds[copy.kind].cooldown_s * 1000000,
	    ctx->now_us))
		return;
	/* As daemon/evidence_out.c: a file for an alert about one flow. */
	if (evidence_kind(copy.kind) && copy.has_flow && copy.has_sport) {
		char name[EVIDENCE_NAME_MAX];
		int len;

		if ((len = evidence_name(&copy, name, sizeof(name))) < 0)
			check_fail("evidence_name", "a name does not fit");
		if ((size_t)len != strlen(name) ||
		    strspn(name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") != (size_t)len)
			check_fail("evidence_name", "an unsafe file name");
		if (evidence_closed(ctx->evidence)) {
			check_event_line(ctx, &copy, event_format_text, false);
			return;
		}
		if (!analyzer_evidence_request(ctx->a, name))
			check_fail("evidence", "a request refused");
		if (++ctx->evidence_requests == FUZZ_EVIDENCE_FILES)
			evidence_close(ctx->evidence);
		copy.evidence = name;
		check_event_line(ctx, &copy, event_format_text, false);
		return;
	}
	check_event_line(ctx, &copy, event_format_text, false);
}

static void
evidence_done(void *arg, const struct evidence *e, uint32_t flow,
    const char *name)
{
	struct fuzz_ctx *ctx = arg;

	if (strlen(name) == 0 || flow >= FUZZ_MAX_FLOWS)
		check_fail("evidence", "a request without name or flow");
	ctx->evidence_files++;
	(void)evidence_walk(e, flow, evidence_pkt, ctx);
}

static void
evidence_pkt(void *arg, int linktype, uint64_t ts_us, const uint8_t *data,
    uint32_t caplen, uint32_t wirelen)
{
	volatile uint8_t sum = 0;

	(void)arg;
	(void)linktype;
	(void)ts_us;
	if (caplen > FUZZ_EVIDENCE_SNAPLEN || wirelen < caplen)
		check_fail("evidence", "a packet longer than snaplen or the wire");
	/* Every byte read, so that AddressSanitizer checks the record. */
	for (uint32_t i = 0; i < caplen; i++)
		sum += data[i];
	(void)sum;
}

static void
fuzz_summary(void *arg, const struct event *ev)
{
	struct fuzz_ctx *ctx = arg;

	ctx->summaries++;
	if (ev->suppressed == 0)
		check_fail("cooldown", "summary without anything suppressed");
	check_event_line(ctx, ev, event_format_text, false);
	check_event_line(ctx, ev, event_format_json, true);
}

static void
fuzz_flow(void *arg, const struct flow_record *rec)
{
	struct fuzz_ctx *ctx = arg;

	ctx->records++;
	if ((unsigned)rec->conn_state >= CS_NSTATES)
		check_fail("flow", "conn_state out of range");
	if ((unsigned)rec->close >= CLOSE_NREASONS)
		check_fail("flow", "close out of range");
	check_record_line(ctx, rec);
}

/*
 * Format into the daemon's buffer, then into heap buffers of exactly the
 * line's size and one byte less, where AddressSanitizer sees any byte
 * written past the end.
 */
static void
check_event_line(struct fuzz_ctx *ctx, const struct event *ev,
    int (*fmt)(const struct event *, char *, size_t), bool json)
{
	char *exact, *buf = ctx->line;
	int n, m;

	n = fmt(ev, buf, sizeof(ctx->line));
	check_line(ctx, buf, n, json);
	if ((exact = malloc((size_t)n + 1)) == NULL)
		return;
	if ((m = fmt(ev, exact, (size_t)n + 1)) != n ||
	    memcmp(exact, buf, (size_t)n + 1) != 0)
		check_fail("event format", "a line differs in an exact buffer");
	if (fmt(ev, exact, (size_t)n) != -1)
		check_fail("event format", "a line fits a buffer one byte short");
	free(exact);
}

static void
check_record_line(struct fuzz_ctx *ctx, const struct flow_record *rec)
{
	char *exact, *buf = ctx->line;
	int n, m;

	n = flow_record_format_json(rec, buf, sizeof(ctx->line));
	check_line(ctx, buf, n, true);
	if ((exact = malloc((size_t)n + 1)) == NULL)
		return;
	if ((m = flow_record_format_json(rec, exact, (size_t)n + 1)) != n ||
	    memcmp(exact, buf, (size_t)n + 1) != 0)
		check_fail("flow format", "a record differs in an exact buffer");
	if (flow_record_format_json(rec, exact, (size_t)n) != -1)
		check_fail("flow format", "a record fits a buffer one byte short");
	free(exact);
}

/* Also adds the line to the run's digest (FNV-1a per line, summed). */
static void
check_line(struct fuzz_ctx *ctx, const char *buf, int n, bool json)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	if (n < 0)
		check_fail("format", "a line does not fit 2048 bytes");
	if (strlen(buf) != (size_t)n)
		check_fail("format", "returned length is not the line's");
	/* Both forms escape every byte outside printable ASCII. */
	for (int i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || (unsigned char)buf[i] >= 0x7f)
			check_fail("format", "unescaped byte in a line");
	if (json && !json_object(buf))
		check_fail("format", "JSON line does not parse");
	for (int i = 0; i < n; i++)
		h = (h ^ (unsigned char)buf[i]) * 0x100000001b3ULL;
	ctx->digest += h;
	if (!ctx->quiet && verbose())
		fprintf(stderr, "%s\n", buf);
}

/*
 * A strict JSON (RFC 8259) recogniser, enough to say whether a line is
 * one object and nothing else.  Depth-limited; lines are short.
 */
static bool
json_object(const char *s)
{
	json_ws(&s);
	if (*s != '{' || !json_value(&s, 0))
		return false;
	json_ws(&s);
	return *s == '\0';
}

static void
json_ws(const char **sp)
{
	while (**sp == ' ' || **sp == '\t' || **sp == '\n' || **sp == '\r')
		(*sp)++;
}

static bool
json_value(const char **sp, int depth)
{
	const char *s;

	if (depth > 16)
		return false;
	json_ws(sp);
	s = *sp;
	switch (*s) {
	case '{':
	case '[': {
		char close = *s == '{' ? '}' : ']';
		bool obj = *s == '{';

		*sp = s + 1;
		json_ws(sp);
		if (**sp == close) {
			(*sp)++;
			return true;
		}
		for (;;) {
			if (obj) {
				json_ws(sp);
				if (!json_string(sp))
					return false;
				json_ws(sp);
				if (**sp != ':')
					return false;
				(*sp)++;
			}
			if (!json_value(sp, depth + 1))
				return false;
			json_ws(sp);
			if (**sp == close) {
				(*sp)++;
				return true;
			}
			if (**sp != ',')
				return false;
			(*sp)++;
		}
	}
	case '"':
		return json_string(sp);
	case 't':
		if (strncmp(s, "true", 4) != 0)
			return false;
		*sp = s + 4;
		return true;
	case 'f':
		if (strncmp(s, "false", 5) != 0)
			return false;
		*sp = s + 5;
		return true;
	case 'n':
		if (strncmp(s, "null", 4) != 0)
			return false;
		*sp = s + 4;
		return true;
	default:
		return json_number(sp);
	}
}

static bool
json_string(const char **sp)
{
	const char *s = *sp;

	if (*s++ != '"')
		return false;
	for (;;) {
		unsigned char c = (unsigned char)*s++;

		if (c == '"')
			break;
		if (c < 0x20)
			return false;	/* includes the terminating NUL */
		if (c != '\\')
			continue;
		c = (unsigned char)*s++;
		if (c == 'u') {
			for (int i = 0; i < 4; i++, s++)
				if (!((*s >= '0' && *s <= '9') ||
				    (*s >= 'a' && *s <= 'f') ||
				    (*s >= 'A' && *s <= 'F')))
					return false;
		} else if (strchr("\"\\/bfnrt", c) == NULL || c == '\0')
			return false;
	}
	*sp = s;
	return true;
}

static bool
json_number(const char **sp)
{
	const char *s = *sp;

	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (*s >= '1' && *s <= '9')
		while (*s >= '0' && *s <= '9')
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!(*s >= '0' && *s <= '9'))
			return false;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	*sp = s;
	return true;
}
