#!/bin/sh
# tests/bench/run.sh: the benchmark of SPEC section 9, run by `make bench`
# (and `make bench-profile`); tests/bench/bench.mk sets the environment.
#
#   run.sh bench     generate the traces (cached in $BENCH_DIR while
#                    gentrace is unchanged), measure, print one table
#   run.sh ab        only the A/B of this rstwatchd and BENCH_OTHER on
#                    the two big traces
#   run.sh profile   profile rstwatchd's packet path on the big
#                    headers-only trace (perf, else callgrind)
#
# It is a measurement, not a test: a missed target prints FAIL and the
# exit status stays 0.  Only verdicts that differ from the ground truth
# (or a program that fails) make it exit 1.
#
# Figures per trace live in variables named TAG_name, set through eval.
# shellcheck disable=SC2154
set -eu

: "${RSTWATCHD:?}" "${BENCH_DIR:?}" "${GENTRACE:?}" "${PCAPREAD:?}" "${RUNSTAT:?}"
PACKETS=${BENCH_PACKETS:-10000000}
CONCURRENCY=${BENCH_CONCURRENCY:-}
SMALL=${BENCH_SMALL:-200000}
FLOOD=${BENCH_FLOOD:-1500000}
FLOOD_FLOWS=1048576
SEED=${BENCH_SEED:-1}
REPEAT=${BENCH_REPEAT:-3}
PROFILER=${BENCH_PROFILER:-perf}
# A second rstwatchd (built from another commit) to compare with, A/B.
OTHER=${BENCH_OTHER:-}
AB_REPEAT=${BENCH_AB_REPEAT:-5}
SIZES=${SIZES:-}
CONF=tests/bench/bench.yaml
SMALL_CONF=tests/bench/small.yaml
FLOOD_CONF=tests/bench/flood.yaml
EV_CONF=tests/bench/evidence.yaml
EV_HOLD_CONF=tests/bench/evidence_hold.yaml
ev_off_s='' ev_on_s='' ev_off_cpu='' ev_on_cpu='' ev_runs=''
evs_off_s='' evs_on_s='' evh_off_s='' evh_on_s=''
BIG_FLOWS=2097152	# flows.max_flows in bench.yaml
mode=${1:-bench}

[ -n "$CONCURRENCY" ] || CONCURRENCY=$(((PACKETS + 9) / 10))
SMALL_CONC=$(((SMALL + 9) / 10))
mkdir -p "$BENCH_DIR"
D=$BENCH_DIR
FULL=$D/trace-n$PACKETS-c$CONCURRENCY-s$SEED-full.pcap
CUT=$D/trace-n$PACKETS-c$CONCURRENCY-s$SEED-cut128.pcap
SMALLF=$D/trace-n$SMALL-c$SMALL_CONC-s$SEED-full.pcap
# The small trace again, every frame inside VXLAN: what decapsulation costs.
VXLANF=$D/trace-n$SMALL-c$SMALL_CONC-s$SEED-vxlan.pcap
FLOODF=$D/flood-n$FLOOD-s$SEED.pcap
failed=0
t_start=$(date +%s)
# Set by measure() through eval, one set per trace.
for tag in full cut small; do
	for v in floor_s rw_s rss_kb user_s sys_s fcpu_s cpu_s active evicted; do
		eval "${tag}_$v=''"
	done
done
read -r load_start _ < /proc/loadavg

log() {
	echo "bench: $*" >&2
}

# stat_get FILE KEY: a value from a runstat line.
stat_get() {
	tr ' ' '\n' < "$1" | sed -n "s/^$2=//p" | head -1
}

# truth_get FILE KEY [KEY2]
truth_get() {
	awk -v a="$2" -v b="${3:-}" '$1 == a && (b == "" || $2 == b) { print (b == "" ? $2 : $3); exit }' "$1"
}

# calc EXPR: floating point arithmetic, printed with %.6g.
calc() {
	awk "BEGIN { printf \"%.6g\", $1 }"
}

# si N: 1234567 -> 1.23M
si() {
	awk -v x="$1" 'BEGIN {
		if (x >= 1e9) printf "%.2fG", x / 1e9
		else if (x >= 1e6) printf "%.2fM", x / 1e6
		else if (x >= 1e3) printf "%.1fk", x / 1e3
		else printf "%.0f", x }'
}

# passfail OK-EXPR: PASS or FAIL.
passfail() {
	if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi
}

