/*
 * TCP analysis: retransmissions, SYN retries and resets, and how each
 * connection ended (rstwatchd(8), EVENTS and DEFINITIONS).  One call per
 * segment, with the segment's sender as dir; the flow holds all the state,
 * the caller reports what the call returns.
 *
 * As in Suricata's stream engine, one dispatch hands each segment to the
 * handler for what it is (RST, SYN, SYN-ACK, anything else); the
 * handlers read the connection's state bits rather than a single state
 * number, because a passive observer sees both ends and must cope with
 * either end's packets missing from the capture.
 *
 * The definitions follow the ones careful analysers use (Wireshark's TCP
 * analysis is the reference users compare with); where they differ on
 * purpose the comment says so.
 */
#include <string.h>

#include "seq.h"
#include "tcp.h"

/* When the handshake RTT is unknown, segments this close are reordering. */
#define REORDER_DEFAULT_US	3000

/* A sequence space that has used less than this has not wrapped. */
#define SEQ_YOUNG		(1u << 30)

/* A window we never check tighter than: 64 KiB, the unscaled maximum. */
#define WINDOW_FLOOR		65535u

/* One segment being analysed: what every handler needs. */
struct seg {
	struct flow		*f;
	const struct pkt	*p;
	const struct tcp_params	*par;
	struct tcp_result	*res;
	uint64_t		 now_us;
	const uint64_t		*start_us;	/* the flow's, out of its entry */
	uint32_t		 len;	/* sequence space: data, SYN, FIN */
	int			 dir;
};

static struct tcp_verdict *verdict(struct seg *, enum event_kind);
static inline void tcp_heard(struct seg *);
static inline void tcp_isn(struct seg *);
static void	tcp_syn(struct seg *);
static void	tcp_synack(struct seg *);
static void	tcp_other(struct seg *);
static void	tcp_ack(struct seg *);
static bool	tcp_seq_impossible(const struct seg *);
static bool	tcp_judged(const struct seg *);
static void	tcp_jump_refuted(struct seg *);
static bool	tcp_jump(struct seg *);
static void	tcp_after_rst(struct seg *);
static void	tcp_rst_late(struct seg *);
static void	tcp_injected(struct seg *);
static void	tcp_data(struct seg *);
static void	tcp_retransmission(struct seg *);
static void	tcp_rst(struct seg *);
static void	tcp_fin(struct seg *);
static void	tcp_anomaly(struct seg *);
static void	tcp_rst_end(struct seg *, enum close_reason);

static inline uint32_t
seg_len(const struct pkt *p)
{
	return p->payload_len + !!(p->tcp_flags & TH_SYN) +
	    !!(p->tcp_flags & TH_FIN);
}

/* A window in bytes: scaled only when both SYNs agreed to it (RFC 7323). */
static inline uint32_t
window_bytes(const struct flow *f, const struct flow_half *h, uint16_t raw)
{
	if ((f->state & FS_WSCALE) && h->wscale != TCP_NO_WSCALE)
		return (uint32_t)raw << h->wscale;
	return raw;
}

/* The largest window a side advertised, never below WINDOW_FLOOR. */
static inline uint32_t
window_max(const struct flow *f, const struct flow_half *h)
{
	uint32_t w = (h->flags & HALF_WIN) ? window_bytes(f, h, h->max_win) : 0;

	return w > WINDOW_FLOOR ? w : WINDOW_FLOOR;
}

static inline enum event_side
seg_side(const struct seg *s)
{
	return s->dir == DIR_ORIG ? SIDE_SRC : SIDE_DST;
}

/*
 * A new verdict for the caller, zeroed but for its kind.  The handlers
 * give at most TCP_MAX_VERDICTS per segment; were one to ask for more,
 * the last would be overwritten rather than memory beyond the result.
 */
static struct tcp_verdict *
verdict(struct seg *s, enum event_kind kind)
{
	struct tcp_result *res = s->res;
	struct tcp_verdict *v;

	if (res->nv < TCP_MAX_VERDICTS)
		res->nv++;
	v = &res->v[res->nv - 1];
	memset(v, 0, sizeof(*v));
	v->kind = kind;
	return v;
}

/*
 * A flow first seen with a SYN is originated by its sender, one first seen
 * with a SYN-ACK by its receiver.  Mid-stream, the best guess is that the
 * client uses the ephemeral port: a port below 1024 is a service, else the
 * higher port is the client's.
 */
