/*
 * What the configuration says about an event or a flow record
 * (lib/rules.c, SPEC section 7): enabled kinds, severities, the address
 * and port ignore lists, which apply to an event's flow (either endpoint)
 * and never to an event without one, ignore rules scoped to kinds, and
 * whether ignored flows keep their records.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_util.h"
#include "conf.h"
#include "event.h"
#include "pkt.h"
#include "rules.h"

static struct event	flow_event(enum event_kind, const char *, uint16_t,
			    const char *, uint16_t);
static struct event	service_event(const char *, uint16_t);
static void		ignore_addr(struct conf *, const char *);
static void		ignore_ports(struct conf *, uint16_t, uint16_t);
static bool		admit(const struct conf *, enum event_kind,
			    const char *, uint16_t, const char *, uint16_t);
static struct conf_ignore_rule *add_rule(struct conf *, const char *,
			    uint16_t, uint32_t);
static bool		admit_flow(const struct conf *, const char *, uint16_t,
			    const char *, uint16_t);
static void		load(struct conf *, const char *);
static Suite		*rules_suite(void);

/* An event about one connection, its severity not yet decided. */
static struct event
flow_event(enum event_kind kind, const char *src, uint16_t sport,
    const char *dst, uint16_t dport)
{
	struct event ev = util_flow_event(kind, src, sport, dst, dport);

	ev.severity = SEV_DEBUG;
	ev.iface = NULL;
	return ev;
}

/*
 * rst_rate is about a service (address, port): no client.  The analyser
 * zeroes the client fields and clears has_sport; event_format_fields
 * prints neither.
 */
static struct event
service_event(const char *dst, uint16_t dport)
{
	struct event ev = flow_event(EV_rst_rate, "::", 0, dst, dport);

	ev.has_sport = false;
	ev.count = 150;
	ev.window_s = 10;
	return ev;
}

static void
ignore_addr(struct conf *c, const char *text)
{
	ck_assert_uint_lt(c->nignore_addrs, CONF_MAX_IGNORE);
	ck_assert_int_eq(addr_prefix_parse(&c->ignore_addrs[c->nignore_addrs],
	    text), 0);
	c->nignore_addrs++;
}

static void
ignore_ports(struct conf *c, uint16_t lo, uint16_t hi)
{
	ck_assert_uint_lt(c->nignore_ports, CONF_MAX_IGNORE);
	c->ignore_ports[c->nignore_ports].lo = lo;
	c->ignore_ports[c->nignore_ports].hi = hi;
	c->nignore_ports++;
}

static bool
admit(const struct conf *c, enum event_kind kind, const char *src,
    uint16_t sport, const char *dst, uint16_t dport)
{
	struct event ev = flow_event(kind, src, sport, dst, dport);

	return rules_admit(c, &ev);
}

/*
 * A rule with one address (NULL: none) and one port (0: none), for the
 * kinds in mask (0: every kind).
 */
static struct conf_ignore_rule *
add_rule(struct conf *c, const char *address, uint16_t port, uint32_t mask)
{
	struct conf_ignore_rule *r;

	ck_assert_uint_lt(c->nignore_rules, CONF_MAX_IGNORE_RULES);
	r = &c->ignore_rules[c->nignore_rules++];
	memset(r, 0, sizeof(*r));
	if (address != NULL) {
		ck_assert_int_eq(addr_prefix_parse(&r->addrs[0], address), 0);
		r->naddrs = 1;
	}
	if (port != 0) {
		r->ports[0].lo = r->ports[0].hi = port;
		r->nports = 1;
	}
	r->kinds = mask;
	r->all_kinds = mask == 0;
	return r;
}

static bool
admit_flow(const struct conf *c, const char *src, uint16_t sport,
    const char *dst, uint16_t dport)
{
	struct flow_record rec;

	memset(&rec, 0, sizeof(rec));
	rec.proto = PKT_PROTO_TCP;
	rec.src = util_addr(src);
	rec.sport = sport;
	rec.dst = util_addr(dst);
	rec.dport = dport;
	return rules_admit_flow(c, &rec);
}

static void
load(struct conf *c, const char *yaml)
{
	struct conf_errors e;

	ck_assert_msg(conf_parse_yaml(c, yaml, strlen(yaml), &e) == 0,
	    "%s: %s", yaml, e.n > 0 ? e.e[0].msg : "?");
}

