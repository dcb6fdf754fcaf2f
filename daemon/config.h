#ifndef RSTWATCHD_CONFIG_H
#define RSTWATCHD_CONFIG_H

#include <stdbool.h>

#include "conf.h"

#define CONFIG_DEFAULT_PATH	"/etc/rstwatch.yaml"

/*
 * Read and parse path into *out.  A missing file is the defaults when
 * missing_ok.  On any error every problem is logged as
 * "file:line:col: message" and *out is left as it was; returns -1.
 */
int	config_load(const char *path, bool missing_ok, struct conf *out);
/* net.ipv4.tcp_syn_retries, for thresholds.max_syn_retransmissions: auto. */
unsigned config_syn_retries(void);

#endif
