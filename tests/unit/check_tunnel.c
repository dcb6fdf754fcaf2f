/*
 * tunnel: interned tunnel stacks for the flow key, and the text form the
 * tunnel key of alerts uses.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "event.h"
#include "tunnel.h"

static struct addr
v4(uint8_t last)
{
	struct addr a;
	uint8_t b[4] = { 10, 0, 0, last };

	addr_from_v4(&a, b);
	return a;
}

/* A packet seen in one VXLAN tunnel from .5 to .6 (or back). */
static void
vxlan_pkt(struct pkt *p, uint32_t vni, int back)
{
	memset(p, 0, sizeof(*p));
	p->ntunnels = 1;
	p->tunnels[0].type = TUN_VXLAN;
	p->tunnels[0].has_id = 1;
	p->tunnels[0].id = vni;
	p->tunnels[0].src = v4(back ? 6 : 5);
	p->tunnels[0].dst = v4(back ? 5 : 6);
}

START_TEST(test_both_directions_one_entry)
{
	struct tunnel_table *t = tunnel_table_new(16, 7);
	struct pkt p, q;
	const struct tunnel_ctx *c;
	uint32_t i, j;

	vxlan_pkt(&p, 42, 0);
	vxlan_pkt(&q, 42, 1);
	i = tunnel_intern(t, &p, false);
	/* The answer, reversed, is the same tunnel. */
	j = tunnel_intern(t, &q, true);
	ck_assert_uint_ne(i, 0);
	ck_assert_uint_eq(i, j);
	c = tunnel_get(t, i);
	ck_assert_ptr_nonnull(c);
	ck_assert(addr_cmp(&c->layer[0].src, &p.tunnels[0].src) == 0);
	/* Another VNI, or the same one on another VLAN, is another entry. */
	vxlan_pkt(&q, 43, 0);
	ck_assert_uint_ne(tunnel_intern(t, &q, false), i);
	vxlan_pkt(&q, 42, 0);
	q.vlan_outer = 10;
	ck_assert_uint_ne(tunnel_intern(t, &q, false), i);
	/* No tunnel: index 0. */
	memset(&q, 0, sizeof(q));
	ck_assert_uint_eq(tunnel_intern(t, &q, false), 0);
	ck_assert_ptr_null(tunnel_get(t, 0));
	tunnel_table_free(t);
}
END_TEST

/*
 * A mirroring session sends both directions from one place to another:
 * still one tunnel.  GTP-U's two directions have a TEID each: one tunnel,
 * shown with the TEID of the packet that made the entry.
 */
START_TEST(test_mirrored_and_gtp)
{
	struct tunnel_table *t = tunnel_table_new(16, 7);
	struct pkt p, q;
	uint32_t i;

	vxlan_pkt(&p, 42, 0);
	i = tunnel_intern(t, &p, false);
	ck_assert_uint_eq(tunnel_intern(t, &p, true), i);

	vxlan_pkt(&p, 0, 0);
	p.tunnels[0].type = TUN_GTPU;
	p.tunnels[0].id = 1000;
	vxlan_pkt(&q, 0, 1);
	q.tunnels[0].type = TUN_GTPU;
	q.tunnels[0].id = 2000;
	i = tunnel_intern(t, &p, false);
	ck_assert_uint_eq(tunnel_intern(t, &q, true), i);
	ck_assert_uint_eq(tunnel_get(t, i)->layer[0].id, 1000);
	ck_assert(addr_cmp(&tunnel_get(t, i)->layer[0].src, &p.tunnels[0].src) == 0);
	tunnel_table_free(t);
}
END_TEST

/*
 * Entries in use are never reused; unused ones are, oldest first; when
 * every entry is in use, a new tunnel gets 0 and is counted.
 */
START_TEST(test_bounded_and_reused)
{
	struct tunnel_table *t = tunnel_table_new(2, 1);
	struct pkt p;
	uint32_t a, b, c;

	vxlan_pkt(&p, 1, 0);
	a = tunnel_intern(t, &p, false);
	tunnel_ref(t, a);
	vxlan_pkt(&p, 2, 0);
	b = tunnel_intern(t, &p, false);
	tunnel_ref(t, b);
	ck_assert_uint_eq(tunnel_table_stats(t)->in_use, 2);
	vxlan_pkt(&p, 3, 0);
	ck_assert_uint_eq(tunnel_intern(t, &p, false), 0);
	ck_assert_uint_eq(tunnel_table_stats(t)->full, 1);
	/* VNI 1's last flow ends: its entry goes to VNI 3. */
	tunnel_unref(t, a);
	c = tunnel_intern(t, &p, false);
	ck_assert_uint_eq(c, a);
	ck_assert_uint_eq(tunnel_get(t, c)->layer[0].id, 3);
	/* VNI 2 is still where it was. */
	vxlan_pkt(&p, 2, 0);
	ck_assert_uint_eq(tunnel_intern(t, &p, false), b);
	/* And VNI 1 now needs a slot that is not there. */
	tunnel_ref(t, c);
	vxlan_pkt(&p, 1, 0);
	ck_assert_uint_eq(tunnel_intern(t, &p, false), 0);
	ck_assert(tunnel_table_memory(t) > 0);
	tunnel_table_free(t);
}
END_TEST

/* SPEC section 5's form; nested layers outermost first, joined by "/". */
START_TEST(test_text_form)
{
	struct pkt_tunnel l[2];
	char buf[256];

	memset(l, 0, sizeof(l));
	l[0].type = TUN_GRE;
	l[0].src = v4(1);
	l[0].dst = v4(2);
	l[1].type = TUN_VXLAN;
	l[1].has_id = 1;
	l[1].id = 42;
	l[1].src = v4(5);
	l[1].dst = v4(6);
	ck_assert_int_gt(tunnel_format_text(l + 1, 1, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "vxlan:10.0.0.5>10.0.0.6:vni=42");
	ck_assert_int_gt(tunnel_format_text(l, 2, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf,
	    "gre:10.0.0.1>10.0.0.2/vxlan:10.0.0.5>10.0.0.6:vni=42");
	ck_assert_int_eq(tunnel_format_text(l, 2, buf, 20), -1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("tunnel");
	TCase *t = tcase_create("tunnel");

	tcase_add_test(t, test_both_directions_one_entry);
	tcase_add_test(t, test_mirrored_and_gtp);
	tcase_add_test(t, test_bounded_and_reused);
	tcase_add_test(t, test_text_form);
	suite_add_tcase(s, t);
	return util_run(s);
}
