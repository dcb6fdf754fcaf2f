/*
 * The capture file reader of -r (daemon/capfile.c): records as written,
 * in both byte orders and both timestamp precisions, across mapping
 * windows; damaged files end with an error after the last whole record;
 * a file truncated while it is mapped ends with an error, not SIGBUS.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "capfile.h"
#include "check_util.h"

#define MAX_PKTS	50000

struct wfile {
	FILE	*fp;
	int	 swapped;
	int	 nsec;
};

/* What capfile_read() handed over, copied out. */
struct got {
	size_t	 n;
	size_t	 base;		/* n when the current capfile_read() began */
	uint32_t caplen[MAX_PKTS];
	uint32_t wirelen[MAX_PKTS];
	uint64_t ts_us[MAX_PKTS];
	uint8_t	 first[MAX_PKTS];	/* first byte of data */
	uint8_t	 last[MAX_PKTS];	/* last captured byte */
};

static char	path[64];

static void
tmp_path(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/check_capfile.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void
put32(struct wfile *w, uint32_t v)
{
	if (w->swapped)
		v = __builtin_bswap32(v);
	ck_assert_int_eq(fwrite(&v, 4, 1, w->fp), 1);
}

static void
put16(struct wfile *w, uint16_t v)
{
	if (w->swapped)
		v = __builtin_bswap16(v);
	ck_assert_int_eq(fwrite(&v, 2, 1, w->fp), 1);
}

static void
w_open(struct wfile *w, int swapped, int nsec, uint32_t snaplen)
{
	tmp_path();
	w->fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(w->fp);
	w->swapped = swapped;
	w->nsec = nsec;
	put32(w, nsec ? 0xa1b23c4d : 0xa1b2c3d4);
	put16(w, 2);
	put16(w, 4);
	put32(w, 0);
	put32(w, 0);
	put32(w, snaplen);
	put32(w, 1);		/* Ethernet */
}

/*
 * An Ethernet/IPv4/TCP frame of len bytes (at least 54) whose bytes after
 * the headers are a pattern of i; captured in full.
 */
static void
w_packet(struct wfile *w, uint64_t ts_us, uint32_t len, uint32_t caplen,
    uint32_t i, uint8_t proto)
{
	uint8_t f[2048];

	ck_assert_uint_le(len, sizeof(f));
	memset(f, 0, sizeof(f));
	f[12] = 0x08;			/* IPv4 */
	f[14] = 0x45;
	f[16] = (uint8_t)((len - 14) >> 8);
	f[17] = (uint8_t)(len - 14);
	f[22] = 64;
	f[23] = proto;
	f[26] = 10; f[29] = 1;		/* 10.0.0.1 */
	f[30] = 10; f[33] = 2;		/* 10.0.0.2 */
	f[34] = 0x9c; f[35] = 0x41;	/* ports 40001 -> 80 */
	f[37] = 80;
	f[46] = 0x50;			/* TCP header length 20 */
	f[47] = 0x10;			/* ACK */
	for (uint32_t j = 54; j < len; j++)
		f[j] = (uint8_t)(i + j);
	f[0] = (uint8_t)i;
	put32(w, (uint32_t)(ts_us / 1000000));
	put32(w, w->nsec ? (uint32_t)(ts_us % 1000000) * 1000 :
	    (uint32_t)(ts_us % 1000000));
	put32(w, caplen);
	put32(w, len);
	if (caplen > 0)
		ck_assert_int_eq(fwrite(f, caplen < len ? caplen : len, 1,
		    w->fp), 1);
	/* A record may claim more than the frame: pad with zeros. */
	for (uint32_t j = len; j < caplen; j++)
		ck_assert_int_ne(fputc(0, w->fp), EOF);
}

static void
w_close(struct wfile *w)
{
	ck_assert_int_eq(fclose(w->fp), 0);
}

static void
got_one(void *ctx, size_t i, const struct capfile_pkt *p)
{
	struct got *g = ctx;

	/* Plain checks: a ck_assert per packet would be slow. */
	if (g->n - g->base != i)
		abort();
	if (g->n >= MAX_PKTS)
		abort();
	g->caplen[g->n] = p->caplen;
	g->wirelen[g->n] = p->wirelen;
	g->ts_us[g->n] = p->ts_us;
	g->first[g->n] = p->caplen > 0 ? p->data[0] : 0;
	g->last[g->n] = p->caplen > 0 ? p->data[p->caplen - 1] : 0;
	g->n++;
}

/* Reads the whole file in batches of batch; capfile_read()'s last rc. */
static int
read_all(struct capfile *c, struct got *g, size_t batch)
{
	int rc = 1;

	while (rc == 1) {
		size_t before = g->n, n;

		g->base = g->n;
		n = capfile_read(c, batch, got_one, g, &rc);
		ck_assert_uint_eq(g->n - before, n);
		/* got_one checks indices against the count within a batch. */
		if (rc == 1)
			ck_assert_uint_eq(n, batch);
	}
	return rc;
}

static struct capfile *
open_ok(const char *filter)
{
	char err[512];
	struct capfile *c = capfile_open(path, filter, err, sizeof(err));

	ck_assert_msg(c != NULL, "capfile_open: %s", err);
	return c;
}

static struct got *
got_new(void)
{
	struct got *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	return g;
}

/* Each byte order and precision reads back what was written. */
START_TEST(test_variants)
{
	int swapped = _i & 1, nsec = _i >> 1 & 1;
	struct wfile w;
	struct got *g = got_new();
	struct capfile *c;

	w_open(&w, swapped, nsec, 65535);
	for (uint32_t i = 0; i < 100; i++)
		w_packet(&w, 1700000000000000ULL + i * 1234567ULL, 54 + i * 7,
		    54 + i * 7, i, 6);
	w_close(&w);
	c = open_ok(NULL);
	ck_assert(capfile_is_fast(c));
	ck_assert_int_eq(capfile_linktype(c), 1);
	ck_assert_int_eq(read_all(c, g, 16), 0);
	ck_assert_uint_eq(g->n, 100);
	for (uint32_t i = 0; i < 100; i++) {
		ck_assert_uint_eq(g->caplen[i], 54 + i * 7);
		ck_assert_uint_eq(g->wirelen[i], 54 + i * 7);
		ck_assert_uint_eq(g->ts_us[i], 1700000000000000ULL + i * 1234567ULL);
		ck_assert_uint_eq(g->first[i], (uint8_t)i);
		if (i > 0)
			ck_assert_uint_eq(g->last[i],
			    (uint8_t)(i + 54 + i * 7 - 1));
	}
	capfile_close(c);
	unlink(path);
	free(g);
}
END_TEST

/*
 * More records than one mapping window holds, of sizes that put record
 * headers and data across every window boundary.
 */
START_TEST(test_many_windows)
{
	struct wfile w;
	struct got *g = got_new();
	struct capfile *c;
	uint32_t n = 0;

	w_open(&w, 0, 0, 65535);
	for (uint64_t bytes = 0; bytes < (40u << 20); n++) {
		uint32_t len = 60 + (n * 37) % 1900;

		w_packet(&w, 1700000000000000ULL + n, len, len, n, 6);
		bytes += 16 + len;
	}
	w_close(&w);
	ck_assert_uint_le(n, MAX_PKTS);
	c = open_ok(NULL);
	ck_assert_int_eq(read_all(c, g, 512), 0);
	ck_assert_uint_eq(g->n, n);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = 60 + (i * 37) % 1900;

		if (g->caplen[i] != len || g->first[i] != (uint8_t)i ||
		    g->last[i] != (uint8_t)(i + len - 1) ||
		    g->ts_us[i] != 1700000000000000ULL + i)
			ck_abort_msg("record %u read wrong", i);
	}
	capfile_close(c);
	unlink(path);
	free(g);
}
END_TEST

