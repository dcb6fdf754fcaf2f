#!/bin/bash
# The live daemon watching tunnelled traffic: a real VXLAN between two
# namespaces, the daemon capturing the OUTER interface, alerts naming the
# inner flow and the tunnel; and IP in IP packets, to see the built-in BPF
# filter let IP protocol 4 through.
#
#	bash tests/netns/tunnels.sh RSTWATCHD	(VERBOSE=1 echoes commands,
#						 KEEP=1 keeps the scratch dir)
#
#   rw-tc-$$ (client)                          rw-ts-$$ (server)
#  +----------------------------+              +----------------------------------+
#  | veth0 172.31.$n.1/24       +--veth pair---+ veth1 172.31.$n.2/24             |
#  |   vx0: vxlan id 42,        |  UDP 4789    |   <-- rstwatchd -f -j -i veth1   |
#  |   10.42.0.1/24             |              |   as nobody, own mount namespace |
#  | helper.py clients;         |              |   vx0: vxlan id 42, 10.42.0.2/24 |
#  | raw IP-in-IP SYNs (proto 4)|              |   nft input: drop tcp dport 81   |
#  +----------------------------+              |   (inside the tunnel)            |
#                                              +----------------------------------+
#   host: $dir/dev/log <- helper.py recv (syslog.txt); $dir/dev is bound
#   over /dev in the daemon's private mount namespace, as in e2e.sh.
#
# Scenarios: a connection refused inside the tunnel (syn_refused), a SYN
# dropped by the server's firewall inside the tunnel (syn_retransmit), both
# with tunnel="vxlan:172.31.$n.1>172.31.$n.2:vni=42"; the same in the JSON
# events and flow records; and a SYN sent three times in IPv4-in-IPv4 from a
# raw socket (the server has no ipip device, so nobody answers): the alert
# names tunnel=ipip, which it can only do if the capture's built-in filter
# passed protocol 4.
#
# Only VXLAN makes a real tunnel device here: this kernel loads no modules
# and has no gre, gretap, ipip or geneve support, so GRE and IP in IP are
# not tested with kernel tunnel devices (the pcap cases cover their
# decoding; the raw IP-in-IP packets cover the filter).
# Last line: "tunnels: N passed, M failed"; exit 1 when M > 0, 2 when the
# test cannot run at all (not root, no namespaces, no vxlan, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=tunnels
NEEDS="vxlan, nft, unshare and python3"
. "$(dirname "$0")/lib.sh"

cli=rw-tc-$$ srv=rw-ts-$$
# A third octet of our own, so that two runs never share addresses.
n=$(($$ % 200 + 20))
out_c=172.31.$n.1 out_s=172.31.$n.2
in_c=10.42.0.1 in_s=10.42.0.2
vxtun="vxlan:$out_c>$out_s:vni=42"

# wait_line FILE SECONDS FIXED-STRING: poll (20 ms) for a line holding it;
# print the first one.
wait_line() {
	local end=$(($(now_ms) + $2 * 1000)) line

	while :; do
		line=$(grep -F -m1 -e "$3" "$1" 2>/dev/null) &&
		    { printf '%s\n' "$line"; return 0; }
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# expect_line DESC FILE SECONDS STRING
expect_line() {
	local line

	if line=$(wait_line "$2" "$3" "$4"); then
		pass "$1: ${line#*]: }"
	else
		if [ -n "$daemon_pid" ] && ! running "$daemon_pid"; then
			fail "$1: the daemon died; its stderr:"
			sed 's/^/    /' "$dir/daemon.err" | tail -n 20
			daemon_pid=
		else
			fail "$1: no line with \"$4\" in $2 within $3 s"
		fi
		return 1
	fi
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft unshare mount awk
need_daemon "$HELPER"

trap_cleanup

scratch tunnels

# ---------------------------------------------------------------------------
# Topology.

pair_up "$out_c/24" "$out_s/24"
n_cli ip link add vx0 type vxlan id 42 local "$out_c" remote "$out_s" \
    dstport 4789 dev veth0 || loud "cannot create a vxlan device in $cli"
n_srv ip link add vx0 type vxlan id 42 local "$out_s" remote "$out_c" \
    dstport 4789 dev veth1 || loud "cannot create a vxlan device in $srv"
n_cli ip addr add "$in_c/24" dev vx0
n_srv ip addr add "$in_s/24" dev vx0
n_cli ip link set vx0 up
n_srv ip link set vx0 up
n_cli sysctl -q -w net.ipv4.tcp_syn_retries=3
n_srv nft -f - <<-EOF || loud "nft failed in $srv"
	table inet rwtest {
		chain input {
			type filter hook input priority 0; policy accept;
			iifname "vx0" tcp dport 81 drop
		}
	}
EOF

recv_syslog

{
	echo "# rstwatchd tunnel test, $(date)"
	echo "capture:"
	echo "  interfaces: [veth1]"
	echo "  buffer_size: 1M"
	echo "  snaplen: 256"
	echo "thresholds:"
	echo "  max_syn_retransmissions: 2"
	echo "events:"
	for k in syn_retransmit syn_refused; do
		echo "  $k: { cooldown: 0 }"
	done
	echo "flows:"
	echo "  timeouts:"
	echo "    closed: 1"
	conf_daemon
} | put_conf "$conf"
check_conf "$conf"

# The daemon in a private mount namespace whose /dev is the scratch one.
spawn_daemon "$dir/daemon.out" "$dir/daemon.err" -f -j -c "$conf" -i veth1

expect_line "start" "$syslog" 10 "]: capturing on veth1 linktype=EN10MB filter=" ||
    { echo "tunnels: $passed passed, $failed failed"; exit 1; }
case $(cat "$syslog") in
*"proto 4 or proto 41 or proto 47"*)
	pass "start: the built-in filter passes IP in IP and GRE" ;;
*)	fail "start: the filter line does not name proto 4, 41, 47" ;;
esac

