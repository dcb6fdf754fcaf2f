/*
 * FDDI (LINKTYPE_FDDI, 10; ANSI X3.139): a frame control byte, then the
 * destination and source addresses (6 bytes each, bit-reversed on some
 * platforms, which does not matter here), then 802.2 LLC.  Frame control
 * CLFFZZZZ: FF = 01 marks an LLC frame (asynchronous or synchronous);
 * the others are station management, MAC and token frames, never IP.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"

#define FDDI_HDR_LEN		13
#define FDDI_FC_FORMAT		0x30
#define FDDI_FC_LLC		0x10

enum decode_result
decode_fddi(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	if (caplen < 1)
		return DECODE_fddi_truncated;
	if ((data[0] & FDDI_FC_FORMAT) != FDDI_FC_LLC)
		return DECODE_not_ip;
	if (caplen < FDDI_HDR_LEN)
		return DECODE_fddi_truncated;
	return decode_llc(p, data + FDDI_HDR_LEN, caplen - FDDI_HDR_LEN,
	    len - FDDI_HDR_LEN);
}
