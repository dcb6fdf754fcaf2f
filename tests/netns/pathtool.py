#!/usr/bin/env python3
"""Clients and servers for tests/netns/loss.sh (bulk transfers across a
lossy router), and its oracle: what tshark says about a capture, per flow.

  serve ADDR PORT MODE     TCP server.  Each connection sends an 8-byte
                           big-endian length N, then N bytes; the server
                           reads them all and answers "ok N\\n".  MODE close:
                           then waits for the client's FIN and closes;
                           abort: closes at once with SO_LINGER {1, 0} (RST)
  batch FILE               run the transfers listed in FILE one after the
                           other, one line each "ADDR PORT SPORT SIZE END"
                           (END close: FIN after the answer; abort: RST
                           after the answer, SO_LINGER {1, 0}); prints one
                           line per transfer "done SPORT END TIME" or
                           "error SPORT MESSAGE"
  stall ADDR PORT SPORT SECS
                           connect, send 20000 bytes that the path drops,
                           wait for the kernel to give up (tcp_retries2):
                           prints "timedout TIME" (or "error ...")
  stallabort ADDR PORT SPORT N
                           connect, send data the path drops; once the
                           kernel retransmitted N times, abort with
                           SO_LINGER {1, 0}: prints "aborted TIME"
  synstall ADDR PORT SPORT SECS
                           connect while the path drops the SYNs, until the
                           kernel gives up (tcp_syn_retries): "timedout TIME"
  oracle FIELDS_TSV SYN SYNACK DATA
                           read "tshark -T fields" output (the columns of
                           ORACLE_FIELDS below, in that order) and print one
                           JSON object per TCP connection: its 5-tuple
                           (originator first), retransmission and RST
                           counts per direction, and what a reader of the
                           trace would conclude (see flow_verdict)
  compare ORACLE RWJSONL LABEL
                           hold rstwatchd -r -j's output against the oracle:
                           lines "ok ..." / "FAIL ..."
"""

import errno
import json
import os
import socket
import struct
import sys

# nettools.py is beside this file, whatever the working directory; no
# __pycache__ is written into the source tree.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True
from nettools import (abort_after_retransmits, abort_close,  # noqa: E402
                      dispatch, now, serve, tcp_connect, tcp_socket,
                      total_retrans)

# The tshark fields "oracle" reads, in this order (loss.sh passes them).
ORACLE_FIELDS = [
    "frame.number", "frame.time_epoch", "tcp.stream", "ip.src", "ipv6.src",
    "ip.dst", "ipv6.dst", "tcp.srcport", "tcp.dstport", "tcp.flags.syn",
    "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.seq_raw",
    "tcp.ack_raw", "tcp.len", "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission", "ip.id", "tcp.window_size_value",
    "tcp.options.timestamp.tsval", "tcp.checksum", "tcp.options.sack_le",
    "tcp.options.sack_re",
]

# rstwatchd(8), DEFINITIONS, duplicate: a packet equal to the flow's
# previous one in these fields, within 100 microseconds, is a copy and is
# counted once (documented as a difference from tshark, which counts it as
# a retransmission).
COPY_FIELDS = ("src", "seq", "ackn", "len", "flags", "ip.id",
               "tcp.window_size_value", "tcp.options.timestamp.tsval",
               "tcp.checksum", "tcp.options.sack_le", "tcp.options.sack_re")
COPY_WINDOW = 0.000100


def read_exactly(c, n):
    got = 0
    while got < n:
        data = c.recv(min(65536, n - got))
        if not data:
            raise EOFError("EOF after %d of %d bytes" % (got, n))
        got += len(data)


def read_line(c):
    buf = b""
    while not buf.endswith(b"\n"):
        data = c.recv(64)
        if not data:
            raise EOFError("EOF before the answer")
        buf += data
    return buf


def serve_conn(mode, c):
    try:
        c.settimeout(60)
        hdr = b""
        while len(hdr) < 8:
            data = c.recv(8 - len(hdr))
            if not data:
                raise EOFError("EOF in the header")
            hdr += data
        (n,) = struct.unpack("!Q", hdr)
        read_exactly(c, n)
        c.sendall(b"ok %d\n" % n)
        if mode == "abort":
            abort_close(c)
            return
        while c.recv(65536):
            pass
        c.close()
    except (OSError, EOFError):
        c.close()


