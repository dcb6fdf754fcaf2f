#!/bin/bash
# A device in the path forges RSTs: the router answers the client's SYN in
# the server's name, or resets an established connection while the server
# goes on sending.  The live daemon on the client's link, and rstwatchd -r
# on a capture of that link, must call each forgery rst_injected.
#
#	bash tests/netns/forged_rst.sh RSTWATCHD  (VERBOSE=1 echoes commands,
#						   KEEP=1 keeps the scratch dir)
#
#   client                     router (forge.py)                  server
#   rstwatchd -f -j on $CLI_IF  AF_PACKET on $RTR_CIF: sees the    forge.py serve
#   tcpdump on $CLI_IF          client's SYNs and the server's     :6001 :6002 echo
#   forge.py client             data; raw socket: RSTs in the      :6003 :6004 drip
#                               server's name toward the client    (ten 100-byte
#                               nft forward: the server's first    chunks, 100 ms
#                               SYN-ACK to :6001/:6002 dropped     apart)
#   (topology: topo.sh, IPv4; the server's packets reach the client with
#   TTL 63, the router's own with 64)
#
# Scenarios (client ports 47001-47004):
#   47001>6001	the forged RST|ACK acknowledges the SYN exactly (a careful
#		forger): the client believes it (ECONNREFUSED) and resets
#		the real SYN-ACK a second later.  rstwatchd(8): syn_refused at
#		once, then rst_injected (ttl=64 expected_ttl=63) when the
#		server's SYN-ACK proves the refusal was not the server's; the
#		record says rst_injected.
#   47002>6002	a bare RST (no ACK) answers the SYN: the client's stack
#		drops it and connects when the SYN-ACK comes.  rst_injected
#		at once (window evidence), no syn_refused; the connection
#		goes on and closes with FINs: the record says graceful.
#   47003>6003	mid-stream, after the server's third chunk, a RST|ACK at the
#		client's next expected sequence number with the router's TTL
#		(64): rst_injected at once (ttl=64 expected_ttl=63); the
#		client aborts and resets the server's later data.
#   47004>6004	the same RST with the server's own TTL (63): app_reset at
#		once (nothing tells it apart yet), then rst_injected when the
#		server's next data shows the server never sent it.
# Last line: "forged_rst: N passed, M failed"; exit 1 when M > 0, 2 when the
# test cannot run (not root, a tool missing).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

SUITE=forged_rst
NEEDS="nft, tcpdump, timeout and python3"
. "$(dirname "$0")/lib.sh"
. "$HERE/topo.sh"

TOOL=$HERE/forge.py
dir=
daemon_pid=
TOPO_TAG=f

cleanup() {
	topo_cleanup forged_rst
}

# story FILE SPORT: the flow's events in order, "kind:by" (with ttl=/
# expected_ttl= or window= when the kind has them), then "close=" from its
# record.
story() {
	"$PY" - "$1" "$2" <<'EOF'
import json, sys
out = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get("sport") != int(sys.argv[2]):
        continue
    if r.get("type") == "flow":
        out.append("close=%s" % r["close"])
        continue
    w = "%s:%s" % (r["kind"], r.get("by", ""))
    if "ttl" in r:
        w += ":ttl=%s/%s" % (r["ttl"], r.get("expected_ttl"))
    elif "window" in r:
        w += ":window"
    out.append(w)
print(" ".join(out))
EOF
}

