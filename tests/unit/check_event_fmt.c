/*
 * The syslog line of every event kind (SPEC section 5), its quoting, and
 * RFC 3339 timestamps.  Expected lines are written out in full: the line
 * is an interface that administrators and log shippers parse.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "check_util.h"
#include "event.h"
#include "pkt.h"

static void		check_text(const struct event *, const char *);
static Suite		*event_fmt_suite(void);

static void
check_text(const struct event *ev, const char *expect)
{
	char buf[1024];
	int n;

	n = event_format_text(ev, buf, sizeof(buf));
	ck_assert_str_eq(buf, expect);
	ck_assert_int_eq(n, (int)strlen(expect));
	UTIL_CHECK_FITS(event_format_text, ev, expect);
}

START_TEST(test_syn_retransmit_spec_example)
{
	struct event ev = util_flow_event(EV_syn_retransmit, "10.10.10.1", 56348,
	    "10.10.10.2", 445);

	ev.count = 3;
	ev.threshold = 3;
	check_text(&ev, "kind=syn_retransmit severity=warning proto=tcp "
	    "src=10.10.10.1 sport=56348 dst=10.10.10.2 dport=445 "
	    "syn_retransmits=3 threshold=3 iface=eth0 "
	    "community_id=\"1:5zketkZrwT+9pa1HJzvBrAVumzY=\" msg=\"SYN "
	    "retransmitted 3 times without a SYN-ACK: lost in the path or "
	    "dropped at the destination\"");
}
END_TEST

START_TEST(test_syn_retransmit_listening)
{
	struct event ev = util_flow_event(EV_syn_retransmit, "192.0.2.7", 40000,
	    "192.0.2.1", 8080);

	ev.count = 4;
	ev.threshold = 4;
	ev.listening = TRI_YES;
	check_text(&ev, "kind=syn_retransmit severity=warning proto=tcp "
	    "src=192.0.2.7 sport=40000 dst=192.0.2.1 dport=8080 "
	    "syn_retransmits=4 threshold=4 listening=yes iface=eth0 "
	    "community_id=\"1:jn/KNzhJim63cbyAd3FqimT5CGU=\" "
	    "msg=\"SYN retransmitted 4 times without a SYN-ACK: the port is "
	    "listening, so a local firewall drops it\"");

	ev.listening = TRI_NO;
	check_text(&ev, "kind=syn_retransmit severity=warning proto=tcp "
	    "src=192.0.2.7 sport=40000 dst=192.0.2.1 dport=8080 "
	    "syn_retransmits=4 threshold=4 listening=no iface=eth0 "
	    "community_id=\"1:jn/KNzhJim63cbyAd3FqimT5CGU=\" "
	    "msg=\"SYN retransmitted 4 times without a SYN-ACK: nothing "
	    "listens on the port and no RST was sent, so a local firewall "
	    "drops it\"");

	/* A threshold of one: "once", not "1 times". */
	ev.listening = TRI_UNKNOWN;
	ev.count = 1;
	ev.threshold = 1;
	ev.severity = SEV_ERR;
	check_text(&ev, "kind=syn_retransmit severity=err proto=tcp "
	    "src=192.0.2.7 sport=40000 dst=192.0.2.1 dport=8080 "
	    "syn_retransmits=1 threshold=1 iface=eth0 "
	    "community_id=\"1:jn/KNzhJim63cbyAd3FqimT5CGU=\" msg=\"SYN "
	    "retransmitted once without a SYN-ACK: lost in the path or "
	    "dropped at the destination\"");
}
END_TEST

START_TEST(test_synack_retransmit)
{
	struct event ev = util_flow_event(EV_synack_retransmit, "198.51.100.20",
	    51000, "203.0.113.5", 443);

	ev.count = 3;
	ev.threshold = 3;
	check_text(&ev, "kind=synack_retransmit severity=warning proto=tcp "
	    "src=198.51.100.20 sport=51000 dst=203.0.113.5 dport=443 "
	    "synack_retransmits=3 threshold=3 iface=eth0 "
	    "community_id=\"1:GZ3sG8QNQeiSVcdrGuN4R3sYVrs=\" msg=\"SYN-ACK "
	    "retransmitted 3 times: the originator's final ACK is not "
	    "arriving\"");
}
END_TEST

