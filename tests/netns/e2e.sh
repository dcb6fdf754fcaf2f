#!/bin/bash
# End-to-end tests of the live rstwatchd: the real daemon, the real Linux
# TCP stack, the alerts read from a real syslog socket.
#
#	bash tests/netns/e2e.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory,
#						 PCAP=1 also runs tcpdump on veth1
#						 into it: replay with -r)
#
#   rw-cli-$$ (client)                        rw-srv-$$ (server)
#  +------------------------+                  +-----------------------------------+
#  | 10.7.0.1/24 fd00:7::1  |    veth pair     | 10.7.0.2/24 10.7.0.3/24 fd00:7::2 |
#  |                   veth0+------------------+veth1 <-- rstwatchd -f -j -i veth1 |
#  | helper.py clients      |                  |   as nobody, own mount namespace  |
#  | route 10.7.0.3/32      |                  | helper.py servers: echo :80,      |
#  |   rto_min 1s           |                  |   hold :82 :84 10.7.0.3:87,       |
#  | nft input: drop tcp:83 |                  |   abort :85, udp echo :5300       |
#  +------------------------+                  | nft input: drop tcp :81 :82, data |
#                                              |   to :84 :87; :86 admin-prohibited|
#                                              +-----------------|-----------------+
#   host (scratch $dir):                                         | /dev/log,
#     $dir/dev/log <- helper.py recv (syslog.txt) <--------------+ $NOTIFY_SOCKET
#     $dir/notify  <- helper.py recv (notify.txt) <--------------+
#     $dir/dev is bound over /dev in the daemon's private mount namespace
#
# Where the capture sits decides what the daemon can see: an AF_PACKET
# socket on veth1 gets incoming packets before netfilter's input hook and
# outgoing packets after the output hooks.  So a drop in the server's nft
# input chain is, for the daemon, a packet that arrived and was never
# answered: SYNs to :81 (nothing listens: listening=no) and :82 (a listener
# behind the firewall: listening=yes) are retransmitted by the client with no
# SYN-ACK; data to :84 is retransmitted until the client aborts with a RST.
# "Lost in the path" is the server opening a connection itself (a flow the
# host opens as a client): its SYNs to the client's :83 leave veth1 and are
# dropped in the client namespace; the responder is not a local address, so
# the alert has no listening key.  Nothing leaves the two namespaces: the
# addresses exist only there.  The syslog socket is a file in a scratch
# directory that is bound over /dev in the daemon's private mount namespace
# (the host's /dev is never touched); $NOTIFY_SOCKET points into the same
# directory.
#
# Phases: start (capture line, READY=1, runs as nobody); clean traffic (no
# alert at all); the faults, concurrently (SYN dropped x3, closed port over
# IPv4 and IPv6, data dropped then RST, application RST, UDP to a closed
# port, TCP administratively prohibited); a reload, during a connection
# that is losing data, that lowers both thresholds and changes the syslog
# ident and facility; a reload of a broken file (rejected, old settings
# still in force); STATUS= lines every few seconds, counters growing;
# SIGTERM (exit 0, final statistics); then the whole run:
# one story per flow, the clean flows' records, facilities, packet-to-syslog
# latency of every alert (JSON "ts" against the datagram's arrival), -j
# output, sanitizer reports.
# Last line: "netns: N passed, M failed"; exit status 1 when M > 0, 2 when
# the test cannot run at all (not root, no namespaces, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=netns
NEEDS="nft, unshare and python3"
. "$(dirname "$0")/lib.sh"

cli=rw-cli-$$ srv=rw-srv-$$
cli4=10.7.0.1 srv4=10.7.0.2 srv4b=10.7.0.3 cli6=fd00:7::1 srv6=fd00:7::2
# Syslog ident and facility (name, and code: LOG_DAEMON >> 3 is 3); the
# first reload changes them, to see the daemon reconnect to /dev/log after
# its privilege drop.
ident=rstwatchd facname=daemon fac=3
first_pid=
notes=()

# When an expected line does not come, first see whether the daemon died:
# then say so once and stop, instead of timing out check after check.
daemon_alive() {
	[ -z "$daemon_pid" ] || running "$daemon_pid" && return 0
	fail "the daemon (pid $daemon_pid) died; its stderr and last syslog lines:"
	sed 's/^/    /' "$dir/daemon.err" | tail -n 30
	tail -n 5 "$syslog" | sed 's/^/    /'
	daemon_pid=
	echo "netns: $passed passed, $failed failed"
	exit 1
}

