#!/usr/bin/env python3
"""Hold rstwatchd's flow records against Zeek's conn.log baselines and
tshark's TCP analysis, on Zeek's own test traces.

    python3 tests/pcap/foreign/compare.py [--zeek DIR] [--all] [-v] RSTWATCHD

Zeek's repository (a bare clone; default /work/.mirror/zeek+zeek/repo, or
$ZEEK_REPO) is read with git only: every btest that reads a trace with
`zeek ... -r $TRACES/...` and compares a conn log (`btest-diff conn.log`,
or a copy or zeek-cut of it) gives a baseline.  Each trace is read once
with `rstwatchd -r TRACE -j -c tests/pcap/test.yaml [filter]` (Zeek's
`-f` filter passed on), and its flow records are matched to the baseline's
TCP rows by their 5-tuple in either order (several rows with one tuple:
by packet counts).  Printed: the share of Zeek's TCP flows found, the
share whose conn_state equals Zeek's, then per-flow retransmission and
RST counts against tshark's (`tcp.analysis.retransmission`,
`.fast_retransmission`, `.spurious_retransmission`, SYNs left out, as
rstwatchd counts them in syn_retransmits), and every disagreement by
class.  With --all the tshark part reads every trace in Traces/, not only
those with a conn.log baseline.

Traces and tshark's output are cached under build/foreign/ (delete it to
start afresh).  Exit 0 always unless something could not run; the numbers
are for people, the bars are in README.md.
"""

import argparse
import collections
import hashlib
import json
import os
import re
import shlex
import subprocess
import sys

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
CACHE = os.path.join(TOP, "build", "foreign")
BT = "testing/btest/"

# Baselines that do not show what Zeek makes of a trace by default, and why.
EXCLUDE = {
    "core.checksums_ignore_nets/conn-failed.log":
        "Zeek told to drop the packets with bad checksums",
    "scripts.base.frameworks.netcontrol.packetfilter/conn.log":
        "the test's NetControl rule drops the connection's packets",
    "scripts.base.protocols.ftp.gridftp/conn.log":
        "the gridftp script stops Zeek's processing of the data channel",
}

# Zeek conn_state for a flow whose originator is the other side.
FLIP = {"S2": "S3", "S3": "S2", "RSTO": "RSTR", "RSTR": "RSTO",
        "SH": "SHR", "SHR": "SH"}


def git(repo, *args, binary=False):
    out = subprocess.run(["git", "-C", repo] + list(args),
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False).stdout
    return out if binary else out.decode("utf-8", "replace")


def test_name(path):
    rel = path[len(BT):]
    base = rel.rsplit(".", 1)[0] if "." in os.path.basename(rel) else rel
    return base.replace("/", ".")


def parse_zeek(seg):
    """A zeek command line: its traces, filter and whether -C was given."""
    try:
        toks = shlex.split(seg.replace("${TRACES}", "$TRACES"))
    except ValueError:
        return None
    traces = []
    filt = None
    i = 0
    while i < len(toks):
        t = toks[i]
        if t == "-r" and i + 1 < len(toks):
            traces.append(toks[i + 1])
            i += 2
            continue
        if t == "-f" and i + 1 < len(toks):
            filt = toks[i + 1]
            i += 2
            continue
        i += 1
    if not traces or not all(t.startswith("$TRACES/") for t in traces):
        return None
    return {"traces": [t[len("$TRACES/"):] for t in traces], "filter": filt,
            "C": "-C" in toks or any(re.fullmatch(r"-[a-zA-Z]*C[a-zA-Z]*", t)
                                     for t in toks if t.startswith("-") and
                                     not t.startswith("--"))}


def exec_lines(text):
    for line in text.splitlines():
        m = re.search(r"@TEST-EXEC(?:-FAIL)?:\s*(.*)", line)
        if m:
            yield m.group(1)


