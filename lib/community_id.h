/*
 * Community ID v1 of a flow (github.com/corelight/community-id-spec): the
 * string Zeek, Suricata and Arkime write beside a connection, so that an
 * alert joins to its flow record and to those tools' logs.
 */
#ifndef RSTWATCH_COMMUNITY_ID_H
#define RSTWATCH_COMMUNITY_ID_H

#include <stdbool.h>
#include <stdint.h>

#include "addr.h"

/* "1:" and the 28 base64 characters of a SHA-1 digest, and a NUL. */
#define COMMUNITY_ID_SIZE	31

/* The seed everyone uses unless told otherwise, and the one we use. */
#define COMMUNITY_ID_SEED	0

/*
 * The ID of a flow seen from src to dst (either direction gives the same
 * ID).  For TCP, UDP and SCTP the ports are the transport's; for ICMP (1)
 * and ICMPv6 (58) sport is the type and dport the code, mapped as the
 * specification says; other protocols have no ports and ignore them.
 * Returns 0, or -1 when src and dst are not of one family (no ID: buf
 * holds "").
 */
int	community_id(const struct addr *src, const struct addr *dst,
	    uint8_t proto, uint16_t sport, uint16_t dport, uint16_t seed,
	    char buf[COMMUNITY_ID_SIZE]);

/*
 * ICMP type and code to the port pair the ID hashes: a request or reply
 * maps to (type, the type of its counterpart); any other message to
 * (type, code), and is one-way, whose endpoints are never swapped.
 */
void	community_id_icmp_ports(bool v6, uint8_t type, uint8_t code,
	    uint16_t *sport, uint16_t *dport, bool *one_way);

#endif
