#!/bin/sh
# Differential test of rstwatchd's two capture file readers.
#
#	sh tests/pcap/reader.sh RSTWATCHD
#
# "-r FILE" reads a classic pcap file on disk with rstwatchd's own block
# reader (daemon/capfile.c); "-r -" goes through libpcap (pcapng files
# excepted: both read them with our pcapng reader, which tests/pcap/
# pcapng.sh holds against tshark).  Both must give the analysis exactly
# the same packets, and stop at the same packet in a damaged file.  For every input below both
#	RSTWATCHD -vv -r FILE -j -c tests/pcap/test.yaml </dev/null
#	RSTWATCHD -vv -r - -j -c tests/pcap/test.yaml <FILE
# run and are compared: exit status, standard output byte for byte, and
# standard error once the file name, timings, the reader's name and the
# wording of a read error are taken out (what remains are the packet and
# decode counters of -v, and "stopped reading this file there" when the
# file is damaged).  -vv also says which reader ran: -r FILE must use the
# block reader for the classic files it is meant for (version 2.4, either
# byte order, micro- or nanoseconds), or the comparison would prove nothing.
#
# Inputs: the fixtures as they are; rewritten byte-swapped and with
# nanosecond time stamps (the output must then equal the original's);
# cut short at many offsets; records too long for libpcap or longer than
# the file's snapshot length; an extra BPF filter; other header versions,
# odd time stamps, and files large enough to span several of the reader's
# buffers or windows.  tests/pcap/pcapvariant.py writes the variants into a
# scratch directory.
#
# Prints one line per failure (with a short diff) and, last, exactly one
# summary line "reader: N passed, M failed"; exits nonzero if anything
# failed.

set -u
. "$(dirname "$0")/../lib.sh"

t_args 1 "RSTWATCHD" "$@"

RSTWATCHD=$(t_abspath "$1")

t_pcapdir

# The interpreter itself, not a version manager's wrapper script: it runs
# dozens of times.
if ! PYTHON=$(python3 -c 'import sys; print(sys.executable or "")' \
    2>/dev/null) || [ -z "$PYTHON" ]; then
	echo "reader: python3 is needed to write the variants" >&2
	exit 2
fi
py() {
	"$PYTHON" "$dir/pcapvariant.py" "$@"
}

t_tmpdir reader
mkdir "$tmp/v" "$tmp/keep" "$tmp/cut" || exit 2

# A few lines of difference between two files, indented.
showdiff() {
	diff -u "$1" "$2" | sed -n '3,14p' | sed 's/^/    /'
}

# Makes a variant, or counts a failure and returns nonzero.
make_variant() {
	if ! py "$@" >"$tmp/py.err" 2>&1; then
		fail "pcapvariant.py $*:"
		sed 's/^/    /' "$tmp/py.err"
		return 1
	fi
	return 0
}

# The stderr of a run without what may rightly differ between the readers:
# the file's name, timings, which reader ran, why reading stopped.
norm() {
	awk -v p="rstwatchd: $1: " -v w="$WARNING" '
	index($0, p) == 1 {
		$0 = "rstwatchd: FILE: " substr($0, length(p) + 1)
	}
	/^rstwatchd: FILE: seconds: / {
		next
	}
	index($0, "; " w) > 0 && index($0, "; " w) == length($0) - length(w) - 1 {
		print "rstwatchd: FILE: " w
		next
	}
	{
		sub(/ reader=[a-z]+$/, "")
		print
	}' "$2" >"$3"
}

