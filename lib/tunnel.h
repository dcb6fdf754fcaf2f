/*
 * The tunnels that flows were seen in, interned: a flow key has no room
 * for a tunnel stack (the flow entry must stay within 192 bytes, the
 * target of README.md's Numbers), so the key carries a small index into
 * this table, and the table keeps the stack (outer endpoints,
 * VNI/key/TEID, per layer) for the alerts and records that name the
 * tunnel.  Exact: two tunnels never share an index.  Entries are counted by the flows that use them; an entry no
 * flow uses is reused, oldest first, when a new tunnel needs one.  The
 * table is allocated once; when every entry is in use by some flow, new
 * tunnels get index 0 and are counted as "full".
 */
#ifndef RSTWATCH_TUNNEL_H
#define RSTWATCH_TUNNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pkt.h"

/*
 * Indexes fit the 12 bits of an inner VLAN ID in the flow key, behind the
 * reserved outer VID 0xfff (IEEE 802.1Q never sends it): 1 to 4095.
 */
#define TUNNEL_MAX_ENTRIES	4095
#define TUNNEL_KEY_VID		0xfff

/* What a flow's tunnel context is: the stack and the VLAN IDs. */
struct tunnel_ctx {
	struct pkt_tunnel layer[PKT_MAX_TUNNELS];
	uint16_t	vlan_outer;
	uint16_t	vlan_inner;
	uint8_t		n;
};

struct tunnel_table_stats {
	uint64_t	interned;	/* new entries made */
	uint64_t	full;		/* tunnels that found no free entry */
	uint32_t	in_use;		/* entries some flow refers to */
};

struct tunnel_table;

/* Not for the packet path.  NULL on failure. */
struct tunnel_table *tunnel_table_new(uint32_t entries, uint64_t seed);
void	tunnel_table_free(struct tunnel_table *);
/*
 * The index of p's tunnel stack (with its VLAN IDs), 1 to entries; made
 * if new.  0 when p has no tunnel or the table is full of used entries.
 * Both directions of a flow find one entry: entries are compared with each
 * layer's endpoints in address order, and without GTP-U's TEID (one per
 * direction).  What tunnel_get() shows is the stack of the packet that
 * made the entry, as the flow key's "a to b" direction sees it: reverse
 * says that p went from b to a (its outer endpoints are swapped for that).
 */
uint32_t tunnel_intern(struct tunnel_table *, const struct pkt *,
	    bool reverse);
/* A flow starts or stops using index i (0 is ignored). */
void	tunnel_ref(struct tunnel_table *, uint32_t);
void	tunnel_unref(struct tunnel_table *, uint32_t);
/* The context of index i as first seen, NULL for 0 and out of range. */
const struct tunnel_ctx *tunnel_get(const struct tunnel_table *, uint32_t);
const struct tunnel_table_stats *tunnel_table_stats(const struct tunnel_table *);
size_t	tunnel_table_memory(const struct tunnel_table *);

#endif
