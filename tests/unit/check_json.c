/*
 * JSON lines (SPEC section 6): events, flow records, string escaping and
 * times.  Expected objects are written out in full.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_util.h"
#include "event.h"
#include "pkt.h"

static struct event	flow_event(enum event_kind, const char *, uint16_t,
			    const char *, uint16_t);
static void		check_json(const struct event *, const char *);
static void		check_flow(const struct flow_record *, const char *);
static int		text_keys(const char *, char [][32], int);
static int		json_keys(const char *, char [][32], int);
static Suite		*json_suite(void);

/* util_flow_event() a microsecond later: "ts" shows every decimal. */
static struct event
flow_event(enum event_kind kind, const char *src, uint16_t sport,
    const char *dst, uint16_t dport)
{
	struct event ev = util_flow_event(kind, src, sport, dst, dport);

	ev.ts_us += 1;
	return ev;
}

static void
check_json(const struct event *ev, const char *expect)
{
	char buf[2048];
	int n;

	n = event_format_json(ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, expect);
	ck_assert_int_eq(n, (int)strlen(expect));
	util_check_ascii_line(buf);
	UTIL_CHECK_FITS(event_format_json, ev, expect);
}

static void
check_flow(const struct flow_record *fr, const char *expect)
{
	char buf[2048];
	int n;

	n = flow_record_format_json(fr, buf, sizeof(buf));
	ck_assert_str_eq(buf, expect);
	ck_assert_int_eq(n, (int)strlen(expect));
	util_check_ascii_line(buf);
	UTIL_CHECK_FITS(flow_record_format_json, fr, expect);
}

START_TEST(test_syn_refused_brief_example)
{
	struct event ev = flow_event(EV_syn_refused, "10.0.0.1", 40000,
	    "10.0.0.2", 22);

	ev.by = SIDE_DST;
	ev.iface = NULL;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"syn_refused\","
	    "\"severity\":\"notice\",\"proto\":\"tcp\",\"src\":\"10.0.0.1\","
	    "\"sport\":40000,\"dst\":\"10.0.0.2\",\"dport\":22,\"by\":\"dst\","
	    "\"community_id\":\"1:6ss4qdJ0A66GEUdTP+xe+3biIN4=\","
	    "\"msg\":\"connection refused: RST answered the SYN (port closed "
	    "or connection rejected)\"}");
}
END_TEST

START_TEST(test_syn_retransmit)
{
	struct event ev = flow_event(EV_syn_retransmit, "10.10.10.1", 56348,
	    "10.10.10.2", 445);

	ev.count = 3;
	ev.threshold = 3;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"syn_retransmit\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"src\":\"10.10.10.1\","
	    "\"sport\":56348,\"dst\":\"10.10.10.2\",\"dport\":445,"
	    "\"syn_retransmits\":3,\"threshold\":3,\"iface\":\"eth0\","
	    "\"community_id\":\"1:5zketkZrwT+9pa1HJzvBrAVumzY=\","
	    "\"msg\":\"SYN retransmitted 3 times without a SYN-ACK: lost in "
	    "the path or dropped at the destination\"}");

	ev.listening = TRI_NO;
	ev.capture_loss = true;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"syn_retransmit\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"src\":\"10.10.10.1\","
	    "\"sport\":56348,\"dst\":\"10.10.10.2\",\"dport\":445,"
	    "\"syn_retransmits\":3,\"threshold\":3,\"listening\":\"no\","
	    "\"capture_loss\":\"yes\",\"iface\":\"eth0\","
	    "\"community_id\":\"1:5zketkZrwT+9pa1HJzvBrAVumzY=\",\"msg\":\"SYN "
	    "retransmitted 3 times without a SYN-ACK: nothing listens on the "
	    "port and no RST was sent, so a local firewall drops it\"}");

	ev.evidence = "/tmp/e.pcap";
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"syn_retransmit\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"src\":\"10.10.10.1\","
	    "\"sport\":56348,\"dst\":\"10.10.10.2\",\"dport\":445,"
	    "\"syn_retransmits\":3,\"threshold\":3,\"listening\":\"no\","
	    "\"capture_loss\":\"yes\",\"evidence\":\"/tmp/e.pcap\","
	    "\"iface\":\"eth0\","
	    "\"community_id\":\"1:5zketkZrwT+9pa1HJzvBrAVumzY=\",\"msg\":\"SYN "
	    "retransmitted 3 times without a SYN-ACK: nothing listens on the "
	    "port and no RST was sent, so a local firewall drops it\"}");
}
END_TEST

