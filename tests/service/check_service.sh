#!/bin/sh
# The service and documentation checks: the unit verifies and scores better
# than systemd-networkd's 2.8, the man pages lint clean, and the default
# configuration, the manual and the code agree on every key and kind.
# usage: check_service.sh RSTWATCHD CHECK_METRICS
set -u
. "$(dirname "$0")/../lib.sh"
bin=$1
metrics=${2:-}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The unit, pointing at the binary under test.
abs=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
sed "s|@SBINDIR@/rstwatchd|$abs|" "$top/systemd/rstwatchd.service" > "$tmp/rstwatchd.service"
if out=$(systemd-analyze verify --man=no "$tmp/rstwatchd.service" 2>&1) && [ -z "$out" ]; then
	pass
else
	fail "systemd-analyze verify: $out"
fi
score=$(systemd-analyze security --offline=true "$tmp/rstwatchd.service" 2>/dev/null |
    sed -n 's/.*Overall exposure level for rstwatchd.service: \([0-9.]*\).*/\1/p')
echo "service: exposure score ${score:-unknown} (systemd-networkd: 2.8)"
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s < 2.8) }'; then
	pass
else
	fail "exposure score ${score:-unknown} is not below 2.8"
fi

# The manual pages.
if out=$(mandoc -Tlint -Wwarning "$top/man/rstwatchd.8" "$top/man/rstwatch.yaml.5" \
    "$top/man/rstwatchd-json.5" 2>&1) && [ -z "$out" ]; then
	pass
else
	fail "mandoc -Tlint: $out"
fi

# The default configuration is valid and is what the program assumes.
# As root, -t also wants daemon.user (rstwatch, made by make install's
# sysusers file) to exist; where it does not, that is all -t may say.
if [ "$(id -u)" != 0 ] || id rstwatch > /dev/null 2>&1; then
	if "$bin" -t -c "$top/conf/rstwatch.yaml" 2>/dev/null; then pass; else fail "-t on conf/rstwatch.yaml"; fi
else
	"$bin" -t -c "$top/conf/rstwatch.yaml" > "$tmp/t.out" 2>&1
	rc=$?
	if [ "$rc" = 1 ] && [ "$(wc -l < "$tmp/t.out")" = 1 ] &&
	    grep -q 'daemon.user: user "rstwatch" does not exist' "$tmp/t.out"; then
		pass
	else
		fail "-t on conf/rstwatch.yaml without a user rstwatch: exit $rc: $(cat "$tmp/t.out")"
	fi
	sed 's/^  user: rstwatch$/  user: nobody/' "$top/conf/rstwatch.yaml" > "$tmp/nobody.yaml"
	if "$bin" -t -c "$tmp/nobody.yaml" 2>/dev/null; then pass; else fail "-t on conf/rstwatch.yaml with user nobody"; fi
fi

# Every key of the default file and every event kind is in the manual.
keys=$(grep -E '^ *[a-z_]+:' "$top/conf/rstwatch.yaml" | sed -E 's/^ *([a-z_]+):.*/\1/' | sort -u)
for k in $keys; do
	if grep -q -- "$k" "$top/man/rstwatch.yaml.5"; then pass; else fail "key $k not in rstwatch.yaml.5"; fi
done
kinds=$(sed -n 's/^[[:space:]]*X(\([a-z_]*\),.*SEV_.*/\1/p' "$top/lib/event.h")
[ -n "$kinds" ] || fail "no event kinds found in lib/event.h"
for k in $kinds; do
	if grep -q -- "$k" "$top/man/rstwatchd.8"; then pass; else fail "kind $k not in rstwatchd.8"; fi
	if grep -q -- "^  $k:" "$top/conf/rstwatch.yaml"; then pass; else fail "kind $k not in conf/rstwatch.yaml"; fi
done
# Every flag of the synopsis is described.
for f in c f h i j K r t V v; do
	if grep -q "^\.It Fl $f" "$top/man/rstwatchd.8"; then pass; else fail "flag -$f not in rstwatchd.8"; fi
done

# The unit keeps the metrics endpoint to localhost unless widened, and
# the score stays at most 2.0 with it.
if grep -q '^IPAddressAllow=localhost$' "$top/systemd/rstwatchd.service"; then pass; else fail "no IPAddressAllow=localhost in the unit"; fi
if [ -n "$score" ] && awk -v s="$score" 'BEGIN { exit !(s <= 2.0) }'; then
	pass
else
	fail "exposure score ${score:-unknown} is above 2.0"
fi