def cmd_serve(addr, port, mode):
    serve(addr, port, 64, serve_conn, mode)


def transfer(addr, port, sport, size, end):
    s = tcp_connect(addr, port, sport, 30)
    size = int(size)
    s.sendall(struct.pack("!Q", size))
    chunk = b"x" * 65536
    left = size
    while left > 0:
        left -= s.send(chunk[:min(left, len(chunk))])
    line = read_line(s)
    if line != b"ok %d\n" % size:
        raise ValueError("answer %r" % line)
    if end == "abort":
        abort_close(s)
        return
    try:
        s.shutdown(socket.SHUT_WR)
        while s.recv(65536):
            pass
    except (ConnectionResetError, BrokenPipeError):
        # The server aborted after its answer (MODE abort).
        pass
    except OSError as e:
        # ... and its RST came before our shutdown.
        if e.errno != errno.ENOTCONN:
            raise
    s.close()


def cmd_batch(path):
    bad = 0
    for line in open(path):
        w = line.split()
        if not w:
            continue
        try:
            transfer(*w)
            print("done %s %s %s" % (w[2], w[4], now()), flush=True)
        except (OSError, EOFError, ValueError) as e:
            print("error %s %s" % (w[2], e), flush=True)
            bad += 1
    return 1 if bad else 0


def kernel_timedout(e, secs, doing):
    """0 and "timedout TIME" if the OSError e is the kernel giving up
    (ETIMEDOUT); else 1 and what it was still doing after secs.  The
    kernel's ETIMEDOUT is a TimeoutError too, with an errno; the socket's
    own timeout has none."""
    if e.errno != errno.ETIMEDOUT:
        print("error still %s after %s s: %s" % (doing, secs, e))
        return 1
    print("timedout %s %s" % (now(), e.strerror))
    return 0


def cmd_stall(addr, port, sport, secs):
    s = tcp_connect(addr, port, sport, 10)
    s.sendall(b"y" * 20000)
    # The send queue is full of dropped data; recv returns when the kernel
    # gives up on it (ETIMEDOUT after tcp_retries2 retransmissions).
    s.settimeout(float(secs))
    try:
        data = s.recv(1)
    except OSError as e:
        return kernel_timedout(e, secs, "retransmitting")
    print("error got %r" % data)
    return 1


def cmd_stallabort(addr, port, sport, n):
    s = tcp_connect(addr, port, sport, 10)
    # A SYN lost to the 3% counts in the total too: count from here.
    base = total_retrans(s)
    s.sendall(b"z" * 200)
    total = abort_after_retransmits(s, int(n), base=base)
    if total is None:
        print("error the kernel did not retransmit %s times" % n)
        return 1
    print("aborted %s retransmits=%d" % (now(), total))
    return 0


def cmd_synstall(addr, port, sport, secs):
    s = tcp_socket(addr, sport)
    s.settimeout(float(secs))
    try:
        s.connect((addr, int(port)))
    except OSError as e:
        return kernel_timedout(e, secs, "sending SYNs")
    print("error connected")
    return 1


