#!/bin/sh
# Evidence files (-r FILE -w DIR) read back with tshark and with rstwatchd.
#
#	sh tests/pcap/evidence.sh RSTWATCHD
#
# Each case reads one fixture of tests/pcap/input/ (or several merged into
# one time-ordered trace, so that flows interleave) with -w into a scratch
# directory, and checks every alert's evidence file:
#   - the event names it (evidence=PATH), and the file is there;
#   - tshark opens it, with the input's link type;
#   - it holds exactly the packets of the alert's flow that the input
#     has (time, wire length, addresses, ports, TCP flags and sequence
#     numbers, and the ICMP errors that quote the flow), so the packets
#     before the alert are there, in order, with their own timestamps;
#   - no packet is longer than evidence.snaplen (128 by default);
#   - tshark's analysis agrees: as many tcp.analysis.retransmission as in
#     the input for data_retransmit, a RST for the reset kinds;
#   - rstwatchd -r on the file alone gives the alert's kind again.
# And: the directory holds nothing else; rst_rate (about a service, not
# a flow) names no file; -w without -r is a usage error; evidence.max_files
# bounds what -r writes, and says so.
#
# tshark is required: without it the test fails (exit 2).  Last line:
# "evidence: N passed, M failed"; exits nonzero on any failure.

set -u
. "$(dirname "$0")/../lib.sh"

t_args 1 "RSTWATCHD" "$@"
RSTWATCHD=$(t_abspath "$1")

t_require evidence "tshark python3" tshark mergecap python3

t_top
in=tests/pcap/input
t_locale

t_tmpdir evidence

passed=0
failed=0
ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# One line per packet: link type, time, wire length, sender, flags,
# sequence number, ICMP type, tshark's retransmission flag, then the bytes
# captured.  With a flow (proto src sport dst dport), only its packets,
# the ICMP errors that quote it included (tshark dissects the quote).
FIELDS="-e frame.encap_type -e frame.time_epoch -e frame.len -e ip.src \
    -e ipv6.src -e tcp.srcport -e udp.srcport -e tcp.flags -e tcp.seq_raw \
    -e icmp.type -e icmpv6.type -e tcp.analysis.retransmission \
    -e frame.cap_len -e vlan.id"
packets() {
	# $1 file [$2 proto $3 src $4 sport $5 dst $6 dport]
	if [ $# -eq 1 ]; then
		tshark -r "$1" -n -T fields -E separator=/t $FIELDS 2>/dev/null
		return
	fi
	case $3 in *:*) a=ipv6.addr ;; *) a=ip.addr ;; esac
	tshark -r "$1" -n -Y "$2.port == $4 and $2.port == $6 and \
	    $a == $3 and $a == $5" -T fields -E separator=/t $FIELDS \
	    2>/dev/null
}