# ---------------------------------------------------------------------------
# Inside the VXLAN: a closed port, and a SYN the server's firewall drops.

n_cli "$PY" "$HELPER" refusedn "$in_s" 80 41000 1 > "$dir/refused.out" 2>&1 ||
    fail "refused: the client's connect was not refused: $(cat "$dir/refused.out")"
expect_line "vxlan refused" "$syslog" 3 \
    "kind=syn_refused severity=notice proto=tcp src=$in_c sport=41000 dst=$in_s dport=80 tunnel=\"$vxtun\" by=dst "

spawn ip netns exec "$cli" "$PY" "$HELPER" syn "$in_s" 81 41001 5 \
    > "$dir/syn.out" 2>&1
expect_line "vxlan SYN dropped" "$syslog" 8 \
    "kind=syn_retransmit severity=warning proto=tcp src=$in_c sport=41001 dst=$in_s dport=81 tunnel=\"$vxtun\" syn_retransmits=2 "

# ---------------------------------------------------------------------------
# IPv4 in IPv4 from a raw socket: the same SYN three times, 300 ms apart.

n_cli "$PY" - "$out_c" "$out_s" <<-'EOF' > "$dir/ipip.out" 2>&1 ||
	import socket, struct, sys, time
	src, dst = sys.argv[1], sys.argv[2]
	isrc, idst = socket.inet_aton("192.0.2.1"), socket.inet_aton("192.0.2.2")
	def csum(b):
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    s = (s >> 16) + (s & 0xffff)
	    return ~(s + (s >> 16)) & 0xffff
	tcp = struct.pack("!HHIIBBHHH", 42000, 443, 12345678, 0, 5 << 4, 2,
	    64240, 0, 0)
	tcp = tcp[:16] + struct.pack("!H", csum(isrc + idst +
	    struct.pack("!BBH", 0, 6, len(tcp)) + tcp)) + tcp[18:]
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 7, 0x4000, 64, 6, 0,
	    isrc, idst)
	ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 4)
	for i in range(3):
	    s.sendto(ip + tcp, (dst, 0))
	    time.sleep(0.3)
	print("sent")
EOF
    fail "ipip: the raw sender failed: $(cat "$dir/ipip.out")"
expect_line "ipip SYN unanswered" "$syslog" 3 \
    "kind=syn_retransmit severity=warning proto=tcp src=192.0.2.1 sport=42000 dst=192.0.2.2 dport=443 tunnel=ipip:$out_c>$out_s syn_retransmits=2 "

# ---------------------------------------------------------------------------
# The JSON events and records carry the tunnel as an object.

expect_line "JSON event" "$dir/daemon.out" 3 \
    "\"dport\":80,\"tunnel\":{\"type\":\"vxlan\",\"src\":\"$out_c\",\"dst\":\"$out_s\",\"vni\":42},\"by\":\"dst\""
# The refused flow's record comes when the closed flow expires (1 s).
expect_line "JSON flow record" "$dir/daemon.out" 5 \
    "\"type\":\"flow\",\"ts_start\":"
if grep -F "\"type\":\"flow\"" "$dir/daemon.out" | grep -F "\"sport\":41000," |
    grep -Fq "\"tunnel\":{\"type\":\"vxlan\",\"src\":\"$out_c\",\"dst\":\"$out_s\",\"vni\":42},\"pkts_orig\":1,\"pkts_resp\":1,"; then
	pass "JSON flow record of the refused flow names the tunnel, one flow for both directions"
else
	fail "JSON flow record of the refused flow: $(grep -F '"sport":41000,' "$dir/daemon.out" | grep -F '"type":"flow"')"
fi

stop_daemon stop 5
if grep -Eq 'runtime error|AddressSanitizer|LeakSanitizer' "$dir/daemon.err"; then
	fail "sanitizer reports in the daemon's stderr"
	sed 's/^/    /' "$dir/daemon.err" | head -n 30
fi

echo "tunnels: $passed passed, $failed failed"
[ "$failed" = 0 ]
