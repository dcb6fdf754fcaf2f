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
#  +---------------------+               |   into $dir/ev (max_files 4)    |
#                                        |   tcpdump -i veth1 (reference)  |
#                                        | helper.py: hold :84             |
#                                        | nft input: drop tcp :81, data   |
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
# of this run goes.
# Last line: "evidence: N passed, M failed"; exit status 1 when M > 0, 2
# when the test cannot run at all (not root, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

SUITE=evidence
NEEDS="nft, unshare, tcpdump, tshark and python3"
. "$(dirname "$0")/lib.sh"

cli=rw-ecli-$$
srv=rw-esrv-$$
cli4=10.8.0.1 srv4=10.8.0.2
dir=
daemon_pid=

n_cli() { run ip netns exec "$cli" "$@"; }
n_srv() { run ip netns exec "$srv" "$@"; }

cleanup() {
	local p

	set +e
	if [ -n "$daemon_pid" ] && running "$daemon_pid"; then
		kill -TERM "$daemon_pid" 2>/dev/null
		sleep 0.2
		kill -KILL "$daemon_pid" 2>/dev/null
	fi
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	ip netns del "$cli" 2>/dev/null
	ip netns del "$srv" 2>/dev/null
	if [ -n "$dir" ]; then
		if [ "${KEEP:-0}" = 1 ] || [ "$failed" -gt 0 ]; then
			echo "evidence: logs kept in $dir" >&2
		else
			rm -rf "$dir"
		fi
	fi
}

# wait_until SECONDS CMD...: poll (every 50 ms) until CMD succeeds.
wait_until() {
	local end=$(($(now_ms) + $1 * 1000))

	shift
	until "$@"; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# The event of KIND for client port SPORT, as "evidence-path ts", from the
# daemon's -j output.
event_of() {
	"$PY" - "$dir/daemon.out" "$1" "$2" <<'PY'
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
FIELDS="-e frame.encap_type -e frame.len -e ip.src -e tcp.srcport \
    -e tcp.dstport -e tcp.flags -e tcp.seq_raw \
    -e tcp.analysis.retransmission -e frame.time_epoch"
flow_packets() {
	# FILE SPORT DPORT
	tshark -r "$1" -n -Y "tcp.port == $2 and tcp.port == $3" -T fields \
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
	"$dir/ev/"*-"$kind"-"$cli4.$sport-$srv4.$dport.pcap") pass "$desc: $kind names $ev" ;;
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
	if [ "$n" -gt 0 ] && cmp -s <(cut -f1-8 "$f.got") \
	    <(head -n "$n" "$f.want" | cut -f1-8); then
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
		if [ "$n" -ge 3 ]; then
			pass "$desc: tshark sees $n retransmissions"
		else
			fail "$desc: tshark sees $n retransmissions, wanted 3 or more"
		fi ;;
	syn_retransmit)
		n=$(awk -F'\t' '$6 == "0x0002"' "$f.got" | wc -l)
		if [ "$n" -ge 3 ]; then
			pass "$desc: $n SYNs"
		else
			fail "$desc: $n SYNs, wanted 3 or more"
		fi ;;
	esac
	case $kind in
	syn_refused|loss_reset)
		if awk -F'\t' 'substr($6, length($6), 1) ~ /[4-7c-f]/ { n++ } END { exit !(n > 0) }' "$f.got"; then
			pass "$desc: the RST is there"
		else
			fail "$desc: no RST"
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

require ip nft unshare mount awk tcpdump tshark
[ -x "$RSTWATCHD" ] || loud "$RSTWATCHD: not an executable"
[ -r "$HELPER" ] || loud "$HELPER missing"
id nobody > /dev/null 2>&1 || loud "no user nobody for daemon.user"

trap cleanup EXIT
exec 4>&1
trap '{ fail "interrupted by a signal"; echo "evidence: $passed passed, $failed failed"; } >&4
    exit 1' INT TERM HUP

dir=$(mktemp -d /tmp/rw-evidence.XXXXXX) || loud "mktemp"
chmod 755 "$dir"
mkdir -m 755 "$dir/dev"
for d in null zero full random urandom; do
	: > "$dir/dev/$d"
done
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
run "$RSTWATCHD" -t -c "$conf" 2> "$dir/check.err" ||
    loud "rstwatchd -t rejects the test configuration: $(cat "$dir/check.err")"

# ---------------------------------------------------------------------------
# Topology.

run ip netns add "$cli" || loud "cannot create network namespace $cli"
run ip netns add "$srv" || loud "cannot create network namespace $srv"
run ip -n "$cli" link add veth0 type veth peer name veth1 netns "$srv" ||
    loud "cannot create a veth pair"
n_cli ip link set lo up
n_srv ip link set lo up
n_cli ip addr add "$cli4/24" dev veth0
n_srv ip addr add "$srv4/24" dev veth1
n_cli ip link set veth0 up
n_srv ip link set veth1 up
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
wait_until 5 sh -c "ip netns exec $srv ss -Htln | grep -q ':84 '" ||
    loud "the helper server did not start"

spawn ip netns exec "$srv" tcpdump -i veth1 -s 128 -U -w "$dir/ref.pcap" \
    2> "$dir/tcpdump.err"
wait_until 5 grep -q 'listening on' "$dir/tcpdump.err" ||
    loud "tcpdump did not start: $(cat "$dir/tcpdump.err")"

# The daemon, in a private mount namespace whose /dev has no log socket
# (the host's syslog is never written to), in the server's namespace.
spawn unshare --mount --propagation private sh -c 'set -e
	d=$1; shift
	for n in null zero full random urandom; do
		mount --bind "/dev/$n" "$d/dev/$n"
	done
	mount --rbind "$d/dev" /dev
	exec "$@"' sh "$dir" ip netns exec "$srv" "$RSTWATCHD" -f -j -c "$conf" \
    -i veth1 > "$dir/daemon.out" 2> "$dir/daemon.err"
daemon_pid=$!
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
# service: a file, and the oldest file of this run (the first refused) goes.
first=$(event_of syn_refused 42001)
first=${first%% *}
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
run kill -TERM "$daemon_pid"
if wait_until 10 sh -c "! kill -0 $daemon_pid 2>/dev/null"; then
	wait "$daemon_pid"
	rc=$?
	daemon_pid=
	[ "$rc" = 0 ] && pass "stop: exit 0" || fail "stop: exit $rc"
else
	fail "stop: still running 10 s after SIGTERM"
fi
if grep -q "stopped: .* evidence_files=5 evidence_failed=0 .*evidence_deleted=3" "$dir/daemon.err"; then
	pass "stop: $(grep -o 'evidence_files=.*' "$dir/daemon.err" | tail -n 1)"
else
	fail "stop: statistics: $(grep 'stopped:' "$dir/daemon.err")"
fi
if grep -Eq 'ERROR: (Address|Leak|Undefined)Sanitizer|runtime error:' "$dir/daemon.err"; then
	fail "sanitizer reports in the daemon's stderr"
	grep -E -A5 'Sanitizer|runtime error' "$dir/daemon.err" | head -30
else
	pass "no sanitizer report"
fi

echo "evidence: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
