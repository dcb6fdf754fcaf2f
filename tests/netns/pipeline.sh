#!/bin/bash
# Alerts through the log pipeline: the daemon's syslog lines go to the
# server's own rsyslogd, which forwards them (omfwd, plain TCP and plain
# UDP) to a central rsyslogd on another host; the alert must arrive there
# intact: the same logfmt keys and values as the daemon's -j event, the
# facility and severity (PRI) and the tag unchanged, the server's host
# name.  Both rsyslogds are Debian's, each with its own configuration, pid
# file and work directory in the scratch directory.
#
#	bash tests/netns/pipeline.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory)
#
#   rw-pcli-$$ (client)      rw-psrv-$$ (server "rw-web1")          rw-plog-$$ (central)
#  +----------------+       +------------------------------+       +--------------------+
#  | 10.9.0.1 veth0 +-------+ veth1 10.9.0.2               |       |                    |
#  | helper.py      |       |   <-- rstwatchd -f -j -i veth1|       |                    |
#  |  refusedn :9   |       |       (own mount namespace:   |       |                    |
#  +----------------+       |        $dir/srv/dev is /dev)  |       |                    |
#                           |   /dev/log: rsyslogd (server) |       | rsyslogd (central) |
#                           |     omfwd tcp 10.9.1.2:10514 -+-------+-> imtcp :10514     |
#                           |     omfwd udp 10.9.1.2:10515 -+ veth2 |   imudp :10515     |
#                           |                  10.9.1.1 veth2+------+veth3 10.9.1.2    |
#                           +------------------------------+       | central-tcp.txt    |
#                                                                   | central-udp.txt    |
#                                                                   +--------------------+
#
# The server's rsyslogd runs in a UTS namespace of its own named rw-web1,
# so the host name the central server records is the sender's and not the
# test machine's.  The central server writes "%PRI% %HOSTNAME% %syslogtag%
# %msg%" per line: what a central log server keeps.  The forwarding rules
# are the two lines the README shows.
# Last line: "pipeline: N passed, M failed"; exit 1 when M > 0, 2 when the
# test cannot run at all (not root, no namespaces, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=pipeline
NEEDS="unshare, python3 and rsyslogd"
. "$(dirname "$0")/lib.sh"

cli=rw-pcli-$$ srv=rw-psrv-$$
logh=rw-plog-$$
cli4=10.9.0.1 srv4=10.9.0.2 srvb4=10.9.1.1 log4=10.9.1.2
host=rw-web1
# local4.notice: 20 * 8 + 5 (syn_refused is notice by default).
facname=local4 pri_notice=165 pri_info=166

