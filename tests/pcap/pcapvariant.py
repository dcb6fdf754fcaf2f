#!/usr/bin/env python3
"""Rewrite classic pcap files into the variants tests/pcap/reader.sh feeds
to both of rstwatchd's file readers.

    pcapvariant.py COMMAND IN OUT [ARGS...]
    pcapvariant.py offsets IN
    pcapvariant.py spread IN STEP
    pcapvariant.py count IN SNAPLEN
    pcapvariant.py batch <LINES

batch reads "COMMAND IN OUT [ARGS...]" lines, fields separated by tabs,
and runs them in turn in one process: the test makes over a hundred.

IN is an intact classic pcap file (either byte order, micro- or
nanoseconds).  Every command writes OUT whole; none changes IN.  The
packet bytes are copied untouched unless the command says otherwise.

    swap              every header field written in the other byte order
                      (and NFLOG's attribute headers, which are in the
                      writer's order)
    nsec ADD          nanosecond magic, fraction * 1000 + ADD (0..999)
    kuznetzov         the patched format (magic a1b2cd34, records with an
                      interface index, protocol and packet type)
    version MAJ MIN [OLD]
                      that version; with OLD 1 the record lengths are
                      written in the old order (length on the wire
                      first), with OLD 0 in today's; by default old for
                      2.0-2.2 and 543.0, as libpcap reads them
    snaplen N PADTO   file header snaplen N; records shorter than PADTO
                      bytes padded with zeros to PADTO (both lengths)
    linktype N        file header link type N
    setcaplen I N     record I's captured length field set to N, nothing
                      else changed (the file goes wrong from there)
    insert I N        a record of N zero bytes (both lengths N) inserted
                      before record I
    pad BASE STEP     record i padded to BASE + i * STEP bytes (at most
                      262144), both lengths
    repeat N SHIFT    all records N times, each round SHIFT seconds later
    times             odd time stamps: extremes of the signed 32-bit
                      fields, fractions of a second above 999999
    cut N             the first N bytes
    cuts DIR          every cut that offsets lists, as DIR/OFFSET, one
                      "KIND OFFSET DIR/OFFSET" line each
    flip OFF          the byte at OFF inverted (to check the checks)

offsets prints "KIND OFFSET" lines, the places to cut IN: header (inside
the file header), boundary (between records, or at the end), rechdr
(inside a record header), recdata (inside a record's captured bytes).
spread prints the same for the records that span STEP bytes times a
power of two, where a reader's buffer or window may end: their start, a
place in their header, a place in their data, their end.
count prints how many records have a captured length above SNAPLEN.
"""

import struct
import sys

MAGIC_USEC = 0xA1B2C3D4
MAGIC_NSEC = 0xA1B23C4D
# Alexey Kuznetsov's patched libpcap: 8 more bytes in each record header.
MAGIC_KUZNETZOV = 0xA1B2CD34
FILE_HDR = 24
REC_HDR = 16
MAX_CAPLEN = 262144
LINKTYPE_NFLOG = 239


class Capture:
    """A classic pcap file taken apart: header fields and records."""

    def __init__(self, path):
        with open(path, "rb") as f:
            self.raw = f.read()
        raw = self.raw
        if len(raw) < FILE_HDR:
            sys.exit("%s: shorter than a pcap file header" % path)
        for endian in ("<", ">"):
            (magic,) = struct.unpack_from(endian + "I", raw, 0)
            if magic in (MAGIC_USEC, MAGIC_NSEC):
                break
        else:
            sys.exit("%s: not a classic pcap file" % path)
        self.endian = endian
        self.force_old = None
        self.kuznetzov = False
        self.nsec = magic == MAGIC_NSEC
        (self.vmajor, self.vminor, self.zone, self.sigfigs, self.snaplen,
         self.linktype) = struct.unpack_from(endian + "HHiIII", raw, 4)
        if self.old_lengths():
            sys.exit("%s: old record layout not read here" % path)
        # Records as [sec, frac, caplen, wirelen, data, offset].
        self.records = []
        off = FILE_HDR
        while off < len(raw):
            if off + REC_HDR > len(raw):
                sys.exit("%s: truncated record header at %d" % (path, off))
            sec, frac, caplen, wirelen = struct.unpack_from(
                endian + "IIII", raw, off)
            end = off + REC_HDR + caplen
            if end > len(raw):
                sys.exit("%s: truncated record at %d" % (path, off))
            self.records.append([sec, frac, caplen, wirelen,
                                 raw[off + REC_HDR:end], off])
            off = end

    def old_lengths(self):
        """Whether records give the length on the wire first (pre-2.3)."""
        if self.force_old is not None:
            return self.force_old
        return ((self.vmajor == 2 and self.vminor < 3) or
                (self.vmajor == 543 and self.vminor == 0))

    def write(self, path):
        e = self.endian
        if self.kuznetzov:
            magic = MAGIC_KUZNETZOV
        else:
            magic = MAGIC_NSEC if self.nsec else MAGIC_USEC
        out = [struct.pack(e + "IHHiIII", magic,
                           self.vmajor, self.vminor, self.zone, self.sigfigs,
                           self.snaplen, self.linktype)]
        old = self.old_lengths()
        for sec, frac, caplen, wirelen, data, _ in self.records:
            if old:
                out.append(struct.pack(e + "IIII", sec, frac, wirelen, caplen))
            else:
                out.append(struct.pack(e + "IIII", sec, frac, caplen, wirelen))
            if self.kuznetzov:
                # Interface 1, IPv4 (0x0800), PACKET_OUTGOING, padding.
                out.append(struct.pack(e + "IHBB", 1, 0x0800, 4, 0))
            out.append(data)
        with open(path, "wb") as f:
            f.write(b"".join(out))


