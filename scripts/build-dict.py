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

The output format ("SPZHDICT" version 3) is described in src/zhdict.c: the
characters numbered by how much the words use them, and the trie over those
numbers as a double array, which the C loader only maps and checks.  Laying
the double array out takes most of the run (about 10 s).
"""

import math
import os
import pickle
import re
import struct
import sys
import unicodedata

MAGIC = b"SPZHDICT"
VERSION = 3
BOM = 0x01020304
HEADER_SIZE = 128
FLAG_WORD = 1
FLAG_PREFIX = 2
HAS_HMM = 1
FREE = 0xFFFF  # the check of a unit no node uses (no character's symbol)
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


def assign_symbols(freq, emit):
    """Number the characters 1, 2, ...: those of the words by how often the
    dictionary's words use them (weighted by frequency), so that the trie's
    busiest nodes lie close together, then those only the HMM knows, by code
    point.  Returns {char: symbol}."""
    weight = {}
    for w, n in freq.items():
        for ch in w:
            weight[ch] = weight.get(ch, 0) + n
    order = sorted(weight, key=lambda ch: (-weight[ch], ord(ch)))
    order += sorted((chr(cp) for cp, _ in emit if chr(cp) not in weight), key=ord)
    if len(order) >= FREE:
        die("too many different characters (%d) for 16-bit symbols" % len(order))
    return {ch: i + 1 for i, ch in enumerate(order)}


class Units:
    """Which units of the double array are free, and which bases are, as
    bit sets (bit t of the little-endian number in a bytearray is 1 while t
    is free), so that the search for a place to put a node's children works
    on thousands of candidate bases at a time instead of one by one."""

    WINDOW = 4096  # candidate bases tested at a time
    NOT_FULL = re.compile(rb"[^\x00]")

    def __init__(self):
        self.units = bytearray(b"\xff" * 1024)
        self.units[0] = 0xFE  # unit 0 is the root
        self.bases = bytearray(b"\xff" * 1024)
        self.start = 1  # every unit before it is taken
        self.end = 1  # every unit from it on is free

    @staticmethod
    def _grow(bits, n):
        if n > 8 * len(bits):
            bits.extend(b"\xff" * (n // 8 + 4096 - len(bits)))

    @staticmethod
    def _take(bits, t):
        Units._grow(bits, t + 1)
        bits[t >> 3] &= ~(1 << (t & 7)) & 0xFF

    @staticmethod
    def _is_free(bits, t):
        return t >= 8 * len(bits) or bits[t >> 3] >> (t & 7) & 1

    @staticmethod
    def _window(bits, lo, n):
        """Bit i: lo + i is free, for i < n."""
        Units._grow(bits, lo + n + 8)
        return int.from_bytes(bits[lo >> 3:(lo + n + 15) >> 3], "little") >> (lo & 7)

    def first_free(self, t):
        """The first free unit from t on."""
        i = t >> 3
        if i < len(self.units) and self.units[i] >> (t & 7):
            byte = self.units[i] >> (t & 7)
            return t + (byte & -byte).bit_length() - 1
        m = self.NOT_FULL.search(self.units, i + 1)
        if m is None:
            return 8 * len(self.units)
        byte = self.units[m.start()]
        return 8 * m.start() + (byte & -byte).bit_length() - 1

    def place(self, labels):
        """Take the units b + label for the lowest base b >= 0 that finds
        them all free and is no other node's base.  Returns b."""
        self.start = self.first_free(self.start)
        if len(labels) == 1:
            p = self.first_free(max(self.start, labels[0]))
            while not self._is_free(self.bases, p - labels[0]):
                p = self.first_free(p + 1)
            b = p - labels[0]
        else:
            lo = max(self.start - labels[0], 0)
            while True:
                free = self._window(self.units, lo, labels[-1] + self.WINDOW)
                fits = self._window(self.bases, lo, self.WINDOW) & ((1 << self.WINDOW) - 1)
                for c in labels:
                    fits &= free >> c
                    if not fits:
                        break
                if fits:
                    b = lo + (fits & -fits).bit_length() - 1
                    break
                lo += self.WINDOW
        self._take(self.bases, b)
        for c in labels:
            self._take(self.units, b + c)
            self.end = max(self.end, b + c + 1)
        return b


