/*
 * VXLAN (RFC 7348): 8 bytes in UDP to port 4789, then an Ethernet frame.
 * Only the I flag (a valid VNI) is required: the other bits are reserved
 * and extensions (group policy) set some of them.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define VXLAN_HDR_LEN		8
#define VXLAN_F_VNI		0x08	/* I: the VNI is valid */
#define VXLAN_VNI_OFF		4

enum decode_result
decode_vxlan(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	enum decode_result r;

	if (len < caplen)
		len = caplen;
	if (len < VXLAN_HDR_LEN)
		return DECODE_NOT_TUNNEL;
	if (caplen < VXLAN_HDR_LEN)
		return DECODE_vxlan_truncated;
	if (!(data[0] & VXLAN_F_VNI))
		return DECODE_NOT_TUNNEL;
	if ((r = decode_tunnel_push(p, TUN_VXLAN, true,
	    get_u32(data + VXLAN_VNI_OFF) >> 8)) != DECODE_ok)
		return r;
	return decode_next_ethertype(p, ETHERTYPE_TEB, data + VXLAN_HDR_LEN,
	    caplen - VXLAN_HDR_LEN, len - VXLAN_HDR_LEN);
}
