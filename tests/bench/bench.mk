# make bench: the benchmark of SPEC section 9 (see tests/bench/README).
# Included by the top Makefile; uses its CC, CPPFLAGS, CFLAGS, LDFLAGS,
# BUILD, RSTWATCHD and DAEMON_LIBS.
#
#   make bench                          10M-packet traces, ~1M flows open
#   make bench BENCH_PACKETS=2000000    quicker
#   make bench BENCH_OTHER=PATH         and A/B against another build
#   make bench-ab BENCH_OTHER=PATH      the A/B alone
#   make bench-evidence                 what evidence (-w) costs, alone
#   make bench-profile                  where rstwatchd's time goes
#   make bench-clean                    remove the (large) traces
#
# Traces are deterministic and cached in $(BUILD)/bench/ until gentrace
# changes; they are gigabytes and never committed.

BENCH_DIR	:= $(BUILD)/bench
BENCH_PACKETS	?= 10000000
BENCH_CONCURRENCY ?=
BENCH_SMALL	?= 200000
BENCH_FLOOD	?= 1500000
BENCH_SEED	?= 1
BENCH_REPEAT	?= 3
BENCH_PROFILER	?= perf
# BENCH_OTHER=PATH: also time that rstwatchd against this one, A/B.
BENCH_OTHER	?=
BENCH_AB_REPEAT	?= 5

BENCH_BIN	:= $(BENCH_DIR)/gentrace $(BENCH_DIR)/pcapread $(BENCH_DIR)/runstat \
		   $(BENCH_DIR)/memtouch

BENCH_ENV	= RSTWATCHD=$(RSTWATCHD) BENCH_DIR=$(BENCH_DIR) \
		  GENTRACE=$(BENCH_DIR)/gentrace PCAPREAD=$(BENCH_DIR)/pcapread \
		  RUNSTAT=$(BENCH_DIR)/runstat MEMTOUCH=$(BENCH_DIR)/memtouch \
		  SIZES="$(BUILD)/tests/check_flow --sizes" \
		  BENCH_PACKETS=$(BENCH_PACKETS) BENCH_CONCURRENCY=$(BENCH_CONCURRENCY) \
		  BENCH_SMALL=$(BENCH_SMALL) BENCH_FLOOD=$(BENCH_FLOOD) \
		  BENCH_SEED=$(BENCH_SEED) BENCH_REPEAT=$(BENCH_REPEAT) \
		  BENCH_PROFILER=$(BENCH_PROFILER) BENCH_OTHER=$(BENCH_OTHER) \
		  BENCH_AB_REPEAT=$(BENCH_AB_REPEAT)

.PHONY: bench bench-ab bench-evidence bench-profile bench-clean

# make check builds the bench's own programs (with -Werror in CI), so
# that they still build when a benchmark is wanted.
check-unit: $(BENCH_BIN) $(BENCH_DIR)/flowfloor

$(BENCH_DIR)/gentrace: tests/bench/gentrace.c tests/put.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) -lm

$(BENCH_DIR)/pcapread: tests/bench/pcapread.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(DAEMON_LIBS)

$(BENCH_DIR)/flowfloor: tests/bench/flowfloor.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS) $(DAEMON_LIBS)

$(BENCH_DIR)/memtouch: tests/bench/memtouch.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(BENCH_DIR)/runstat: tests/bench/runstat.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

bench: $(RSTWATCHD) $(BENCH_BIN) $(BUILD)/tests/check_flow
	@$(BENCH_ENV) sh tests/bench/run.sh bench

# The A/B alone: make bench-ab BENCH_OTHER=/path/to/other/rstwatchd
bench-ab: $(RSTWATCHD) $(BENCH_BIN)
	@$(BENCH_ENV) sh tests/bench/run.sh ab

bench-evidence: $(RSTWATCHD) $(BENCH_BIN)
	@$(BENCH_ENV) sh tests/bench/run.sh evidence

bench-profile: $(RSTWATCHD) $(BENCH_BIN)
	@$(BENCH_ENV) sh tests/bench/run.sh profile

bench-clean:
	rm -rf $(BENCH_DIR)

# Live capture under load: replay the headers-only trace with tcpreplay
# into a veth pair, rstwatchd and tcpdump side by side (root; not in CI).
BENCH_LIVE_TRACE ?= $(BENCH_DIR)/trace-n2000000-c200000-s1-cut128.pcap
# BENCH_LIVE_OTHER=PATH: a second rstwatchd captures beside the first (A/B).
BENCH_LIVE_OTHER ?=
# BENCH_LIVE_OUTPUT=none: no -j, alerts counted but not written.
BENCH_LIVE_OUTPUT ?= json

.PHONY: bench-live
bench-live: $(RSTWATCHD) $(BENCH_DIR)/gentrace $(BENCH_DIR)/flowfloor
	@sh tests/deps.sh bench-live tcpreplay tcpdump
	@[ -f $(BENCH_LIVE_TRACE) ] || $(BENCH_DIR)/gentrace -n 2000000 -c 200000 -S 1 -s 128 -o $(BENCH_LIVE_TRACE)
	@OUTPUT=$(BENCH_LIVE_OUTPUT) FLOWFLOOR=$(BENCH_DIR)/flowfloor bash tests/bench/live.sh $(RSTWATCHD) \
	    $(BENCH_LIVE_TRACE) $(BENCH_LIVE_OTHER)

# Two vantage points (-r A -R B, lib/path.c): a 1M-packet headers-only
# trace compared with a copy of itself, every flow matched; CPU seconds,
# wall time and peak RSS from /usr/bin/time.
BENCH_PATH_TRACE ?= $(BENCH_DIR)/trace-n1000000-c100000-s1-cut128.pcap

.PHONY: bench-path
bench-path: $(RSTWATCHD) $(BENCH_DIR)/gentrace
	@[ -f $(BENCH_PATH_TRACE) ] || $(BENCH_DIR)/gentrace -n 1000000 \
	    -c 100000 -S 1 -s 128 -o $(BENCH_PATH_TRACE)
	@cp $(BENCH_PATH_TRACE) $(BENCH_DIR)/path-b.pcap
	@for i in 1 2 3; do /usr/bin/time -f "bench-path: %e s wall, %U s user, \
	    %S s system, %M KB peak RSS" $(RSTWATCHD) -c tests/pcap/test.yaml \
	    -r $(BENCH_PATH_TRACE) -R $(BENCH_DIR)/path-b.pcap >/dev/null \
	    2>$(BENCH_DIR)/path.err || exit 1; grep -h 'matched\|bench-path' \
	    $(BENCH_DIR)/path.err; done
