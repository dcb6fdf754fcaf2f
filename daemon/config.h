#ifndef RSTWATCHD_CONFIG_H
#define RSTWATCHD_CONFIG_H

#include <stdbool.h>

#include "conf.h"

#define CONFIG_DEFAULT_PATH	"/etc/rstwatch.yaml"

/*
 * Read and parse path into *out.  A missing file is the defaults when
 * missing_ok, and *defaults says so.  Only a regular file is read.  On any
 * error every problem is logged as "file:line:col: message" and *out is
 * left as it was; returns -1.
 */
int	config_load(const char *path, bool missing_ok, struct conf *out,
	    bool *defaults);
/*
 * The command line's expression and-ed with capture.filter, in place;
 * both must have been compiled alone first (preflight_filter_alone), so
 * that neither can reach out of its parentheses.  -1 with err if too long.
 */
int	config_add_expression(struct conf *, const char *expr, char *err,
	    size_t errlen);
/*
 * -i: the command line's interfaces (n of them) instead of the file's;
 * nothing when n is 0.  At start and at every reload.
 */
void	config_set_interfaces(struct conf *, const char *const *ifaces, int n);
/* net.ipv4.tcp_syn_retries, for thresholds.max_syn_retransmissions: auto. */
unsigned config_syn_retries(void);

#endif
