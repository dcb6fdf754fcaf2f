/*
 * What the configuration says about an event or a flow record before it
 * goes out: whether its kind is enabled, its severity, and the ignore
 * lists.  This is the one place where the ignore lists are applied: the
 * analyser looks at every flow, ignored or not, and the outputs ask here.
 */
#ifndef RSTWATCH_RULES_H
#define RSTWATCH_RULES_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"
#include "conf.h"
#include "event.h"

/* For rules_ignores(): a flow record, which is no kind of event. */
#define RULES_FLOW_RECORD	EV_NKINDS

/* False when the event must not go out; else sets its severity. */
bool	rules_admit(const struct conf *, struct event *);
/*
 * False when the flow record must not be written: ignore.flow_records is
 * false and an ignore entry for every kind matches the flow.
 */
bool	rules_admit_flow(const struct conf *, const struct flow_record *);
/*
 * Whether the ignore lists silence kind (an enum event_kind, or
 * RULES_FLOW_RECORD) for the flow src:sport - dst:dport, either way round.
 * An event about a service (rst_rate) has no client: src NULL, sport 0.
 */
bool	rules_ignores(const struct conf *, int kind, const struct addr *src,
	    const struct addr *dst, uint16_t sport, uint16_t dport);

#endif
