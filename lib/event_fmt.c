/*
 * The syslog line of an event (rstwatchd(8) SYSLOG LINES), the human
 * sentence in its msg, and RFC 3339 timestamps.
 *
 * The keys of an event are produced in one place, event_format_fields(),
 * and written out by the text writer here and the JSON writer in json.c,
 * so that the two forms can never disagree on which keys an event has or
 * in what order.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "community_id.h"
#include "decode.h"
#include "event.h"
#include "icmp_const.h"
#include "pkt.h"
#include "timeunit.h"
#include "wbuf.h"

/* Room for any sentence, with the largest numbers and an IPv6 address. */
#define MSG_MAX		256
/* 2023-11-14T22:13:20.123456Z, without the NUL. */
#define RFC3339_LEN	27

static int	needs_quote(const char *, size_t *);
static void	text_field(void *, const char *, const char *, uint64_t);
static const char *proto_name(uint8_t, char *);
static const char *side_name(enum event_side);
static const char *side_noun(enum event_side);
static void	msg_times(struct wbuf *, uint32_t);
static const char *plural(uint64_t);
static void	icmp_msg(const struct event *, struct wbuf *);
static void	event_msg(const struct event *, char *, size_t);
static char	*put_2digits(char *, unsigned);
static void	civil_date(uint64_t, unsigned *, unsigned *, unsigned *);

/*
 * Interface names come from the system and can hold any byte but '/' and
 * whitespace; addresses and sentences are ours.  Anything that could end a
 * line, split a key=value pair or confuse a UTF-8 reader is quoted and
 * escaped, so that the line stays one line that parses the same way.
 * A table, because every byte of every value is looked up in it; NUL is
 * in both classes, which ends the scans.
 */
#define BYTE_QUOTE	0x1	/* a value holding it is quoted */
#define BYTE_ESCAPE	0x2	/* written as \" \\ or \xHH inside quotes */
static const unsigned char byte_class[256] = {
	[0x00 ... 0x1f] = BYTE_QUOTE | BYTE_ESCAPE,
	[' '] = BYTE_QUOTE,
	['"'] = BYTE_QUOTE | BYTE_ESCAPE,
	['='] = BYTE_QUOTE,
	['\\'] = BYTE_QUOTE | BYTE_ESCAPE,
	[0x7f ... 0xff] = BYTE_QUOTE | BYTE_ESCAPE,
};

/*
 * Whether s must be quoted: when it is empty or holds a byte of
 * BYTE_QUOTE.  If not, *len is its length, found on the way.
 */
static int
needs_quote(const char *s, size_t *len)
{
	const unsigned char *p = (const unsigned char *)s;

	while ((byte_class[*p] & BYTE_QUOTE) == 0)
		p++;
	*len = (size_t)(p - (const unsigned char *)s);
	return *p != '\0' || p == (const unsigned char *)s;
}