# same_flow WANT GOT TS: GOT is one connection of the flow in WANT, whole
# up to its end: a contiguous run of WANT's packets (those of GOT's VLAN),
# starting with WANT's first or with a SYN (a new connection on the
# tuple), and holding the packet at the alert's time TS.  Compared on
# every field but the bytes captured.
same_flow() {
	python3 - "$@" <<'PY'
import sys
def rows(path):
    return [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
want, got, ts = rows(sys.argv[1]), rows(sys.argv[2]), float(sys.argv[3])
if not got:
    print("no packets"); sys.exit(1)
vlan = got[0][13] if len(got[0]) > 13 else ""
want = [r for r in want if (r[13] if len(r) > 13 else "") == vlan]
key = lambda r: r[:12]
w, g = [key(r) for r in want], [key(r) for r in got]
for i in range(len(w) - len(g) + 1):
    if w[i:i + len(g)] == g:
        break
else:
    print("not a run of the flow's %d packets (%d in the file)" % (len(w), len(g)))
    sys.exit(1)
if i != 0 and got[0][7] not in ("0x0002", "0x00c2"):
    print("starts at packet %d of the flow, not at a SYN" % (i + 1)); sys.exit(1)
if not any(abs(float(r[1]) - ts) < 1e-6 for r in got):
    print("no packet at the alert's time %.6f" % ts); sys.exit(1)
PY
}

# One event per line: kind proto src sport dst dport evidence ts.
events() {
	python3 -c '
import json, sys
for line in sys.stdin:
    o = json.loads(line)
    if "kind" not in o:
        continue
    print(o["kind"], o.get("proto", "-"), o.get("src", "-"),
          o.get("sport", "-"), o.get("dst", "-"), o.get("dport", "-"),
          o.get("evidence", "-"), "%.6f" % o["ts"])
'
}

# check_case NAME CONF INPUT: every evidence file of one run.
check_case() {
	name=$1 conf=$2 input=$3
	out=$tmp/$name
	mkdir -p "$out/ev"
	if ! "$RSTWATCHD" -r "$input" -c "$conf" -j -w "$out/ev" \
	    > "$out/run.jsonl" 2> "$out/run.err"; then
		fail "$name: rstwatchd -r -w failed: $(cat "$out/run.err")"
		return
	fi
	events < "$out/run.jsonl" > "$out/events"
	nfiles=0
	while read -r kind proto src sport dst dport ev ts; do
		case $kind in
		rst_rate|capture_drop)
			if [ "$ev" = - ]; then ok; else
				fail "$name: $kind names a file: $ev"; fi
			continue ;;
		esac
		if [ "$ev" = - ]; then
			fail "$name: $kind $src:$sport has no evidence"
			continue
		fi
		nfiles=$((nfiles + 1))
		case $ev in
		"$out/ev/"*[!A-Za-z0-9._-]*) fail "$name: unsafe name $ev" ;;
		"$out/ev/"*) ok ;;
		*) fail "$name: $ev is not in the -w directory" ;;
		esac
		if [ ! -s "$ev" ]; then
			fail "$name: $kind: $ev missing or empty"
			continue
		fi
		# The input's link type, and exactly the flow's packets, the
		# pre-alert ones included, with their own times; tshark's
		# analysis of them the same as of the whole input.
		packets "$input" "$proto" "$src" "$sport" "$dst" "$dport" \
		    > "$out/want"
		packets "$ev" > "$out/got"
		if why=$(same_flow "$out/want" "$out/got" "$ts"); then ok; else
			fail "$name: $kind: $ev: $why"
		fi
		# Headers only: evidence.snaplen (128).
		big=$(awk -F'\t' '$13 > 128' "$out/got" | wc -l)
		if [ "$big" -eq 0 ]; then ok; else
			fail "$name: $kind: $big packets longer than 128 bytes"; fi
		case $kind in
		data_retransmit)
			got=$(awk -F'\t' '$12 == 1' "$out/got" | wc -l)
			if [ "$got" -ge 5 ]; then ok; else
				fail "$name: data_retransmit: tshark sees $got retransmissions"; fi ;;
		syn_refused|loss_reset|app_reset|rst_injected)
			# tcp.flags, e.g. 0x0014: RST is 0x04.
			got=$(awk -F'\t' '$8 != "" &&
			    substr($8, length($8), 1) ~ /[4-7c-f]/' \
			    "$out/got" | wc -l)
			if [ "$got" -ge 1 ]; then ok; else
				fail "$name: $kind: no RST in $ev"; fi ;;
		icmp_unreachable)
			got=$(awk -F'\t' '$10 == 3 || $11 == 1' "$out/got" | wc -l)
			if [ "$got" -ge 1 ]; then ok; else
				fail "$name: icmp_unreachable: no ICMP error in $ev"; fi ;;
		esac
		# The file alone gives the verdict again.
		# (grep reads it all: events must not write into a closed pipe)
		if "$RSTWATCHD" -r "$ev" -c "$conf" -j 2>/dev/null | events |
		    grep "^$kind $proto $src $sport $dst $dport " > /dev/null; then
			ok
		else
			fail "$name: rstwatchd -r $ev does not say $kind again"
		fi
	done < "$out/events"
	if [ "$nfiles" -gt 0 ]; then ok; else
		fail "$name: no alert with evidence"; fi
	# Nothing but the files the alerts name.
	present=$(ls "$out/ev" | wc -l)
	named=$(awk '$7 != "-"' "$out/events" | wc -l)
	if [ "$present" -eq "$named" ]; then ok; else
		fail "$name: $present files in the directory, $named named"; fi
	# From standard input the store holds copies, from the file places
	# in it read again: the same files, byte for byte.
	mkdir -p "$out/stdin"
	if "$RSTWATCHD" -r - -c "$conf" -j -w "$out/stdin" < "$input" \
	    > /dev/null 2>&1 && diff -r "$out/ev" "$out/stdin" > /dev/null; then
		ok
	else
		fail "$name: -r - (copies) and -r FILE (places) differ"
	fi
}

