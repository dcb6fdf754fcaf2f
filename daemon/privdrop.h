#ifndef RSTWATCHD_PRIVDROP_H
#define RSTWATCHD_PRIVDROP_H

/*
 * Give up what capture needed once the captures are open: switch to user
 * (when running as root and user is not empty), drop every capability,
 * and forbid gaining new privileges.  Returns -1 with a reason logged.
 */
int	privdrop(const char *user);

#endif