# gen FILE ARGS...: a trace and its truth, unless already there and newer
# than gentrace (traces are deterministic: same arguments, same bytes).
gen() {
	out=$1
	shift
	if [ -s "$out.truth" ] && [ -n "$(find "$out" -newer "$GENTRACE")" ]; then
		log "reusing $out"
		echo cached > "$out.gen"
		return
	fi
	rm -f "$out" "$out.truth" "$out.alerts"
	log "generating $out"
	"$RUNSTAT" "$out.gen" "$GENTRACE" "$@" -o "$out" >&2
}

# Traces of other sizes or seeds are gigabytes: keep only this run's.
prune() {
	for f in "$D"/trace-*.pcap "$D"/flood-*.pcap; do
		[ -e "$f" ] || continue
		case " $* " in
		*" $f "*) ;;
		*)	log "removing old $f"
			rm -f "$f" "$f".* ;;
		esac
	done
}

# run_one STAT OUT ERR CMD...: runs, fails the bench if the program does.
run_one() {
	st=$1 out=$2 err=$3
	shift 3
	if ! "$RUNSTAT" "$st" "$@" > "$out" 2> "$err"; then
		log "FAILED: $* (see $err)"
		cat "$err" >&2
		failed=1
		return 1
	fi
}

# measure TAG TRACE CONF: best of REPEAT runs of the floor and of
# `rstwatchd -r` as a user runs it (one text line per incident), alternating,
# output to /dev/null (what a file system costs is not the analyser's); then
# one more run with -j writing events and every flow record, checked against
# the truth.  Sets <TAG>_floor_s, <TAG>_rw_s, <TAG>_rss_kb,
# <TAG>_user_s, <TAG>_sys_s, <TAG>_verdict, <TAG>_counters, <TAG>_active.
measure() {
	tag=$1 trace=$2 conf=$3
	bf='' br='' rss=0 bu='' bs='' fu='' fs=''
	log "$tag: warming the page cache"
	"$PCAPREAD" "$trace" > /dev/null
	i=0
	while [ $i -lt "$REPEAT" ]; do
		i=$((i + 1))
		run_one "$D/$tag.floor.stat" "$D/$tag.floor.out" "$D/$tag.floor.err" \
		    "$PCAPREAD" "$trace" || return 0
		w=$(stat_get "$D/$tag.floor.stat" wall_s)
		if [ -z "$bf" ] || awk "BEGIN { exit !($w < $bf) }"; then
			bf=$w
			fu=$(stat_get "$D/$tag.floor.stat" user_s)
			fs=$(stat_get "$D/$tag.floor.stat" sys_s)
		fi
		run_one "$D/$tag.rw.stat" /dev/null "$D/$tag.rw.err" \
		    "$RSTWATCHD" -r "$trace" -c "$conf" -vv || return 0
		w=$(stat_get "$D/$tag.rw.stat" wall_s)
		r=$(stat_get "$D/$tag.rw.stat" maxrss_kb)
		[ "$r" -gt "$rss" ] && rss=$r
		if [ -z "$br" ] || awk "BEGIN { exit !($w < $br) }"; then
			br=$w
			bu=$(stat_get "$D/$tag.rw.stat" user_s)
			bs=$(stat_get "$D/$tag.rw.stat" sys_s)
			# The two threads of -r, from -vv: which one sets the pace.
			eval "${tag}_threads='$(sed -n 's/.*seconds: //p' "$D/$tag.rw.err" | head -1)'"
		fi
		log "$tag: run $i: floor $(stat_get "$D/$tag.floor.stat" wall_s) s, rstwatchd $w s"
	done
	log "$tag: checking the verdicts against $trace.truth"
	run_one "$D/$tag.json.stat" "$D/$tag.jsonl" "$D/$tag.log" \
	    "$RSTWATCHD" -r "$trace" -j -v -c "$conf" || return 0
	if sh tests/bench/verify.sh "$trace.truth" "$trace.alerts" \
	    "$D/$tag.jsonl" > "$D/$tag.verify"; then :; else
		failed=1
	fi
	eval "${tag}_floor_s=$bf ${tag}_rw_s=$br ${tag}_rss_kb=$rss"
	eval "${tag}_user_s=$bu ${tag}_sys_s=$bs"
	eval "${tag}_fcpu_s=$(calc "$fu + $fs") ${tag}_cpu_s=$(calc "$bu + $bs")"
	eval "${tag}_active=$(sed -n 's/.*max_active=\([0-9]*\).*/\1/p' "$D/$tag.log")"
	eval "${tag}_evicted=$(sed -n 's/.* evicted=\([0-9]*\).*/\1/p' "$D/$tag.log")"
}

