/*
 * The capture daemon: captures in one libevent loop, timers for expiry,
 * cooldowns and capture statistics, signals for reload, log reopening and
 * stop; privileges given up once the captures are open.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/time.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "capture.h"
#include "config.h"
#include "cooldown.h"
#include "daemon.h"
#include "evidence_out.h"
#include "local.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "pidfile.h"
#include "preflight.h"
#include "privdrop.h"
#include "sinks.h"
#include "stats_fmt.h"
#include "syslog_sock.h"
#include "tally.h"
#include "timeunit.h"

/* Distinct (kind, service) pairs in cooldown at once. */
#define COOLDOWN_SLOTS	4096
#define TICK_US		250000	/* expiry, cooldowns, capture statistics */
/*
 * The analysis clock follows the packets' own times; the tick moves it
 * only while no packet comes, and only to this far behind the wall
 * clock: the capture hands packets over up to its 100 ms block timeout
 * late, and a clock already past them would stamp their alerts late and
 * squeeze the gaps between them (round trip, re-send delays) to zero.
 */
#define TICK_CLOCK_LAG_US	500000
/* How often `systemctl status` gets a new STATUS= line. */
#define STATUS_US	2000000
/* At stop, how long each output may take to empty its queue. */
#define STOP_DRAIN_MS	250

struct daemon {
	struct event_base *base;
	const struct daemon_options *opt;
	struct conf	*conf;
	unsigned	 syn_retries;	/* for thresholds ... : auto */
	struct analyzer	*analyzer;
	struct sinks	 sinks;
	struct evidence_out evidence;	/* store NULL: evidence off */
	struct cooldown	*cooldown;
	struct capture	 caps[CONF_MAX_INTERFACES];
	size_t		 ncaps;
	struct event	*signals[4];
	struct event	*tick;
	uint64_t	 next_stats_us;
	uint64_t	 next_status_us;
	bool		 capture_loss;
	bool		 conf_defaults;	/* running on the built-in defaults */
	struct pidfile	 pidfile;	/* fd -1 with -f */
	struct tally	 tally;		/* for metrics.listen */
	struct metrics_server *metrics;	/* NULL: metrics.listen is off */
	uint64_t	 start_us;
};

static uint64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return usec_from_timespec(&ts);
}

/*
 * The flow table's hash seed, for live capture and -r alike: a table whose
 * buckets an outsider could predict could be flooded into one chain.
 */
uint64_t
daemon_hash_seed(void)
{
	uint64_t seed;

	if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) != sizeof(seed)) {
		struct timespec ts;

		/* Early boot without entropy: weaker, still not guessable from outside. */
		clock_gettime(CLOCK_MONOTONIC, &ts);
		seed = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^
		    (uint64_t)getpid() << 32 ^ (uint64_t)ts.tv_sec;
	}
	return seed;
}

/* Alerts from the analyser: what only the host knows is added here. */
static void
daemon_event(void *ctx, const struct event *orig)
{
	struct daemon *d = ctx;
	struct event ev = *orig;

	if (ev.kind == EV_syn_retransmit)
		ev.listening = local_listening(&ev.dst, ev.dport);
	sinks_event(&d->sinks, &ev);
}

static void
daemon_flow(void *ctx, const struct flow_record *rec)
{
	struct daemon *d = ctx;

	sinks_flow(&d->sinks, rec);
}

static void
daemon_params(struct daemon *d, const struct conf *c, struct analyzer_params *p)
{
	if (c->max_syn_retransmissions == CONF_SYN_RETRIES_AUTO && d->syn_retries == 0)
		d->syn_retries = config_syn_retries();
	analyzer_params_from_conf(p, c, d->syn_retries);
}

