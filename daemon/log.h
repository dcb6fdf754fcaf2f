/*
 * Diagnostics of the program itself (not alerts: those go through sinks).
 * To stderr until log_to_syslog() is called, then to syslog.
 */
#ifndef RSTWATCHD_LOG_H
#define RSTWATCHD_LOG_H

#include <stdarg.h>

void	log_init(int verbose);
void	log_to_syslog(const char *ident, int facility);
int	log_verbosity(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* At err level, from a caller that formats its own "file:line:col: msg". */
void	log_errx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
void	fatalx(int, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

#endif
