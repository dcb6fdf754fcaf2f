#!/bin/sh
# pcapng files: rstwatchd's own reader (daemon/capfile.c, lib/pcapng.c)
# held against tshark and against the classic fixtures.
#
#	sh tests/pcap/pcapng.sh RSTWATCHD CAPDUMP
#
# CAPDUMP (tests/pcap/capdump.c) prints what the reader hands on, packet
# by packet: time, link type, captured length, length on the wire.
# tests/pcap/ngvariant.py writes the pcapng files from the fixtures.
#
# 1. Several fixtures rewritten as pcapng with five interfaces of five
#    link types and time stamp units in two sections of both byte orders
#    (obsolete Packet Blocks, blocks to skip): every packet's time
#    (microseconds, cut), captured length and length on the wire equal
#    tshark's; link types are those written; rstwatchd's output (-r FILE
#    and from a pipe, with and without a filter) equals the fixture's.
# 2. Simple Packet Blocks (no time, captured length from the snapshot
#    length): the lengths equal tshark's.
# 3. One of them cut at every byte: the packets before the cut, then a
#    clean end exactly at block boundaries and an error elsewhere;
#    rstwatchd stops at the same packet, warns, and exits as it does for
#    a damaged classic file.
# 4. Damage of eight kinds: an error naming it after the packets before.
# 5. An interface of a link type not decoded (802.11): its packets counted
#    and skipped, one warning without -v naming it and the count, exit 0.
#
# Prints one line per failure and, last, "pcapng: N passed, M failed";
# exits nonzero if anything failed.  Needs tshark and python3: says so
# and fails (exit 2) without them.

set -u
. "$(dirname "$0")/../lib.sh"

t_args 2 "RSTWATCHD CAPDUMP" "$@"

RSTWATCHD=$(t_abspath "$1")
CAPDUMP=$(t_abspath "$2")

t_pcapdir

t_require pcapng "tshark python3" tshark python3

t_tmpdir pcapng


ng() {
	python3 "$dir/ngvariant.py" "$@"
}

# tshark's view: seconds.microseconds (cut, not rounded), captured length,
# length on the wire.  With notime (SPB files), records have no time;
# otherwise records without one are custom blocks, not packets.
theirs() {
	tshark -r "$1" -T fields -E separator=/t -e frame.time_epoch \
	    -e frame.cap_len -e frame.len 2>/dev/null |
	    awk -F '\t' -v notime="${2:-}" '$3 != "" && ($1 != "" || notime != "") {
		t = $1
		if (t != "") {
			split(t, a, ".")
			t = a[1] "." substr(a[2] "000000", 1, 6)
		}
		print t, $2, $3
	    }'
}

# Our view, in the same columns: the time left out for SPB files.
ours() {
	awk -v notime="${2:-}" '$1 == "end" || $1 == "error:" { next }
	    { print (notime != "" ? "" : $1), $3, $4 }' "$1"
}

run_r() {
	"$RSTWATCHD" -j -r "$@" -c "${CONF:-$conf}" 2>"$tmp/r.err"
}

# --- 1: several interfaces, against tshark and the fixtures -----------------

: >"$tmp/filtered"
fconf=$tmp/filter.yaml
grep '^[[:space:]]*#' "$conf" >"$fconf"
echo 'capture: { filter: "tcp port 81 or udp" }' >>"$fconf"

