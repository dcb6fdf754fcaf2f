/*
 * rstwatchd: command line, configuration, and the choice between reading
 * capture files (-r) and running as the capture daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sysexits.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "capture.h"
#include "config.h"
#include "daemon.h"
#include "evidence_out.h"
#include "log.h"
#include "offline.h"
#include "pathmode.h"
#include "preflight.h"
#include "sinks.h"
#include "stats_fmt.h"

#define MAX_FILES	256
#define MAX_IFACES	CONF_MAX_INTERFACES

/* rstwatchd(8) EXIT STATUS; EX_USAGE (64) is sysexits.h's. */
#define EXIT_CONFIG	1
#define EXIT_RUNTIME	2

struct options {
	const char	*config_path;
	bool		 config_given;
	char		*files[MAX_FILES];
	int		 nfiles;
	const char	*second_file;	/* -R */
	const char	*evidence_dir;	/* -w */
	const char	*ifaces[MAX_IFACES];
	int		 nifaces;
	char		 expr[CONF_FILTER_MAX];	/* trailing BPF expression */
	bool		 json;
	bool		 foreground;
	bool		 check_only;
	int		 verbose;
};

/* What -K prints: the kind's meaning in one line (the manual says more). */
static const char *const kind_meaning[EV_NKINDS] = {
	[EV_syn_retransmit] = "SYN retransmitted with no SYN-ACK: lost in "
	    "the path or dropped at the destination",
	[EV_synack_retransmit] = "SYN-ACK retransmitted: the originator's "
	    "final ACK does not arrive",
	[EV_syn_refused] = "a RST answered the SYN: port closed or "
	    "connection refused",
	[EV_data_retransmit] = "one data segment retransmitted without being "
	    "acknowledged",
	[EV_loss_reset] = "a RST ended the connection while data was being "
	    "retransmitted: aborted after packet loss",
	[EV_app_reset] = "a RST ended an established connection with nothing "
	    "outstanding: the application aborted",
	[EV_rst_injected] = "a RST probably not sent by the peer it claims "
	    "(TTL or sequence number)",
	[EV_seq_anomaly] = "sequence or acknowledgement numbers that cannot "
	    "belong to the connection",
	[EV_icmp_unreachable] = "ICMP destination unreachable quoting a "
	    "flow's packet (no listener, or filtered)",
	[EV_capture_drop] = "the kernel or libpcap dropped packets: the "
	    "analysis of that interval is incomplete",
	[EV_rst_rate] = "RSTs involving one service above rst_rate.threshold "
	    "within rst_rate.window",
	[EV_path_loss] = "-r A -R B: packets seen at one point of the path "
	    "and never at the other",
	[EV_path_injected] = "-r A -R B: packets at the receiving point with "
	    "no counterpart at the sending point",
	[EV_path_altered] = "-r A -R B: fields changed in transit (sequence "
	    "numbers, MSS, options, DSCP/ECN, NAT, payload)",
};

static const struct option long_options[] = {
	{ "help",	no_argument,	NULL,	'h' },
	{ "version",	no_argument,	NULL,	'V' },
	{ "list-kinds",	no_argument,	NULL,	'K' },
	{ NULL,		0,		NULL,	0 }
};

