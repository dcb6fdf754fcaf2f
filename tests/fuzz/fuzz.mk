# libFuzzer targets (SPEC section 9), included by the top Makefile.
#
#   make fuzz            build, then fuzz each target for FUZZ_SECONDS (60)
#   make fuzz-regress    run every seed and regression input once; fails on
#                        any crash (what CI runs, with fuzz-ci)
#   make fuzz-ci         fuzz-regress, then FUZZ_CI_RUNS mutations per target
#                        from a fixed seed (FUZZ_CI_SEED), at most
#                        FUZZ_CI_SECONDS (60) each: the same inputs on
#                        every machine, so CI fails only on what a developer
#                        can reproduce; `make fuzz` explores with random
#                        seeds
#   make fuzz-seeds      rewrite tests/fuzz/corpus/ from the pcap fixtures
#                        and the configuration files
#   make fuzz-run-capfile
#                        fuzz one target (packet, config, capfile) for
#                        FUZZ_SECONDS
#   make fuzz-min FUZZ_TARGET=packet FUZZ_CRASH=file
#                        minimise a crash into build-fuzz/min-<name>
#
# The library is compiled again with clang's coverage instrumentation and
# ASan+UBSan into a tree of its own, so build/ and build-san/ stay as they
# are.  tests/fuzz/README says how a crash becomes a regression input.

BUILD_FUZZ	?= build-fuzz
FUZZ_CC		?= clang
FUZZ_SECONDS	?= 60
FUZZ_CI_SECONDS	?= 60
FUZZ_CI_RUNS	?= 20000
FUZZ_CI_SEED	?= 20261203
FUZZ_FLAGS	?=

FUZZ_SAN	:= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	:= -std=gnu11 -O1 -g $(WARN) $(FUZZ_SAN)
FUZZ_LIB_OBJ	:= $(LIB_SRC:%.c=$(BUILD_FUZZ)/%.o)
FUZZ_LIB	:= $(BUILD_FUZZ)/librstwatch.a
FUZZ_TARGETS	:= packet config capfile pathcmp
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(BUILD_FUZZ)/fuzz_%)
FUZZ_YAML_LIBS	= $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null || echo -lyaml)
FUZZ_PCAP_LIBS	= $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null || echo -lpcap)
# The capfile target links the daemon's -r reader, built like the library.
FUZZ_CAPFILE_OBJ := $(BUILD_FUZZ)/daemon/capfile.o
PCAP2SEED	:= $(BUILD_FUZZ)/pcap2seed

# Inputs longer than this are cut by libFuzzer while it fuzzes: a packet
# input holds a few dozen headers-only frames, a configuration file is
# about the size of conf/rstwatch.yaml (7 KB) with room to grow, a capture
# file a few hundred records (the largest fixture is 23 KB).
FUZZ_MAXLEN_packet := 4096
FUZZ_MAXLEN_config := 16384
FUZZ_MAXLEN_capfile := 65536
# Two streams of frames (fuzz_pathcmp.c); the seeds are about 2 KB.
FUZZ_MAXLEN_pathcmp := 16384
FUZZ_OPTS_config   := -dict=tests/fuzz/config.dict

.PHONY: fuzz fuzz-build fuzz-regress fuzz-ci fuzz-seeds fuzz-seeds-capfile \
	fuzz-min fuzz-clean \
	$(FUZZ_TARGETS:%=fuzz-run-%)

fuzz-build: $(FUZZ_BINS)

# clang and its sanitizer runtime, installed (as root) only when a fuzz
# target is asked for.
$(FUZZ_BINS) $(PCAP2SEED): | deps-fuzz

fuzz: $(FUZZ_TARGETS:%=fuzz-run-%)

# The seed corpus is named last so that libFuzzer only reads it; what it
# finds goes to the first directory, a scratch corpus under $(BUILD_FUZZ).
$(FUZZ_TARGETS:%=fuzz-run-%): fuzz-run-%: $(BUILD_FUZZ)/fuzz_%
	@mkdir -p $(BUILD_FUZZ)/corpus/$* $(BUILD_FUZZ)/artifacts/$*
	$(BUILD_FUZZ)/fuzz_$* -max_len=$(FUZZ_MAXLEN_$*) $(FUZZ_OPTS_$*) \
	    -max_total_time=$(FUZZ_SECONDS) -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(BUILD_FUZZ)/artifacts/$*/ $(FUZZ_FLAGS) \
	    $(BUILD_FUZZ)/corpus/$* tests/fuzz/corpus/$*

