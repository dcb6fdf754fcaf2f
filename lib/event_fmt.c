/*
 * The syslog line of an event (SPEC section 5), the human sentence in its
 * msg, and RFC 3339 timestamps.
 *
 * The keys of an event are produced in one place, event_format_fields(),
 * and written out by the text writer here and the JSON writer in json.c,
 * so that the two forms can never disagree on which keys an event has or
 * in what order.
 */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "pkt.h"

/* An output buffer that counts what did not fit instead of overflowing. */
struct tbuf {
	char	*buf;
	size_t	 size;
	size_t	 len;		/* bytes produced, written or not */
	int	 nkeys;
};

/* Room for any sentence, with the largest numbers and an IPv6 address. */
#define MSG_MAX		256

static void	tb_putc(struct tbuf *, char);
static void	tb_puts(struct tbuf *, const char *);
static int	tb_finish(struct tbuf *);
static int	needs_quote(const char *);
static void	text_field(void *, const char *, const char *, uint64_t);
static const char *proto_name(uint8_t, char *, size_t);
static const char *side_name(enum event_side);
static const char *side_noun(enum event_side);
static const char *times(uint32_t, char *, size_t);
static const char *plural(uint64_t);
static void	icmp_msg(const struct event *, char *, size_t);
static void	event_msg(const struct event *, char *, size_t);

static void
tb_putc(struct tbuf *t, char c)
{
	/* Keep the last byte for the NUL. */
	if (t->len + 1 < t->size)
		t->buf[t->len] = c;
	t->len++;
}

static void
tb_puts(struct tbuf *t, const char *s)
{
	while (*s != '\0')
		tb_putc(t, *s++);
}

static int
tb_finish(struct tbuf *t)
{
	if (t->size == 0)
		return -1;
	if (t->len >= t->size || t->len > INT_MAX) {
		t->buf[t->size - 1] = '\0';
		return -1;
	}
	t->buf[t->len] = '\0';
	return (int)t->len;
}

/*
 * Interface names come from the system and can hold any byte but '/' and
 * whitespace; addresses and sentences are ours.  Anything that could end a
 * line, split a key=value pair or confuse a UTF-8 reader is quoted and
 * escaped, so that the line stays one line that parses the same way.
 */
static int
needs_quote(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (*p == '\0')
		return 1;
	for (; *p != '\0'; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '=' ||
		    *p == '\\')
			return 1;
	return 0;
}

static void
text_field(void *arg, const char *key, const char *str, uint64_t num)
{
	static const char hex[] = "0123456789abcdef";
	struct tbuf *t = arg;
	const unsigned char *p;
	char nbuf[24];

	if (t->nkeys++ > 0)
		tb_putc(t, ' ');
	tb_puts(t, key);
	tb_putc(t, '=');
	if (str == NULL) {
		snprintf(nbuf, sizeof(nbuf), "%" PRIu64, num);
		tb_puts(t, nbuf);
		return;
	}
	if (!needs_quote(str)) {
		tb_puts(t, str);
		return;
	}
	tb_putc(t, '"');
	for (p = (const unsigned char *)str; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\') {
			tb_putc(t, '\\');
			tb_putc(t, (char)*p);
		} else if (*p < ' ' || *p >= 0x7f) {
			tb_putc(t, '\\');
			tb_putc(t, 'x');
			tb_putc(t, hex[*p >> 4]);
			tb_putc(t, hex[*p & 0xf]);
		} else
			tb_putc(t, (char)*p);
	}
	tb_putc(t, '"');
}

int
event_format_text(const struct event *ev, char *buf, size_t size)
{
	struct tbuf t = { buf, size, 0, 0 };

	event_format_fields(ev, text_field, &t);
	return tb_finish(&t);
}

/* A protocol other than TCP and UDP is written as its number. */
static const char *
proto_name(uint8_t proto, char *buf, size_t size)
{
	if (proto == PKT_PROTO_TCP)
		return "tcp";
	if (proto == PKT_PROTO_UDP)
		return "udp";
	snprintf(buf, size, "%u", (unsigned)proto);
	return buf;
}

static const char *
side_name(enum event_side side)
{
	switch (side) {
	case SIDE_SRC:
		return "src";
	case SIDE_DST:
		return "dst";
	default:
		return "unknown";
	}
}

static const char *
side_noun(enum event_side side)
{
	switch (side) {
	case SIDE_SRC:
		return "the originator";
	case SIDE_DST:
		return "the responder";
	default:
		return "one side";
	}
}

static const char *
times(uint32_t n, char *buf, size_t size)
{
	if (n == 1)
		return "once";
	snprintf(buf, size, "%" PRIu32 " times", n);
	return buf;
}

static const char *
plural(uint64_t n)
{
	return n == 1 ? "" : "s";
}

/*
 * ICMP destination unreachable (RFC 792 type 3, RFC 1812 section 5.2.7.1
 * for codes 9, 10 and 13) and ICMPv6 destination unreachable (RFC 4443
 * type 1).  The reporter's family tells which of the two it was.
 */
