/*
 * Addresses in their 16-byte form, and their canonical text.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

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

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	return memcmp(a->b, b->b, sizeof(a->b));
}

/*
 * glibc's inet_ntop already writes the RFC 5952 form for IPv6: lower case,
 * the longest run of two or more zero groups compressed, the first on a tie.
 */
const char *
addr_format(const struct addr *a, char *buf, size_t len)
{
	const char *s;

	if (addr_is_v4(a))
		s = inet_ntop(AF_INET, a->b + 12, buf, (socklen_t)len);
	else
		s = inet_ntop(AF_INET6, a->b, buf, (socklen_t)len);
	if (s == NULL && len > 0)
		buf[0] = '\0';
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
