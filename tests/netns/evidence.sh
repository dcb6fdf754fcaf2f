#!/bin/bash
# Evidence files of the live rstwatchd: the real daemon, the real Linux TCP
# stack, each alert's pcap read back with tshark and with rstwatchd -r.
#
#	bash tests/netns/evidence.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory)
#
#   rw-ecli-$$ (client)                   rw-esrv-$$ (server)
#  +---------------------+               +---------------------------------+
#  | 10.8.0.1/24         |  veth pair    | 10.8.0.2/24                     |
#  |                veth0+---------------+veth1 <-- rstwatchd -f -j        |
#  | helper.py clients   |               |   -i veth1, as nobody, evidence |
#  | evidence_forge.py:  |               |   into $dir/ev (max_files 4)    |
#  |   RST, a forged     |               |   tcpdump -i veth1 (reference)  |
#  |   segment (veth0)   |               | helper.py: hold :84 :87, abort  |
#  | tcpreplay (veth0)   |               |   :85, echo :88                 |
#  +---------------------+               | nft input: drop tcp :81, data   |
#                                        |   to :84                        |
#                                        +---------------------------------+
#
# The scenarios: a refused connection (:90, nothing listens), a dropped
# SYN (:81, dropped by nft: the client retries), a loss then abort (data
# to :84 dropped until the client gives up with a RST).  A tcpdump on the
# same interface is the reference: each evidence file must hold exactly
# the packets of its flow that tcpdump saw (the ones before the alert
# included), tshark must open it as Ethernet and agree (retransmissions,
# the RST), and rstwatchd -r on it must give the alert's kind again.
# Then the limits and the cooldown: two old files of ours were in the
# directory at start and go first (max_files 4); a second refused
# connection to the same service within its cooldown writes no file; a
# refused connection to another service writes one, and the oldest file
# of this run goes.  A second daemon: the other seed scenarios, checked
# the same way: an application reset (:85 aborts), a UDP datagram to a
# closed port (the ICMP port unreachable and the datagram it quotes), a
# RST forged in the client's name with TTL 200 (rst_injected), a segment
# forged in the server's name 2^29 ahead of its stream (seq_anomaly when
# the real one comes back).  A third: the evidence directory on a full
# tmpfs: alerts on time, failures counted and said, no packet dropped.
# Last, make bench-live's headers-only trace (gentrace, 200,000 packets)
# replayed at top speed with evidence off and on: no more kernel drops
# with it than without.
# Last line: "evidence: N passed, M failed"; exit status 1 when M > 0, 2
# when the test cannot run at all (not root, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=evidence
NEEDS="nft, unshare, tcpdump, tshark, tcpreplay, cc and python3"
. "$(dirname "$0")/lib.sh"

cli=rw-ecli-$$ srv=rw-esrv-$$

# The event of KIND for client port SPORT, as "evidence-path ts", from the
# daemon's -j output.
event_of() {
	"$PY" - "$dout" "$1" "$2" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    try:
        o = json.loads(line)
    except ValueError:
        continue
    if o.get("kind") == sys.argv[2] and str(o.get("sport")) == sys.argv[3]:
        print(o.get("evidence", "-"), "%.6f" % o["ts"])
        break
PY
}
has_event() { [ -n "$(event_of "$1" "$2")" ]; }
file_ready() { [ -s "$1" ] && tshark -r "$1" -n > /dev/null 2>&1; }

# One line per packet: link type, wire length, sender, ports, TCP flags,
# sequence number, retransmission flag (no time: the reference is another
# capture), then the time.
# ICMP errors carry the ports of the datagram they quote, so the filter
# finds them with their flow.
FIELDS="-e frame.encap_type -e frame.len -e ip.src -e tcp.srcport \
    -e tcp.dstport -e tcp.flags -e tcp.seq_raw \
    -e tcp.analysis.retransmission -e frame.time_epoch -e icmp.type \
    -e ip.ttl -e udp.srcport"
flow_packets() {
	# FILE SPORT DPORT
	tshark -r "$1" -n -Y "(tcp.port == $2 and tcp.port == $3) or
	    (udp.port == $2 and udp.port == $3)" -T fields \
	    -E separator=/t $FIELDS 2>/dev/null
}

