#!/usr/bin/env bash
# run.sh - golden tests of the spiral program.
#
# Each case is tests/golden/cases/NAME.args (the arguments, one shell line,
# run from tests/golden/), an optional NAME.stdin, and the expected output
# NAME.out (stdout), NAME.err (stderr) and NAME.status (exit status).  The
# output is compared byte for byte.
#
# Usage: tests/golden/run.sh BINARY          run every case
#        tests/golden/run.sh --update BINARY rewrite the expected files
set -u
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
bin=$(realpath "${1:?usage: run.sh [--update] BINARY}")
cd "$(dirname "$0")" || exit 2
pass=0 fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for args in cases/*.args; do
    name=${args%.args}
    stdin=/dev/null
    [ -f "$name.stdin" ] && stdin=$name.stdin
    # shellcheck disable=SC2046
    eval "\"$bin\" $(cat "$args")" <"$stdin" >"$tmp/out" 2>"$tmp/err"
    echo $? >"$tmp/status"
    if [ $update = 1 ]; then
        cp "$tmp/out" "$name.out"; cp "$tmp/err" "$name.err"; cp "$tmp/status" "$name.status"
        continue
    fi
    ok=1
    for k in out err status; do
        if ! cmp -s "$tmp/$k" "$name.$k"; then
            ok=0
            echo "FAIL $name ($k differs):"
            diff -u "$name.$k" "$tmp/$k" | head -20
        fi
    done
    if [ $ok = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
[ $update = 1 ] && { echo "golden files updated"; exit 0; }
echo "golden: $pass passed, $fail failed"
[ $fail = 0 ]
