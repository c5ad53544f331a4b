#!/usr/bin/env python3
"""build-dict.py - compile the Chinese segmentation dictionary for spiral.

Usage: scripts/build-dict.py SRC_DIR EXTRA_TSV OUT

SRC_DIR is jieba's package directory (Debian python3-jieba, MIT licence:
/usr/lib/python3/dist-packages/jieba): its dict.txt ("word freq tag" per line)
and the HMM tables finalseg/prob_{start,trans,emit}.p.  EXTRA_TSV is
lexicons/zh/dict-extra.tsv (word<TAB>freq, '#' comments), our own additions;
an extra word replaces jieba's frequency for the same word.  OUT is written
atomically (OUT.tmp, then renamed).  Python 3 standard library only.

What is changed on the way, and why:
  * Words are normalised as spiral normalises input text (NFKC, case folding),
    so that full-width and upper-case entries can match; duplicates created
    by this are summed.  (Traditional->Simplified is not applied: jieba's
    dictionary is Simplified.)
  * Entries containing characters that never reach the segmenter (spaces,
    punctuation other than . , % after digits, other scripts) are dropped.
  * Numeral + classifier entries that jieba tags m/mq (一个, 三年, 第一次,
    一万五千元 ...) are dropped: following the PKU/CTB convention a numeral
    and its classifier are two words, and the segmenter builds numbers itself.
    Words such as 一些, 一起, 一定, 十分 are kept: their second part is not a
    classifier; so is 一个, used as an indefinite article.

The output format ("SPZHDICT" version 2) is described in src/zhdict.c; it is
a trie over code points, laid out breadth first so that the C loader only
maps and checks it.
"""

import math
import os
import pickle
import struct
import sys
import unicodedata

MAGIC = b"SPZHDICT"
VERSION = 2
BOM = 0x01020304
HEADER_SIZE = 128
FLAG_WORD = 1
FLAG_PREFIX = 2
HAS_HMM = 1
IMPOSSIBLE = -3.0e38  # a log probability that can never win (fits a float)

STATES = "BMES"

NUMERALS = set("一二三四五六七八九十百千万亿两几多半零〇")
CLASSIFIERS = set(
    "个位名种类项条件张只支把根本部台架辆艘座所家间栋幢层届次回遍趟场顿批群套"
    "双对副份篇首封句段章节颗粒枚匹棵株朵滴杯碗瓶袋箱吨斤亩元岁年天期轮代辈倍"
    "股笔声阵步眼拳")
CLASSIFIERS2 = {"公里", "公斤", "美元", "万元", "亿元", "个月", "多年", "多个"}
# 一个 works as an indefinite article; both SIGHAN standards keep it whole.
NUMERAL_WORDS = {"一个"}


def die(msg):
    sys.stderr.write("build-dict: %s\n" % msg)
    sys.exit(1)


def is_han(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF
            or 0x20000 <= cp <= 0x2FA1F or 0xF900 <= cp <= 0xFAFF
            or cp in (0x3007, 0x25CB))


def is_chunk_word(w):
    """True if every character of w can occur in a segmenter chunk."""
    for i, ch in enumerate(w):
        cp = ord(ch)
        if is_han(cp) or (cp < 128 and ch.isalnum()):
            continue
        if ch in ".,%" and i > 0 and w[i - 1].isdigit():
            continue
        return False
    return True


def normalise(w):
    return unicodedata.normalize("NFKC", w).casefold()


def numeral_classifier(word, tag):
    """True for jieba entries that are a number followed by a classifier."""
    if tag not in ("m", "mq") or word in NUMERAL_WORDS:
        return False
    i = 1 if word.startswith("第") else 0
    j = i
    while j < len(word) and word[j] in NUMERALS:
        j += 1
    if j == i or j == len(word):
        return False
    rest = word[j:]
    return rest in CLASSIFIERS or rest in CLASSIFIERS2


