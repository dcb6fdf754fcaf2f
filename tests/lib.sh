# What the shell suites of tests/pcap (and tests/service) share.  Sourced
# right after `set -u`:
#
#	. "$(dirname "$0")/../lib.sh"
#
# POSIX sh.  The network namespace suites have their own, tests/netns/lib.sh.
# Test cases in every suite are named after what they show, as the Check
# programs' test_<what> (tests/unit/check_util.h).

# The counters: pass counts a check that held, fail one that did not (and
# says which, on standard output); t_summary SUITE prints the last line,
# "SUITE: N passed, M failed", and is true when nothing failed.
passed=0
failed=0
pass() {
	passed=$((passed + 1))
}
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}
t_summary() {
	echo "$1: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# t_args COUNT USAGE "$@": exactly COUNT arguments, or the usage and exit 2.
t_args() {
	t_n=$1
	t_usage=$2
	shift 2
	if [ $# -ne "$t_n" ]; then
		echo "usage: $0 $t_usage" >&2
		exit 2
	fi
}

# t_abspath PATH: absolute, since the suites run from the top of the tree.
t_abspath() {
	case $1 in
	/*)	printf '%s\n' "$1" ;;
	*/*)	printf '%s\n' "$PWD/$1" ;;
	*)	printf '%s\n' "$1" ;;	# a name looked up in PATH
	esac
}

# t_top: into the top of the tree ($top), where the fixtures' paths start.
t_top() {
	top=$(cd "$(dirname "$0")/../.." && pwd) || exit 2
	cd "$top" || exit 2
}

# t_locale: outputs are compared byte for byte, so C locale and UTC times.
t_locale() {
	TZ=UTC
	LC_ALL=C
	export TZ LC_ALL
}

# t_pcapdir: t_top and t_locale; $dir is tests/pcap, $conf its test.yaml
# and $WARNING what -r says where it stops reading a damaged file.
t_pcapdir() {
	t_top
	t_locale
	dir=tests/pcap
	conf=$dir/test.yaml
	WARNING="stopped reading this file there"
}

# t_tmpdir NAME: a scratch directory, $tmp, removed at exit and on signals.
t_tmpdir() {
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/rstwatch-$1.XXXXXX") || exit 2
	trap 'rm -rf "$tmp"' EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
}

# t_require SUITE PACKAGES TOOL...: every TOOL, or a loud failure (exit 2):
# a suite never skips silently.
t_require() {
	t_suite=$1
	t_pkgs=$2
	shift 2
	for t_tool in "$@"; do
		if ! command -v "$t_tool" >/dev/null 2>&1; then
			echo "$t_suite: $t_tool is missing (apt-get install" \
			    "$t_pkgs): FAILED" >&2
			exit 2
		fi
	done
}
