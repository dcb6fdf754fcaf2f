/*
 * The configuration model and its YAML loader (lib/conf.c, lib/conf_yaml.c).
 * Run from the repository root: the default file and tests/conf/ are read
 * by relative path.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "check_util.h"
#include "conf.h"
#include "rules.h"

#define DEFAULT_FILE	"conf/rstwatch.yaml"
#define TEST_DIR	"tests/conf/"

static char	*read_file(const char *, size_t *);
static int	 parse(const char *, struct conf *, struct conf_errors *);
static int	 parse_file(const char *, struct conf *, struct conf_errors *);
static const char *dump(const struct conf_errors *);
static bool	 has_error(const struct conf_errors *, unsigned, unsigned,
		    const char *);
static struct addr util_addr(const char *);
static struct addr util_addr(const char *);
static bool	 ignores(const struct conf *, const struct addr *,
		    const struct addr *, uint16_t, uint16_t);

static char *
read_file(const char *path, size_t *lenp)
{
	FILE *f;
	char *buf;
	long n;

	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s (run from the repo root)",
	    path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	ck_assert_int_eq(fseek(f, 0, SEEK_SET), 0);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*lenp = (size_t)n;
	return buf;
}

static int
parse(const char *text, struct conf *c, struct conf_errors *e)
{
	return conf_parse_yaml(c, text, strlen(text), e);
}

static int
parse_file(const char *path, struct conf *c, struct conf_errors *e)
{
	size_t len;
	char *text = read_file(path, &len);
	int r;

	r = conf_parse_yaml(c, text, len, e);
	free(text);
	return r;
}

/* All errors on one string, for failure messages. */
static const char *
dump(const struct conf_errors *e)
{
	static char buf[CONF_MAX_ERRORS * (CONF_ERR_MAX + 24)];
	size_t o = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < e->n && o < sizeof(buf); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "\n  %u:%u: %s",
		    e->e[i].line, e->e[i].col, e->e[i].msg);
	return buf;
}

static bool
has_error(const struct conf_errors *e, unsigned line, unsigned col,
    const char *sub)
{
	for (size_t i = 0; i < e->n; i++)
		if (e->e[i].line == line && e->e[i].col == col &&
		    strstr(e->e[i].msg, sub) != NULL)
			return true;
	return false;
}

/*
 * What the lists read from YAML mean, for an event of any kind (rules.c
 * applies them; check_rules.c tests the kinds).
 */
static bool
ignores(const struct conf *c, const struct addr *src, const struct addr *dst,
    uint16_t sport, uint16_t dport)
{
	return rules_ignores(c, EV_app_reset, src, dst, sport, dport);
}

/* The shipped file documents the defaults: it must say the same. */
START_TEST(test_defaults_match_file)
{
	struct conf def, fromfile;
	struct conf_errors e;

	conf_defaults(&def);
	memset(&fromfile, 0x5a, sizeof(fromfile));
	ck_assert_msg(parse_file(DEFAULT_FILE, &fromfile, &e) == 0,
	    "%s has errors:%s", DEFAULT_FILE, dump(&e));
	ck_assert_uint_eq(e.n, 0);
	/*
	 * The deliberate differences: the shipped file (and so the service)
	 * writes evidence, a daemon without a file does not; the metrics
	 * endpoint is off unless a file asks for it, and the shipped file
	 * asks for it on loopback.
	 */
	ck_assert(!def.evidence_enabled);
	ck_assert(fromfile.evidence_enabled);
	def.evidence_enabled = true;
	ck_assert_str_eq(fromfile.metrics_listen, "127.0.0.1:10089");
	memcpy(fromfile.metrics_listen, def.metrics_listen,
	    sizeof(def.metrics_listen));
	ck_assert_msg(memcmp(&def, &fromfile, sizeof(def)) == 0,
	    "%s differs from conf_defaults()", DEFAULT_FILE);
}
END_TEST

/* Each kind is spelt out in the default file, so none is forgotten. */
START_TEST(test_default_file_lists_every_kind)
{
	size_t len;
	char *text = read_file(DEFAULT_FILE, &len);
	char needle[64];

	for (int k = 0; k < EV_NKINDS; k++) {
		snprintf(needle, sizeof(needle), "\n  %s:", event_kind_name(k));
		ck_assert_msg(strstr(text, needle) != NULL,
		    "%s does not list events.%s", DEFAULT_FILE,
		    event_kind_name(k));
	}
	free(text);
}
END_TEST

/* The values SPEC sections 4, 5 and 7 state. */
START_TEST(test_defaults_spec)
{
	struct conf c;

	memset(&c, 0xff, sizeof(c));
	conf_defaults(&c);
	ck_assert_uint_eq(c.ninterfaces, 1);
	ck_assert_str_eq(c.interfaces[0], "any");
	ck_assert_uint_eq(c.max_syn_retransmissions, 3);
	ck_assert_uint_eq(c.max_synack_retransmissions, 3);
	ck_assert_uint_eq(c.max_data_retransmissions, 5);
	ck_assert_int_eq(c.syslog_facility, LOG_DAEMON);
	ck_assert_str_eq(c.syslog_ident, "rstwatchd");
	ck_assert(c.syslog_enabled);
	ck_assert_str_eq(c.json_path, "");
	ck_assert_uint_eq(c.nignore_addrs, 0);
	ck_assert_uint_eq(c.nignore_ports, 0);
	ck_assert_uint_eq(c.nignore_rules, 0);
	/* Issue 8: ignored flows still get flow records unless asked. */
	ck_assert(c.ignore_flow_records);
	for (int k = 0; k < EV_NKINDS; k++) {
		ck_assert(c.kinds[k].enabled);
		ck_assert_uint_eq(c.kinds[k].cooldown_s, 60);
		ck_assert_int_eq(c.kinds[k].severity,
		    event_kind_default_severity(k));
	}
	ck_assert_int_eq(c.kinds[EV_loss_reset].severity, SEV_ERR);
	ck_assert_int_eq(c.kinds[EV_syn_refused].severity, SEV_NOTICE);
	/* Unused interface slots are zero, so memcmp() compares values. */
	ck_assert_int_eq(c.interfaces[1][0], 0);
	ck_assert_int_eq(c.interfaces[0][5], 0);
}
END_TEST

