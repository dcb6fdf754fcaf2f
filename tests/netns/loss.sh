#!/bin/bash
# Real-kernel packet loss: bulk transfers through a router that drops a
# random 3% of the client's packets, and flows the path drops entirely
# until the sender gives up.  Each end's capture is read by rstwatchd -r
# and by tshark: per connection the retransmission and RST counts must be
# tshark's, and the alerts those the trace shows.  The live daemon on the
# server alerts as -r does on the server's capture.
#
#	bash tests/netns/loss.sh RSTWATCHD	(VERBOSE=1 echoes commands,
#						 KEEP=1 keeps the scratch dir)
#
#   client (tcpdump)          router                        server (tcpdump,
#   pathtool.py clients  ---> nft forward, from the client: rstwatchd -f -j)
#   tcp_retries2=3            data to :5003 :5004 dropped   pathtool.py serve
#   tcp_syn_retries=2         SYNs to :5005 dropped         :5001 close, :5002
#                             numgen random mod 100 < 3     abort, :5003 :5004
#                               of the rest dropped
#   (topology: topo.sh; IPv4 and IPv6 alike)
#
# Scenarios (client source ports name them):
#   45001-45030	30 uploads of 200-500 KB, odd ports IPv4, even IPv6:
#		ending with FINs (most), with the client's RST after the
#		server's answer (SO_LINGER 0: app_reset by=src), or with the
#		server's RST after its answer (app_reset by=dst).  3% loss:
#		retransmissions, but no alert unless the trace justifies one
#		(an abort is loss_reset only if retransmitted data was still
#		unacknowledged when the RST came).
#   46001 46002	data the path drops entirely; the client's kernel gives up
#		(tcp_retries2=3: ETIMEDOUT, no RST): data_retransmit at the
#		client; at the server, only a handshake: no alert.
#   46011 46012	the same, the application aborts after 3 retransmissions:
#		data_retransmit and loss_reset by=src at the client.  The
#		server saw a handshake, then a RST whose sequence number is
#		beyond all it received: data it never got, but SPEC 4 does
#		not let data missing from a capture make an abort a
#		loss_reset on that ground alone: app_reset by=src there.
#   46021 46022	SYNs the path drops; the kernel gives up after 2 retries
#		(tcp_syn_retries=2): syn_retransmit at the client; the
#		server sees nothing.
# The oracle (pathtool.py oracle) derives from tshark's analysis what a
# reader of each capture concludes, connection by connection, with one
# documented difference applied: a packet identical to the flow's
# previous one within 100 us is a copy for rstwatchd (rstwatchd(8),
# duplicate), a retransmission for tshark (over IPv6 with offloaded
# checksums a real re-send right behind its delayed original looks so).
# The scenarios' own expectations are checked on top of it.  Thresholds (the
# test's configuration): SYN 2, SYN-ACK 3, data 3; cooldowns 0.
# Last line: "loss: N passed, M failed"; exit 1 when M > 0, 2 when the
# test cannot run (not root, a tool missing).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

SUITE=loss
NEEDS="nft (numgen), tcpdump, tshark, timeout and python3"
. "$(dirname "$0")/lib.sh"
. "$HERE/topo.sh"

TOOL=$HERE/pathtool.py
dir=
daemon_pid=
TOPO_TAG=l

cleanup() {
	topo_cleanup loss
}

# kinds FILE SPORT: "kind:by" of the events about that client port, sorted.
kinds() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
out = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "kind" in r and r.get("sport") == int(sys.argv[2]):
        out.append("%s:%s" % (r["kind"], r.get("by", "")))
print(" ".join(sorted(out)))
EOF
}

# oracle_kinds SIDE SPORT: "kind:by" of what the oracle finds in that
# connection of SIDE's capture, one per line.
oracle_kinds() {
	"$PY" - "$dir/$1.oracle" "$2" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["sport"] == int(sys.argv[2]):
        for k, v in sorted(r["kinds"].items()):
            print("%s:%s" % (k, v.get("by", "")))
EOF
}

