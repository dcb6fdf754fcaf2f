/*
 * Tallies for the Prometheus endpoint that no other module keeps: events
 * by kind and severity before and after the cooldown, reloads, and the
 * optional table of the services that fail most.  Plain numbers; the
 * daemon serves them (daemon/metrics.c), metrics_fmt.c writes the text.
 */
#ifndef RSTWATCH_TALLY_H
#define RSTWATCH_TALLY_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "event.h"

#define TALLY_NSEV	8	/* syslog severities, emerg .. debug */

/* One service of the top table: responder address, port and protocol. */
struct tally_service {
	struct addr	addr;
	uint16_t	port;
	uint8_t		proto;
	uint64_t	failures;	/* since it entered the table */
};

struct tally {
	/* Admitted by the rules (enabled, not ignored), before the cooldown. */
	uint64_t	events[EV_NKINDS][TALLY_NSEV];
	/* Sent to the outputs: what the cooldown let through. */
	uint64_t	alerts[EV_NKINDS][TALLY_NSEV];
	uint64_t	suppressed[EV_NKINDS];

	uint64_t	reloads_ok;
	uint64_t	reloads_failed;
	bool		last_reload_ok;
	uint64_t	last_reload_ok_us;	/* the start, until a reload */

	/*
	 * metrics.top_services: at most top_cap services, each a series of
	 * its own.  When the table is full, a new service replaces the one
	 * with the fewest failures, so the series stay bounded and the
	 * services that matter stay in.
	 */
	struct tally_service top[CONF_TOP_SERVICES_MAX];
	uint32_t	ntop;
	uint32_t	top_cap;
	uint64_t	top_evicted;
};

void	tally_init(struct tally *, uint32_t top_cap, uint64_t start_us);
/* A new metrics.top_services (reload): shrinking drops the smallest. */
void	tally_set_top(struct tally *, uint32_t top_cap);
/*
 * An event admitted by the rules; sent says whether the cooldown let it
 * out.  Every event with a service counts in the top table.
 */
void	tally_event(struct tally *, const struct event *, bool sent);
void	tally_reload(struct tally *, bool ok, uint64_t now_us);

#endif