# expect LABEL FILE SPORT WANT: the story is WANT.
expect() {
	local got

	got=$(story "$2" "$3")
	if [ "$got" = "$4" ]; then
		pass "$1: sport $3: $got"
	else
		fail "$1: sport $3: \"$got\", wanted \"$4\""
	fi
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft tcpdump timeout ss
[ -x "$RSTWATCHD" ] || loud "$RSTWATCHD: not an executable"
[ -r "$TOOL" ] || loud "$TOOL missing"
id nobody > /dev/null 2>&1 || loud "no user nobody for daemon.user"
PY=$("$PY" -c 'import sys; print(sys.executable)') || loud "python3 does not run"

trap cleanup EXIT
exec 4>&1
trap '{ fail "interrupted by a signal"; echo "forged_rst: $passed passed, $failed failed"; } >&4
    exit 1' INT TERM HUP

t_start=$(now_ms)
dir=$(mktemp -d /tmp/rw-forge.XXXXXX) || loud "mktemp"
chmod 755 "$dir"
conf=$dir/rstwatch.yaml

topo_up
in_rtr nft -f - <<-EOF || loud "nft failed in the router"
	table inet rwforge {
		set answered { type inet_service; }
		chain forward {
			type filter hook forward priority 0; policy accept;
			iifname "$RTR_SIF" tcp sport { 6001, 6002 } tcp flags & (syn | ack) == syn | ack tcp dport != @answered counter drop
		}
	}
EOF
for p in 6001:echo 6002:echo 6003:drip 6004:drip; do
	spawn ip netns exec "$TOPO_SRV" "$PY" "$TOOL" serve "$SRV4" "${p%:*}" "${p#*:}"
done
spawn ip netns exec "$TOPO_RTR" "$PY" "$TOOL" forge "$RTR_CIF" "$CLI4" "$SRV4" \
    "inet rwforge answered" > "$dir/forge.out" 2>&1
end=$(($(now_ms) + 5000))
until [ "$(ip netns exec "$TOPO_SRV" ss -Htln | wc -l)" -ge 4 ] &&
    grep -q '^ready' "$dir/forge.out"; do
	[ "$(now_ms)" -ge "$end" ] && loud "the servers or the forger did not start: $(cat "$dir/forge.out")"
	sleep 0.02
done

{
	echo "capture:"
	echo "  interfaces: [$CLI_IF]"
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

topo_capture cli cli "$dir/cli.pcap" 60 tcp
spawn ip netns exec "$TOPO_CLI" "$RSTWATCHD" -f -j -c "$conf" -i "$CLI_IF" \
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
# The four forgeries, at once.

cli_bg() {
	local name=$1
	shift
	spawn ip netns exec "$TOPO_CLI" "$PY" "$TOOL" client "$@" > "$dir/$name.out" 2>&1
}
cli_bg c1 "$SRV4" 6001 47001 talk
p1=$!
cli_bg c2 "$SRV4" 6002 47002 talk
p2=$!
cli_bg c3 "$SRV4" 6003 47003 listen
p3=$!
cli_bg c4 "$SRV4" 6004 47004 listen
p4=$!
for j in c1:p1:refused c2:p2:talked c3:p3:reset c4:p4:reset; do
	IFS=: read -r name pvar want <<< "$j"
	if ! wait_pid "${!pvar}" 15; then
		fail "$name: the client still runs after 15 s"
	elif grep -q "^$want " "$dir/$name.out"; then
		pass "$name: the client saw what the forgery makes it see: $(cat "$dir/$name.out")"
	else
		fail "$name: wanted \"$want\", the client says: $(cat "$dir/$name.out")"
	fi
done
nforged=$(grep -c '^forged ' "$dir/forge.out")
if [ "$nforged" -eq 4 ]; then
	pass "the router forged 4 RSTs"
else
	fail "the router forged $nforged RSTs, wanted 4: $(cat "$dir/forge.out")"
fi

# The drip servers end their connection within about a second of the
# forgery; then the captures and the daemon stop.
sleep 1.2
topo_capture_stop
run kill -TERM "$daemon_pid"
if wait_pid "$daemon_pid" 5; then
	pass "live daemon: stopped"
	daemon_pid=
else
	fail "live daemon: still running 5 s after SIGTERM"
fi
if run "$RSTWATCHD" -r "$dir/cli.pcap" -j -c "$conf" > "$dir/cli.jsonl" 2> "$dir/cli.err"; then
	pass "rstwatchd -r on the client's capture: exit 0"
else
	fail "rstwatchd -r failed: $(head -3 "$dir/cli.err")"
fi

# ---------------------------------------------------------------------------
# What each says.

for f in live:"$dir/live.jsonl" r:"$dir/cli.jsonl"; do
	label=${f%%:*}
	file=${f#*:}
	expect "$label, RST|ACK answering the SYN" "$file" 47001 \
	    "syn_refused:dst rst_injected:dst:ttl=64/63 close=rst_injected"
	expect "$label, bare RST answering the SYN" "$file" 47002 \
	    "rst_injected:dst:window close=graceful"
	expect "$label, mid-stream RST, router's TTL" "$file" 47003 \
	    "rst_injected:dst:ttl=64/63 close=rst_injected"
	expect "$label, mid-stream RST, server's TTL" "$file" 47004 \
	    "app_reset:dst rst_injected:dst:ttl=63/63 close=rst_injected"
done
if grep -Eq 'Sanitizer|runtime error' "$dir"/*.err; then
	fail "sanitizer reports: $(grep -l -E 'Sanitizer|runtime error' "$dir"/*.err)"
fi

echo "forged_rst: run took $(($(now_ms) - t_start)) ms"
echo "forged_rst: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
