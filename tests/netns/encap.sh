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

SUITE=encap
NEEDS="ip and python3"
. "$(dirname "$0")/lib.sh"

ns=rw-encap-$$

FIXTURES="qinq_refused mpls_refused vlan_mpls_refused mpls_pw_cw_refused
	mpls_pw_refused pppoe_refused qinq_pppoe_refused pbb_refused
	vntag_refused etag_refused"

require ip
trap_cleanup 'end_suite "$ns"'
scratch encap
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
	spawn ip netns exec "$ns" "$RSTWATCHD" -f -j -i vb -c "$conf" \
	    >"$out" 2>"$err"
	daemon_pid=$!
	if ! wait_file "$err" 5 "capturing on vb"; then
		fail "$fx: the daemon did not start capturing"
		kill -KILL "$daemon_pid" 2>/dev/null
		wait "$daemon_pid" 2>/dev/null
		daemon_pid=
		continue
	fi
	run ip netns exec "$ns" python3 "$dir/inject.py" va \
	    "$TOP/tests/pcap/input/$fx.pcap"
	# vlan_two_flows refuses port 80 in VLAN 10; the rest port 81.
	if wait_file "$out" 5 '"kind":"syn_refused".*"dport":8[01]'; then
		pass "$case: syn_refused for the inner flow, live"
	else
		fail "$case: no syn_refused (the built-in filter or the decoder dropped it)"
	fi
	daemon_term 10
	if grep -q "ERROR: AddressSanitizer\|runtime error:" "$err"; then
		fail "$fx: sanitizer report in the daemon's stderr"
	fi
done

echo "encap: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