# expect FILE LABEL SPORT WANT...: the alerts about SPORT are exactly WANT
# (each "kind:by"; "" for none).
expect() {
	local f=$1 label=$2 sport=$3 got want
	shift 3

	want=$(printf '%s\n' "$@" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
	got=$(kinds "$f" "$sport")
	if [ "$got" = "$want" ]; then
		pass "$label: sport $sport: ${got:-no alert}"
	else
		fail "$label: sport $sport: alerts \"$got\", wanted \"$want\""
	fi
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft tcpdump tshark timeout sysctl ss
[ -x "$RSTWATCHD" ] || loud "$RSTWATCHD: not an executable"
[ -r "$TOOL" ] || loud "$TOOL missing"
id nobody > /dev/null 2>&1 || loud "no user nobody for daemon.user"
# The interpreter itself, not a wrapper (pyenv's shims cost 0.5 s a start).
PY=$("$PY" -c 'import sys; print(sys.executable)') || loud "python3 does not run"

trap cleanup EXIT
exec 4>&1
trap '{ fail "interrupted by a signal"; echo "loss: $passed passed, $failed failed"; } >&4
    exit 1' INT TERM HUP

t_start=$(now_ms)
dir=$(mktemp -d /tmp/rw-loss.XXXXXX) || loud "mktemp"
chmod 755 "$dir"
conf=$dir/rstwatch.yaml

topo_up
in_cli sysctl -q -w net.ipv4.tcp_retries2=3 || loud "cannot set tcp_retries2"
in_cli sysctl -q -w net.ipv4.tcp_syn_retries=2 || loud "cannot set tcp_syn_retries"
# Linux 6.x retries a SYN tcp_syn_linear_timeouts (4) times more, at 1 s
# intervals, before the exponential ones that tcp_syn_retries counts.
if ip netns exec "$TOPO_CLI" test -e /proc/sys/net/ipv4/tcp_syn_linear_timeouts; then
	in_cli sysctl -q -w net.ipv4.tcp_syn_linear_timeouts=0
fi
# One packet per segment from the client: a veth hands a GSO packet of up
# to 64 KB through the router whole, and 3% of those would be 3% of
# bursts, not of packets as a wire has them.
in_cli ip link set dev "$CLI_IF" gso_max_segs 1 || loud "cannot limit GSO on $CLI_IF"
in_rtr nft -f - <<-EOF || loud "nft failed in the router (numgen?)"
	table inet rwloss {
		chain forward {
			type filter hook forward priority 0; policy accept;
			iifname "$RTR_CIF" tcp dport { 5003, 5004 } meta length > 100 drop
			iifname "$RTR_CIF" tcp dport 5005 tcp flags & (syn | ack) == syn drop
			iifname "$RTR_CIF" numgen random mod 100 < 3 counter drop
		}
	}
EOF

for p in 5001:close 5002:abort 5003:close 5004:close; do
	spawn ip netns exec "$TOPO_SRV" "$PY" "$TOOL" serve :: "${p%:*}" "${p#*:}"
done
end=$(($(now_ms) + 5000))
until [ "$(ip netns exec "$TOPO_SRV" ss -Htln | wc -l)" -ge 4 ]; do
	[ "$(now_ms)" -ge "$end" ] && loud "the servers did not start"
	sleep 0.02
done

{
	echo "capture:"
	echo "  interfaces: [$SRV_IF]"
	echo "  buffer_size: 8M"
	echo "thresholds:"
	echo "  max_syn_retransmissions: 2"
	echo "  max_synack_retransmissions: 3"
	echo "  max_data_retransmissions: 3"
	echo "events:"
	for k in syn_retransmit synack_retransmit syn_refused data_retransmit \
	    loss_reset app_reset rst_injected seq_anomaly icmp_unreachable \
	    capture_drop rst_rate; do
		echo "  $k: { cooldown: 0 }"
	done
	echo "daemon:"
	echo "  user: nobody"
	echo "  stats_interval: 0"
} > "$conf"
run "$RSTWATCHD" -t -c "$conf" 2> "$dir/check.err" ||
    loud "rstwatchd -t rejects the test configuration: $(cat "$dir/check.err")"

# Captures at both ends, bounded in time; then the live daemon on the
# server's link, ready when its packet socket is there.
topo_capture cli cli "$dir/cli.pcap" 150 tcp
topo_capture srv srv "$dir/srv.pcap" 150 tcp
spawn ip netns exec "$TOPO_SRV" "$RSTWATCHD" -f -j -c "$conf" -i "$SRV_IF" \
    > "$dir/live.jsonl" 2> "$dir/live.err"
daemon_pid=$!
# Without /dev/log its messages go to standard error: "started" comes
# once every capture has its filter and is watched.
end=$(($(now_ms) + 5000))
until grep -q 'started, version' "$dir/live.err" 2>/dev/null; do
	running "$daemon_pid" || loud "the daemon did not start: $(cat "$dir/live.err")"
	[ "$(now_ms)" -ge "$end" ] && loud "the daemon did not say it started in 5 s: $(cat "$dir/live.err")"
	sleep 0.02
done

# ---------------------------------------------------------------------------
# Traffic: the stalls in the background, the uploads one after the other.

cli_bg() {
	local name=$1
	shift
	spawn ip netns exec "$TOPO_CLI" "$PY" "$TOOL" "$@" > "$dir/$name.out" 2>&1
}
cli_bg stall4 stall "$SRV4" 5003 46001 20
pid_stall4=$!
cli_bg stall6 stall "$SRV6" 5003 46002 20
pid_stall6=$!
cli_bg abort4 stallabort "$SRV4" 5004 46011 3
pid_abort4=$!
cli_bg abort6 stallabort "$SRV6" 5004 46012 3
pid_abort6=$!
cli_bg syn4 synstall "$SRV4" 5005 46021 20
pid_syn4=$!
cli_bg syn6 synstall "$SRV6" 5005 46022 20
pid_syn6=$!

RANDOM=$$
: > "$dir/batch.txt"
for i in $(seq 1 30); do
	sport=$((45000 + i))
	if [ $((i % 2)) = 1 ]; then a=$SRV4; else a=$SRV6; fi
	size=$((200000 + RANDOM % 300001))
	case $((i % 10)) in
	6|7) echo "$a 5001 $sport $size abort" ;;	# the client's RST
	8|9) echo "$a 5002 $sport $size close" ;;	# the server's RST
	*) echo "$a 5001 $sport $size close" ;;
	esac >> "$dir/batch.txt"