# Files, not directories, on the command line: libFuzzer then runs each
# one once, whatever its size, and stops at the first crash.
fuzz-regress: $(FUZZ_BINS)
	@for t in $(FUZZ_TARGETS); do \
	    files=$$(find tests/fuzz/corpus/$$t tests/fuzz/regress/$$t \
		-type f ! -name '.*' 2>/dev/null | LC_ALL=C sort); \
	    n=$$(printf '%s\n' $$files | grep -c .); \
	    if [ "$$n" -eq 0 ]; then echo "fuzz-regress: $$t: no inputs"; continue; fi; \
	    log=$(BUILD_FUZZ)/regress-$$t.log; \
	    if $(BUILD_FUZZ)/fuzz_$$t -runs=1 $$files >$$log 2>&1; then \
		echo "fuzz-regress: $$t: $$n inputs, no crash"; \
	    else \
		tail -n 60 $$log; \
		echo "fuzz-regress: $$t: FAILED, see $$log" >&2; exit 1; \
	    fi; \
	done

# Regressions first, then a short, repeatable run of each target.  A
# scratch corpus left by an earlier `make fuzz` would change the inputs,
# so CI's run starts from the seeds alone.
fuzz-ci: fuzz-regress
	rm -rf $(BUILD_FUZZ)/corpus
	$(MAKE) --no-print-directory FUZZ_SECONDS=$(FUZZ_CI_SECONDS) \
	    FUZZ_FLAGS="-seed=$(FUZZ_CI_SEED) -runs=$(FUZZ_CI_RUNS) $(FUZZ_FLAGS)" fuzz

FUZZ_TARGET	?= packet
FUZZ_CRASH	?=
fuzz-min: $(BUILD_FUZZ)/fuzz_$(FUZZ_TARGET)
	@test -n "$(FUZZ_CRASH)" || { echo "fuzz-min: set FUZZ_CRASH=file" >&2; exit 1; }
	$(BUILD_FUZZ)/fuzz_$(FUZZ_TARGET) -minimize_crash=1 -runs=20000 \
	    -max_len=$(FUZZ_MAXLEN_$(FUZZ_TARGET)) \
	    -exact_artifact_path=$(BUILD_FUZZ)/min-$(notdir $(FUZZ_CRASH)) \
	    $(FUZZ_CRASH)
	@echo "fuzz-min: minimised input in $(BUILD_FUZZ)/min-$(notdir $(FUZZ_CRASH))"

