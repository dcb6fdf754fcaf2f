/*
 * The line writer: numbers as snprintf() writes them, and every buffer
 * size cuts the line where snprintf() would, without writing past it.
 */
#include <check.h>
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "wbuf.h"

static void	write_all(struct wbuf *);
static int	reference(char *, size_t);
static Suite	*wbuf_suite(void);

static const uint64_t numbers[] = {
	0, 1, 9, 10, 99, 100, 999999, 1000000, 4294967295ULL,
	4294967296ULL, 10000000000000000000ULL, UINT64_MAX,
};

/* One of each piece: what wbuf_finish() must equal snprintf() on. */
static void
write_all(struct wbuf *w)
{
	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++) {
		wbuf_putu(w, numbers[i]);
		wbuf_putc(w, ' ');
		wbuf_putu_width(w, numbers[i], 6);
		wbuf_puts(w, " | ");
	}
	wbuf_puti(w, INT_MIN);
	wbuf_putc(w, ' ');
	wbuf_puti(w, -1);
	wbuf_putc(w, ' ');
	wbuf_puti(w, INT_MAX);
	wbuf_write(w, " end", 4);
}

static int
reference(char *buf, size_t size)
{
	char tmp[1024];
	size_t len = 0;

	for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++)
		len += (size_t)snprintf(tmp + len, sizeof(tmp) - len,
		    "%" PRIu64 " %06" PRIu64 " | ", numbers[i], numbers[i]);
	snprintf(tmp + len, sizeof(tmp) - len, "%d %d %d end", INT_MIN, -1,
	    INT_MAX);
	return snprintf(buf, size, "%s", tmp);
}

START_TEST(test_numbers_are_printf)
{
	char got[1024], want[1024];
	struct wbuf w = WBUF_INIT(got, sizeof(got));
	int n;

	write_all(&w);
	n = reference(want, sizeof(want));
	ck_assert_int_eq(wbuf_finish(&w), n);
	ck_assert_str_eq(got, want);
}
END_TEST

START_TEST(test_every_size_cuts_like_snprintf)
{
	char want[1024];
	size_t len = (size_t)reference(want, sizeof(want));

	for (size_t size = 0; size <= len + 1; size++) {
		char *buf = malloc(size + 1);
		struct wbuf w = WBUF_INIT(buf, size);
		int n;

		ck_assert_ptr_nonnull(buf);
		memset(buf, '#', size + 1);
		write_all(&w);
		n = wbuf_finish(&w);
		ck_assert_int_eq(n, size > len ? (int)len : -1);
		ck_assert_msg(buf[size] == '#', "wrote past %zu bytes", size);
		if (size > 0) {
			ck_assert_int_eq(strlen(buf), size > len ? len :
			    size - 1);
			ck_assert(strncmp(buf, want, strlen(buf)) == 0);
		}
		free(buf);
	}
}
END_TEST

static Suite *
wbuf_suite(void)
{
	Suite *s = suite_create("wbuf");
	TCase *tc = tcase_create("wbuf");

	tcase_add_test(tc, test_numbers_are_printf);
	tcase_add_test(tc, test_every_size_cuts_like_snprintf);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return util_run(wbuf_suite());
}
