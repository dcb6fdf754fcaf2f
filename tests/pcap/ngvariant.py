#!/usr/bin/env python3
"""Write pcapng files from classic Ethernet pcap files, for
tests/pcap/pcapng.sh.

    ngvariant.py multi IN OUT      several interfaces, two sections
    ngvariant.py spb IN OUT SNAP   one interface, Simple Packet Blocks
    ngvariant.py blocks IN         "OFFSET TYPE" per block, then "END SIZE"
    ngvariant.py damage IN OUT KIND
                                   IN (a pcapng file) damaged one way
    ngvariant.py relabel IN OUT I LINKTYPE
                                   IN's I-th interface description (from
                                   0, across sections) given LINKTYPE

multi spreads the packets of IN over interfaces of other link types and
time stamp units, round robin, each frame rewritten for its interface's
link layer (the IP packet and its time stay the same), in two sections:

    section 1, little-endian: Ethernet (microseconds), raw IP (10^-9 s),
        Linux cooked (2^-20 s, if_tsoffset 1000000000 s)
    section 2, big-endian: BSD loopback in obsolete Packet Blocks
        (10^-7 s), SLL2 (10^-3 s where the time allows it, else 10^-6)

with a Name Resolution Block, an Interface Statistics Block and a custom
block in between, which a reader must skip.  It prints the link type of
each packet written, one a line.  Frames of IN must be Ethernet II
without VLAN tags.

spb writes every packet as a Simple Packet Block (no time stamp, captured
length = min(length on the wire, SNAP)), with an IDB of snapshot length
SNAP.

damage KIND: trailer (a block's two lengths differ), bom (a section header
with an unknown byte-order magic), ifid (a packet on an interface never
described), big (a block length of 32 MiB), tsresol (if_tsresol 10^-20),
version (a section of version 2.0), caplen (a captured length past the
block), idbshort (an IDB of 16 bytes).  The damage is done to the first
block it can be done to after the first packet, so that packets come
before it.
"""

import struct
import sys

LT_EN10MB = 1
LT_NULL = 0
LT_RAW = 101
LT_SLL = 113
LT_SLL2 = 276


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xA1B2C3D4:
        e = "<"
    elif magic == 0xD4C3B2A1:
        e = ">"
    else:
        raise SystemExit("%s: not a microsecond classic pcap file" % path)
    if struct.unpack(e + "I", data[20:24])[0] != LT_EN10MB:
        raise SystemExit("%s: not Ethernet" % path)
    off = 24
    recs = []
    while off + 16 <= len(data):
        sec, usec, cap, wire = struct.unpack(e + "IIII", data[off:off + 16])
        frame = data[off + 16:off + 16 + cap]
        recs.append((sec * 1000000 + usec, frame, wire))
        off += 16 + cap
    return recs


def opt(e, code, value):
    pad = (4 - len(value) % 4) % 4
    return struct.pack(e + "HH", code, len(value)) + value + b"\0" * pad


def block(e, btype, body):
    n = 12 + len(body)
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def shb(e):
    body = struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1)
    body += opt(e, 4, b"ngvariant") + opt(e, 0, b"")
    return block(e, 0x0A0D0D0A, body)


def idb(e, linktype, snaplen, tsresol=None, tsoffset=None):
    body = struct.pack(e + "HHI", linktype, 0, snaplen)
    opts = opt(e, 2, b"if%d" % linktype)
    if tsresol is not None:
        opts += opt(e, 9, bytes([tsresol]))
    if tsoffset is not None:
        opts += opt(e, 14, struct.pack(e + "q", tsoffset))
    return block(e, 1, body + opts + opt(e, 0, b""))


def units(tsresol):
    if tsresol is None:
        return 1000000
    return (2 if tsresol & 0x80 else 10) ** (tsresol & 0x7F)


def stamp(ts_us, tsresol, tsoffset):
    """The time in the interface's units, rounded up: read back rounded
    down, the microsecond comes back whole."""
    u = units(tsresol)
    rel = ts_us - (tsoffset or 0) * 1000000
    return (rel * u + 999999) // 1000000


def pkt_block(e, ifid, t, frame, wire, pb=False):
    pad = (4 - len(frame) % 4) % 4
    if pb:
        head = struct.pack(e + "HH", ifid, 0)
    else:
        head = struct.pack(e + "I", ifid)
    body = head + struct.pack(e + "IIII", t >> 32, t & 0xFFFFFFFF,
                              len(frame), wire)
    return block(e, 2 if pb else 6, body + frame + b"\0" * pad)


def relink(frame, wire, linktype):
    """The Ethernet frame for another link layer: (frame, wire)."""
    etype = frame[12:14]
    ip = frame[14:]
    if linktype == LT_EN10MB:
        return frame, wire
    if linktype == LT_RAW:
        return ip, wire - 14
    if linktype == LT_SLL:
        # Sent to us (0), ARPHRD_ETHER, the source MAC.
        hdr = struct.pack(">HHH", 0, 1, 6) + frame[6:12] + b"\0\0" + etype
        return hdr + ip, wire + 2
    if linktype == LT_SLL2:
        hdr = etype + b"\0\0" + struct.pack(">IHBB", 2, 1, 0, 6) + \
            frame[6:12] + b"\0\0"
        return hdr + ip, wire + 6
    if linktype == LT_NULL:
        fam = 2 if etype == b"\x08\x00" else 10
        return struct.pack("<I", fam) + ip, wire - 10
    raise SystemExit("link type %d" % linktype)


