#ifndef RSTWATCHD_LOCAL_H
#define RSTWATCHD_LOCAL_H

#include "addr.h"
#include "event.h"

/*
 * For an unanswered SYN towards addr:port: TRI_UNKNOWN when addr is not an
 * address of this host; else whether a socket listens on that port
 * (/proc/net/tcp and tcp6, in our network namespace).
 */
enum tristate local_listening(const struct addr *, uint16_t port);
/* True when addr is configured on one of this host's interfaces. */
int	local_address(const struct addr *);

#endif
