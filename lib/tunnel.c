/*
 * Interned tunnel contexts (see tunnel.h).  Open hashing with chains of
 * indexes; entries no flow refers to sit on an idle list, oldest first,
 * and are taken from its head when the table has no unused slot left.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tunnel.h"

#define TUN_NONE_IDX	0

struct tunnel_entry {
	struct tunnel_ctx ctx;		/* what is compared: canonical */
	struct tunnel_ctx shown;	/* what alerts say: as first seen */
	uint32_t	refs;
	uint32_t	hash;
	uint32_t	chain;		/* next in the bucket, 0 ends */
	uint32_t	idle_prev;	/* idle list, 0 ends */
	uint32_t	idle_next;
	bool		hashed;
	bool		idle;
};

struct tunnel_table {
	struct tunnel_entry *e;		/* [0] unused: index 0 is "none" */
	uint32_t	*buckets;
	uint32_t	mask;
	uint32_t	cap;
	uint32_t	used;		/* slots ever taken, 1..used */
	uint32_t	idle_head;
	uint32_t	idle_tail;
	uint64_t	seed;
	/*
	 * The last stack looked up, as the packet had it, and its index:
	 * packets of one tunnel come in runs, both directions alike once
	 * turned to the key's direction.  An index changes meaning only
	 * when an entry is made, which also replaces this.
	 */
	struct tunnel_ctx last;
	uint32_t	last_idx;
	struct tunnel_table_stats stats;
};

static void	ctx_make(struct tunnel_ctx *, const struct pkt *, bool);
static void	ctx_canon(struct tunnel_ctx *);
static uint32_t	ctx_hash(const struct tunnel_table *, const struct tunnel_ctx *);
static void	idle_unlink(struct tunnel_table *, uint32_t);
static void	idle_append(struct tunnel_table *, uint32_t);
static void	unhash(struct tunnel_table *, uint32_t);

struct tunnel_table *
tunnel_table_new(uint32_t entries, uint64_t seed)
{
	struct tunnel_table *t;
	uint32_t nb = 1;

	if (entries == 0 || entries > TUNNEL_MAX_ENTRIES)
		entries = TUNNEL_MAX_ENTRIES;
	while (nb < entries)
		nb <<= 1;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->e = calloc((size_t)entries + 1, sizeof(*t->e));
	t->buckets = calloc(nb, sizeof(*t->buckets));
	if (t->e == NULL || t->buckets == NULL) {
		tunnel_table_free(t);
		return NULL;
	}
	t->mask = nb - 1;
	t->cap = entries;
	t->seed = seed;
	return t;
}

void
tunnel_table_free(struct tunnel_table *t)
{
	if (t == NULL)
		return;
	free(t->e);
	free(t->buckets);
	free(t);
}

/* Zeroed first, so that contexts compare with memcmp. */
static void
ctx_make(struct tunnel_ctx *c, const struct pkt *p, bool reverse)
{
	memset(c, 0, sizeof(*c));
	c->n = p->ntunnels > PKT_MAX_TUNNELS ? PKT_MAX_TUNNELS : p->ntunnels;
	memcpy(c->layer, p->tunnels, c->n * sizeof(c->layer[0]));
	for (unsigned i = 0; reverse && i < c->n; i++) {
		struct addr x = c->layer[i].src;

		c->layer[i].src = c->layer[i].dst;
		c->layer[i].dst = x;
	}
	c->vlan_outer = p->vlan_outer;
	c->vlan_inner = p->vlan_inner;
}

/*
 * What makes two packets' tunnels the same tunnel, whichever way each went:
 * per layer the two endpoints in address order (mirroring sessions, such
 * as cloud traffic mirroring over VXLAN, send both directions of a flow
 * from the same source to the same collector), and the identifier, except
 * GTP-U's: each end chooses the TEID it receives on (3GPP TS 29.281), so
 * the two directions of one connection carry different TEIDs.
 */
static void
ctx_canon(struct tunnel_ctx *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		struct pkt_tunnel *l = &c->layer[i];

		if (addr_cmp(&l->src, &l->dst) > 0) {
			struct addr x = l->src;

			l->src = l->dst;
			l->dst = x;
		}
		if (l->type == TUN_GTPU) {
			l->id = 0;
			l->has_id = 0;
		}
	}
}

/*
 * A keyed multiply-xorshift over the context's 64-bit words (as the flow
 * table's hash): every tunnelled packet pays for it.
 */
