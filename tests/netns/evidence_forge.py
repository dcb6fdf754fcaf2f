# evidence_forge.py MODE IFACE DST PORT SPORT: a connection from this namespace to
# DST:PORT from SPORT, and one forged packet in it, written on IFACE:
#   rst  a RST claiming to be ours, in the window, with TTL 200 (ours: 64)
#   seq  a segment claiming to be the peer's, 2^29 bytes ahead of its
#        stream; then we send again and the peer's real answer comes
#        back where its stream was
import socket
import struct
import sys
import time

ETH_P_ALL = 3


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def frame(smac, dmac, src, dst, sport, dport, seq, ack, flags, ttl, data):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      65535, 0, 0) + data
    ph = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(ph + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 4242, 0x4000,
                     ttl, 6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return dmac + smac + b"\x08\x00" + ip + tcp


def sniff(p, sport, want):
    """The next TCP packet of our connection for which want() is true."""
    end = time.time() + 5
    while time.time() < end:
        d = p.recv(65535)
        if len(d) < 54 or d[12:14] != b"\x08\x00" or d[23] != 6:
            continue
        ihl = (d[14] & 15) * 4
        t = 14 + ihl
        sp, dp, seq, ack, off, fl = struct.unpack("!HHIIBB", d[t:t + 14])
        if sport not in (sp, dp):
            continue
        tot = struct.unpack("!H", d[16:18])[0]
        plen = tot - ihl - (off >> 4) * 4
        pkt = dict(smac=d[6:12], dmac=d[0:6], sport=sp, dport=dp, seq=seq,
                   ack=ack, flags=fl, len=plen, src=socket.inet_ntoa(d[26:30]),
                   dst=socket.inet_ntoa(d[30:34]))
        if want(pkt):
            return pkt
    sys.exit("forge: no packet seen")


def main(mode, iface, dst, port, sport):
    port, sport = int(port), int(sport)
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    p.bind((iface, 0))
    p.settimeout(5)
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", sport))
    s.settimeout(5)
    s.connect((dst, port))
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
