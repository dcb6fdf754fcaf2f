/*
 * libpcap capture driven by libevent.  The handle is created and tuned
 * before activation (pcap_create/pcap_activate), so that snaplen, kernel
 * buffer and immediate mode take effect; then it is made non-blocking and
 * its descriptor watched by the loop.
 */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

#include "capture.h"
#include "log.h"

/*
 * What the analyser reads: TCP, UDP and ICMP over IPv4 and IPv6, on
 * Ethernet also inside 802.1Q tags ("vlan" shifts the offsets that follow
 * it, so the untagged test comes first; cooked captures have no tags).
 */
#define BUILTIN_FILTER	"tcp or udp or icmp or icmp6"
#define BUILTIN_FILTER_VLAN \
	"(tcp or udp or icmp or icmp6) or (vlan and (tcp or udp or icmp or icmp6))"

/*
 * On an NFLOG group ("nflog" or "nflog:N") libpcap's snapshot length is
 * also the size of its receive buffer (plus 128 bytes), and the kernel
 * sends the log messages in batches of up to 4 KiB: with a headers-only
 * snapshot length the batches are cut and most packets lost.  NFLOG
 * carries only what the firewall rules chose to log, so whole packets.
 */
#define NFLOG_SNAPLEN	65535

static int
capture_snaplen(const char *name, unsigned snaplen)
{
	if (strncmp(name, "nflog", 5) == 0 && (name[5] == '\0' ||
	    name[5] == ':') && snaplen < NFLOG_SNAPLEN)
		return NFLOG_SNAPLEN;
	return (int)snaplen;
}

/*
 * libpcap cannot filter NFLOG or PPP with a direction byte at all ("link-
 * layer type filtering not implemented"): such a capture has no built-in
 * filter.  An NFLOG group carries only what the nftables or iptables
 * rules chose to log, so that is where packets are selected; a
 * capture.filter there fails to compile, with libpcap's reason.
 */
void
capture_filter(char *buf, size_t len, const char *user, int linktype)
{
	const char *builtin = linktype == DLT_EN10MB ? BUILTIN_FILTER_VLAN :
	    BUILTIN_FILTER;

	if (linktype == DLT_NFLOG || linktype == DLT_PPP_WITH_DIR) {
		snprintf(buf, len, "%s", user != NULL ? user : "");
		return;
	}
	if (user == NULL || user[0] == '\0')
		snprintf(buf, len, "%s", builtin);
	else
		snprintf(buf, len, "(%s) and (%s)", builtin, user);
}

int
capture_open(struct capture *c, const char *name, const struct conf *conf,
    char *err, size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct bpf_program prog;
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);

	if ((c->pcap = pcap_create(name, errbuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", name, errbuf);
		return -1;
	}
	pcap_set_snaplen(c->pcap, capture_snaplen(name, conf->snaplen));
	pcap_set_promisc(c->pcap, conf->promiscuous);
	pcap_set_buffer_size(c->pcap, (int)conf->buffer_size);
	/* Alerts within a second: hand packets over as they come. */
	pcap_set_immediate_mode(c->pcap, 1);
	pcap_set_timeout(c->pcap, 100);
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_MICRO);

	rc = pcap_activate(c->pcap);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", name,
		    rc == PCAP_ERROR ? pcap_geterr(c->pcap) : pcap_statustostr(rc));
		goto fail;
	}
	if (rc > 0)
		log_warnx("%s: %s", name, rc == PCAP_WARNING ?
		    pcap_geterr(c->pcap) : pcap_statustostr(rc));
	/*
	 * On "any", SLL2 carries the interface index, so that alerts can name
	 * the interface a packet really arrived on.
	 */
	if (strcmp(name, "any") == 0)
		(void)pcap_set_datalink(c->pcap, DLT_LINUX_SLL2);
	c->linktype = pcap_datalink(c->pcap);
	capture_filter(c->filter, sizeof(c->filter), conf->filter, c->linktype);

	if (pcap_compile(c->pcap, &prog, c->filter, 1,
	    PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "%s: filter \"%s\": %s", name, c->filter,
		    pcap_geterr(c->pcap));
		goto fail;
	}
	rc = pcap_setfilter(c->pcap, &prog);
	pcap_freecode(&prog);
	if (rc == -1) {
		snprintf(err, errlen, "%s: setting the filter: %s", name,
		    pcap_geterr(c->pcap));
		goto fail;
	}
	if (pcap_setnonblock(c->pcap, 1, errbuf) == -1) {
		snprintf(err, errlen, "%s: %s", name, errbuf);
		goto fail;
	}
	if (pcap_get_selectable_fd(c->pcap) == -1) {
		snprintf(err, errlen, "%s: no selectable descriptor", name);
		goto fail;
	}
	return 0;
