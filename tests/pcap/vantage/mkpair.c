/*
 * Pairs of captures of one TCP connection taken at two points of its
 * path, for `rstwatchd -r a.pcap -R b.pcap` (tests/pcap/vantage/run.sh):
 * the client at point A, the server at point B, a router between (TTL
 * minus one, 1 ms each way).  Each scenario changes what one point sees
 * the way a device in the path would, where the kernel cannot (the
 * netns test does the rest).  Deterministic: the same bytes every run.
 *
 *	mkpair DIR	writes DIR/NAME.a.pcap and DIR/NAME.b.pcap
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../put.h"

#define MS		1000ULL
#define T0		1700000000000000ULL
#define OWD		MS
#define TH_FIN		0x01
#define TH_SYN		0x02
#define TH_RST		0x04
#define TH_PUSH		0x08
#define TH_ACK		0x10

struct lp {
	uint64_t	t;
	int		dir;		/* 0 client to server */
	uint8_t		flags;
	uint32_t	seq, ack;
	uint16_t	len;
	char		fill;		/* payload byte */
};

/* What one point sees of one packet. */
struct frame {
	uint64_t	ts;
	uint8_t		src[4], dst[4];
	uint16_t	sport, dport;
	uint8_t		ttl, tos;
	uint16_t	ipid;
	uint32_t	seq, ack;
	uint8_t		flags;
	uint16_t	mss;		/* SYN: 0 none */
	bool		wscale, sack, tsopt;
	uint16_t	len;
	char		fill;
	bool		drop;
};

static const struct lp conn[] = {
	{ 0 * MS, 0, TH_SYN, 1000, 0, 0, 0 },
	{ 10 * MS, 1, TH_SYN | TH_ACK, 5000, 1001, 0, 0 },
	{ 20 * MS, 0, TH_ACK, 1001, 5001, 0, 0 },
	{ 30 * MS, 0, TH_ACK | TH_PUSH, 1001, 5001, 100, 'q' },
	{ 40 * MS, 1, TH_ACK | TH_PUSH, 5001, 1101, 200, 'r' },
	{ 50 * MS, 0, TH_ACK, 1101, 5201, 0, 0 },
	{ 60 * MS, 0, TH_ACK | TH_FIN, 1101, 5201, 0, 0 },
	{ 70 * MS, 1, TH_ACK | TH_FIN, 5201, 1102, 0, 0 },
	{ 80 * MS, 0, TH_ACK, 1102, 5202, 0, 0 },
};
#define NCONN	(sizeof(conn) / sizeof(conn[0]))
/* The modifiers' index of the first SYN, when it is sent twice. */
#define FIRST_SYN	100

/* A little-endian word of the capture file. */
static void
out32(FILE *fp, uint32_t v)
{
	uint8_t b[4];

	le32(b, v);
	fwrite(b, 1, 4, fp);
}