def build_units(freq, sym, logtotal):
    """Lay the trie out as a double array: the child of unit s by symbol c
    is unit base(s) + c, whose check is c; no two nodes have the same base,
    so the check says whose child a unit is.  Parents are placed breadth
    first and each child set at the lowest base where it fits, so that the
    busiest nodes (short texts of frequent characters) lie close together.
    Returns the units as (check, base << 2 | flags, logp) lists."""
    words = sorted((tuple(sym[ch] for ch in w), w) for w in freq)
    units = Units()
    check, base, value = [FREE], [0], [0.0]

    # (unit, depth, first word, end of its words): every word in the range
    # starts with the unit's text, which is the first word's if it is one.
    queue = [(0, 0, 0, len(words))]
    qi = 0
    while qi < len(queue):
        unit, depth, lo, hi = queue[qi]
        qi += 1
        groups = []
        i = lo
        while i < hi and len(words[i][0]) == depth:
            i += 1
        while i < hi:
            c = words[i][0][depth]
            j = i + 1
            while j < hi and words[j][0][depth] == c:
                j += 1
            groups.append((c, i, j))
            i = j
        if not groups:
            continue
        b = units.place([g[0] for g in groups])
        if units.end >= 1 << 30:
            die("too many trie units")
        if units.end > len(check):
            n = units.end - len(check)
            check += [FREE] * n
            base += [0] * n
            value += [0.0] * n
        base[unit] = b << 2 | FLAG_PREFIX | (base[unit] & FLAG_WORD)
        for c, i, j in groups:
            t = b + c
            check[t] = c
            key, w = words[i]
            if len(key) == depth + 1:
                base[t] = FLAG_WORD
                value[t] = math.log(freq[w]) - logtotal
            queue.append((t, depth + 1, i, j))
    return check, base, value


def build(freq, hmm):
    total = sum(freq.values())
    if total <= 0:
        die("empty dictionary")
    logtotal = math.log(total)
    for w in freq:
        if len(w.encode("utf-8")) >= 1 << 20:
            die("word too long: %r" % w)
    start_v, trans_v, emit = hmm
    sym = assign_symbols(freq, emit)
    check, base, value = build_units(freq, sym, logtotal)
    bmp = [0] * 0x10000
    supp = []
    for ch, s in sym.items():
        if ord(ch) < 0x10000:
            bmp[ord(ch)] = s
        else:
            supp.append((ord(ch), s))
    supp.sort()
    rows = [[IMPOSSIBLE] * 4 for _ in range(len(sym) + 1)]
    for cp, row in emit:
        rows[sym[chr(cp)]] = row
    header = bytearray()
    header += MAGIC
    header += struct.pack("<IIIIII", VERSION, BOM, len(check), len(rows),
                          len(supp), 0)
    header += struct.pack("<d", logtotal)
    header += struct.pack("<4f", *start_v)
    header += struct.pack("<16f", *trans_v)
    header += struct.pack("<II", HAS_HMM, len(freq))
    header += b"\0" * (HEADER_SIZE - len(header))
    assert len(header) == HEADER_SIZE
    out = bytearray(header)
    out += struct.pack("<%dH" % len(bmp), *bmp)
    out += struct.pack("<%dI" % len(supp), *(cp for cp, _ in supp))
    out += struct.pack("<%dI" % len(supp), *(s for _, s in supp))
    out += struct.pack("<%dH" % len(check), *check)
    out += b"\0" * (-len(out) % 4)
    units = bytearray(8 * len(check))
    for i in range(len(check)):
        struct.pack_into("<If", units, 8 * i, base[i], value[i])
    out += units
    for row in rows:
        out += struct.pack("<4f", *row)
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
