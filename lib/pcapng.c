/*
 * pcapng blocks (draft-ietf-opsawg-pcapng), parsed from memory.  Every
 * block is
 *	0 type (32)  4 total length (32)  8 body ...  len-4 total length (32)
 * in its section's byte order; bodies:
 *	SHB  8 byte-order magic 1a2b3c4d (32)  12 major (16)  14 minor (16)
 *	     16 section length (64)  24 options
 *	IDB  8 link type (16)  10 reserved (16)  12 snapshot length (32)
 *	     16 options
 *	EPB  8 interface (32)  12 time high (32)  16 time low (32)
 *	     20 captured length (32)  24 length on the wire (32)  28 data
 *	PB   as EPB, but 8 interface (16)  10 drops (16)
 *	SPB  8 length on the wire (32)  12 data
 * Options are code (16), length (16), value padded to 32 bits, ended by
 * code 0 or by the end of the body.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "pcapng.h"
#include "timeunit.h"

#define BYTE_ORDER_MAGIC	0x1a2b3c4du
#define TRAILER_LEN		4
#define SHB_MIN_LEN		28
#define IDB_MIN_LEN		20
#define IDB_OPTS_OFF		16
#define EPB_MIN_LEN		32
#define EPB_DATA_OFF		28
#define SPB_MIN_LEN		16
#define SPB_DATA_OFF		12

#define OPT_ENDOFOPT		0
#define OPT_IF_TSRESOL		9
#define OPT_IF_TSOFFSET		14

/* 10^19 is the largest power of ten a 64-bit counter holds. */
#define TSRESOL_DEC_MAX		19
#define TSRESOL_BIN_MAX		63

static uint16_t	rd16(const uint8_t *, bool);
static uint32_t	rd32(const uint8_t *, bool);
static int	check_trailer(const uint8_t *, uint32_t, bool, char *, size_t);
static int	idb_options(const uint8_t *, size_t, bool, struct pcapng_iface *,
		    char *, size_t);

static uint16_t
rd16(const uint8_t *p, bool swapped)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap16(v) : v;
}

static uint32_t
rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return swapped ? __builtin_bswap32(v) : v;
}

uint32_t
pcapng_block_type(const uint8_t *blk, bool swapped)
{
	return rd32(blk, swapped);
}

uint32_t
pcapng_block_len(const uint8_t *hdr, size_t have, bool *swapped, char *err,
    size_t errlen)
{
	uint32_t type, len, magic;

	if (have < PCAPNG_HDR_LEN) {
		snprintf(err, errlen, "block header has %zu of %d bytes", have,
		    PCAPNG_HDR_LEN);
		return 0;
	}
	memcpy(&type, hdr, sizeof(type));
	if (type == PCAPNG_BT_SHB) {
		if (have < PCAPNG_SHB_PEEK) {
			snprintf(err, errlen, "section header has %zu of %d "
			    "bytes", have, PCAPNG_SHB_PEEK);
			return 0;
		}
		memcpy(&magic, hdr + 8, sizeof(magic));
		if (magic == BYTE_ORDER_MAGIC)
			*swapped = false;
		else if (__builtin_bswap32(magic) == BYTE_ORDER_MAGIC)
			*swapped = true;
		else {
			snprintf(err, errlen, "section header with byte-order "
			    "magic %08x", magic);
			return 0;
		}
	}
	len = rd32(hdr + 4, *swapped);
	if (len % 4 != 0 || len < PCAPNG_HDR_LEN + TRAILER_LEN ||
	    len > PCAPNG_BLOCK_MAX ||
	    (type == PCAPNG_BT_SHB && len < SHB_MIN_LEN)) {
		snprintf(err, errlen, "block of type %u with total length %u",
		    rd32(hdr, *swapped), len);
		return 0;
	}
	return len;
}

static int
check_trailer(const uint8_t *b, uint32_t len, bool swapped, char *err,
    size_t errlen)
{
	uint32_t tail = rd32(b + len - TRAILER_LEN, swapped);

	if (tail == len)
		return 0;
	snprintf(err, errlen, "block of type %u has total length %u at its "
	    "start and %u at its end", rd32(b, swapped), len, tail);
	return -1;
}

int
pcapng_parse_shb(const uint8_t *b, uint32_t len, bool swapped, char *err,
    size_t errlen)
{
	uint16_t major, minor;

	if (len < SHB_MIN_LEN) {
		snprintf(err, errlen, "section header of %u bytes", len);
		return -1;
	}
	if (check_trailer(b, len, swapped, err, errlen) == -1)
		return -1;
	/* Version 1.0 is the only one written; 1.2 was once, the same. */
	major = rd16(b + 12, swapped);
	minor = rd16(b + 14, swapped);
	if (major != 1) {
		snprintf(err, errlen, "pcapng version %u.%u is not read",
		    major, minor);
		return -1;
	}
	return 0;
}

/* The options of an IDB, at opts (n bytes, up to the trailer). */
static int
idb_options(const uint8_t *opts, size_t n, bool swapped,
    struct pcapng_iface *ifc, char *err, size_t errlen)
{
	bool saw_tsresol = false, saw_tsoffset = false;
	uint64_t off;