int
tcp_originator_is_receiver(const struct pkt *p)
{
	uint8_t fl = p->tcp_flags & (TH_SYN | TH_ACK);

	if (fl == TH_SYN)
		return 0;
	if (fl == (TH_SYN | TH_ACK))
		return 1;
	if ((p->sport < 1024) != (p->dport < 1024))
		return p->sport < 1024;
	return p->sport < p->dport;
}

void
tcp_start(struct flow *f, const struct pkt *p)
{
	if (!(p->tcp_flags & TH_SYN))
		f->state |= FS_MIDSTREAM | FS_ESTAB;
}

/*
 * A packet other than a RST from a side: the range of TTLs that side's
 * packets arrive with.  The first one also makes a mid-stream pickup with
 * both sides now heard an established connection, with something to lose.
 */
static inline void
tcp_heard(struct seg *s)
{
	struct flow_half *h = &s->f->half[s->dir];
	uint8_t ttl = s->p->ttl;

	if (h->flags & HALF_TTL) {
		if (ttl < h->ttl_min)
			h->ttl_min = ttl;
		if (ttl > h->ttl_max)
			h->ttl_max = ttl;
		return;
	}
	h->ttl_min = h->ttl_max = ttl;
	h->flags |= HALF_TTL;
	/* A pickup's RST that was only counted closed it; both ends
	 * talking since say otherwise. */
	if ((s->res->cls == FLOW_PICKUP || (s->res->cls == FLOW_CLOSED &&
	    !(s->f->state & FS_CLOSE_SET))) &&
	    (s->f->half[!s->dir].flags & HALF_TTL))
		s->res->cls = FLOW_ESTABLISHED;
}

/*
 * The one dispatch: a RST, a SYN, a SYN-ACK or any other segment, each to
 * its handler.  What is not a RST first says its sender is alive, unless
 * it cannot be that sender's (seq_anomaly).
 */
void
tcp_segment(struct flow *f, int dir, const struct pkt *p,
    const struct tcp_params *par, uint64_t now_us, const uint64_t *start_us,
    struct tcp_result *res)
{
	struct seg s;

	s.f = f;
	s.p = p;
	s.par = par;
	s.res = res;
	s.now_us = now_us;
	s.start_us = start_us;
	s.len = seg_len(p);
	s.dir = dir;
	res->nv = 0;
	res->cls = (enum flow_class)f->cls;

	if (p->tcp_flags & TH_RST) {
		tcp_jump_refuted(&s);
		tcp_rst(&s);
		return;
	}
	f->state |= FS_NONRST;
	switch (p->tcp_flags & (TH_SYN | TH_ACK)) {
	case TH_SYN:
		tcp_heard(&s);
		tcp_syn(&s);
		break;
	case TH_SYN | TH_ACK:
		tcp_heard(&s);
		tcp_synack(&s);
		break;
	default:
		tcp_jump_refuted(&s);
		/* A segment that cannot be the peer's says nothing of its TTL. */
		if (tcp_seq_impossible(&s)) {
			tcp_anomaly(&s);
			return;
		}
		/* Nor does a jump, until the sender's next segment agrees. */
		if (!tcp_jump(&s))
			tcp_heard(&s);
		tcp_after_rst(&s);
		tcp_other(&s);
		break;
	}
}

bool
tcp_news(const struct flow *f, int dir, const struct pkt *p)
{
	const struct flow_half *h = &f->half[dir];

	if ((h->flags & HALF_SEQ) && SEQ_GT(p->seq + seg_len(p), h->snd_max))
		return true;
	return (p->tcp_flags & TH_ACK) && (h->flags & HALF_ACK) &&
	    SEQ_GT(p->ack, h->ack);
}

/*
 * A SYN with a new ISN on a tuple whose connection is over (or never got
 * an answer, or was picked up mid-stream) starts a new connection (RFC 9293,
 * section 3.10.7.4 lets TIME-WAIT accept it too).  Decided before the
 * packet is counted, so that it is counted in the new connection only.
 */
bool
tcp_starts_new_connection(const struct flow *f, int dir, const struct pkt *p)
{
	const struct flow_half *h = &f->half[dir];
	bool over = (f->state & FS_RST_END) ||
	    ((f->half[DIR_ORIG].flags & HALF_FIN) &&
	    (f->half[DIR_RESP].flags & HALF_FIN));

	if ((p->tcp_flags & (TH_SYN | TH_RST)) != TH_SYN)
		return false;
	if (p->tcp_flags & TH_ACK)
		return dir != DIR_RESP && over;
	if (dir == DIR_ORIG && (h->flags & HALF_SYN) && p->seq == h->isn)
		return false;		/* a retransmission */
	if (dir == DIR_ORIG && !(h->flags & HALF_SYN) &&
	    !(f->state & FS_MIDSTREAM))
		return false;		/* the first SYN */
	return over || !(f->state & FS_SYNACK) || (f->state & FS_MIDSTREAM);
}

