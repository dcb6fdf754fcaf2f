#!/bin/bash
# End-to-end tests of the live capture's lifecycle: interfaces that come,
# go and come back, a stop while the daemon is behind, filter swaps under
# traffic.  The real daemon as nobody (as the service runs it, so reopening
# a capture happens without root), the real kernel, alerts read from a
# real syslog socket.
#
#	bash tests/netns/capture.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory)
#
#   rw-ccli-$$ (client)                      rw-csrv-$$ (server)
#  +----------------------+                 +-------------------------------+
#  | 10.9.0.1/24     veth0+-----------------+veth1 10.9.0.2/24              |
#  |                      |   veth pairs,   |        rstwatchd -f -j as     |
#  | 10.9.1.1/24     veth3+- - - - - - - - -+veth2 10.9.1.2/24  nobody,    |
#  | helper.py clients    |  deleted, made  |   own mount namespace         |
#  |                      |  and set down   | nft: count and drop udp       |
#  +----------------------+  by the test    |   :5400 :5500 (no ICMP back)  |
#                                           +---------------|---------------+
#   host (scratch $dir):                                    | /dev/log
#     $dir/dev/log <- helper.py recv (syslog.txt) <---------+
#     $dir/dev is bound over /dev in the daemon's private mount namespace
#
# Phases:
#  1a. interfaces at start: veth1 is down and veth2 does not exist when the
#     daemon starts: it waits (one line each) instead of exiting; veth1
#     comes up, veth2 is created: a closed port behind each is alerted
#     (syn_refused).
#  1b. interfaces while it runs: veth1 is deleted and created again at once
#     (a new ifindex), then set down and up: each time "capturing on veth1
#     again after N s" and a closed port is alerted, as nobody with
#     CAP_NET_RAW permitted but not effective; the stop line counts the
#     reopenings.
#  2. behind: the daemon is stopped (SIGSTOP) while a bounded flood and
#     five refused connections go past, then gets SIGCONT and SIGTERM at
#     once: everything the kernel accepted is analysed before the flows are
#     concluded (packets= equals received=, the flood's flow record has
#     every datagram the server's nft counter saw, the five syn_refused).
#  3. filter swaps: capture.filter flips between two filters that both
#     admit udp :5500 while a flood to :5500 flows, with a reload every few
#     milliseconds: the flow record has every datagram nft counted; on
#     veth1, then on "any" between a filter the kernel runs (with cooked
#     offsets) and one it cannot run (filtered in the daemon, counted).
# Then: no sanitizer report from any of the daemons (SANITIZE=1 builds).
# Last line: "capture: N passed, M failed"; exit status 1 when M > 0, 2 when
# the test cannot run at all (not root, no namespaces, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=capture
NEEDS="nft, unshare and python3"
. "$(dirname "$0")/lib.sh"

cli=rw-ccli-$$ srv=rw-csrv-$$

msg_of() { printf '%s\n' "${1#*]: }"; }

# expect DESC MARK SECONDS STRING: a syslog line with STRING comes.
expect() {
	local line

	if line=$(wait_for "$2" "$3" "$4"); then
		pass "$1: $(msg_of "$line")"
		return 0
	fi
	if [ -n "$daemon_pid" ] && ! running "$daemon_pid"; then
		fail "$1: the daemon died; its stderr:"
		sed 's/^/    /' "$dir/$phase.err" | tail -n 20
	else
		fail "$1: no \"$4\" within $3 s"
	fi
	return 1
}

# refused DESC ADDR SPORT IFACE: a connection to a closed port through
# IFACE is alerted as syn_refused.
refused() {
	local m

	m=$(mark)
	if ! n_cli "$PY" "$HELPER" refused "$2" 90 "$3" > "$dir/refused.out" 2>&1; then
		fail "$1: the client failed: $(cat "$dir/refused.out")"
		return 1
	fi
	expect "$1" "$m" 3 "]: kind=syn_refused severity=notice proto=tcp src=${2%.2}.1 sport=$3 dst=$2 dport=90 by=dst iface=$4 "
}

# start_daemon PHASE CONF ARGS...: the daemon in the server namespace, in a
# private mount namespace whose /dev is the scratch one (so /dev/log is our
# receiver); stdout (-j) in $dir/PHASE.out, stderr in $dir/PHASE.err.
start_daemon() {
	local p=$1 c=$2

	shift 2
	spawn_daemon "$dir/$p.out" "$dir/$p.err" -f -j -c "$c" "$@"
}

