/*
 * The flow table (lib/flow.c): direction-independent keys with the VLAN
 * IDs in them, the seeded hash, insertion and reuse, the memory bound with
 * eviction of the oldest flow (SPEC section 9), expiry by class within a
 * budget, and the end callback's view of a flow.
 *
 * "check_flow --sizes" prints the sizes of the hot structures and the
 * table's bytes per flow instead of running the tests (make sizes).
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "check_util.h"
#include "event.h"
#include "flow.h"
#include "pkt.h"

#define SEED		0x5eed5eed12345678ULL

/* What the end callback saw of one flow. */
struct ended {
	struct flow_key	key;
	uint64_t	ts_start_us;
	uint64_t	ts_last_us;
	enum flow_end	why;
	unsigned	cls;
};

struct recorder {
	struct ended	*v;
	size_t		 cap;		/* entries kept */
	size_t		 n;		/* calls seen, kept or not */
	size_t		 why[FLOW_END_RESTART + 1];
	/* When set, every expired flow must really have been idle. */
	const uint64_t	*timeout_us;
	uint64_t	 now_us;
	const struct flow_table *t;	/* for the flows' start times */
};

static struct addr	v4(uint32_t);
static struct addr	text_addr(const char *);
static void		key_n(struct flow_key *, uint32_t);
static void		key_mixed(struct flow_key *, uint32_t);
static void		rec_init(struct recorder *, size_t);
static void		rec_free(struct recorder *);
static void		rec_end(void *, struct flow *, enum flow_end);
static struct flow_table *table(uint32_t, struct recorder *);
static struct flow	*insert(struct flow_table *, const struct flow_key *,
			    uint64_t);
static struct flow	*find(struct flow_table *, const struct flow_key *);
static bool		key_eq(const struct flow_key *,
			    const struct flow_key *);
static void		dirty(struct flow *);
static void		assert_clean(const struct flow *);
static void		set_timeouts(uint64_t [FLOW_NCLASSES], uint64_t,
			    uint64_t, uint64_t, uint64_t);
static int		cmp_u32(const void *, const void *);
static int		print_sizes(void);
static Suite		*flow_suite(void);

static struct addr
v4(uint32_t host_order)
{
	uint8_t b[4];
	struct addr a;

	b[0] = (uint8_t)(host_order >> 24);
	b[1] = (uint8_t)(host_order >> 16);
	b[2] = (uint8_t)(host_order >> 8);
	b[3] = (uint8_t)host_order;
	addr_from_v4(&a, b);
	return a;
}

static struct addr
text_addr(const char *text)
{
	struct addr_prefix p;

	ck_assert_int_eq(addr_prefix_parse(&p, text), 0);
	return p.addr;
}

/* Distinct n, distinct key: a client address and port per n, one server. */
static void
key_n(struct flow_key *k, uint32_t n)
{
	struct addr src = v4(0x0a000000u | (n >> 10)), dst = v4(0xc0000201u);

	flow_key_make(k, &src, &dst, (uint16_t)(1024 + (n & 1023)), 443,
	    PKT_PROTO_TCP, 0, 0);
}

/*
 * Distinct keys of three shapes, so that the hash is tried on more than
 * one pattern: IPv4 clients, one host talking to itself on many ports
 * (UDP), and IPv6 neighbours in many VLANs.
 */
static void
key_mixed(struct flow_key *k, uint32_t n)
{
	struct addr src, dst;
	uint8_t b[16];

	switch (n % 3) {
	case 0:
		key_n(k, n / 3);
		break;
	case 1:
		src = dst = v4(0xc6336407u);	/* 198.51.100.7 */
		flow_key_make(k, &src, &dst, (uint16_t)(1 + n / 3), 53,
		    PKT_PROTO_UDP, 0, 0);
		break;
	default:
		memset(b, 0, sizeof(b));
		b[0] = 0x20; b[1] = 0x01; b[2] = 0x0d; b[3] = 0xb8;
		b[12] = (uint8_t)(n >> 24);
		b[13] = (uint8_t)(n >> 16);
		b[14] = (uint8_t)(n >> 8);
		b[15] = (uint8_t)n;
		addr_from_v6(&src, b);
		b[8] = 1;
		addr_from_v6(&dst, b);
		flow_key_make(k, &src, &dst, 40000, 22, PKT_PROTO_TCP,
		    (uint16_t)(n % 4096), (uint16_t)((n / 4096) % 4096));
		break;
	}
}

static void
rec_init(struct recorder *r, size_t cap)
{
	memset(r, 0, sizeof(*r));
	r->cap = cap;
	if (cap > 0) {
		r->v = calloc(cap, sizeof(*r->v));
		ck_assert_ptr_nonnull(r->v);
	}
}

static void
rec_free(struct recorder *r)
{
	free(r->v);
	r->v = NULL;
}

/* The end callback: what it can read of the flow is what gets recorded. */
static void
rec_end(void *ctx, struct flow *f, enum flow_end why)
{
	struct recorder *r = ctx;

	/*
	 * Plain tests, not ck_assert: each passing ck_assert reports to the
	 * parent process, which would dominate a million evictions.
	 */
	if (f == NULL || why < FLOW_END_EXPIRED || why > FLOW_END_RESTART)
		ck_abort_msg("end callback: flow %p, why %d", (void *)f,
		    (int)why);
	if (flow_start_us(r->t, f) > f->ts_last_us)
		ck_abort_msg("flow started at %llu, last active at %llu",
		    (unsigned long long)flow_start_us(r->t, f),
		    (unsigned long long)f->ts_last_us);
	if (why == FLOW_END_EXPIRED && r->timeout_us != NULL &&
	    (f->cls >= FLOW_NCLASSES ||
	    f->ts_last_us + r->timeout_us[f->cls] > r->now_us))
		ck_abort_msg("flow last active at %llu expired at %llu "
		    "(class %u)", (unsigned long long)f->ts_last_us,
		    (unsigned long long)r->now_us, (unsigned)f->cls);
	if (r->n < r->cap) {
		struct ended *e = &r->v[r->n];

		e->key = f->key;
		e->ts_start_us = flow_start_us(r->t, f);
		e->ts_last_us = f->ts_last_us;
		e->why = why;
		e->cls = f->cls;
	}
	r->n++;
	r->why[why]++;
}

static struct flow_table *
table(uint32_t max_flows, struct recorder *r)
{
	struct flow_table *t;

	t = flow_table_new(max_flows, SEED, r != NULL ? rec_end : NULL, r);
	ck_assert_ptr_nonnull(t);
	if (r != NULL)
		r->t = t;
	/* Exact activity order: these tests time things in microseconds. */
	flow_table_set_tick(t, 0);
	return t;
}

static struct flow *
insert(struct flow_table *t, const struct flow_key *k, uint64_t now_us)
{
	uint32_t h = flow_hash(t, k);
	struct flow *f;

	ck_assert_ptr_null(flow_lookup(t, k, h));
	f = flow_insert(t, k, h, now_us);
	ck_assert_ptr_nonnull(f);
	return f;
}

static struct flow *
find(struct flow_table *t, const struct flow_key *k)
{
	return flow_lookup(t, k, flow_hash(t, k));
}