static void
icmp_msg(const struct event *ev, char *msg, size_t size)
{
	char rep[ADDR_STRLEN];
	const char *icmp, *what = NULL, *why = NULL;
	int v4, unreach;
	uint8_t code = ev->icmp_code;

	addr_format(&ev->reporter, rep, sizeof(rep));
	v4 = addr_is_v4(&ev->reporter);
	icmp = v4 ? "ICMP" : "ICMPv6";
	unreach = v4 ? ev->icmp_type == 3 : ev->icmp_type == 1;

	if (!unreach)
		what = NULL;
	else if ((v4 && code == 3) || (!v4 && code == 4)) {
		what = "port unreachable";
		why = ev->proto == PKT_PROTO_UDP ?
		    "nothing listens on the UDP port" :
		    "the port is closed or a firewall rejects the connection";
	} else if ((v4 && (code == 9 || code == 10 || code == 13)) ||
	    (!v4 && code == 1)) {
		what = "administratively prohibited";
		why = "a firewall filters this traffic";
	} else if (code == 0) {
		what = "network unreachable";
		why = "there is no route to the destination";
	} else if ((v4 && code == 1) || (!v4 && code == 3)) {
		what = "host unreachable";
		why = "the destination host is down or cannot be reached";
	} else if (v4 && code == 2) {
		what = "protocol unreachable";
		why = ev->proto == PKT_PROTO_UDP ?
		    "the destination does not handle UDP" :
		    "the destination does not handle TCP";
	} else if (v4 && code == 4) {
		/* RFC 1191: path MTU discovery depends on this one. */
		what = "fragmentation needed";
		why = "packets larger than the path MTU are dropped";
	}

	if (what != NULL)
		snprintf(msg, size, "%s %s from %s: %s", icmp, what, rep, why);
	else
		snprintf(msg, size, "%s destination unreachable (type %u "
		    "code %u) from %s", icmp, (unsigned)ev->icmp_type,
		    (unsigned)code, rep);
}

static void
event_msg(const struct event *ev, char *msg, size_t size)
{
	char tb[24];
	const char *why;

	if (ev->suppressed > 0) {
		snprintf(msg, size, "%" PRIu64 " further %s alert%s%s %s "
		    "suppressed during the cooldown", ev->suppressed,
		    event_kind_name(ev->kind), plural(ev->suppressed),
		    ev->has_flow ? " for this service" : "",
		    ev->suppressed == 1 ? "was" : "were");
		return;
	}

	switch (ev->kind) {
	case EV_syn_retransmit:
		if (ev->listening == TRI_YES)
			why = "the port is listening, so a local firewall "
			    "drops it";
		else if (ev->listening == TRI_NO)
			why = "nothing listens on the port and no RST was "
			    "sent, so a local firewall drops it";
		else
			why = "lost in the path or dropped at the destination";
		snprintf(msg, size, "SYN retransmitted %s without a SYN-ACK: "
		    "%s", times(ev->count, tb, sizeof(tb)), why);
		break;
	case EV_synack_retransmit:
		snprintf(msg, size, "SYN-ACK retransmitted %s: the "
		    "originator's final ACK is not arriving",
		    times(ev->count, tb, sizeof(tb)));
		break;
	case EV_syn_refused:
		snprintf(msg, size, "connection refused: RST answered "
		    "the SYN (port closed or connection rejected)");
		break;
	case EV_data_retransmit:
		snprintf(msg, size, "%s retransmitted data %s without "
		    "acknowledgement: packets are being lost in the path",
		    side_noun(ev->by), times(ev->count, tb, sizeof(tb)));
		break;
	case EV_loss_reset:
		snprintf(msg, size, "%s reset the connection while data was "
		    "being retransmitted: it gave up because of packet loss",
		    side_noun(ev->by));
		break;
	case EV_app_reset:
		snprintf(msg, size, "%s reset the connection with no "
		    "retransmission outstanding: the application aborted it",
		    side_noun(ev->by));
		break;
	case EV_rst_injected:
		if (ev->window_evidence)
			snprintf(msg, size, "RST with a sequence number "
			    "outside the receive window: probably injected by "
			    "a device in the path");
		else {
			const char *hl = addr_is_v4(&ev->src) ?
			    "TTL" : "hop limit";

			snprintf(msg, size, "RST with %s %u where %s's "
			    "packets had %s %u: probably injected by a device "
			    "in the path", hl, (unsigned)ev->ttl,
			    side_noun(ev->by), hl, (unsigned)ev->expected_ttl);
		}
		break;
	case EV_seq_anomaly:
		snprintf(msg, size, "%" PRIu32 " segment%s with sequence or "
		    "acknowledgement numbers that cannot belong to this "
		    "connection: a device in the path altered or replayed "
		    "packets", ev->count, plural(ev->count));
		break;
	case EV_icmp_unreachable:
		icmp_msg(ev, msg, size);
		break;
	case EV_capture_drop:
		snprintf(msg, size, "%" PRIu32 " packet%s dropped before "
		    "rstwatchd could read %s (%" PRIu64 " received): the "
		    "analysis of this interval is incomplete", ev->count,
		    ev->count == 1 ? " was" : "s were",
		    ev->count == 1 ? "it" : "them", ev->received);
		break;
	case EV_rst_rate:
		snprintf(msg, size, "%" PRIu32 " RST%s involving this service "
		    "within %" PRIu32 " second%s: its connections are being "
		    "reset unusually often", ev->count, plural(ev->count),
		    ev->window_s, plural(ev->window_s));
		break;
	default:
		snprintf(msg, size, "unknown event kind %d", (int)ev->kind);
		break;
	}
}

