/*
 * IEEE 802.11 data frames, as Aruba access points tunnel them to their
 * controller in GRE (protocol types 0x8200-0x82f0 and 0x8300-0x8370 in
 * steps of 16, the same values Zeek and Wireshark take for it).  The MAC
 * header (IEEE 802.11-2020 9.3.2.1): frame control (2), duration (2),
 * three addresses (18), sequence control (2); a fourth address when both
 * To DS and From DS are set; QoS control (2) for QoS subtypes, and an HT
 * control field (4) when a QoS frame has the +HTC/Order bit.  Then 802.2
 * LLC/SNAP, or with the QoS A-MSDU bit a first subframe header (DA, SA,
 * length: 14 bytes) before it: the first subframe is decoded, the rest
 * of the aggregate is not (one packet, one transport header).  Frames
 * that are not data, carry no data (null subtypes) or are protected
 * (encrypted) are not IP.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "extract.h"

#define WLAN_HDR_LEN		24
#define WLAN_ADDR4_LEN		6
#define WLAN_QOS_LEN		2
#define WLAN_HTC_LEN		4
#define WLAN_AMSDU_SUB_LEN	14

#define WLAN_FC0_TYPE		0x0c	/* frame control byte 0 */
#define WLAN_FC0_TYPE_DATA	0x08
#define WLAN_FC0_QOS		0x80	/* subtype bit: QoS */
#define WLAN_FC0_NODATA		0x40	/* subtype bit: null (no body) */
#define WLAN_FC1_DS		0x03	/* frame control byte 1: To/From DS */
#define WLAN_FC1_PROTECTED	0x40
#define WLAN_FC1_ORDER		0x80
#define WLAN_QOS_AMSDU		0x80	/* QoS control byte 0 */

enum decode_result
decode_wlan(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	size_t hlen = WLAN_HDR_LEN, sub;
	uint8_t fc0, fc1;
	int amsdu = 0;

	if (len < caplen)
		len = caplen;
	if (caplen < 2)
		return DECODE_wlan_truncated;
	fc0 = data[0];
	fc1 = data[1];
	if ((fc0 & WLAN_FC0_TYPE) != WLAN_FC0_TYPE_DATA ||
	    (fc0 & WLAN_FC0_NODATA) || (fc1 & WLAN_FC1_PROTECTED))
		return DECODE_not_ip;
	if ((fc1 & WLAN_FC1_DS) == WLAN_FC1_DS)
		hlen += WLAN_ADDR4_LEN;
	if (fc0 & WLAN_FC0_QOS) {
		if (caplen < hlen + WLAN_QOS_LEN)
			return DECODE_wlan_truncated;
		amsdu = (data[hlen] & WLAN_QOS_AMSDU) != 0;
		hlen += WLAN_QOS_LEN;
		if (fc1 & WLAN_FC1_ORDER)
			hlen += WLAN_HTC_LEN;
	}
	if (amsdu) {
		if (caplen < hlen + WLAN_AMSDU_SUB_LEN)
			return DECODE_wlan_truncated;
		sub = get_u16(data + hlen + 12);
		hlen += WLAN_AMSDU_SUB_LEN;
		/* The first subframe bounds what follows. */
		if (sub > len - hlen)
			return DECODE_wlan_truncated;
		len = hlen + sub;
		if (caplen > len)
			caplen = len;
	}
	if (caplen < hlen)
		return DECODE_wlan_truncated;
	return decode_llc(p, data + hlen, caplen - hlen, len - hlen);
}