/* A side's first SYN or SYN-ACK: where its sequence space starts. */
static inline void
tcp_isn(struct seg *s)
{
	struct flow_half *h = &s->f->half[s->dir];

	h->isn = s->p->seq;
	h->snd_max = s->p->seq + 1;
	h->wscale = s->p->wscale;
	h->last_seg_us = (uint32_t)s->now_us;
	h->flags |= HALF_SYN | HALF_SEQ;
}

/* The originator's SYN: its ISN and window scale, or a retry of it. */
static void
tcp_syn(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct tcp_verdict *v;

	if (s->dir == DIR_ORIG && (h->flags & HALF_SYN) && p->seq == h->isn) {
		f->syn_retransmits += f->syn_retransmits < UINT16_MAX;
		/* The handshake RTT is timed from the last SYN (as Wireshark
		 * does): from the first, a lost SYN would make it seconds. */
		h->last_seg_us = (uint32_t)s->now_us;
		if (!(f->state & (FS_SYNACK | FS_RST_END)) &&
		    f->syn_retransmits >= s->par->max_syn_retransmissions) {
			v = verdict(s, EV_syn_retransmit);
			v->count = f->syn_retransmits;
			v->threshold = s->par->max_syn_retransmissions;
		}
		return;
	}
	if (s->dir != DIR_ORIG || (h->flags & HALF_SYN)) {
		/* A new ISN in a live connection, or a SYN from its other
		 * side: not this connection's. */
		tcp_anomaly(s);
		return;
	}
	tcp_isn(s);
	f->state |= FS_SYN;
}

/* The responder's SYN-ACK: its ISN, window scaling agreed, or a retry. */
static void
tcp_synack(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct flow_half *orig = &f->half[DIR_ORIG];
	struct tcp_verdict *v;

	/* One from the originator's side is not this connection's. */
	if (s->dir != DIR_RESP)
		return;
	/* The peer that "refused" answers after all: the RST was not its. */
	if ((f->state & (FS_RST_END | FS_RST_END_RESP)) ==
	    (FS_RST_END | FS_RST_END_RESP) && f->close == CLOSE_refused) {
		tcp_rst_late(s);
		s->res->cls = FLOW_EMBRYONIC;
	}
	if (!(f->state & FS_SYNACK)) {
		tcp_isn(s);
		f->state |= FS_SYNACK;
		if ((orig->flags & HALF_SYN) && orig->wscale != TCP_NO_WSCALE &&
		    p->wscale != TCP_NO_WSCALE)
			f->state |= FS_WSCALE;
	} else if (p->seq == h->isn) {
		f->synack_retransmits += f->synack_retransmits < UINT16_MAX;
		if (!(f->state & FS_ESTAB) && f->synack_retransmits >=
		    s->par->max_synack_retransmissions) {
			v = verdict(s, EV_synack_retransmit);
			v->count = f->synack_retransmits;
			v->threshold = s->par->max_synack_retransmissions;
		}
	} else if (!(f->state & FS_ESTAB) && (orig->flags & HALF_SYN) &&
	    p->ack == orig->isn + 1) {
		/*
		 * A new ISN for the same SYN before the handshake completed:
		 * the responder gave up its SYN-ACK retries, dropped the
		 * request and answers a late SYN retry as a new one (Linux
		 * does).  Its sequence space starts again.
		 */
		tcp_isn(s);
	} else {
		tcp_anomaly(s);
		return;
	}
	tcp_ack(s);
}

/* Any other segment: acknowledgement, window, data, FIN. */
static void
tcp_other(struct seg *s)
{
	struct flow_half *h = &s->f->half[s->dir];
	const struct pkt *p = s->p;

	if (p->tcp_flags & TH_ACK)
		tcp_ack(s);
	h->win = p->win;
	if (!(h->flags & HALF_WIN) || p->win > h->max_win)
		h->max_win = p->win;
	h->flags |= HALF_WIN;

	tcp_data(s);
	if (p->tcp_flags & TH_FIN)
		tcp_fin(s);
}

