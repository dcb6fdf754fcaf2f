#!/bin/bash
# End-to-end tests of rstwatchd's outputs under faults: the real daemon,
# the real TCP stack, a real rsyslogd, syslog that is absent or stalled, a
# stopped reader of -j, a full file system, log rotation as the service
# user, and -r that must stay out of syslog.
#
#	bash tests/netns/outputs.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory)
#
#   rw-ocli-$$ (client)              rw-osrv-$$ (server)
#  +---------------------+           +---------------------------------+
#  | 10.8.0.1/24   veth0 +-----------+ veth1 10.8.0.2/24                |
#  | helper.py refusedn  |   veth    |   <-- rstwatchd -f -i veth1      |
#  |   (SYN -> RST: one  |           |   as nobody, own mount namespace |
#  |   syn_refused each) |           |   nothing listens on port 9      |
#  +---------------------+           +---------------------------------+
#   host (scratch $dir): $dir/dev is bound over /dev in each daemon's
#   private mount namespace, so $dir/dev/log is its /dev/log: rsyslogd,
#   helper.py recv, or nothing at all; $dir/notify gets sd_notify.
#
# Each alert here is a syn_refused: a connection to a closed port, from a
# source port of its own, answered by the kernel's RST.  Phases:
#  (a) rsyslogd (imuxsock on $dir/dev/log): an alert, a reload that keeps
#      the ident, another alert: rstwatchd[PID] on both (the ident used to
#      point into the freed configuration);
#  (b) no /dev/log: a start-up error is said on stderr; alerts while syslog
#      is absent are counted (alerts= counts only delivered ones), and when
#      the socket appears "N alerts could not be delivered to syslog";
#  (c) syslog reader stopped (SIGSTOP) during a burst: capture goes on
#      (every alert in the JSON file, no kernel drops), the loss is counted
#      and reported, SIGTERM while it is still stopped ends the daemon fast;
#  (d) -f -j into a pipe whose reader is stopped: the same, for stdout;
#  (e) the JSON file on a full tmpfs: never half a line, the loss reported,
#      writing resumes when space is freed;
#  (f) the JSON file created by nobody, reopened by nobody after mv and
#      SIGUSR1, and rotated by logrotate -f with the shipped logrotate file;
#  (g) -r with syslog and a JSON file configured: nothing goes to either.
# Last line: "outputs: N passed, M failed"; exit 1 when M > 0, 2 when the
# test cannot run at all (not root, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=outputs
NEEDS="unshare, nsenter, python3, rsyslogd and logrotate"
. "$(dirname "$0")/lib.sh"

cli=rw-ocli-$$ srv=rw-osrv-$$
recv_pid=
rsyslog_pid=

cleanup() {
	stop_pid "$daemon_pid" "$recv_pid" "$rsyslog_pid" "${pids[@]}"
	end_suite "$cli" "$srv"
}

# count FILE ERE: matching lines (0 when the file is missing).
count() {
	local n

	n=$(grep -Ec -e "$2" "$1" 2>/dev/null) || true
	echo "${n:-0}"
}

# wait_count FILE SECONDS ERE N: poll until N lines of FILE match.
wait_count() {
	local end=$(($(now_ms) + $2 * 1000))

	until [ "$(count "$1" "$3")" -ge "$4" ]; do
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.05
	done
}

# write_conf FILE JSON_PATH: syslog on (ident rstwatchd), every cooldown 0.
write_conf() {
	local k

	{
		echo "capture:"
		echo "  interfaces: [veth1]"
		echo "  buffer_size: 4M"
		echo "events:"
		for k in syn_retransmit synack_retransmit syn_refused \
		    data_retransmit loss_reset app_reset rst_injected \
		    seq_anomaly icmp_unreachable capture_drop; do
			echo "  $k: { cooldown: 0 }"
		done
		# Thousands of RSTs to one port: the test counts syn_refused only.
		echo "  rst_rate: { enabled: false }"
		echo "flows:"
		echo "  timeouts:"
		echo "    closed: 1"
		echo "output:"
		echo "  syslog:"
		echo "    facility: daemon"
		echo "    ident: rstwatchd"
		if [ -n "$2" ]; then
			echo "  json:"
			echo "    path: $2"
		fi
		conf_daemon
	} | put_conf "$1"
}

