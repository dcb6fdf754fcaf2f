/*
 * GTP-U version 1 (3GPP TS 29.281): 8 bytes in UDP port 2152, 4 more when
 * any of the sequence, N-PDU or extension flags is set, then a chain of
 * extension headers; a G-PDU (message type 255) then carries an IP packet
 * of either version.  Echo and error messages are the tunnel's own
 * signalling and stay ordinary UDP datagrams.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define GTPU_HDR_LEN		8
#define GTPU_OPT_LEN		4	/* sequence, N-PDU, next extension */
#define GTPU_VERSION		1
#define GTPU_F_PT		0x10	/* GTP, not GTP' */
#define GTPU_F_EXT		0x04
#define GTPU_F_SEQ		0x02
#define GTPU_F_NPDU		0x01
#define GTPU_MSG_GPDU		255
#define GTPU_LEN_OFF		2
#define GTPU_TEID_OFF		4
/* Extension headers beyond this are refused rather than walked. */
#define GTPU_MAX_EXT		8

enum decode_result
decode_gtpu(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;
	size_t hlen, glen, elen;
	uint8_t next;
	int n;

	if (len < caplen)
		len = caplen;
	if (len < GTPU_HDR_LEN)
		return DECODE_NOT_TUNNEL;
	if (caplen < GTPU_HDR_LEN)
		return DECODE_gtpu_truncated;
	if (data[0] >> 5 != GTPU_VERSION || !(data[0] & GTPU_F_PT) ||
	    data[1] != GTPU_MSG_GPDU)
		return DECODE_NOT_TUNNEL;
	/* The length counts what follows the mandatory 8 bytes. */
	glen = get_u16(data + GTPU_LEN_OFF);
	if (glen > len - GTPU_HDR_LEN)
		return DECODE_gtpu_malformed;
	len = GTPU_HDR_LEN + glen;
	if (caplen > len)
		caplen = len;

	hlen = GTPU_HDR_LEN;
	if (data[0] & (GTPU_F_EXT | GTPU_F_SEQ | GTPU_F_NPDU)) {
		hlen += GTPU_OPT_LEN;
		if (len < hlen)
			return DECODE_gtpu_malformed;
		if (caplen < hlen)
			return DECODE_gtpu_truncated;
		next = (data[0] & GTPU_F_EXT) ? data[hlen - 1] : 0;
		/*
		 * Each extension header gives its length in 4-byte units and
		 * ends with the type of the next one (0: none).
		 */
		for (n = 0; next != 0; n++) {
			if (n == GTPU_MAX_EXT)
				return DECODE_gtpu_malformed;
			if (len - hlen < 1)
				return DECODE_gtpu_malformed;
			if (caplen - hlen < 1)
				return DECODE_gtpu_truncated;
			elen = (size_t)data[hlen] * 4;
			if (elen == 0 || len - hlen < elen)
				return DECODE_gtpu_malformed;
			if (caplen - hlen < elen)
				return DECODE_gtpu_truncated;
			hlen += elen;
			next = data[hlen - 1];
		}
	}
	if ((r = decode_tunnel_push(p, TUN_GTPU, true,
	    get_u32(data + GTPU_TEID_OFF))) != DECODE_ok)
		return r;
	return decode_next_ip(p, 0, data + hlen, caplen - hlen, len - hlen);
}
