#!/usr/bin/env python3
"""Small socket programs for tests/netns/e2e.sh.

Each subcommand makes the real Linux stack produce one scenario; the times
it prints are time.time() values (CLOCK_REALTIME, the clock of the pcap
timestamps and of the syslog receiver), so the test can measure how long an
alert took to arrive after the event that triggered it.

  recv PATH OUT            datagram receiver for /dev/log or $NOTIFY_SOCKET:
                           one line "TIME DATAGRAM" per datagram in OUT
  serve MODE ADDR PORT     TCP server; MODE echo (answer each read, close on
                           EOF), hold (read and never answer), abort (read one
                           request, then close with SO_LINGER {1, 0}: RST)
  udpecho ADDR PORT        UDP server answering each datagram
  refused ADDR PORT SPORT  connect, expect ECONNREFUSED; print "refused TIME"
  prohibited ADDR PORT SPORT
                           connect, expect EHOSTUNREACH (ICMP filtered);
                           print "prohibited TIME"
  syn ADDR PORT SPORT SECS connect that nobody answers; give up after SECS
  request ADDR PORT N      N connections: request, echo read, graceful close
  reset ADDR PORT SPORT    send a request, expect ECONNRESET; print "reset TIME"
  lossabort ADDR PORT SPORT N
                           send data that the path drops; once the kernel has
                           retransmitted it N times, close with SO_LINGER
                           {1, 0} (RST while data is outstanding); prints
                           "retransmits TIME COUNT" as the count grows, then
                           "aborted TIME retransmits=COUNT"
  udp ADDR PORT SPORT EXPECT
                           send one datagram; EXPECT "answer" or "refused"
  refusedn ADDR PORT SPORT N
                           N connections to a closed port from SPORT,
                           SPORT+1...: N syn_refused alerts; prints
                           "refused TIME N"
  jsoncheck FILE           every line of FILE is one whole JSON object
                           (a newline ends the file); prints "N lines"
  latency SYSLOG JSONL     pair each JSON event (packet time "ts") with its
                           syslog line (arrival time): one line per alert
                           "kind sport milliseconds"
  flows JSONL PROTO DPORT  one line "conn_state close" per flow record
"""

import errno
import json
import os
import signal
import socket
import sys

# nettools.py is beside this file, whatever the working directory; no
# __pycache__ is written into the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from nettools import (abort_after_retransmits, abort_close,  # noqa: E402
                      dispatch, echo, family, now, serve, tcp_connect,
                      tcp_socket)


def die(msg):
    sys.stderr.write("helper: %s\n" % msg)
    sys.exit(1)


def cmd_recv(path, out):
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(path)
    # The daemon runs as nobody after its privilege drop and connects
    # again whenever the socket has gone away.
    os.chmod(path, 0o666)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    with open(out, "a", buffering=1) as f:
        while True:
            data = s.recv(65536)
            line = data.decode("utf-8", "replace").rstrip("\n")
            f.write("%s %s\n" % (now(), line.replace("\n", "\\n")))


def serve_conn(mode, c):
    try:
        if mode == "echo":
            echo(c)
            c.close()
        elif mode == "hold":
            while c.recv(4096):
                pass
            c.close()
        elif mode == "abort":
            c.recv(4096)
            abort_close(c)
    except OSError:
        c.close()


def cmd_serve(mode, addr, port):
    serve(addr, port, 64, serve_conn, mode)


def cmd_udpecho(addr, port):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind((addr, int(port)))
    while True:
        data, peer = s.recvfrom(65536)
        s.sendto(data, peer)


def connect_expect(addr, port, sport, want, label):
    s = tcp_socket(addr, sport)
    s.settimeout(5)
    try:
        s.connect((addr, int(port)))
    except OSError as e:
        t = now()
        if e.errno == want:
            print("%s %s" % (label, t))
            return 0
        die("connect to %s port %s: %s (wanted %s)" %
            (addr, port, e, errno.errorcode[want]))
    die("connect to %s port %s succeeded" % (addr, port))


def cmd_syn(addr, port, sport, secs):
    s = tcp_socket(addr, sport)
    s.settimeout(float(secs))
    try:
        s.connect((addr, int(port)))
    except socket.timeout:
        print("timeout %s" % now())
        return 0
    except OSError as e:
        print("error %s %s" % (now(), e))
        return 0
    die("connect to %s port %s was answered" % (addr, port))


def cmd_request(addr, port, n):
    for i in range(int(n)):
        s = tcp_connect(addr, port, 0, 5)
        msg = ("request %d\n" % i).encode() * 20
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            data = s.recv(4096)
            if not data:
                die("short echo")
            got += data
        if got != msg:
            die("echo differs")
        s.shutdown(socket.SHUT_WR)
        if s.recv(1) != b"":
            die("data after the echo")
        s.close()
    print("ok %s" % n)
    return 0


def cmd_reset(addr, port, sport):
    s = tcp_connect(addr, port, sport, 5)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    try:
        data = s.recv(4096)
    except ConnectionResetError:
        print("reset %s" % now())
        return 0
    die("wanted a reset, got %r" % data)


