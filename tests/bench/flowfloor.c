/*
 * flowfloor: the floor of live analysis.  Captures like rstwatchd does
 * (libpcap, same snap length and kernel buffer, no immediate mode, a
 * 100 ms timeout, non-blocking reads of up to 512 packets woken by poll)
 * and does the least that any analyser keeping state per connection must
 * do with each packet: find its Ethernet/IPv4/IPv6 and TCP/UDP headers,
 * hash the connection's addresses and ports, and count the packet in
 * that connection's entry of a table, with the same batching and
 * prefetching as rstwatchd.  No expiry, no TCP state, no output.
 *
 * make bench-live runs it beside tcpdump and rstwatchd, so that
 * rstwatchd's CPU per packet can be read against two references: the
 * capture alone (tcpdump -w /dev/null) and capture plus a per-connection
 * lookup (this).
 *
 * usage: flowfloor -i IFACE [-s snaplen] [-B KiB] [-n slots (power of 2)]
 * Runs until SIGINT or SIGTERM, then prints to standard error, as tcpdump
 * does, the packets captured and dropped, and the connections seen.
 */
#include <pcap/pcap.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define BATCH	512
#define AHEAD	8
#define HUGE	((size_t)2 << 20)

struct key {
	uint8_t		addr[2][16];
	uint16_t	port[2];
	uint32_t	proto;
};

/* One cache line: the key and what is counted. */
struct slot {
	struct key	key;
	uint64_t	packets;
	uint64_t	bytes;
	uint64_t	last_us;
};

struct staged {
	struct key	key;
	uint64_t	hash;
	uint32_t	len;
	uint64_t	ts_us;
};

struct floor {
	struct slot	*slots;
	uint64_t	 mask;
	uint64_t	 used;
	uint64_t	 full;		/* packets of connections not stored */
	uint64_t	 other;		/* not TCP/UDP over IP */
	struct staged	 batch[BATCH];
	size_t		 nbatch;
};

static volatile sig_atomic_t stop;

/* The table's size, whole huge pages (aligned_alloc wants a multiple). */
static size_t
table_bytes(uint64_t slots)
{
	return ((size_t)slots * sizeof(struct slot) + HUGE - 1) / HUGE * HUGE;
}

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t
key_hash(const struct key *k)
{
	uint64_t w[sizeof(*k) / 8], h = 0x2545f4914f6cdd1dULL;

	_Static_assert(sizeof(*k) % 8 == 0, "key is whole words");
	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL + (h >> 29);
	return h ^ (h >> 31);
}

/*
 * The connection's key, the same both ways (the lower address first), or
 * false for what is not TCP or UDP over IP.  Every read is within caplen.
 */
static bool
parse(const u_char *p, uint32_t caplen, struct key *k)
{
	uint32_t off = 12, l4, alen;
	uint16_t type;
	uint8_t proto;
	const u_char *src, *dst;

	memset(k, 0, sizeof(*k));
	for (;;) {
		if (caplen < off + 2)
			return false;
		type = (uint16_t)(p[off] << 8 | p[off + 1]);
		off += 2;
		if (type != 0x8100 && type != 0x88a8)
			break;
		off += 2;
	}
	if (type == 0x0800) {
		if (caplen < off + 20 || (p[off] >> 4) != 4)
			return false;
		l4 = off + (uint32_t)(p[off] & 0x0f) * 4;
		proto = p[off + 9];
		src = p + off + 12;
		dst = p + off + 16;
		alen = 4;
	} else if (type == 0x86dd) {
		if (caplen < off + 40)
			return false;
		l4 = off + 40;
		proto = p[off + 6];
		src = p + off + 8;
		dst = p + off + 24;
		alen = 16;
	} else
		return false;
	if ((proto != 6 && proto != 17) || caplen < l4 + 4)
		return false;
	int lower = memcmp(src, dst, alen) < 0 ||
	    (memcmp(src, dst, alen) == 0 && p[l4] * 256 + p[l4 + 1] <=
	    p[l4 + 2] * 256 + p[l4 + 3]);
	memcpy(k->addr[!lower], src, alen);
	memcpy(k->addr[lower], dst, alen);
	k->port[!lower] = (uint16_t)(p[l4] << 8 | p[l4 + 1]);
	k->port[lower] = (uint16_t)(p[l4 + 2] << 8 | p[l4 + 3]);
	k->proto = proto;
	return true;
}