for b in syn_refused app_reset data_loss_reset ipv6_clean \
    udp_port_unreachable headers_only clean_close; do
	f=$dir/input/$b.pcap
	v=$tmp/$b.pcapng
	if ! ng multi "$f" "$v" >"$tmp/kinds" 2>"$tmp/py.err"; then
		fail "$b: ngvariant.py multi:"
		sed 's/^/    /' "$tmp/py.err"
		continue
	fi
	"$CAPDUMP" "$v" >"$tmp/dump"
	if [ "$(tail -n 1 "$tmp/dump")" = end ]; then
		pass
	else
		fail "$b: the reader did not end cleanly: $(tail -n 1 "$tmp/dump")"
	fi
	ours "$tmp/dump" >"$tmp/ours"
	theirs "$v" >"$tmp/theirs"
	if [ -s "$tmp/ours" ] && cmp -s "$tmp/ours" "$tmp/theirs"; then
		pass
	else
		fail "$b (several interfaces): differs from tshark (-ours +tshark):"
		diff -u "$tmp/ours" "$tmp/theirs" | sed -n '3,12s/^/    /p'
	fi
	awk '$1 != "end" { print $2 }' "$tmp/dump" >"$tmp/lts"
	if cmp -s "$tmp/lts" "$tmp/kinds"; then
		pass
	else
		fail "$b (several interfaces): link types differ from those written"
	fi
	# Five link layers, the same IP packets at the same times: the
	# analysis must not see the difference.
	for cf in "$conf" "$fconf"; do
		CONF=$cf run_r "$f" >"$tmp/want"
		CONF=$cf run_r "$v" >"$tmp/got"
		st=$?
		# The filter may keep nothing of some; not of all (below).
		[ "$cf" = "$conf" ] && [ ! -s "$tmp/want" ] && st=-1
		[ "$cf" = "$fconf" ] && cat "$tmp/want" >>"$tmp/filtered"
		if [ $st -eq 0 ] && cmp -s "$tmp/want" "$tmp/got" &&
		    ! grep -q . "$tmp/r.err"; then
			pass
		else
			fail "$b (several interfaces, ${cf##*/}): exit $st, output differs from the fixture's, or stderr:"
			diff -u "$tmp/want" "$tmp/got" | sed -n '3,8s/^/    /p'
			sed -n '1,3s/^/    /p' "$tmp/r.err"
		fi
		# A pipe cannot be read twice: no peeking at the format.
		cat "$v" | CONF=$cf run_r - >"$tmp/got"
		if cmp -s "$tmp/want" "$tmp/got"; then
			pass
		else
			fail "$b (several interfaces, ${cf##*/}) from a pipe: output differs"
		fi
	done
done

if [ -s "$tmp/filtered" ]; then
	pass
else
	fail "the filter kept nothing of any file: it proves nothing"
fi

# --- 2: Simple Packet Blocks ------------------------------------------------

for snap in 262144 60 1; do
	v=$tmp/spb$snap.pcapng
	ng spb "$dir/input/app_reset.pcap" "$v" $snap || {
		fail "ngvariant.py spb $snap"
		continue
	}
	"$CAPDUMP" "$v" >"$tmp/dump"
	ours "$tmp/dump" notime >"$tmp/ours"
	theirs "$v" notime >"$tmp/theirs"
	if [ "$(tail -n 1 "$tmp/dump")" = end ] && [ -s "$tmp/ours" ] &&
	    cmp -s "$tmp/ours" "$tmp/theirs"; then
		pass
	else
		fail "SPB snaplen $snap: differs from tshark (-ours +tshark), or no clean end:"
		diff -u "$tmp/ours" "$tmp/theirs" | sed -n '3,10s/^/    /p'
		tail -n 1 "$tmp/dump" | sed 's/^/    /'
	fi
done

# --- 3: cut at every byte ---------------------------------------------------

# The exit status rstwatchd gives a classic file cut inside a record.
c=$tmp/classic_cut.pcap
head -c 70 "$dir/input/syn_refused.pcap" >"$c"
run_r "$c" >/dev/null
damaged_status=$?

