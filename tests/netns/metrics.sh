#!/bin/bash
# The Prometheus endpoint of the live rstwatchd (metrics.listen): a real
# Prometheus server scrapes it, promtool lints it, hostile clients try to
# wear it down while a staged failure must still be alerted at once.
#
#	bash tests/netns/metrics.sh RSTWATCHD	(VERBOSE=1 echoes every command,
#						 KEEP=1 keeps the scratch directory)
#
#   rm-cli-$$ (client)                         rm-srv-$$ (server)
#  +------------------------------+             +--------------------------------+
#  | 10.8.0.1/24            veth0 +-------------+ veth1 10.8.0.2/24              |
#  | prometheus on 127.0.0.1:19090|  veth pair  |  ^ rstwatchd -f -i veth1,      |
#  |   scrapes 10.8.0.2:10089     |             |    metrics.listen 10.8.0.2:10089|
#  | curl, metrics_helper.py      |             |    as nobody, own mount ns     |
#  |   (slowloris, big headers,   |             | nothing listens on :9 :10 :11  |
#  |   idle connections), SYNs to |             +----------------|---------------+
#  |   closed ports, tcpreplay    |                              | /dev/log
#  +------------------------------+   host: $dir/dev/log <- helper.py recv
#
# Phases: -t on good and bad metrics.listen values; start; a second daemon
# on the same port fails to start (status 2); the endpoint (200, content
# type, promtool check metrics, 404, 501, HEAD); Prometheus scrapes and, after
# a SYN to a closed port (syn_refused), a query returns 1; the top table
# names the service; hostile clients (slowloris past the connection limit,
# a huge header, many idle connections) while a second staged failure is
# alerted within a second and the daemon's descriptors stay bounded; the
# endpoint serves again after the deadline; a reload moves the endpoint to
# another port, a broken reload is counted; a million flows in the table
# and the time to serve them; SIGTERM.
# Last line: "metrics: N passed, M failed"; exit status 1 when M > 0, 2 when
# the test cannot run at all (not root, no namespaces, missing tools).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=metrics
NEEDS="curl, python3 and prometheus (promtool)"
. "$(dirname "$0")/lib.sh"
MHELPER=$HERE/metrics_helper.py

cli=rm-cli-$$ srv=rm-srv-$$
port=10089 port2=10090 promport=19090
# daemon/metrics.h
max_conn=16 deadline=10
# A million flows (flows.max_flows is 1048576 here) and the bound on the
# time to serve the text with them.
nflows=1000000 serve_ms=10
prom_pid=
notes=()

cleanup() {
	stop_pid "$prom_pid"
	end_suite "$cli" "$srv"
}

daemon_alive() {
	[ -z "$daemon_pid" ] || running "$daemon_pid" && return 0
	fail "the daemon (pid $daemon_pid) died; its stderr:"
	sed 's/^/    /' "$dir/daemon.err" | tail -n 30
	daemon_pid=
	echo "metrics: $passed passed, $failed failed"
	exit 1
}

# staged DESC DPORT SPORT: one check, a connection from SPORT to a closed
# DPORT is alerted (syn_refused) within 1 s.
staged() {
	local m t0 line flow

	flow="proto=tcp src=$cli4 sport=$3 dst=$srv4 dport=$2"
	m=$(mark)
	t0=$(now_ms)
	n_cli "$PY" "$HELPER" refusedn "$srv4" "$2" "$3" 1 > /dev/null
	if line=$(wait_for "$m" 1 "kind=syn_refused severity=notice $flow "); then
		pass "$1: alerted after $(($(now_ms) - t0)) ms: ${line#*]: }"
	else
		daemon_alive
		fail "$1: no syn_refused alert within 1 s"
	fi
}

# reload PASS STRING FAIL: SIGHUP; a syslog line with STRING follows
# within 5 s (check PASS), or the check FAIL fails.
reload() {
	local m

	m=$(mark)
	kill -HUP "$daemon_pid"
	if wait_for "$m" 5 "$2" > /dev/null; then
		pass "$1"
	else
		daemon_alive
		fail "$3"
	fi
}

