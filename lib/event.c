/*
 * Names of event kinds, severities and flow outcomes.
 */
#include <string.h>

#include "event.h"

#define KIND_NAME(name, sev)	#name,
static const char *const kind_names[EV_NKINDS] = { EVENT_KINDS(KIND_NAME) };
#undef KIND_NAME

#define KIND_SEV(name, sev)	sev,
static const enum severity kind_severity[EV_NKINDS] = { EVENT_KINDS(KIND_SEV) };
#undef KIND_SEV

static const char *const severity_names[] = {
	"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"
};

#define CS_NAME(name)	#name,
static const char *const conn_state_names[CS_NSTATES] = { CONN_STATES(CS_NAME) };
#undef CS_NAME

#define CLOSE_NAME(name)	#name,
static const char *const close_names[CLOSE_NREASONS] = { CLOSE_REASONS(CLOSE_NAME) };
#undef CLOSE_NAME

const char *
event_kind_name(enum event_kind k)
{
	return (unsigned)k < EV_NKINDS ? kind_names[k] : "unknown";
}

enum severity
event_kind_default_severity(enum event_kind k)
{
	return (unsigned)k < EV_NKINDS ? kind_severity[k] : SEV_WARNING;
}

int
event_kind_from_name(const char *name)
{
	for (int i = 0; i < EV_NKINDS; i++)
		if (strcmp(name, kind_names[i]) == 0)
			return i;
	return -1;
}

const char *
severity_name(enum severity s)
{
	return (unsigned)s <= SEV_DEBUG ? severity_names[s] : "unknown";
}

int
severity_from_name(const char *name)
{
	for (int i = 0; i <= SEV_DEBUG; i++)
		if (strcmp(name, severity_names[i]) == 0)
			return i;
	/* syslog(3) spells some of them out; accept what admins type. */
	if (strcmp(name, "error") == 0)
		return SEV_ERR;
	if (strcmp(name, "warn") == 0)
		return SEV_WARNING;
	return -1;
}

const char *
conn_state_name(enum conn_state s)
{
	return (unsigned)s < CS_NSTATES ? conn_state_names[s] : "OTH";
}

const char *
close_reason_name(enum close_reason c)
{
	return (unsigned)c < CLOSE_NREASONS ? close_names[c] : "open";
}
