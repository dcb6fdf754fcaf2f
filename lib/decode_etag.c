/*
 * Port extender tags, which a controlling bridge and its remote line cards
 * (fabric extenders) put between the addresses and the EtherType:
 *
 * Cisco's VN-tag, EtherType 0x8926, then 4 bytes:
 *	direction, pointer, destination VIF (14), looped, reserved,
 *	version (2), source VIF (12); then the EtherType
 * IEEE 802.1BR's E-tag, EtherType 0x893f, then 6 bytes:
 *	E-PCP, E-DEI, ingress E-CID base (12), reserved, GRP (2), E-CID
 *	base (12), ingress E-CID ext (8), E-CID ext (8); then the EtherType
 *
 * Neither says anything about the flow: the virtual interfaces are the
 * switch's, not the connection's.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define VNTAG_LEN	4
#define ETAG_LEN	6

enum decode_result
decode_vntag(struct decode_layer *l, const uint8_t *data, size_t caplen,
    size_t len)
{
	return decode_layer_fixed(l, data, caplen, len, VNTAG_LEN + 2,
	    DECODE_vntag_truncated);
}

enum decode_result
decode_etag(struct decode_layer *l, const uint8_t *data, size_t caplen,
    size_t len)
{
	return decode_layer_fixed(l, data, caplen, len, ETAG_LEN + 2,
	    DECODE_etag_truncated);
}
