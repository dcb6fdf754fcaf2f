#ifndef RSTWATCHD_LOCAL_H
#define RSTWATCHD_LOCAL_H

#include "addr.h"
#include "event.h"

/*
 * For an unanswered SYN towards addr:port: TRI_UNKNOWN when addr is not an
 * address of this host; else whether a socket listens on that port
 * (asked of the kernel through NETLINK_SOCK_DIAG for that port, in our
 * network namespace).  A wildcard listener takes every local address of
 * its family, and "::" IPv4 too unless it is IPV6_V6ONLY.
 */
enum tristate local_listening(const struct addr *, uint16_t port);
/* True when addr is configured on one of this host's interfaces. */
int	local_address(const struct addr *);

#endif