# The parts of a received datagram "TIME <PRI>Mmm dd hh:mm:ss IDENT[PID]: MSG".
recv_time() { printf '%s\n' "${1%% *}"; }
pri_of() { printf '%s\n' "$1" | sed -n 's/^[0-9.]* <\([0-9]*\)>.*/\1/p'; }
msg_of() { printf '%s\n' "${1#*]: }"; }

# check_pri DESC LINE SEVERITY: the priority is $facname.SEVERITY, the
# ident $ident.
check_pri() {
	local want got sev

	case $3 in
	err) sev=3 ;; warning) sev=4 ;; notice) sev=5 ;; info) sev=6 ;;
	esac
	want=$((fac * 8 + sev))
	got=$(pri_of "$2")
	if [ "$got" = "$want" ]; then
		pass "$1: <$got> is $facname.$3"
	else
		fail "$1: priority <$got>, wanted <$want> ($facname.$3) in: $2"
	fi
	case $2 in
	*" ${ident}[$first_pid]: "*) ;;
	*) fail "$1: wanted ident ${ident}[$first_pid] in: $2" ;;
	esac
}

# says DESC SECONDS STRING [SEVERITY]: one check, a syslog line with STRING
# since $m within SECONDS (in $line); at $facname.SEVERITY (check_pri) when
# SEVERITY is given.
says() {
	if line=$(wait_for "$m" "$2" "$3"); then
		pass "$1: $(msg_of "$line")"
		[ -z "${4:-}" ] || check_pri "$1" "$line" "$4"
	else
		fail "$1: no \"$3\" line"
	fi
}

# ms_between T0 T1: (T1 - T0) in milliseconds, one decimal.
ms_between() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f\n", (b - a) * 1000 }'
}

# expect_alert DESC MARK SECONDS SEVERITY FLOW [KEY=VALUE...]
# FLOW is "kind=K severity=S proto=P src=A sport=N dst=B dport=M": the line
# must start with it (SPEC 5 key order), then hold each KEY=VALUE among the
# kind's own keys, then end with "iface=veth1 community_id=\"1:...\"
# msg=\"...\"".  Sets $alert to the received line.
expect_alert() {
	local desc=$1 m=$2 secs=$3 sev=$4 flow=$5 msg mid kv ok=1
	shift 5

	alert=
	if ! alert=$(wait_for "$m" "$secs" "]: $flow "); then
		daemon_alive
		fail "$desc: no \"$flow\" within ${secs}s"
		return 1
	fi
	msg=$(msg_of "$alert")
	if ! printf '%s\n' "$msg" |
	    grep -Eq '^[^"]* iface=veth1 community_id="1:[A-Za-z0-9+/]{27}=" msg="([^"\\]|\\.)+"$'; then
		fail "$desc: line does not end with iface=veth1 community_id=\"1:...\" msg=\"...\": $msg"
		ok=0
	fi
	# The kind's own keys sit between the flow and iface.
	mid=${msg#"$flow"}
	mid=" ${mid%% iface=veth1 community_id=*} "
	for kv in "$@"; do
		case $mid in
		*" $kv "*) ;;
		*) fail "$desc: no $kv before iface in: $msg"; ok=0 ;;
		esac
	done
	[ $ok = 1 ] && pass "$desc: $msg"
	check_pri "$desc" "$alert" "$sev"
	return 0
}

# latency DESC T_EVENT: the alert ($alert) arrived within one second of what
# the client saw at T_EVENT.
latency() {
	local ms

	[ -n "$alert" ] && [ -n "$2" ] || return 0
	ms=$(ms_between "$2" "$(recv_time "$alert")")
	notes+=("$1: ${ms} ms from the client's error to the syslog line")
	if awk -v x="$ms" 'BEGIN { exit !(x < 1000 && x > -1000) }'; then
		pass "$1: alert ${ms} ms after the client saw it (< 1000)"
	else
		fail "$1: alert ${ms} ms after the client saw it (>= 1000)"
	fi
}

# write_conf FILE SYN_THRESHOLD DATA_THRESHOLD: the daemon's configuration
# (with $ident and $facname), replaced atomically and readable by nobody,
# who reads it again on SIGHUP.
write_conf() {
	local f=$1

	{
		echo "# rstwatchd end-to-end test, $(date)"
		echo "capture:"
		echo "  interfaces: [veth1]"
		echo "  buffer_size: 1M"
		echo "thresholds:"
		echo "  max_syn_retransmissions: $2"
		echo "  max_data_retransmissions: $3"
		echo "events:"
		cooldown0 $KINDS rst_rate
		echo "flows:"
		echo "  timeouts:"
		echo "    closed: 1"
		echo "output:"
		echo "  syslog:"
		echo "    facility: $facname"
		echo "    ident: $ident"
		echo "  json:"
		echo "    path: $dir/events.jsonl"
		conf_daemon
	} | put_conf "$f"
}

