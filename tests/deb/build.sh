#!/bin/sh
# Build the Debian package from this tree: a copy of the sources (without
# build products or .git) in OUTDIR/src, `dpkg-buildpackage -us -uc -b`
# there (so that its results, which it writes to the parent directory, stay
# inside OUTDIR), and the .deb, .changes and .buildinfo moved to OUTDIR.
#
#	sh tests/deb/build.sh OUTDIR		(make deb)
#
# The build log is OUTDIR/build.log; exit status that of dpkg-buildpackage.
set -eu

if [ $# -ne 1 ]; then
	echo "usage: $0 OUTDIR" >&2
	exit 2
fi
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
version=$(cd "$top" && dpkg-parsechangelog -S Version)
src=$out/src/rstwatchd-$version

rm -rf "$out/src"
rm -f "$out"/rstwatchd_*.deb "$out"/rstwatchd-dbgsym_*.deb \
    "$out"/rstwatchd_*.changes "$out"/rstwatchd_*.buildinfo
mkdir -p "$src"
# Everything but what builds make: $out may itself be inside the tree.
(cd "$top" && tar --exclude=./.git --exclude=./build --exclude=./build-san \
    --exclude=./build-fuzz --exclude=./daemon/rstwatchd -cf - .) |
    (cd "$src" && tar -xf -)
echo "deb: dpkg-buildpackage -us -uc -b in $src (log: $out/build.log)"
# Not the caller's make variables (`make check SANITIZE=1` exports them):
# the package is built the way Debian builds it.
if ! (cd "$src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u SANITIZE -u BUILD \
    dpkg-buildpackage -us -uc -b -j2) > "$out/build.log" 2>&1; then
	tail -n 30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed (log: $out/build.log)" >&2
	exit 1
fi
mv "$out/src"/rstwatchd*_*.deb "$out/src"/rstwatchd_*.changes \
    "$out/src"/rstwatchd_*.buildinfo "$out/"
rm -rf "$out/src"
ls "$out"/rstwatchd_*.deb
