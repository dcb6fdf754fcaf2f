#!/bin/sh
# Without -v, -r says in one line on standard error that traffic in an
# encapsulation it does not follow was skipped (issue 9); the exit status
# stays 0 (the file is not damaged), standard output holds only what was
# understood, and a file without such traffic gets no such line.  With -v
# the summary says it instead (once).
#
#	sh tests/pcap/undecoded.sh RSTWATCHD
#
# Last line: "undecoded: N passed, M failed"; exits nonzero if anything failed.

set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 RSTWATCHD" >&2
	exit 2
fi
RSTWATCHD=$1
top=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
cd "$top" || exit 2
err=$(mktemp "${TMPDIR:-/tmp}/rstwatch-undecoded.XXXXXX") || exit 2
trap 'rm -f "$err"' EXIT

passed=0
failed=0
ok() { passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }

# Zeek's pbb-recursive-frames.pcapng: one frame nested beyond the limit.
f=tests/pcap/foreign/zeek/pbb-recursive-frames.pcapng
"$RSTWATCHD" -r "$f" -j -c tests/pcap/test.yaml > /dev/null 2> "$err"
rc=$?
[ "$rc" = 0 ] && ok || bad "$f: exit $rc, want 0"
want="rstwatchd: 1 packets in encapsulations not decoded were counted and skipped (encap_too_deep=1); -v says more"
if [ "$(cat "$err")" = "$want" ]; then ok; else
	bad "$f: standard error is:"; cat "$err"; fi

# With -v: the summary names it, the one line is not repeated.
"$RSTWATCHD" -v -r "$f" -j -c tests/pcap/test.yaml > /dev/null 2> "$err"
if grep -q 'summary: not understood: encap_too_deep=1' "$err" &&
    ! grep -q 'encapsulations not decoded' "$err"; then ok; else
	bad "$f -v: standard error is:"; cat "$err"; fi

# A file whose every packet was understood: nothing on standard error.
f=tests/pcap/input/syn_refused.pcap
"$RSTWATCHD" -r "$f" -j -c tests/pcap/test.yaml > /dev/null 2> "$err"
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$err" ]; then ok; else
	bad "$f: exit $rc, standard error:"; cat "$err"; fi

echo "undecoded: $passed passed, $failed failed"
[ "$failed" = 0 ]