START_TEST(test_syn_refused)
{
	struct event ev = util_flow_event(EV_syn_refused, "10.0.0.1", 40000,
	    "10.0.0.2", 22);

	ev.by = SIDE_DST;
	check_text(&ev, "kind=syn_refused severity=notice proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=22 by=dst "
	    "iface=eth0 "
	    "community_id=\"1:6ss4qdJ0A66GEUdTP+xe+3biIN4=\" "
	    "msg=\"connection refused: RST answered the SYN (port "
	    "closed or connection rejected)\"");
}
END_TEST

/*
 * SPEC section 5: the tunnel right after the flow keys, quoted because it
 * holds "="; nested layers outermost first, joined by "/"; IPv6 outer
 * addresses in their canonical form; the Community ID the inner flow's.
 * And in JSON, an object, a list when nested.
 */
START_TEST(test_tunnel_key)
{
	struct event ev = util_flow_event(EV_syn_refused, "10.0.0.1", 40000,
	    "10.0.0.2", 22);
	char buf[1024];
	uint8_t a6[16] = { 0xfd, [15] = 5 }, b6[16] = { 0xfd, [15] = 6 };
	uint8_t a4[4] = { 172, 16, 0, 5 }, b4[4] = { 172, 16, 0, 6 };

	ev.by = SIDE_DST;
	ev.ntunnels = 1;
	ev.tunnels[0].type = TUN_VXLAN;
	ev.tunnels[0].has_id = 1;
	ev.tunnels[0].id = 42;
	addr_from_v4(&ev.tunnels[0].src, a4);
	addr_from_v4(&ev.tunnels[0].dst, b4);
	check_text(&ev, "kind=syn_refused severity=notice proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=22 "
	    "tunnel=\"vxlan:172.16.0.5>172.16.0.6:vni=42\" by=dst "
	    "iface=eth0 "
	    "community_id=\"1:6ss4qdJ0A66GEUdTP+xe+3biIN4=\" "
	    "msg=\"connection refused: RST answered the SYN (port "
	    "closed or connection rejected)\"");
	ck_assert_int_gt(event_format_json(&ev, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"dport\":22,\"tunnel\":"
	    "{\"type\":\"vxlan\",\"src\":\"172.16.0.5\",\"dst\":"
	    "\"172.16.0.6\",\"vni\":42},\"by\":\"dst\""));

	ev.ntunnels = 2;
	ev.tunnels[1] = ev.tunnels[0];
	ev.tunnels[0].type = TUN_6IN6;
	ev.tunnels[0].has_id = 0;
	ev.tunnels[0].id = 0;
	addr_from_v6(&ev.tunnels[0].src, a6);
	addr_from_v6(&ev.tunnels[0].dst, b6);
	check_text(&ev, "kind=syn_refused severity=notice proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=22 "
	    "tunnel=\"6in6:fd00::5>fd00::6/vxlan:172.16.0.5>172.16.0.6:vni=42\" "
	    "by=dst iface=eth0 "
	    "community_id=\"1:6ss4qdJ0A66GEUdTP+xe+3biIN4=\" "
	    "msg=\"connection refused: RST answered the SYN (port "
	    "closed or connection rejected)\"");
	ck_assert_int_gt(event_format_json(&ev, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "\"tunnel\":[{\"type\":\"6in6\","
	    "\"src\":\"fd00::5\",\"dst\":\"fd00::6\"},{\"type\":\"vxlan\""));
	UTIL_CHECK_FITS(event_format_json, &ev, buf);
}
END_TEST

