#!/usr/bin/env bash
# make bench-live: live capture under load (SPEC section 9).
#
#   rw-rep-$$ (tcpreplay --topspeed) veth0 ====== veth1 rw-cap-$$
#                                               rstwatchd -f -i veth1
#                                               tcpdump -w /dev/null -i veth1
#                                               flowfloor -i veth1
#
# A trace from gentrace is replayed as fast as this machine can into a veth
# pair between two namespaces made here; rstwatchd and tcpdump capture side
# by side on the receiving end, with the same snaplen (128) and kernel
# buffer (32 MiB).  Reported: packets sent, captured and dropped by each,
# the CPU time each spent during the replay (utime + stime from
# /proc/PID/stat, before and after) per packet captured, and rstwatchd's
# events per kind next to the trace's ground truth.  At top
# speed tcpreplay ignores the trace's timing (packets go back to back), so
# retransmissions microseconds after their originals are reordering and
# timing-based verdicts cannot match; drops are the point.  SPEED=N keeps
# the timing in proportion, and then the verdicts match.  Needs root;
# everything is removed at exit.
# With SPEED=N (env) the trace is replayed N times faster than recorded
# instead: slower, but with the trace's timing kept in proportion.
# FLOWFLOOR (env), the path of tests/bench/flowfloor, captures beside them
# with the same settings and only counts each packet in its connection's
# entry of a hash table: the least any per-connection analyser does, so
# the floor under rstwatchd's figure above tcpdump's.
# A second binary (OTHER, e.g. one built from another commit) captures
# beside the first, so that a change is measured A/B on the same replay.
# OUTPUT=none (env) runs the daemons without -j: the alerts are counted
# (the stop line) but not written, so the figure is capture and analysis
# alone, without formatting every alert and flow record as JSON.
# usage: live.sh RSTWATCHD TRACE [OTHER]
set -u
bin=$1
trace=$2
other=${3:-}
rep=rw-rep-$$
cap=rw-cap-$$
dir=$(mktemp -d /tmp/rw-live.XXXXXX)
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	ip netns del "$rep" 2>/dev/null
	ip netns del "$cap" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

[ "$(id -u)" = 0 ] || { echo "live: needs root" >&2; exit 2; }
command -v tcpreplay > /dev/null || { echo "live: tcpreplay not installed (apt-get install tcpreplay)" >&2; exit 2; }
[ -r "$trace" ] || { echo "live: no trace $trace (make bench makes them)" >&2; exit 2; }

ip netns add "$rep" && ip netns add "$cap" || exit 2
ip link add veth0 netns "$rep" type veth peer name veth1 netns "$cap" || exit 2
ip -n "$rep" link set veth0 up
ip -n "$cap" link set veth1 up
# Replayed frames are not addressed to veth1: let nothing answer them.
ip netns exec "$cap" sysctl -q -w net.ipv4.conf.all.forwarding=0

cat > "$dir/conf.yaml" <<EOC
# Every alert counted: no cooldown (the ground truth has none).
capture: { interfaces: [veth1], snaplen: 128, buffer_size: 32M }
flows: { max_flows: 2097152 }
output: { syslog: { enabled: false } }
events:
  rst_rate: { enabled: false }
  syn_retransmit: { cooldown: 0 }
  synack_retransmit: { cooldown: 0 }
  syn_refused: { cooldown: 0 }
  data_retransmit: { cooldown: 0 }
  loss_reset: { cooldown: 0 }
  app_reset: { cooldown: 0 }
  rst_injected: { cooldown: 0 }
  seq_anomaly: { cooldown: 0 }
  icmp_unreachable: { cooldown: 0 }
daemon: { user: "", stats_interval: 0 }
EOC

out_opt=(-j)
[ "${OUTPUT:-json}" = none ] && out_opt=()
ip netns exec "$cap" "$bin" -f -v "${out_opt[@]}" -c "$dir/conf.yaml" > "$dir/events.jsonl" 2> "$dir/rstwatchd.err" &
pids+=($!)
rw=$!
ip netns exec "$cap" tcpdump -q -n -i veth1 -s 128 -B 32768 -w /dev/null 2> "$dir/tcpdump.err" &
pids+=($!)
td=$!
ob=''
touch "$dir/other.err"
fl=''
touch "$dir/floor.err"
if [ -n "${FLOWFLOOR:-}" ]; then
	ip netns exec "$cap" "$FLOWFLOOR" -i veth1 -s 128 -B 32768 2> "$dir/floor.err" &
	pids+=($!)
	fl=$!
