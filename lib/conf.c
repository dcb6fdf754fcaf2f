/*
 * The configuration model: defaults, names of syslog facilities and checks
 * of single values.  Nothing here knows about YAML; the loader in
 * conf_yaml.c fills a struct conf through these rules.  What the ignore
 * lists match is decided in rules.c, the one place that applies them.
 * Reading the file, and what the command line or the host adds to it, is
 * the daemon's (daemon/config.c): this file does no I/O.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"

struct facility {
	const char	*name;
	int		 code;
};

/* The facilities syslog(3) documents, by the names syslog.conf(5) uses. */
static const struct facility facilities[] = {
	{ "auth",	LOG_AUTH },
	{ "authpriv",	LOG_AUTHPRIV },
	{ "cron",	LOG_CRON },
	{ "daemon",	LOG_DAEMON },
	{ "ftp",	LOG_FTP },
	{ "kern",	LOG_KERN },
	{ "lpr",	LOG_LPR },
	{ "mail",	LOG_MAIL },
	{ "news",	LOG_NEWS },
	{ "syslog",	LOG_SYSLOG },
	{ "user",	LOG_USER },
	{ "uucp",	LOG_UUCP },
	{ "local0",	LOG_LOCAL0 },
	{ "local1",	LOG_LOCAL1 },
	{ "local2",	LOG_LOCAL2 },
	{ "local3",	LOG_LOCAL3 },
	{ "local4",	LOG_LOCAL4 },
	{ "local5",	LOG_LOCAL5 },
	{ "local6",	LOG_LOCAL6 },
	{ "local7",	LOG_LOCAL7 },
};

static void	set_string(char *, size_t, const char *);
static bool	has_space_or_control(const char *);

/*
 * Strings are copied into zeroed buffers so that two configurations with
 * the same values are byte-for-byte equal, which the reload path and the
 * tests rely on when they compare with memcmp().
 */
static void
set_string(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	memset(dst, 0, size);
	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
}

static bool
has_space_or_control(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch <= ' ' || ch == 0x7f)
			return true;
	}
	return false;
}

void
conf_defaults(struct conf *c)
{
	/* Zero first: padding and unused slots must compare equal too. */
	memset(c, 0, sizeof(*c));

	set_string(c->interfaces[0], sizeof(c->interfaces[0]), "any");
	c->ninterfaces = 1;
	c->filter[0] = '\0';
	/*
	 * Headers only: 128 bytes hold Ethernet, a VLAN tag, IPv6 or IPv4
	 * with options and a TCP header with all its options; the analysis
	 * never needs the payload, and small captures drop less.
	 */
	c->snaplen = 128;
	c->buffer_size = 32u * 1024 * 1024;
	c->promiscuous = false;

	/* Linux sends a SYN 1 + net.ipv4.tcp_syn_retries (6) times. */
	c->max_syn_retransmissions = 3;
	c->max_synack_retransmissions = 3;
	c->max_data_retransmissions = 5;

	c->rst_rate_threshold = 100;
	c->rst_rate_window_s = 10;

	for (int k = 0; k < EV_NKINDS; k++) {
		c->kinds[k].enabled = true;
		c->kinds[k].severity = event_kind_default_severity(k);
		c->kinds[k].cooldown_s = 60;
	}

	c->nignore_addrs = 0;
	c->nignore_ports = 0;
	c->nignore_rules = 0;
	/* Silencing alerts is not forgetting traffic: records stay. */
	c->ignore_flow_records = true;

	c->max_flows = 262144;
	/* RFC 9293's MSL is 2 minutes; a handshake is long dead by 90 s. */
	c->timeout_embryonic_s = 90;
	c->timeout_established_s = 3600;
	c->timeout_closed_s = 10;
	c->timeout_udp_s = 60;

	c->syslog_enabled = true;
	c->syslog_facility = LOG_DAEMON;
	set_string(c->syslog_ident, sizeof(c->syslog_ident), "rstwatchd");
	c->json_path[0] = '\0';

	/*
	 * Off unless asked (the shipped file and the service ask): files of
	 * packets on disk are a choice for the administrator.  Headers only,
	 * as the capture.
	 */
	c->evidence_enabled = false;
	set_string(c->evidence_dir, sizeof(c->evidence_dir),
	    "/var/lib/rstwatchd/evidence");
	c->evidence_memory = 64u * 1024 * 1024;
	c->evidence_max_files = 1000;
	c->evidence_max_bytes = 1024u * 1024 * 1024;
	c->evidence_snaplen = 128;

	set_string(c->user, sizeof(c->user), "rstwatch");
	/* A directory of its own, where the unprivileged daemon may remove it. */
	set_string(c->pidfile, sizeof(c->pidfile), "/run/rstwatchd/rstwatchd.pid");
	c->stats_interval_s = 300;

	/* Off unless configured: an open port is the admin's decision. */
	c->metrics_listen[0] = '\0';
	c->metrics_top_services = 0;
}

