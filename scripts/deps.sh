#!/bin/sh
# deps.sh - install the Debian packages spiral needs to build, test and run.
#
# Called by `make demo` and `make check` before anything is compiled.  When
# every package is present it says nothing.  When some are missing it runs
# `apt-get install -y` if we are root, and otherwise prints the exact command
# to run and fails, so that set-up stays two commands on a fresh Debian 12.
#
# Usage: scripts/deps.sh [extra-package ...]
set -eu

PKGS="gcc make pkg-config check libpcre2-dev libxml2-dev libutf8proc-dev
libjansson-dev libopencc-dev libopencc-data libcsv-dev libsqlite3-dev
python3 python3-jieba"
# make check also compiles the header as C++ (g++) and checks the man pages
# with groff (groff-base).
PKGS="$PKGS g++ groff-base"

missing=""
for p in $PKGS "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then
    echo "deps.sh: installing:$missing" >&2
    export DEBIAN_FRONTEND=noninteractive
    # An old or empty package list would make the install fail: refresh it first.
    apt-get update -qq >&2 || true
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >&2
else
    echo "spiral needs these Debian packages:$missing" >&2
    echo "Install them with:" >&2
    echo "    sudo apt-get install -y$missing" >&2
    exit 1
fi