# The metrics text passes promtool's lint; the example alerting rules load
# and pass their tests.
# promtool comes with the prometheus package, a root-test dependency (it
# would start a Prometheus server on a developer's machine): without it, a
# normal user is told, loudly, and root fails.
if ! command -v promtool > /dev/null && [ "$(id -u)" != 0 ]; then
	echo "service: NOT CHECKED: promtool is not installed; the metrics text and rules are checked by: sudo make check-root" >&2
elif ! command -v promtool > /dev/null; then
	fail "promtool not found: apt-get install prometheus (make deps, as root)"
elif [ -z "$metrics" ] || [ ! -x "$metrics" ]; then
	fail "usage: check_service.sh RSTWATCHD CHECK_METRICS"
else
	if out=$("$metrics" --print | promtool check metrics 2>&1) && [ -z "$out" ]; then pass; else fail "promtool check metrics: $out"; fi
	if out=$(promtool check rules "$top/conf/rstwatchd.rules.yml" 2>&1); then pass; else fail "promtool check rules: $out"; fi
	if out=$(promtool test rules "$top/tests/service/rules_test.yml" 2>&1); then pass; else fail "promtool test rules: $out"; fi
fi

# make install honours DESTDIR and PREFIX and never overwrites the
# configuration an administrator already has.
dest=$tmp/root
if make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr SANITIZE="${SANITIZE:-}" > "$tmp/install.log" 2>&1; then
	for f in usr/sbin/rstwatchd usr/share/man/man8/rstwatchd.8 \
	    usr/share/man/man5/rstwatch.yaml.5 etc/rstwatch.yaml \
	    lib/systemd/system/rstwatchd.service usr/lib/sysusers.d/rstwatchd.conf \
	    etc/logrotate.d/rstwatchd usr/share/man/man5/rstwatchd-json.5 \
	    usr/share/rstwatchd/rstwatchd-json.schema.json; do
		if [ -f "$dest/$f" ]; then pass; else fail "make install: no $f"; fi
	done
	if grep -q '^ExecStart=/usr/sbin/rstwatchd -f$' "$dest/lib/systemd/system/rstwatchd.service"; then
		pass
	else
		fail "make install: unit does not run /usr/sbin/rstwatchd -f"
	fi
	echo "# edited by the administrator" > "$dest/etc/rstwatch.yaml"
	make -s -C "$top" install DESTDIR="$dest" PREFIX=/usr SANITIZE="${SANITIZE:-}" > "$tmp/install2.log" 2>&1
	if grep -q "edited by the administrator" "$dest/etc/rstwatch.yaml"; then
		pass
	else
		fail "make install overwrote an existing /etc/rstwatch.yaml"
	fi
	# make uninstall removes what install put, keeping the changed file.
	if make -s -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr > "$tmp/un.log" 2>&1; then
		left=$(cd "$dest" && find . -type f | sort | tr '\n' ' ')
		if [ "$left" = "./etc/rstwatch.yaml " ]; then pass; else fail "make uninstall left: $left"; fi
		if grep -q "keeping .*rstwatch.yaml (changed" "$tmp/un.log"; then pass; else fail "make uninstall: no word on the kept file"; fi
	else
		fail "make uninstall: $(tail -3 "$tmp/un.log")"
	fi
else
	fail "make install: $(tail -3 "$tmp/install.log")"
fi

# Unchanged configuration: uninstall leaves nothing.  With the default
# PREFIX, every Exec line of the unit runs the binary where it was put.
dest=$tmp/root2
if make -s -C "$top" install DESTDIR="$dest" SANITIZE="${SANITIZE:-}" > "$tmp/install3.log" 2>&1; then
	bad=$(sed -n 's/^Exec[A-Za-z]*=\([^ ]*rstwatchd\) .*/\1/p' "$dest/lib/systemd/system/rstwatchd.service" |
	    while read -r p; do [ -x "$dest$p" ] || echo "$p"; done)
	n=$(grep -c '^Exec[A-Za-z]*=/usr/local/sbin/rstwatchd ' "$dest/lib/systemd/system/rstwatchd.service")
	if [ -z "$bad" ] && [ "$n" = 2 ]; then pass; else fail "unit and binary disagree: [$bad], $n lines on /usr/local/sbin"; fi
	if grep -q '@SBINDIR@' "$dest/lib/systemd/system/rstwatchd.service"; then fail "@SBINDIR@ left in the unit"; else pass; fi
	make -s -C "$top" uninstall DESTDIR="$dest" > "$tmp/un2.log" 2>&1
	left=$(cd "$dest" && find . -type f | sort | tr '\n' ' ')
	if [ -z "$left" ]; then pass; else fail "make uninstall (unchanged configuration) left: $left"; fi
else
	fail "make install (default PREFIX): $(tail -3 "$tmp/install3.log")"
fi

t_summary service
