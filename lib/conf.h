/*
 * The configuration model (rstwatch.yaml(5)): defaults, validation and the
 * values the rest of the program reads.  The YAML syntax lives apart, in
 * conf_yaml.c; a struct conf is either complete and valid or not handed out.
 */
#ifndef RSTWATCH_CONF_H
#define RSTWATCH_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "event.h"

#define CONF_MAX_INTERFACES	16
#define CONF_IFNAME_MAX		16	/* IFNAMSIZ */
#define CONF_FILTER_MAX		1024
#define CONF_PATH_MAX		256
#define CONF_IDENT_MAX		32
#define CONF_USER_MAX		32
#define CONF_MAX_IGNORE		64
#define CONF_MAX_IGNORE_RULES	16
#define CONF_MAX_RULE_ITEMS	16	/* addresses or ports of one rule */
#define CONF_LISTEN_MAX		64	/* "[v6 address]:port" */
#define CONF_TOP_SERVICES_MAX	100	/* metrics.top_services */

/* thresholds.max_syn_retransmissions: auto */
#define CONF_SYN_RETRIES_AUTO	0

struct conf_kind {
	bool		enabled;
	enum severity	severity;
	uint32_t	cooldown_s;	/* 0 = every alert goes out */
};

struct conf_port_range {
	uint16_t	lo;
	uint16_t	hi;
};

/*
 * ignore.rules: one entry.  A flow matches when each list given has an
 * entry that matches it (an address at either end, a port at either end);
 * at least one of the two lists is given.  The entry silences the kinds
 * in its mask; all_kinds when the entry names none, which is what makes
 * it apply to flow records too (ignore.flow_records).
 */
struct conf_ignore_rule {
	struct addr_prefix addrs[CONF_MAX_RULE_ITEMS];
	size_t		naddrs;
	struct conf_port_range ports[CONF_MAX_RULE_ITEMS];
	size_t		nports;
	uint32_t	kinds;		/* 1 << enum event_kind, per kind */
	bool		all_kinds;
};

struct conf {
	/* capture */
	char		interfaces[CONF_MAX_INTERFACES][CONF_IFNAME_MAX];
	size_t		ninterfaces;
	char		filter[CONF_FILTER_MAX];	/* extra BPF, "" = none */
	uint32_t	snaplen;
	uint32_t	buffer_size;			/* bytes */
	bool		promiscuous;

	/* thresholds; max_syn_retransmissions may be CONF_SYN_RETRIES_AUTO */
	uint32_t	max_syn_retransmissions;
	uint32_t	max_synack_retransmissions;
	uint32_t	max_data_retransmissions;

	/* rst_rate */
	uint32_t	rst_rate_threshold;
	uint32_t	rst_rate_window_s;

	/* events.<kind> */
	struct conf_kind kinds[EV_NKINDS];

	/* ignore */
	struct addr_prefix ignore_addrs[CONF_MAX_IGNORE];
	size_t		nignore_addrs;
	struct conf_port_range ignore_ports[CONF_MAX_IGNORE];
	size_t		nignore_ports;
	struct conf_ignore_rule ignore_rules[CONF_MAX_IGNORE_RULES];
	size_t		nignore_rules;
	bool		ignore_flow_records;	/* ignored flows get records */

	/* flows */
	uint32_t	max_flows;
	uint32_t	timeout_embryonic_s;	/* handshake not complete */
	uint32_t	timeout_established_s;
	uint32_t	timeout_closed_s;	/* after FINs or a RST */
	uint32_t	timeout_udp_s;

	/* output */
	bool		syslog_enabled;
	int		syslog_facility;	/* LOG_DAEMON etc., as a number */
	char		syslog_ident[CONF_IDENT_MAX];
	char		json_path[CONF_PATH_MAX];	/* "" = none */

	/* evidence: the packets behind each alert, as pcap files */
	bool		evidence_enabled;
	char		evidence_dir[CONF_PATH_MAX];
	uint32_t	evidence_memory;		/* bytes */
	uint32_t	evidence_max_files;
	uint32_t	evidence_max_bytes;
	uint32_t	evidence_snaplen;

	/* daemon */
	char		user[CONF_USER_MAX];
	char		pidfile[CONF_PATH_MAX];
	uint32_t	stats_interval_s;

	/* metrics: the Prometheus endpoint */
	char		metrics_listen[CONF_LISTEN_MAX];	/* "" = off */
	uint32_t	metrics_top_services;	/* 0 = no per-service series */
};

/* One error: "file:line:col: message", kept in order of discovery. */
#define CONF_ERR_MAX	256
struct conf_error {
	unsigned	line;
	unsigned	col;
	char		msg[CONF_ERR_MAX];
};

#define CONF_MAX_ERRORS	32
struct conf_errors {
	struct conf_error e[CONF_MAX_ERRORS];
	size_t		n;
	size_t		dropped;	/* errors beyond CONF_MAX_ERRORS */
};

void	conf_defaults(struct conf *);
/* Syslog facility by name ("daemon", "local0" ...); -1 if unknown. */
int	conf_facility_from_name(const char *);
const char *conf_facility_name(int);
/* Add an error; printf-like message. */
void	conf_error_add(struct conf_errors *, unsigned line, unsigned col,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Checks of single string values, shared by the YAML loader and the command
 * line (-i): NULL when the value is acceptable, else a phrase saying why not.
 */
const char *conf_check_ifname(const char *);
const char *conf_check_ident(const char *);
const char *conf_check_user(const char *);
const char *conf_check_path(const char *);
/*
 * capture.snaplen against the enabled kinds: NULL when every packet they
 * need is kept whole enough, else the kinds lost and the size needed, in
 * buf.
 */
const char *conf_check_snaplen(const struct conf *, char *buf, size_t);
/*
 * metrics.listen: "ADDRESS:PORT", "[IPV6]:PORT" or "" (off).  With host
 * non-NULL, the address (brackets removed) and the port are stored.
 */
const char *conf_check_listen(const char *, char *host, size_t hostlen,
	    uint16_t *port);

/*
 * Parse YAML text into *out.  On success returns 0 and *out is a complete
 * configuration (defaults for what the text leaves out).  On failure
 * returns -1, fills errs and leaves *out untouched.
 */
int	conf_parse_yaml(struct conf *out, const char *text, size_t len,
	    struct conf_errors *errs);

#endif
