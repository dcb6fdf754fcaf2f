#ifndef RSTWATCHD_PREFLIGHT_H
#define RSTWATCHD_PREFLIGHT_H

#include <stddef.h>

#include "conf.h"

/*
 * Everything -t checks beyond the file itself: the filters compiled by
 * libpcap (each alone, then together with the built-in one), daemon.user,
 * the JSON file's directory as that user, the interfaces.  Each problem
 * is printed on stderr as "path: key: reason"; notes and warnings too,
 * without counting.  Returns the number of problems.
 */
int	preflight(const struct conf *, const char *path, const char *expr);
/* Compile expr on its own (as for Ethernet); -1 with libpcap's reason. */
int	preflight_filter_alone(const char *expr, char *err, size_t errlen);

#endif
