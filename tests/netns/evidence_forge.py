# evidence_forge.py MODE IFACE DST PORT SPORT: a connection from this namespace to
# DST:PORT from SPORT, and one forged packet in it, written on IFACE:
#   rst  a RST claiming to be ours, in the window, with TTL 200 (ours: 64)
#   seq  a segment claiming to be the peer's, 2^29 bytes ahead of its
#        stream; then we send again and the peer's real answer comes
#        back where its stream was
import os
import sys
import time

# nettools.py is beside this file, whatever the working directory; no
# __pycache__ is written into the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from nettools import (ETHERTYPE_IPV4, ipv4_header,  # noqa: E402
                      packet_socket, tcp_connect, tcp_in_frame, tcp_segment)


def frame(smac, dmac, src, dst, sport, dport, seq, ack, flags, ttl, data):
    tcp = tcp_segment(src, dst, sport, dport, seq, ack, flags, 65535, data)
    return dmac + smac + ETHERTYPE_IPV4 + \
        ipv4_header(src, dst, ttl, 4242, len(tcp)) + tcp


def sniff(p, sport, want):
    """The next TCP packet of our connection for which want() is true."""
    end = time.time() + 5
    while time.time() < end:
        pkt = tcp_in_frame(p.recv(65535))
        if pkt is None or sport not in (pkt["sport"], pkt["dport"]):
            continue
        if want(pkt):
            return pkt
    sys.exit("forge: no packet seen")


def main(mode, iface, dst, port, sport):
    port, sport = int(port), int(sport)
    p = packet_socket(iface)
    p.settimeout(5)
    s = tcp_connect(dst, port, sport, 5)
    if mode == "rst":
        s.sendall(b"hi")
        # The peer's acknowledgement of it: where each side's stream is.
        a = sniff(p, sport, lambda k: k["sport"] == port and k["len"] == 0
                  and k["flags"] & 0x10)
        time.sleep(0.2)
        p.send(frame(a["dmac"], a["smac"], a["dst"], a["src"], sport, port,
                     a["ack"], a["seq"], 0x14, 200, b""))
        print("forged rst %.6f" % time.time(), flush=True)
        time.sleep(0.5)
        s.close()
    elif mode == "seq":
        s.sendall(b"a")
        a = sniff(p, sport, lambda k: k["sport"] == port and k["len"] > 0)
        s.recv(16)
        time.sleep(0.2)
        # As if from the peer: its addresses, ahead of its stream.
        p.send(frame(a["smac"], a["dmac"], a["src"], a["dst"], port, sport,
                     (a["seq"] + a["len"] + (1 << 29)) & 0xffffffff, a["ack"],
                     0x18, 64, b"zz"))
        print("forged seq %.6f" % time.time(), flush=True)
        time.sleep(0.2)
        s.sendall(b"b")
        s.recv(16)
        time.sleep(0.2)
        s.close()
    else:
        sys.exit("forge: mode rst or seq")


if __name__ == "__main__":
    main(*sys.argv[1:])