/* A file that stops inside a record: what came before, then an error. */
START_TEST(test_truncated)
{
	/* Bytes into record 6; decreasing, as truncate() cannot restore. */
	static const long cut_in[] = { 40, 16, 15, 3 };
	struct wfile w;
	struct capfile *c;
	long rec6 = 0;

	w_open(&w, 0, 0, 65535);
	for (uint32_t i = 0; i < 10; i++) {
		if (i == 6)
			rec6 = ftell(w.fp);
		w_packet(&w, 1700000000000000ULL + i, 100, 100, i, 6);
	}
	w_close(&w);
	for (size_t k = 0; k < sizeof(cut_in) / sizeof(cut_in[0]); k++) {
		struct got *g = got_new();

		ck_assert_int_eq(truncate(path, rec6 + cut_in[k]), 0);
		c = open_ok(NULL);
		ck_assert_msg(read_all(c, g, 4) == -1, "cut %ld bytes into "
		    "record 6: no error after %zu records", cut_in[k], g->n);
		ck_assert_uint_eq(g->n, 6);
		ck_assert_ptr_nonnull(strstr(capfile_error(c), "truncated"));
		capfile_close(c);
		free(g);
	}
	/* Cut exactly at a record boundary: a clean end. */
	{
		struct got *g = got_new();

		ck_assert_int_eq(truncate(path, rec6), 0);
		c = open_ok(NULL);
		ck_assert_int_eq(read_all(c, g, 4), 0);
		ck_assert_uint_eq(g->n, 6);
		capfile_close(c);
		free(g);
	}
	unlink(path);
}
END_TEST

