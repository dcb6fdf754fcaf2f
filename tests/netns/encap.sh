#!/bin/bash
# The live capture's built-in filter lets the link-layer encapsulations
# through: each encapsulated refused connection of the pcap fixtures is
# put on a veth by a packet socket, and the real daemon capturing on the
# other end (the real kernel BPF, VLAN tags stripped to auxiliary data by
# the veth as by most NICs) must alert syn_refused for the inner flow.
#
#	bash tests/netns/encap.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory)
#
#   rw-encap-$$
#  +------------------------------------------------------------------+
#  | python3 AF_PACKET: frames of          rstwatchd -f -j -i vb      |
#  | tests/pcap/input/X.pcap ---> va ===== vb --> JSON on stdout      |
#  +------------------------------------------------------------------+
#
# One daemon per fixture (the fixtures share one 5-tuple and ISN).  Then
# an untagged and a single-tagged refused connection through a configured
# filter ("tcp"), which libpcap and-s after the built-in one: a second "vlan" in
# the built-in filter would shift it and nothing would match.
# Last line: "encap: N passed, M failed"; exit status 1 when M > 0, 2 when
# the test cannot run at all (not root, no namespaces, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 RSTWATCHD" >&2
	exit 2
fi
case $1 in
/*)	RSTWATCHD=$1 ;;
*)	RSTWATCHD=$PWD/$1 ;;
esac
TOP=$(cd "$(dirname "$0")/../.." && pwd)
VERBOSE=${VERBOSE:-0}

ns=rw-encap-$$
dir=
daemon_pid=
passed=0
failed=0

FIXTURES="qinq_refused mpls_refused vlan_mpls_refused mpls_pw_cw_refused
	mpls_pw_refused pppoe_refused qinq_pppoe_refused pbb_refused
	vntag_refused etag_refused"

loud() {
	{
		echo "##################################################################"
		echo "# encap: CANNOT RUN: $*"
		echo "# This test needs root, network namespaces, ip and python3."
		echo "# It is not skipped: fix the machine."
		echo "##################################################################"
	} >&2
	echo "encap: $passed passed, $((failed + 1)) failed"
	exit 2
}

run() {
	[ "$VERBOSE" = 1 ] && printf '[+] %s\n' "$*" >&2
	"$@"
}

pass() {
	passed=$((passed + 1))
	printf 'ok   %s\n' "$*"
}

fail() {
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$*"
}

cleanup() {
	set +e
	if [ -n "$daemon_pid" ]; then
		kill -KILL "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
	fi
	ip netns del "$ns" 2>/dev/null
	if [ -n "$dir" ]; then
		if [ "${KEEP:-0}" = 1 ] || [ "$failed" -gt 0 ]; then
			echo "encap: logs kept in $dir" >&2
		else
			rm -rf "$dir"
		fi
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# wait_for FILE PATTERN: poll up to 5 s for a line matching PATTERN.
wait_for() {
	local i

	for i in $(seq 50); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

[ "$(id -u)" = 0 ] || loud "not root"
for t in ip python3; do
	command -v "$t" >/dev/null || loud "$t missing"
done
dir=$(mktemp -d "${TMPDIR:-/tmp}/rstwatch-encap.XXXXXX") || loud "mktemp"
run ip netns add "$ns" || loud "ip netns add"
run ip -n "$ns" link add va type veth peer name vb || loud "veth"
run ip -n "$ns" link set va up || loud "va up"
run ip -n "$ns" link set vb up || loud "vb up"

# Writes the frames of classic pcap files (little-endian, as mkpcap
# writes them) on an interface, as they are.
cat >"$dir/inject.py" <<'PY'
import socket
import struct
import sys

s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind((sys.argv[1], 0))
for path in sys.argv[2:]:
    with open(path, 'rb') as f:
        d = f.read()
    off = 24
    while off + 16 <= len(d):
        incl = struct.unpack('<I', d[off + 8:off + 12])[0]
        s.send(d[off + 16:off + 16 + incl])
        off += 16 + incl
PY
printf 'daemon: { user: "", stats_interval: 0 }\n' >"$dir/conf.yaml"
printf 'daemon: { user: "", stats_interval: 0 }\ncapture: { filter: tcp }\n' \
    >"$dir/filter.yaml"

for case in $FIXTURES syn_refused:filter vlan_two_flows:filter; do
	fx=${case%%:*}
	conf=$dir/conf.yaml
	case $case in
	*:filter)	conf=$dir/filter.yaml ;;
	esac
	out=$dir/${case%%:*}${case#"$fx"}.jsonl
	out=${out/:/_}
	err=${out%.jsonl}.err
	ip netns exec "$ns" "$RSTWATCHD" -f -j -i vb -c "$conf" \
	    >"$out" 2>"$err" &
	daemon_pid=$!
	if ! wait_for "$err" "capturing on vb"; then
		fail "$fx: the daemon did not start capturing"
		kill -KILL "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		continue
	fi
	run ip netns exec "$ns" python3 "$dir/inject.py" va \
	    "$TOP/tests/pcap/input/$fx.pcap"
	# vlan_two_flows refuses port 80 in VLAN 10; the rest port 81.
	if wait_for "$out" '"kind":"syn_refused".*"dport":8[01]'; then
		pass "$case: syn_refused for the inner flow, live"
	else
		fail "$case: no syn_refused (the built-in filter or the decoder dropped it)"
	fi
	kill -TERM "$daemon_pid" 2>/dev/null
	wait "$daemon_pid" 2>/dev/null
	daemon_pid=
	if grep -q "ERROR: AddressSanitizer\|runtime error:" "$err"; then
		fail "$fx: sanitizer report in the daemon's stderr"
	fi
done

echo "encap: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
