/*
 * Logging for the daemon's own messages: one line each, "rstwatchd: " on
 * stderr, or syslog at the matching priority once the daemon runs.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"

static int	log_verbose;
static int	log_syslog;

static void	vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
static void	vlog_errno(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));

void
log_init(int verbose)
{
	log_verbose = verbose;
	log_syslog = 0;
}

void
log_to_syslog(const char *ident, int facility)
{
	int opt = LOG_PID | LOG_NDELAY;

	/*
	 * Someone watching a terminal, or asking with -v, sees the lines too;
	 * under systemd stderr is the journal already, so not there.
	 */
	if (isatty(STDERR_FILENO) || log_verbose > 0)
		opt |= LOG_PERROR;
	openlog(ident, opt, facility);
	log_syslog = 1;
}

int
log_verbosity(void)
{
	return log_verbose;
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_syslog)
		syslog(pri, "%s", line);
	else
		fprintf(stderr, "rstwatchd: %s\n", line);
}

static void
vlog_errno(int pri, int err, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	if (log_syslog)
		syslog(pri, "%s: %s", line, strerror(err));
	else
		fprintf(stderr, "rstwatchd: %s: %s\n", line, strerror(err));
}

void
log_warn(const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_WARNING, err, fmt, ap);
	va_end(ap);
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_errx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

void
fatal(int status, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, err, fmt, ap);
	va_end(ap);
	exit(status);
}

void
fatalx(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(status);
}
