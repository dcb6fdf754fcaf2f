/*
 * What this host knows that packets do not: its own addresses and its
 * listening sockets.  Called only when an alert needs it, never per packet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "local.h"
#include "log.h"

/*
 * The host's addresses, read at most once per LOCAL_CACHE_S: every
 * syn_retransmit alert asks, and getifaddrs() is a netlink dump (a flood
 * of unanswered SYNs once made it a fifth of the daemon's CPU).  An
 * address added or removed is seen within that time.
 */
#define LOCAL_CACHE_MAX	256
#define LOCAL_CACHE_S	1

static struct {
	struct addr	addr[LOCAL_CACHE_MAX];
	size_t		n;
	bool		complete;	/* all of them fitted */
	bool		valid;
	struct timespec	read_at;
} local_cache;

static bool
cache_fresh(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return local_cache.valid &&
	    now.tv_sec - local_cache.read_at.tv_sec < LOCAL_CACHE_S;
}

static bool
ifaddr_get(const struct ifaddrs *i, struct addr *x)
{
	if (i->ifa_addr == NULL)
		return false;
	if (i->ifa_addr->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const void *)i->ifa_addr;

		addr_from_v4(x, (const uint8_t *)&s4->sin_addr);
		return true;
	}
	if (i->ifa_addr->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)i->ifa_addr;

		addr_from_v6(x, s6->sin6_addr.s6_addr);
		return true;
	}
	return false;
}

/* Reads the addresses into the cache; -1 when getifaddrs fails. */
static int
cache_fill(void)
{
	struct ifaddrs *ifa, *i;
	struct addr x;

	local_cache.valid = false;
	if (getifaddrs(&ifa) == -1)
		return -1;
	local_cache.n = 0;
	local_cache.complete = true;
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (!ifaddr_get(i, &x))
			continue;
		if (local_cache.n == LOCAL_CACHE_MAX) {
			local_cache.complete = false;
			break;
		}
		local_cache.addr[local_cache.n++] = x;
	}
	freeifaddrs(ifa);
	clock_gettime(CLOCK_MONOTONIC, &local_cache.read_at);
	local_cache.valid = true;
	return 0;
}

/* A host with more addresses than the cache holds is asked each time. */
static int
local_address_scan(const struct addr *a)
{
	struct ifaddrs *ifa, *i;
	struct addr x;
	int found = 0;

	if (getifaddrs(&ifa) == -1)
		return 0;
	for (i = ifa; i != NULL && !found; i = i->ifa_next)
		found = ifaddr_get(i, &x) && addr_cmp(&x, a) == 0;
	freeifaddrs(ifa);
	return found;
}

int
local_address(const struct addr *a)
{
	if (!cache_fresh() && cache_fill() == -1)
		return 0;
	for (size_t k = 0; k < local_cache.n; k++)
		if (addr_cmp(&local_cache.addr[k], a) == 0)
			return 1;
	return local_cache.complete ? 0 : local_address_scan(a);
}

/*
 * The listening sockets on one port, asked of the kernel (sock_diag(7)):
 * a dump restricted to TCP_LISTEN and, by a filter program the kernel
 * runs, to the source port, so that a busy host does not hand over every
 * connection it has, as /proc/net/tcp would.
 */
struct diag_req {
	struct nlmsghdr		nlh;
	struct inet_diag_req_v2	r;
	struct rtattr		rta;
	struct inet_diag_bc_op	op[2];
};

/* Does one listener, as the kernel describes it, take a:port? */
static int
listener_takes(const struct inet_diag_msg *m, size_t len, int family,
    const struct addr *a, uint16_t port)
{
	static const uint8_t zero[16];
	const struct rtattr *rta;
	size_t rlen = len > NLMSG_ALIGN(sizeof(*m)) ?
	    len - NLMSG_ALIGN(sizeof(*m)) : 0;
	bool v6only = false;
	struct addr x;

	if (ntohs(m->id.idiag_sport) != port || m->idiag_state != TCP_LISTEN)
		return 0;
	for (rta = (const struct rtattr *)((const char *)m +
	    NLMSG_ALIGN(sizeof(*m))); RTA_OK(rta, rlen);
	    rta = RTA_NEXT(rta, rlen))
		if (rta->rta_type == INET_DIAG_SKV6ONLY &&
		    RTA_PAYLOAD(rta) >= 1)
			v6only = *(const uint8_t *)RTA_DATA(rta) != 0;
	if (family == AF_INET6)
		addr_from_v6(&x, (const uint8_t *)m->id.idiag_src);
	else
		addr_from_v4(&x, (const uint8_t *)m->id.idiag_src);
	if (addr_cmp(&x, a) == 0)
		return 1;
	/* A wildcard listener takes every local address; "::" IPv4 too. */
	if (memcmp(m->id.idiag_src, zero, family == AF_INET6 ? 16 : 4) != 0)
		return 0;
	return family == AF_INET6 ? !v6only || !addr_is_v4(a) : addr_is_v4(a);
}

/* 1 when a listener of family takes a:port, 0 when none, -1 unknown. */
static int
listening_in(int family, const struct addr *a, uint16_t port)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	struct diag_req req;
	union {
		char		buf[8192];
		struct nlmsghdr	align;
	} u;
	int fd, found = 0, done = 0;
	ssize_t n;

	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG)) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.r.sdiag_family = (uint8_t)family;
	req.r.sdiag_protocol = IPPROTO_TCP;
	req.r.idiag_states = 1U << TCP_LISTEN;
	req.r.idiag_ext = 0;
	req.rta.rta_type = INET_DIAG_REQ_BYTECODE;
	req.rta.rta_len = RTA_LENGTH(sizeof(req.op));
	/* Source port == port: on a match go to the end (accept), else reject. */
	req.op[0].code = INET_DIAG_BC_S_EQ;
	req.op[0].yes = sizeof(req.op);
	req.op[0].no = sizeof(req.op) + 4;
	req.op[1].no = port;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&nl,
	    sizeof(nl)) != (ssize_t)sizeof(req)) {
		close(fd);
		return -1;
	}
	while (!done) {
		struct nlmsghdr *h;
		size_t left;

		if ((n = recv(fd, u.buf, sizeof(u.buf), 0)) == -1) {
			if (errno == EINTR)
				continue;
			found = -1;
			break;
		}
		if (n == 0)
			break;
		left = (size_t)n;
		for (h = &u.align; NLMSG_OK(h, left); h = NLMSG_NEXT(h, left)) {
			if (h->nlmsg_type == NLMSG_DONE) {
				done = 1;
				break;
			}
			if (h->nlmsg_type == NLMSG_ERROR) {
				found = -1;
				done = 1;
				break;
			}
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			/* Read to NLMSG_DONE even after a match: no stale replies. */
			if (found == 0 && listener_takes(NLMSG_DATA(h),
			    h->nlmsg_len - NLMSG_LENGTH(0), family, a, port))
				found = 1;
		}
	}
	close(fd);
	return found;
}

enum tristate
local_listening(const struct addr *a, uint16_t port)
{
	int v4, v6;

	if (!local_address(a))
		return TRI_UNKNOWN;
	v4 = addr_is_v4(a) ? listening_in(AF_INET, a, port) : 0;
	v6 = v4 == 1 ? 0 : listening_in(AF_INET6, a, port);
	if (v4 == -1 && v6 == -1) {
		log_debug("cannot ask the kernel for listening sockets "
		    "(sock_diag)");
		return TRI_UNKNOWN;
	}
	return v4 > 0 || v6 > 0 ? TRI_YES : TRI_NO;
}
