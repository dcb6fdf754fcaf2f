/*
 * /metrics over libevent's evhttp, in the capture's loop.  Nothing here
 * waits: evhttp reads and writes through buffers, and the text is written
 * in one pass over counters (no flow is visited), so a request costs the
 * same with a million flows as with none.
 *
 * evhttp bounds the header size and the idle time, but a client that
 * sends one byte every few seconds (slowloris) would keep a connection
 * for ever, and libevent 2.1 has no connection limit.  So every
 * connection is wrapped in a pass-through filter whose free callback
 * tells us when evhttp is done with it: that gives a count (the listener
 * pauses at the limit; the kernel queues the rest) and a deadline after
 * which the socket is shut down, which makes evhttp drop the connection.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>

#include "conf.h"
#include "log.h"
#include "metrics.h"

struct metrics_conn;

struct metrics_server {
	struct event_base *base;
	LIST_HEAD(, metrics_conn) conns;
	struct evhttp	*http;
	struct evconnlistener *listener;
	metrics_render_fn *render;
	void		*arg;
	char		*text;
	unsigned	 nconn;
	bool		 paused;	/* at the limit: not accepting */
	bool		 warned;	/* the text did not fit, said once */
	struct metrics_http stats;
	char		 listen[CONF_LISTEN_MAX];
};

/*
 * libevent frees a bufferevent, and so calls conn_free, from the loop
 * some time after evhttp let it go; by then the server may be closed
 * (reload, stop): metrics_close detaches every connection (srv NULL).
 */
struct metrics_conn {
	LIST_ENTRY(metrics_conn) entry;
	struct metrics_server *srv;
	struct bufferevent *under;	/* the socket */
	struct bufferevent *bev;	/* the filter evhttp uses */
	struct event	*deadline;
};

static void
conn_free(void *arg)
{
	struct metrics_conn *mc = arg;
	struct metrics_server *srv = mc->srv;

	event_free(mc->deadline);
	if (srv != NULL) {
		LIST_REMOVE(mc, entry);
		srv->nconn--;
		if (srv->paused && srv->nconn < METRICS_MAX_CONNECTIONS) {
			evconnlistener_enable(srv->listener);
			srv->paused = false;
		}
	}
	free(mc);
}

static void
conn_deadline(evutil_socket_t unused, short what, void *arg)
{
	struct metrics_conn *mc = arg;
	evutil_socket_t fd = bufferevent_getfd(mc->under);

	(void)unused;
	(void)what;
	if (mc->srv == NULL)
		return;
	/* evhttp sees the end of the stream and frees the connection. */
	if (fd != -1)
		(void)shutdown(fd, SHUT_RDWR);
	mc->srv->stats.deadline_closed++;
}

/* evhttp queued output: straight to the socket's buffer. */
static void
conn_output(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct metrics_conn *mc = arg;

	if (info->n_added > 0 && evbuffer_get_length(buf) > 0)
		evbuffer_add_buffer(bufferevent_get_output(mc->under), buf);
}

/* The socket's buffer went to the kernel: now evhttp may go on. */
static void
conn_sent(struct evbuffer *buf, const struct evbuffer_cb_info *info,
    void *arg)
{
	struct metrics_conn *mc = arg;

	if (info->n_deleted > 0 && evbuffer_get_length(buf) == 0)
		bufferevent_trigger(mc->bev, EV_WRITE,
		    BEV_TRIG_IGNORE_WATERMARKS | BEV_TRIG_DEFER_CALLBACKS);
}

/* evhttp's bufferevent for each accepted connection. */
static struct bufferevent *
conn_new(struct event_base *base, void *arg)
{
	struct metrics_server *srv = arg;
	struct timeval tv = { METRICS_DEADLINE_S, 0 };
	struct metrics_conn *mc;
	struct bufferevent *bev;

	if ((mc = calloc(1, sizeof(*mc))) == NULL)
		return NULL;
	mc->srv = srv;
	mc->under = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	mc->deadline = evtimer_new(base, conn_deadline, mc);
	if (mc->under == NULL || mc->deadline == NULL ||
	    evtimer_add(mc->deadline, &tv) == -1)
		goto fail;
	bev = bufferevent_filter_new(mc->under, NULL, NULL,
	    BEV_OPT_CLOSE_ON_FREE, conn_free, mc);
	if (bev == NULL)
		goto fail;
	mc->bev = bev;
	LIST_INSERT_HEAD(&srv->conns, mc, entry);
	srv->nconn++;
	if (evbuffer_add_cb(bufferevent_get_output(bev), conn_output, mc) == NULL ||
	    evbuffer_add_cb(bufferevent_get_output(mc->under), conn_sent,
	    mc) == NULL) {
		/* Frees mc too, through conn_free. */
		bufferevent_free(bev);
		return NULL;
	}
	srv->stats.connections++;
	if (srv->nconn >= METRICS_MAX_CONNECTIONS && !srv->paused) {
		evconnlistener_disable(srv->listener);
		srv->paused = true;
		srv->stats.full++;
	}
	return bev;
fail:
	if (mc->under != NULL)
		bufferevent_free(mc->under);
	if (mc->deadline != NULL)
		event_free(mc->deadline);
	free(mc);
	return NULL;
}

