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

import os
import socket
import subprocess
import sys
import time

# nettools.py is beside this file, whatever the working directory; no
# __pycache__ is written into the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from nettools import (dispatch, echo, ipv4_header, now,  # noqa: E402
                      packet_socket, serve, tcp_in_frame, tcp_segment,
                      tcp_socket)

TH_SYN, TH_RST, TH_ACK = 0x02, 0x04, 0x10


def rst_packet(src, dst, sport, dport, seq, ack, flags, ttl):
    tcp = tcp_segment(src, dst, sport, dport, seq, ack, flags, 0)
    # ID 0: the kernel chooses one for IP_HDRINCL sockets (and computes
    # the IP checksum again).
    return ipv4_header(src, dst, ttl, 0, len(tcp)) + tcp


def cmd_forge(iface, client, server, nftset):
    sniff = packet_socket(iface)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    table, setname = nftset.rsplit(" ", 1)
    answered = set()
    data_seen = {}
    print("ready", flush=True)
    while True:
        k = tcp_in_frame(sniff.recv(65535))
        if k is None:
            continue
        sport, dport, seq, flags = k["sport"], k["dport"], k["seq"], k["flags"]
        if k["src"] == client and k["dst"] == server and \
                dport in (6001, 6002) and \
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
        elif k["src"] == server and k["dst"] == client and \
                sport in (6003, 6004) and k["len"] > 0 and \
                dport not in answered:
            n = data_seen.get(dport, 0) + 1
            data_seen[dport] = n
            if n < 3:
                continue
            answered.add(dport)
            ttl = 64 if sport == 6003 else k["ttl"]
            pkt = rst_packet(server, client, sport, dport,
                             (seq + k["len"]) & 0xffffffff, k["ack"],
                             TH_RST | TH_ACK, ttl)
            raw.sendto(pkt, (client, 0))
            print("forged %s data %d>%d ttl=%d" % (now(), sport, dport, ttl),
                  flush=True)


def serve_conn(mode, c):
    try:
        if mode == "echo":
            echo(c)
        else:
            for _ in range(10):
                c.sendall(b"d" * 100)
                time.sleep(0.1)
        c.close()
    except OSError:
        c.close()


def cmd_serve(addr, port, mode):
    serve(addr, port, 16, serve_conn, mode)


def cmd_client(addr, port, sport, mode):
    s = tcp_socket(addr, sport)
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


COMMANDS = {"forge": cmd_forge, "serve": cmd_serve, "client": cmd_client}


def main(argv):
    return dispatch(argv, COMMANDS, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
