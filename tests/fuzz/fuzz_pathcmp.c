/*
 * libFuzzer target for two-point comparison (lib/path.c): two streams of
 * frames, one per vantage point, decoded and merged in time order the
 * way daemon/pathmode.c merges the two files, then compared.
 *
 * Input format (tests/fuzz/pair2seed.py writes it from a pcap pair):
 *
 *	byte 0		bit 0: raw IP frames, else Ethernet
 *			bits 1-2: matching window 1 ms, 1 s, 10 s or 60 s
 *			bit 3: a table of 8 flows instead of 64
 *	then frames	ctl, dt (2 bytes, big-endian), caplen (2 bytes),
 *			caplen bytes
 *	ctl		bit 0: the frame is point B's, else A's
 *			bits 1-2: dt counts microseconds, milliseconds,
 *			seconds, or goes back that many microseconds
 *
 * dt moves the clock of the frame's own point, so that the two streams
 * can be offset and out of order as real captures are.  Besides not
 * crashing, the target checks that every event and path record fits
 * the daemon's line buffer, has the length returned and is refused one
 * byte short, and that the statistics add up.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "event.h"
#include "path.h"

#define MAX_FRAMES	2048
#define LINE_MAX_BYTES	2048

struct frame {
	struct pkt	k;
	struct path_frame fr;
};

struct stream {
	struct frame	*f;
	size_t		 n;
};

static uint64_t events, records;

static void
check_line(int (*fmt)(const void *, char *, size_t), const void *arg)
{
	char buf[LINE_MAX_BYTES], *exact;
	int n = fmt(arg, buf, sizeof(buf));

	if (n < 0 || (size_t)n != strlen(buf)) {
		fprintf(stderr, "fuzz_pathcmp: line %d long, strlen %zu\n", n,
		    strlen(buf));
		abort();
	}
	if ((exact = malloc((size_t)n + 1)) == NULL)
		abort();
	if (fmt(arg, exact, (size_t)n + 1) != n || fmt(arg, exact,
	    (size_t)n) != -1) {
		fprintf(stderr, "fuzz_pathcmp: exact buffer not honoured\n");
		abort();
	}
	free(exact);
}

static int
fmt_text(const void *ev, char *b, size_t n)
{
	return event_format_text(ev, b, n);
}

static int
fmt_json(const void *ev, char *b, size_t n)
{
	return event_format_json(ev, b, n);
}

static int
fmt_record(const void *r, char *b, size_t n)
{
	return path_record_format_json(r, b, n);
}

static void
on_event(void *ctx, const struct event *ev)
{
	(void)ctx;
	events++;
	if (ev->kind != EV_path_loss && ev->kind != EV_path_injected &&
	    ev->kind != EV_path_altered)
		abort();
	check_line(fmt_text, ev);
	check_line(fmt_json, ev);
}

static void
on_record(void *ctx, const struct path_record *r)
{
	(void)ctx;
	records++;
	check_line(fmt_record, r);
}

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t windows[4] = { 1000, 1000000, 10000000,
	    60000000 };
	static struct frame frames[2][MAX_FRAMES];
	struct stream s[2] = { { frames[0], 0 }, { frames[1], 0 } };
	struct path_sink sink = { on_event, on_record, NULL };
	struct path_params prm;
	uint64_t clock[2] = { 1700000000000000ULL, 1700000000000000ULL };
	const struct path_stats *st;
	struct path *p;
	size_t off = 1, i[2] = { 0, 0 };
	int linktype;

	if (size < 1)
		return 0;
	linktype = (data[0] & 1) ? LINKTYPE_RAW_PCAP : LINKTYPE_ETHERNET;
	memset(&prm, 0, sizeof(prm));
	prm.window_us = windows[(data[0] >> 1) & 3];
	prm.max_flows = (data[0] & 8) ? 8 : 64;
	while (off + 5 <= size) {
		uint8_t ctl = data[off];
		uint16_t dt = (uint16_t)(data[off + 1] << 8 | data[off + 2]);
		size_t len = (size_t)(data[off + 3] << 8 | data[off + 4]);
		int pt = ctl & 1;
		struct frame *f;
		uint8_t *copy;

		off += 5;
		if (len > size - off)
			len = size - off;
		switch ((ctl >> 1) & 3) {
		case 0: clock[pt] += dt; break;
		case 1: clock[pt] += (uint64_t)dt * 1000; break;
		case 2: clock[pt] += (uint64_t)dt * 1000000; break;
		default: clock[pt] -= dt; break;
		}
		if (s[pt].n == MAX_FRAMES)
			break;
		f = &s[pt].f[s[pt].n];
		memset(&f->k, 0, sizeof(f->k));
		/* An exact copy, so that ASan sees any read past the frame. */
		if ((copy = malloc(len + 1)) == NULL)
			abort();
		memcpy(copy, data + off, len);
		off += len;
		if (decode_packet(&f->k, linktype, copy, len, len) ==
		    DECODE_ok) {
			f->k.ts_us = clock[pt];
			path_frame_extras(&f->fr, copy, len, &f->k);
			s[pt].n++;
		}
		free(copy);
	}

	events = records = 0;
	if ((p = path_new(&prm, &sink)) == NULL)
		abort();
	while (i[0] < s[0].n || i[1] < s[1].n) {
		bool a = i[0] < s[0].n, b = i[1] < s[1].n;
		int pt = path_next_point(p, a, a ? s[0].f[i[0]].k.ts_us : 0, b,
		    b ? s[1].f[i[1]].k.ts_us : 0);

		path_packet(p, pt, &s[pt].f[i[pt]].k, &s[pt].f[i[pt]].fr);
		i[pt]++;
	}
	path_finish(p);
	st = path_stats(p);
	if (st->events != events || records > st->paired ||
	    st->packets[0] + st->not_tcp[0] != s[0].n ||
	    st->packets[1] + st->not_tcp[1] != s[1].n ||
	    st->paired > st->flows[0] || st->paired > st->flows[1]) {
		fprintf(stderr, "fuzz_pathcmp: statistics do not add up\n");
		abort();
	}
	path_free(p);
	return 0;
}
