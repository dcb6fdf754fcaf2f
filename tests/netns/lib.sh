# What the network-namespace suites share, sourced by each (by topo.sh for
# the path suites) after it sets
#	SUITE	its name, the prefix of its last line "SUITE: N passed, M failed"
#	NEEDS	what it needs besides root and namespaces (for loud()).
# It turns on set -u, reads the one argument, the daemon under test, into
# RSTWATCHD, and sets HERE (this directory), TOP (the top of the tree),
# HELPER (helper.py), VERBOSE, the counters
# passed and failed, and pids (background commands to kill at cleanup).
# mark and wait_for read the suite's syslog capture, $syslog.  The
# two-namespace suites name theirs $cli and $srv, their scratch directory
# $dir and their daemon's pid $daemon_pid; the helpers below use those.

set -u
if [ $# -ne 1 ]; then
	echo "usage: $0 RSTWATCHD" >&2
	exit 2
fi
case $1 in
/*)	RSTWATCHD=$1 ;;
*)	RSTWATCHD=$PWD/$1 ;;
esac
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
HELPER=$HERE/helper.py
VERBOSE=${VERBOSE:-0}
passed=0
failed=0
pids=()
dir=
daemon_pid=
# The two-namespace suites' addresses, where a suite sets no others.
cli4=10.8.0.1 srv4=10.8.0.2

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

# expect_eq DESC GOT WANT: one check, that GOT is WANT.
expect_eq() {
	if [ "$2" = "$3" ]; then
		pass "$1: ${2:-nothing}"
	else
		fail "$1: \"$2\", wanted \"$3\""
	fi
}

# expect_ge DESC N MIN WHAT: one check, that there are at least MIN (N) WHAT.
expect_ge() {
	if [ "$2" -ge "$3" ]; then
		pass "$1: $2 $4"
	else
		fail "$1: $2 $4, wanted $3 or more"
	fi
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

# wait_until SECONDS CMD...: poll (every 50 ms) until CMD succeeds.
wait_until() {
	local end=$(($(now_ms) + $1 * 1000))

	shift
	until "$@"; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# wait_socket PATH WHY: poll (20 ms) up to 5 s for the socket PATH, or loud WHY.
wait_socket() {
	local end=$(($(now_ms) + 5000))

	until [ -S "$1" ]; do
		[ "$(now_ms)" -ge "$end" ] && loud "$2"
		sleep 0.02
	done
}

# wait_dad NS...: up to 5 s for the IPv6 addresses of the namespaces to
# leave duplicate address detection (link-local ones go through it even
# with nodad on the global ones; until then neighbour discovery can stall
# the first IPv6 exchange for a second).
wait_dad() {
	local end=$(($(now_ms) + 5000)) ns t

	while :; do
		t=
		for ns in "$@"; do
			t=$t$(ip -n "$ns" -6 addr show tentative)
		done
		[ -z "$t" ] || [ "$(now_ms)" -ge "$end" ] && return 0
		sleep 0.02
	done
}

# listening NS N: at least N TCP listeners in namespace NS.
listening() {
	[ "$(ip netns exec "$1" ss -Htln | wc -l)" -ge "$2" ]
}

# bg_out NS NAME CMD...: CMD in namespace NS in the background, its output
# in $dir/NAME.out, its pid in ${client_pid[NAME]}.
declare -A client_pid=()
bg_out() {
	local name=$2

	spawn ip netns exec "$1" "${@:3}" > "$dir/$name.out" 2>&1
	client_pid[$name]=$!
}

# n_cli/n_srv CMD...: CMD in the client ($cli) or server ($srv) namespace.
n_cli() { run ip netns exec "$cli" "$@"; }
n_srv() { run ip netns exec "$srv" "$@"; }

# need_daemon [FILE...]: $RSTWATCHD runs, each FILE is there, user nobody
# exists (the daemon.user of the configurations), or loud.
need_daemon() {
	local f

	[ -x "$RSTWATCHD" ] || loud "$RSTWATCHD: not an executable"
	for f in "$@"; do
		[ -r "$f" ] || loud "$f missing"
	done
	id nobody > /dev/null 2>&1 || loud "no user nobody for daemon.user"
}

# trap_cleanup [CMD]: at exit CMD (default: end_suite of $cli and $srv)
# runs; a signal is one failure, the summary line on the original standard
# output (fd 4: a signal can come while a command's output is redirected),
# then exit 1.
trap_cleanup() {
	local pair='end_suite "${cli:-}" "${srv:-}"'

	trap "${1:-$pair}" EXIT
	exec 4>&1
	trap '{ fail "interrupted by a signal"; echo "$SUITE: $passed passed, $failed failed"; } >&4
	    exit 1' INT TERM HUP
}

# scratch NAME: the scratch directory $dir, /tmp/rw-NAME.XXXXXX, mode 755,
# with its dev_dir; $conf and $syslog name the usual files in it.
scratch() {
	dir=$(mktemp -d "/tmp/rw-$1.XXXXXX") || loud "mktemp"
	chmod 755 "$dir"
	dev_dir "$dir"
	conf=$dir/rstwatch.yaml
	syslog=$dir/syslog.txt
}

# dev_dir DIR: DIR/dev, with an empty file for each device DEVNS binds.
dev_dir() {
	local d

	mkdir -m 755 "$1/dev"
	for d in null zero full random urandom; do
		: > "$1/dev/$d"
	done
}

# "${DEVNS[@]}" DIR CMD...: CMD in a private mount namespace whose /dev is
# DIR/dev (dev_dir) with the host's null, zero, full, random and urandom
# bound in, so that its /dev/log is the suite's and the host's is untouched.
DEVNS=(unshare --mount --propagation private sh -c 'set -e
	d=$1; shift
	for n in null zero full random urandom; do
		mount --bind "/dev/$n" "$d/dev/$n"
	done
	mount --rbind "$d/dev" /dev
	exec "$@"' sh)

# spawn_daemon OUT ERR ARG...: rstwatchd ARG... in $srv under DEVNS with
# $dir; standard output to OUT, standard error to ERR; pid in daemon_pid.
spawn_daemon() {
	local out=$1 err=$2

	shift 2
	spawn "${DEVNS[@]}" "$dir" ip netns exec "$srv" "$RSTWATCHD" "$@" \
	    > "$out" 2> "$err"
	daemon_pid=$!
}

# recv_syslog: helper.py's receiver on $dir/dev/log into $syslog (made
# empty first), started and waited for.
recv_syslog() {
	: > "$syslog"
	spawn "$PY" "$HELPER" recv "$dir/dev/log" "$syslog"
	wait_socket "$dir/dev/log" "the syslog receiver did not start"
}

# pair_up CLI_ADDR SRV_ADDR [down]: namespaces $cli and $srv with lo up,
# veth0 (CLI_ADDR, up) in $cli paired with veth1 (SRV_ADDR) in $srv, up
# unless "down"; loud when a namespace or the pair cannot be made.
pair_up() {
	run ip netns add "$cli" || loud "cannot create network namespace $cli"
	run ip netns add "$srv" || loud "cannot create network namespace $srv"
	run ip -n "$cli" link add veth0 type veth peer name veth1 netns "$srv" ||
	    loud "cannot create a veth pair"
	n_cli ip link set lo up
	n_srv ip link set lo up
	n_cli ip addr add "$1" dev veth0
	n_srv ip addr add "$2" dev veth1
	n_cli ip link set veth0 up
	[ "${3:-}" = down ] || n_srv ip link set veth1 up
}

# check_conf CONF: rstwatchd -t accepts CONF, or loud.
check_conf() {
	run "$RSTWATCHD" -t -c "$1" 2> "$dir/check.err" ||
	    loud "rstwatchd -t rejects the test configuration: $(cat "$dir/check.err")"
}

# The alert kinds but rst_rate; cooldown0 KIND...: "  KIND: { cooldown: 0 }"
# configuration lines, one a kind.
KINDS="syn_retransmit synack_retransmit syn_refused data_retransmit
    loss_reset app_reset rst_injected seq_anomaly icmp_unreachable capture_drop"
cooldown0() {
	local k

	for k in "$@"; do
		echo "  $k: { cooldown: 0 }"
	done
}

# conf_daemon: the daemon section of the suites' configurations.
conf_daemon() {
	printf 'daemon:\n  user: nobody\n  stats_interval: 0\n'
}

# put_conf FILE: standard input replaces FILE at once (a rename), readable
# by nobody, who reads it again on SIGHUP.
put_conf() {
	cat > "$1.new" && run chmod 644 "$1.new" && run mv "$1.new" "$1"
}

# daemon_term SECONDS: SIGTERM to $daemon_pid, then daemon_wait SECONDS.
daemon_term() {
	run kill -TERM "$daemon_pid"
	daemon_wait "$1"
}

# daemon_wait SECONDS: $daemon_pid's end, SIGKILL if it still runs SECONDS
# on; $term_rc is its exit status (or "timeout"), daemon_pid is cleared;
# true when it exited 0.
daemon_wait() {
	local end=$(($(now_ms) + $1 * 1000))

	while running "$daemon_pid"; do
		if [ "$(now_ms)" -ge "$end" ]; then
			kill -KILL "$daemon_pid" 2>/dev/null
			wait "$daemon_pid" 2>/dev/null
			daemon_pid= term_rc=timeout
			return 1
		fi
		sleep 0.02
	done
	wait "$daemon_pid"
	term_rc=$?
	daemon_pid=
	[ "$term_rc" = 0 ]
}

# stop_daemon DESC [SECONDS]: one check: the daemon exits 0 on SIGTERM
# within SECONDS (5); $term_rc as daemon_term sets it.
stop_daemon() {
	local secs=${2:-5} t0=$(now_ms)

	if daemon_term "$secs"; then
		pass "$1: exit 0 on SIGTERM after $(($(now_ms) - t0)) ms"
	elif [ "$term_rc" = timeout ]; then
		fail "$1: still running $secs s after SIGTERM"
	else
		fail "$1: exit status $term_rc after SIGTERM"
	fi
}

# stop_pid PID...: each live one continued, sent SIGTERM, SIGKILL 0.2 s on.
stop_pid() {
	local p live=()

	for p in "$@"; do
		[ -n "$p" ] && running "$p" && live+=("$p")
	done
	[ ${#live[@]} -gt 0 ] || return 0
	for p in "${live[@]}"; do
		kill -CONT "$p"
		kill -TERM "$p"
	done 2>/dev/null
	sleep 0.2
	for p in "${live[@]}"; do
		kill -KILL "$p"
	done 2>/dev/null
}

# end_suite NS...: a cleanup's work: $daemon_pid stopped, the jobs in
# $pids too, namespaces NS deleted, $dir removed unless KEEP=1 or a check
# failed.
end_suite() {
	local p

	set +e
	stop_pid "${daemon_pid:-}"
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	for p in "$@"; do
		[ -z "$p" ] || ip netns del "$p" 2>/dev/null
	done
	if [ -n "${dir:-}" ]; then
		if [ "${KEEP:-0}" = 1 ] || [ "$failed" -gt 0 ]; then
			echo "$SUITE: files kept in $dir" >&2
		else
			rm -rf "$dir"
		fi
	fi
}
