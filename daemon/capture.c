/*
 * libpcap capture driven by libevent.  The handle is created and tuned
 * before activation (pcap_create/pcap_activate), so that snaplen, kernel
 * buffer and buffer timeout take effect; then it is made non-blocking and
 * its descriptor watched by the loop.
 *
 * A service must not go blind without saying so: an interface that is not
 * there yet, is down, or is deleted and created again (a new ifindex: the
 * old packet socket stays bound to the dead one) closes the handle, and
 * the loop's timer opens it again once the interface is back up.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "log.h"
#include "timeunit.h"

/*
 * What the analyser reads: TCP, UDP and ICMP over IPv4 and IPv6, the IP
 * tunnels it decodes (IP in IP, IPv6 in IP, GRE: protocols 4, 41 and 47;
 * the UDP tunnels pass as UDP), and the link-layer encapsulations it
 * decodes (MPLS, PPPoE sessions, 802.1ah, VN-tag, E-tag) whole, by
 * EtherType: what they carry is for the decoder to judge, and "mpls" or
 * "pppoes" would shift every offset after them.  On Ethernet the same
 * again behind an 802.1Q/802.1ad tag, and a second tag passes whole.
 * "vlan" shifts the offsets of everything after it (at run time for the
 * first one only, which may be in the packet or in the kernel's auxiliary
 * data), so the untagged tests come first and there is one "vlan" only: a
 * second would shift the configured filter that is and-ed after this one,
 * and nothing untagged would match it.  Cooked captures have no tags.
 * Plain TCP and UDP take the same path as before the encapsulations.
 */
#define BUILTIN_L4	"tcp or udp or icmp or icmp6 or proto 4 or proto 41 " \
	"or proto 47"
#define BUILTIN_ENCAP	"ether proto 0x8847 or ether proto 0x8848 or " \
	"ether proto 0x8864 or ether proto 0x88e7 or ether proto 0x8926 or " \
	"ether proto 0x893f"
#define BUILTIN_TPID	"ether proto 0x8100 or ether proto 0x88a8 or " \
	"ether proto 0x9100"
#define BUILTIN_FILTER	BUILTIN_L4 " or " BUILTIN_ENCAP
#define BUILTIN_FILTER_VLAN						\
	"(" BUILTIN_L4 ") or " BUILTIN_ENCAP " or (vlan and ("		\
	BUILTIN_L4 " or " BUILTIN_ENCAP " or " BUILTIN_TPID "))"

/* The built-in filter, "() and ()" and the configured one always fit. */
_Static_assert(sizeof(BUILTIN_FILTER_VLAN) + sizeof("() and ()") <=
    CAPTURE_FILTER_MAX - CONF_FILTER_MAX, "built-in filter too long");

/* Link-layer header lengths of Linux cooked captures (v1 and v2). */
#define SLL_HDRLEN	16
#define SLL2_HDRLEN	20

enum iface_state {
	IFACE_UP,
	IFACE_DOWN,
	IFACE_ABSENT,
	IFACE_UNKNOWN		/* the kernel would not say */
};

static uint64_t	clock_us(void);
static enum iface_state iface_state(const char *, int *);
static int	cap_net_raw_raise(void);
static void	cap_net_raw_lower(void);
static int	capture_try(struct capture *, const struct conf *, char *,
		    size_t);
static int	capture_watch(struct capture *);
static void	capture_unwatch(struct capture *);
static void	capture_lose(struct capture *, const char *, uint64_t);
static void	capture_update_stats(struct capture *);
static int	cooked_offset(int, uint32_t *);
static void	capture_packet(u_char *, const struct pcap_pkthdr *,
		    const u_char *);
static void	capture_flush(struct capture *);
static int	capture_dispatch(struct capture *);
static void	capture_read(evutil_socket_t, short, void *);

static uint64_t
clock_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return usec_from_timespec(&ts);
}

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

/*
 * libpcap's own devices that are no network interface: "any", and a
 * Linux NFLOG group ("nflog", "nflog:N").  Never waited for.
 */