static void
text_field(void *arg, const char *key, const char *str, uint64_t num)
{
	static const char hex[] = "0123456789abcdef";
	struct wbuf *t = arg;
	const unsigned char *p, *run;
	size_t len;

	/* Every key but the first follows a blank. */
	if (t->len > 0)
		wbuf_putc(t, ' ');
	wbuf_puts(t, key);
	wbuf_putc(t, '=');
	if (str == NULL) {
		wbuf_putu(t, num);
		return;
	}
	if (!needs_quote(str, &len)) {
		wbuf_write(t, str, len);
		return;
	}
	/* Runs of plain bytes in one copy: a msg is mostly plain. */
	wbuf_putc(t, '"');
	p = (const unsigned char *)str;
	for (;;) {
		/* NUL is BYTE_ESCAPE too, which ends the run. */
		for (run = p; (byte_class[*p] & BYTE_ESCAPE) == 0; p++)
			;
		wbuf_write(t, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		wbuf_putc(t, '\\');
		if (*p == '"' || *p == '\\')
			wbuf_putc(t, (char)*p);
		else {
			wbuf_putc(t, 'x');
			wbuf_putc(t, hex[*p >> 4]);
			wbuf_putc(t, hex[*p & 0xf]);
		}
		p++;
	}
	wbuf_putc(t, '"');
}

int
event_format_text(const struct event *ev, char *buf, size_t size)
{
	struct wbuf t = WBUF_INIT(buf, size);

	event_format_fields(ev, text_field, &t);
	return wbuf_finish(&t);
}

/*
 * A protocol other than TCP and UDP is written as its number, in buf of
 * WBUF_DEC_MAX bytes.
 */
static const char *
proto_name(uint8_t proto, char *buf)
{
	if (proto == PKT_PROTO_TCP)
		return "tcp";
	if (proto == PKT_PROTO_UDP)
		return "udp";
	return wbuf_dec(proto, buf);
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

static void
msg_times(struct wbuf *t, uint32_t n)
{
	if (n == 1) {
		wbuf_puts(t, "once");
		return;
	}
	wbuf_putu(t, n);
	wbuf_puts(t, " times");
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
icmp_msg(const struct event *ev, struct wbuf *m)
{
	char rep[ADDR_STRLEN];
	const char *icmp, *what = NULL, *why = NULL;
	int v4, unreach;
	uint8_t code = ev->icmp_code;

	addr_format(&ev->reporter, rep, sizeof(rep));
	v4 = addr_is_v4(&ev->reporter);
	icmp = v4 ? "ICMP" : "ICMPv6";
	unreach = v4 ? ev->icmp_type == ICMP_UNREACH :
	    ev->icmp_type == ICMP6_DST_UNREACH;

	if (!unreach)
		what = NULL;
	else if ((v4 && code == ICMP_UNREACH_PORT) ||
	    (!v4 && code == ICMP6_DST_UNREACH_NOPORT)) {
		what = "port unreachable";
		why = ev->proto == PKT_PROTO_UDP ?
		    "nothing listens on the UDP port" :
		    "the port is closed or a firewall rejects the connection";
	} else if ((v4 && (code == ICMP_UNREACH_NET_PROHIB ||
	    code == ICMP_UNREACH_HOST_PROHIB ||
	    code == ICMP_UNREACH_FILTER_PROHIB)) ||
	    (!v4 && code == ICMP6_DST_UNREACH_ADMIN)) {
		what = "administratively prohibited";
		why = "a firewall filters this traffic";
	} else if (code == ICMP_UNREACH_NET) {
		/* ICMP6_DST_UNREACH_NOROUTE has the same value. */
		what = "network unreachable";
		why = "there is no route to the destination";
	} else if ((v4 && code == ICMP_UNREACH_HOST) ||
	    (!v4 && code == ICMP6_DST_UNREACH_ADDR)) {
		what = "host unreachable";
		why = "the destination host is down or cannot be reached";
	} else if (v4 && code == ICMP_UNREACH_PROTOCOL) {
		what = "protocol unreachable";
		why = ev->proto == PKT_PROTO_UDP ?
		    "the destination does not handle UDP" :
		    "the destination does not handle TCP";
	} else if (v4 && code == ICMP_UNREACH_NEEDFRAG) {
		/* RFC 1191: path MTU discovery depends on this one. */
		what = "fragmentation needed";
		why = "packets larger than the path MTU are dropped";
	}

	wbuf_puts(m, icmp);
	if (what != NULL) {
		wbuf_putc(m, ' ');
		wbuf_puts(m, what);
		wbuf_puts(m, " from ");
		wbuf_puts(m, rep);
		wbuf_puts(m, ": ");
		wbuf_puts(m, why);
	} else {
		wbuf_puts(m, " destination unreachable (type ");
		wbuf_putu(m, ev->icmp_type);
		wbuf_puts(m, " code ");
		wbuf_putu(m, code);
		wbuf_puts(m, ") from ");
		wbuf_puts(m, rep);
	}
}

/*
 * The sentence is cut to size - 1 bytes and NUL-terminated when it does
 * not fit, as snprintf() would.
 */
static void
event_msg(const struct event *ev, char *msg, size_t size)
{
	struct wbuf m = WBUF_INIT(msg, size);
	const char *why, *hl;

	if (ev->suppressed > 0) {
		wbuf_putu(&m, ev->suppressed);
		wbuf_puts(&m, " further ");
		wbuf_puts(&m, event_kind_name(ev->kind));
		wbuf_puts(&m, " alert");
		wbuf_puts(&m, plural(ev->suppressed));
		if (ev->has_flow)
			wbuf_puts(&m, " for this service");
		wbuf_puts(&m, ev->suppressed == 1 ? " was" : " were");
		wbuf_puts(&m, " suppressed during the cooldown");
		wbuf_finish(&m);
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
		wbuf_puts(&m, "SYN retransmitted ");
		msg_times(&m, ev->count);
		wbuf_puts(&m, " without a SYN-ACK: ");
		wbuf_puts(&m, why);
		break;
	case EV_synack_retransmit:
		wbuf_puts(&m, "SYN-ACK retransmitted ");
		msg_times(&m, ev->count);
		wbuf_puts(&m, ": the originator's final ACK is not arriving");
		break;
	case EV_syn_refused:
		wbuf_puts(&m, "connection refused: RST answered the SYN (port "
		    "closed or connection rejected)");
		break;
	case EV_data_retransmit:
		wbuf_puts(&m, side_noun(ev->by));
		wbuf_puts(&m, " retransmitted data ");
		msg_times(&m, ev->count);
		wbuf_puts(&m, " without acknowledgement: packets are being "
		    "lost in the path");
		break;
	case EV_loss_reset:
		wbuf_puts(&m, side_noun(ev->by));
		wbuf_puts(&m, " reset the connection while data was being "
		    "retransmitted: it gave up because of packet loss");
		break;
	case EV_app_reset:
		wbuf_puts(&m, side_noun(ev->by));
		wbuf_puts(&m, " reset the connection with no retransmission "
		    "outstanding: the application aborted it");
		break;
	case EV_rst_injected:
		if (ev->window_evidence) {
			wbuf_puts(&m, "RST with a sequence number outside the "
			    "receive window: probably injected by a device in "
			    "the path");
			break;
		}
		if (ev->ttl == ev->expected_ttl) {
			/* Proved late, by what followed (tcp.c). */
			wbuf_puts(&m, "RST followed by packets from ");
			wbuf_puts(&m, side_noun(ev->by));
			wbuf_puts(&m, " that the RST should have ended: "
			    "probably injected by a device in the path");
			break;
		}
		hl = addr_is_v4(&ev->src) ? "TTL" : "hop limit";
		wbuf_puts(&m, "RST with ");
		wbuf_puts(&m, hl);
		wbuf_putc(&m, ' ');
		wbuf_putu(&m, ev->ttl);
		wbuf_puts(&m, " where ");
		wbuf_puts(&m, side_noun(ev->by));
		wbuf_puts(&m, "'s packets had ");
		wbuf_puts(&m, hl);
		wbuf_putc(&m, ' ');
		wbuf_putu(&m, ev->expected_ttl);
		wbuf_puts(&m, ": probably injected by a device in the path");
		break;
	case EV_seq_anomaly:
		wbuf_putu(&m, ev->count);
		wbuf_puts(&m, " segment");
		wbuf_puts(&m, plural(ev->count));
		wbuf_puts(&m, " with sequence or acknowledgement numbers that "
		    "cannot belong to this connection: a device in the path "
		    "altered or replayed packets");
		break;
	case EV_icmp_unreachable:
		icmp_msg(ev, &m);
		break;
	case EV_capture_drop:
		wbuf_putu(&m, ev->count);
		wbuf_puts(&m, ev->count == 1 ? " packet was" : " packets were");
		wbuf_puts(&m, " dropped before rstwatchd could read ");
		wbuf_puts(&m, ev->count == 1 ? "it" : "them");
		wbuf_puts(&m, " (");
		wbuf_putu(&m, ev->received);
		wbuf_puts(&m, " received): the analysis of this interval is "
		    "incomplete");
		break;
	case EV_rst_rate:
		wbuf_putu(&m, ev->count);
		wbuf_puts(&m, " RST");
		wbuf_puts(&m, plural(ev->count));
		wbuf_puts(&m, " involving this service within ");
		wbuf_putu(&m, ev->window_s);
		wbuf_puts(&m, " second");
		wbuf_puts(&m, plural(ev->window_s));
		wbuf_puts(&m, ": its connections are being reset unusually "
		    "often");
		break;
	case EV_path_loss:
	case EV_path_injected:
	case EV_path_altered:
		/* Written by lib/path_fmt.c, which knows the two points. */
		wbuf_puts(&m, ev->sentence != NULL ? ev->sentence :
		    "the two vantage points disagree");
		break;
	default:
		wbuf_puts(&m, "unknown event kind ");
		wbuf_puti(&m, (int)ev->kind);
		break;
	}
	wbuf_finish(&m);
}

/*
 * Per layer: the longest type, two IPv6 addresses, "session=" and a 32-bit
 * number, with the separators.
 */
#define TUNNEL_TEXT_MAX	(PKT_MAX_TUNNELS * (8 + 2 * ADDR_STRLEN + 20) + 1)

int
tunnel_format_text(const struct pkt_tunnel *t, unsigned n, char *buf,
    size_t size)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	size_t len = 0;
	int w;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		if (t[i].has_id)
			w = snprintf(buf + len, size - len, "%s%s:%s>%s:%s=%u",
			    i > 0 ? "/" : "", decode_tunnel_name(t[i].type),
			    addr_format(&t[i].src, a, sizeof(a)),
			    addr_format(&t[i].dst, b, sizeof(b)),
			    decode_tunnel_id_name(t[i].type), t[i].id);
		else
			w = snprintf(buf + len, size - len, "%s%s:%s>%s",
			    i > 0 ? "/" : "", decode_tunnel_name(t[i].type),
			    addr_format(&t[i].src, a, sizeof(a)),
			    addr_format(&t[i].dst, b, sizeof(b)));
		if (w < 0 || (size_t)w >= size - len)
			return -1;
		len += (size_t)w;
	}
	return (int)len;
}

/*
 * The keys of rstwatchd(8) SYSLOG LINES in their order: kind severity,
 * the flow, the kind's own keys, capture_loss, evidence, iface,
 * community_id, msg.
 * The Community ID is worked out here, when a line is written, and not
 * per packet: only events that go out pay for the SHA-1.  Events about a
 * service (rst_rate, cooldown summaries) or about no flow have none.
 */
void
event_format_fields(const struct event *ev,
    void (*fn)(void *, const char *, const char *, uint64_t), void *arg)
{
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], rep[ADDR_STRLEN];
	char pbuf[WBUF_DEC_MAX], msg[MSG_MAX], cid[COMMUNITY_ID_SIZE];
	char tun[TUNNEL_TEXT_MAX];
	int summary = ev->suppressed > 0;

	fn(arg, "kind", event_kind_name(ev->kind), 0);
	fn(arg, "severity", severity_name(ev->severity), 0);

	if (ev->has_flow) {
		fn(arg, "proto", proto_name(ev->proto, pbuf), 0);
		/* A cooldown summary covers a service, not one flow. */
		if (ev->has_sport && !summary) {
			fn(arg, "src", addr_format(&ev->src, src, sizeof(src)),
			    0);
			fn(arg, "sport", NULL, ev->sport);
		}
		fn(arg, "dst", addr_format(&ev->dst, dst, sizeof(dst)), 0);
		fn(arg, "dport", NULL, ev->dport);
		if (ev->ntunnels > 0 && !summary &&
		    tunnel_format_text(ev->tunnels, ev->ntunnels, tun,
		    sizeof(tun)) >= 0)
			fn(arg, "tunnel", tun, 0);
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
		case EV_path_loss:
		case EV_path_injected:
			fn(arg, "by", side_name(ev->by), 0);
			if (ev->what != NULL)
				fn(arg, "what", ev->what, 0);
			fn(arg, "seq", NULL, ev->seq);
			if (ev->len > 0)
				fn(arg, "len", NULL, ev->len);
			if (ev->kind == EV_path_injected) {
				fn(arg, "ttl", NULL, ev->ttl);
				fn(arg, "expected_ttl", NULL, ev->expected_ttl);
				if (ev->has_ip_id) {
					fn(arg, "ip_id", NULL, ev->ip_id);
					fn(arg, "expected_ip_id", NULL,
					    ev->expected_ip_id);
				}
			}
			fn(arg, "seen_at", ev->seen_at ? "b" : "a", 0);
			break;
		case EV_path_altered:
			fn(arg, "by", side_name(ev->by), 0);
			if (ev->what != NULL)
				fn(arg, "change", ev->what, 0);
			if (ev->before != NULL)
				fn(arg, "before", ev->before, 0);
			if (ev->after != NULL)
				fn(arg, "after", ev->after, 0);
			break;
		default:
			break;
		}
		if (ev->capture_loss)
			fn(arg, "capture_loss", "yes", 0);
		if (ev->evidence != NULL)
			fn(arg, "evidence", ev->evidence, 0);
	}

	if (ev->iface != NULL)
		fn(arg, "iface", ev->iface, 0);
	if (ev->has_flow && ev->has_sport && !summary &&
	    community_id(&ev->src, &ev->dst, ev->proto, ev->sport, ev->dport,
	    COMMUNITY_ID_SEED, cid) == 0)
		fn(arg, "community_id", cid, 0);
	event_msg(ev, msg, sizeof(msg));
	fn(arg, "msg", msg, 0);
}