/* Defaults: every kind goes out, at the severity the configuration says. */
START_TEST(test_defaults_admit_every_kind)
{
	struct conf c;

	conf_defaults(&c);
	for (int k = 0; k < EV_NKINDS; k++) {
		struct event ev = flow_event((enum event_kind)k, "192.0.2.1",
		    40000, "192.0.2.2", 443);

		if (k == EV_capture_drop)
			ev.has_flow = false;
		ck_assert_msg(c.kinds[k].enabled, "%s disabled by default",
		    event_kind_name((enum event_kind)k));
		ck_assert_msg(rules_admit(&c, &ev), "%s refused",
		    event_kind_name((enum event_kind)k));
		ck_assert_int_eq(ev.severity, c.kinds[k].severity);
		ck_assert_int_eq(ev.severity,
		    event_kind_default_severity((enum event_kind)k));
	}
}
END_TEST

/* Each kind reads its own entry: a distinct severity per kind shows it. */
START_TEST(test_severity_per_kind)
{
	struct conf c;

	conf_defaults(&c);
	for (int k = 0; k < EV_NKINDS; k++)
		c.kinds[k].severity = (enum severity)((k * 3 + 1) % 8);
	for (int k = 0; k < EV_NKINDS; k++) {
		struct event ev = flow_event((enum event_kind)k, "192.0.2.1",
		    40000, "192.0.2.2", 443);

		ck_assert(rules_admit(&c, &ev));
		ck_assert_int_eq(ev.severity, (k * 3 + 1) % 8);
	}
}
END_TEST

START_TEST(test_severity_override)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	ck_assert_int_ne(c.kinds[EV_syn_refused].severity, SEV_CRIT);
	c.kinds[EV_syn_refused].severity = SEV_CRIT;

	ev = flow_event(EV_syn_refused, "192.0.2.1", 40000, "192.0.2.2", 25);
	ev.severity = event_kind_default_severity(EV_syn_refused);
	ck_assert(rules_admit(&c, &ev));
	ck_assert_int_eq(ev.severity, SEV_CRIT);

	/* The other kinds keep theirs. */
	ev = flow_event(EV_app_reset, "192.0.2.1", 40000, "192.0.2.2", 25);
	ck_assert(rules_admit(&c, &ev));
	ck_assert_int_eq(ev.severity, c.kinds[EV_app_reset].severity);
	ck_assert_int_ne(ev.severity, SEV_CRIT);
}
END_TEST

START_TEST(test_disabled_kind)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	c.kinds[EV_app_reset].enabled = false;
	c.kinds[EV_capture_drop].enabled = false;
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.1", 40000, "192.0.2.2",
	    443));
	ev = flow_event(EV_capture_drop, "::", 0, "::", 0);
	ev.has_flow = false;
	ck_assert(!rules_admit(&c, &ev));
	/* Only those two. */
	for (int k = 0; k < EV_NKINDS; k++) {
		if (k == EV_app_reset || k == EV_capture_drop)
			continue;
		ck_assert_msg(admit(&c, (enum event_kind)k, "192.0.2.1", 40000,
		    "192.0.2.2", 443), "%s refused",
		    event_kind_name((enum event_kind)k));
	}
}
END_TEST

START_TEST(test_unknown_kind)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	ev = flow_event(EV_NKINDS, "192.0.2.1", 40000, "192.0.2.2", 443);
	ck_assert(!rules_admit(&c, &ev));
	ev.kind = (enum event_kind)-1;
	ck_assert(!rules_admit(&c, &ev));
}
END_TEST

START_TEST(test_ignore_ipv4)
{
	struct conf c;

	conf_defaults(&c);
	ignore_addr(&c, "192.0.2.7");
	ignore_addr(&c, "198.51.100.0/24");

	/* Either endpoint. */
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.7", 40000, "203.0.113.1",
	    443));
	ck_assert(!admit(&c, EV_app_reset, "203.0.113.1", 40000, "192.0.2.7",
	    443));
	ck_assert(!admit(&c, EV_data_retransmit, "198.51.100.200", 40000,
	    "203.0.113.1", 443));
	ck_assert(!admit(&c, EV_data_retransmit, "203.0.113.1", 40000,
	    "198.51.100.0", 443));
	/* Neighbours of the entries are not ignored. */
	ck_assert(admit(&c, EV_app_reset, "192.0.2.6", 40000, "192.0.2.8",
	    443));
	ck_assert(admit(&c, EV_app_reset, "198.51.101.1", 40000,
	    "198.51.99.255", 443));
	/* An IPv4 entry says nothing about IPv6 hosts. */
	ck_assert(admit(&c, EV_app_reset, "2001:db8::1", 40000, "::c000:207",
	    443));
}
END_TEST

