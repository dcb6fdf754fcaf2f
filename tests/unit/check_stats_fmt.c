/*
 * The statistics lines: each line's names and order, as the man page and
 * the suites that grep them (tests/netns, tests/service) know them.
 */
#include <stdio.h>

#include "check_util.h"
#include "stats_fmt.h"

/* Every count different, so that a swapped pair shows. */
static struct stats_counts
counts(void)
{
	struct stats_counts sc;

	memset(&sc, 0, sizeof(sc));
	sc.packets = 1001;
	sc.skipped = 2;
	sc.tcp = 900;
	sc.udp = 99;
	sc.icmp_errors = 3;
	sc.duplicates = 4;
	sc.flows = 50;
	sc.active = 5;
	sc.max_active = 6;
	sc.evicted = 7;
	sc.expired = 8;
	sc.received = 1200;
	sc.dropped = 9;
	sc.alerts = 10;
	sc.suppressed = 11;
	sc.reopened = 12;
	sc.blind_us = 2250000;
	sc.filtered = 13;
	sc.withheld = 14;
	return sc;
}

static const struct {
	enum stats_line line;
	const char *want;
} lines[] = {
	{ STATS_LINE_LIVE, "packets=1001 received=1200 dropped=9 skipped=2 "
	    "flows=50 active=5 evicted=7 expired=8 alerts=10 suppressed=11 "
	    "reopened=12 blind=2.2s filtered=13" },
	{ STATS_LINE_STATUS, "packets=1001 flows=50 active=5 alerts=10 "
	    "dropped=9" },
	{ STATS_LINE_FILES, "packets=1001 tcp=900 udp=99 icmp_errors=3 "
	    "duplicates=4 flows=50 max_active=6 expired=8 evicted=7 alerts=10 "
	    "filtered=14" },
	{ STATS_LINE_SUMMARY, "1001 packets, 50 flows (900 tcp, 99 udp "
	    "packets, 3 ICMP errors, 4 duplicates, 7 evicted)" },
};

START_TEST(test_each_line_names_its_counts_in_order)
{
	struct stats_counts sc = counts();
	char buf[512];

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_int_eq(stats_format(&sc, lines[i].line, buf,
		    sizeof(buf)), (int)strlen(lines[i].want));
		ck_assert_str_eq(buf, lines[i].want);
	}
}
END_TEST

/* blind is said to a tenth of a second, as "%.1f" rounds. */
START_TEST(test_blind_in_tenths_of_seconds)
{
	struct stats_counts sc;
	char buf[512];

	memset(&sc, 0, sizeof(sc));
	sc.blind_us = 49999;
	stats_format(&sc, STATS_LINE_LIVE, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, " blind=0.0s "));
	sc.blind_us = 3600000000ULL;
	stats_format(&sc, STATS_LINE_LIVE, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, " blind=3600.0s "));
}
END_TEST

START_TEST(test_counts_from_the_analyser)
{
	struct analyzer_stats st;
	struct flow_table_stats fs;
	struct stats_counts sc;

	memset(&st, 0, sizeof(st));
	memset(&fs, 0, sizeof(fs));
	st.packets = 10;
	st.decode[DECODE_ok] = 7;
	st.decode[DECODE_ppp_truncated] = 2;
	st.decode[DECODE_NRESULTS - 1] = 1;
	st.tcp = 6;
	st.udp = 1;
	st.icmp_errors = 1;
	st.duplicates = 2;
	fs.created = 3;
	fs.active = 2;
	fs.max_active = 3;
	fs.evicted = 1;
	fs.expired = 1;
	memset(&sc, 0xff, sizeof(sc));
	stats_counts_from(&sc, &st, &fs);
	/* Every result but a decoded packet is skipped. */
	ck_assert_uint_eq(sc.skipped, 3);
	ck_assert_uint_eq(sc.packets, 10);
	ck_assert_uint_eq(sc.tcp, 6);
	ck_assert_uint_eq(sc.udp, 1);
	ck_assert_uint_eq(sc.icmp_errors, 1);
	ck_assert_uint_eq(sc.duplicates, 2);
	ck_assert_uint_eq(sc.flows, 3);
	ck_assert_uint_eq(sc.active, 2);
	ck_assert_uint_eq(sc.max_active, 3);
	ck_assert_uint_eq(sc.evicted, 1);
	ck_assert_uint_eq(sc.expired, 1);
}
END_TEST

START_TEST(test_decode_result_by_name_and_meaning)
{
	char buf[256], want[256];

	snprintf(want, sizeof(want), "%s=42 (%s)",
	    decode_result_name(DECODE_ppp_truncated),
	    decode_result_desc(DECODE_ppp_truncated));
	ck_assert_int_eq(stats_format_decode(DECODE_ppp_truncated, 42, buf,
	    sizeof(buf)), (int)strlen(want));
	ck_assert_str_eq(buf, want);
}
END_TEST

/* Too small a buffer keeps the prefix snprintf() would keep, and says so. */
START_TEST(test_every_size_cuts_like_snprintf)
{
	struct stats_counts sc = counts();
	const char *want = lines[0].want;
	size_t len = strlen(want);
	char buf[512];

	for (size_t size = 1; size <= len + 1; size++) {
		memset(buf, '#', sizeof(buf));
		ck_assert_int_eq(stats_format(&sc, STATS_LINE_LIVE, buf, size),
		    size > len ? (int)len : -1);
		ck_assert_msg(buf[size] == '#', "wrote past %zu bytes", size);
		ck_assert_uint_eq(strlen(buf), size > len ? len : size - 1);
		ck_assert(strncmp(buf, want, strlen(buf)) == 0);
	}
}
END_TEST

static Suite *
stats_fmt_suite(void)
{
	Suite *s = suite_create("stats_fmt");
	TCase *tc = tcase_create("stats_fmt");

	tcase_add_test(tc, test_each_line_names_its_counts_in_order);
	tcase_add_test(tc, test_blind_in_tenths_of_seconds);
	tcase_add_test(tc, test_counts_from_the_analyser);
	tcase_add_test(tc, test_decode_result_by_name_and_meaning);
	tcase_add_test(tc, test_every_size_cuts_like_snprintf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(stats_fmt_suite());
}
