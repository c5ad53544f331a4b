#!/usr/bin/env python3
"""eval_seg.py - score spiral's Chinese word segmentation on SIGHAN 2005.

Usage: scripts/eval_seg.py SPIRAL SEG_DIR [--jieba-python PY] [--corpus NAME ...]

For each corpus (pku, msr) it segments SEG_DIR/<corpus>_test_raw.utf8 with
`SPIRAL tokens --format lines FILE` (one JSON object a line; the words are the
"text" of each token, the original slice of the line, see record_words()) and scores the words
against SEG_DIR/<corpus>_test_gold.utf8 as the bakeoff scorer does:
precision, recall and F1 over word spans, where a word is right when both its
start and its end fall where the gold has them.  Spans are counted over the
whole file with whitespace removed, so a line the gold wraps differently
still scores.  With --jieba-python it also runs jieba's default mode
(jieba.cut(line), HMM on) with that interpreter and scores it the same way.

Prints a table; exits 1 if spiral failed or its output does not cover the
raw text exactly, else 0.  Nothing from SEG_DIR is written anywhere.
"""

import argparse
import json
import subprocess
import sys

JIEBA_CODE = r"""
import sys, logging, jieba
jieba.setLogLevel(logging.ERROR)
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        line = line.rstrip("\r\n")
        print(" ".join(w for w in jieba.cut(line) if w.strip()))
"""

TARGETS = {"pku": 0.85, "msr": 0.84}


def spans(words):
    """Character spans of words laid end to end, and the text they cover."""
    out = set()
    pos = 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out, "".join(words)


def split_words(text):
    """Words of a space-separated segmentation, whitespace never part of one."""
    return text.split()


def score(gold_words, test_words):
    gs, gtext = spans(gold_words)
    ts, ttext = spans(test_words)
    if gtext != ttext:
        i = next((k for k, (a, b) in enumerate(zip(gtext, ttext)) if a != b),
                 min(len(gtext), len(ttext)))
        raise ValueError("segmented text differs from the gold at character %d: "
                         "gold %r, test %r" % (i, gtext[i:i + 20], ttext[i:i + 20]))
    tp = len(gs & ts)
    p = tp / len(ts) if ts else 0.0
    r = tp / len(gs) if gs else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, len(gs), len(ts)


def record_words(rec):
    """The words of one record: the original text of its tokens, in order.

    A token's "start"/"end" are byte offsets into the original line and its
    "text" is that slice.  When normalisation expands one character into
    several (℃ -> °C) and they become separate tokens, each maps back to the
    same original bytes; such overlapping tokens are merged, so that every
    original character is counted once.
    """
    words = []
    prev_end = -1
    for sent in rec.get("sentences", []):
        for tok in sent.get("tokens", []):
            start, end, text = tok["start"], tok["end"], tok["text"].encode("utf-8")
            if start < prev_end and words:
                if end > prev_end:
                    words[-1] += text[prev_end - start:]
                    prev_end = end
                continue
            words.append(text)
            prev_end = end
    out = []
    for w in words:
        out.extend(split_words(w.decode("utf-8", "replace")))
    return out


def spiral_words(spiral, raw):
    proc = subprocess.run([spiral, "tokens", "--format", "lines", "--keep-duplicates", raw],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("%s tokens failed (exit %d): %s" % (
            spiral, proc.returncode, proc.stderr.decode("utf-8", "replace").strip()[:500]))
    words = []
    for n, line in enumerate(proc.stdout.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            words.extend(record_words(json.loads(line)))
        except (ValueError, KeyError, TypeError) as e:
            raise RuntimeError("line %d of spiral's output is not a tokens record: %s" % (n, e))
    return words


def jieba_words(python, raw):
    proc = subprocess.run([python, "-c", JIEBA_CODE, raw],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise RuntimeError("jieba failed: %s" % proc.stderr.decode("utf-8", "replace")[:500])
    return split_words(proc.stdout.decode("utf-8"))


def gold_words(path):
    with open(path, encoding="utf-8") as f:
        return split_words(f.read())


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("spiral")
    ap.add_argument("seg_dir")
    ap.add_argument("--jieba-python", default=None)
    ap.add_argument("--corpus", action="append", default=None)
    args = ap.parse_args(argv[1:])
    corpora = args.corpus or ["pku", "msr"]
    rows = []
    status = 0
    for c in corpora:
        raw = "%s/%s_test_raw.utf8" % (args.seg_dir, c)
        gold = gold_words("%s/%s_test_gold.utf8" % (args.seg_dir, c))
        systems = [("spiral", lambda: spiral_words(args.spiral, raw))]
        if args.jieba_python:
            systems.append(("jieba", lambda: jieba_words(args.jieba_python, raw)))
        for name, run in systems:
            try:
                rows.append((c, name) + score(gold, run()))
            except (RuntimeError, ValueError, OSError) as e:
                sys.stderr.write("eval-seg: %s on %s: %s\n" % (name, c, e))
                if name == "spiral":
                    status = 1
    print("%-6s %-7s %7s %7s %7s %8s %8s" % ("corpus", "system", "P", "R", "F1",
                                           "gold", "found"))
    for c, name, p, r, f, ng, nt in rows:
        print("%-6s %-7s %7.4f %7.4f %7.4f %8d %8d" % (c, name, p, r, f, ng, nt))
    for c in corpora:
        f1 = {name: f for cc, name, p, r, f, ng, nt in rows if cc == c}
        if "spiral" not in f1:
            continue
        verdict = "met" if f1["spiral"] >= TARGETS.get(c, 0) else "NOT met"
        if "jieba" in f1:
            verdict += ", %s jieba" % ("above" if f1["spiral"] > f1["jieba"] else "NOT above")
        print("%s: target F1 >= %.2f %s" % (c, TARGETS.get(c, 0), verdict))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
