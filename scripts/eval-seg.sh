#!/bin/sh
# eval-seg.sh - Chinese word segmentation against SIGHAN 2005 (make eval-seg).
#
# Usage: scripts/eval-seg.sh [SPIRAL] [SHARED_DIR]
#   SPIRAL      the spiral binary (default build/spiral)
#   SHARED_DIR  the shared directory holding eval/seg (default ../shared)
#
# Segments the PKU and MSR test sets with `SPIRAL tokens --format lines`,
# scores precision, recall and F1 over word spans as the bakeoff scorer does,
# and does the same for jieba's default mode when some python3 can import
# jieba (Debian: python3-jieba).  The SIGHAN data are for research use only:
# they are read in place and nothing derived from them is written.
# Skips (exit 0) when the data are absent.
set -eu

here=$(dirname "$0")
spiral=${1:-build/spiral}
shared=${2:-../shared}
seg="$shared/eval/seg"

if [ ! -d "$seg" ]; then
    echo "eval-seg: $seg not found; skipping the segmentation evaluation"
    exit 0
fi
for f in pku_test_raw.utf8 pku_test_gold.utf8 msr_test_raw.utf8 msr_test_gold.utf8; do
    if [ ! -f "$seg/$f" ]; then
        echo "eval-seg: $seg/$f not found; skipping the segmentation evaluation"
        exit 0
    fi
done
if [ ! -x "$spiral" ]; then
    echo "eval-seg: $spiral is not built" >&2
    exit 1
fi

# jieba comes from Debian's python3-jieba, which only the system python sees.
jieba_py=
for py in python3 /usr/bin/python3; do
    if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import jieba' >/dev/null 2>&1; then
        jieba_py=$py
        break
    fi
done

if [ -n "$jieba_py" ]; then
    exec python3 "$here/eval_seg.py" "$spiral" "$seg" --jieba-python "$jieba_py"
fi
echo "eval-seg: jieba not importable (apt-get install python3-jieba); scoring spiral only"
exec python3 "$here/eval_seg.py" "$spiral" "$seg"