/*
 * Acknowledgements: the peer's data acknowledged, duplicate ACKs counted
 * (they make the peer's next retransmission a fast one), the handshake's
 * end noticed, and acknowledgements of data the capture never saw taken
 * for what they are: a gap in the capture, not loss in the network.
 */
static void
tcp_ack(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct flow_half *peer = &f->half[!s->dir];
	uint32_t ack = p->ack;

	if ((peer->flags & HALF_SEQ) && SEQ_GT(ack, peer->snd_max)) {
		f->state |= FS_GAP;
		peer->snd_max = ack;
	}

	if ((h->flags & HALF_ACK) && ack == h->ack) {
		if (p->payload_len == 0 && !(p->tcp_flags & (TH_SYN | TH_FIN)) &&
		    p->win == h->win && (peer->flags & HALF_SEQ) &&
		    SEQ_GT(peer->snd_max, ack) && h->dupacks < UINT8_MAX)
			h->dupacks++;
	} else if (!(h->flags & HALF_ACK) || SEQ_GT(ack, h->ack)) {
		h->ack = ack;
		h->dupacks = 0;
		h->flags |= HALF_ACK;
	}

	if (peer->rtx_count > 0 && SEQ_GT(ack, peer->rtx_seq))
		peer->rtx_count = 0;

	if (s->dir == DIR_ORIG && (f->state & FS_SYNACK) &&
	    !(f->state & FS_ESTAB) && SEQ_GT(ack, peer->isn)) {
		f->state |= FS_ESTAB;
		if (h->flags & HALF_SYN) {
			/* From the last SYN: tcp_syn() stamps each retry. */
			f->irtt_us = (uint32_t)s->now_us - h->last_seg_us;
		} else if (s->now_us > *s->start_us) {
			uint64_t rtt = s->now_us - *s->start_us;

			f->irtt_us = rtt > UINT32_MAX ? UINT32_MAX : (uint32_t)rtt;
		}
		if (s->res->cls == FLOW_EMBRYONIC)
			s->res->cls = FLOW_ESTABLISHED;
	}
}

/* Sequence numbers are judged only when both SYNs gave ISNs and scaling. */
static bool
tcp_judged(const struct seg *s)
{
	const struct flow *f = s->f;

	return (f->state & (FS_SYN | FS_SYNACK)) == (FS_SYN | FS_SYNACK) &&
	    (f->half[s->dir].flags & HALF_SEQ) &&
	    (f->half[!s->dir].flags & HALF_SEQ);
}

/*
 * A segment that cannot belong to the connection, whatever the capture
 * missed: its data lies wholly a window behind what the receiver already
 * acknowledged, or it acknowledges data before the peer's ISN.  A jump
 * ahead is not here: a gap in the capture makes those (tcp_jump()).
 */
static bool
tcp_seq_impossible(const struct seg *s)
{
	const struct flow *f = s->f;
	const struct pkt *p = s->p;
	const struct flow_half *peer = &f->half[!s->dir];
	uint32_t rwin;

	if (!tcp_judged(s))
		return false;
	rwin = window_max(f, peer);

	if ((peer->flags & HALF_ACK) && SEQ_LT(p->seq + s->len, peer->ack - rwin))
		return true;
	/*
	 * Before the ISN means something only while the peer's sequence
	 * space is young and seen whole: after 2^30 bytes, or once the
	 * capture has shown gaps (which can hide as many), the comparison
	 * with the ISN may have wrapped and says nothing.
	 */
	if ((p->tcp_flags & TH_ACK) && SEQ_LT(p->ack, peer->isn) &&
	    peer->snd_max - peer->isn < SEQ_YOUNG && !(f->state & FS_GAP))
		return true;
	return false;
}

/*
 * A segment more than the receiver's largest window beyond what its
 * sender had sent, or acknowledging more than a window beyond what the
 * peer had sent, is what a gap in the capture looks like (a ring that
 * overflowed, a capture filtered to SYN/FIN/RST): the mark follows it,
 * marked as a jump.  The sender's next segment decides (tcp_jump_refuted());
 * until then the jumping segment does not teach its sender's TTL.
 */
static bool
tcp_jump(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct flow_half *peer = &f->half[!s->dir];
	bool jumped = false;

	if (!tcp_judged(s))
		return false;
	if (SEQ_GT(p->seq, h->snd_max + window_max(f, peer))) {
		h->flags |= HALF_JUMP;
		jumped = true;
	}
	if ((p->tcp_flags & TH_ACK) &&
	    SEQ_GT(p->ack, peer->snd_max + window_max(f, h))) {
		peer->flags |= HALF_JUMP;
		jumped = true;
	}
	if (jumped)
		f->state |= FS_GAP;
	return jumped;
}