START_TEST(test_data_retransmit)
{
	struct event ev = util_flow_event(EV_data_retransmit, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.count = 5;
	ev.threshold = 5;
	ev.seq = 4294967295U;
	ev.by = SIDE_SRC;
	check_text(&ev, "kind=data_retransmit severity=warning proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=80 retransmits=5 "
	    "threshold=5 seq=4294967295 by=src iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" msg=\"the "
	    "originator retransmitted data 5 times without acknowledgement: "
	    "packets are being lost in the path\"");
}
END_TEST

START_TEST(test_loss_reset)
{
	struct event ev = util_flow_event(EV_loss_reset, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.by = SIDE_SRC;
	ev.count = 7;
	check_text(&ev, "kind=loss_reset severity=err proto=tcp src=10.0.0.1 "
	    "sport=40000 dst=10.0.0.2 dport=80 by=src retransmits=7 "
	    "iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" "
	    "msg=\"the originator reset the connection while data "
	    "was being retransmitted: it gave up because of packet loss\"");

	/* capture_loss comes after the kind's keys, before iface. */
	ev.by = SIDE_DST;
	ev.capture_loss = true;
	check_text(&ev, "kind=loss_reset severity=err proto=tcp src=10.0.0.1 "
	    "sport=40000 dst=10.0.0.2 dport=80 by=dst retransmits=7 "
	    "capture_loss=yes iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" "
	    "msg=\"the responder reset the "
	    "connection while data was being retransmitted: it gave up "
	    "because of packet loss\"");

	/* evidence comes after capture_loss, before iface (SPEC 5). */
	ev.evidence = "/var/lib/rstwatchd/evidence/a b.pcap";
	check_text(&ev, "kind=loss_reset severity=err proto=tcp src=10.0.0.1 "
	    "sport=40000 dst=10.0.0.2 dport=80 by=dst retransmits=7 "
	    "capture_loss=yes "
	    "evidence=\"/var/lib/rstwatchd/evidence/a b.pcap\" iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" "
	    "msg=\"the responder reset the "
	    "connection while data was being retransmitted: it gave up "
	    "because of packet loss\"");
}
END_TEST

START_TEST(test_app_reset)
{
	struct event ev = util_flow_event(EV_app_reset, "10.0.0.1", 40000,
	    "10.0.0.2", 5432);

	ev.by = SIDE_DST;
	check_text(&ev, "kind=app_reset severity=notice proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=5432 by=dst "
	    "iface=eth0 "
	    "community_id=\"1:rADsrmlX7XhN7b19LxHstpcxftE=\" "
	    "msg=\"the responder reset the connection with no "
	    "retransmission outstanding: the application aborted it\"");

	/* A side the analyser could not tell is still a value. */
	ev.by = SIDE_NONE;
	ev.iface = NULL;
	check_text(&ev, "kind=app_reset severity=notice proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=5432 by=unknown "
	    "community_id=\"1:rADsrmlX7XhN7b19LxHstpcxftE=\" "
	    "msg=\"one side reset the connection with no "
	    "retransmission outstanding: the application aborted it\"");
}
END_TEST

START_TEST(test_rst_injected_ttl)
{
	struct event ev = util_flow_event(EV_rst_injected, "10.0.0.1", 40000,
	    "93.184.216.34", 80);

	ev.by = SIDE_DST;
	ev.ttl = 52;
	ev.expected_ttl = 64;
	check_text(&ev, "kind=rst_injected severity=warning proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=93.184.216.34 dport=80 by=dst "
	    "ttl=52 expected_ttl=64 iface=eth0 "
	    "community_id=\"1:knHg8rotno0xvF8isXGPECK1OS8=\" "
	    "msg=\"RST with TTL 52 where "
	    "the responder's packets had TTL 64: probably injected by a "
	    "device in the path\"");
}
END_TEST

/* Proved by what followed (tcp.c), not by the TTL: said so. */
START_TEST(test_rst_injected_late_same_ttl)
{
	struct event ev = util_flow_event(EV_rst_injected, "10.0.0.1", 40000,
	    "93.184.216.34", 80);

	ev.by = SIDE_DST;
	ev.ttl = 64;
	ev.expected_ttl = 64;
	check_text(&ev, "kind=rst_injected severity=warning proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=93.184.216.34 dport=80 by=dst "
	    "ttl=64 expected_ttl=64 iface=eth0 "
	    "community_id=\"1:knHg8rotno0xvF8isXGPECK1OS8=\" "
	    "msg=\"RST followed by packets from the responder that the RST "
	    "should have ended: probably injected by a device in the path\"");
}
END_TEST

START_TEST(test_rst_injected_hop_limit)
{
	struct event ev = util_flow_event(EV_rst_injected, "2001:db8::10", 40000,
	    "2001:db8:1::80", 443);

	ev.by = SIDE_SRC;
	ev.ttl = 255;
	ev.expected_ttl = 57;
	check_text(&ev, "kind=rst_injected severity=warning proto=tcp "
	    "src=2001:db8::10 sport=40000 dst=2001:db8:1::80 dport=443 "
	    "by=src ttl=255 expected_ttl=57 iface=eth0 "
	    "community_id=\"1:1jZ7OENzac+wf7ZHWWllz3WBYu0=\" "
	    "msg=\"RST with hop "
	    "limit 255 where the originator's packets had hop limit 57: "
	    "probably injected by a device in the path\"");
}
END_TEST

START_TEST(test_rst_injected_window)
{
	struct event ev = util_flow_event(EV_rst_injected, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.by = SIDE_DST;
	ev.window_evidence = true;
	ev.ttl = 60;		/* not printed with window evidence */
	ev.seq = 123456789;
	ev.expected_seq = 1000;
	ev.window = 65535;
	check_text(&ev, "kind=rst_injected severity=warning proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=80 by=dst "
	    "seq=123456789 expected_seq=1000 window=65535 iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" "
	    "msg=\"RST with a sequence number outside the receive window: "
	    "probably injected by a device in the path\"");
}
END_TEST

START_TEST(test_seq_anomaly)
{
	struct event ev = util_flow_event(EV_seq_anomaly, "10.0.0.1", 40000,
	    "10.0.0.2", 80);

	ev.count = 1;
	check_text(&ev, "kind=seq_anomaly severity=warning proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=80 count=1 "
	    "iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" "
	    "msg=\"1 segment with sequence or acknowledgement "
	    "numbers that cannot belong to this connection: a device in the "
	    "path altered or replayed packets\"");
	ev.count = 12;
	check_text(&ev, "kind=seq_anomaly severity=warning proto=tcp "
	    "src=10.0.0.1 sport=40000 dst=10.0.0.2 dport=80 count=12 "
	    "iface=eth0 "
	    "community_id=\"1:3k1SoWXs/FltHw2aBCgUTgbDQF4=\" "
	    "msg=\"12 segments with sequence or acknowledgement "
	    "numbers that cannot belong to this connection: a device in the "
	    "path altered or replayed packets\"");
}
END_TEST

START_TEST(test_icmp_port_unreachable)
{
	struct event ev = util_flow_event(EV_icmp_unreachable, "10.0.0.1", 53000,
	    "10.0.0.53", 53);

	ev.proto = PKT_PROTO_UDP;
	ev.icmp_type = 3;
	ev.icmp_code = 3;
	ev.reporter = util_addr("10.0.0.53");
	check_text(&ev, "kind=icmp_unreachable severity=notice proto=udp "
	    "src=10.0.0.1 sport=53000 dst=10.0.0.53 dport=53 icmp_type=3 "
	    "icmp_code=3 reporter=10.0.0.53 iface=eth0 "
	    "community_id=\"1:quSNuJzqDtnZPfDjbLzoJ5qCo+U=\" msg=\"ICMP port "
	    "unreachable from 10.0.0.53: nothing listens on the UDP port\"");

	ev.proto = PKT_PROTO_TCP;
	check_text(&ev, "kind=icmp_unreachable severity=notice proto=tcp "
	    "src=10.0.0.1 sport=53000 dst=10.0.0.53 dport=53 icmp_type=3 "
	    "icmp_code=3 reporter=10.0.0.53 iface=eth0 "
	    "community_id=\"1:GzGIc5EMW8IrFxFhJ29IMn5gAFM=\" msg=\"ICMP port "
	    "unreachable from 10.0.0.53: the port is closed or a firewall "
	    "rejects the connection\"");
}
END_TEST

START_TEST(test_icmp_v4_codes)
{
	static const struct {
		uint8_t		type, code;
		const char	*msg;
	} cases[] = {
		{ 3, 0, "ICMP network unreachable from 192.0.2.254: there is "
		    "no route to the destination" },
		{ 3, 1, "ICMP host unreachable from 192.0.2.254: the "
		    "destination host is down or cannot be reached" },
		{ 3, 2, "ICMP protocol unreachable from 192.0.2.254: the "
		    "destination does not handle TCP" },
		{ 3, 4, "ICMP fragmentation needed from 192.0.2.254: packets "
		    "larger than the path MTU are dropped" },
		{ 3, 9, "ICMP administratively prohibited from 192.0.2.254: a "
		    "firewall filters this traffic" },
		{ 3, 10, "ICMP administratively prohibited from 192.0.2.254: "
		    "a firewall filters this traffic" },
		{ 3, 13, "ICMP administratively prohibited from 192.0.2.254: "
		    "a firewall filters this traffic" },
		{ 3, 5, "ICMP destination unreachable (type 3 code 5) from "
		    "192.0.2.254" },
		{ 3, 255, "ICMP destination unreachable (type 3 code 255) "
		    "from 192.0.2.254" },
		/* ICMPv6's admin-prohibited numbers mean nothing in v4. */
		{ 1, 1, "ICMP destination unreachable (type 1 code 1) from "
		    "192.0.2.254" },
	};
	struct event ev = util_flow_event(EV_icmp_unreachable, "10.0.0.1", 40000,
	    "203.0.113.9", 25);
	char expect[512], buf[1024];

	ev.reporter = util_addr("192.0.2.254");
	ev.iface = NULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev.icmp_type = cases[i].type;
		ev.icmp_code = cases[i].code;
		snprintf(expect, sizeof(expect), "kind=icmp_unreachable "
		    "severity=notice proto=tcp src=10.0.0.1 sport=40000 "
		    "dst=203.0.113.9 dport=25 icmp_type=%u icmp_code=%u "
		    "reporter=192.0.2.254 "
		    "community_id=\"1:o06mD/N3KdqFPdOt+IW0UjgbCfM=\" "
		    "msg=\"%s\"", cases[i].type,
		    cases[i].code, cases[i].msg);
		ck_assert_int_eq(event_format_text(&ev, buf, sizeof(buf)),
		    (int)strlen(expect));
		ck_assert_str_eq(buf, expect);
	}

	/* Protocol unreachable names the quoted flow's protocol. */
	ev.proto = PKT_PROTO_UDP;
	ev.icmp_type = 3;
	ev.icmp_code = 2;
	check_text(&ev, "kind=icmp_unreachable severity=notice proto=udp "
	    "src=10.0.0.1 sport=40000 dst=203.0.113.9 dport=25 icmp_type=3 "
	    "icmp_code=2 reporter=192.0.2.254 "
	    "community_id=\"1:m3u5F+DkssrZEiGLBF/6jrQEhJ8=\" "
	    "msg=\"ICMP protocol "
	    "unreachable from 192.0.2.254: the destination does not handle "
	    "UDP\"");
}
END_TEST

START_TEST(test_icmp_v6_codes)
{
	static const struct {
		uint8_t		type, code;
		const char	*msg;
	} cases[] = {
		{ 1, 0, "ICMPv6 network unreachable from 2001:db8::fe: there "
		    "is no route to the destination" },
		{ 1, 1, "ICMPv6 administratively prohibited from 2001:db8::fe: "
		    "a firewall filters this traffic" },
		{ 1, 3, "ICMPv6 host unreachable from 2001:db8::fe: the "
		    "destination host is down or cannot be reached" },
		{ 1, 4, "ICMPv6 port unreachable from 2001:db8::fe: nothing "
		    "listens on the UDP port" },
		{ 1, 2, "ICMPv6 destination unreachable (type 1 code 2) from "
		    "2001:db8::fe" },
		{ 1, 6, "ICMPv6 destination unreachable (type 1 code 6) from "
		    "2001:db8::fe" },
		/* ICMPv4's numbers mean nothing in v6. */
		{ 3, 3, "ICMPv6 destination unreachable (type 3 code 3) from "
		    "2001:db8::fe" },
	};
	struct event ev = util_flow_event(EV_icmp_unreachable, "2001:db8::1",
	    53000, "2001:db8:53::53", 53);
	char expect[512], buf[1024];

	ev.proto = PKT_PROTO_UDP;
	ev.reporter = util_addr("2001:db8::fe");
	ev.iface = NULL;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev.icmp_type = cases[i].type;
		ev.icmp_code = cases[i].code;
		snprintf(expect, sizeof(expect), "kind=icmp_unreachable "
		    "severity=notice proto=udp src=2001:db8::1 sport=53000 "
		    "dst=2001:db8:53::53 dport=53 icmp_type=%u icmp_code=%u "
		    "reporter=2001:db8::fe "
		    "community_id=\"1:VweMHx3MmOO0qGxmB/87YKNzWFw=\" "
		    "msg=\"%s\"", cases[i].type,
		    cases[i].code, cases[i].msg);
		ck_assert_int_eq(event_format_text(&ev, buf, sizeof(buf)),
		    (int)strlen(expect));
		ck_assert_str_eq(buf, expect);
	}

	/* The longest sentence, with the longest address, still fits. */
	ev.proto = PKT_PROTO_TCP;
	ev.icmp_type = 1;
	ev.icmp_code = 4;
	ev.reporter = util_addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	check_text(&ev, "kind=icmp_unreachable severity=notice proto=tcp "
	    "src=2001:db8::1 sport=53000 dst=2001:db8:53::53 dport=53 "
	    "icmp_type=1 icmp_code=4 "
	    "reporter=ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff "
	    "community_id=\"1:p3yQXWRmYSBNxvD62QHQzzk7+k8=\" "
	    "msg=\"ICMPv6 port unreachable from "
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff: the port is closed or "
	    "a firewall rejects the connection\"");
}
END_TEST

START_TEST(test_capture_drop)
{
	struct event ev;

	ev = util_event(EV_capture_drop);
	ev.count = 12;
	ev.received = 3400;
	ev.iface = "eth0";
	check_text(&ev, "kind=capture_drop severity=warning dropped=12 "
	    "received=3400 iface=eth0 msg=\"12 packets were dropped before "
	    "rstwatchd could read them (3400 received): the analysis of "
	    "this interval is incomplete\"");

	ev.count = 1;
	ev.received = UINT64_MAX;
	check_text(&ev, "kind=capture_drop severity=warning dropped=1 "
	    "received=18446744073709551615 iface=eth0 msg=\"1 packet was "
	    "dropped before rstwatchd could read it (18446744073709551615 "
	    "received): the analysis of this interval is incomplete\"");
}
END_TEST

START_TEST(test_rst_rate)
{
	struct event ev = util_flow_event(EV_rst_rate, "10.9.9.9", 1,
	    "192.0.2.10", 443);

	/* The service only: no src, no sport, whatever they hold. */
	ev.has_sport = false;
	ev.count = 50;
	ev.window_s = 10;
	check_text(&ev, "kind=rst_rate severity=warning proto=tcp "
	    "dst=192.0.2.10 dport=443 count=50 window=10 iface=eth0 "
	    "msg=\"50 RSTs involving this service within 10 seconds: its "
	    "connections are being reset unusually often\"");

	ev.count = 1;
	ev.window_s = 1;
	check_text(&ev, "kind=rst_rate severity=warning proto=tcp "
	    "dst=192.0.2.10 dport=443 count=1 window=1 iface=eth0 "
	    "msg=\"1 RST involving this service within 1 second: its "
	    "connections are being reset unusually often\"");
}
END_TEST

START_TEST(test_cooldown_summary)
{
	struct event ev = util_flow_event(EV_syn_retransmit, "10.0.0.1", 40000,
	    "10.0.0.2", 445);

	/* A summary leaves out the flow's src and the kind's keys. */
	ev.count = 3;
	ev.threshold = 3;
	ev.listening = TRI_YES;
	ev.capture_loss = true;
	ev.suppressed = 17;
	check_text(&ev, "kind=syn_retransmit severity=warning proto=tcp "
	    "dst=10.0.0.2 dport=445 suppressed=17 iface=eth0 msg=\"17 "
	    "further syn_retransmit alerts for this service were suppressed "
	    "during the cooldown\"");

	ev.kind = EV_loss_reset;
	ev.severity = SEV_ERR;
	ev.suppressed = 1;
	ev.iface = NULL;
	check_text(&ev, "kind=loss_reset severity=err proto=tcp "
	    "dst=10.0.0.2 dport=445 suppressed=1 msg=\"1 further loss_reset "
	    "alert for this service was suppressed during the cooldown\"");

	/* Without a flow there is no service to name. */
	ev = util_event(EV_capture_drop);
	ev.count = 5;
	ev.suppressed = 2;
	ev.iface = "any";
	check_text(&ev, "kind=capture_drop severity=warning suppressed=2 "
	    "iface=any msg=\"2 further capture_drop alerts were suppressed "
	    "during the cooldown\"");
}
END_TEST

START_TEST(test_other_proto)
{
	struct event ev = util_flow_event(EV_seq_anomaly, "10.0.0.1", 1,
	    "10.0.0.2", 2);

	ev.proto = 132;
	ev.count = 2;
	ev.iface = NULL;
	check_text(&ev, "kind=seq_anomaly severity=warning proto=132 "
	    "src=10.0.0.1 sport=1 dst=10.0.0.2 dport=2 count=2 "
	    "community_id=\"1:y8znfYI6u2PkNRo+bO+QEEECMmw=\" msg=\"2 "
	    "segments with sequence or acknowledgement numbers that cannot "
	    "belong to this connection: a device in the path altered or "
	    "replayed packets\"");
}
END_TEST

/*
 * RFC 5952: lower case, longest zero run compressed (first on a tie).
 * An IPv4 source with an IPv6 destination is no flow to a Community ID.
 */
START_TEST(test_ipv6_canonical)
{
	static const struct {
		const char	*in, *out, *cid;
	} cases[] = {
		{ "2001:DB8:0:0:0:0:0:1", "2001:db8::1",
		    " community_id=\"1:/zpXxNGyS2EqUxumbLL67hIcF2o=\"" },
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1",
		    " community_id=\"1:94F/VeFLcTOpVKIL6azePliklBs=\"" },
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1",
		    " community_id=\"1:IO0EBcWmHmhhGH1KS5fc+zQR4vw=\"" },
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1",
		    " community_id=\"1:yZQ7AwD+eJIsaS5/KYO9rtPi03M=\"" },
		{ "fe80:0000::0001", "fe80::1",
		    " community_id=\"1:aBKot8ezCTFcGJ6TQpDF3vscKvA=\"" },
		{ "::1", "::1",
		    " community_id=\"1:TLbbr6TwaULlO1dUwdb9fVWU4Z0=\"" },
		{ "::", "::",
		    " community_id=\"1:mYfD1/iIGXl4vIX2V9sqzD3Jy/Q=\"" },
		{ "::ffff:192.0.2.1", "192.0.2.1", "" },
	};
	struct event ev;
	char expect[512], buf[1024];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev = util_flow_event(EV_syn_refused, cases[i].in, 1, "::1", 2);
		ev.by = SIDE_DST;
		ev.iface = NULL;
		snprintf(expect, sizeof(expect), "kind=syn_refused "
		    "severity=notice proto=tcp src=%s sport=1 dst=::1 dport=2 "
		    "by=dst%s msg=\"connection refused: RST answered the SYN "
		    "(port closed or connection rejected)\"", cases[i].out,
		    cases[i].cid);
		ck_assert_int_eq(event_format_text(&ev, buf, sizeof(buf)),
		    (int)strlen(expect));
		ck_assert_str_eq(buf, expect);
	}
}
END_TEST

