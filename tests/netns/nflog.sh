#!/bin/bash
# Live capture on Linux NFLOG: rstwatchd -i nflog:5 sees what an nftables
# rule logs to group 5, and reads it like any capture.
#
#	bash tests/netns/nflog.sh RSTWATCHD	(KEEP=1 keeps the scratch dir)
#
#   rw-nflog-$$ (one namespace, loopback only)
#  +-------------------------------------------------------------+
#  | nft output: tcp port 81 and tcp port 80 -> log group 5       |
#  | python3 connects to 127.0.0.1:81 (nothing listens: RST)      |
#  |   and to 127.0.0.1:80 (a listener that resets: SO_LINGER 0)  |
#  | rstwatchd -f -j -v -i nflog:5  (as root: NFLOG needs it)     |
#  +-------------------------------------------------------------+
#
# On loopback every packet passes the output hook once, so the log holds
# each exactly once.  libpcap cannot filter NFLOG: the capture runs with
# no built-in filter ("capturing on nflog:5 linktype=NFLOG filter=""").
# Checks: the capture line; a syn_refused for :81 and an app_reset for :80
# with the right ports, from JSON on standard output; exit 0 on SIGTERM,
# with the flow records; nothing unexpected on stderr.
# Last line: "nflog: N passed, M failed"; exit status 1 when M > 0, 2 when
# the test cannot run (not root, no nft, no network namespaces).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"

SUITE=nflog
NEEDS="nft and python3"
. "$(dirname "$0")/lib.sh"

ns=rw-nflog-$$
require ip nft
trap_cleanup 'end_suite "$ns"'
scratch nflog

ip netns add "$ns" && ip -n "$ns" link set lo up ||
    loud "cannot make a network namespace"
if ! ip netns exec "$ns" nft -f - <<'NFT'
table inet rwlog {
	chain out {
		type filter hook output priority 0;
		tcp dport { 80, 81 } log group 5
		tcp sport { 80, 81 } log group 5
	}
}
NFT
then
	loud "cannot load the nftables rules"
fi

cat >"$dir/conf.yaml" <<'YAML'
events:
  syn_refused: { cooldown: 0 }
  app_reset: { cooldown: 0 }
daemon:
  user: root
  stats_interval: 0
YAML

spawn ip netns exec "$ns" "$RSTWATCHD" -f -j -v -i nflog:5 -c "$dir/conf.yaml" \
    >"$dir/out.jsonl" 2>"$dir/err.txt"
daemon_pid=$!

if wait_file "$dir/err.txt" 10 'capturing on nflog:5 linktype=NFLOG filter=""'; then
	pass "capture line for nflog:5 with an empty filter"
else
	fail "no capture line for nflog:5 with an empty filter; stderr:"
	sed -n '1,5s/^/    /p' "$dir/err.txt"
fi

ip netns exec "$ns" python3 - <<'PY' >"$dir/client.txt" 2>&1
import socket, struct, time

# :81, nothing listens: the kernel answers the SYN with RST/ACK.
s = socket.socket()
try:
    s.connect(("127.0.0.1", 81))
except ConnectionRefusedError:
    print("refused")
s.close()

# :80, a listener that aborts the connection once data came.
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", 80))
ls.listen(1)
c = socket.create_connection(("127.0.0.1", 80))
a, _ = ls.accept()
c.sendall(b"hello")
time.sleep(0.05)
a.recv(5)
a.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
a.close()
time.sleep(0.05)
print("reset")
PY
if grep -q '^refused$' "$dir/client.txt" && grep -q '^reset$' "$dir/client.txt"; then
	pass "the client was refused and reset"
else
	fail "the client did not run as planned:"
	sed 's/^/    /' "$dir/client.txt"
fi

if wait_file "$dir/out.jsonl" 5 '"kind":"syn_refused".*"dport":81'; then
	pass "syn_refused for :81 from NFLOG"
else
	fail "no syn_refused for :81 from NFLOG"
fi
if wait_file "$dir/out.jsonl" 5 '"kind":"app_reset".*"dport":80'; then
	pass "app_reset for :80 from NFLOG"
else
	fail "no app_reset for :80 from NFLOG"
fi

stop_daemon stop 10
if grep -q '"type":"flow".*"dport":81.*"conn_state":"REJ"' "$dir/out.jsonl" &&
    grep -q '"type":"flow".*"dport":80' "$dir/out.jsonl"; then
	pass "flow records of :81 (REJ) and :80"
else
	fail "flow records missing:"
	sed 's/^/    /' "$dir/out.jsonl"
fi
# Each packet logged once: no duplicates counted, nothing undecoded.
if grep -Eq 'ERROR|Sanitizer|runtime error|decode ' "$dir/err.txt"; then
	fail "stderr has errors or undecoded packets:"
	grep -E 'ERROR|Sanitizer|runtime error|decode ' "$dir/err.txt" |
	    sed -n '1,5s/^/    /p'
else
	pass "stderr: no error, nothing undecoded"
fi

echo "nflog: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
