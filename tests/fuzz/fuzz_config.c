/*
 * libFuzzer target for the configuration loader: the input is the text of
 * a YAML file, handed over with its length and without a terminating NUL,
 * so that a read past the end is caught.
 *
 * Besides "no crash", it checks the loader's contract (lib/conf.h): a
 * rejected file leaves the caller's struct conf untouched and says why in
 * printable, positioned messages; an accepted one holds only values the
 * schema allows, and its ignore lists do what they say (each listed
 * address and port is ignored, through rules_ignores() and rules_admit();
 * each rule silences its kinds on a flow that matches all its lists, and
 * no other kind unless another entry says so).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "analyzer.h"
#include "conf.h"
#include "event.h"
#include "rules.h"

#define FUZZ_NAME	"fuzz_config"
#include "fuzz_util.h"

#define POISON	0xa5

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void	check_errors(const struct conf_errors *);
static void	check_conf(const struct conf *);
static void	check_string(const char *, size_t, const char *);
static void	check_range(uint64_t, uint64_t, uint64_t, const char *);
static void	exercise_lists(const struct conf *);
static void	check_event(const struct conf *, struct event *);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Static: struct conf is large and the stack is the fuzzer's. */
	static struct conf c, before;
	static struct conf_errors errs;
	struct analyzer_params params;

	memset(&c, POISON, sizeof(c));
	memcpy(&before, &c, sizeof(c));
	memset(&errs, POISON, sizeof(errs));

	if (conf_parse_yaml(&c, (const char *)data, size, &errs) != 0) {
		if (memcmp(&c, &before, sizeof(c)) != 0)
			check_fail("conf_parse_yaml", "a rejected file changed "
			    "the configuration");
		if (errs.n == 0 && errs.dropped == 0)
			check_fail("conf_parse_yaml", "rejected without an error");
		check_errors(&errs);
		for (size_t i = 0; verbose() && i < errs.n; i++)
			fprintf(stderr, "input:%u:%u: %s\n", errs.e[i].line,
			    errs.e[i].col, errs.e[i].msg);
		return 0;
	}
	if (errs.n != 0 || errs.dropped != 0)
		check_fail("conf_parse_yaml", "accepted with errors");
	if (verbose())
		fprintf(stderr, "input: accepted\n");
	check_conf(&c);
	analyzer_params_from_conf(&params, &c, 6);
	if (params.max_syn_retransmissions == 0)
		check_fail("analyzer_params_from_conf", "SYN threshold of 0");
	exercise_lists(&c);
	return 0;
}

static void
check_errors(const struct conf_errors *errs)
{
	if (errs->n > CONF_MAX_ERRORS)
		check_fail("conf_errors", "more errors than the array holds");
	for (size_t i = 0; i < errs->n; i++) {
		const struct conf_error *e = &errs->e[i];

		if (e->line == 0 || e->col == 0)
			check_fail("conf_errors", "a position counts from 0");
		check_string(e->msg, sizeof(e->msg), "error message");
		if (e->msg[0] == '\0')
			check_fail("conf_errors", "an empty message");
		/* It is logged and printed as one line (STYLE: escaped). */
		for (const char *s = e->msg; *s != '\0'; s++)
			if ((unsigned char)*s < ' ' || *s == 0x7f)
				check_fail("conf_errors",
				    "control character in a message");
	}
}