# client_bg NAME ARG...: helper.py ARG... in the client namespace (bg_out).
client_bg() {
	bg_out "$cli" "$1" "$PY" "$HELPER" "${@:2}"
}

# out_time NAME WORD: the time on the client's line "WORD TIME ...".
out_time() {
	awk -v w="$2" '$1 == w { print $2; exit }' "$dir/$1.out" 2>/dev/null
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip nft ss sysctl unshare mount awk
need_daemon "$HELPER"

trap_cleanup

t_start=$(now_ms)
scratch netns
# daemon.user (nobody) creates the JSON file there after rotation; -t checks.
chown nobody "$dir"
notify=$dir/notify.txt
: > "$syslog"
: > "$notify"

# ---------------------------------------------------------------------------
# Topology.

pair_up "$cli4/24" "$srv4/24"
n_srv ip addr add "$srv4b/24" dev veth1
n_cli ip addr add "$cli6/64" dev veth0 nodad
n_srv ip addr add "$srv6/64" dev veth1 nodad
# Retransmission timeouts of at least 1 s towards the second address (the
# reload scenario needs time between two retransmissions).
n_cli ip route add "$srv4b/32" dev veth0 rto_min 1000ms
# Short SYN retry budgets: the clients give up soon, whatever happens.
n_cli sysctl -q -w net.ipv4.tcp_syn_retries=3
n_srv sysctl -q -w net.ipv4.tcp_syn_retries=3

n_srv nft -f - <<-EOF || loud "nft failed in $srv"
	table inet rwtest {
		chain input {
			type filter hook input priority 0; policy accept;
			tcp dport { 81, 82 } drop
			udp dport 5400 drop
			tcp dport { 84, 87 } meta length > 140 drop
			ip daddr $srv4 tcp dport 86 reject with icmp type admin-prohibited
		}
	}
EOF
n_cli nft -f - <<-EOF || loud "nft failed in $cli"
	table inet rwtest {
		chain input {
			type filter hook input priority 0; policy accept;
			tcp dport 83 drop
		}
	}
EOF

# Servers: echo (clean), hold (listens behind the SYN drop, or never sees
# the dropped data), abort (application RST), UDP echo.
spawn ip netns exec "$srv" "$PY" "$HELPER" serve echo :: 80
spawn ip netns exec "$srv" "$PY" "$HELPER" serve hold "$srv4" 82
spawn ip netns exec "$srv" "$PY" "$HELPER" serve hold "$srv4" 84
spawn ip netns exec "$srv" "$PY" "$HELPER" serve abort "$srv4" 85
spawn ip netns exec "$srv" "$PY" "$HELPER" serve hold "$srv4b" 87
spawn ip netns exec "$srv" "$PY" "$HELPER" udpecho "$srv4" 5300

# The syslog and sd_notify receivers, on the host, in the scratch directory.
spawn "$PY" "$HELPER" recv "$dir/dev/log" "$syslog"
spawn "$PY" "$HELPER" recv "$dir/notify" "$notify"

# Wait until every listener and receiver is there.
wait_sockets() {
	local end=$(($(now_ms) + 5000))

	while :; do
		if [ -S "$dir/dev/log" ] && [ -S "$dir/notify" ] &&
		    [ "$(ip netns exec "$srv" ss -Htln | wc -l)" -ge 5 ] &&
		    [ "$(ip netns exec "$srv" ss -Huln | wc -l)" -ge 1 ]; then
			return 0
		fi
		[ "$(now_ms)" -ge "$end" ] && return 1
		sleep 0.02
	done
}
wait_sockets || loud "the helper servers did not start"

wait_dad "$cli" "$srv"

# A trace of what the daemon sees, to replay with rstwatchd -r when
# something needs explaining.
if [ "${PCAP:-0}" = 1 ]; then
	spawn ip netns exec "$srv" tcpdump -i veth1 -s 128 -U -w "$dir/veth1.pcap" \
	    2> "$dir/tcpdump.err"
	end=$(($(now_ms) + 5000))
	until grep -q 'listening on' "$dir/tcpdump.err" || [ "$(now_ms)" -ge "$end" ]; do
		sleep 0.02
	done
fi

write_conf "$conf" 2 3
# The daemon opens output.json.path as nobody, after its privilege drop:
# the scratch directory is root's, so the file is there first, nobody's.
run install -m 644 -o nobody /dev/null "$dir/events.jsonl"
check_conf "$conf"

# ---------------------------------------------------------------------------
# Start: in a private mount namespace whose /dev is the scratch directory
# (with the host's null, zero, full, random and urandom bound in), so that
# /dev/log is our receiver; then in the server's network namespace.

m=$(mark)
NOTIFY_SOCKET=$dir/notify spawn_daemon "$dir/daemon.out" "$dir/daemon.err" \
    -f -j -c "$conf" -i veth1
first_pid=$daemon_pid	# daemon_pid is cleared once it has exited

if line=$(wait_for "$m" 10 "]: started, version "); then
	pass "start: $(msg_of "$line")"
	check_pri "start" "$line" info
else
	fail "start: no \"started, version\" line within 10 s; stderr and syslog:"
	sed 's/^/    /' "$dir/daemon.err" "$syslog"
	echo "netns: $passed passed, $failed failed"
	exit 1
fi
says start 1 "]: capturing on veth1 linktype=EN10MB filter=\""
if grep -q ' READY=1$' "$notify"; then
	pass "start: READY=1 on \$NOTIFY_SOCKET"
else
	fail "start: no READY=1 on \$NOTIFY_SOCKET: $(cat "$notify")"
fi
uid=$(awk '/^Uid:/ { print $2 "," $3 "," $4 }' "/proc/$daemon_pid/status")
gid=$(awk '/^Gid:/ { print $2 "," $3 "," $4 }' "/proc/$daemon_pid/status")
capeff=$(awk '/^CapEff:/ { print $2 }' "/proc/$daemon_pid/status")
nuid=$(id -u nobody)
if [ "$uid" = "$nuid,$nuid,$nuid" ] && [ "$capeff" = 0000000000000000 ]; then
	pass "start: runs as nobody (uid $uid gid $gid), no capabilities"
else
	fail "start: uid $uid gid $gid CapEff $capeff, wanted uid $nuid and none"
fi

# ---------------------------------------------------------------------------
# Clean traffic: request/response connections and an answered UDP exchange
# raise no alert at all.  The quiet period is the SPEC's one second bound
# plus margin.

m=$(mark)
t0=$(now_ms)
if n_cli "$PY" "$HELPER" request "$srv4" 80 5 > "$dir/clean.out" 2>&1 &&
    n_cli "$PY" "$HELPER" request "$srv6" 80 1 >> "$dir/clean.out" 2>&1 &&
    n_cli "$PY" "$HELPER" udp "$srv4" 5300 42001 answer >> "$dir/clean.out" 2>&1 &&
    n_cli "$PY" "$HELPER" udp "$srv4" 5300 42002 answer >> "$dir/clean.out" 2>&1; then
	pass "clean: 6 TCP request/response connections (5 IPv4, 1 IPv6) and 2 UDP exchanges answered"
else
	fail "clean: the clean traffic itself failed: $(cat "$dir/clean.out")"
fi
sleep 1.5
n=$(tail -n +"$((m + 1))" "$syslog" | grep -c ']: kind=')
if [ "$n" -eq 0 ]; then
	pass "clean: no alert in $(( $(now_ms) - t0 )) ms of clean traffic"
else
	fail "clean: $n alert lines for clean traffic:"
	tail -n +"$((m + 1))" "$syslog" | grep ']: kind=' | sed 's/^/    /'
fi

# ---------------------------------------------------------------------------
# The faults, all at once: each has its own source port, so each alert is
# matched to its flow.

m=$(mark)
client_bg syn81 syn "$srv4" 81 41001 8
client_bg syn82 syn "$srv4" 82 41002 8
spawn ip netns exec "$srv" "$PY" "$HELPER" syn "$cli4" 83 41003 8 \
    > "$dir/syn83.out" 2>&1
pid_syn83=$!
client_bg loss84 lossabort "$srv4" 84 41006 3
client_bg refused4 refused "$srv4" 90 41004
client_bg refused6 refused "$srv6" 90 41005
client_bg reset85 reset "$srv4" 85 41007
client_bg udp9999 udp "$srv4" 9999 41008 refused
client_bg prohib86 prohibited "$srv4" 86 41009

# wait_client NAME: the client did what it should (its exit status).
wait_client() {
	if wait "${client_pid[$1]}"; then
		return 0
	fi
	fail "$1: the client failed: $(cat "$dir/$1.out")"
	return 1
}

# after_client NAME WORD LATENCY DESC FLOW [KEY=VALUE...]: once client NAME
# did what it should, the notice alert DESC (expect_alert, since $m, 3 s)
# came within a second (latency LATENCY) of its line "WORD TIME".
after_client() {
	local name=$1 word=$2 lat=$3

	shift 3
	wait_client "$name" || return 0
	expect_alert "$1" "$m" 3 notice "${@:2}"
	latency "$lat" "$(out_time "$name" "$word")"
}

after_client refused4 refused "syn_refused" "closed port (IPv4)" \
    "kind=syn_refused severity=notice proto=tcp src=$cli4 sport=41004 dst=$srv4 dport=90" \
    by=dst
after_client refused6 refused "syn_refused IPv6" "closed port (IPv6)" \
    "kind=syn_refused severity=notice proto=tcp src=$cli6 sport=41005 dst=$srv6 dport=90" \
    by=dst
after_client reset85 reset "app_reset" "application RST" \
    "kind=app_reset severity=notice proto=tcp src=$cli4 sport=41007 dst=$srv4 dport=85" \
    by=dst
after_client udp9999 refused "icmp_unreachable udp" "UDP to a closed port" \
    "kind=icmp_unreachable severity=notice proto=udp src=$cli4 sport=41008 dst=$srv4 dport=9999" \
    icmp_type=3 icmp_code=3 reporter=$srv4
after_client prohib86 prohibited "icmp_unreachable tcp" "TCP administratively prohibited" \
    "kind=icmp_unreachable severity=notice proto=tcp src=$cli4 sport=41009 dst=$srv4 dport=86" \
    icmp_type=3 icmp_code=13 reporter=$srv4
expect_alert "SYN dropped, nothing listening" "$m" 8 warning \
    "kind=syn_retransmit severity=warning proto=tcp src=$cli4 sport=41001 dst=$srv4 dport=81" \
    syn_retransmits=2 threshold=2 listening=no
expect_alert "SYN dropped, port listening" "$m" 8 warning \
    "kind=syn_retransmit severity=warning proto=tcp src=$cli4 sport=41002 dst=$srv4 dport=82" \
    syn_retransmits=2 threshold=2 listening=yes
expect_alert "SYN lost in the path (host as client)" "$m" 8 warning \
    "kind=syn_retransmit severity=warning proto=tcp src=$srv4 sport=41003 dst=$cli4 dport=83" \
    syn_retransmits=2 threshold=2
case $alert in
*listening=*) fail "SYN lost in the path: listening= given for a remote responder" ;;
?*) pass "SYN lost in the path: no listening key for a remote responder" ;;
esac
run kill "${client_pid[syn81]}" "${client_pid[syn82]}" $pid_syn83 2>/dev/null
expect_alert "data dropped" "$m" 8 warning \
    "kind=data_retransmit severity=warning proto=tcp src=$cli4 sport=41006 dst=$srv4 dport=84" \
    retransmits=3 threshold=3