/*
 * A captured length above libpcap's limit stops the file; one above the
 * file's snapshot length is cut to it, as libpcap cuts it.
 */
START_TEST(test_lengths)
{
	struct wfile w;
	struct got *g = got_new();
	struct capfile *c;

	w_open(&w, 0, 0, 80);
	w_packet(&w, 1700000000000000ULL, 60, 60, 1, 6);
	w_packet(&w, 1700000000000001ULL, 120, 120, 2, 6);
	w_packet(&w, 1700000000000002ULL, 300, 100, 3, 6);
	w_packet(&w, 1700000000000003ULL, 60, 300000, 4, 6);
	w_packet(&w, 1700000000000004ULL, 60, 60, 5, 6);
	w_close(&w);
	c = open_ok(NULL);
	ck_assert_int_eq(read_all(c, g, 8), -1);
	ck_assert_uint_eq(g->n, 3);
	ck_assert_uint_eq(g->caplen[0], 60);
	ck_assert_uint_eq(g->caplen[1], 80);
	ck_assert_uint_eq(g->wirelen[1], 120);
	ck_assert_uint_eq(g->caplen[2], 80);
	ck_assert_uint_eq(g->wirelen[2], 300);
	ck_assert_ptr_nonnull(strstr(capfile_error(c), "300000"));
	capfile_close(c);
	unlink(path);
	free(g);
}
END_TEST

START_TEST(test_filter)
{
	struct wfile w;
	struct got *g = got_new();
	struct capfile *c;
	char err[512];

	w_open(&w, 0, 0, 65535);
	for (uint32_t i = 0; i < 20; i++)
		w_packet(&w, 1700000000000000ULL + i, 80, 80, i,
		    i % 4 == 0 ? 17 : 6);
	w_close(&w);
	c = open_ok("udp");
	ck_assert_int_eq(read_all(c, g, 3), 0);
	ck_assert_uint_eq(g->n, 5);
	for (uint32_t i = 0; i < 5; i++)
		ck_assert_uint_eq(g->first[i], i * 4);
	capfile_close(c);
	ck_assert_ptr_null(capfile_open(path, "no such (filter", err,
	    sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "capture.filter"));
	unlink(path);
	free(g);
}
END_TEST

static void
shrink_after(void *ctx, size_t i, const struct capfile_pkt *p)
{
	struct got *g = ctx;

	got_one(g, i, p);
	/* Another program cuts the file short while we read it. */
	if (g->n == 3 && truncate(path, 24) != 0)
		abort();
}

/* Pages of a mapped file that vanish raise SIGBUS: it ends the file. */
START_TEST(test_file_shrinks)
{
	struct wfile w;
	struct got *g = got_new();
	struct capfile *c;
	int rc;

	w_open(&w, 0, 0, 65535);
	for (uint32_t i = 0; i < 5000; i++)
		w_packet(&w, 1700000000000000ULL + i, 1500, 1500, i, 6);
	w_close(&w);
	c = open_ok(NULL);
	ck_assert(capfile_is_fast(c));
	(void)capfile_read(c, 100, shrink_after, g, &rc);
	ck_assert_int_eq(rc, -1);
	ck_assert_uint_eq(g->n, 3);
	ck_assert_ptr_nonnull(strstr(capfile_error(c), "shrank"));
	/* It stays ended. */
	g->base = g->n;
	ck_assert_uint_eq(capfile_read(c, 100, got_one, g, &rc), 0);
	ck_assert_int_eq(rc, -1);
	capfile_close(c);
	unlink(path);
	free(g);
}
END_TEST

START_TEST(test_not_a_capture)
{
	char err[512];
	FILE *fp;

	tmp_path();
	fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	fputs("not a capture file at all, just some text\n", fp);
	fclose(fp);
	ck_assert_ptr_null(capfile_open(path, NULL, err, sizeof(err)));
	ck_assert_uint_gt(strlen(err), 0);
	unlink(path);
	ck_assert_ptr_null(capfile_open("/nonexistent/x.pcap", NULL, err,
	    sizeof(err)));
}
END_TEST

static Suite *
capfile_suite(void)
{
	Suite *s = suite_create("capfile");
	TCase *tc = tcase_create("read");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_variants, 0, 4);
	tcase_add_test(tc, test_many_windows);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_lengths);
	tcase_add_test(tc, test_filter);
	tcase_add_test(tc, test_file_shrinks);
	tcase_add_test(tc, test_not_a_capture);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(capfile_suite());
}
