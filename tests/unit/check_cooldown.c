/*
 * Alert cooldown: one alert per kind and service per period, the rest
 * counted, one summary when the period ends.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "cooldown.h"
#include "pkt.h"

#define SEC	1000000ULL

struct summaries {
	struct event	ev[16];
	size_t		n;
};

static void
collect(void *ctx, const struct event *ev)
{
	struct summaries *s = ctx;

	ck_assert_uint_lt(s->n, 16);
	s->ev[s->n++] = *ev;
}

static struct event
service_event(enum event_kind kind, uint8_t last_octet, uint16_t dport)
{
	struct event ev = util_service_event(kind, last_octet, dport);

	ev.severity = SEV_NOTICE;
	ev.has_sport = true;
	ev.sport = 40000;
	return ev;
}

START_TEST(test_suppresses_within_period_then_summarises)
{
	struct cooldown *c = cooldown_new(64);
	struct event ev = service_event(EV_syn_refused, 1, 81);
	struct summaries s = { .n = 0 };

	ck_assert(cooldown_admit(c, &ev, 60 * SEC, 100 * SEC));
	for (int i = 1; i <= 4; i++)
		ck_assert(!cooldown_admit(c, &ev, 60 * SEC, (100 + i) * SEC));
	cooldown_expire(c, 159 * SEC, collect, &s);
	ck_assert_uint_eq(s.n, 0);
	cooldown_expire(c, 160 * SEC, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.ev[0].suppressed, 4);
	ck_assert_int_eq(s.ev[0].kind, EV_syn_refused);
	ck_assert_uint_eq(s.ev[0].dport, 81);
	ck_assert(!s.ev[0].has_sport);
	ck_assert_uint_eq(cooldown_stats(c)->suppressed, 4);
	/* After the period the next alert goes out again. */
	ck_assert(cooldown_admit(c, &ev, 60 * SEC, 161 * SEC));
	cooldown_free(c);
}
END_TEST

START_TEST(test_kinds_and_services_are_separate)
{
	struct cooldown *c = cooldown_new(64);
	struct event a = service_event(EV_syn_refused, 1, 81);
	struct event b = service_event(EV_syn_refused, 1, 82);
	struct event d = service_event(EV_syn_refused, 2, 81);
	struct event k = service_event(EV_app_reset, 1, 81);

	ck_assert(cooldown_admit(c, &a, 60 * SEC, SEC));
	ck_assert(cooldown_admit(c, &b, 60 * SEC, SEC));
	ck_assert(cooldown_admit(c, &d, 60 * SEC, SEC));
	ck_assert(cooldown_admit(c, &k, 60 * SEC, SEC));
	/* Another client of the same service is the same service. */
	a.sport = 50000;
	ck_assert(!cooldown_admit(c, &a, 60 * SEC, 2 * SEC));
	cooldown_free(c);
}
END_TEST

START_TEST(test_no_summary_without_suppression_and_zero_period)
{
	struct cooldown *c = cooldown_new(8);
	struct event ev = service_event(EV_app_reset, 3, 443);
	struct summaries s = { .n = 0 };

	ck_assert(cooldown_admit(c, &ev, 10 * SEC, 0));
	cooldown_expire(c, 20 * SEC, collect, &s);
	ck_assert_uint_eq(s.n, 0);
	for (int i = 0; i < 5; i++)
		ck_assert(cooldown_admit(c, &ev, 0, 30 * SEC));
	cooldown_free(c);
}
END_TEST

START_TEST(test_full_table_lets_alerts_through)
{
	struct cooldown *c = cooldown_new(4);
	struct summaries s = { .n = 0 };

	for (uint16_t p = 1; p <= 4; p++) {
		struct event ev = service_event(EV_syn_refused, 1, p);

		ck_assert(cooldown_admit(c, &ev, 60 * SEC, SEC));
	}
	for (int i = 0; i < 3; i++) {
		struct event ev = service_event(EV_syn_refused, 1, 99);

		ck_assert(cooldown_admit(c, &ev, 60 * SEC, 2 * SEC));
	}
	ck_assert_uint_eq(cooldown_stats(c)->table_full, 3);
	/* Expiry frees every slot; probing still finds survivors after removal. */
	cooldown_expire(c, 100 * SEC, collect, &s);
	for (uint16_t p = 1; p <= 4; p++) {
		struct event ev = service_event(EV_syn_refused, 1, p);

		ck_assert(cooldown_admit(c, &ev, 60 * SEC, 200 * SEC));
		ck_assert(!cooldown_admit(c, &ev, 60 * SEC, 201 * SEC));
	}
	cooldown_free(c);
}
END_TEST

START_TEST(test_removal_keeps_colliding_entries_findable)
{
	/* Many services in a small table: entries share probe runs. */
	struct cooldown *c = cooldown_new(37);
	struct summaries s = { .n = 0 };

	for (uint16_t p = 0; p < 30; p++) {
		struct event ev = service_event(EV_app_reset, (uint8_t)p, 80);

		ck_assert(cooldown_admit(c, &ev, (p % 2 ? 10 : 100) * SEC, 0));
	}
	/* Half end at 10 s; the other half must still be in cooldown. */
	cooldown_expire(c, 50 * SEC, collect, &s);
	for (uint16_t p = 0; p < 30; p++) {
		struct event ev = service_event(EV_app_reset, (uint8_t)p, 80);

		ck_assert_int_eq(cooldown_admit(c, &ev, 100 * SEC, 60 * SEC), p % 2);
	}
	cooldown_free(c);
}
END_TEST

START_TEST(test_flush_ends_everything_at_the_given_time)
{
	struct cooldown *c = cooldown_new(16);
	struct event ev = service_event(EV_loss_reset, 9, 5432);
	struct summaries s = { .n = 0 };

	ck_assert(cooldown_admit(c, &ev, 3600 * SEC, SEC));
	ck_assert(!cooldown_admit(c, &ev, 3600 * SEC, 2 * SEC));
	cooldown_flush(c, 3 * SEC, collect, &s);
	ck_assert_uint_eq(s.n, 1);
	ck_assert_uint_eq(s.ev[0].ts_us, 3 * SEC);
	ck_assert_uint_eq(s.ev[0].suppressed, 1);
	ck_assert(cooldown_admit(c, &ev, 3600 * SEC, 4 * SEC));
	cooldown_free(c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("cooldown");
	TCase *t = tcase_create("cooldown");

	tcase_add_test(t, test_suppresses_within_period_then_summarises);
	tcase_add_test(t, test_kinds_and_services_are_separate);
	tcase_add_test(t, test_no_summary_without_suppression_and_zero_period);
	tcase_add_test(t, test_full_table_lets_alerts_through);
	tcase_add_test(t, test_removal_keeps_colliding_entries_findable);
	tcase_add_test(t, test_flush_ends_everything_at_the_given_time);
	suite_add_tcase(s, t);
	return util_run(s);
}