if wait_client loss84; then
	expect_alert "data dropped then RST" "$m" 3 err \
	    "kind=loss_reset severity=err proto=tcp src=$cli4 sport=41006 dst=$srv4 dport=84" \
	    by=src retransmits=3
	latency "loss_reset" "$(out_time loss84 aborted)"
fi

# ---------------------------------------------------------------------------
# Reload: lower both thresholds while a connection is losing data.  Its
# first retransmission happens under the old threshold (3), the second
# under the new one (2): the alert at the second proves both that the flow
# kept its count across the reload and that the new threshold applies to
# flows in progress (SPEC 7).  The client's route to $srv4b has rto_min 1 s,
# which leaves a second between the two retransmissions for the reload.

m=$(mark)
client_bg loss87 lossabort "$srv4b" 87 41010 2
if ! wait_file "$dir/loss87.out" 5 '^retransmits [0-9.]* 1$'; then
	fail "reload: the client did not retransmit: $(cat "$dir/loss87.out")"
fi
ident=rstwatchd-e2e facname=local3 fac=19
write_conf "$conf" 1 2
cat "$notify" >> "$dir/notify.before-reload"
: > "$notify"
run kill -HUP "$daemon_pid"
says reload 3 "]: configuration reloaded from $conf (" info
t_reload=$(recv_time "$line")
# (STATUS= lines come every few seconds, whatever happens: not counted.)
states=$(awk '$2 !~ /^STATUS=/ { print $2 }' "$notify" | tr '\n' ' ')
if [ "$states" = "RELOADING=1 READY=1 " ]; then
	pass "reload: RELOADING=1 then READY=1 on \$NOTIFY_SOCKET"