static void __attribute__((noreturn))
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	fprintf(fp,
	    "usage: rstwatchd [-fhjKtVv] [-c config] [-i interface]... "
	    "[-r file]... [-R file] [-w dir] [expression]\n");
	if (status != 0) {
		fprintf(fp, "Try 'rstwatchd --help' for more.\n");
		exit(status);
	}
	fprintf(fp,
	    "  -c config     configuration file (default %s;\n"
	    "                built-in defaults when that file is missing)\n"
	    "  -f            stay in the foreground (as systemd runs it)\n"
	    "  -h, --help    this help\n"
	    "  -i interface  capture on interface instead of the configured "
	    "ones\n"
	    "                (repeatable; \"any\" for all)\n"
	    "  -j            JSON lines on standard output instead of text\n"
	    "  -K            list the event kinds, their default severity "
	    "and meaning\n"
	    "  -r file       analyse a pcap or pcapng file instead of "
	    "capturing\n"
	    "                (repeatable, read in order; - for standard "
	    "input)\n"
	    "  -R file       with one -r: the same traffic captured at "
	    "another point\n"
	    "                of the path; report what the path lost, "
	    "injected, altered\n"
	    "  -t            check the configuration and exit\n"
	    "  -w dir        with -r: write each alert's evidence pcap into "
	    "dir\n"
	    "  -V, --version print the version\n"
	    "  -v            more logging (repeatable); with -r, a summary "
	    "at the end\n"
	    "  expression    a BPF filter as tcpdump takes it, and-ed with "
	    "capture.filter\n"
	    "Exit status: 0 ok, 1 bad configuration, 2 run-time failure, "
	    "64 bad usage.\n", CONFIG_DEFAULT_PATH);
	exit(0);
}

static void __attribute__((noreturn))
list_kinds(void)
{
	for (int k = 0; k < EV_NKINDS; k++)
		printf("%-18s %-8s %s\n", event_kind_name((enum event_kind)k),
		    severity_name(event_kind_default_severity(
		    (enum event_kind)k)), kind_meaning[k]);
	exit(0);
}

static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rstwatchd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(EX_USAGE);
}

/* The words after the options, joined by spaces, as tcpdump does. */
static void
join_expression(struct options *o, int argc, char **argv)
{
	size_t len = 0;

	for (int i = optind; i < argc; i++) {
		int n = snprintf(o->expr + len, sizeof(o->expr) - len, "%s%s",
		    i > optind ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= sizeof(o->expr) - len)
			usage_error("the filter expression is longer than %d "
			    "bytes", CONF_FILTER_MAX - 1);
		len += (size_t)n;
	}
}

