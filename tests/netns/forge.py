#!/usr/bin/env python3
"""A RST forger in the path, and the client and servers it preys on, for
tests/netns/forged_rst.sh (IPv4).

  forge IFACE CLIENT SERVER SET
        run in the router: watch IFACE (the client's link) with an AF_PACKET
        socket and send forged RSTs to CLIENT in SERVER's name from a raw
        socket.  By the server port of the connection:
          6001  answers the client's SYN with RST|ACK acknowledging it
                exactly (ISN+1), as the server's own refusal would;
          6002  answers the SYN with a bare RST (no ACK: the client's stack
                drops it, RFC 9293 3.10.7.3);
          6003  after the server's third data segment, RST|ACK at the
                client's next expected sequence number, TTL 64 (the
                router's own);
          6004  the same with the TTL of the server's packets (63 here).
        After answering a SYN it adds the client's port to the nftables set
        SET ("inet rwforge answered"), which lets the server's SYN-ACKs
        through from then on: the first one, sent microseconds after the
        SYN, was dropped, so the forgery wins the race and the real SYN-ACK
        comes with the server's retransmission a second later.
        Prints "ready" once listening, then one line per forgery.
  serve ADDR PORT MODE
        MODE echo: answer each read, close on EOF; drip: send ten 100-byte
        chunks 100 ms apart, then close.
  client ADDR PORT SPORT MODE
        MODE talk: send a line, read the echo, close: prints "talked TIME"
        (or "refused TIME" when the connection is refused); listen: read
        until EOF or reset: prints "reset TIME BYTES" or "eof TIME BYTES".
"""

import socket
import struct
import subprocess
import sys
import threading
import time

ETH_P_ALL = 0x0003
TH_FIN, TH_SYN, TH_RST, TH_PSH, TH_ACK = 0x01, 0x02, 0x04, 0x08, 0x10


def now():
    return "%.6f" % time.time()


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def rst_packet(src, dst, sport, dport, seq, ack, flags, ttl):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      0, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    # The kernel fills in the IP checksum (and the ID, left 0) for
    # IP_HDRINCL sockets.
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000,
                     ttl, socket.IPPROTO_TCP, 0, socket.inet_aton(src),
                     socket.inet_aton(dst))
    return ip + tcp


def cmd_forge(iface, client, server, nftset):
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
    sniff.bind((iface, 0))
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    table, setname = nftset.rsplit(" ", 1)
    answered = set()
    data_seen = {}
    print("ready", flush=True)
    while True:
        frame = sniff.recv(65535)
        if len(frame) < 14 + 20 + 20 or frame[12:14] != b"\x08\x00":
            continue
        ip = frame[14:]
        ihl = (ip[0] & 0x0f) * 4
        if ip[9] != socket.IPPROTO_TCP or len(ip) < ihl + 20:
            continue
        ttl = ip[8]
        total = struct.unpack("!H", ip[2:4])[0]
        src = socket.inet_ntoa(ip[12:16])
        dst = socket.inet_ntoa(ip[16:20])
        t = ip[ihl:]
        sport, dport, seq, ack = struct.unpack("!HHII", t[:12])
        flags = t[13]
        plen = total - ihl - (t[12] >> 4) * 4
        if src == client and dst == server and dport in (6001, 6002) and \
                flags & (TH_SYN | TH_ACK) == TH_SYN and sport not in answered:
            answered.add(sport)
            if dport == 6001:
                pkt = rst_packet(server, client, dport, sport, 0,
                                 (seq + 1) & 0xffffffff, TH_RST | TH_ACK, 64)
            else:
                pkt = rst_packet(server, client, dport, sport, 0, 0,
                                 TH_RST, 64)
            raw.sendto(pkt, (client, 0))
            subprocess.run(["nft", "add", "element"] + table.split() +
                           [setname, "{ %d }" % sport], check=True)
            print("forged %s syn %d>%d" % (now(), sport, dport), flush=True)
        elif src == server and dst == client and sport in (6003, 6004) and \
                plen > 0 and dport not in answered:
            n = data_seen.get(dport, 0) + 1
            data_seen[dport] = n
            if n < 3:
                continue
            answered.add(dport)
            pkt = rst_packet(server, client, sport, dport,
                             (seq + plen) & 0xffffffff, ack, TH_RST | TH_ACK,
                             64 if sport == 6003 else ttl)
            raw.sendto(pkt, (client, 0))
            print("forged %s data %d>%d ttl=%d" %
                  (now(), sport, dport, 64 if sport == 6003 else ttl),
                  flush=True)


def serve_conn(mode, c):
    try:
        if mode == "echo":
            while True:
                data = c.recv(4096)
                if not data:
                    break
                c.sendall(data)
        else:
            for _ in range(10):
                c.sendall(b"d" * 100)
                time.sleep(0.1)
        c.close()
    except OSError:
        c.close()


def cmd_serve(addr, port, mode):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    while True:
        c, _ = s.accept()
        threading.Thread(target=serve_conn, args=(mode, c),
                         daemon=True).start()


def cmd_client(addr, port, sport, mode):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", int(sport)))
    s.settimeout(10)
    try:
        s.connect((addr, int(port)))
    except ConnectionRefusedError:
        print("refused %s" % now())
        return 0
    if mode == "talk":
        s.sendall(b"hello\n")
        got = b""
        while len(got) < 6:
            data = s.recv(64)
            if not data:
                break
            got += data
        s.close()
        print("talked %s %r" % (now(), got))
        return 0 if got == b"hello\n" else 1
    n = 0
    try:
        while True:
            data = s.recv(4096)
            if not data:
                print("eof %s %d" % (now(), n))
                return 0
            n += len(data)
    except ConnectionResetError:
        print("reset %s %d" % (now(), n))
        return 0


def main(argv):
    cmds = {"forge": cmd_forge, "serve": cmd_serve, "client": cmd_client}
    if len(argv) < 2 or argv[1] not in cmds:
        sys.stderr.write(__doc__)
        return 2
    return cmds[argv[1]](*argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