/* The schema of conf/rstwatch.yaml, value by value. */
static void
check_conf(const struct conf *c)
{
	check_range(c->ninterfaces, 1, CONF_MAX_INTERFACES, "interfaces");
	for (size_t i = 0; i < c->ninterfaces; i++) {
		check_string(c->interfaces[i], CONF_IFNAME_MAX, "interface");
		if (conf_check_ifname(c->interfaces[i]) != NULL)
			check_fail("capture.interfaces", "a bad name accepted");
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->interfaces[i], c->interfaces[j]) == 0)
				check_fail("capture.interfaces",
				    "a name accepted twice");
	}
	check_string(c->filter, sizeof(c->filter), "filter");
	check_range(c->snaplen, 68, 262144, "snaplen");
	check_range(c->buffer_size, 1024u * 1024, 2048u * 1024 * 1024,
	    "buffer_size");
	if (c->max_syn_retransmissions != CONF_SYN_RETRIES_AUTO)
		check_range(c->max_syn_retransmissions, 1, 100,
		    "max_syn_retransmissions");
	check_range(c->max_synack_retransmissions, 1, 100,
	    "max_synack_retransmissions");
	check_range(c->max_data_retransmissions, 1, 1000,
	    "max_data_retransmissions");
	check_range(c->rst_rate_threshold, 1, 1000000, "rst_rate.threshold");
	check_range(c->rst_rate_window_s, 1, 3600, "rst_rate.window");
	for (int k = 0; k < EV_NKINDS; k++) {
		check_range((uint64_t)c->kinds[k].severity, SEV_EMERG, SEV_DEBUG,
		    "severity");
		check_range(c->kinds[k].cooldown_s, 0, 86400, "cooldown");
	}
	check_range(c->nignore_addrs, 0, CONF_MAX_IGNORE, "ignore.addresses");
	for (size_t i = 0; i < c->nignore_addrs; i++)
		check_range(c->ignore_addrs[i].len, 0, 128, "prefix length");
	check_range(c->nignore_ports, 0, CONF_MAX_IGNORE, "ignore.ports");
	check_range(c->nignore_rules, 0, CONF_MAX_IGNORE_RULES, "ignore.rules");
	for (size_t i = 0; i < c->nignore_rules; i++) {
		const struct conf_ignore_rule *r = &c->ignore_rules[i];

		check_range(r->naddrs, 0, CONF_MAX_RULE_ITEMS,
		    "rule addresses");
		check_range(r->nports, 0, CONF_MAX_RULE_ITEMS, "rule ports");
		if (r->naddrs + r->nports == 0)
			check_fail("ignore.rules", "a rule without addresses "
			    "or ports accepted");
		if (r->all_kinds != (r->kinds == 0))
			check_fail("ignore.rules", "kinds and all_kinds "
			    "disagree");
		if (r->kinds & (1u << EV_capture_drop))
			check_fail("ignore.rules", "capture_drop accepted");
		if (r->kinds >> EV_NKINDS)
			check_fail("ignore.rules", "a kind that does not "
			    "exist");
		for (size_t j = 0; j < r->naddrs; j++)
			check_range(r->addrs[j].len, 0, 128, "prefix length");
		for (size_t j = 0; j < r->nports; j++) {
			check_range(r->ports[j].lo, 1, 65535, "port");
			check_range(r->ports[j].hi, r->ports[j].lo, 65535,
			    "port range");
		}
	}
	for (size_t i = 0; i < c->nignore_ports; i++) {
		check_range(c->ignore_ports[i].lo, 1, 65535, "port");
		check_range(c->ignore_ports[i].hi, c->ignore_ports[i].lo, 65535,
		    "port range");
	}
	check_range(c->max_flows, 1024, 16777216, "max_flows");
	check_range(c->timeout_embryonic_s, 1, 86400, "timeouts.embryonic");
	check_range(c->timeout_established_s, 1, 604800,
	    "timeouts.established");
	check_range(c->timeout_closed_s, 1, 3600, "timeouts.closed");
	check_range(c->timeout_udp_s, 1, 86400, "timeouts.udp");
	if (strcmp(conf_facility_name(c->syslog_facility), "unknown") == 0)
		check_fail("output.syslog.facility", "an unknown facility");
	check_string(c->syslog_ident, sizeof(c->syslog_ident), "ident");
	if (conf_check_ident(c->syslog_ident) != NULL)
		check_fail("output.syslog.ident", "a bad ident accepted");
	check_string(c->json_path, sizeof(c->json_path), "json.path");
	if (c->json_path[0] != '\0' && conf_check_path(c->json_path) != NULL)
		check_fail("output.json.path", "a bad path accepted");
	check_string(c->user, sizeof(c->user), "user");
	if (conf_check_user(c->user) != NULL)
		check_fail("daemon.user", "a bad user accepted");
	check_string(c->pidfile, sizeof(c->pidfile), "pidfile");
	if (conf_check_path(c->pidfile) != NULL)
		check_fail("daemon.pidfile", "a bad path accepted");
	check_range(c->stats_interval_s, 0, 86400, "stats_interval");
}

/*
 * Every listed prefix and port must be ignored, whichever side of the
 * flow it is on; an address outside every prefix and ports outside every
 * range must not be.
 */
