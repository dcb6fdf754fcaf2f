/*
 * Diagnostics of the program itself (not alerts: those go through sinks).
 * To stderr until log_to_syslog() is called, then to syslog through our
 * own non-blocking client (syslog_sock.c), and to stderr as well when
 * someone is there to read it.
 */
#ifndef RSTWATCHD_LOG_H
#define RSTWATCHD_LOG_H

#include <stdarg.h>
#include <stdbool.h>

struct syslog_sock;

void	log_init(int verbose);
/*
 * Connects to /dev/log (or says it later); again on reload with a new
 * ident or facility: ident is copied.  foreground (-f): what syslog does
 * not get, and losses, are said on stderr too.
 */
void	log_to_syslog(const char *ident, int facility, bool foreground);
/* The client shared with the alert sinks; NULL when not logging to syslog. */
struct syslog_sock *log_syslog(void);
/* Start-up is over: errors are no longer copied to stderr for that reason. */
void	log_running(void);
/* Sends what is still queued (a short, bounded wait) and closes. */
void	log_close(void);
int	log_verbosity(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* At err level, from a caller that formats its own "file:line:col: msg". */
void	log_errx(const char *, ...) __attribute__((format(printf, 1, 2)));
/* On stderr only, and only in the foreground (-f) or with -v. */
void	log_foreground(const char *, ...) __attribute__((format(printf, 1, 2)));
/* An alert sent to syslog, on stderr too for a terminal or -v. */
void	log_echo(const char *);
/* What an output lost: a warning, and on stderr too in the foreground. */
void	log_loss(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	fatalx(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
