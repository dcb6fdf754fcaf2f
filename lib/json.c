/*
 * JSON lines (rstwatchd(8) JSON OUTPUT): events with the keys of the
 * syslog line plus "ts", and flow records.  One object per line, so
 * nothing written here may contain a raw newline, and every string is
 * escaped to plain ASCII.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "community_id.h"
#include "decode.h"
#include "event.h"
#include "pkt.h"
#include "timeunit.h"
#include "wbuf.h"

static void	jb_string(struct wbuf *, const char *);
static void	jb_time(struct wbuf *, uint64_t);
static void	jb_key(struct wbuf *, const char *);
static void	jb_kv_str(struct wbuf *, const char *, const char *);
static void	jb_kv_u64(struct wbuf *, const char *, uint64_t);
static void	json_field(void *, const char *, const char *, uint64_t);
static void	jb_tunnels(struct wbuf *, const struct pkt_tunnel *, unsigned);

/* What the event's fields are written with: the event for the tunnel. */
struct json_event {
	struct wbuf	*j;
	const struct event *ev;
};

/*
 * RFC 8259 section 7.  Bytes from 0x7f up are escaped too: the only
 * strings with such bytes are interface names, which need not be UTF-8,
 * and a line that is not valid UTF-8 is not valid JSON.  Each such byte
 * becomes the code point of the same value (as Latin-1 would read it),
 * which keeps the line readable and the original bytes recoverable.
 */
static void
jb_string(struct wbuf *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p;

	wbuf_putc(j, '"');
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		const unsigned char *run = p;

		/* Most bytes need no escape: copy them a run at a time. */
		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			wbuf_write(j, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':
			wbuf_puts(j, "\\\"");
			break;
		case '\\':
			wbuf_puts(j, "\\\\");
			break;
		case '\n':
			wbuf_puts(j, "\\n");
			break;
		case '\t':
			wbuf_puts(j, "\\t");
			break;
		case '\r':
			wbuf_puts(j, "\\r");
			break;
		case '\b':
			wbuf_puts(j, "\\b");
			break;
		case '\f':
			wbuf_puts(j, "\\f");
			break;
		default:
			if (*p < 0x20 || *p >= 0x7f) {
				wbuf_puts(j, "\\u00");
				wbuf_putc(j, hex[*p >> 4]);
				wbuf_putc(j, hex[*p & 0xf]);
			} else
				wbuf_putc(j, (char)*p);
			break;
		}
	}
	wbuf_putc(j, '"');
}

/*
 * Seconds with exactly six decimals, from integers: a double has too few
 * digits to hold today's times to the microsecond.
 */
static void
jb_time(struct wbuf *j, uint64_t ts_us)
{
	wbuf_putu(j, ts_us / USEC_PER_SEC);
	wbuf_putc(j, '.');
	wbuf_putu_width(j, ts_us % USEC_PER_SEC, 6);
}

/* Every key but the first follows a comma; the '{' is the first byte. */
static void
jb_key(struct wbuf *j, const char *key)
{
	/* Keys are this file's own constants: nothing to escape. */
	if (j->len > 1)
		wbuf_putc(j, ',');
	wbuf_putc(j, '"');
	wbuf_puts(j, key);
	wbuf_write(j, "\":", 2);
}

static void
jb_kv_str(struct wbuf *j, const char *key, const char *val)
{
	jb_key(j, key);
	jb_string(j, val);
}

static void
jb_kv_u64(struct wbuf *j, const char *key, uint64_t val)
{
	jb_key(j, key);
	wbuf_putu(j, val);
}

/*
 * rstwatchd(8) JSON OUTPUT: one object per layer, {"type","src","dst"} and the
 * identifier under its own name (vni, key, teid, session); a list of them,
 * outermost first, when the flow was nested in more than one.
 */
static void
jb_tunnels(struct wbuf *j, const struct pkt_tunnel *t, unsigned n)
{
	char a[ADDR_STRLEN];

	jb_key(j, "tunnel");
	if (n > 1)
		wbuf_putc(j, '[');
	for (unsigned i = 0; i < n; i++) {
		if (i > 0)
			wbuf_putc(j, ',');
		wbuf_puts(j, "{\"type\":");
		jb_string(j, decode_tunnel_name(t[i].type));
		wbuf_puts(j, ",\"src\":");
		jb_string(j, addr_format(&t[i].src, a, sizeof(a)));
		wbuf_puts(j, ",\"dst\":");
		jb_string(j, addr_format(&t[i].dst, a, sizeof(a)));
		if (t[i].has_id) {
			wbuf_puts(j, ",\"");
			wbuf_puts(j, decode_tunnel_id_name(t[i].type));
			wbuf_puts(j, "\":");
			wbuf_putu(j, t[i].id);
		}
		wbuf_putc(j, '}');
	}
	if (n > 1)
		wbuf_putc(j, ']');
}