START_TEST(test_all_keys)
{
	struct conf c, def;
	struct conf_errors e;
	struct addr_prefix p;

	conf_defaults(&def);
	ck_assert_msg(parse_file(TEST_DIR "all_keys.yaml", &c, &e) == 0,
	    "errors:%s", dump(&e));

	ck_assert_uint_eq(c.ninterfaces, 3);
	ck_assert_str_eq(c.interfaces[0], "eth0");
	ck_assert_str_eq(c.interfaces[1], "wlan0");
	ck_assert_str_eq(c.interfaces[2], "br-lan.10");
	ck_assert_str_eq(c.filter, "not port 22 and not (host 192.0.2.1)");
	ck_assert_uint_eq(c.snaplen, 262144);
	ck_assert_uint_eq(c.buffer_size, 1024u * 1024 * 1024);
	ck_assert(c.promiscuous);
	ck_assert_uint_eq(c.max_syn_retransmissions, 7);
	ck_assert_uint_eq(c.max_synack_retransmissions, 100);
	ck_assert_uint_eq(c.max_data_retransmissions, 1000);
	ck_assert_uint_eq(c.rst_rate_threshold, 1000000);
	ck_assert_uint_eq(c.rst_rate_window_s, 3600);
	for (int k = 0; k < EV_NKINDS; k++) {
		ck_assert_msg(!c.kinds[k].enabled, "%s", event_kind_name(k));
		ck_assert_int_eq(c.kinds[k].severity, SEV_CRIT);
		ck_assert_uint_eq(c.kinds[k].cooldown_s, 3600);
	}

	ck_assert_uint_eq(c.nignore_addrs, 3);
	ck_assert_int_eq(addr_prefix_parse(&p, "192.0.2.0/24"), 0);
	ck_assert_mem_eq(&c.ignore_addrs[0], &p, sizeof(p));
	ck_assert_int_eq(addr_prefix_parse(&p, "2001:db8::/32"), 0);
	ck_assert_mem_eq(&c.ignore_addrs[1], &p, sizeof(p));
	ck_assert_int_eq(addr_prefix_parse(&p, "198.51.100.7"), 0);
	ck_assert_mem_eq(&c.ignore_addrs[2], &p, sizeof(p));
	ck_assert_uint_eq(c.nignore_ports, 3);
	ck_assert_uint_eq(c.ignore_ports[0].lo, 53);
	ck_assert_uint_eq(c.ignore_ports[0].hi, 53);
	ck_assert_uint_eq(c.ignore_ports[1].lo, 6000);
	ck_assert_uint_eq(c.ignore_ports[1].hi, 6063);
	ck_assert_uint_eq(c.ignore_ports[2].lo, 1);
	ck_assert_uint_eq(c.ignore_ports[2].hi, 1023);
	ck_assert_uint_eq(c.nignore_rules, 3);
	ck_assert_uint_eq(c.ignore_rules[0].naddrs, 2);
	ck_assert_int_eq(addr_prefix_parse(&p, "10.20.0.5"), 0);
	ck_assert_mem_eq(&c.ignore_rules[0].addrs[0], &p, sizeof(p));
	ck_assert_int_eq(addr_prefix_parse(&p, "2001:db8:5::/48"), 0);
	ck_assert_mem_eq(&c.ignore_rules[0].addrs[1], &p, sizeof(p));
	ck_assert_uint_eq(c.ignore_rules[0].nports, 0);
	ck_assert(!c.ignore_rules[0].all_kinds);
	ck_assert_uint_eq(c.ignore_rules[0].kinds,
	    1u << EV_app_reset | 1u << EV_rst_injected);
	ck_assert_uint_eq(c.ignore_rules[1].naddrs, 0);
	ck_assert_uint_eq(c.ignore_rules[1].nports, 2);
	ck_assert_uint_eq(c.ignore_rules[1].ports[0].lo, 5060);
	ck_assert_uint_eq(c.ignore_rules[1].ports[0].hi, 5061);
	ck_assert_uint_eq(c.ignore_rules[1].ports[1].lo, 8443);
	ck_assert_uint_eq(c.ignore_rules[1].ports[1].hi, 8443);
	ck_assert_uint_eq(c.ignore_rules[1].kinds, 1u << EV_syn_retransmit);
	/* No kinds: every kind, and the flow records. */
	ck_assert_uint_eq(c.ignore_rules[2].naddrs, 1);
	ck_assert_uint_eq(c.ignore_rules[2].nports, 1);
	ck_assert(c.ignore_rules[2].all_kinds);
	ck_assert_uint_eq(c.ignore_rules[2].kinds, 0);
	ck_assert(!c.ignore_flow_records);

	ck_assert_uint_eq(c.max_flows, 1024);
	ck_assert_uint_eq(c.timeout_embryonic_s, 1);
	ck_assert_uint_eq(c.timeout_established_s, 604800);
	ck_assert_uint_eq(c.timeout_closed_s, 3600);
	ck_assert_uint_eq(c.timeout_udp_s, 86400);
	ck_assert(!c.syslog_enabled);
	ck_assert_int_eq(c.syslog_facility, LOG_LOCAL3);
	ck_assert_str_eq(c.syslog_ident, "rstwatch-test");
	ck_assert_str_eq(c.json_path, "/var/log/rstwatch/events.json");
	ck_assert_str_eq(c.user, "");
	ck_assert_str_eq(c.pidfile, "/var/run/rstwatch-test.pid");
	ck_assert_uint_eq(c.stats_interval_s, 0);
	ck_assert_str_eq(c.metrics_listen, "[::1]:19999");
	ck_assert_uint_eq(c.metrics_top_services, 100);

	/* The file really moves every key off its default. */
	ck_assert_uint_ne(c.snaplen, def.snaplen);
	ck_assert_uint_ne(c.buffer_size, def.buffer_size);
	ck_assert_int_ne(c.promiscuous, def.promiscuous);
	ck_assert_uint_ne(c.max_syn_retransmissions,
	    def.max_syn_retransmissions);
	ck_assert_uint_ne(c.max_synack_retransmissions,
	    def.max_synack_retransmissions);
	ck_assert_uint_ne(c.max_data_retransmissions,
	    def.max_data_retransmissions);
	ck_assert_uint_ne(c.rst_rate_threshold, def.rst_rate_threshold);
	ck_assert_uint_ne(c.rst_rate_window_s, def.rst_rate_window_s);
	for (int k = 0; k < EV_NKINDS; k++) {
		ck_assert_int_ne(c.kinds[k].enabled, def.kinds[k].enabled);
		ck_assert_int_ne(c.kinds[k].severity, def.kinds[k].severity);
		ck_assert_uint_ne(c.kinds[k].cooldown_s,
		    def.kinds[k].cooldown_s);
	}
	ck_assert_uint_ne(c.max_flows, def.max_flows);
	ck_assert_uint_ne(c.timeout_embryonic_s, def.timeout_embryonic_s);
	ck_assert_uint_ne(c.timeout_established_s, def.timeout_established_s);
	ck_assert_uint_ne(c.timeout_closed_s, def.timeout_closed_s);
	ck_assert_uint_ne(c.timeout_udp_s, def.timeout_udp_s);
	ck_assert_int_ne(c.syslog_enabled, def.syslog_enabled);
	ck_assert_int_ne(c.syslog_facility, def.syslog_facility);
	ck_assert_str_ne(c.syslog_ident, def.syslog_ident);
	ck_assert_str_ne(c.json_path, def.json_path);
	ck_assert_str_ne(c.user, def.user);
	ck_assert_str_ne(c.pidfile, def.pidfile);
	ck_assert_uint_ne(c.stats_interval_s, def.stats_interval_s);
	ck_assert_str_ne(c.metrics_listen, def.metrics_listen);
	ck_assert_uint_ne(c.metrics_top_services, def.metrics_top_services);
	ck_assert_str_ne(c.filter, def.filter);
	ck_assert(c.evidence_enabled);
	ck_assert_str_eq(c.evidence_dir, "/srv/rstwatch/evidence");
	ck_assert_uint_eq(c.evidence_memory, 8u << 20);
	ck_assert_uint_eq(c.evidence_max_files, 1000000);
	ck_assert_uint_eq(c.evidence_max_bytes, 4095u << 20);
	ck_assert_uint_eq(c.evidence_snaplen, 65535);
}
END_TEST

/* evidence.*: ranges, and a budget too small for the flow table. */
START_TEST(test_evidence_keys)
{
	struct conf c, def;
	struct conf_errors e;

	conf_defaults(&def);
	ck_assert(!def.evidence_enabled);
	ck_assert_uint_eq(def.evidence_memory, 64u << 20);
	ck_assert_uint_eq(def.evidence_snaplen, 128);
	ck_assert_int_eq(parse("evidence:\n  memory: 5G\n  snaplen: 20\n"
	    "  max_bytes: 4096M\n  max_files: 0\n  directory: rel\n", &c, &e),
	    -1);
	ck_assert_msg(e.n == 5 &&
	    has_error(&e, 2, 11, "evidence.memory: expected a size from 1M "
	    "to 1G") &&
	    has_error(&e, 3, 12, "evidence.snaplen: expected an integer from "
	    "68 to 65535") &&
	    has_error(&e, 4, 14, "a size from 1M to 4095M") &&
	    has_error(&e, 5, 14, "evidence.max_files") &&
	    has_error(&e, 6, 14, "must be absolute"), "%s", dump(&e));
	/*
	 * 1M holds packets of 4096 bytes, not 16 of 65535; the flows'
	 * chain ends are in the flow table, whatever their number.
	 */
	ck_assert_int_eq(parse("evidence:\n  enabled: true\n  memory: 1M\n"
	    "  snaplen: 4096\nflows:\n  max_flows: 1000000\n", &c, &e), 0);
	ck_assert_int_eq(parse("evidence:\n  enabled: true\n  memory: 1M\n"
	    "  snaplen: 65535\n", &c, &e), -1);
	ck_assert_msg(e.n == 1 && has_error(&e, 3, 11, "evidence.memory: "
	    "1048576 bytes cannot hold 16 packets of evidence.snaplen 65535"),
	    "%s", dump(&e));
	/* Off, the budget is not checked: nothing is allocated. */
	ck_assert_int_eq(parse("evidence:\n  memory: 1M\n"
	    "  snaplen: 65535\n", &c, &e), 0);
	/* The capture's snaplen check is not the evidence one's. */
	ck_assert_int_eq(parse("evidence:\n  snaplen: 68\n", &c, &e), 0);
}
END_TEST

/*
 * Different values per kind, generated from the kind list: a value landing
 * in the wrong kind's slot shows.
 */
START_TEST(test_kinds_distinct)
{
	static const char *const sevs[] = {
		"emerg", "alert", "crit", "err", "warning", "notice", "info",
		"debug"
	};
	char text[4096];
	size_t o;
	struct conf c;
	struct conf_errors e;

	o = (size_t)snprintf(text, sizeof(text), "events:\n");
	for (int k = 0; k < EV_NKINDS; k++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "  %s:\n    cooldown: %d\n    severity: %s\n"
		    "    enabled: %s\n", event_kind_name(k), 100 + k * 7,
		    sevs[k % 8], k % 2 ? "yes" : "no");
	ck_assert_uint_lt(o, sizeof(text));
	ck_assert_msg(parse(text, &c, &e) == 0, "errors:%s", dump(&e));
	for (int k = 0; k < EV_NKINDS; k++) {
		ck_assert_uint_eq(c.kinds[k].cooldown_s, (unsigned)(100 + k * 7));
		ck_assert_int_eq(c.kinds[k].severity, k % 8);
		ck_assert_int_eq(c.kinds[k].enabled, k % 2 == 1);
	}
}
END_TEST