START_TEST(test_ignore_ipv6)
{
	struct conf c;

	conf_defaults(&c);
	ignore_addr(&c, "2001:db8:1::/48");
	ignore_addr(&c, "fe80::1");

	ck_assert(!admit(&c, EV_syn_retransmit, "2001:db8:1:ffff::1", 40000,
	    "2001:db8:9::1", 443));
	ck_assert(!admit(&c, EV_syn_retransmit, "2001:db8:9::1", 40000,
	    "2001:db8:1::5", 443));
	ck_assert(!admit(&c, EV_rst_injected, "fe80::1", 40000, "fe80::2",
	    22));
	ck_assert(admit(&c, EV_syn_retransmit, "2001:db8:2::1", 40000,
	    "2001:db8:0:ffff::1", 443));
	ck_assert(admit(&c, EV_rst_injected, "fe80::2", 40000, "fe80::3",
	    22));
	ck_assert(admit(&c, EV_syn_retransmit, "192.0.2.1", 40000,
	    "192.0.2.2", 443));
}
END_TEST

START_TEST(test_ignore_port)
{
	struct conf c;

	conf_defaults(&c);
	ignore_ports(&c, 22, 22);
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.1", 22, "192.0.2.2",
	    40000));
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.1", 40000, "192.0.2.2",
	    22));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 21, "192.0.2.2", 23));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 40000, "192.0.2.2",
	    443));
}
END_TEST

START_TEST(test_ignore_port_range)
{
	struct conf c;

	conf_defaults(&c);
	ignore_ports(&c, 1000, 2000);
	ignore_ports(&c, 65535, 65535);

	/* The bounds belong to the range, on either endpoint. */
	ck_assert(!admit(&c, EV_loss_reset, "192.0.2.1", 1000, "192.0.2.2",
	    443));
	ck_assert(!admit(&c, EV_loss_reset, "192.0.2.1", 2000, "192.0.2.2",
	    443));
	ck_assert(!admit(&c, EV_loss_reset, "192.0.2.1", 40000, "192.0.2.2",
	    1500));
	ck_assert(!admit(&c, EV_loss_reset, "192.0.2.1", 40000, "192.0.2.2",
	    1000));
	ck_assert(!admit(&c, EV_loss_reset, "192.0.2.1", 40000, "192.0.2.2",
	    2000));
	ck_assert(!admit(&c, EV_loss_reset, "192.0.2.1", 65535, "192.0.2.2",
	    80));
	ck_assert(admit(&c, EV_loss_reset, "192.0.2.1", 999, "192.0.2.2",
	    2001));
	ck_assert(admit(&c, EV_loss_reset, "192.0.2.1", 2001, "192.0.2.2",
	    999));
	ck_assert(admit(&c, EV_loss_reset, "192.0.2.1", 65534, "192.0.2.2",
	    80));
}
END_TEST

/* capture_drop has no flow: no ignore entry can match it. */
START_TEST(test_ignore_never_matches_capture_drop)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	ignore_addr(&c, "0.0.0.0/0");
	ignore_addr(&c, "::/0");
	ignore_ports(&c, 1, 65535);

	/* The lists do match everything that has a flow. */
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.1", 40000, "192.0.2.2",
	    443));

	ev = util_event(EV_capture_drop);
	ev.severity = SEV_DEBUG;
	ev.count = 12;
	ev.received = 1000;
	ck_assert(rules_admit(&c, &ev));
	ck_assert_int_eq(ev.severity, c.kinds[EV_capture_drop].severity);

	/* Whatever is left in the unused flow fields. */
	ev = flow_event(EV_capture_drop, "192.0.2.1", 22, "192.0.2.2", 22);
	ev.has_flow = false;
	ck_assert(rules_admit(&c, &ev));
}
END_TEST