def produced_files(text):
    """Map each file a test diffs to (run, zeek-cut columns or None)."""
    made = {}
    diffs = {}
    for cmd in exec_lines(text):
        for seg in re.split(r"&&|;", cmd):
            seg = seg.strip()
            if re.match(r"(\S*/)?zeek\s", seg) or seg.startswith("zeek "):
                run = parse_zeek(seg)
                made["conn.log"] = (run, None)
                continue
            m = re.match(r"(?:mv|cp)\s+(\S+)\s+(\S+)$", seg)
            if m and m.group(1) in made:
                made[m.group(2)] = made[m.group(1)]
                continue
            m = re.search(r"zeek-cut\s+([^<>|]*?)\s*<\s*(\S+)\s*>\s*(\S+)", seg)
            if not m:
                m2 = re.search(r"cat\s+(\S+)\s*\|\s*zeek-cut\s+([^<>|]*?)\s*>\s*(\S+)", seg)
                if m2:
                    m = m2
                    src, args, dst = m2.group(1), m2.group(2), m2.group(3)
                else:
                    src = None
            else:
                args, src, dst = m.group(1), m.group(2), m.group(3)
            if m and src in made:
                made[dst] = (made[src][0], args.split())
                continue
            m = re.match(r"btest-diff\s+(\S+)", seg)
            if m and m.group(1) in made:
                diffs[m.group(1)] = made[m.group(1)]
    return diffs


def parse_baseline(text, cut):
    """Rows of a conn log as dicts, or None without the needed columns."""
    fields = None
    rows = []
    for line in text.splitlines():
        if line.startswith("#fields\t"):
            fields = line.split("\t")[1:]
            continue
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if fields is None:
            if "id.orig_h" in cols:
                fields = cols
                continue
            if cut is not None and not any(a.startswith("-") and
                                           "n" in a for a in cut):
                fields = [a for a in cut if not a.startswith("-")]
            else:
                return None
        if len(cols) != len(fields):
            continue
        rows.append(dict(zip(fields, cols)))
    need = ("id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p")
    if fields is None or not all(n in fields for n in need):
        return None
    return rows


class Zeek:
    def __init__(self, repo):
        self.repo = repo
        self.files = git(repo, "ls-tree", "-r", "--name-only",
                         "HEAD", BT).splitlines()
        self.fileset = set(self.files)

    def show(self, path, binary=False):
        return git(self.repo, "show", "HEAD:" + path, binary=binary)

    def baselines(self):
        tests = {}
        for f in self.files:
            if (f.startswith(BT + "Baseline") or f.startswith(BT + "Traces/")
                    or "/." in f):
                continue
            tests.setdefault(test_name(f), f)
        out = []
        skipped = collections.Counter()
        for f in self.files:
            m = re.match(re.escape(BT) + r"Baseline/([^/]+)/([^/]+)$", f)
            if not m or "conn" not in m.group(2):
                continue
            name, fname = m.group(1), m.group(2)
            if name + "/" + fname in EXCLUDE:
                skipped["excluded: " + EXCLUDE[name + "/" + fname]] += 1
                continue
            test = tests.get(name) or tests.get(re.sub(r"-\d+$", "", name))
            if test is None:
                skipped["no test file"] += 1
                continue
            diffs = produced_files(self.show(test))
            if fname not in diffs:
                skipped["not a conn log of a trace"] += 1
                continue
            run, cut = diffs[fname]
            if run is None:
                skipped["not a conn log of a trace"] += 1
                continue
            rows = parse_baseline(self.show(f), cut)
            if rows is None:
                skipped["no 5-tuple columns"] += 1
                continue
            if not all(BT + "Traces/" + t in self.fileset for t in run["traces"]):
                skipped["trace not in the tree"] += 1
                continue
            out.append({"baseline": name + "/" + fname, "run": run,
                        "rows": rows})
        return out, skipped

    def trace(self, rel):
        dst = os.path.join(CACHE, "traces", rel)
        if not os.path.exists(dst):
            data = self.show(BT + "Traces/" + rel, binary=True)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(dst + ".tmp", "wb") as fp:
                fp.write(data)
            os.rename(dst + ".tmp", dst)
        return dst

    def all_traces(self):
        return [f[len(BT + "Traces/"):] for f in self.files
                if f.startswith(BT + "Traces/") and
                re.search(r"\.(pcap|pcapng|trace|dump|cap)$", f)]


