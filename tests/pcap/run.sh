#!/bin/sh
# Run the pcap cases of tests/pcap/TESTLIST against rstwatchd.
#
#	sh tests/pcap/run.sh RSTWATCHD MKPCAP
#
# First the fixtures: MKPCAP regenerates every capture into a scratch
# directory and each must be identical to the committed tests/pcap/input/
# (the inputs are whatever the writer makes, nothing else).  Then each case
# runs rstwatchd -r INPUT -j and its standard output must equal
# tests/pcap/expected/NAME.jsonl exactly; a missing expected file is a
# failure.  With PCAP_UPDATE=1 the actual output is written to expected/
# instead, to be reviewed file by file before it is committed.
#
# Prints one line per failure (with a diff) and, last, exactly one summary
# line "pcap: N passed, M failed"; exits nonzero if anything failed.

set -u
. "$(dirname "$0")/../lib.sh"

t_args 2 "RSTWATCHD MKPCAP" "$@"

RSTWATCHD=$(t_abspath "$1")
MKPCAP=$(t_abspath "$2")
UPDATE=${PCAP_UPDATE:-0}

t_top
dir=tests/pcap

# Packet times, not the machine's, are in the output; keep the rest stable.
t_locale

t_tmpdir pcap

# --- fixtures ---------------------------------------------------------------

fixtures_ok=1
mkdir "$tmp/gen" || exit 2
if ! "$MKPCAP" "$tmp/gen" >"$tmp/mkpcap.out" 2>&1; then
	fail "fixtures: $MKPCAP failed:"
	sed 's/^/    /' "$tmp/mkpcap.out"
	fixtures_ok=0
else
	# Every name either side: made and committed, and the same bytes.
	for b in $({ ls "$tmp/gen"; ls "$dir/input"; } | sort -u); do
		if [ ! -f "$dir/input/$b" ]; then
			echo "fixtures: $dir/input/$b is made by mkpcap but missing (run make fixtures)"
		elif [ ! -f "$tmp/gen/$b" ]; then
			echo "fixtures: $dir/input/$b is not made by mkpcap"
		elif ! cmp -s "$tmp/gen/$b" "$dir/input/$b"; then
			echo "fixtures: $dir/input/$b differs from what mkpcap writes (run make fixtures and review)"
		else
			continue
		fi
		fixtures_ok=0
	done
	if [ "$fixtures_ok" -eq 1 ]; then
		pass
	else
		fail "fixtures: $dir/input does not match $MKPCAP"
	fi
fi

# --- cases --------------------------------------------------------------------

if [ "$UPDATE" = 1 ]; then
	mkdir -p "$dir/expected" || exit 2
fi

names=" "
lineno=0
while IFS= read -r line <&3; do
	lineno=$((lineno + 1))
	line=${line%%#*}
	# Split on blanks without expanding globs in the arguments.
	set -f
	# shellcheck disable=SC2086
	set -- $line
	set +f
	[ $# -eq 0 ] && continue
	if [ $# -lt 2 ]; then
		fail "TESTLIST:$lineno: needs NAME and INPUT_FILE"
		continue
	fi
	name=$1
	input=$2
	shift 2
	case $names in
	*" $name "*)
		fail "TESTLIST:$lineno: case $name listed twice"
		continue
		;;
	esac
	names="$names$name "

	# A path with a slash is a foreign trace, relative to tests/pcap.
	case $input in
	*/*)	inpath=$dir/$input ;;
	*)	inpath=$dir/input/$input ;;
	esac
	if [ ! -f "$inpath" ]; then
		fail "$name: no input $inpath"
		continue
	fi

	# A case that names its own configuration gets only that one.
	conf="$dir/test.yaml"
	for a in "$@"; do
		case $a in
		-c*)	conf= ;;
		esac
	done

	if [ -n "$conf" ]; then
		set -- -c "$conf" "$@"
	fi
	"$RSTWATCHD" -r "$inpath" -j "$@" \
	    <"/dev/null" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne 0 ]; then
		fail "$name: rstwatchd exited $rc; stderr:"
		sed 's/^/    /' "$tmp/err"
		continue
	fi

	exp="$dir/expected/$name.jsonl"
	if [ "$UPDATE" = 1 ]; then
		if ! cp "$tmp/out" "$exp"; then
			fail "$name: cannot write $exp"
			continue
		fi
		echo "updated $exp"
		pass
		continue
	fi
	if [ ! -f "$exp" ]; then
		fail "$name: no expected output $exp (PCAP_UPDATE=1 makes it)"
		continue
	fi
	if cmp -s "$exp" "$tmp/out"; then
		pass
	else
		fail "$name: output differs from $exp:"
		diff -u "$exp" "$tmp/out"
	fi
done 3<"$dir/TESTLIST"

t_summary pcap
