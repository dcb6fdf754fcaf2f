/*
 * The flow table.  Entries live in one array allocated up front; a free
 * list, hash chains and the per-class activity lists are threaded through
 * it by index, so the packet path never allocates.
 */
#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "pages.h"

_Static_assert(sizeof(struct flow) <= 192, "flow entry over its 192-byte budget");

struct flow_list {
	uint32_t	head;		/* oldest activity */
	uint32_t	tail;		/* newest activity */
};

struct flow_table {
	struct flow	*flows;		/* cache-line aligned, inside flows_mem */
	void		*flows_mem;
	/*
	 * Each slot's start time, out of the entry: written when a flow
	 * starts and read when it ends, never on the way.
	 */
	uint64_t	*start_us;
	uint32_t	 unused;	/* slots from here on never used yet */
	uint32_t	*buckets;
	uint32_t	 nflows;
	uint32_t	 mask;		/* buckets - 1 */
	uint32_t	 free_head;	/* chained through hash_next */
	uint64_t	 seed;
	unsigned	 tick_shift;	/* list order granularity: 2^n us */
	struct flow_list lists[FLOW_NCLASSES];
	struct flow_table_stats stats;
	flow_end_fn	*end_fn;
	void		*end_ctx;
};

static void	list_append(struct flow_table *, struct flow *, uint32_t);
static void	list_unlink(struct flow_table *, struct flow *);
static void	hash_unlink(struct flow_table *, struct flow *, uint32_t,
		    uint32_t);
static void	flow_release(struct flow_table *, struct flow *, enum flow_end);

/* An entry is three cache lines; the analysis reads all of them. */
static inline void
prefetch_entry(const struct flow_table *t, uint32_t i)
{
	const char *e = (const char *)&t->flows[i];

	__builtin_prefetch(e, 1);
	__builtin_prefetch(e + 64, 1);
	__builtin_prefetch(e + 128, 1);
}

static inline uint32_t
flow_index(const struct flow_table *t, const struct flow *f)
{
	return (uint32_t)(f - t->flows);
}

struct flow_table *
flow_table_new(uint32_t max_flows, uint64_t seed, flow_end_fn *end_fn,
    void *ctx)
{
	struct flow_table *t;
	uint32_t nbuckets = 1;

	if (max_flows == 0 || max_flows >= FLOW_NONE / 2)
		return NULL;
	/* At most one flow per bucket on average keeps chains short. */
	while (nbuckets < max_flows)
		nbuckets <<= 1;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	/*
	 * Cache-line aligned, so that each 192-byte entry spans exactly three
	 * lines: with a million flows every line touched is a miss.  calloc
	 * of a large block maps zero pages without writing them, so memory
	 * is only used as slots are (see unused).
	 */
	t->flows_mem = calloc(1, (size_t)max_flows * sizeof(*t->flows) + 63);
	if (t->flows_mem != NULL)
		t->flows = (struct flow *)(((uintptr_t)t->flows_mem + 63) &
		    ~(uintptr_t)63);
	t->buckets = malloc((size_t)nbuckets * sizeof(*t->buckets));
	t->start_us = calloc(max_flows, sizeof(*t->start_us));
	if (t->flows == NULL || t->buckets == NULL || t->start_us == NULL) {
		flow_table_free(t);
		return NULL;
	}
	/*
	 * A million flows spread over hundreds of megabytes: the page walk
	 * (two levels of tables deep in a virtual machine) would hold up even
	 * a prefetch.
	 */
	pages_huge(t->flows_mem, (size_t)max_flows * sizeof(*t->flows) +
	    63);
	pages_huge(t->buckets, (size_t)nbuckets * sizeof(*t->buckets));
	pages_huge(t->start_us, (size_t)max_flows * sizeof(*t->start_us));
	memset(t->buckets, 0xff, (size_t)nbuckets * sizeof(*t->buckets));
	t->nflows = max_flows;
	t->mask = nbuckets - 1;
	t->seed = seed;
	t->tick_shift = FLOW_TICK_SHIFT;
	t->end_fn = end_fn;
	t->end_ctx = ctx;
	/* Slots are handed out 0, 1, 2, ..., then from the free list. */
	t->free_head = FLOW_NONE;
	t->unused = 0;
	for (int c = 0; c < FLOW_NCLASSES; c++)
		t->lists[c].head = t->lists[c].tail = FLOW_NONE;
	return t;
}