def is_capture(path):
    with open(path, "rb") as fp:
        magic = fp.read(4)
    return magic in (b"\xd4\xc3\xb2\xa1", b"\xa1\xb2\xc3\xd4",
                     b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d",
                     b"\x0a\x0d\x0d\x0a")


def ours(rstwatchd, paths, filt):
    cmd = [rstwatchd, "-j", "-c", os.path.join(TOP, "tests/pcap/test.yaml")]
    for p in paths:
        cmd += ["-r", p]
    if filt:
        cmd.append(filt)
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         check=False, env=dict(os.environ, TZ="UTC"))
    recs = []
    for line in res.stdout.decode("utf-8", "replace").splitlines():
        try:
            o = json.loads(line)
        except ValueError:
            continue
        if o.get("type") == "flow":
            recs.append(o)
    return recs, res.returncode


def tkey(a, ap, b, bp):
    return tuple(sorted([(a, int(ap)), (b, int(bp))]))


def tshark_streams(path):
    """Per tcp.stream: tuple, times, per-direction retransmissions, RSTs."""
    h = hashlib.sha1(open(path, "rb").read()).hexdigest()
    cf = os.path.join(CACHE, "tshark", h + ".json")
    if os.path.exists(cf):
        with open(cf) as fp:
            return json.load(fp)
    cmd = ["tshark", "-n", "-r", path, "-Y", "tcp", "-T", "fields",
           "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,",
           "-e", "frame.number", "-e", "frame.time_epoch",
           "-e", "frame.protocols", "-e", "tcp.stream",
           "-e", "ip.src", "-e", "ipv6.src", "-e", "ip.dst", "-e", "ipv6.dst",
           "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn",
           "-e", "tcp.flags.reset", "-e", "tcp.analysis.retransmission",
           "-e", "tcp.analysis.fast_retransmission",
           "-e", "tcp.analysis.spurious_retransmission",
           "-e", "tcp.analysis.out_of_order"]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False)
    streams = {}
    for line in res.stdout.decode("utf-8", "replace").splitlines():
        f = line.split("|")
        if len(f) < 16:
            continue
        protos = f[2].split(":")
        if "tcp" not in protos:
            continue
        before = protos[:protos.index("tcp")]
        if any(p in ("icmp", "icmpv6") for p in before):
            continue
        ips = [p for p in before if p in ("ip", "ipv6")]
        if not ips:
            continue
        inner = ips[-1]
        if inner == "ip":
            src, dst = f[4].split(",")[-1], f[6].split(",")[-1]
        else:
            src, dst = f[5].split(",")[-1], f[7].split(",")[-1]
        sport = f[8].split(",")[0]
        dport = f[9].split(",")[0]
        if not f[3] or not sport:
            continue
        sid = f[3].split(",")[0]
        s = streams.get(sid)
        t = float(f[1])
        if s is None:
            s = streams[sid] = {"a": [src, int(sport)], "b": [dst, int(dport)],
                                "first": t, "last": t, "frames": [],
                                "rx": [[], []], "rst": [[], []], "ooo": [[], []]}
        s["last"] = max(s["last"], t)
        d = 0 if [src, int(sport)] == s["a"] else 1
        syn = f[10].split(",")[0] in ("1", "True")
        rx = any(x not in ("",) for x in f[12:15])
        if rx and not syn:
            s["rx"][d].append(int(f[0]))
        if f[11].split(",")[0] in ("1", "True"):
            s["rst"][d].append(int(f[0]))
        if f[15]:
            s["ooo"][d].append(int(f[0]))
    os.makedirs(os.path.dirname(cf), exist_ok=True)
    with open(cf, "w") as fp:
        json.dump(streams, fp)
    return streams


