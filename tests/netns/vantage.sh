#!/bin/bash
# Two vantage points with the real kernel: a client and a server exchange
# data through a router, tcpdump captures at both ends, and
# `rstwatchd -j -r client.pcap -R server.pcap` must report exactly what the
# router did to the traffic, scenario by scenario.
#
#	bash tests/netns/vantage.sh RSTWATCHD	(VERBOSE=1 echoes commands,
#						 KEEP=1 keeps the scratch dir)
#
#   client (tcpdump: a)      router (nft, one scenario at a time)     server (tcpdump: b)
#   8 connections to   --->  nothing | numgen random drop | masquerade --->  echo server
#   :5001 (DNAT: :5002)      | DNAT :5002 -> :5001 | MSS clamp 1000       :5001
#   64 KB each way           | DSCP cs1 on the client's packets
#   (topology: topo.sh, IPv4)
#
# Expected, per scenario (each flow: one connection):
#   none        no event; every flow matched, no NAT
#   drop        path_loss only, at least one, from the client (by=src),
#               seen at a; every flow matched
#   masquerade  exactly one path_altered change=nat per flow, nothing else
#   dnat        the same, the server's port rewritten
#   mss         exactly one path_altered change=mss per flow (1460 -> 1000)
#   dscp        exactly one path_altered change=dscp per flow (0 -> 8)
#   inject      the router forges a RST in the client's name (raw socket,
#               outside the server's window): exactly one path_injected
#               what=rst by=src seen_at=b, with the forger's TTL and IP ID
# Last line: "vantage: N passed, M failed"; exit 1 when M > 0, 2 when the
# test cannot run (not root, a tool missing).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=vantage
NEEDS="nft (nat, numgen), tcpdump, timeout and python3"
. "$(dirname "$0")/topo.sh"

NCONN=8

# The server: each connection's 64 KB are read and 64 KB sent back.
# ip netns exec execs python, so that $! is python's pid.
SERVER='
import socket, threading
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5001))
s.listen(64)
def one(c):
    got = 0
    while got < 65536:
        b = c.recv(65536)
        if not b:
            break
        got += len(b)
    c.sendall(b"s" * 65536)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=one, args=(c,), daemon=True).start()
'

# clients PORT: NCONN connections one after the other, 64 KB each way.
clients() {
	in_cli timeout 60 "$PY" -c '
import socket, sys
for i in range(int(sys.argv[3])):
    c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=20)
    c.sendall(b"c" * 65536)
    c.shutdown(socket.SHUT_WR)
    got = 0
    while True:
        b = c.recv(65536)
        if not b:
            break
        got += len(b)
    c.close()
    if got != 65536:
        sys.exit("short answer: %d" % got)
' "$SRV4" "$1" "$NCONN"
}

# router RULESET: the router's nftables, replaced whole.
router() {
	in_rtr nft flush ruleset || return 1
	[ -z "$1" ] || in_rtr nft -f - <<<"$1"
}

# events NAME: "kind:change" of each event, sorted and counted.
events() {
	"$PY" - "$dir/$1.jsonl" <<'EOF'
import collections, json, sys
c = collections.Counter()
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "kind" in r:
        c["%s:%s" % (r["kind"], r.get("change") or r.get("what"))] += 1
print(" ".join("%s=%d" % kv for kv in sorted(c.items())))
EOF
}

# table FAMILY CHAIN TYPE RULE: the router's ruleset, table FAMILY vantage
# with one base CHAIN (TYPE: "filter hook forward priority 0") holding RULE.
table() {
	printf 'table %s vantage {\n\tchain %s {\n\t\ttype %s;\n\t\t%s\n\t}\n}\n' \
	    "$1" "$2" "$3" "$4"
}