# pair TAG FILE EXPECT READER [CONFIG]
# Runs both readers on FILE; outputs in $tmp/f.* (block reader, -r FILE)
# and $tmp/p.* (libpcap, -r -).  EXPECT is what libpcap does with the file:
# clean (read to the end), stop (damaged: read up to a packet, warned,
# exit status 2),
# noopen (not opened: exit status 2).  READER is the reader -r FILE must
# use: block, libpcap for what the block reader leaves to it, or any where
# handing the file to libpcap would be as good; pcapng for pcapng files,
# which both -r FILE and -r - read with our pcapng reader.
pair() {
	tag=$1
	file=$2
	expect=$3
	reader=$4
	cfg=${5:-$conf}

	"$RSTWATCHD" -vv -r "$file" -j -c "$cfg" \
	    </dev/null >"$tmp/f.out" 2>"$tmp/f.raw"
	fst=$?
	"$RSTWATCHD" -vv -r - -j -c "$cfg" \
	    <"$file" >"$tmp/p.out" 2>"$tmp/p.raw"
	pst=$?
	norm "$file" "$tmp/f.raw" "$tmp/f.err"
	norm - "$tmp/p.raw" "$tmp/p.err"

	want=0
	[ "$expect" = noopen ] || [ "$expect" = stop ] && want=2
	if [ "$fst" -eq "$want" ] && [ "$pst" -eq "$want" ]; then
		pass
	else
		fail "$tag: exit status $fst (-r FILE), $pst (-r -), want $want; stderr:"
		sed -n '1,3s/^/    FILE: /p' "$tmp/f.raw"
		sed -n '1,3s/^/    -: /p' "$tmp/p.raw"
	fi

	if ! cmp -s "$tmp/f.out" "$tmp/p.out"; then
		fail "$tag: stdout differs, -r FILE (-) vs -r - (+):"
		showdiff "$tmp/f.out" "$tmp/p.out"
	elif [ "$expect" = noopen ] && [ -s "$tmp/f.out" ]; then
		fail "$tag: output from a file that cannot be opened:"
		sed -n '1,3s/^/    /p' "$tmp/f.out"
	else
		pass
	fi

	if cmp -s "$tmp/f.err" "$tmp/p.err"; then
		pass
	else
		fail "$tag: stderr differs, -r FILE (-) vs -r - (+):"
		showdiff "$tmp/f.err" "$tmp/p.err"
	fi

	fw=0
	pw=0
	grep -F -q "$WARNING" "$tmp/f.raw" && fw=1
	grep -F -q "$WARNING" "$tmp/p.raw" && pw=1
	case $expect in
	clean)
		if [ $fw -eq 0 ] && [ $pw -eq 0 ]; then
			pass
		else
			fail "$tag: warned about a file read to its end:"
			grep -F -h "$WARNING" "$tmp/f.raw" "$tmp/p.raw" |
			    sed 's/^/    /'
		fi
		;;
	stop)
		if [ $fw -eq 1 ] && [ $pw -eq 1 ]; then
			pass
		else
			fail "$tag: \"$WARNING\" missing (-r FILE: $fw, -r -: $pw)"
		fi
		;;
	noopen)
		if [ -s "$tmp/f.raw" ] && [ -s "$tmp/p.raw" ] &&
		    [ $fw -eq 0 ] && [ $pw -eq 0 ]; then
			pass
		else
			fail "$tag: no reason given for not opening, or a read warning"
		fi
		;;
	esac

	if [ "$expect" != noopen ] && [ "$reader" != any ]; then
		preader=libpcap
		[ "$reader" = pcapng ] && preader=pcapng
		if grep -q " reader=$reader\$" "$tmp/f.raw" &&
		    grep -q " reader=$preader\$" "$tmp/p.raw"; then
			pass
		else
			fail "$tag: -r FILE must use the $reader reader, -r - $preader; got:"
			grep -h ' reader=' "$tmp/f.raw" "$tmp/p.raw" |
			    sed 's/^/    /'
		fi
	fi
	return 0
}

# Keeps the block reader's outputs of the last pair under a name.
keep() {
	cp "$tmp/f.out" "$tmp/keep/$1.out" && cp "$tmp/f.err" "$tmp/keep/$1.err"
}

# same_as TAG NAME [nowarn]: the last pair's output (block reader) equals
# what was kept as NAME; with nowarn, the read warning is left out first.
same_as() {
	if [ "${3:-}" = nowarn ]; then
		grep -v -F "$WARNING" "$tmp/f.err" >"$tmp/f.errx"
	else
		cp "$tmp/f.err" "$tmp/f.errx"
	fi
	if ! cmp -s "$tmp/keep/$2.out" "$tmp/f.out"; then
		fail "$1: stdout differs from $2 (-):"
		showdiff "$tmp/keep/$2.out" "$tmp/f.out"
	elif ! cmp -s "$tmp/keep/$2.err" "$tmp/f.errx"; then
		fail "$1: counters differ from $2 (-):"
		showdiff "$tmp/keep/$2.err" "$tmp/f.errx"
	else
		pass
	fi
}

