/*
 * IEEE 802.1ah provider backbone bridging ("MAC-in-MAC").  The backbone
 * frame's EtherType 0x88e7 (usually behind a B-tag, an 802.1ad tag the
 * dispatch walks) is followed by the I-tag and the whole customer frame
 * from its destination address on:
 *
 *	0 I-PCP, I-DEI, UCA, reserved (8)  1 I-SID (24)
 *	4 customer destination (6)  10 customer source (6)  16 EtherType
 *
 * The I-SID names the customer's service instance.  It is not part of the
 * flow key: the customer's addresses are what tell its connections apart.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define PBB_ITAG_LEN		4
#define PBB_HDR_LEN		(PBB_ITAG_LEN + 12 + 2)

enum decode_result
decode_pbb(struct decode_layer *l, const uint8_t *data, size_t caplen,
    size_t len)
{
	return decode_layer_fixed(l, data, caplen, len, PBB_HDR_LEN,
	    DECODE_pbb_truncated);
}
