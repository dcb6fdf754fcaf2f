/*
 * The live capture's built-in filter, compiled as the daemon compiles it
 * and run over the pcap fixtures with pcap_offline_filter(): every packet
 * of the encapsulated scenarios must pass it (the decoder, not the kernel,
 * judges what they carry), what is not IP nor an encapsulation must not,
 * the program must stay small, and a configured filter of the longest
 * allowed length must reach the end of the combined expression.
 */
#include <check.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "check_util.h"

#define INPUT	"tests/pcap/input/"
#define FOREIGN	"tests/pcap/foreign/zeek/"

static pcap_t	*dead_compile(struct bpf_program *, int, const char *);
static void	 file_counts(const char *, const struct bpf_program *,
		    int *, int *);

static pcap_t *
dead_compile(struct bpf_program *prog, int linktype, const char *user)
{
	char filter[CAPTURE_FILTER_MAX];
	pcap_t *p;

	p = pcap_open_dead(linktype, 262144);
	ck_assert_ptr_nonnull(p);
	capture_filter(filter, sizeof(filter), user, linktype);
	ck_assert_msg(pcap_compile(p, prog, filter, 1,
	    PCAP_NETMASK_UNKNOWN) == 0, "%s: %s", filter, pcap_geterr(p));
	return p;
}

/* How many packets of a file there are, and how many the filter passes. */
static void
file_counts(const char *path, const struct bpf_program *prog, int *all,
    int *passed)
{
	char err[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p;

	p = pcap_open_offline(path, err);
	ck_assert_msg(p != NULL, "%s: %s", path, err);
	ck_assert_int_eq(pcap_datalink(p), DLT_EN10MB);
	*all = *passed = 0;
	while (pcap_next_ex(p, &h, &d) == 1) {
		(*all)++;
		if (pcap_offline_filter(prog, h, d) != 0)
			(*passed)++;
	}
	pcap_close(p);
}

START_TEST(test_builtin_passes_encapsulations)
{
	static const char *const files[] = {
		INPUT "syn_refused.pcap", INPUT "qinq_refused.pcap",
		INPUT "mpls_refused.pcap", INPUT "vlan_mpls_refused.pcap",
		INPUT "mpls_pw_cw_refused.pcap", INPUT "mpls_pw_refused.pcap",
		INPUT "pppoe_refused.pcap", INPUT "qinq_pppoe_refused.pcap",
		INPUT "pbb_refused.pcap", INPUT "vntag_refused.pcap",
		INPUT "etag_refused.pcap",
		FOREIGN "pppoe-over-qinq.pcap",
		FOREIGN "mpls-in-vlan.pcap",
		FOREIGN "vntag_vlan_sandwich_clean.pcap",
	};
	struct bpf_program prog;
	pcap_t *p;
	int all, passed;

	p = dead_compile(&prog, DLT_EN10MB, NULL);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		file_counts(files[i], &prog, &all, &passed);
		ck_assert_int_gt(all, 0);
		ck_assert_msg(passed == all, "%s: %d of %d packets pass",
		    files[i], passed, all);
	}
	/* Stays small: 29 instructions before, 44 now (offline form). */
	ck_assert_uint_le(prog.bf_len, 48);
	pcap_freecode(&prog);
	pcap_close(p);
}
END_TEST

/*
 * malformed_mix carries ARP among its frames: not IP, not an
 * encapsulation, so the kernel keeps it.
 */
START_TEST(test_builtin_drops_others)
{
	struct bpf_program prog;
	pcap_t *p;
	int all, passed;

	p = dead_compile(&prog, DLT_EN10MB, NULL);
	file_counts(INPUT "malformed_mix.pcap", &prog, &all, &passed);
	ck_assert_int_lt(passed, all);
	pcap_freecode(&prog);
	pcap_close(p);
}
END_TEST

/* On "any" (cooked v2) the encapsulations pass by protocol too. */
START_TEST(test_builtin_cooked)
{
	static const u_char sll2_mpls[] = {
		0x88, 0x47, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6,
		0x52, 0x54, 0, 0, 0, 1, 0, 0,
		0x00, 0x3e, 0x81, 0x40, 0x45
	};
	static const u_char sll2_arp[] = {
		0x08, 0x06, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6,
		0x52, 0x54, 0, 0, 0, 1, 0, 0, 0, 1
	};
	struct pcap_pkthdr h;
	struct bpf_program prog;
	pcap_t *p;

	p = dead_compile(&prog, DLT_LINUX_SLL2, NULL);
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = sizeof(sll2_mpls);
	ck_assert_int_ne(pcap_offline_filter(&prog, &h, sll2_mpls), 0);
	h.caplen = h.len = sizeof(sll2_arp);
	ck_assert_int_eq(pcap_offline_filter(&prog, &h, sll2_arp), 0);
	pcap_freecode(&prog);
	pcap_close(p);
}
END_TEST

/* The longest configured filter is not cut: it ends the expression. */
START_TEST(test_filter_fits)
{
	char user[CONF_FILTER_MAX], filter[CAPTURE_FILTER_MAX];
	size_t n;

	memset(user, ' ', sizeof(user) - 5);
	memcpy(user + sizeof(user) - 5, "tcp", 4);
	capture_filter(filter, sizeof(filter), user, DLT_EN10MB);
	n = strlen(filter);
	ck_assert_uint_lt(n, sizeof(filter) - 1);
	ck_assert_str_eq(filter + n - 4, "tcp)");
}
END_TEST

int
main(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("capture");
	tc = tcase_create("filter");
	tcase_add_test(tc, test_builtin_passes_encapsulations);
	tcase_add_test(tc, test_builtin_drops_others);
	tcase_add_test(tc, test_builtin_cooked);
	tcase_add_test(tc, test_filter_fits);
	suite_add_tcase(s, tc);
	return util_run(s);
}