/* The counts of the statistics lines, over every capture. */
static void
daemon_counts(struct daemon *d, struct stats_counts *sc)
{
	uint64_t now = now_us();

	memset(sc, 0, sizeof(*sc));
	stats_counts_from(sc, analyzer_stats(d->analyzer),
	    analyzer_flow_stats(d->analyzer));
	for (size_t i = 0; i < d->ncaps; i++) {
		const struct capture *c = &d->caps[i];

		sc->received += c->received;
		sc->dropped += c->dropped;
		sc->reopened += c->reopened;
		sc->filtered += c->filtered;
		/* Time without a capture, the current wait included. */
		sc->blind_us += c->blind_us;
		if (c->pcap == NULL && c->waiting_since_us != 0 &&
		    now > c->waiting_since_us)
			sc->blind_us += now - c->waiting_since_us;
	}
	sc->alerts = sinks_delivered(&d->sinks);
	sc->suppressed = cooldown_stats(d->cooldown)->suppressed;
}

static void
log_stats(struct daemon *d, const char *when)
{
	struct stats_counts sc;
	char line[512], losses[160], evidence[160];

	daemon_counts(d, &sc);
	stats_format(&sc, STATS_LINE_LIVE, line, sizeof(line));
	sinks_losses(&d->sinks, losses, sizeof(losses));
	evidence_out_losses(&d->evidence, evidence, sizeof(evidence));
	log_info("%s: %s%s%s", when, line, losses, evidence);
}

/*
 * One line for `systemctl status` (sd_notify STATUS=): enough to see at a
 * glance that packets arrive and whether anything is lost.
 */
static void
notify_status(struct daemon *d)
{
	struct stats_counts sc;
	char line[256], buf[300];

	daemon_counts(d, &sc);
	stats_format(&sc, STATS_LINE_STATUS, line, sizeof(line));
	snprintf(buf, sizeof(buf), "STATUS=%s", line);
	notify_send(buf);
}

/* pcap_stats: drops since the last look become a capture_drop alert. */
static void
daemon_capture_stats(struct daemon *d, uint64_t now)
{
	bool loss = false;

	for (size_t i = 0; i < d->ncaps; i++) {
		struct capture *c = &d->caps[i];
		uint64_t drops, received;
		struct event ev;

		if (capture_poll_stats(c, &drops, &received) == -1 || drops == 0)
			continue;
		loss = true;
		memset(&ev, 0, sizeof(ev));
		ev.kind = EV_capture_drop;
		ev.severity = event_kind_default_severity(EV_capture_drop);
		ev.ts_us = now;
		ev.count = drops > UINT32_MAX ? UINT32_MAX : (uint32_t)drops;
		ev.received = received;
		ev.iface = c->name;
		sinks_event(&d->sinks, &ev);
	}
	if (loss != d->capture_loss) {
		d->capture_loss = loss;
		analyzer_set_capture_loss(d->analyzer, loss);
	}
}

static void
daemon_tick(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;
	uint64_t now = now_us();

	(void)fd;
	(void)what;
	/* Interfaces gone or back: close or reopen their captures. */
	for (size_t i = 0; i < d->ncaps; i++)
		capture_tend(&d->caps[i], d->conf, now);
	if (now > TICK_CLOCK_LAG_US)
		analyzer_tick(d->analyzer, now - TICK_CLOCK_LAG_US);
	cooldown_expire(d->cooldown, now, sinks_summary, &d->sinks);
	daemon_capture_stats(d, now);
	if (d->conf->stats_interval_s > 0 && now >= d->next_stats_us) {
		if (d->next_stats_us != 0)
			log_stats(d, "statistics");
		d->next_stats_us = now +
		    usec_from_sec(d->conf->stats_interval_s);
	}
	if (now >= d->next_status_us) {
		notify_status(d);
		d->next_status_us = now + STATUS_US;
	}
}

