/*
 * rst_rate: RSTs per service in fixed windows, reported once per window
 * when the count exceeds the threshold.
 */
#include <check.h>
#include <stdlib.h>

#include "check_util.h"
#include "rst_rate.h"

#define SEC	1000000ULL

static struct addr
v4(uint8_t last)
{
	struct addr a;
	uint8_t b[4] = { 198, 51, 100, last };

	addr_from_v4(&a, b);
	return a;
}

START_TEST(test_fires_once_when_exceeding_in_window)
{
	struct rst_rate *r = rst_rate_new(64, 1);
	struct addr a = v4(1);
	uint32_t count;

	for (int i = 1; i <= 3; i++)
		ck_assert(!rst_rate_count(r, &a, 443, (uint64_t)i * SEC / 10, 3,
		    10 * SEC, &count));
	ck_assert_uint_eq(count, 3);
	ck_assert(rst_rate_count(r, &a, 443, SEC, 3, 10 * SEC, &count));
	ck_assert_uint_eq(count, 4);
	ck_assert(!rst_rate_count(r, &a, 443, 2 * SEC, 3, 10 * SEC, &count));
	ck_assert_uint_eq(count, 5);
	rst_rate_free(r);
}
END_TEST

START_TEST(test_new_window_starts_over)
{
	struct rst_rate *r = rst_rate_new(64, 1);
	struct addr a = v4(2);
	uint32_t count;

	for (int i = 0; i < 3; i++)
		ck_assert(!rst_rate_count(r, &a, 80, 0, 3, 10 * SEC, &count));
	/* Spread over two windows: never more than 3 in one. */
	for (int i = 0; i < 3; i++)
		ck_assert(!rst_rate_count(r, &a, 80, 11 * SEC, 3, 10 * SEC, &count));
	ck_assert_uint_eq(count, 3);
	ck_assert(rst_rate_count(r, &a, 80, 12 * SEC, 3, 10 * SEC, &count));
	rst_rate_free(r);
}
END_TEST

START_TEST(test_services_are_separate_and_table_bounded)
{
	struct rst_rate *r = rst_rate_new(16, 7);
	struct addr a = v4(3);
	uint32_t count;

	ck_assert(!rst_rate_count(r, &a, 1, 0, 1, 10 * SEC, &count));
	ck_assert(!rst_rate_count(r, &a, 2, 0, 1, 10 * SEC, &count));
	ck_assert_uint_eq(count, 1);
	ck_assert(rst_rate_count(r, &a, 1, 0, 1, 10 * SEC, &count));
	/* A flood of services in a 16-slot table costs bounded work. */
	for (uint32_t p = 0; p < 100000; p++) {
		struct addr x = v4((uint8_t)p);

		(void)rst_rate_count(r, &x, (uint16_t)(p >> 8), SEC, 1000,
		    10 * SEC, &count);
		ck_assert_uint_ge(count, 1);
	}
	ck_assert_ptr_null(rst_rate_new(4, 0));
	rst_rate_free(r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("rst_rate");
	TCase *t = tcase_create("rst_rate");

	tcase_add_test(t, test_fires_once_when_exceeding_in_window);
	tcase_add_test(t, test_new_window_starts_over);
	tcase_add_test(t, test_services_are_separate_and_table_bounded);
	suite_add_tcase(s, t);
	return util_run(s);
}
