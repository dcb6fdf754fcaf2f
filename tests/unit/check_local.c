/*
 * daemon/local.c: whether a port of this host listens, asked of the kernel
 * (sock_diag).  Real sockets on loopback, on ports the kernel picks, so
 * that the test needs no privilege and disturbs nothing.
 */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check_util.h"
#include "local.h"

/* A TCP socket bound to addr:port (0: any port), listening when asked. */
static int
sock_on(int family, const char *addr, uint16_t port, int v6only, bool listen_too,
    uint16_t *bound)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, one = 1;

	memset(&ss, 0, sizeof(ss));
	ck_assert_int_ne(fd = socket(family, SOCK_STREAM, 0), -1);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET, addr, &s4->sin_addr), 1);
		len = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		ck_assert_int_eq(setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY,
		    &v6only, sizeof(v6only)), 0);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		ck_assert_int_eq(inet_pton(AF_INET6, addr, &s6->sin6_addr), 1);
		len = sizeof(*s6);
	}
	ck_assert_msg(bind(fd, (struct sockaddr *)&ss, len) == 0, "bind %s:%u",
	    addr, port);
	if (listen_too)
		ck_assert_int_eq(listen(fd, 4), 0);
	len = sizeof(ss);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	*bound = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
	    ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static bool
have_ipv6_loopback(void)
{
	struct addr a = util_addr("::1");

	return local_address(&a) != 0;
}

START_TEST(test_v4_listener)
{
	struct addr lo = util_addr("127.0.0.1");
	uint16_t port, other;
	int fd, fd2;

	ck_assert_int_ne(local_address(&lo), 0);
	fd = sock_on(AF_INET, "127.0.0.1", 0, 0, true, &port);
	ck_assert_int_eq(local_listening(&lo, port), TRI_YES);
	/* Another port of the same host: the filter is on the port. */
	fd2 = sock_on(AF_INET, "127.0.0.1", 0, 0, false, &other);
	ck_assert_int_eq(local_listening(&lo, other), TRI_NO);
	close(fd2);
	close(fd);
	ck_assert_int_eq(local_listening(&lo, port), TRI_NO);
}
END_TEST

START_TEST(test_v4_wildcard)
{
	struct addr lo = util_addr("127.0.0.1");
	uint16_t port;
	int fd;

	fd = sock_on(AF_INET, "0.0.0.0", 0, 0, true, &port);
	ck_assert_int_eq(local_listening(&lo, port), TRI_YES);
	close(fd);
	ck_assert_int_eq(local_listening(&lo, port), TRI_NO);
}
END_TEST

/* Connections on the port are not listeners: only TCP_LISTEN counts. */
START_TEST(test_established_not_listening)
{
	struct addr lo = util_addr("127.0.0.1");
	struct sockaddr_in sin;
	uint16_t port;
	int l, c, s;

	l = sock_on(AF_INET, "127.0.0.1", 0, 0, true, &port);
	ck_assert_int_ne(c = socket(AF_INET, SOCK_STREAM, 0), -1);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	ck_assert_int_ne(s = accept(l, NULL, NULL), -1);
	close(l);
	/* The accepted socket still has source port `port`, established. */
	ck_assert_int_eq(local_listening(&lo, port), TRI_NO);
	close(s);
	close(c);
}
END_TEST

START_TEST(test_v6_wildcard_takes_v4)
{
	struct addr lo = util_addr("127.0.0.1");
	uint16_t port;
	int fd;

	fd = sock_on(AF_INET6, "::", 0, 0, true, &port);
	ck_assert_int_eq(local_listening(&lo, port), TRI_YES);
	close(fd);
}
END_TEST

/* IPV6_V6ONLY: "::" then takes IPv6 only (the kernel tells which). */
START_TEST(test_v6only)
{
	struct addr lo = util_addr("127.0.0.1"), lo6 = util_addr("::1");
	uint16_t port;
	int fd;

	fd = sock_on(AF_INET6, "::", 0, 1, true, &port);
	ck_assert_int_eq(local_listening(&lo, port), TRI_NO);
	if (have_ipv6_loopback())
		ck_assert_int_eq(local_listening(&lo6, port), TRI_YES);
	close(fd);
}
END_TEST

START_TEST(test_v6_listener)
{
	struct addr lo6 = util_addr("::1");
	uint16_t port;
	int fd;

	ck_assert_msg(have_ipv6_loopback(), "::1 is not configured on lo: "
	    "this test needs IPv6 on loopback");
	fd = sock_on(AF_INET6, "::1", 0, 1, true, &port);
	ck_assert_int_eq(local_listening(&lo6, port), TRI_YES);
	close(fd);
	ck_assert_int_eq(local_listening(&lo6, port), TRI_NO);
}
END_TEST

START_TEST(test_not_local)
{
	struct addr far = util_addr("192.0.2.1");

	ck_assert_int_eq(local_address(&far), 0);
	ck_assert_int_eq(local_listening(&far, 80), TRI_UNKNOWN);
}
END_TEST

/* Many listeners on other ports: the one asked about is still found. */
START_TEST(test_many_listeners)
{
	struct addr lo = util_addr("127.0.0.1");
	uint16_t port, mine;
	int fds[200], fd;

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		fds[i] = sock_on(AF_INET, "127.0.0.1", 0, 0, true, &port);
	fd = sock_on(AF_INET, "127.0.0.1", 0, 0, true, &mine);
	ck_assert_int_eq(local_listening(&lo, mine), TRI_YES);
	close(fd);
	ck_assert_int_eq(local_listening(&lo, mine), TRI_NO);
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("local");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_v4_listener);
	tcase_add_test(tc, test_v4_wildcard);
	tcase_add_test(tc, test_established_not_listening);
	tcase_add_test(tc, test_v6_wildcard_takes_v4);
	tcase_add_test(tc, test_v6only);
	tcase_add_test(tc, test_v6_listener);
	tcase_add_test(tc, test_not_local);
	tcase_add_test(tc, test_many_listeners);
	suite_add_tcase(s, tc);
	return util_run(s);
}