/*
 * After a jump, the sender's own next segment decides: near its new mark,
 * the jump was a gap in the capture; more than a window behind it, back
 * where it was, the sender never made the jump: the segment (or the
 * acknowledgement) that made it was not the connection's, a device in the
 * path made it up (seq_anomaly, reported now).  The mark goes back.
 */
static void
tcp_jump_refuted(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct flow_half *peer = &f->half[!s->dir];

	if (!(h->flags & HALF_JUMP) || !tcp_judged(s))
		return;
	h->flags &= ~HALF_JUMP;
	if (!SEQ_LT(p->seq + s->len, h->snd_max - window_max(f, peer)))
		return;
	h->snd_max = p->seq;
	if ((peer->flags & HALF_ACK) && SEQ_GT(peer->ack, h->snd_max))
		peer->ack = h->snd_max;
	tcp_anomaly(s);
}

/*
 * A RST ends its sender's connection (RFC 9293 3.10.7): that sender sends
 * nothing new on it afterwards.  New data or a FIN from it proves the RST
 * was someone else's, sent in its name (a race of injected RST and real
 * data): the verdict is corrected.
 */
static void
tcp_after_rst(struct seg *s)
{
	struct flow *f = s->f;
	const struct flow_half *h = &f->half[s->dir];

	if (!(f->state & FS_RST_END) ||
	    !(f->state & FS_RST_END_RESP) != (s->dir == DIR_ORIG) ||
	    (f->close != CLOSE_app_reset && f->close != CLOSE_loss_reset) ||
	    s->len == 0 || !(h->flags & HALF_SEQ) ||
	    !SEQ_GT(s->p->seq + s->len, h->snd_max))
		return;
	tcp_rst_late(s);
	s->res->cls = FLOW_ESTABLISHED;
}

/*
 * The RST that ended the flow is found injected after the fact: the
 * flow goes on, its record says rst_injected, and the alert compares the
 * RST's TTL with the one this packet of the same side has.
 */
static void
tcp_rst_late(struct seg *s)
{
	struct flow *f = s->f;
	struct tcp_verdict *v;

	v = verdict(s, EV_rst_injected);
	v->by = seg_side(s);
	v->ttl = f->half[s->dir].rst_ttl;
	v->expected_ttl = s->p->ttl;
	f->state &= ~(FS_RST_END | FS_RST_END_RESP | FS_INJ_RESP);
	if (s->dir == DIR_RESP)
		f->state |= FS_INJ_RESP;
	f->close = CLOSE_rst_injected;
	f->state |= FS_CLOSE_SET;
}

/*
 * The sequence side of a segment.  In order: keep-alives and zero-window
 * probes (never retransmissions), new data (moves the high-water mark),
 * then what does not advance the mark: spurious, fast, out-of-order or a
 * plain retransmission.  A segment that overlaps old data but also carries
 * new data advances the mark and is not a retransmission; Wireshark calls
 * it one, we follow the definition "does not advance the high-water mark".
 */
