/*
 * lib/pcapng.c: blocks as dumpcap writes them, in both byte orders; time
 * stamp units and offsets; every length a block may lie about.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "pcapng.h"

#define ERRLEN	128

struct blk {
	uint8_t	 b[256];
	size_t	 n;
	bool	 be;
};

static void
w16(struct blk *k, uint16_t v)
{
	if (k->be)
		v = __builtin_bswap16(v);
	memcpy(k->b + k->n, &v, 2);
	k->n += 2;
}

static void
w32(struct blk *k, uint32_t v)
{
	if (k->be)
		v = __builtin_bswap32(v);
	memcpy(k->b + k->n, &v, 4);
	k->n += 4;
}

/* Rewrites the 32-bit field at off. */
static void
set32(struct blk *k, size_t off, uint32_t v)
{
	size_t n = k->n;

	k->n = off;
	w32(k, v);
	k->n = n;
}

static void
wbytes(struct blk *k, const void *p, size_t n)
{
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

/* Starts a block; blk_end() writes both lengths. */
static void
blk_start(struct blk *k, bool be, uint32_t type)
{
	memset(k, 0, sizeof(*k));
	k->be = be;
	w32(k, type);
	w32(k, 0);
}

static void
blk_end(struct blk *k)
{
	size_t total;

	while (k->n % 4 != 0)
		k->b[k->n++] = 0;
	total = k->n + 4;
	w32(k, (uint32_t)total);
	set32(k, 4, (uint32_t)total);
}

static void
mk_shb(struct blk *k, bool be, uint16_t major)
{
	blk_start(k, be, PCAPNG_BT_SHB);
	w32(k, 0x1a2b3c4d);
	w16(k, major);
	w16(k, 0);
	w32(k, 0xffffffff);
	w32(k, 0xffffffff);
	blk_end(k);
}

/* An IDB; tsresol < 0 and tsoffset 0 leave the options out. */
static void
mk_idb(struct blk *k, bool be, uint16_t lt, uint32_t snap, int tsresol,
    int64_t tsoffset)
{
	uint64_t off = (uint64_t)tsoffset;

	blk_start(k, be, PCAPNG_BT_IDB);
	w16(k, lt);
	w16(k, 0);
	w32(k, snap);
	w16(k, 2);			/* if_name, 3 bytes + padding */
	w16(k, 3);
	wbytes(k, "lo\0\0", 4);
	if (tsresol >= 0) {
		w16(k, 9);
		w16(k, 1);
		wbytes(k, (uint8_t[4]){ (uint8_t)tsresol }, 4);
	}
	if (tsoffset != 0) {
		w16(k, 14);
		w16(k, 8);
		if (be)
			off = __builtin_bswap64(off);
		wbytes(k, &off, 8);
	}
	w16(k, 0);
	w16(k, 0);
	blk_end(k);
}

static void
mk_epb(struct blk *k, bool be, uint32_t ifid, uint64_t ts, uint32_t cap,
    uint32_t wire)
{
	blk_start(k, be, PCAPNG_BT_EPB);
	w32(k, ifid);
	w32(k, (uint32_t)(ts >> 32));
	w32(k, (uint32_t)ts);
	w32(k, cap);
	w32(k, wire);
	for (uint32_t i = 0; i < cap; i++)
		k->b[k->n++] = (uint8_t)i;
	blk_end(k);
}

START_TEST(test_shb_both_orders)
{
	char err[ERRLEN];
	struct blk k;
	bool sw = !_i;

	mk_shb(&k, _i != 0, 1);
	ck_assert_uint_eq(pcapng_block_len(k.b, k.n, &sw, err, sizeof(err)),
	    k.n);
	/* The host is little-endian: a big-endian section is swapped. */
	ck_assert(sw == (_i != 0));
	ck_assert_int_eq(pcapng_parse_shb(k.b, (uint32_t)k.n, sw, err,
	    sizeof(err)), 0);
	/* Every prefix shorter than the magic cannot tell the length. */
	for (size_t n = 0; n < PCAPNG_SHB_PEEK; n++)
		ck_assert_uint_eq(pcapng_block_len(k.b, n, &sw, err,
		    sizeof(err)), 0);
	mk_shb(&k, _i != 0, 2);
	ck_assert_int_eq(pcapng_parse_shb(k.b, (uint32_t)k.n, sw, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "version 2.0"));
	/* An unknown byte-order magic. */
	mk_shb(&k, false, 1);
	memcpy(k.b + 8, "\x01\x02\x03\x04", 4);
	ck_assert_uint_eq(pcapng_block_len(k.b, k.n, &sw, err, sizeof(err)),
	    0);
}
END_TEST

START_TEST(test_block_len_limits)
{
	char err[ERRLEN];
	struct blk k;
	bool sw = false;

	mk_epb(&k, false, 0, 0, 5, 5);
	ck_assert_uint_eq(pcapng_block_len(k.b, 8, &sw, err, sizeof(err)),
	    k.n);
	/* Not a multiple of 4, below 12, above the limit. */
	memcpy(k.b + 4, "\x21\x00\x00\x00", 4);
	ck_assert_uint_eq(pcapng_block_len(k.b, 8, &sw, err, sizeof(err)), 0);
	memcpy(k.b + 4, "\x08\x00\x00\x00", 4);
	ck_assert_uint_eq(pcapng_block_len(k.b, 8, &sw, err, sizeof(err)), 0);
	memcpy(k.b + 4, "\x04\x00\x00\x01", 4);
	ck_assert_uint_eq(pcapng_block_len(k.b, 8, &sw, err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(strstr(err, "total length"));
	/* A section header shorter than its fixed part. */
	mk_shb(&k, false, 1);
	memcpy(k.b + 4, "\x18\x00\x00\x00", 4);
	ck_assert_uint_eq(pcapng_block_len(k.b, k.n, &sw, err, sizeof(err)),
	    0);
}
END_TEST

START_TEST(test_idb_options)
{
	char err[ERRLEN];
	struct pcapng_iface ifc;
	struct blk k;
	bool be = _i != 0;

	mk_idb(&k, be, 113, 0, -1, 0);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(ifc.linktype, 113);
	/* Snapshot length 0 means none: libpcap's largest. */
	ck_assert_uint_eq(ifc.snaplen, PCAPNG_SNAPLEN_MAX);
	ck_assert_uint_eq(ifc.units, 1000000);
	ck_assert_int_eq(ifc.tsoffset, 0);

	mk_idb(&k, be, 1, 96, 9, -3600);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(ifc.snaplen, 96);
	ck_assert_uint_eq(ifc.units, 1000000000);
	ck_assert_int_eq(ifc.tsoffset, -3600);

	mk_idb(&k, be, 1, 96, 0x94, 0);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(ifc.units, 1u << 20);

	/* 10^-19 is the finest decimal unit a 64-bit count holds, 2^-63. */
	mk_idb(&k, be, 1, 96, 19, 0);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), 0);
	mk_idb(&k, be, 1, 96, 20, 0);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), -1);
	mk_idb(&k, be, 1, 96, 0x80 | 63, 0);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), 0);
	mk_idb(&k, be, 1, 96, 0x80 | 64, 0);
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), -1);

	/* An option running past the block. */
	mk_idb(&k, be, 1, 96, -1, 0);
	k.b[be ? 19 : 18] = 0x40;
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "runs past"));
	/* The two lengths disagree. */
	mk_idb(&k, be, 1, 96, -1, 0);
	k.b[be ? k.n - 1 : k.n - 4] += 4;
	ck_assert_int_eq(pcapng_parse_idb(k.b, (uint32_t)k.n, be, &ifc, err,
	    sizeof(err)), -1);
}
END_TEST