/* Interface names come from the system: they must not break the line. */
START_TEST(test_hostile_iface)
{
	static const struct {
		const char	*iface, *out;
	} cases[] = {
		{ "eth0.100", "eth0.100" },
		{ "br-lan_2", "br-lan_2" },
		{ "eth 0", "\"eth 0\"" },
		{ "a\"b", "\"a\\\"b\"" },
		{ "a=b", "\"a=b\"" },
		{ "a\\b", "\"a\\\\b\"" },
		{ "a\nkind=fake", "\"a\\x0akind=fake\"" },
		{ "\r\t", "\"\\x0d\\x09\"" },
		{ "del\x7f", "\"del\\x7f\"" },
		{ "\xff\x80x", "\"\\xff\\x80x\"" },
		{ "caf\xc3\xa9", "\"caf\\xc3\\xa9\"" },
		{ "\" msg=\"x", "\"\\\" msg=\\\"x\"" },
		{ "", "\"\"" },
	};
	struct event ev = util_flow_event(EV_app_reset, "10.0.0.1", 1000,
	    "10.0.0.2", 80);
	char expect[512];

	ev.by = SIDE_SRC;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ev.iface = cases[i].iface;
		snprintf(expect, sizeof(expect), "kind=app_reset "
		    "severity=notice proto=tcp src=10.0.0.1 sport=1000 "
		    "dst=10.0.0.2 dport=80 by=src iface=%s "
		    "community_id=\"1:lWJQYXirSlmWE2qTFPykhczY8U4=\" msg=\"the "
		    "originator reset the connection with no "
		    "retransmission outstanding: the application aborted "
		    "it\"", cases[i].out);
		check_text(&ev, expect);
	}
}
END_TEST

