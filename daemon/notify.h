#ifndef RSTWATCHD_NOTIFY_H
#define RSTWATCHD_NOTIFY_H

/*
 * Tell the service manager about our state through $NOTIFY_SOCKET
 * (sd_notify(3) protocol: one datagram, "KEY=value" lines).  Does nothing
 * when the variable is not set.  Returns -1 (logged) on failure.
 */
int	notify_send(const char *state);

#endif
