#!/bin/sh
# demo.sh - the main job on the shipped demo corpus: score every statement,
# explain a few, and print each side's hostility by quarter.
#
# Usage: scripts/demo.sh BINARY
set -eu
bin=${1:-build/spiral}
corpus=corpora/demo/statements.jsonl
out=build/demo
mkdir -p "$out"

echo "== spiral $("$bin" --version | cut -d' ' -f2): scoring $corpus"
"$bin" score --output "$out/scores.jsonl" "$corpus"
"$bin" score --sentences --output "$out/scores-sentences.jsonl" --quiet "$corpus"

echo
echo "== three statements explained (spiral score --explain)"
grep -E '"id": ?"demo-00(04|93)"|"id": ?"demo-0148"' "$corpus" |
    "$bin" score --explain --color never --quiet

echo
echo "== mean threat and reassurance per statement, by speaker and quarter"
# The scores are flat JSON Lines: pick the fields with awk.
awk '
function field(name,   m) {
    if (match($0, "\"" name "\":(\"[^\"]*\"|[-0-9.]+|null)")) {
        m = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
        gsub(/"/, "", m)
        return m
    }
    return ""
}
{
    side = field("actor"); sub(/[-:].*/, "", side)
    d = field("date"); q = substr(d, 1, 4) "Q" int((substr(d, 6, 2) + 2) / 3)
    key = q "\t" side
    n[key]++; t[key] += field("threat"); r[key] += field("reassurance")
    if (!(q in seen)) { seen[q] = 1; qs[++nq] = q }
    sides[side] = 1
}
END {
    printf "%-8s", "quarter"
    for (s in sides) order[++ns] = s
    for (i = 1; i <= ns; i++) for (j = i + 1; j <= ns; j++) if (order[j] < order[i]) { x = order[i]; order[i] = order[j]; order[j] = x }
    for (i = 1; i <= ns; i++) printf "  %-6s threat  reass", order[i]
    printf "\n"
    for (k = 1; k <= nq; k++) {
        printf "%-8s", qs[k]
        for (i = 1; i <= ns; i++) {
            key = qs[k] "\t" order[i]
            if (n[key]) printf "  %-6s %6.2f %6.2f", "", t[key] / n[key], r[key] / n[key]
            else printf "  %-6s %6s %6s", "", "-", "-"
        }
        printf "\n"
    }
}' "$out/scores.jsonl"

echo
echo "Scores with every hit: $out/scores.jsonl (per sentence: $out/scores-sentences.jsonl)"
