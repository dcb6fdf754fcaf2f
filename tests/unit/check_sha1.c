/*
 * SHA-1 (lib/sha1.c) against the FIPS 180 example messages and NIST's
 * long-message vector, at every padding boundary, and fed in pieces.
 */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "sha1.h"

static void	hex(const uint8_t *, char *);
static void	check_digest(const void *, size_t, const char *);
static void	pattern(uint8_t *, size_t);
static Suite	*sha1_suite(void);

static void
hex(const uint8_t *d, char *out)
{
	for (int i = 0; i < SHA1_DIGEST_LEN; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static void
check_digest(const void *msg, size_t len, const char *want)
{
	uint8_t d[SHA1_DIGEST_LEN];
	char got[2 * SHA1_DIGEST_LEN + 1];

	sha1(msg, len, d);
	hex(d, got);
	ck_assert_msg(strcmp(got, want) == 0, "length %zu: %s, want %s",
	    len, got, want);
}

/* Bytes '0' to 'z' over and over: printable, so sha1sum can check them. */
static void
pattern(uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)('0' + i % 75);
}

/* FIPS 180-2 appendix A.1: one block. */
START_TEST(test_abc)
{
	check_digest("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
}
END_TEST

/* Appendix A.2: 448 bits, so that the length needs a second block. */
START_TEST(test_448_bits)
{
	const char *m = "abcdbcdecdefdefgefghfghighijhijk"
	    "ijkljklmklmnlmnomnopnopq";

	ck_assert_uint_eq(strlen(m), 56);
	check_digest(m, 56, "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
}
END_TEST

/* The 896-bit message of the SHA-2 examples, also published for SHA-1. */
START_TEST(test_896_bits)
{
	const char *m = "abcdefghbcdefghicdefghijdefghijk"
	    "efghijklfghijklmghijklmnhijklmno"
	    "ijklmnopjklmnopqklmnopqrlmnopqrs"
	    "mnopqrstnopqrstu";

	ck_assert_uint_eq(strlen(m), 112);
	check_digest(m, 112, "a49b2446a02c645bf419f995b67091253a04a259");
}
END_TEST

/* Appendix A.3: one million 'a', fed in uneven pieces. */
START_TEST(test_million_a)
{
	static uint8_t a[1000000];
	struct sha1_ctx ctx;
	uint8_t d[SHA1_DIGEST_LEN];
	char got[2 * SHA1_DIGEST_LEN + 1];
	size_t off, n;

	memset(a, 'a', sizeof(a));
	check_digest(a, sizeof(a), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");

	sha1_init(&ctx);
	for (off = 0, n = 1; off < sizeof(a); off += n, n = n * 7 % 997 + 1) {
		if (n > sizeof(a) - off)
			n = sizeof(a) - off;
		sha1_update(&ctx, a + off, n);
	}
	sha1_final(&ctx, d);
	hex(d, got);
	ck_assert_str_eq(got, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}
END_TEST

START_TEST(test_empty)
{
	check_digest("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
END_TEST

/*
 * Messages that end just before, at and after the place where the
 * length no longer fits in the last block (55/56 bytes) and at block
 * boundaries; digests from sha1sum(1) of the same bytes.
 */
START_TEST(test_padding_boundaries)
{
	static const struct {
		size_t		 len;
		const char	*digest;
	} v[] = {
		{ 55, "07b33680c168a9ae46199ec4fbd04be27628ac50" },
		{ 56, "6b1b288830f08efe6a6a8728278d128e8b508014" },
		{ 63, "6cc104e99fc2c05be3f86570eeaa4aa60a825497" },
		{ 64, "846305f50276d4892a7b5711842c7f87922c5904" },
		{ 65, "e3bf10a9e1472762693df37352441963b8a00a46" },
		{ 119, "f1d653a724ca9f5a7a0c791cf767c4d32248eecb" },
		{ 120, "abf871795826b25fcd28052027ca86d9ac2abb61" },
		{ 127, "7ffbf3ef67b6a85522ed18ef7e8826601962928a" },
		{ 128, "5884d569774963878354cb4d077bdf32749a48e3" },
		{ 129, "42df7ee12efde90dac2bff7351475dcdacdb35c5" },
	};
	uint8_t buf[129];

	pattern(buf, sizeof(buf));
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check_digest(buf, v[i].len, v[i].digest);
}
END_TEST

/* Any split of a message into two updates gives the one-call digest. */
START_TEST(test_split_updates)
{
	uint8_t buf[200], whole[SHA1_DIGEST_LEN], parts[SHA1_DIGEST_LEN];
	struct sha1_ctx ctx;

	pattern(buf, sizeof(buf));
	for (size_t len = 0; len <= sizeof(buf); len += 13) {
		sha1(buf, len, whole);
		for (size_t cut = 0; cut <= len; cut++) {
			sha1_init(&ctx);
			sha1_update(&ctx, buf, cut);
			sha1_update(&ctx, buf + cut, len - cut);
			sha1_final(&ctx, parts);
			ck_assert_msg(memcmp(whole, parts, sizeof(whole)) == 0,
			    "length %zu cut at %zu", len, cut);
		}
	}
}
END_TEST

/* sha1_final() leaves the context ready for the next message. */
START_TEST(test_final_reinitialises)
{
	struct sha1_ctx ctx;
	uint8_t d[SHA1_DIGEST_LEN];
	char got[2 * SHA1_DIGEST_LEN + 1];

	sha1_init(&ctx);
	sha1_update(&ctx, "something else", 14);
	sha1_final(&ctx, d);
	sha1_update(&ctx, "abc", 3);
	sha1_final(&ctx, d);
	hex(d, got);
	ck_assert_str_eq(got, "a9993e364706816aba3e25717850c26c9cd0d89d");
}
END_TEST

static Suite *
sha1_suite(void)
{
	Suite *s = suite_create("sha1");
	TCase *tc = tcase_create("vectors");

	tcase_add_test(tc, test_abc);
	tcase_add_test(tc, test_448_bits);
	tcase_add_test(tc, test_896_bits);
	tcase_add_test(tc, test_million_a);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_padding_boundaries);
	tcase_add_test(tc, test_split_updates);
	tcase_add_test(tc, test_final_reinitialises);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(sha1_suite());
}