/* The /metrics text: what the modules count, read at request time. */
static int
daemon_metrics(void *arg, const struct metrics_http *http, char *buf,
    size_t size)
{
	struct daemon *d = arg;
	struct metrics_iface ifs[CONF_MAX_INTERFACES];
	struct metrics_output outs[3];
	struct metrics_view v;
	size_t n = 0;

	memset(&v, 0, sizeof(v));
	v.version = RSTWATCH_VERSION;
	v.start_us = d->start_us;
	v.m = &d->tally;
	for (int k = 0; k < EV_NKINDS; k++)
		v.severity[k] = d->conf->kinds[k].severity;
	v.filtered = d->sinks.filtered;
	v.an = analyzer_stats(d->analyzer);
	v.flows = analyzer_flow_stats(d->analyzer);
	v.max_flows = d->conf->max_flows;
	for (size_t i = 0; i < d->ncaps; i++) {
		ifs[i].name = d->caps[i].name;
		ifs[i].up = d->caps[i].pcap != NULL;
		ifs[i].received = d->caps[i].received;
		ifs[i].dropped = d->caps[i].dropped;
	}
	v.ifaces = ifs;
	v.nifaces = d->ncaps;
	if (d->sinks.syslog != NULL && d->conf->syslog_enabled)
		outs[n++] = (struct metrics_output){ "syslog",
		    d->sinks.syslog->q.lost.alerts };
	if (d->sinks.json.on)
		outs[n++] = (struct metrics_output){ "json",
		    d->sinks.json.q.lost.alerts };
	if (d->sinks.out.on)
		outs[n++] = (struct metrics_output){ "stdout",
		    d->sinks.out.q.lost.alerts };
	v.outputs = outs;
	v.noutputs = n;
	v.http = *http;
	return metrics_format(&v, buf, size);
}

/*
 * What only a restart changes: the captures, the table, the identity, the
 * evidence store.  One list for the test, the copy back and the warning.
 */
#define RESTART_SCALARS(X)						\
	X(snaplen) X(buffer_size) X(promiscuous) X(max_flows)		\
	X(evidence_enabled) X(evidence_memory) X(evidence_max_files)	\
	X(evidence_max_bytes) X(evidence_snaplen)
#define RESTART_STRINGS(X)						\
	X(user) X(pidfile) X(evidence_dir)
#define RESTART_KEYS	"capture.interfaces, snaplen, buffer_size, "	\
	"promiscuous, flows.max_flows, evidence, daemon.user and "	\
	"daemon.pidfile"

static bool
restart_settings_differ(const struct conf *a, const struct conf *b)
{
#define DIFFER_SCALAR(f)	a->f != b->f ||
#define DIFFER_STRING(f)	strcmp(a->f, b->f) != 0 ||
	if (a->ninterfaces != b->ninterfaces ||
	    RESTART_SCALARS(DIFFER_SCALAR) RESTART_STRINGS(DIFFER_STRING)
	    false)
		return true;
#undef DIFFER_SCALAR
#undef DIFFER_STRING
	for (size_t i = 0; i < a->ninterfaces; i++)
		if (strcmp(a->interfaces[i], b->interfaces[i]) != 0)
			return true;
	return false;
}

/* The running values stay what runs, until the restart. */
static void
restart_settings_keep(struct conf *c, const struct conf *old)
{
#define KEEP_SCALAR(f)	c->f = old->f;
#define KEEP_STRING(f)	memcpy(c->f, old->f, sizeof(c->f));
	memcpy(c->interfaces, old->interfaces, sizeof(c->interfaces));
	c->ninterfaces = old->ninterfaces;
	RESTART_SCALARS(KEEP_SCALAR)
	RESTART_STRINGS(KEEP_STRING)
#undef KEEP_SCALAR
#undef KEEP_STRING
}

/*
 * Build every piece of the new configuration first (filters compiled,
 * files opened); only when all of it worked is anything switched over.
 */