static void
exercise_lists(const struct conf *c)
{
	static const uint8_t v4[4] = { 198, 18, 0, 1 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0,
	    0, 0, 0, 0, 0, 0, 0, 1 };
	struct addr a4, a6;
	struct event ev;

	addr_from_v4(&a4, v4);
	addr_from_v6(&a6, v6);

	for (size_t i = 0; i < c->nignore_addrs; i++) {
		const struct addr *p = &c->ignore_addrs[i].addr;

		if (!addr_prefix_match(&c->ignore_addrs[i], p))
			check_fail("ignore.addresses",
			    "a prefix does not match its own address");
		if (!rules_ignores(c, (int)(i % EV_NKINDS), p, &a4, 40000,
		    443) ||
		    !rules_ignores(c, RULES_FLOW_RECORD, &a6, p, 40000, 443) ||
		    !rules_ignores(c, EV_rst_rate, NULL, p, 0, 443))
			check_fail("ignore.addresses", "a listed address is "
			    "not ignored");
		memset(&ev, 0, sizeof(ev));
		ev.kind = (enum event_kind)(i % EV_NKINDS);
		ev.has_flow = true;
		ev.has_sport = (i & 1) == 0;
		ev.src = a4;
		ev.dst = *p;
		ev.sport = 40000;
		ev.dport = 443;
		if (rules_admit(c, &ev))
			check_fail("rules_admit", "an event to an ignored "
			    "address admitted");
	}
	for (size_t i = 0; i < c->nignore_ports; i++) {
		const struct conf_port_range *r = &c->ignore_ports[i];

		if (!rules_ignores(c, EV_app_reset, &a4, &a6, r->lo, 0) ||
		    !rules_ignores(c, RULES_FLOW_RECORD, &a4, &a6, 0, r->hi) ||
		    !rules_ignores(c, EV_rst_rate, NULL, &a6, 0,
		    (uint16_t)(r->lo + (r->hi - r->lo) / 2)))
			check_fail("ignore.ports", "a listed port is not ignored");
	}

	/*
	 * Each rule silences a flow that matches its first address and its
	 * first port, for each kind it names and, without kinds, for the
	 * flow record too.
	 */
	for (size_t i = 0; i < c->nignore_rules; i++) {
		const struct conf_ignore_rule *r = &c->ignore_rules[i];
		const struct addr *p = r->naddrs > 0 ? &r->addrs[0].addr : &a4;
		uint16_t port = r->nports > 0 ? r->ports[0].lo : 40000;

		for (int k = 0; k < EV_NKINDS; k++)
			if ((r->all_kinds || (r->kinds & (1u << k))) &&
			    k != EV_capture_drop &&
			    !rules_ignores(c, k, &a6, p, 40000, port))
				check_fail("ignore.rules", "a rule does not "
				    "silence its kind");
		if (r->all_kinds &&
		    !rules_ignores(c, RULES_FLOW_RECORD, p, &a4, port, 40000))
			check_fail("ignore.rules", "a rule without kinds does "
			    "not cover the flow record");
	}

	/* Events of every kind from outside the lists, as far as we can. */
	for (int k = 0; k < EV_NKINDS; k++) {
		memset(&ev, 0, sizeof(ev));
		ev.kind = (enum event_kind)k;
		ev.has_flow = k != EV_capture_drop;
		ev.has_sport = k != EV_rst_rate && k != EV_capture_drop;
		ev.src = a4;
		ev.dst = (k & 1) ? a6 : a4;
		ev.sport = (uint16_t)(40000 + k);
		ev.dport = (uint16_t)(k * 1000);
		check_event(c, &ev);
	}
}

static void
check_event(const struct conf *c, struct event *ev)
{
	enum event_kind kind = ev->kind;
	bool ignored, admitted;

	ignored = ev->has_flow && rules_ignores(c, (int)kind,
	    ev->has_sport ? &ev->src : NULL, &ev->dst,
	    ev->has_sport ? ev->sport : 0, ev->dport);
	ev->severity = SEV_DEBUG;
	admitted = rules_admit(c, ev);
	if (admitted != (c->kinds[kind].enabled && !ignored))
		check_fail("rules_admit", "admitted against the rules");
	if (admitted && ev->severity != c->kinds[kind].severity)
		check_fail("rules_admit", "severity not the configured one");
	if (ev->kind != kind)
		check_fail("rules_admit", "the event's kind changed");
}

static void
check_string(const char *s, size_t size, const char *what)
{
	if (memchr(s, '\0', size) == NULL)
		check_fail(what, "not NUL-terminated within its buffer");
}

static void
check_range(uint64_t v, uint64_t lo, uint64_t hi, const char *what)
{
	if (v < lo || v > hi) {
		fprintf(stderr, "fuzz_config: %s: %llu outside %llu..%llu\n",
		    what, (unsigned long long)v, (unsigned long long)lo,
		    (unsigned long long)hi);
		abort();
	}
}