else
	fail "reload: \$NOTIFY_SOCKET got: $states"
fi
client_bg syn81b syn "$srv4" 81 41011 8
expect_alert "reload: flow in progress, max_data_retransmissions 3 -> 2" "$m" 6 warning \
    "kind=data_retransmit severity=warning proto=tcp src=$cli4 sport=41010 dst=$srv4b dport=87" \
    retransmits=2 threshold=2
if wait_client loss87; then
	t2=$(awk '$1 == "retransmits" && $3 == 2 { print $2 }' "$dir/loss87.out")
	if [ -n "$t_reload" ] && [ -n "$t2" ] &&
	    awk -v a="$t_reload" -v b="$t2" 'BEGIN { exit !(a > b) }'; then
		fail "reload: the test was too slow: reloaded after the second retransmission"
	fi
	expect_alert "reload: data dropped then RST" "$m" 3 err \
	    "kind=loss_reset severity=err proto=tcp src=$cli4 sport=41010 dst=$srv4b dport=87" \
	    by=src retransmits=2
fi
expect_alert "reload: new flow, max_syn_retransmissions 2 -> 1" "$m" 6 warning \
    "kind=syn_retransmit severity=warning proto=tcp src=$cli4 sport=41011 dst=$srv4 dport=81" \
    syn_retransmits=1 threshold=1 listening=no