int
conf_facility_from_name(const char *name)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (strcmp(name, facilities[i].name) == 0)
			return facilities[i].code;
	return -1;
}

const char *
conf_facility_name(int code)
{
	for (size_t i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (facilities[i].code == code)
			return facilities[i].name;
	return "unknown";
}

void
conf_error_add(struct conf_errors *errs, unsigned line, unsigned col,
    const char *fmt, ...)
{
	struct conf_error *e;
	va_list ap;
	int n;

	if (errs->n >= CONF_MAX_ERRORS) {
		errs->dropped++;
		return;
	}
	e = &errs->e[errs->n++];
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n < 0)
		set_string(e->msg, sizeof(e->msg), "(unprintable message)");
	else if ((size_t)n >= sizeof(e->msg))
		/* Say that it was cut rather than end in mid-word silently. */
		memcpy(e->msg + sizeof(e->msg) - 4, "...", 4);
}

/*
 * Linux's dev_valid_name() is the authority on interface names; these are
 * its rules, less ':' which old-style aliases use.
 */
const char *
conf_check_ifname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= CONF_IFNAME_MAX)
		return "an interface name must have 1 to 15 characters";
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return "\".\" and \"..\" are not interface names";
	if (strchr(name, '/') != NULL || has_space_or_control(name))
		return "an interface name must not contain '/', spaces "
		    "or control characters";
	return NULL;
}

/*
 * The next UTF-8 character of s (RFC 3629: shortest form, no surrogates),
 * its length in *len; -1 when s does not start with one.
 */