# scrape [PORT]: GET /metrics from the client namespace into $dir/scrape.txt;
# prints "CODE SECONDS".
scrape() {
	ip netns exec "$cli" curl -s -m 5 -o "$dir/scrape.txt" \
	    -w '%{http_code} %{time_total}\n' "http://$srv4:${1:-$port}/metrics"
}

# value NAME{LABELS}: the sample's value in the last scrape.
value() {
	awk -v k="$1" '$1 == k { print $2; f = 1; exit } END { if (!f) print "none" }' \
	    "$dir/scrape.txt"
}

# promql EXPR: the value of an instant query to the Prometheus server, or
# "none" when the result is empty.
promql() {
	ip netns exec "$cli" curl -s -m 5 -G \
	    "http://127.0.0.1:$promport/api/v1/query" --data-urlencode "query=$1" |
	    "$PY" -c 'import json, sys
r = json.load(sys.stdin)["data"]["result"]
print(r[0]["value"][1] if r else "none")' 2>/dev/null || echo none
}

# wait_promql SECONDS EXPR WANT: poll until the query returns WANT.
wait_promql() {
	local end=$(($(now_ms) + $1 * 1000)) v

	while :; do
		v=$(promql "$2")
		[ "$v" = "$3" ] && { echo "$v"; return 0; }
		[ "$(now_ms)" -ge "$end" ] && { echo "$v"; return 1; }
		sleep 0.2
	done
}

# write_conf FILE LISTEN: the daemon's configuration.
write_conf() {
	{
		echo "# rstwatchd metrics test, $(date)"
		echo "capture:"
		echo "  interfaces: [veth1]"
		echo "  buffer_size: 64M"
		echo "flows:"
		echo "  max_flows: 1048576"
		echo "output:"
		echo "  syslog:"
		echo "    facility: daemon"
		conf_daemon
		echo "metrics:"
		echo "  listen: \"$2\""
		echo "  top_services: 5"
	} | put_conf "$1"
}

# start_daemon CONF OUT ERR: rstwatchd -f in the server namespace with the
# scratch /dev (for /dev/log) in a private mount namespace; pid in $!.
start_daemon() {
	spawn "${DEVNS[@]}" "$dir" ip netns exec "$srv" "$RSTWATCHD" -f -c "$1" \
	    > "$2" 2> "$3"
}

# ---------------------------------------------------------------------------
# Preconditions: loud, never a silent skip.

require ip unshare mount awk curl tcpreplay promtool prometheus ss
need_daemon "$HELPER" "$MHELPER"

trap_cleanup cleanup

scratch metrics

# ---------------------------------------------------------------------------
# Topology.

pair_up "$cli4/24" "$srv4/24"

recv_syslog

# ---------------------------------------------------------------------------
# -t: the form of metrics.listen is checked; whether the port is free is
# not (it cannot be known before the start).

write_conf "$conf" "$srv4:$port"
if run "$RSTWATCHD" -t -c "$conf" 2> "$dir/check.err"; then
	pass "-t accepts metrics.listen: \"$srv4:$port\""
else
	loud "rstwatchd -t rejects the test configuration: $(cat "$dir/check.err")"
fi
for bad in "$srv4:99999" "$srv4" "localhost:$port" "[$srv4]:$port"; do
	write_conf "$dir/bad.yaml" "$bad"
	run "$RSTWATCHD" -t -c "$dir/bad.yaml" 2> "$dir/check.err"
	rc=$?
	if [ $rc = 1 ] && grep -q "$dir/bad.yaml:[0-9]*:[0-9]*: metrics.listen: " "$dir/check.err"; then
		pass "-t rejects \"$bad\": $(head -1 "$dir/check.err")"
	else
		fail "-t on \"$bad\": status $rc, $(cat "$dir/check.err")"
	fi
done

# ---------------------------------------------------------------------------
# Start.

m=$(mark)
start_daemon "$conf" "$dir/daemon.out" "$dir/daemon.err"
daemon_pid=$!
if line=$(wait_for "$m" 10 "]: started, version "); then
	pass "start: ${line#*]: }"
