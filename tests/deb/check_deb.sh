#!/bin/bash
# The Debian package, tested the way an administrator meets it: built with
# dpkg-buildpackage, checked by lintian, installed with apt into a clean
# Debian 12 (a debootstrap chroot), used (-t, -r on a fixture), purged.
#
#	bash tests/deb/check_deb.sh OUTDIR	(make check-deb; KEEP=1 keeps
#						 the chroot, VERBOSE=1 echoes)
#
# The clean system is a minbase debootstrap of bookworm from the mirror in
# the host's apt sources, made once (about 40 s here) and cached as
# OUTDIR/bookworm-minbase.tar; every run unpacks a fresh copy of it, so the
# cache is never what is tested.  The chroot runs in a private mount
# namespace (its /proc is gone when the test is), shares the host's network
# to reach the mirror for the package's dependencies, and has no systemd
# running: "enabled" is the unit's symlink, and the maintainer scripts must
# not try to start anything.  What the package may leave after a purge is
# compared as file lists (type and path) of the whole chroot, taken after
# the dependencies are installed and after the purge; dpkg's and apt's own
# records are left out.  The system user "rstwatch" stays after a purge, on
# purpose (Debian's practice for system users: see README).
#
# Last line: "deb: N passed, M failed"; exit status 1 when M > 0, 2 when the
# test cannot run at all (not root, tools missing, no mirror).