def tshark_overlaps(path, sids):
    """Per stream and source port: tshark's retransmissions that also
    carry new data (they end beyond what the sender had sent)."""
    if not sids:
        return {}
    cmd = ["tshark", "-n", "-r", path, "-Y",
           "tcp.stream in {%s}" % " ".join(sorted(sids)), "-T", "fields",
           "-E", "separator=|", "-E", "occurrence=f",
           "-e", "tcp.stream", "-e", "tcp.srcport", "-e", "tcp.seq",
           "-e", "tcp.nxtseq", "-e", "tcp.flags.syn",
           "-e", "tcp.analysis.retransmission",
           "-e", "tcp.analysis.fast_retransmission",
           "-e", "tcp.analysis.spurious_retransmission"]
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         check=False)
    high = {}
    out = collections.Counter()
    for line in res.stdout.decode("utf-8", "replace").splitlines():
        f = line.split("|")
        if len(f) < 8 or not f[3]:
            continue
        k = (f[0], int(f[1]))
        nxt = int(f[3])
        rx = any(f[5:8]) and f[4] not in ("1", "True")
        if rx and k in high and nxt > high[k]:
            out[k] += 1
        if k not in high or nxt > high[k]:
            high[k] = nxt
    return out


def match_rows(rows, recs):
    """Pair conn.log TCP rows with flow records; returns [(row, rec|None)]."""
    by = collections.defaultdict(list)
    for r in recs:
        if r.get("proto") == "tcp":
            by[tkey(r["src"], r["sport"], r["dst"], r["dport"])].append(r)
    out = []
    groups = collections.defaultdict(list)
    for row in rows:
        groups[tkey(row["id.orig_h"], row["id.orig_p"], row["id.resp_h"],
                    row["id.resp_p"])].append(row)
    for k, rs in groups.items():
        cands = list(by.get(k, []))
        split = 0 < len(cands) < len(rs)

        def cost(row, rec):
            try:
                zp = int(row.get("orig_pkts", 0)) + int(row.get("resp_pkts", 0))
            except ValueError:
                zp = 0
            return abs(zp - rec["pkts_orig"] - rec["pkts_resp"])
        for row in rs:
            if not cands:
                out.append((row, "split" if split else None, split))
                continue
            best = min(cands, key=lambda c: cost(row, c))
            cands.remove(best)
            out.append((row, best, split))
    return out


def state_class(row, rec):
    zs = row["conn_state"]
    os_ = rec["conn_state"]
    flipped = rec["src"] != row["id.orig_h"] or rec["sport"] != int(row["id.orig_p"])
    if flipped:
        os_ = FLIP.get(os_, os_)
    if zs == os_:
        return None, flipped
    return "zeek %s, ours %s%s" % (zs, rec["conn_state"],
                                   " (roles swapped)" if flipped else ""), flipped