START_TEST(test_syn_auto)
{
	struct conf c;
	struct conf_errors e;

	ck_assert_int_eq(parse("thresholds:\n  max_syn_retransmissions: auto\n",
	    &c, &e), 0);
	ck_assert_uint_eq(c.max_syn_retransmissions, CONF_SYN_RETRIES_AUTO);
	ck_assert_int_eq(parse("thresholds: {max_syn_retransmissions: \"auto\"}",
	    &c, &e), 0);
	ck_assert_uint_eq(c.max_syn_retransmissions, CONF_SYN_RETRIES_AUTO);
	ck_assert_int_eq(parse("thresholds: {max_syn_retransmissions: 100}",
	    &c, &e), 0);
	ck_assert_uint_eq(c.max_syn_retransmissions, 100);
	/* "auto" is for the SYN threshold only. */
	ck_assert_int_eq(parse("thresholds:\n  max_synack_retransmissions: auto\n",
	    &c, &e), -1);
	ck_assert_msg(has_error(&e, 2, 31, "expected an integer from 1 to 100"),
	    "%s", dump(&e));
	ck_assert_int_eq(parse("thresholds: {max_syn_retransmissions: 0}",
	    &c, &e), -1);
	ck_assert_msg(has_error(&e, 1, 39, "or \"auto\", got \"0\""), "%s",
	    dump(&e));
}
END_TEST

/* Values that read in more than one spelling. */
START_TEST(test_value_forms)
{
	struct conf c;
	struct conf_errors e;

	ck_assert_int_eq(parse("capture: {promiscuous: YES}", &c, &e), 0);
	ck_assert(c.promiscuous);
	ck_assert_int_eq(parse("capture: {promiscuous: On}", &c, &e), 0);
	ck_assert(c.promiscuous);
	ck_assert_int_eq(parse("capture: {promiscuous: TRUE}", &c, &e), 0);
	ck_assert(c.promiscuous);
	ck_assert_int_eq(parse("output: {syslog: {enabled: Off}}", &c, &e), 0);
	ck_assert(!c.syslog_enabled);
	ck_assert_int_eq(parse("output: {syslog: {enabled: no}}", &c, &e), 0);
	ck_assert(!c.syslog_enabled);

	ck_assert_int_eq(parse("capture: {buffer_size: 1048576}", &c, &e), 0);
	ck_assert_uint_eq(c.buffer_size, 1048576);
	ck_assert_int_eq(parse("capture: {buffer_size: 1024K}", &c, &e), 0);
	ck_assert_uint_eq(c.buffer_size, 1048576);
	ck_assert_int_eq(parse("capture: {buffer_size: 1g}", &c, &e), 0);
	ck_assert_uint_eq(c.buffer_size, 1024u * 1024 * 1024);
	ck_assert_int_eq(parse("capture: {buffer_size: 64m}", &c, &e), 0);
	ck_assert_uint_eq(c.buffer_size, 64u * 1024 * 1024);

	/* A quoted number is still the number. */
	ck_assert_int_eq(parse("capture: {snaplen: \"200\"}", &c, &e), 0);
	ck_assert_uint_eq(c.snaplen, 200);

	/* Facilities and severities by every name. */
	for (int f = 0; f < 24 * 8; f += 8) {
		const char *name = conf_facility_name(f);
		char text[128];

		if (strcmp(name, "unknown") == 0)
			continue;
		ck_assert_int_eq(conf_facility_from_name(name), f);
		snprintf(text, sizeof(text), "output: {syslog: {facility: %s}}",
		    name);
		ck_assert_msg(parse(text, &c, &e) == 0, "%s:%s", name, dump(&e));
		ck_assert_int_eq(c.syslog_facility, f);
	}
	ck_assert_int_eq(conf_facility_from_name("local7"), LOG_LOCAL7);
	ck_assert_int_eq(conf_facility_from_name("authpriv"), LOG_AUTHPRIV);
	ck_assert_int_eq(conf_facility_from_name("Daemon"), -1);
	ck_assert_int_eq(conf_facility_from_name("local8"), -1);
	ck_assert_str_eq(conf_facility_name(LOG_UUCP), "uucp");
	ck_assert_str_eq(conf_facility_name(12345), "unknown");

	ck_assert_int_eq(parse("events: {app_reset: {severity: warn}}", &c, &e),
	    0);
	ck_assert_int_eq(c.kinds[EV_app_reset].severity, SEV_WARNING);
}
END_TEST

/* A list replaces the default as a whole, leaving no stale slots. */
START_TEST(test_lists_replace)
{
	struct conf c, ref;
	struct conf_errors e;

	ck_assert_int_eq(parse("capture:\n  interfaces:\n    - enp3s0f1\n"
	    "    - lo\n", &c, &e), 0);
	ck_assert_uint_eq(c.ninterfaces, 2);
	ck_assert_str_eq(c.interfaces[0], "enp3s0f1");
	ck_assert_str_eq(c.interfaces[1], "lo");

	ck_assert_int_eq(parse("capture: {interfaces: [lo]}", &c, &e), 0);
	conf_defaults(&ref);
	memset(ref.interfaces, 0, sizeof(ref.interfaces));
	memcpy(ref.interfaces[0], "lo", 3);
	ck_assert_mem_eq(&c, &ref, sizeof(c));

	/* Sixteen is the limit, and allowed. */
	ck_assert_int_eq(parse("capture: {interfaces: [a0, a1, a2, a3, a4, "
	    "a5, a6, a7, a8, a9, b0, b1, b2, b3, b4, b5]}", &c, &e), 0);
	ck_assert_uint_eq(c.ninterfaces, 16);
	ck_assert_str_eq(c.interfaces[15], "b5");

	/* Fifteen characters is the longest name. */
	ck_assert_int_eq(parse("capture: {interfaces: [abcdefghijklmno]}", &c,
	    &e), 0);
	ck_assert_str_eq(c.interfaces[0], "abcdefghijklmno");

	ck_assert_int_eq(parse("ignore: {addresses: [], ports: []}", &c, &e), 0);
	ck_assert_uint_eq(c.nignore_addrs, 0);
	ck_assert_uint_eq(c.nignore_ports, 0);

	ck_assert_int_eq(parse("ignore:\n  addresses:\n    - ::1\n"
	    "    - 2001:db8::/32\n    - 0.0.0.0/0\n", &c, &e), 0);
	ck_assert_uint_eq(c.nignore_addrs, 3);
	ck_assert_uint_eq(c.ignore_addrs[0].len, 128);
	ck_assert_uint_eq(c.ignore_addrs[1].len, 32);
	ck_assert_uint_eq(c.ignore_addrs[2].len, 96);
}
END_TEST

/* ignore.rules at its limits, and every kind a rule may name. */
START_TEST(test_ignore_rules_limits)
{
	struct conf c;
	struct conf_errors e;
	char text[2048];
	size_t n = 0;

	ck_assert_int_eq(parse("ignore: {rules: []}", &c, &e), 0);
	ck_assert_uint_eq(c.nignore_rules, 0);
	ck_assert_int_eq(parse("ignore: {rules: ~, flow_records: no}", &c,
	    &e), 0);
	ck_assert_uint_eq(c.nignore_rules, 0);
	ck_assert(!c.ignore_flow_records);

	/* Sixteen rules, sixteen ports in the last. */
	n += (size_t)snprintf(text + n, sizeof(text) - n,
	    "ignore:\n  rules:\n");
	for (int i = 1; i < 16; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
		    "    - {ports: [%d]}\n", i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "    - ports: [");
	for (int i = 1; i <= 16; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%d",
		    i > 1 ? ", " : "", 1000 + i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n");
	ck_assert_uint_lt(n, sizeof(text));
	ck_assert_msg(parse(text, &c, &e) == 0, "%s", dump(&e));
	ck_assert_uint_eq(c.nignore_rules, 16);
	ck_assert_uint_eq(c.ignore_rules[15].nports, 16);
	ck_assert_uint_eq(c.ignore_rules[15].ports[15].lo, 1016);
	ck_assert(c.ignore_rules[0].all_kinds);

	/* Every kind with a flow or a service may be named. */
	n = (size_t)snprintf(text, sizeof(text),
	    "ignore:\n  rules:\n    - addresses: [\"::/0\"]\n      kinds: [");
	for (int k = 0; k < EV_NKINDS; k++)
		if (k != EV_capture_drop)
			n += (size_t)snprintf(text + n, sizeof(text) - n,
			    "%s%s", k > 0 ? ", " : "", event_kind_name(k));
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n");
	ck_assert_uint_lt(n, sizeof(text));
	ck_assert_msg(parse(text, &c, &e) == 0, "%s", dump(&e));
	ck_assert_uint_eq(c.ignore_rules[0].kinds,
	    ((1u << EV_NKINDS) - 1) & ~(1u << EV_capture_drop));
	ck_assert(!c.ignore_rules[0].all_kinds);
}
END_TEST

/* Comments only, nothing, "---": all defaults, and valid. */
START_TEST(test_empty)
{
	static const char *const texts[] = {
		"", "\n", "# nothing\n  # at all\n", "---\n", "--- ~\n",
		"---\n...\n", "capture:\n", "{}", "\xef\xbb\xbf# BOM\n"
	};
	struct conf c, def;
	struct conf_errors e;

	conf_defaults(&def);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(&c, 0x33, sizeof(c));
		ck_assert_msg(parse(texts[i], &c, &e) == 0, "\"%s\":%s",
		    texts[i], dump(&e));
		ck_assert_uint_eq(e.n, 0);
		ck_assert_msg(memcmp(&c, &def, sizeof(c)) == 0, "\"%s\"",
		    texts[i]);
	}
	memset(&c, 0x33, sizeof(c));
	ck_assert_int_eq(conf_parse_yaml(&c, NULL, 0, &e), 0);
	ck_assert_mem_eq(&c, &def, sizeof(c));

	memset(&c, 0x33, sizeof(c));
	ck_assert_msg(parse_file(TEST_DIR "empty_sections.yaml", &c, &e) == 0,
	    "%s", dump(&e));
	ck_assert_mem_eq(&c, &def, sizeof(c));
}
END_TEST