else
	fail "start: no \"started, version\" line within 10 s; stderr:"
	sed 's/^/    /' "$dir/daemon.err"
	echo "metrics: $passed passed, $failed failed"
	exit 1
fi
if wait_for "$m" 1 "]: metrics on http://$srv4:$port/metrics" > /dev/null; then
	pass "start: logs \"metrics on http://$srv4:$port/metrics\""
else
	fail "start: no \"metrics on\" line"
fi

# The same port a second time: a failed start, with the reason.
start_daemon "$conf" "$dir/second.out" "$dir/second.err"
second=$!
end=$(($(now_ms) + 10000))
while running "$second" && [ "$(now_ms)" -lt "$end" ]; do
	sleep 0.05
done
wait "$second"
rc=$?
if [ $rc = 2 ] && grep -q "metrics.listen $srv4:$port: cannot listen: Address already in use" "$dir/second.err"; then
	pass "a second daemon on the same port fails to start (status 2): $(grep -m1 'cannot listen' "$dir/second.err")"
else
	fail "a second daemon on the same port: status $rc, stderr: $(cat "$dir/second.err")"
fi

# ---------------------------------------------------------------------------
# The endpoint.

read -r code secs < <(scrape)
if [ "$code" = 200 ]; then
	pass "GET /metrics: 200 in $secs s"
else
	fail "GET /metrics: $code"
fi
ctype=$(n_cli curl -s -m 5 -o /dev/null -w '%{content_type}' "http://$srv4:$port/metrics")
if [ "$ctype" = "text/plain; version=0.0.4; charset=utf-8" ]; then
	pass "Content-Type: $ctype"
else
	fail "Content-Type: \"$ctype\""
fi
if out=$(promtool check metrics < "$dir/scrape.txt" 2>&1) && [ -z "$out" ]; then
	pass "promtool check metrics: clean ($(grep -vc '^#' "$dir/scrape.txt") samples)"
else
	fail "promtool check metrics: $out"
fi
for want in 'rstwatchd_build_info{version="' 'rstwatchd_capture_up{interface="veth1"} 1' \
    'rstwatchd_flows_max 1048576' 'rstwatchd_alerts_undelivered_total{output="syslog"} 0'; do
	if grep -qF "$want" "$dir/scrape.txt"; then pass "has $want"; else fail "no $want"; fi