static void
serve(struct evhttp_request *req, void *arg)
{
	struct metrics_server *srv = arg;
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct evbuffer *out;
	int n;

	srv->stats.requests++;
	n = srv->render(srv->arg, &srv->stats, srv->text, METRICS_TEXT_MAX);
	if (n < 0) {
		if (!srv->warned)
			log_warnx("metrics: the text exceeds %d KiB; answering "
			    "500", METRICS_TEXT_MAX / 1024);
		srv->warned = true;
		evhttp_send_error(req, HTTP_INTERNAL, NULL);
		return;
	}
	if ((out = evbuffer_new()) == NULL ||
	    evbuffer_add(out, srv->text, (size_t)n) == -1) {
		if (out != NULL)
			evbuffer_free(out);
		evhttp_send_error(req, HTTP_SERVUNAVAIL, NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", METRICS_CONTENT_TYPE);
	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, HTTP_OK, "OK", out);
	evbuffer_free(out);
}

static void
not_found(struct evhttp_request *req, void *arg)
{
	(void)arg;
	evhttp_send_error(req, HTTP_NOTFOUND, NULL);
}

struct metrics_server *
metrics_open(struct event_base *base, const char *listen,
    metrics_render_fn *render, void *arg)
{
	struct metrics_server *srv;
	struct evhttp_bound_socket *sock;
	char host[CONF_LISTEN_MAX];
	const char *why;
	uint16_t port;

	if ((why = conf_check_listen(listen, host, sizeof(host), &port)) != NULL) {
		log_errx("metrics.listen %s: %s", listen, why);
		return NULL;
	}
	if ((srv = calloc(1, sizeof(*srv))) == NULL ||
	    (srv->text = malloc(METRICS_TEXT_MAX)) == NULL ||
	    (srv->http = evhttp_new(base)) == NULL) {
		log_errx("metrics: out of memory");
		goto fail;
	}
	LIST_INIT(&srv->conns);
	srv->base = base;
	srv->render = render;
	srv->arg = arg;
	snprintf(srv->listen, sizeof(srv->listen), "%s", listen);
	evhttp_set_bevcb(srv->http, conn_new, srv);
	evhttp_set_allowed_methods(srv->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_max_headers_size(srv->http, METRICS_MAX_HEADERS);
	evhttp_set_max_body_size(srv->http, METRICS_MAX_BODY);
	evhttp_set_timeout(srv->http, METRICS_IDLE_S);
	evhttp_set_default_content_type(srv->http, "text/plain; charset=utf-8");
	if (evhttp_set_cb(srv->http, "/metrics", serve, srv) != 0)
		goto fail;
	evhttp_set_gencb(srv->http, not_found, srv);
	errno = 0;
	if ((sock = evhttp_bind_socket_with_handle(srv->http, host, port)) == NULL) {
		log_errx("metrics.listen %s: cannot listen: %s", listen,
		    errno != 0 ? strerror(errno) : "address not available");
		goto fail;
	}
	srv->listener = evhttp_bound_socket_get_listener(sock);
	log_info("metrics on http://%s/metrics", listen);
	return srv;
fail:
	metrics_close(srv);
	return NULL;
}

void
metrics_close(struct metrics_server *srv)
{
	struct metrics_conn *mc;

	if (srv == NULL)
		return;
	while ((mc = LIST_FIRST(&srv->conns)) != NULL) {
		LIST_REMOVE(mc, entry);
		evtimer_del(mc->deadline);
		mc->srv = NULL;
	}
	if (srv->http != NULL)
		evhttp_free(srv->http);
	free(srv->text);
	free(srv);
}

const char *
metrics_listen(const struct metrics_server *srv)
{
	return srv->listen;
}