# start_daemon NAME TMPFS ARGS...: rstwatchd -f ARGS in the server's
# namespace and a private mount namespace whose /dev is $dir/dev (and, if
# TMPFS is a directory, a 64 KiB tmpfs mounted there, nobody's); standard
# output to $dir/NAME.out unless ARGS redirect it, stderr to NAME.err.
# Sets daemon_pid; waits for READY=1.
start_daemon() {
	local name=$1 tmpfs=$2 out=$dir/$1.out
	shift 2

	if [ "${1:-}" = "--stdout" ]; then
		out=$2
		shift 2
	fi
	: > "$dir/notify.txt"
	[ "$VERBOSE" = 1 ] && printf '[+] rstwatchd -f %s &\n' "$*" >&3
	# MALLOC_PERTURB_: glibc fills freed memory, so that a pointer into a
	# freed configuration (the lost ident) shows at once.
	env NOTIFY_SOCKET="$dir/notify" MALLOC_PERTURB_=165 \
	    unshare --mount --propagation private \
	    sh -c 'set -e
		d=$1 t=$2; shift 2
		for n in null zero full random urandom; do
			mount --bind "/dev/$n" "$d/dev/$n"
		done
		if [ "$t" != - ]; then
			mount -t tmpfs -o size=64k,mode=0755 rw-outputs "$t"
			chown nobody "$t"
		fi
		mount --rbind "$d/dev" /dev
		exec "$@"' sh "$dir" "$tmpfs" ip netns exec "$srv" "$RSTWATCHD" \
	    -f "$@" > "$out" 2> "$dir/$name.err" &
	daemon_pid=$!
	if ! wait_file "$dir/notify.txt" 10 ' READY=1$'; then
		fail "$name: the daemon did not start; its stderr:"
		sed 's/^/    /' "$dir/$name.err"
		return 1
	fi
	return 0
}

# start_recv: helper.py's datagram receiver on $dir/dev/log -> syslog.txt.
start_recv() {
	"$PY" "$HELPER" recv "$dir/dev/log" "$dir/syslog.txt" &
	recv_pid=$!
	wait_socket "$dir/dev/log" "the syslog receiver did not start"
}

stop_recv() {
	[ -n "$recv_pid" ] || return 0
	kill -CONT "$recv_pid" 2>/dev/null
	kill -TERM "$recv_pid" 2>/dev/null
	wait "$recv_pid" 2>/dev/null
	recv_pid=
	rm -f "$dir/dev/log"
}

# refused NAME SPORT N: N syn_refused alerts, from SPORT on.
refused() {
	n_cli "$PY" "$HELPER" refusedn "$srv4" 9 "$2" "$3" > "$dir/$1.client" 2>&1 ||
	    fail "$1: the client failed: $(cat "$dir/$1.client")"
}

# stat_of FILE KEY: the value of KEY= in the last "stopped:" line of FILE.
stat_of() {
	grep 'stopped: packets=' "$1" | tail -n 1 | tr ' ' '\n' |
	    sed -n "s/^$2=//p"
}

# ---------------------------------------------------------------------------

require ip unshare nsenter mount awk rsyslogd logrotate
need_daemon "$TOP/systemd/rstwatchd.logrotate"

trap_cleanup cleanup

t_start=$(now_ms)
scratch outputs
mkdir -m 755 "$dir/full"
# A directory of nobody's for the JSON files the daemon creates itself.
install -d -m 755 -o nobody "$dir/log"

pair_up "$cli4/24" "$srv4/24"
spawn "$PY" "$HELPER" recv "$dir/notify" "$dir/notify.txt"
wait_socket "$dir/notify" "the notify receiver did not start"

# ---------------------------------------------------------------------------
# (a) A real rsyslogd: the ident survives a reload.