conf=tests/pcap/test.yaml
for f in syn_retransmit synack_retransmit syn_refused data_loss_reset \
    app_reset rst_injected_ttl rst_injected_window seq_anomaly \
    udp_port_unreachable tcp_admin_prohibited udp6_port_unreachable \
    loss_reset_by_server ipv6_refused sll2_refused vlan_two_flows \
    new_isn_after_reset; do
	check_case "$f" "$conf" "$in/$f.pcap"
done
check_case pcapng_refused "$conf" "$in/pcapng_refused.pcapng"

# Several flows at once, interleaved in time: each file keeps its own.
mergecap -F pcap -w "$tmp/merged.pcap" "$in/syn_refused.pcap" \
    "$in/data_loss_reset.pcap" "$in/app_reset.pcap" \
    "$in/udp_port_unreachable.pcap" "$in/syn_retransmit.pcap" \
    "$in/rst_injected_ttl.pcap" 2>/dev/null || fail "mergecap"
check_case merged "$conf" "$tmp/merged.pcap"

# rst_rate is about a service: no file.
cat > "$tmp/rate.yaml" <<EOF
rst_rate:
  threshold: 1
EOF
check_case rst_rate "$tmp/rate.yaml" "$tmp/merged.pcap"
if grep -q '"kind":"rst_rate"' "$tmp/rst_rate/run.jsonl"; then ok; else
	fail "rst_rate: the case raised no rst_rate"; fi

# evidence.max_files bounds -r too (it never deletes): said on stderr.
cat > "$tmp/max1.yaml" <<EOF
evidence:
  max_files: 1
EOF
mkdir "$tmp/max1"
"$RSTWATCHD" -r "$tmp/merged.pcap" -c "$tmp/max1.yaml" -w "$tmp/max1" \
    > /dev/null 2> "$tmp/max1.err"
if [ "$(ls "$tmp/max1" | wc -l)" -eq 1 ] &&
    grep -q "files not written: beyond evidence.max_files" "$tmp/max1.err"; then
	ok
else
	fail "max_files 1: $(ls "$tmp/max1" | wc -l) files; $(cat "$tmp/max1.err")"
fi

# -w needs -r.
"$RSTWATCHD" -w "$tmp" > /dev/null 2>&1
rc=$?
if [ "$rc" -eq 64 ]; then ok; else fail "-w without -r: exit $rc, not 64"; fi

# A directory that cannot be made is a run-time failure, said.
"$RSTWATCHD" -r "$in/syn_refused.pcap" -c "$conf" -w "$tmp/no/such/dir" \
    > /dev/null 2> "$tmp/nodir.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "evidence: cannot create" "$tmp/nodir.err"; then
	ok
else
	fail "-w into a missing parent: exit $rc: $(cat "$tmp/nodir.err")"
fi

echo "evidence: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