	while (n >= 4) {
		uint16_t code = rd16(opts, swapped);
		uint16_t olen = rd16(opts + 2, swapped);
		size_t padded = ((size_t)olen + 3) & ~(size_t)3;

		if (code == OPT_ENDOFOPT)
			break;
		if (padded > n - 4) {
			snprintf(err, errlen, "interface option %u of %u bytes "
			    "runs past its block", code, olen);
			return -1;
		}
		/* A repeated option is damage; the first one counts. */
		if (code == OPT_IF_TSRESOL && !saw_tsresol) {
			uint8_t v = opts[4];
			unsigned exp = v & 0x7f;

			if (olen != 1 || (v & 0x80 ? exp > TSRESOL_BIN_MAX :
			    exp > TSRESOL_DEC_MAX)) {
				snprintf(err, errlen, "interface time stamp "
				    "resolution option of %u bytes, value "
				    "0x%02x", olen, v);
				return -1;
			}
			if (v & 0x80)
				ifc->units = (uint64_t)1 << exp;
			else
				for (ifc->units = 1; exp > 0; exp--)
					ifc->units *= 10;
			saw_tsresol = true;
		} else if (code == OPT_IF_TSOFFSET && !saw_tsoffset) {
			if (olen != 8) {
				snprintf(err, errlen, "interface time stamp "
				    "offset option of %u bytes", olen);
				return -1;
			}
			/* Seconds, signed, in the section's byte order. */
			memcpy(&off, opts + 4, sizeof(off));
			if (swapped)
				off = __builtin_bswap64(off);
			ifc->tsoffset = (int64_t)off;
			saw_tsoffset = true;
		}
		opts += 4 + padded;
		n -= 4 + padded;
	}
	return 0;
}

int
pcapng_parse_idb(const uint8_t *b, uint32_t len, bool swapped,
    struct pcapng_iface *ifc, char *err, size_t errlen)
{
	if (len < IDB_MIN_LEN) {
		snprintf(err, errlen, "interface description of %u bytes", len);
		return -1;
	}
	if (check_trailer(b, len, swapped, err, errlen) == -1)
		return -1;
	memset(ifc, 0, sizeof(*ifc));
	ifc->linktype = rd16(b + 8, swapped);
	ifc->snaplen = rd32(b + 12, swapped);
	if (ifc->snaplen == 0 || ifc->snaplen > PCAPNG_SNAPLEN_MAX)
		ifc->snaplen = PCAPNG_SNAPLEN_MAX;
	ifc->units = USEC_PER_SEC;
	return idb_options(b + IDB_OPTS_OFF, len - IDB_OPTS_OFF - TRAILER_LEN,
	    swapped, ifc, err, errlen);
}

bool
pcapng_is_packet(uint32_t type)
{
	return type == PCAPNG_BT_EPB || type == PCAPNG_BT_SPB ||
	    type == PCAPNG_BT_PB;
}

int
pcapng_parse_packet(const uint8_t *b, uint32_t len, bool swapped,
    struct pcapng_packet *pk, char *err, size_t errlen)
{
	uint32_t type = rd32(b, swapped);

	memset(pk, 0, sizeof(*pk));
	if (type == PCAPNG_BT_SPB) {
		if (len < SPB_MIN_LEN) {
			snprintf(err, errlen, "simple packet block of %u "
			    "bytes", len);
			return -1;
		}
		if (check_trailer(b, len, swapped, err, errlen) == -1)
			return -1;
		pk->spb = true;
		pk->wirelen = rd32(b + 8, swapped);
		pk->caplen = len - SPB_DATA_OFF - TRAILER_LEN;
		pk->data = b + SPB_DATA_OFF;
		return 0;
	}
	if (len < EPB_MIN_LEN) {
		snprintf(err, errlen, "packet block of %u bytes", len);
		return -1;
	}
	if (check_trailer(b, len, swapped, err, errlen) == -1)
		return -1;
	pk->ifid = type == PCAPNG_BT_PB ? rd16(b + 8, swapped) :
	    rd32(b + 8, swapped);
	pk->ts = (uint64_t)rd32(b + 12, swapped) << 32 | rd32(b + 16, swapped);
	pk->caplen = rd32(b + 20, swapped);
	pk->wirelen = rd32(b + 24, swapped);
	pk->data = b + EPB_DATA_OFF;
	if ((uint64_t)pk->caplen > len - EPB_DATA_OFF - TRAILER_LEN) {
		snprintf(err, errlen, "packet block of %u bytes claims %u "
		    "captured bytes", len, pk->caplen);
		return -1;
	}
	return 0;
}

int
pcapng_packet_fit(const struct pcapng_iface *ifc, struct pcapng_packet *pk,
    char *err, size_t errlen)
{
	if (pk->spb) {
		uint32_t want = pk->wirelen < ifc->snaplen ? pk->wirelen :
		    ifc->snaplen;

		if (want > pk->caplen) {
			snprintf(err, errlen, "simple packet block of %u "
			    "bytes holds fewer than its %u captured bytes",
			    pk->caplen, want);
			return -1;
		}
		pk->caplen = want;
	} else if (pk->caplen > ifc->snaplen)
		pk->caplen = ifc->snaplen;
	if (pk->wirelen < pk->caplen)
		pk->wirelen = pk->caplen;
	return 0;
}

uint64_t
pcapng_time_us(const struct pcapng_iface *ifc, uint64_t ts)
{
	unsigned __int128 frac_us;
	__int128 sec, us;

	sec = (__int128)(ts / ifc->units) + ifc->tsoffset;
	/* Below the microsecond, cut rather than rounded, as libpcap does. */
	frac_us = (unsigned __int128)(ts % ifc->units) * USEC_PER_SEC /
	    ifc->units;
	if (sec < 0)
		return 0;
	us = sec * (__int128)USEC_PER_SEC + (__int128)frac_us;
	return us > (__int128)UINT64_MAX ? UINT64_MAX : (uint64_t)us;
}
