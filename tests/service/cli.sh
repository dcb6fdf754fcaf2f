#!/bin/sh
# The command line and start-up as an administrator meets them: usage and
# exit statuses (SPEC section 3: 0, 1 bad configuration, 2 run time, 64
# usage), the trailing filter expression, -K against the manual, the -r
# summary, what -t catches; then, as root, the daemon itself: the pidfile
# lock, symlinked or unsafe pidfiles, the privilege drop (/proc/PID/status),
# signals in the first instant, inherited descriptors, a reload while the
# default file is missing, a configuration that is a FIFO.
#
# usage: cli.sh RSTWATCHD [user]   (user: only what needs no root)
# Last line: "cli: N passed, M failed".  The root part needs root (ip netns,
# mount namespaces, users); without it this says so loudly and fails.
set -u
. "$(dirname "$0")/../lib.sh"
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
top=$(cd "$(dirname "$0")/../.." && pwd)
in=$top/tests/pcap/input
tmp=$(mktemp -d /tmp/rw-cli.XXXXXX) || exit 2
chmod 755 "$tmp"
ns=rwcli$$
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	# Daemons that detached (their command line names our scratch
	# directory) or that a failed step left behind.
	for d in /proc/[0-9]*; do
		grep -q -F "$tmp" "$d/cmdline" 2>/dev/null && kill -KILL "${d#/proc/}" 2>/dev/null
	done
	[ -s "$tmp/reload.pid" ] && kill -KILL "$(cat "$tmp/reload.pid")" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
# check NAME CONDITION...: pass or fail on a command's status.
check() {
	name=$1
	shift
	if "$@"; then pass; else fail "$name"; fi
}
# run WANT NAME CMD...: the command's exit status must be WANT; its stdout
# and stderr are left in $tmp/out and $tmp/err.
run() {
	want=$1
	name=$2
	shift 2
	"$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	rc=$?
	if [ "$rc" = "$want" ]; then
		pass
	else
		fail "$name: exit $rc, want $want; stderr: $(head -c 600 "$tmp/err")"
	fi
}
# conf_t WANT NAME FILE FORMAT [ARG...]: printf FORMAT ARG... into FILE,
# then rstwatchd -t -c FILE must exit WANT (as run says).
conf_t() {
	want_t=$1
	name_t=$2
	file_t=$3
	shift 3
	# shellcheck disable=SC2059
	printf "$@" > "$file_t"
	run "$want_t" "$name_t" "$bin" -t -c "$file_t"
}
has() { grep -q -e "$2" "$1"; }
hasnt() { ! grep -q -e "$2" "$1"; }
lines() { [ "$(wc -l < "$1")" -eq "$2" ]; }

conf=$tmp/test.yaml
echo "{}" > "$conf"

# --- Usage ------------------------------------------------------------------
run 0 "-h" "$bin" -h
cp "$tmp/out" "$tmp/help"
check "-h on stdout, nothing on stderr" test -s "$tmp/help" -a ! -s "$tmp/err"
for f in c f h i j K r t V v; do
	check "-h: one line for -$f" grep -q "^  -$f" "$tmp/help"
done
check "-h: the expression" grep -q "^  expression" "$tmp/help"
check "-h: the exit statuses" grep -q "64" "$tmp/help"
run 0 "--help" "$bin" --help
check "--help is -h" cmp -s "$tmp/out" "$tmp/help"
run 0 "--version" "$bin" --version
check "--version prints the version" grep -q '^rstwatchd [0-9][0-9.]*$' "$tmp/out"
run 64 "unknown option" "$bin" -x
check "unknown option: reason, then usage" has "$tmp/err" "invalid option"
run 64 "missing argument" "$bin" -c
run 64 "-i with -r" "$bin" -i lo -r "$in/syn_refused.pcap"
check "-i with -r: says why" has "$tmp/err" "-i and -r cannot be used together"
check "-i with -r: no output" test ! -s "$tmp/out"
run 64 "-i bad/name" "$bin" -i a/b -r "$in/syn_refused.pcap"
run 64 "-i name too long" "$bin" -t -c "$conf" -i abcdefghijklmnop

