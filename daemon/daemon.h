#ifndef RSTWATCHD_DAEMON_H
#define RSTWATCHD_DAEMON_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

struct daemon_options {
	const char	*config_path;
	bool		 config_given;	/* -c: a missing file is an error */
	bool		 config_defaults; /* no -c, and no file at start */
	const char	*expr;		/* the command line's filter, or "" */
	const char	*ifaces[CONF_MAX_INTERFACES];	/* -i, override */
	int		 nifaces;
	bool		 json;		/* -j: JSON lines on stdout too */
	bool		 foreground;	/* -f */
};

/*
 * Capture until SIGTERM or SIGINT.  conf (heap-allocated) becomes the
 * daemon's: replaced on reload, freed on return.  Returns the exit status.
 */
int	daemon_run(const struct daemon_options *, struct conf *conf);
/* A random seed for the flow table's hash. */
uint64_t daemon_hash_seed(void);

#endif