def cmd_lossabort(addr, port, sport, n):
    s = tcp_connect(addr, port, sport, 5)
    # One segment: the test drops it in the path, the kernel retransmits
    # the same sequence range with exponential backoff.
    s.sendall(b"x" * 200)
    seen = 0

    def progress(total):
        nonlocal seen
        if total > seen:
            seen = total
            print("retransmits %s %d" % (now(), total), flush=True)

    total = abort_after_retransmits(s, int(n), progress=progress)
    if total is None:
        die("the kernel did not retransmit %s times" % n)
    print("aborted %s retransmits=%d" % (now(), total), flush=True)
    return 0


def cmd_udp(addr, port, sport, expect):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.bind(("", int(sport)))
    s.settimeout(3)
    s.connect((addr, int(port)))
    s.send(b"ping")
    try:
        data = s.recv(4096)
    except ConnectionRefusedError:
        if expect == "refused":
            print("refused %s" % now())
            return 0
        die("udp: refused")
    except socket.timeout:
        die("udp: no answer and no ICMP")
    if expect == "answer" and data == b"ping":
        print("answer %s" % now())
        return 0
    die("udp: unexpected answer %r" % data)


def cmd_flood(addr, port, n):
    """n small datagrams as fast as one socket goes: to overflow a capture."""
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.connect((addr, int(port)))
    sent = 0
    for i in range(int(n)):
        try:
            s.send(b"x" * 16)
            sent += 1
        except OSError:
            pass
    print("flooded %s %d" % (now(), sent))
    return 0


def cmd_refusedn(addr, port, sport, n):
    for i in range(int(n)):
        s = tcp_socket(addr, int(sport) + i)
        try:
            s.connect((addr, int(port)))
        except ConnectionRefusedError:
            pass
        else:
            die("connect to %s port %s succeeded" % (addr, port))
        finally:
            s.close()
    print("refused %s %s" % (now(), n))
    return 0


def cmd_jsoncheck(path):
    with open(path, "rb") as f:
        data = f.read()
    if data and not data.endswith(b"\n"):
        die("%s: the last line is not whole: %r" % (path, data[-80:]))
    n = 0
    for line in data.splitlines():
        try:
            if not isinstance(json.loads(line), dict):
                raise ValueError("not an object")
        except ValueError as e:
            die("%s: line %d is not a JSON object (%s): %r" %
                (path, n + 1, e, line[:200]))
        n += 1
    print("%d lines" % n)
    return 0


def syslog_fields(text):
    """key=value pairs of an alert line (values possibly quoted)."""
    fields, i = {}, 0
    while i < len(text):
        eq = text.find("=", i)
        if eq < 0:
            break
        key = text[i:eq]
        j = eq + 1
        if text[j:j + 1] == '"':
            j += 1
            val = ""
            while j < len(text) and text[j] != '"':
                if text[j] == "\\":
                    j += 1
                val += text[j]
                j += 1
            j += 1
        else:
            end = text.find(" ", j)
            end = len(text) if end < 0 else end
            val = text[j:end]
            j = end
        fields[key] = val
        i = j + 1
    return fields


FLOW_KEYS = ("kind", "src", "sport", "dst", "dport")


def cmd_latency(syslog, jsonl):
    alerts = []
    with open(syslog) as f:
        for line in f:
            recv, _, rest = line.rstrip("\n").partition(" ")
            _, sep, msg = rest.partition("]: ")
            if sep and msg.startswith("kind="):
                alerts.append((float(recv), syslog_fields(msg)))
    rc = 0
    with open(jsonl) as f:
        for line in f:
            ev = json.loads(line)
            if "kind" not in ev:
                continue
            key = [str(ev.get(k)) for k in FLOW_KEYS]
            match = [a for a in alerts
                     if [a[1].get(k, "None") for k in FLOW_KEYS] == key]
            if not match:
                print("%s %s unmatched" % (ev["kind"], ev.get("sport")))
                rc = 1
                continue
            print("%s %s %.1f" % (ev["kind"], ev.get("sport"),
                                  (match[0][0] - ev["ts"]) * 1000))
    return rc


def cmd_flows(jsonl, proto, dport):
    with open(jsonl) as f:
        for line in f:
            rec = json.loads(line)
            if (rec.get("type") == "flow" and rec.get("proto") == proto and
                    str(rec.get("dport")) == dport):
                print("%s %s" % (rec.get("conn_state"), rec.get("close")))
    return 0


COMMANDS = {
    "recv": cmd_recv,
    "serve": cmd_serve,
    "udpecho": cmd_udpecho,
    "refused": lambda *a: connect_expect(*a, want=errno.ECONNREFUSED,
                                         label="refused"),
    "prohibited": lambda *a: connect_expect(*a, want=errno.EHOSTUNREACH,
                                            label="prohibited"),
    "syn": cmd_syn,
    "request": cmd_request,
    "reset": cmd_reset,
    "lossabort": cmd_lossabort,
    "udp": cmd_udp,
    "flood": cmd_flood,
    "refusedn": cmd_refusedn,
    "jsoncheck": cmd_jsoncheck,
    "latency": cmd_latency,
    "flows": cmd_flows,
}


def main(argv):
    return dispatch(argv, COMMANDS, __doc__, bad=die)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
