#!/usr/bin/env bash
# bench.sh - spiral's throughput, start-up time and memory against the peers,
# on the same bytes (../shared/bench).  A benchmark, not a test: it prints
# figures and never fails on them.
#
# Usage: scripts/bench.sh BINARY [SHARED] [RUNS]
# MB/s is input bytes / median wall seconds of RUNS runs (default 5; the
# peers, slow, run 3 times unless RUNS is given) of the whole process;
# peak RSS is the largest of the runs (/usr/bin/time); start-up is the median
# wall time of 21 runs on a 10-line input with both languages' data loaded,
# with the compiled lexicon cache and without it.
set -uo pipefail
bin=$(realpath "${1:?usage: bench.sh BINARY [SHARED] [RUNS]}")
shared=${2:-../shared}
runs=${3:-5}
peer_runs=${3:-3}
corpus=$shared/bench/corpus
if [ ! -d "$corpus" ]; then
    echo "bench: $corpus not found; skipped"
    exit 0
fi
[ -x /usr/bin/time ] || scripts/deps.sh time || exit 1
cores=$(nproc)
results=$(mktemp)
trap 'rm -rf "$results" "$results".*' EXIT
# The compiled lexicon cache in a directory of the bench's own, not the user's.
export SPIRAL_CACHE_DIR=$results.cache

# Print one result line: name bytes "wall wall ..." max-rss-kB.
report() {
    local med
    med=$(printf '%s\n' $3 | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    awk -v n="$1" -v b="$2" -v w="$med" -v r="$4" 'BEGIN {
        printf "%-34s %8.1f MB/s  %6.1f MiB peak  (median %.2f s)\n", n, b/1e6/w, r/1024, w }' |
        tee -a "$results"
}

# One run of a command: sets WALL and RSS (kB).
run_once() {
    /usr/bin/time -o "$results.time" -f '%e %M' "$@" >/dev/null 2>/dev/null
    local out
    out=$(tail -n 1 "$results.time")
    WALL=${out% *}
    RSS=${out#* }
}

# name bytes command...: median seconds and max RSS over $runs runs
time_one() {
    local name=$1 bytes=$2; shift 2
    local walls="" rss=0
    for _ in $(seq "$runs"); do
        run_once "$@"
        walls="$walls $WALL"
        [ "$RSS" -gt "$rss" ] && rss=$RSS
    done
    report "$name" "$bytes" "$walls" "$rss"
}

# cmd lang file bytes: -j 1 and -j all cores, runs alternating so that both
# see the same machine (a shared machine's speed drifts over minutes).
time_pair() {
    local cmd=$1 lang=$2 f=$3 bytes=$4
    local w1="" wn="" r1=0 rn=0
    for _ in $(seq "$runs"); do
        run_once "$bin" "$cmd" -q -j 1 --keep-duplicates "$f"
        w1="$w1 $WALL"
        [ "$RSS" -gt "$r1" ] && r1=$RSS
        run_once "$bin" "$cmd" -q -j "$cores" --keep-duplicates "$f"
        wn="$wn $WALL"
        [ "$RSS" -gt "$rn" ] && rn=$RSS
    done
    report "spiral $cmd $lang -j 1" "$bytes" "$w1" "$r1"
    report "spiral $cmd $lang -j $cores" "$bytes" "$wn" "$rn"
    # Each pair's ratio, for the scaling: a run that stalls on the host
    # then moves one pair's ratio, not the whole figure.
    paste <(printf '%s\n' $w1) <(printf '%s\n' $wn) |
        awk '$2 > 0 { print $1 / $2 }' | sort -g |
        awk -v k="spiral $cmd $lang" '{ a[NR] = $1 } END { if (NR) print k, a[int((NR + 1) / 2)] }' \
        >>"$results.pairs"
}

echo "== spiral $("$bin" --version | cut -d' ' -f2) on $(nproc) cores, $runs runs each"
for lang in en zh; do
    f=$corpus/$lang.jsonl
    bytes=$(stat -c %s "$f")
    for cmd in tokens score; do
        time_pair "$cmd" "$lang" "$f" "$bytes"
    done
    time_one "spiral score $lang (defaults)" "$bytes" "$bin" score -q "$f"
    # The same statements as plain text, one per line: the bytes the peers
    # read, and no JSON to parse.
    if [ -f "$corpus/$lang.txt" ]; then
        time_one "spiral score $lang.txt -j 1 (plain)" "$(stat -c %s "$corpus/$lang.txt")" \
            "$bin" score -q -j 1 --keep-duplicates "$corpus/$lang.txt"
    fi
done

# Scaling: all cores against one thread, same command.
echo
touch "$results.pairs"
awk -v cores="$cores" -v runs="$runs" '
function mbs_of(line,   m, w, n) { m = line; sub(/ MB\/s.*/, "", m); n = split(m, w, " "); return w[n] }
$0 ~ /^spiral (tokens|score) (en|zh) -j / {
    split($0, a, " "); key = a[2] " " a[3]
    if (a[5] == "1") one[key] = mbs_of($0); else if (a[5] == cores) all[key] = mbs_of($0)
}
FILENAME ~ /pairs$/ { pair[$2 " " $3] = $4 }
END {
    for (k in one)
        if (all[k] > 0 && one[k] > 0)
            printf "%-34s %8.2fx (%d threads vs 1; median of the %d pairs of runs %.2fx)\n",
                "spiral " k " scaling", all[k] / one[k], cores, runs, pair[k]
}' "$results" "$results.pairs" | sort | tee -a "$results.scaling"
echo

# Start-up: 10 lines, both languages loaded (the dictionary and every lexicon),
# with the compiled lexicon cache (in a directory of the bench's own, made by
# a first run) and without it (--no-cache: the lexicon parsed and compiled).
head -n 5 "$corpus/en.jsonl" >"$results.in"
head -n 5 "$corpus/zh.jsonl" >>"$results.in"
"$bin" score -q -j 1 "$results.in" >/dev/null
startup() {
    local name=$1; shift
    for _ in $(seq 21); do
        s=$(date +%s%N)
        "$bin" score -q -j 1 "$@" "$results.in" >/dev/null
        e=$(date +%s%N)
        echo $(( (e - s) / 1000 ))
    done | sort -n | awk -v n="$name" '{a[NR]=$1} END {printf "%-34s %8.1f ms (median of %d)\n", n, a[int((NR+1)/2)]/1000, NR}' |
        tee -a "$results"
}
startup "spiral start-up, 10 lines"
startup "spiral start-up, no cache" --no-cache
echo
echo "== peers (../shared/bench/peers/run.sh)"
if ! bash "$shared/bench/peers/run.sh" -n "$peer_runs" | tee "$results.peers"; then
    echo "bench: the peers could not be run; ratios skipped"
    exit 0
fi

echo
echo "== ratios (spiral score -j 1 / peer, same bytes)"
awk '
function mbs_of(line,   m, w, n) { m = line; sub(/ MB\/s.*/, "", m); n = split(m, w, " "); return w[n] }
FNR == NR { if ($0 ~ /^spiral score (en|zh) -j 1 /) { split($0, a, " "); rate[a[3]] = mbs_of($0) } ; next }
{
    name = $0; sub(/ +[0-9.]+ MB\/s.*/, "", name)
    mbs = mbs_of($0)
    lang = (name ~ /jieba/) ? "zh" : "en"
    if (mbs > 0 && rate[lang] > 0)
        printf "%-34s %6.1fx  (spiral score %s %.1f MB/s vs %.1f MB/s)\n", name, rate[lang] / mbs, lang, rate[lang], mbs
}' "$results" "$results.peers"
