/*
 * Addresses: the 16-byte form, RFC 5952 text, prefix parsing and matching.
 * Expected text is written out by hand from RFC 5952's rules, never
 * produced by another formatter.
 */
#include <check.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "check_util.h"

static struct addr parse_addr(const char *);
static bool	in_prefix(const char *, const char *);

/* Parse a full address through the prefix parser (no "/len"). */
static struct addr
parse_addr(const char *text)
{
	struct addr_prefix p;

	ck_assert_msg(addr_prefix_parse(&p, text) == 0, "\"%s\" refused", text);
	ck_assert_msg(p.len == 128, "\"%s\": length %u, want 128", text, p.len);
	return p.addr;
}

static bool
in_prefix(const char *prefix, const char *text)
{
	struct addr_prefix p;
	struct addr a;

	ck_assert_msg(addr_prefix_parse(&p, prefix) == 0, "\"%s\" refused",
	    prefix);
	a = parse_addr(text);
	return addr_prefix_match(&p, &a);
}

START_TEST(test_v4_mapped_form)
{
	static const uint8_t v4[4] = { 192, 0, 2, 1 };
	static const uint8_t mapped[16] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1
	};
	static const uint8_t v6[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
	};
	struct addr a, b;
	char buf[ADDR_STRLEN];

	addr_from_v4(&a, v4);
	ck_assert(memcmp(a.b, mapped, 16) == 0);	/* RFC 4291, 2.5.5.2 */
	ck_assert(addr_is_v4(&a));
	ck_assert_str_eq(addr_format(&a, buf, sizeof(buf)), "192.0.2.1");

	/* The same address reached through IPv6 is the same address. */
	addr_from_v6(&b, mapped);
	ck_assert(addr_is_v4(&b));
	ck_assert_int_eq(addr_cmp(&a, &b), 0);
	b = parse_addr("::ffff:192.0.2.1");
	ck_assert_int_eq(addr_cmp(&a, &b), 0);
	b = parse_addr("::FFFF:c000:0201");
	ck_assert_int_eq(addr_cmp(&a, &b), 0);

	addr_from_v6(&b, v6);
	ck_assert(!addr_is_v4(&b));
	ck_assert(memcmp(b.b, v6, 16) == 0);
	/* Almost mapped is not mapped. */
	b = parse_addr("::fffe:192.0.2.1");
	ck_assert(!addr_is_v4(&b));
	b = parse_addr("1::ffff:192.0.2.1");
	ck_assert(!addr_is_v4(&b));
	b = parse_addr("::");
	ck_assert(!addr_is_v4(&b));
}
END_TEST