START_TEST(test_synack_retransmit)
{
	struct event ev = flow_event(EV_synack_retransmit, "2001:db8::1",
	    51000, "2001:db8::2", 443);

	ev.count = 4;
	ev.threshold = 3;
	check_json(&ev, "{\"ts\":1700000000.000001,"
	    "\"kind\":\"synack_retransmit\",\"severity\":\"warning\","
	    "\"proto\":\"tcp\",\"src\":\"2001:db8::1\",\"sport\":51000,"
	    "\"dst\":\"2001:db8::2\",\"dport\":443,\"synack_retransmits\":4,"
	    "\"threshold\":3,\"iface\":\"eth0\","
	    "\"community_id\":\"1:TZebe/ybIXr8J9lX26/lqPRYGuk=\","
	    "\"msg\":\"SYN-ACK "
	    "retransmitted 4 times: the originator's final ACK is not "
	    "arriving\"}");
}
END_TEST

START_TEST(test_data_retransmit)
{
	struct event ev = flow_event(EV_data_retransmit, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.count = 6;
	ev.threshold = 5;
	ev.seq = 4294967295U;
	ev.by = SIDE_DST;
	check_json(&ev, "{\"ts\":1700000000.000001,"
	    "\"kind\":\"data_retransmit\",\"severity\":\"warning\","
	    "\"proto\":\"tcp\",\"src\":\"10.0.0.1\",\"sport\":40000,"
	    "\"dst\":\"10.0.0.2\",\"dport\":80,\"retransmits\":6,"
	    "\"threshold\":5,\"seq\":4294967295,\"by\":\"dst\","
	    "\"iface\":\"eth0\","
	    "\"community_id\":\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\","
	    "\"msg\":\"the responder retransmitted "
	    "data 6 times without acknowledgement: packets are being lost in "
	    "the path\"}");
}
END_TEST

START_TEST(test_resets)
{
	struct event ev = flow_event(EV_loss_reset, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.by = SIDE_SRC;
	ev.count = 9;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"loss_reset\","
	    "\"severity\":\"err\",\"proto\":\"tcp\",\"src\":\"10.0.0.1\","
	    "\"sport\":40000,\"dst\":\"10.0.0.2\",\"dport\":80,\"by\":\"src\","
	    "\"retransmits\":9,\"iface\":\"eth0\","
	    "\"community_id\":\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\","
	    "\"msg\":\"the originator "
	    "reset the connection while data was being retransmitted: it "
	    "gave up because of packet loss\"}");

	ev.kind = EV_app_reset;
	ev.severity = SEV_NOTICE;
	ev.by = SIDE_DST;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"app_reset\","
	    "\"severity\":\"notice\",\"proto\":\"tcp\",\"src\":\"10.0.0.1\","
	    "\"sport\":40000,\"dst\":\"10.0.0.2\",\"dport\":80,\"by\":\"dst\","
	    "\"iface\":\"eth0\","
	    "\"community_id\":\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\","
	    "\"msg\":\"the responder reset the "
	    "connection with no retransmission outstanding: the "
	    "application aborted it\"}");
}
END_TEST

START_TEST(test_rst_injected)
{
	struct event ev = flow_event(EV_rst_injected, "10.0.0.1", 40000,
	    "93.184.216.34", 80);

	ev.by = SIDE_DST;
	ev.ttl = 52;
	ev.expected_ttl = 64;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"rst_injected\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"src\":\"10.0.0.1\","
	    "\"sport\":40000,\"dst\":\"93.184.216.34\",\"dport\":80,"
	    "\"by\":\"dst\",\"ttl\":52,\"expected_ttl\":64,\"iface\":\"eth0\","
	    "\"community_id\":\"1:knHg8rotno0xvF8isXGPECK1OS8=\","
	    "\"msg\":\"RST with TTL 52 where the responder's packets had TTL "
	    "64: probably injected by a device in the path\"}");

	ev.window_evidence = true;
	ev.seq = 3000000000U;
	ev.expected_seq = 12345;
	ev.window = 29200;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"rst_injected\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"src\":\"10.0.0.1\","
	    "\"sport\":40000,\"dst\":\"93.184.216.34\",\"dport\":80,"
	    "\"by\":\"dst\",\"seq\":3000000000,\"expected_seq\":12345,"
	    "\"window\":29200,\"iface\":\"eth0\","
	    "\"community_id\":\"1:knHg8rotno0xvF8isXGPECK1OS8=\","
	    "\"msg\":\"RST with a "
	    "sequence number outside the receive window: probably injected "
	    "by a device in the path\"}");
}
END_TEST