run kill "${client_pid[syn81b]}" 2>/dev/null

# A reload that changes a setting only a restart can apply (the kernel
# buffer): the daemon names the settings that wait for the restart, at
# warning, and applies the rest of the file.
m=$(mark)
write_conf "$dir/restart.yaml" 1 2
run sed -e 's/^  buffer_size: 1M$/  buffer_size: 2M/' "$dir/restart.yaml" |
    put_conf "$conf"
run kill -HUP "$daemon_pid"
restart_keys="capture.interfaces, snaplen, buffer_size, promiscuous, flows.max_flows, evidence, daemon.user and daemon.pidfile"
says "restart-only reload" 3 "]: $restart_keys take effect at the next restart" warning
if wait_for "$m" 3 "]: configuration reloaded from $conf (" > /dev/null; then
	pass "restart-only reload: the rest of the file applies"
else
	fail "restart-only reload: no \"configuration reloaded from $conf\" line"
fi

# ---------------------------------------------------------------------------
# Reload of a broken file: it would raise the SYN threshold to 5 and
# disable syn_refused, but a misspelt key rejects it as a whole.

m=$(mark)
write_conf "$dir/broken.yaml" 5 2
run sed -e '/^  max_data_retransmissions:/a\
  max_syn_retransmision: 5' \
    -e 's/^  syn_refused: { cooldown: 0 }$/  syn_refused: { cooldown: 0, enabled: false }/' \
    "$dir/broken.yaml" | put_conf "$conf"
badline=$(grep -n 'max_syn_retransmision:' "$conf" | cut -d: -f1)
# What the daemon will say, -t says first (SPEC 3: exit 1, FILE:LINE:COL).
run "$RSTWATCHD" -t -c "$conf" 2> "$dir/check.err"
rc=$?
if [ $rc -eq 1 ] && grep -q "$conf:$badline:3: .*max_syn_retransmision" "$dir/check.err"; then
	pass "broken file: -t exits 1: $(head -n 1 "$dir/check.err")"
else
	fail "broken file: -t exit $rc: $(cat "$dir/check.err")"
fi
run kill -HUP "$daemon_pid"
if line=$(wait_for "$m" 3 "]: $conf:$badline:3: "); then
	case $line in
	*max_syn_retransmision*) pass "broken reload: $(msg_of "$line")" ;;
	*) fail "broken reload: the error does not name the key: $line" ;;
	esac
	check_pri "broken reload error" "$line" err
else
	fail "broken reload: no \"$conf:$badline:3: ...\" line"
	tail -n +"$((m + 1))" "$syslog" | sed 's/^/    /'
fi
says "broken reload" 3 "]: reload of $conf failed; keeping the running configuration" err
if wait_for "$m" 0 "]: configuration reloaded" > /dev/null; then
	fail "broken reload: it says \"configuration reloaded\" anyway"
fi
m=$(mark)
client_bg refused4b refused "$srv4" 91 41012
client_bg syn81c syn "$srv4" 81 41013 8
after_client refused4b refused "syn_refused after reload" \
    "after the broken reload: syn_refused still enabled" \
    "kind=syn_refused severity=notice proto=tcp src=$cli4 sport=41012 dst=$srv4 dport=91" \
    by=dst