cat > "$dir/rsyslog.conf" <<EOF
global(workDirectory="$dir")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$dir/dev/log" CreatePath="off")
template(name="rw" type="string" string="%syslogtag%%msg%\n")
*.* action(type="omfile" file="$dir/rsyslog.txt" template="rw")
EOF
rsyslogd -n -f "$dir/rsyslog.conf" -i "$dir/rsyslog.pid" > "$dir/rsyslog.err" 2>&1 &
rsyslog_pid=$!
wait_socket "$dir/dev/log" "rsyslogd did not start (see $dir/rsyslog.err)"
chmod 666 "$dir/dev/log"
write_conf "$conf" ""
if start_daemon rsyslog - -c "$conf" -i veth1; then
	pid=$daemon_pid
	refused rsyslog1 30001 1
	if wait_file "$dir/rsyslog.txt" 3 "^rstwatchd\[$pid\]: kind=syn_refused .* sport=30001 "; then
		pass "rsyslog: the alert arrives as rstwatchd[$pid]"
	else
		fail "rsyslog: no alert from rstwatchd[$pid]: $(tail -n 3 "$dir/rsyslog.txt")"
	fi
	write_conf "$conf" ""
	run kill -HUP "$daemon_pid"
	wait_file "$dir/rsyslog.txt" 3 "^rstwatchd\[$pid\]: configuration reloaded" ||
	    fail "rsyslog: no \"configuration reloaded\" from rstwatchd[$pid]"
	refused rsyslog2 30002 1
	if wait_file "$dir/rsyslog.txt" 3 "kind=syn_refused .* sport=30002 "; then
		line=$(grep "kind=syn_refused .* sport=30002 " "$dir/rsyslog.txt")
		case $line in
		"rstwatchd[$pid]: kind="*) pass "rsyslog: after the reload, still rstwatchd[$pid]" ;;
		*) fail "rsyslog: after the reload the ident is lost: $line" ;;
		esac
	else
		fail "rsyslog: no alert after the reload: $(tail -n 3 "$dir/rsyslog.txt")"
	fi
	stop_daemon rsyslog 2
fi
kill -TERM "$rsyslog_pid" 2>/dev/null
wait "$rsyslog_pid" 2>/dev/null
rsyslog_pid=
rm -f "$dir/dev/log"

# ---------------------------------------------------------------------------
# (b) No /dev/log at all.

# A start that fails (the JSON file's directory does not exist) says why
# on stderr; an interface not there yet is no failure (the daemon waits
# for it), and says so on stderr too.
write_conf "$dir/nojson.yaml" "$dir/nodir/events.jsonl"
run unshare --mount --propagation private sh -c 'set -e
	mount --bind /dev/null "$1/dev/null"
	mount --rbind "$1/dev" /dev
	exec "$2" -f -c "$3" -i lo' sh "$dir" "$RSTWATCHD" "$dir/nojson.yaml" \
    > /dev/null 2> "$dir/nojson.err"
rc=$?
if [ $rc -eq 2 ] && grep -q "$dir/nodir/events.jsonl.*cannot start" "$dir/nojson.err"; then
	pass "no syslog: a start-up failure is said on stderr: $(grep 'cannot start' "$dir/nojson.err")"
else
	fail "no syslog: exit $rc, stderr: $(cat "$dir/nojson.err")"
fi
run unshare --mount --propagation private sh -c 'set -e
	mount --bind /dev/null "$1/dev/null"
	mount --rbind "$1/dev" /dev
	exec timeout -s TERM 3 "$2" -f -c "$3" -i nosuch0' sh "$dir" "$RSTWATCHD" "$conf" \
    > /dev/null 2> "$dir/nosuch.err"
rc=$?
if grep -q 'waiting for nosuch0' "$dir/nosuch.err"; then
	pass "no syslog: waiting for a missing interface is said on stderr (exit $rc after SIGTERM)"
else
	fail "no syslog: exit $rc, stderr: $(cat "$dir/nosuch.err")"
fi