START_TEST(test_packets)
{
	char err[ERRLEN];
	struct pcapng_packet pk;
	struct pcapng_iface ifc;
	struct blk k;
	bool be = _i != 0;

	memset(&ifc, 0, sizeof(ifc));
	ifc.units = 1000000;
	ifc.snaplen = 4;

	mk_epb(&k, be, 2, UINT64_C(0x123456789), 7, 1500);
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(pk.ifid, 2);
	ck_assert_uint_eq(pk.ts, UINT64_C(0x123456789));
	ck_assert_uint_eq(pk.caplen, 7);
	ck_assert_uint_eq(pk.wirelen, 1500);
	ck_assert_uint_eq(pk.data[6], 6);
	/* Cut to the interface's snapshot length, as classic records are. */
	ck_assert_int_eq(pcapng_packet_fit(&ifc, &pk, err, sizeof(err)), 0);
	ck_assert_uint_eq(pk.caplen, 4);

	/* A captured length past the block's end (8 bytes of room). */
	mk_epb(&k, be, 0, 0, 7, 7);
	set32(&k, 20, 9);
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), -1);
	set32(&k, 20, 8);
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), 0);

	/* Obsolete Packet Block: a 16-bit interface, 16-bit drops. */
	mk_epb(&k, be, 0, 5, 3, 3);
	set32(&k, 0, PCAPNG_BT_PB);
	k.b[8] = k.b[9] = k.b[10] = k.b[11] = 0;
	k.b[be ? 9 : 8] = 1;
	k.b[be ? 11 : 10] = 77;
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), 0);
	ck_assert_uint_eq(pk.ifid, 1);
	ck_assert_uint_eq(pk.ts, 5);
	ck_assert_uint_eq(pk.caplen, 3);

	/* Simple Packet Block: wire length 6, 8 bytes of room. */
	blk_start(&k, be, PCAPNG_BT_SPB);
	w32(&k, 6);
	wbytes(&k, "abcdefgh", 8);
	blk_end(&k);
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), 0);
	ifc.snaplen = PCAPNG_SNAPLEN_MAX;
	ck_assert_int_eq(pcapng_packet_fit(&ifc, &pk, err, sizeof(err)), 0);
	ck_assert_uint_eq(pk.caplen, 6);
	ck_assert_uint_eq(pk.ts, 0);
	/* Wire length 12: more than the block holds, snaplen allowing. */
	blk_start(&k, be, PCAPNG_BT_SPB);
	w32(&k, 12);
	wbytes(&k, "abcdefgh", 8);
	blk_end(&k);
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(pcapng_packet_fit(&ifc, &pk, err, sizeof(err)), -1);
	/* With a snapshot length of 8, the 8 bytes are all there is. */
	ifc.snaplen = 8;
	ck_assert_int_eq(pcapng_parse_packet(k.b, (uint32_t)k.n, be, &pk,
	    err, sizeof(err)), 0);
	ck_assert_int_eq(pcapng_packet_fit(&ifc, &pk, err, sizeof(err)), 0);
	ck_assert_uint_eq(pk.caplen, 8);
	ck_assert_uint_eq(pk.wirelen, 12);
}
END_TEST

