/*
 * What two-point comparison needs from a frame beyond struct pkt: the IP
 * traffic class (DSCP and ECN, RFC 2474 and 3168) and a hash of the
 * first payload bytes.  The decoder keeps neither (the analyser has no
 * use for them), so the TCP header is found again in the frame by what
 * the decoder read from it: ports, sequence and acknowledgement numbers,
 * 12 bytes that occur nowhere else in a header.  The IP header is the one
 * just before it.  Off the live packet path: only -R calls this.
 */
#include <string.h>

#include "extract.h"
#include "path.h"

/* Where to look: link headers and tunnels are shorter than this. */
#define FRAME_SEARCH	512

void
path_frame_extras(struct path_frame *fr, const uint8_t *frame, size_t caplen,
    const struct pkt *k)
{
	uint8_t pat[12];
	size_t lim, off, hlen, avail;
	uint32_t h = 2166136261u;
	const uint8_t *ip;

	memset(fr, 0, sizeof(*fr));
	if (k->proto != PKT_PROTO_TCP || caplen < 20)
		return;
	pat[0] = (uint8_t)(k->sport >> 8);
	pat[1] = (uint8_t)k->sport;
	pat[2] = (uint8_t)(k->dport >> 8);
	pat[3] = (uint8_t)k->dport;
	for (int i = 0; i < 4; i++) {
		pat[4 + i] = (uint8_t)(k->seq >> (24 - 8 * i));
		pat[8 + i] = (uint8_t)(k->ack >> (24 - 8 * i));
	}
	lim = caplen < FRAME_SEARCH ? caplen : FRAME_SEARCH;
	/* The first match: the payload, which could hold the pattern, follows. */
	for (off = 0; off + 20 <= lim; off++)
		if (memcmp(frame + off, pat, sizeof(pat)) == 0)
			break;
	if (off + 20 > lim)
		return;

	/* IPv4 (any header length) or IPv6 without extension headers. */
	for (size_t ihl = 5; ihl <= 15; ihl++) {
		if (off < ihl * 4)
			break;
		ip = frame + off - ihl * 4;
		if (ip[0] == (0x40 | ihl) && ip[9] == PKT_PROTO_TCP &&
		    addr_is_v4(&k->src) &&
		    memcmp(ip + 12, k->src.b + 12, 4) == 0) {
			fr->has_tos = true;
			fr->tos = ip[1];
			break;
		}
	}
	if (!fr->has_tos && off >= 40) {
		ip = frame + off - 40;
		if ((ip[0] >> 4) == 6 && ip[6] == PKT_PROTO_TCP &&
		    memcmp(ip + 8, k->src.b, 16) == 0) {
			fr->has_tos = true;
			fr->tos = (uint8_t)(get_u16(ip) >> 4);
		}
	}

	hlen = (size_t)(frame[off + 12] >> 4) * 4;
	if (hlen < 20 || off + hlen > caplen)
		return;
	avail = caplen - off - hlen;
	if (avail > k->payload_len)
		avail = k->payload_len;	/* Ethernet padding is not payload */
	if (avail > PATH_HASH_BYTES)
		avail = PATH_HASH_BYTES;
	for (size_t i = 0; i < avail; i++)
		h = (h ^ frame[off + hlen + i]) * 16777619u;
	fr->hash_len = (uint8_t)avail;
	fr->hash = avail > 0 ? h : 0;
}
