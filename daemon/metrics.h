/*
 * The Prometheus endpoint (metrics.listen): libevent's HTTP server in the
 * capture's own loop, bounded so that no client can hold the loop or the
 * memory: see the limits below and rstwatchd(8).
 */
#ifndef RSTWATCHD_METRICS_H
#define RSTWATCHD_METRICS_H

#include <stddef.h>

#include "metrics_fmt.h"

/* Connections at once; more wait in the kernel's listen queue. */
#define METRICS_MAX_CONNECTIONS	16
/* A connection's whole life, whatever it sends: the slowloris bound. */
#define METRICS_DEADLINE_S	10
/* Idle time allowed between reads or writes. */
#define METRICS_IDLE_S		5
#define METRICS_MAX_HEADERS	8192	/* bytes of request line and headers */
#define METRICS_MAX_BODY	1024	/* bytes; GET and HEAD carry none */
/* Room for the text: it does not grow with traffic, only with the table. */
#define METRICS_TEXT_MAX	(128 * 1024)

struct event_base;
struct metrics_server;

/* Writes the text for one request; the length, or -1 if it did not fit. */
typedef int	metrics_render_fn(void *arg, const struct metrics_http *,
		    char *buf, size_t size);

/*
 * Listens on listen ("ADDRESS:PORT", checked by conf_check_listen); NULL
 * (logged) when the address cannot be bound.
 */
struct metrics_server *metrics_open(struct event_base *, const char *listen,
	    metrics_render_fn *, void *arg);
void	metrics_close(struct metrics_server *);
const char *metrics_listen(const struct metrics_server *);

#endif