# memtouch: how fast the machine gives fresh memory (first touch of 256
# MiB) against writing it again, "FRESH (again AGAIN)" in GB/s.  A VM
# that returns freed memory to its host makes the first touch slow, and
# every -r run pays it for its tables: a figure to read the times by.
memtouch() {
	"$MEMTOUCH" 256 | awk -F'[= ]' '{ printf "%s (again %s)", $2, $4 }'
}

# measure_evidence CONF: what evidence costs -r on the headers-only trace.
# The same configuration without and with -w, alternating, REPEAT times
# each (at least 5): medians of wall and CPU seconds, since the machine is
# shared.  Sets ev_off_s ev_on_s ev_off_cpu ev_on_cpu ev_off_a ev_on_a,
# and ev_runs (every run's figures).
# The files go to a memory file system where there is one: the figure is
# the packet path's, and creating files where a thousand were just
# deleted costs ext4 a scan of its recently deleted inodes per file.
measure_evidence() {
	ev_conf=$1
	n=$REPEAT
	[ "$n" -ge 5 ] || n=5
	: > "$D/ev.runs"
	ev_dir=$D/evidence
	if [ -d /dev/shm ] && [ -w /dev/shm ]; then
		ev_dir=/dev/shm/rstwatchd-bench-evidence.$$
	fi
	i=0
	while [ $i -lt "$n" ]; do
		i=$((i + 1))
		for m in off on; do
			rm -rf "$ev_dir"
			if [ $m = on ]; then
				set -- -w "$ev_dir"
			else
				set --
			fi
			run_one "$D/ev.$m.stat" /dev/null "$D/ev.$m.err" \
			    "$RSTWATCHD" -r "$CUT" -c "$ev_conf" -vv "$@" || return 0
			w=$(stat_get "$D/ev.$m.stat" wall_s)
			c=$(calc "$(stat_get "$D/ev.$m.stat" user_s) + $(stat_get "$D/ev.$m.stat" sys_s)")
			a=$(sed -n 's/.*seconds: analysis CPU \([0-9.]*\).*/\1/p' "$D/ev.$m.err" | head -1)
			echo "$m $w $c $a" >> "$D/ev.runs"
			log "evidence $m ($ev_conf): run $i: $w s, CPU $c s (analysis thread $a s)"
		done
	done
	rm -rf "$ev_dir"
	ev_off_s=$(awk '$1 == "off" { print $2 }' "$D/ev.runs" | median)
	ev_on_s=$(awk '$1 == "on" { print $2 }' "$D/ev.runs" | median)
	ev_off_cpu=$(awk '$1 == "off" { print $3 }' "$D/ev.runs" | median)
	ev_on_cpu=$(awk '$1 == "on" { print $3 }' "$D/ev.runs" | median)
	ev_off_a=$(awk '$1 == "off" { print $4 }' "$D/ev.runs" | median)
	ev_on_a=$(awk '$1 == "on" { print $4 }' "$D/ev.runs" | median)
	ev_runs=$n
}

# measure_evidences: both evidence figures.  evs_*: the shipped limits
# (evidence.yaml: -r closes the store once evidence.max_files files are
# asked for, early in this trace); evh_*: no alert at all
# (evidence_hold.yaml), so the store holds every packet to the end, as
# it does live.
measure_evidences() {
	measure_evidence "$EV_CONF"
	evs_off_s=$ev_off_s evs_on_s=$ev_on_s evs_off_cpu=$ev_off_cpu
	evs_on_cpu=$ev_on_cpu evs_off_a=$ev_off_a evs_on_a=$ev_on_a
	measure_evidence "$EV_HOLD_CONF"
	evh_off_s=$ev_off_s evh_on_s=$ev_on_s evh_off_cpu=$ev_off_cpu
	evh_on_cpu=$ev_on_cpu evh_off_a=$ev_off_a evh_on_a=$ev_on_a
}