START_TEST(test_seq_anomaly)
{
	struct event ev = flow_event(EV_seq_anomaly, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.count = 2;
	check_json(&ev, "{\"ts\":1700000000.000001,\"kind\":\"seq_anomaly\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"src\":\"10.0.0.1\","
	    "\"sport\":40000,\"dst\":\"10.0.0.2\",\"dport\":80,\"count\":2,"
	    "\"iface\":\"eth0\","
	    "\"community_id\":\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\","
	    "\"msg\":\"2 segments with sequence or "
	    "acknowledgement numbers that cannot belong to this connection: "
	    "a device in the path altered or replayed packets\"}");
}
END_TEST

START_TEST(test_icmp_unreachable)
{
	struct event ev = flow_event(EV_icmp_unreachable, "2001:db8::1",
	    53000, "2001:db8:0:0:1::53", 53);

	ev.proto = PKT_PROTO_UDP;
	ev.icmp_type = 1;
	ev.icmp_code = 4;
	ev.reporter = util_addr("2001:db8:0:0:1::53");
	check_json(&ev, "{\"ts\":1700000000.000001,"
	    "\"kind\":\"icmp_unreachable\",\"severity\":\"notice\","
	    "\"proto\":\"udp\",\"src\":\"2001:db8::1\",\"sport\":53000,"
	    "\"dst\":\"2001:db8::1:0:0:53\",\"dport\":53,\"icmp_type\":1,"
	    "\"icmp_code\":4,\"reporter\":\"2001:db8::1:0:0:53\","
	    "\"iface\":\"eth0\","
	    "\"community_id\":\"1:2OIFQGg5/jpU7t/XTBs4LP9poAg=\","
	    "\"msg\":\"ICMPv6 port unreachable from "
	    "2001:db8::1:0:0:53: nothing listens on the UDP port\"}");
}
END_TEST

START_TEST(test_capture_drop)
{
	struct event ev;

	ev = util_event(EV_capture_drop);
	ev.ts_us = 0;
	ev.count = 4294967295U;
	ev.received = 18446744073709551615ULL;
	ev.iface = "wlan0";
	check_json(&ev, "{\"ts\":0.000000,\"kind\":\"capture_drop\","
	    "\"severity\":\"warning\",\"dropped\":4294967295,"
	    "\"received\":18446744073709551615,\"iface\":\"wlan0\","
	    "\"msg\":\"4294967295 packets were dropped before rstwatchd could "
	    "read them (18446744073709551615 received): the analysis of this "
	    "interval is incomplete\"}");
}
END_TEST

START_TEST(test_rst_rate)
{
	struct event ev = flow_event(EV_rst_rate, "0.0.0.0", 0, "192.0.2.10",
	    443);

	ev.has_sport = false;
	ev.ts_us = 1700000000123456ULL;
	ev.count = 100;
	ev.window_s = 60;
	check_json(&ev, "{\"ts\":1700000000.123456,\"kind\":\"rst_rate\","
	    "\"severity\":\"warning\",\"proto\":\"tcp\",\"dst\":\"192.0.2.10\","
	    "\"dport\":443,\"count\":100,\"window\":60,\"iface\":\"eth0\","
	    "\"msg\":\"100 RSTs involving this service within 60 seconds: "
	    "its connections are being reset unusually often\"}");
}
END_TEST

START_TEST(test_cooldown_summary)
{
	struct event ev = flow_event(EV_data_retransmit, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.count = 5;
	ev.threshold = 5;
	ev.suppressed = 42;
	check_json(&ev, "{\"ts\":1700000000.000001,"
	    "\"kind\":\"data_retransmit\",\"severity\":\"warning\","
	    "\"proto\":\"tcp\",\"dst\":\"10.0.0.2\",\"dport\":80,"
	    "\"suppressed\":42,\"iface\":\"eth0\",\"msg\":\"42 further "
	    "data_retransmit alerts for this service were suppressed during "
	    "the cooldown\"}");
}
END_TEST

/* Interface names are the only strings from outside; escape them all. */
START_TEST(test_string_escaping)
{
	static const struct {
		const char	*iface, *out;
	} cases[] = {
		{ "eth 0", "eth 0" },
		{ "a=b", "a=b" },
		{ "a\"b", "a\\\"b" },
		{ "a\\b", "a\\\\b" },
		{ "\n\t\r\b\f", "\\n\\t\\r\\b\\f" },
		{ "\x01\x1f", "\\u0001\\u001f" },
		{ "del\x7f", "del\\u007f" },
		{ "\xff\x80", "\\u00ff\\u0080" },
		{ "caf\xc3\xa9", "caf\\u00c3\\u00a9" },
		{ "\"},{\"kind\":\"x", "\\\"},{\\\"kind\\\":\\\"x" },
		{ "", "" },
	};
	struct event ev;
	char expect[512];

	ev = util_event(EV_capture_drop);
	ev.ts_us = 1;
	ev.count = 1;
	ev.received = 2;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev.iface = cases[i].iface;
		snprintf(expect, sizeof(expect), "{\"ts\":0.000001,"
		    "\"kind\":\"capture_drop\",\"severity\":\"warning\","
		    "\"dropped\":1,\"received\":2,\"iface\":\"%s\",\"msg\":\"1 "
		    "packet was dropped before rstwatchd could read it (2 "
		    "received): the analysis of this interval is incomplete\"}",
		    cases[i].out);
		check_json(&ev, expect);
	}
}
END_TEST

/* Every byte value as an interface name yields a one-line ASCII object. */
START_TEST(test_every_byte_escaped)
{
	util_check_every_iface_byte(event_format_json,
	    ",\"msg\":\"0 packets were ", '}');
}
END_TEST

/* Keys as the text line has them: at the start or after a space. */
static int
text_keys(const char *line, char keys[][32], int max)
{
	int n = 0, quoted = 0;
	const char *p, *start = line;

	for (p = line; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				quoted = 0;
		} else if (*p == '"')
			quoted = 1;
		else if (*p == '=' && start != NULL) {
			ck_assert_int_lt(n, max);
			snprintf(keys[n++], 32, "%.*s", (int)(p - start),
			    start);
			start = NULL;
		} else if (*p == ' ')
			start = p + 1;
	}
	return n;
}