/* rst_rate has no client port: the port lists look at its dport only. */
START_TEST(test_rst_rate_matched_on_dport)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	ignore_ports(&c, 22, 22);

	ev = service_event("192.0.2.2", 443);
	ck_assert(rules_admit(&c, &ev));
	ck_assert_int_eq(ev.severity, c.kinds[EV_rst_rate].severity);
	/* A stale sport is not its own: has_sport says so. */
	ev.sport = 22;
	ck_assert(rules_admit(&c, &ev));
	ev = service_event("192.0.2.2", 22);
	ck_assert(!rules_admit(&c, &ev));

	conf_defaults(&c);
	ignore_ports(&c, 400, 500);
	ev = service_event("192.0.2.2", 443);
	ck_assert(!rules_admit(&c, &ev));
	ev = service_event("192.0.2.2", 8443);
	ck_assert(rules_admit(&c, &ev));

	/* The service's address is matched too. */
	conf_defaults(&c);
	ignore_addr(&c, "192.0.2.0/28");
	ev = service_event("192.0.2.2", 443);
	ck_assert(!rules_admit(&c, &ev));
	ev = service_event("192.0.2.200", 443);
	ck_assert(rules_admit(&c, &ev));
}
END_TEST

/*
 * Like its port, rst_rate's client address is not part of the event: the
 * zeroed field must not match an ignore entry for the unspecified address
 * (as used by IPv6 duplicate address detection), and no client address
 * left there may silence the alert about a service.
 */
START_TEST(test_rst_rate_ignores_client_address)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	ignore_addr(&c, "::");
	ev = service_event("2001:db8::80", 443);
	ck_assert_msg(rules_admit(&c, &ev),
	    "rst_rate refused on its zeroed src field");

	conf_defaults(&c);
	ignore_addr(&c, "203.0.113.50");
	ev = service_event("192.0.2.2", 443);
	ev.src = util_addr("203.0.113.50");
	ck_assert_msg(rules_admit(&c, &ev),
	    "rst_rate refused on its unused src field");
}
END_TEST

/*
 * Issue 8's case: silence app_reset from one load balancer without losing
 * its syn_refused, written as an administrator would write it.
 */
START_TEST(test_rule_scoped_to_kind)
{
	struct conf c;

	load(&c, "ignore:\n"
	    "  rules:\n"
	    "    - addresses: [10.20.0.5]     # the load balancer\n"
	    "      kinds: [app_reset]\n");
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.1", 40000, "10.20.0.5",
	    443));
	ck_assert(!admit(&c, EV_app_reset, "10.20.0.5", 40000, "10.0.0.9",
	    8080));
	ck_assert(admit(&c, EV_syn_refused, "192.0.2.1", 40000, "10.20.0.5",
	    443));
	ck_assert(admit(&c, EV_loss_reset, "192.0.2.1", 40000, "10.20.0.5",
	    443));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 40000, "10.20.0.6",
	    443));
	/* Its flow records stay, whatever flow_records says. */
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "10.20.0.5", 443));
	c.ignore_flow_records = false;
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "10.20.0.5", 443));
}
END_TEST

/* Within a rule every list given must match; across rules, any rule. */
START_TEST(test_rule_lists_and_rules)
{
	struct conf c;
	struct conf_ignore_rule *r;

	conf_defaults(&c);
	r = add_rule(&c, "10.20.0.0/16", 443, 0);
	ck_assert(!admit(&c, EV_app_reset, "192.0.2.1", 40000, "10.20.1.1",
	    443));
	ck_assert(!admit(&c, EV_app_reset, "10.20.1.1", 443, "192.0.2.1",
	    40000));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 40000, "10.20.1.1",
	    80));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 40000, "10.21.1.1",
	    443));
	/* A second address and a second port widen their own list only. */
	ck_assert_int_eq(addr_prefix_parse(&r->addrs[1], "2001:db8::/32"), 0);
	r->naddrs = 2;
	r->ports[1].lo = 8000;
	r->ports[1].hi = 8999;
	r->nports = 2;
	ck_assert(!admit(&c, EV_syn_refused, "2001:db8::1", 40000, "::1",
	    8443));
	ck_assert(admit(&c, EV_syn_refused, "2001:db9::1", 40000, "::1",
	    8443));
	/* A later rule matches what the first does not. */
	add_rule(&c, NULL, 80, 1u << EV_syn_refused);
	ck_assert(!admit(&c, EV_syn_refused, "192.0.2.1", 40000, "10.21.1.1",
	    80));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 40000, "10.21.1.1",
	    80));
}
END_TEST

