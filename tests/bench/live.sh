#!/usr/bin/env bash
# make bench-live: live capture under load (SPEC section 9).
#
#   rw-rep-$$ (tcpreplay --topspeed) veth0 ====== veth1 rw-cap-$$
#                                               rstwatchd -f -i veth1
#                                               tcpdump -w /dev/null -i veth1
#
# A trace from gentrace is replayed as fast as this machine can into a veth
# pair between two namespaces made here; rstwatchd and tcpdump capture side
# by side on the receiving end, with the same snaplen (128) and kernel
# buffer (32 MiB).  Reported: packets sent, captured and dropped by each,
# and rstwatchd's events per kind next to the trace's ground truth.  At top
# speed tcpreplay ignores the trace's timing (packets go back to back), so
# retransmissions microseconds after their originals are reordering and
# timing-based verdicts cannot match; drops are the point.  SPEED=N keeps
# the timing in proportion, and then the verdicts match.  Needs root;
# everything is removed at exit.
# With SPEED=N (env) the trace is replayed N times faster than recorded
# instead: slower, but with the trace's timing kept in proportion.
# usage: live.sh RSTWATCHD TRACE
set -u
bin=$1
trace=$2
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

ip netns exec "$cap" "$bin" -f -v -j -c "$dir/conf.yaml" > "$dir/events.jsonl" 2> "$dir/rstwatchd.err" &
pids+=($!)
rw=$!
ip netns exec "$cap" tcpdump -q -n -i veth1 -s 128 -B 32768 -w /dev/null 2> "$dir/tcpdump.err" &
pids+=($!)
td=$!
# Both must be capturing before the replay starts.
for _ in $(seq 100); do
	grep -q "capturing on veth1" "$dir/rstwatchd.err" && grep -q "listening on" "$dir/tcpdump.err" && break
	sleep 0.1
done

if [ -n "${SPEED:-}" ]; then
	speed=(--multiplier="$SPEED")
	echo "live: replaying $trace at $SPEED x its own speed"
else
	speed=(--topspeed)
	echo "live: replaying $trace at top speed"
fi
ip netns exec "$rep" tcpreplay -q "${speed[@]}" -i veth0 "$trace" > "$dir/tcpreplay.out" 2>&1
sleep 2
kill -TERM "$td" "$rw"
wait "$td" 2>/dev/null
wait "$rw" 2>/dev/null

sent=$(sed -n 's/.*Actual: \([0-9]*\) packets.*/\1/p' "$dir/tcpreplay.out" | head -1)
rate=$(sed -n 's/.*Rated: [0-9.]* Bps, [0-9.]* Mbps, \([0-9.]*\) pps.*/\1/p' "$dir/tcpreplay.out" | head -1)
td_cap=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$dir/tcpdump.err")
td_drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$dir/tcpdump.err")
stop=$(grep "stopped:" "$dir/rstwatchd.err" | tail -1)
rw_pk=$(printf '%s\n' "$stop" | sed -n 's/.*packets=\([0-9]*\).*/\1/p')
rw_drop=$(printf '%s\n' "$stop" | sed -n 's/.*dropped=\([0-9]*\).*/\1/p')

printf '%-30s %12s\n' "replayed (tcpreplay)" "${sent:-?} packets at ${rate:-?} pps"
printf '%-30s %12s %12s\n' "" captured "kernel drops"
printf '%-30s %12s %12s\n' "tcpdump -w /dev/null" "${td_cap:-?}" "${td_drop:-?}"
printf '%-30s %12s %12s\n' "rstwatchd" "${rw_pk:-?}" "${rw_drop:-?}"
if [ -n "${rw_drop:-}" ] && [ -n "${td_drop:-}" ]; then
	if [ "$rw_drop" -le "$td_drop" ]; then
		echo "target: no more drops than tcpdump   PASS"
	else
		echo "target: no more drops than tcpdump   FAIL ($rw_drop > $td_drop)"
	fi
fi
echo "events per kind, rstwatchd live vs the trace's ground truth:"
for k in syn_retransmit syn_refused data_retransmit loss_reset app_reset icmp_unreachable capture_drop; do
	got=$(grep -c "\"kind\":\"$k\"" "$dir/events.jsonl")
	want=$(awk -v k="$k" '$1 == "event" && $2 == k { print $3 }' "$trace.truth")
	printf '  %-20s %8s %8s\n' "$k" "$got" "${want:-0}"
done