static void
parse_options(struct options *o, int argc, char **argv)
{
	const char *why;
	int ch;

	memset(o, 0, sizeof(*o));
	o->config_path = CONFIG_DEFAULT_PATH;
	while ((ch = getopt_long(argc, argv, "c:fhi:jKr:R:tVvw:", long_options,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			o->config_path = optarg;
			o->config_given = true;
			break;
		case 'f':
			o->foreground = true;
			break;
		case 'h':
			usage(0);
		case 'i':
			if (o->nifaces == MAX_IFACES)
				usage_error("at most %d interfaces (-i)",
				    MAX_IFACES);
			if ((why = conf_check_ifname(optarg)) != NULL)
				usage_error("-i %s: %s", optarg, why);
			o->ifaces[o->nifaces++] = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'K':
			list_kinds();
		case 'r':
			if (o->nfiles == MAX_FILES)
				usage_error("at most %d files (-r)",
				    MAX_FILES);
			o->files[o->nfiles++] = optarg;
			break;
		case 't':
			o->check_only = true;
			break;
		case 'V':
			printf("rstwatchd %s\n", RSTWATCH_VERSION);
			exit(0);
		case 'v':
			o->verbose++;
			break;
		case 'R':
			o->second_file = optarg;
			break;
		case 'w':
			o->evidence_dir = optarg;
			break;
		default:
			/* getopt has said what was wrong. */
			usage(EX_USAGE);
		}
	}
	if (o->nifaces > 0 && o->nfiles > 0)
		usage_error("-i and -r cannot be used together: -r reads "
		    "files, -i captures");
	if (o->second_file != NULL && o->nfiles != 1)
		usage_error("-R goes with exactly one -r: the two captures "
		    "of the same traffic");
	if (o->second_file != NULL && o->evidence_dir != NULL)
		usage_error("-w does not go with -R");
	if (o->evidence_dir != NULL && o->nfiles == 0)
		usage_error("-w goes with -r: live, evidence.directory says "
		    "where evidence goes");
	join_expression(o, argc, argv);
}

/* -r: what went out, by kind, for the summary. */
struct run_counts {
	struct sinks	*sinks;
	uint64_t	 kinds[EV_NKINDS];
};

static void
run_event(void *ctx, const struct event *ev)
{
	struct run_counts *rc = ctx;
	uint64_t before = rc->sinks->alerts;

	sinks_event(rc->sinks, ev);
	/* Disabled kinds and ignored flows are not incidents shown. */
	if (rc->sinks->alerts != before && ev->kind < EV_NKINDS)
		rc->kinds[ev->kind]++;
}

static void
run_flow(void *ctx, const struct flow_record *rec)
{
	struct run_counts *rc = ctx;

	sinks_flow(rc->sinks, rec);
}

/*
 * The end of -r: what was read, what was found, what was not understood.
 * On standard error, so that standard output stays the alerts alone.
 */
static void
print_summary(const struct analyzer *a, const struct run_counts *rc)
{
	const struct analyzer_stats *st = analyzer_stats(a);
	struct stats_counts sc;
	uint64_t incidents = 0;
	char line[512];

	memset(&sc, 0, sizeof(sc));
	stats_counts_from(&sc, st, analyzer_flow_stats(a));
	stats_format(&sc, STATS_LINE_SUMMARY, line, sizeof(line));
	fprintf(stderr, "rstwatchd: summary: %s\n", line);
	for (int k = 0; k < EV_NKINDS; k++) {
		if (rc->kinds[k] == 0)
			continue;
		incidents += rc->kinds[k];
		fprintf(stderr, "rstwatchd: summary: %s=%llu\n",
		    event_kind_name((enum event_kind)k),
		    (unsigned long long)rc->kinds[k]);
	}
	for (int r = 1; r < DECODE_NRESULTS; r++) {
		if (st->decode[r] == 0)
			continue;
		stats_format_decode((enum decode_result)r, st->decode[r],
		    line, sizeof(line));
		fprintf(stderr, "rstwatchd: summary: not understood: %s\n",
		    line);
	}
	if (incidents == 0)
		fprintf(stderr, "rstwatchd: summary: no incident found\n");
	else
		fprintf(stderr, "rstwatchd: summary: %llu incidents\n",
		    (unsigned long long)incidents);
	if (sc.skipped == 0)
		fprintf(stderr, "rstwatchd: summary: every packet decoded\n");
}

/*
 * Without the summary, traffic in an encapsulation we do not follow
 * (link types are said per file by offline.c) still gets one line: it
 * went unwatched, and nothing else would say so.  Damage (truncated,
 * malformed) is not meant: that is the capture's, not ours.
 */
static void
warn_undecoded(const struct analyzer *a)
{
	static const enum decode_result unsupported[] = {
		DECODE_tunnel, DECODE_tunnel_too_deep, DECODE_encap_too_deep,
		DECODE_vlan_too_deep, DECODE_mpls_too_deep,
		DECODE_gre_bad_version, DECODE_erspan_bad_version
	};
	const struct analyzer_stats *st = analyzer_stats(a);
	char list[256];
	uint64_t n = 0;
	size_t len = 0;
	int w;

	list[0] = '\0';
	for (size_t i = 0; i < sizeof(unsupported) / sizeof(unsupported[0]);
	    i++) {
		uint64_t c = st->decode[unsupported[i]];

		if (c == 0)
			continue;
		n += c;
		w = snprintf(list + len, sizeof(list) - len, "%s%s=%llu",
		    len ? " " : "", decode_result_name(unsupported[i]),
		    (unsigned long long)c);
		if (w > 0 && (size_t)w < sizeof(list) - len)
			len += (size_t)w;
	}
	if (n > 0)
		log_warnx("%llu packets in encapsulations not decoded were "
		    "counted and skipped (%s); -v says more",
		    (unsigned long long)n, list);
}

static void
print_stats(const struct analyzer *a, const struct sinks *s)
{
	const struct analyzer_stats *st = analyzer_stats(a);
	struct stats_counts sc;
	char line[512];

	memset(&sc, 0, sizeof(sc));
	stats_counts_from(&sc, st, analyzer_flow_stats(a));
	sc.alerts = sinks_delivered(s);
	sc.withheld = s->filtered;
	stats_format(&sc, STATS_LINE_FILES, line, sizeof(line));
	log_info("%s", line);
	for (int r = 1; r < DECODE_NRESULTS; r++)
		if (st->decode[r] > 0) {
			stats_format_decode((enum decode_result)r,
			    st->decode[r], line, sizeof(line));
			log_info("decode %s", line);
		}
}

/* -w: what was written; what was not is always said. */
static void
evidence_summary(const struct evidence_out *eo, bool verbose)
{
	const struct evidence_out_stats *st = &eo->stats;

	if (verbose)
		log_info("evidence: %llu files, %llu bytes in %s",
		    (unsigned long long)st->written,
		    (unsigned long long)st->bytes, eo->dir);
	if (st->skipped > 0)
		log_warnx("evidence: %llu files not written: beyond "
		    "evidence.max_files or evidence.max_bytes",
		    (unsigned long long)st->skipped);
	if (st->failed > 0)
		log_warnx("evidence: %llu files could not be written",
		    (unsigned long long)st->failed);
	if (st->other_link > 0)
		log_warnx("evidence: %llu packets left out: another link type "
		    "than their file's", (unsigned long long)st->other_link);
}

static int
run_files(const struct options *o, const struct conf *c)
{
	struct analyzer_params params;
	struct analyzer_sink sink;
	struct run_counts counts;
	struct sinks sinks;
	struct evidence_out eo;
	struct analyzer *a;
	unsigned syn_retries = 0;
	int rc;

	if (c->max_syn_retransmissions == CONF_SYN_RETRIES_AUTO)
		syn_retries = config_syn_retries();
	analyzer_params_from_conf(&params, c, syn_retries);
	/*
	 * Standard output only: a capture file's old incidents must never
	 * look like live ones in syslog or the JSON file.
	 */
	if (sinks_open(&sinks, c, NULL, true, o->json) == -1)
		return EXIT_RUNTIME;
	memset(&counts, 0, sizeof(counts));
	counts.sinks = &sinks;
	sink.event = run_event;
	sink.flow = run_flow;
	sink.ctx = &counts;
	if ((a = analyzer_new(c->max_flows, daemon_hash_seed(), &params, &sink)) == NULL) {
		log_errx("cannot allocate %u flows", c->max_flows);
		sinks_close(&sinks);
		return EXIT_RUNTIME;
	}
	memset(&eo, 0, sizeof(eo));
	if (o->evidence_dir != NULL) {
		if (evidence_out_open(&eo, c, a, NULL, o->evidence_dir) == -1) {
			analyzer_free(a);
			sinks_close(&sinks);
			return EXIT_RUNTIME;
		}
		sinks.evidence = evidence_out_event;
		sinks.evidence_ctx = &eo;
	}
	rc = offline_run(a, eo.store, o->files, o->nfiles, c->filter);
	evidence_out_close(&eo);
	if (o->evidence_dir != NULL)
		evidence_summary(&eo, o->verbose > 0);
	if (o->verbose > 0)
		print_stats(a, &sinks);
	sinks_close(&sinks);
	if (o->verbose > 0 || isatty(STDERR_FILENO))
		print_summary(a, &counts);
	else
		warn_undecoded(a);
	analyzer_free(a);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("standard output");
		return EXIT_RUNTIME;
	}
	return rc;
}