# evidence_table TITLE OFF_S OFF_CPU OFF_A ON_S ON_CPU ON_A
evidence_table() {
	echo "$1, medians of $ev_runs alternating runs (s):"
	printf '  %-22s %8s %8s %16s\n' "" wall CPU "analysis thread"
	printf '  %-22s %8.3f %8.3f %16.3f\n' "off" "$2" "$3" "${4:-0}"
	printf '  %-22s %8.3f %8.3f %16.3f\n' "on (-w)" "$5" "$6" "${7:-0}"
}

evidence_tables() {
	evidence_table "evidence, headers only, $EV_CONF (shipped limits)" \
	    "$evs_off_s" "$evs_off_cpu" "$evs_off_a" \
	    "$evs_on_s" "$evs_on_cpu" "$evs_on_a"
	evidence_table "evidence, headers only, $EV_HOLD_CONF (every packet held)" \
	    "$evh_off_s" "$evh_off_cpu" "$evh_off_a" \
	    "$evh_on_s" "$evh_on_cpu" "$evh_on_a"
}

# The target is for -r as shipped; holding every packet is shown beside it.
evidence_figures() {
	x=$(calc "$evs_off_s / $evs_on_s")
	printf '%-42s %-34s %-19s %s\n' "headers only: evidence on / off, pps" \
	    "$(printf '%.2f (by CPU time %.2f)' "$x" "$(calc "$evs_off_cpu / $evs_on_cpu")")" \
	    ">= 0.85" "$(passfail "$x >= 0.85")"
	x=$(calc "$evh_off_s / $evh_on_s")
	printf '%-42s %-34s %-19s %s\n' "  every packet held to the end" \
	    "$(printf '%.2f (by CPU time %.2f)' "$x" "$(calc "$evh_off_cpu / $evh_on_cpu")")" \
	    "" "info"
}

# median: the median of the numbers on standard input, one a line.
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit
		printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# measure_ab TAG TRACE CONF: rstwatchd -r (A, this build) against OTHER
# (B), AB_REPEAT rounds, the order swapped each round so that a drift of
# the machine's load falls on both; medians of wall and of CPU (user +
# system) seconds.  Sets <TAG>_ab: "A_WALL A_CPU B_WALL B_CPU".
measure_ab() {
	tag=$1 trace=$2 conf=$3
	: > "$D/$tag.ab.a" && : > "$D/$tag.ab.b"
	"$PCAPREAD" "$trace" > /dev/null
	i=0
	while [ $i -lt "$AB_REPEAT" ]; do
		i=$((i + 1))
		if [ $((i % 2)) -eq 1 ]; then order="a b"; else order="b a"; fi
		for who in $order; do
			if [ "$who" = a ]; then bin=$RSTWATCHD; else bin=$OTHER; fi
			run_one "$D/$tag.ab.stat" /dev/null "$D/$tag.ab.err" \
			    "$bin" -r "$trace" -c "$conf" || return 0
			echo "$(stat_get "$D/$tag.ab.stat" wall_s)" \
			    "$(calc "$(stat_get "$D/$tag.ab.stat" user_s) + $(stat_get "$D/$tag.ab.stat" sys_s)")" \
			    "$(stat_get "$D/$tag.ab.stat" user_s)" \
			    >> "$D/$tag.ab.$who"
		done
		log "$tag A/B: round $i: A $(tail -1 "$D/$tag.ab.a"), B $(tail -1 "$D/$tag.ab.b") (wall, CPU, user CPU s)"
	done
	eval "${tag}_ab='$(cut -d' ' -f1 "$D/$tag.ab.a" | median)" \
	    "$(cut -d' ' -f2 "$D/$tag.ab.a" | median)" \
	    "$(cut -d' ' -f3 "$D/$tag.ab.a" | median)" \
	    "$(cut -d' ' -f1 "$D/$tag.ab.b" | median)" \
	    "$(cut -d' ' -f2 "$D/$tag.ab.b" | median)" \
	    "$(cut -d' ' -f3 "$D/$tag.ab.b" | median)'"
}

# ab_row TAG NAME: the A/B medians and what A saves against B (1 - A/B:
# positive when A is faster): wall, CPU, and user CPU alone (the work,
# without the page faults, which a VM makes vary from run to run).
ab_row() {
	eval "v=\${${1}_ab:-}"
	[ -n "$v" ] || return 0
	# shellcheck disable=SC2086
	set -- "$2" $v
	printf '%-28s %7s %7s %7s | %7s %7s %7s | %+6.1f%% %+6.1f%% %+6.1f%%\n' \
	    "$1" "$2" "$3" "$4" "$5" "$6" "$7" \
	    "$(calc "(1 - $2 / $5) * 100")" "$(calc "(1 - $3 / $6) * 100")" \
	    "$(calc "(1 - $4 / $7) * 100")"
}

