/*
 * Time units: the conversions every module takes from lib/timeunit.h, held
 * to the arithmetic they replace.
 */
#include <sys/time.h>

#include <time.h>

#include "check_util.h"
#include "timeunit.h"

START_TEST(test_seconds_and_parts)
{
	ck_assert_uint_eq(usec_from_sec(0), 0);
	ck_assert_uint_eq(usec_from_sec(90), 90000000ULL);
	/* A uint32_t of seconds (the configuration's) cannot overflow. */
	ck_assert_uint_eq(usec_from_sec(UINT32_MAX), 4294967295000000ULL);
	ck_assert_uint_eq(usec_sec_part(UTIL_TS_US + 999999), 1700000000ULL);
	ck_assert_uint_eq(usec_frac_part(UTIL_TS_US + 999999), 999999);
	ck_assert_uint_eq(usec_frac_part(UTIL_TS_US + 1000000), 0);
	ck_assert_uint_eq(usec_sec_part(UINT64_MAX), UINT64_MAX / 1000000);
	ck_assert_uint_eq(usec_frac_part(UINT64_MAX), UINT64_MAX % 1000000);
}
END_TEST

START_TEST(test_from_timeval_and_timespec)
{
	struct timeval tv = { 1700000000, 123456 };
	struct timespec ts = { 1700000000, 123456789 };

	ck_assert_uint_eq(usec_from_timeval(&tv), UTIL_TS_US + 123456);
	/* Below the microsecond, cut, not rounded. */
	ck_assert_uint_eq(usec_from_timespec(&ts), UTIL_TS_US + 123456);
}
END_TEST

START_TEST(test_seconds_for_people)
{
	ck_assert(sec_from_usec(2500000) == 2.5);
	ck_assert(sec_from_usec(0) == 0.0);
	ck_assert(sec_from_usec(UTIL_TS_US) == 1700000000.0);
}
END_TEST

static Suite *
timeunit_suite(void)
{
	Suite *s = suite_create("timeunit");
	TCase *tc = tcase_create("timeunit");

	tcase_add_test(tc, test_seconds_and_parts);
	tcase_add_test(tc, test_from_timeval_and_timespec);
	tcase_add_test(tc, test_seconds_for_people);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(timeunit_suite());
}
