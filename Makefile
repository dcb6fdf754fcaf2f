# rstwatchd: GNU make.  `make check` on a fresh Debian 12 machine (as root)
# installs what it needs, builds everything and runs every test.

PREFIX	?= /usr/local
DESTDIR	?=
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share
SYSCONFDIR ?= /etc
UNITDIR	?= /lib/systemd/system
SYSUSERSDIR ?= /usr/lib/sysusers.d

CC	?= cc
PKG_CONFIG ?= pkg-config

VERSION	:= 0.1.0

WARN	:= -Wall -Wextra -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	   -Wshadow -Wpointer-arith -Wcast-qual -Wwrite-strings -Wundef \
	   -Wno-missing-field-initializers
HARDEN	:= -fstack-protector-strong -fPIE
OPT	?= -O2 -g

# CI builds with -Werror; a developer can ask for it with WERROR=1.
ifneq ($(CI),)
WERROR	?= 1
endif
ifeq ($(WERROR),1)
WARN	+= -Werror
endif

# SANITIZE=1: AddressSanitizer (leaks included) and UBSan, in a build tree
# of their own so that the normal binaries stay as they are.
ifeq ($(SANITIZE),1)
BUILD	?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -fno-omit-frame-pointer
OPT	:= -O1 -g
else
BUILD	?= build
SANFLAGS :=
HARDEN	+= -D_FORTIFY_SOURCE=2
endif

CPPFLAGS += -D_GNU_SOURCE -DRSTWATCH_VERSION='"$(VERSION)"' -Ilib
CFLAGS	+= -std=gnu11 -pthread $(OPT) $(WARN) $(HARDEN) $(SANFLAGS)
LDFLAGS	+= -pie -pthread -Wl,-z,relro,-z,now $(SANFLAGS)

