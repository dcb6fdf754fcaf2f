/*
 * What the configuration says about an event before it goes out: whether
 * its kind is enabled, its severity, and the ignore lists.
 */
#ifndef RSTWATCH_RULES_H
#define RSTWATCH_RULES_H

#include <stdbool.h>

#include "conf.h"
#include "event.h"

/* False when the event must not go out; else sets its severity. */
bool	rules_admit(const struct conf *, struct event *);

#endif