expect_alert "after the broken reload: SYN threshold still 1" "$m" 6 warning \
    "kind=syn_retransmit severity=warning proto=tcp src=$cli4 sport=41013 dst=$srv4 dport=81" \
    syn_retransmits=1 threshold=1 listening=no
run kill "${client_pid[syn81c]}" 2>/dev/null

# ---------------------------------------------------------------------------
# SIGUSR1: logrotate moves the JSON file away and creates a new one; the
# daemon (as nobody) reopens it and writes the next alert there.

m=$(mark)
run mv "$dir/events.jsonl" "$dir/events.jsonl.1"
run install -m 644 -o nobody /dev/null "$dir/events.jsonl"
run kill -USR1 "$daemon_pid"
if line=$(wait_for "$m" 3 "]: reopened $dir/events.jsonl"); then
	pass "SIGUSR1: $(msg_of "$line")"
else
	daemon_alive
	fail "SIGUSR1: no \"reopened\" line"
fi
n_cli "$PY" "$HELPER" refused "$srv4" 90 41014 > /dev/null 2>&1
if wait_file "$dir/events.jsonl" 3 '"kind":"syn_refused".*"sport":41014'; then
	pass "SIGUSR1: the next alert went to the new file"
else
	fail "SIGUSR1: no syn_refused for sport 41014 in the new file"
fi
if grep -q '"sport":41014' "$dir/events.jsonl.1"; then
	fail "SIGUSR1: the old file still receives lines"
else
	pass "SIGUSR1: the old file no longer receives lines"
fi

# ---------------------------------------------------------------------------
# capture_drop: the daemon stops reading (SIGSTOP) while a flood fills its
# 1 MiB capture buffer; once it runs again, pcap_stats shows the kernel's
# drops and a capture_drop alert names the interface.

m=$(mark)
run kill -STOP "$daemon_pid"
n_cli "$PY" "$HELPER" flood "$srv4" 5400 60000 > "$dir/flood.out" 2>&1 ||
    fail "capture_drop: the flood did not run: $(cat "$dir/flood.out")"
run kill -CONT "$daemon_pid"
if line=$(wait_for "$m" 5 "]: kind=capture_drop severity=warning dropped="); then
	msg=$(msg_of "$line")
	if printf '%s\n' "$msg" | grep -Eq '^kind=capture_drop severity=warning dropped=[1-9][0-9]* received=[0-9]+ iface=veth1 msg="'; then
		pass "capture_drop: $msg"
	else
		fail "capture_drop: unexpected line: $msg"
	fi
	check_pri "capture_drop" "$line" warning
else
	daemon_alive
	fail "capture_drop: no alert within 5 s of a flood while stopped"
fi

# ---------------------------------------------------------------------------
# SIGTERM: exit 0 within a few seconds, final statistics.

# systemctl status: from the start, STATUS= lines every few seconds, with
# packet and flow counts that grew in between.
cat "$dir/notify.before-reload" "$notify" > "$dir/notify.all"
if msg=$(sh "$HERE/notify_status.sh" "$dir/notify.all"); then
	pass "status: $msg"
else
	fail "status: $msg"
fi

m=$(mark)
: > "$notify"
stop_daemon SIGTERM 5
says SIGTERM 2 "]: received signal 15, stopping"
says SIGTERM 2 "]: stopped: packets=" info
if grep -q ' STOPPING=1$' "$notify"; then
	pass "SIGTERM: STOPPING=1 on \$NOTIFY_SOCKET"
else
	fail "SIGTERM: no STOPPING=1 on \$NOTIFY_SOCKET"
fi

# ---------------------------------------------------------------------------
# The whole run: one story per flow, nothing about the clean traffic, the
# right facility and ident on every line, every alert within a second of
# its packet.

# kinds SPORT: the alert kinds for the flow with that source port, sorted.
kinds() {
	grep "]: kind=.* sport=$1 " "$syslog" | sed 's/.*]: kind=\([a-z_]*\) .*/\1/' |
	    sort | tr '\n' ' ' | sed 's/ $//'
}
story() {
	expect_eq "one story: sport $1 ($3)" "$(kinds "$1")" "$2"
}
story 41001 syn_retransmit "SYN dropped"
story 41002 syn_retransmit "SYN dropped, listening"
story 41003 syn_retransmit "SYN lost in the path"
story 41004 syn_refused "closed port"
story 41005 syn_refused "closed port IPv6"
story 41006 "data_retransmit loss_reset" "data dropped then RST"
story 41007 app_reset "application RST"
story 41008 icmp_unreachable "UDP closed port"
story 41009 icmp_unreachable "TCP prohibited"
story 41010 "data_retransmit loss_reset" "reload in progress"
story 41011 syn_retransmit "SYN dropped after the reload"
story 41012 syn_refused "closed port after the broken reload"
story 41013 syn_retransmit "SYN dropped after the broken reload"
story 41014 syn_refused "closed port after SIGUSR1"

