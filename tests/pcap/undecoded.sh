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
. "$(dirname "$0")/../lib.sh"

t_args 1 "RSTWATCHD" "$@"
RSTWATCHD=$(t_abspath "$1")
t_top
t_tmpdir undecoded
err=$tmp/err

# Zeek's pbb-recursive-frames.pcapng: one frame nested beyond the limit.
f=tests/pcap/foreign/zeek/pbb-recursive-frames.pcapng
"$RSTWATCHD" -r "$f" -j -c tests/pcap/test.yaml > /dev/null 2> "$err"
rc=$?
[ "$rc" = 0 ] && pass || fail "$f: exit $rc, want 0"
want="rstwatchd: 1 packets in encapsulations not decoded were counted and skipped (encap_too_deep=1); -v says more"
if [ "$(cat "$err")" = "$want" ]; then pass; else
	fail "$f: standard error is:"; cat "$err"; fi

# With -v: the summary names it, the one line is not repeated.
"$RSTWATCHD" -v -r "$f" -j -c tests/pcap/test.yaml > /dev/null 2> "$err"
if grep -q 'summary: not understood: encap_too_deep=1' "$err" &&
    ! grep -q 'encapsulations not decoded' "$err"; then pass; else
	fail "$f -v: standard error is:"; cat "$err"; fi

# A file whose every packet was understood: nothing on standard error.
f=tests/pcap/input/syn_refused.pcap
"$RSTWATCHD" -r "$f" -j -c tests/pcap/test.yaml > /dev/null 2> "$err"
rc=$?
if [ "$rc" = 0 ] && [ ! -s "$err" ]; then pass; else
	fail "$f: exit $rc, standard error:"; cat "$err"; fi

t_summary undecoded