# --- -K and the manual ------------------------------------------------------
run 0 "-K" "$bin" -K
kinds=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\),.*SEV_\([A-Z]*\).*/\1 \2/p' "$top/lib/event.h" |
    tr 'A-Z' 'a-z')
check "-K: one line per kind" [ "$(wc -l < "$tmp/out")" -eq "$(echo "$kinds" | wc -l)" ]
echo "$kinds" | while read -r k sev; do
	awk -v k="$k" -v s="$sev" '$1 == k && $2 == s && NF > 3 { f = 1 } END { exit !f }' "$tmp/out" ||
	    echo "$k $sev"
done > "$tmp/kmiss"
check "-K: every kind with its default severity and a meaning: $(cat "$tmp/kmiss")" test ! -s "$tmp/kmiss"
# The manual's EVENTS list names the same kinds, no more, no fewer.
sed -n '/^\.Sh EVENTS/,/^\.Sh /p' "$top/man/rstwatchd.8" |
    sed -n 's/^\.It Cm \([a-z_]*\)$/\1/p' | sort > "$tmp/man.kinds"
awk '{ print $1 }' "$tmp/out" | sort > "$tmp/k.kinds"
check "-K and rstwatchd(8) EVENTS list the same kinds: $(diff "$tmp/k.kinds" "$tmp/man.kinds" | tr '\n' ' ')" \
    cmp -s "$tmp/k.kinds" "$tmp/man.kinds"

# --- The trailing expression ------------------------------------------------
run 0 "-r without expression" "$bin" -r "$in/syn_refused.pcap" -c "$conf"
check "-r: the refused connection" has "$tmp/out" "kind=syn_refused"
cp "$tmp/out" "$tmp/all"
run 0 "-r 'host 10.0.0.2'" "$bin" -r "$in/syn_refused.pcap" -c "$conf" 'host 10.0.0.2'
check "expression matching: same alerts" cmp -s "$tmp/out" "$tmp/all"
run 0 "-r host 10.9.9.9 (two words)" "$bin" -r "$in/syn_refused.pcap" -c "$conf" host 10.9.9.9
check "expression not matching: no alert" test ! -s "$tmp/out"
run 0 "-r tcp port 81 (three words)" "$bin" -r "$in/syn_refused.pcap" -c "$conf" tcp port 81
check "three words joined: same alerts" cmp -s "$tmp/out" "$tmp/all"
# And-ed with capture.filter: each alone matches, together nothing.
printf 'capture: { filter: "port 81" }\n' > "$tmp/f81.yaml"
run 0 "capture.filter alone" "$bin" -r "$in/syn_refused.pcap" -c "$tmp/f81.yaml"
check "capture.filter port 81: the alert" cmp -s "$tmp/out" "$tmp/all"
run 0 "capture.filter and expression" "$bin" -r "$in/syn_refused.pcap" -c "$tmp/f81.yaml" 'port 82'
check "port 81 and port 82: nothing" test ! -s "$tmp/out"
# Compiled alone first: no escaping the parentheses.
run 64 "expression 'tcp) or (arp'" "$bin" -r "$in/syn_refused.pcap" -c "$conf" 'tcp) or (arp'
check "bad expression: libpcap's reason" has "$tmp/err" 'expression "tcp) or (arp"'
check "bad expression: no alert" test ! -s "$tmp/out"
run 64 "bad expression with -t" "$bin" -t -c "$conf" 'port'
printf 'capture: { filter: "tcp) or (arp" }\n' > "$tmp/esc.yaml"
run 1 "capture.filter 'tcp) or (arp' (-r)" "$bin" -r "$in/syn_refused.pcap" -c "$tmp/esc.yaml"
check "escaping capture.filter named" has "$tmp/err" 'capture.filter "tcp) or (arp"'
run 1 "capture.filter 'tcp) or (arp' (-t)" "$bin" -t -c "$tmp/esc.yaml"
check "-t: escaping capture.filter, no OK" hasnt "$tmp/err" "configuration OK"

