#!/bin/sh
# verify.sh TRUTH ALERTS JSONL: compares what rstwatchd -r -j wrote with
# what gentrace says the trace must produce.
#
#  - events per kind, and flow records per close reason ("unfinished" is
#    open + timeout + handshake_timeout, which depend on where the trace
#    ends relative to the timers): any difference is a MISMATCH (exit 1),
#    and the flows behind it are listed (expected but missing, and
#    reported but not expected);
#  - the sums of the flow records' counters (packets, retransmissions,
#    keep-alives, out-of-order, duplicates): a difference is printed as
#    "counters: DIFF", for the reader, without failing the bench.
#
# Output: one "verdict: ..." line and one "counters: ..." line, then details.
set -eu
truth=$1 alerts=$2 jsonl=$3
tmp=${TMPDIR:-/tmp}/rstwatch-verify.$$
trap 'rm -f "$tmp".*' EXIT

awk -v truth="$truth" -v out="$tmp.got" '
function field(key,    re, v) {
	re = "\"" key "\":\"?[^,\"}]*"
	if (!match($0, re))
		return ""
	v = substr($0, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	sub(/^"/, "", v)
	return v
}
BEGIN {
	while ((getline line < truth) > 0) {
		n = split(line, f, " ")
		if (f[1] == "event")
			want_ev[f[2]] = f[3]
		else if (f[1] == "close")
			want_cl[f[2]] = f[3]
		else if (f[1] == "sum")
			want_sum[f[2]] = f[3]
		else if (f[1] == "flow_records")
			want_records = f[2]
	}
	close(truth)
}
/"type":"flow"/ {
	records++
	c = field("close")
	if (c == "open" || c == "timeout" || c == "handshake_timeout")
		c = "unfinished"
	got_cl[c]++
	sum["pkts"] += field("pkts_orig") + field("pkts_resp")
	if (field("proto") == "tcp") {
		sum["syn_retransmits"] += field("syn_retransmits")
		sum["retransmits"] += field("retransmits_orig") + field("retransmits_resp")
		sum["keepalives"] += field("keepalives")
		sum["out_of_order"] += field("out_of_order")
		sum["seq_anomalies"] += field("seq_anomalies")
	}
	sum["duplicates"] += field("duplicates")
	next
}
/"kind":"/ {
	k = field("kind")
	got_ev[k]++
	print k, field("proto"), field("src"), field("sport"), field("dst"), field("dport") > out
}
END {
	bad = 0
	for (k in want_ev)
		if (got_ev[k] + 0 != want_ev[k] + 0) {
			detail = detail sprintf("  event %s: expected %d, got %d\n", k, want_ev[k], got_ev[k])
			bad = 1
		}
	for (k in got_ev)
		if (!(k in want_ev)) {
			detail = detail sprintf("  event %s: not expected, got %d\n", k, got_ev[k])
			bad = 1
		}
	for (k in want_cl)
		if (got_cl[k] + 0 != want_cl[k] + 0) {
			detail = detail sprintf("  close %s: expected %d, got %d\n", k, want_cl[k], got_cl[k])
			bad = 1
		}
	for (k in got_cl)
		if (!(k in want_cl)) {
			detail = detail sprintf("  close %s: not expected, got %d\n", k, got_cl[k])
			bad = 1
		}
	if (records + 0 != want_records + 0) {
		detail = detail sprintf("  flow records: expected %d, got %d\n", want_records, records)
		bad = 1
	}
	nev = 0
	for (k in got_ev)
		nev += got_ev[k]
	if (bad)
		printf "verdict: MISMATCH (%d events, %d flow records)\n", nev, records
	else
		printf "verdict: MATCH (%d events, %d flow records)\n", nev, records
	cdiff = ""
	for (k in want_sum)
		if (sum[k] + 0 != want_sum[k] + 0)
			cdiff = cdiff sprintf(" %s=%d(expected %d)", k, sum[k], want_sum[k])
	if (cdiff == "")
		print "counters: MATCH"
	else
		print "counters: DIFF" cdiff
	printf "%s", detail
	exit bad
}' "$jsonl" && exit 0

# The flows behind a mismatch, a few of each side.
sort "$alerts" > "$tmp.want"
sort "$tmp.got" > "$tmp.gots"
echo "  expected but not reported (first 10 of $(comm -23 "$tmp.want" "$tmp.gots" | wc -l)):"
comm -23 "$tmp.want" "$tmp.gots" | head -10 | sed 's/^/    /'
echo "  reported but not expected (first 10 of $(comm -13 "$tmp.want" "$tmp.gots" | wc -l)):"
comm -13 "$tmp.want" "$tmp.gots" | head -10 | sed 's/^/    /'
exit 1
