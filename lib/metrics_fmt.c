/*
 * Names follow the Prometheus conventions (and node_exporter's): one
 * prefix, base units (seconds), counters end in _total, every family has
 * its HELP and TYPE.  Labels carry only bounded sets (kinds, severities,
 * reasons, configured interfaces, outputs); addresses and ports appear
 * only in the opt-in top table, whose size the configuration caps.
 */
#include <stdio.h>
#include <string.h>

#include "decode.h"
#include "metrics_fmt.h"
#include "timeunit.h"
#include "wbuf.h"

static void
family(struct wbuf *o, const char *name, const char *type, const char *help)
{
	wbuf_printf(o, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value: backslash, double quote and newline escaped. */
static void
put_label(struct wbuf *o, const char *v)
{
	for (; *v != '\0' && o->len < o->size; v++) {
		if (*v == '\\' || *v == '"')
			wbuf_printf(o, "\\%c", *v);
		else if (*v == '\n')
			wbuf_printf(o, "\\n");
		else
			wbuf_printf(o, "%c", *v);
	}
}

/* A family of one sample without labels. */
static void
put_metric(struct wbuf *o, const char *name, const char *type,
    const char *help, uint64_t v)
{
	family(o, name, type, help);
	wbuf_printf(o, "%s %llu\n", name, (unsigned long long)v);
}

static void
put_seconds(struct wbuf *o, const char *name, uint64_t us)
{
	wbuf_printf(o, "%s %llu.%06llu\n", name,
	    (unsigned long long)usec_sec_part(us),
	    (unsigned long long)usec_frac_part(us));
}

static void
format_events(struct wbuf *o, const struct metrics_view *v)
{
	static const struct {
		const char *name, *help;
	} fam[2] = {
		{ "rstwatchd_events_total", "Events detected and admitted "
		    "by the rules (enabled, not ignored), before the cooldown." },
		{ "rstwatchd_alerts_total", "Alerts sent to the outputs: "
		    "the events the cooldown let through." }
	};

	for (int f = 0; f < 2; f++) {
		family(o, fam[f].name, "counter", fam[f].help);
		for (int k = 0; k < EV_NKINDS; k++) {
			for (int s = 0; s < TALLY_NSEV; s++) {
				uint64_t n = f == 0 ? v->m->events[k][s] :
				    v->m->alerts[k][s];

				/*
				 * The configured severity always has its
				 * series, so that a query finds a zero.
				 */
				if (n == 0 && (int)v->severity[k] != s)
					continue;
				wbuf_printf(o,
				    "%s{kind=\"%s\",severity=\"%s\"} %llu\n",
				    fam[f].name, event_kind_name(k),
				    severity_name(s), (unsigned long long)n);
			}
		}
	}
	family(o, "rstwatchd_alerts_suppressed_total", "counter",
	    "Alerts held back by the cooldown (reported later as suppressed=N).");
	for (int k = 0; k < EV_NKINDS; k++)
		wbuf_printf(o,
		    "rstwatchd_alerts_suppressed_total{kind=\"%s\"} %llu\n",
		    event_kind_name(k), (unsigned long long)v->m->suppressed[k]);
	put_metric(o, "rstwatchd_events_filtered_total", "counter",
	    "Events dropped by the rules: disabled kinds, ignore lists.",
	    v->filtered);
	family(o, "rstwatchd_alerts_undelivered_total", "counter",
	    "Alerts an output could not deliver (queue full, output away).");
	for (size_t i = 0; i < v->noutputs; i++) {
		wbuf_printf(o, "rstwatchd_alerts_undelivered_total{output=\"");
		put_label(o, v->outputs[i].name);
		wbuf_printf(o, "\"} %llu\n",
		    (unsigned long long)v->outputs[i].lost);
	}
}

static void
format_capture(struct wbuf *o, const struct metrics_view *v)
{
	static const struct {
		const char *name, *type, *help;
	} fam[3] = {
		{ "rstwatchd_capture_up", "gauge",
		    "1 while the interface is captured, 0 while waiting for it." },
		{ "rstwatchd_packets_received_total", "counter",
		    "Packets the kernel passed the capture filter (pcap_stats)." },
		{ "rstwatchd_packets_dropped_total", "counter",
		    "Packets the kernel dropped: no room in the capture buffer." }
	};

	for (int f = 0; f < 3; f++) {
		family(o, fam[f].name, fam[f].type, fam[f].help);
		for (size_t i = 0; i < v->nifaces; i++) {
			const struct metrics_iface *c = &v->ifaces[i];
			uint64_t n = f == 0 ? c->up : f == 1 ? c->received :
			    c->dropped;

			wbuf_printf(o, "%s{interface=\"", fam[f].name);
			put_label(o, c->name);
			wbuf_printf(o, "\"} %llu\n", (unsigned long long)n);
		}
	}
	put_metric(o, "rstwatchd_packets_analyzed_total", "counter",
	    "Packets handed to the analyser.", v->an->packets);
	family(o, "rstwatchd_decode_failures_total", "counter",
	    "Packets not analysed, by what the decoder found.");
	for (int r = 1; r < DECODE_NRESULTS; r++)
		wbuf_printf(o,
		    "rstwatchd_decode_failures_total{reason=\"%s\"} %llu\n",
		    decode_result_name(r), (unsigned long long)v->an->decode[r]);
}

static void
format_flows(struct wbuf *o, const struct metrics_view *v)
{
	put_metric(o, "rstwatchd_flows_active", "gauge",
	    "Flows in the table.", v->flows->active);
	put_metric(o, "rstwatchd_flows_max", "gauge",
	    "Size of the flow table (flows.max_flows).", v->max_flows);
	put_metric(o, "rstwatchd_flows_created_total", "counter",
	    "Flows created.", v->flows->created);
	put_metric(o, "rstwatchd_flows_evicted_total", "counter",
	    "Flows evicted to make room in a full table.", v->flows->evicted);
	put_metric(o, "rstwatchd_flows_expired_total", "counter",
	    "Flows ended by their idle timeout.", v->flows->expired);
}

/* Biggest first: a reader sees the worst service on top. */
static void
format_top(struct wbuf *o, const struct tally *m)
{
	uint32_t order[CONF_TOP_SERVICES_MAX];

	for (uint32_t i = 0; i < m->ntop; i++) {
		uint32_t j = i;

		while (j > 0 && m->top[order[j - 1]].failures < m->top[i].failures) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	family(o, "rstwatchd_service_failures_total", "counter",
	    "Events per service (responder address and port) for the services "
	    "that fail most (metrics.top_services); a service pushed out of "
	    "the table starts again from 1.");
	for (uint32_t i = 0; i < m->ntop; i++) {
		const struct tally_service *s = &m->top[order[i]];
		char a[ADDR_STRLEN];

		wbuf_printf(o, "rstwatchd_service_failures_total{proto=\"%s\","
		    "address=\"%s\",port=\"%u\"} %llu\n",
		    s->proto == 17 ? "udp" : "tcp",
		    addr_format(&s->addr, a, sizeof(a)), s->port,
		    (unsigned long long)s->failures);
	}
	put_metric(o, "rstwatchd_service_evictions_total", "counter",
	    "Services pushed out of the full top table by a new one.",
	    m->top_evicted);
}

static void
format_process(struct wbuf *o, const struct metrics_view *v)
{
	const struct tally *m = v->m;

	family(o, "rstwatchd_build_info", "gauge",
	    "Always 1; the version is in the label.");
	wbuf_printf(o, "rstwatchd_build_info{version=\"");
	put_label(o, v->version);
	wbuf_printf(o, "\"} 1\n");
	family(o, "rstwatchd_start_time_seconds", "gauge",
	    "When the daemon started, in seconds since the epoch.");
	put_seconds(o, "rstwatchd_start_time_seconds", v->start_us);
	family(o, "rstwatchd_config_reloads_total", "counter",
	    "Configuration reloads (SIGHUP), by result.");
	wbuf_printf(o,
	    "rstwatchd_config_reloads_total{result=\"success\"} %llu\n",
	    (unsigned long long)m->reloads_ok);
	wbuf_printf(o,
	    "rstwatchd_config_reloads_total{result=\"failure\"} %llu\n",
	    (unsigned long long)m->reloads_failed);
	put_metric(o, "rstwatchd_config_last_reload_successful", "gauge",
	    "1 if the last reload succeeded (or none was tried), 0 if it failed.",
	    m->last_reload_ok ? 1 : 0);
	family(o, "rstwatchd_config_last_reload_success_timestamp_seconds",
	    "gauge", "When the running configuration was loaded.");
	put_seconds(o, "rstwatchd_config_last_reload_success_timestamp_seconds",
	    m->last_reload_ok_us);
	put_metric(o, "rstwatchd_metrics_connections_total", "counter",
	    "Connections accepted by this endpoint.", v->http.connections);
	put_metric(o, "rstwatchd_metrics_requests_total", "counter",
	    "Requests for /metrics answered.", v->http.requests);
	put_metric(o, "rstwatchd_metrics_deadline_closed_total", "counter",
	    "Connections closed because they outlived the connection deadline.",
	    v->http.deadline_closed);
	put_metric(o, "rstwatchd_metrics_connection_limit_total", "counter",
	    "Times the connection limit was reached (new ones wait).",
	    v->http.full);
}

int
metrics_format(const struct metrics_view *v, char *buf, size_t size)
{
	struct wbuf o = WBUF_INIT(buf, size);

	if (size > 0)
		buf[0] = '\0';
	format_process(&o, v);
	format_events(&o, v);
	format_capture(&o, v);
	format_flows(&o, v);
	if (v->m->top_cap > 0)
		format_top(&o, v->m);
	return wbuf_finish(&o);
}