# --- -r: damage and the summary ---------------------------------------------
head -c 1000 "$in/data_loss_reset.pcap" > "$tmp/cut.pcap"
run 2 "-r a cut file" "$bin" -j -r "$tmp/cut.pcap" -c "$conf"
check "cut file: what was read is reported" has "$tmp/out" '"type":"flow".*"dport":5432'

check "cut file: says where it stopped" has "$tmp/err" "stopped reading this file there"
run 2 "-r a cut file, then a whole one" "$bin" -r "$tmp/cut.pcap" -r "$in/syn_refused.pcap" -c "$conf"
check "cut file first: the next file is still read" has "$tmp/out" "kind=syn_refused"
run 0 "-v -r a clean trace" "$bin" -v -r "$in/clean_close.pcap" -c "$conf"
check "summary: packets and flows" has "$tmp/err" "summary: 12 packets, 1 flows"
check "summary: no incident found" has "$tmp/err" "summary: no incident found"
check "summary: stdout untouched" test ! -s "$tmp/out"
run 0 "-v -r refused" "$bin" -v -r "$in/syn_refused.pcap" -c "$conf"
check "summary: count per kind" has "$tmp/err" "summary: syn_refused=1$"
check "summary: no 'no incident' when there was one" hasnt "$tmp/err" "no incident"
run 0 "-v -r malformed" "$bin" -v -r "$in/malformed_mix.pcap" -c "$conf"
check "summary: what was not understood, by name" has "$tmp/err" "summary: not understood: [a-z0-9_]*=[1-9]"
run 0 "-r without -v, stderr not a terminal" "$bin" -r "$in/clean_close.pcap" -c "$conf"
check "no summary when not asked" hasnt "$tmp/err" "summary"
if command -v script > /dev/null; then
	script -qec "$bin -r $in/clean_close.pcap -c $conf" /dev/null > "$tmp/tty" 2>&1
	check "summary when stderr is a terminal" grep -q "no incident found" "$tmp/tty"
else
	fail "script(1) not found (util-linux): cannot test the terminal summary"
fi