/* Whatever the interface name, the line is printable ASCII only. */
START_TEST(test_every_byte_stays_on_the_line)
{
	util_check_every_iface_byte(event_format_text,
	    " msg=\"0 packets were ", '"');
}
END_TEST

START_TEST(test_rfc3339)
{
	static const struct {
		uint64_t	ts_us;
		const char	*out;
	} cases[] = {
		{ 0, "1970-01-01T00:00:00.000000Z" },
		{ 1700000000123456ULL, "2023-11-14T22:13:20.123456Z" },
		{ 1700000000000001ULL, "2023-11-14T22:13:20.000001Z" },
		{ 1709210096999999ULL, "2024-02-29T12:34:56.999999Z" },
		{ 951868799500000ULL, "2000-02-29T23:59:59.500000Z" },
		/* 2100 is not a leap year: the day before March 1 is Feb 28. */
		{ 4107542399000000ULL, "2100-02-28T23:59:59.000000Z" },
		{ 253402300799999999ULL, "9999-12-31T23:59:59.999999Z" },
	};
	char buf[64];
	size_t len, size;
	char *tight;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		len = strlen(cases[i].out);
		ck_assert_int_eq(format_rfc3339(cases[i].ts_us, buf,
		    sizeof(buf)), (int)len);
		ck_assert_str_eq(buf, cases[i].out);

		for (size = 0; size <= len + 1; size++) {
			tight = malloc(size + 1);
			ck_assert_ptr_nonnull(tight);
			memset(tight, '#', size + 1);
			ck_assert_int_eq(format_rfc3339(cases[i].ts_us, tight,
			    size), size > len ? (int)len : -1);
			ck_assert(tight[size] == '#');
			if (size > 0)
				ck_assert_ptr_nonnull(memchr(tight, '\0',
				    size));
			free(tight);
		}
	}

	/*
	 * POSIX time whatever the host's zone: gmtime_r() would count leap
	 * seconds under a right/ zone and write 22:12:53 here.
	 */
	ck_assert_int_eq(setenv("TZ", "right/UTC", 1), 0);
	tzset();
	ck_assert_int_eq(format_rfc3339(1700000000000000ULL, buf,
	    sizeof(buf)), 27);
	ck_assert_str_eq(buf, "2023-11-14T22:13:20.000000Z");
	ck_assert_int_eq(unsetenv("TZ"), 0);
	tzset();

	/* Past 9999 RFC 3339 has no form. */
	ck_assert_int_eq(format_rfc3339(253402300800000000ULL, buf,
	    sizeof(buf)), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(format_rfc3339(UINT64_MAX, buf, sizeof(buf)), -1);
}
END_TEST

