#!/usr/bin/env bash
# parallel.sh - `-j N` writes what `-j 1` writes, byte for byte, over many
# batches: output, messages and their order, the summary, the exit status.
#
# The input is the demo corpus six times over (1716 statements, more than
# three of the reading thread's batches of 512), with the ids of the later
# copies changed so that some records are duplicates by text only, and a
# truncated JSON line and a line of invalid UTF-8 among them, so errors
# must come out between the right statements.
#
# Usage: tests/parallel.sh BINARY
set -u
bin=$(realpath "${1:?usage: parallel.sh BINARY}")
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
in=$tmp/in.jsonl
for k in 1 2 3 4 5 6; do
    sed "s/\"id\": \"/\"id\": \"c$k-/" corpora/demo/statements.jsonl
    if [ "$k" = 2 ]; then echo '{"id":"cut","text":"The ministry warned'; fi
    if [ "$k" = 4 ]; then printf '{"id":"bad","text":"caf\xe9 talks"}\n'; fi
done >"$in"
fail=0
run() { # name, then the arguments after the command
    local name=$1
    shift
    for j in 1 2 3; do
        "$bin" "$@" -j "$j" >"$tmp/$name.$j.out" 2>"$tmp/$name.$j.err" <"$in"
        echo $? >"$tmp/$name.$j.status"
    done
    for j in 2 3; do
        for k in out err status; do
            if ! cmp -s "$tmp/$name.1.$k" "$tmp/$name.$j.$k"; then
                echo "FAIL $name: -j $j $k differs from -j 1"
                diff "$tmp/$name.1.$k" "$tmp/$name.$j.$k" | head -5 | cut -c1-200
                fail=1
            fi
        done
    done
    # The run must have done something worth comparing.
    if [ "$(wc -l <"$tmp/$name.1.out")" -lt 280 ] || ! grep -q ': error: ' "$tmp/$name.1.err"; then
        echo "FAIL $name: too little output or no error message (-j 1)"
        head -3 "$tmp/$name.1.err"
        fail=1
    fi
}
run score_keep score --keep-duplicates "$in"
run score_merged score "$in"
run score_stdin score -
run tokens tokens --keep-duplicates "$in"
[ $fail = 0 ] && echo "parallel: -j 2 and -j 3 wrote what -j 1 wrote (4 runs of 1718 lines)"
exit $fail
