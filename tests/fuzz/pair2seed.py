#!/usr/bin/env python3
# A pair of Ethernet pcap files (tests/pcap/vantage/mkpair.c writes them)
# as one fuzz_pathcmp input: the two files' records merged by time, each
# frame with its point and the microseconds since its point's last frame.
#
#	python3 tests/fuzz/pair2seed.py A.pcap B.pcap OUT
import struct
import sys


def records(path, pt):
    with open(path, "rb") as f:
        data = f.read()
    off = 24
    while off + 16 <= len(data):
        sec, usec, incl, _ = struct.unpack_from("<IIII", data, off)
        yield sec * 1000000 + usec, pt, data[off + 16:off + 16 + incl]
        off += 16 + incl


def main():
    a, b, out = sys.argv[1:4]
    frames = sorted(list(records(a, 0)) + list(records(b, 1)),
                    key=lambda r: (r[0], r[1]))
    last = [1700000000000000, 1700000000000000]
    blob = bytearray([4])           # Ethernet, 10 s window, 64 flows
    for ts, pt, frame in frames:
        dt = ts - last[pt]
        if dt < 0 or dt > 65535 * 1000:
            raise SystemExit("pair2seed: time step out of range")
        if dt <= 65535:
            ctl, n = pt, dt
        else:
            ctl, n = pt | 2, dt // 1000
            dt = n * 1000
        last[pt] += dt
        blob += struct.pack(">BHH", ctl, n, len(frame)) + frame
    with open(out, "wb") as f:
        f.write(blob)


main()