[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
mkdir -p "$1" || exit 2
OUT=$(cd "$1" && pwd)
VERBOSE=${VERBOSE:-0}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
CACHE=$OUT/$SUITE-minbase.tar
root=
passed=0
failed=0

loud() {
	echo "deb: CANNOT RUN: $*" >&2
	echo "deb: $passed passed, $((failed + 1)) failed"
	exit 2
}
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { failed=$((failed + 1)); echo "FAIL $*"; }
run() {
	[ "$VERBOSE" = 1 ] && echo "+ $*" >&2
	"$@"
}

[ "$(id -u)" = 0 ] || loud "needs root (debootstrap, chroot): sudo make check-deb"
for t in dpkg-buildpackage lintian debootstrap fakeroot unshare chroot; do
	command -v "$t" > /dev/null || loud "$t not found (make check-deb installs it)"
done

cleanup() {
	if [ -n "$root" ] && [ "${KEEP:-0}" != 1 ]; then
		# Nothing is mounted in $root outside the test's own mount
		# namespace, which is gone: a plain rm is safe.
		rm -rf --one-file-system "$root"
	elif [ -n "$root" ]; then
		echo "deb: kept $root"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# in_root CMD...: run CMD in the chroot, with /proc, in a mount namespace
# of its own; no service manager, no daemons started (policy-rc.d).
in_root() {
	[ "$VERBOSE" = 1 ] && echo "+ chroot: $*" >&2
	unshare --mount --propagation private sh -c '
		r=$1; shift
		mount -t proc proc "$r/proc" && exec chroot "$r" "$@"' sh "$root" \
	    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	    LC_ALL=C.UTF-8 TZ=UTC "$@"
}

# snapshot FILE: every path in the chroot with its type, minus dpkg's and
# apt's records, caches and logs, and what only a running system has.
snapshot() {
	(cd "$root" && find . -xdev \
	    \( -path ./proc -o -path ./var/lib/dpkg -o -path ./var/lib/apt \
	    -o -path ./var/cache -o -path ./var/log/apt -o -path ./tmp \
	    -o -path ./var/log/dpkg.log \) -prune -o -printf '%y %p\n') |
	    LC_ALL=C sort > "$1"
}

# ---------------------------------------------------------------------------
# Build.

t0=$(date +%s)
if debs=$(sh "$HERE/build.sh" "$OUT" | tail -n 1) && [ -f "$debs" ]; then
	deb=$debs
	pass "build: ${deb##*/} ($(($(date +%s) - t0)) s)"
else
	fail "build: dpkg-buildpackage -us -uc -b failed (log: $OUT/build.log)"
	echo "deb: $passed passed, $failed failed"
	exit 1
fi
version=$(dpkg-deb -f "$deb" Version)

# What the package holds: the files, the conffiles, the maintainer scripts.
want="./usr/sbin/rstwatchd ./lib/systemd/system/rstwatchd.service
./usr/lib/sysusers.d/rstwatchd.conf ./etc/logrotate.d/rstwatchd ./etc/rstwatch.yaml
./usr/share/man/man8/rstwatchd.8.gz ./usr/share/man/man5/rstwatch.yaml.5.gz
./usr/share/man/man5/rstwatchd-json.5.gz ./usr/share/rstwatchd/rstwatchd-json.schema.json
./usr/share/doc/rstwatchd/copyright"
missing=
for f in $want; do
	dpkg-deb -c "$deb" | awk '{ print $6 }' | grep -qx "$f" || missing="$missing $f"
done
[ -z "$missing" ] && pass "contents: binary, unit, sysusers.d, logrotate, config, manuals, JSON schema" ||
    fail "contents: missing$missing"
ctl=$(mktemp -d) || loud "mktemp"
dpkg-deb -e "$deb" "$ctl/DEBIAN"
if [ "$(sort "$ctl/DEBIAN/conffiles" | tr '\n' ' ')" = "/etc/logrotate.d/rstwatchd /etc/rstwatch.yaml " ]; then
	pass "conffiles: /etc/rstwatch.yaml /etc/logrotate.d/rstwatchd"
else
	fail "conffiles: $(tr '\n' ' ' < "$ctl/DEBIAN/conffiles")"
fi
# (Nothing runs systemd in the chroot: the scripts are read here.)
if grep -q 'systemd-sysusers' "$ctl/DEBIAN/postinst" &&
    grep -q "deb-systemd-helper enable 'rstwatchd.service'" "$ctl/DEBIAN/postinst" &&
    ! grep -Eq 'deb-systemd-invoke (start|restart)' "$ctl/DEBIAN/postinst"; then
	pass "postinst: creates the user (systemd-sysusers), enables the service, starts nothing"
else
	fail "postinst: wanted systemd-sysusers, enable, no start:"
	sed 's/^/    /' "$ctl/DEBIAN/postinst"
fi
# Upgrade: restarted only if running; remove: stopped.
if grep -Eq "deb-systemd-invoke try-restart '?rstwatchd.service" "$ctl/DEBIAN/postinst" &&
    ! grep -q 'deb-systemd-invoke stop' "$ctl/DEBIAN/preinst" 2> /dev/null &&
    grep -Eq '"\$1" = remove .*' "$ctl/DEBIAN/prerm" 2> /dev/null &&
    grep -q 'deb-systemd-invoke stop rstwatchd.service' "$ctl/DEBIAN/prerm"; then
	pass "maintainer scripts: try-restart on upgrade, stop on remove"
else
	fail "maintainer scripts: wanted try-restart in postinst, no stop in preinst, stop in prerm"
fi
rm -rf "$ctl"
unit_exec=$(dpkg-deb --fsys-tarfile "$deb" | tar -xOf - ./lib/systemd/system/rstwatchd.service |
    sed -n 's/^ExecStart=//p')
[ "$unit_exec" = "/usr/sbin/rstwatchd -f" ] && pass "unit: ExecStart=$unit_exec" ||
    fail "unit: ExecStart=$unit_exec, wanted /usr/sbin/rstwatchd -f"

# ---------------------------------------------------------------------------
# lintian: no error, no warning (pedantic and info tags are shown, and the
# overrides in debian/ are counted).

lintian --pedantic -I --show-overrides "${deb%.deb}.changes" > "$OUT/lintian.txt" 2>&1
ew=$(grep -c '^[EW]: ' "$OUT/lintian.txt")
if [ "$ew" -eq 0 ] && ! grep -q 'lintian: \|^internal error' "$OUT/lintian.txt"; then
	pass "lintian: no errors, no warnings ($(grep -c '^[IPO]: ' "$OUT/lintian.txt") info/pedantic/override tags, in $OUT/lintian.txt)"
else
	fail "lintian: $ew errors or warnings:"
	sed 's/^/    /' "$OUT/lintian.txt"
fi

# ---------------------------------------------------------------------------
# A clean Debian 12.

if [ ! -s "$CACHE" ]; then
	t0=$(date +%s)
	tmproot=$OUT/debootstrap.$$
	rm -rf "$tmproot"
	echo "deb: debootstrap --variant=minbase $SUITE from $MIRROR (once; cached in $CACHE)"
	run debootstrap --variant=minbase "$SUITE" "$tmproot" "$MIRROR" > "$OUT/debootstrap.log" 2>&1 ||
	    { tail -n 5 "$OUT/debootstrap.log" >&2; rm -rf --one-file-system "$tmproot"
	      loud "debootstrap failed (log: $OUT/debootstrap.log)"; }
	tar -C "$tmproot" -cf "$CACHE.tmp" . && mv "$CACHE.tmp" "$CACHE" ||
	    loud "cannot write $CACHE"
	rm -rf --one-file-system "$tmproot"
	echo "deb: debootstrap took $(($(date +%s) - t0)) s"
fi
root=$OUT/root.$$
mkdir -p "$root" && tar -C "$root" -xf "$CACHE" || loud "cannot unpack $CACHE"
cp /etc/resolv.conf "$root/etc/resolv.conf"
# As in a container: no daemon is started by any maintainer script.
printf '#!/bin/sh\nexit 101\n' > "$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp "$deb" "$root/tmp/"
debname=/tmp/${deb##*/}

in_root apt-get -qq update > "$OUT/apt.log" 2>&1 || loud "apt-get update in the chroot failed (log: $OUT/apt.log)"
# The dependencies first, so that the snapshot shows only the package's.
deps=$(dpkg-deb -f "$deb" Depends)
in_root apt-get -y -q --no-install-recommends satisfy "$deps" >> "$OUT/apt.log" 2>&1 ||
    loud "cannot install the dependencies ($deps) in the chroot (log: $OUT/apt.log)"
snapshot "$OUT/files.before"

if in_root apt-get -y -q --no-install-recommends install "$debname" >> "$OUT/apt.log" 2>&1 &&
    [ "$(in_root dpkg-query -W -f='${Status}' rstwatchd)" = "install ok installed" ]; then
	pass "install: apt-get install ./${deb##*/} in a fresh $SUITE chroot"
else
	fail "install: apt-get install failed:"
	tail -n 20 "$OUT/apt.log" | sed 's/^/    /'
fi
pw=$(in_root getent passwd rstwatch)
case $pw in
rstwatch:x:*:*:*:/nonexistent:/usr/sbin/nologin)
	pass "install: system user: $pw" ;;
*)	fail "install: no system user rstwatch: \"$pw\"" ;;
esac
if [ -L "$root/etc/systemd/system/multi-user.target.wants/rstwatchd.service" ]; then
	pass "install: enabled (multi-user.target.wants/rstwatchd.service)"
else
	fail "install: not enabled: no multi-user.target.wants/rstwatchd.service"
fi
# Not started: no rstwatchd process whose root is the chroot.
started=
for p in $(pgrep -x rstwatchd); do
	[ "$(readlink "/proc/$p/root")" = "$root" ] && started="$started $p"
done
[ -z "$started" ] && pass "install: not started" || fail "install: started:$started"
if v=$(in_root /usr/sbin/rstwatchd -V 2>&1) && [ "$v" = "rstwatchd $version" ]; then
	pass "installed: rstwatchd -V: $v"
else
	fail "installed: rstwatchd -V: \"$v\", wanted \"rstwatchd $version\""
fi
if err=$(in_root /usr/sbin/rstwatchd -t 2>&1); then
	pass "installed: rstwatchd -t accepts the shipped /etc/rstwatch.yaml"
else
	fail "installed: rstwatchd -t: $err"
fi
# -r on a fixture, with the pcap cases' configuration: the same bytes as
# tests/pcap/expected.
cp "$TOP/tests/pcap/input/syn_retransmit.pcap" "$TOP/tests/pcap/test.yaml" "$root/tmp/"
in_root /usr/sbin/rstwatchd -r /tmp/syn_retransmit.pcap -j -c /tmp/test.yaml \
    > "$OUT/r.jsonl" 2> "$OUT/r.err"
rc=$?
if [ $rc -eq 0 ] && cmp -s "$OUT/r.jsonl" "$TOP/tests/pcap/expected/syn_retransmit.jsonl"; then
	pass "installed: rstwatchd -r syn_retransmit.pcap -j: as tests/pcap/expected"
else
	fail "installed: rstwatchd -r: exit $rc, output differs: $(cat "$OUT/r.err")"
	diff "$TOP/tests/pcap/expected/syn_retransmit.jsonl" "$OUT/r.jsonl" | head -n 10
fi
line=$(in_root /usr/sbin/rstwatchd -r /tmp/syn_retransmit.pcap 2> /dev/null | grep 'kind=syn_retransmit ')
[ -n "$line" ] && pass "installed: rstwatchd -r: ${line:0:60}..." ||
    fail "installed: rstwatchd -r: no kind=syn_retransmit line"
ok_man=1
for m in man8/rstwatchd.8 man5/rstwatch.yaml.5 man5/rstwatchd-json.5; do
	zcat "$root/usr/share/man/$m.gz" 2> /dev/null | grep -q '^\.Dt ' || ok_man=0
done
[ "$ok_man" = 1 ] && pass "installed: rstwatchd(8), rstwatch.yaml(5), rstwatchd-json(5)" ||
    fail "installed: a manual page is missing or empty"

# What systemd would have made when the service ran (LogsDirectory= with
# DynamicUser=yes: /var/log/private/rstwatchd, /var/log/rstwatchd a link to
# it) and logrotate after it: the purge must take them away.
uid=$(printf '%s\n' "$pw" | cut -d: -f3)
mkdir -p -m 700 "$root/var/log/private"
install -d -m 755 -o "${uid:-0}" "$root/var/log/private/rstwatchd"
ln -s private/rstwatchd "$root/var/log/rstwatchd"
: > "$root/var/log/private/rstwatchd/events.jsonl"
: > "$root/var/log/private/rstwatchd/events.jsonl.1"
# An administrator's change to the configuration: a conffile, kept on
# remove, gone on purge.
echo "# changed by the administrator" >> "$root/etc/rstwatch.yaml"

if in_root apt-get -y -q remove rstwatchd >> "$OUT/apt.log" 2>&1 &&
    [ -f "$root/etc/rstwatch.yaml" ] && [ ! -e "$root/usr/sbin/rstwatchd" ]; then
	pass "remove: binary gone, changed /etc/rstwatch.yaml kept"
else
	fail "remove: apt-get remove failed, or /etc/rstwatch.yaml went with it"
fi
if in_root apt-get -y -q purge rstwatchd >> "$OUT/apt.log" 2>&1 &&
    [ -z "$(in_root dpkg-query -W -f='${Status}' rstwatchd 2> /dev/null)" ]; then
	pass "purge: apt-get purge rstwatchd"
else
	fail "purge: apt-get purge failed: $(tail -n 3 "$OUT/apt.log")"
fi
snapshot "$OUT/files.after"
if cmp -s "$OUT/files.before" "$OUT/files.after"; then
	pass "purge: nothing left ($(wc -l < "$OUT/files.after") paths as before the install)"
else
	fail "purge: the file lists differ (< before, > after):"
	diff "$OUT/files.before" "$OUT/files.after" | grep '^[<>]' | head -n 20 | sed 's/^/    /'
fi
pw=$(in_root getent passwd rstwatch)
[ -n "$pw" ] && pass "purge: system user rstwatch kept, as documented" ||
    fail "purge: system user rstwatch removed (the README says it stays)"

echo "deb: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
