/*
 * Where alerts and flow records go: standard output (-r, -j), syslog, and
 * the JSON-lines file of output.json.path.
 *
 * Live, every output is a bounded queue in front of a descriptor that is
 * never waited on (outq.c): what does not fit is counted as lost and said.
 * With -r, standard output only, written with stdio: there is no capture
 * to protect, and a pipe reader that stalls should slow the reading down
 * rather than lose lines.
 */
#ifndef RSTWATCHD_SINKS_H
#define RSTWATCHD_SINKS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "cooldown.h"
#include "event.h"
#include "outq.h"

struct event_base;
struct syslog_sock;
struct tally;

/* One stream output: the JSON file, or standard output with -j. */
struct sink_out {
	struct outq	 q;
	bool		 on;
	char		 name[CONF_PATH_MAX];	/* path, or "standard output" */
};

struct sinks {
	const struct conf *conf;	/* rules and outputs; swapped on reload */
	bool		offline;	/* -r: standard output only, stdio */
	bool		stdout_on;	/* alerts on standard output */
	bool		stdout_json;	/* -j: JSON objects only on stdout */
	bool		time_prefix;	/* -r text: RFC 3339 packet time first */
	struct cooldown	*cooldown;	/* live mode only; -r shows every incident */
	struct tally	*tally;		/* live: events for the metrics, or NULL */
	struct syslog_sock *syslog;	/* log.c's client; NULL with -r */
	struct event_base *base;
	struct sink_out	json;		/* output.json.path */
	struct sink_out	out;		/* -j, live */
	char		json_path[CONF_PATH_MAX];
	char		ifname[16];	/* IF_NAMESIZE: "any"'s real interface */
	uint64_t	alerts;		/* -r: alerts written */
	uint64_t	filtered;	/* withheld by the rules: disabled kinds, ignores */
	uint64_t	write_errors;	/* -r: on standard output */
	/*
	 * Evidence: called for each alert that goes out (after the rules
	 * and the cooldown), may set its evidence path.  NULL: none.
	 */
	void		(*evidence)(void *ctx, struct event *);
	void		*evidence_ctx;
};

/*
 * base NULL: -r, standard output only (stdout_on), whatever the
 * configuration says.  Otherwise syslog (through log_syslog()) and -j
 * standard output; the JSON file waits for sinks_open_files().  -1
 * (logged) on failure.
 */
int	sinks_open(struct sinks *, const struct conf *, struct event_base *base,
	    bool stdout_on, bool stdout_json);
/* Opens output.json.path: as the user the daemon runs as, after privdrop. */
int	sinks_open_files(struct sinks *);
/* At stop: a short wait for the queues, then what is left counts as lost. */
void	sinks_finish(struct sinks *, int drain_ms);
void	sinks_close(struct sinks *);
/* logrotate: close and reopen the JSON file. */
int	sinks_reopen(struct sinks *);
/* The analyser's sink callbacks; ctx is a struct sinks. */
void	sinks_event(void *, const struct event *);
void	sinks_flow(void *, const struct flow_record *);
/* A cooldown summary: straight to the outputs. */
void	sinks_summary(void *, const struct event *);
/* Switch to another configuration's outputs; -1 (logged) keeps the old. */
int	sinks_reconfigure(struct sinks *, const struct conf *);
/*
 * Alerts delivered: accepted by syslog (or, without syslog, written to the
 * JSON file, or to standard output).
 */
uint64_t sinks_delivered(const struct sinks *);
/* " syslog_lost=N json_lost=N stdout_lost=N" for the outputs in use. */
void	sinks_losses(const struct sinks *, char *, size_t);

#endif
