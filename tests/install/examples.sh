#!/bin/sh
# examples.sh - examples/score.c and examples/score.py, built and loaded from
# the build tree, score tests/install/statements.txt exactly as `spiral
# score` does; their outputs are identical to each other; both report a line
# of invalid UTF-8 by its number and go on; the ctypes structures of
# score.py have the C compiler's layout.  Then examples/read-outputs.py
# (pandas) and read-outputs.R read every output of the program on the demo
# corpus, when pandas and R are installed.
#
# Usage: tests/install/examples.sh BUILD DICT [SANITIZE]
#   BUILD holds examples/score, libspiral.so.0 and spiral; DICT is zh.dict.
set -u
build=$1
dict=$2
sanitize=${3:-}
dir=$(cd "$(dirname "$0")/../.." && pwd)
here=$dir/tests/install
lex=$dir/lexicons
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 skip=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL examples: $*"; }

# --- score.c ---------------------------------------------------------------
if "$build/examples/score" "$lex" "$dict" <"$here/statements.txt" >"$tmp/c.tsv" 2>"$tmp/c.err"; then
    ok
else
    bad "score.c exited $?"; cat "$tmp/c.err"
fi
"$build/spiral" score --format lines --keep-duplicates -q --lexicon "$lex" --dict "$dict" \
    <"$here/statements.txt" >"$tmp/cli.jsonl" || bad "spiral score failed"
if python3 "$here/compare.py" "$tmp/c.tsv" "$tmp/cli.jsonl"; then ok; else bad "score.c differs from spiral score"; fi
# the statements are chosen to give each label
for label in threat reassurance neutral mixed; do
    if cut -f5 "$tmp/c.tsv" | grep -qx "$label"; then ok; else bad "no '$label' line in score.c's output"; fi
done
printf 'We warn them.\n\377 not UTF-8\nWe welcome dialogue.\n' >"$tmp/bad.txt"
"$build/examples/score" "$lex" "$dict" <"$tmp/bad.txt" >"$tmp/cbad.tsv" 2>"$tmp/cbad.err"
if grep -q '^<stdin>:2: error: invalid UTF-8' "$tmp/cbad.err" && [ "$(wc -l <"$tmp/cbad.tsv")" = 3 ]; then
    ok
else
    bad "score.c on invalid UTF-8:"; cat "$tmp/cbad.err" "$tmp/cbad.tsv"
fi

# --- score.py --------------------------------------------------------------
if ! command -v python3 >/dev/null 2>&1; then
    echo "examples: python3 not found: examples/score.py skipped"
    skip=$((skip + 1))
else
    # An ASan/UBSan library can only be loaded into a program that starts
    # with the sanitizer runtimes; python3 does not, so preload them.
    pre=
    if [ "$sanitize" = 1 ]; then
        cc=${CC:-cc}
        pre="$($cc -print-file-name=libasan.so) $($cc -print-file-name=libubsan.so)"
    fi
    py() { LD_PRELOAD=$pre ASAN_OPTIONS=detect_leaks=0 python3 "$dir/examples/score.py" "$@"; }
    if py --lib "$build/libspiral.so.0" --lexicons "$lex" --dict "$dict" \
        <"$here/statements.txt" >"$tmp/py.tsv" 2>"$tmp/py.err"; then
        ok
    else
        bad "score.py exited $?"; cat "$tmp/py.err"
    fi
    if cmp -s "$tmp/c.tsv" "$tmp/py.tsv"; then ok; else bad "score.py and score.c differ:"; diff "$tmp/c.tsv" "$tmp/py.tsv"; fi
    py --lib "$build/libspiral.so.0" --lexicons "$lex" --dict "$dict" <"$tmp/bad.txt" \
        >"$tmp/pybad.tsv" 2>"$tmp/pybad.err"
    if [ $? = 1 ] && grep -q '^<stdin>:2: .*invalid UTF-8' "$tmp/pybad.err" && cmp -s "$tmp/cbad.tsv" "$tmp/pybad.tsv"; then
        ok
    else
        bad "score.py on invalid UTF-8:"; cat "$tmp/pybad.err" "$tmp/pybad.tsv"
    fi
    # The ctypes structures against the compiler's layout.
    if ${CC:-cc} -std=c11 -I"$dir/include" -o "$tmp/layout" "$here/layout.c" &&
        "$tmp/layout" >"$tmp/layout.c.txt" && py --layout >"$tmp/layout.py.txt" &&
        cmp -s "$tmp/layout.c.txt" "$tmp/layout.py.txt"; then
        ok
    else
        bad "ctypes layout differs from the C compiler's:"; diff "$tmp/layout.c.txt" "$tmp/layout.py.txt"
    fi
fi

# --- read-outputs.py (pandas) and read-outputs.R on the demo corpus ---------
# Each reads every output of the program and checks that the frames agree.
out=$tmp/out
mkdir -p "$out/cmp"
demo=$dir/corpora/demo
spiral() { "$build/spiral" "$@" --lexicon "$lex" --dict "$dict" -q; }
spiral score "$demo/statements.jsonl" >"$out/scores.jsonl" &&
    spiral tokens "$demo/statements.jsonl" >"$out/tokens.jsonl" &&
    spiral compare --side ARV --side BEL --extra-actors "$demo/actors.tsv" --json \
        --csv "$out/cmp" "$demo/statements.jsonl" >"$out/compare.json" &&
    spiral track --exclude translation_of --csv "$out/track" --db "$out/spiral.db" \
        "$out/scores.jsonl" >"$out/track.json" &&
    "$build/spiral" lexicon stats --lexicon "$lex" >"$out/stats.tsv" || bad "the demo outputs"
pandas_py=
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import pandas' 2>/dev/null; then
        pandas_py=$py; break
    fi
done
if [ -n "$pandas_py" ]; then
    if "$pandas_py" "$dir/examples/read-outputs.py" "$out" >"$tmp/pandas.log" 2>&1; then
        ok
    else
        bad "read-outputs.py:"; cat "$tmp/pandas.log"
    fi
else
    echo "examples: pandas not installed (python3-pandas): read-outputs.py skipped"
    skip=$((skip + 1))
fi
if command -v Rscript >/dev/null 2>&1 &&
    Rscript -e 'for (p in c("jsonlite", "readr", "RSQLite")) library(p, character.only = TRUE)' \
        >/dev/null 2>&1; then
    if Rscript "$dir/examples/read-outputs.R" "$out" >"$tmp/r.log" 2>&1 && ! grep -qi warning "$tmp/r.log"; then
        ok
    else
        bad "read-outputs.R:"; cat "$tmp/r.log"
    fi
else
    echo "examples: R or r-cran-jsonlite/readr/rsqlite not installed: read-outputs.R skipped"
    skip=$((skip + 1))
fi

echo "examples: $pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