write_conf "$conf" ""
if start_daemon nolog - -c "$conf" -i veth1; then
	refused nolog 31000 5
	# The five alerts are behind us once the capture saw the last RST.
	sleep 0.5
	if grep -q 'syslog /dev/log: No such file or directory' "$dir/nolog.err"; then
		pass "no syslog: -f says on stderr that syslog cannot be reached"
	else
		fail "no syslog: nothing on stderr about syslog: $(cat "$dir/nolog.err")"
	fi
	: > "$dir/syslog.txt"
	start_recv
	if line=$(wait_file "$dir/syslog.txt" 3 ']: 5 alerts could not be delivered to syslog' &&
	    grep -m1 'could not be delivered' "$dir/syslog.txt"); then
		pass "no syslog: once the socket is there: ${line#*]: }"
	else
		fail "no syslog: no \"5 alerts could not be delivered to syslog\": $(cat "$dir/syslog.txt")"
	fi
	if grep -q '5 alerts could not be delivered to syslog' "$dir/nolog.err"; then
		pass "no syslog: the same on stderr in the foreground"
	else
		fail "no syslog: the loss is not on stderr: $(cat "$dir/nolog.err")"
	fi
	refused nolog2 31100 1
	if wait_file "$dir/syslog.txt" 3 ']: kind=syn_refused .* sport=31100 '; then
		pass "no syslog: alerts flow again"
	else
		fail "no syslog: no alert after the socket came back"
	fi
	stop_daemon nolog 2
	if wait_file "$dir/syslog.txt" 2 ']: stopped: packets='; then
		a=$(stat_of "$dir/syslog.txt" alerts)
		l=$(stat_of "$dir/syslog.txt" syslog_lost)
		if [ "$a" = 1 ] && [ "$l" = 5 ]; then
			pass "no syslog: statistics: alerts=$a (delivered) syslog_lost=$l"
		else
			fail "no syslog: statistics: alerts=$a syslog_lost=$l, wanted 1 and 5"
		fi
	else
		fail "no syslog: no statistics line"
	fi
fi
stop_recv

# ---------------------------------------------------------------------------
# (c) A stalled syslog reader during a burst.

burst=2000
write_conf "$conf" "$dir/log/stall.jsonl"
: > "$dir/syslog.txt"
start_recv
if start_daemon stall - -v -c "$conf" -i veth1; then
	run kill -STOP "$recv_pid"
	t0=$(now_ms)
	refused stall 32000 $burst
	if wait_count "$dir/log/stall.jsonl" 10 '"kind":"syn_refused"' $burst; then
		pass "stalled syslog: all $burst alerts in the JSON file ($(($(now_ms) - t0)) ms): capture went on"
	else
		fail "stalled syslog: $(count "$dir/log/stall.jsonl" '"kind":"syn_refused"') of $burst alerts in the JSON file"
	fi
	run kill -CONT "$recv_pid"
	if wait_file "$dir/syslog.txt" 5 ']: [0-9]+ alerts could not be delivered to syslog'; then
		line=$(grep -m1 -E ']: [0-9]+ alerts could not be delivered' "$dir/syslog.txt")
		pass "stalled syslog: when it reads again: ${line#*]: }"
	else
		fail "stalled syslog: no \"N alerts could not be delivered to syslog\""
	fi
	# Stopped again: SIGTERM must not wait for it.
	run kill -STOP "$recv_pid"
	refused stall2 34500 600
	sleep 0.5
	stop_daemon "stalled syslog" 2
	run kill -CONT "$recv_pid"
	d=$(stat_of "$dir/stall.err" dropped)
	l=$(stat_of "$dir/stall.err" syslog_lost)
	if [ "$d" = 0 ]; then
		pass "stalled syslog: dropped=0: no packet lost to the stall"
	else
		fail "stalled syslog: dropped=${d:-?} in: $(grep 'stopped:' "$dir/stall.err")"
	fi
	if [ -n "$l" ] && [ "$l" -gt 0 ]; then
		pass "stalled syslog: syslog_lost=$l in the statistics"
	else
		fail "stalled syslog: syslog_lost=${l:-?}"
	fi
	if grep -q '^rstwatchd: not delivered: syslog_lost=[1-9]' "$dir/stall.err"; then
		pass "stalled syslog: -f says on stderr what was not delivered"
	else
		fail "stalled syslog: no \"not delivered\" line on stderr"
	fi