done
t0=$(now_ms)
run ip netns exec "$TOPO_CLI" "$PY" "$TOOL" batch "$dir/batch.txt" \
    > "$dir/batch.out" 2>&1
ndone=$(grep -c '^done ' "$dir/batch.out")
if [ "$ndone" -eq 30 ]; then
	pass "30 uploads of 200-500 KB through 3% loss in $(($(now_ms) - t0)) ms"
else
	fail "uploads: $ndone of 30 done: $(grep -v '^done ' "$dir/batch.out" | head -3)"
fi

for j in stall4:pid_stall4 stall6:pid_stall6 abort4:pid_abort4 \
    abort6:pid_abort6 syn4:pid_syn4 syn6:pid_syn6; do
	name=${j%:*}
	pvar=${j#*:}
	pid=${!pvar}
	if ! wait_pid "$pid" 25; then
		fail "$name: the client still runs after 25 s"
	elif grep -Eq '^(timedout|aborted) ' "$dir/$name.out"; then
		pass "$name: the sender gave up: $(cat "$dir/$name.out")"
	else
		fail "$name: $(cat "$dir/$name.out")"
	fi
done
dropped=$(ip netns exec "$TOPO_RTR" nft list chain inet rwloss forward |
    sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
echo "note: the router dropped ${dropped:-?} packets at random"

# Let the last packets reach the captures and the daemon, then stop all.
sleep 0.5
topo_capture_stop
run kill -TERM "$daemon_pid"
if wait_pid "$daemon_pid" 5; then
	# Packets the kernel dropped before the daemon read them would make
	# its records differ from the capture's for a reason of its own.
	if grep -q '^rstwatchd: stopped: .* dropped=0 ' "$dir/live.err"; then
		pass "live daemon: stopped, no packet dropped"
	else
		fail "live daemon: $(grep 'stopped:' "$dir/live.err" || echo 'no final statistics')"
	fi
	daemon_pid=
else
	fail "live daemon: still running 5 s after SIGTERM"
fi

# ---------------------------------------------------------------------------
# Each capture: rstwatchd -r against tshark.

FIELDS=$("$PY" -B -c 'import sys; sys.path.insert(0, sys.argv[1]); import pathtool
print(" ".join("-e " + f for f in pathtool.ORACLE_FIELDS))' "$HERE")
for side in cli srv; do
	cap=$dir/$side.pcap
	# shellcheck disable=SC2086
	run tshark -n -r "$cap" -Y tcp -T fields -E separator=/t $FIELDS \
	    > "$dir/$side.tsv" 2> "$dir/$side.tshark.err" ||
	    fail "$side: tshark failed: $(head -3 "$dir/$side.tshark.err")"
	run "$PY" "$TOOL" oracle "$dir/$side.tsv" 2 3 3 > "$dir/$side.oracle"
	if run "$RSTWATCHD" -r "$cap" -j -c "$conf" > "$dir/$side.jsonl" \
	    2> "$dir/$side.err"; then
		pass "$side: rstwatchd -r exit 0 ($(wc -l < "$dir/$side.oracle") connections)"
	else
		fail "$side: rstwatchd -r failed: $(head -3 "$dir/$side.err")"
	fi
	while IFS= read -r line; do
		case $line in
		ok\ *) pass "${line#ok }" ;;
		note:*) echo "$line" ;;
		*) fail "${line#FAIL }" ;;
		esac
	done < <("$PY" "$TOOL" compare "$dir/$side.oracle" "$dir/$side.jsonl" "$side")
