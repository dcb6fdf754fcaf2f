#!/usr/bin/env python3
"""Clients for tests/netns/metrics.sh: well-behaved and hostile HTTP clients
of the /metrics endpoint, and a trace of many flows.

  slowloris ADDR PORT N SECS  N connections sending a request one byte a
                              second; prints how many the server closed
                              before SECS and how many got an answer
  bigheader ADDR PORT BYTES   one request with a header of BYTES; prints the
                              status line, or "closed"
  hold ADDR PORT N SECS       N idle connections (opened at once) held for
                              SECS; prints how many the kernel accepted
  flows FILE N                a pcap of N one-packet UDP flows (distinct
                              source addresses and ports), Ethernet
"""
import os
import socket
import struct
import sys
import time

# nettools.py is beside this file, whatever the working directory; no
# __pycache__ is written into the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from nettools import dispatch  # noqa: E402


def cmd_slowloris(addr, port, n, secs):
    n, secs = int(n), float(secs)
    req = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 64
    conns = []
    for _ in range(n):
        s = socket.socket()
        s.setblocking(False)
        try:
            s.connect((addr, int(port)))
        except BlockingIOError:
            pass
        conns.append(s)
    start = time.monotonic()
    closed = 0
    answered = 0
    i = 0
    alive = list(conns)
    while alive and time.monotonic() - start < secs:
        still = []
        for s in alive:
            try:
                s.send(req[i % len(req):i % len(req) + 1])
                still.append(s)
            except (BlockingIOError, InterruptedError):
                still.append(s)
            except OSError:
                closed += 1
                s.close()
                continue
            try:
                data = s.recv(4096)
                if data == b"":
                    closed += 1
                    still.remove(s)
                    s.close()
                elif data.startswith(b"HTTP/"):
                    answered += 1
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                closed += 1
                still.remove(s)
                s.close()
        alive = still
        i += 1
        time.sleep(1)
    for s in alive:
        s.close()
    print("slowloris closed=%d answered=%d of=%d after=%.1f" %
          (closed, answered, n, time.monotonic() - start))
    return 0


def cmd_bigheader(addr, port, size):
    s = socket.create_connection((addr, int(port)), timeout=15)
    req = (b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " +
           b"a" * int(size) + b"\r\n\r\n")
    try:
        s.sendall(req)
    except OSError:
        pass
    try:
        data = s.recv(4096)
    except OSError:
        data = b""
    line = data.split(b"\r\n", 1)[0].decode("ascii", "replace")
    print(line if line else "closed")
    return 0


def cmd_hold(addr, port, n, secs):
    conns = []
    for _ in range(int(n)):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((addr, int(port)))
        conns.append(s)
    time.sleep(1)
    up = 0
    for s in conns:
        try:
            s.getpeername()
            up += 1
        except OSError:
            pass
    print("hold connected=%d of=%d" % (up, len(conns)), flush=True)
    time.sleep(float(secs))
    for s in conns:
        s.close()
    return 0


def cmd_flows(path, n):
    n = int(n)
    src_mac = b"\x02\x00\x00\x00\x00\x01"
    dst_mac = b"\x02\x00\x00\x00\x00\x02"
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            # 10.64.0.0/10 as sources, ports 1024 and up: all distinct.
            src = struct.pack("!I", 0x0a400000 + (i >> 4))
            sport = 1024 + (i & 0xf)
            udp = struct.pack("!HHHH", sport, 7, 8 + 4, 0) + b"flow"
            iph = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0,
                              0, 64, 17, 0, src, b"\x0a\x08\x00\x02")
            frame = dst_mac + src_mac + b"\x08\x00" + iph + udp
            f.write(struct.pack("<IIII", i // 1000000, i % 1000000,
                                len(frame), len(frame)))
            f.write(frame)
    print("flows %d" % n)
    return 0


COMMANDS = {
    "slowloris": cmd_slowloris,
    "bigheader": cmd_bigheader,
    "hold": cmd_hold,
    "flows": cmd_flows,
}


def main(argv):
    return dispatch(argv, COMMANDS, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
