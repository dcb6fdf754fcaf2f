/*
 * Logging for the daemon's own messages: one line each, "rstwatchd: " on
 * stderr, or syslog at the matching priority once the daemon runs.
 *
 * Nothing here may block the event loop, so syslog is our own client
 * (syslog_sock.c), not syslog(3).  stderr is written as well when someone
 * reads it: a terminal or -v (as LOG_PERROR did), a start-up error (an
 * admin must see why the start failed, syslog or not), and, in the
 * foreground, whatever syslog did not take.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "syslog_sock.h"

/* At stop, how long the last lines may wait for a stalled syslog. */
#define LOG_DRAIN_MS	200

static int	log_verbose;
static bool	log_perror;		/* every line on stderr too */
static bool	log_fg;			/* -f */
static bool	log_starting = true;
static struct syslog_sock log_sock;
static bool	log_sock_open;

static void	vlog(int, const char *, va_list) __attribute__((format(printf, 2, 0)));
static void	vlog_errno(int, int, const char *, va_list)
		    __attribute__((format(printf, 3, 0)));
static void	log_note(void *, enum outq_note, int, const struct outq_counts *);
static void	emit(int, const char *, bool);

void
log_init(int verbose)
{
	log_verbose = verbose;
}

void
log_to_syslog(const char *ident, int facility, bool foreground)
{
	log_fg = foreground;
	/*
	 * Someone watching a terminal, or asking with -v, sees the lines too;
	 * under systemd stderr is the journal already, so not there.
	 */
	log_perror = isatty(STDERR_FILENO) || log_verbose > 0;
	if (log_sock_open) {
		syslog_sock_set_ident(&log_sock, ident, facility);
		return;
	}
	if (syslog_sock_open(&log_sock, NULL, ident, facility) == -1) {
		fprintf(stderr, "rstwatchd: out of memory for the syslog "
		    "queue\n");
		exit(2);
	}
	log_sock.note = log_note;
	log_sock.arg = &log_sock;
	log_sock_open = true;
}

struct syslog_sock *
log_syslog(void)
{
	return log_sock_open ? &log_sock : NULL;
}

void
log_running(void)
{
	log_starting = false;
}

void
log_close(void)
{
	if (!log_sock_open)
		return;
	syslog_sock_close(&log_sock, LOG_DRAIN_MS);
	log_sock_open = false;
}

int
log_verbosity(void)
{
	return log_verbose;
}

static void
log_stderr(const char *line)
{
	fprintf(stderr, "rstwatchd: %s\n", line);
}

void
log_foreground(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	if (!log_fg && !log_perror)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log_stderr(line);
}

void
log_loss(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit(LOG_WARNING, line, true);
}

void
log_echo(const char *line)
{
	if (log_perror)
		log_stderr(line);
}

/* Losses on the syslog socket, their start and their end. */
static void
log_note(void *arg, enum outq_note what, int err, const struct outq_counts *c)
{
	struct syslog_sock *s = arg;
	unsigned long long other = c->records - c->alerts;

	if (what == OUTQ_FAILING) {
		/* Not to syslog, which is what fails. */
		if (!log_fg && !log_perror)
			return;
		if (err == ENOBUFS)
			fprintf(stderr, "rstwatchd: syslog %s does not keep up; "
			    "what does not fit in the %d KiB queue is counted\n",
			    s->path, OUTQ_LIMIT / 1024);
		else
			fprintf(stderr, "rstwatchd: syslog %s: %s; alerts and "
			    "messages are counted until it can be reached\n",
			    s->path, strerror(err));
		return;
	}
	if (c->alerts > 0 && other > 0)
		log_loss("%llu alerts could not be delivered to syslog (and %llu "
		    "other messages)", (unsigned long long)c->alerts, other);
	else if (c->alerts > 0)
		log_loss("%llu alerts could not be delivered to syslog",
		    (unsigned long long)c->alerts);
	else
		log_loss("%llu messages could not be delivered to syslog",
		    other);
}

static void
emit(int pri, const char *line, bool fg)
{
	bool sent = false;

	if (log_sock_open)
		sent = syslog_sock_send(&log_sock, pri, line, false);
	if (!log_sock_open || log_perror || (log_fg && (fg || !sent)) ||
	    (log_starting && pri <= LOG_ERR))
		log_stderr(line);
}

static void
vlog(int pri, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	emit(pri, line, false);
}

static void
vlog_errno(int pri, int err, const char *fmt, va_list ap)
{
	char line[1024];
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n >= 0 && (size_t)n < sizeof(line))
		snprintf(line + n, sizeof(line) - (size_t)n, ": %s",
		    strerror(err));
	emit(pri, line, false);
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

/* A fatal error is always said on stderr, and syslog gets a moment. */
void
fatal(int status, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	log_starting = true;
	va_start(ap, fmt);
	vlog_errno(LOG_CRIT, err, fmt, ap);
	va_end(ap);
	log_close();
	exit(status);
}

void
fatalx(int status, const char *fmt, ...)
{
	va_list ap;

	log_starting = true;
	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	log_close();
	exit(status);
}