done

# The scenarios, on top of the oracle: what each was made to show.  An
# upload ends as designed (FINs, or the RST of one side's application);
# where loss really was outstanding at the RST the oracle says loss_reset,
# and that is right; loss may add a syn_retransmit or data_retransmit
# that the oracle justifies (a SYN lost twice happens once in a few runs).
for i in $(seq 1 30); do
	sport=$((45000 + i))
	case $((i % 10)) in
	6|7) reset=src ;;
	8|9) reset=dst ;;
	*) reset= ;;
	esac
	for side in cli srv; do
		ok=$(oracle_kinds "$side" "$sport")
		want=$(printf '%s\n' "$ok" | grep -Ev '^(app|loss)_reset:')
		# The client's RST can be among the 3% the router drops: then
		# the server's capture has no RST (the oracle sees none) and
		# no reset to judge.  Its own capture always has it, and the
		# server's RST is never dropped.
		if [ "$side:$reset" = srv:src ] &&
		    ! printf '%s\n' "$ok" | grep -Eq '^(app|loss)_reset:'; then
			echo "note: sport $sport: the client's RST was lost on the way to the server"
			reset=
		fi
		if [ -n "$reset" ]; then
			case $ok in
			*loss_reset:$reset*) want="$want loss_reset:$reset" ;;
			*) want="$want app_reset:$reset" ;;
			esac
		fi
		# shellcheck disable=SC2086
		expect "$dir/$side.jsonl" "$side capture, upload" "$sport" $want
	done
done
for sport in 46001 46002; do
	expect "$dir/cli.jsonl" "client capture, kernel gave up" "$sport" data_retransmit:src
	expect "$dir/srv.jsonl" "server capture, kernel gave up" "$sport"
done
for sport in 46011 46012; do
	expect "$dir/cli.jsonl" "client capture, application gave up" "$sport" \
	    data_retransmit:src loss_reset:src
	if oracle_kinds srv "$sport" | grep -q '_reset:'; then
		expect "$dir/srv.jsonl" "server capture, application gave up" \
		    "$sport" app_reset:src
	else
		echo "note: sport $sport: the client's RST was lost on the way to the server"
		expect "$dir/srv.jsonl" "server capture, application gave up" "$sport"
	fi
done
for sport in 46021 46022; do
	expect "$dir/cli.jsonl" "client capture, SYNs dropped" "$sport" syn_retransmit:
	expect "$dir/srv.jsonl" "server capture, SYNs dropped" "$sport"
done

