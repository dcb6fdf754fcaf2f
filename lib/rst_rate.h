/*
 * rst_rate (rstwatchd(8) EVENTS): RSTs involving one service (the responder's
 * address and port) counted in fixed windows; crossing the threshold is
 * reported once per window.  A bounded table: services not seen for a
 * window are forgotten first, and a full neighbourhood gives up its
 * oldest entry.
 */
#ifndef RSTWATCH_RST_RATE_H
#define RSTWATCH_RST_RATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct rst_rate;

struct rst_rate *rst_rate_new(size_t capacity, uint64_t seed);
void	rst_rate_free(struct rst_rate *);
/*
 * One RST for (addr, port) at now_us.  True when this RST makes the count
 * exceed threshold within the current window; *count is the count so far.
 */
bool	rst_rate_count(struct rst_rate *, const struct addr *, uint16_t port,
	    uint64_t now_us, uint32_t threshold, uint64_t window_us,
	    uint32_t *count);

#endif