void
flow_table_free(struct flow_table *t)
{
	if (t == NULL)
		return;
	free(t->flows_mem);
	free(t->buckets);
	free(t->start_us);
	free(t);
}

int
flow_key_make(struct flow_key *k, const struct addr *src,
    const struct addr *dst, uint16_t sport, uint16_t dport, uint8_t proto,
    uint16_t vlan_outer, uint16_t vlan_inner)
{
	int c = addr_cmp(src, dst);
	int swap = c > 0 || (c == 0 && sport > dport);

	memset(k, 0, sizeof(*k));
	if (swap) {
		k->a = *dst;
		k->b = *src;
		k->port_a = dport;
		k->port_b = sport;
	} else {
		k->a = *src;
		k->b = *dst;
		k->port_a = sport;
		k->port_b = dport;
	}
	k->vlan_proto = (uint32_t)(vlan_outer & 0xfff) << 20 |
	    (uint32_t)(vlan_inner & 0xfff) << 8 | proto;
	return swap;
}

/*
 * A keyed multiply-xorshift hash over the key's 64-bit words, finished with
 * the murmur3 64-bit mixer.  The seed keeps chain lengths out of the reach
 * of someone who can choose addresses and ports but cannot read the seed.
 */
static inline uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

uint32_t
flow_hash(const struct flow_table *t, const struct flow_key *k)
{
	uint64_t w[sizeof(*k) / 8], h = t->seed;

	_Static_assert(sizeof(*k) % 8 == 0, "flow key is whole 64-bit words");
	memcpy(w, k, sizeof(w));
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		h = (h ^ w[i]) * 0x9e3779b97f4a7c15ULL + (h >> 29);
	return (uint32_t)mix64(h);
}

void
flow_prefetch_bucket(const struct flow_table *t, uint32_t hash)
{
	__builtin_prefetch(&t->buckets[hash & t->mask]);
}

void
flow_prefetch_flow(const struct flow_table *t, uint32_t hash)
{
	uint32_t i = t->buckets[hash & t->mask];

	if (i != FLOW_NONE)
		prefetch_entry(t, i);
}

void
flow_prefetch_list(const struct flow_table *t, uint32_t hash, uint64_t now_us,
    bool moving)
{
	uint32_t i = t->buckets[hash & t->mask];
	const struct flow *f;

	if (i == FLOW_NONE)
		return;
	f = &t->flows[i];
	/* flow_touch moves a flow to its list's tail once a tick. */
	if (!moving && now_us >> t->tick_shift <= f->ts_last_us >> t->tick_shift)
		return;
	if (f->list_prev != FLOW_NONE)
		__builtin_prefetch(&t->flows[f->list_prev].list_next, 1);
	if (f->list_next != FLOW_NONE)
		__builtin_prefetch(&t->flows[f->list_next].list_prev, 1);
}

struct flow *
flow_lookup(struct flow_table *t, const struct flow_key *k, uint32_t hash)
{
	uint32_t i = t->buckets[hash & t->mask];

	while (i != FLOW_NONE) {
		struct flow *f = &t->flows[i];

		if (memcmp(&f->key, k, sizeof(*k)) == 0)
			return f;
		i = f->hash_next;
	}
	return NULL;
}

/* The flow whose last activity is oldest, whatever its class. */
static struct flow *
flow_oldest(struct flow_table *t)
{
	struct flow *best = NULL;

	for (int c = 0; c < FLOW_NCLASSES; c++) {
		uint32_t i = t->lists[c].head;

		if (i == FLOW_NONE)
			continue;
		if (best == NULL || t->flows[i].ts_last_us < best->ts_last_us)
			best = &t->flows[i];
	}
	return best;
}

/*
 * The flow to give up for a new one when the table is full: the one with
 * the oldest activity among those with least to lose (handshakes not
 * completed, which under a SYN flood are the flood itself; connections
 * already closed or reset, whose story is told; UDP flows; connections
 * picked up mid-stream with one side heard, which under a flood of other
 * segments are the flood), and an established connection only when there
 * is no other.  An established
 * connection evicted loses its history, and what it does next (a RST
 * after retransmissions) could no longer be judged.
 */