# scenario NAME PORT RULESET: traffic through the router, both captures,
# the comparison.
scenario() {
	local name=$1 port=$2

	router "$3" || { fail "$name: nft refused the ruleset"; return 1; }
	topo_capture "$name-a" cli "$dir/$name.a.pcap" 90 tcp port "$port"
	topo_capture "$name-b" srv "$dir/$name.b.pcap" 90 tcp port 5001
	if ! clients "$port" >"$dir/$name.clients" 2>&1; then
		fail "$name: the clients failed: $(cat "$dir/$name.clients")"
	fi
	sleep 0.3
	topo_capture_stop "$name-a" "$name-b"
	run "$RSTWATCHD" -c "$HERE/../pcap/test.yaml" -j -r "$dir/$name.a.pcap" \
	    -R "$dir/$name.b.pcap" >"$dir/$name.jsonl" 2>"$dir/$name.err"
	rc=$?
	[ "$rc" = 0 ] || fail "$name: rstwatchd exit $rc: $(cat "$dir/$name.err")"
	if grep -q "^rstwatchd: summary: $NCONN flows matched" "$dir/$name.err"; then
		pass "$name: $NCONN flows matched"
	else
		fail "$name: not $NCONN flows matched: $(cat "$dir/$name.err")"
	fi
}

# expect NAME WANT: the events, counted, exactly.
expect() {
	expect_eq "$1: events" "$(events "$1")" "$2"
}

require ip nft tcpdump timeout
[ -x "$RSTWATCHD" ] || loud "no $RSTWATCHD (make)"
trap_cleanup topo_cleanup
scratch vantage
topo_up
spawn ip netns exec "$TOPO_SRV" "$PY" -c "$SERVER" </dev/null >/dev/null 2>&1
wait_until 5 listening "$TOPO_SRV" 1 || loud "the server does not listen"

scenario none 5001 ""
expect none ""

scenario drop 5001 "$(table inet vfwd "filter hook forward priority 0" \
    "ip saddr $CLI4 tcp dport 5001 numgen random mod 20 == 0 drop")"
got=$(events drop)
case $got in
"path_loss:"*)
	if echo "$got" | grep -qv '^path_loss:[a-z]*=[0-9]*\( path_loss:[a-z]*=[0-9]*\)*$'; then
		fail "drop: events other than path_loss: $got"
	else
		pass "drop: path_loss only: $got"
	fi ;;
*)	# The 1-in-20 drop may have hit only pure ACKs, which -R does not
	# report (rstwatchd(8)): then the two files differ by those alone.
	f='tcp[tcpflags] & (tcp-syn|tcp-fin|tcp-rst) != 0 or
	    ip[2:2] - ((ip[0] & 0xf) << 2) - ((tcp[12] & 0xf0) >> 2) != 0'
	na=$(tcpdump -r "$dir/drop.a.pcap" "$f" 2> /dev/null | wc -l)
	nb=$(tcpdump -r "$dir/drop.b.pcap" "$f" 2> /dev/null | wc -l)
	if [ -z "$got" ] && [ "$na" -eq "$nb" ]; then
		pass "drop: no path_loss, and only pure ACKs were dropped ($na packets with data, SYN, FIN or RST at both points)"
	else
		fail "drop: no path_loss: \"$got\" ($na packets with data, SYN, FIN or RST at a, $nb at b)"
	fi ;;
esac
if "$PY" - "$dir/drop.jsonl" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if "kind" in r and (r["by"], r["seen_at"]) != ("src", "a"):
        sys.exit(1)
EOF
then
	pass "drop: every loss the client's, seen at a"
else
	fail "drop: a loss not from the client seen at a: $(grep kind "$dir/drop.jsonl" | head -3)"
fi

scenario masquerade 5001 "$(table ip vpost "nat hook postrouting priority 100" \
    "oifname \"$RTR_SIF\" masquerade")"
expect masquerade "path_altered:nat=$NCONN"
grep -q "flows matched ($NCONN through NAT)" "$dir/masquerade.err" &&
    pass "masquerade: $NCONN through NAT" ||
    fail "masquerade: $(head -1 "$dir/masquerade.err")"

