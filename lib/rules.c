/*
 * Per-kind rules from the configuration (SPEC section 7).
 */
#include "rules.h"

bool
rules_admit(const struct conf *c, struct event *ev)
{
	const struct conf_kind *k;

	if ((unsigned)ev->kind >= EV_NKINDS)
		return false;
	k = &c->kinds[ev->kind];
	if (!k->enabled)
		return false;
	/* Service-only events (rst_rate, summaries) have no client side. */
	if (ev->has_flow && conf_ignores(c, ev->has_sport ? &ev->src : NULL,
	    &ev->dst, ev->has_sport ? ev->sport : 0, ev->dport))
		return false;
	ev->severity = k->severity;
	return true;
}