# ab_table: the A/B section of the results.
ab_table() {
	echo "A/B, medians of $AB_REPEAT rounds (order swapped each round); A: $RSTWATCHD, B: $OTHER"
	printf '%-28s %7s %7s %7s | %7s %7s %7s | %s\n' "" "A wall" "A CPU" "A user" \
	    "B wall" "B CPU" "B user" "A saves (wall, CPU, user)"
	ab_row full "full payloads"
	ab_row cut "headers only (snaplen 128)"
}

# ab: the A/B alone, on the two big traces.
ab() {
	: "${OTHER:?BENCH_OTHER=PATH names the rstwatchd to compare with}"
	gen "$FULL" -n "$PACKETS" -c "$CONCURRENCY" -S "$SEED"
	gen "$CUT" -n "$PACKETS" -c "$CONCURRENCY" -S "$SEED" -s 128
	read -r load_start _ < /proc/loadavg
	measure_ab full "$FULL" "$CONF"
	measure_ab cut "$CUT" "$CONF"
	read -r load_end _ < /proc/loadavg
	{
	echo
	echo "load average (1 min) at start $load_start, at end $load_end"
	ab_table
	} | tee "$D/ab.txt"
}

# row TRACE TAG NAME: one line of the measurement table.
row() {
	trace=$1 tag=$2 name=$3
	n=$(truth_get "$trace.truth" packets)
	mb=$(calc "$(stat -c %s "$trace") / 1048576")
	eval "f=\${${tag}_floor_s:-} r=\${${tag}_rw_s:-} rss=\${${tag}_rss_kb:-0}"
	eval "u=\${${tag}_user_s:-} s=\${${tag}_sys_s:-}"
	if [ -z "$f" ] || [ -z "$r" ]; then
		printf '%-28s %s\n' "$name" "(failed)"
		return
	fi
	line "$name" "$n" "$mb" "$(gen_s "$trace")" "$f" "$r" "$u" "$s" "$rss"
}

# ratio TAG: rstwatchd pps / floor pps, by wall time then by CPU time.
ratio() {
	eval "f=\${${1}_floor_s} r=\${${1}_rw_s} fc=\${${1}_fcpu_s} rc=\${${1}_cpu_s}"
	x=$(calc "$f / $r")
	printf '%.2f (by CPU time %.2f)' "$x" "$(calc "$fc / $rc")"
}

# gen_s TRACE: seconds gentrace took, or "cached".
gen_s() {
	g=$(stat_get "$1.gen" wall_s)
	if [ -n "$g" ]; then printf '%.1f' "$g"; else echo cached; fi
}

# line NAME PACKETS MIB GEN FLOOR_S PROG_S USER SYS RSS_KB (empty: blank)
line() {
	fs='' fp='' ps='' pp='' mb='' u='' s='' rss=''
	[ -n "$3" ] && mb=$(printf '%.0f' "$3")
	[ -n "$5" ] && fs=$(printf '%.3f' "$5") && fp=$(si "$(calc "$2 / $5")")
	[ -n "$6" ] && ps=$(printf '%.3f' "$6") && pp=$(si "$(calc "$2 / $6")")
	[ -n "$7" ] && u=$(printf '%.2f' "$7")
	[ -n "$8" ] && s=$(printf '%.2f' "$8")
	[ -n "$9" ] && rss=$(printf '%.0f' "$(calc "$9 / 1024")")
	printf '%-28s %10s %6s %6s | %7s %7s | %7s %7s %6s %5s %7s\n' \
	    "$1" "$2" "$mb" "$4" "$fs" "$fp" "$ps" "$pp" "$u" "$s" "$rss"
}

sizes() {
	entry='' perflow=''
	if [ -n "$SIZES" ] && $SIZES > "$D/sizes.txt" 2>&1; then
		entry=$(sed -n 's/^sizeof(struct flow) *\([0-9]*\).*/\1/p' "$D/sizes.txt")
		perflow=$(sed -n 's/^bytes per flow with buckets[^:]*: *\([0-9.]*\).*/\1/p' "$D/sizes.txt")
	fi
}

cpu_model() {
	sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1
}

