/*
 * Per-service RST counting in a fixed-size table, probed a few slots at
 * most so that a flood of RSTs to random services costs bounded time.
 */
#include <stdlib.h>
#include <string.h>

#include "rst_rate.h"

#define PROBE_SLOTS	8

struct rst_rate_entry {
	struct addr	addr;
	uint16_t	port;
	bool		used;
	bool		fired;		/* reported in this window */
	uint32_t	count;
	uint64_t	window_start_us;
};

struct rst_rate {
	struct rst_rate_entry *e;
	size_t		cap;
	uint64_t	seed;
};

struct rst_rate *
rst_rate_new(size_t capacity, uint64_t seed)
{
	struct rst_rate *r;

	if (capacity < PROBE_SLOTS || (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->e = calloc(capacity, sizeof(*r->e))) == NULL) {
		free(r);
		return NULL;
	}
	r->cap = capacity;
	r->seed = seed;
	return r;
}

void
rst_rate_free(struct rst_rate *r)
{
	if (r == NULL)
		return;
	free(r->e);
	free(r);
}

static size_t
rst_rate_slot(const struct rst_rate *r, const struct addr *a, uint16_t port)
{
	uint64_t h = addr_hash(r->seed ^ port, a);

	h ^= h >> 29;
	return (size_t)(h % r->cap);
}

bool
rst_rate_count(struct rst_rate *r, const struct addr *a, uint16_t port,
    uint64_t now_us, uint32_t threshold, uint64_t window_us, uint32_t *count)
{
	size_t start = rst_rate_slot(r, a, port);
	struct rst_rate_entry *e = NULL, *oldest = NULL;

	for (size_t n = 0; n < PROBE_SLOTS; n++) {
		struct rst_rate_entry *x = &r->e[(start + n) % r->cap];

		if (x->used && x->port == port && addr_cmp(&x->addr, a) == 0) {
			e = x;
			break;
		}
		/* Replacement candidate: a free slot, else the oldest window. */
		if (!x->used) {
			if (oldest == NULL || oldest->used)
				oldest = x;
		} else if (oldest == NULL || (oldest->used &&
		    x->window_start_us < oldest->window_start_us))
			oldest = x;
	}
	if (e == NULL) {
		e = oldest;
		memset(e, 0, sizeof(*e));
		e->used = true;
		e->addr = *a;
		e->port = port;
		e->window_start_us = now_us;
	}
	if (now_us >= e->window_start_us + window_us || now_us < e->window_start_us) {
		e->window_start_us = now_us;
		e->count = 0;
		e->fired = false;
	}
	if (e->count < UINT32_MAX)
		e->count++;
	*count = e->count;
	if (e->count > threshold && !e->fired) {
		e->fired = true;
		return true;
	}
	return false;
}