v=$tmp/app_reset.pcapng
ng blocks "$v" >"$tmp/blocks"
size=$(awk '$1 == "END" { print $2 }' "$tmp/blocks")
"$CAPDUMP" "$v" | grep -v '^end$' >"$tmp/all"
off=0
bad=0
while [ "$off" -lt "$size" ]; do
	head -c "$off" "$v" >"$tmp/cut.pcapng"
	"$CAPDUMP" "$tmp/cut.pcapng" >"$tmp/dump"
	last=$(tail -n 1 "$tmp/dump")
	n=$(grep -c -v -e '^end$' -e '^error: ' "$tmp/dump")
	# Packets whose blocks end at or before the cut.
	want=$(awk -v o="$off" '$1 != "END" { s[NR] = $1; t[NR] = $2; k = NR }
	    END {
		n = 0
		for (i = 1; i <= k; i++) {
			e = (i < k) ? s[i + 1] : -1
			if (e < 0) { continue }
			if (e <= o && (t[i] == 2 || t[i] == 3 || t[i] == 6))
				n++
		}
		print n
	    }' "$tmp/blocks")
	# The last block ends at the size; a cut never reaches it here.
	boundary=$(awk -v o="$off" '$1 == o && o >= 28 { print 1 }' "$tmp/blocks")
	grep -v -e '^end$' -e '^error: ' "$tmp/dump" >"$tmp/got"
	head -n "$want" "$tmp/all" >"$tmp/want"
	if ! cmp -s "$tmp/got" "$tmp/want"; then
		fail "cut at $off: $n packets, want the first $want"
		bad=$((bad + 1))
	elif [ -n "$boundary" ] && [ "$last" != end ]; then
		fail "cut at $off (a block boundary): $last"
		bad=$((bad + 1))
	elif [ -z "$boundary" ] && [ "${last#error: }" = "$last" ]; then
		fail "cut at $off (inside a block): no error"
		bad=$((bad + 1))
	else
		pass
	fi
	# rstwatchd on cuts inside a packet block and at its boundary.
	if [ $((off % 37)) -eq 5 ] && [ -z "$boundary" ] && [ "$off" -ge 28 ]; then
		run_r "$tmp/cut.pcapng" >"$tmp/got"
		st=$?
		if [ $st -eq "$damaged_status" ] && grep -q -F "$WARNING" "$tmp/r.err"; then
			pass
		else
			fail "rstwatchd, cut at $off: exit $st (want $damaged_status) or no warning"
		fi
	fi
	[ $bad -gt 5 ] && break
	off=$((off + 1))
done

# --- 4: damage ----------------------------------------------------------------

v=$tmp/app_reset.pcapng
for kind in trailer bom ifid big tsresol version caplen idbshort; do
	if ! ng damage "$v" "$tmp/d.pcapng" $kind 2>"$tmp/py.err"; then
		fail "ngvariant.py damage $kind:"
		sed 's/^/    /' "$tmp/py.err"
		continue
	fi
	"$CAPDUMP" "$tmp/d.pcapng" >"$tmp/dump"
	st=$?
	last=$(tail -n 1 "$tmp/dump")
	n=$(grep -c -v -e '^end$' -e '^error: ' "$tmp/dump")
	case $last in
	"error: damaged pcapng file; block at offset "*)
		if [ $st -eq 1 ] && [ "$n" -gt 0 ]; then
			pass
		else
			fail "damage $kind: exit $st, $n packets before the error"
		fi
		;;
	*)
		fail "damage $kind: not reported as damage: $last"
		;;
	esac
	run_r "$tmp/d.pcapng" >/dev/null
	st=$?
	if [ $st -eq "$damaged_status" ] && grep -q -F "$WARNING" "$tmp/r.err"; then
		pass
	else
		fail "rstwatchd, damage $kind: exit $st (want $damaged_status) or no warning"
	fi
done

# --- 5: a link type not decoded ----------------------------------------------

v=$tmp/app_reset.pcapng
ng multi "$dir/input/app_reset.pcap" "$v" >"$tmp/kinds"
n101=$(grep -c '^101$' "$tmp/kinds")
if ng relabel "$v" "$tmp/wlan.pcapng" 1 105; then
	run_r "$tmp/wlan.pcapng" >/dev/null
	st=$?
	want="link type IEEE802_11 (105) is not decoded; its $n101 packets were counted and skipped"
	if [ $st -eq 0 ] && [ "$n101" -gt 0 ] && grep -q -F "$want" "$tmp/r.err" &&
	    [ "$(wc -l <"$tmp/r.err")" -eq 1 ]; then
		pass
	else
		fail "802.11 interface: exit $st, or not just \"$want\" on stderr:"
		sed -n '1,3s/^/    /p' "$tmp/r.err"
	fi
else
	fail "ngvariant.py relabel"
fi

t_summary pcapng