static int
daemon_reload(struct daemon *d)
{
	struct analyzer_params params;
	struct bpf_program progs[CONF_MAX_INTERFACES];
	char filter[CONF_MAX_INTERFACES][sizeof(((struct capture *)0)->filter)];
	char err[PCAP_ERRBUF_SIZE + CONF_FILTER_MAX + 64];
	uint64_t t0 = now_us();
	struct conf *c, *old = d->conf;
	struct metrics_server *metrics = d->metrics;
	size_t compiled = 0;
	bool defaults;

	if ((c = malloc(sizeof(*c))) == NULL) {
		log_errx("reload failed: out of memory; keeping the running "
		    "configuration");
		return -1;
	}
	/*
	 * Without -c the defaults stand in for a file only if there was
	 * none at start either: a file that vanished is an error, not a
	 * silent switch to other settings.
	 */
	if (config_load(d->opt->config_path, !d->opt->config_given &&
	    d->conf_defaults, c, &defaults) == -1) {
		log_errx("reload of %s failed; keeping the running configuration",
		    d->opt->config_path);
		free(c);
		return -1;
	}
	if (preflight_filter_alone(c->filter, err, sizeof(err)) == -1 ||
	    config_add_expression(c, d->opt->expr, err, sizeof(err)) == -1) {
		log_errx("%s: capture.filter: %s; keeping the running "
		    "configuration", d->opt->config_path, err);
		free(c);
		return -1;
	}
	/* What -i said still holds: it is not in the file. */
	config_set_interfaces(c, d->opt->ifaces, d->opt->nifaces);
	for (; compiled < d->ncaps; compiled++) {
		struct capture *cap = &d->caps[compiled];
		pcap_t *p = cap->pcap;

		/*
		 * A capture waiting for its interface is checked as it would
		 * be opened; it compiles its filter again when it opens.
		 */
		if (p == NULL && (p = pcap_open_dead(strcmp(cap->name, "any") == 0 ?
		    DLT_LINUX_SLL2 : DLT_EN10MB, (int)c->snaplen)) == NULL) {
			log_errx("reload failed: cannot check capture.filter; "
			    "keeping the running configuration");
			goto fail;
		}
		capture_filter(filter[compiled], sizeof(filter[compiled]),
		    c->filter, pcap_datalink(p));
		if (pcap_compile(p, &progs[compiled], filter[compiled], 1,
		    PCAP_NETMASK_UNKNOWN) == -1) {
			log_errx("%s: capture.filter: %s; keeping the running "
			    "configuration", d->opt->config_path, pcap_geterr(p));
			if (p != cap->pcap)
				pcap_close(p);
			goto fail;
		}
		if (p != cap->pcap)
			pcap_close(p);
	}
	/* A new metrics.listen is bound before anything switches. */
	if (strcmp(old->metrics_listen, c->metrics_listen) != 0) {
		metrics = NULL;
		if (c->metrics_listen[0] != '\0' && (metrics = metrics_open(d->base,
		    c->metrics_listen, daemon_metrics, d)) == NULL) {
			log_errx("%s: metrics.listen: cannot listen on %s; keeping "
			    "the running configuration", d->opt->config_path,
			    c->metrics_listen);
			goto fail;
		}
	}
	if (sinks_reconfigure(&d->sinks, c) == -1) {
		log_errx("%s: output.json.path: cannot open %s; keeping the "
		    "running configuration", d->opt->config_path, c->json_path);
		if (metrics != d->metrics)
			metrics_close(metrics);
		goto fail;
	}

	/* From here on nothing fails: switch. */
	for (size_t i = 0; i < d->ncaps; i++) {
		if (d->caps[i].pcap != NULL &&
		    strcmp(filter[i], d->caps[i].filter) != 0 &&
		    capture_setfilter(&d->caps[i], &progs[i], filter[i], err,
		    sizeof(err)) == -1)
			log_warnx("%s; the previous filter stays", err);
		pcap_freecode(&progs[i]);
	}
	if (restart_settings_differ(old, c)) {
		log_warnx(RESTART_KEYS " take effect at the next restart");
		restart_settings_keep(c, old);
	}
	/* The ident is copied: c may be freed by the next reload. */
	if (strcmp(old->syslog_ident, c->syslog_ident) != 0 ||
	    old->syslog_facility != c->syslog_facility)
		log_to_syslog(c->syslog_ident, c->syslog_facility,
		    d->opt->foreground);
	d->syn_retries = 0;
	daemon_params(d, c, &params);
	analyzer_set_params(d->analyzer, &params);
	if (metrics != d->metrics) {
		metrics_close(d->metrics);
		d->metrics = metrics;
	}
	tally_set_top(&d->tally, c->metrics_top_services);
	d->conf = c;
	d->conf_defaults = defaults;
	free(old);
	if (defaults)
		log_info("configuration reloaded: built-in defaults (%s does "
		    "not exist) (%.1f ms)", d->opt->config_path,
		    (double)(now_us() - t0) / USEC_PER_MSEC);
	else
		log_info("configuration reloaded from %s (%.1f ms)",
		    d->opt->config_path, (double)(now_us() - t0) / USEC_PER_MSEC);
	return 0;
fail:
	for (size_t i = 0; i < compiled; i++)
		pcap_freecode(&progs[i]);
	free(c);
	return -1;
}