/* Two decimal digits of v (0 to 99), as "%02u" writes them. */
static char *
put_2digits(char *p, unsigned v)
{
	*p++ = (char)('0' + v / 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/*
 * Days since 1970-01-01 to a date of the proleptic Gregorian calendar,
 * which is what gmtime_r() gives and RFC 3339 means.  Counting years from
 * March 1 puts the leap day last, so that a year is 365 days plus the one
 * day that only some years have; the calendar then repeats every 400
 * years of 146097 days, made of three centuries of 36524 days and one of
 * 36525, each made of 4-year spans of 1461 days (the last one of a
 * century 1460 unless it is the fourth century).
 */
static void
civil_date(uint64_t days, unsigned *year, unsigned *month, unsigned *day)
{
	/* 1970-01-01 is day 719468 counted from 0000-03-01. */
	uint64_t z = days + 719468;
	unsigned era = (unsigned)(z / 146097), doe = (unsigned)(z % 146097);
	unsigned cent, doc, quad, doq, yoq, doy, mp;

	/* The last day of an era is the leap day of its fourth century. */
	cent = doe / 36524 < 3 ? doe / 36524 : 3;
	doc = doe - cent * 36524;
	quad = doc / 1461;
	doq = doc % 1461;
	/* And the last day of a 4-year span is its leap day. */
	yoq = doq / 365 < 3 ? doq / 365 : 3;
	doy = doq - yoq * 365;
	/*
	 * Months from March are 31 30 31 30 31 31 30 31 30 31 31 and what
	 * is left; (153 * mp + 2) / 5 is the day of the year each starts on.
	 */
	mp = (5 * doy + 2) / 153;
	*day = doy - (153 * mp + 2) / 5 + 1;
	*month = mp < 10 ? mp + 3 : mp - 9;
	*year = era * 400 + cent * 100 + quad * 4 + yoq + (*month <= 2);
}

/*
 * RFC 3339 in UTC with microseconds.  Years past 9999 have no RFC 3339
 * form and are refused like a buffer that is too small.  The date is
 * worked out here rather than by gmtime_r(), which takes glibc's time zone
 * lock on every call and, under a right/ zone, counts leap seconds: the
 * time of a packet would then depend on the host's TZ.
 */
int
format_rfc3339(uint64_t ts_us, char *buf, size_t size)
{
	struct wbuf w = WBUF_INIT(buf, size);
	char tmp[RFC3339_LEN], *p = tmp;
	uint64_t secs = ts_us / USEC_PER_SEC;
	unsigned year, month, day, sod;
	unsigned us = (unsigned)(ts_us % USEC_PER_SEC);

	if (size > 0)
		buf[0] = '\0';
	if (secs > (uint64_t)253402300799LL)	/* 9999-12-31T23:59:59Z */
		return -1;
	civil_date(secs / SEC_PER_DAY, &year, &month, &day);
	sod = (unsigned)(secs % SEC_PER_DAY);

	/* Digits in pairs: 4 times quicker than wbuf_putu_width() here. */
	p = put_2digits(p, year / 100);
	p = put_2digits(p, year % 100);
	*p++ = '-';
	p = put_2digits(p, month);
	*p++ = '-';
	p = put_2digits(p, day);
	*p++ = 'T';
	p = put_2digits(p, sod / 3600);
	*p++ = ':';
	p = put_2digits(p, sod / 60 % 60);
	*p++ = ':';
	p = put_2digits(p, sod % 60);
	*p++ = '.';
	p = put_2digits(p, us / 10000);
	p = put_2digits(p, us / 100 % 100);
	p = put_2digits(p, us % 100);
	*p++ = 'Z';
	wbuf_write(&w, tmp, RFC3339_LEN);
	return wbuf_finish(&w);
}