cleanup() {
	local p

	stop_pid "$daemon_pid" "${pids[@]}"
	wait 2>/dev/null
	for p in "$dir"/*.pid; do
		[ -f "$p" ] && kill -KILL "$(cat "$p")" 2>/dev/null
	done
	end_suite "$cli" "$srv" "$logh"
}

# ---------------------------------------------------------------------------

require ip unshare mount rsyslogd hostname
need_daemon

trap_cleanup cleanup

t_start=$(now_ms)
scratch pipeline
mkdir -m 755 "$dir/srv" "$dir/srv/work" "$dir/central" "$dir/central/work"
dev_dir "$dir/srv"

pair_up "$cli4/24" "$srv4/24"
run ip netns add "$logh" || loud "cannot create network namespace $logh"
run ip -n "$srv" link add veth2 type veth peer name veth3 netns "$logh" ||
    loud "cannot create a veth pair"
run ip -n "$logh" link set lo up
run ip -n "$srv" addr add "$srvb4/24" dev veth2
run ip -n "$logh" addr add "$log4/24" dev veth3
run ip -n "$srv" link set veth2 up
run ip -n "$logh" link set veth3 up

# The central log server: plain TCP and plain UDP, each into its own file,
# with the priority as a number.
cat > "$dir/central/rsyslog.conf" <<EOF
global(workDirectory="$dir/central/work")
module(load="imtcp")
module(load="imudp")
template(name="central" type="string" string="%PRI% %HOSTNAME% %syslogtag%%msg%\n")
ruleset(name="tcp") { action(type="omfile" file="$dir/central-tcp.txt" template="central") }
ruleset(name="udp") { action(type="omfile" file="$dir/central-udp.txt" template="central") }
input(type="imtcp" address="$log4" port="10514" ruleset="tcp")
input(type="imudp" address="$log4" port="10515" ruleset="udp")
EOF
spawn ip netns exec "$logh" rsyslogd -n -f "$dir/central/rsyslog.conf" \
    -i "$dir/central.pid" > "$dir/central.err" 2>&1
end=$(($(now_ms) + 5000))
until [ "$(ip netns exec "$logh" ss -Htln "sport = :10514" | wc -l)" -ge 1 ] &&
    [ "$(ip netns exec "$logh" ss -Huln "sport = :10515" | wc -l)" -ge 1 ]; do
	[ "$(now_ms)" -ge "$end" ] && loud "the central rsyslogd did not start: $(cat "$dir/central.err")"
	sleep 0.02
done

# The server's rsyslogd: /dev/log (in the scratch directory) and the two
# forwarding lines of the README, a local copy beside them.
cat > "$dir/srv/rsyslog.conf" <<EOF
global(workDirectory="$dir/srv/work")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$dir/srv/dev/log" CreatePath="off")
template(name="local" type="string" string="%PRI% %HOSTNAME% %syslogtag%%msg%\n")
*.* action(type="omfile" file="$dir/server.txt" template="local")
if \$programname == "rstwatchd" then action(type="omfwd" target="$log4" port="10514" protocol="tcp")
if \$programname == "rstwatchd" then action(type="omfwd" target="$log4" port="10515" protocol="udp")
EOF
spawn ip netns exec "$srv" unshare --uts sh -c 'hostname "$1"; shift; exec "$@"' sh "$host" \
    rsyslogd -n -f "$dir/srv/rsyslog.conf" -i "$dir/server.pid" > "$dir/server.err" 2>&1
wait_socket "$dir/srv/dev/log" "the server's rsyslogd did not start (see $dir/server.err)"
chmod 666 "$dir/srv/dev/log"

cat > "$dir/rstwatch.yaml" <<EOF
capture:
  interfaces: [veth1]
output:
  syslog:
    facility: $facname
    ident: rstwatchd
daemon:
  user: nobody
  stats_interval: 0
EOF
check_conf "$dir/rstwatch.yaml"

# The daemon: its /dev is $dir/srv/dev (the server's rsyslogd socket).
spawn "${DEVNS[@]}" "$dir/srv" ip netns exec "$srv" "$RSTWATCHD" -f -j \
    -c "$dir/rstwatch.yaml" > "$dir/daemon.out" 2> "$dir/daemon.err"
daemon_pid=$!

# ---------------------------------------------------------------------------
# Start: the daemon's own lines reach the central server too.

tag="rstwatchd\\[[0-9]+\\]:"
for proto in tcp udp; do
	if wait_file "$dir/central-$proto.txt" 10 "^$pri_info $host $tag capturing on veth1 "; then
		pass "start ($proto): \"capturing on veth1\" at the central server, local4.info, from $host"
	else
		fail "start ($proto): no \"capturing on veth1\" line at the central server"
		echo "    server: $(tail -n 3 "$dir/server.txt" 2>/dev/null)"
		echo "    central: $(tail -n 3 "$dir/central-$proto.txt" 2>/dev/null)"
		echo "    daemon: $(cat "$dir/daemon.err")"
	fi
done

# ---------------------------------------------------------------------------
# An alert: a connection to a closed port (syn_refused, notice).

t0=$(now_ms)
run ip netns exec "$cli" "$PY" "$HELPER" refusedn "$srv4" 9 42001 1 > "$dir/client.out" 2>&1 ||
    fail "client: $(cat "$dir/client.out")"
pattern="^$pri_notice $host $tag kind=syn_refused .* sport=42001 "
for proto in tcp udp; do
	if wait_file "$dir/central-$proto.txt" 5 "$pattern"; then
		pass "alert ($proto): at the central server after $(($(now_ms) - t0)) ms, PRI $pri_notice (local4.notice), host $host, tag rstwatchd[PID]"
	else
		fail "alert ($proto): not at the central server: $(tail -n 3 "$dir/central-$proto.txt" 2>/dev/null)"
	fi
done
wait_file "$dir/daemon.out" 2 '"kind":"syn_refused".*"sport":42001' ||
    fail "alert: no syn_refused event on the daemon's standard output (-j)"
wait_file "$dir/server.txt" 2 "$pattern" ||
    fail "alert: not in the server's own log"

# Intact: the message part is byte for byte the server's, and its logfmt
# pairs, parsed, are the keys and values of the daemon's JSON event.
msg_local=$(grep -E "$pattern" "$dir/server.txt" | head -n 1 | sed 's/^[^:]*: //')
for proto in tcp udp; do
	msg=$(grep -E "$pattern" "$dir/central-$proto.txt" | head -n 1 | sed 's/^[^:]*: //')
	if [ -n "$msg" ] && [ "$msg" = "$msg_local" ]; then
		pass "intact ($proto): the message is the server's, byte for byte"
	else
		fail "intact ($proto): central \"$msg\" / server \"$msg_local\""
	fi
	if out=$(printf '%s\n' "$msg" | "$PY" -c '
import json, re, shlex, sys
line = sys.stdin.readline().rstrip("\n")
ev = None
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o.get("kind") == "syn_refused" and o.get("sport") == 42001:
        ev = o
if ev is None:
    sys.exit("no JSON event")
# logfmt: key=value, value bare or double-quoted with \" and \\ escaped.
pairs = re.findall(r"([a-z_]+)=(\"(?:[^\"\\\\]|\\\\.)*\"|[^ ]*)", line)
got = {}
for k, v in pairs:
    if v.startswith("\""):
        v = re.sub(r"\\\\(.)", r"\1", v[1:-1])
    got[k] = v
want = {k: str(v) for k, v in ev.items() if k != "ts"}
if list(got) != list(want) or got != want:
    sys.exit("logfmt %s != JSON %s" % (got, want))
print("%d keys" % len(got))
' "$dir/daemon.out" 2>&1); then
		pass "parseable ($proto): logfmt at the central server = the JSON event ($out, in order)"
	else
		fail "parseable ($proto): $out"
	fi
done

# ---------------------------------------------------------------------------
# Stop.

run kill -TERM "$daemon_pid"
end=$(($(now_ms) + 5000))
while kill -0 "$daemon_pid" 2>/dev/null && [ "$(now_ms)" -lt "$end" ]; do
	sleep 0.02
done
if wait "$daemon_pid"; then
	daemon_pid=
	for proto in tcp udp; do
		if wait_file "$dir/central-$proto.txt" 3 "^$pri_info $host $tag stopped: packets="; then
			pass "stop ($proto): the final statistics at the central server"
		else
			fail "stop ($proto): no \"stopped:\" line at the central server"
		fi
	done
else
	fail "stop: the daemon did not exit 0 on SIGTERM"
	daemon_pid=
fi

echo "pipeline: run took $(($(now_ms) - t_start)) ms"
echo "pipeline: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