static void
daemon_signal(evutil_socket_t sig, short what, void *arg)
{
	struct daemon *d = arg;

	(void)what;
	switch (sig) {
	case SIGHUP:
		notify_send("RELOADING=1");
		tally_reload(&d->tally, daemon_reload(d) == 0, now_us());
		notify_send("READY=1");
		break;
	case SIGUSR1:
		if (sinks_reopen(&d->sinks) == 0)
			log_info("reopened %s", d->sinks.json_path[0] ?
			    d->sinks.json_path : "outputs");
		break;
	default:
		log_info("received signal %d, stopping", (int)sig);
		event_base_loopbreak(d->base);
		break;
	}
}

static int
daemon_open_captures(struct daemon *d)
{
	char err[PCAP_ERRBUF_SIZE + 256];

	for (size_t i = 0; i < d->conf->ninterfaces; i++) {
		struct capture *c = &d->caps[i];

		switch (capture_open(c, d->conf->interfaces[i], d->conf, err,
		    sizeof(err))) {
		case -1:
			log_errx("cannot capture: %s", err);
			return -1;
		case 1:
			/*
			 * Not there yet (boot) or down: a service waits for
			 * it; the loop's timer opens it when it comes.
			 */
			log_warnx("%s", err);
			snprintf(c->why, sizeof(c->why), "%s", err);
			break;
		}
		d->ncaps++;
	}
	return 0;
}

