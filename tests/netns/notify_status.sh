#!/bin/sh
# Check the STATUS= lines that the daemon sends to $NOTIFY_SOCKET (what
# `systemctl status rstwatchd` shows), as helper.py recv recorded them:
# "RECEIVED-AT STATUS=packets=N flows=N active=N alerts=N dropped=N".
#
#	sh tests/netns/notify_status.sh NOTIFY.TXT
#
# Passes (exit 0, one line saying what it saw) when there are at least two
# such lines, every one in that form, no two more than 5 s apart (the
# daemon sends one every 2 s), the counters never go down, and packets and
# flows grew from the first line to the last.  Otherwise exit 1 and why.
if [ $# -ne 1 ]; then
	echo "usage: $0 NOTIFY.TXT" >&2
	exit 2
fi
awk '
$2 !~ /^STATUS=/ { next }
{
	n++
	if ($0 !~ /^[0-9.]+ STATUS=packets=[0-9]+ flows=[0-9]+ active=[0-9]+ alerts=[0-9]+ dropped=[0-9]+$/) {
		print "malformed: " $0; bad = 1; exit
	}
	split($0, f, /[ =]/)
	# f: 1 time, 2 STATUS, 3 packets, 4 N, 5 flows, 6 N, 7 active, 8 N,
	# 9 alerts, 10 N, 11 dropped, 12 N
	t = f[1] + 0; p = f[4] + 0; fl = f[6] + 0; a = f[10] + 0; d = f[12] + 0
	if (n == 1) {
		t0 = t; p0 = p; fl0 = fl; a0 = a
	} else {
		if (t - tl > 5) {
			printf "%.1f s between two STATUS= lines\n", t - tl; bad = 1; exit
		}
		if (p < pl || fl < fll || a < al || d < dl) {
			print "a counter went down: " $0; bad = 1; exit
		}
	}
	tl = t; pl = p; fll = fl; al = a; dl = d
}
END {
	if (bad)
		exit 1
	if (n < 2) {
		print n + 0 " STATUS= line(s), wanted at least 2"; exit 1
	}
	if (pl <= p0 || fll <= fl0) {
		printf "counters did not grow over %.1f s: packets %d -> %d, flows %d -> %d\n",
		    tl - t0, p0, pl, fl0, fll
		exit 1
	}
	printf "%d STATUS= lines over %.1f s, packets %d -> %d, flows %d -> %d, alerts %d -> %d\n",
	    n, tl - t0, p0, pl, fl0, fll, a0, al
}' "$1"
