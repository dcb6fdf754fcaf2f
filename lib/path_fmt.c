/*
 * The path record of two-point mode as one JSON line ("type":"path"):
 * numbers and addresses only, so nothing needs escaping.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "community_id.h"
#include "event.h"
#include "path.h"
#include "timeunit.h"
#include "wbuf.h"

static const char *const dir_names[2] = { "orig", "resp" };

int
path_record_format_json(const struct path_record *r, char *buf, size_t size)
{
	char s[ADDR_STRLEN], d[ADDR_STRLEN], cid[COMMUNITY_ID_SIZE];
	struct wbuf b = WBUF_INIT(buf, size);

	if (size == 0)
		return -1;
	wbuf_printf(&b, "{\"type\":\"path\",\"ts_start\":%" PRIu64 ".%06" PRIu64
	    ",\"ts_end\":%" PRIu64 ".%06" PRIu64 ",\"proto\":\"tcp\","
	    "\"src\":\"%s\",\"sport\":%u,\"dst\":\"%s\",\"dport\":%u",
	    usec_sec_part(r->ts_start_us), usec_frac_part(r->ts_start_us),
	    usec_sec_part(r->ts_end_us), usec_frac_part(r->ts_end_us),
	    addr_format(&r->src, s, sizeof(s)), r->sport,
	    addr_format(&r->dst, d, sizeof(d)), r->dport);
	if (r->nat)
		wbuf_printf(&b, ",\"b_src\":\"%s\",\"b_sport\":%u,"
		    "\"b_dst\":\"%s\",\"b_dport\":%u",
		    addr_format(&r->b_src, s, sizeof(s)), r->b_sport,
		    addr_format(&r->b_dst, d, sizeof(d)), r->b_dport);
	wbuf_printf(&b, ",\"pkts_a\":%" PRIu64 ",\"pkts_b\":%" PRIu64,
	    r->pkts_a, r->pkts_b);
	for (int i = 0; i < 2; i++)
		wbuf_printf(&b, ",\"matched_%s\":%u,\"lost_%s\":%u,"
		    "\"injected_%s\":%u,\"reordered_%s\":%u",
		    dir_names[i], r->matched[i], dir_names[i], r->lost[i],
		    dir_names[i], r->injected[i], dir_names[i],
		    r->reordered[i]);
	for (int i = 0; i < 2; i++)
		if (r->has_delay[i])
			wbuf_printf(&b, ",\"delay_%s_median_us\":%" PRId64
			    ",\"delay_%s_max_us\":%" PRId64, dir_names[i],
			    r->delay_median_us[i], dir_names[i],
			    r->delay_max_us[i]);
	if (community_id(&r->src, &r->dst, PKT_PROTO_TCP, r->sport, r->dport,
	    COMMUNITY_ID_SEED, cid) == 0)
		wbuf_printf(&b, ",\"community_id\":\"%s\"", cid);
	wbuf_printf(&b, "}");
	return wbuf_finish(&b);
}

/* path_altered: what a change= value names. */
static const char *
change_noun(const char *what)
{
	static const char *const nouns[][2] = {
		{ "nat", "addresses and ports (NAT)" },
		{ "seq", "sequence numbers (ISN)" },
		{ "mss", "MSS option" },
		{ "wscale", "window scale option" },
		{ "sack", "SACK-permitted option" },
		{ "timestamps", "timestamps option" },
		{ "dscp", "DSCP" },
		{ "ecn", "ECN field" },
		{ "payload", "payload (hash of the first 16 bytes)" },
	};

	if (what == NULL)
		return "a field";
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (strcmp(nouns[i][0], what) == 0)
			return nouns[i][1];
	return what;
}

static const char *
packet_noun(const char *what)
{
	static const char *const nouns[][2] = {
		{ "syn", "SYN" }, { "synack", "SYN-ACK" }, { "fin", "FIN" },
		{ "rst", "RST" }, { "data", "data" },
	};

	if (what == NULL)
		return "packet";
	for (size_t i = 0; i < sizeof(nouns) / sizeof(nouns[0]); i++)
		if (strcmp(nouns[i][0], what) == 0)
			return nouns[i][1];
	return what;
}

/*
 * In the words of the other kinds' sentences: what, whose, seen where
 * and not where, and what that means.
 */
void
path_event_sentence(const struct event *ev, char *buf, size_t size)
{
	const char *side = ev->by == SIDE_SRC ? "the originator" :
	    ev->by == SIDE_DST ? "the responder" : "one side";
	const char *hl = addr_is_v4(&ev->src) ? "TTL" : "hop limit";
	const char *here = ev->seen_at ? "b" : "a", *there = ev->seen_at ?
	    "a" : "b";
	char len[32] = "", ttl[48];
	struct wbuf b = WBUF_INIT(buf, size);

	if (size == 0)
		return;
	buf[0] = '\0';
	if (ev->len > 0)
		snprintf(len, sizeof(len), " (%u byte%s)", ev->len,
		    ev->len == 1 ? "" : "s");
	switch (ev->kind) {
	case EV_path_loss:
		wbuf_printf(&b, "%s%s sent by %s seen at point %s and never at "
		    "point %s: lost in the path between the two points",
		    packet_noun(ev->what), len, side, here, there);
		break;
	case EV_path_injected:
		if (ev->ttl != ev->expected_ttl)
			snprintf(ttl, sizeof(ttl), "%s %u where its packets "
			    "had %u", hl, ev->ttl, ev->expected_ttl);
		else
			snprintf(ttl, sizeof(ttl), "%s %u like its packets",
			    hl, ev->ttl);
		wbuf_printf(&b, "%s%s claiming to come from %s seen at point %s "
		    "with no counterpart at point %s (%s): injected by a "
		    "device in the path", packet_noun(ev->what), len, side,
		    here, there, ttl);
		break;
	default:
		wbuf_printf(&b, "%s of %s's packets changed between the two "
		    "points", change_noun(ev->what), side);
		if (ev->before != NULL && ev->after != NULL)
			wbuf_printf(&b, ": %s became %s", ev->before, ev->after);
		wbuf_printf(&b, " (rewritten by a device in the path)");
		break;
	}
	(void)wbuf_finish(&b);
}