bench() {
	prune "$FULL" "$CUT" "$SMALLF" "$VXLANF" "$FLOODF"
	gen "$FULL" -n "$PACKETS" -c "$CONCURRENCY" -S "$SEED"
	gen "$CUT" -n "$PACKETS" -c "$CONCURRENCY" -S "$SEED" -s 128
	gen "$SMALLF" -n "$SMALL" -c "$SMALL_CONC" -S "$SEED"
	gen "$VXLANF" -n "$SMALL" -c "$SMALL_CONC" -S "$SEED" -x
	gen "$FLOODF" -f -n "$FLOOD" -S "$SEED"

	memtouch_start=$(memtouch)
	measure full "$FULL" "$CONF"
	measure cut "$CUT" "$CONF"
	measure_evidences
	measure small "$SMALLF" "$SMALL_CONF"
	measure vxlan "$VXLANF" "$SMALL_CONF"
	if [ -n "$OTHER" ]; then
		measure_ab full "$FULL" "$CONF"
		measure_ab cut "$CUT" "$CONF"
	fi

	tshark_s='' tshark_rss=''
	if command -v tshark > /dev/null 2>&1; then
		log "small: tshark's TCP analysis"
		if run_one "$D/tshark.stat" /dev/null "$D/tshark.err" tshark -n \
		    -r "$SMALLF" -o tcp.analyze_sequence_numbers:TRUE \
		    -Y tcp.analysis.flags -T fields -e frame.number; then
			tshark_s=$(stat_get "$D/tshark.stat" wall_s)
			tshark_rss=$(stat_get "$D/tshark.stat" maxrss_kb)
		fi
		tshark_v=$(tshark --version 2>/dev/null | head -1)
	fi

	log "flood: $FLOOD one-packet flows into $FLOOD_FLOWS slots"
	"$PCAPREAD" "$FLOODF" > /dev/null
	flood_rss='' flood_evicted='' flood_s=''
	if run_one "$D/flood.stat" /dev/null "$D/flood.log" \
	    "$RSTWATCHD" -r "$FLOODF" -v -c "$FLOOD_CONF"; then
		flood_rss=$(stat_get "$D/flood.stat" maxrss_kb)
		flood_s=$(stat_get "$D/flood.stat" wall_s)
		flood_evicted=$(sed -n 's/.* evicted=\([0-9]*\).*/\1/p' "$D/flood.log")
	fi
	sizes

	t_end=$(date +%s)
	T=$D/trace-n$PACKETS-c$CONCURRENCY-s$SEED-full.pcap.truth
	{
	echo
	echo "rstwatchd benchmark: $($RSTWATCHD -V 2>/dev/null), $(cpu_model), $(nproc) CPUs${tshark_v:+; $tshark_v}"
	echo "traces: seed $SEED; $(truth_get "$T" connections) connections" \
	    "($(truth_get "$T" tcp) TCP, $(truth_get "$T" udp) UDP;" \
	    "$(truth_get "$T" ipv6) IPv6, $(truth_get "$T" vlan) in VLANs)" \
	    "over $(calc "$(truth_get "$T" duration_us) / 1e6") s of traffic;" \
	    "$(truth_get "$T" peak_concurrency) open at once," \
	    "${full_active:-?} in rstwatchd's flow table at its fullest"
	echo "times: wall seconds, best of $REPEAT; program: rstwatchd -r FILE -c CONF > /dev/null (verdicts from a further -j run);" \
	    "floor: pcap_loop with an empty callback (tests/bench/pcapread.c)"
	read -r load_end _ < /proc/loadavg
	echo "load average (1 min) at start $load_start, at end $load_end:" \
	    "$(awk "BEGIN { exit !($load_start + $load_end > 0.6) }" &&
	    echo "other processes took CPU time, wall-clock figures are pessimistic" ||
	    echo "quiet machine")"
	echo "fresh memory, first touch at start $memtouch_start, at end $(memtouch)" \
	    "(GB/s; see tests/bench/memtouch.c)"
	echo "CONF: $CONF (max_flows $BIG_FLOWS) for the 10M traces, $SMALL_CONF" \
	    "(defaults) for the small one, $FLOOD_CONF (max_flows $FLOOD_FLOWS) for the flood"
	echo
	printf '%-28s %10s %6s %6s | %-15s | %-15s %6s %5s %7s\n' \
	    "trace" "packets" "MiB" "gen s" "floor" "program" "user" "sys" "RSS MiB"
	printf '%-28s %10s %6s %6s | %7s %7s | %7s %7s\n' "" "" "" "" "s" "pps" "s" "pps"
	row "$FULL" full "full payloads"
	row "$CUT" cut "headers only (snaplen 128)"
	row "$SMALLF" small "small, full payloads"
	row "$VXLANF" vxlan "small, all in VXLAN"
	if [ -n "$tshark_s" ]; then
		line "  same file, tshark" "$(truth_get "$SMALLF.truth" packets)" \
		    "" "" "" "$tshark_s" "$(stat_get "$D/tshark.stat" user_s)" \
		    "$(stat_get "$D/tshark.stat" sys_s)" "$tshark_rss"
	fi
	if [ -n "$flood_s" ]; then
		line "flood, one SYN per flow" "$FLOOD" \
		    "$(calc "$(stat -c %s "$FLOODF") / 1048576")" "$(gen_s "$FLOODF")" \
		    "" "$flood_s" "$(stat_get "$D/flood.stat" user_s)" \
		    "$(stat_get "$D/flood.stat" sys_s)" "$flood_rss"
	fi
	echo
	if [ -n "$evs_on_s" ]; then
		echo
		evidence_tables
	fi
	echo
	if [ -n "$OTHER" ]; then
		ab_table
		echo
	fi
	echo "rstwatchd -r threads in the best run (seconds):"
	echo "  full payloads: ${full_threads:-?}"
	echo "  headers only:  ${cut_threads:-?}"
	echo
	printf '%-42s %-34s %-19s %s\n' "figure" "measured" "target" "result"
	if [ -n "${full_rw_s:-}" ]; then
		x=$(calc "$full_floor_s / $full_rw_s")
		printf '%-42s %-34s %-19s %s\n' "full payloads: rstwatchd pps / floor pps" \
		    "$(ratio full)" ">= 0.80" "$(passfail "$x >= 0.8")"
	fi
	if [ -n "$evs_on_s" ] && [ -n "$evs_off_s" ]; then
		evidence_figures
	fi
	if [ -n "${cut_rw_s:-}" ]; then
		x=$(calc "$cut_floor_s / $cut_rw_s")
		printf '%-42s %-34s %-19s %s\n' "headers only: rstwatchd pps / floor pps" \
		    "$(ratio cut)" ">= 0.40" "$(passfail "$x >= 0.4")"
	fi
	if [ -n "${small_rw_s:-}" ]; then
		printf '%-42s %-34s %-19s %s\n' "small full payloads: rstwatchd / floor" \
		    "$(ratio small)" "(0.80 is for 10M)" "info"
	fi
	if [ -n "${vxlan_rw_s:-}" ] && [ -n "${small_rw_s:-}" ]; then
		printf '%-42s %-34s %-19s %s\n' "small in VXLAN: CPU time / small's" \
		    "$(printf '%.2f' "$(calc "$vxlan_cpu_s / $small_cpu_s")")" "" "info"
	fi
	if [ -n "$tshark_s" ] && [ -n "${small_rw_s:-}" ]; then
		x=$(calc "$tshark_s / $small_rw_s")
		tc=$(calc "$(stat_get "$D/tshark.stat" user_s) + $(stat_get "$D/tshark.stat" sys_s)")
		printf '%-42s %-34s %-19s %s\n' "small full payloads: rstwatchd / tshark" \
		    "$(printf '%.1f x (by CPU time %.1f x)' "$x" "$(calc "$tc / $small_cpu_s")")" \
		    ">= 50 x" "$(passfail "$x >= 50")"
	else
		printf '%-42s %-34s %-19s %s\n' "rstwatchd / tshark" "tshark not installed" ">= 50 x" "SKIP"
	fi
	if [ -n "$entry" ]; then
		printf '%-42s %-34s %-19s %s\n' "bytes per flow entry" \
		    "$entry ($perflow with hash buckets)" "<= 192" "$(passfail "$entry <= 192")"
	else
		printf '%-42s %-34s %-19s %s\n' "bytes per flow entry" "unknown (make sizes failed)" "<= 192" "SKIP"
		entry=192
	fi
	if [ -n "${full_rss_kb:-}" ]; then
		lim=$(calc "1.2 * $BIG_FLOWS * $entry / 1048576 + 16")
		printf '%-42s %-34s %-19s %s\n' "RSS, full trace, max_flows $BIG_FLOWS" \
		    "$(calc "$full_rss_kb / 1024" | cut -d. -f1) MiB (${full_active:-?} flows)" \
		    "<= $(printf '%.0f' "$lim") MiB" "$(passfail "$full_rss_kb / 1024 <= $lim")"
	fi
	if [ -n "$flood_rss" ]; then
		lim=$(calc "1.2 * $FLOOD_FLOWS * $entry / 1048576 + 16")
		printf '%-42s %-34s %-19s %s\n' "RSS, flood $(si "$FLOOD") flows, max_flows $FLOOD_FLOWS" \
		    "$(calc "$flood_rss / 1024" | cut -d. -f1) MiB (evicted ${flood_evicted:-?})" \
		    "<= $(printf '%.0f' "$lim") MiB" "$(passfail "$flood_rss / 1024 <= $lim")"
		printf '%-42s %-34s %-19s %s\n' "flood: flows evicted (oldest first)" \
		    "${flood_evicted:-?}" "$((FLOOD - FLOOD_FLOWS))" \
		    "$([ "${flood_evicted:-}" = "$((FLOOD - FLOOD_FLOWS))" ] && echo PASS || echo FAIL)"
	fi
	for tag in full cut small vxlan; do
		[ -s "$D/$tag.verify" ] || continue
		printf '%-42s %s\n' "verdicts vs ground truth, $tag" \
		    "$(sed -n 's/^verdict: //p' "$D/$tag.verify")"
		printf '%-42s %s\n' "flow record counters vs ground truth, $tag" \
		    "$(sed -n 's/^counters: //p' "$D/$tag.verify")"
		sed -n '3,$p' "$D/$tag.verify"
	done
	echo
	echo "bench took $((t_end - t_start)) s; traces and outputs in $D/"
	} | tee "$D/results.txt"
	if [ "$failed" -ne 0 ]; then
		echo "bench: verdicts differ from the ground truth, or a program failed" >&2
		exit 1
	fi
}

