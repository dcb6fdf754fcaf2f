/*
 * What the Check programs of tests/unit share: addresses from text, an
 * event about one TCP connection, and main()'s runner.  Header only, since
 * each program is built from its one file and librstwatch.a.
 *
 * Test cases are named test_<what they show>, in the Check files as in
 * the shell suites (tests/lib.sh).
 */
#ifndef RSTWATCH_CHECK_UTIL_H
#define RSTWATCH_CHECK_UTIL_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "event.h"
#include "pkt.h"

/* 2023-11-14T22:13:20Z, the time of the examples. */
#define UTIL_TS_US	1700000000000000ULL

/* A full address (no "/len") through the prefix parser. */
static inline struct addr
util_addr(const char *text)
{
	struct addr_prefix p;

	ck_assert_msg(addr_prefix_parse(&p, text) == 0, "\"%s\" refused",
	    text);
	return p.addr;
}

/*
 * An event of kind about the TCP connection src:sport -> dst:dport on
 * eth0 at UTIL_TS_US, with its kind's default severity.
 */
static inline struct event
util_flow_event(enum event_kind kind, const char *src, uint16_t sport,
    const char *dst, uint16_t dport)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.severity = event_kind_default_severity(kind);
	ev.ts_us = UTIL_TS_US;
	ev.has_flow = true;
	ev.has_sport = true;
	ev.proto = PKT_PROTO_TCP;
	ev.src = util_addr(src);
	ev.sport = sport;
	ev.dst = util_addr(dst);
	ev.dport = dport;
	ev.iface = "eth0";
	return ev;
}

/* Runs every test of s: main()'s exit status. */
static inline int
util_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
