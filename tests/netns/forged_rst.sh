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

SUITE=forged_rst
NEEDS="nft, tcpdump, timeout and python3"
. "$(dirname "$0")/topo.sh"

TOOL=$HERE/forge.py

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
	expect_eq "$1: sport $3" "$(story "$2" "$3")" "$4"
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft tcpdump timeout ss
need_daemon "$TOOL"
PY=$("$PY" -c 'import sys; print(sys.executable)') || loud "python3 does not run"

trap_cleanup topo_cleanup

t_start=$(now_ms)
scratch forge

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
wait_until 5 listening "$TOPO_SRV" 4 &&
    wait_file "$dir/forge.out" 5 '^ready' ||
    loud "the servers or the forger did not start: $(cat "$dir/forge.out")"

{
	echo "capture:"
	echo "  interfaces: [$CLI_IF]"
	echo "events:"
	cooldown0 $KINDS rst_rate
	conf_daemon
} > "$conf"
check_conf "$conf"

topo_capture cli cli "$dir/cli.pcap" 60 tcp
topo_daemon "$TOPO_CLI" "$CLI_IF"

# ---------------------------------------------------------------------------
# The four forgeries, at once.

topo_client c1 client "$SRV4" 6001 47001 talk
topo_client c2 client "$SRV4" 6002 47002 talk
topo_client c3 client "$SRV4" 6003 47003 listen
topo_client c4 client "$SRV4" 6004 47004 listen
for j in c1:refused c2:talked c3:reset c4:reset; do
	IFS=: read -r name want <<< "$j"
	if ! wait_pid "${client_pid[$name]}" 15; then
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
daemon_term 5
if [ "$term_rc" != timeout ]; then
	pass "live daemon: stopped"
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