/*
 * The keys of SPEC section 5 in their order: kind severity, the flow,
 * the kind's own keys, capture_loss, iface, msg.
 */
void
event_format_fields(const struct event *ev,
    void (*fn)(void *, const char *, const char *, uint64_t), void *arg)
{
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], rep[ADDR_STRLEN];
	char pbuf[8], msg[MSG_MAX];
	int summary = ev->suppressed > 0;

	fn(arg, "kind", event_kind_name(ev->kind), 0);
	fn(arg, "severity", severity_name(ev->severity), 0);

	if (ev->has_flow) {
		fn(arg, "proto", proto_name(ev->proto, pbuf, sizeof(pbuf)), 0);
		/* A cooldown summary covers a service, not one flow. */
		if (ev->has_sport && !summary) {
			fn(arg, "src", addr_format(&ev->src, src, sizeof(src)),
			    0);
			fn(arg, "sport", NULL, ev->sport);
		}
		fn(arg, "dst", addr_format(&ev->dst, dst, sizeof(dst)), 0);
		fn(arg, "dport", NULL, ev->dport);
	}

	if (summary)
		fn(arg, "suppressed", NULL, ev->suppressed);
	else {
		switch (ev->kind) {
		case EV_syn_retransmit:
			fn(arg, "syn_retransmits", NULL, ev->count);
			fn(arg, "threshold", NULL, ev->threshold);
			if (ev->listening != TRI_UNKNOWN)
				fn(arg, "listening",
				    ev->listening == TRI_YES ? "yes" : "no", 0);
			break;
		case EV_synack_retransmit:
			fn(arg, "synack_retransmits", NULL, ev->count);
			fn(arg, "threshold", NULL, ev->threshold);
			break;
		case EV_syn_refused:
		case EV_app_reset:
			fn(arg, "by", side_name(ev->by), 0);
			break;
		case EV_data_retransmit:
			fn(arg, "retransmits", NULL, ev->count);
			fn(arg, "threshold", NULL, ev->threshold);
			fn(arg, "seq", NULL, ev->seq);
			/* Who retransmits: the line would not say otherwise. */
			fn(arg, "by", side_name(ev->by), 0);
			break;
		case EV_loss_reset:
			fn(arg, "by", side_name(ev->by), 0);
			fn(arg, "retransmits", NULL, ev->count);
			break;
		case EV_rst_injected:
			fn(arg, "by", side_name(ev->by), 0);
			if (ev->window_evidence) {
				fn(arg, "seq", NULL, ev->seq);
				fn(arg, "expected_seq", NULL, ev->expected_seq);
				fn(arg, "window", NULL, ev->window);
			} else {
				fn(arg, "ttl", NULL, ev->ttl);
				fn(arg, "expected_ttl", NULL, ev->expected_ttl);
			}
			break;
		case EV_seq_anomaly:
			fn(arg, "count", NULL, ev->count);
			break;
		case EV_icmp_unreachable:
			fn(arg, "icmp_type", NULL, ev->icmp_type);
			fn(arg, "icmp_code", NULL, ev->icmp_code);
			fn(arg, "reporter",
			    addr_format(&ev->reporter, rep, sizeof(rep)), 0);
			break;
		case EV_capture_drop:
			fn(arg, "dropped", NULL, ev->count);
			fn(arg, "received", NULL, ev->received);
			break;
		case EV_rst_rate:
			fn(arg, "count", NULL, ev->count);
			fn(arg, "window", NULL, ev->window_s);
			break;
		default:
			break;
		}
		if (ev->capture_loss)
			fn(arg, "capture_loss", "yes", 0);
	}

	if (ev->iface != NULL)
		fn(arg, "iface", ev->iface, 0);
	event_msg(ev, msg, sizeof(msg));
	fn(arg, "msg", msg, 0);
}

/*
 * RFC 3339 in UTC with microseconds.  Years past 9999 have no RFC 3339
 * form and are refused like a buffer that is too small.
 */
int
format_rfc3339(uint64_t ts_us, char *buf, size_t size)
{
	struct tm tm;
	time_t secs;
	int n;

	if (size > 0)
		buf[0] = '\0';
	if (ts_us / 1000000 > (uint64_t)253402300799LL)	/* 9999-12-31 */
		return -1;
	secs = (time_t)(ts_us / 1000000);
	if (gmtime_r(&secs, &tm) == NULL)
		return -1;
	n = snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (unsigned)(ts_us % 1000000));
	if (n < 0 || (size_t)n >= size)
		return -1;
	return n;
}
