#!/bin/sh
# Foreign captures as regression cases: Zeek's tunnel test traces, read
# with rstwatchd -r -j -c tests/pcap/test.yaml; standard output must equal
# tests/pcap/zeek/expected/NAME.jsonl exactly.  With PCAP_UPDATE=1 the
# output is written there instead, to be reviewed before it is committed.
# Each trace must also give at least as many TCP flows as tshark finds
# TCP conversations in it (tshark -q -z conv,tcp), when tshark is there:
# the decapsulation must not lose connections that tshark sees.
#
#	sh tests/pcap/zeek.sh RSTWATCHD
#
# Last line: "zeek: N passed, M failed"; exits nonzero if anything failed.

set -u
. "$(dirname "$0")/../lib.sh"

t_args 1 "RSTWATCHD" "$@"
RSTWATCHD=$(t_abspath "$1")
UPDATE=${PCAP_UPDATE:-0}
t_top
dir=tests/pcap/zeek
t_locale

tmp=$(mktemp "${TMPDIR:-/tmp}/rstwatch-zeek.XXXXXX") || exit 2
trap 'rm -f "$tmp"' EXIT

for f in "$dir"/*.pcap; do
	name=$(basename "$f" .pcap)
	exp=$dir/expected/$name.jsonl
	if ! "$RSTWATCHD" -r "$f" -j -c tests/pcap/test.yaml > "$tmp" 2>/dev/null
	then
		echo "FAIL: $name: rstwatchd exited $?"
		failed=$((failed + 1))
		continue
	fi
	if [ "$UPDATE" = 1 ]; then
		cp "$tmp" "$exp"
		echo "updated $exp"
	elif ! cmp -s "$exp" "$tmp"; then
		echo "FAIL: $name: output differs from $exp:"
		diff -u "$exp" "$tmp"
		failed=$((failed + 1))
		continue
	fi
	if command -v tshark > /dev/null 2>&1; then
		ours=$(grep -c '"type":"flow","ts_start":[0-9.]*,"ts_end":[0-9.]*,"proto":"tcp"' "$tmp")
		theirs=$(tshark -r "$f" -q -z conv,tcp 2>/dev/null | grep -c '<->')
		if [ "$ours" -lt "$theirs" ]; then
			echo "FAIL: $name: $ours TCP flows, tshark sees $theirs TCP conversations"
			failed=$((failed + 1))
			continue
		fi
	fi
	passed=$((passed + 1))
done
t_summary zeek