# differs TAG NAME1 NAME2: two kept outputs must not be the same.
differs() {
	if cmp -s "$tmp/keep/$2.out" "$tmp/keep/$3.out" &&
	    cmp -s "$tmp/keep/$2.err" "$tmp/keep/$3.err"; then
		fail "$1: $2 and $3 give the same output"
	else
		pass
	fi
}

# truncations TAG FILE: FILE cut at many offsets.  A cut inside a record
# must give what the cut at that record's start gives, plus the warning.
truncations() {
	rm -rf "$tmp/cut" && mkdir "$tmp/cut" || exit 2
	if ! py cuts "$2" "$tmp/cut" >"$tmp/cuts" 2>"$tmp/py.err"; then
		fail "pcapvariant.py cuts $2:"
		sed 's/^/    /' "$tmp/py.err"
		return
	fi
	while read -r kind off path; do
		case $kind in
		header)
			pair "$1@$off (file header)" "$path" noopen block
			;;
		boundary)
			pair "$1@$off (record boundary)" "$path" clean block
			keep boundary
			;;
		rechdr|recdata)
			pair "$1@$off (inside $kind)" "$path" stop block
			same_as "$1@$off: stops at the cut record" boundary nowarn
			;;
		esac
		rm -f "$path"
	done <"$tmp/cuts"
}

# --- 1, 2: the fixtures, byte-swapped, in nanoseconds -----------------------

# Nanoseconds below the microsecond (+999) are dropped, not rounded.
for f in "$dir"/input/*.pcap; do
	[ -f "$f" ] || continue
	v=$tmp/v/$(basename "$f" .pcap)
	printf 'swap\t%s\t%s\n' "$f" "$v.swap.pcap"
	printf 'nsec\t%s\t%s\t0\n' "$f" "$v.nsec.pcap"
	printf 'nsec\t%s\t%s\t999\n' "$f" "$v.nsec999.pcap"
	printf 'swap\t%s\t%s\n' "$v.nsec999.pcap" "$v.swapnsec.pcap"
done >"$tmp/batch"
if [ ! -s "$tmp/batch" ]; then
	fail "no fixtures in $dir/input"
elif ! py batch <"$tmp/batch" >"$tmp/py.err" 2>&1; then
	fail "pcapvariant.py batch (swapped, nanosecond variants):"
	sed 's/^/    /' "$tmp/py.err"
else
	for f in "$dir"/input/*.pcap; do
		b=${f##*/}
		v=$tmp/v/${b%.pcap}
		pair "$b" "$f" clean block
		keep "$b"
		for x in "swap swapped" "nsec nanosecond" \
		    "nsec999 nanosecond+999" "swapnsec swapped nanosecond+999"; do
			pair "${x#* } $b" "$v.${x%% *}.pcap" clean block
			same_as "${x#* } $b" "$b"
		done
	done
fi

# pcapng is our pcapng reader's, whichever way it comes (tests/pcap/
# pcapng.sh holds it against tshark).
for f in "$dir"/input/*.pcapng; do
	[ -f "$f" ] || continue
	pair "${f##*/}" "$f" clean pcapng
done

# --- 3: truncations ---------------------------------------------------------

for b in data_loss_reset.pcap syn_refused.pcap app_reset.pcap; do
	truncations "$b" "$dir/input/$b"
done
truncations "swapped app_reset.pcap" "$tmp/v/app_reset.swap.pcap"
truncations "nanosecond syn_refused.pcap" "$tmp/v/syn_refused.nsec999.pcap"

# --- 4: records too long ----------------------------------------------------

v=$tmp/v/dlr
f=$dir/input/data_loss_reset.pcap
# What comes before record 3, where the damaged files below stop.
make_variant cut "$f" "$v.upto3.pcap" "$(py offsets "$f" |
    awk '$1 == "boundary" { n++ } n == 4 && !done { print $2; done = 1 }')" &&
    pair "cut before record 3" "$v.upto3.pcap" clean block &&
    keep upto3
# Record 3 claims 300000 captured bytes; the file goes on with the rest.
make_variant setcaplen "$f" "$v.claim.pcap" 3 300000 &&
    pair "record 3 claims caplen 300000" "$v.claim.pcap" stop block &&
    same_as "record 3 claims caplen 300000: stops there" upto3 nowarn
