/*
 * Time units.  Times are microseconds since the epoch in a uint64_t
 * everywhere (packet time, the loop's clock, timeouts), as libpcap gives
 * them; configuration speaks seconds.
 */
#ifndef RSTWATCH_TIMEUNIT_H
#define RSTWATCH_TIMEUNIT_H

#include <sys/time.h>

#include <stdint.h>
#include <time.h>

#define NSEC_PER_USEC	1000ULL
#define USEC_PER_MSEC	1000ULL
#define MSEC_PER_SEC	1000ULL
#define NSEC_PER_MSEC	1000000ULL
#define USEC_PER_SEC	1000000ULL
#define SEC_PER_DAY	86400ULL

/* Seconds (of the configuration) to microseconds. */
static inline uint64_t
usec_from_sec(uint64_t s)
{
	return s * USEC_PER_SEC;
}

/* The whole seconds of a time in microseconds. */
static inline uint64_t
usec_sec_part(uint64_t us)
{
	return us / USEC_PER_SEC;
}

/* The microseconds within its second (0 to 999999). */
static inline uint64_t
usec_frac_part(uint64_t us)
{
	return us % USEC_PER_SEC;
}

/* Microseconds as seconds, for people to read. */
static inline double
sec_from_usec(uint64_t us)
{
	return (double)us / USEC_PER_SEC;
}

/* A libpcap packet header's time (tv_usec below a million) in microseconds. */
static inline uint64_t
usec_from_timeval(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * USEC_PER_SEC + (uint64_t)tv->tv_usec;
}

/* A clock_gettime() reading in microseconds. */
static inline uint64_t
usec_from_timespec(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * USEC_PER_SEC +
	    (uint64_t)ts->tv_nsec / NSEC_PER_USEC;
}

#endif
