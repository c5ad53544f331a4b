#!/bin/sh
# demo.sh - the main job on the shipped demo corpus: score every statement,
# explain a few, then track the Arvenia-Belmora dyads month by month (CSV,
# JSON and a SQLite store) and write the report.
#
# Usage: scripts/demo.sh BINARY
set -eu
bin=${1:-build/spiral}
corpus=corpora/demo/statements.jsonl
actors=corpora/demo/actors.tsv # the fictional states' aliases, for speakers and targets
out=build/demo
mkdir -p "$out"

echo "== spiral $("$bin" --version | cut -d' ' -f2): scoring $corpus"
"$bin" score --extra-actors "$actors" --output "$out/scores.jsonl" "$corpus"
"$bin" score --extra-actors "$actors" --sentences --output "$out/scores-sentences.jsonl" \
    --quiet "$corpus"

echo
echo "== three statements explained (spiral score --explain)"
grep -E '"id": ?"demo-00(04|93)"|"id": ?"demo-0148"' "$corpus" |
    "$bin" score --extra-actors "$actors" --explain --color never --quiet

echo
echo "== spiral track: dyads by month, the pairs' spiral metrics"
echo "   (translations are left out so that parallel versions count once)"
rm -f "$out/demo.db"
"$bin" track --period month --exclude translation_of --db "$out/demo.db" \
    --csv "$out/csv" -o "$out/track.json" --table "$out/scores.jsonl"

echo
echo "== spiral report"
"$bin" report --db "$out/demo.db" --title "Arvenia and Belmora, 2023-2024 (constructed demo corpus)" \
    --svg "$out/charts" -o "$out/report.html" --quiet

echo
echo "Scores with every hit: $out/scores.jsonl (per sentence: $out/scores-sentences.jsonl)"
echo "Series: $out/track.json, $out/csv/*.csv, SQLite store $out/demo.db"
echo "Report: $out/report.html (charts alone: $out/charts/*.svg)"