# Whole records of 300000, 262145 and 262144 bytes before record 3.
for n in 300000 262145; do
	make_variant insert "$f" "$v.ins$n.pcap" 3 $n &&
	    pair "record of $n bytes" "$v.ins$n.pcap" stop block &&
	    same_as "record of $n bytes: stops there" upto3 nowarn
done
make_variant insert "$f" "$v.ins262144.pcap" 3 262144 &&
    pair "record of 262144 bytes" "$v.ins262144.pcap" clean block
make_variant swap "$v.ins300000.pcap" "$v.ins300000.swap.pcap" &&
    pair "swapped, record of 300000 bytes" "$v.ins300000.swap.pcap" stop block
# A snapshot length of 0, or above 262144, means 262144 to both.
for n in 0 300000; do
	make_variant snaplen "$v.ins262144.pcap" "$v.snap$n.pcap" $n 0 &&
	    pair "snaplen $n, record of 262144 bytes" "$v.snap$n.pcap" clean block
	make_variant snaplen "$v.ins262145.pcap" "$v.snap$n.big.pcap" $n 0 &&
	    pair "snaplen $n, record of 262145 bytes" "$v.snap$n.big.pcap" stop block
done
# Link types whose packets libpcap takes larger than 262144 bytes: 249
# (USBPCAP, up to 1 MiB), 231 (D-Bus, up to 128 MiB).  rstwatchd counts
# and skips their packets.
for lt in 249 231; do
	make_variant linktype "$v.ins300000.pcap" "$v.lt$lt.pcap" $lt &&
	    pair "link type $lt, record of 300000 bytes" "$v.lt$lt.pcap" clean any
	make_variant snaplen "$v.lt$lt.pcap" "$v.lt$lt.snap0.pcap" 0 0 &&
	    pair "link type $lt, snaplen 0, record of 300000 bytes" \
	    "$v.lt$lt.snap0.pcap" clean any
done

# Records longer than the snapshot length are cut to it, the same way by
# both.  Cut to 40 or 1 byte, the TCP header goes: that must show (it must
# not be a no-op on both sides); at 60 only TCP options and data go.
for b in app_reset.pcap syn_refused.pcap malformed_mix.pcap; do
	v=$tmp/v/${b%.pcap}
	make_variant snaplen "$dir/input/$b" "$v.pad100.pcap" 262144 100 &&
	    pair "$b padded to 100" "$v.pad100.pcap" clean block &&
	    keep "$b.pad100"
	for n in 60 40 1; do
		make_variant snaplen "$dir/input/$b" "$v.snap$n.pcap" $n 100 ||
		    continue
		if [ "$(py count "$v.snap$n.pcap" $n)" -gt 0 ]; then
			pass
		else
			fail "$b snaplen $n: no record above the snapshot length"
		fi
		pair "$b snaplen $n, records of 100" "$v.snap$n.pcap" clean block
		keep "$b.snap$n"
		[ "$n" -eq 60 ] ||
		    differs "$b snaplen $n: records cut" "$b.pad100" "$b.snap$n"
	done
done
make_variant swap "$tmp/v/app_reset.snap60.pcap" "$tmp/v/app_reset.snap60.swap.pcap" &&
    pair "swapped app_reset.pcap snaplen 60" "$tmp/v/app_reset.snap60.swap.pcap" clean block &&
    same_as "swapped app_reset.pcap snaplen 60" app_reset.pcap.snap60
truncations "app_reset.pcap snaplen 60" "$tmp/v/app_reset.snap60.pcap"

# --- 5: an extra BPF filter -------------------------------------------------

fconf=$tmp/filter.yaml
# test.yaml plus the filter; test.yaml is "{}" when it sets nothing.
if grep -v '^[[:space:]]*#' "$conf" | grep -q '^capture:'; then
	fail "filter: $conf has a capture section; cannot add the filter to it"
	fconf=
elif [ "$(grep -v '^[[:space:]]*#' "$conf" | tr -d ' \t\n')" = "{}" ]; then
	grep '^[[:space:]]*#' "$conf" >"$fconf"
	echo 'capture: { filter: "tcp port 81" }' >>"$fconf"