def nflog_swapped(data, endian):
    """An NFLOG frame as a host of that byte order writes it: the
    attributes' lengths and types are in the capturing host's order
    (libpcap turns them into its reader's)."""
    old = "<" if endian == ">" else ">"
    out = bytearray(data)
    off = 4
    while off + 4 <= len(out):
        tlen, ttype = struct.unpack_from(old + "HH", out, off)
        struct.pack_into(endian + "HH", out, off, tlen, ttype)
        if tlen < 4:
            break
        off += (tlen + 3) & ~3
    return bytes(out)


def padded(rec, size):
    """rec grown with zero bytes to size captured bytes (never shrunk)."""
    sec, frac, caplen, wirelen, data, off = rec
    if size <= caplen:
        return rec
    data = data + bytes(size - caplen)
    return [sec, frac, size, max(wirelen, size), data, off]


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def offsets(cap):
    """Where to cut, in file order: a spread of places of each kind."""
    out = [("header", n) for n in (0, 1, 3, 4, 5, 8, 12, 16, 20, 23)]
    out.append(("boundary", FILE_HDR))
    for sec, frac, caplen, wirelen, data, off in cap.records:
        out += [("rechdr", off + n) for n in (1, 4, 8, 12, 15)]
        inside = {0, 1, caplen // 2, caplen - 1}
        out += [("recdata", off + REC_HDR + n)
                for n in sorted(x for x in inside if 0 <= x < caplen)]
        out.append(("boundary", off + REC_HDR + caplen))
    return out


def main(argv):
    if len(argv) == 2 and argv[1] == "batch":
        for line in sys.stdin:
            words = line.rstrip("\n").split("\t")
            if words != [""]:
                run([argv[0]] + words)
        return
    run(argv)


def run(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    cmd, src = argv[1], argv[2]
    cap = Capture(src)
    if cmd == "offsets":
        for kind, off in offsets(cap):
            print(kind, off)
        return
    if cmd == "spread":
        step = int(argv[3])
        marks = []
        while step < len(cap.raw):
            marks.append(step)
            step *= 2
        out = set()
        for sec, frac, caplen, wirelen, data, off in cap.records:
            end = off + REC_HDR + caplen
            if any(off <= m < end for m in marks):
                out |= {("boundary", off), ("rechdr", off + 8),
                        ("boundary", end)}
                if caplen > 0:
                    out.add(("recdata", off + REC_HDR + caplen // 2))
        for kind, off in sorted(out, key=lambda x: x[1]):
            print(kind, off)
        return
    if cmd == "count":
        limit = int(argv[3])
        print(sum(1 for r in cap.records if r[2] > limit))
        return
    dst = argv[3]
    args = [int(a, 0) for a in argv[4:]]
    recs = cap.records
    if cmd == "swap":
        cap.endian = ">" if cap.endian == "<" else "<"
        if cap.linktype == LINKTYPE_NFLOG:
            for rec in recs:
                rec[4] = nflog_swapped(rec[4], cap.endian)
    elif cmd == "nsec":
        if cap.nsec:
            sys.exit("%s: nanoseconds already" % src)
        cap.nsec = True
        for r in recs:
            r[1] = r[1] * 1000 + args[0]
    elif cmd == "kuznetzov":
        if cap.nsec:
            sys.exit("%s: the patched format has no nanoseconds" % src)
        cap.kuznetzov = True
    elif cmd == "version":
        cap.vmajor, cap.vminor = args[:2]
        if len(args) > 2:
            cap.force_old = bool(args[2])
    elif cmd == "snaplen":
        cap.snaplen = args[0]
        cap.records = [padded(r, args[1]) for r in recs]
    elif cmd == "linktype":
        cap.linktype = args[0]
    elif cmd == "setcaplen":
        i, n = args
        raw = bytearray(cap.raw)
        struct.pack_into(cap.endian + "I", raw, recs[i][5] + 8, n)
        write_bytes(dst, raw)
        return
    elif cmd == "insert":
        i, n = args
        sec, frac = recs[i][0], recs[i][1]
        recs.insert(i, [sec, frac, n, n, bytes(n), 0])
    elif cmd == "pad":
        base, step = args
        cap.records = [padded(r, min(base + i * step, MAX_CAPLEN))
                       for i, r in enumerate(recs)]
    elif cmd == "repeat":
        count, shift = args
        cap.records = [[r[0] + k * shift] + r[1:]
                       for k in range(count) for r in recs]
    elif cmd == "times":
        # Seconds and fractions that a careless reader would convert
        # differently: signed and unsigned readings of the 32-bit fields
        # disagree, fractions of a second past 999999.
        odd = [(0x7FFFFFFF, 999999), (0x80000000, 0), (0xFFFFFFFF, 1),
               (1700000000, 1000000), (1700000000, 0xFFFFFFFF),
               (1700000000, 0x80000000), (1700000001, 1999999),
               (0, 0), (1700000002, 0x7FFFFFFF)]
        for i, r in enumerate(recs):
            r[0], r[1] = odd[i % len(odd)]
    elif cmd == "cuts":
        for kind, off in offsets(cap):
            path = "%s/%d" % (dst, off)
            write_bytes(path, cap.raw[:off])
            print(kind, off, path)
        return
    elif cmd == "cut":
        write_bytes(dst, cap.raw[:args[0]])
        return
    elif cmd == "flip":
        raw = bytearray(cap.raw)
        raw[args[0]] ^= 0xFF
        write_bytes(dst, raw)
        return
    else:
        sys.exit("unknown command %s" % cmd)
    cap.write(dst)


if __name__ == "__main__":
    main(sys.argv)
