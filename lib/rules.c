/*
 * Per-kind rules and ignore lists from the configuration (rstwatch.yaml(5)
 * EVENTS and IGNORE).
 */
#include "rules.h"

static bool	addr_listed(const struct addr_prefix *, size_t,
		    const struct addr *, const struct addr *);
static bool	port_listed(const struct conf_port_range *, size_t, uint16_t,
		    uint16_t);
static bool	rule_silences(const struct conf_ignore_rule *, int);

/* Either end of the flow in one of the prefixes; a NULL end matches none. */
static bool
addr_listed(const struct addr_prefix *list, size_t n, const struct addr *src,
    const struct addr *dst)
{
	for (size_t i = 0; i < n; i++)
		if ((src != NULL && addr_prefix_match(&list[i], src)) ||
		    (dst != NULL && addr_prefix_match(&list[i], dst)))
			return true;
	return false;
}

/* Either port in one of the ranges; ranges start at 1, so 0 is no port. */
static bool
port_listed(const struct conf_port_range *list, size_t n, uint16_t sport,
    uint16_t dport)
{
	for (size_t i = 0; i < n; i++)
		if ((sport >= list[i].lo && sport <= list[i].hi) ||
		    (dport >= list[i].lo && dport <= list[i].hi))
			return true;
	return false;
}

/*
 * A rule that names kinds silences those; one that names none silences
 * every kind and, being about the flow as a whole, its record too.
 */
static bool
rule_silences(const struct conf_ignore_rule *r, int kind)
{
	if (r->all_kinds)
		return true;
	return kind >= 0 && kind < EV_NKINDS && (r->kinds & (1u << kind));
}

bool
rules_ignores(const struct conf *c, int kind, const struct addr *src,
    const struct addr *dst, uint16_t sport, uint16_t dport)
{
	_Static_assert(EV_NKINDS <= 32,
	    "conf_ignore_rule.kinds has a bit per kind");

	/* ignore.addresses and ignore.ports: every kind, either list. */
	if (addr_listed(c->ignore_addrs, c->nignore_addrs, src, dst) ||
	    port_listed(c->ignore_ports, c->nignore_ports, sport, dport))
		return true;
	/* ignore.rules: the rule's kinds, and every list it gives. */
	for (size_t i = 0; i < c->nignore_rules; i++) {
		const struct conf_ignore_rule *r = &c->ignore_rules[i];

		if (!rule_silences(r, kind))
			continue;
		if (r->naddrs > 0 &&
		    !addr_listed(r->addrs, r->naddrs, src, dst))
			continue;
		if (r->nports > 0 && !port_listed(r->ports, r->nports, sport,
		    dport))
			continue;
		return true;
	}
	return false;
}

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
	if (ev->has_flow && rules_ignores(c, (int)ev->kind,
	    ev->has_sport ? &ev->src : NULL, &ev->dst,
	    ev->has_sport ? ev->sport : 0, ev->dport))
		return false;
	ev->severity = k->severity;
	return true;
}

bool
rules_admit_flow(const struct conf *c, const struct flow_record *rec)
{
	if (c->ignore_flow_records)
		return true;
	return !rules_ignores(c, RULES_FLOW_RECORD, &rec->src, &rec->dst,
	    rec->sport, rec->dport);
}