static void
tcp_data(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct flow_half *peer = &f->half[!s->dir];
	uint32_t now32 = (uint32_t)s->now_us;
	uint32_t len = s->len, reorder_us;

	if (!(h->flags & HALF_SEQ)) {
		h->snd_max = p->seq + len;
		h->flags |= HALF_SEQ;
		if (len > 0)
			h->last_seg_us = now32;
		return;
	}

	/* Zero-window probe: one byte against a closed window (RFC 9293 3.8.6.1). */
	if (p->payload_len == 1 && !(p->tcp_flags & TH_FIN) &&
	    (peer->flags & HALF_WIN) && peer->win == 0 &&
	    (p->seq == h->snd_max || p->seq + 1 == h->snd_max)) {
		f->window_probes += f->window_probes < UINT16_MAX;
		h->snd_max = p->seq + 1;
		return;
	}
	/* Keep-alive: zero or one byte just below the mark (RFC 9293 3.8.4). */
	if (p->payload_len <= 1 && !(p->tcp_flags & TH_FIN) &&
	    p->seq + 1 == h->snd_max) {
		f->keepalives += f->keepalives < UINT16_MAX;
		return;
	}
	if (len == 0) {
		/*
		 * A pure ACK sent beyond the mark says its sender had sent
		 * data the capture missed: a later re-send of it is a
		 * retransmission, not new data.
		 */
		if (SEQ_GT(p->seq, h->snd_max)) {
			h->snd_max = p->seq;
			f->state |= FS_GAP;
		}
		return;
	}

	if (SEQ_GT(p->seq + len, h->snd_max)) {
		h->snd_max = p->seq + len;
		h->last_seg_us = now32;
		return;
	}

	/* Not advancing the mark. */
	if ((peer->flags & HALF_ACK) && SEQ_LEQ(p->seq + len, peer->ack)) {
		/* Spurious: everything in it was already acknowledged. */
		h->retransmits++;
		return;
	}
	if (peer->dupacks >= 2 && p->seq == peer->ack) {
		tcp_retransmission(s);
		return;
	}
	/*
	 * Out-of-order: close behind the segment that last raised the mark
	 * (as Wireshark times it), so that a burst of retransmissions long
	 * after the original is not mistaken for reordering.  A segment
	 * that ends exactly at the mark cannot be a reordered original
	 * (Wireshark's exception too): the mark was set by it, or by a copy
	 * of it, so it is a re-send (a repeated FIN, a quick retransmission).
	 */
	reorder_us = f->irtt_us ? f->irtt_us : REORDER_DEFAULT_US;
	if (now32 - h->last_seg_us < reorder_us &&
	    p->seq + len != h->snd_max) {
		f->out_of_order += f->out_of_order < UINT16_MAX;
		return;
	}
	tcp_retransmission(s);
}

/*
 * Retransmissions are counted per flow and direction, and per segment for
 * the threshold: a retransmission that covers the first byte of the
 * segment being tracked is that segment again, however it is cut (TSO).
 */
static void
tcp_retransmission(struct seg *s)
{
	const struct pkt *p = s->p;
	struct flow_half *h = &s->f->half[s->dir];
	struct tcp_verdict *v;

	h->retransmits++;
	if (h->rtx_count > 0 && SEQ_GT(p->seq, h->rtx_seq)) {
		/*
		 * A later segment re-sent while the tracked one is still
		 * unacknowledged (senders that re-send a whole flight, one
		 * segment after the other): the tracker stays on the first,
		 * which is the one whose loss holds the connection up.
		 */
		return;
	}
	if (h->rtx_count > 0 && SEQ_GT(p->seq + s->len, h->rtx_seq)) {
		if (h->rtx_count < UINT8_MAX)
			h->rtx_count++;
	} else {
		h->rtx_seq = p->seq;
		h->rtx_count = 1;
	}
	if (h->rtx_count >= s->par->max_data_retransmissions) {
		v = verdict(s, EV_data_retransmit);
		v->count = h->rtx_count;
		v->threshold = s->par->max_data_retransmissions;
		v->seq = h->rtx_seq;
		v->by = seg_side(s);
	}
}

static void
tcp_fin(struct seg *s)
{
	struct flow *f = s->f;

	f->half[s->dir].flags |= HALF_FIN;
	if (!(f->half[!s->dir].flags & HALF_FIN) || (f->state & FS_RST_END))
		return;
	/* Both sides closed: graceful, even after an injected RST. */
	f->close = CLOSE_graceful;
	f->state |= FS_CLOSE_SET;
	s->res->cls = FLOW_CLOSED;
}

/*
 * A RST is exactly one of: rst_injected (not from the peer it claims),
 * syn_refused (answers a SYN), loss_reset (data outstanding and being
 * retransmitted), app_reset (otherwise).  Only the first real RST of a
 * connection is judged; the rest are counted, as is a RST that answers
 * nothing (the first packet of a flow, or a mid-stream pickup's with one
 * end heard).
 */