START_TEST(test_time_units)
{
	struct pcapng_iface ifc;

	memset(&ifc, 0, sizeof(ifc));
	ifc.units = 1000000;
	ck_assert_uint_eq(pcapng_time_us(&ifc, UINT64_C(1700000000123456)),
	    UINT64_C(1700000000123456));
	/* Nanoseconds: cut, not rounded. */
	ifc.units = 1000000000;
	ck_assert_uint_eq(pcapng_time_us(&ifc, UINT64_C(1700000000123456999)),
	    UINT64_C(1700000000123456));
	/* 2^-20 s: 0.5 s is 2^19 units. */
	ifc.units = 1u << 20;
	ck_assert_uint_eq(pcapng_time_us(&ifc,
	    (UINT64_C(1700000000) << 20) | (1u << 19)),
	    UINT64_C(1700000000500000));
	/* 2^-63 s: the fraction times 10^6 needs more than 64 bits. */
	ifc.units = UINT64_C(1) << 63;
	ck_assert_uint_eq(pcapng_time_us(&ifc, (UINT64_C(1) << 63) - 1),
	    999999);
	/* Seconds (10^0) and an offset, in both directions. */
	ifc.units = 1;
	ifc.tsoffset = 1700000000;
	ck_assert_uint_eq(pcapng_time_us(&ifc, 5), UINT64_C(1700000005000000));
	ifc.tsoffset = -10;
	ck_assert_uint_eq(pcapng_time_us(&ifc, 5), 0);
	ifc.tsoffset = INT64_MAX;
	ck_assert_uint_eq(pcapng_time_us(&ifc, UINT64_MAX), UINT64_MAX);
}
END_TEST

static Suite *
pcapng_suite(void)
{
	Suite *s = suite_create("pcapng");
	TCase *tc = tcase_create("blocks");

	tcase_add_loop_test(tc, test_shb_both_orders, 0, 2);
	tcase_add_test(tc, test_block_len_limits);
	tcase_add_loop_test(tc, test_idb_options, 0, 2);
	tcase_add_loop_test(tc, test_packets, 0, 2);
	tcase_add_test(tc, test_time_units);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(pcapng_suite());
}