done
for req in "404 /nothing" "404 /metrics/x" "501 -X POST /metrics" "501 -X PUT /metrics"; do
	set -- $req
	want=$1
	shift
	args=("$@")
	path=${args[${#args[@]}-1]}
	unset 'args[${#args[@]}-1]'
	got=$(n_cli curl -s -m 5 -o /dev/null -w '%{http_code}' "${args[@]}" "http://$srv4:$port$path")
	if [ "$got" = "$want" ]; then pass "${args[*]} $path: $got"; else fail "${args[*]} $path: $got, wanted $want"; fi
done
got=$(n_cli curl -s -m 5 -I -o /dev/null -w '%{http_code} %{size_download}' "http://$srv4:$port/metrics")
if [ "$got" = "200 0" ]; then pass "HEAD /metrics: 200, no body"; else fail "HEAD /metrics: $got"; fi

# ---------------------------------------------------------------------------
# A real Prometheus scrapes it; a staged failure shows in a query.

cat > "$dir/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: rstwatchd
    static_configs:
      - targets: ['$srv4:$port']
EOF
spawn ip netns exec "$cli" prometheus --config.file="$dir/prometheus.yml" \
    --storage.tsdb.path="$dir/tsdb" --web.listen-address="127.0.0.1:$promport" \
    > "$dir/prometheus.log" 2>&1
prom_pid=$!
if v=$(wait_promql 30 'up{job="rstwatchd"}' 1); then
	pass "prometheus scrapes the daemon: up == 1"
else
	fail "prometheus: up is $v after 30 s; log:"
	tail -n 10 "$dir/prometheus.log" | sed 's/^/    /'
fi
v=$(promql 'sum(rstwatchd_events_total{kind="syn_refused"})')
if [ "$v" = 0 ]; then pass "before: syn_refused total is 0"; else fail "before: syn_refused total is $v"; fi

staged "staged failure" 9 41000
if v=$(wait_promql 20 'rstwatchd_events_total{kind="syn_refused",severity="notice"}' 1); then
	pass "prometheus query rstwatchd_events_total{kind=\"syn_refused\"} returns 1"
else
	fail "prometheus query rstwatchd_events_total{kind=\"syn_refused\"}: $v"
fi
if v=$(wait_promql 5 'rstwatchd_alerts_total{kind="syn_refused"}' 1); then
	pass "prometheus: rstwatchd_alerts_total{kind=\"syn_refused\"} 1"
else
	fail "prometheus: rstwatchd_alerts_total{kind=\"syn_refused\"} $v"
fi
if v=$(wait_promql 5 "rstwatchd_service_failures_total{address=\"$srv4\",port=\"9\",proto=\"tcp\"}" 1); then
	pass "top_services: the refused service has its series"
else
	fail "top_services: rstwatchd_service_failures_total for $srv4:9 is $v"
fi

# ---------------------------------------------------------------------------
# Hostile clients; the capture goes on and the limits hold.

fds_before=$(ls "/proc/$daemon_pid/fd" | wc -l)
t_attack=$(now_ms)
spawn ip netns exec "$cli" "$PY" "$MHELPER" slowloris "$srv4" "$port" 24 \
    $((deadline + 6)) > "$dir/slowloris.out" 2>&1
slow=$!
# The slow ones first, so that they hold the connection slots.
sleep 1
spawn ip netns exec "$cli" "$PY" "$MHELPER" hold "$srv4" "$port" 100 \
    $((deadline + 4)) > "$dir/hold.out" 2>&1
hold=$!
big=$(n_cli "$PY" "$MHELPER" bigheader "$srv4" "$port" 100000)
case $big in
"HTTP/1.1 400 "*|"HTTP/1.1 413 "*|closed) pass "a 100 KB header: $big" ;;
*) fail "a 100 KB header: $big" ;;
esac
# Let the connections pile up, then see what the daemon holds.
sleep 2
fds_during=$(ls "/proc/$daemon_pid/fd" | wc -l)
if [ $((fds_during - fds_before)) -le $max_conn ]; then
	pass "under attack the daemon holds $((fds_during - fds_before)) more descriptors (limit $max_conn)"
else
	fail "under attack the daemon holds $((fds_during - fds_before)) more descriptors (limit $max_conn)"
fi
staged "under attack, a staged failure" 10 42000
wait "$slow" "$hold"
read -r sl < "$dir/slowloris.out"
closed=$(printf '%s\n' "$sl" | sed -n 's/.*closed=\([0-9]*\).*/\1/p')
case $sl in
*" answered=0 "*) [ "${closed:-0}" -gt 0 ] ;;
*) false ;;
esac && pass "slowloris: never answered, the deadline closed those let in ($sl)" ||
    fail "slowloris: $sl"
notes+=("idle connections: $(cat "$dir/hold.out")")
# Once the clients are gone, the endpoint answers again at once.
t0=$(now_ms)
end=$(($(now_ms) + 5000))
while :; do
	read -r code secs < <(scrape)
	[ "$code" = 200 ] && break
	[ "$(now_ms)" -ge "$end" ] && break
	sleep 0.2
done
if [ "$code" = 200 ]; then
	pass "after the attack the endpoint answers within $(($(now_ms) - t0)) ms ($(($(now_ms) - t_attack)) ms after it began)"
else
	fail "after the attack: GET /metrics gives $code"
fi
v=$(value rstwatchd_metrics_deadline_closed_total)
if [ "$v" != none ] && [ "$v" -gt 0 ]; then pass "rstwatchd_metrics_deadline_closed_total $v"; else fail "rstwatchd_metrics_deadline_closed_total $v"; fi
v=$(value rstwatchd_metrics_connection_limit_total)
if [ "$v" != none ] && [ "$v" -gt 0 ]; then pass "rstwatchd_metrics_connection_limit_total $v"; else fail "rstwatchd_metrics_connection_limit_total $v"; fi
v=$(value 'rstwatchd_events_total{kind="syn_refused",severity="notice"}')
if [ "$v" = 2 ]; then pass "both staged failures counted"; else fail "syn_refused total $v, wanted 2"; fi

