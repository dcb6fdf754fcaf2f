#ifndef RSTWATCHD_PATHMODE_H
#define RSTWATCHD_PATHMODE_H

#include <stdbool.h>

#include "conf.h"

/*
 * -r A -R B: the two capture files read together in time order and
 * compared (lib/path.c); events on standard output as with -r, path
 * records too with json; a summary on standard error.  Returns 0, or 2
 * when a file cannot be opened or is damaged (logged).
 */
int	pathmode_run(const struct conf *, const char *file_a,
	    const char *file_b, bool json, int verbose);

#endif
