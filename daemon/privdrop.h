#ifndef RSTWATCHD_PRIVDROP_H
#define RSTWATCHD_PRIVDROP_H

#include <stdbool.h>

/*
 * Give up what capture needed once the captures are open: switch to user
 * (when running as root and user is not empty), drop every capability,
 * and forbid gaining new privileges.  With keep_net_raw, CAP_NET_RAW (when
 * held) stays in the permitted set only, not effective: the capture code
 * raises it just to reopen a capture.  Returns -1 with a reason logged.
 */
int	privdrop(const char *user, bool keep_net_raw);

#endif