static struct flow *
flow_victim(struct flow_table *t)
{
	struct flow *best = NULL;
	uint32_t i;

	for (int c = 0; c < FLOW_NCLASSES; c++) {
		if (c == FLOW_ESTABLISHED || (i = t->lists[c].head) == FLOW_NONE)
			continue;
		if (best == NULL || t->flows[i].ts_last_us < best->ts_last_us)
			best = &t->flows[i];
	}
	if (best == NULL && (i = t->lists[FLOW_ESTABLISHED].head) != FLOW_NONE)
		best = &t->flows[i];
	return best;
}

struct flow *
flow_insert(struct flow_table *t, const struct flow_key *k, uint32_t hash,
    uint64_t now_us)
{
	struct flow *f;
	uint32_t i, b;

	if (t->free_head == FLOW_NONE && t->unused < t->nflows) {
		i = t->unused++;
		f = &t->flows[i];
	} else {
		if (t->free_head == FLOW_NONE) {
			struct flow *victim = flow_victim(t);

			if (victim == NULL)
				return NULL;
			t->stats.evicted++;
			if (victim->cls == FLOW_ESTABLISHED)
				t->stats.evicted_established++;
			flow_release(t, victim, FLOW_END_EVICTED);
		}
		i = t->free_head;
		f = &t->flows[i];
		t->free_head = f->hash_next;
	}

	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->ts_last_us = t->start_us[i] = now_us;
	b = hash & t->mask;
	f->hash_next = t->buckets[b];
	t->buckets[b] = i;
	f->cls = FLOW_EMBRYONIC;
	list_append(t, f, FLOW_EMBRYONIC);

	t->stats.created++;
	if (++t->stats.active > t->stats.max_active)
		t->stats.max_active = t->stats.active;
	return f;
}

void
flow_reuse(struct flow_table *t, struct flow *f, uint64_t now_us)
{
	struct flow_key key = f->key;
	uint32_t next = f->hash_next;

	list_unlink(t, f);
	memset(f, 0, sizeof(*f));
	f->key = key;
	f->hash_next = next;
	f->ts_last_us = t->start_us[flow_index(t, f)] = now_us;
	f->cls = FLOW_EMBRYONIC;
	list_append(t, f, FLOW_EMBRYONIC);
	t->stats.created++;
}

/*
 * Moving a flow to the young end touches its two neighbours, cache misses
 * both with a million flows; so a flow moves at most once per tick of
 * 2^20 us (about a second).  The lists stay in order to within a tick,
 * which is all expiry and eviction need: each is at most a tick late.
 */
uint32_t
flow_slot(const struct flow_table *t, const struct flow *f)
{
	return flow_index(t, f);
}

struct flow *
flow_at(const struct flow_table *t, uint32_t slot)
{
	return slot < t->nflows ? &t->flows[slot] : NULL;
}

uint64_t
flow_start_us(const struct flow_table *t, const struct flow *f)
{
	return t->start_us[flow_index(t, f)];
}

const uint64_t *
flow_start_at(const struct flow_table *t, const struct flow *f)
{
	return &t->start_us[flow_index(t, f)];
}

void
flow_touch(struct flow_table *t, struct flow *f, uint64_t now_us)
{
	uint64_t before = f->ts_last_us;

	/* Packets can go back in time across files or with clock steps. */
	if (now_us > f->ts_last_us)
		f->ts_last_us = now_us;
	if (f->ts_last_us >> t->tick_shift == before >> t->tick_shift ||
	    t->lists[f->cls].tail == flow_index(t, f))
		return;
	list_unlink(t, f);
	list_append(t, f, f->cls);
}

void
flow_set_class(struct flow_table *t, struct flow *f, enum flow_class cls)
{
	if (f->cls == cls)
		return;
	list_unlink(t, f);
	f->cls = cls;
	list_append(t, f, cls);
}

