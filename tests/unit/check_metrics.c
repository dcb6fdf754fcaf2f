/*
 * The exposition text (lib/metrics_fmt.c) and the tallies behind it
 * (lib/tally.c): names, labels, escaping, bounds.  The text is also
 * checked by promtool (tests/service/check_service.sh, --print).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "metrics_fmt.h"
#include "pkt.h"
#include "tally.h"

#define TEXT_MAX	(128 * 1024)

struct fixture {
	struct tally	t;
	struct analyzer_stats an;
	struct flow_table_stats fl;
	struct metrics_iface ifs[2];
	struct metrics_output outs[2];
	struct metrics_view v;
};

static void
fixture_init(struct fixture *f, uint32_t top)
{
	memset(f, 0, sizeof(*f));
	tally_init(&f->t, top, 1700000000123456ULL);
	f->an.packets = 1000;
	f->an.decode[DECODE_tcp_truncated] = 7;
	f->fl.active = 12;
	f->fl.created = 40;
	f->fl.evicted = 3;
	f->fl.expired = 25;
	f->ifs[0] = (struct metrics_iface){ "eth0", true, 900, 2 };
	f->ifs[1] = (struct metrics_iface){ "we\"ird\\if", false, 0, 0 };
	f->outs[0] = (struct metrics_output){ "syslog", 4 };
	f->outs[1] = (struct metrics_output){ "json", 0 };
	f->v.version = "1.2.3";
	f->v.start_us = 1700000000123456ULL;
	f->v.m = &f->t;
	for (int k = 0; k < EV_NKINDS; k++)
		f->v.severity[k] = event_kind_default_severity(k);
	f->v.filtered = 5;
	f->v.an = &f->an;
	f->v.flows = &f->fl;
	f->v.max_flows = 1048576;
	f->v.ifaces = f->ifs;
	f->v.nifaces = 2;
	f->v.outputs = f->outs;
	f->v.noutputs = 2;
	f->v.http.requests = 9;
}

static char *
render(const struct fixture *f)
{
	char *buf = malloc(TEXT_MAX);
	int n;

	ck_assert_ptr_nonnull(buf);
	n = metrics_format(&f->v, buf, TEXT_MAX);
	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq(strlen(buf), (size_t)n);
	return buf;
}

static void
has(const char *text, const char *line)
{
	char needle[512];

	snprintf(needle, sizeof(needle), "\n%s\n", line);
	ck_assert_msg(strstr(text, needle) != NULL, "missing line: %s", line);
}

static void
lacks(const char *text, const char *s)
{
	ck_assert_msg(strstr(text, s) == NULL, "unexpected: %s", s);
}

START_TEST(test_families)
{
	struct fixture f;
	struct event ev = util_service_event(EV_syn_refused, 1, 443);
	char *t;

	fixture_init(&f, 0);
	tally_event(&f.t, &ev, true);
	tally_event(&f.t, &ev, false);
	ev.severity = SEV_ERR;		/* a reconfigured severity */
	tally_event(&f.t, &ev, true);
	tally_reload(&f.t, false, 1700000100000000ULL);
	tally_reload(&f.t, true, 1700000200500000ULL);
	t = render(&f);
	has(t, "rstwatchd_build_info{version=\"1.2.3\"} 1");
	has(t, "# TYPE rstwatchd_build_info gauge");
	has(t, "rstwatchd_start_time_seconds 1700000000.123456");
	has(t, "# TYPE rstwatchd_events_total counter");
	has(t, "rstwatchd_events_total{kind=\"syn_refused\",severity=\"notice\"} 2");
	has(t, "rstwatchd_events_total{kind=\"syn_refused\",severity=\"err\"} 1");
	has(t, "rstwatchd_alerts_total{kind=\"syn_refused\",severity=\"notice\"} 1");
	has(t, "rstwatchd_alerts_total{kind=\"syn_refused\",severity=\"err\"} 1");
	/* Kinds with nothing yet still have their configured series. */
	has(t, "rstwatchd_events_total{kind=\"loss_reset\",severity=\"err\"} 0");
	lacks(t, "kind=\"loss_reset\",severity=\"notice\"");
	has(t, "rstwatchd_alerts_suppressed_total{kind=\"syn_refused\"} 1");
	has(t, "rstwatchd_events_filtered_total 5");
	has(t, "rstwatchd_alerts_undelivered_total{output=\"syslog\"} 4");
	has(t, "rstwatchd_alerts_undelivered_total{output=\"json\"} 0");
	has(t, "rstwatchd_packets_received_total{interface=\"eth0\"} 900");
	has(t, "rstwatchd_packets_dropped_total{interface=\"eth0\"} 2");
	has(t, "rstwatchd_capture_up{interface=\"eth0\"} 1");
	has(t, "rstwatchd_capture_up{interface=\"we\\\"ird\\\\if\"} 0");
	has(t, "rstwatchd_packets_analyzed_total 1000");
	has(t, "rstwatchd_decode_failures_total{reason=\"tcp_truncated\"} 7");
	has(t, "rstwatchd_decode_failures_total{reason=\"not_ip\"} 0");
	lacks(t, "reason=\"ok\"");
	has(t, "rstwatchd_flows_active 12");
	has(t, "rstwatchd_flows_max 1048576");
	has(t, "rstwatchd_flows_evicted_total 3");
	has(t, "rstwatchd_flows_expired_total 25");
	has(t, "rstwatchd_config_reloads_total{result=\"success\"} 1");
	has(t, "rstwatchd_config_reloads_total{result=\"failure\"} 1");
	has(t, "rstwatchd_config_last_reload_successful 1");
	has(t, "rstwatchd_config_last_reload_success_timestamp_seconds "
	    "1700000200.500000");
	has(t, "rstwatchd_metrics_requests_total 9");
	/* Off by default: no address or port anywhere. */
	lacks(t, "192.0.2.");
	lacks(t, "port=");
	lacks(t, "rstwatchd_service_failures_total");
	free(t);
}
END_TEST