fi
if [ -n "$other" ]; then
	ip netns exec "$cap" "$other" -f -v "${out_opt[@]}" -c "$dir/conf.yaml" > "$dir/other.jsonl" 2> "$dir/other.err" &
	pids+=($!)
	ob=$!
fi
# All must be capturing before the replay starts.
for _ in $(seq 100); do
	grep -q "capturing on veth1" "$dir/rstwatchd.err" && grep -q "listening on" "$dir/tcpdump.err" &&
	    { [ -z "$other" ] || grep -q "capturing on veth1" "$dir/other.err"; } &&
	    { [ -z "$fl" ] || grep -q "listening on" "$dir/floor.err"; } && break
	sleep 0.1
done

# cpu PID: "utime stime faults" of PID so far: CPU in clock ticks, and
# page faults, minor and major (proc(5): fields 14, 15, 10 and 12, counted
# after the command name, which may hold blanks).  A first touch of memory
# (a flow table growing) is a fault, and on this VM a costly one.
cpu() {
	sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12, $13, $8 + $10 }'
}
hz=$(getconf CLK_TCK)
# wakeups PID: voluntary context switches of all PID's threads so far (each
# is one sleep in poll/epoll_wait ended by a packet block or a timer).
wakeups() {
	cat /proc/"$1"/task/*/status 2>/dev/null |
	    awk '$1 == "voluntary_ctxt_switches:" { n += $2 } END { print n + 0 }'
}

if [ -n "${SPEED:-}" ]; then
	speed=(--multiplier="$SPEED")
	echo "live: replaying $trace at $SPEED x its own speed"
else
	speed=(--topspeed)
	echo "live: replaying $trace at top speed"
fi
rw_cpu0=$(cpu "$rw")
td_cpu0=$(cpu "$td")
rw_wk0=$(wakeups "$rw")
td_wk0=$(wakeups "$td")
if [ -n "$ob" ]; then
	ob_cpu0=$(cpu "$ob")
	ob_wk0=$(wakeups "$ob")
fi
if [ -n "$fl" ]; then
	fl_cpu0=$(cpu "$fl")
	fl_wk0=$(wakeups "$fl")
fi
ip netns exec "$rep" tcpreplay -q "${speed[@]}" -i veth0 "$trace" > "$dir/tcpreplay.out" 2>&1
# Both have read everything by then (a block is handed over within 100 ms
# for rstwatchd, within 1 s for tcpdump's default timeout).
sleep 2
rw_cpu1=$(cpu "$rw")
td_cpu1=$(cpu "$td")
rw_wk=$(($(wakeups "$rw") - rw_wk0))
td_wk=$(($(wakeups "$td") - td_wk0))
if [ -n "$ob" ]; then
	ob_cpu1=$(cpu "$ob")
	ob_wk=$(($(wakeups "$ob") - ob_wk0))
fi
if [ -n "$fl" ]; then
	fl_cpu1=$(cpu "$fl")
	fl_wk=$(($(wakeups "$fl") - fl_wk0))
fi
# used BEFORE AFTER: "user system total faults" between the two readings.
used() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		split(a, x, " "); split(b, y, " ")
		u = y[1] - x[1]; s = y[2] - x[2]; print u, s, u + s, y[3] - x[3]
	}'
}
rw_cpu=$(used "$rw_cpu0" "$rw_cpu1")
td_cpu=$(used "$td_cpu0" "$td_cpu1")
kill -TERM "$td" "$rw" $ob $fl
wait "$td" 2>/dev/null
wait "$rw" 2>/dev/null
[ -z "$ob" ] || wait "$ob" 2>/dev/null
[ -z "$fl" ] || wait "$fl" 2>/dev/null

sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$dir/tcpreplay.out" | head -1)
rate=$(sed -n 's/.*Rated: [0-9.]* Bps, [0-9.]* Mbps, \([0-9.]*\) pps.*/\1/p' "$dir/tcpreplay.out" | head -1)
td_cap=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$dir/tcpdump.err")
td_drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$dir/tcpdump.err")
stop=$(grep "stopped:" "$dir/rstwatchd.err" | tail -1)
rw_pk=$(printf '%s\n' "$stop" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
rw_drop=$(printf '%s\n' "$stop" | sed -n 's/.*dropped=\([0-9]*\).*/\1/p')

printf '%-30s %12s\n' "replayed (tcpreplay)" "${sent:-?} packets at ${rate:-?} pps"
# row NAME CAPTURED DROPS "USER SYS TOTAL" WAKEUPS: one line of the table,
# CPU in seconds and in microseconds per packet captured (user, system,
# total), then the voluntary context switches and the page faults during
# the replay.
row() {
	awk -v name="$1" -v n="$2" -v d="$3" -v c="$4" -v w="$5" -v hz="$hz" 'BEGIN {
		split(c, t, " ")
		printf "%-22s %10s %7s %6.2f s", name, n, d, t[3] / hz
		for (i = 1; i <= 3; i++)
			printf(" %7s", (n > 0 ? sprintf("%.3f", t[i] / hz * 1e6 / n) : "?"))
		printf " %8s %7s\n", w, t[4]
	}'
}
echo "CPU during the replay; then microseconds of CPU per packet captured:"
printf '%-22s %10s %7s %8s %7s %7s %7s %8s %7s\n' "" captured drops "CPU" user system total wakeups faults
row "tcpdump -w /dev/null" "${td_cap:-0}" "${td_drop:-?}" "$td_cpu" "$td_wk"
if [ -n "$fl" ]; then
	fl_cpu=$(used "$fl_cpu0" "$fl_cpu1")
	fl_cap=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$dir/floor.err")
	row "flowfloor" "${fl_cap:-0}" \
	    "$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$dir/floor.err")" \
	    "$fl_cpu" "$fl_wk"