scenario dnat 5002 "$(table ip vpre "nat hook prerouting priority -100" \
    "tcp dport 5002 dnat to $SRV4:5001")"
expect dnat "path_altered:nat=$NCONN"
grep -q "\"after\":\"$CLI4:[0-9]*>$SRV4:5001\"" "$dir/dnat.jsonl" &&
    pass "dnat: the server's port rewritten" ||
    fail "dnat: $(grep -m1 nat "$dir/dnat.jsonl")"

scenario mss 5001 "$(table inet vfwd "filter hook forward priority 0" \
    "tcp flags syn tcp option maxseg size set 1000")"
expect mss "path_altered:mss=$NCONN"
grep -q '"before":"1460","after":"1000"' "$dir/mss.jsonl" &&
    pass "mss: 1460 became 1000" || fail "mss: $(grep -m1 mss "$dir/mss.jsonl")"

scenario dscp 5001 "$(table inet vfwd "filter hook forward priority 0" \
    "ip saddr $CLI4 ip dscp set cs1")"
expect dscp "path_altered:dscp=$NCONN"
grep -q '"before":"0","after":"8"' "$dir/dscp.jsonl" &&
    pass "dscp: 0 became 8 (cs1)" || fail "dscp: $(grep -m1 dscp "$dir/dscp.jsonl")"

# A RST forged by the router in the client's name, with a sequence number
# the server ignores (RFC 5961: outside the window, no answer), in the
# middle of a connection from a known port: seen at b, never at a.
router ""
topo_capture inject-a cli "$dir/inject.a.pcap" 90 tcp port 5001
topo_capture inject-b srv "$dir/inject.b.pcap" 90 tcp port 5001
spawn ip netns exec "$TOPO_CLI" timeout 30 "$PY" -c '
import socket, sys, time
c = socket.socket()
c.bind((sys.argv[1], 45555))
c.connect((sys.argv[2], 5001))
c.sendall(b"c" * 32768)
time.sleep(1.0)
c.sendall(b"c" * 32768)
c.shutdown(socket.SHUT_WR)
while c.recv(65536):
    pass
' "$CLI4" "$SRV4" >"$dir/inject.clients" 2>&1
inject_client=$!
sleep 0.5
in_rtr "$PY" -c '
import socket, struct, sys
sys.dont_write_bytecode = True
sys.path.insert(0, sys.argv[3])
from nettools import csum
src, dst = socket.inet_aton(sys.argv[1]), socket.inet_aton(sys.argv[2])
tcp = struct.pack("!HHIIBBHHH", 45555, 5001, 0x40000000, 0, 5 << 4, 0x04, 0, 0, 0)
tcp = tcp[:16] + struct.pack("!H", csum(src + dst + struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 4242, 0, 64, 6, 0, src, dst)
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip + tcp, (sys.argv[2], 0))
' "$CLI4" "$SRV4" "$HERE" || fail "inject: the router could not send its RST"
wait "$inject_client" || fail "inject: the client failed: $(cat "$dir/inject.clients")"
sleep 0.3
topo_capture_stop inject-a inject-b
run "$RSTWATCHD" -c "$HERE/../pcap/test.yaml" -j -r "$dir/inject.a.pcap" \
    -R "$dir/inject.b.pcap" >"$dir/inject.jsonl" 2>"$dir/inject.err" ||
    fail "inject: rstwatchd failed: $(cat "$dir/inject.err")"
expect inject "path_injected:rst=1"
grep -q '"kind":"path_injected".*"by":"src","what":"rst","seq":1073741824,"ttl":64,"expected_ttl":63,"ip_id":4242,.*"seen_at":"b"' \
    "$dir/inject.jsonl" && pass "inject: the forger's TTL 64 where the client's packets had 63, IP ID 4242" ||
    fail "inject: $(grep -m1 kind "$dir/inject.jsonl")"

echo "vantage: $passed passed, $failed failed"
[ "$failed" = 0 ]