static bool
key_eq(const struct flow_key *a, const struct flow_key *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Analysis state as a used flow leaves it; the table's links untouched. */
static void
dirty(struct flow *f)
{
	f->irtt_us = 12345;
	memset(f->half, 0xa5, sizeof(f->half));
	f->last_sig = 0xdeadbeef;
	f->syn_retransmits = 3;
	f->synack_retransmits = 4;
	f->seq_anomalies = 5;
	f->keepalives = 6;
	f->window_probes = 7;
	f->out_of_order = 8;
	f->duplicates = 9;
	f->fired = 0xffff;
	f->state = FS_SYN | FS_SYNACK | FS_ESTAB | FS_RST_END | FS_CLOSE_SET;
	f->icmp_unreachables = 200;
	f->orig_is_b = 1;
	f->close = CLOSE_loss_reset;
}

static void
assert_clean(const struct flow *f)
{
	static const struct flow_half zero_half;

	ck_assert_uint_eq(f->irtt_us, 0);
	ck_assert_int_eq(memcmp(&f->half[0], &zero_half, sizeof(zero_half)), 0);
	ck_assert_int_eq(memcmp(&f->half[1], &zero_half, sizeof(zero_half)), 0);
	ck_assert_uint_eq(f->last_sig, 0);
	ck_assert_uint_eq(f->syn_retransmits, 0);
	ck_assert_uint_eq(f->synack_retransmits, 0);
	ck_assert_uint_eq(f->seq_anomalies, 0);
	ck_assert_uint_eq(f->keepalives, 0);
	ck_assert_uint_eq(f->window_probes, 0);
	ck_assert_uint_eq(f->out_of_order, 0);
	ck_assert_uint_eq(f->duplicates, 0);
	ck_assert_uint_eq(f->fired, 0);
	ck_assert_uint_eq(f->state, 0);
	ck_assert_uint_eq(f->icmp_unreachables, 0);
	ck_assert_uint_eq(f->orig_is_b, 0);
	ck_assert_uint_eq(f->close, 0);
	ck_assert_uint_eq(f->cls, FLOW_EMBRYONIC);
}

static void
set_timeouts(uint64_t t[FLOW_NCLASSES], uint64_t emb, uint64_t est,
    uint64_t closed, uint64_t udp)
{
	t[FLOW_EMBRYONIC] = emb;
	t[FLOW_ESTABLISHED] = est;
	t[FLOW_CLOSED] = closed;
	t[FLOW_UDP] = udp;
	t[FLOW_PICKUP] = est;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- keys ---- */

START_TEST(test_key_symmetric)
{
	struct addr a = v4(0xc0000201u), b = v4(0xc6336465u);
	struct flow_key k1, k2;
	int r1, r2;

	r1 = flow_key_make(&k1, &a, &b, 51000, 443, PKT_PROTO_TCP, 0, 0);
	r2 = flow_key_make(&k2, &b, &a, 443, 51000, PKT_PROTO_TCP, 0, 0);
	ck_assert(key_eq(&k1, &k2));
	ck_assert_int_eq(r1 + r2, 1);
	ck_assert(r1 == 0 || r1 == 1);

	/* The return value says which side of the key the sender is. */
	ck_assert_int_eq(r1, 0);	/* 192.0.2.1 < 198.51.100.101 */
	ck_assert_int_eq(memcmp(&k1.a, &a, sizeof(a)), 0);
	ck_assert_int_eq(memcmp(&k1.b, &b, sizeof(b)), 0);
	ck_assert_uint_eq(k1.port_a, 51000);
	ck_assert_uint_eq(k1.port_b, 443);

	/* IPv6, the higher address sending. */
	a = text_addr("2001:db8::2");
	b = text_addr("2001:db8::1");
	r1 = flow_key_make(&k1, &a, &b, 80, 33000, PKT_PROTO_TCP, 7, 9);
	r2 = flow_key_make(&k2, &b, &a, 33000, 80, PKT_PROTO_TCP, 7, 9);
	ck_assert(key_eq(&k1, &k2));
	ck_assert_int_eq(r1, 1);
	ck_assert_int_eq(r2, 0);
	ck_assert_int_eq(memcmp(&k1.a, &b, sizeof(b)), 0);
	ck_assert_uint_eq(k1.port_a, 33000);
	ck_assert_uint_eq(k1.port_b, 80);
}
END_TEST

/* One host talking to itself (loopback): the ports decide the order. */
/*
 * Side a is the lower address in addr_cmp()'s order (network byte order),
 * for addresses that differ anywhere in their 16 bytes.
 */
START_TEST(test_key_order_is_addr_cmp)
{
	struct addr x, y;
	struct flow_key k;
	uint32_t seed = 12345;

	for (int i = 0; i < 20000; i++) {
		/* Often equal in a prefix, so later bytes decide. */
		util_random_addrs(&seed, &x, &y, (size_t)(i % 17));
		int swapped = flow_key_make(&k, &x, &y, 1000, 2000,
		    PKT_PROTO_TCP, 0, 0);
		int c = addr_cmp(&x, &y);

		ck_assert_int_eq(swapped, c > 0);
		ck_assert_int_eq(addr_cmp(&k.a, &k.b) <= 0, 1);
	}
}
END_TEST

START_TEST(test_key_same_address)
{
	struct addr a = text_addr("127.0.0.1");
	struct flow_key k1, k2, k3;
	int r1, r2, r3;

	r1 = flow_key_make(&k1, &a, &a, 41000, 8080, PKT_PROTO_TCP, 0, 0);
	r2 = flow_key_make(&k2, &a, &a, 8080, 41000, PKT_PROTO_TCP, 0, 0);
	ck_assert(key_eq(&k1, &k2));
	ck_assert_int_eq(r1 + r2, 1);
	ck_assert_int_eq(r2, 0);	/* the lower port is side a */
	ck_assert_uint_eq(k1.port_a, 8080);
	ck_assert_uint_eq(k1.port_b, 41000);

	/* Another pair of ports is another connection. */
	flow_key_make(&k3, &a, &a, 41001, 8080, PKT_PROTO_TCP, 0, 0);
	ck_assert(!key_eq(&k1, &k3));

	/* Same address and port both ways: one key, whoever sends. */
	r1 = flow_key_make(&k1, &a, &a, 5000, 5000, PKT_PROTO_UDP, 0, 0);
	r3 = flow_key_make(&k3, &a, &a, 5000, 5000, PKT_PROTO_UDP, 0, 0);
	ck_assert(key_eq(&k1, &k3));
	ck_assert_int_eq(r1, r3);
	ck_assert_uint_eq(k1.port_a, 5000);
	ck_assert_uint_eq(k1.port_b, 5000);
}
END_TEST

/*
 * Ports follow their addresses: sorting the ports on their own would merge
 * A:9000->B:80 with A:80->B:9000, two different connections.
 */
START_TEST(test_key_ports_follow_addresses)
{
	struct addr lo = text_addr("10.0.0.1"), hi = text_addr("10.0.0.2");
	struct flow_key k1, k2;
	int r;

	r = flow_key_make(&k1, &lo, &hi, 9000, 80, PKT_PROTO_TCP, 0, 0);
	ck_assert_int_eq(r, 0);
	ck_assert_uint_eq(k1.port_a, 9000);
	ck_assert_uint_eq(k1.port_b, 80);
	flow_key_make(&k2, &lo, &hi, 80, 9000, PKT_PROTO_TCP, 0, 0);
	ck_assert(!key_eq(&k1, &k2));

	/* The higher address with the lower port still goes second. */
	r = flow_key_make(&k2, &hi, &lo, 80, 9000, PKT_PROTO_TCP, 0, 0);
	ck_assert_int_eq(r, 1);
	ck_assert(key_eq(&k1, &k2));
}
END_TEST

START_TEST(test_key_families)
{
	struct addr a4 = text_addr("192.0.2.1"), b4 = text_addr("192.0.2.2");
	struct addr mapped = text_addr("::ffff:192.0.2.1");
	struct addr compat = text_addr("::192.0.2.1");
	struct addr a6 = text_addr("2001:db8::c000:201");
	struct flow_key k4, k;

	flow_key_make(&k4, &a4, &b4, 1234, 80, PKT_PROTO_TCP, 0, 0);
	/* The mapped form is how an IPv4 address is held: the same flow. */
	flow_key_make(&k, &mapped, &b4, 1234, 80, PKT_PROTO_TCP, 0, 0);
	ck_assert(key_eq(&k4, &k));
	/* The same low 32 bits in IPv6 addresses are other hosts. */
	flow_key_make(&k, &compat, &b4, 1234, 80, PKT_PROTO_TCP, 0, 0);
	ck_assert(!key_eq(&k4, &k));
	flow_key_make(&k, &a6, &b4, 1234, 80, PKT_PROTO_TCP, 0, 0);
	ck_assert(!key_eq(&k4, &k));
}
END_TEST

/* 802.1Q: the same 5-tuple in two VLANs is two connections. */
START_TEST(test_key_vlan_and_proto)
{
	struct addr a = text_addr("192.0.2.1"), b = text_addr("192.0.2.2");
	struct flow_table *t = table(64, NULL);
	struct flow_key k[7], r;
	struct flow *f[7];
	size_t i, j;

	flow_key_make(&k[0], &a, &b, 1234, 80, PKT_PROTO_TCP, 0, 0);
	flow_key_make(&k[1], &a, &b, 1234, 80, PKT_PROTO_TCP, 10, 0);
	flow_key_make(&k[2], &a, &b, 1234, 80, PKT_PROTO_TCP, 20, 0);
	flow_key_make(&k[3], &a, &b, 1234, 80, PKT_PROTO_TCP, 0, 10);
	flow_key_make(&k[4], &a, &b, 1234, 80, PKT_PROTO_TCP, 10, 11);
	flow_key_make(&k[5], &a, &b, 1234, 80, PKT_PROTO_TCP, 4095, 4095);
	flow_key_make(&k[6], &a, &b, 1234, 80, PKT_PROTO_UDP, 0, 0);
	for (i = 0; i < 7; i++)
		for (j = i + 1; j < 7; j++)
			ck_assert_msg(!key_eq(&k[i], &k[j]),
			    "keys %zu and %zu are equal", i, j);

	/* The reverse direction in the same VLANs is the same flow. */
	flow_key_make(&r, &b, &a, 80, 1234, PKT_PROTO_TCP, 10, 11);
	ck_assert(key_eq(&r, &k[4]));

	/* Each is its own entry in a table. */
	for (i = 0; i < 7; i++)
		f[i] = insert(t, &k[i], 100 + i);
	for (i = 0; i < 7; i++) {
		ck_assert_ptr_eq(find(t, &k[i]), f[i]);
		ck_assert(key_eq(&f[i]->key, &k[i]));
	}
	ck_assert_uint_eq(flow_table_stats(t)->active, 7);
	flow_table_free(t);
}
END_TEST

/* Whatever was in the key before, equal inputs make equal bytes. */
START_TEST(test_key_no_stale_bytes)
{
	struct addr a = text_addr("2001:db8::1"), b = text_addr("192.0.2.9");
	struct flow_key k1, k2;

	memset(&k1, 0x00, sizeof(k1));
	memset(&k2, 0xff, sizeof(k2));
	flow_key_make(&k1, &a, &b, 1, 2, PKT_PROTO_TCP, 3, 4);
	flow_key_make(&k2, &a, &b, 1, 2, PKT_PROTO_TCP, 3, 4);
	ck_assert(key_eq(&k1, &k2));
}
END_TEST

/* ---- hash ---- */

START_TEST(test_hash_stable)
{
	struct flow_table *t1 = table(16, NULL), *t2 = table(1024, NULL);
	struct addr a = text_addr("192.0.2.1"), b = text_addr("192.0.2.2");
	struct flow_key k, r;

	/* Same seed, same key: same hash, whatever the table's size. */
	for (uint32_t n = 0; n < 1000; n++) {
		key_mixed(&k, n);
		ck_assert_uint_eq(flow_hash(t1, &k), flow_hash(t1, &k));
		ck_assert_uint_eq(flow_hash(t1, &k), flow_hash(t2, &k));
	}
	flow_key_make(&k, &a, &b, 1000, 80, PKT_PROTO_TCP, 5, 0);
	flow_key_make(&r, &b, &a, 80, 1000, PKT_PROTO_TCP, 5, 0);
	ck_assert_uint_eq(flow_hash(t1, &k), flow_hash(t1, &r));
	flow_table_free(t1);
	flow_table_free(t2);
}
END_TEST

/* The seed changes where keys land: chosen tuples cannot pick a chain. */
START_TEST(test_hash_seeded)
{
	struct flow_table *t1, *t2, *t0;
	struct flow_key k;
	uint32_t n, differ = 0, differ_low = 0;
	const uint32_t nkeys = 10000;

	t1 = flow_table_new(16, 1, NULL, NULL);
	t2 = flow_table_new(16, 0x9e3779b97f4a7c15ULL, NULL, NULL);
	t0 = flow_table_new(16, 0, NULL, NULL);
	ck_assert_ptr_nonnull(t1);
	ck_assert_ptr_nonnull(t2);
	ck_assert_ptr_nonnull(t0);
	for (n = 0; n < nkeys; n++) {
		uint32_t h1, h2;

		key_mixed(&k, n);
		h1 = flow_hash(t1, &k);
		h2 = flow_hash(t2, &k);
		differ += h1 != h2;
		differ_low += (h1 & 0x1ffff) != (h2 & 0x1ffff);
	}
	/* By chance about one key in 2^32 (2^17 for the low bits) agrees. */
	ck_assert_uint_ge(differ, nkeys - 2);
	ck_assert_uint_ge(differ_low, nkeys - nkeys / 100);

	differ = 0;
	for (n = 0; n < nkeys; n++) {
		key_mixed(&k, n);
		differ += flow_hash(t0, &k) != flow_hash(t1, &k);
	}
	ck_assert_uint_ge(differ, nkeys - 2);
	flow_table_free(t0);
	flow_table_free(t1);
	flow_table_free(t2);
}
END_TEST

/*
 * 100k distinct keys of three shapes: few full 32-bit collisions, buckets
 * filled as a random function would (about e^-0.76 of 131072 empty, no
 * long chain), and every key found again through its chain.
 */
START_TEST(test_hash_distribution)
{
	const uint32_t nkeys = 100000, nbuckets = 131072;
	struct flow_table *t = table(131072, NULL);
	struct flow_key k;
	struct flow *f;
	uint32_t *h, *count, n, empty = 0, longest = 0, dup = 0;

	h = calloc(nkeys, sizeof(*h));
	count = calloc(nbuckets, sizeof(*count));
	ck_assert_ptr_nonnull(h);
	ck_assert_ptr_nonnull(count);
	for (n = 0; n < nkeys; n++) {
		key_mixed(&k, n);
		h[n] = flow_hash(t, &k);
		count[h[n] & (nbuckets - 1)]++;
		f = flow_insert(t, &k, h[n], n);
		if (f == NULL || find(t, &k) != f)
			ck_abort_msg("key %u not found after insertion", n);
	}
	for (n = 0; n < nbuckets; n++) {
		empty += count[n] == 0;
		if (count[n] > longest)
			longest = count[n];
	}
	/* Expected 61095 empty (sd about 180); chains of 12 almost never. */
	ck_assert_msg(empty > 59000 && empty < 63200, "%u empty buckets",
	    empty);
	ck_assert_msg(longest <= 12, "a chain of %u", longest);

	qsort(h, nkeys, sizeof(*h), cmp_u32);
	for (n = 1; n < nkeys; n++)
		dup += h[n] == h[n - 1];
	/* About 1.2 expected among 100k 32-bit values. */
	ck_assert_msg(dup <= 8, "%u hash collisions", dup);

	ck_assert_uint_eq(flow_table_stats(t)->active, nkeys);
	ck_assert_uint_eq(flow_table_stats(t)->evicted, 0);
	for (n = 0; n < nkeys; n++) {
		key_mixed(&k, n);
		f = find(t, &k);
		if (f == NULL || !key_eq(&f->key, &k) || flow_start_us(t, f) != n)
			ck_abort_msg("key %u lost", n);
	}
	free(h);
	free(count);
	flow_table_free(t);
}
END_TEST

/* Unlinking at every position of the chains keeps the rest reachable. */
START_TEST(test_hash_unlink_any_position)
{
	const uint32_t n = 4096;
	uint64_t to[FLOW_NCLASSES];
	struct flow_table *t = table(n, NULL);
	struct flow_key k;
	uint32_t i, kept = 0;

	for (i = 0; i < n; i++) {
		key_mixed(&k, i);
		insert(t, &k, i);
	}
	/* Keep a scattered third alive, let the rest expire. */
	for (i = 0; i < n; i++) {
		if ((i * 2654435761u) % 3 != 0)
			continue;
		key_mixed(&k, i);
		flow_touch(t, find(t, &k), 100000 + i);
		kept++;
	}
	set_timeouts(to, 1000, 1000, 1000, 1000);
	ck_assert_uint_eq(flow_expire(t, 50000, to, SIZE_MAX), n - kept);
	for (i = 0; i < n; i++) {
		key_mixed(&k, i);
		if ((i * 2654435761u) % 3 == 0)
			ck_assert_msg(find(t, &k) != NULL, "flow %u lost", i);
		else
			ck_assert_msg(find(t, &k) == NULL, "flow %u kept", i);
	}
	ck_assert_uint_eq(flow_table_stats(t)->active, kept);
	flow_table_free(t);
}
END_TEST

/* ---- insert, lookup, reuse ---- */

START_TEST(test_insert_lookup)
{
	struct flow_table *t = table(8, NULL);
	struct flow_key k, other;
	struct flow *f;
	const struct flow_table_stats *st = flow_table_stats(t);

	key_n(&k, 1);
	key_n(&other, 2);
	ck_assert_ptr_null(find(t, &k));
	f = insert(t, &k, 5000000);
	ck_assert_ptr_eq(find(t, &k), f);
	ck_assert_ptr_null(find(t, &other));
	ck_assert(key_eq(&f->key, &k));
	ck_assert_uint_eq(flow_start_us(t, f), 5000000);
	ck_assert_uint_eq(f->ts_last_us, 5000000);
	assert_clean(f);
	ck_assert_uint_eq(st->created, 1);
	ck_assert_uint_eq(st->active, 1);
	ck_assert_uint_eq(st->max_active, 1);
	ck_assert_uint_eq(st->evicted, 0);
	ck_assert_uint_eq(st->expired, 0);

	/* A touch moves the last activity, not the start. */
	flow_touch(t, f, 5000100);
	ck_assert_uint_eq(flow_start_us(t, f), 5000000);
	ck_assert_uint_eq(f->ts_last_us, 5000100);
	ck_assert_ptr_eq(find(t, &k), f);
	flow_table_free(t);
}
END_TEST

/* A slot handed out again comes clean, by eviction or after expiry. */
START_TEST(test_insert_zeroes_reused_slot)
{
	struct recorder rec;
	struct flow_table *t;
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k1, k2, k3;
	struct flow *f;

	rec_init(&rec, 4);
	t = table(1, &rec);
	key_n(&k1, 1);
	key_n(&k2, 2);
	key_n(&k3, 3);
	f = insert(t, &k1, 100);
	dirty(f);
	flow_set_class(t, f, FLOW_ESTABLISHED);
	f = insert(t, &k2, 200);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert(key_eq(&rec.v[0].key, &k1));
	ck_assert(key_eq(&f->key, &k2));
	ck_assert_uint_eq(flow_start_us(t, f), 200);
	ck_assert_uint_eq(f->ts_last_us, 200);
	assert_clean(f);

	dirty(f);
	flow_set_class(t, f, FLOW_UDP);
	set_timeouts(to, 10, 10, 10, 10);
	ck_assert_uint_eq(flow_expire(t, 1000, to, 16), 1);
	f = insert(t, &k3, 2000);
	ck_assert_uint_eq(rec.n, 2);
	assert_clean(f);
	ck_assert_uint_eq(flow_start_us(t, f), 2000);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

START_TEST(test_reuse)
{
	static const uint32_t reused[] = { 30, 10, 50 };
	const uint32_t n = 64;
	struct recorder rec;
	struct flow_table *t;
	struct flow_key k[128];
	struct flow *f;
	const struct flow_table_stats *st;
	uint64_t created;
	uint32_t i, j;

	rec_init(&rec, n);
	t = table(n, &rec);
	st = flow_table_stats(t);
	for (i = 0; i < 2 * n; i++)
		key_n(&k[i], i);
	for (i = 0; i < n; i++)
		insert(t, &k[i], 1000 + i);

	f = find(t, &k[30]);
	dirty(f);
	flow_set_class(t, f, FLOW_CLOSED);
	created = st->created;
	flow_reuse(t, f, 5000);
	ck_assert_ptr_eq(find(t, &k[30]), f);
	ck_assert(key_eq(&f->key, &k[30]));
	ck_assert_uint_eq(flow_start_us(t, f), 5000);
	ck_assert_uint_eq(f->ts_last_us, 5000);
	assert_clean(f);
	ck_assert_uint_eq(st->active, n);
	ck_assert_uint_eq(st->created, created + 1);
	ck_assert_uint_eq(rec.n, 0);	/* the caller reports the old one */
	flow_reuse(t, find(t, &k[10]), 5001);
	flow_reuse(t, find(t, &k[50]), 5002);
	for (i = 0; i < n; i++)
		ck_assert_ptr_nonnull(find(t, &k[i]));

	/*
	 * Reused flows are young: a full table's worth of new flows evicts
	 * the others first, oldest first, then the reused ones in turn.
	 */
	for (i = 0; i < n; i++)
		insert(t, &k[n + i], 9000 + i);
	ck_assert_uint_eq(rec.n, n);
	for (i = 0, j = 0; i < n; i++) {
		if (i == 10 || i == 30 || i == 50)
			continue;
		ck_assert_msg(key_eq(&rec.v[j].key, &k[i]),
		    "eviction %u is not flow %u", j, i);
		j++;
	}
	for (i = 0; i < 3; i++, j++) {
		ck_assert(key_eq(&rec.v[j].key, &k[reused[i]]));
		ck_assert_uint_eq(rec.v[j].ts_start_us, 5000 + i);
	}

	/* Reused in place, in every position of the hash chains. */
	for (i = n; i < 2 * n; i++)
		flow_reuse(t, find(t, &k[i]), 10000 + i);
	for (i = n; i < 2 * n; i++) {
		f = find(t, &k[i]);
		ck_assert_ptr_nonnull(f);
		ck_assert(key_eq(&f->key, &k[i]));
		ck_assert_uint_eq(flow_start_us(t, f), 10000 + i);
	}
	ck_assert_uint_eq(st->active, n);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/* ---- capacity and eviction ---- */

/*
 * With the default tick a touch within the same tick does not reorder;
 * one a tick later does, so oldest-first holds to within a tick.
 */
START_TEST(test_default_tick_orders_within_a_tick)
{
	struct flow_table *t = flow_table_new(2, SEED, NULL, NULL);
	const uint64_t tick = 1ULL << FLOW_TICK_SHIFT;
	struct flow_key a, b, c;
	struct addr x, y;
	uint8_t v4a[4] = { 192, 0, 2, 1 }, v4b[4] = { 192, 0, 2, 2 };

	ck_assert_ptr_nonnull(t);
	addr_from_v4(&x, v4a);
	addr_from_v4(&y, v4b);
	flow_key_make(&a, &x, &y, 1, 80, 6, 0, 0);
	flow_key_make(&b, &x, &y, 2, 80, 6, 0, 0);
	flow_key_make(&c, &x, &y, 3, 80, 6, 0, 0);
	ck_assert_ptr_nonnull(flow_insert(t, &a, flow_hash(t, &a), 10 * tick));
	ck_assert_ptr_nonnull(flow_insert(t, &b, flow_hash(t, &b), 10 * tick + 1));
	/* a touched in its own tick: still first in line for eviction. */
	flow_touch(t, flow_lookup(t, &a, flow_hash(t, &a)), 10 * tick + 2);
	ck_assert_ptr_nonnull(flow_insert(t, &c, flow_hash(t, &c), 10 * tick + 3));
	ck_assert_ptr_null(flow_lookup(t, &a, flow_hash(t, &a)));
	/* b touched a tick later: c, older now, goes first. */
	flow_touch(t, flow_lookup(t, &b, flow_hash(t, &b)), 11 * tick);
	ck_assert_ptr_nonnull(flow_insert(t, &a, flow_hash(t, &a), 11 * tick + 1));
	ck_assert_ptr_null(flow_lookup(t, &c, flow_hash(t, &c)));
	ck_assert_ptr_nonnull(flow_lookup(t, &b, flow_hash(t, &b)));
	flow_table_free(t);
}
END_TEST

/*
 * A full table gives up the flow with the oldest activity among those with
 * least to lose (embryonic, closed, UDP), and an established connection
 * only when there is no other (issue 8: a SYN flood evicted connections
 * in progress, whose RST was then misjudged).
 */
START_TEST(test_evict_oldest)
{
	const uint32_t n = 1024;
	struct recorder rec;
	struct flow_table *t;
	struct flow_key *k;
	const struct flow_table_stats *st;
	uint32_t i, next, want;

	rec_init(&rec, 64);
	t = table(n, &rec);
	st = flow_table_stats(t);
	k = calloc(n + 64, sizeof(*k));
	ck_assert_ptr_nonnull(k);
	for (i = 0; i < n + 64; i++)
		key_n(&k[i], i);
	for (i = 0; i < n; i++) {
		struct flow *f = insert(t, &k[i], 1000 + i);

		/* Flows in every class. */
		if (i % 3 == 0)
			flow_set_class(t, f, FLOW_ESTABLISHED);
		else if (i % 5 == 0)
			flow_set_class(t, f, FLOW_UDP);
		else if (i % 7 == 0)
			flow_set_class(t, f, FLOW_CLOSED);
	}
	ck_assert_uint_eq(st->active, n);
	ck_assert_uint_eq(rec.n, 0);

	/* Flows 0, 1, 2 see traffic again: no longer the oldest. */
	for (i = 0; i < 3; i++)
		flow_touch(t, find(t, &k[i]), 1000 + n + i);

	/* The oldest, flow 3, is established: flow 4 goes instead. */
	insert(t, &k[n], 1000 + n + 10);
	ck_assert_uint_eq(rec.n, 1);
	ck_assert_int_eq(rec.v[0].why, FLOW_END_EVICTED);
	ck_assert(key_eq(&rec.v[0].key, &k[4]));
	ck_assert_uint_eq(rec.v[0].ts_start_us, 1004);
	ck_assert_uint_eq(rec.v[0].ts_last_us, 1004);
	ck_assert_uint_eq(rec.v[0].cls, FLOW_EMBRYONIC);
	ck_assert_ptr_null(find(t, &k[4]));
	ck_assert_ptr_nonnull(find(t, &k[3]));
	for (i = 0; i < 3; i++)
		ck_assert_ptr_nonnull(find(t, &k[i]));
	ck_assert_ptr_nonnull(find(t, &k[n]));
	ck_assert_uint_eq(st->evicted, 1);
	ck_assert_uint_eq(st->evicted_established, 0);
	ck_assert_uint_eq(st->active, n);
	ck_assert_uint_eq(st->max_active, n);

	/* Each further flow evicts the next oldest not established. */
	want = 4;
	for (i = 1; i < 60; i++) {
		do
			want++;
		while (want % 3 == 0);
		insert(t, &k[n + i], 1000 + n + 10 + i);
		ck_assert_uint_eq(rec.n, 1 + i);
		ck_assert_msg(key_eq(&rec.v[i].key, &k[want]),
		    "eviction %u took the wrong flow", i);
		ck_assert_uint_eq(rec.v[i].ts_last_us, 1000 + want);
		ck_assert_uint_ne(rec.v[i].cls, FLOW_ESTABLISHED);
		ck_assert_int_eq(rec.v[i].why, FLOW_END_EVICTED);
		ck_assert_uint_eq(st->active, n);
	}
	ck_assert_uint_eq(st->evicted, 60);
	ck_assert_uint_eq(st->evicted_established, 0);
	ck_assert_uint_eq(rec.why[FLOW_END_EVICTED], 60);
	ck_assert_uint_eq(st->created, n + 60);
	ck_assert_uint_eq(st->max_active, n);
	for (next = 0; next < 3; next++)
		ck_assert_ptr_nonnull(find(t, &k[next]));
	for (next = 3; next < 3 + 3 * 60; next += 3)
		ck_assert_ptr_nonnull(find(t, &k[next]));
	free(k);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/* With nothing but established connections, the oldest of them goes. */
START_TEST(test_evict_established_last)
{
	const uint32_t n = 1024;
	struct recorder rec;
	struct flow_table *t;
	struct flow_key k;
	const struct flow_table_stats *st;
	uint32_t i;

	rec_init(&rec, 8);
	t = table(n, &rec);
	st = flow_table_stats(t);
	for (i = 0; i < n; i++) {
		key_n(&k, i);
		flow_set_class(t, insert(t, &k, 1000 + i), FLOW_ESTABLISHED);
	}
	key_n(&k, n);
	insert(t, &k, 1000 + n);
	ck_assert_uint_eq(rec.n, 1);
	key_n(&k, 0);
	ck_assert(key_eq(&rec.v[0].key, &k));
	ck_assert_uint_eq(rec.v[0].cls, FLOW_ESTABLISHED);
	ck_assert_uint_eq(st->evicted, 1);
	ck_assert_uint_eq(st->evicted_established, 1);
	/* The newcomer is embryonic: the next eviction takes it, not 1. */
	key_n(&k, n + 1);
	insert(t, &k, 1000 + n + 1);
	key_n(&k, n);
	ck_assert(key_eq(&rec.v[1].key, &k));
	ck_assert_uint_eq(st->evicted_established, 1);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/*
 * SPEC section 9: a flood of one-packet flows evicts and counts, the table
 * never grows.  Each packet looks up, misses and inserts, as the analyser
 * does; a million of them take a fraction of a second.
 */
START_TEST(test_evict_flood)
{
	const uint32_t n = 1024, total = 1000000;
	struct recorder rec;
	struct flow_table *t;
	const struct flow_table_stats *st;
	struct flow_key k;
	clock_t start;
	double cpu_s;
	uint32_t i;

	rec_init(&rec, 0);
	t = table(n, &rec);
	st = flow_table_stats(t);
	start = clock();
	for (i = 0; i < total; i++) {
		uint32_t h;

		key_n(&k, i);
		h = flow_hash(t, &k);
		if (flow_lookup(t, &k, h) != NULL)
			ck_abort_msg("new flow %u found before insertion", i);
		if (flow_insert(t, &k, h, 1000000 + (uint64_t)i) == NULL)
			ck_abort_msg("insert %u failed", i);
		if (st->active > n)
			ck_abort_msg("%u active flows in a table of %u",
			    st->active, n);
	}
	cpu_s = (double)(clock() - start) / CLOCKS_PER_SEC;
	ck_assert_uint_eq(st->active, n);
	ck_assert_uint_eq(st->max_active, n);
	ck_assert_uint_eq(st->created, total);
	ck_assert_uint_eq(st->evicted, total - n);
	ck_assert_uint_eq(rec.n, total - n);
	ck_assert_uint_eq(rec.why[FLOW_END_EVICTED], total - n);
	/* The survivors are the newest n. */
	for (i = total - n; i < total; i++) {
		key_n(&k, i);
		ck_assert_ptr_nonnull(find(t, &k));
	}
	key_n(&k, total - n - 1);
	ck_assert_ptr_null(find(t, &k));
#if !defined(__SANITIZE_ADDRESS__)
	ck_assert_msg(cpu_s < 2.0, "1M inserts took %.2f s of CPU", cpu_s);
#else
	(void)cpu_s;
#endif
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

START_TEST(test_capacity_one)
{
	struct recorder rec;
	struct flow_table *t;
	struct flow_key k;
	uint32_t i;

	rec_init(&rec, 16);
	t = table(1, &rec);
	for (i = 0; i < 10; i++) {
		key_n(&k, i);
		ck_assert_ptr_eq(insert(t, &k, i), find(t, &k));
		ck_assert_uint_eq(flow_table_stats(t)->active, 1);
	}
	ck_assert_uint_eq(rec.n, 9);
	for (i = 0; i < 9; i++) {
		key_n(&k, i);
		ck_assert(key_eq(&rec.v[i].key, &k));
	}
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/* Without an end function the table still evicts, expires and empties. */
START_TEST(test_no_callback)
{
	struct flow_table *t = table(2, NULL);
	const struct flow_table_stats *st = flow_table_stats(t);
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k;

	for (uint32_t i = 0; i < 5; i++) {
		key_n(&k, i);
		insert(t, &k, 100 + i);
	}
	ck_assert_uint_eq(st->evicted, 3);
	set_timeouts(to, 1, 1, 1, 1);
	ck_assert_uint_eq(flow_expire(t, 104, to, 10), 1);
	flow_end_all(t, FLOW_END_FINISH);
	ck_assert_uint_eq(st->active, 0);
	ck_assert_ptr_null(find(t, &k));
	flow_table_free(t);
}
END_TEST

/* ---- expiry ---- */

/* Each class its own timeout; exactly the idle flows end, once each. */
START_TEST(test_expire_by_class)
{
	const uint32_t n = 40;
	const uint64_t now = 10202;	/* on no flow's deadline exactly */
	struct recorder rec;
	struct flow_table *t;
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k[40];
	bool idle[40], seen[40];
	size_t expect = 0, got;
	uint32_t i, j;

	set_timeouts(to, 100, 1000, 10, 50);
	rec_init(&rec, n);
	rec.timeout_us = to;
	rec.now_us = now;
	t = table(64, &rec);
	for (i = 0; i < n; i++) {
		uint64_t ts = 10000 + 5 * i;
		enum flow_class c = (enum flow_class)(i % FLOW_NCLASSES);
		struct flow *f;

		key_n(&k[i], i);
		f = insert(t, &k[i], ts);
		flow_set_class(t, f, c);
		ck_assert_uint_eq(f->cls, c);
		ck_assert_uint_ne(ts + to[c], now);
		idle[i] = ts + to[c] < now;
		expect += idle[i];
	}
	ck_assert_uint_gt(expect, 0);
	ck_assert_uint_lt(expect, n);

	got = flow_expire(t, now, to, SIZE_MAX);
	ck_assert_uint_eq(got, expect);
	ck_assert_uint_eq(rec.n, expect);
	ck_assert_uint_eq(rec.why[FLOW_END_EXPIRED], expect);
	memset(seen, 0, sizeof(seen));
	for (j = 0; j < rec.n; j++) {
		for (i = 0; i < n; i++)
			if (key_eq(&rec.v[j].key, &k[i]))
				break;
		ck_assert_uint_lt(i, n);
		ck_assert_msg(idle[i], "flow %u expired while active", i);
		ck_assert_msg(!seen[i], "flow %u ended twice", i);
		seen[i] = true;
		ck_assert_uint_eq(rec.v[j].ts_last_us, 10000 + 5 * i);
		ck_assert_uint_eq(rec.v[j].cls, i % FLOW_NCLASSES);
	}
	for (i = 0; i < n; i++) {
		if (idle[i])
			ck_assert_ptr_null(find(t, &k[i]));
		else
			ck_assert_ptr_nonnull(find(t, &k[i]));
	}
	ck_assert_uint_eq(flow_table_stats(t)->expired, expect);
	ck_assert_uint_eq(flow_table_stats(t)->active, n - expect);
	ck_assert_uint_eq(flow_expire(t, now, to, SIZE_MAX), 0);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/* The oldest end first; what the budget leaves goes at the next call. */
START_TEST(test_expire_budget)
{
	struct recorder rec;
	struct flow_table *t;
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k;
	uint32_t i;

	set_timeouts(to, 10, 10, 10, 10);
	rec_init(&rec, 100);
	rec.timeout_us = to;
	rec.now_us = 1000;
	t = table(128, &rec);
	for (i = 0; i < 100; i++) {
		key_n(&k, i);
		insert(t, &k, 1 + i);
	}
	ck_assert_uint_eq(flow_expire(t, 1000, to, 0), 0);
	ck_assert_uint_eq(rec.n, 0);
	ck_assert_uint_eq(flow_expire(t, 1000, to, 30), 30);
	ck_assert_uint_eq(flow_table_stats(t)->active, 70);
	ck_assert_uint_eq(flow_expire(t, 1000, to, 30), 30);
	ck_assert_uint_eq(flow_expire(t, 1000, to, 30), 30);
	ck_assert_uint_eq(flow_expire(t, 1000, to, 30), 10);
	ck_assert_uint_eq(flow_expire(t, 1000, to, 30), 0);
	ck_assert_uint_eq(rec.n, 100);
	for (i = 0; i < 100; i++) {
		key_n(&k, i);
		ck_assert_msg(key_eq(&rec.v[i].key, &k), "end %u out of order",
		    i);
		ck_assert_uint_eq(rec.v[i].ts_last_us, 1 + i);
		ck_assert_int_eq(rec.v[i].why, FLOW_END_EXPIRED);
	}
	ck_assert_uint_eq(flow_table_stats(t)->active, 0);
	ck_assert_uint_eq(flow_table_stats(t)->expired, 100);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/*
 * "Oldest first" holds across classes too: flows idle in several classes
 * end in the order of their last activity, and a budget takes the oldest
 * idle flows of all, not the idle flows of the first class.
 */
START_TEST(test_expire_oldest_first_across_classes)
{
	struct recorder rec;
	struct flow_table *t;
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k;
	uint32_t i;

	set_timeouts(to, 5, 5, 5, 5);
	rec_init(&rec, 12);
	rec.timeout_us = to;
	rec.now_us = 1000;
	t = table(16, &rec);
	for (i = 0; i < 12; i++) {
		key_n(&k, i);
		flow_set_class(t, insert(t, &k, 100 + i),
		    (enum flow_class)(i % FLOW_NCLASSES));
	}
	ck_assert_uint_eq(flow_expire(t, 1000, to, 4), 4);
	ck_assert_uint_eq(flow_expire(t, 1000, to, SIZE_MAX), 8);
	ck_assert_uint_eq(rec.n, 12);
	for (i = 0; i < 12; i++)
		ck_assert_msg(rec.v[i].ts_last_us == 100 + i,
		    "end %u: flow last active at %llu, expected %u", i,
		    (unsigned long long)rec.v[i].ts_last_us, 100 + i);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

START_TEST(test_expire_touch_keeps_alive)
{
	struct recorder rec;
	struct flow_table *t;
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k[10];
	struct flow *f;
	uint32_t i;

	set_timeouts(to, 100, 100000, 100, 100);
	rec_init(&rec, 16);
	rec.timeout_us = to;
	t = table(16, &rec);
	for (i = 0; i < 10; i++) {
		key_n(&k[i], i);
		insert(t, &k[i], i);
	}
	flow_touch(t, find(t, &k[3]), 80);
	/* Established: the long timeout now applies to flow 7. */
	f = find(t, &k[7]);
	flow_touch(t, f, 60);
	flow_set_class(t, f, FLOW_ESTABLISHED);

	rec.now_us = 150;
	ck_assert_uint_eq(flow_expire(t, 150, to, 100), 8);
	ck_assert_ptr_nonnull(find(t, &k[3]));
	ck_assert_ptr_nonnull(find(t, &k[7]));
	rec.now_us = 179;
	ck_assert_uint_eq(flow_expire(t, 179, to, 100), 0);
	rec.now_us = 181;
	ck_assert_uint_eq(flow_expire(t, 181, to, 100), 1);
	ck_assert_uint_eq(rec.n, 9);
	ck_assert(key_eq(&rec.v[8].key, &k[3]));
	ck_assert_uint_eq(rec.v[8].ts_start_us, 3);
	ck_assert_uint_eq(rec.v[8].ts_last_us, 80);
	ck_assert_ptr_nonnull(find(t, &k[7]));
	ck_assert_uint_eq(flow_table_stats(t)->active, 1);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/*
 * Packet times can step back (a clock step, files read out of order): no
 * flow ends before its own timeout, nothing underflows, nothing is lost,
 * and everything ends once time has moved on.
 */
START_TEST(test_time_backwards)
{
	struct recorder rec;
	struct flow_table *t;
	uint64_t to[FLOW_NCLASSES];
	struct flow_key k[6];
	struct flow *f;
	uint32_t i;

	set_timeouts(to, 100, 100, 100, 100);
	rec_init(&rec, 16);
	rec.timeout_us = to;
	t = table(4, &rec);
	for (i = 0; i < 6; i++)
		key_n(&k[i], i);

	f = insert(t, &k[0], 1000);
	flow_touch(t, f, 500);
	ck_assert_uint_eq(flow_start_us(t, f), 1000);
	/* Last activity never goes back. */
	ck_assert_uint_eq(f->ts_last_us, 1000);
	insert(t, &k[1], 400);
	insert(t, &k[2], 2000);
	f = find(t, &k[1]);
	flow_touch(t, f, 300);
	ck_assert_uint_eq(f->ts_last_us, 400);

	/* Before every flow's time: a naive now - last would underflow. */
	rec.now_us = 300;
	ck_assert_uint_eq(flow_expire(t, 300, to, 100), 0);
	rec.now_us = 0;
	ck_assert_uint_eq(flow_expire(t, 0, to, 100), 0);
	rec.now_us = 450;
	ck_assert_uint_eq(flow_expire(t, 450, to, 100), 0);
	for (i = 0; i < 3; i++)
		ck_assert_ptr_nonnull(find(t, &k[i]));

	/* Fill and overflow the table with older and older flows. */
	insert(t, &k[3], 200);
	insert(t, &k[4], 100);
	ck_assert_uint_eq(flow_table_stats(t)->active, 4);
	ck_assert_uint_eq(flow_table_stats(t)->evicted, 1);
	ck_assert_ptr_nonnull(find(t, &k[4]));

	rec.now_us = 1000000;
	ck_assert_uint_eq(flow_expire(t, 1000000, to, 100), 4);
	ck_assert_uint_eq(flow_table_stats(t)->active, 0);
	ck_assert_uint_eq(rec.n, 5);
	for (i = 0; i < 5; i++)
		ck_assert_ptr_null(find(t, &k[i]));
	/* Expiry at an earlier time again: nothing to do, nothing broken. */
	rec.now_us = 10;
	ck_assert_uint_eq(flow_expire(t, 10, to, 100), 0);
	ck_assert_ptr_eq(insert(t, &k[5], 50), find(t, &k[5]));
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/* ---- end of input ---- */

START_TEST(test_end_all)
{
	const uint32_t n = 64;
	struct recorder rec;
	struct flow_table *t;
	struct flow_key k[64];
	bool seen[64];
	uint32_t i, j;

	rec_init(&rec, n);
	t = table(n, &rec);
	flow_end_all(t, FLOW_END_FINISH);
	ck_assert_uint_eq(rec.n, 0);

	for (i = 0; i < n; i++) {
		key_n(&k[i], i);
		insert(t, &k[i], i);
	}
	/* Activity in a scrambled order, the flows spread over the classes. */
	for (j = 0; j < n; j++) {
		struct flow *f = find(t, &k[(j * 37) % n]);

		flow_touch(t, f, 1000 + j);
		flow_set_class(t, f, (enum flow_class)(j % FLOW_NCLASSES));
	}
	flow_end_all(t, FLOW_END_FINISH);
	ck_assert_uint_eq(rec.n, n);
	ck_assert_uint_eq(rec.why[FLOW_END_FINISH], n);
	memset(seen, 0, sizeof(seen));
	for (j = 0; j < n; j++) {
		i = (j * 37) % n;
		ck_assert_msg(key_eq(&rec.v[j].key, &k[i]),
		    "end %u is not flow %u", j, i);
		ck_assert_uint_eq(rec.v[j].ts_start_us, i);
		ck_assert_uint_eq(rec.v[j].ts_last_us, 1000 + j);
		ck_assert_uint_eq(rec.v[j].cls, j % FLOW_NCLASSES);
		ck_assert(!seen[i]);
		seen[i] = true;
	}
	ck_assert_uint_eq(flow_table_stats(t)->active, 0);
	for (i = 0; i < n; i++)
		ck_assert_ptr_null(find(t, &k[i]));

	/* Every slot free again: a full table's worth without eviction. */
	for (i = 0; i < n; i++)
		insert(t, &k[i], 5000 + i);
	ck_assert_uint_eq(flow_table_stats(t)->evicted, 0);
	ck_assert_uint_eq(rec.n, n);
	flow_table_free(t);
	rec_free(&rec);
}
END_TEST

/* ---- allocation and memory ---- */

START_TEST(test_table_new_limits)
{
	ck_assert_ptr_null(flow_table_new(0, SEED, NULL, NULL));
	ck_assert_ptr_null(flow_table_new(UINT32_MAX, SEED, NULL, NULL));
	flow_table_free(NULL);
}
END_TEST

/*
 * Slots are handed out in order until the table is full once; slots_used
 * follows, and does not move when a freed slot is reused.
 */
START_TEST(test_slots_used)
{
	uint64_t timeouts[FLOW_NCLASSES];
	struct flow_table *t = table(64, NULL);
	struct flow_key k;

	ck_assert_uint_eq(flow_table_slots_used(t), 0);
	for (uint32_t i = 0; i < 10; i++) {
		key_n(&k, i);
		insert(t, &k, 1000000);
		ck_assert_uint_eq(flow_table_slots_used(t), i + 1);
	}
	set_timeouts(timeouts, 1, 1, 1, 1);
	ck_assert_uint_eq(flow_expire(t, 5000000, timeouts, 100), 10);
	key_n(&k, 100);
	insert(t, &k, 6000000);
	ck_assert_uint_eq(flow_table_slots_used(t), 10);
	flow_table_free(t);
}
END_TEST

/*
 * Prefaulting is only a hint: whatever range it is given, in use or not,
 * in bounds or not, every flow and lookup stays as it was.
 */
START_TEST(test_prefault_changes_nothing)
{
	struct flow_table *t = table(5000, NULL);
	struct flow_key k;
	struct flow *f[100];

	for (uint32_t i = 0; i < 100; i++) {
		key_n(&k, i);
		f[i] = insert(t, &k, 1000000 + i);
		f[i]->half[0].pkts = i + 7;
	}
	flow_table_prefault(t, 0, 5000);
	flow_table_prefault(t, 50, 100);
	flow_table_prefault(t, 4999, UINT32_MAX);
	flow_table_prefault(t, 5000, 10);
	flow_table_prefault(t, UINT32_MAX, UINT32_MAX);
	for (uint32_t i = 0; i < 100; i++) {
		key_n(&k, i);
		ck_assert_ptr_eq(find(t, &k), f[i]);
		ck_assert_uint_eq(f[i]->half[0].pkts, i + 7);
		ck_assert_uint_eq(flow_start_us(t, f[i]), 1000000 + i);
	}
	key_n(&k, 100);
	ck_assert_ptr_null(find(t, &k));
	ck_assert_uint_eq(flow_table_slots_used(t), 100);
	/* Slots never used still come out clean. */
	assert_clean(insert(t, &k, 2000000));
	flow_table_free(t);
}
END_TEST

START_TEST(test_memory)
{
	static const uint32_t sizes[] = { 1, 3, 1000, 1024, 1025, 131072 };
	size_t prev = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct flow_table *t = table(sizes[i], NULL);
		size_t m = flow_table_memory(t);

		/* Entries and buckets: more than the entries alone. */
		ck_assert_uint_gt(m, (size_t)sizes[i] * sizeof(struct flow));
		ck_assert_uint_gt(m, prev);
		prev = m;
		flow_table_free(t);
	}
}
END_TEST

/* SPEC section 9: state per flow within 192 bytes. */
START_TEST(test_flow_size)
{
	ck_assert_uint_le(sizeof(struct flow), 192);
	ck_assert_uint_eq(sizeof(struct flow_key) % 8, 0);
}
END_TEST

static int
print_sizes(void)
{
	const uint32_t n = 1048576;
	struct flow_table *t;

	printf("sizeof(struct flow)       %4zu\n", sizeof(struct flow));
	printf("sizeof(struct flow_half)  %4zu\n", sizeof(struct flow_half));
	printf("sizeof(struct flow_key)   %4zu\n", sizeof(struct flow_key));
	printf("sizeof(struct pkt)        %4zu\n", sizeof(struct pkt));
	printf("sizeof(struct event)      %4zu\n", sizeof(struct event));
	if ((t = flow_table_new(n, SEED, NULL, NULL)) == NULL) {
		fprintf(stderr, "check_flow: cannot allocate %u flows\n", n);
		return EXIT_FAILURE;
	}
	printf("bytes per flow with buckets and start times "
	    "(max_flows %u): %.2f "
	    "(%zu bytes in all)\n", n, (double)flow_table_memory(t) / n,
	    flow_table_memory(t));
	flow_table_free(t);
	return EXIT_SUCCESS;
}

static Suite *
flow_suite(void)
{
	Suite *s = suite_create("flow");
	TCase *tc;

	tc = tcase_create("key");
	tcase_add_test(tc, test_key_symmetric);
	tcase_add_test(tc, test_key_same_address);
	tcase_add_test(tc, test_key_order_is_addr_cmp);
	tcase_add_test(tc, test_key_ports_follow_addresses);
	tcase_add_test(tc, test_key_families);
	tcase_add_test(tc, test_key_vlan_and_proto);
	tcase_add_test(tc, test_key_no_stale_bytes);
	suite_add_tcase(s, tc);

	tc = tcase_create("hash");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hash_stable);
	tcase_add_test(tc, test_hash_seeded);
	tcase_add_test(tc, test_hash_distribution);
	tcase_add_test(tc, test_hash_unlink_any_position);
	suite_add_tcase(s, tc);

	tc = tcase_create("insert");
	tcase_add_test(tc, test_insert_lookup);
	tcase_add_test(tc, test_slots_used);
	tcase_add_test(tc, test_prefault_changes_nothing);
	tcase_add_test(tc, test_insert_zeroes_reused_slot);
	tcase_add_test(tc, test_reuse);
	suite_add_tcase(s, tc);

	tc = tcase_create("evict");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_evict_oldest);
	tcase_add_test(tc, test_evict_established_last);
	tcase_add_test(tc, test_default_tick_orders_within_a_tick);
	tcase_add_test(tc, test_evict_flood);
	tcase_add_test(tc, test_capacity_one);
	tcase_add_test(tc, test_no_callback);
	suite_add_tcase(s, tc);

	tc = tcase_create("expire");
	tcase_add_test(tc, test_expire_by_class);
	tcase_add_test(tc, test_expire_budget);
	tcase_add_test(tc, test_expire_oldest_first_across_classes);
	tcase_add_test(tc, test_expire_touch_keeps_alive);
	tcase_add_test(tc, test_time_backwards);
	tcase_add_test(tc, test_end_all);
	suite_add_tcase(s, tc);

	tc = tcase_create("memory");
	tcase_add_test(tc, test_table_new_limits);
	tcase_add_test(tc, test_memory);
	tcase_add_test(tc, test_flow_size);
	suite_add_tcase(s, tc);
	return s;
}

int
main(int argc, char *argv[])
{
	if (argc > 1 && strcmp(argv[1], "--sizes") == 0)
		return print_sizes();
	return util_run(flow_suite());
}