# check_file DESC KIND SPORT DPORT: the alert's evidence against tcpdump.
check_file() {
	local desc=$1 kind=$2 sport=$3 dport=$4 ev ts f n

	read -r ev ts <<< "$(event_of "$kind" "$sport")"
	if [ -z "$ev" ] || [ "$ev" = - ]; then
		fail "$desc: no $kind alert with evidence for port $sport"
		return 1
	fi
	case $ev in
	"$evdir/"*-"$kind"-"$cli4.$sport-$srv4.$dport.pcap") pass "$desc: $kind names $ev" ;;
	*) fail "$desc: $kind names $ev" ;;
	esac
	if ! wait_until 15 file_ready "$ev"; then
		fail "$desc: $ev was not written within 15 s"
		return 1
	fi
	pass "$desc: $ev written, tshark reads it"
	f=$dir/$kind.$sport
	tshark -r "$ev" -n -T fields -E separator=/t $FIELDS 2>/dev/null > "$f.got"
	flow_packets "$dir/ref.pcap" "$sport" "$dport" > "$f.want"
	if [ "$(cut -f1 "$f.got" | sort -u)" = 1 ]; then
		pass "$desc: link type Ethernet"
	else
		fail "$desc: link types $(cut -f1 "$f.got" | sort -u | tr '\n' ' ')"
	fi
	# Every packet of the flow that tcpdump saw up to the file's last one.
	n=$(wc -l < "$f.got")
	if [ "$n" -gt 0 ] && cmp -s <(cut -f1-8,10-12 "$f.got") \
	    <(head -n "$n" "$f.want" | cut -f1-8,10-12); then
		pass "$desc: exactly the flow's $n packets from its first, as tcpdump saw them"
	else
		fail "$desc: not the flow's packets (file, then tcpdump):"
		cut -f1-8 "$f.got" | sed 's/^/    /'
		echo "    --"
		cut -f1-8 "$f.want" | sed 's/^/    /'
	fi
	# The packets before the alert are there, with their times.  Live,
	# an alert's time is the daemon's clock when it is raised (a tick may
	# have moved it past the packet's), so: two packets or more at or
	# before it, the one that raised it and what led to it.
	if awk -F'\t' -v ts="$ts" '$9 <= ts + 0.000001 { n++ } END { exit !(n >= 2) }' "$f.got"; then
		pass "$desc: the packets up to the alert, with their times"
	else
		fail "$desc: fewer than 2 packets at or before the alert's time $ts"
	fi
	case $kind in
	data_retransmit|loss_reset)
		n=$(awk -F'\t' '$8 == 1' "$f.got" | wc -l)
		expect_ge "$desc: tshark sees" "$n" 3 retransmissions ;;
	syn_retransmit)
		n=$(awk -F'\t' '$6 == "0x0002"' "$f.got" | wc -l)
		expect_ge "$desc" "$n" 3 SYNs ;;
	esac
	case $kind in
	syn_refused|loss_reset|app_reset)
		if awk -F'\t' 'substr($6, length($6), 1) ~ /[4-7c-f]/ { n++ } END { exit !(n > 0) }' "$f.got"; then
			pass "$desc: the RST is there"
		else
			fail "$desc: no RST"
		fi ;;
	rst_injected)
		# The forged RST (TTL 200) among the sender's own (TTL 64).
		if awk -F'\t' 'substr($6, length($6), 1) ~ /[4-7c-f]/ && $11 == 200 { r++ }
		    $11 == 64 && $4 == '"$sport"' { o++ } END { exit !(r == 1 && o > 0) }' "$f.got"; then
			pass "$desc: the forged RST (TTL 200) and the sender's packets (TTL 64)"
		else
			fail "$desc: not the forged RST and the sender's packets"
		fi ;;
	icmp_unreachable)
		if awk -F'\t' '$10 == 3 { i++ } $10 == "" && $12 == '"$sport"' { u++ }
		    END { exit !(i == 1 && u >= 1) }' "$f.got"; then
			pass "$desc: the datagram and the ICMP port unreachable quoting it"
		else
			fail "$desc: not the datagram and its ICMP error"
		fi ;;
	seq_anomaly)
		# The segment 2^29 ahead, then the real one back where it was.
		if [ "$(awk -F'\t' '$6 == "0x0018" && $5 == '"$sport"' { print $7 }' "$f.got" |
		    awk 'NR > 1 && (p - $1 > 2^28 || $1 - p > 2^28) { j++ } { p = $1 }
		    END { print j + 0 }')" -ge 1 ]; then
			pass "$desc: the peer's stream jumps and comes back"
		else
			fail "$desc: no jump in the peer's sequence numbers"
		fi ;;
	esac
	if "$RSTWATCHD" -r "$ev" -c "$dir/replay.yaml" -j 2>/dev/null |
	    grep -q "\"kind\":\"$kind\".*\"sport\":$sport,"; then
		pass "$desc: rstwatchd -r on the file says $kind again"
	else
		fail "$desc: rstwatchd -r on the file does not say $kind"
	fi
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft unshare mount awk tcpdump tshark tcpreplay cc
need_daemon "$HELPER"

trap_cleanup

scratch evidence
evdir=$dir/ev
dout=$dir/daemon.out
# The daemon's user owns the directory; two files of an earlier run wait.
mkdir -m 750 "$dir/ev"
old1=20200101T000000.000001Z-syn_refused-10.8.0.1.1-10.8.0.2.1.pcap
old2=20200101T000000.000002Z-syn_refused-10.8.0.1.2-10.8.0.2.1.pcap
: > "$dir/ev/$old1"
: > "$dir/ev/$old2"
chown -R nobody "$dir/ev"
conf=$dir/rstwatch.yaml
cat > "$conf" <<EOF
capture:
  interfaces: [veth1]
  buffer_size: 1M
thresholds:
  max_syn_retransmissions: 2
  max_data_retransmissions: 3
events:
  syn_retransmit: { cooldown: 0 }
  data_retransmit: { cooldown: 0 }
  loss_reset: { cooldown: 0 }
flows:
  timeouts:
    embryonic: 3
    closed: 1
output:
  syslog:
    enabled: false
evidence:
  enabled: true
  directory: $dir/ev
  max_files: 4
daemon:
  user: nobody
  stats_interval: 0
EOF
chmod 644 "$conf"
cat > "$dir/replay.yaml" <<EOF
thresholds:
  max_syn_retransmissions: 2
  max_data_retransmissions: 3
EOF
check_conf "$conf"

# ---------------------------------------------------------------------------
# Topology.

pair_up "$cli4/24" "$srv4/24"
n_cli sysctl -q -w net.ipv4.tcp_syn_retries=3
n_srv nft -f - <<-EOF || loud "nft failed in $srv"
	table inet rwtest {
		chain input {
			type filter hook input priority 0; policy accept;
			tcp dport 81 drop
			tcp dport 84 meta length > 140 drop
		}
	}
EOF
spawn ip netns exec "$srv" "$PY" "$HELPER" serve hold "$srv4" 84
spawn ip netns exec "$srv" "$PY" "$HELPER" serve abort "$srv4" 85
spawn ip netns exec "$srv" "$PY" "$HELPER" serve hold "$srv4" 87
spawn ip netns exec "$srv" "$PY" "$HELPER" serve echo "$srv4" 88
for p in 84 85 87 88; do
	wait_until 5 sh -c "ip netns exec $srv ss -Htln | grep -q ':$p '" ||
	    loud "the helper server on :$p did not start"
done

spawn ip netns exec "$srv" tcpdump -i veth1 -s 128 -U -w "$dir/ref.pcap" \
    2> "$dir/tcpdump.err"
wait_until 5 grep -q 'listening on' "$dir/tcpdump.err" ||
    loud "tcpdump did not start: $(cat "$dir/tcpdump.err")"

# start_daemon CONF OUT ERR [FULL]: the daemon, in a private mount
# namespace whose /dev has no log socket (the host's syslog is never
# written to), in the server's namespace.  With FULL, a directory made
# there: a 64 KiB tmpfs, filled up before the daemon starts.
start_daemon() {
	spawn unshare --mount --propagation private sh -c 'set -e
		d=$1 full=$2; shift 2
		for n in null zero full random urandom; do
			mount --bind "/dev/$n" "$d/dev/$n"
		done
		mount --rbind "$d/dev" /dev
		if [ -n "$full" ]; then
			mount -t tmpfs -o size=64k,mode=0777 rwfull "$full"
			dd if=/dev/zero of="$full/filler" bs=4k count=64 2>/dev/null || :
		fi
		exec "$@"' sh "$dir" "${4:-}" ip netns exec "$srv" "$RSTWATCHD" -f -j \
	    -c "$1" -i veth1 > "$2" 2> "$3"
	daemon_pid=$!
}

# stop_daemon_ev ERR [ERE]: SIGTERM, exit 0 within 10 s; no sanitizer
# report; with ERE, one check that the statistics line matches it.
stop_daemon_ev() {
	stop_daemon stop 10
	if [ -n "${2:-}" ]; then
		if grep -Eq "stopped: .*$2" "$1"; then
			pass "stop: $(grep -o 'evidence_files=.*' "$1" | tail -n 1)"
		else
			fail "stop: statistics: $(grep 'stopped:' "$1")"
		fi
	fi
	if grep -Eq 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$1"; then
		fail "sanitizer reports in the daemon's stderr"
		grep -E -A5 'Sanitizer|runtime error' "$1" | head -30
	fi
}

start_daemon "$conf" "$dir/daemon.out" "$dir/daemon.err"
if wait_until 10 grep -q "evidence: in $dir/ev" "$dir/daemon.err"; then
	pass "start: evidence in $dir/ev"
else
	fail "start: no \"evidence: in $dir/ev\"; stderr:"
	sed 's/^/    /' "$dir/daemon.err"
	echo "evidence: $passed passed, $failed failed"
	exit 1
fi
wait_until 5 grep -q "capturing on veth1" "$dir/daemon.err" ||
    fail "start: no \"capturing on veth1\""

# ---------------------------------------------------------------------------
# The scenarios, one source port each.

n_cli "$PY" "$HELPER" refused "$srv4" 90 42001 > "$dir/refused.out" 2>&1 ||
    fail "refused: the client failed: $(cat "$dir/refused.out")"
spawn ip netns exec "$cli" "$PY" "$HELPER" syn "$srv4" 81 42002 8 \
    > "$dir/syn.out" 2>&1
spawn ip netns exec "$cli" "$PY" "$HELPER" lossabort "$srv4" 84 42003 3 \
    > "$dir/loss.out" 2>&1
for e in "syn_refused 42001" "syn_retransmit 42002" "data_retransmit 42003" \
    "loss_reset 42003"; do
	# shellcheck disable=SC2086
	if wait_until 20 has_event $e; then
		pass "alert: $e"
	else
		fail "alert: no $e within 20 s"
	fi
done

# The files come when complete: the flow's end, 64 more packets or 10 s.
# Stop tcpdump only then, so that it has every packet they have.
check_file "refused connection" syn_refused 42001 90
check_file "dropped SYN" syn_retransmit 42002 81
check_file "loss then abort" data_retransmit 42003 84
check_file "loss then abort" loss_reset 42003 84

# The two old files made room for the four new ones (max_files 4).
if [ ! -e "$dir/ev/$old1" ] && [ ! -e "$dir/ev/$old2" ] &&
    [ "$(ls "$dir/ev" | wc -l)" -eq 4 ]; then
	pass "limits: the two files of an earlier run went first; 4 files"
else
	fail "limits: wanted the 4 new files only: $(ls "$dir/ev" | tr '\n' ' ')"
fi
ls -l "$dir/ev" | awk 'NR > 1 && $3 != "nobody" { bad = 1 } END { exit bad }' &&
    pass "files belong to the daemon's user" ||
    fail "files not owned by nobody: $(ls -l "$dir/ev")"

# Within syn_refused's cooldown (60 s) the same service: no file.  Another
# service: a file, and the oldest file of this run goes: the first written
# (a file is written when its flow's packets are complete, so which one
# that is depends on the flows' ends, not on the alerts' order).
first=$dir/ev/$(ls -1tr "$dir/ev" | head -n 1)
n_cli "$PY" "$HELPER" refused "$srv4" 90 42004 > "$dir/refused2.out" 2>&1 ||
    fail "refused again: the client failed: $(cat "$dir/refused2.out")"
n_cli "$PY" "$HELPER" refused "$srv4" 91 42005 > "$dir/refused3.out" 2>&1 ||
    fail "refused :91: the client failed: $(cat "$dir/refused3.out")"
if wait_until 20 has_event syn_refused 42005; then
	read -r ev3 ts3 <<< "$(event_of syn_refused 42005)"
	if wait_until 15 file_ready "$ev3"; then
		pass "limits: the file of another service: $ev3"
	else
		fail "limits: $ev3 not written"
	fi
else
	fail "no syn_refused alert for port 91"
fi
if has_event syn_refused 42004; then
	fail "cooldown: the suppressed alert went out"
elif ls "$dir/ev" | grep -q -- '-10.8.0.1.42004-'; then
	fail "cooldown: a suppressed alert wrote a file"
else
	pass "cooldown: the suppressed alert wrote no file"
fi
if [ ! -e "$first" ] && [ "$(ls "$dir/ev" | wc -l)" -eq 4 ]; then
	pass "limits: the oldest file of this run went ($(basename "$first"))"
else
	fail "limits: wanted $first gone and 4 files: $(ls "$dir/ev" | tr '\n' ' ')"
fi

# Stop: exit 0, the statistics line counts the files.
stop_daemon_ev "$dir/daemon.err" \
    " evidence_files=5 evidence_failed=0 .*evidence_deleted=3"

# ---------------------------------------------------------------------------
# The other seed scenarios, with a second daemon and directory: an
# application reset (the server aborts), a UDP datagram to a closed port
# (ICMP port unreachable), a RST forged in the client's name (TTL 200),
# and a segment forged in the server's name far ahead of its stream.

evdir=$dir/ev2
dout=$dir/daemon2.out
mkdir -m 750 "$evdir"
chown nobody "$evdir"
conf2=$dir/rstwatch2.yaml
sed -e "s|directory: $dir/ev\$|directory: $evdir|" -e 's/max_files: 4/max_files: 100/' \
    -e 's/^events:$/events:\n  app_reset: { cooldown: 0 }\n  rst_injected: { cooldown: 0 }\n  seq_anomaly: { cooldown: 0 }\n  icmp_unreachable: { cooldown: 0 }/' \
    "$conf" > "$conf2"
chmod 644 "$conf2"
run "$RSTWATCHD" -t -c "$conf2" 2> "$dir/check2.err" ||
    fail "rstwatchd -t rejects the second configuration: $(cat "$dir/check2.err")"
start_daemon "$conf2" "$dout" "$dir/daemon2.err"
wait_until 10 grep -q "capturing on veth1" "$dir/daemon2.err" ||
    fail "second daemon: no \"capturing on veth1\""

n_cli "$PY" "$HELPER" reset "$srv4" 85 42011 > "$dir/reset.out" 2>&1 ||
    fail "application reset: the client failed: $(cat "$dir/reset.out")"
n_cli "$PY" "$HELPER" udp "$srv4" 9999 42012 refused > "$dir/udp.out" 2>&1 ||
    fail "closed UDP port: the client failed: $(cat "$dir/udp.out")"
n_cli "$PY" "$HERE/evidence_forge.py" rst veth0 "$srv4" 87 42013 > "$dir/forge-rst.out" 2>&1 ||
    fail "forged RST: $(cat "$dir/forge-rst.out")"
n_cli "$PY" "$HERE/evidence_forge.py" seq veth0 "$srv4" 88 42014 > "$dir/forge-seq.out" 2>&1 ||
    fail "forged segment: $(cat "$dir/forge-seq.out")"
for e in "app_reset 42011" "icmp_unreachable 42012" "rst_injected 42013" \
    "seq_anomaly 42014"; do
	# shellcheck disable=SC2086
	if wait_until 20 has_event $e; then
		pass "alert: $e"
	else
		fail "alert: no $e within 20 s"
	fi
done
check_file "application reset" app_reset 42011 85
check_file "closed UDP port" icmp_unreachable 42012 9999
check_file "forged RST" rst_injected 42013 87
check_file "forged segment" seq_anomaly 42014 88
stop_daemon_ev "$dir/daemon2.err" " evidence_files=4 evidence_failed=0 "

# ---------------------------------------------------------------------------
# A full disk: the evidence directory is a 64 KiB tmpfs, full before the
# daemon starts.  Files cannot be written: each failure is counted, the
# first said, and capture goes on (the alerts keep coming, on time).

evdir=$dir/evfull
dout=$dir/daemon3.out
mkdir -m 777 "$evdir"
conf3=$dir/rstwatch3.yaml
sed -e "s|directory: $dir/ev2\$|directory: $evdir|" \
    -e 's/^events:$/events:\n  syn_refused: { cooldown: 0 }/' "$conf2" > "$conf3"
chmod 644 "$conf3"
start_daemon "$conf3" "$dout" "$dir/daemon3.err" "$evdir"
wait_until 10 grep -q "capturing on veth1" "$dir/daemon3.err" ||
    fail "full disk: no \"capturing on veth1\""
for i in 1 2 3; do
	n_cli "$PY" "$HELPER" refused "$srv4" 90 $((42020 + i)) > /dev/null 2>&1
	n_cli "$PY" "$HELPER" reset "$srv4" 85 $((42030 + i)) > /dev/null 2>&1
done
n=0
for i in 1 2 3; do
	wait_until 10 has_event syn_refused $((42020 + i)) && n=$((n + 1))
	wait_until 10 has_event app_reset $((42030 + i)) && n=$((n + 1))
done
[ "$n" = 6 ] && pass "full disk: all 6 alerts came" ||
    fail "full disk: $n of 6 alerts came"
# Their files complete at the flows' end (1 s after the RST) or in 10 s.
sleep 3
stop_daemon_ev "$dir/daemon3.err"
st=$(grep 'stopped:' "$dir/daemon3.err" | tail -n 1)
f=$(printf '%s\n' "$st" | sed -n 's/.* evidence_failed=\([0-9]*\).*/\1/p')
if [ "${f:-0}" -ge 3 ] && printf '%s\n' "$st" | grep -q ' dropped=0 '; then
	pass "full disk: counted (evidence_failed=$f), no packet dropped"
else
	fail "full disk: statistics: $st"
fi
if grep -q "evidence: $evdir/.*No space left on device" "$dir/daemon3.err"; then
	pass "full disk: said once: $(grep -c 'No space left' "$dir/daemon3.err") line"
else
	fail "full disk: no \"No space left on device\" on stderr"
fi

# ---------------------------------------------------------------------------
# Evidence must not cost capture: the headers-only trace of make
# bench-live (gentrace, 200,000 packets here) replayed at top speed, as
# bench-live does, into veth1, with evidence off then on (kernel buffer
# 32 MiB as there).  The daemon with evidence may report no drops it did
# not report without: up to three pairs of runs, since the machine is
# shared, and one pair with no more drops on than off is enough.

replay_run() {
	# CONF ERR: one replay; prints "packets dropped"
	start_daemon "$1" "$dir/replay.out" "$2"
	wait_until 10 grep -q "capturing on veth1" "$2" ||
	    fail "replay: no \"capturing on veth1\""
	n_cli tcpreplay -q --topspeed -i veth0 "$dir/replay.pcap" \
	    > "$dir/tcpreplay.out" 2>&1 || fail "replay: tcpreplay failed"
	sleep 1
	stop_daemon_ev "$2" > /dev/null
	grep 'stopped:' "$2" | tail -n 1 |
	    sed -n 's/.* packets=\([0-9]*\) .* dropped=\([0-9]*\) .*/\1 \2/p'
}

if cc -O2 -o "$dir/gentrace" "$HERE/../bench/gentrace.c" -lm 2> "$dir/cc.err" &&
    "$dir/gentrace" -n 200000 -c 20000 -S 1 -s 128 -o "$dir/replay.pcap" \
    > /dev/null 2>&1; then
	evdir=$dir/ev4
	mkdir -m 750 "$evdir"
	chown nobody "$evdir"
	for m in off on; do
		en=false
		[ $m = on ] && en=true
		cat > "$dir/replay-$m.yaml" <<EOF
capture: { interfaces: [veth1], snaplen: 128, buffer_size: 32M }
output: { syslog: { enabled: false } }
evidence: { enabled: $en, directory: $evdir, max_files: 100 }
daemon: { user: nobody, stats_interval: 0 }
EOF
		chmod 644 "$dir/replay-$m.yaml"
	done
	ok=0 runs=
	for i in 1 2 3; do
		read -r p_off d_off <<< "$(replay_run "$dir/replay-off.yaml" "$dir/replay-off.$i.err")"
		read -r p_on d_on <<< "$(replay_run "$dir/replay-on.yaml" "$dir/replay-on.$i.err")"
		runs="$runs off:${p_off:-?}/${d_off:-?} on:${p_on:-?}/${d_on:-?}"
		if [ -n "${d_on:-}" ] && [ -n "${d_off:-}" ] &&
		    [ "${p_on:-0}" -gt 0 ] && [ "$d_on" -le "$d_off" ]; then
			ok=1
			break
		fi
	done
	if [ "$ok" = 1 ]; then
		pass "replay at top speed: evidence on drops no more than off (packets/dropped:$runs)"
	else
		fail "replay at top speed: evidence on dropped more (packets/dropped:$runs)"
	fi
	if grep -q "evidence_files=[1-9]" "$dir/replay-on.$i.err"; then
		pass "replay: evidence written meanwhile ($(grep -o 'evidence_files=[0-9]* evidence_failed=[0-9]*' "$dir/replay-on.$i.err" | tail -n 1))"
	else
		fail "replay: no evidence file written: $(grep 'stopped:' "$dir/replay-on.$i.err")"
	fi
else
	fail "replay: cannot build or run gentrace: $(cat "$dir/cc.err")"
fi

echo "evidence: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
