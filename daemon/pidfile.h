#ifndef RSTWATCHD_PIDFILE_H
#define RSTWATCHD_PIDFILE_H

#include "conf.h"

struct pidfile {
	int	fd;		/* open and locked while the daemon runs */
	char	path[CONF_PATH_MAX];
};

/*
 * Open and lock path (its directory created for user when missing);
 * -1, logged, when it is unsafe or another daemon holds it (whose PID is
 * named).  Before the privilege drop.
 */
int	pidfile_open(struct pidfile *, const char *path, const char *user);
/* Write this process's PID (after daemon(3)'s fork). */
int	pidfile_write(struct pidfile *);
/* Remove (or, where no longer allowed, empty) and unlock. */
void	pidfile_remove(struct pidfile *);

#endif
