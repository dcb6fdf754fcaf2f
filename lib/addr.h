/*
 * IPv4 and IPv6 addresses in one 16-byte form: IPv4 is stored as an
 * IPv4-mapped IPv6 address (RFC 4291, section 2.5.5.2), so that flow keys
 * and comparisons need no branch on the family.
 */
#ifndef RSTWATCH_ADDR_H
#define RSTWATCH_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct addr {
	uint8_t		b[16];
};

/* Room for the longest text form, "ffff:ffff:...:255.255.255.255" + NUL. */
#define ADDR_STRLEN	46

struct addr_prefix {
	struct addr	addr;
	uint8_t		len;		/* in bits of the 128-bit form */
};

void	addr_from_v4(struct addr *, const uint8_t v4[4]);
void	addr_from_v6(struct addr *, const uint8_t v6[16]);
bool	addr_is_v4(const struct addr *);
/* Canonical text (RFC 5952 for IPv6, dotted quad for IPv4); returns buf. */
const char *addr_format(const struct addr *, char *buf, size_t len);
/* Parses "192.0.2.1", "2001:db8::1", with an optional "/len"; 0 or -1. */
int	addr_prefix_parse(struct addr_prefix *, const char *);
bool	addr_prefix_match(const struct addr_prefix *, const struct addr *);
int	addr_cmp(const struct addr *, const struct addr *);

/*
 * h with the address's 16 bytes mixed in, FNV-1a's way: for the small
 * tables keyed by a host (cooldown, rst_rate), where the flow table's
 * seeded hash would be more than they need.
 */
static inline uint64_t
addr_hash(uint64_t h, const struct addr *a)
{
	for (size_t i = 0; i < sizeof(a->b); i++)
		h = (h ^ a->b[i]) * 0x100000001b3ULL;
	return h;
}

#endif