bool
capture_is_pseudo(const char *name)
{
	if (strcmp(name, "any") == 0 || strcmp(name, "nflog") == 0)
		return true;
	if (strncmp(name, "nflog:", 6) != 0 || name[6] == '\0')
		return false;
	for (const char *p = name + 6; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return false;
	return strlen(name) < IFNAMSIZ;
}

/* The rules of the kernel's dev_valid_name(), or one of libpcap's own. */
bool
capture_name_valid(const char *name)
{
	if (capture_is_pseudo(name))
		return true;
	if (name[0] == '\0' || strlen(name) >= IFNAMSIZ ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const char *p = name; *p != '\0'; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	return true;
}

static enum iface_state
iface_state(const char *name, int *ifindex)
{
	struct ifreq ifr;
	enum iface_state st = IFACE_UNKNOWN;
	int fd;

	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return IFACE_UNKNOWN;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFINDEX, &ifr) == -1) {
		if (errno == ENODEV || errno == ENXIO)
			st = IFACE_ABSENT;
		goto out;
	}
	*ifindex = ifr.ifr_ifindex;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1) {
		if (errno == ENODEV || errno == ENXIO)
			st = IFACE_ABSENT;
		goto out;
	}
	st = ifr.ifr_flags & IFF_UP ? IFACE_UP : IFACE_DOWN;
out:
	close(fd);
	return st;
}

/*
 * After the privilege drop CAP_NET_RAW stays permitted but not effective
 * (privdrop's keep_net_raw): it is made effective only around pcap_activate,
 * so that the rest of the daemon runs without it.  Returns 1 when it was
 * raised here (and must be lowered again).
 */
static int
cap_net_raw_raise(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
	const uint32_t bit = 1U << CAP_NET_RAW;

	if (syscall(SYS_capget, &hdr, data) == -1 ||
	    (data[0].permitted & bit) == 0 || (data[0].effective & bit) != 0)
		return 0;
	data[0].effective |= bit;
	return syscall(SYS_capset, &hdr, data) == 0;
}

static void
cap_net_raw_lower(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data) == -1)
		return;
	data[0].effective &= ~(1U << CAP_NET_RAW);
	if (syscall(SYS_capset, &hdr, data) == -1)
		log_warn("cannot lower CAP_NET_RAW again");
}

int
capture_open(struct capture *c, const char *name, const struct conf *conf,
    char *err, size_t errlen)
{
	int rc;

	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (!capture_name_valid(name)) {
		snprintf(err, errlen, "\"%s\" cannot be an interface name", name);
		return -1;
	}
	if ((c->batch = calloc(CAPTURE_BUDGET, sizeof(*c->batch))) == NULL) {
		snprintf(err, errlen, "%s: no memory", name);
		return -1;
	}
	c->waiting_since_us = clock_us();
	if ((rc = capture_try(c, conf, err, errlen)) == 0)
		c->waiting_since_us = 0;
	return rc;
}