/* One error per text, at the position and with the words given. */
struct bad {
	const char	*text;
	unsigned	 line;
	unsigned	 col;
	const char	*msg;
};

static const struct bad bad[] = {
	/* Unknown keys, with and without a suggestion. */
	{ "thresholds:\n  max_syn_retransmision: 3\n", 2, 3,
	  "unknown key \"thresholds.max_syn_retransmision\" "
	  "(did you mean \"max_syn_retransmissions\"?)" },
	{ "thresholds:\n  max_syn_retransmision: 3\n", 2, 3, "" },
	{ "capture:\n  snaplne: 100\n", 2, 3,
	  "unknown key \"capture.snaplne\" (did you mean \"snaplen\"?)" },
	{ "capture:\n  frobnicate: 1\n", 2, 3,
	  "unknown key \"capture.frobnicate\"" },
	{ "captur:\n  snaplen: 100\n", 1, 1,
	  "unknown key \"captur\" (did you mean \"capture\"?)" },
	{ "events:\n  syn_retransmitt: {}\n", 2, 3,
	  "unknown key \"events.syn_retransmitt\" (did you mean "
	  "\"syn_retransmit\"?)" },
	{ "events:\n  app_reset: {sevrity: err}\n", 2, 15,
	  "unknown key \"events.app_reset.sevrity\" (did you mean "
	  "\"severity\"?)" },
	{ "flows:\n  timeouts:\n    establihsed: 5\n", 3, 5,
	  "(did you mean \"established\"?)" },
	{ "\"a\\x01\": 1\n", 1, 1, "unknown key \"a\\x01\"" },
	{ "\"\": 1\n", 1, 1, "empty key" },
	/* Integers. */
	{ "thresholds:\n  max_data_retransmissions: 0\n", 2, 29,
	  "thresholds.max_data_retransmissions: expected an integer from "
	  "1 to 1000, got \"0\"" },
	{ "thresholds:\n  max_data_retransmissions: 1001\n", 2, 29,
	  "got \"1001\"" },
	{ "capture:\n  snaplen: 12abc\n", 2, 12,
	  "capture.snaplen: expected an integer from 68 to 262144, "
	  "got \"12abc\"" },
	{ "capture:\n  snaplen: -1\n", 2, 12, "got \"-1\"" },
	{ "capture:\n  snaplen: 100.5\n", 2, 12, "got \"100.5\"" },
	{ "capture:\n  snaplen: +100\n", 2, 12, "got \"+100\"" },
	{ "capture:\n  snaplen: 0100\n", 2, 12, "got \"0100\"" },
	{ "capture:\n  snaplen: 0x100\n", 2, 12, "got \"0x100\"" },
	{ "capture:\n  snaplen: 99999999999999999999999\n", 2, 12,
	  "got \"99999999999999999999999\"" },
	{ "capture:\n  snaplen: 4294967364\n", 2, 12, "expected an integer" },
	{ "capture:\n  snaplen:\n", 2, 11, "got an empty value" },
	{ "capture:\n  snaplen: [1]\n", 2, 12, "got a list" },
	{ "capture:\n  snaplen: {a: 1}\n", 2, 12, "got a mapping" },
	{ "flows: {max_flows: 1023}", 1, 20, "from 1024 to 16777216" },
	{ "flows: {timeouts: {established: 604801}}", 1, 33,
	  "flows.timeouts.established: expected an integer from 1 to 604800" },
	{ "rst_rate: {window: 0}", 1, 20, "rst_rate.window:" },
	{ "events: {loss_reset: {cooldown: 86401}}", 1, 33,
	  "events.loss_reset.cooldown: expected an integer from 0 to 86400" },
	{ "daemon: {stats_interval: 86401}", 1, 26, "daemon.stats_interval" },
	/* metrics.listen: numeric ADDRESS:PORT, IPv6 in brackets. */
	{ "metrics: {listen: 127.0.0.1}", 1, 19,
	  "metrics.listen: must be \"ADDRESS:PORT\"" },
	{ "metrics: {listen: \"localhost:10089\"}", 1, 19,
	  "metrics.listen: the address must be a numeric IPv4 address" },
	{ "metrics: {listen: \"::1:10089\"}", 1, 19, "numeric IPv4" },
	{ "metrics: {listen: \"[::1]10089\"}", 1, 19, "[IPV6-ADDRESS]:PORT" },
	{ "metrics: {listen: \"[127.0.0.1]:10089\"}", 1, 19,
	  "a numeric IPv6 address" },
	{ "metrics: {listen: \"127.0.0.1:\"}", 1, 19, "the port is missing" },
	{ "metrics: {listen: \"127.0.0.1:0\"}", 1, 19, "between 1 and 65535" },
	{ "metrics: {listen: \"127.0.0.1:65536\"}", 1, 19,
	  "between 1 and 65535" },
	{ "metrics: {listen: \"127.0.0.1:99999999999999999999\"}", 1, 19,
	  "between 1 and 65535" },
	{ "metrics: {listen: \"127.0.0.1:80a\"}", 1, 19,
	  "the port must be a number" },
	{ "metrics: {listen: \":10089\"}", 1, 19, "numeric IPv4" },
	{ "metrics: {listen: [a]}", 1, 19, "expected a string, got a list" },
	{ "metrics: {top_services: 101}", 1, 25,
	  "metrics.top_services: expected an integer from 0 to 100" },
	{ "metrics: {lisen: \"127.0.0.1:1\"}", 1, 11, "lisen" },
	/* Sizes. */
	{ "capture: {buffer_size: 512K}", 1, 24,
	  "capture.buffer_size: expected a size from 1M to 1G" },
	{ "capture: {buffer_size: 3G}", 1, 24, "got \"3G\"" },
	{ "capture: {buffer_size: 1025M}", 1, 24, "got \"1025M\"" },
	{ "capture: {buffer_size: 32MB}", 1, 24, "got \"32MB\"" },
	{ "capture: {buffer_size: M}", 1, 24, "got \"M\"" },
	{ "capture: {buffer_size: 99999999999999999G}", 1, 24, "expected" },
	/* Booleans, severities, facilities. */
	{ "capture:\n  promiscuous: maybe\n", 2, 16,
	  "capture.promiscuous: expected true or false" },
	{ "capture:\n  promiscuous: 1\n", 2, 16, "got \"1\"" },
	{ "events:\n  loss_reset: { severity: warnign }\n", 2, 27,
	  "events.loss_reset.severity: expected a severity" },
	{ "events:\n  loss_reset: { severity: warnign }\n", 2, 27,
	  "(did you mean \"warning\"?)" },
	{ "events:\n  loss_reset: { severity: [err] }\n", 2, 27, "got a list" },
	{ "output: {syslog: {facility: deamon}}", 1, 29,
	  "output.syslog.facility: expected a syslog facility" },
	{ "output: {syslog: {facility: deamon}}", 1, 29,
	  "(did you mean \"daemon\"?)" },
	{ "output: {syslog: {facility: LOG_DAEMON}}", 1, 29,
	  "got \"LOG_DAEMON\"" },
	/* Strings. */
	{ "output: {syslog: {ident: \"rst watch\"}}", 1, 26,
	  "output.syslog.ident: the ident must not contain spaces" },
	{ "output: {syslog: {ident: \"\"}}", 1, 26, "1 to 31 bytes" },
	{ "output: {syslog: {ident: abcdefghijabcdefghijabcdefghij12}}", 1,
	  26, "1 to 31 bytes" },
	/* 16 characters, 32 bytes: the limit is syslog's, in bytes. */
	{ "output: {syslog: {ident: \"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	  "\xc3\xa9\xc3\xa9\"}}", 1, 26, "1 to 31 bytes" },
	/* U+202E RIGHT-TO-LEFT OVERRIDE would show the line reversed. */
	{ "output: {syslog: {ident: \"rst\xe2\x80\xaewatch\"}}", 1, 26,
	  "bidirectional formatting" },
	{ "output: {syslog: {ident: \"rst\xe2\x81\xa6x\"}}", 1, 26,
	  "bidirectional formatting" },
	/* U+0085 NEXT LINE, a C1 control. */
	{ "output: {syslog: {ident: \"rst\\Nx\"}}", 1, 26,
	  "control" },
	/* Snapshot length against the enabled kinds (IPv6 headers). */
	{ "capture:\n  interfaces: [eth0]\n  snaplen: 109\n", 3, 12,
	  "capture.snaplen: 109 bytes are too few for icmp_unreachable over "
	  "IPv6 (110): set at least 110, or disable those events" },
	{ "capture:\n  interfaces: [eth0]\n  snaplen: 73\n", 3, 12,
	  "the TCP kinds over IPv6 (74 needed), icmp_unreachable over IPv6 "
	  "(110): set at least 110" },
	{ "capture:\n  interfaces: [eth0]\n  snaplen: 69\n", 3, 12,
	  "icmp_unreachable over IPv6 (110) and IPv4" },
	{ "capture:\n  snaplen: 115\n", 2, 12,
	  "115 bytes are too few for icmp_unreachable over IPv6 (116) on "
	  "\"any\": set at least 116" },
	{ "capture:\n  snaplen: 110\n  interfaces: [eth0, any]\n", 2, 12,
	  "(116) on \"any\"" },
	{ "capture: {interfaces: [eth0], snaplen: 73}\nevents:\n"
	  "  icmp_unreachable: {enabled: false}\n", 1, 40,
	  "73 bytes are too few for the TCP kinds over IPv6 (74 needed): "
	  "set at least 74" },
	{ "output: {json: {path: events.json}}", 1, 23,
	  "output.json.path: the path must be absolute, got \"events.json\"" },
	{ "output: {json: {path: /var/log/}}", 1, 23, "not a directory" },
	{ "output: {json: {path: [a]}}", 1, 23, "expected a string, got a list" },
	{ "daemon: {pidfile: \"\"}", 1, 19, "daemon.pidfile: the path must be "
	  "absolute" },
	{ "daemon: {pidfile: \"/run/a\\tb\"}", 1, 19, "control characters" },
	{ "daemon: {user: \"a b\"}", 1, 16, "daemon.user: a user name" },
	{ "daemon: {user: abcdefghijabcdefghijabcdefghij12}", 1, 16,
	  "at most 31 characters" },
	{ "capture: {filter: \"tcp\\0port 80\"}", 1, 19,
	  "capture.filter: a NUL character is not allowed" },
	/* Interfaces. */
	{ "capture:\n  interfaces: eth0\n", 2, 15,
	  "capture.interfaces: expected a list" },
	{ "capture:\n  interfaces:\n", 2, 14, "expected a list" },
	{ "capture:\n  interfaces: []\n", 2, 15, "got an empty list" },
	{ "capture:\n  interfaces: [eth0, eth/1]\n", 2, 22,
	  "capture.interfaces: an interface name must not contain '/'" },
	{ "capture:\n  interfaces: [abcdefghijklmnop]\n", 2, 16,
	  "1 to 15 characters" },
	{ "capture:\n  interfaces: [\"eth 0\"]\n", 2, 16, "spaces" },
	{ "capture:\n  interfaces: [\"\"]\n", 2, 16, "1 to 15 characters" },
	{ "capture:\n  interfaces: [..]\n", 2, 16, "not interface names" },
	{ "capture:\n  interfaces: [eth0, [eth1]]\n", 2, 22,
	  "expected an interface name, got a list" },
	{ "capture:\n  interfaces: [eth0, eth1, eth0]\n", 2, 28,
	  "interface \"eth0\" is listed twice" },
	{ "capture: {interfaces: [a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, "
	  "b0, b1, b2, b3, b4, b5, b6, b7]}", 1, 88,
	  "too many interfaces (at most 16)" },
	/* Ignore lists. */
	{ "ignore:\n  addresses: [10.0.0.0/8, 10.0.0.0/33]\n", 2, 27,
	  "ignore.addresses: expected an address or prefix" },
	{ "ignore:\n  addresses: [example.com]\n", 2, 15,
	  "got \"example.com\"" },
	{ "ignore:\n  addresses: [\"2001:db8::/129\"]\n", 2, 15, "expected" },
	{ "ignore:\n  addresses: 10.0.0.0/8\n", 2, 14,
	  "expected a list of addresses" },
	{ "ignore:\n  ports: [80, 0]\n", 2, 15,
	  "ignore.ports: expected a port from 1 to 65535 or a range" },
	{ "ignore:\n  ports: [65536]\n", 2, 11, "got \"65536\"" },
	{ "ignore:\n  ports: [2000-1000]\n", 2, 11, "got \"2000-1000\"" },
	{ "ignore:\n  ports: [0-10]\n", 2, 11, "got \"0-10\"" },
	{ "ignore:\n  ports: [\"10-\"]\n", 2, 11, "got \"10-\"" },
	{ "ignore:\n  ports: [\"-10\"]\n", 2, 11, "got \"-10\"" },
	{ "ignore:\n  ports: [\"1-2-3\"]\n", 2, 11, "got \"1-2-3\"" },
	{ "ignore:\n  ports: [http]\n", 2, 11, "got \"http\"" },
	{ "ignore:\n  ports: 80\n", 2, 10, "expected a list of ports" },
	{ "ignore:\n  flow_records: maybe\n", 2, 17,
	  "ignore.flow_records: expected true or false" },
	/* Ignore rules scoped to kinds. */
	{ "ignore:\n  rules: {kinds: [app_reset]}\n", 2, 10,
	  "ignore.rules: expected a list of rules" },
	{ "ignore:\n  rules: [app_reset]\n", 2, 11,
	  "ignore.rules[0]: expected a rule: a mapping" },
	{ "ignore:\n  rules:\n    - kinds: [app_reset]\n", 3, 7,
	  "ignore.rules[0]: a rule needs addresses, ports or both" },
	{ "ignore:\n  rules:\n    - {addresses: [], kinds: [app_reset]}\n", 3,
	  7, "a rule needs addresses, ports or both" },
	{ "ignore:\n  rules:\n    - {ports: [443]}\n"
	  "    - {kinds: [app_reset]}\n", 4, 7,
	  "ignore.rules[1]: a rule needs" },
	{ "ignore:\n  rules:\n    - {ports: [443], kinds: [app_rest]}\n", 3,
	  30, "ignore.rules[0].kinds: expected an event kind (the names under "
	  "events:), got \"app_rest\" (did you mean \"app_reset\"?)" },
	{ "ignore:\n  rules:\n    - {ports: [443], kinds: [capture_drop]}\n", 3,
	  30, "capture_drop is about the capture, not a flow" },
	{ "ignore:\n  rules:\n    - {ports: [443], kinds: []}\n", 3, 29,
	  "ignore.rules[0].kinds: expected a list of event kinds (app_reset, "
	  "syn_refused, ...), got an empty list" },
	{ "ignore:\n  rules:\n    - {ports: [443], kinds: app_reset}\n", 3, 29,
	  "expected a list of event kinds" },
	{ "ignore:\n  rules:\n    - {ports: [443], kinds: [app_reset, [x]]}\n",
	  3, 41, "expected an event kind, got a list" },
	{ "ignore:\n  rules:\n"
	  "    - {ports: [443], kinds: [rst_rate, rst_rate]}\n", 3, 40,
	  "kind \"rst_rate\" is listed twice" },
	{ "ignore:\n  rules:\n    - {ports: [443], kind: [app_reset]}\n", 3, 22,
	  "unknown key \"ignore.rules[0].kind\" (did you mean \"kinds\"?)" },
	{ "ignore:\n  rules:\n    - {addresses: [10.0.0.300]}\n", 3, 20,
	  "ignore.rules[0].addresses: expected an address or prefix" },
	{ "ignore:\n  rules:\n    - {ports: [0]}\n", 3, 16,
	  "ignore.rules[0].ports: expected a port from 1 to 65535" },
	{ "ignore:\n  rules:\n"
	  "    - {ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, "
	  "12, 13, 14, 15, 16, 17]}\n", 3, 71,
	  "ignore.rules[0].ports: too many entries (at most 16)" },
	{ "ignore:\n  rules: [{ports: [1]}, {ports: [2]}, {ports: [3]}, "
	  "{ports: [4]}, {ports: [5]}, {ports: [6]}, {ports: [7]}, "
	  "{ports: [8]}, {ports: [9]}, {ports: [10]}, {ports: [11]}, "
	  "{ports: [12]}, {ports: [13]}, {ports: [14]}, {ports: [15]}, "
	  "{ports: [16]}, {ports: [17]}]\n", 2, 242,
	  "ignore.rules: too many rules (at most 16)" },
	/* Structure. */
	{ "capture: 5\n", 1, 10, "capture: expected a mapping, got \"5\"" },
	{ "capture: [eth0]\n", 1, 10, "capture: expected a mapping, got a list" },
	{ "events:\n  loss_reset: off\n", 2, 15,
	  "events.loss_reset: expected a mapping" },
	{ "capture:\n  snaplen: 100\n  snaplen: 200\n", 3, 3,
	  "duplicate key \"capture.snaplen\" (first at line 2)" },
	{ "capture: {}\nthresholds: {}\ncapture: {}\n", 3, 1,
	  "duplicate key \"capture\" (first at line 1)" },
	{ "events:\n  rst_rate: {}\n  rst_rate: {}\n", 3, 3,
	  "duplicate key \"events.rst_rate\"" },
	{ "- capture\n", 1, 1, "the top level must be a mapping" },
	{ "just a string\n", 1, 1, "the top level must be a mapping" },
	{ "? [a, b]\n: 1\n", 1, 3, "a key must be a name, not a list" },
	{ "capture:\n  ? {a: 1}\n  : 1\n", 2, 5,
	  "capture: a key must be a name, not a mapping" },
	{ "capture: {snaplen: 100}\n---\ncapture: {}\n", 2, 1,
	  "only one document is allowed" },
	/* What YAML has and a configuration does not need. */
	{ "capture:\n  snaplen: &s 100\n", 2, 12, "anchors (&name) are not "
	  "supported" },
	{ "capture: &c {snaplen: 100}\n", 1, 10, "anchors" },
	{ "capture:\n  snaplen: *x\n", 2, 12, "aliases (*name) are "
	  "not supported" },
	{ "capture:\n  snaplen: !!int 100\n", 2, 12, "tags (!name) are not "
	  "supported" },
	{ "capture: !local\n  snaplen: 100\n", 1, 10, "tags" },
	/* Syntax: libyaml's words, at libyaml's position. */
	{ "capture:\n  snaplen: 100\n bad: 1\n", 3, 2, "syntax error" },
	{ "capture: {snaplen: 100\n", 2, 1, "syntax error" },
	{ "capture:\n\tsnaplen: 100\n", 2, 1, "syntax error" },
	{ "capture: {snaplen: 100}}\n", 1, 24, "syntax error" },
	{ "\"a\n", 2, 1, "while scanning a quoted scalar at line 1 column 1" },
	/* The reader's errors carry an offset, turned into a position. */
	{ "capture:\n  filter: \"a\xff\"\n", 2, 13, "invalid text" },
	{ "capture:\n  filter: \"\x01\"\n", 2, 12, "invalid text" },
};

