# A client -- router -- server topology of three network namespaces, for the
# suites that need a device in the path (loss, forged packets).  Sourced
# instead of lib.sh, which it sources; topo_up needs lib.sh's require
# first (for $PY).
#
#   $TOPO_CLI (client)        $TOPO_RTR (router, forwarding)        $TOPO_SRV (server)
#  +----------------+        +------------------------------+       +----------------+
#  | $CLI4/24       |  veth  | $RTR_C4/24        $RTR_S4/24 |  veth | $SRV4/24       |
#  | $CLI6/64  $CLI_IF+------+$RTR_CIF            $RTR_SIF+-------+$SRV_IF  $SRV6/64 |
#  | default via    |        | $RTR_C6/64        $RTR_S6/64 |       | default via    |
#  |   the router   |        +------------------------------+       |   the router   |
#  +----------------+                                               +----------------+
#
# Interface (everything else in this file is private, topo_*):
#	topo_up			make the namespaces rw-$TOPO_TAG{c,r,s}-$$ (TOPO_TAG
#				defaults to the first letter of $SUITE, so that two
#				suites' namespaces tell apart) and the links, wait
#				until IPv6 is usable; loud (exit 2) on failure
#	topo_down		stop the captures, delete the namespaces (idempotent;
#				call it from the suite's cleanup trap)
#	in_cli/in_rtr/in_srv CMD...	run CMD in that namespace (echoed with VERBOSE=1)
#	topo_reach ADDR		true when the client's connection to ADDR port 9 is
#				refused within 3 s (the path works both ways)
#	topo_capture NAME SIDE FILE SECS [TCPDUMP-ARGS...]
#				start tcpdump in SIDE's namespace (cli or srv) on its
#				link, in immediate mode, packet-buffered (-U), snaplen
#				$TOPO_SNAP (default 128, headers only),
#				stopped after SECS seconds whatever happens, writing
#				FILE; returns once tcpdump listens.  TCPDUMP-ARGS
#				(e.g. -c 100000, a filter) are passed on.
#	topo_capture_stop [NAME...]	stop those captures (all without NAME) with
#				SIGINT and wait for them: their files are complete
# Variables: TOPO_CLI TOPO_RTR TOPO_SRV (namespace names), CLI_IF RTR_CIF
# RTR_SIF SRV_IF (interface names), CLI4 RTR_C4 RTR_S4 SRV4, CLI6 RTR_C6
# RTR_S6 SRV6 (addresses).  Addresses are the same in every run: nothing
# leaves the namespaces.  Offloads are left as the kernel sets them, so
# captures show what a real host's would (segments larger than the MSS).

. "$(dirname "$0")/lib.sh"

TOPO_CLI= TOPO_RTR= TOPO_SRV=
CLI_IF=veth-c RTR_CIF=veth-rc RTR_SIF=veth-rs SRV_IF=veth-s
CLI4=10.77.1.1 RTR_C4=10.77.1.254 RTR_S4=10.77.2.254 SRV4=10.77.2.1
CLI6=fd00:77:1::1 RTR_C6=fd00:77:1::fe RTR_S6=fd00:77:2::fe SRV6=fd00:77:2::1
TOPO_SNAP=${TOPO_SNAP:-128}
declare -A topo_cap_pid=() topo_cap_err=()

in_cli() { run ip netns exec "$TOPO_CLI" "$@"; }
in_rtr() { run ip netns exec "$TOPO_RTR" "$@"; }
in_srv() { run ip netns exec "$TOPO_SRV" "$@"; }

topo_up() {
	local tag=${TOPO_TAG:-${SUITE:0:1}}

	TOPO_CLI=rw-${tag}c-$$ TOPO_RTR=rw-${tag}r-$$ TOPO_SRV=rw-${tag}s-$$
	run ip netns add "$TOPO_CLI" || loud "cannot create namespace $TOPO_CLI"
	run ip netns add "$TOPO_RTR" || loud "cannot create namespace $TOPO_RTR"
	run ip netns add "$TOPO_SRV" || loud "cannot create namespace $TOPO_SRV"
	run ip -n "$TOPO_CLI" link add "$CLI_IF" type veth peer name "$RTR_CIF" \
	    netns "$TOPO_RTR" || loud "cannot create a veth pair"
	run ip -n "$TOPO_SRV" link add "$SRV_IF" type veth peer name "$RTR_SIF" \
	    netns "$TOPO_RTR" || loud "cannot create a veth pair"
	in_cli ip link set lo up
	in_rtr ip link set lo up
	in_srv ip link set lo up
	in_cli ip addr add "$CLI4/24" dev "$CLI_IF"
	in_cli ip addr add "$CLI6/64" dev "$CLI_IF" nodad
	in_rtr ip addr add "$RTR_C4/24" dev "$RTR_CIF"
	in_rtr ip addr add "$RTR_C6/64" dev "$RTR_CIF" nodad
	in_rtr ip addr add "$RTR_S4/24" dev "$RTR_SIF"
	in_rtr ip addr add "$RTR_S6/64" dev "$RTR_SIF" nodad
	in_srv ip addr add "$SRV4/24" dev "$SRV_IF"
	in_srv ip addr add "$SRV6/64" dev "$SRV_IF" nodad
	in_cli ip link set "$CLI_IF" up
	in_rtr ip link set "$RTR_CIF" up
	in_rtr ip link set "$RTR_SIF" up
	in_srv ip link set "$SRV_IF" up
	in_cli ip route add default via "$RTR_C4"
	in_cli ip -6 route add default via "$RTR_C6"
	in_srv ip route add default via "$RTR_S4"
	in_srv ip -6 route add default via "$RTR_S6"
	in_rtr sysctl -q -w net.ipv4.ip_forward=1 || loud "no IPv4 forwarding"
	in_rtr sysctl -q -w net.ipv6.conf.all.forwarding=1 ||
	    loud "no IPv6 forwarding"
	wait_dad "$TOPO_CLI" "$TOPO_RTR" "$TOPO_SRV"
	# A connection to a closed port is refused once both ways work (no
	# ping on this machine); before any capture starts.
	topo_reach "$SRV4" || loud "the client cannot reach $SRV4 through the router"
	topo_reach "$SRV6" || loud "the client cannot reach $SRV6 through the router"
}