fi

# ---------------------------------------------------------------------------
# (d) -f -j into a pipe whose reader is stopped.

write_conf "$conf" ""
: > "$dir/syslog.txt"
mkfifo "$dir/pipe"
cat "$dir/pipe" > "$dir/pipe.out" &
reader=$!
pids+=($reader)
if start_daemon pipe - --stdout "$dir/pipe" -j -c "$conf" -i veth1; then
	run kill -STOP "$reader"
	t0=$(now_ms)
	refused pipe 36000 $burst
	# Every alert reaches syslog, or is counted as lost there when the
	# syslog reader itself falls behind (a loaded or sanitized run):
	# judged with the statistics at stop, below.
	wait_count "$dir/syslog.txt" 10 ']: kind=syn_refused' $burst
	insyslog=$(count "$dir/syslog.txt" ']: kind=syn_refused')
	t1=$(now_ms)
	if wait_file "$dir/syslog.txt" 2 ']: standard output: the reader does not keep up'; then
		pass "stopped -j reader: said in syslog"
	else
		fail "stopped -j reader: no \"standard output: the reader does not keep up\""
	fi
	run kill -CONT "$reader"
	refused pipe2 38500 1
	if wait_file "$dir/syslog.txt" 5 ']: [0-9]+ lines could not be written to standard output'; then
		line=$(grep -m1 -E 'lines could not be written to standard output' "$dir/syslog.txt")
		pass "stopped -j reader: ${line#*]: }"
	else
		fail "stopped -j reader: no \"N lines could not be written to standard output\""
	fi
	stop_daemon "stopped -j reader" 2
	wait "$reader" 2>/dev/null
	d=$(stat_of "$dir/syslog.txt" dropped)
	l=$(stat_of "$dir/syslog.txt" stdout_lost)
	if [ "$d" = 0 ] && [ -n "$l" ] && [ "$l" -gt 0 ]; then
		pass "stopped -j reader: dropped=0 stdout_lost=$l"
	else
		fail "stopped -j reader: dropped=${d:-?} stdout_lost=${l:-?}"
	fi
	sl=$(stat_of "$dir/syslog.txt" syslog_lost)
	if [ "$insyslog" -eq "$burst" ]; then
		pass "stopped -j reader: all $burst alerts in syslog ($((t1 - t0)) ms): capture went on"
	elif [ -n "$sl" ] && [ $((insyslog + sl)) -ge "$burst" ]; then
		pass "stopped -j reader: $insyslog of $burst alerts in syslog, the rest counted (syslog_lost=$sl): capture went on"
	else
		fail "stopped -j reader: $insyslog of $burst alerts in syslog, syslog_lost=${sl:-?}"
	fi
	if out=$("$PY" "$HELPER" jsoncheck "$dir/pipe.out" 2>&1); then
		pass "stopped -j reader: what the reader got is whole JSON lines ($out)"
	else
		fail "stopped -j reader: $out"
	fi
fi

# ---------------------------------------------------------------------------
# (e) The JSON file on a full file system (a 64 KiB tmpfs in the daemon's
# mount namespace; filled and freed from inside it).

