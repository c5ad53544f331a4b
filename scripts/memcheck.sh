#!/bin/sh
# memcheck.sh - the Check suites and a few runs of the program under
# valgrind: no leak (definite, indirect or possible) and no memory error.
#
# Usage: scripts/memcheck.sh BUILD_DIR     (run by `make memcheck`)
set -u
build=${1:-build}
vg="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99"
fail=0

run() {
    # The program's own status (0, 1 or 2) is not what is checked here.
    "$@" >/dev/null 2>"$tmp/err"
    if [ $? = 99 ]; then
        echo "memcheck: FAIL: $*" >&2
        cat "$tmp/err" >&2
        fail=1
    else
        echo "memcheck: ok: $*"
    fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CK_FORK=no $vg "$build/run_tests" >"$tmp/suites" 2>&1 || { cat "$tmp/suites" >&2; fail=1; }
tail -1 "$tmp/suites"
run $vg "$build/spiral" score corpora/demo/statements.jsonl
run $vg "$build/spiral" score --sentences --explain --color always corpora/demo/statements.jsonl
run $vg "$build/spiral" score --invalid-utf8 replace -o "$tmp/out.jsonl" tests/golden/data/bad.jsonl
run $vg "$build/spiral" score --extra-lexicon tests/golden/data/badlex.tsv corpora/demo/statements.jsonl
run $vg "$build/spiral" score --regex-match-limit 1000 --max-bytes 200 corpora/demo/statements.jsonl
run $vg "$build/spiral" tokens tests/golden/data/doc.zh.txt
run $vg "$build/spiral" compare --side CHN --side USA corpora/demo/statements.jsonl
run $vg "$build/spiral" lexicon check tests/data/badlex
run $vg "$build/spiral" lexicon stats
run $vg "$build/spiral" score tests/data/feed/mfa-rss.xml tests/data/feed/state-atom.xml
run $vg "$build/spiral" score tests/data/html/mfa-zh.html tests/data/html/gbk.html
run $vg "$build/spiral" score tests/data/csv/statements.csv tests/data/csv/statements.tsv
"$build/spiral" score -q corpora/demo/statements.jsonl >"$tmp/scored.jsonl"
run $vg "$build/spiral" track --db "$tmp/store.db" "$tmp/scored.jsonl"
run $vg "$build/spiral" report -o "$tmp/report.html" "$tmp/scored.jsonl"
run $vg "$build/spiral" nosuchcommand
[ $fail = 0 ] && echo "memcheck: clean"
exit $fail
