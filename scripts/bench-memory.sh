#!/bin/sh
# bench-memory.sh - peak memory of `spiral score` over a large stream (a
# benchmark, not a test).
#
# Streams SIZE bytes of statements (default 1 GB: the demo corpus repeated,
# each copy's ids and texts made unique, so that no statement is a duplicate
# of another; generated on the fly through a pipe, so nothing is stored)
# into `spiral score`, once as it is and once with --keep-duplicates, and
# reports the throughput and the peak resident set size from
# /usr/bin/time -v.  spiral keeps one record and one statement's analysis at
# a time; only the set of fingerprints that finds duplicates (16 bytes a
# distinct statement, in a table at most half full) grows with the input,
# and --keep-duplicates turns it off.  The target is under 64 MB.
#
# Usage: scripts/bench-memory.sh [BINARY] [SIZE_BYTES]
set -eu
bin=${1:-build/spiral}
size=${2:-1000000000}
here=$(cd "$(dirname "$0")/.." && pwd)
demo=$here/corpora/demo/statements.jsonl
[ -x /usr/bin/time ] || { echo "bench-memory: needs /usr/bin/time (Debian package time)" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The compiled lexicon cache in the run's own directory, not the user's.
export SPIRAL_CACHE_DIR=$tmp/cache

# The demo corpus repeated until SIZE bytes have gone by: copy k gets ids
# demo-0001.k ... and its texts start with "(k) ", so every record is distinct.
gen() {
    awk -v size="$size" '
        { line[NR] = $0; bytes += length($0) + 1 }
        END {
            for (k = 0; sent < size; k++)
                for (i = 1; i <= NR && sent < size; i++) {
                    s = line[i]
                    sub(/"id": "[^"]*/, "&." k, s)
                    sub(/"text": "/, "&(" k ") ", s)
                    print s
                    sent += length(s) + 1
                }
        }' "$demo"
}

one() {
    label=$1
    shift
    start=$(date +%s)
    gen | /usr/bin/time -v "$bin" score --no-hits "$@" - >/dev/null 2>"$tmp/err" || {
        tail -20 "$tmp/err" >&2
        exit 1
    }
    end=$(date +%s)
    secs=$((end - start))
    [ "$secs" -gt 0 ] || secs=1
    rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$tmp/err")
    grep '^spiral:' "$tmp/err" || true
    echo "bench-memory: $label: $size bytes in ${secs} s ($((size / secs / 1000000)) MB/s), peak RSS $((rss / 1024)) MB ($rss kB); target < 64 MB"
    [ "$rss" -lt 65536 ] || echo "bench-memory: $label: WARNING: over the 64 MB target" >&2
}

one default
one --keep-duplicates --keep-duplicates