def read_jieba(path):
    freq = {}
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    with f:
        for lineno, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) < 2:
                die("%s:%d: expected 'word freq [tag]'" % (path, lineno))
            try:
                n = int(parts[1])
            except ValueError:
                die("%s:%d: bad frequency %r" % (path, lineno, parts[1]))
            tag = parts[2] if len(parts) > 2 else ""
            if n <= 0 or numeral_classifier(parts[0], tag):
                continue
            w = normalise(parts[0])
            if w and is_chunk_word(w):
                freq[w] = freq.get(w, 0) + n
    return freq


def read_extra(path, freq):
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        die("%s: %s" % (path, e.strerror))
    with f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\r\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 2:
                die("%s:%d: expected word<TAB>freq" % (path, lineno))
            w = normalise(parts[0].strip())
            try:
                n = int(parts[1])
            except ValueError:
                die("%s:%d: bad frequency %r" % (path, lineno, parts[1]))
            if n <= 0 or not w or not is_chunk_word(w):
                die("%s:%d: bad entry %r" % (path, lineno, parts[0]))
            freq[w] = n


def read_hmm(src):
    def load(name):
        path = os.path.join(src, "finalseg", name)
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError) as e:
            die("%s: %s" % (path, e))

    start = load("prob_start.p")
    trans = load("prob_trans.p")
    emit = load("prob_emit.p")

    def clamp(x):
        return max(float(x), IMPOSSIBLE)

    start_v = [clamp(start.get(s, IMPOSSIBLE)) for s in STATES]
    trans_v = [clamp(trans.get(a, {}).get(b, IMPOSSIBLE))
               for a in STATES for b in STATES]
    chars = {}
    for si, s in enumerate(STATES):
        for ch, p in emit.get(s, {}).items():
            key = normalise(ch)
            if len(key) != 1:
                continue
            row = chars.setdefault(ord(key), [IMPOSSIBLE] * 4)
            row[si] = max(row[si], clamp(p))
    return start_v, trans_v, sorted(chars.items())


def build(freq, hmm):
    total = sum(freq.values())
    if total <= 0:
        die("empty dictionary")
    logtotal = math.log(total)
    # The children of every node, a node being the text from the root to it.
    children = {}
    for w in freq:
        if len(w.encode("utf-8")) >= 1 << 20:
            die("word too long: %r" % w)
        for i in range(len(w)):
            children.setdefault(w[:i], set()).add(w[i])
    # Breadth first: the root's children are nodes 0 .. nroot-1, and each
    # node's children follow one another, sorted by code point.
    nodes = [ch for ch in sorted(children.get("", ()))]
    nroot = len(nodes)
    labels = bytearray()
    records = bytearray()
    i = 0
    while i < len(nodes):
        text = nodes[i]
        kids = sorted(children.get(text, ()))
        first = len(nodes) if kids else 0
        nodes.extend(text + ch for ch in kids)
        flags = (FLAG_WORD if text in freq else 0) | (FLAG_PREFIX if kids else 0)
        logp = math.log(freq[text]) - logtotal if text in freq else 0.0
        labels += struct.pack("<I", ord(text[-1]))
        records += struct.pack("<IIf", first, (len(kids) << 2) | flags, logp)
        i += 1
    if len(nodes) >= 1 << 30:
        die("too many trie nodes")
    start_v, trans_v, emit = hmm
    emit_b = bytearray()
    for cp, row in emit:
        emit_b += struct.pack("<I4f", cp, *row)
    header = bytearray()
    header += MAGIC
    header += struct.pack("<IIIIII", VERSION, BOM, len(nodes), nroot, 0,
                          len(emit))
    header += struct.pack("<d", logtotal)
    header += struct.pack("<4f", *start_v)
    header += struct.pack("<16f", *trans_v)
    header += struct.pack("<II", HAS_HMM, len(freq))
    header += b"\0" * (HEADER_SIZE - len(header))
    assert len(header) == HEADER_SIZE
    out = bytearray(header)
    out += labels
    out += records
    out += emit_b
    return bytes(out)


def main(argv):
    if len(argv) != 4:
        sys.stderr.write("usage: build-dict.py SRC_DIR EXTRA_TSV OUT\n")
        return 2
    src, extra, out = argv[1:]
    freq = read_jieba(os.path.join(src, "dict.txt"))
    read_extra(extra, freq)
    data = build(freq, read_hmm(src))
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