static void
tcp_rst(struct seg *s)
{
	struct flow *f = s->f;
	const struct pkt *p = s->p;
	struct flow_half *h = &f->half[s->dir];
	struct flow_half *peer = &f->half[!s->dir];
	struct tcp_verdict *v;
	int lossy;

	if (h->rst < UINT8_MAX)
		h->rst++;
	if (!(f->state & FS_RST_FIRST)) {
		f->state |= FS_RST_FIRST;
		if (s->dir == DIR_RESP)
			f->state |= FS_RST_BY_RESP;
	}
	if ((f->state & FS_RST_END) ||
	    ((h->flags & HALF_FIN) && (peer->flags & HALF_FIN)))
		return;
	/*
	 * A RST that answers nothing seen ends whatever it answers all the
	 * same: the flow waits out the closed timeout, and what comes on
	 * the tuple after it is another flow (a host that resets a dead
	 * peer's packets once a minute gives one record per RST, as Zeek
	 * gives one connection each, not one day-long flow).
	 */
	if (!(f->state & FS_NONRST)) {
		s->res->cls = FLOW_CLOSED;
		return;
	}
	/*
	 * The other side's RST after one judged injected is what a stack
	 * that believed the forgery sends (to the real SYN-ACK, to the
	 * real data): counted, the record keeps rst_injected.
	 */
	if ((f->state & FS_CLOSE_SET) && f->close == CLOSE_rst_injected &&
	    !(f->state & FS_INJ_RESP) == (s->dir == DIR_RESP))
		return;

	/* Injected: the TTL differs from every earlier packet of that side. */
	if ((h->flags & HALF_TTL) && (p->ttl < h->ttl_min || p->ttl > h->ttl_max)) {
		v = verdict(s, EV_rst_injected);
		v->by = seg_side(s);
		v->ttl = p->ttl;
		v->expected_ttl = p->ttl < h->ttl_min ? h->ttl_min : h->ttl_max;
		tcp_injected(s);
		return;
	}
	/* ... or its sequence number is outside the receive window (RFC 5961 3.2). */
	if ((f->state & (FS_SYN | FS_SYNACK)) == (FS_SYN | FS_SYNACK) &&
	    (peer->flags & HALF_ACK) && (peer->flags & HALF_WIN) &&
	    p->seq != h->snd_max) {
		uint32_t left = peer->ack;
		uint32_t win = window_bytes(f, peer, peer->win);

		if (SEQ_LT(p->seq, left) || SEQ_GEQ(p->seq, left + (win ? win : 1))) {
			v = verdict(s, EV_rst_injected);
			v->by = seg_side(s);
			v->window_evidence = true;
			v->seq = p->seq;
			v->expected_seq = left;
			v->window = win;
			tcp_injected(s);
			return;
		}
	}

	if ((f->state & FS_SYN) && !(f->state & FS_SYNACK) && s->dir == DIR_RESP) {
		uint32_t want = f->half[DIR_ORIG].isn + 1;

		/*
		 * A refusal acknowledges the SYN exactly; the originator
		 * drops any other RST (RFC 9293 3.10.7.3), so it is not the
		 * peer's: a device in the path answered the SYN.
		 */
		if (!(p->tcp_flags & TH_ACK) || p->ack != want) {
			v = verdict(s, EV_rst_injected);
			v->by = seg_side(s);
			v->window_evidence = true;
			v->seq = p->ack;
			v->expected_seq = want;
			v->window = 1;
			tcp_injected(s);
			return;
		}
		verdict(s, EV_syn_refused)->by = seg_side(s);
		tcp_rst_end(s, CLOSE_refused);
		return;
	}
	lossy = f->half[DIR_ORIG].rtx_count > f->half[DIR_RESP].rtx_count ?
	    DIR_ORIG : DIR_RESP;
	if (f->half[lossy].rtx_count > 0) {
		v = verdict(s, EV_loss_reset);
		v->by = seg_side(s);
		v->count = f->half[lossy].rtx_count;
		tcp_rst_end(s, CLOSE_loss_reset);
		return;
	}
	/*
	 * "Nothing outstanding" is only known of a connection seen from
	 * both ends.  Picked up mid-stream (at the start of a capture, or
	 * again after the flow table had to evict it) with one end heard so
	 * far, it may have been retransmitting for a while before: the RST
	 * is counted, not classified.
	 */
	if ((f->state & FS_MIDSTREAM) &&
	    !((h->flags & HALF_TTL) && (peer->flags & HALF_TTL))) {
		s->res->cls = FLOW_CLOSED;
		return;
	}
	verdict(s, EV_app_reset)->by = seg_side(s);
	tcp_rst_end(s, CLOSE_app_reset);
}

/* The RST s is injected: the connection goes on, its record says so. */
static void
tcp_injected(struct seg *s)
{
	struct flow *f = s->f;

	f->state &= ~FS_INJ_RESP;
	if (s->dir == DIR_RESP)
		f->state |= FS_INJ_RESP;
	f->close = CLOSE_rst_injected;
	f->state |= FS_CLOSE_SET;
}

static void
tcp_rst_end(struct seg *s, enum close_reason why)
{
	s->f->half[s->dir].rst_ttl = s->p->ttl;
	if (s->dir == DIR_RESP)
		s->f->state |= FS_RST_END_RESP;
	s->f->state |= FS_RST_END;
	s->f->close = why;
	s->f->state |= FS_CLOSE_SET;
	s->res->cls = FLOW_CLOSED;
}

