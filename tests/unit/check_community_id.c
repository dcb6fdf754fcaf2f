/*
 * Community ID v1 (lib/community_id.c) against the specification's own
 * reference data (github.com/corelight/community-id-spec, baseline/): the
 * tables of its README, with the default seed and seed 1, and the flows
 * of its baseline JSON files, made from its sample captures.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "check_util.h"
#include "community_id.h"
#include "pkt.h"

struct vector {
	uint8_t		 proto;
	const char	*src;
	const char	*dst;
	uint16_t	 sport;		/* ICMP: type */
	uint16_t	 dport;		/* ICMP: code */
	const char	*id;		/* seed 0 */
	const char	*id_seed1;
};

static void		check_vector(const struct vector *);
static Suite		*community_id_suite(void);

/* The README's tables: TCP, UDP, SCTP, ICMP, ICMPv6 and RSVP (no ports). */
static const struct vector readme[] = {
	{ 6, "1.2.3.4", "5.6.7.8", 1122, 3344,
	    "1:wCb3OG7yAFWelaUydu0D+125CLM=",
	    "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
	{ 6, "5.6.7.8", "1.2.3.4", 3344, 1122,
	    "1:wCb3OG7yAFWelaUydu0D+125CLM=",
	    "1:HhA1B+6CoLbiKPEs5nhNYN4XWfk=" },
	{ 17, "1.2.3.4", "5.6.7.8", 1122, 3344,
	    "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
	    "1:OShq+iKDAMVouh/4bMxB9Sz4amw=" },
	{ 17, "5.6.7.8", "1.2.3.4", 3344, 1122,
	    "1:0Mu9InQx6z4ZiCZM/7HXi2WMhOg=",
	    "1:OShq+iKDAMVouh/4bMxB9Sz4amw=" },
	{ 132, "1.2.3.4", "5.6.7.8", 1122, 3344,
	    "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
	    "1:uitchpn5MMGAQKBJh7bIr/bAr7s=" },
	{ 132, "5.6.7.8", "1.2.3.4", 3344, 1122,
	    "1:EKt4MsxuyaE6mL+hmrEkQ9csDD8=",
	    "1:uitchpn5MMGAQKBJh7bIr/bAr7s=" },
	/* Echo request and reply; time exceeded, one-way. */
	{ 1, "1.2.3.4", "5.6.7.8", 8, 0,
	    "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
	    "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=" },
	{ 1, "5.6.7.8", "1.2.3.4", 0, 0,
	    "1:crodRHL2FEsHjbv3UkRrfbs4bZ0=",
	    "1:9pr4ZGTICiuZoIh90RRYE2RyXpU=" },
	{ 1, "1.2.3.4", "5.6.7.8", 11, 0,
	    "1:f/YiSyWqczrTgfUCZlBUnvHRcPk=",
	    "1:1DD7cWGC/Yg91YGsQeni8du3pIA=" },
	{ 58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
	    "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 128, 0,
	    "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
	    "1:IO27GQzPuCtNnwFvjWALMHu5tJE=" },
	{ 58, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
	    "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 129, 0,
	    "1:0bf7hyMJUwt3fMED7z8LIfRpBeo=",
	    "1:IO27GQzPuCtNnwFvjWALMHu5tJE=" },
	{ 58, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
	    "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 146, 0,
	    "1:fYC8+pz24E+EhANP1EZhpX0Dw10=",
	    "1:Cv4IKJe56BNkF0MBW2YxQ3Nwc3s=" },
	{ 46, "1.2.3.4", "5.6.7.8", 0, 0,
	    "1:ikv3kmf89luf73WPz1jOs49S768=",
	    "1:/buhqeOmaRCopOZFy9HnoJd5XW8=" },
	{ 46, "5.6.7.8", "1.2.3.4", 0, 0,
	    "1:ikv3kmf89luf73WPz1jOs49S768=",
	    "1:/buhqeOmaRCopOZFy9HnoJd5XW8=" },
	{ 46, "fe80:0001:0203:0405:0607:0809:0A0B:0C0D",
	    "fe80:1011:1213:1415:1617:1819:1A1B:1C1D", 0, 0,
	    "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=",
	    "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=" },
	{ 46, "fe80:1011:1213:1415:1617:1819:1A1B:1C1D",
	    "fe80:0001:0203:0405:0607:0809:0A0B:0C0D", 0, 0,
	    "1:wQ/2mwrnXP4lmJcHdGL5ePjR+e0=",
	    "1:j6EyyfBzL4vWKHFXgUqb5Az3OxM=" },
};

/*
 * baseline_deflt.json and baseline_seed1.json, flow for flow.  For ICMP
 * they give the type as sport and, as dport, the counterpart's type for
 * requests and replies (which the code does not change) or the code.
 */
static const struct vector baseline[] = {
	{  58, "fe80::200:86ff:fe05:80da",
	    "fe80::260:97ff:fe07:69ea", 135, 136,
	    "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
	    "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{  58, "fe80::260:97ff:fe07:69ea",
	    "fe80::200:86ff:fe05:80da", 136, 135,
	    "1:dGHyGvjMfljg6Bppwm3bg0LO8TY=",
	    "1:kHa1FhMYIT6Ym2Vm2AOtoOARDzY=" },
	{  58, "fe80::260:97ff:fe07:69ea",
	    "fe80::200:86ff:fe05:80da", 135, 136,
	    "1:zavyT/cezQr1fmImYCwYnMXbgck=",
	    "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{  58, "fe80::200:86ff:fe05:80da",
	    "fe80::260:97ff:fe07:69ea", 136, 135,
	    "1:zavyT/cezQr1fmImYCwYnMXbgck=",
	    "1:2hSqmsDZ2kdcY9kbiUzOEBic0iM=" },
	{  58, "3ffe:501:1800:2345::2",
	    "3ffe:507:0:1:200:86ff:fe05:80da", 3, 0,
	    "1:2ObVBgIn28oZvibYZhZMBgh7WdQ=",
	    "1:lVEtCZpYu84Xqaa++3lXFyuu2n4=" },
	{  58, "3ffe:501:410:0:2c0:dfff:fe47:33e",
	    "3ffe:507:0:1:200:86ff:fe05:80da", 1, 4,
	    "1:hLZd0XGWojozrvxqE0dWB1iM6R0=",
	    "1:W8MHwXpWzpoSTD+cGcaJr4u0ys8=" },
	{  58, "3ffe:507:0:1:200:86ff:fe05:80da",
	    "3ffe:501:0:1001::2", 128, 129,
	    "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
	    "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{  58, "3ffe:501:0:1001::2",
	    "3ffe:507:0:1:200:86ff:fe05:80da", 129, 128,
	    "1:+TW+HtLHvV1xnGhV1lv7XoJrqQg=",
	    "1:GfZxjAkDk2MkegpBYHV6tadtFXQ=" },
	{  58, "fe80::200:86ff:fe05:80da",
	    "ff02::2", 133, 134,
	    "1:hO+sN4H+MG5MY/8hIrXPqc4ZQz0=",
	    "1:L7Ka0ZMYu+J3bL4ulW2PrqyXNo8=" },
	{  58, "fe80::260:97ff:fe07:69ea",
	    "ff02::1", 134, 133,
	    "1:pkvHqCL88/tg1k4cPigmZXUtL00=",
	    "1:K/ee5UCqAMAQXDorP5nSa2CGLjc=" },
	{   1, "192.168.0.89",
	    "192.168.0.1", 8, 0,
	    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	    "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{   1, "192.168.0.1",
	    "192.168.0.89", 0, 8,
	    "1:X0snYXpgwiv9TZtqg64sgzUn6Dk=",
	    "1:03g6IloqVBdcZlPyX8r0hgoE7kA=" },
	{   1, "10.0.0.1",
	    "10.0.0.2", 11, 0,
	    "1:YHxtAirCG//0OzkcVAukqKQN9xM=",
	    "1:XjUibYHaafLQ3pxQeiMI8g25q20=" },
	{   6, "2001:470:e5bf:dead:4957:2174:e82c:4887",
	    "2607:f8b0:400c:c03::1a", 63943, 25,
	    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
	    "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{   6, "2607:f8b0:400c:c03::1a",
	    "2001:470:e5bf:dead:4957:2174:e82c:4887", 25, 63943,
	    "1:/qFaeAR+gFe1KYjMzVDsMv+wgU4=",
	    "1:eJYTW6AOzFLlSUoESovMjnu7rMw=" },
	{ 132, "192.168.170.8",
	    "192.168.170.56", 7, 7,
	    "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
	    "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{ 132, "192.168.170.56",
	    "192.168.170.8", 7, 7,
	    "1:MP2EtRCAUIZvTw6MxJHLV7N7JDs=",
	    "1:5w3ZRjeKBzqT3zsaEECDGjUbYeg=" },
	{   6, "128.232.110.120",
	    "66.35.250.204", 34855, 80,
	    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	    "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{   6, "66.35.250.204",
	    "128.232.110.120", 80, 34855,
	    "1:LQU9qZlK+B5F3KDmev6m5PMibrg=",
	    "1:3V71V58M3Ksw/yuFALMcW0LAHvc=" },
	{  17, "192.168.1.52",
	    "8.8.8.8", 54585, 53,
	    "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	    "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{  17, "8.8.8.8",
	    "192.168.1.52", 53, 54585,
	    "1:d/FP5EW3wiY1vCndhwleRRKHowQ=",
	    "1:Q9We8WO3piVF8yEQBNJF4uiSVrI=" },
	{  46, "10.1.12.1",
	    "10.1.12.2", 0, 0,
	    "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
	    "1:rYir8gphR31noO9iDRQmF/BteEI=" },
	{  46, "10.1.12.2",
	    "10.1.12.1", 0, 0,
	    "1:KHlLkgoJW7ifUTyTSgyVfkFHzKw=",
	    "1:rYir8gphR31noO9iDRQmF/BteEI=" },
};

static void
check_vector(const struct vector *v)
{
	struct addr s = util_addr(v->src), d = util_addr(v->dst);
	char id[COMMUNITY_ID_SIZE];

	ck_assert_int_eq(community_id(&s, &d, v->proto, v->sport, v->dport,
	    COMMUNITY_ID_SEED, id), 0);
	ck_assert_msg(strcmp(id, v->id) == 0, "%u %s %u > %s %u: %s, want %s",
	    v->proto, v->src, v->sport, v->dst, v->dport, id, v->id);
	ck_assert_int_eq(community_id(&s, &d, v->proto, v->sport, v->dport,
	    1, id), 0);
	ck_assert_msg(strcmp(id, v->id_seed1) == 0,
	    "seed 1: %u %s %u > %s %u: %s, want %s", v->proto, v->src,
	    v->sport, v->dst, v->dport, id, v->id_seed1);
}

START_TEST(test_readme_tables)
{
	check_vector(&readme[_i]);
}
END_TEST

START_TEST(test_baseline_json)
{
	check_vector(&baseline[_i]);
}
END_TEST

/* Either direction of a TCP or UDP flow, equal addresses included. */
START_TEST(test_direction_free)
{
	static const char *const hosts[] = {
		"10.0.0.1", "10.0.0.2", "2001:db8::1", "2001:db8::2"
	};
	static const uint16_t ports[] = { 0, 1, 80, 443, 40001, 65535 };
	char ab[COMMUNITY_ID_SIZE], ba[COMMUNITY_ID_SIZE];

	for (size_t i = 0; i < 4; i++)
	for (size_t j = 0; j < 4; j++) {
		struct addr a = util_addr(hosts[i]), b = util_addr(hosts[j]);

		if (addr_is_v4(&a) != addr_is_v4(&b))
			continue;
		for (size_t p = 0; p < 6; p++)
		for (size_t q = 0; q < 6; q++) {
			ck_assert_int_eq(community_id(&a, &b, PKT_PROTO_TCP,
			    ports[p], ports[q], 0, ab), 0);
			ck_assert_int_eq(community_id(&b, &a, PKT_PROTO_TCP,
			    ports[q], ports[p], 0, ba), 0);
			ck_assert_str_eq(ab, ba);
			ck_assert_uint_eq(strlen(ab), COMMUNITY_ID_SIZE - 1);
		}
	}
}
END_TEST

/* The flow's protocol and both ports go into the hash. */
START_TEST(test_tuple_matters)
{
	struct addr a = util_addr("10.0.0.1"), b = util_addr("10.0.0.2");
	char x[COMMUNITY_ID_SIZE], y[COMMUNITY_ID_SIZE];

	community_id(&a, &b, PKT_PROTO_TCP, 40001, 80, 0, x);
	community_id(&a, &b, PKT_PROTO_UDP, 40001, 80, 0, y);
	ck_assert_str_ne(x, y);
	community_id(&a, &b, PKT_PROTO_TCP, 40002, 80, 0, y);
	ck_assert_str_ne(x, y);
	community_id(&a, &b, PKT_PROTO_TCP, 40001, 81, 0, y);
	ck_assert_str_ne(x, y);
	/* Ports mean nothing to a protocol without them. */
	community_id(&a, &b, 46, 40001, 80, 0, x);
	community_id(&a, &b, 46, 1, 2, 0, y);
	ck_assert_str_eq(x, y);
}
END_TEST

/* An IPv4 and an IPv6 endpoint are no flow: no ID rather than a wrong one. */
START_TEST(test_mixed_families)
{
	struct addr a = util_addr("10.0.0.1"), b = util_addr("2001:db8::2");
	char id[COMMUNITY_ID_SIZE];

	memset(id, 'x', sizeof(id));
	ck_assert_int_eq(community_id(&a, &b, PKT_PROTO_TCP, 1, 2, 0, id), -1);
	ck_assert_str_eq(id, "");
	ck_assert_int_eq(community_id(&b, &a, PKT_PROTO_TCP, 1, 2, 0, id), -1);
}
END_TEST

START_TEST(test_icmp_ports)
{
	uint16_t s, d;
	bool one_way;

	community_id_icmp_ports(false, 8, 0, &s, &d, &one_way);
	ck_assert(s == 8 && d == 0 && !one_way);
	community_id_icmp_ports(false, 0, 0, &s, &d, &one_way);
	ck_assert(s == 0 && d == 8 && !one_way);
	community_id_icmp_ports(false, 13, 0, &s, &d, &one_way);
	ck_assert(s == 13 && d == 14 && !one_way);
	community_id_icmp_ports(false, 10, 0, &s, &d, &one_way);
	ck_assert(s == 10 && d == 9 && !one_way);
	community_id_icmp_ports(false, 17, 0, &s, &d, &one_way);
	ck_assert(s == 17 && d == 18 && !one_way);
	/* Destination unreachable, port: one-way, the code kept. */
	community_id_icmp_ports(false, 3, 3, &s, &d, &one_way);
	ck_assert(s == 3 && d == 3 && one_way);
	community_id_icmp_ports(true, 128, 0, &s, &d, &one_way);
	ck_assert(s == 128 && d == 129 && !one_way);
	community_id_icmp_ports(true, 135, 0, &s, &d, &one_way);
	ck_assert(s == 135 && d == 136 && !one_way);
	community_id_icmp_ports(true, 130, 0, &s, &d, &one_way);
	ck_assert(s == 130 && d == 131 && !one_way);
	community_id_icmp_ports(true, 139, 0, &s, &d, &one_way);
	ck_assert(s == 139 && d == 140 && !one_way);
	community_id_icmp_ports(true, 145, 0, &s, &d, &one_way);
	ck_assert(s == 145 && d == 144 && !one_way);
	/* ICMPv6 type 8 is no echo: the v4 table does not apply. */
	community_id_icmp_ports(true, 8, 0, &s, &d, &one_way);
	ck_assert(s == 8 && d == 0 && one_way);
	community_id_icmp_ports(true, 1, 4, &s, &d, &one_way);
	ck_assert(s == 1 && d == 4 && one_way);
	community_id_icmp_ports(false, 255, 7, &s, &d, &one_way);
	ck_assert(s == 255 && d == 7 && one_way);
}
END_TEST

/* One-way ICMP keeps its direction: the reverse is another ID. */
START_TEST(test_icmp_one_way_not_swapped)
{
	struct addr a = util_addr("5.6.7.8"), b = util_addr("1.2.3.4");
	char x[COMMUNITY_ID_SIZE], y[COMMUNITY_ID_SIZE];

	community_id(&a, &b, PKT_PROTO_ICMP, 11, 0, 0, x);
	community_id(&b, &a, PKT_PROTO_ICMP, 11, 0, 0, y);
	ck_assert_str_ne(x, y);
}
END_TEST

static Suite *
community_id_suite(void)
{
	Suite *s = suite_create("community_id");
	TCase *tc = tcase_create("spec");

	tcase_add_loop_test(tc, test_readme_tables, 0,
	    (int)(sizeof(readme) / sizeof(readme[0])));
	tcase_add_loop_test(tc, test_baseline_json, 0,
	    (int)(sizeof(baseline) / sizeof(baseline[0])));
	suite_add_tcase(s, tc);

	tc = tcase_create("properties");
	tcase_add_test(tc, test_direction_free);
	tcase_add_test(tc, test_tuple_matters);
	tcase_add_test(tc, test_mixed_families);
	tcase_add_test(tc, test_icmp_ports);
	tcase_add_test(tc, test_icmp_one_way_not_swapped);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(community_id_suite());
}
