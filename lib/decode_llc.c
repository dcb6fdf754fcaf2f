/*
 * IEEE 802.2 LLC with a SNAP header (RFC 1042), what follows an 802.3
 * length field where Ethernet II would have its EtherType (a value of
 * 1500 or less is a length, IEEE 802.3 clause 3.2.6), and what Linux
 * cooked captures mark with protocol ETH_P_802_2:
 *	0 DSAP aa  1 SSAP aa  2 control 03 (UI)  3 OUI (24)  6 EtherType (16)
 * OUI 000000 is RFC 1042's encapsulation, 0000f8 802.1H's bridge tunnel;
 * both carry an EtherType, handed to the EtherType dispatch.  Other LLC
 * frames (spanning tree, NetBIOS, IPX) and other OUIs (CDP, VTP) are not
 * IP.
 */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "decode_int.h"
#include "extract.h"

#define LLC_SNAP_HDR_LEN	8
#define LLC_SAP_SNAP		0xaa
#define LLC_UI			0x03
#define OUI_RFC1042		0x000000u
#define OUI_8021H		0x0000f8u
/* An EtherType, not a length (IEEE 802.3 clause 3.2.6). */
#define ETHERTYPE_MIN		0x0600

enum decode_result
decode_llc(struct pkt *p, const uint8_t *data, size_t caplen, size_t len)
{
	uint32_t oui;
	uint16_t type;

	if (len < caplen)
		len = caplen;
	/* Three bytes tell LLC's kind; SNAP's five more are needed after. */
	if (caplen < 3)
		return DECODE_llc_truncated;
	if (data[0] != LLC_SAP_SNAP || data[1] != LLC_SAP_SNAP ||
	    data[2] != LLC_UI)
		return DECODE_not_ip;
	if (caplen < LLC_SNAP_HDR_LEN)
		return DECODE_llc_truncated;
	oui = (uint32_t)data[3] << 16 | (uint32_t)data[4] << 8 | data[5];
	type = get_u16(data + 6);
	/*
	 * A length or a tag inside SNAP would lead back here or into the
	 * tag walk: refused, so that one frame is never walked twice.
	 */
	if ((oui != OUI_RFC1042 && oui != OUI_8021H) || type < ETHERTYPE_MIN ||
	    decode_ethertype_is_vlan(type))
		return DECODE_not_ip;
	return decode_ethertype(p, type, data + LLC_SNAP_HDR_LEN,
	    caplen - LLC_SNAP_HDR_LEN, len - LLC_SNAP_HDR_LEN);
}