/* Every sample belongs to a family announced just before it. */
START_TEST(test_help_and_type)
{
	struct fixture f;
	char *t, *line, *save = NULL;
	char family[128] = "";
	size_t nsamples = 0;

	fixture_init(&f, 3);
	for (int i = 0; i < 5; i++) {
		struct event ev = util_service_event(EV_app_reset, (uint8_t)i,
		    80);

		tally_event(&f.t, &ev, true);
	}
	t = render(&f);
	ck_assert(t[strlen(t) - 1] == '\n');
	for (line = strtok_r(t, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "# HELP ", 7) == 0) {
			sscanf(line + 7, "%127s", family);
			continue;
		}
		if (strncmp(line, "# TYPE ", 7) == 0) {
			char name[128], type[16];

			ck_assert_int_eq(sscanf(line + 7, "%127s %15s", name,
			    type), 2);
			ck_assert_str_eq(name, family);
			ck_assert(strcmp(type, "counter") == 0 ||
			    strcmp(type, "gauge") == 0);
			if (strcmp(type, "counter") == 0)
				ck_assert_msg(strstr(name, "_total") != NULL,
				    "counter %s without _total", name);
			continue;
		}
		ck_assert_msg(strncmp(line, family, strlen(family)) == 0 &&
		    (line[strlen(family)] == ' ' || line[strlen(family)] == '{'),
		    "sample outside its family: %s", line);
		ck_assert(strncmp(line, "rstwatchd_", 10) == 0);
		nsamples++;
	}
	ck_assert_uint_gt(nsamples, 50);
	free(t);
}
END_TEST

