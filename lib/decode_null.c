/*
 * Link types without a real link header: BSD loopback (DLT_NULL, the
 * address family in the byte order of the host that captured, which need
 * not be ours), OpenBSD loopback (DLT_LOOP, the same in network byte order),
 * and raw IP, where the version nibble is all there is.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "extract.h"

#define NULL_HDR_LEN	4

/*
 * AF_INET is 2 everywhere; AF_INET6 is 10 on Linux, 24 on NetBSD and
 * OpenBSD, 28 on FreeBSD and DragonFly, 30 on macOS.
 */
#define BSD_AF_INET		2
#define BSD_AF_INET6_LINUX	10
#define BSD_AF_INET6_BSD	24
#define BSD_AF_INET6_FREEBSD	28
#define BSD_AF_INET6_DARWIN	30

#define IP_FAMILY_NONE	0
#define IP_FAMILY_V4	4
#define IP_FAMILY_V6	6

static int	bsd_family(uint32_t);
static enum decode_result decode_family(struct pkt *, int,
		    const uint8_t *, size_t, size_t);

static int
bsd_family(uint32_t af)
{
	switch (af) {
	case BSD_AF_INET:
		return IP_FAMILY_V4;
	case BSD_AF_INET6_LINUX:
	case BSD_AF_INET6_BSD:
	case BSD_AF_INET6_FREEBSD:
	case BSD_AF_INET6_DARWIN:
		return IP_FAMILY_V6;
	default:
		return IP_FAMILY_NONE;
	}
}

static enum decode_result
decode_family(struct pkt *p, int family, const uint8_t *data, size_t caplen,
    size_t len)
{
	data += NULL_HDR_LEN;
	caplen -= NULL_HDR_LEN;
	len -= NULL_HDR_LEN;
	switch (family) {
	case IP_FAMILY_V4:
		return decode_ipv4(p, data, caplen, len);
	case IP_FAMILY_V6:
		return decode_ipv6(p, data, caplen, len);
	default:
		return DECODE_null_bad_family;
	}
}

enum decode_result
decode_null(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	int family;

	if (caplen < NULL_HDR_LEN)
		return DECODE_null_truncated;
	/*
	 * Try both byte orders: every valid family is small, so one reading
	 * at most can match (2 one way is 0x02000000 the other).
	 */
	family = bsd_family(get_u32_le(data));
	if (family == IP_FAMILY_NONE)
		family = bsd_family(get_u32(data));
	return decode_family(p, family, data, caplen, len);
}

enum decode_result
decode_loop(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	if (caplen < NULL_HDR_LEN)
		return DECODE_null_truncated;
	return decode_family(p, bsd_family(get_u32(data)), data, caplen, len);
}

enum decode_result
decode_ip(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	/*
	 * Without a single byte the version is unknown; IPv4 is the likelier
	 * guess and the counter only has to say "cut short".
	 */
	if (caplen < 1)
		return DECODE_ipv4_truncated;
	switch (data[0] >> 4) {
	case 4:
		return decode_ipv4(p, data, caplen, len);
	case 6:
		return decode_ipv6(p, data, caplen, len);
	default:
		return DECODE_ip_bad_version;
	}
}
