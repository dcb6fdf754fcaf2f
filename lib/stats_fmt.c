/*
 * The statistics lines (stats_fmt.h): "name=value" pairs picked from one
 * table, in the order each line has always had.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "stats_fmt.h"
#include "timeunit.h"
#include "wbuf.h"

enum stats_unit {
	UNIT_COUNT,
	UNIT_SECONDS		/* microseconds, said in seconds to 0.1 */
};

struct stats_key {
	const char	*name;
	size_t		 off;
	enum stats_unit	 unit;
};

#define KEY(name, field, unit) \
	{ name, offsetof(struct stats_counts, field), unit }

enum {
	K_PACKETS, K_RECEIVED, K_DROPPED, K_SKIPPED, K_TCP, K_UDP,
	K_ICMP_ERRORS, K_DUPLICATES, K_FLOWS, K_ACTIVE, K_MAX_ACTIVE,
	K_EVICTED, K_EXPIRED, K_ALERTS, K_SUPPRESSED, K_REOPENED, K_BLIND,
	K_FILTERED, K_WITHHELD, K_NKEYS
};

static const struct stats_key keys[K_NKEYS] = {
	[K_PACKETS] = KEY("packets", packets, UNIT_COUNT),
	[K_RECEIVED] = KEY("received", received, UNIT_COUNT),
	[K_DROPPED] = KEY("dropped", dropped, UNIT_COUNT),
	[K_SKIPPED] = KEY("skipped", skipped, UNIT_COUNT),
	[K_TCP] = KEY("tcp", tcp, UNIT_COUNT),
	[K_UDP] = KEY("udp", udp, UNIT_COUNT),
	[K_ICMP_ERRORS] = KEY("icmp_errors", icmp_errors, UNIT_COUNT),
	[K_DUPLICATES] = KEY("duplicates", duplicates, UNIT_COUNT),
	[K_FLOWS] = KEY("flows", flows, UNIT_COUNT),
	[K_ACTIVE] = KEY("active", active, UNIT_COUNT),
	[K_MAX_ACTIVE] = KEY("max_active", max_active, UNIT_COUNT),
	[K_EVICTED] = KEY("evicted", evicted, UNIT_COUNT),
	[K_EXPIRED] = KEY("expired", expired, UNIT_COUNT),
	[K_ALERTS] = KEY("alerts", alerts, UNIT_COUNT),
	[K_SUPPRESSED] = KEY("suppressed", suppressed, UNIT_COUNT),
	[K_REOPENED] = KEY("reopened", reopened, UNIT_COUNT),
	[K_BLIND] = KEY("blind", blind_us, UNIT_SECONDS),
	/*
	 * Two counts share the word: packets the live capture's filter
	 * rejected, and (-r) events and records the rules withheld.
	 */
	[K_FILTERED] = KEY("filtered", filtered, UNIT_COUNT),
	[K_WITHHELD] = KEY("filtered", withheld, UNIT_COUNT)
};

/* Each line's keys, in its order; -1 ends a list. */
static const int line_live[] = {
	K_PACKETS, K_RECEIVED, K_DROPPED, K_SKIPPED, K_FLOWS, K_ACTIVE,
	K_EVICTED, K_EXPIRED, K_ALERTS, K_SUPPRESSED, K_REOPENED, K_BLIND,
	K_FILTERED, -1
};
static const int line_status[] = {
	K_PACKETS, K_FLOWS, K_ACTIVE, K_ALERTS, K_DROPPED, -1
};
static const int line_files[] = {
	K_PACKETS, K_TCP, K_UDP, K_ICMP_ERRORS, K_DUPLICATES, K_FLOWS,
	K_MAX_ACTIVE, K_EXPIRED, K_EVICTED, K_ALERTS, K_WITHHELD, -1
};

void
stats_counts_from(struct stats_counts *sc, const struct analyzer_stats *st,
    const struct flow_table_stats *fs)
{
	sc->packets = st->packets;
	sc->skipped = 0;
	for (int r = 1; r < DECODE_NRESULTS; r++)
		sc->skipped += st->decode[r];
	sc->tcp = st->tcp;
	sc->udp = st->udp;
	sc->icmp_errors = st->icmp_errors;
	sc->duplicates = st->duplicates;
	sc->flows = fs->created;
	sc->active = fs->active;
	sc->max_active = fs->max_active;
	sc->evicted = fs->evicted;
	sc->expired = fs->expired;
}

static void
put_pairs(struct wbuf *w, const struct stats_counts *sc, const int *list)
{
	for (const int *k = list; *k != -1; k++) {
		const struct stats_key *key = &keys[*k];
		uint64_t v;

		memcpy(&v, (const char *)sc + key->off, sizeof(v));
		if (k != list)
			wbuf_putc(w, ' ');
		wbuf_puts(w, key->name);
		wbuf_putc(w, '=');
		if (key->unit == UNIT_SECONDS)
			wbuf_printf(w, "%.1fs", sec_from_usec(v));
		else
			wbuf_putu(w, v);
	}
}

int
stats_format(const struct stats_counts *sc, enum stats_line line, char *buf,
    size_t size)
{
	struct wbuf w = WBUF_INIT(buf, size);

	switch (line) {
	case STATS_LINE_LIVE:
		put_pairs(&w, sc, line_live);
		break;
	case STATS_LINE_STATUS:
		put_pairs(&w, sc, line_status);
		break;
	case STATS_LINE_FILES:
		put_pairs(&w, sc, line_files);
		break;
	case STATS_LINE_SUMMARY:
		wbuf_printf(&w, "%llu packets, %llu flows (%llu tcp, %llu udp "
		    "packets, %llu ICMP errors, %llu duplicates, %llu evicted)",
		    (unsigned long long)sc->packets,
		    (unsigned long long)sc->flows, (unsigned long long)sc->tcp,
		    (unsigned long long)sc->udp,
		    (unsigned long long)sc->icmp_errors,
		    (unsigned long long)sc->duplicates,
		    (unsigned long long)sc->evicted);
		break;
	}
	return wbuf_finish(&w);
}

int
stats_format_decode(enum decode_result r, uint64_t n, char *buf, size_t size)
{
	struct wbuf w = WBUF_INIT(buf, size);

	wbuf_printf(&w, "%s=%llu (%s)", decode_result_name(r),
	    (unsigned long long)n, decode_result_desc(r));
	return wbuf_finish(&w);
}