static uint32_t
ctx_hash(const struct tunnel_table *t, const struct tunnel_ctx *c)
{
	uint64_t w[sizeof(*c) / 8], h = t->seed;

	_Static_assert(sizeof(*c) % 8 == 0, "tunnel context is whole words");
	memcpy(w, c, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL + (h >> 29);
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (uint32_t)h;
}

static void
idle_unlink(struct tunnel_table *t, uint32_t i)
{
	struct tunnel_entry *e = &t->e[i];

	if (!e->idle)
		return;
	if (e->idle_prev != 0)
		t->e[e->idle_prev].idle_next = e->idle_next;
	else
		t->idle_head = e->idle_next;
	if (e->idle_next != 0)
		t->e[e->idle_next].idle_prev = e->idle_prev;
	else
		t->idle_tail = e->idle_prev;
	e->idle_prev = e->idle_next = 0;
	e->idle = false;
}

static void
idle_append(struct tunnel_table *t, uint32_t i)
{
	struct tunnel_entry *e = &t->e[i];

	e->idle = true;
	e->idle_next = 0;
	e->idle_prev = t->idle_tail;
	if (t->idle_tail != 0)
		t->e[t->idle_tail].idle_next = i;
	else
		t->idle_head = i;
	t->idle_tail = i;
}

static void
unhash(struct tunnel_table *t, uint32_t i)
{
	uint32_t *pp = &t->buckets[t->e[i].hash & t->mask];

	while (*pp != 0 && *pp != i)
		pp = &t->e[*pp].chain;
	if (*pp == i)
		*pp = t->e[i].chain;
	t->e[i].chain = 0;
	t->e[i].hashed = false;
}

uint32_t
tunnel_intern(struct tunnel_table *t, const struct pkt *p, bool reverse)
{
	struct tunnel_ctx c, shown;
	uint32_t h, i;

	if (p->ntunnels == 0)
		return TUN_NONE_IDX;
	ctx_make(&shown, p, reverse);
	if (t->last_idx != 0 && memcmp(&shown, &t->last, sizeof(shown)) == 0)
		return t->last_idx;
	memcpy(&c, &shown, sizeof(c));	/* padding too: compared whole */
	ctx_canon(&c);
	h = ctx_hash(t, &c);
	for (i = t->buckets[h & t->mask]; i != 0; i = t->e[i].chain)
		if (t->e[i].hash == h &&
		    memcmp(&t->e[i].ctx, &c, sizeof(c)) == 0) {
			memcpy(&t->last, &shown, sizeof(shown));
			t->last_idx = i;
			return i;
		}

	if (t->used < t->cap)
		i = ++t->used;
	else if (t->idle_head != 0) {
		i = t->idle_head;
		idle_unlink(t, i);
		unhash(t, i);
	} else {
		t->stats.full++;
		return TUN_NONE_IDX;
	}
	memcpy(&t->e[i].ctx, &c, sizeof(c));
	t->e[i].shown = shown;
	t->e[i].hash = h;
	t->e[i].refs = 0;
	t->e[i].chain = t->buckets[h & t->mask];
	t->buckets[h & t->mask] = i;
	t->e[i].hashed = true;
	/* Unused until a flow takes it: reusable at once. */
	idle_append(t, i);
	t->stats.interned++;
	memcpy(&t->last, &shown, sizeof(shown));
	t->last_idx = i;
	return i;
}

void
tunnel_ref(struct tunnel_table *t, uint32_t i)
{
	if (i == 0 || i > t->used)
		return;
	if (t->e[i].refs++ == 0) {
		idle_unlink(t, i);
		t->stats.in_use++;
	}
}

void
tunnel_unref(struct tunnel_table *t, uint32_t i)
{
	if (i == 0 || i > t->used || t->e[i].refs == 0)
		return;
	if (--t->e[i].refs == 0) {
		idle_append(t, i);
		t->stats.in_use--;
	}
}

const struct tunnel_ctx *
tunnel_get(const struct tunnel_table *t, uint32_t i)
{
	if (i == 0 || i > t->used || !t->e[i].hashed)
		return NULL;
	return &t->e[i].shown;
}

const struct tunnel_table_stats *
tunnel_table_stats(const struct tunnel_table *t)
{
	return &t->stats;
}

size_t
tunnel_table_memory(const struct tunnel_table *t)
{
	return sizeof(*t) + ((size_t)t->cap + 1) * sizeof(*t->e) +
	    ((size_t)t->mask + 1) * sizeof(*t->buckets);
}