# ---------------------------------------------------------------------------
# Reload: a new port is bound, the old one closed; a broken file is counted.

write_conf "$conf" "$srv4:$port2"
reload "reload with metrics.listen $srv4:$port2" "]: configuration reloaded from " \
    "reload: no \"configuration reloaded\" line"
read -r code secs < <(scrape "$port2")
if [ "$code" = 200 ]; then pass "after the reload :$port2 answers"; else fail "after the reload :$port2 gives $code"; fi
v=$(value 'rstwatchd_config_reloads_total{result="success"}')
if [ "$v" = 1 ]; then pass "reloads: 1 success"; else fail "reloads success: $v"; fi
code=$(n_cli curl -s -m 2 -o /dev/null -w '%{http_code}' "http://$srv4:$port/metrics")
if [ "$code" = 000 ]; then pass "after the reload :$port is closed"; else fail "after the reload :$port gives $code"; fi
echo "metrics: { listen: [oops] }" >> "$conf"
reload "a broken reload is refused" "keeping the running configuration" \
    "a broken reload: no refusal logged"
read -r code secs < <(scrape "$port2")
if [ "$(value 'rstwatchd_config_reloads_total{result="failure"}')" = 1 ] &&
    [ "$(value rstwatchd_config_last_reload_successful)" = 0 ]; then
	pass "reloads: 1 failure, last_reload_successful 0"
else
	fail "reloads after a broken file: $(grep reload "$dir/scrape.txt" | grep -v '^#')"
fi

# ---------------------------------------------------------------------------
# A million flows: the text does not depend on them.

run "$PY" "$MHELPER" flows "$dir/flows.pcap" "$nflows" > /dev/null ||
    loud "cannot write $dir/flows.pcap"
n_cli tcpreplay -q -t -i veth0 "$dir/flows.pcap" > "$dir/tcpreplay.out" 2>&1 ||
    fail "tcpreplay: $(tail -2 "$dir/tcpreplay.out")"
end=$(($(now_ms) + 20000))
while :; do
	scrape "$port2" > /dev/null
	active=$(value rstwatchd_flows_active)
	[ "$active" != none ] && [ "$active" -ge $((nflows * 9 / 10)) ] && break
	[ "$(now_ms)" -ge "$end" ] && break
	sleep 0.5
done
dropped=$(value 'rstwatchd_packets_dropped_total{interface="veth1"}')
if [ "$active" != none ] && [ "$active" -ge $((nflows * 9 / 10)) ]; then
	pass "flows in the table: $active (kernel drops: $dropped)"
else
	fail "flows in the table: $active, wanted at least $((nflows * 9 / 10)) (kernel drops: $dropped)"
fi
times=()
for i in $(seq 20); do
	read -r code secs < <(scrape "$port2")
	times+=("$(awk -v s="$secs" 'BEGIN { printf "%.3f", s * 1000 }')")
done
median=$(printf '%s\n' "${times[@]}" | sort -n | sed -n 10p)
worst=$(printf '%s\n' "${times[@]}" | sort -n | tail -1)
notes+=("with $active flows: GET /metrics median $median ms, worst $worst ms of 20 (curl, connect included)")
if awk -v x="$median" -v b="$serve_ms" 'BEGIN { exit !(x < b) }'; then
	pass "with $active flows /metrics is served in $median ms (median of 20, worst $worst)"
else
	fail "with $active flows /metrics takes $median ms (median of 20), not under $serve_ms"
fi

# ---------------------------------------------------------------------------
# Stop.

stop_daemon SIGTERM 10
if grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' "$dir/daemon.err"; then
	fail "sanitizer report: $(grep -m3 'ERROR\|runtime error' "$dir/daemon.err")"
else
	pass "no sanitizer report"
fi

for n in "${notes[@]}"; do
	echo "note: $n"
done
echo "metrics: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