static void
write_frame(FILE *fp, const struct frame *f)
{
	uint8_t b[1600];
	size_t n = 0, ip, tcp, olen = 0;
	uint32_t sum = 0;

	memset(b, 0, sizeof(b));
	memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	put16(b + 12, 0x0800);
	ip = 14;
	tcp = ip + 20;
	if (f->flags & TH_SYN) {
		uint8_t *o = b + tcp + 20;

		if (f->mss != 0) {
			o[olen] = 2; o[olen + 1] = 4;
			put16(o + olen + 2, f->mss);
			olen += 4;
		}
		if (f->sack) {
			o[olen] = 1; o[olen + 1] = 1;
			o[olen + 2] = 4; o[olen + 3] = 2;
			olen += 4;
		}
		if (f->wscale) {
			o[olen] = 1; o[olen + 1] = 3; o[olen + 2] = 3;
			o[olen + 3] = 7;
			olen += 4;
		}
	}
	if (f->tsopt) {
		uint8_t *o = b + tcp + 20 + olen;

		o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
		put32(o + 4, (uint32_t)(f->ts / 1000));
		olen += 12;
	}
	n = tcp + 20 + olen;
	memset(b + n, f->fill, f->len);
	n += f->len;
	b[ip] = 0x45;
	b[ip + 1] = f->tos;
	put16(b + ip + 2, (uint16_t)(n - ip));
	put16(b + ip + 4, f->ipid);
	b[ip + 6] = 0x40;
	b[ip + 8] = f->ttl;
	b[ip + 9] = 6;
	memcpy(b + ip + 12, f->src, 4);
	memcpy(b + ip + 16, f->dst, 4);
	for (size_t i = 0; i < 20; i += 2)
		sum += (uint32_t)(b[ip + i] << 8 | b[ip + i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	put16(b + ip + 10, (uint16_t)~sum);
	put16(b + tcp, f->sport);
	put16(b + tcp + 2, f->dport);
	put32(b + tcp + 4, f->seq);
	put32(b + tcp + 8, f->ack);
	b[tcp + 12] = (uint8_t)(((20 + olen) / 4) << 4);
	b[tcp + 13] = f->flags;
	put16(b + tcp + 14, 64240);
	out32(fp, (uint32_t)(f->ts / 1000000));
	out32(fp, (uint32_t)(f->ts % 1000000));
	out32(fp, (uint32_t)n);
	out32(fp, (uint32_t)n);
	fwrite(b, 1, n, fp);
}

static FILE *
open_pcap(const char *dir, const char *name, const char *pt)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s.%s.pcap", dir, name, pt);
	if ((fp = fopen(path, "wb")) == NULL) {
		perror(path);
		exit(1);
	}
	out32(fp, 0xa1b2c3d4);
	fwrite("\x02\x00\x04\x00", 1, 4, fp);
	out32(fp, 0);
	out32(fp, 0);
	out32(fp, 65535);
	out32(fp, 1);
	return fp;
}

static const uint8_t cli[4] = { 10, 0, 0, 1 }, srv[4] = { 10, 0, 1, 2 };

/* The scenario's changes to what point pt (0 a, 1 b) sees of packet i. */
typedef void	mod_fn(int pt, size_t i, struct frame *);

static void
m_syn_lost(int pt, size_t i, struct frame *f)
{
	if (pt == 1 && i == FIRST_SYN)
		f->drop = true;
}

static void
m_rst(int pt, size_t i, struct frame *f)
{
	if (i == NCONN && pt == 0)
		f->drop = true;
	if (i == NCONN && pt == 1) {
		f->ttl = 50;
		f->ipid = 0;
	}
}

static void
m_seq(int pt, size_t i, struct frame *f)
{
	(void)i;
	if (pt != 1)
		return;
	if (f->sport == 40000)
		f->seq += 12345;
	else if (f->flags & TH_ACK)
		f->ack += 12345;
}

/* A middlebox that strips every option but the MSS on the way in. */
static void
m_strip(int pt, size_t i, struct frame *f)
{
	(void)i;
	if (pt == 1 && f->sport == 40000) {
		f->wscale = f->sack = false;
		f->tsopt = false;
	}
}

static void
m_payload(int pt, size_t i, struct frame *f)
{
	if (pt == 0 && i == 4)
		f->fill = 'X';
}

static void
m_nat(int pt, size_t i, struct frame *f)
{
	static const uint8_t pub[4] = { 192, 0, 2, 1 };

	(void)i;
	if (pt != 1)
		return;
	if (f->sport == 40000) {
		memcpy(f->src, pub, 4);
		f->sport = 50000;
	} else {
		memcpy(f->dst, pub, 4);
		f->dport = 50000;
	}
}

static void
m_unrelated(int pt, size_t i, struct frame *f)
{
	static const uint8_t o1[4] = { 172, 16, 0, 9 }, o2[4] = { 172, 16, 1, 1 };

	(void)i;
	if (pt != 1)
		return;
	if (f->sport == 40000) {
		memcpy(f->src, o1, 4);
		memcpy(f->dst, o2, 4);
		f->sport = 33333;
		f->dport = 443;
		f->seq += 777777;
	} else {
		memcpy(f->src, o2, 4);
		memcpy(f->dst, o1, 4);
		f->sport = 443;
		f->dport = 33333;
		f->seq += 999;
	}
}

static void
m_dscp(int pt, size_t i, struct frame *f)
{
	(void)i;
	if (f->sport == 40000)
		f->tos = pt == 0 ? 0xb8 : 0;
}

static const struct scenario {
	const char	*name;
	mod_fn		*mod;
	int64_t		 offset;	/* B's clock ahead of A's */
	bool		 syn_retry;	/* a second SYN 1 s later */
	bool		 rst;		/* a RST between the points */
} scenarios[] = {
	{ "identical", NULL, 0, false, false },
	{ "syn_lost", m_syn_lost, 0, true, false },
	{ "rst_injected", m_rst, 0, false, true },
	{ "seq_offset", m_seq, 0, false, false },
	{ "options_stripped", m_strip, 0, false, false },
	{ "payload_changed", m_payload, 0, false, false },
	{ "nat", m_nat, 0, false, false },
	{ "dscp", m_dscp, 0, false, false },
	{ "unrelated", m_unrelated, 0, false, false },
	{ "clock_offset", NULL, 3500 * MS, false, false },
};

static void
scenario(const char *dir, const struct scenario *s)
{
	struct lp ls[NCONN + 2];
	size_t n = 0;
	uint16_t ipid[2] = { 100, 700 };

	if (s->syn_retry)
		ls[n++] = conn[0];
	for (size_t i = 0; i < NCONN; i++) {
		ls[n] = conn[i];
		if (s->syn_retry)
			ls[n].t += 1000 * MS;
		n++;
	}
	if (s->rst)
		ls[n++] = (struct lp){ 55 * MS, 0, TH_RST | TH_ACK, 1101,
		    5201, 0, 0 };
	for (int pt = 0; pt < 2; pt++) {
		FILE *fp = open_pcap(dir, s->name, pt == 0 ? "a" : "b");
		struct frame fs[NCONN + 2];
		uint16_t id[2] = { ipid[0], ipid[1] };

		for (size_t i = 0; i < n; i++) {
			const struct lp *l = &ls[i];
			bool sender = (l->dir == 0) == (pt == 0);
			struct frame *f = &fs[i];

			memset(f, 0, sizeof(*f));
			f->ts = T0 + l->t + (sender ? 0 : OWD) +
			    (pt == 1 ? (uint64_t)s->offset : 0);
			memcpy(f->src, l->dir == 0 ? cli : srv, 4);
			memcpy(f->dst, l->dir == 0 ? srv : cli, 4);
			f->sport = l->dir == 0 ? 40000 : 80;
			f->dport = l->dir == 0 ? 80 : 40000;
			f->ttl = sender ? 64 : 63;
			f->ipid = id[l->dir]++;
			f->seq = l->seq;
			f->ack = l->ack;
			f->flags = l->flags;
			f->mss = (l->flags & TH_SYN) ? 1460 : 0;
			f->wscale = f->sack = (l->flags & TH_SYN) != 0;
			f->tsopt = !(l->flags & TH_RST);
			f->len = l->len;
			f->fill = l->fill;
			/* The index the modifiers know: the RST is last. */
			if (s->mod != NULL)
				s->mod(pt, s->syn_retry ? (i == 0 ? FIRST_SYN :
				    i - 1) : (s->rst && i == n - 1 ? NCONN : i),
				    f);
		}
		/* In time order at this point. */
		for (size_t a = 1; a < n; a++)
			for (size_t b = a; b > 0 && fs[b].ts < fs[b - 1].ts;
			    b--) {
				struct frame t = fs[b];

				fs[b] = fs[b - 1];
				fs[b - 1] = t;
			}
		for (size_t i = 0; i < n; i++)
			if (!fs[i].drop)
				write_frame(fp, &fs[i]);
		if (fclose(fp) != 0) {
			perror(s->name);
			exit(1);
		}
	}
}

int
main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkpair DIR\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		scenario(argv[1], &scenarios[i]);
	return 0;
}
