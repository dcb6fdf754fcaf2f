#!/bin/sh
# Our Community IDs against tshark's (its "communityid" dissector, seed 0).
#
#	sh tests/pcap/community_id.sh RSTWATCHD
#
# For every fixture in tests/pcap/input/, rstwatchd -r FILE -j writes its
# events and flow records; tshark computes the Community ID of every TCP
# and UDP packet of the same file.  Each event and flow record whose tuple
# tshark also saw must carry tshark's ID; a flow tshark cannot see (one known only from an
# ICMP quote, or hidden in a frame tshark calls malformed) is skipped and
# counted.  At least one comparison per protocol and family must happen,
# or the test proves nothing and fails.  tshark is required: without it
# the test fails (exit 2) rather than skip.
#
# Prints one line per mismatch and, last, "community_id: N matched,
# M mismatched, K not seen by tshark"; exits nonzero on any mismatch.

set -u
. "$(dirname "$0")/../lib.sh"

t_args 1 "RSTWATCHD" "$@"
RSTWATCHD=$(t_abspath "$1")

if ! command -v tshark >/dev/null 2>&1; then
	echo "community_id: tshark is missing (apt-get install tshark): FAILED" >&2
	exit 2
fi

t_top
dir=tests/pcap
LC_ALL=C
export LC_ALL

t_tmpdir cid

# One line per packet: proto src sport dst dport id.  ICMP errors quote a
# TCP or UDP header too; their own ID is the ICMP message's, so they are
# left out.
tshark_ids() {
	tshark -r "$1" -n --enable-protocol communityid \
	    -Y "(tcp or udp) and not icmp and not icmpv6" -T fields \
	    -E separator=/t -e ip.src -e ipv6.src -e ip.dst -e ipv6.dst \
	    -e tcp.srcport -e tcp.dstport -e udp.srcport -e udp.dstport \
	    -e communityid 2>/dev/null |
	awk -F'\t' '$9 != "" {
		src = $1 != "" ? $1 : $2
		dst = $3 != "" ? $3 : $4
		if ($5 != "")
			print "tcp", src, $5, dst, $6, $9
		else
			print "udp", src, $7, dst, $8, $9
	}'
}

# Flow records and events: proto src sport dst dport id.
our_ids() {
	"$RSTWATCHD" -r "$1" -j -c "$dir/test.yaml" 2>/dev/null |
	sed -n 's/^{.*"proto":"\([a-z0-9]*\)","src":"\([^"]*\)","sport":\([0-9]*\),"dst":"\([^"]*\)","dport":\([0-9]*\),.*"community_id":"\([^"]*\)"[,}].*$/\1 \2 \3 \4 \5 \6/p'
}

matched=0
mismatched=0
unseen=0
for f in "$dir"/input/*; do
	[ -f "$f" ] || continue
	tshark_ids "$f" >"$tmp/theirs" || exit 2
	our_ids "$f" >"$tmp/ours"
	if [ ! -s "$tmp/ours" ]; then
		echo "FAIL: $f: no line with a community_id"
		mismatched=$((mismatched + 1))
		continue
	fi
	while read -r proto src sport dst dport id; do
		# tshark's ID for either direction of the tuple.
		theirs=$(awk -v p="$proto" -v a="$src" -v ap="$sport" \
		    -v b="$dst" -v bp="$dport" '$1 == p &&
		    (($2 == a && $3 == ap && $4 == b && $5 == bp) ||
		     ($2 == b && $3 == bp && $4 == a && $5 == ap)) { print $6 }' \
		    "$tmp/theirs" | sort -u)
		if [ -z "$theirs" ]; then
			unseen=$((unseen + 1))
		elif [ "$theirs" = "$id" ]; then
			matched=$((matched + 1))
			case $src in
			*:*)	echo "$proto/6" ;;
			*)	echo "$proto/4" ;;
			esac >>"$tmp/kinds"
		else
			echo "FAIL: ${f##*/}: $proto $src:$sport > $dst:$dport: ours $id, tshark's" $theirs
			mismatched=$((mismatched + 1))
		fi
	done <"$tmp/ours"
done

# Each of TCP and UDP over IPv4 and IPv6 must have been compared at least once.
for k in tcp/4 tcp/6 udp/4 udp/6; do
	if ! grep -qx "$k" "$tmp/kinds" 2>/dev/null; then
		echo "FAIL: no $k flow was compared with tshark"
		mismatched=$((mismatched + 1))
	fi
done

echo "community_id: $unseen of our flows not seen by tshark"
echo "community_id: $matched passed, $mismatched failed"
[ "$mismatched" -eq 0 ]