START_TEST(test_bad)
{
	const struct bad *b = &bad[_i];
	struct conf c;
	struct conf_errors e;

	ck_assert_msg(parse(b->text, &c, &e) == -1, "accepted: %s", b->text);
	ck_assert_msg(e.n == 1 && e.e[0].line == b->line &&
	    e.e[0].col == b->col && strstr(e.e[0].msg, b->msg) != NULL,
	    "text:\n%s\nwanted one error %u:%u: ...%s...\ngot:%s", b->text,
	    b->line, b->col, b->msg, dump(&e));
	ck_assert_uint_eq(e.dropped, 0);
}
END_TEST

START_TEST(test_many_errors)
{
	static const struct {
		unsigned	 line;
		unsigned	 col;
		const char	*msg;
	} want[] = {
		{ 4, 15, "capture.interfaces: expected a list" },
		{ 5, 12, "capture.snaplen: expected an integer" },
		{ 6, 3, "unknown key \"capture.promiscous\" (did you mean "
		  "\"promiscuous\"?)" },
		{ 8, 29, "thresholds.max_data_retransmissions: expected an "
		  "integer from 1 to 1000, got \"0\"" },
		{ 10, 27, "events.loss_reset.severity" },
		{ 11, 3, "unknown key \"events.no_such_kind\"" },
		{ 14, 15, "output.syslog.facility" },
		{ 16, 12, "daemon.pidfile: the path must be absolute" },
		{ 17, 1, "duplicate key \"capture\" (first at line 3)" },
	};
	struct conf c;
	struct conf_errors e;

	ck_assert_int_eq(parse_file(TEST_DIR "bad_many.yaml", &c, &e), -1);
	ck_assert_msg(e.n == sizeof(want) / sizeof(want[0]), "got:%s",
	    dump(&e));
	for (size_t i = 0; i < e.n; i++) {
		ck_assert_msg(e.e[i].line == want[i].line &&
		    e.e[i].col == want[i].col &&
		    strstr(e.e[i].msg, want[i].msg) != NULL,
		    "error %zu: wanted %u:%u: ...%s...; got:%s", i,
		    want[i].line, want[i].col, want[i].msg, dump(&e));
	}
	ck_assert_uint_eq(e.dropped, 0);
}
END_TEST