# What output.json.path received, across the rotation.
cat "$dir/events.jsonl.1" "$dir/events.jsonl" > "$dir/events.all"

n=$(grep -Ec ']: kind=.* (dport=80|dport=5300|sport=4200[12]) ' "$syslog")
if [ "$n" -eq 0 ]; then
	pass "clean: no alert about the clean flows over the whole run"
else
	fail "clean: $n alerts about the clean flows:"
	grep -E ']: kind=.* (dport=80|dport=5300|sport=4200[12]) ' "$syslog" | sed 's/^/    /'
fi
flows80=$("$PY" "$HELPER" flows "$dir/events.all" tcp 80 | sort | uniq -c | sed 's/^ *//')
if [ "$flows80" = "6 SF graceful" ]; then
	pass "clean: 6 flow records \"SF graceful\" for port 80"
else
	fail "clean: flow records for port 80: ${flows80//$'\n'/; }"
fi
nudp=$("$PY" "$HELPER" flows "$dir/events.all" udp 5300 | wc -l)
if [ "$nudp" -eq 2 ]; then
	pass "clean: 2 UDP flow records for port 5300"
else
	fail "clean: $nudp UDP flow records for port 5300, wanted 2"
fi

# Before the first reload rstwatchd as daemon (3), after it rstwatchd-e2e
# as local3 (19); nothing else.
bad=$(awk '{
	p = $2; sub(/^</, "", p); sub(/>.*/, "", p); id = $5; sub(/\[.*/, "", id)
	if (!((id == "rstwatchd" && int(p / 8) == 3) ||
	    (id == "rstwatchd-e2e" && int(p / 8) == 19)))
		print
    }' "$syslog")
if [ -z "$bad" ]; then
	pass "syslog: all $(wc -l < "$syslog") lines daemon.* as rstwatchd, then local3.* as rstwatchd-e2e"
else
	fail "syslog: lines with another facility or ident: $bad"
fi

if "$PY" "$HELPER" latency "$syslog" "$dir/events.all" > "$dir/latency.txt"; then
	max=$(awk '$3 > m { m = $3 } END { print m + 0 }' "$dir/latency.txt")
	cnt=$(wc -l < "$dir/latency.txt")
	if awk -v x="$max" 'BEGIN { exit !(x < 1000) }'; then
		pass "latency: $cnt alerts, packet to syslog at most $max ms"
	else
		fail "latency: packet to syslog up to $max ms:"
		sed 's/^/    /' "$dir/latency.txt"
	fi
	notes+=("packet time (JSON ts) to syslog arrival: max $max ms over $cnt alerts")
else
	fail "latency: JSON events without a syslog line: $(grep unmatched "$dir/latency.txt")"
fi

# -j: standard output carries the same JSON lines as output.json.path, and
# nothing else.
nj=$(grep -c '^{.*}$' "$dir/daemon.out")
if [ "$nj" -gt 0 ] && [ "$nj" -eq "$(wc -l < "$dir/daemon.out")" ] &&
    cmp -s "$dir/daemon.out" "$dir/events.all"; then
	pass "-j: $nj JSON lines on standard output, the same as output.json.path"
else
	fail "-j: standard output ($(wc -l < "$dir/daemon.out") lines, $nj JSON) differs from output.json.path:"
	diff "$dir/daemon.out" "$dir/events.all" | head -10 | sed 's/^/    /'
fi
# The live daemon's lines (iface, listening, capture_drop: keys no pcap
# case has) follow the documented schema, rstwatchd-json(5).
if "$PY" "$HERE/../pcap/schema.py" "$dir/daemon.out" > "$dir/schema.txt" 2>&1; then
	pass "-j: every line valid in the JSON-lines schema"
else
	fail "-j: the JSON-lines schema:"
	grep -v '^schema: ' "$dir/schema.txt" | head -10 | sed 's/^/    /'
fi

if grep -Eq 'Sanitizer|runtime error|LeakSanitizer' "$dir/daemon.err"; then
	fail "sanitizer: reports in the daemon's stderr:"
	sed 's/^/    /' "$dir/daemon.err" | head -40
else
	pass "daemon stderr: no sanitizer report"
fi

for x in "${notes[@]}"; do
	echo "note: $x"
done
echo "netns: run took $(($(now_ms) - t_start)) ms"
echo "netns: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
