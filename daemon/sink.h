/*
 * Where alerts and flow records go: standard output (-r, -j), syslog, and
 * the JSON-lines file of output.json.path.
 */
#ifndef RSTWATCHD_SINK_H
#define RSTWATCHD_SINK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conf.h"
#include "cooldown.h"
#include "event.h"

struct sinks {
	const struct conf *conf;	/* rules and outputs; swapped on reload */
	bool		stdout_on;	/* -r: alerts on standard output */
	bool		stdout_json;	/* -j: JSON objects only on stdout */
	bool		time_prefix;	/* -r text: RFC 3339 packet time first */
	FILE		*json_fp;	/* output.json.path, or NULL */
	struct cooldown	*cooldown;	/* live mode only; -r shows every incident */
	char		json_path[CONF_PATH_MAX];
	uint64_t	alerts;
	uint64_t	filtered;	/* withheld by the rules: disabled kinds, ignores */
	uint64_t	write_errors;
};

/* Opens the outputs the configuration names; -1 (logged) on failure. */
int	sinks_open(struct sinks *, const struct conf *, bool stdout_on,
	    bool stdout_json);
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

#endif
