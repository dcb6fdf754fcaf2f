/*
 * What this host knows that packets do not: its own addresses and its
 * listening sockets.  Called only when an alert needs it, never per packet.
 */
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "local.h"
#include "log.h"

#define TCP_LISTEN_STATE	0x0A	/* TCP_LISTEN in the kernel's numbering */

int
local_address(const struct addr *a)
{
	struct ifaddrs *ifa, *i;
	struct addr x;
	int found = 0;

	if (getifaddrs(&ifa) == -1)
		return 0;
	for (i = ifa; i != NULL && !found; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		if (i->ifa_addr->sa_family == AF_INET) {
			const struct sockaddr_in *s4 = (const void *)i->ifa_addr;

			addr_from_v4(&x, (const uint8_t *)&s4->sin_addr);
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			const struct sockaddr_in6 *s6 = (const void *)i->ifa_addr;

			addr_from_v6(&x, s6->sin6_addr.s6_addr);
		} else
			continue;
		found = addr_cmp(&x, a) == 0;
	}
	freeifaddrs(ifa);
	return found;
}

/*
 * /proc/net/tcp prints each address as the hex of its 32-bit words in host
 * order (little-endian on the machines we run on): 0100007F is 127.0.0.1.
 */
static int
proc_addr_parse(const char *hex, size_t words, uint8_t *out)
{
	for (size_t w = 0; w < words; w++) {
		unsigned int v;
		char buf[9];

		memcpy(buf, hex + w * 8, 8);
		buf[8] = '\0';
		if (sscanf(buf, "%8x", &v) != 1)
			return -1;
		memcpy(out + w * 4, &v, 4);
	}
	return 0;
}

static int
listening_in(const char *path, int v6, const struct addr *a, uint16_t port)
{
	char line[512], local[33];
	unsigned int lport, state;
	uint8_t raw[16];
	struct addr x;
	FILE *fp;
	int found = 0;

	if ((fp = fopen(path, "re")) == NULL)
		return -1;
	/* Skip the header line. */
	if (fgets(line, sizeof(line), fp) == NULL) {
		fclose(fp);
		return 0;
	}
	while (!found && fgets(line, sizeof(line), fp) != NULL) {
		if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %*32[0-9A-Fa-f]:%*x %x",
		    local, &lport, &state) != 3)
			continue;
		if (state != TCP_LISTEN_STATE || lport != port)
			continue;
		if (strlen(local) != (v6 ? 32u : 8u) ||
		    proc_addr_parse(local, v6 ? 4 : 1, raw) == -1)
			continue;
		if (v6)
			addr_from_v6(&x, raw);
		else
			addr_from_v4(&x, raw);
		/* A wildcard listener takes every local address. */
		if (addr_cmp(&x, a) == 0)
			found = 1;
		else {
			static const uint8_t zero[16];
			int wild = v6 ? memcmp(raw, zero, 16) == 0 :
			    memcmp(raw, zero, 4) == 0;

			/* ::, unless IPV6_V6ONLY, also takes IPv4; assume it does. */
			found = wild && (v6 || addr_is_v4(a));
		}
	}
	fclose(fp);
	return found;
}

enum tristate
local_listening(const struct addr *a, uint16_t port)
{
	int v4, v6;

	if (!local_address(a))
		return TRI_UNKNOWN;
	v4 = addr_is_v4(a) ? listening_in("/proc/net/tcp", 0, a, port) : 0;
	v6 = listening_in("/proc/net/tcp6", 1, a, port);
	if (v4 == -1 && v6 == -1) {
		log_debug("cannot read /proc/net/tcp*");
		return TRI_UNKNOWN;
	}
	return v4 > 0 || v6 > 0 ? TRI_YES : TRI_NO;
}