/* Keys of a flat JSON object: a string after '{' or ','. */
static int
json_keys(const char *line, char keys[][32], int max)
{
	int n = 0, quoted = 0;
	const char *p, *start = NULL;

	for (p = line; *p != '\0'; p++) {
		if (quoted) {
			if (*p == '\\')
				p++;
			else if (*p == '"') {
				quoted = 0;
				if (start != NULL && p[1] == ':') {
					ck_assert_int_lt(n, max);
					snprintf(keys[n++], 32, "%.*s",
					    (int)(p - start), start);
				}
				start = NULL;
			}
		} else if (*p == '"') {
			quoted = 1;
			if (p > line && (p[-1] == '{' || p[-1] == ','))
				start = p + 1;
		}
	}
	return n;
}

/* SPEC 6: the same keys as the syslog line, in its order, after "ts". */
START_TEST(test_same_keys_as_text)
{
	char text[1024], json[2048], tk[32][32], jk[32][32];
	struct event ev;
	int nt, nj;

	for (int kind = 0; kind < EV_NKINDS; kind++) {
		for (int variant = 0; variant < 4; variant++) {
			ev = flow_event((enum event_kind)kind, "10.0.0.1", 1,
			    "10.0.0.2", 2);
			ev.reporter = util_addr("10.0.0.3");
			ev.count = 3;
			ev.listening = variant & 1 ? TRI_YES : TRI_UNKNOWN;
			ev.window_evidence = variant & 1;
			ev.capture_loss = variant & 2;
			if (kind == EV_capture_drop)
				ev.has_flow = false;
			if (kind == EV_rst_rate)
				ev.has_sport = false;
			if (variant == 3)
				ev.suppressed = 8;
			if (variant == 2)
				ev.iface = "a b=\"c\"";

			ck_assert_int_gt(event_format_text(&ev, text,
			    sizeof(text)), 0);
			ck_assert_int_gt(event_format_json(&ev, json,
			    sizeof(json)), 0);
			nt = text_keys(text, tk, 32);
			nj = json_keys(json, jk, 32);
			ck_assert_int_eq(nj, nt + 1);
			ck_assert_str_eq(jk[0], "ts");
			for (int i = 0; i < nt; i++)
				ck_assert_str_eq(jk[i + 1], tk[i]);
			ck_assert_str_eq(tk[0], "kind");
			ck_assert_str_eq(tk[nt - 1], "msg");
		}
	}
}
END_TEST

