"""What the Python tools of the netns suites share (helper.py, forge.py,
pathtool.py, evidence_forge.py, metrics_helper.py): sockets set up the
way every scenario wants them, a TCP server that runs one thread per
connection, the retransmission count the kernel keeps for a socket,
IPv4/TCP packets built and read by hand for the forgers, and the
subcommand dispatch of main().  Not a program: each tool imports it from
its own directory.
"""

import socket
import struct
import sys
import threading
import time

ETH_P_ALL = 0x0003
ETHERTYPE_IPV4 = b"\x08\x00"

# struct tcp_info (linux/tcp.h): 8 bytes of u8 fields, then u32 fields;
# tcpi_total_retrans is the 24th u32, at byte offset 100.
TCP_INFO_LEN = 104
TCPI_TOTAL_RETRANS_OFF = 100


def now():
    """time.time() as the tools print it: CLOCK_REALTIME, the clock of the
    pcap time stamps and of the syslog receiver."""
    return "%.6f" % time.time()


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp_socket(addr, sport):
    """A TCP socket for a connection to addr from port sport (SO_REUSEADDR:
    the suites use the same ports run after run); sport 0 leaves the port
    to connect()."""
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if int(sport):
        s.bind(("", int(sport)))
    return s


def tcp_connect(addr, port, sport, timeout):
    """tcp_socket() connected to addr port, with timeout on every call."""
    s = tcp_socket(addr, sport)
    s.settimeout(timeout)
    s.connect((addr, int(port)))
    return s


def abort_close(s):
    # SO_LINGER {on, 0}: close() sends a RST instead of a FIN (RFC 9293
    # 3.10.4 ABORT), discarding whatever is still queued.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()


def echo(c):
    """Send back everything read from c until the peer's FIN."""
    while True:
        data = c.recv(4096)
        if not data:
            break
        c.sendall(data)


def serve(addr, port, backlog, conn, mode):
    """Listen on addr port and run conn(mode, socket) in a thread of its
    own for each connection accepted; never returns."""
    s = socket.socket(family(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(backlog)
    while True:
        c, _ = s.accept()
        threading.Thread(target=conn, args=(mode, c), daemon=True).start()


def total_retrans(s):
    """How many segments the kernel retransmitted on s (tcpi_total_retrans)."""
    info = s.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, TCP_INFO_LEN)
    (total,) = struct.unpack_from("I", info, TCPI_TOTAL_RETRANS_OFF)
    return total


def abort_after_retransmits(s, n, base=0, progress=None):
    """Poll s every 5 ms, for 20 s at most, until the kernel has
    retransmitted n segments more than base, calling progress(count) at
    each poll; then abort the connection (RST while data is outstanding)
    and return the count.  None: it never got there."""
    deadline = time.time() + 20
    while time.time() < deadline:
        total = total_retrans(s) - base
        if progress is not None:
            progress(total)
        if total >= n:
            # Leave the last retransmission time to reach the wire.
            time.sleep(0.05)
            abort_close(s)
            return total
        time.sleep(0.005)
    return None


def csum(data):
    """The Internet checksum (RFC 1071) of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp_segment(src, dst, sport, dport, seq, ack, flags, window, data=b""):
    """A TCP header of 20 bytes and data, its checksum over the IPv4
    pseudo-header of src and dst."""
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags,
                      window, 0, 0) + data
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    return tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]


def ipv4_header(src, dst, ttl, ident, payload_len):
    """An IPv4 header of 20 bytes for a TCP payload, DF set, checksum in."""
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident,
                     0x4000, ttl, socket.IPPROTO_TCP, 0,
                     socket.inet_aton(src), socket.inet_aton(dst))
    return ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]


def packet_socket(iface):
    """An AF_PACKET socket that reads (and writes) every frame on iface."""
    p = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                      socket.htons(ETH_P_ALL))
    p.bind((iface, 0))
    return p


def tcp_in_frame(frame):
    """The TCP segment of an Ethernet frame carrying IPv4, as a dict:
    smac dmac src dst ttl sport dport seq ack flags len (of the payload);
    None for any other frame or one too short for both headers."""
    if len(frame) < 14 + 20 + 20 or frame[12:14] != ETHERTYPE_IPV4:
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0f) * 4
    if ip[9] != socket.IPPROTO_TCP or len(ip) < ihl + 20:
        return None
    sport, dport, seq, ack, off, flags = struct.unpack("!HHIIBB",
                                                       ip[ihl:ihl + 14])
    total = struct.unpack("!H", ip[2:4])[0]
    return dict(smac=frame[6:12], dmac=frame[0:6],
                src=socket.inet_ntoa(ip[12:16]),
                dst=socket.inet_ntoa(ip[16:20]), ttl=ip[8], sport=sport,
                dport=dport, seq=seq, ack=ack, flags=flags,
                len=total - ihl - (off >> 4) * 4)


def usage(doc):
    sys.stderr.write(doc)
    return 2


def dispatch(argv, commands, doc, bad=usage):
    """Run the subcommand argv[1] of commands with the rest of argv as its
    arguments and return what it returns; without one, bad(doc)."""
    if len(argv) < 2 or argv[1] not in commands:
        return bad(doc)
    return commands[argv[1]](*argv[2:])