static long
utf8_next(const unsigned char *s, size_t *len)
{
	static const long min[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t n;
	long cp;

	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4;
	else
		return -1;
	cp = s[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return -1;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*len = n;
	return cp;
}

const char *
conf_check_ident(const char *ident)
{
	size_t n = strlen(ident), len;
	long cp;

	/* syslog(3) and the RFC 3164 TAG field count bytes, not characters. */
	if (n == 0 || n >= CONF_IDENT_MAX)
		return "the ident must have 1 to 31 bytes";
	/* Spaces would make the ident ambiguous in RFC 3164 lines. */
	if (has_space_or_control(ident))
		return "the ident must not contain spaces or control "
		    "characters";
	/*
	 * The C1 controls, and the bidirectional overrides and isolates
	 * (Unicode TR9) that would make a log viewer show the line other
	 * than it is written.
	 */
	for (const unsigned char *s = (const unsigned char *)ident; *s != '\0';
	    s += len) {
		if ((cp = utf8_next(s, &len)) == -1)
			return "the ident must be valid UTF-8";
		if ((cp >= 0x80 && cp <= 0x9f) ||
		    (cp >= 0x202a && cp <= 0x202e) ||
		    (cp >= 0x2066 && cp <= 0x2069) ||
		    cp == 0x200e || cp == 0x200f || cp == 0x061c)
			return "the ident must not contain control or "
			    "bidirectional formatting characters";
	}
	return NULL;
}

/*
 * Bytes up to the end of what the analysis reads: the link header (Linux
 * cooked v2 on "any", 20; Ethernet, 14), then for TCP an IPv6 header (40)
 * and the fixed TCP header (20); for ICMP errors an IPv6 header, the
 * ICMPv6 header (8), the quoted IPv6 header (40) and the quoted 8 bytes
 * of TCP or UDP (RFC 4443, 2.4); IPv4 needs less.  A VLAN tag adds 4.
 */
const char *
conf_check_snaplen(const struct conf *c, char *buf, size_t size)
{
	uint32_t link = 14, tcp6, icmp4, icmp6, need = 0;
	bool tcp = false, icmp = c->kinds[EV_icmp_unreachable].enabled;
	int n = 0;

	for (size_t i = 0; i < c->ninterfaces; i++)
		if (strcmp(c->interfaces[i], "any") == 0)
			link = 20;
	tcp6 = link + 40 + 20;
	icmp4 = link + 20 + 8 + 20 + 8;
	icmp6 = link + 40 + 8 + 40 + 8;
	for (int k = 0; k < EV_NKINDS; k++)
		if (k != EV_icmp_unreachable && k != EV_capture_drop &&
		    k != EV_path_loss && k != EV_path_injected &&
		    k != EV_path_altered && c->kinds[k].enabled)
			tcp = true;
	if (tcp && c->snaplen < tcp6)
		need = tcp6;
	if (icmp && c->snaplen < icmp6)
		need = icmp6;
	if (need == 0)
		return NULL;
	n = snprintf(buf, size, "%u bytes are too few for", c->snaplen);
	if (tcp && c->snaplen < tcp6 && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " the TCP kinds over "
		    "IPv6 (%u needed)%s", tcp6, icmp ? "," : "");
	if (icmp && n >= 0 && (size_t)n < size)
		n += snprintf(buf + n, size - (size_t)n, " icmp_unreachable "
		    "over IPv6 (%u)%s", icmp6, c->snaplen < icmp4 ?
		    " and IPv4" : "");
	if (n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, "%s: set at least %u, or "
		    "disable those events", link == 20 ? " on \"any\"" : "",
		    need);
	return buf;
}

/* An empty user means "stay root"; that choice is the caller's. */
const char *
conf_check_user(const char *user)
{
	if (strlen(user) >= CONF_USER_MAX)
		return "a user name must have at most 31 characters";
	/* ':' separates passwd(5) fields; '/' cannot be in a name. */
	if (has_space_or_control(user) || strchr(user, ':') != NULL ||
	    strchr(user, '/') != NULL)
		return "a user name must not contain spaces, ':', '/' "
		    "or control characters";
	return NULL;
}

/*
 * Paths are opened after a chdir("/") by a daemon: a relative one would
 * silently mean something else than the administrator thought.
 */
const char *
conf_check_path(const char *path)
{
	size_t n = strlen(path);

	if (n == 0 || path[0] != '/')
		return "the path must be absolute";
	if (n >= CONF_PATH_MAX)
		return "the path must have at most 255 characters";
	if (path[n - 1] == '/')
		return "the path must name a file, not a directory";
	for (const char *s = path; *s != '\0'; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			return "the path must not contain control characters";
	return NULL;
}

/*
 * Numeric addresses only: a name would make the start depend on the
 * resolver, and an endpoint bound to whatever a name resolves to today is
 * not what an admin reads in the file.
 */
const char *
conf_check_listen(const char *s, char *host, size_t hostlen, uint16_t *port)
{
	char addr[CONF_LISTEN_MAX];
	unsigned char bin[16];
	const char *colon, *p;
	unsigned long n = 0;
	size_t alen;
	int af = AF_INET;

	if (*s == '\0') {
		if (host != NULL && hostlen > 0)
			host[0] = '\0';
		if (port != NULL)
			*port = 0;
		return NULL;
	}
	if (strlen(s) >= CONF_LISTEN_MAX)
		return "must have at most 63 characters";
	if (s[0] == '[') {
		const char *end = strchr(s, ']');

		if (end == NULL || end[1] != ':')
			return "must be \"[IPV6-ADDRESS]:PORT\"";
		alen = (size_t)(end - s - 1);
		memcpy(addr, s + 1, alen);
		colon = end + 1;
		af = AF_INET6;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return "must be \"ADDRESS:PORT\" (an IPv6 address in brackets)";
		alen = (size_t)(colon - s);
		memcpy(addr, s, alen);
	}
	addr[alen] = '\0';
	if (alen == 0 || inet_pton(af, addr, bin) != 1)
		return af == AF_INET ? "the address must be a numeric IPv4 "
		    "address, or an IPv6 address in brackets" :
		    "the address must be a numeric IPv6 address";
	p = colon + 1;
	if (*p == '\0')
		return "the port is missing";
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return "the port must be a number";
		n = n * 10 + (unsigned long)(*p - '0');
		if (n > 65535)
			return "the port must be between 1 and 65535";
	}
	if (n == 0)
		return "the port must be between 1 and 65535";
	if (host != NULL)
		snprintf(host, hostlen, "%s", addr);
	if (port != NULL)
		*port = (uint16_t)n;
	return NULL;
}