/* The top table: capped, the quietest service evicted, biggest first. */
START_TEST(test_top_services)
{
	struct fixture f;
	struct event ev;
	char *t;

	fixture_init(&f, 2);
	for (int i = 0; i < 3; i++) {
		ev = util_service_event(EV_syn_refused, 1, 443);
		tally_event(&f.t, &ev, i == 0);
	}
	ev = util_service_event(EV_app_reset, 2, 80);
	tally_event(&f.t, &ev, true);
	ev = util_service_event(EV_app_reset, 2, 80);
	tally_event(&f.t, &ev, true);
	/* A third service pushes out the one with fewer failures. */
	ev = util_service_event(EV_loss_reset, 3, 22);
	tally_event(&f.t, &ev, true);
	/* capture_drop names no service. */
	ev = util_service_event(EV_capture_drop, 9, 0);
	tally_event(&f.t, &ev, true);
	ck_assert_uint_eq(f.t.ntop, 2);
	ck_assert_uint_eq(f.t.top_evicted, 1);
	t = render(&f);
	has(t, "rstwatchd_service_failures_total{proto=\"tcp\","
	    "address=\"192.0.2.1\",port=\"443\"} 3");
	has(t, "rstwatchd_service_failures_total{proto=\"tcp\","
	    "address=\"192.0.2.3\",port=\"22\"} 1");
	lacks(t, "192.0.2.2");
	lacks(t, "192.0.2.9");
	has(t, "rstwatchd_service_evictions_total 1");
	ck_assert(strstr(t, "192.0.2.1") < strstr(t, "192.0.2.3"));
	free(t);

	/* A smaller table on reload drops the smallest; 0 drops all. */
	tally_set_top(&f.t, 1);
	ck_assert_uint_eq(f.t.ntop, 1);
	ck_assert_uint_eq(f.t.top[0].port, 443);
	tally_set_top(&f.t, 0);
	ck_assert_uint_eq(f.t.ntop, 0);
	ev = util_service_event(EV_syn_refused, 1, 443);
	tally_event(&f.t, &ev, true);
	ck_assert_uint_eq(f.t.ntop, 0);
	tally_set_top(&f.t, 1000);
	ck_assert_uint_eq(f.t.top_cap, CONF_TOP_SERVICES_MAX);
}
END_TEST

/* The largest text fits the daemon's buffer; a small buffer says so. */
START_TEST(test_bounds)
{
	struct fixture f;
	char small[256];
	char *t;
	int n;

	fixture_init(&f, CONF_TOP_SERVICES_MAX);
	for (int k = 0; k < EV_NKINDS; k++) {
		for (int s = 0; s < TALLY_NSEV; s++) {
			f.t.events[k][s] = UINT64_MAX;
			f.t.alerts[k][s] = UINT64_MAX;
		}
	}
	for (int i = 0; i < 300; i++) {
		struct event ev = util_service_event(EV_syn_refused, (uint8_t)i,
		    (uint16_t)(60000 + i));

		addr_from_v6(&ev.dst, (const uint8_t[16]){ 0x20, 0x01, 0x0d,
		    0xb8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		    0xff, 0xff, (uint8_t)i });
		tally_event(&f.t, &ev, true);
	}
	ck_assert_uint_eq(f.t.ntop, CONF_TOP_SERVICES_MAX);
	t = malloc(TEXT_MAX);
	ck_assert_ptr_nonnull(t);
	n = metrics_format(&f.v, t, TEXT_MAX);
	ck_assert_int_gt(n, 0);
	/* Well inside daemon/metrics.h's METRICS_TEXT_MAX (128 KiB). */
	ck_assert_int_lt(n, 64 * 1024);
	free(t);
	ck_assert_int_eq(metrics_format(&f.v, small, sizeof(small)), -1);
	ck_assert_uint_lt(strlen(small), sizeof(small));
	ck_assert_int_eq(metrics_format(&f.v, small, 0), -1);
}
END_TEST

/* --print: a sample text for promtool (tests/service/check_service.sh). */
static int
print_sample(void)
{
	struct fixture f;
	char *t;

	fixture_init(&f, 3);
	for (int i = 0; i < 4; i++) {
		struct event ev = util_service_event(
		    (enum event_kind)(i % EV_NKINDS), (uint8_t)i, 443);

		tally_event(&f.t, &ev, i % 2 == 0);
	}
	if ((t = malloc(TEXT_MAX)) == NULL ||
	    metrics_format(&f.v, t, TEXT_MAX) < 0) {
		fprintf(stderr, "check_metrics: cannot write the sample\n");
		free(t);
		return 1;
	}
	fputs(t, stdout);
	free(t);
	return 0;
}

static Suite *
metrics_suite(void)
{
	Suite *s = suite_create("metrics");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_families);
	tcase_add_test(tc, test_help_and_type);
	tcase_add_test(tc, test_top_services);
	tcase_add_test(tc, test_bounds);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--print") == 0)
		return print_sample();
	return util_run(metrics_suite());
}