int
daemon_run(const struct daemon_options *opt, struct conf *conf)
{
	static const int sigs[] = { SIGHUP, SIGTERM, SIGINT, SIGUSR1 };
	struct analyzer_params params;
	struct analyzer_sink sink;
	struct daemon d;
	struct timeval tv = { 0, TICK_US };
	uint64_t drain_until;
	int rc = 2;

	memset(&d, 0, sizeof(d));
	d.opt = opt;
	d.conf = conf;
	d.conf_defaults = opt->config_defaults;
	d.pidfile.fd = -1;
	if (conf->ninterfaces == 0) {
		log_errx("no interface to capture on (capture.interfaces or -i)");
		free(conf);
		return 1;
	}

	/* Before anything is opened: a second daemon stops here. */
	if (!opt->foreground &&
	    pidfile_open(&d.pidfile, conf->pidfile, conf->user) == -1) {
		free(conf);
		return 2;
	}
	log_to_syslog(conf->syslog_ident, conf->syslog_facility, opt->foreground);
	if (opt->config_defaults)
		log_info("configuration: built-in defaults (%s does not exist)",
		    opt->config_path);
	else
		log_info("configuration: %s", opt->config_path);
	/* Open the captures first, so that a bad interface fails the start. */
	if (daemon_open_captures(&d) == -1)
		goto out;
	if (!opt->foreground) {
		if (daemon(0, 0) == -1) {
			log_warn("daemon");
			goto out;
		}
		if (pidfile_write(&d.pidfile) == -1)
			goto out;
	}

	if ((d.base = event_base_new()) == NULL) {
		log_errx("cannot create the event loop");
		goto out;
	}
	daemon_params(&d, conf, &params);
	d.cooldown = cooldown_new(COOLDOWN_SLOTS);
	if (d.cooldown == NULL || sinks_open(&d.sinks, conf, d.base, opt->json,
	    opt->json) == -1)
		goto out;
	d.sinks.cooldown = d.cooldown;
	sink.event = daemon_event;
	sink.flow = daemon_flow;
	sink.ctx = &d;
	d.analyzer = analyzer_new(conf->max_flows, daemon_hash_seed(), &params, &sink);
	if (d.analyzer == NULL) {
		log_errx("cannot allocate %u flows", conf->max_flows);
		goto out;
	}
	/* Bound before the privileges go: a port that cannot be is a failed start. */
	d.start_us = now_us();
	tally_init(&d.tally, conf->metrics_top_services, d.start_us);
	d.sinks.tally = &d.tally;
	if (conf->metrics_listen[0] != '\0' && (d.metrics = metrics_open(d.base,
	    conf->metrics_listen, daemon_metrics, &d)) == NULL)
		goto out;
	/* CAP_NET_RAW stays permitted (not effective): to reopen captures. */
	if (privdrop(conf->user, true) == -1)
		goto out;
	/* As the user that will have to reopen it after logrotate. */
	if (sinks_open_files(&d.sinks) == -1)
		goto out;
	/*
	 * Evidence is an aid: a directory that cannot be used is said, and
	 * the daemon runs without it rather than not at all.
	 */
	if (conf->evidence_enabled) {
		if (evidence_out_open(&d.evidence, conf, d.analyzer, d.base,
		    conf->evidence_dir) == 0) {
			d.sinks.evidence = evidence_out_event;
			d.sinks.evidence_ctx = &d.evidence;
			log_info("evidence: in %s, %u KiB for packets in flight",
			    d.evidence.dir, conf->evidence_memory / 1024);
		} else {
			log_warnx("evidence: not written");
			memset(&d.evidence, 0, sizeof(d.evidence));
		}
	}

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		d.signals[i] = evsignal_new(d.base, sigs[i], daemon_signal, &d);
		if (d.signals[i] == NULL || event_add(d.signals[i], NULL) == -1) {
			log_errx("cannot watch signal %d", sigs[i]);
			goto out;
		}
	}
	signal(SIGPIPE, SIG_IGN);
	/*
	 * main() blocked these from the first instant; libevent now catches
	 * them (a handler that writes to its socketpair), and whatever came
	 * in the meantime is delivered as the mask is lifted.
	 */
	{
		sigset_t set;

		sigemptyset(&set);
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			sigaddset(&set, sigs[i]);
		sigprocmask(SIG_UNBLOCK, &set, NULL);
	}
	for (size_t i = 0; i < d.ncaps; i++) {
		if (capture_start(&d.caps[i], d.base, d.analyzer) == -1) {
			log_errx("%s: cannot watch the capture", d.caps[i].name);
			goto out;
		}
	}
	d.tick = event_new(d.base, -1, EV_PERSIST, daemon_tick, &d);
	if (d.tick == NULL || event_add(d.tick, &tv) == -1)
		goto out;

	notify_send("READY=1");
	log_info("started, version %s, %u flows max (%zu KiB)", RSTWATCH_VERSION,
	    conf->max_flows, analyzer_memory(d.analyzer) / 1024);
	log_running();
	if (event_base_dispatch(d.base) == -1) {
		log_errx("event loop failed");
		goto out;
	}
	notify_send("STOPPING=1");
	/*
	 * What the kernel already accepted is read first (bounded in time):
	 * a daemon that was behind must not conclude flows without their
	 * last packets.
	 */
	drain_until = now_us() + CAPTURE_DRAIN_MS * USEC_PER_MSEC;
	for (size_t i = 0; i < d.ncaps; i++)
		capture_drain(&d.caps[i], drain_until);
	/* Every flow still open is concluded: its record goes out. */
	analyzer_finish(d.analyzer);
	/* The files of the flows just concluded. */
	evidence_out_close(&d.evidence);
	cooldown_flush(d.cooldown, now_us(), sinks_summary, &d.sinks);
	daemon_capture_stats(&d, now_us());
	sinks_finish(&d.sinks, STOP_DRAIN_MS);
	log_stats(&d, "stopped");
	rc = 0;
out:
	if (d.tick != NULL)
		event_free(d.tick);
	for (size_t i = 0; i < sizeof(d.signals) / sizeof(d.signals[0]); i++)
		if (d.signals[i] != NULL)
			event_free(d.signals[i]);
	for (size_t i = 0; i < d.ncaps; i++)
		capture_close(&d.caps[i]);
	metrics_close(d.metrics);
	d.sinks.evidence = NULL;
	evidence_out_close(&d.evidence);
	analyzer_free(d.analyzer);
	sinks_close(&d.sinks);
	cooldown_free(d.cooldown);
	if (d.base != NULL)
		event_base_free(d.base);
	pidfile_remove(&d.pidfile);
	/* The running configuration; reloads freed the ones before it. */
	free(d.conf);
	log_close();
	return rc;
}