/*
 * The point of the Community ID: an alert names the flow record it
 * belongs to, whichever direction the alert sees the flow in, and the ID
 * is the same in the syslog line.
 */
START_TEST(test_community_id_joins)
{
	struct event ev = flow_event(EV_app_reset, "2001:db8::7", 51000,
	    "2001:db8::80", 443), rev;
	struct flow_record fr;
	char line[1024], text[1024];
	const char *want = "\"community_id\":\"1:";
	char id[64];
	const char *p, *q;

	memset(&fr, 0, sizeof(fr));
	fr.proto = PKT_PROTO_TCP;
	fr.src = ev.src;
	fr.sport = ev.sport;
	fr.dst = ev.dst;
	fr.dport = ev.dport;
	ck_assert_int_gt(flow_record_format_json(&fr, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(p = strstr(line, want));
	p += strlen("\"community_id\":\"");
	ck_assert_ptr_nonnull(q = strchr(p, '"'));
	ck_assert_uint_eq((size_t)(q - p), 30);
	memcpy(id, p, 30);
	id[30] = '\0';
	/* Last key of the record. */
	ck_assert_str_eq(q, "\"}");

	ck_assert_int_gt(event_format_json(&ev, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(strstr(line, id));
	ck_assert_int_gt(event_format_text(&ev, text, sizeof(text)), 0);
	ck_assert_ptr_nonnull(strstr(text, id));

	/* The same connection seen from the other end. */
	rev = flow_event(EV_app_reset, "2001:db8::80", 443, "2001:db8::7",
	    51000);
	ck_assert_int_gt(event_format_json(&rev, line, sizeof(line)), 0);
	ck_assert_ptr_nonnull(strstr(line, id));
	/* Another client port is another flow. */
	ev.sport = 51001;
	ck_assert_int_gt(event_format_json(&ev, line, sizeof(line)), 0);
	ck_assert_ptr_null(strstr(line, id));
}
END_TEST

START_TEST(test_flow_tcp)
{
	struct flow_record fr;

	memset(&fr, 0, sizeof(fr));
	fr.ts_start_us = 1700000000000000ULL;
	fr.ts_end_us = 1700000003250001ULL;
	fr.proto = PKT_PROTO_TCP;
	fr.src = util_addr("10.0.0.1");
	fr.sport = 40000;
	fr.dst = util_addr("10.0.0.2");
	fr.dport = 22;
	fr.pkts_orig = 1;
	fr.pkts_resp = 2;
	fr.bytes_orig = 3;
	fr.bytes_resp = 4;
	fr.syn_retransmits = 5;
	fr.synack_retransmits = 6;
	fr.retransmits_orig = 7;
	fr.retransmits_resp = 8;
	fr.rst_orig = 9;
	fr.rst_resp = 10;
	fr.seq_anomalies = 11;
	fr.keepalives = 12;
	fr.window_probes = 13;
	fr.out_of_order = 14;
	fr.duplicates = 15;
	fr.icmp_unreachables = 16;
	fr.conn_state = CS_REJ;
	fr.close = CLOSE_refused;
	check_flow(&fr, "{\"type\":\"flow\",\"ts_start\":1700000000.000000,"
	    "\"ts_end\":1700000003.250001,\"proto\":\"tcp\","
	    "\"src\":\"10.0.0.1\",\"sport\":40000,\"dst\":\"10.0.0.2\","
	    "\"dport\":22,\"pkts_orig\":1,\"pkts_resp\":2,\"bytes_orig\":3,"
	    "\"bytes_resp\":4,\"syn_retransmits\":5,\"synack_retransmits\":6,"
	    "\"retransmits_orig\":7,\"retransmits_resp\":8,\"rst_orig\":9,"
	    "\"rst_resp\":10,\"seq_anomalies\":11,\"keepalives\":12,"
	    "\"window_probes\":13,\"out_of_order\":14,\"duplicates\":15,"
	    "\"icmp_unreachables\":16,\"conn_state\":\"REJ\","
	    "\"close\":\"refused\""
	    ",\"community_id\":\"1:6ss4qdJ0A66GEUdTP+xe+3biIN4=\"}");

	/* Large counters and IPv6, still exact. */
	fr.src = util_addr("2001:db8::a");
	fr.dst = util_addr("fe80::1");
	fr.pkts_orig = UINT64_MAX;
	fr.bytes_resp = 10000000000ULL;
	fr.duplicates = UINT32_MAX;
	fr.conn_state = CS_RSTOS0;
	fr.close = CLOSE_handshake_timeout;
	check_flow(&fr, "{\"type\":\"flow\",\"ts_start\":1700000000.000000,"
	    "\"ts_end\":1700000003.250001,\"proto\":\"tcp\","
	    "\"src\":\"2001:db8::a\",\"sport\":40000,\"dst\":\"fe80::1\","
	    "\"dport\":22,\"pkts_orig\":18446744073709551615,\"pkts_resp\":2,"
	    "\"bytes_orig\":3,\"bytes_resp\":10000000000,"
	    "\"syn_retransmits\":5,\"synack_retransmits\":6,"
	    "\"retransmits_orig\":7,\"retransmits_resp\":8,\"rst_orig\":9,"
	    "\"rst_resp\":10,\"seq_anomalies\":11,\"keepalives\":12,"
	    "\"window_probes\":13,\"out_of_order\":14,"
	    "\"duplicates\":4294967295,\"icmp_unreachables\":16,"
	    "\"conn_state\":\"RSTOS0\",\"close\":\"handshake_timeout\""
	    ",\"community_id\":\"1:oRVCGeSOoDa3YjgOnlc71ZPVIgI=\"}");
}
END_TEST

START_TEST(test_flow_udp)
{
	struct flow_record fr;

	memset(&fr, 0, sizeof(fr));
	fr.ts_start_us = 1709210096000000ULL;
	fr.ts_end_us = 1709210126999999ULL;
	fr.proto = PKT_PROTO_UDP;
	fr.src = util_addr("2001:db8::1");
	fr.sport = 53000;
	fr.dst = util_addr("2001:db8::53");
	fr.dport = 53;
	fr.pkts_orig = 3;
	fr.bytes_orig = 120;
	/* TCP-only counters are left out even if set. */
	fr.syn_retransmits = 99;
	fr.duplicates = 99;
	fr.icmp_unreachables = 3;
	fr.conn_state = CS_S0;
	fr.close = CLOSE_timeout;
	check_flow(&fr, "{\"type\":\"flow\",\"ts_start\":1709210096.000000,"
	    "\"ts_end\":1709210126.999999,\"proto\":\"udp\","
	    "\"src\":\"2001:db8::1\",\"sport\":53000,"
	    "\"dst\":\"2001:db8::53\",\"dport\":53,\"pkts_orig\":3,"
	    "\"pkts_resp\":0,\"bytes_orig\":120,\"bytes_resp\":0,"
	    "\"icmp_unreachables\":3,\"conn_state\":\"S0\","
	    "\"close\":\"timeout\""
	    ",\"community_id\":\"1:p2WBFbz+SRMmv0mLBp8H+ZCQ/2M=\"}");
}
END_TEST

static Suite *
json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("event");

	tcase_add_test(tc, test_syn_refused_brief_example);
	tcase_add_test(tc, test_syn_retransmit);
	tcase_add_test(tc, test_synack_retransmit);
	tcase_add_test(tc, test_data_retransmit);
	tcase_add_test(tc, test_resets);
	tcase_add_test(tc, test_rst_injected);
	tcase_add_test(tc, test_seq_anomaly);
	tcase_add_test(tc, test_icmp_unreachable);
	tcase_add_test(tc, test_capture_drop);
	tcase_add_test(tc, test_rst_rate);
	tcase_add_test(tc, test_cooldown_summary);
	tcase_add_test(tc, test_string_escaping);
	tcase_add_test(tc, test_every_byte_escaped);
	tcase_add_test(tc, test_same_keys_as_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("flow");
	tcase_add_test(tc, test_flow_tcp);
	tcase_add_test(tc, test_community_id_joins);
	tcase_add_test(tc, test_flow_udp);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(json_suite());
}