/* One attempt at opening the handle: 0 open, 1 not yet possible, -1 error. */
static int
capture_try(struct capture *c, const struct conf *conf, char *err,
    size_t errlen)
{
	char errbuf[PCAP_ERRBUF_SIZE], text[sizeof(c->filter)];
	struct bpf_program prog;
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	int rc, raised, ifindex = 0;

	if (!capture_is_pseudo(c->name)) {
		switch (iface_state(c->name, &ifindex)) {
		case IFACE_ABSENT:
			snprintf(err, errlen, "waiting for %s to appear", c->name);
			return 1;
		case IFACE_DOWN:
			snprintf(err, errlen, "%s is down, waiting", c->name);
			return 1;
		default:
			break;
		}
	}
	if ((c->pcap = pcap_create(c->name, errbuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", c->name, errbuf);
		return -1;
	}
	pcap_set_snaplen(c->pcap, capture_snaplen(c->name, conf->snaplen));
	pcap_set_promisc(c->pcap, conf->promiscuous);
	pcap_set_buffer_size(c->pcap, (int)conf->buffer_size);
	/*
	 * Not immediate mode: that means TPACKET_V2 and one wakeup per
	 * packet (ten times tcpdump's CPU per packet).  With TPACKET_V3 the
	 * kernel hands over blocks of packets, a block at the latest after
	 * the timeout.
	 */
	pcap_set_immediate_mode(c->pcap, 0);
	pcap_set_timeout(c->pcap, CAPTURE_TIMEOUT_MS);
	pcap_set_tstamp_precision(c->pcap, PCAP_TSTAMP_PRECISION_MICRO);

	raised = cap_net_raw_raise();
	rc = pcap_activate(c->pcap);
	if (raised)
		cap_net_raw_lower();
	if (rc == PCAP_ERROR_NO_SUCH_DEVICE || rc == PCAP_ERROR_IFACE_NOT_UP) {
		/* It went between the look and the open. */
		snprintf(err, errlen, rc == PCAP_ERROR_IFACE_NOT_UP ?
		    "%s is down, waiting" : "waiting for %s to appear", c->name);
		rc = 1;
		goto fail;
	}
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", c->name,
		    rc == PCAP_ERROR ? pcap_geterr(c->pcap) : pcap_statustostr(rc));
		rc = -1;
		goto fail;
	}
	if (rc > 0)
		log_warnx("%s: %s", c->name, rc == PCAP_WARNING ?
		    pcap_geterr(c->pcap) : pcap_statustostr(rc));
	/*
	 * On "any", SLL2 carries the interface index, so that alerts can name
	 * the interface a packet really arrived on.
	 */
	if (strcmp(c->name, "any") == 0)
		(void)pcap_set_datalink(c->pcap, DLT_LINUX_SLL2);
	c->linktype = pcap_datalink(c->pcap);
	/* The interface the socket is bound to, to notice a new one later. */
	if (getsockname(pcap_fileno(c->pcap), (struct sockaddr *)&sll,
	    &sl) == 0 && sll.sll_family == AF_PACKET)
		c->ifindex = sll.sll_ifindex;
	else
		c->ifindex = ifindex;
	capture_filter(text, sizeof(text), conf->filter, c->linktype);
	/* A new handle: the last one's userland program is not its. */
	free(c->userland.bf_insns);
	c->userland.bf_insns = NULL;
	c->userland_on = false;
	c->userland_until_us = 0;

	rc = -1;
	if (pcap_compile(c->pcap, &prog, text, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "%s: filter \"%s\": %s", c->name, text,
		    pcap_geterr(c->pcap));
		goto fail;
	}
	if (capture_setfilter(c, &prog, text, err, errlen) == -1) {
		pcap_freecode(&prog);
		goto fail;
	}
	pcap_freecode(&prog);
	if (pcap_setnonblock(c->pcap, 1, errbuf) == -1) {
		snprintf(err, errlen, "%s: %s", c->name, errbuf);
		goto fail;
	}
	if (pcap_get_selectable_fd(c->pcap) == -1) {
		snprintf(err, errlen, "%s: no selectable descriptor", c->name);
		goto fail;
	}
	c->h_recv = c->h_drop = 0;
	c->h_read = 0;
	return 0;
fail:
	pcap_close(c->pcap);
	c->pcap = NULL;
	free(c->userland.bf_insns);
	c->userland.bf_insns = NULL;
	c->userland_on = false;
	c->userland_until_us = 0;
	return rc;
}

/*
 * The kernel runs a cooked capture's filter on the packet without the
 * cooked header: payload offsets move back by the header's length, and
 * the header fields the kernel knows are read through its ancillary
 * offsets (what libpcap does in pcap_setfilter; filter.h names them).
 * Other header fields cannot be filtered in the kernel: -1.
 */
static int
cooked_offset(int linktype, uint32_t *k)
{
	uint32_t hdrlen = linktype == DLT_LINUX_SLL2 ? SLL2_HDRLEN : SLL_HDRLEN;

	/* Ancillary and other negative offsets are the kernel's already. */
	if ((int32_t)*k < 0)
		return 0;
	if (*k >= hdrlen) {
		*k -= hdrlen;
		return 0;
	}
	if (linktype == DLT_LINUX_SLL2) {
		switch (*k) {
		case 0:		/* protocol */
			*k = (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL);
			return 0;
		case 4:		/* interface index */
			*k = (uint32_t)(SKF_AD_OFF + SKF_AD_IFINDEX);
			return 0;
		case 10:	/* packet type */
			*k = (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE);
			return 0;
		}
	} else {
		switch (*k) {
		case 0:		/* packet type */
			*k = (uint32_t)(SKF_AD_OFF + SKF_AD_PKTTYPE);
			return 0;
		case 14:	/* protocol */
			*k = (uint32_t)(SKF_AD_OFF + SKF_AD_PROTOCOL);
			return 0;
		}
	}
	return -1;
}

