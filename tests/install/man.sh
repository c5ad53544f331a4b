#!/bin/sh
# man.sh - the man pages format without a warning: groff -ww (every warning)
# and man -l (as a reader sees them, through man-db's preprocessors), and
# spiral(1) mentions every long option the program's --help texts list.
#
# Usage: tests/install/man.sh PAGE...   (skips with a message without groff)
set -u
dir=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

if ! command -v groff >/dev/null 2>&1; then
    echo "man: groff not installed: the man pages were not checked (scripts/deps.sh installs groff-base)"
    exit 0
fi
for page in "$@"; do
    if groff -ww -z -man "$page" >"$tmp/log" 2>&1 && [ ! -s "$tmp/log" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL man: groff -ww -z -man $page:"; cat "$tmp/log"
    fi
    if command -v man >/dev/null 2>&1; then
        if MANWIDTH=80 man --warnings -l "$page" >"$tmp/out" 2>"$tmp/log" &&
           [ ! -s "$tmp/log" ] && [ -s "$tmp/out" ]; then
            pass=$((pass + 1))
        else
            fail=$((fail + 1)); echo "FAIL man: man --warnings -l $page:"; cat "$tmp/log"
        fi
    fi
done

# Every long option in the C sources' option tables is in spiral(1).
for page in "$@"; do
    case $page in *spiral.1) ;; *) continue ;; esac
    sed -n 's/.*{ *"\([a-z][a-z0-9-]*\)", *\(no\|required\)_argument.*/\1/p' \
        "$dir"/src/cli/*.c "$dir"/src/cli/cli.h | sort -u >"$tmp/opts"
    missing=""
    while read -r o; do
        # groff source writes dashes as \-
        pat=$(printf '%s' "$o" | sed 's/-/\\\\-/g')
        grep -q -- "\\\\-\\\\-$pat\\b" "$page" || missing="$missing --$o"
    done <"$tmp/opts"
    if [ -z "$missing" ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL man: $page does not mention:$missing"
    fi
done

echo "man: $pass passed, $fail failed"
[ "$fail" = 0 ]