/* rst_rate names a service: a rule on its port or address silences it. */
START_TEST(test_rule_rst_rate_service)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	add_rule(&c, NULL, 443, 1u << EV_rst_rate);
	ev = service_event("192.0.2.2", 443);
	ck_assert(!rules_admit(&c, &ev));
	ev = service_event("192.0.2.2", 8443);
	ck_assert(rules_admit(&c, &ev));
	ck_assert(admit(&c, EV_app_reset, "192.0.2.1", 40000, "192.0.2.2",
	    443));

	/* A client address cannot match an event that has no client. */
	conf_defaults(&c);
	add_rule(&c, "203.0.113.50", 0, 1u << EV_rst_rate);
	ev = service_event("192.0.2.2", 443);
	ev.src = util_addr("203.0.113.50");
	ck_assert(rules_admit(&c, &ev));
}
END_TEST

/* capture_drop has no flow: no rule, scoped or not, silences it. */
START_TEST(test_rule_never_matches_capture_drop)
{
	struct conf c;
	struct event ev;

	conf_defaults(&c);
	add_rule(&c, "0.0.0.0/0", 0, 0);
	add_rule(&c, "::/0", 0, 0);
	ev = flow_event(EV_capture_drop, "0.0.0.0", 0, "0.0.0.0", 0);
	ev.has_flow = false;
	ck_assert(rules_admit(&c, &ev));
	ck_assert(!rules_ignores(&c, EV_capture_drop, NULL, NULL, 0, 0));
}
END_TEST

/*
 * Flow records: kept for ignored flows by default (issue 8); with
 * ignore.flow_records false, dropped when the flow is ignored for every
 * kind (the lists, or a rule without kinds), kept otherwise.
 */
START_TEST(test_flow_records)
{
	struct conf c;

	conf_defaults(&c);
	ck_assert(c.ignore_flow_records);
	ignore_addr(&c, "198.51.100.0/24");
	ignore_ports(&c, 53, 53);
	add_rule(&c, "10.20.0.5", 8080, 0);
	add_rule(&c, "10.20.0.6", 0, 1u << EV_app_reset);
	ck_assert(admit_flow(&c, "198.51.100.7", 40000, "192.0.2.2", 80));
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "192.0.2.2", 53));
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "10.20.0.5", 8080));

	load(&c, "ignore:\n"
	    "  addresses: [198.51.100.0/24]\n"
	    "  ports: [53]\n"
	    "  rules:\n"
	    "    - {addresses: [10.20.0.5], ports: [8080]}\n"
	    "    - {addresses: [10.20.0.6], kinds: [app_reset]}\n"
	    "  flow_records: false\n");
	ck_assert(!admit_flow(&c, "198.51.100.7", 40000, "192.0.2.2", 80));
	ck_assert(!admit_flow(&c, "192.0.2.2", 80, "198.51.100.7", 40000));
	ck_assert(!admit_flow(&c, "192.0.2.1", 40000, "192.0.2.2", 53));
	ck_assert(!admit_flow(&c, "192.0.2.1", 40000, "10.20.0.5", 8080));
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "10.20.0.5", 8081));
	/* Scoped to a kind: the flow itself is not ignored. */
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "10.20.0.6", 443));
	ck_assert(admit_flow(&c, "192.0.2.1", 40000, "192.0.2.2", 80));
}
END_TEST

static Suite *
rules_suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc;

	tc = tcase_create("kinds");
	tcase_add_test(tc, test_defaults_admit_every_kind);
	tcase_add_test(tc, test_severity_per_kind);
	tcase_add_test(tc, test_severity_override);
	tcase_add_test(tc, test_disabled_kind);
	tcase_add_test(tc, test_unknown_kind);
	suite_add_tcase(s, tc);

	tc = tcase_create("ignore");
	tcase_add_test(tc, test_ignore_ipv4);
	tcase_add_test(tc, test_ignore_ipv6);
	tcase_add_test(tc, test_ignore_port);
	tcase_add_test(tc, test_ignore_port_range);
	tcase_add_test(tc, test_ignore_never_matches_capture_drop);
	tcase_add_test(tc, test_rst_rate_matched_on_dport);
	tcase_add_test(tc, test_rst_rate_ignores_client_address);
	suite_add_tcase(s, tc);

	tc = tcase_create("scoped");
	tcase_add_test(tc, test_rule_scoped_to_kind);
	tcase_add_test(tc, test_rule_lists_and_rules);
	tcase_add_test(tc, test_rule_rst_rate_service);
	tcase_add_test(tc, test_rule_never_matches_capture_drop);
	tcase_add_test(tc, test_flow_records);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(rules_suite());
}