fuzz-seeds: $(PCAP2SEED) fuzz-seeds-capfile
	@mkdir -p tests/fuzz/corpus/packet tests/fuzz/corpus/config
	@for f in tests/pcap/input/*.pcap; do \
	    b=$$(basename $$f .pcap); \
	    $(PCAP2SEED) $$f tests/fuzz/corpus/packet/$$b || exit 1; \
	done
	cp conf/rstwatch.yaml tests/fuzz/corpus/config/rstwatch.yaml
	@for f in tests/conf/*.yaml tests/pcap/test.yaml tests/pcap/conf/*.yaml; do \
	    cp $$f tests/fuzz/corpus/config/$$(echo $$f | tr / _ | sed 's/^tests_//'); \
	done

# The capture files as they are, then variants of app_reset.pcap (var_*):
# cut in the file header, in a record header and in a record's bytes; the
# two headers libpcap reads and the block reader leaves to it (Kuznetzov's
# magic, DG/UX's version 543.0), which libFuzzer would not guess; one
# trailing byte after a few fixtures, which makes the length odd and so
# turns the filter on; and, written by tests/pcap/pcapvariant.py when it
# is there, the other byte order, nanoseconds, both, a snapshot length of
# 64 and extreme time stamps; and pcapng (tests/pcap/ngvariant.py): five
# interfaces in two sections (var_ng_multi), the same cut inside a packet
# block (var_ng_cut) and with a trailing byte (var_odd_ng_multi: filter
# on, a block header cut short), Simple Packet Blocks (var_ng_spb).
FUZZ_VAR_BASE	:= tests/pcap/input/app_reset.pcap
FUZZ_VAR_ODD	:= clean_close ipv6_clean udp_port_unreachable sll_refused
PCAPVARIANT	:= tests/pcap/pcapvariant.py
NGVARIANT	:= tests/pcap/ngvariant.py

fuzz-seeds-capfile:
	@mkdir -p tests/fuzz/corpus/capfile
	cp tests/pcap/input/*.pcap tests/pcap/input/*.pcapng tests/fuzz/corpus/capfile/
	@d=tests/fuzz/corpus/capfile; b=$(FUZZ_VAR_BASE); \
	c0=$$(od -An -tu4 -j32 -N4 $$b | tr -d ' '); \
	head -c 20 $$b >$$d/var_cut_file_header.pcap; \
	head -c $$((24 + 16 + c0 + 7)) $$b >$$d/var_cut_record_header.pcap; \
	head -c $$((24 + 16 + c0 + 16 + 9)) $$b >$$d/var_cut_record_data.pcap; \
	{ printf '\064\315\262\241'; tail -c +5 $$b; } >$$d/var_kuznetzov.pcap; \
	{ head -c 4 $$b; printf '\037\002\000\000'; tail -c +9 $$b; } \
	    >$$d/var_version_543.pcap; \
	for f in $(FUZZ_VAR_ODD); do \
	    { cat tests/pcap/input/$$f.pcap; printf '\000'; } >$$d/var_odd_$$f.pcap; \
	done; \
	if [ -f $(PCAPVARIANT) ]; then \
	    python3 $(PCAPVARIANT) swap $$b $$d/var_swapped.pcap && \
	    python3 $(PCAPVARIANT) nsec $$b $$d/var_nsec.pcap 999 && \
	    python3 $(PCAPVARIANT) swap $$d/var_nsec.pcap \
		$$d/var_swapped_nsec.pcap && \
	    python3 $(PCAPVARIANT) snaplen $$b $$d/var_snaplen64.pcap 64 0 && \
	    python3 $(PCAPVARIANT) times $$b $$d/var_times.pcap && \
	    python3 $(NGVARIANT) multi $$b $$d/var_ng_multi.pcapng >/dev/null && \
	    head -c 700 $$d/var_ng_multi.pcapng >$$d/var_ng_cut.pcapng && \
	    { cat $$d/var_ng_multi.pcapng; printf '\000'; } \
		>$$d/var_odd_ng_multi.pcapng && \
	    python3 $(NGVARIANT) spb $$b $$d/var_ng_spb.pcapng 60 || exit 1; \
	else \
	    echo "fuzz-seeds: no $(PCAPVARIANT): var_swapped*, var_nsec," \
		"var_snaplen64, var_times left as they are"; \
	fi; \
	echo "fuzz-seeds: $$(ls $$d | wc -l) capfile seeds," \
	    "$$(cat $$d/* | wc -c) bytes"

$(BUILD_FUZZ)/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c -o $@ $<

$(FUZZ_LIB): $(FUZZ_LIB_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD_FUZZ)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_LIB) $(FUZZ_YAML_LIBS)

$(BUILD_FUZZ)/daemon/capfile.o: daemon/capfile.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link \
	    -MMD -MP -c -o $@ $<

$(BUILD_FUZZ)/fuzz_capfile: tests/fuzz/fuzz_capfile.c daemon/capfile.h \
    $(FUZZ_CAPFILE_OBJ) $(FUZZ_LIB)
	$(FUZZ_CC) $(CPPFLAGS) -Idaemon $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ \
	    $< $(FUZZ_CAPFILE_OBJ) $(FUZZ_LIB) $(FUZZ_PCAP_LIBS)

$(PCAP2SEED): tests/fuzz/pcap2seed.c lib/decode.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

fuzz-clean:
	rm -rf $(BUILD_FUZZ)

clean: fuzz-clean

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_CAPFILE_OBJ:.o=.d)

# Source coverage of lib/ and daemon/capfile.c by the corpora (seeds,
# regressions and what the scratch corpus holds), to see what the targets
# never reach:
#   make fuzz-cov && less build-fuzz/cov/report.txt
FUZZ_PROFDATA	?= llvm-profdata
FUZZ_LLVM_COV	?= llvm-cov
FUZZ_COV_CFLAGS	:= -std=gnu11 -O0 -g -fprofile-instr-generate -fcoverage-mapping
FUZZ_COV_OBJ	:= $(LIB_SRC:%.c=$(BUILD_FUZZ)/cov/%.o)
FUZZ_COV_SRC	:= $(LIB_SRC) daemon/capfile.c
# llvm-cov takes the first binary bare, the others after -object.
FUZZ_COV_BINS	:= $(BUILD_FUZZ)/cov/fuzz_packet \
		   $(patsubst %,-object $(BUILD_FUZZ)/cov/fuzz_%,\
		   $(filter-out packet,$(FUZZ_TARGETS)))

.PHONY: fuzz-cov

$(BUILD_FUZZ)/cov/lib/%.o: lib/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_COV_CFLAGS) -fsanitize=fuzzer-no-link \
	    -c -o $@ $<

$(BUILD_FUZZ)/cov/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h \
    $(FUZZ_COV_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_COV_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_COV_OBJ) $(FUZZ_YAML_LIBS)

$(BUILD_FUZZ)/cov/daemon/capfile.o: daemon/capfile.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_COV_CFLAGS) -fsanitize=fuzzer-no-link \
	    -c -o $@ $<

$(BUILD_FUZZ)/cov/fuzz_capfile: tests/fuzz/fuzz_capfile.c daemon/capfile.h \
    $(BUILD_FUZZ)/cov/daemon/capfile.o $(FUZZ_COV_OBJ)
	$(FUZZ_CC) $(CPPFLAGS) -Idaemon $(FUZZ_COV_CFLAGS) -fsanitize=fuzzer \
	    -o $@ $< $(BUILD_FUZZ)/cov/daemon/capfile.o $(FUZZ_COV_OBJ) \
	    $(FUZZ_PCAP_LIBS) $(FUZZ_YAML_LIBS)

fuzz-cov: $(FUZZ_TARGETS:%=$(BUILD_FUZZ)/cov/fuzz_%)
	@for t in $(FUZZ_TARGETS); do \
	    mkdir -p $(BUILD_FUZZ)/corpus/$$t; \
	    LLVM_PROFILE_FILE=$(BUILD_FUZZ)/cov/$$t.profraw \
		$(BUILD_FUZZ)/cov/fuzz_$$t -runs=0 -max_len=$(FUZZ_MAXLEN_$$t) \
		$(BUILD_FUZZ)/corpus/$$t tests/fuzz/corpus/$$t \
		$$(test -d tests/fuzz/regress/$$t && echo tests/fuzz/regress/$$t) \
		>$(BUILD_FUZZ)/cov/$$t.log 2>&1 || exit 1; \
	done
	$(FUZZ_PROFDATA) merge -sparse -o $(BUILD_FUZZ)/cov/all.profdata \
	    $(FUZZ_TARGETS:%=$(BUILD_FUZZ)/cov/%.profraw)
	$(FUZZ_LLVM_COV) report $(FUZZ_COV_BINS) \
	    -instr-profile=$(BUILD_FUZZ)/cov/all.profdata $(FUZZ_COV_SRC) \
	    | tee $(BUILD_FUZZ)/cov/report.txt
	$(FUZZ_LLVM_COV) show $(FUZZ_COV_BINS) \
	    -instr-profile=$(BUILD_FUZZ)/cov/all.profdata $(FUZZ_COV_SRC) \
	    >$(BUILD_FUZZ)/cov/show.txt
.SECONDARY: $(FUZZ_COV_OBJ) $(BUILD_FUZZ)/cov/daemon/capfile.o