# The live daemon saw the server's link: the same alerts and flow records
# as -r on the server's capture (less the interface and the -r summary).
live_vs_r() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
TS = ("ts", "ts_start", "ts_end")
# Out-of-order is timed against the handshake RTT, tens of microseconds
# here, and a copy is a packet equal to the previous one within 100 us;
# the daemon's packet socket and tcpdump's stamp a packet a few
# microseconds apart, so a loss-recovery re-send arriving about one RTT
# after the segment that showed the hole, or right behind its delayed
# original, can fall on either side.  Sums must agree; the split is noted.
SPLIT = ("retransmits_orig", "retransmits_resp", "out_of_order",
         "duplicates", "pkts_orig", "pkts_resp", "bytes_orig", "bytes_resp")
def load(path):
    ev, fl = {}, {}
    for line in open(path):
        r = json.loads(line)
        if r.get("proto") != "tcp":
            continue
        ts = [r.pop(k, 0) for k in TS]
        for k in ("iface", "msg", "evidence"):
            r.pop(k, None)
        if r.get("type") == "flow":
            sp = dict((k, r.pop(k)) for k in SPLIT)
            d = sp["duplicates"]
            r["pkts+copies"] = sp["pkts_orig"] + sp["pkts_resp"] + d
            split = [sp[k] for k in SPLIT] + [sum(sp[k] for k in SPLIT[:4])]
            fl[json.dumps(r, sort_keys=True)] = (ts, split)
        else:
            ev[json.dumps(r, sort_keys=True)] = (ts, None)
    return ev, fl
le, lf = load(sys.argv[1])
re_, rf = load(sys.argv[2])
ok = True
for name, a, b in (("alerts", le, re_), ("flow records", lf, rf)):
    if sorted(a) != sorted(b):
        ok = False
        print("FAIL live daemon vs -r on the server capture: %s differ" % name)
        for x in sorted(set(a) - set(b))[:5]:
            print("FAIL   live only: %s" % x)
        for x in sorted(set(b) - set(a))[:5]:
            print("FAIL   -r only:   %s" % x)
        continue
    # Alerts and records carry their packets' times, live as with -r
    # (the loop's tick no longer moves the clock past packets still in
    # the ring); the two captures stamp a packet microseconds apart.
    dt = max([abs(u - v) for k in a for u, v in zip(a[k][0], b[k][0])] + [0])
    lim = 0.001
    if dt > lim:
        ok = False
        print("FAIL live daemon vs -r: %s times differ by up to %.6f s" % (name, dt))
    else:
        print("note: live daemon vs -r: %s times differ by up to %.6f s" % (name, dt))
    if name == "flow records":
        # Bytes: equal unless a copy was told apart differently.
        for k in a:
            la, lb = a[k][1], b[k][1]
            if la[3] == lb[3] and la[6:8] != lb[6:8]:
                ok = False
                print("FAIL live daemon vs -r: bytes differ in %s" % k)
        # The sum of the three classes: equal, or one apart where a
        # packet's stamps fall on either side of the copy window (seen
        # once in a few runs): the daemon's socket and tcpdump's stamp
        # each packet on their own, microseconds apart (README,
        # "Decisions"); more is a failure.
        for k in a:
            dsum = abs(a[k][1][-1] - b[k][1][-1])
            if dsum > 1:
                ok = False
                print("FAIL live daemon vs -r: retransmissions + out-of-order + copies %d against %d in %s" % (a[k][1][-1], b[k][1][-1], k))
            elif dsum == 1:
                print("note: live daemon vs -r: one packet classed apart at the timing boundary in %s" % k)
        n = sum(1 for k in a if a[k][1] != b[k][1])
        print("note: live daemon vs -r: %d of %d flows split retransmissions, "
              "out-of-order and copies differently (the timing boundary)" % (n, len(a)))
if ok:
    print("ok live daemon vs -r on the server capture: %d alerts, %d flow records, the same" % (len(le), len(lf)))
EOF
}
while IFS= read -r line; do
	case $line in
	ok\ *) pass "${line#ok }" ;;
	note:*) echo "$line" ;;
	*) fail "${line#FAIL }" ;;
	esac
done < <(live_vs_r "$dir/live.jsonl" "$dir/srv.jsonl")
if grep -Eq 'Sanitizer|runtime error' "$dir"/*.err; then
	fail "sanitizer reports: $(grep -l -E 'Sanitizer|runtime error' "$dir"/*.err)"
fi

echo "loss: run took $(($(now_ms) - t_start)) ms"
echo "loss: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