else
	cp "$conf" "$fconf"
	echo 'capture: { filter: "tcp port 81" }' >>"$fconf"
fi
if [ -n "$fconf" ]; then
	# As root, -t also wants daemon.user to exist: take one that does.
	cp "$fconf" "$tmp/filter-t.yaml"
	echo 'daemon: { user: nobody }' >>"$tmp/filter-t.yaml"
	if "$RSTWATCHD" -t -c "$tmp/filter-t.yaml" >"$tmp/t.out" 2>&1; then
		pass
	else
		fail "filter: rstwatchd -t rejects the configuration:"
		sed 's/^/    /' "$tmp/t.out"
	fi
	changed=
	for b in syn_refused.pcap app_reset.pcap data_loss_reset.pcap \
	    ipv6_refused.pcap; do
		pair "filter tcp port 81, $b" "$dir/input/$b" clean block "$fconf"
		keep "$b.port81"
		cmp -s "$tmp/keep/$b.out" "$tmp/f.out" || changed="$changed $b"
	done
	# syn_refused is all port 81: the filter keeps it whole.
	if [ -s "$tmp/keep/syn_refused.pcap.port81.out" ] &&
	    cmp -s "$tmp/keep/syn_refused.pcap.out" \
	    "$tmp/keep/syn_refused.pcap.port81.out"; then
		pass
	else
		fail "filter tcp port 81: syn_refused.pcap (all port 81) not kept whole"
	fi
	if [ -n "$changed" ]; then
		pass
	else
		fail "filter tcp port 81: no output changed, the filter does not apply"
	fi
	pair "filter tcp port 81, swapped syn_refused.pcap" \
	    "$tmp/v/syn_refused.swap.pcap" clean block "$fconf"
	pair "filter tcp port 81, app_reset.pcap snaplen 60" \
	    "$tmp/v/app_reset.snap60.pcap" clean block "$fconf"
	pair "filter tcp port 81, record of 300000 bytes" \
	    "$tmp/v/dlr.ins300000.pcap" stop block "$fconf"
fi

# --- more: header versions, odd time stamps, large files --------------------

# Before version 2.3 a record gave the length on the wire first; 2.3 files
# were written both ways (libpcap swaps the two when the captured length
# is the larger); 543.0 is DG/UX's.  headers_only.pcap has records whose
# captured length (128) is below the wire length, so the order shows.
f=$dir/input/headers_only.pcap
v=$tmp/v/headers_only
for ver in "2 0" "2 2" "2 3 0" "2 3 1" "543 0"; do
	# shellcheck disable=SC2086
	set -- $ver
	vf=$v.v$1.$2.${3:-x}
	make_variant version "$f" "$vf.pcap" "$@" &&
	    pair "headers_only.pcap as version $*" "$vf.pcap" clean any &&
	    same_as "headers_only.pcap as version $*" headers_only.pcap
	make_variant version "$v.swap.pcap" "$vf.swap.pcap" "$@" &&
	    pair "swapped headers_only.pcap as version $*" "$vf.swap.pcap" \
	    clean any &&
	    same_as "swapped headers_only.pcap as version $*" headers_only.pcap
done

# The patched format of magic a1b2cd34, either byte order.
f=$dir/input/app_reset.pcap
v=$tmp/v/app_reset
make_variant kuznetzov "$f" "$v.kuz.pcap" &&
    pair "app_reset.pcap in the patched format" "$v.kuz.pcap" clean any &&
    same_as "app_reset.pcap in the patched format" app_reset.pcap
make_variant kuznetzov "$v.swap.pcap" "$v.kuz.swap.pcap" &&
    pair "swapped app_reset.pcap in the patched format" "$v.kuz.swap.pcap" \
    clean any &&
    same_as "swapped app_reset.pcap in the patched format" app_reset.pcap

