/*
 * Cooldown entries in a small open-addressing table keyed by kind and
 * service.  Alerts are rare next to packets, so a linear probe is plenty.
 */
#include <stdlib.h>
#include <string.h>

#include "cooldown.h"

struct cooldown_entry {
	bool		used;
	enum event_kind	kind;
	uint8_t		proto;
	struct addr	dst;
	uint16_t	dport;
	enum severity	severity;
	uint64_t	until_us;
	uint64_t	suppressed;
};

struct cooldown {
	struct cooldown_entry *e;
	size_t		cap;
	size_t		used;
	struct cooldown_stats stats;
};

struct cooldown *
cooldown_new(size_t capacity)
{
	struct cooldown *c;

	if (capacity == 0 || (c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if ((c->e = calloc(capacity, sizeof(*c->e))) == NULL) {
		free(c);
		return NULL;
	}
	c->cap = capacity;
	return c;
}

void
cooldown_free(struct cooldown *c)
{
	if (c == NULL)
		return;
	free(c->e);
	free(c);
}

static size_t
cooldown_slot(const struct cooldown *c, const struct event *ev)
{
	uint64_t h = (uint64_t)ev->kind * 0x9e3779b97f4a7c15ULL ^ ev->dport ^
	    (uint64_t)ev->proto << 16;

	return (size_t)(addr_hash(h, &ev->dst) % c->cap);
}

static bool
same_service(const struct cooldown_entry *e, const struct event *ev)
{
	return e->kind == ev->kind && e->proto == ev->proto &&
	    e->dport == ev->dport && addr_cmp(&e->dst, &ev->dst) == 0;
}

bool
cooldown_admit(struct cooldown *c, const struct event *ev, uint64_t period_us,
    uint64_t now_us)
{
	size_t i = cooldown_slot(c, ev), free_slot = c->cap;

	if (period_us == 0)
		return true;
	for (size_t n = 0; n < c->cap; n++, i = (i + 1) % c->cap) {
		struct cooldown_entry *e = &c->e[i];

		if (!e->used) {
			free_slot = i;
			break;
		}
		if (same_service(e, ev)) {
			if (now_us < e->until_us) {
				e->suppressed++;
				c->stats.suppressed++;
				return false;
			}
			/* Over but not yet swept: start a new period. */
			e->until_us = now_us + period_us;
			return true;
		}
	}
	if (free_slot == c->cap) {
		c->stats.table_full++;
		return true;
	}
	c->e[free_slot] = (struct cooldown_entry){
		.used = true, .kind = ev->kind, .proto = ev->proto,
		.dst = ev->dst, .dport = ev->dport, .severity = ev->severity,
		.until_us = now_us + period_us,
	};
	c->used++;
	return true;
}

/* Remove slot i, moving later entries of its probe run back (no tombstones). */
static void
cooldown_remove(struct cooldown *c, size_t i)
{
	size_t j = i;

	c->e[i].used = false;
	c->used--;
	for (;;) {
		size_t home;

		j = (j + 1) % c->cap;
		if (!c->e[j].used)
			return;
		home = cooldown_slot(c, &(struct event){ .kind = c->e[j].kind,
		    .proto = c->e[j].proto, .dst = c->e[j].dst,
		    .dport = c->e[j].dport });
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if (i <= j ? (home > i && home <= j) : (home > i || home <= j))
			continue;
		c->e[i] = c->e[j];
		c->e[j].used = false;
		i = j;
	}
}

static void
cooldown_end(struct cooldown *c, uint64_t now_us, bool all,
    void (*fn)(void *, const struct event *), void *ctx)
{
	for (size_t i = 0; i < c->cap; i++) {
		struct cooldown_entry *e = &c->e[i];
		struct event ev;

		if (!e->used || (!all && now_us < e->until_us))
			continue;
		if (e->suppressed > 0 && fn != NULL) {
			memset(&ev, 0, sizeof(ev));
			ev.kind = e->kind;
			ev.severity = e->severity;
			ev.ts_us = now_us;
			ev.has_flow = e->kind != EV_capture_drop;
			ev.has_sport = false;
			ev.proto = e->proto;
			ev.dst = e->dst;
			ev.dport = e->dport;
			ev.suppressed = e->suppressed;
			c->stats.summaries++;
			fn(ctx, &ev);
		}
		cooldown_remove(c, i);
		/* The slot may now hold an entry moved back: look again. */
		if (c->e[i].used)
			i--;
	}
}

void
cooldown_expire(struct cooldown *c, uint64_t now_us,
    void (*fn)(void *, const struct event *), void *ctx)
{
	cooldown_end(c, now_us, false, fn, ctx);
}

void
cooldown_flush(struct cooldown *c, uint64_t now_us,
    void (*fn)(void *, const struct event *), void *ctx)
{
	cooldown_end(c, now_us, true, fn, ctx);
}

const struct cooldown_stats *
cooldown_stats(const struct cooldown *c)
{
	return &c->stats;
}