# --- -t ---------------------------------------------------------------------
run 1 "-t -c missing" "$bin" -t -c "$tmp/missing.yaml"
check "-t -c missing: no OK" hasnt "$tmp/err" "configuration OK"
check "-t -c missing: says so" has "$tmp/err" "missing.yaml: No such file"
mkfifo "$tmp/fifo.yaml"
run 1 "-t on a FIFO (must not hang)" timeout 10 "$bin" -t -c "$tmp/fifo.yaml"
check "-t on a FIFO: not a regular file" has "$tmp/err" "not a regular file"
run 1 "-t on a directory" "$bin" -t -c "$tmp"
conf_t 1 "-t snaplen 100" "$tmp/snap.yaml" 'capture:\n  interfaces: [eth0]\n  snaplen: 100\n'
check "snaplen: file:line:col and the kinds lost" has "$tmp/err" "snap.yaml:3:12: capture.snaplen: 100 bytes are too few for icmp_unreachable over IPv6 (110)"
conf_t 1 "-t ident with U+202E" "$tmp/bidi.yaml" 'output:\n  syslog:\n    ident: "rst\342\200\256dctawsr"\n'
check "ident: bidirectional override refused" has "$tmp/err" "bidi.yaml:3:12: .*bidirectional"
user=$(id -un)
[ "$(id -u)" = 0 ] && user=nobody
conf_t 0 "-t with an interface not there now" "$tmp/if.yaml" 'capture: { interfaces: [nosuch%s] }\ndaemon: { user: %s }\n' "$$" "$user"
check "-t: a note for a missing interface" has "$tmp/err" "note: interface nosuch$$ does not exist now"
check "-t: OK all the same" has "$tmp/err" "if.yaml: configuration OK"
conf_t 1 "-t JSON directory missing" "$tmp/j1.yaml" 'output: { json: { path: %s/nodir/events.jsonl } }\ndaemon: { user: %s }\n' "$tmp" "$user"
check "-t: JSON directory missing named" has "$tmp/err" "output.json.path: directory $tmp/nodir: No such file"
mkdir -m 755 "$tmp/ro"
printf 'output: { json: { path: %s/ro/events.jsonl } }\ndaemon: { user: %s }\n' "$tmp" "$user" > "$tmp/j2.yaml"
if [ "$(id -u)" = 0 ]; then
	# root's 0755 directory: the daemon, as nobody, could never create the file.
	run 1 "-t JSON directory not writable by daemon.user" "$bin" -t -c "$tmp/j2.yaml"
	check "-t: names the user" has "$tmp/err" "nobody cannot create files in $tmp/ro"
	chown nobody "$tmp/ro"
	run 0 "-t JSON directory of daemon.user" "$bin" -t -c "$tmp/j2.yaml"
	conf_t 1 "-t daemon.user missing" "$tmp/u.yaml" 'daemon: { user: nosuchuser%s }\n' "$$"
	check "-t: missing user named" has "$tmp/err" "daemon.user: user \"nosuchuser$$\" does not exist"
	conf_t 0 "-t daemon.user empty" "$tmp/root.yaml" 'daemon: { user: "" }\n'
	check "-t: warns it would stay root" has "$tmp/err" "warning: daemon.user is \"\": the daemon would go on running as root"
	conf_t 0 "-t daemon.user root" "$tmp/root2.yaml" 'daemon: { user: root }\n'
	check "-t: warns for root too" has "$tmp/err" "would go on running as root"
else
	chmod 555 "$tmp/ro"
	run 1 "-t JSON directory not writable" "$bin" -t -c "$tmp/j2.yaml"
fi

# --- As root: the daemon itself ---------------------------------------------
# "cli.sh BIN user" (make check-service) stops here; make check-root runs
# the whole script.
if [ "${2:-}" = user ]; then
	t_summary cli
	exit
fi
if [ "$(id -u)" != 0 ]; then
	echo "cli: NOT ROOT: the daemon's start-up tests (pidfile lock, privilege drop, signals, reload) were NOT run; run as root (sudo make check-root)" >&2
	fail "not root"
	echo "cli: $passed passed, $failed failed"
	exit 2
fi
for t in ip unshare mount timeout; do
	command -v "$t" > /dev/null || { fail "$t not found"; }
done
id nobody > /dev/null 2>&1 || fail "no user nobody"
ip netns add "$ns" || fail "ip netns add"
ip -n "$ns" link set lo up

# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	n=$(($1 * 50))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.02
		n=$((n - 1))
	done
	return 1
}
alive() { kill -0 "$1" 2>/dev/null; }
dead() { ! kill -0 "$1" 2>/dev/null; }
# daemon.yaml: capture on lo of the test's namespace, as nobody.
dconf() {
	printf 'capture: { interfaces: [lo], buffer_size: %s }\n' "${2:-1M}"
	printf 'daemon: { user: %s, pidfile: %s, stats_interval: 0 }\n' "${3:-nobody}" "$1"
}
# (Not for background jobs: "inns ... &" would be a subshell's PID.)
inns() { ip netns exec "$ns" "$@"; }