# What cannot be read at an offset is libpcap's even when named: a pipe.
# A regular file named otherwise than "-" is the block reader's.
# read_as DESC PATH READER STDIN: app_reset.pcap ($f) named PATH, standard
# input STDIN: -vv says READER read it, and the output is the file's.
writer=
read_as() {
	"$RSTWATCHD" -vv -r "$2" -j -c "$conf" \
	    <"$4" >"$tmp/f.out" 2>"$tmp/f.raw"
	fst=$?
	# A pipe's writer waits for a reader forever if rstwatchd never
	# opened it.
	if [ -n "$writer" ]; then
		kill "$writer" 2>/dev/null
		wait "$writer" 2>/dev/null
		writer=
	fi
	norm "$2" "$tmp/f.raw" "$tmp/f.err"
	if [ "$fst" -eq 0 ] && grep -q " reader=$3\$" "$tmp/f.raw"; then
		pass
	else
		fail "$1: exit status $fst, or not read by the $3 reader:"
		sed -n '1,3s/^/    /p' "$tmp/f.raw"
	fi
	same_as "$1" app_reset.pcap
}
if mkfifo "$tmp/fifo" 2>/dev/null; then
	cat "$f" >"$tmp/fifo" &
	writer=$!
	read_as "app_reset.pcap through a named pipe" "$tmp/fifo" libpcap /dev/null
fi
if [ -r /dev/stdin ]; then
	read_as "app_reset.pcap as /dev/stdin" /dev/stdin block "$f"
fi

# Seconds and fractions at the edges of their signed 32-bit fields.
for b in app_reset.pcap data_loss_reset.pcap syn_retransmit.pcap; do
	v=$tmp/v/${b%.pcap}
	make_variant times "$dir/input/$b" "$v.times.pcap" &&
	    pair "$b, odd time stamps" "$v.times.pcap" clean block
	make_variant times "$v.swap.pcap" "$v.swap.times.pcap" &&
	    pair "swapped $b, odd time stamps" "$v.swap.times.pcap" clean block
	make_variant times "$v.nsec.pcap" "$v.nsec.times.pcap" &&
	    pair "nanosecond $b, odd time stamps" "$v.nsec.times.pcap" clean block
	make_variant times "$v.swapnsec.pcap" "$v.swapnsec.times.pcap" &&
	    pair "swapped nanosecond $b, odd time stamps" \
	    "$v.swapnsec.times.pcap" clean block
done

# Files of tens of MiB: records of 100000 to 262144 bytes, and small
# records by the hundred thousand, so that records span the ends of the
# reader's buffers or windows (whatever their size, a power of two).
v=$tmp/v/big
# cut_around TAG FILE: cuts at the records that span 1, 2, 4, ... MiB.
cut_around() {
	if ! py spread "$2" 1048576 >"$tmp/offs" 2>"$tmp/py.err"; then
		fail "pcapvariant.py spread $2:"
		sed 's/^/    /' "$tmp/py.err"
		return
	fi
	while read -r kind off; do
		dd if="$2" of="$v.cut.pcap" bs="$off" count=1 2>/dev/null ||
		    exit 2
		case $kind in
		boundary)
			pair "$1@$off (record boundary)" "$v.cut.pcap" clean block
			keep boundary
			;;
		*)
			pair "$1@$off (inside $kind)" "$v.cut.pcap" stop block
			same_as "$1@$off: stops at the cut record" boundary nowarn
			;;
		esac
	done <"$tmp/offs"
	rm -f "$v.cut.pcap"
}
make_variant pad "$dir/input/zero_window.pcap" "$v.pad1.pcap" 100000 7919 &&
    make_variant repeat "$v.pad1.pcap" "$v.pad.pcap" 5 1000 &&
    pair "zero_window.pcap padded, 5 times" "$v.pad.pcap" clean block &&
    cut_around "zero_window.pcap padded, 5 times" "$v.pad.pcap"
make_variant repeat "$dir/input/data_loss_reset.pcap" "$v.rep.pcap" 12000 1000 &&
    pair "data_loss_reset.pcap 12000 times" "$v.rep.pcap" clean block &&
    cut_around "data_loss_reset.pcap 12000 times" "$v.rep.pcap"
make_variant repeat "$dir/input/clean_close.pcap" "$v.rep2.pcap" 5000 1000 &&
    make_variant swap "$v.rep2.pcap" "$v.rep2.swap.pcap" &&
    make_variant nsec "$v.rep2.swap.pcap" "$v.rep2.swapnsec.pcap" 0 &&
    pair "swapped nanosecond clean_close.pcap 5000 times" \
    "$v.rep2.swapnsec.pcap" clean block
rm -f "$v".*

t_summary reader