/* Errors before a syntax error are kept; parsing stops at it. */
START_TEST(test_syntax_file)
{
	struct conf c;
	struct conf_errors e;

	ck_assert_int_eq(parse_file(TEST_DIR "bad_syntax.yaml", &c, &e), -1);
	ck_assert_msg(e.n == 1 && e.e[0].line == 7 && e.e[0].col == 1 &&
	    strstr(e.e[0].msg, "syntax error") != NULL &&
	    strstr(e.e[0].msg, "quoted scalar at line 4 column 11") != NULL,
	    "got:%s", dump(&e));

	ck_assert_int_eq(parse("capture:\n  snaplen: 1\n  bogus: 2\n"
	    "  filter: \"x\n", &c, &e), -1);
	ck_assert_msg(e.n == 3 && has_error(&e, 2, 12, "capture.snaplen") &&
	    has_error(&e, 3, 3, "unknown key \"capture.bogus\"") &&
	    strstr(e.e[2].msg, "syntax error") != NULL, "got:%s", dump(&e));
}
END_TEST

START_TEST(test_error_limit)
{
	char text[4096];
	size_t o = 0;
	struct conf c;
	struct conf_errors e;

	for (int i = 0; i < CONF_MAX_ERRORS + 8; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "unknown%d: 1\n", i);
	ck_assert_uint_lt(o, sizeof(text));
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_uint_eq(e.n, CONF_MAX_ERRORS);
	ck_assert_uint_eq(e.dropped, 8);
	ck_assert_uint_eq(e.e[0].line, 1);
	ck_assert_uint_eq(e.e[CONF_MAX_ERRORS - 1].line, CONF_MAX_ERRORS);
	ck_assert_str_eq(e.e[CONF_MAX_ERRORS - 1].msg,
	    "unknown key \"unknown31\"");
}
END_TEST

/* The error list is reset by each parse, not appended to. */
START_TEST(test_errors_reset)
{
	struct conf c;
	struct conf_errors e;

	ck_assert_int_eq(parse("a: 1\nb: 2\n", &c, &e), -1);
	ck_assert_uint_eq(e.n, 2);
	ck_assert_int_eq(parse("capture: {}\n", &c, &e), 0);
	ck_assert_uint_eq(e.n, 0);
	ck_assert_uint_eq(e.dropped, 0);
}
END_TEST

START_TEST(test_error_add)
{
	struct conf_errors e;
	char big[CONF_ERR_MAX * 2];

	memset(&e, 0, sizeof(e));
	conf_error_add(&e, 3, 4, "x=%d %s", 5, "y");
	ck_assert_uint_eq(e.n, 1);
	ck_assert_uint_eq(e.e[0].line, 3);
	ck_assert_uint_eq(e.e[0].col, 4);
	ck_assert_str_eq(e.e[0].msg, "x=5 y");

	/* A message too long to keep is cut, and says so. */
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	conf_error_add(&e, 1, 1, "%s", big);
	ck_assert_uint_eq(strlen(e.e[1].msg), CONF_ERR_MAX - 1);
	ck_assert_str_eq(e.e[1].msg + CONF_ERR_MAX - 4, "...");

	for (int i = 2; i < CONF_MAX_ERRORS + 3; i++)
		conf_error_add(&e, 1, 1, "e%d", i);
	ck_assert_uint_eq(e.n, CONF_MAX_ERRORS);
	ck_assert_uint_eq(e.dropped, 3);
	ck_assert_str_eq(e.e[CONF_MAX_ERRORS - 1].msg, "e31");
}
END_TEST

