/*
 * The syslog client.  While /dev/log is missing or refuses (the syslog
 * daemon restarting, or none at all), messages are counted as lost rather
 * than queued: they could wait arbitrarily long, and alerts are only worth
 * something on time.  Reconnection is tried on a timer, at most once per
 * SYSLOG_RETRY_S, never once per message.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>

#include "syslog_sock.h"

/* The message, its header, and room to spare. */
#define DGRAM_MAX	(OUTQ_RECORD_MAX)

static void	syslog_sock_broken(void *, int);
static void	syslog_sock_retry(evutil_socket_t, short, void *);
static void	syslog_sock_note(void *, enum outq_note, int,
		    const struct outq_counts *);

int
syslog_sock_format(char *buf, size_t size, int pri, time_t t,
    const char *ident, pid_t pid, const char *msg)
{
	static const char months[12][4] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;
	int n;

	/* Month names in English whatever the locale, as RFC 3164 wants. */
	if (localtime_r(&t, &tm) == NULL)
		memset(&tm, 0, sizeof(tm));
	n = snprintf(buf, size, "<%d>%s %2d %02d:%02d:%02d %s[%ld]: %s", pri,
	    months[tm.tm_mon % 12], tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ident, (long)pid, msg);
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}

static void
next_try_set(struct syslog_sock *s)
{
	clock_gettime(CLOCK_MONOTONIC, &s->next_try);
	s->next_try.tv_sec += SYSLOG_RETRY_S;
}

static bool
may_try(const struct syslog_sock *s)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec > s->next_try.tv_sec ||
	    (now.tv_sec == s->next_try.tv_sec &&
	    now.tv_nsec >= s->next_try.tv_nsec);
}

static void
retry_arm(struct syslog_sock *s)
{
	struct timeval tv = { SYSLOG_RETRY_S, 0 };

	if (s->retry != NULL)
		evtimer_add(s->retry, &tv);
}

/* 0 when connected; -1 with s->error set. */
static int
syslog_sock_connect(struct syslog_sock *s)
{
	struct sockaddr_un sun;
	int fd;

	next_try_set(s);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, s->path, sizeof(sun.sun_path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1 || connect(fd, (struct sockaddr *)&sun,
	    sizeof(sun)) == -1) {
		s->error = s->q.error = errno;
		if (fd != -1)
			close(fd);
		retry_arm(s);
		return -1;
	}
	s->fd = fd;
	s->error = 0;
	outq_set_fd(&s->q, fd);
	return 0;
}

/* The reader went away (ECONNREFUSED, ENOENT...): try again later. */
static void
syslog_sock_broken(void *arg, int err)
{
	struct syslog_sock *s = arg;

	if (s->fd == -1)
		return;
	close(s->fd);
	s->fd = -1;
	s->error = err;
	outq_set_fd(&s->q, -1);
	next_try_set(s);
	retry_arm(s);
}

/*
 * Back again: what was lost meanwhile is reported at once, not at the
 * next message, which may be a long time coming.
 */
static void
syslog_sock_reconnected(struct syslog_sock *s)
{
	struct outq_counts u = s->q.unreported;

	if (!s->q.failing)
		return;
	s->q.failing = false;
	s->q.error = 0;
	memset(&s->q.unreported, 0, sizeof(s->q.unreported));
	if (s->note != NULL && u.records > 0)
		s->note(s->arg, OUTQ_RECOVERED, 0, &u);
}

static void
syslog_sock_retry(evutil_socket_t fd, short what, void *arg)
{
	struct syslog_sock *s = arg;

	(void)fd;
	(void)what;
	if (s->fd == -1 && syslog_sock_connect(s) == 0)
		syslog_sock_reconnected(s);
}

static void
syslog_sock_note(void *arg, enum outq_note what, int err,
    const struct outq_counts *c)
{
	struct syslog_sock *s = arg;

	if (s->note != NULL)
		s->note(s->arg, what, err, c);
}

int
syslog_sock_open(struct syslog_sock *s, const char *path, const char *ident,
    int facility)
{
	memset(s, 0, sizeof(*s));
	s->fd = -1;
	snprintf(s->path, sizeof(s->path), "%s",
	    path != NULL ? path : SYSLOG_SOCK_PATH);
	syslog_sock_set_ident(s, ident, facility);
	if (outq_init(&s->q, OUTQ_DGRAM, 0) == -1)
		return -1;
	s->q.broken = syslog_sock_broken;
	s->q.note = syslog_sock_note;
	s->q.arg = s;
	(void)syslog_sock_connect(s);
	return 0;
}

void
syslog_sock_close(struct syslog_sock *s, int drain_ms)
{
	if (s->q.buf == NULL)
		return;
	syslog_sock_attach(s, NULL);
	outq_drain(&s->q, drain_ms);
	outq_free(&s->q);
	if (s->fd != -1)
		close(s->fd);
	s->fd = -1;
}

void
syslog_sock_set_ident(struct syslog_sock *s, const char *ident, int facility)
{
	snprintf(s->ident, sizeof(s->ident), "%s", ident);
	s->facility = facility;
}

int
syslog_sock_attach(struct syslog_sock *s, struct event_base *base)
{
	if (s->retry != NULL)
		event_free(s->retry);
	s->retry = NULL;
	if (outq_attach(&s->q, base) == -1)
		return -1;
	if (base == NULL)
		return 0;
	if ((s->retry = evtimer_new(base, syslog_sock_retry, s)) == NULL)
		return -1;
	if (s->fd == -1)
		retry_arm(s);
	return 0;
}

bool
syslog_sock_connected(const struct syslog_sock *s)
{
	return s->fd != -1;
}

bool
syslog_sock_send(struct syslog_sock *s, int pri, const char *msg, bool alert)
{
	char dgram[DGRAM_MAX];
	int n;

	if ((pri & LOG_FACMASK) == 0)
		pri |= s->facility;
	/* Without an event loop (start, stop), no timer: try on the way. */
	if (s->fd == -1 && s->retry == NULL && may_try(s) &&
	    syslog_sock_connect(s) == 0)
		syslog_sock_reconnected(s);
	n = syslog_sock_format(dgram, sizeof(dgram), pri, time(NULL), s->ident,
	    getpid(), msg);
	if (n < 0) {
		/* Too long for one datagram: cut, as syslog(3) never would. */
		n = (int)sizeof(dgram) - 1;
	}
	return outq_push(&s->q, dgram, (size_t)n, alert);
}