fail:
	pcap_close(c->pcap);
	c->pcap = NULL;
	return -1;
}

static void
capture_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)arg;
	uint64_t ts_us = (uint64_t)h->ts.tv_sec * 1000000 +
	    (uint64_t)h->ts.tv_usec;

	c->packets++;
	analyzer_packet(c->analyzer, c->linktype, data, h->caplen,
	    h->len > h->caplen ? h->len : h->caplen, ts_us, c->name);
}

static void
capture_read(evutil_socket_t fd, short what, void *arg)
{
	struct capture *c = arg;

	(void)fd;
	(void)what;
	if (pcap_dispatch(c->pcap, CAPTURE_BUDGET, capture_packet,
	    (u_char *)c) == PCAP_ERROR)
		log_warnx("%s: %s", c->name, pcap_geterr(c->pcap));
}

int
capture_start(struct capture *c, struct event_base *base, struct analyzer *a)
{
	const struct timeval *tmo;

	c->analyzer = a;
	c->read_ev = event_new(base, pcap_get_selectable_fd(c->pcap),
	    EV_READ | EV_PERSIST, capture_read, c);
	if (c->read_ev == NULL || event_add(c->read_ev, NULL) == -1)
		return -1;
	/*
	 * Some capture mechanisms do not wake select() for every packet; then
	 * libpcap names a timeout after which the handle must be read anyway.
	 */
	if ((tmo = pcap_get_required_select_timeout(c->pcap)) != NULL) {
		c->poll_ev = event_new(base, -1, EV_PERSIST, capture_read, c);
		if (c->poll_ev == NULL || event_add(c->poll_ev, tmo) == -1)
			return -1;
	}
	return 0;
}

int
capture_poll_stats(struct capture *c, uint64_t *new_drops,
    uint64_t *new_received)
{
	struct pcap_stat ps;
	uint64_t dropped, received;

	if (pcap_stats(c->pcap, &ps) == -1)
		return -1;
	/* The counters are 32 bits in libpcap and wrap; deltas stay right. */
	dropped = (uint32_t)(ps.ps_drop + ps.ps_ifdrop);
	received = ps.ps_recv;
	*new_drops = (uint32_t)(dropped - (uint32_t)c->dropped);
	*new_received = (uint32_t)(received - (uint32_t)c->received);
	c->dropped += *new_drops;
	c->received += *new_received;
	return 0;
}

static int
capture_check_filter_on(const struct conf *conf, int linktype, char *err,
    size_t errlen)
{
	char filter[CONF_FILTER_MAX + 128];
	struct bpf_program prog;
	pcap_t *p;
	int rc = 0;

	if ((p = pcap_open_dead(linktype, (int)conf->snaplen)) == NULL) {
		snprintf(err, errlen, "cannot check capture.filter");
		return -1;
	}
	capture_filter(filter, sizeof(filter), conf->filter, linktype);
	if (pcap_compile(p, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "capture.filter \"%s\"%s: %s", conf->filter,
		    linktype == DLT_EN10MB ? "" : " on \"any\"", pcap_geterr(p));
		rc = -1;
	} else
		pcap_freecode(&prog);
	pcap_close(p);
	return rc;
}

/*
 * As Ethernet, and as Linux cooked v2 when "any" is configured: a filter
 * such as "ether host ..." compiles on one and not the other.
 */
int
capture_check_filter(const struct conf *conf, char *err, size_t errlen)
{
	if (capture_check_filter_on(conf, DLT_EN10MB, err, errlen) == -1)
		return -1;
	for (size_t i = 0; i < conf->ninterfaces; i++)
		if (strcmp(conf->interfaces[i], "any") == 0)
			return capture_check_filter_on(conf, DLT_LINUX_SLL2, err,
			    errlen);
	return 0;
}

void
capture_close(struct capture *c)
{
	if (c->read_ev != NULL)
		event_free(c->read_ev);
	if (c->poll_ev != NULL)
		event_free(c->poll_ev);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	memset(c, 0, sizeof(*c));
}