def flow_verdict(pk, th):
    """What the trace shows for one connection, by the definitions of
    rstwatchd(8) but computed from tshark's own analysis: retransmissions
    are tshark's; "outstanding" is a non-spurious retransmitted range the
    peer had not acknowledged when the RST came."""
    kinds = {}
    o = pk[0]["dir_src"]
    syns = [p for p in pk if p["syn"] and not p["ack"] and p["src"] == o]
    synacks = [p for p in pk if p["syn"] and p["ack"]]
    first_synack = synacks[0]["t"] if synacks else None
    # SYN retransmissions before any SYN-ACK.
    n = sum(1 for p in syns[1:] if first_synack is None or p["t"] < first_synack)
    if n >= th["syn"]:
        kinds["syn_retransmit"] = {}
    n = len(synacks) - 1
    if n >= th["synack"]:
        kinds["synack_retransmit"] = {}
    # Per direction: retransmissions of the same first byte, not yet
    # acknowledged (tshark marks spurious ones, which do not count).
    rtx = {}
    acked = {}
    rst = None
    for p in pk:
        d = p["src"]
        if p["rst"]:
            rst = p
            break
        if p["ack"]:
            acked[d] = p["ackn"]
        if p["rtx"] and not p["spurious"] and p["len"] > 0:
            key = (d, p["seq"])
            rtx[key] = rtx.get(key, 0) + 1
    for (d, seq), n in rtx.items():
        if n >= th["data"]:
            kinds.setdefault("data_retransmit", {"by": "src" if d == o else "dst"})
    if rst is not None:
        by = "src" if rst["src"] == o else "dst"
        if not synacks or rst["t"] < first_synack:
            kinds["syn_refused"] = {"by": by}
        else:
            out = False
            for (d, seq), n in rtx.items():
                peer = [x for x in acked if x != d]
                a = acked.get(peer[0]) if peer else None
                if a is None or ((seq - a) & 0xffffffff) < 0x80000000:
                    out = True
            kinds["loss_reset" if out else "app_reset"] = {"by": by}
    return kinds


def cmd_oracle(path, syn_th, synack_th, data_th):
    th = {"syn": int(syn_th), "synack": int(synack_th), "data": int(data_th)}
    streams, prev, copies = {}, {}, {}
    for line in open(path):
        f = line.rstrip("\n").split("\t")
        if len(f) < len(ORACLE_FIELDS):
            continue
        r = dict(zip(ORACLE_FIELDS, f))
        src = r["ip.src"] or r["ipv6.src"]
        dst = r["ip.dst"] or r["ipv6.dst"]
        p = {
            "t": float(r["frame.time_epoch"]),
            "src": (src, int(r["tcp.srcport"])),
            "dst": (dst, int(r["tcp.dstport"])),
            "syn": r["tcp.flags.syn"] in ("1", "True"),
            "ack": r["tcp.flags.ack"] in ("1", "True"),
            "fin": r["tcp.flags.fin"] in ("1", "True"),
            "rst": r["tcp.flags.reset"] in ("1", "True"),
            "seq": int(r["tcp.seq_raw"]),
            "ackn": int(r["tcp.ack_raw"] or 0),
            "len": int(r["tcp.len"] or 0),
            "rtx": bool(r["tcp.analysis.retransmission"] or
                        r["tcp.analysis.fast_retransmission"] or
                        r["tcp.analysis.spurious_retransmission"]),
            "spurious": bool(r["tcp.analysis.spurious_retransmission"]),
        }
        p["flags"] = (p["syn"], p["ack"], p["fin"], p["rst"])
        for k in COPY_FIELDS[5:]:
            p[k] = r[k]
        sid = int(r["tcp.stream"])
        sig = tuple(p[k] for k in COPY_FIELDS)
        last = prev.get(sid)
        prev[sid] = (sig, p["t"])
        if last and last[0] == sig and 0 <= p["t"] - last[1] <= COPY_WINDOW:
            copies[sid] = copies.get(sid, 0) + 1
            continue
        streams.setdefault(sid, []).append(p)
    for sid in sorted(streams):
        pk = streams[sid]
        # The originator sent the first SYN, or else the first packet.
        first = next((p for p in pk if p["syn"] and not p["ack"]), pk[0])
        o, r = first["src"], first["dst"]
        for p in pk:
            p["dir_src"] = o
        rec = {
            "stream": sid, "src": o[0], "sport": o[1], "dst": r[0],
            "dport": r[1],
            # tshark counts the SYN's and SYN-ACK's retransmissions with
            # the others; rstwatchd's records keep them apart.
            "rtx_orig": sum(1 for p in pk if p["src"] == o and p["rtx"]),
            "rtx_resp": sum(1 for p in pk if p["src"] != o and p["rtx"]),
            "rst_orig": sum(1 for p in pk if p["src"] == o and p["rst"]),
            "rst_resp": sum(1 for p in pk if p["src"] != o and p["rst"]),
            "kinds": flow_verdict(pk, th),
            "copies": copies.get(sid, 0),
        }
        print(json.dumps(rec, sort_keys=True))
    return 0


