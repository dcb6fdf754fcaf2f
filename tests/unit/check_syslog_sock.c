/*
 * Our syslog client (daemon/syslog_sock.c): the line glibc's syslog(3)
 * writes, an ident that outlives the caller's string, losses counted while
 * /dev/log is absent and reported once it is back.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "check_util.h"
#include "syslog_sock.h"

static char	dirpath[64];
static char	sockpath[96];

static void
tmpdir(void)
{
	snprintf(dirpath, sizeof(dirpath), "/tmp/check_syslog.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dirpath));
	snprintf(sockpath, sizeof(sockpath), "%s/log", dirpath);
}

static void
cleanup(void)
{
	unlink(sockpath);
	rmdir(dirpath);
}

static int
receiver(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sockpath);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	return fd;
}

static void
received(int fd, char *buf, size_t size)
{
	ssize_t n = recv(fd, buf, size - 1, 0);

	ck_assert_int_gt(n, 0);
	buf[n] = '\0';
}

START_TEST(test_format_as_glibc)
{
	char buf[256];

	setenv("TZ", "UTC0", 1);
	tzset();
	/* 2023-11-14 22:13:20 UTC; the day is padded with a space below 10. */
	ck_assert_int_eq(syslog_sock_format(buf, sizeof(buf), LOG_DAEMON |
	    LOG_WARNING, 1700000000, "rstwatchd", 4242, "kind=x msg=\"y\""), 51);
	ck_assert_str_eq(buf,
	    "<28>Nov 14 22:13:20 rstwatchd[4242]: kind=x msg=\"y\"");
	ck_assert_int_ge(syslog_sock_format(buf, sizeof(buf), LOG_LOCAL3 |
	    LOG_INFO, 1701561605, "id", 7, "m"), 0);
	ck_assert_str_eq(buf, "<158>Dec  3 00:00:05 id[7]: m");
	/* Too small: -1, not a cut line. */
	ck_assert_int_eq(syslog_sock_format(buf, 20, LOG_DAEMON, 1700000000,
	    "rstwatchd", 1, "message"), -1);
}
END_TEST

/* The bug: after a reload, lines had no ident (a pointer to freed memory). */
START_TEST(test_ident_is_a_copy)
{
	struct syslog_sock s;
	char buf[512], ident[32], want[64];
	int fd;

	tmpdir();
	fd = receiver();
	snprintf(ident, sizeof(ident), "rstwatchd");
	ck_assert_int_eq(syslog_sock_open(&s, sockpath, ident, LOG_DAEMON), 0);
	ck_assert(syslog_sock_connected(&s));
	memset(ident, 0, sizeof(ident));	/* the old configuration, freed */
	ck_assert(syslog_sock_send(&s, LOG_NOTICE, "kind=app_reset", true));
	received(fd, buf, sizeof(buf));
	snprintf(want, sizeof(want), " rstwatchd[%ld]: kind=app_reset",
	    (long)getpid());
	ck_assert_ptr_nonnull(strstr(buf, want));
	ck_assert_int_eq(strncmp(buf, "<29>", 4), 0);
	/* An explicit facility wins over the default one. */
	ck_assert(syslog_sock_send(&s, LOG_LOCAL3 | LOG_ERR, "x", false));
	received(fd, buf, sizeof(buf));
	ck_assert_int_eq(strncmp(buf, "<155>", 5), 0);
	ck_assert_uint_eq(s.q.sent.alerts, 1);
	ck_assert_uint_eq(s.q.sent.records, 2);
	syslog_sock_close(&s, 0);
	close(fd);
	cleanup();
}
END_TEST

static struct outq_counts recovered;
static int nrecovered, nfailing;

static void
note(void *arg, enum outq_note what, int err, const struct outq_counts *c)
{
	(void)arg;
	(void)err;
	if (what == OUTQ_RECOVERED) {
		nrecovered++;
		recovered = *c;
	} else
		nfailing++;
}

/* No /dev/log: counted; at most one attempt per SYSLOG_RETRY_S; then back. */
START_TEST(test_absent_then_back)
{
	struct syslog_sock s;
	char buf[512];
	int fd;

	tmpdir();
	ck_assert_int_eq(syslog_sock_open(&s, sockpath, "rstwatchd",
	    LOG_DAEMON), 0);
	s.note = note;
	ck_assert(!syslog_sock_connected(&s));
	ck_assert(!syslog_sock_send(&s, LOG_WARNING, "a1", true));
	ck_assert(!syslog_sock_send(&s, LOG_WARNING, "a2", true));
	ck_assert(!syslog_sock_send(&s, LOG_INFO, "d1", false));
	ck_assert_int_eq(nfailing, 1);
	/* The socket appears, but the retry is not due yet: still lost. */
	fd = receiver();
	ck_assert(!syslog_sock_send(&s, LOG_WARNING, "a3", true));
	ck_assert_uint_eq(s.q.lost.alerts, 3);
	sleep(SYSLOG_RETRY_S + 1);
	ck_assert(syslog_sock_send(&s, LOG_WARNING, "a4", true));
	ck_assert(syslog_sock_connected(&s));
	ck_assert_int_eq(nrecovered, 1);
	ck_assert_uint_eq(recovered.alerts, 3);
	ck_assert_uint_eq(recovered.records, 4);
	received(fd, buf, sizeof(buf));
	ck_assert_ptr_nonnull(strstr(buf, "]: a4"));

	/* The reader goes away: the next send finds out, and counts. */
	close(fd);
	unlink(sockpath);
	ck_assert(syslog_sock_send(&s, LOG_WARNING, "a5", true));
	ck_assert(!syslog_sock_connected(&s));
	ck_assert_uint_eq(s.q.lost.alerts, 4);
	syslog_sock_close(&s, 0);
	cleanup();
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("syslog_sock");
	TCase *tc = tcase_create("syslog_sock");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_format_as_glibc);
	tcase_add_test(tc, test_ident_is_a_copy);
	tcase_add_test(tc, test_absent_then_back);
	suite_add_tcase(s, tc);
	return util_run(s);
}
