# What the network-namespace suites share, sourced by each after it sets
#	SUITE	its name, the prefix of its last line "SUITE: N passed, M failed"
#	NEEDS	what it needs besides root and namespaces (for loud()).
# It reads the one argument, the daemon under test, into RSTWATCHD, and
# sets HERE (this directory), HELPER (helper.py), VERBOSE, the counters
# passed and failed, and pids (background commands to kill at cleanup).
# mark and wait_for read the suite's syslog capture, $syslog.

if [ $# -ne 1 ]; then
	echo "usage: $0 RSTWATCHD" >&2
	exit 2
fi
case $1 in
/*)	RSTWATCHD=$1 ;;
*)	RSTWATCHD=$PWD/$1 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
HELPER=$HERE/helper.py
VERBOSE=${VERBOSE:-0}
passed=0
failed=0
pids=()

# The machine cannot run the suite: said in a box, counted, exit 2.
loud() {
	failed=$((failed + 1))
	{
		echo "##################################################################"
		echo "# $SUITE: CANNOT RUN: $*"
		echo "# These end-to-end tests need root, network namespaces and"
		echo "# ${NEEDS:-ip and unshare}.  They are not skipped: fix the"
		echo "# machine (make deps as root)."
		echo "##################################################################"
	} >&2
	echo "$SUITE: $passed passed, $failed failed"
	exit 2
}

# Echo a command (VERBOSE=1) on the original standard error (fd 3, so
# that redirections of the command do not swallow it), then run it.
exec 3>&2
run() {
	[ "$VERBOSE" = 1 ] && printf '[+] %s\n' "$*" >&3
	"$@"
}

# Run a command in the background; its pid is in $!, recorded for cleanup.
spawn() {
	[ "$VERBOSE" = 1 ] && printf '[+] %s &\n' "$*" >&3
	"$@" &
	pids+=($!)
}

pass() {
	passed=$((passed + 1))
	printf 'ok   %s\n' "$*"
}

fail() {
	failed=$((failed + 1))
	printf 'FAIL %s\n' "$*"
}

# Is process $1 alive (and not a zombie)?
running() {
	local st

	st=$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null) && [ "$st" != Z ]
}

# Milliseconds on the wall clock.
now_ms() {
	local t=${EPOCHREALTIME/./}

	echo $((t / 1000))
}

# require TOOL...: root, bash 5, each tool, and python3 (into PY), or the
# suite cannot run (loud, exit 2).
require() {
	local t

	[ "$(id -u)" = 0 ] || loud "must run as root (uid is $(id -u))"
	[ -n "${EPOCHREALTIME:-}" ] || loud "bash 5 or later needed (EPOCHREALTIME)"
	for t in "$@"; do
		command -v "$t" > /dev/null || loud "$t not found (make deps)"
	done
	PY=$(command -v "${PYTHON:-python3}") || loud "python3 not found"
}

# The suite's syslog capture ($syslog), read by line number: mark prints
# how many lines it has so far, and later searches look after that mark.
mark() {
	wc -l < "$syslog"
}

# wait_for MARK SECONDS STRING: poll (every 20 ms) for the first syslog line
# after MARK that contains STRING; print it.
wait_for() {
	local m=$1 end=$(($(now_ms) + $2 * 1000)) s=$3 line

	while :; do
		line=$(tail -n +"$((m + 1))" "$syslog" | grep -F -m1 -e "$s") &&
		    { printf '%s\n' "$line"; return 0; }
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# wait_file FILE SECONDS ERE: poll (every 20 ms) until a line of FILE
# matches.
wait_file() {
	local end=$(($(now_ms) + $2 * 1000))

	until grep -Eq -e "$3" "$1" 2>/dev/null; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}

# wait_pid PID SECONDS: wait for a background job, at most SECONDS.
wait_pid() {
	local end=$(($(now_ms) + $2 * 1000))

	while running "$1"; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
	wait "$1" 2>/dev/null
	return 0
}