def tuple_key(src, sport, dst, dport):
    return "%s.%s>%s.%s" % (src, sport, dst, dport)


def cmd_compare(oracle_path, rw_path, label):
    """One line per check, "ok ..." or "FAIL ...": every connection in
    tshark's view has a flow record with the same counts, and the alerts
    about it are the oracle's."""
    ora = {}
    for line in open(oracle_path):
        r = json.loads(line)
        ora[tuple_key(r["src"], r["sport"], r["dst"], r["dport"])] = r
    recs, evs = {}, {}
    for line in open(rw_path):
        r = json.loads(line)
        if r.get("proto") != "tcp":
            continue
        k = tuple_key(r["src"], r["sport"], r["dst"], r["dport"])
        if r.get("type") == "flow":
            recs.setdefault(k, []).append(r)
        elif "kind" in r:
            evs.setdefault(k, {})[r["kind"]] = r
    bad = 0
    ncount = 0
    for k, o in sorted(ora.items()):
        rl = recs.get(k, [])
        if len(rl) != 1:
            print("FAIL %s %s: %d flow records, wanted 1" % (label, k, len(rl)))
            bad += 1
            continue
        r = rl[0]
        if r["duplicates"] != o["copies"]:
            print("FAIL %s %s: %d copies, the copy rule finds %d in tshark's "
                  "view" % (label, k, r["duplicates"], o["copies"]))
            bad += 1
        got = (r["retransmits_orig"] + r["syn_retransmits"],
               r["retransmits_resp"] + r["synack_retransmits"],
               r["rst_orig"], r["rst_resp"])
        want = (o["rtx_orig"], o["rtx_resp"], o["rst_orig"], o["rst_resp"])
        # The documented class (README, Foreign traces): a re-send that
        # comes within the reordering window of the hole it fills is
        # out-of-order to us and a retransmission to tshark.  Only fewer
        # retransmissions, each one found among the out-of-order, pass.
        short = (want[0] - got[0]) + (want[1] - got[1])
        if (got != want and got[2:] == want[2:] and got[0] <= want[0] and
                got[1] <= want[1] and short <= r["out_of_order"]):
            print("note: %s %s: %d re-sends within the reordering window: "
                  "out-of-order to us, retransmissions to tshark %s" %
                  (label, k, short, want))
            ncount += 1
        elif got != want:
            print("FAIL %s %s: retransmissions orig/resp, RSTs orig/resp "
                  "%s, tshark says %s (record: %s)" %
                  (label, k, got, want, json.dumps(r, sort_keys=True)))
            bad += 1
        else:
            ncount += 1
        e = evs.get(k, {})
        wk = o["kinds"]
        if sorted(e) != sorted(wk) or any(
                "by" in wk[x] and e[x].get("by") != wk[x]["by"] for x in wk):
            print("FAIL %s %s: alerts %s, the trace shows %s (close %s)" %
                  (label, k, {x: e[x].get("by", "") for x in sorted(e)},
                   {x: wk[x].get("by", "") for x in sorted(wk)}, r["close"]))
            bad += 1
    extra = sorted(set(recs) - set(ora))
    if extra:
        print("FAIL %s: flow records tshark has no stream for: %s" %
              (label, " ".join(extra)))
        bad += 1
    ncopies = sum(o["copies"] for o in ora.values())
    if ncopies:
        print("note: %s: %d packets that tshark counts as retransmissions are "
              "copies by rstwatchd's documented rule (identical to the "
              "flow's previous packet within 100 us), left out of both counts"
              % (label, ncopies))
    if not bad:
        print("ok %s: %d connections, retransmission and RST counts equal "
              "to tshark's on each, alerts as the trace shows" % (label, ncount))
    return 0


COMMANDS = {
    "serve": cmd_serve, "batch": cmd_batch, "stall": cmd_stall,
    "stallabort": cmd_stallabort, "synstall": cmd_synstall,
    "oracle": cmd_oracle, "compare": cmd_compare,
}


def main(argv):
    return dispatch(argv, COMMANDS, __doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