static void
count(struct floor *fl, const struct staged *s)
{
	uint64_t i = s->hash & fl->mask;

	for (uint64_t probes = 0; probes <= fl->mask; probes++) {
		struct slot *sl = &fl->slots[i];

		if (sl->packets == 0) {
			/* Keep the table at most half full: probes stay short. */
			if (fl->used >= (fl->mask + 1) / 2) {
				fl->full++;
				return;
			}
			sl->key = s->key;
			fl->used++;
		} else if (memcmp(&sl->key, &s->key, sizeof(s->key)) != 0) {
			i = (i + 1) & fl->mask;
			continue;
		}
		sl->packets++;
		sl->bytes += s->len;
		sl->last_us = s->ts_us;
		return;
	}
}

static void
flush(struct floor *fl)
{
	for (size_t i = 0; i < fl->nbatch && i < AHEAD; i++)
		__builtin_prefetch(&fl->slots[fl->batch[i].hash & fl->mask], 1);
	for (size_t i = 0; i < fl->nbatch; i++) {
		if (i + AHEAD < fl->nbatch)
			__builtin_prefetch(&fl->slots[fl->batch[i + AHEAD].hash &
			    fl->mask], 1);
		count(fl, &fl->batch[i]);
	}
	fl->nbatch = 0;
}

static void
on_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct floor *fl = (struct floor *)(void *)arg;
	struct staged *s = &fl->batch[fl->nbatch];

	if (!parse(data, h->caplen, &s->key)) {
		fl->other++;
		return;
	}
	s->hash = key_hash(&s->key);
	s->len = h->len;
	s->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	if (++fl->nbatch == BATCH)
		flush(fl);
}

static pcap_t *
open_live(const char *ifname, int snaplen, int buffer_kib)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p;

	if ((p = pcap_create(ifname, errbuf)) == NULL) {
		fprintf(stderr, "flowfloor: %s\n", errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, snaplen);
	pcap_set_buffer_size(p, buffer_kib * 1024);
	pcap_set_immediate_mode(p, 0);
	pcap_set_timeout(p, 100);
	if (pcap_activate(p) < 0 || pcap_setnonblock(p, 1, errbuf) == -1) {
		fprintf(stderr, "flowfloor: %s: %s\n", ifname, pcap_geterr(p));
		pcap_close(p);
		return NULL;
	}
	return p;
}

int
main(int argc, char **argv)
{
	const char *ifname = NULL;
	int snaplen = 128, buffer_kib = 32768, c;
	uint64_t slots = 1u << 22, packets = 0;
	struct floor *fl;
	struct pcap_stat st;
	pcap_t *p;

	while ((c = getopt(argc, argv, "i:s:B:n:")) != -1) {
		switch (c) {
		case 'i': ifname = optarg; break;
		case 's': snaplen = atoi(optarg); break;
		case 'B': buffer_kib = atoi(optarg); break;
		case 'n': slots = strtoull(optarg, NULL, 0); break;
		default: ifname = NULL; optind = argc + 1; break;
		}
	}
	if (ifname == NULL || optind != argc || slots < 2 ||
	    (slots & (slots - 1)) != 0) {
		fprintf(stderr, "usage: flowfloor -i IFACE [-s snaplen] [-B KiB] "
		    "[-n slots, a power of 2]\n");
		return 1;
	}
	if ((fl = calloc(1, sizeof(*fl))) == NULL ||
	    (fl->slots = aligned_alloc(HUGE, table_bytes(slots))) == NULL) {
		fprintf(stderr, "flowfloor: out of memory\n");
		return 2;
	}
	/*
	 * Touched before the capture starts, as rstwatchd's flow table is:
	 * on a VM the first touch of memory is a trip to the host, which
	 * is not the work measured.  Huge pages, as rstwatchd asks for.
	 */
	(void)madvise(fl->slots, table_bytes(slots), MADV_HUGEPAGE);
	memset(fl->slots, 0, table_bytes(slots));
	fl->mask = slots - 1;
	if ((p = open_live(ifname, snaplen, buffer_kib)) == NULL)
		return 2;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	fprintf(stderr, "flowfloor: listening on %s\n", ifname);
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(p), .events = POLLIN };
	while (!stop) {
		int n;

		if (poll(&pfd, 1, 100) < 0)
			continue;
		while ((n = pcap_dispatch(p, BATCH, on_packet, (u_char *)fl)) > 0)
			packets += (uint64_t)n;
		flush(fl);
		if (n == PCAP_ERROR) {
			fprintf(stderr, "flowfloor: %s\n", pcap_geterr(p));
			break;
		}
	}
	if (pcap_stats(p, &st) == 0)
		fprintf(stderr, "%llu packets captured\n%u packets dropped by kernel\n",
		    (unsigned long long)packets, st.ps_drop);
	fprintf(stderr, "%llu connections, %llu packets not stored (table full), "
	    "%llu not TCP/UDP over IP\n", (unsigned long long)fl->used,
	    (unsigned long long)fl->full, (unsigned long long)fl->other);
	pcap_close(p);
	free(fl->slots);
	free(fl);
	return 0;
}