# stop_phase DESC [MARK]: SIGTERM (unless MARK says when it was sent),
# exit 0 within 5 s (failed otherwise, not passed); sets $stopline.
stop_phase() {
	local m=${2:-}

	if [ -z "$m" ]; then
		m=$(mark)
		run kill -TERM "$daemon_pid"
	fi
	if ! daemon_wait 5; then
		if [ "$term_rc" = timeout ]; then
			fail "$1: still running 5 s after SIGTERM"
		else
			fail "$1: exit status $term_rc after SIGTERM"
		fi
	fi
	stopline=$(wait_for "$m" 2 "]: stopped: packets=") || stopline=
}

# stat_of KEY LINE: the number after KEY= in LINE.
stat_of() {
	printf '%s\n' "$2" | sed -n "s/.* $1=\([0-9.]*\).*/\1/p"
}

# nft_count NAME: packets the server's named nft counter saw.
nft_count() {
	ip netns exec "$srv" nft list counter inet rwcap "$1" |
	    sed -n 's/.*packets \([0-9]*\).*/\1/p'
}

# flow_pkts FILE DPORT: pkts_orig of the UDP flow record to DPORT.
flow_pkts() {
	grep '"type":"flow"' "$1" | grep "\"proto\":\"udp\"" |
	    grep "\"dport\":$2," | sed -n 's/.*"pkts_orig":\([0-9]*\).*/\1/p' |
	    awk '{ s += $1 } END { print s + 0 }'
}

# write_conf FILE [FILTER]: the daemon's configuration, readable by nobody.
write_conf() {
	{
		echo "capture:"
		echo "  buffer_size: 16M"
		[ -n "${2:-}" ] && echo "  filter: \"$2\""
		echo "events:"
		echo "  syn_refused: { cooldown: 0 }"
		echo "output:"
		echo "  syslog: { facility: daemon, ident: rstwatchd }"
		conf_daemon
	} | put_conf "$1"
}