static void
json_field(void *arg, const char *key, const char *str, uint64_t num)
{
	struct json_event *je = arg;
	struct wbuf *j = je->j;

	/* The text form of the tunnel is for the syslog line. */
	if (strcmp(key, "tunnel") == 0)
		jb_tunnels(j, je->ev->tunnels, je->ev->ntunnels);
	else if (str != NULL)
		jb_kv_str(j, key, str);
	else
		jb_kv_u64(j, key, num);
}

int
event_format_json(const struct event *ev, char *buf, size_t size)
{
	struct wbuf j = WBUF_INIT(buf, size);
	struct json_event je = { &j, ev };

	wbuf_putc(&j, '{');
	jb_key(&j, "ts");
	jb_time(&j, ev->ts_us);
	event_format_fields(ev, json_field, &je);
	wbuf_putc(&j, '}');
	return wbuf_finish(&j);
}

int
flow_record_format_json(const struct flow_record *fr, char *buf, size_t size)
{
	struct wbuf j = WBUF_INIT(buf, size);
	char a[ADDR_STRLEN], pbuf[8], cid[COMMUNITY_ID_SIZE];
	const char *proto;

	if (fr->proto == PKT_PROTO_TCP)
		proto = "tcp";
	else if (fr->proto == PKT_PROTO_UDP)
		proto = "udp";
	else {
		snprintf(pbuf, sizeof(pbuf), "%u", (unsigned)fr->proto);
		proto = pbuf;
	}

	wbuf_putc(&j, '{');
	jb_kv_str(&j, "type", "flow");
	jb_key(&j, "ts_start");
	jb_time(&j, fr->ts_start_us);
	jb_key(&j, "ts_end");
	jb_time(&j, fr->ts_end_us);
	jb_kv_str(&j, "proto", proto);
	jb_kv_str(&j, "src", addr_format(&fr->src, a, sizeof(a)));
	jb_kv_u64(&j, "sport", fr->sport);
	jb_kv_str(&j, "dst", addr_format(&fr->dst, a, sizeof(a)));
	jb_kv_u64(&j, "dport", fr->dport);
	if (fr->ntunnels > 0)
		jb_tunnels(&j, fr->tunnels, fr->ntunnels);
	jb_kv_u64(&j, "pkts_orig", fr->pkts_orig);
	jb_kv_u64(&j, "pkts_resp", fr->pkts_resp);
	jb_kv_u64(&j, "bytes_orig", fr->bytes_orig);
	jb_kv_u64(&j, "bytes_resp", fr->bytes_resp);
	if (fr->proto == PKT_PROTO_TCP) {
		jb_kv_u64(&j, "syn_retransmits", fr->syn_retransmits);
		jb_kv_u64(&j, "synack_retransmits", fr->synack_retransmits);
		jb_kv_u64(&j, "retransmits_orig", fr->retransmits_orig);
		jb_kv_u64(&j, "retransmits_resp", fr->retransmits_resp);
		jb_kv_u64(&j, "rst_orig", fr->rst_orig);
		jb_kv_u64(&j, "rst_resp", fr->rst_resp);
		jb_kv_u64(&j, "seq_anomalies", fr->seq_anomalies);
		jb_kv_u64(&j, "keepalives", fr->keepalives);
		jb_kv_u64(&j, "window_probes", fr->window_probes);
		jb_kv_u64(&j, "out_of_order", fr->out_of_order);
		jb_kv_u64(&j, "duplicates", fr->duplicates);
	}
	jb_kv_u64(&j, "icmp_unreachables", fr->icmp_unreachables);
	jb_kv_str(&j, "conn_state", conn_state_name(fr->conn_state));
	jb_kv_str(&j, "close", close_reason_name(fr->close));
	/* Last, as rstwatchd(8) JSON OUTPUT shows it; worked out only now. */
	if (community_id(&fr->src, &fr->dst, fr->proto, fr->sport, fr->dport,
	    COMMUNITY_ID_SEED, cid) == 0)
		jb_kv_str(&j, "community_id", cid);
	wbuf_putc(&j, '}');
	return wbuf_finish(&j);
}