size_t
flow_expire(struct flow_table *t, uint64_t now_us,
    const uint64_t timeout_us[FLOW_NCLASSES], size_t budget)
{
	size_t n = 0;

	/* Oldest activity first across the classes, as eviction does. */
	while (n < budget) {
		struct flow *best = NULL;

		for (int c = 0; c < FLOW_NCLASSES; c++) {
			uint32_t i = t->lists[c].head;
			struct flow *f;

			if (i == FLOW_NONE)
				continue;
			f = &t->flows[i];
			/* Written so that it cannot overflow near 2^64. */
			if (f->ts_last_us > now_us ||
			    now_us - f->ts_last_us < timeout_us[c])
				continue;
			if (best == NULL || f->ts_last_us < best->ts_last_us)
				best = f;
		}
		if (best == NULL)
			break;
		/*
		 * Its class's next flow is likely the next to go: its time
		 * and start (misses with a million flows), on the way.
		 */
		if (best->list_next != FLOW_NONE) {
			__builtin_prefetch(&t->flows[best->list_next].ts_last_us);
			__builtin_prefetch(&t->start_us[best->list_next]);
		}
		t->stats.expired++;
		flow_release(t, best, FLOW_END_EXPIRED);
		n++;
	}
	return n;
}

void
flow_end_all(struct flow_table *t, enum flow_end why)
{
	struct flow *f;

	while ((f = flow_oldest(t)) != NULL)
		flow_release(t, f, why);
}

void
flow_table_set_tick(struct flow_table *t, unsigned shift)
{
	t->tick_shift = shift < 63 ? shift : 63;
}

const struct flow_table_stats *
flow_table_stats(const struct flow_table *t)
{
	return &t->stats;
}

uint32_t
flow_table_slots_used(const struct flow_table *t)
{
	return t->unused;
}

void
flow_table_prefault(const struct flow_table *t, uint32_t from, uint32_t n)
{
	if (from >= t->nflows)
		return;
	if (n > t->nflows - from)
		n = t->nflows - from;
	pages_populate(&t->flows[from], (size_t)n * sizeof(*t->flows));
	pages_populate(&t->start_us[from], (size_t)n * sizeof(*t->start_us));
}

size_t
flow_table_memory(const struct flow_table *t)
{
	return sizeof(*t) + (size_t)t->nflows * sizeof(*t->flows) +
	    (size_t)t->nflows * sizeof(*t->start_us) +
	    ((size_t)t->mask + 1) * sizeof(*t->buckets);
}

/* Hand the flow to its owner for a last look, then free the slot. */
static void
flow_release(struct flow_table *t, struct flow *f, enum flow_end why)
{
	uint32_t i = flow_index(t, f), hash = flow_hash(t, &f->key);

	/*
	 * The flows ending here are the oldest, long out of the cache: fetch
	 * the bucket, and the flow after this one on its list (unlinking
	 * writes to it, and it is the next to end when many expire), while
	 * the owner looks at this one.
	 */
	__builtin_prefetch(&t->buckets[hash & t->mask], 1);
	if (f->list_next != FLOW_NONE)
		prefetch_entry(t, f->list_next);
	if (t->end_fn != NULL)
		t->end_fn(t->end_ctx, f, why);
	list_unlink(t, f);
	hash_unlink(t, f, i, hash);
	f->hash_next = t->free_head;
	t->free_head = i;
	t->stats.active--;
}

static void
hash_unlink(struct flow_table *t, struct flow *f, uint32_t i, uint32_t hash)
{
	uint32_t *link = &t->buckets[hash & t->mask];

	while (*link != FLOW_NONE) {
		if (*link == i) {
			*link = f->hash_next;
			return;
		}
		link = &t->flows[*link].hash_next;
	}
}

static void
list_append(struct flow_table *t, struct flow *f, uint32_t cls)
{
	struct flow_list *l = &t->lists[cls];
	uint32_t i = flow_index(t, f);

	f->list_next = FLOW_NONE;
	f->list_prev = l->tail;
	if (l->tail != FLOW_NONE)
		t->flows[l->tail].list_next = i;
	else
		l->head = i;
	l->tail = i;
}

static void
list_unlink(struct flow_table *t, struct flow *f)
{
	struct flow_list *l = &t->lists[f->cls];

	if (f->list_prev != FLOW_NONE)
		t->flows[f->list_prev].list_next = f->list_next;
	else
		l->head = f->list_next;
	if (f->list_next != FLOW_NONE)
		t->flows[f->list_next].list_prev = f->list_prev;
	else
		l->tail = f->list_prev;
	f->list_prev = f->list_next = FLOW_NONE;
}
