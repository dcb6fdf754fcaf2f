/*
 * Our own syslog client: RFC 3164 datagrams, as glibc's syslog(3) writes
 * them, on a non-blocking socket connected to /dev/log, behind a bounded
 * queue.  syslog(3) waits when the reader stalls, and cannot say that a
 * message was lost; this never waits and counts every loss.
 */
#ifndef RSTWATCHD_SYSLOG_SOCK_H
#define RSTWATCHD_SYSLOG_SOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "outq.h"

#define SYSLOG_SOCK_PATH	"/dev/log"
#define SYSLOG_IDENT_MAX	64
/* Seconds between two attempts to reach an absent syslog. */
#define SYSLOG_RETRY_S		1

struct event_base;
struct event;

struct syslog_sock {
	char		 path[108];
	char		 ident[SYSLOG_IDENT_MAX];	/* a copy: see README */
	int		 facility;
	int		 fd;		/* -1 while syslog cannot be reached */
	int		 error;		/* why not, then */
	struct timespec	 next_try;	/* CLOCK_MONOTONIC */
	struct event	*retry;		/* timer while disconnected */
	struct outq	 q;
	/* The owner hears of losses, and of their end. */
	void		(*note)(void *, enum outq_note, int,
			    const struct outq_counts *);
	void		*arg;
};

/*
 * "<PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG" (RFC 3164 4.1, the shape glibc
 * writes and journald and rsyslog parse), local time of t; the length, or
 * -1 if it did not fit.
 */
int	syslog_sock_format(char *, size_t, int pri, time_t t, const char *ident,
	    pid_t pid, const char *msg);

/* path NULL: /dev/log.  -1 if out of memory; a missing syslog is not fatal. */
int	syslog_sock_open(struct syslog_sock *, const char *path,
	    const char *ident, int facility);
void	syslog_sock_close(struct syslog_sock *, int drain_ms);
/* ident is copied: the caller's string may go away (a reload frees it). */
void	syslog_sock_set_ident(struct syslog_sock *, const char *ident,
	    int facility);
/* Timer and EV_WRITE in base; NULL detaches (before the base is freed). */
int	syslog_sock_attach(struct syslog_sock *, struct event_base *);
/*
 * Sends one message at priority pri (a severity, or'ed with a facility;
 * without one, the default facility).  false: lost and counted.
 */
bool	syslog_sock_send(struct syslog_sock *, int pri, const char *msg,
	    bool alert);
bool	syslog_sock_connected(const struct syslog_sock *);

#endif