LIB_SRC	:= $(sort $(wildcard lib/*.c))
LIB_OBJ	:= $(LIB_SRC:%.c=$(BUILD)/%.o)
LIB	:= $(BUILD)/librstwatch.a

DAEMON_SRC := $(sort $(wildcard daemon/*.c))
DAEMON_OBJ := $(DAEMON_SRC:%.c=$(BUILD)/%.o)
DAEMON_LIBS = $(shell $(PKG_CONFIG) --libs libevent libpcap yaml-0.1 2>/dev/null || echo -levent -lpcap -lyaml)
ifeq ($(SANITIZE),1)
RSTWATCHD := $(BUILD)/rstwatchd
else
RSTWATCHD := daemon/rstwatchd
endif

UNIT_SRC := $(sort $(wildcard tests/unit/check_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
CHECK_CFLAGS = $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS = $(shell $(PKG_CONFIG) --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

MKPCAP	:= $(BUILD)/tests/mkpcap
# The two-vantage-point pairs (tests/pcap/vantage/).
MKPAIR	:= $(BUILD)/tests/mkpair

# Debian packages, by what needs them: the build; the tests any user can
# run; the root-only tests (network namespaces, a real rsyslog, logrotate);
# the fuzz targets.  `make deps` installs the first three (the third only
# as root), `make deps-fuzz` the last; tests/deps.sh installs only what is
# missing, and as a normal user names it instead of installing.
BUILD_PKGS := build-essential pkg-config libpcap-dev libevent-dev libyaml-dev check
TEST_PKGS := python3 mandoc systemd tshark
ROOT_TEST_PKGS := iproute2 nftables util-linux tcpdump rsyslog logrotate prometheus curl tcpreplay
FUZZ_PKGS := clang libclang-rt-14-dev
# The Debian package: build it (make deb), and test it in a debootstrap
# chroot (make check-deb, root, part of check-root).
DEB_PKGS := dpkg-dev debhelper fakeroot lintian debootstrap
IS_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo 1)

.PHONY: all deps deps-fuzz check check-root check-unit check-pcap check-service \
	check-netns clean install uninstall fixtures sizes deb check-deb \
	compare-foreign

all: $(RSTWATCHD)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

$(RSTWATCHD): $(DAEMON_OBJ) $(LIB)
	$(CC) $(LDFLAGS) -o $@ $(DAEMON_OBJ) $(LIB) $(DAEMON_LIBS)

$(BUILD)/tests/check_%: tests/unit/check_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Itests/unit -o $@ $< $(LIB) \
	    $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)

# The -r file reader is daemon code; its test links it beside the library.
$(BUILD)/tests/check_capfile: tests/unit/check_capfile.c $(BUILD)/daemon/capfile.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Idaemon -o $@ $< \
	    $(BUILD)/daemon/capfile.o $(LIB) $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)

# The output queue and the syslog client are daemon code too.
$(BUILD)/tests/check_outq: tests/unit/check_outq.c $(BUILD)/daemon/outq.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Idaemon -o $@ $< \
	    $(BUILD)/daemon/outq.o $(LIB) $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)

$(BUILD)/tests/check_syslog_sock: tests/unit/check_syslog_sock.c \
    $(BUILD)/daemon/syslog_sock.o $(BUILD)/daemon/outq.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Idaemon -o $@ $< \
	    $(BUILD)/daemon/syslog_sock.o $(BUILD)/daemon/outq.o $(LIB) \
	    $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)

# The live capture's built-in filter, compiled and run over the fixtures.
CHECK_CAPTURE_OBJ := $(BUILD)/daemon/capture.o $(BUILD)/daemon/log.o \
	$(BUILD)/daemon/syslog_sock.o $(BUILD)/daemon/outq.o
$(BUILD)/tests/check_capture: tests/unit/check_capture.c $(CHECK_CAPTURE_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Idaemon -o $@ $< \
	    $(CHECK_CAPTURE_OBJ) $(LIB) $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)

# So is the listening-socket check (sock_diag); its test opens real sockets.
CHECK_LOCAL_OBJ := $(BUILD)/daemon/local.o $(BUILD)/daemon/log.o \
	$(BUILD)/daemon/syslog_sock.o $(BUILD)/daemon/outq.o
$(BUILD)/tests/check_local: tests/unit/check_local.c $(CHECK_LOCAL_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Idaemon -o $@ $< \
	    $(CHECK_LOCAL_OBJ) $(LIB) $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)
# The evidence files: the writer and its limits, on a scratch directory.
CHECK_EVIDENCE_OUT_OBJ := $(BUILD)/daemon/evidence_out.o $(BUILD)/daemon/log.o \
	$(BUILD)/daemon/syslog_sock.o $(BUILD)/daemon/outq.o
$(BUILD)/tests/check_evidence_out: tests/unit/check_evidence_out.c \
    $(CHECK_EVIDENCE_OUT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(CHECK_CFLAGS) -Idaemon -o $@ $< \
	    $(CHECK_EVIDENCE_OUT_OBJ) $(LIB) $(LDFLAGS) $(CHECK_LIBS) $(DAEMON_LIBS)
# What the -r reader hands on, packet by packet (tests/pcap/pcapng.sh).
CAPDUMP	:= $(BUILD)/tests/capdump
$(CAPDUMP): tests/pcap/capdump.c $(BUILD)/daemon/capfile.o $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -Idaemon -o $@ $< $(BUILD)/daemon/capfile.o \
	    $(LIB) $(LDFLAGS) $(DAEMON_LIBS)

# The headers the test programs share: a change rebuilds them all.
$(UNIT_BIN): tests/unit/check_util.h tests/put.h
$(MKPCAP) $(MKPAIR): tests/put.h

$(MKPCAP): tests/pcap/mkpcap.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

$(MKPAIR): tests/pcap/vantage/mkpair.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -o $@ $< $(LDFLAGS)

deps:
	@sh tests/deps.sh build $(BUILD_PKGS)
	@sh tests/deps.sh tests $(TEST_PKGS)
ifeq ($(IS_ROOT),1)
	@sh tests/deps.sh root-tests $(ROOT_TEST_PKGS)
endif

deps-fuzz:
	@sh tests/deps.sh fuzz $(FUZZ_PKGS)

# Everything a normal user can run; as root (CI), the root-only suites too.
check: deps
	$(MAKE) check-unit check-pcap check-service
ifeq ($(IS_ROOT),1)
	$(MAKE) check-root
else
	@echo "check: skipped the root-only suites (network namespaces, the daemon's start-up as root); run them with: sudo make check-root"
endif

# The suites that need root: the real daemon and the real kernel in
# network namespaces.
check-root: $(RSTWATCHD) $(BUILD)/tests/check_metrics
	@if [ "$$(id -u)" != 0 ]; then echo "check-root: needs root (sudo make check-root)" >&2; exit 2; fi
	@sh tests/deps.sh root-tests $(ROOT_TEST_PKGS)
	$(MAKE) check-netns
	@sh tests/service/cli.sh $(RSTWATCHD)
	@SANITIZE=$(SANITIZE) sh tests/service/check_service.sh $(RSTWATCHD) \
	    $(BUILD)/tests/check_metrics
	$(MAKE) check-deb

check-unit: $(UNIT_BIN)
	@sh tests/run_unit.sh $(UNIT_BIN)

check-pcap: $(RSTWATCHD) $(MKPCAP) $(CAPDUMP) $(MKPAIR)
	@sh tests/pcap/run.sh $(RSTWATCHD) $(MKPCAP)
	@sh tests/pcap/vantage/run.sh $(RSTWATCHD) $(MKPAIR)
	@sh tests/pcap/reader.sh $(RSTWATCHD)
	@sh tests/pcap/community_id.sh $(RSTWATCHD)
	@sh tests/pcap/pcapng.sh $(RSTWATCHD) $(CAPDUMP)
	@python3 tests/pcap/schema.py tests/pcap/zeek/expected/*.jsonl
	@sh tests/pcap/zeek.sh $(RSTWATCHD)
	@sh tests/pcap/undecoded.sh $(RSTWATCHD)
	@sh tests/pcap/evidence.sh $(RSTWATCHD)

# Flow records against Zeek's conn.log baselines and tshark's TCP analysis
# on Zeek's test traces (a Zeek git clone: ZEEK_REPO; not part of check,
# its inputs are not in this tree).  FOREIGN_ARGS=--all reads every trace
# for the tshark part, -v lists every disagreement.
ZEEK_REPO ?= /work/.mirror/zeek+zeek/repo
compare-foreign: $(RSTWATCHD)
	@python3 tests/pcap/foreign/compare.py --zeek $(ZEEK_REPO) $(FOREIGN_ARGS) $(RSTWATCHD)

# The real daemon and the real TCP stack in network namespaces: needs root
# (CI is root) and says so loudly rather than skipping.
check-netns: $(RSTWATCHD)
	@bash tests/netns/e2e.sh $(RSTWATCHD)
	@bash tests/netns/outputs.sh $(RSTWATCHD)
	@bash tests/netns/capture.sh $(RSTWATCHD)
	@bash tests/netns/encap.sh $(RSTWATCHD)
	@bash tests/netns/metrics.sh $(RSTWATCHD)
	@bash tests/netns/nflog.sh $(RSTWATCHD)
	@bash tests/netns/pipeline.sh $(RSTWATCHD)
	@bash tests/netns/evidence.sh $(RSTWATCHD)
	@bash tests/netns/tunnels.sh $(RSTWATCHD)
	@bash tests/netns/loss.sh $(RSTWATCHD)
	@bash tests/netns/forged_rst.sh $(RSTWATCHD)
	@bash tests/netns/vantage.sh $(RSTWATCHD)

check-service: $(RSTWATCHD) $(BUILD)/tests/check_metrics
	@SANITIZE=$(SANITIZE) sh tests/service/check_service.sh $(RSTWATCHD) \
	    $(BUILD)/tests/check_metrics
	@sh tests/service/cli.sh $(RSTWATCHD) user

# The Debian package, built from a copy of this tree (dpkg-buildpackage
# writes beside the source): $(BUILD)/deb/rstwatchd_*.deb.
deb:
	@sh tests/deps.sh deb $(DEB_PKGS)
	@sh tests/deb/build.sh $(BUILD)/deb

# Build, lintian, install into a fresh debootstrap chroot (cached in
# $(BUILD)/deb), use, purge.  The package is built with Debian's flags
# whatever SANITIZE says, so the sanitizer pass does not repeat it.
check-deb:
ifeq ($(SANITIZE),1)
	@echo "check-deb: not repeated with SANITIZE=1 (the package is built with Debian's flags, not the sanitizers'); run: sudo make check-deb"
else
	@if [ "$$(id -u)" != 0 ]; then echo "check-deb: needs root (sudo make check-deb)" >&2; exit 2; fi
	@sh tests/deps.sh deb $(DEB_PKGS)
	@bash tests/deb/check_deb.sh $(BUILD)/deb
endif

# Regenerate the committed fixtures from the writer (then review the diff).
fixtures: $(MKPCAP)
	$(MKPCAP) tests/pcap/input

sizes: $(BUILD)/tests/check_flow
	@$(BUILD)/tests/check_flow --sizes

install: $(RSTWATCHD)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(SYSCONFDIR) $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR)
	install -m 755 $(RSTWATCHD) $(DESTDIR)$(SBINDIR)/rstwatchd
	install -m 644 man/rstwatchd.8 $(DESTDIR)$(MANDIR)/man8/rstwatchd.8
	install -m 644 man/rstwatch.yaml.5 $(DESTDIR)$(MANDIR)/man5/rstwatch.yaml.5
	install -m 644 man/rstwatchd-json.5 $(DESTDIR)$(MANDIR)/man5/rstwatchd-json.5
	install -D -m 644 man/rstwatchd-json.schema.json \
	    $(DESTDIR)$(DATADIR)/rstwatchd/rstwatchd-json.schema.json
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/rstwatchd.service > $(DESTDIR)$(UNITDIR)/rstwatchd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/rstwatchd.service
	install -m 644 systemd/rstwatchd.sysusers $(DESTDIR)$(SYSUSERSDIR)/rstwatchd.conf
	install -D -m 644 systemd/rstwatchd.logrotate $(DESTDIR)$(SYSCONFDIR)/logrotate.d/rstwatchd
	@if [ -z "$(DESTDIR)" ] && command -v systemd-sysusers >/dev/null; then \
	    systemd-sysusers $(SYSUSERSDIR)/rstwatchd.conf || true; fi
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml ]; then \
	    echo "install: keeping existing $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml"; \
	else install -m 644 conf/rstwatch.yaml $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml; fi
	@if [ -z "$(DESTDIR)" ]; then echo "install: now run: systemctl daemon-reload"; fi

# What install put, and only that.  The configuration goes only when it is
# still the shipped one; the system user (sysusers.d) stays, as packages
# leave theirs.  Then: systemctl daemon-reload.
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/rstwatchd $(DESTDIR)$(MANDIR)/man8/rstwatchd.8 \
	    $(DESTDIR)$(MANDIR)/man5/rstwatch.yaml.5 $(DESTDIR)$(MANDIR)/man5/rstwatchd-json.5 \
	    $(DESTDIR)$(DATADIR)/rstwatchd/rstwatchd-json.schema.json \
	    $(DESTDIR)$(UNITDIR)/rstwatchd.service $(DESTDIR)$(SYSUSERSDIR)/rstwatchd.conf \
	    $(DESTDIR)$(SYSCONFDIR)/logrotate.d/rstwatchd
	@rmdir $(DESTDIR)$(DATADIR)/rstwatchd 2>/dev/null || :
	@if [ ! -e $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml ]; then :; \
	elif cmp -s conf/rstwatch.yaml $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml; then \
	    rm -f $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml; \
	else echo "uninstall: keeping $(DESTDIR)$(SYSCONFDIR)/rstwatch.yaml (changed since install)"; fi
	@if [ -z "$(DESTDIR)" ]; then echo "uninstall: now run: systemctl daemon-reload"; fi

clean:
	rm -rf build build-san daemon/rstwatchd

-include $(LIB_OBJ:.o=.d) $(DAEMON_OBJ:.o=.d)

# Benchmarks and fuzzing live in their own fragments.
-include tests/bench/bench.mk
-include tests/fuzz/fuzz.mk