/* Nothing half-loaded: on failure *out keeps every byte it had. */
START_TEST(test_failure_leaves_out)
{
	static const char *const texts[] = {
		"capture:\n  snaplen: 200\n  interfaces: [eth1]\n"
		"thresholds: {max_data_retransmissions: 0}\n",
		"capture: {snaplen: 200}\nignore: {ports: [1, 2, 3]}\n"
		"output: {json: {path: /x}}\n---\n",
		"capture: {snaplen: 200, filter: \"x",
		"capture: {snaplen: 200}\nx: *a\n",
	};
	struct conf out, copy;
	struct conf_errors e;

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		conf_defaults(&out);
		ck_assert_int_eq(parse("capture: {snaplen: 300}\n"
		    "ignore: {addresses: [10.0.0.0/8]}\n", &out, &e), 0);
		memcpy(&copy, &out, sizeof(out));
		ck_assert_int_eq(parse(texts[i], &out, &e), -1);
		ck_assert_uint_gt(e.n, 0);
		ck_assert_msg(memcmp(&out, &copy, sizeof(out)) == 0,
		    "text %zu changed *out", i);
	}
	/* Even a pattern that is no configuration at all stays. */
	memset(&out, 0xa5, sizeof(out));
	memcpy(&copy, &out, sizeof(out));
	ck_assert_int_eq(parse("capture: {snaplen: 1}", &out, &e), -1);
	ck_assert_mem_eq(&out, &copy, sizeof(out));
}
END_TEST

/* Too deep to be a configuration: refused, without recursion. */
START_TEST(test_deep_nesting)
{
	struct conf c;
	struct conf_errors e;
	size_t n = 200000;
	char *text = malloc(2 * n + 32);
	size_t o;

	ck_assert_ptr_nonnull(text);

	/* Sixteen levels are allowed (the unknown key is the only error). */
	o = (size_t)snprintf(text, 32, "x: ");
	for (int i = 0; i < 15; i++)
		text[o++] = '[';
	for (int i = 0; i < 15; i++)
		text[o++] = ']';
	text[o] = '\0';
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(e.n == 1 && has_error(&e, 1, 1, "unknown key \"x\""),
	    "%s", dump(&e));

	/* Seventeen are not: the error is at the seventeenth. */
	o = (size_t)snprintf(text, 32, "x: ");
	for (int i = 0; i < 16; i++)
		text[o++] = '[';
	for (int i = 0; i < 16; i++)
		text[o++] = ']';
	text[o] = '\0';
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(e.n == 2 && has_error(&e, 1, 19, "nesting deeper than 16"),
	    "%s", dump(&e));

	/* Under a known key the same. */
	ck_assert_int_eq(parse("capture:\n  interfaces: [[[[[[[[[[[[[[[[[]]]]]]]]"
	    "]]]]]]]]]\n", &c, &e), -1);
	ck_assert_msg(has_error(&e, 2, 29, "nesting deeper than 16"), "%s",
	    dump(&e));

	/* Far deeper, block and flow. */
	o = 0;
	for (size_t i = 0; i < n; i++)
		text[o++] = '[';
	text[o] = '\0';
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(has_error(&e, 1, 17, "nesting deeper than 16"), "%s",
	    dump(&e));
	o = 0;
	for (size_t i = 0; i < 40; i++)
		o += (size_t)snprintf(text + o, 2 * n + 32 - o, "%*sk:\n",
		    (int)i, "");
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(has_error(&e, 17, 17, "nesting deeper than 16"), "%s",
	    dump(&e));
	free(text);
}
END_TEST

/* Nested aliases would be an exponential walk; they are one event here. */
START_TEST(test_alias_bomb)
{
	static const char text[] =
	    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	    "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
	    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
	    "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
	    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
	    "f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n"
	    "g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	    "capture: {interfaces: *g}\n";
	struct conf c;
	struct conf_errors e;

	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(has_error(&e, 2, 8, "aliases (*name) are not supported"),
	    "%s", dump(&e));
	ck_assert_uint_eq(e.n, CONF_MAX_ERRORS);
	/* Every alias is counted, once: 60 of them, 7 anchors, 7 keys. */
	ck_assert_uint_eq(e.n + e.dropped, 60 + 7 + 7 + 1);
}
END_TEST

START_TEST(test_ignores)
{
	struct conf c;
	struct conf_errors e;
	struct addr in4 = util_addr("10.1.2.3"), out4 = util_addr("11.1.2.3"),
	    in6 = util_addr("2001:db8:1::5"), out6 = util_addr("2001:db9::5"),
	    mapped = util_addr("::ffff:10.9.9.9"), nomap = util_addr("::a01:203"),
	    host = util_addr("192.0.2.77"), near = util_addr("192.0.2.78");

	ck_assert_int_eq(parse("ignore:\n"
	    "  addresses: [10.0.0.0/8, \"2001:db8::/32\", 192.0.2.77]\n"
	    "  ports: [53, \"6000-6010\"]\n", &c, &e), 0);

	/* Addresses, either end, either family. */
	ck_assert(ignores(&c, &in4, &out4, 40000, 80));
	ck_assert(ignores(&c, &out4, &in4, 40000, 80));
	ck_assert(!ignores(&c, &out4, &out4, 40000, 80));
	ck_assert(ignores(&c, &out6, &in6, 40000, 80));
	ck_assert(ignores(&c, &in6, &out6, 40000, 80));
	ck_assert(!ignores(&c, &out6, &out6, 40000, 80));
	/* IPv4 in its mapped form is IPv4; the compatible form is not. */
	ck_assert(ignores(&c, &mapped, &out4, 40000, 80));
	ck_assert(!ignores(&c, &nomap, &out4, 40000, 80));
	/* A bare address is a /32. */
	ck_assert(ignores(&c, &out4, &host, 40000, 80));
	ck_assert(!ignores(&c, &out4, &near, 40000, 80));
	/* No flow (capture_drop): only ports can match. */
	ck_assert(!ignores(&c, NULL, NULL, 0, 0));

	/* Ports, either end, range ends included. */
	ck_assert(ignores(&c, &out4, &out4, 53, 40000));
	ck_assert(ignores(&c, &out4, &out4, 40000, 53));
	ck_assert(ignores(&c, &out4, &out4, 40000, 6000));
	ck_assert(ignores(&c, &out4, &out4, 6010, 40000));
	ck_assert(ignores(&c, &out4, &out4, 6005, 40000));
	ck_assert(!ignores(&c, &out4, &out4, 5999, 6011));
	ck_assert(!ignores(&c, &out4, &out4, 52, 54));

	/* Nothing configured, nothing ignored. */
	conf_defaults(&c);
	ck_assert(!ignores(&c, &in4, &in6, 53, 6000));

	/* The widest prefixes. */
	ck_assert_int_eq(parse("ignore: {addresses: [0.0.0.0/0]}", &c, &e), 0);
	ck_assert(ignores(&c, &out4, &out6, 1, 1));
	ck_assert(!ignores(&c, &out6, &in6, 1, 1));
	ck_assert_int_eq(parse("ignore: {addresses: [\"::/0\"]}", &c, &e), 0);
	ck_assert(ignores(&c, &out6, &out6, 1, 1));
	ck_assert(ignores(&c, &out4, &out4, 1, 1));
	ck_assert_int_eq(parse("ignore: {ports: [1-65535]}", &c, &e), 0);
	ck_assert(ignores(&c, &out4, &out4, 65535, 0));
	ck_assert(!ignores(&c, &out4, &out4, 0, 0));
}
END_TEST

START_TEST(test_ignore_limits)
{
	char text[2048];
	size_t o;
	struct conf c;
	struct conf_errors e;

	o = (size_t)snprintf(text, sizeof(text), "ignore:\n  ports:\n");
	for (int i = 1; i <= CONF_MAX_IGNORE; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "    - %d\n", i);
	ck_assert_int_eq(parse(text, &c, &e), 0);
	ck_assert_uint_eq(c.nignore_ports, CONF_MAX_IGNORE);
	ck_assert_uint_eq(c.ignore_ports[CONF_MAX_IGNORE - 1].hi,
	    CONF_MAX_IGNORE);

	/* One more is an error at that entry, reported once. */
	snprintf(text + o, sizeof(text) - o, "    - 1000\n    - 1001\n");
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(e.n == 1 && has_error(&e, 3 + CONF_MAX_IGNORE, 7,
	    "ignore.ports: too many entries (at most 64)"), "%s", dump(&e));

	o = (size_t)snprintf(text, sizeof(text), "ignore:\n  addresses:\n");
	for (int i = 0; i <= CONF_MAX_IGNORE; i++)
		o += (size_t)snprintf(text + o, sizeof(text) - o,
		    "    - 10.0.%d.0/24\n", i);
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(e.n == 1 && has_error(&e, 3 + CONF_MAX_IGNORE, 7,
	    "ignore.addresses: too many entries"), "%s", dump(&e));
}
END_TEST