write_conf "$conf" "$dir/full/events.jsonl"
: > "$dir/syslog.txt"
if start_daemon full "$dir/full" -c "$conf" -i veth1; then
	inns() { run nsenter -t "$daemon_pid" -m "$@"; }
	refused full1 40000 3
	wait_count "$dir/syslog.txt" 3 ']: kind=syn_refused' 3 ||
	    fail "full disk: the first alerts did not come"
	sleep 0.3
	# Fill every free block: the file's last page still has room, so the
	# next lines fill it up and one of them is cut by ENOSPC.
	inns dd if=/dev/zero of="$dir/full/filler" bs=1k 2> /dev/null
	refused full2 40100 40
	if wait_file "$dir/syslog.txt" 3 "]: $dir/full/events.jsonl: No space left on device"; then
		pass "full disk: said in syslog"
	else
		fail "full disk: no \"$dir/full/events.jsonl: No space left on device\""
	fi
	sleep 1.2	# the flow records of the refused connections too
	if out=$(inns "$PY" "$HELPER" jsoncheck "$dir/full/events.jsonl" 2>&1); then
		pass "full disk: no half line in the file ($out)"
	else
		fail "full disk: $out"
	fi
	inns rm -f "$dir/full/filler"
	refused full3 40200 1
	if line=$(wait_file "$dir/syslog.txt" 3 "]: [0-9]+ lines could not be written to $dir/full/events.jsonl" &&
	    grep -m1 -E 'lines could not be written' "$dir/syslog.txt"); then
		pass "full disk: once space is back: ${line#*]: }"
	else
		fail "full disk: no \"N lines could not be written to $dir/full/events.jsonl\""
	fi
	# The file's line may follow the syslog line by a loop turn.
	resumed=no
	for _ in $(seq 30); do
		inns grep -q '"sport":40200' "$dir/full/events.jsonl" &&
		    { resumed=yes; break; }
		sleep 0.1
	done
	if [ "$resumed" = yes ]; then
		pass "full disk: writing resumed"
	else
		fail "full disk: the alert after the space came back is not in the file"
	fi
	if out=$(inns "$PY" "$HELPER" jsoncheck "$dir/full/events.jsonl" 2>&1); then
		pass "full disk: every line of the file is one JSON object ($out)"
	else
		fail "full disk: $out"
	fi
	stop_daemon "full disk" 2
	l=$(stat_of "$dir/syslog.txt" json_lost)
	if [ -n "$l" ] && [ "$l" -gt 0 ]; then
		pass "full disk: json_lost=$l in the statistics"
	else
		fail "full disk: json_lost=${l:-?}"
	fi
fi

# ---------------------------------------------------------------------------
# (f) Rotation, the daemon running as nobody: mv + SIGUSR1, then logrotate
# -f with the shipped file (its path and postrotate adapted to the test).

# A directory nobody cannot write to: the start fails, loudly, and at err.
mkdir -m 755 "$dir/rootonly"
write_conf "$conf" "$dir/rootonly/events.jsonl"
: > "$dir/syslog.txt"
run timeout 10 unshare --mount --propagation private sh -c 'set -e
	d=$1; shift
	mount --bind /dev/null "$d/dev/null"
	mount --rbind "$d/dev" /dev
	exec "$@"' sh "$dir" ip netns exec "$srv" "$RSTWATCHD" -f -c "$conf" -i veth1 \
    > /dev/null 2> "$dir/rootonly.err"
rc=$?
want="output.json.path $dir/rootonly/events.jsonl: Permission denied; cannot start"
if [ $rc -eq 2 ] && grep -qF "$want" "$dir/rootonly.err" &&
    grep -qF "<27>" "$dir/syslog.txt" && grep -qF "]: $want" "$dir/syslog.txt" &&
    [ ! -e "$dir/rootonly/events.jsonl" ]; then
	pass "rotation: a JSON file its user cannot create stops the start (exit 2, err, stderr)"
else
	fail "rotation: JSON file nobody cannot create: exit $rc, stderr: $(cat "$dir/rootonly.err"), syslog: $(grep -F 'json' "$dir/syslog.txt")"
fi

