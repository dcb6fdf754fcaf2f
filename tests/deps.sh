#!/bin/sh
# Make sure the Debian packages named on the command line are installed.
# As root, install the missing ones; otherwise name them and how to get
# them, and fail, rather than letting a test fail obscurely later.
# usage: deps.sh WHAT PACKAGE...
what=$1
shift
missing=""
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
	    missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps ($what): all installed"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "deps ($what): missing:$missing; install them with: sudo apt-get install$missing (or sudo make deps)" >&2
	exit 1
fi
echo "deps ($what): installing$missing"
apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing
