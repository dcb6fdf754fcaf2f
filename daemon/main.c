/*
 * rstwatchd: command line, configuration, and the choice between reading
 * capture files (-r) and running as the capture daemon.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "capture.h"
#include "config.h"
#include "daemon.h"
#include "log.h"
#include "offline.h"
#include "sink.h"

#define MAX_FILES	256
#define MAX_IFACES	CONF_MAX_INTERFACES

struct options {
	const char	*config_path;
	bool		 config_given;
	char		*files[MAX_FILES];
	int		 nfiles;
	const char	*ifaces[MAX_IFACES];
	int		 nifaces;
	bool		 json;
	bool		 foreground;
	bool		 check_only;
	int		 verbose;
};

static void __attribute__((noreturn))
usage(int status)
{
	fprintf(status ? stderr : stdout,
	    "usage: rstwatchd [-fhtVv] [-c config] [-i interface]... "
	    "[-r file]... [-j]\n");
	exit(status);
}

static void
parse_options(struct options *o, int argc, char **argv)
{
	const char *why;
	int ch;

	memset(o, 0, sizeof(*o));
	o->config_path = CONFIG_DEFAULT_PATH;
	while ((ch = getopt(argc, argv, "c:fhi:jr:tVv")) != -1) {
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
				fatalx(1, "at most %d interfaces (-i)", MAX_IFACES);
			if ((why = conf_check_ifname(optarg)) != NULL)
				fatalx(1, "-i %s: %s", optarg, why);
			o->ifaces[o->nifaces++] = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'r':
			if (o->nfiles == MAX_FILES)
				fatalx(1, "at most %d files (-r)", MAX_FILES);
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
		default:
			usage(1);
		}
	}
	if (optind != argc)
		usage(1);
}

static uint64_t
hash_seed(void)
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

static void
print_stats(const struct analyzer *a, const struct sinks *s)
{
	const struct analyzer_stats *st = analyzer_stats(a);
	const struct flow_table_stats *fs = analyzer_flow_stats(a);

	log_info("packets=%llu tcp=%llu udp=%llu icmp_errors=%llu "
	    "duplicates=%llu flows=%llu max_active=%u "
	    "expired=%llu evicted=%llu alerts=%llu filtered=%llu",
	    (unsigned long long)st->packets, (unsigned long long)st->tcp,
	    (unsigned long long)st->udp, (unsigned long long)st->icmp_errors,
	    (unsigned long long)st->duplicates,
	    (unsigned long long)fs->created, fs->max_active,
	    (unsigned long long)fs->expired, (unsigned long long)fs->evicted,
	    (unsigned long long)s->alerts, (unsigned long long)s->filtered);
	for (int r = 1; r < DECODE_NRESULTS; r++)
		if (st->decode[r] > 0)
			log_info("decode %s=%llu (%s)",
			    decode_result_name((enum decode_result)r),
			    (unsigned long long)st->decode[r],
			    decode_result_desc((enum decode_result)r));
}

static int
run_files(const struct options *o, const struct conf *c)
{
	struct analyzer_params params;
	struct analyzer_sink sink;
	struct sinks sinks;
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
		return 2;
	sink.event = sinks_event;
	sink.flow = sinks_flow;
	sink.ctx = &sinks;
	if ((a = analyzer_new(c->max_flows, hash_seed(), &params, &sink)) == NULL) {
		log_errx("cannot allocate %u flows", c->max_flows);
		sinks_close(&sinks);
		return 2;
	}
	rc = offline_run(a, o->files, o->nfiles, c->filter);
	if (o->verbose > 0)
		print_stats(a, &sinks);
	analyzer_free(a);
	sinks_close(&sinks);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		log_warn("standard output");
		return 2;
	}
	return rc;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct conf *c;

	parse_options(&o, argc, argv);
	log_init(o.verbose);

	if ((c = malloc(sizeof(*c))) == NULL)
		fatal(2, "malloc");
	if (config_load(o.config_path, !o.config_given, c) == -1)
		exit(1);
	if (o.check_only) {
		char err[PCAP_ERRBUF_SIZE + CONF_FILTER_MAX + 64];

		if (capture_check_filter(c, err, sizeof(err)) == -1) {
			fprintf(stderr, "%s: %s\n", o.config_path, err);
			free(c);
			return 1;
		}
		fprintf(stderr, "%s: configuration OK\n", o.config_path);
		free(c);
		return 0;
	}
	for (int i = 0; i < o.nifaces; i++) {
		snprintf(c->interfaces[i], sizeof(c->interfaces[i]), "%s",
		    o.ifaces[i]);
		c->ninterfaces = (size_t)i + 1;
	}

	if (o.nfiles > 0) {
		int rc = run_files(&o, c);

		free(c);
		return rc;
	}
	{
		struct daemon_options d;

		memset(&d, 0, sizeof(d));
		d.config_path = o.config_path;
		d.config_given = o.config_given;
		for (int i = 0; i < o.nifaces; i++)
			d.ifaces[i] = o.ifaces[i];
		d.nifaces = o.nifaces;
		d.json = o.json;
		d.foreground = o.foreground;
		/* c belongs to the daemon from here: reloads replace it. */
		return daemon_run(&d, c);
	}
}