json=$dir/log/events.jsonl
write_conf "$conf" "$json"
: > "$dir/syslog.txt"
if start_daemon rotate - -c "$conf" -i veth1; then
	owner=$(stat -c %U "$json" 2>/dev/null)
	if [ "$owner" = nobody ]; then
		pass "rotation: the daemon created $json as nobody"
	else
		fail "rotation: $json is owned by ${owner:-nobody knows}, wanted nobody"
	fi
	refused rot1 42000 1
	wait_file "$json" 3 '"sport":42000' || fail "rotation: first alert not in $json"
	run mv "$json" "$json.1"
	run kill -USR1 "$daemon_pid"
	wait_file "$dir/syslog.txt" 3 "]: reopened $json" ||
	    fail "rotation: no \"reopened $json\" line: $(tail -n 3 "$dir/syslog.txt")"
	# Alert lines only: the flow record of the same connection comes when
	# the flow ends, and rightly goes to whichever file is current then.
	refused rot2 42100 1
	if wait_file "$json" 3 '"kind":"syn_refused"[^}]*"sport":42100' &&
	    [ "$(stat -c %U "$json")" = nobody ] && ! grep -Eq '"kind":"syn_refused"[^}]*"sport":42100' "$json.1"; then
		pass "rotation: after mv and SIGUSR1, a new file of nobody's gets the next alert"
	else
		fail "rotation: after mv and SIGUSR1: $(ls -l "$dir/log")"
	fi
	sed -e "s|/var/log/rstwatchd/\*\.jsonl|$dir/log/*.jsonl|" \
	    -e "s|systemctl kill .*|kill -USR1 $daemon_pid|" \
	    "$TOP/systemd/rstwatchd.logrotate" > "$dir/logrotate.conf"
	if run logrotate -f -s "$dir/logrotate.state" "$dir/logrotate.conf" > "$dir/logrotate.out" 2>&1; then
		pass "rotation: logrotate -f with the shipped file"
	else
		fail "rotation: logrotate -f: $(cat "$dir/logrotate.out")"
	fi
	# The postrotate's SIGUSR1 is handled before the next alert is sent
	# (an alert before it would rightly go on into the rotated file).
	wait_count "$dir/syslog.txt" 3 "]: reopened $json" 2 ||
	    fail "rotation: no second \"reopened\" line after logrotate"
	refused rot3 42200 1
	if wait_file "$json" 3 '"kind":"syn_refused"[^}]*"sport":42200' && [ "$(stat -c %U "$json")" = nobody ] &&
	    ! grep -Eq '"kind":"syn_refused"[^}]*"sport":42100' "$json" && grep -Eq '"kind":"syn_refused"[^}]*"sport":42100' "$json.1"; then
		pass "rotation: after logrotate, the daemon writes to a new file of nobody's"
	else
		fail "rotation: after logrotate: $(ls -l "$dir/log")"
	fi
	stop_daemon rotation 2
fi
stop_recv

# ---------------------------------------------------------------------------
# (g) -r: standard output only, though syslog and a JSON file are set.

pcap=$TOP/tests/pcap/input/syn_refused.pcap
[ -r "$pcap" ] || pcap=$(ls "$TOP"/tests/pcap/input/*.pcap | head -n 1)
write_conf "$conf" "$dir/log/offline.jsonl"
: > "$dir/syslog.txt"
start_recv
run unshare --mount --propagation private sh -c 'set -e
	mount --bind /dev/null "$1/dev/null"
	mount --rbind "$1/dev" /dev
	shift
	exec "$@"' sh "$dir" "$RSTWATCHD" -c "$conf" -r "$pcap" \
    > "$dir/offline.out" 2> "$dir/offline.err"
rc=$?
sleep 0.3
n=$(grep -c 'kind=' "$dir/offline.out")
if [ $rc -eq 0 ] && [ "$n" -gt 0 ]; then
	pass "-r: $n alerts on standard output"
else
	fail "-r: exit $rc, $n alerts on standard output: $(cat "$dir/offline.err")"
fi
if [ ! -s "$dir/syslog.txt" ]; then
	pass "-r: nothing sent to syslog"
else
	fail "-r: syslog got: $(head -n 3 "$dir/syslog.txt")"
fi
if [ ! -e "$dir/log/offline.jsonl" ]; then
	pass "-r: the configured JSON file is not written"
else
	fail "-r: the JSON file was written: $(head -n 2 "$dir/log/offline.jsonl")"
fi
stop_recv

for f in "$dir"/*.err; do
	if grep -Eq 'Sanitizer|runtime error' "$f"; then
		fail "sanitizer: reports in $f:"
		sed 's/^/    /' "$f" | head -40
	fi
done
echo "outputs: run took $(($(now_ms) - t_start)) ms"
echo "outputs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