static void
tcp_anomaly(struct seg *s)
{
	struct flow *f = s->f;

	f->seq_anomalies += f->seq_anomalies < UINT16_MAX;
	verdict(s, EV_seq_anomaly)->count = f->seq_anomalies;
}

/*
 * Zeek's endpoint states, for a connection whose SYN was not captured:
 * an endpoint that sent nothing is inactive, one that sent a RST reset, a
 * FIN closed; a responder seen sending its SYN-ACK is established, and so
 * is the originator acknowledging it; otherwise partial (data without a
 * SYN).
 */
enum zeek_endp { ZE_INACTIVE, ZE_PARTIAL, ZE_ESTABLISHED, ZE_CLOSED, ZE_RESET };

static enum zeek_endp
tcp_zeek_endp(const struct flow *f, int dir)
{
	const struct flow_half *h = &f->half[dir];

	if (h->rst > 0)
		return ZE_RESET;
	if (h->flags & HALF_FIN)
		return ZE_CLOSED;
	if (!(h->flags & HALF_TTL))
		return ZE_INACTIVE;
	if ((f->state & FS_SYNACK) && (dir == DIR_RESP || (h->flags & HALF_ACK)))
		return ZE_ESTABLISHED;
	return ZE_PARTIAL;
}

/*
 * Zeek's rules for a connection picked up without its SYN: both sides
 * closed is SF even so, one side closed is S2/S3 when the other is
 * established and SH/SHR when it is not, resets are RSTO/RSTR, or
 * RSTRH/OTH when the other side was never established.
 */
static enum conn_state
tcp_conn_state_nosyn(const struct flow *f)
{
	enum zeek_endp os = tcp_zeek_endp(f, DIR_ORIG);
	enum zeek_endp rs = tcp_zeek_endp(f, DIR_RESP);
	bool o_inactive = os == ZE_INACTIVE || os == ZE_PARTIAL;
	bool r_inactive = rs == ZE_INACTIVE || rs == ZE_PARTIAL;

	if (rs == ZE_RESET) {
		if (os == ZE_RESET && f->half[DIR_ORIG].bytes == 0 &&
		    f->half[DIR_RESP].bytes == 0)
			return CS_REJ;
		return o_inactive ? CS_RSTRH : CS_RSTR;
	}
	if (os == ZE_RESET)
		return r_inactive ? CS_OTH : CS_RSTO;
	if (os == ZE_CLOSED && rs == ZE_CLOSED)
		return CS_SF;
	if (os == ZE_CLOSED)
		return r_inactive ? CS_SH : CS_S2;
	if (rs == ZE_CLOSED)
		return o_inactive ? CS_SHR : CS_S3;
	if (os == ZE_ESTABLISHED && rs == ZE_ESTABLISHED)
		return CS_S1;
	return CS_OTH;
}

/* Zeek's conn_state, from what was seen of the handshake and the end. */
enum conn_state
tcp_conn_state(const struct flow *f)
{
	bool syn = f->state & FS_SYN, synack = f->state & FS_SYNACK;
	bool fin_o = f->half[DIR_ORIG].flags & HALF_FIN;
	bool fin_r = f->half[DIR_RESP].flags & HALF_FIN;
	bool rst = (f->state & FS_RST_END) ||
	    ((f->state & FS_RST_FIRST) && !(fin_o && fin_r));
	bool rst_r = f->state & FS_RST_BY_RESP;

	if (syn && !synack) {
		if (rst)
			return rst_r ? CS_REJ : CS_RSTOS0;
		return fin_o ? CS_SH : CS_S0;
	}
	if (!syn)
		return tcp_conn_state_nosyn(f);
	if (rst)
		return rst_r ? CS_RSTR : CS_RSTO;
	if (fin_o && fin_r)
		return CS_SF;
	if (fin_o)
		return CS_S2;
	if (fin_r)
		return CS_S3;
	return CS_S1;
}

enum close_reason
tcp_close_reason(const struct flow *f, enum flow_end why)
{
	if (f->state & FS_CLOSE_SET)
		return (enum close_reason)f->close;
	if (why == FLOW_END_FINISH)
		return CLOSE_open;
	if (f->state & (FS_ESTAB | FS_MIDSTREAM))
		return CLOSE_timeout;
	return CLOSE_handshake_timeout;
}