/* RFC 5952, section 4: each case written from the rule it exercises. */
static const struct {
	const char	*in;
	const char	*canon;
} canon_cases[] = {
	/* 4.1: no leading zeros. */
	{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
	{ "2001:db8:0aaa:00bb:000c:d:e:f", "2001:db8:aaa:bb:c:d:e:f" },
	/* 4.2.1: "::" as much as possible. */
	{ "2001:db8:0:0:0:0:2:1", "2001:db8::2:1" },
	/* 4.2.2: not for a single 16-bit 0 field. */
	{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	{ "2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
	/* 4.2.3: the longest run; the first of equal runs. */
	{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
	{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
	/* 4.3: lower case. */
	{ "2001:DB8::ABCD:EF", "2001:db8::abcd:ef" },
	/* Runs at either end, and the extremes. */
	{ "0:0:0:0:0:0:0:1", "::1" },
	{ "fe80:0:0:0:0:0:0:0", "fe80::" },
	{ "0:0:0:0:0:0:0:0", "::" },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
	{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
	/* IPv4, including the mapped form (section 5 and addr.h). */
	{ "192.0.2.1", "192.0.2.1" },
	{ "0.0.0.0", "0.0.0.0" },
	{ "255.255.255.255", "255.255.255.255" },
	{ "::ffff:10.1.2.3", "10.1.2.3" },
};

START_TEST(test_format_rfc5952)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	a = parse_addr(canon_cases[_i].in);
	ck_assert_str_eq(addr_format(&a, buf, sizeof(buf)),
	    canon_cases[_i].canon);
	/* The canonical text parses back to the same address. */
	{
		struct addr b = parse_addr(canon_cases[_i].canon);

		ck_assert_int_eq(addr_cmp(&a, &b), 0);
	}
}
END_TEST

START_TEST(test_format_small_buffer)
{
	struct addr a;
	char buf[ADDR_STRLEN];

	/* The longest text fits ADDR_STRLEN. */
	a = parse_addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	ck_assert_int_lt(strlen(addr_format(&a, buf, sizeof(buf))),
	    ADDR_STRLEN);
	/* Too small: an empty string, never a cut address or overflow. */
	memset(buf, 'x', sizeof(buf));
	ck_assert_str_eq(addr_format(&a, buf, 8), "");
	ck_assert_int_eq(buf[8], 'x');
	a = parse_addr("192.0.2.123");
	ck_assert_str_eq(addr_format(&a, buf, 11), "");
	ck_assert_str_eq(addr_format(&a, buf, 12), "192.0.2.123");
}
END_TEST

/* The order of the bytes in network order, whichever byte decides. */
START_TEST(test_cmp_is_memcmp_order)
{
	struct addr a, b;
	uint32_t seed = 777;

	for (int i = 0; i < 20000; i++) {
		util_random_addrs(&seed, &a, &b, (size_t)(i % 17));
		int m = memcmp(a.b, b.b, sizeof(a.b));
		int c = addr_cmp(&a, &b);

		if ((m < 0) != (c < 0) || (m == 0) != (c == 0))
			ck_abort_msg("addr_cmp disagrees with memcmp at %d", i);
	}
}
END_TEST

START_TEST(test_cmp_order)
{
	struct addr a = parse_addr("10.0.0.1"), b = parse_addr("10.0.0.2");
	struct addr c = parse_addr("2001:db8::1");

	ck_assert_int_lt(addr_cmp(&a, &b), 0);
	ck_assert_int_gt(addr_cmp(&b, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &a), 0);
	/* Mapped IPv4 (::ffff:0:0/96) sorts below 2001::/16. */
	ck_assert_int_lt(addr_cmp(&a, &c), 0);
}
END_TEST

START_TEST(test_prefix_parse)
{
	struct addr_prefix p;
	char buf[ADDR_STRLEN];

	/* IPv4 lengths count from bit 96 of the mapped form. */
	ck_assert_int_eq(addr_prefix_parse(&p, "10.0.0.0/8"), 0);
	ck_assert_int_eq(p.len, 96 + 8);
	ck_assert_str_eq(addr_format(&p.addr, buf, sizeof(buf)), "10.0.0.0");
	ck_assert_int_eq(addr_prefix_parse(&p, "192.0.2.7"), 0);
	ck_assert_int_eq(p.len, 128);
	ck_assert_int_eq(addr_prefix_parse(&p, "0.0.0.0/0"), 0);
	ck_assert_int_eq(p.len, 96);
	ck_assert_int_eq(addr_prefix_parse(&p, "2001:db8::/32"), 0);
	ck_assert_int_eq(p.len, 32);
	ck_assert_int_eq(addr_prefix_parse(&p, "::/0"), 0);
	ck_assert_int_eq(p.len, 0);
	ck_assert_int_eq(addr_prefix_parse(&p, "::1/128"), 0);
	ck_assert_int_eq(p.len, 128);

	/* Host bits are cleared, so the stored prefix is the network. */
	ck_assert_int_eq(addr_prefix_parse(&p, "10.1.2.3/8"), 0);
	ck_assert_str_eq(addr_format(&p.addr, buf, sizeof(buf)), "10.0.0.0");
	ck_assert_int_eq(addr_prefix_parse(&p, "192.168.3.255/23"), 0);
	ck_assert_str_eq(addr_format(&p.addr, buf, sizeof(buf)),
	    "192.168.2.0");
	ck_assert_int_eq(addr_prefix_parse(&p, "2001:db8:abcd:12ff::1/52"), 0);
	ck_assert_str_eq(addr_format(&p.addr, buf, sizeof(buf)),
	    "2001:db8:abcd:1000::");
}
END_TEST

static const char *const bad_prefixes[] = {
	"",
	"/8",
	"10.0.0.0/",
	"10.0.0.0/33",
	"10.0.0.0/-1",
	"10.0.0.0/+8",
	"10.0.0.0/ 8",
	"10.0.0.0/8x",
	"10.0.0.0/8/8",
	"10.0.0.0//8",
	"10.0.0.0/99999999999999999999",
	"10.0.0.256",
	"10.0.0",
	"10.0.0.0.0",
	" 10.0.0.0",
	"10.0.0.0 ",
	"hello",
	"2001:db8::/129",
	"2001:db8:::1",
	"2001:db8::1::2",
	"2001:db8:0:0:0:0:0:0:1",
	"12345::1",
	"fe80::1%eth0",
	"[2001:db8::1]",
	/* Longer than any address text: must be refused, not overflow. */
	"2001:0db8:0000:0000:0000:0000:0000:0001:0000:0000:0000/64",
	"1111111111111111111111111111111111111111111111111111111111111111",
};

START_TEST(test_prefix_parse_bad)
{
	struct addr_prefix p;

	ck_assert_msg(addr_prefix_parse(&p, bad_prefixes[_i]) == -1,
	    "\"%s\" accepted", bad_prefixes[_i]);
}
END_TEST

START_TEST(test_prefix_match)
{
	/* IPv4 */
	ck_assert(in_prefix("10.0.0.0/8", "10.255.1.2"));
	ck_assert(!in_prefix("10.0.0.0/8", "11.0.0.1"));
	ck_assert(!in_prefix("10.0.0.0/8", "9.255.255.255"));
	ck_assert(in_prefix("10.1.2.3/8", "10.9.9.9"));
	ck_assert(in_prefix("192.168.0.0/23", "192.168.1.255"));
	ck_assert(!in_prefix("192.168.0.0/23", "192.168.2.0"));
	ck_assert(in_prefix("192.0.2.1", "192.0.2.1"));
	ck_assert(!in_prefix("192.0.2.1", "192.0.2.2"));
	ck_assert(in_prefix("192.0.2.1/32", "192.0.2.1"));
	ck_assert(in_prefix("172.16.0.0/12", "172.31.255.255"));
	ck_assert(!in_prefix("172.16.0.0/12", "172.32.0.0"));
	ck_assert(in_prefix("128.0.0.0/1", "200.1.1.1"));
	ck_assert(!in_prefix("128.0.0.0/1", "127.255.255.255"));

	/* IPv4 /0 is every IPv4 address and no IPv6 one. */
	ck_assert(in_prefix("0.0.0.0/0", "255.255.255.255"));
	ck_assert(in_prefix("0.0.0.0/0", "0.0.0.0"));
	ck_assert(!in_prefix("0.0.0.0/0", "2001:db8::1"));
	ck_assert(!in_prefix("0.0.0.0/0", "::1"));

	/* IPv6 */
	ck_assert(in_prefix("2001:db8::/32", "2001:db8:ffff::1"));
	ck_assert(!in_prefix("2001:db8::/32", "2001:db9::1"));
	ck_assert(in_prefix("fe80::/10", "febf::1"));
	ck_assert(!in_prefix("fe80::/10", "fec0::1"));
	ck_assert(in_prefix("2001:db8::1/128", "2001:db8::1"));
	ck_assert(!in_prefix("2001:db8::1/128", "2001:db8::2"));
	ck_assert(in_prefix("2001:db8:abcd:1000::/52", "2001:db8:abcd:1fff::9"));
	ck_assert(!in_prefix("2001:db8:abcd:1000::/52", "2001:db8:abcd:2000::"));
	/* ::/0 is everything, IPv4 included (it is mapped). */
	ck_assert(in_prefix("::/0", "2001:db8::1"));
	ck_assert(in_prefix("::/0", "192.0.2.1"));
	/* An IPv6 prefix never matches IPv4 unless it covers ::ffff:0:0/96. */
	ck_assert(!in_prefix("2001:db8::/32", "32.1.13.184"));
	ck_assert(in_prefix("::ffff:0:0/96", "198.51.100.7"));
	ck_assert(in_prefix("::ffff:192.0.2.0/120", "192.0.2.200"));
	ck_assert(!in_prefix("::ffff:192.0.2.0/120", "192.0.3.0"));
	/* An IPv4 prefix never matches IPv6 with the same low 32 bits. */
	ck_assert(!in_prefix("192.0.2.0/24", "::192.0.2.1"));
	ck_assert(!in_prefix("192.0.2.0/24", "64:ff9b::192.0.2.1"));
}
END_TEST

/* Every length of a /n prefix splits 2001:db8:ffff:... at the right bit. */
START_TEST(test_prefix_match_every_length)
{
	struct addr_prefix p;
	struct addr a;
	int len, bit;

	for (len = 0; len <= 128; len++) {
		char text[ADDR_STRLEN + 8];

		snprintf(text, sizeof(text), "::/%d", len);
		ck_assert_int_eq(addr_prefix_parse(&p, text), 0);
		ck_assert_int_eq(p.len, len);
		for (bit = 0; bit < 128; bit++) {
			memset(&a, 0, sizeof(a));
			a.b[bit / 8] = (uint8_t)(0x80 >> (bit % 8));
			/* One bit set: inside the prefix only if past it. */
			ck_assert_msg(addr_prefix_match(&p, &a) == (bit >= len),
			    "::/%d and bit %d", len, bit);
		}
	}
}
END_TEST

static Suite *
addr_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("addr");

	tc = tcase_create("form");
	tcase_add_test(tc, test_v4_mapped_form);
	tcase_add_loop_test(tc, test_format_rfc5952, 0,
	    (int)(sizeof(canon_cases) / sizeof(canon_cases[0])));
	tcase_add_test(tc, test_format_small_buffer);
	tcase_add_test(tc, test_cmp_order);
	tcase_add_test(tc, test_cmp_is_memcmp_order);
	suite_add_tcase(s, tc);

	tc = tcase_create("prefix");
	tcase_add_test(tc, test_prefix_parse);
	tcase_add_loop_test(tc, test_prefix_parse_bad, 0,
	    (int)(sizeof(bad_prefixes) / sizeof(bad_prefixes[0])));
	tcase_add_test(tc, test_prefix_match);
	tcase_add_test(tc, test_prefix_match_every_length);
	suite_add_tcase(s, tc);

	return s;
}

int
main(void)
{
	return util_run(addr_suite());
}
