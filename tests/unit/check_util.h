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
#include "analyzer.h"
#include "timeunit.h"
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

/* An event of kind with its default severity, everything else zero. */
static inline struct event
util_event(enum event_kind kind)
{
	struct event ev;

	memset(&ev, 0, sizeof(ev));
	ev.kind = kind;
	ev.severity = event_kind_default_severity(kind);
	return ev;
}

/*
 * An event of kind about the TCP connection src:sport -> dst:dport on
 * eth0 at UTIL_TS_US, with its kind's default severity.
 */
static inline struct event
util_flow_event(enum event_kind kind, const char *src, uint16_t sport,
    const char *dst, uint16_t dport)
{
	struct event ev = util_event(kind);

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

/*
 * Two pseudo-random addresses from *seed (an LCG, so that a failure can
 * be replayed) equal in their first same bytes, so that the later bytes
 * decide an order.
 */
static inline void
util_random_addrs(uint32_t *seed, struct addr *a, struct addr *b, size_t same)
{
	for (size_t j = 0; j < sizeof(a->b); j++) {
		*seed = *seed * 1103515245u + 12345u;
		a->b[j] = (uint8_t)(*seed >> 16);
		*seed = *seed * 1103515245u + 12345u;
		b->b[j] = (uint8_t)(*seed >> 16);
	}
	memcpy(b->b, a->b, same);
}

/*
 * An event of kind about the TCP service 192.0.2.<last>:dport (no source
 * port, no source address, no time), with its kind's default severity.
 */
static inline struct event
util_service_event(enum event_kind kind, uint8_t last, uint16_t dport)
{
	struct event ev = util_event(kind);
	uint8_t v4[4] = { 192, 0, 2, last };

	ev.has_flow = true;
	ev.proto = PKT_PROTO_TCP;
	addr_from_v4(&ev.dst, v4);
	ev.dport = dport;
	return ev;
}

/* One line of printable ASCII: a log reader sees one line, one object. */
static inline void
util_check_ascii_line(const char *s)
{
	for (; *s != '\0'; s++)
		ck_assert_msg(*s >= ' ' && *s < 0x7f, "byte 0x%02x in line",
		    (unsigned char)*s);
}

/*
 * fmt(obj, buf, size) must write the line expect only where it fits:
 * every buffer size from 0 to its length fails with -1, leaves a
 * NUL-terminated prefix of the line and writes nothing past the buffer;
 * length + 1 succeeds.  Each buffer is allocated to its exact size plus
 * one guard byte, so that ASan sees an overflow the guard misses.  A
 * macro, for formatters of any object type.
 */
#define UTIL_CHECK_FITS(fmt, obj, expect) do {				\
	size_t len_ = strlen(expect), size_;				\
	char *b_;							\
	int n_;								\
									\
	for (size_ = 0; size_ <= len_ + 1; size_++) {			\
		b_ = malloc(size_ + 1);					\
		ck_assert_ptr_nonnull(b_);				\
		memset(b_, '#', size_ + 1);				\
		n_ = fmt((obj), b_, size_);				\
		ck_assert_msg(b_[size_] == '#', "wrote past %zu bytes",	\
		    size_);						\
		if (size_ <= len_) {					\
			ck_assert_int_eq(n_, -1);			\
			if (size_ > 0) {				\
				ck_assert_ptr_nonnull(memchr(b_, '\0',	\
				    size_));				\
				ck_assert_msg(strncmp(b_, (expect),	\
				    strlen(b_)) == 0, "size %zu: not a "	\
				    "prefix: %s", size_, b_);		\
			}						\
		} else {						\
			ck_assert_int_eq(n_, (int)len_);		\
			ck_assert_str_eq(b_, (expect));			\
		}							\
		free(b_);						\
	}								\
} while (0)

/*
 * fmt on a capture_drop event whose interface name is each byte value from
 * 1 to 255 in turn (the only string from outside): one line of printable
 * ASCII every time, holding part and ending in last.
 */
static inline void
util_check_every_iface_byte(int (*fmt)(const struct event *, char *, size_t),
    const char *part, char last)
{
	struct event ev = util_event(EV_capture_drop);
	char iface[2], buf[1024];
	int n;

	ev.iface = iface;
	for (int c = 1; c < 256; c++) {
		iface[0] = (char)c;
		iface[1] = '\0';
		n = fmt(&ev, buf, sizeof(buf));
		ck_assert_int_gt(n, 0);
		util_check_ascii_line(buf);
		ck_assert_ptr_nonnull(strstr(buf, part));
		ck_assert_int_eq(buf[n - 1], last);
	}
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

/*
 * Thresholds and timeouts for an analyser under test: three SYN retries,
 * five data retransmissions, the shipped timeouts.
 */
static inline struct analyzer_params
util_analyzer_params(void)
{
	struct analyzer_params p;

	memset(&p, 0, sizeof(p));
	p.max_syn_retransmissions = 3;
	p.max_synack_retransmissions = 3;
	p.max_data_retransmissions = 5;
	p.timeout_us[FLOW_EMBRYONIC] = usec_from_sec(90);
	p.timeout_us[FLOW_ESTABLISHED] = usec_from_sec(3600);
	p.timeout_us[FLOW_CLOSED] = usec_from_sec(10);
	p.timeout_us[FLOW_UDP] = usec_from_sec(60);
	p.timeout_us[FLOW_PICKUP] = p.timeout_us[FLOW_ESTABLISHED];
	return p;
}

#endif
