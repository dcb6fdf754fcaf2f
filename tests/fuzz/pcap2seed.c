/*
 * pcap2seed: turn a classic pcap file into an input of fuzz_packet (the
 * format is described at the top of fuzz_packet.c), so that the fuzzer
 * starts from the real scenarios of tests/pcap/input.
 *
 *	pcap2seed [-l level] [-s snaplen] [-m maxsize] in.pcap out
 *
 * Frames are cut to snaplen (default 128, the daemon's default) and the
 * seed stops before it would exceed maxsize (default 4096, the -max_len
 * of `make fuzz`), so that libFuzzer never truncates a seed itself.
 * pcapng is not read: the fixtures have one pcapng file, which has the
 * same packets as a classic one.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"

/* What fuzz_packet.c reads; keep the two in step. */
#define F_UNIT_US	0x00
#define F_UNIT_MS	0x01
#define F_UNIT_S	0x02
#define F_UNIT_BACK_MS	0x03
#define F_HDRONLY	0x04
#define FRAME_HDR_LEN	5

#define PCAP_MAGIC_US	0xa1b2c3d4u
#define PCAP_MAGIC_NS	0xa1b23c4du
#define PCAP_MAX_FRAME	262144

static void	usage(void) __attribute__((noreturn));
static long	number(const char *, long, long);
static uint32_t	get32(const uint8_t *, int);
static int	selector(uint32_t);
static uint8_t	encode_delta(int64_t, uint16_t *);

static void
usage(void)
{
	fprintf(stderr, "usage: pcap2seed [-l level] [-s snaplen] "
	    "[-m maxsize] in.pcap out\n");
	exit(1);
}

static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < lo || v > hi)
		usage();
	return v;
}

static uint32_t
get32(const uint8_t *p, int swap)
{
	if (swap)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[1] << 8 | p[0];
}

/* The low nibble of byte 0 that selects this link type in fuzz_packet.c. */
static int
selector(uint32_t linktype)
{
	switch (linktype) {
	case LINKTYPE_ETHERNET:
		return 0;
	case LINKTYPE_LINUX_SLL:
		return 1;
	case LINKTYPE_LINUX_SLL2:
		return 2;
	case LINKTYPE_NULL:
		return 3;
	case LINKTYPE_LOOP:
		return 4;
	case LINKTYPE_RAW:
		return 5;
	case LINKTYPE_RAW_ALT:
		return 6;
	case LINKTYPE_RAW_PCAP:
		return 7;
	case LINKTYPE_IPV4:
		return 8;
	case LINKTYPE_IPV6:
		return 9;
	case LINKTYPE_PPP:
		return 10;
	case LINKTYPE_PPP_HDLC:
		return 11;
	case LINKTYPE_NFLOG:
		return 12;
	case LINKTYPE_PPP_WITH_DIR:
		return 13;
	default:
		return 14;	/* one the decoders refuse */
	}
}

/* The coarsest unit that still keeps small gaps exact. */
static uint8_t
encode_delta(int64_t d_us, uint16_t *dt)
{
	uint64_t v;

	if (d_us < 0) {
		v = ((uint64_t)-d_us + 999) / 1000;
		*dt = v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
		return F_UNIT_BACK_MS;
	}
	v = (uint64_t)d_us;
	if (v <= UINT16_MAX) {
		*dt = (uint16_t)v;
		return F_UNIT_US;
	}
	if (v / 1000 <= UINT16_MAX) {
		*dt = (uint16_t)(v / 1000);
		return F_UNIT_MS;
	}
	v /= 1000000;
	*dt = v > UINT16_MAX ? UINT16_MAX : (uint16_t)v;
	return F_UNIT_S;
}

int
main(int argc, char *argv[])
{
	static uint8_t frame[PCAP_MAX_FRAME];
	uint8_t gh[24], rh[16], hdr[FRAME_HDR_LEN];
	long level = 2, snaplen = 128, maxsize = 4096;
	FILE *in, *out;
	uint32_t magic;
	int64_t prev_us = 0;
	size_t written;
	int ch, swap, nsec, first = 1;
	uint8_t b0;

	while ((ch = getopt(argc, argv, "l:s:m:")) != -1) {
		switch (ch) {
		case 'l':
			level = number(optarg, 0, 3);
			break;
		case 's':
			snaplen = number(optarg, 1, UINT16_MAX);
			break;
		case 'm':
			maxsize = number(optarg, 1 + FRAME_HDR_LEN, LONG_MAX);
			break;
		default:
			usage();
		}
	}
	if (argc - optind != 2)
		usage();

	if ((in = fopen(argv[optind], "rb")) == NULL) {
		perror(argv[optind]);
		return 1;
	}
	if (fread(gh, 1, sizeof(gh), in) != sizeof(gh)) {
		fprintf(stderr, "%s: not a pcap file\n", argv[optind]);
		return 1;
	}
	magic = get32(gh, 0);
	if (magic == PCAP_MAGIC_US || magic == PCAP_MAGIC_NS)
		swap = 0;
	else if (get32(gh, 1) == PCAP_MAGIC_US || get32(gh, 1) == PCAP_MAGIC_NS)
		swap = 1;
	else {
		fprintf(stderr, "%s: not a classic pcap file\n", argv[optind]);
		return 1;
	}
	nsec = get32(gh, swap) == PCAP_MAGIC_NS;

	if ((out = fopen(argv[optind + 1], "wb")) == NULL) {
		perror(argv[optind + 1]);
		return 1;
	}
	/* The link type's low 16 bits; the rest are FCS flags. */
	b0 = (uint8_t)(selector(get32(gh + 20, swap) & 0xffff) | level << 4);
	fputc(b0, out);
	written = 1;

	while (fread(rh, 1, sizeof(rh), in) == sizeof(rh)) {
		uint32_t sec = get32(rh, swap), frac = get32(rh + 4, swap);
		uint32_t incl = get32(rh + 8, swap), orig = get32(rh + 12, swap);
		uint32_t cut;
		int64_t ts_us;
		uint16_t dt;
		uint8_t ctl;

		if (incl > PCAP_MAX_FRAME ||
		    fread(frame, 1, incl, in) != incl) {
			fprintf(stderr, "%s: truncated record\n", argv[optind]);
			break;
		}
		ts_us = (int64_t)sec * 1000000 + (nsec ? frac / 1000 : frac);
		ctl = encode_delta(first ? 0 : ts_us - prev_us, &dt);
		first = 0;
		prev_us = ts_us;
		cut = incl > (uint32_t)snaplen ? (uint32_t)snaplen : incl;
		if (cut < incl || orig > incl)
			ctl |= F_HDRONLY;
		if (written + FRAME_HDR_LEN + cut > (size_t)maxsize)
			break;
		hdr[0] = ctl;
		hdr[1] = (uint8_t)(dt >> 8);
		hdr[2] = (uint8_t)dt;
		hdr[3] = (uint8_t)(cut >> 8);
		hdr[4] = (uint8_t)cut;
		if (fwrite(hdr, 1, sizeof(hdr), out) != sizeof(hdr) ||
		    fwrite(frame, 1, cut, out) != cut) {
			perror(argv[optind + 1]);
			return 1;
		}
		written += FRAME_HDR_LEN + cut;
	}
	fclose(in);
	if (fclose(out) != 0) {
		perror(argv[optind + 1]);
		return 1;
	}
	return 0;
}
