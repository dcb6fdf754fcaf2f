/*
 * Addresses in their 16-byte form, and their canonical text.
 */
#include <arpa/inet.h>
#include <endian.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

static char	*put_dec8(char *, unsigned);
static char	*put_v4(char *, const uint8_t[4]);
static char	*put_hex16(char *, unsigned);

static const uint8_t v4_mapped_prefix[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

void
addr_from_v4(struct addr *a, const uint8_t v4[4])
{
	memcpy(a->b, v4_mapped_prefix, sizeof(v4_mapped_prefix));
	memcpy(a->b + 12, v4, 4);
}

void
addr_from_v6(struct addr *a, const uint8_t v6[16])
{
	memcpy(a->b, v6, 16);
}

bool
addr_is_v4(const struct addr *a)
{
	return memcmp(a->b, v4_mapped_prefix, sizeof(v4_mapped_prefix)) == 0;
}

/*
 * Bytes in network order, as memcmp() would order them, but as two 64-bit
 * comparisons: every packet's flow key is built with one.
 */
int
addr_cmp(const struct addr *a, const struct addr *b)
{
	uint64_t a0, a1, b0, b1;

	_Static_assert(sizeof(a->b) == 16, "an address is 16 bytes");
	memcpy(&a0, a->b, 8);
	memcpy(&a1, a->b + 8, 8);
	memcpy(&b0, b->b, 8);
	memcpy(&b1, b->b + 8, 8);
	if (a0 != b0)
		return be64toh(a0) < be64toh(b0) ? -1 : 1;
	if (a1 != b1)
		return be64toh(a1) < be64toh(b1) ? -1 : 1;
	return 0;
}

/*
 * One byte in decimal, as "%u" writes it.  Each digit is stored and p
 * moves past it only if it is not a leading zero: no branch on the value,
 * which in addresses is as good as random.  Writes up to 3 bytes.
 */
static char *
put_dec8(char *p, unsigned v)
{
	*p = (char)('0' + v / 100);
	p += v >= 100;
	*p = (char)('0' + v / 10 % 10);
	p += v >= 10;
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *
put_v4(char *p, const uint8_t b[4])
{
	p = put_dec8(p, b[0]);
	*p++ = '.';
	p = put_dec8(p, b[1]);
	*p++ = '.';
	p = put_dec8(p, b[2]);
	*p++ = '.';
	return put_dec8(p, b[3]);
}

/*
 * One group in lower case hex without leading zeros (RFC 5952 sections
 * 4.1 and 4.3), the same way as put_dec8().  Writes up to 4 bytes.
 */
static char *
put_hex16(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";

	*p = hex[v >> 12];
	p += v > 0xfff;
	*p = hex[v >> 8 & 0xf];
	p += v > 0xff;
	*p = hex[v >> 4 & 0xf];
	p += v > 0xf;
	*p++ = hex[v & 0xf];
	return p;
}

/*
 * The text is what glibc's inet_ntop() writes, built by hand because
 * inet_ntop() runs sprintf() for an IPv4 address and for every IPv6
 * group, and every event formats two or three addresses.  For IPv6 that is RFC 5952: lower case,
 * no leading zeros, the longest run of two or more zero groups compressed
 * to "::", the first on a tie (section 4.2).  Like inet_ntop(), an address
 * whose first 96 bits are zero and whose seventh group is not (the
 * deprecated IPv4-compatible form) ends in a dotted quad: ::192.0.2.1.
 * IPv4-mapped addresses are IPv4 here and never reach that code.  A buffer
 * too small for the whole text gets "" as inet_ntop()'s failure did.
 */
const char *
addr_format(const struct addr *a, char *buf, size_t len)
{
	char tmp[ADDR_STRLEN], *p = tmp;
	unsigned w[8];
	int i, run = 0, best = -1, bestlen = 0;
	size_t n;

	if (addr_is_v4(a))
		p = put_v4(p, a->b + 12);
	else {
		for (i = 0; i < 8; i++) {
			w[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
			run = w[i] == 0 ? run + 1 : 0;
			if (run > bestlen) {
				bestlen = run;
				best = i - run + 1;
			}
		}
		if (bestlen < 2)
			best = -1;
		for (i = 0; i < 8; i++) {
			if (best >= 0 && i >= best && i < best + bestlen) {
				if (i == best)
					*p++ = ':';
				continue;
			}
			if (i > 0)
				*p++ = ':';
			if (i == 6 && best == 0 && bestlen == 6) {
				p = put_v4(p, a->b + 12);
				break;
			}
			p = put_hex16(p, w[i]);
		}
		if (best >= 0 && best + bestlen == 8)
			*p++ = ':';
	}

	n = (size_t)(p - tmp);
	if (n >= len) {
		if (len > 0)
			buf[0] = '\0';
		return buf;
	}
	memcpy(buf, tmp, n);
	buf[n] = '\0';
	return buf;
}

int
addr_prefix_parse(struct addr_prefix *p, const char *text)
{
	char host[ADDR_STRLEN];
	const char *slash;
	size_t hostlen;
	uint8_t raw[16];
	long bits;
	char *end;
	int maxbits;

	slash = strchr(text, '/');
	hostlen = slash ? (size_t)(slash - text) : strlen(text);
	if (hostlen == 0 || hostlen >= sizeof(host))
		return -1;
	memcpy(host, text, hostlen);
	host[hostlen] = '\0';

	if (inet_pton(AF_INET, host, raw) == 1) {
		addr_from_v4(&p->addr, raw);
		maxbits = 32;
	} else if (inet_pton(AF_INET6, host, raw) == 1) {
		addr_from_v6(&p->addr, raw);
		maxbits = 128;
	} else
		return -1;

	bits = maxbits;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return -1;
		errno = 0;
		bits = strtol(slash + 1, &end, 10);
		if (errno != 0 || *end != '\0' || bits < 0 || bits > maxbits)
			return -1;
	}
	/* IPv4 prefixes sit behind the 96 bits of the mapped form. */
	p->len = (uint8_t)(maxbits == 32 ? bits + 96 : bits);

	/* Clear host bits so that matching is a plain masked compare. */
	for (int i = 0; i < 16; i++) {
		int keep = (int)p->len - i * 8;

		if (keep >= 8)
			continue;
		p->addr.b[i] &= keep <= 0 ? 0 : (uint8_t)(0xff << (8 - keep));
	}
	return 0;
}

bool
addr_prefix_match(const struct addr_prefix *p, const struct addr *a)
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (memcmp(p->addr.b, a->b, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((a->b[full] ^ p->addr.b[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}