fi
row "rstwatchd" "${rw_pk:-0}" "${rw_drop:-?}" "$rw_cpu" "$rw_wk"
if [ -n "$ob" ]; then
	stop=$(grep "stopped:" "$dir/other.err" | tail -1)
	row "rstwatchd (other)" "$(printf '%s\n' "$stop" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')" \
	    "$(printf '%s\n' "$stop" | sed -n 's/.*dropped=\([0-9]*\).*/\1/p')" \
	    "$(used "$ob_cpu0" "$ob_cpu1")" "$ob_wk"
fi
# The target (issue 8): no more CPU per packet than tcpdump.  rstwatchd's
# analysis and output come on top of the capture: user time, and system
# time for the flow table's page faults and for the listening check of
# each syn_retransmit alert towards a local address (sock_diag).
awk -v a="$rw_cpu" -v b="$td_cpu" -v na="${rw_pk:-0}" -v nb="${td_cap:-0}" 'BEGIN {
	split(a, x, " "); split(b, y, " ")
	if (na == 0 || nb == 0 || y[1] == 0 || y[2] == 0 || y[3] == 0) exit
	for (i = 1; i <= 3; i++)
		r[i] = (x[i] / na) / (y[i] / nb)
	printf("CPU per packet, rstwatchd / tcpdump: %.2f (user %.2f, system %.2f)   target <= 1: %s\n",
	    r[3], r[1], r[2], (r[3] <= 1 ? "PASS" : "FAIL"))
}'
if [ -n "$fl" ]; then
	awk -v a="$rw_cpu" -v b="$fl_cpu" -v c="$td_cpu" -v na="${rw_pk:-0}" \
	    -v nb="${fl_cap:-0}" -v nc="${td_cap:-0}" 'BEGIN {
		split(a, x, " "); split(b, y, " "); split(c, z, " ")
		if (na == 0 || nb == 0 || nc == 0 || y[3] == 0 || z[3] == 0) exit
		if (y[1] == 0) exit
		printf("CPU per packet, flowfloor / tcpdump: %.2f; rstwatchd / flowfloor: %.2f (user %.2f)\n",
		    (y[3] / nb) / (z[3] / nc), (x[3] / na) / (y[3] / nb),
		    (x[1] / na) / (y[1] / nb))
	}'
fi
# What the floor found, to hold against the trace's connection count.
[ -z "$fl" ] || sed -n 's/^\([0-9]* connections.*\)/flowfloor: \1/p' "$dir/floor.err"
if [ -n "${rw_drop:-}" ] && [ -n "${td_drop:-}" ]; then
	if [ "$rw_drop" -le "$td_drop" ]; then
		echo "target: no more drops than tcpdump   PASS"
	else
		echo "target: no more drops than tcpdump   FAIL ($rw_drop > $td_drop)"
	fi
fi
if [ "${OUTPUT:-json}" = none ]; then
	echo "OUTPUT=none: alerts not written, so not compared with the ground truth"
	exit 0
fi
echo "events per kind, rstwatchd live vs the trace's ground truth:"
for k in syn_retransmit syn_refused data_retransmit loss_reset app_reset icmp_unreachable capture_drop; do
	got=$(grep -c "\"kind\":\"$k\"" "$dir/events.jsonl")
	want=$(awk -v k="$k" '$1 == "event" && $2 == k { print $3 }' "$trace.truth")
	printf '  %-20s %8s %8s\n' "$k" "$got" "${want:-0}"
done