/*
 * pcap_setfilter() is not used: on Linux it first attaches a filter that
 * rejects everything, drains the socket, then attaches the new one, and
 * packets arriving in between are lost without being counted (nor are they
 * in the drops).  One SO_ATTACH_FILTER replaces the socket's filter
 * atomically instead.  What the ring already holds passed the old filter;
 * it is analysed as it is (libpcap would filter it again in userland with
 * the new one, losing packets the kernel did accept).  libpcap never holds
 * a program of ours, so it never filters in userland behind our back.
 */
int
capture_setfilter(struct capture *c, struct bpf_program *prog,
    const char *text, char *err, size_t errlen)
{
	struct sock_filter *ins;
	struct sock_fprog fp;
	struct bpf_insn *copy = NULL;
	bool cooked = c->linktype == DLT_LINUX_SLL ||
	    c->linktype == DLT_LINUX_SLL2;
	bool in_kernel = prog->bf_len <= USHRT_MAX;
	int fd = pcap_fileno(c->pcap);

	if (prog->bf_len == 0 ||
	    (ins = calloc(prog->bf_len, sizeof(*ins))) == NULL) {
		snprintf(err, errlen, "%s: filter \"%s\": no memory", c->name,
		    text);
		return -1;
	}
	for (u_int i = 0; i < prog->bf_len; i++) {
		const struct bpf_insn *p = &prog->bf_insns[i];

		ins[i].code = p->code;
		ins[i].jt = p->jt;
		ins[i].jf = p->jf;
		ins[i].k = p->k;
		if (!cooked || (BPF_CLASS(p->code) != BPF_LD &&
		    BPF_CLASS(p->code) != BPF_LDX))
			continue;
		switch (BPF_MODE(p->code)) {
		case BPF_ABS:
		case BPF_IND:
		case BPF_MSH:
			if (cooked_offset(c->linktype, &ins[i].k) == -1)
				in_kernel = false;
			break;
		}
	}
	fp.len = (unsigned short)prog->bf_len;
	fp.filter = ins;
	if (in_kernel && setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
	    sizeof(fp)) == -1) {
		log_warn("%s: the kernel refuses filter \"%s\"; filtering "
		    "here instead", c->name, text);
		in_kernel = false;
	}
	free(ins);
	if (!in_kernel) {
		/* Everything comes up; the program runs on each packet. */
		if ((copy = calloc(prog->bf_len, sizeof(*copy))) == NULL) {
			snprintf(err, errlen, "%s: filter \"%s\": no memory",
			    c->name, text);
			return -1;
		}
		memcpy(copy, prog->bf_insns, prog->bf_len * sizeof(*copy));
		/* The kernel wants an int-sized value, which it ignores. */
		if (setsockopt(fd, SOL_SOCKET, SO_DETACH_FILTER, &(int){ 0 },
		    sizeof(int)) == -1 && errno != ENOENT) {
			snprintf(err, errlen, "%s: removing the kernel filter: %s",
			    c->name, strerror(errno));
			free(copy);
			return -1;
		}
	}
	if (copy == NULL && c->userland_on) {
		/*
		 * From userland to the kernel: what the ring already holds
		 * came up unfiltered, so the old program still judges the
		 * packets captured before now.
		 */
		if (c->userland_until_us == 0)
			c->userland_until_us = clock_us();
	} else {
		free(c->userland.bf_insns);
		c->userland.bf_insns = copy;
		c->userland.bf_len = copy != NULL ? prog->bf_len : 0;
		c->userland_on = copy != NULL;
		c->userland_until_us = 0;
	}
	snprintf(c->filter, sizeof(c->filter), "%s", text);
	return 0;
}

static void
capture_packet(u_char *arg, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)arg;
	uint64_t ts_us = usec_from_timeval(&h->ts);

	c->h_read++;
	if (c->userland_on && (c->userland_until_us == 0 ||
	    ts_us <= c->userland_until_us) &&
	    pcap_offline_filter(&c->userland, h, data) == 0) {
		c->filtered++;
		return;
	}
	c->packets++;
	/* The slot keeps nothing of the frame: the ring may reuse it. */
	analyzer_stage(c->analyzer, &c->batch[c->nbatch], c->linktype, data,
	    h->caplen, h->len > h->caplen ? h->len : h->caplen, ts_us, c->name);
	if (c->keep != NULL && c->keep_snaplen != 0)
		analyzer_keep_frame(&c->batch[c->nbatch], c->keep_snaplen,
		    c->keep + c->nbatch * c->keep_snaplen, data, h->caplen);
	c->nbatch++;
	if (c->nbatch == CAPTURE_BUDGET)
		capture_flush(c);
}