static Suite *
event_fmt_suite(void)
{
	Suite *s = suite_create("event_fmt");
	TCase *tc = tcase_create("text");

	tcase_add_test(tc, test_syn_retransmit_spec_example);
	tcase_add_test(tc, test_syn_retransmit_listening);
	tcase_add_test(tc, test_synack_retransmit);
	tcase_add_test(tc, test_rst_injected_late_same_ttl);
	tcase_add_test(tc, test_syn_refused);
	tcase_add_test(tc, test_tunnel_key);
	tcase_add_test(tc, test_data_retransmit);
	tcase_add_test(tc, test_loss_reset);
	tcase_add_test(tc, test_app_reset);
	tcase_add_test(tc, test_rst_injected_ttl);
	tcase_add_test(tc, test_rst_injected_hop_limit);
	tcase_add_test(tc, test_rst_injected_window);
	tcase_add_test(tc, test_seq_anomaly);
	tcase_add_test(tc, test_icmp_port_unreachable);
	tcase_add_test(tc, test_icmp_v4_codes);
	tcase_add_test(tc, test_icmp_v6_codes);
	tcase_add_test(tc, test_capture_drop);
	tcase_add_test(tc, test_rst_rate);
	tcase_add_test(tc, test_cooldown_summary);
	tcase_add_test(tc, test_other_proto);
	tcase_add_test(tc, test_ipv6_canonical);
	tcase_add_test(tc, test_hostile_iface);
	tcase_add_test(tc, test_every_byte_stays_on_the_line);
	suite_add_tcase(s, tc);

	tc = tcase_create("rfc3339");
	tcase_add_test(tc, test_rfc3339);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(event_fmt_suite());
}