# The pidfile: a lock, the running PID named, removed at stop as nobody.
dconf "$tmp/run/rw.pid" > "$tmp/d.yaml"
run 0 "daemon starts (detached)" inns "$bin" -c "$tmp/d.yaml"
if wait_for 5 test -s "$tmp/run/rw.pid"; then
	pid1=$(cat "$tmp/run/rw.pid")
	pids="$pids $pid1"
	check "pidfile names the running daemon" alive "$pid1"
	check "pidfile directory made for daemon.user" [ "$(stat -c %U:%a "$tmp/run")" = nobody:755 ]
	run 2 "second daemon refused" inns "$bin" -c "$tmp/d.yaml"
	check "second daemon: names the running PID" has "$tmp/err" "already running as PID $pid1"
	check "second daemon: the pidfile still holds the first" [ "$(cat "$tmp/run/rw.pid")" = "$pid1" ]
	check "the first still runs" alive "$pid1"
	kill -TERM "$pid1"
	check "SIGTERM stops it" wait_for 5 dead "$pid1"
	check "pidfile removed after the privilege drop" wait_for 2 test ! -e "$tmp/run/rw.pid"
	run 0 "a new daemon starts after it" inns "$bin" -c "$tmp/d.yaml"
	if wait_for 5 test -s "$tmp/run/rw.pid"; then
		pid2=$(cat "$tmp/run/rw.pid")
		pids="$pids $pid2"
		kill -TERM "$pid2"
		wait_for 5 dead "$pid2"
	else
		fail "no pidfile from the second start"
	fi
else
	fail "no pidfile written: $(cat "$tmp/err")"
fi

# A symbolic link as pidfile would have root truncate what it points to.
mkdir -m 755 "$tmp/run2"
echo "precious" > "$tmp/precious"
ln -s "$tmp/precious" "$tmp/run2/rw.pid"
dconf "$tmp/run2/rw.pid" > "$tmp/d2.yaml"
run 2 "pidfile symlink refused" inns "$bin" -c "$tmp/d2.yaml"
check "symlink: says so" has "$tmp/err" "symbolic link"
check "symlink: its target untouched" [ "$(cat "$tmp/precious")" = precious ]
mkdir -m 777 "$tmp/run3"
dconf "$tmp/run3/rw.pid" > "$tmp/d3.yaml"
run 2 "pidfile in a world-writable directory refused" inns "$bin" -c "$tmp/d3.yaml"
check "world-writable: says so" has "$tmp/err" "writable by others"

# The privilege drop, as the kernel sees it, and inherited descriptors.
dconf "$tmp/run/rw.pid" > "$tmp/f.yaml"
: > "$tmp/f.err"
: > "$tmp/r.err"
ip netns exec "$ns" "$bin" -f -v -c "$tmp/f.yaml" > "$tmp/f.out" 2> "$tmp/f.err" 5> "$tmp/leak" &
fpid=$!
pids="$pids $fpid"
if wait_for 5 grep -q "started, version" "$tmp/f.err"; then
	st=/proc/$fpid/status
	check "runs as nobody: $(grep '^Uid:' "$st")" awk '$1 == "Uid:" && $2 == 65534 && $3 == 65534 && $4 == 65534 { f = 1 } END { exit !f }' "$st"
	check "no capability: $(grep '^CapEff:' "$st")" grep -q '^CapEff:[[:space:]]*0*$' "$st"
	# CAP_NET_RAW (bit 13) alone stays permitted, to reopen captures.
	check "only CAP_NET_RAW permitted: $(grep '^CapPrm:' "$st")" grep -q '^CapPrm:[[:space:]]*0*2000$' "$st"
	check "bounding set empty: $(grep '^CapBnd:' "$st")" grep -q '^CapBnd:[[:space:]]*0*$' "$st"
	check "no_new_privs" grep -q '^NoNewPrivs:[[:space:]]*1$' "$st"
	check "no descriptor on the leaked file" sh -c "! ls -l /proc/$fpid/fd | grep -q '$tmp/leak'"
	check "start-up names the configuration file" has "$tmp/f.err" "configuration: $tmp/f.yaml"
	check "no root warning as nobody" hasnt "$tmp/f.err" "running as root"
	kill -TERM "$fpid"
	wait "$fpid"
	check "SIGTERM: exit 0" [ $? = 0 ]
