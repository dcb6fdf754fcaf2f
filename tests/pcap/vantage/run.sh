#!/bin/sh
# Two vantage points: each pair that mkpair.c writes, compared by
# `rstwatchd -j -r NAME.a.pcap -R NAME.b.pcap`; standard output must equal
# expected/NAME.jsonl and standard error expected/NAME.stderr, byte for
# byte.  PCAP_UPDATE=1 writes them instead (review before committing).
#
#	sh tests/pcap/vantage/run.sh RSTWATCHD MKPAIR
#
# Last line: "vantage: N passed, M failed"; exit 1 when M > 0.

set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 RSTWATCHD MKPAIR" >&2
	exit 2
fi
case $1 in /*) rw=$1 ;; *) rw=$PWD/$1 ;; esac
case $2 in /*) mk=$2 ;; *) mk=$PWD/$2 ;; esac
here=$(cd "$(dirname "$0")" && pwd)
conf=$here/../test.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
passed=0
failed=0

"$mk" "$tmp" || { echo "vantage: mkpair failed"; echo "vantage: 0 passed, 1 failed"; exit 1; }
cd "$tmp" || exit 1
for a in *.a.pcap; do
	name=${a%.a.pcap}
	"$rw" -c "$conf" -j -r "$name.a.pcap" -R "$name.b.pcap" \
	    >"$name.out" 2>"$name.err"
	rc=$?
	echo "exit $rc" >>"$name.err"
	# The text form too: the same events, one line each.
	"$rw" -c "$conf" -r "$name.a.pcap" -R "$name.b.pcap" \
	    >"$name.txt" 2>/dev/null
	if [ "${PCAP_UPDATE:-0}" = 1 ]; then
		cp "$name.out" "$here/expected/$name.jsonl"
		cp "$name.err" "$here/expected/$name.stderr"
		cp "$name.txt" "$here/expected/$name.txt"
		continue
	fi
	ok=1
	for ext in jsonl:out stderr:err txt:txt; do
		exp=$here/expected/$name.${ext%%:*}
		got=$name.${ext#*:}
		if ! cmp -s "$exp" "$got"; then
			echo "FAIL: vantage $name: $(basename "$exp") differs:"
			diff -u "$exp" "$got" 2>&1 | head -20
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
# The command line: -R needs exactly one -r and refuses -w (64); a file
# that cannot be read is a run-time failure (2), said on standard error.
expect_rc() {
	want=$1
	shift
	"$rw" -c "$conf" "$@" >/dev/null 2>"$tmp/rc.err"
	got=$?
	if [ "$got" = "$want" ] && [ -s "$tmp/rc.err" ]; then
		passed=$((passed + 1))
	else
		echo "FAIL: vantage: rstwatchd $*: exit $got, wanted $want" \
		    "with a reason: $(cat "$tmp/rc.err")"
		failed=$((failed + 1))
	fi
}
expect_rc 64 -R identical.b.pcap
expect_rc 64 -r identical.a.pcap -r nat.a.pcap -R identical.b.pcap
expect_rc 64 -r identical.a.pcap -R identical.b.pcap -w "$tmp"
expect_rc 2 -r identical.a.pcap -R "$tmp/missing.pcap"
expect_rc 2 -r "$tmp/missing.pcap" -R identical.b.pcap

python3 "$here/../schema.py" "$here"/expected/*.jsonl >"$tmp/schema.log" 2>&1 ||
	{ cat "$tmp/schema.log"; failed=$((failed + 1)); }
echo "vantage: $passed passed, $failed failed"
[ $failed = 0 ]