/* Analyse the staged packets, in order. */
static void
capture_flush(struct capture *c)
{
	analyzer_commit_batch(c->analyzer, c->batch, c->nbatch);
	c->nbatch = 0;
}

/* One read of up to CAPTURE_BUDGET packets, analysed: pcap_dispatch's. */
static int
capture_dispatch(struct capture *c)
{
	int n;

	n = pcap_dispatch(c->pcap, CAPTURE_BUDGET, capture_packet, (u_char *)c);
	capture_flush(c);
	return n;
}

static void
capture_read(evutil_socket_t fd, short what, void *arg)
{
	struct capture *c = arg;

	(void)fd;
	(void)what;
	if (c->pcap != NULL && capture_dispatch(c) == PCAP_ERROR)
		capture_lose(c, pcap_geterr(c->pcap), clock_us());
}

static int
capture_watch(struct capture *c)
{
	const struct timeval *tmo;

	c->read_ev = event_new(c->base, pcap_get_selectable_fd(c->pcap),
	    EV_READ | EV_PERSIST, capture_read, c);
	if (c->read_ev == NULL || event_add(c->read_ev, NULL) == -1)
		return -1;
	/*
	 * Some capture mechanisms do not wake select() for every packet; then
	 * libpcap names a timeout after which the handle must be read anyway.
	 */
	if ((tmo = pcap_get_required_select_timeout(c->pcap)) != NULL) {
		c->poll_ev = event_new(c->base, -1, EV_PERSIST, capture_read, c);
		if (c->poll_ev == NULL || event_add(c->poll_ev, tmo) == -1)
			return -1;
	}
	return 0;
}

static void
capture_unwatch(struct capture *c)
{
	if (c->read_ev != NULL)
		event_free(c->read_ev);
	if (c->poll_ev != NULL)
		event_free(c->poll_ev);
	c->read_ev = c->poll_ev = NULL;
}

int
capture_start(struct capture *c, struct event_base *base, struct analyzer *a)
{
	c->base = base;
	c->analyzer = a;
	/* Evidence keeps each frame's first bytes until its slot's commit. */
	if ((c->keep_snaplen = analyzer_evidence_snaplen(a)) != 0 &&
	    c->keep == NULL && (c->keep = malloc((size_t)CAPTURE_BUDGET *
	    c->keep_snaplen)) == NULL) {
		log_warnx("%s: no memory for evidence", c->name);
		return -1;
	}
	if (c->pcap == NULL)
		return 0;
	if (capture_watch(c) == -1)
		return -1;
	log_info("capturing on %s linktype=%s filter=\"%s\"", c->name,
	    pcap_datalink_val_to_name(c->linktype) ?
	    pcap_datalink_val_to_name(c->linktype) : "unknown", c->filter);
	return 0;
}

/*
 * The handle is gone for good (its interface down, deleted or replaced,
 * or a read failed): read what it still holds, keep its statistics, close
 * it.  capture_tend() opens a new one when the interface is back.
 */
static void
capture_lose(struct capture *c, const char *why, uint64_t now)
{
	log_warnx("%s: %s; not capturing until it is back", c->name, why);
	for (int i = 0; i < 64; i++)
		if (capture_dispatch(c) <= 0)
			break;
	capture_update_stats(c);
	capture_unwatch(c);
	pcap_close(c->pcap);
	c->pcap = NULL;
	c->lost_us = c->waiting_since_us = now;
	c->why[0] = '\0';
}