else
	fail "foreground daemon did not start: $(cat "$tmp/f.err")"
fi

# Live, the expression is and-ed with the built-in filter and the file's.
printf 'capture: { interfaces: [eth9], filter: "tcp", buffer_size: 1M }\ndaemon: { user: nobody, stats_interval: 0 }\n' > "$tmp/x.yaml"
: > "$tmp/x.err"
ip netns exec "$ns" "$bin" -f -v -c "$tmp/x.yaml" -i lo port 443 > /dev/null 2> "$tmp/x.err" &
xpid=$!
pids="$pids $xpid"
if wait_for 5 grep -q "started, version" "$tmp/x.err"; then
	check "live: -i replaces the interfaces, the expression joins the filter: $(grep capturing "$tmp/x.err")" \
	    grep -q 'capturing on lo linktype=[A-Z0-9]* filter=".*) and ((tcp) and (port 443))"' "$tmp/x.err"
else
	fail "live daemon with an expression did not start: $(cat "$tmp/x.err")"
fi
kill -TERM "$xpid" 2>/dev/null
wait "$xpid" 2>/dev/null

# Staying root is said loudly.
dconf "$tmp/run/rw.pid" 1M '""' > "$tmp/r.yaml"
ip netns exec "$ns" "$bin" -f -v -c "$tmp/r.yaml" > /dev/null 2> "$tmp/r.err" &
rpid=$!
pids="$pids $rpid"
if wait_for 5 grep -q "started, version" "$tmp/r.err"; then
	check "daemon.user empty: WARNING at start" has "$tmp/r.err" "WARNING: running as root"
	check "root: bounding set empty all the same" grep -q '^CapBnd:[[:space:]]*0*$' "/proc/$rpid/status"
else
	fail "root daemon did not start: $(cat "$tmp/r.err")"
fi
kill -TERM "$rpid" 2>/dev/null
wait "$rpid" 2>/dev/null

# Signals in the first instant: blocked until the loop handles them.  A
# large kernel buffer makes the start slow enough to be hit while opening.
# The loop runs inside the namespace, so that the signal reaches the
# daemon itself and not "ip netns exec" still setting up.
dconf "$tmp/run/rw.pid" 256M > "$tmp/s.yaml"
# Before main() runs, the dynamic loader has the process (and no program
# can block anything then): the signals are sent as soon as the kernel
# shows them blocked (SigBlk: HUP, INT, USR1, TERM = 4203), or after 0.1 s
# when that never comes, as with a program that does not block them.
cat > "$tmp/early.sh" <<EOF
blocked() {
	while read -r k v; do
		[ "\$k" = SigBlk: ] && [ \$((0x\$v & 0x4203)) = \$((0x4203)) ] && return 0
	done < /proc/\$1/status
	return 1
}
survived=0
for i in 1 2 3 4 5; do
	"$bin" -f -c "$tmp/s.yaml" > /dev/null 2> "$tmp/s.err" &
	p=\$!
	n=0
	until blocked \$p || [ \$n = 5000 ]; do n=\$((n + 1)); done
	[ \$n = 5000 ] && sleep 0.1
	kill -HUP \$p; kill -USR1 \$p; kill -HUP \$p
	sleep 0.5
	if kill -0 \$p 2>/dev/null; then
		kill -TERM \$p
		wait \$p && survived=\$((survived + 1))
	else
		wait \$p
		echo "early signals, run \$i: died with status \$?" >&2
	fi