profile() {
	prune "$FULL" "$CUT" "$SMALLF" "$VXLANF" "$FLOODF"
	gen "$CUT" -n "$PACKETS" -c "$CONCURRENCY" -S "$SEED" -s 128
	"$PCAPREAD" "$CUT" > /dev/null
	if [ "$PROFILER" = perf ] && command -v perf > /dev/null 2>&1 &&
	    perf record -q -e cpu-clock -o /dev/null true > /dev/null 2>&1; then
		log "perf record on $CUT"
		perf record -q -e cpu-clock -F 2000 -o "$D/perf.data" -- \
		    "$RSTWATCHD" -r "$CUT" -c "$CONF" > /dev/null
		{
		echo "perf (cpu-clock), rstwatchd -r $CUT > /dev/null; self time by symbol:"
		perf report -i "$D/perf.data" --stdio --no-children --sort symbol \
		    --percent-limit 0.5 2>/dev/null | grep -E '^ +[0-9]' | head -40
		echo
		echo "by object:"
		perf report -i "$D/perf.data" --stdio --no-children --sort dso \
		    2>/dev/null | grep -E '^ +[0-9]'
		} | tee "$D/profile.txt"
	else
		gen "$SMALLF" -n "$SMALL" -c "$SMALL_CONC" -S "$SEED"
		log "valgrind --tool=callgrind on $SMALLF (perf not usable)"
		valgrind -q --tool=callgrind --callgrind-out-file="$D/callgrind.out" \
		    "$RSTWATCHD" -r "$SMALLF" -c "$SMALL_CONF" > /dev/null
		callgrind_annotate "$D/callgrind.out" 2>/dev/null | head -45 |
		    tee "$D/profile.txt"
	fi
	echo "profile: $D/profile.txt"
}

# The evidence figure alone (make bench-evidence).
evidence_only() {
	gen "$CUT" -n "$PACKETS" -c "$CONCURRENCY" -S "$SEED" -s 128
	echo "fresh memory, first touch: $(memtouch) GB/s (tests/bench/memtouch.c)"
	measure_evidences
	evidence_tables
	evidence_figures
}

case $mode in
bench)	bench ;;
ab)	ab ;;
profile) profile ;;
evidence) evidence_only ;;
*)	echo "usage: run.sh bench|ab|profile|evidence" >&2; exit 2 ;;
esac