# veth CLI_IF SRV_IF NET: a veth pair with NET.1 and NET.2, both ends up.
veth() {
	n_cli ip link add "$1" type veth peer name "$2" netns "$srv" &&
	    n_cli ip addr add "$3.1/24" dev "$1" &&
	    n_srv ip addr add "$3.2/24" dev "$2" &&
	    n_cli ip link set "$1" up &&
	    n_srv ip link set "$2" up
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft unshare mount awk
need_daemon "$HELPER"

trap_cleanup

scratch capture

# veth1 exists but is down; veth2 does not exist yet.
pair_up 10.9.0.1/24 10.9.0.2/24 down
n_srv nft -f - <<-EOF || loud "nft failed in $srv"
	table inet rwcap {
		counter c5400 { }
		counter c5500 { }
		chain input {
			type filter hook input priority 0; policy accept;
			udp dport 5400 counter name "c5400" drop
			udp dport 5500 counter name "c5500" drop
		}
	}
EOF

recv_syslog

# ---------------------------------------------------------------------------
# 1a. At start, veth1 is down and veth2 does not exist.

phase_start() {
phase=ifaces
write_conf "$conf"
m=$(mark)
start_daemon $phase "$conf" -i veth1 -i veth2
expect "down at start" "$m" 5 "]: veth1 is down, waiting"
expect "absent at start" "$m" 5 "]: waiting for veth2 to appear"
expect "start with no interface ready" "$m" 5 "]: started, version "
if [ -n "$daemon_pid" ] && running "$daemon_pid"; then
	pass "start: still running with veth1 down and veth2 absent"
else
	fail "start: the daemon exited: $(tail -n 3 "$dir/$phase.err" "$syslog")"
	daemon_pid=
	# The veth pairs as the rest of the phase would leave them.
	n_srv ip link set veth1 up
	ip -n "$srv" link show veth2 > /dev/null 2>&1 || veth veth3 veth2 10.9.1
	return 1
fi
uid=$(awk '/^Uid:/ { print $2 }' "/proc/$daemon_pid/status")
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$daemon_pid/status")
if [ "$uid" = "$(id -u nobody)" ] && [ "$capeff" = 0000000000000000 ]; then
	pass "start: runs as nobody with no effective capability"
else
	fail "start: uid $uid CapEff $capeff"
fi

m=$(mark)
n_srv ip link set veth1 up
expect "veth1 up" "$m" 3 "]: capturing on veth1 linktype=EN10MB filter="
refused "closed port once veth1 is up" 10.9.0.2 43001 veth1

m=$(mark)
veth veth3 veth2 10.9.1
expect "veth2 created" "$m" 3 "]: capturing on veth2 linktype=EN10MB filter="
refused "closed port on the new veth2" 10.9.1.2 43002 veth2
stop_phase "interfaces at start"
}
phase_start

# 1b. While it runs: veth1 deleted and created again, then down and up.
phase_runtime() {
phase=runtime
m=$(mark)
start_daemon $phase "$conf" -i veth1 -i veth2
expect "runtime: start" "$m" 5 "]: started, version " || return 1

# Deleted and created again before the daemon can notice the gap: the old
# packet socket is bound to an ifindex that no longer exists.
m=$(mark)
n_cli ip link del veth0
veth veth0 veth1 10.9.0
expect "veth1 recreated: the loss is said" "$m" 3 "; not capturing until it is back"
expect "veth1 recreated: capturing again" "$m" 3 "]: capturing on veth1 again after "
refused "closed port after veth1 was recreated" 10.9.0.2 43003 veth1
# Reopened as nobody: CAP_NET_RAW permitted, effective only while opening.
capprm=$(awk '/^CapPrm:/ { print $2 }' "/proc/$daemon_pid/status")
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$daemon_pid/status")
if [ "$capprm" = 0000000000002000 ] && [ "$capeff" = 0000000000000000 ]; then
	pass "reopened as nobody: CapPrm $capprm (cap_net_raw), CapEff $capeff"
else
	fail "reopened: CapPrm $capprm CapEff $capeff, wanted 0000000000002000 and 0"
fi

m=$(mark)
n_srv ip link set veth1 down
expect "veth1 down" "$m" 3 "]: veth1: the interface went down"
n_srv ip link set veth1 up
n_srv ip route replace 10.9.0.0/24 dev veth1
expect "veth1 up again" "$m" 3 "]: capturing on veth1 again after "
refused "closed port after veth1 went down and up" 10.9.0.2 43004 veth1
refused "veth2 kept capturing throughout" 10.9.1.2 43005 veth2

stop_phase "interfaces while running"
r=$(stat_of reopened "$stopline")
if [ "$r" = 2 ]; then
	pass "stop: $(msg_of "$stopline")"
else
	fail "stop: wanted reopened=2 in: $stopline"
fi
}
phase_runtime

# ---------------------------------------------------------------------------
# 2. SIGTERM while the daemon is behind.

phase=behind
write_conf "$conf"
m=$(mark)
start_daemon $phase "$conf" -i veth1
expect "behind: start" "$m" 5 "]: capturing on veth1 linktype=EN10MB"
c0=$(nft_count c5400)
run kill -STOP "$daemon_pid"
n_cli "$PY" "$HELPER" flood 10.9.0.2 5400 30000 > "$dir/flood.out" 2>&1 ||
    fail "behind: the flood did not run: $(cat "$dir/flood.out")"
for sport in 43011 43012 43013 43014 43015; do
	n_cli "$PY" "$HELPER" refused 10.9.0.2 90 $sport > /dev/null 2>&1 ||
	    fail "behind: refused client $sport failed"
done
sent=$(( $(nft_count c5400) - c0 ))
m=$(mark)
run kill -TERM "$daemon_pid"
run kill -CONT "$daemon_pid"
stop_phase "behind" "$m"
pk=$(stat_of packets "$stopline")
rcv=$(stat_of received "$stopline")
drp=$(stat_of dropped "$stopline")
if [ -n "$pk" ] && [ "$pk" = "$rcv" ] && [ "$drp" = 0 ]; then
	pass "behind: every packet the kernel accepted was analysed: $(msg_of "$stopline")"
else
	fail "behind: packets=$pk received=$rcv dropped=$drp in: $stopline"
fi
got=$(flow_pkts "$dir/$phase.out" 5400)
if [ "$got" = "$sent" ] && [ "$sent" -gt 0 ]; then
	pass "behind: the flood's flow record has all $sent datagrams"
else
	fail "behind: the flood's flow record has $got datagrams, nft counted $sent"
fi
n=0
for sport in 43011 43012 43013 43014 43015; do
	grep -q "]: kind=syn_refused .* sport=$sport " "$syslog" && n=$((n + 1))
done
if [ $n -eq 5 ]; then
	pass "behind: the 5 connections refused while it was stopped are alerted"
else
	fail "behind: $n of the 5 connections refused while it was stopped are alerted"
fi

# ---------------------------------------------------------------------------
# 3. Filter swaps under traffic.

# flips NAME IFACE FILTER_A FILTER_B [userland]: capture.filter flips
# between A and B (both admit udp :5500) with a reload every few
# milliseconds while a flood to :5500 flows; the flow record has every
# datagram nft counted, and the statistics account for every packet the
# kernel accepted.  With "userland", B runs in the daemon: filtered > 0.
flips() {
	local name=$1 iface=$2 c0 flood flips=0 sent reloads got drp pk rcv flt

	phase=$name
	write_conf "$dir/a.yaml" "$3"
	write_conf "$dir/b.yaml" "$4"
	cp "$dir/a.yaml" "$conf"
	m=$(mark)
	start_daemon $phase "$conf" -i "$iface"
	expect "$name: start" "$m" 5 "]: capturing on $iface linktype=" || return 1
	c0=$(nft_count c5500)
	spawn ip netns exec "$cli" "$PY" "$HELPER" flood 10.9.0.2 5500 400000 \
	    > "$dir/flood5500.out" 2>&1
	flood=$!
	# Beside it, datagrams that neither filter admits.
	spawn ip netns exec "$cli" "$PY" "$HELPER" flood 10.9.0.2 5400 50000 \
	    > "$dir/flood5400.out" 2>&1
	while running "$flood"; do
		if [ $((flips % 2)) = 0 ]; then
			cp "$dir/b.yaml" "$conf.new"
		else
			cp "$dir/a.yaml" "$conf.new"
		fi
		mv "$conf.new" "$conf"
		kill -HUP "$daemon_pid"
		flips=$((flips + 1))
		sleep 0.005
	done
	wait "$flood" 2>/dev/null
	sent=$(( $(nft_count c5500) - c0 ))
	reloads=$(tail -n +"$((m + 1))" "$syslog" | grep -c ']: configuration reloaded')
	sleep 0.5
	stop_phase "$name"
	got=$(flow_pkts "$dir/$phase.out" 5500)
	drp=$(stat_of dropped "$stopline")
	if [ "$reloads" -lt 50 ]; then
		fail "$name: only $reloads reloads during the flood ($flips SIGHUPs)"
	fi
	if [ "$got" = "$sent" ] && [ "$sent" -gt 0 ]; then
		pass "$name: $reloads filter swaps, all $sent datagrams analysed (dropped=$drp)"
	elif [ -n "$drp" ] && [ "$drp" -gt 0 ] && [ $((got + drp)) -ge "$sent" ]; then
		pass "$name: $reloads filter swaps, $got of $sent datagrams analysed, the rest counted: dropped=$drp"
	else
		fail "$name: $reloads filter swaps, $got of $sent datagrams analysed, dropped=$drp: $((sent - got)) lost uncounted"
	fi
	got=$(flow_pkts "$dir/$phase.out" 5400)
	if [ "$got" = 0 ]; then
		pass "$name: nothing the filters reject was analysed"
	else
		fail "$name: $got datagrams to :5400 analysed, which no filter admits"
	fi
	pk=$(stat_of packets "$stopline")
	rcv=$(stat_of received "$stopline")
	flt=$(stat_of filtered "$stopline")
	if tail -n +"$((m + 1))" "$syslog" | grep -q 'the previous filter stays'; then
		fail "$name: a filter was not installed: $(grep -m1 'previous filter stays' "$syslog")"
	fi
	if [ "${5:-}" = userland ]; then
		if [ "${flt:-0}" -gt 0 ]; then
			pass "$name: the filter the kernel cannot run rejected $flt packets in the daemon"
		else
			fail "$name: filtered=${flt:-?}: the daemon filtered nothing itself"
		fi
	fi
	if [ -n "$pk" ] && [ $((pk + ${flt:-0} + ${drp:-0})) = "$rcv" ]; then
		pass "$name: packets + filtered + dropped = received: $(msg_of "$stopline")"
	else
		fail "$name: packets=$pk filtered=$flt dropped=$drp received=$rcv"
	fi
}
flips filters veth1 "udp port 5500" "udp port 5500 or udp port 5501"
# On "any" (Linux cooked v2) the kernel runs the program without the cooked
# header: "inbound" reads the packet type through an ancillary offset, and
# link[8:2] (the ARP hardware type) cannot be read there at all, so that
# filter runs in the daemon; the swaps go between the two.
flips filters-any any "inbound and udp port 5500" "udp port 5500 and link[8:2] = 1" userland

# Built with SANITIZE=1, the daemons say so on standard error.
if grep -Eq 'Sanitizer|runtime error' "$dir"/*.err; then
	fail "sanitizer: reports in the daemons' stderr:"
	grep -E -A5 'Sanitizer|runtime error' "$dir"/*.err | head -n 40 | sed 's/^/    /'
else
	pass "daemons' stderr: no sanitizer report"
fi

echo "capture: $passed passed, $failed failed"
[ $failed -eq 0 ]