void
capture_tend(struct capture *c, const struct conf *conf, uint64_t now)
{
	char err[sizeof(c->why)];
	double waited;
	int ifindex = 0, rc;

	if (c->pcap != NULL) {
		if (c->ifindex <= 0)
			return;
		switch (iface_state(c->name, &ifindex)) {
		case IFACE_ABSENT:
			capture_lose(c, "the interface disappeared", now);
			break;
		case IFACE_DOWN:
			capture_lose(c, "the interface went down", now);
			break;
		case IFACE_UP:
			if (ifindex != c->ifindex)
				capture_lose(c, "the interface was deleted and "
				    "created again", now);
			break;
		case IFACE_UNKNOWN:
			break;
		}
		return;
	}
	if (c->base == NULL || now < c->retry_us)
		return;
	if ((rc = capture_try(c, conf, err, sizeof(err))) != 0) {
		/*
		 * Missing or down costs two ioctls a look; another failure
		 * (a kernel buffer set up and torn down) waits a little.
		 */
		c->retry_us = rc == -1 ? now + CAPTURE_RETRY_MS * USEC_PER_MSEC : 0;
		/* Each new reason once, not every tick. */
		if (strcmp(err, c->why) != 0) {
			log_warnx("%s", err);
			snprintf(c->why, sizeof(c->why), "%s", err);
		}
		return;
	}
	if (capture_watch(c) == -1) {
		log_warnx("%s: cannot watch the capture", c->name);
		capture_unwatch(c);
		pcap_close(c->pcap);
		c->pcap = NULL;
		return;
	}
	waited = sec_from_usec(now - c->waiting_since_us);
	c->blind_us += now - c->waiting_since_us;
	if (c->lost_us != 0) {
		c->reopened++;
		log_info("capturing on %s again after %.1f s linktype=%s "
		    "filter=\"%s\"", c->name, waited,
		    pcap_datalink_val_to_name(c->linktype) ?
		    pcap_datalink_val_to_name(c->linktype) : "unknown",
		    c->filter);
	} else
		log_info("capturing on %s linktype=%s filter=\"%s\" after "
		    "waiting %.1f s", c->name,
		    pcap_datalink_val_to_name(c->linktype) ?
		    pcap_datalink_val_to_name(c->linktype) : "unknown",
		    c->filter, waited);
	c->why[0] = '\0';
	c->waiting_since_us = 0;
}

void
capture_drain(struct capture *c, uint64_t deadline)
{
	uint32_t want;
	uint64_t now;
	int n;

	if (c->pcap == NULL)
		return;
	/*
	 * What the kernel accepted (ps_recv counts its drops too) is the
	 * target: packets arriving from now on are not waited for.
	 */
	capture_update_stats(c);
	want = c->h_recv - c->h_drop;
	for (;;) {
		n = capture_dispatch(c);
		if (n < 0 || (int32_t)(want - (uint32_t)c->h_read) <= 0)
			break;
		if (n > 0)
			continue;
		/* The rest is in a block the kernel hands over on timeout. */
		if ((now = clock_us()) >= deadline)
			break;
		(void)poll(&(struct pollfd){ pcap_get_selectable_fd(c->pcap),
		    POLLIN, 0 }, 1, (int)((deadline - now + USEC_PER_MSEC - 1) /
		    USEC_PER_MSEC));
	}
	if ((int32_t)(want - (uint32_t)c->h_read) > 0)
		log_warnx("%s: %u packets the kernel accepted were not read "
		    "before stopping", c->name,
		    (unsigned)(want - (uint32_t)c->h_read));
}

/* Fold the handle's pcap_stats into the capture's counters. */
static void
capture_update_stats(struct capture *c)
{
	struct pcap_stat ps;
	uint32_t drop;

	if (c->pcap == NULL || pcap_stats(c->pcap, &ps) == -1)
		return;
	/* The counters are 32 bits in libpcap and wrap; deltas stay right. */
	drop = ps.ps_drop + ps.ps_ifdrop;
	c->received += (uint32_t)(ps.ps_recv - c->h_recv);
	c->dropped += (uint32_t)(drop - c->h_drop);
	c->h_recv = ps.ps_recv;
	c->h_drop = drop;
}

int
capture_poll_stats(struct capture *c, uint64_t *new_drops,
    uint64_t *new_received)
{
	capture_update_stats(c);
	*new_drops = c->dropped - c->reported_dropped;
	*new_received = c->received - c->reported_received;
	c->reported_dropped = c->dropped;
	c->reported_received = c->received;
	return 0;
}

static int
capture_check_filter_on(const struct conf *conf, int linktype, char *err,
    size_t errlen)
{
	char filter[CAPTURE_FILTER_MAX];
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
	capture_unwatch(c);
	if (c->pcap != NULL)
		pcap_close(c->pcap);
	free(c->userland.bf_insns);
	free(c->batch);
	free(c->keep);
	memset(c, 0, sizeof(*c));
}