def multi(recs):
    sections = [
        ("<", [(LT_EN10MB, None, None, False), (LT_RAW, 9, None, False),
               (LT_SLL, 0x94, 1000000000, False)]),
        (">", [(LT_NULL, 7, None, True), (LT_SLL2, 3, None, False)]),
    ]
    out = b""
    kinds = []
    half = (len(recs) + 1) // 2
    parts = [recs[:half], recs[half:]]
    for (e, ifaces), part in zip(sections, parts):
        out += shb(e)
        # A Name Resolution Block before any interface: skipped.
        out += block(e, 4, struct.pack(e + "HH", 1, 8) +
                     bytes([10, 0, 0, 1]) + b"a.b\0" + opt(e, 0, b""))
        for linktype, tsresol, tsoffset, _ in ifaces:
            out += idb(e, linktype, 262144, tsresol, tsoffset)
        for i, (ts, frame, wire) in enumerate(part):
            k = i % len(ifaces)
            linktype, tsresol, tsoffset, pb = ifaces[k]
            # Milliseconds only where the time falls on one.
            if tsresol == 3 and ts % 1000 != 0:
                k = 0
                linktype, tsresol, tsoffset, pb = ifaces[0]
            f, w = relink(frame, wire, linktype)
            out += pkt_block(e, k, stamp(ts, tsresol, tsoffset), f, w, pb)
            kinds.append(linktype)
            if i == 1:
                # Statistics and a custom block (PEN 32473): skipped.
                out += block(e, 5, struct.pack(e + "III", 0, 0, 0) +
                             opt(e, 0, b""))
                out += block(e, 0x00000BAD, struct.pack(e + "I", 32473) +
                             b"skip")
    return out, kinds


def spb(recs, snap):
    e = "<"
    out = shb(e) + idb(e, LT_EN10MB, snap)
    for ts, frame, wire in recs:
        data = frame[:min(wire, snap)]
        data += b"\0" * (min(wire, snap) - len(data))
        pad = (4 - len(data) % 4) % 4
        out += block(e, 3, struct.pack(e + "I", wire) + data + b"\0" * pad)
    return out


def blocks(data):
    """[(offset, type)] of a pcapng file, and its size."""
    res = []
    off = 0
    e = "<"
    while off + 12 <= len(data):
        if data[off:off + 4] == b"\x0a\x0d\x0d\x0a":
            e = "<" if data[off + 8:off + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        btype, n = struct.unpack(e + "II", data[off:off + 8])
        res.append((off, btype, n, e))
        off += n
    return res


def damage(data, kind):
    bl = blocks(data)
    first_pkt = next(i for i, b in enumerate(bl) if b[1] in (2, 3, 6))
    after = bl[first_pkt + 1:]
    d = bytearray(data)

    def first(types):
        return next(b for b in after if b[1] in types)

    if kind == "trailer":
        off, _, n, e = first((2, 3, 6))
        struct.pack_into(e + "I", d, off + n - 4, n + 4)
    elif kind == "bom":
        off, _, n, e = first((0x0A0D0D0A,))
        struct.pack_into("<I", d, off + 8, 0x12345678)
    elif kind == "ifid":
        off, _, n, e = first((6,))
        struct.pack_into(e + "I", d, off + 8, 7)
    elif kind == "big":
        off, _, n, e = first((2, 3, 6))
        struct.pack_into(e + "I", d, off + 4, 32 << 20)
    elif kind == "tsresol":
        off, _, n, e = first((1,))
        body = bytes(d[off + 16:off + n - 4])
        i = 0
        while i + 4 <= len(body):
            code, ln = struct.unpack(e + "HH", body[i:i + 4])
            if code == 9:
                d[off + 16 + i + 4] = 20
                break
            i += 4 + ((ln + 3) & ~3)
        else:
            raise SystemExit("no if_tsresol to damage")
    elif kind == "version":
        off, _, n, e = first((0x0A0D0D0A,))
        struct.pack_into(e + "H", d, off + 12, 2)
    elif kind == "caplen":
        off, _, n, e = first((6,))
        struct.pack_into(e + "I", d, off + 20, n)
    elif kind == "idbshort":
        off, _, n, e = first((1,))
        d[off:off + n] = block(e, 1, b"\0\0\0\0")
    else:
        raise SystemExit("damage: unknown kind %s" % kind)
    return bytes(d)


def main(argv):
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "multi" and len(argv) == 4:
        out, kinds = multi(read_pcap(argv[2]))
        with open(argv[3], "wb") as f:
            f.write(out)
        for k in kinds:
            print(k)
    elif cmd == "spb" and len(argv) == 5:
        with open(argv[3], "wb") as f:
            f.write(spb(read_pcap(argv[2]), int(argv[4])))
    elif cmd == "blocks" and len(argv) == 3:
        with open(argv[2], "rb") as f:
            data = f.read()
        for off, btype, _, _ in blocks(data):
            print(off, btype)
        print("END", len(data))
    elif cmd == "relabel" and len(argv) == 6:
        with open(argv[2], "rb") as f:
            data = bytearray(f.read())
        idbs = [b for b in blocks(bytes(data)) if b[1] == 1]
        off, _, _, e = idbs[int(argv[4])]
        struct.pack_into(e + "H", data, off + 8, int(argv[5]))
        with open(argv[3], "wb") as f:
            f.write(bytes(data))
    elif cmd == "damage" and len(argv) == 5:
        with open(argv[2], "rb") as f:
            data = f.read()
        with open(argv[3], "wb") as f:
            f.write(damage(data, argv[4]))
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