START_TEST(test_filter_length)
{
	static char text[CONF_FILTER_MAX + 64];
	struct conf c;
	struct conf_errors e;
	size_t o;

	o = (size_t)snprintf(text, sizeof(text), "capture: {filter: \"");
	memset(text + o, 'a', CONF_FILTER_MAX - 1);
	o += CONF_FILTER_MAX - 1;
	memcpy(text + o, "\"}", 3);
	ck_assert_msg(parse(text, &c, &e) == 0, "%s", dump(&e));
	ck_assert_uint_eq(strlen(c.filter), CONF_FILTER_MAX - 1);

	memcpy(text + o, "a\"}", 4);
	ck_assert_int_eq(parse(text, &c, &e), -1);
	ck_assert_msg(e.n == 1 && has_error(&e, 1, 19, "capture.filter: too "
	    "long"), "%s", dump(&e));
	/* The value quoted back is cut short. */
	ck_assert(strstr(e.e[0].msg, "...") != NULL);
	ck_assert_uint_lt(strlen(e.e[0].msg), 120);
}
END_TEST

START_TEST(test_checks)
{
	ck_assert_ptr_null(conf_check_ifname("eth0"));
	ck_assert_ptr_null(conf_check_ifname("any"));
	ck_assert_ptr_null(conf_check_ifname("eth0.100"));
	ck_assert_ptr_null(conf_check_ifname("abcdefghijklmno"));
	ck_assert_ptr_nonnull(conf_check_ifname("abcdefghijklmnop"));
	ck_assert_ptr_nonnull(conf_check_ifname(""));
	ck_assert_ptr_nonnull(conf_check_ifname("a/b"));
	ck_assert_ptr_nonnull(conf_check_ifname("a b"));
	ck_assert_ptr_nonnull(conf_check_ifname("a\tb"));
	ck_assert_ptr_nonnull(conf_check_ifname("."));
	ck_assert_ptr_nonnull(conf_check_ifname(".."));

	ck_assert_ptr_null(conf_check_ident("rstwatchd"));
	ck_assert_ptr_nonnull(conf_check_ident(""));
	ck_assert_ptr_nonnull(conf_check_ident("a b"));
	ck_assert_ptr_nonnull(conf_check_ident("a\x7f"));
	/* 31 bytes of UTF-8 pass, whatever the characters. */
	ck_assert_ptr_null(conf_check_ident("rst\xc3\xa9watch"));
	ck_assert_ptr_null(conf_check_ident(
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"
	    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9" "a"));
	ck_assert_ptr_nonnull(conf_check_ident("a\xc2\x80"));	/* C1 */
	ck_assert_ptr_nonnull(conf_check_ident("a\xc2\x9f"));
	ck_assert_ptr_null(conf_check_ident("a\xc2\xa0x"));	/* NBSP: printable */
	for (unsigned cp = 0x202a; cp <= 0x202e; cp++) {
		char id[8] = { 'a', (char)0xe2, (char)0x80,
		    (char)(0x80 | (cp & 0x3f)), 'b', 0 };

		ck_assert_ptr_nonnull(conf_check_ident(id));
	}
	for (unsigned cp = 0x2066; cp <= 0x2069; cp++) {
		char id[8] = { 'a', (char)0xe2, (char)0x81,
		    (char)(0x80 | (cp & 0x3f)), 'b', 0 };

		ck_assert_ptr_nonnull(conf_check_ident(id));
	}
	ck_assert_ptr_nonnull(conf_check_ident("a\xff"));	/* not UTF-8 */
	ck_assert_ptr_nonnull(conf_check_ident("a\xc0\xaf" "b"));	/* overlong */
	ck_assert_ptr_nonnull(conf_check_ident("a\xed\xa0\x80"));	/* surrogate */
	ck_assert_ptr_nonnull(conf_check_ident("a\xe2\x80"));	/* cut */

	ck_assert_ptr_null(conf_check_user(""));
	ck_assert_ptr_null(conf_check_user("rstwatch"));
	ck_assert_ptr_nonnull(conf_check_user("a:b"));
	ck_assert_ptr_nonnull(conf_check_user("a/b"));
	ck_assert_ptr_nonnull(conf_check_user("a b"));

	ck_assert_ptr_null(conf_check_path("/run/rstwatchd/rstwatchd.pid"));
	ck_assert_ptr_nonnull(conf_check_path(""));
	ck_assert_ptr_nonnull(conf_check_path("run/x"));
	ck_assert_ptr_nonnull(conf_check_path("/run/"));
	ck_assert_ptr_nonnull(conf_check_path("/run/\n"));
}
END_TEST

/*
 * The smallest snapshot lengths that keep what each kind reads: taken
 * from the header sizes (Ethernet 14, cooked v2 20, IPv6 40, TCP 20,
 * ICMPv6 8 + quoted IPv6 40 + 8), accepted at exactly that size.
 */
START_TEST(test_snaplen_kinds)
{
	static const struct {
		const char	*text;
		int		 rc;
	} t[] = {
		{ "capture: {interfaces: [eth0], snaplen: 110}", 0 },
		{ "capture: {interfaces: [eth0], snaplen: 109}", -1 },
		{ "capture: {snaplen: 116}", 0 },
		{ "capture: {snaplen: 115}", -1 },
		{ "capture: {interfaces: [eth0], snaplen: 74}\n"
		  "events: {icmp_unreachable: {enabled: false}}", 0 },
		{ "capture: {snaplen: 80}\n"
		  "events: {icmp_unreachable: {enabled: false}}", 0 },
		{ "capture: {snaplen: 79}\n"
		  "events: {icmp_unreachable: {enabled: false}}", -1 },
		/* Nothing left that reads TCP or ICMP: any size will do. */
		{ "capture: {snaplen: 68}\nevents:\n"
		  "  syn_retransmit: {enabled: false}\n"
		  "  synack_retransmit: {enabled: false}\n"
		  "  syn_refused: {enabled: false}\n"
		  "  data_retransmit: {enabled: false}\n"
		  "  loss_reset: {enabled: false}\n"
		  "  app_reset: {enabled: false}\n"
		  "  rst_injected: {enabled: false}\n"
		  "  seq_anomaly: {enabled: false}\n"
		  "  icmp_unreachable: {enabled: false}\n"
		  "  rst_rate: {enabled: false}\n", 0 },
	};
	struct conf c;
	struct conf_errors e;
	char buf[CONF_ERR_MAX];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(parse(t[i].text, &c, &e) == t[i].rc,
		    "%s:%s", t[i].text, dump(&e));
	conf_defaults(&c);
	ck_assert_ptr_null(conf_check_snaplen(&c, buf, sizeof(buf)));
	/* Messages are cut, never overrun, in a small buffer. */
	c.snaplen = 68;
	ck_assert_ptr_nonnull(conf_check_snaplen(&c, buf, 10));
	ck_assert_uint_eq(strlen(buf), 9);
}
END_TEST

/* Odd bytes anywhere must give errors, not crashes: a small fuzz. */
START_TEST(test_garbage)
{
	size_t len;
	char *base = read_file(TEST_DIR "all_keys.yaml", &len);
	char *text = malloc(len + 1);
	static const char bytes[] = "\0\n\t :-[]{}&*!|>\"'#,?%@`\xff\x80";
	uint32_t x = 12345;
	struct conf c;
	struct conf_errors e;

	ck_assert_ptr_nonnull(text);
	for (int round = 0; round < 3000; round++) {
		memcpy(text, base, len + 1);
		for (int k = 0; k < 1 + round % 8; k++) {
			/* xorshift: deterministic, no rand(). */
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			text[x % len] = bytes[(x >> 16) % (sizeof(bytes) - 1)];
		}
		if (conf_parse_yaml(&c, text, (x >> 8) % (len + 1), &e) != 0)
			ck_assert_uint_gt(e.n + e.dropped, 0);
		else
			ck_assert_uint_eq(e.n, 0);
	}
	free(text);
	free(base);
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite *s = suite_create("conf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_defaults_match_file);
	tcase_add_test(tc, test_default_file_lists_every_kind);
	tcase_add_test(tc, test_defaults_spec);
	tcase_add_test(tc, test_all_keys);
	tcase_add_test(tc, test_kinds_distinct);
	tcase_add_test(tc, test_syn_auto);
	tcase_add_test(tc, test_value_forms);
	tcase_add_test(tc, test_lists_replace);
	tcase_add_test(tc, test_empty);
	tcase_add_loop_test(tc, test_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_many_errors);
	tcase_add_test(tc, test_syntax_file);
	tcase_add_test(tc, test_error_limit);
	tcase_add_test(tc, test_errors_reset);
	tcase_add_test(tc, test_error_add);
	tcase_add_test(tc, test_failure_leaves_out);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_alias_bomb);
	tcase_add_test(tc, test_ignores);
	tcase_add_test(tc, test_ignore_rules_limits);
	tcase_add_test(tc, test_ignore_limits);
	tcase_add_test(tc, test_filter_length);
	tcase_add_test(tc, test_checks);
	tcase_add_test(tc, test_snaplen_kinds);
	tcase_add_test(tc, test_garbage);
	tcase_add_test(tc, test_evidence_keys);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(conf_suite());
}
