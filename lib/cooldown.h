/*
 * Alert cooldown (rstwatch.yaml(5) EVENTS): after an alert of one kind for one
 * service (responder address and port), further alerts of that kind for
 * that service are suppressed and counted for the kind's cooldown; when it
 * ends, one summary says how many were suppressed.  The table is bounded;
 * when it is full an alert goes out rather than being lost.
 */
#ifndef RSTWATCH_COOLDOWN_H
#define RSTWATCH_COOLDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct cooldown;

struct cooldown_stats {
	uint64_t	suppressed;
	uint64_t	summaries;
	uint64_t	table_full;	/* alerts let through untracked */
};

struct cooldown *cooldown_new(size_t capacity);
void	cooldown_free(struct cooldown *);
/*
 * True when ev may go out now (and starts its cooldown); false when it is
 * suppressed.  period_us 0 lets everything through.
 */
bool	cooldown_admit(struct cooldown *, const struct event *,
	    uint64_t period_us, uint64_t now_us);
/*
 * Ends the cooldowns that are over at now_us; for each that suppressed
 * something, fn gets a summary event (suppressed > 0, the service only).
 */
void	cooldown_expire(struct cooldown *, uint64_t now_us,
	    void (*fn)(void *, const struct event *), void *ctx);
/* Ends every cooldown now (shutdown): summaries carry now_us. */
void	cooldown_flush(struct cooldown *, uint64_t now_us,
	    void (*fn)(void *, const struct event *), void *ctx);
const struct cooldown_stats *cooldown_stats(const struct cooldown *);

#endif
