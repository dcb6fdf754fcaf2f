#!/bin/sh
# The service and documentation checks: the unit verifies and scores better
# than systemd-networkd's 2.8, the man pages lint clean, and the default
# configuration, the manual and the code agree on every key and kind.
# usage: check_service.sh RSTWATCHD CHECK_METRICS
set -u
bin=$1
metrics=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# The unit, pointing at the binary under test.
abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
sed "s|@SBINDIR@/rstwatchd|$abs|" "$top/systemd/rstwatchd.service" > "$tmp/rstwatchd.service"
if out=$(systemd-analyze verify --man=no "$tmp/rstwatchd.service" 2>&1) && [ -z "$out" ]; then
	ok
else
	fail "systemd-analyze verify: $out"
fi
score=$(systemd-analyze security --offline=true "$tmp/rstwatchd.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for rstwatchd.service: \([0-9.]*\).*/\1/p')
echo "service: exposure score ${score:-unknown} (systemd-networkd: 2.8)"
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s < 2.8) }'; then
	ok
else
	fail "exposure score ${score:-unknown} is not below 2.8"
fi

# The manual pages.
if out=$(mandoc -Tlint -Wwarning "$top/man/rstwatchd.8" "$top/man/rstwatch.yaml.5" 2>&1) && [ -z "$out" ]; then
	ok
else
	fail "mandoc -Tlint: $out"
fi

# The default configuration is valid and is what the program assumes.
if "$bin" -t -c "$top/conf/rstwatch.yaml" 2>/dev/null; then ok; else fail "-t on conf/rstwatch.yaml"; fi

# Every key of the default file and every event kind is in the manual.
keys=$(grep -E '^ *[a-z_]+:' "$top/conf/rstwatch.yaml" | sed -E 's/^ *([a-z_]+):.*/\1/' | sort -u)
for k in $keys; do
	if grep -q -- "$k" "$top/man/rstwatch.yaml.5"; then ok; else fail "key $k not in rstwatch.yaml.5"; fi
done
kinds=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\),.*SEV_.*/\1/p' "$top/lib/event.h")
[ -n "$kinds" ] || fail "no event kinds found in lib/event.h"
for k in $kinds; do
	if grep -q -- "$k" "$top/man/rstwatchd.8"; then ok; else fail "kind $k not in rstwatchd.8"; fi
	if grep -q -- "^  $k:" "$top/conf/rstwatch.yaml"; then ok; else fail "kind $k not in conf/rstwatch.yaml"; fi
done
# Every flag of the synopsis is described.
for f in c f h i j r t V v; do
	if grep -q "^\.It Fl $f" "$top/man/rstwatchd.8"; then ok; else fail "flag -$f not in rstwatchd.8"; fi
done

# The unit keeps the metrics endpoint to localhost unless widened, and
# the score stays at most 2.0 with it.
if grep -q '^IPAddressAllow=localhost$' "$top/systemd/rstwatchd.service"; then ok; else fail "no IPAddressAllow=localhost in the unit"; fi
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
	ok
else
	fail "exposure score ${score:-unknown} is above 2.0"
fi

# The metrics text passes promtool's lint; the example alerting rules load
# and pass their tests.
if ! command -v promtool > /dev/null; then
	fail "promtool not found: apt-get install prometheus (make deps, as root)"
elif [ -z "$metrics" ] || [ ! -x "$metrics" ]; then
	fail "usage: check_service.sh RSTWATCHD CHECK_METRICS"
else
	if out=$("$metrics" --print | promtool check metrics 2>&1) && [ -z "$out" ]; then ok; else fail "promtool check metrics: $out"; fi
	if out=$(promtool check rules "$top/conf/rstwatchd.rules.yml" 2>&1); then ok; else fail "promtool check rules: $out"; fi
	if out=$(promtool test rules "$top/tests/service/rules_test.yml" 2>&1); then ok; else fail "promtool test rules: $out"; fi
fi

# make install honours DESTDIR and PREFIX and never overwrites the
# configuration an administrator already has.
dest=$tmp/root
if make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr SANITIZE="${SANITIZE:-}" > "$tmp/install.log" 2>&1; then
	for f in usr/sbin/rstwatchd usr/share/man/man8/rstwatchd.8 \
	    usr/share/man/man5/rstwatch.yaml.5 etc/rstwatch.yaml \
	    lib/systemd/system/rstwatchd.service usr/lib/sysusers.d/rstwatchd.conf \
	    etc/logrotate.d/rstwatchd; do
		if [ -f "$dest/$f" ]; then ok; else fail "make install: no $f"; fi
	done
	if grep -q '^ExecStart=/usr/sbin/rstwatchd -f$' "$dest/lib/systemd/system/rstwatchd.service"; then
		ok
	else
		fail "make install: unit does not run /usr/sbin/rstwatchd -f"
	fi
	echo "# edited by the administrator" > "$dest/etc/rstwatch.yaml"
	make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr SANITIZE="${SANITIZE:-}" > "$tmp/install2.log" 2>&1
	if grep -q "edited by the administrator" "$dest/etc/rstwatch.yaml"; then
		ok
	else
		fail "make install overwrote an existing /etc/rstwatch.yaml"
	fi
else
	fail "make install: $(tail -3 "$tmp/install.log")"
fi

echo "service: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