topo_reach() {
	in_cli "${PY:-python3}" -c '
import socket, sys
a = sys.argv[1]
s = socket.socket(socket.AF_INET6 if ":" in a else socket.AF_INET)
s.settimeout(3)
try:
    s.connect((a, 9))
except ConnectionRefusedError:
    sys.exit(0)
except OSError:
    sys.exit(1)
sys.exit(1)' "$1"
}

topo_capture() {
	local name=$1 side=$2 file=$3 secs=$4 ns ifc end
	shift 4

	case $side in
	cli) ns=$TOPO_CLI ifc=$CLI_IF ;;
	srv) ns=$TOPO_SRV ifc=$SRV_IF ;;
	*) loud "topo_capture: side must be cli or srv, not $side" ;;
	esac
	topo_cap_err[$name]=$file.err
	# timeout bounds it; SIGINT lets tcpdump close the file properly.
	# Immediate mode: with TPACKET_V3 blocks, packets of the last block
	# timeout (up to a second) are still in the ring when SIGINT comes and
	# would be missing from the file.
	spawn timeout -s INT "$secs" ip netns exec "$ns" tcpdump -n -i "$ifc" \
	    -s "$TOPO_SNAP" --immediate-mode -U -w "$file" "$@" 2> "$file.err"
	topo_cap_pid[$name]=$!
	end=$(($(now_ms) + 5000))
	until grep -q 'listening on' "$file.err" 2>/dev/null; do
		[ "$(now_ms)" -ge "$end" ] &&
		    loud "tcpdump did not start on $ifc: $(cat "$file.err")"
		sleep 0.02
	done
}

topo_capture_stop() {
	local name p

	[ $# -gt 0 ] || set -- "${!topo_cap_pid[@]}"
	for name in "$@"; do
		p=${topo_cap_pid[$name]:-}
		[ -n "$p" ] || continue
		# timeout passes SIGINT on to tcpdump.
		kill -INT "$p" 2>/dev/null
		wait "$p" 2>/dev/null
		unset "topo_cap_pid[$name]"
	done
}

topo_down() {
	topo_capture_stop
	[ -n "$TOPO_CLI" ] && ip netns del "$TOPO_CLI" 2>/dev/null
	[ -n "$TOPO_RTR" ] && ip netns del "$TOPO_RTR" 2>/dev/null
	[ -n "$TOPO_SRV" ] && ip netns del "$TOPO_SRV" 2>/dev/null
	TOPO_CLI= TOPO_RTR= TOPO_SRV=
	return 0
}

# topo_cleanup: the end of a path suite, from its EXIT trap: its daemon
# ($daemon_pid, if any), the captures, the background jobs ($pids) and the
# namespaces gone, its scratch $dir removed unless KEEP=1 or a check failed.
topo_cleanup() {
	set +e
	stop_pid "${daemon_pid:-}"
	topo_capture_stop
	end_suite
	topo_down
}

# topo_daemon NS IFACE: the live daemon (-f -j -c $conf) in namespace NS on
# IFACE, JSON to $dir/live.jsonl, pid in daemon_pid; returns once it says
# "started" (with no /dev/log, on standard error, $dir/live.err: it comes
# once every capture has its filter and is watched), loud after 5 s.
topo_daemon() {
	local end=$(($(now_ms) + 5000))

	spawn ip netns exec "$1" "$RSTWATCHD" -f -j -c "$conf" -i "$2" \
	    > "$dir/live.jsonl" 2> "$dir/live.err"
	daemon_pid=$!
	until grep -q 'started, version' "$dir/live.err" 2>/dev/null; do
		running "$daemon_pid" || loud "the daemon did not start: $(cat "$dir/live.err")"
		[ "$(now_ms)" -ge "$end" ] && loud "the daemon did not say it started in 5 s: $(cat "$dir/live.err")"
		sleep 0.02
	done
}

# topo_client NAME ARG...: $TOOL ARG... in the client's namespace (bg_out).
topo_client() {
	bg_out "$TOPO_CLI" "$1" "$PY" "$TOOL" "${@:2}"
}