/*
 * Descriptors a careless parent left open (a socket, a log file) would
 * stay open for the daemon's whole life, and after the privilege drop.
 */
static void
close_inherited(void)
{
	if (syscall(SYS_close_range, 3U, ~0U, 0U) == 0)
		return;
	for (int fd = 3; fd < 1024; fd++)
		(void)close(fd);
}

int
main(int argc, char **argv)
{
	char why[PCAP_ERRBUF_SIZE + CONF_FILTER_MAX + 128];
	struct options o;
	sigset_t sigs;
	struct conf *c;
	bool defaults;

	/*
	 * Until the event loop watches them, these signals wait: a reload or
	 * a stop in the first instant (while large capture buffers are being
	 * set up) is then handled, not fatal.
	 */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGHUP);
	sigaddset(&sigs, SIGUSR1);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	close_inherited();

	parse_options(&o, argc, argv);
	log_init(o.verbose);
	/* Only the daemon waits for its loop; -t, like -r, stops on ^C. */
	if (o.check_only)
		sigprocmask(SIG_UNBLOCK, &sigs, NULL);

	if ((c = malloc(sizeof(*c))) == NULL)
		fatal(EXIT_RUNTIME, "malloc");
	if (config_load(o.config_path, !o.config_given, c, &defaults) == -1)
		exit(EXIT_CONFIG);
	if (o.expr[0] != '\0' &&
	    preflight_filter_alone(o.expr, why, sizeof(why)) == -1) {
		fprintf(stderr, "rstwatchd: expression \"%s\": %s\n", o.expr,
		    why);
		exit(EX_USAGE);
	}
	config_set_interfaces(c, o.ifaces, o.nifaces);
	if (o.check_only) {
		int problems;

		if (defaults)
			fprintf(stderr, "rstwatchd: %s does not exist: the "
			    "built-in defaults would apply\n", o.config_path);
		problems = preflight(c, o.config_path, o.expr);
		if (problems == 0)
			fprintf(stderr, "%s: configuration OK\n", defaults ?
			    "built-in defaults" : o.config_path);
		free(c);
		return problems == 0 ? 0 : EXIT_CONFIG;
	}
	if (preflight_filter_alone(c->filter, why, sizeof(why)) == -1) {
		fprintf(stderr, "%s: capture.filter \"%s\": %s (it must be a "
		    "whole expression on its own)\n", o.config_path, c->filter,
		    why);
		exit(EXIT_CONFIG);
	}
	if (config_add_expression(c, o.expr, why, sizeof(why)) == -1) {
		fprintf(stderr, "rstwatchd: %s\n", why);
		exit(EX_USAGE);
	}

	if (o.nfiles > 0) {
		int rc;

		/* A file is read as any program reads: ^C stops it. */
		sigprocmask(SIG_UNBLOCK, &sigs, NULL);
		if (o.second_file != NULL)
			rc = pathmode_run(c, o.files[0], o.second_file, o.json,
			    o.verbose);
		else
			rc = run_files(&o, c);
		free(c);
		return rc;
	}
	/* Found now, it fails the start before anything is opened. */
	if (geteuid() == 0 && c->user[0] != '\0' && getpwnam(c->user) == NULL) {
		fprintf(stderr, "%s: daemon.user: user \"%s\" does not exist: "
		    "create it (useradd --system %s) or name another\n",
		    o.config_path, c->user, c->user);
		exit(EXIT_CONFIG);
	}
	{
		struct daemon_options d;

		memset(&d, 0, sizeof(d));
		d.config_path = o.config_path;
		d.config_given = o.config_given;
		d.config_defaults = defaults;
		d.expr = o.expr;
		for (int i = 0; i < o.nifaces; i++)
			d.ifaces[i] = o.ifaces[i];
		d.nifaces = o.nifaces;
		d.json = o.json;
		d.foreground = o.foreground;
		/* c belongs to the daemon from here: reloads replace it. */
		return daemon_run(&d, c);
	}
}