def conn_state_part(zeek, rstwatchd, verbose):
    bls, skipped = zeek.baselines()
    # One baseline per (traces, filter): the first by name with conn_state.
    chosen = {}
    for b in sorted(bls, key=lambda b: b["baseline"]):
        if not any(r.get("proto", "tcp") == "tcp" for r in b["rows"]):
            continue
        k = (tuple(b["run"]["traces"]), b["run"]["filter"])
        has = "conn_state" in b["rows"][0] if b["rows"] else False
        if k not in chosen or (has and "conn_state" not in chosen[k]["rows"][0]):
            chosen[k] = b
    total = found = paired = stated = equal = 0
    classes = collections.defaultdict(list)
    traces_used = set()
    per = {}
    for (traces, filt), b in sorted(chosen.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        paths = [zeek.trace(t) for t in traces]
        if not all(is_capture(p) for p in paths):
            skipped["trace absent from the mirror"] += 1
            continue
        traces_used.update(traces)
        recs, rc = ours(rstwatchd, paths, filt)
        rows = [r for r in b["rows"] if r.get("proto", "tcp") == "tcp"
                and r.get("proto") is not None]
        for row, rec, split in match_rows(rows, recs):
            total += 1
            pt = per.setdefault("+".join(traces), [0, 0, 0, 0, 0])
            pt[0] += 1
            pt[1] += rec is not None
            pt[2] += rec is not None and rec != "split"
            pt[3] += (rec not in (None, "split") and "conn_state" in row)
            pt[4] += (rec not in (None, "split") and "conn_state" in row and
                      state_class(row, rec)[0] is None)
            where = "%s %s:%s > %s:%s" % ("+".join(traces), row["id.orig_h"],
                                          row["id.orig_p"], row["id.resp_h"],
                                          row["id.resp_p"])
            if rec is None:
                classes["not found"].append(where)
                continue
            found += 1
            if rec == "split":
                classes["one of ours, several of Zeek's (its timeouts "
                        "or a SYN after a RST split the tuple)"].append(where)
                continue
            paired += 1
            if "conn_state" not in row:
                continue
            stated += 1
            cls, _ = state_class(row, rec)
            if cls is not None and split:
                cls += " (tuple split by Zeek)"
            if cls is None:
                equal += 1
            else:
                hist = row.get("history", "?")
                classes[cls].append("%s history=%s close=%s" %
                                    (where, hist, rec["close"]))
    print("conn_state against Zeek's baselines: %d baselines used of %d "
          "(one per trace and filter), %d traces" %
          (len(chosen), len(bls), len(traces_used)))
    for why, n in sorted(skipped.items()):
        print("  conn logs not used: %d (%s)" % (n, why))
    print("  Zeek TCP flows: %d, found: %d (%.1f%%), of which paired "
          "one to one with a flow record: %d (%.1f%%)" %
          (total, found, 100.0 * found / max(total, 1), paired,
           100.0 * paired / max(total, 1)))
    print("  conn_state compared: %d, equal: %d (%.1f%%)" %
          (stated, equal, 100.0 * equal / max(stated, 1)))
    big = max(per, key=lambda t: per[t][0])
    rest = [sum(v[i] for t, v in per.items() if t != big) for i in range(5)]
    print("  without the trace with most rows (%s, %d): %d flows, found "
          "%.1f%%, paired %.1f%%, conn_state equal %.1f%% of %d" %
          (big, per[big][0], rest[0], 100.0 * rest[1] / max(rest[0], 1),
           100.0 * rest[2] / max(rest[0], 1), 100.0 * rest[4] / max(rest[3], 1),
           rest[3]))
    report(classes, verbose)
    return traces_used


def report(classes, verbose):
    for cls, items in sorted(classes.items(), key=lambda kv: -len(kv[1])):
        print("  %4d  %s" % (len(items), cls))
        for it in items[: (None if verbose else 3)]:
            print("          %s" % it)
        if not verbose and len(items) > 3:
            print("          ... (%d more; -v lists all)" % (len(items) - 3))


def rx_part(zeek, rstwatchd, traces, verbose):
    flows = rx_eq = rst_eq = 0
    classes = collections.defaultdict(list)
    rclasses = collections.defaultdict(list)
    nofile = 0
    for t in sorted(traces):
        path = zeek.trace(t)
        if not is_capture(path):
            nofile += 1
            continue
        recs, rc = ours(rstwatchd, [path], None)
        streams = tshark_streams(path)
        mine = collections.defaultdict(list)
        for r in recs:
            if r.get("proto") == "tcp":
                mine[tkey(r["src"], r["sport"], r["dst"], r["dport"])].append(r)
        theirs = collections.defaultdict(list)
        for sid, s in streams.items():
            theirs[tkey(s["a"][0], s["a"][1], s["b"][0], s["b"][1])].append(s)
        for k, ss in theirs.items():
            rs = mine.get(k, [])
            flows += 1
            where = "%s %s:%d <> %s:%d" % (t, k[0][0], k[0][1], k[1][0], k[1][1])
            if not rs:
                classes["not found by rstwatchd"].append(where)
                rclasses["not found by rstwatchd"].append(where)
                continue
            # Per direction, summed over every stream and record of the
            # tuple (split differently at times: a new SYN, expiry).
            o = rs[0]
            od = (o["src"], o["sport"])
            t_rx = [0, 0]
            t_rst = [0, 0]
            t_frames = [[], []]
            t_ooo = [0, 0]
            for s in ss:
                d0 = 0 if tuple(s["a"]) == od else 1
                for d in (0, 1):
                    dd = d0 if d == 0 else 1 - d0
                    t_rx[dd] += len(s["rx"][d])
                    t_rst[dd] += len(s["rst"][d])
                    t_frames[dd] += s["rx"][d]
                    t_ooo[dd] += len(s["ooo"][d])
            o_rx = [0, 0]
            o_rst = [0, 0]
            dup = ooo = 0
            for r in rs:
                d0 = 0 if (r["src"], r["sport"]) == od else 1
                o_rx[d0] += r["retransmits_orig"]
                o_rx[1 - d0] += r["retransmits_resp"]
                o_rst[d0] += r["rst_orig"]
                o_rst[1 - d0] += r["rst_resp"]
                dup += r.get("duplicates", 0)
                ooo += r.get("out_of_order", 0)
            split = len(ss) != len(rs)
            if o_rx == t_rx:
                rx_eq += 1
            else:
                cls = rx_class(o_rx, t_rx, t_ooo, ooo, dup, split)
                if not split and o_rx[0] <= t_rx[0] and o_rx[1] <= t_rx[1]:
                    sids = [sid for sid, st in streams.items() if st in ss]
                    ov = tshark_overlaps(path, sids)
                    left = list(t_rx)
                    for (sid, port), n in ov.items():
                        d = 0 if port == od[1] else 1
                        left[d] -= n
                    if left == o_rx:
                        cls = ("tshark counts re-sends that also carry new "
                               "data (ours: they advance the mark)")
                classes[cls].append("%s ours %s tshark %s frames %s" %
                                    (where, o_rx, t_rx,
                                     ",".join(map(str, sorted(t_frames[0] + t_frames[1])[:8]))))
            if o_rst == t_rst:
                rst_eq += 1
            else:
                if dup and sum(t_rst) - sum(o_rst) <= dup and sum(t_rst) > sum(o_rst):
                    cls = "copies counted once (copy rule)"
                elif split:
                    cls = "records split differently"
                else:
                    cls = "ours %s than tshark" % (
                        "more" if sum(o_rst) > sum(t_rst) else "fewer")
                rclasses[cls].append("%s ours %s tshark %s" % (where, o_rst, t_rst))
    print("retransmissions and RSTs against tshark: %d traces%s, %d TCP flows" %
          (len(traces) - nofile,
           " (%d not capture files)" % nofile if nofile else "", flows))
    print("  retransmission counts equal (both directions): %d (%.1f%%)" %
          (rx_eq, 100.0 * rx_eq / max(flows, 1)))
    report(classes, verbose)
    print("  RST counts equal (both directions): %d (%.1f%%)" %
          (rst_eq, 100.0 * rst_eq / max(flows, 1)))
    report(rclasses, verbose)


def rx_class(o, t, t_ooo, ooo, dup, split):
    if split:
        return "records split differently"
    if dup and sum(t) > sum(o) and sum(t) - sum(o) <= dup:
        return "copies counted once (copy rule)"
    if sum(o) < sum(t) and ooo and sum(t) - sum(o) <= ooo:
        return "ours out-of-order, tshark retransmission"
    if sum(o) > sum(t) and sum(t_ooo) and sum(o) - sum(t) <= sum(t_ooo):
        return "ours retransmission, tshark out-of-order"
    return "ours %s than tshark" % ("more" if sum(o) > sum(t) else "fewer")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rstwatchd")
    ap.add_argument("--zeek", default=os.environ.get(
        "ZEEK_REPO", "/work/.mirror/zeek+zeek/repo"))
    ap.add_argument("--all", action="store_true",
                    help="tshark comparison on every trace, not only those "
                    "with a conn.log baseline")
    ap.add_argument("-v", action="store_true", help="list every disagreement")
    a = ap.parse_args()
    if not os.path.isdir(a.zeek):
        print("compare.py: no Zeek repository at %s (--zeek)" % a.zeek,
              file=sys.stderr)
        return 2
    rstwatchd = os.path.abspath(a.rstwatchd)
    zeek = Zeek(a.zeek)
    print("Zeek %s" % git(a.zeek, "rev-parse", "HEAD").strip())
    used = conn_state_part(zeek, rstwatchd, a.v)
    traces = zeek.all_traces() if a.all else used
    traces = [t for t in traces if BT + "Traces/" + t in zeek.fileset]
    rx_part(zeek, rstwatchd, traces, a.v)
    return 0


if __name__ == "__main__":
    sys.exit(main())