done
"$bin" -f -c "$tmp/s.yaml" > /dev/null 2>&1 &
p=\$!
n=0
until blocked \$p || [ \$n = 5000 ]; do n=\$((n + 1)); done
[ \$n = 5000 ] && sleep 0.1
kill -TERM \$p
wait \$p
echo "survived \$survived term \$?"
EOF
inns sh "$tmp/early.sh" > "$tmp/early.out"
check "SIGHUP/SIGUSR1 as soon as main() runs, then SIGTERM exits 0, 5 runs: $(cat "$tmp/early.out")" \
    grep -q "^survived 5 " "$tmp/early.out"
check "SIGTERM as soon as main() runs: a clean stop, exit 0" grep -q " term 0$" "$tmp/early.out"

# A reload while the default file is missing (no -c, as the unit runs
# it): an error, the running configuration stays.  A private /etc.
mkdir "$tmp/etc"
cp /etc/passwd /etc/group /etc/nsswitch.conf "$tmp/etc/"
echo "rstwatch:x:64999:64999::/nonexistent:/usr/sbin/nologin" >> "$tmp/etc/passwd"
echo "rstwatch:x:64999:" >> "$tmp/etc/group"
cat > "$tmp/etcrun.sh" <<EOF
mount --make-rprivate / && mount --bind "$tmp/etc" /etc || exit 99
case \$1 in
t)	exec "$bin" -t ;;
reload)
	printf 'capture: { interfaces: [lo], buffer_size: 1M }\ndaemon: { user: nobody, stats_interval: 0 }\n' > /etc/rstwatch.yaml
	"$bin" -f -v > /dev/null 2> "$tmp/reload.err" &
	p=\$!
	echo \$p > "$tmp/reload.pid"
	n=250; until grep -q "started, version" "$tmp/reload.err" || [ \$n = 0 ]; do sleep 0.02; n=\$((n - 1)); done
	rm /etc/rstwatch.yaml
	kill -HUP \$p
	n=250; until grep -q "reload of" "$tmp/reload.err" || [ \$n = 0 ]; do sleep 0.02; n=\$((n - 1)); done
	mkfifo /etc/rstwatch.yaml
	kill -HUP \$p
	n=250; until grep -q "not a regular file" "$tmp/reload.err" || [ \$n = 0 ]; do sleep 0.02; n=\$((n - 1)); done
	kill -TERM \$p
	wait \$p
	echo "exit \$?" >> "$tmp/reload.err" ;;
esac
EOF
run 0 "-t without -c, /etc/rstwatch.yaml missing" inns unshare -m sh "$tmp/etcrun.sh" t
check "-t: the built-in defaults would apply" has "$tmp/err" "/etc/rstwatch.yaml does not exist: the built-in defaults would apply"
check "-t: built-in defaults OK" has "$tmp/err" "built-in defaults: configuration OK"
check "-t: no file said OK" hasnt "$tmp/err" "^/etc/rstwatch.yaml: configuration OK"
run 0 "reload with the file gone" inns timeout 30 unshare -m sh "$tmp/etcrun.sh" reload
check "start-up named /etc/rstwatch.yaml" has "$tmp/reload.err" "configuration: /etc/rstwatch.yaml$"
check "reload: the missing file is an error" has "$tmp/reload.err" "/etc/rstwatch.yaml: No such file or directory"
check "reload: the running configuration stays" has "$tmp/reload.err" "reload of /etc/rstwatch.yaml failed; keeping the running configuration"
check "reload: no silent switch to the defaults" hasnt "$tmp/reload.err" "configuration reloaded"
check "reload of a FIFO: refused, not frozen" has "$tmp/reload.err" "not a regular file"
check "after both: SIGTERM still exits 0" has "$tmp/reload.err" "^exit 0$"

# Under SANITIZE=1 the daemons' reports land in these files.
if grep -l -E "ERROR: (Address|Leak)Sanitizer|runtime error:" "$tmp"/*.err > "$tmp/san" 2>/dev/null; then
	fail "sanitizer reports in: $(cat "$tmp/san")"
else
	pass
fi

t_summary cli
