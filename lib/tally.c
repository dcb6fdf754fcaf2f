/*
 * The counters of tally.h.  The top table is a plain array: it holds at
 * most CONF_TOP_SERVICES_MAX entries and is touched once per event, never
 * per packet, so a linear scan costs nothing worth a hash.
 */
#include <string.h>

#include "tally.h"

void
tally_init(struct tally *m, uint32_t top_cap, uint64_t start_us)
{
	memset(m, 0, sizeof(*m));
	m->top_cap = top_cap > CONF_TOP_SERVICES_MAX ? CONF_TOP_SERVICES_MAX :
	    top_cap;
	m->last_reload_ok = true;
	m->last_reload_ok_us = start_us;
}

static uint32_t
top_smallest(const struct tally *m)
{
	uint32_t min = 0;

	for (uint32_t i = 1; i < m->ntop; i++)
		if (m->top[i].failures < m->top[min].failures)
			min = i;
	return min;
}

void
tally_set_top(struct tally *m, uint32_t top_cap)
{
	if (top_cap > CONF_TOP_SERVICES_MAX)
		top_cap = CONF_TOP_SERVICES_MAX;
	while (m->ntop > top_cap) {
		uint32_t i = top_smallest(m);

		m->top[i] = m->top[--m->ntop];
		m->top_evicted++;
	}
	m->top_cap = top_cap;
}

static void
top_count(struct tally *m, const struct event *ev)
{
	struct tally_service *s;
	uint32_t i;

	for (i = 0; i < m->ntop; i++) {
		s = &m->top[i];
		if (s->port == ev->dport && s->proto == ev->proto &&
		    addr_cmp(&s->addr, &ev->dst) == 0) {
			s->failures++;
			return;
		}
	}
	if (m->ntop < m->top_cap)
		i = m->ntop++;
	else {
		/* Full: the quietest service makes room (its series ends). */
		i = top_smallest(m);
		m->top_evicted++;
	}
	s = &m->top[i];
	s->addr = ev->dst;
	s->port = ev->dport;
	s->proto = ev->proto;
	s->failures = 1;
}

void
tally_event(struct tally *m, const struct event *ev, bool sent)
{
	unsigned sev = (unsigned)ev->severity;

	if ((unsigned)ev->kind >= EV_NKINDS)
		return;
	if (sev >= TALLY_NSEV)
		sev = TALLY_NSEV - 1;
	m->events[ev->kind][sev]++;
	if (sent)
		m->alerts[ev->kind][sev]++;
	else
		m->suppressed[ev->kind]++;
	/* A capture_drop names no service. */
	if (m->top_cap > 0 && ev->kind != EV_capture_drop)
		top_count(m, ev);
}

void
tally_reload(struct tally *m, bool ok, uint64_t now_us)
{
	m->last_reload_ok = ok;
	if (ok) {
		m->reloads_ok++;
		m->last_reload_ok_us = now_us;
	} else
		m->reloads_failed++;
}
