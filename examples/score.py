#!/usr/bin/env python3
"""score.py - score statements from Python through libspiral with ctypes.

Loads the shared library (libspiral.so.0), the Chinese dictionary and the
lexicons, creates a session, analyses each statement and prints the same
tab-separated lines as examples/score.c:

    id  threat  reassurance  tone  label  hits

Usage:
    score.py [--lib PATH] [--lexicons DIR] [--dict FILE] [TEXT ...]
    score.py --layout

Without TEXT, one statement is read from each line of standard input (blank
lines skipped; the id is the line number).  Defaults: --lib $SPIRAL_LIB, else
libspiral.so.0 from the system's library path; --lexicons $SPIRAL_LEXICONS,
else `pkg-config --variable=lexicondir spiral`; --dict $SPIRAL_DICT, else
`pkg-config --variable=dictfile spiral` (none: Chinese is split into
characters).  --layout prints the size and field offsets of the structures
defined below, for comparison with the C compiler's (make check does).

The structures mirror include/spiral.h field for field: keep them in step
with the header of the library you load (spiral_version() is checked).
Everything a spiral_doc points to belongs to the session and is valid only
until the next spiral_session_analyze() call, so it is copied into Python
objects at once.
"""
import ctypes
import ctypes.util
import os
import shutil
import subprocess
import sys

# The header this file follows (SPIRAL_VERSION_MAJOR/MINOR): a library with
# another major version (or, before 1.0, another minor) may lay out its
# structures differently.
HEADER_VERSION = (0, 1)

SPIRAL_HIT_MAX_MODS = 6


class SpiralError(ctypes.Structure):
    """struct spiral_error: where and why a call failed."""
    _fields_ = [
        ("code", ctypes.c_int),
        ("file", ctypes.c_char * 256),
        ("line", ctypes.c_ulong),
        ("column", ctypes.c_ulong),
        ("offset", ctypes.c_size_t),
        ("message", ctypes.c_char * 256),
    ]

    def __str__(self):
        where = self.file.decode("utf-8", "replace") or "spiral"
        if self.line:
            where += ":%d" % self.line
            if self.column:
                where += ":%d" % self.column
        return "%s: error: %s" % (where, self.message.decode("utf-8", "replace"))


class SpiralScores(ctypes.Structure):
    """struct spiral_scores."""
    _fields_ = [
        ("threat", ctypes.c_double),
        ("reassurance", ctypes.c_double),
        ("net", ctypes.c_double),
        ("tone", ctypes.c_double),
        ("label", ctypes.c_char_p),
    ]


class SpiralHit(ctypes.Structure):
    """struct spiral_hit: one lexicon match (strings borrowed from the lexicon)."""
    _fields_ = [
        ("start", ctypes.c_uint32),
        ("end", ctypes.c_uint32),
        ("first_token", ctypes.c_uint32),
        ("ntokens", ctypes.c_uint32),
        ("sentence", ctypes.c_uint32),
        ("family", ctypes.c_int),
        ("category", ctypes.c_char_p),
        ("entry_category", ctypes.c_char_p),
        ("pattern", ctypes.c_char_p),
        ("entry_file", ctypes.c_char_p),
        ("entry_line", ctypes.c_ulong),
        ("entry_index", ctypes.c_size_t),
        ("weight", ctypes.c_double),
        ("score", ctypes.c_double),
        ("rules", ctypes.c_uint),
        ("mods", ctypes.c_uint32 * SPIRAL_HIT_MAX_MODS),
        ("nmods", ctypes.c_uint32),
        ("target", ctypes.c_char_p),
        ("portrayal", ctypes.c_int),
    ]


STRUCTS = [("spiral_error", SpiralError), ("spiral_scores", SpiralScores),
           ("spiral_hit", SpiralHit)]


def print_layout():
    """Size and offsets as `name size N` and `name.field N` lines."""
    for name, cls in STRUCTS:
        print("%s size %d" % (name, ctypes.sizeof(cls)))
        for field, _ in cls._fields_:
            print("%s.%s %d" % (name, field, getattr(cls, field).offset))


def pkg_variable(name):
    """A variable of spiral.pc, or None without pkg-config or spiral.pc."""
    if shutil.which("pkg-config") is None:
        return None
    r = subprocess.run(["pkg-config", "--variable=" + name, "spiral"],
                       capture_output=True, text=True, check=False)
    return r.stdout.strip() or None


def load_library(path):
    """The library with the argument and result types of what we call."""
    if path is None:
        path = os.environ.get("SPIRAL_LIB") or ctypes.util.find_library("spiral") \
            or "libspiral.so.0"
    lib = ctypes.CDLL(path)
    vp, cp, sz = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
    perr = ctypes.POINTER(SpiralError)
    sigs = {
        "spiral_version": ([], cp),
        "spiral_strerror": ([ctypes.c_int], cp),
        "spiral_dict_load": ([ctypes.POINTER(vp), cp, perr], ctypes.c_int),
        "spiral_dict_free": ([vp], None),
        "spiral_lexicon_load": ([ctypes.POINTER(vp), cp, perr], ctypes.c_int),
        "spiral_lexicon_size": ([vp], sz),
        "spiral_lexicon_free": ([vp], None),
        # opts NULL: SPIRAL_SESSION_OPTS_INIT
        "spiral_session_new": ([ctypes.POINTER(vp), vp, vp, vp, perr], ctypes.c_int),
        "spiral_session_free": ([vp], None),
        "spiral_session_analyze": ([vp, cp, sz, cp, ctypes.POINTER(vp), perr], ctypes.c_int),
        "spiral_doc_lang": ([vp], cp),
        "spiral_doc_scores": ([vp, ctypes.POINTER(SpiralScores)], None),
        "spiral_doc_hits": ([vp, ctypes.POINTER(sz)], ctypes.POINTER(SpiralHit)),
        "spiral_rule_name": ([ctypes.c_uint], cp),
    }
    for name, (args, res) in sigs.items():
        fn = getattr(lib, name)
        fn.argtypes = args
        fn.restype = res
    return lib


class Spiral:
    """A dictionary, a lexicon and one session (use one Spiral per thread,
    or share the dictionary and lexicon between sessions as the C API
    allows)."""

    def __init__(self, lib, lexicons, dict_path=None):
        self.lib = lib
        self.dict = ctypes.c_void_p()
        self.lex = ctypes.c_void_p()
        self.session = ctypes.c_void_p()
        err = SpiralError()
        version = lib.spiral_version().decode()
        major, minor = (int(x) for x in version.split(".")[:2])
        if major != HEADER_VERSION[0] or (major == 0 and minor != HEADER_VERSION[1]):
            raise RuntimeError("libspiral %s: these structures follow %d.%d"
                               % (version, *HEADER_VERSION))
        if dict_path and lib.spiral_dict_load(ctypes.byref(self.dict), dict_path.encode(),
                                              ctypes.byref(err)) < 0:
            raise RuntimeError(str(err))
        if lib.spiral_lexicon_load(ctypes.byref(self.lex), lexicons.encode(),
                                   ctypes.byref(err)) < 0:
            self.close()
            raise RuntimeError(str(err))
        if lib.spiral_lexicon_size(self.lex) == 0:  # no en/ or zh/ under the directory
            self.close()
            raise RuntimeError("no lexicon entries under %s" % lexicons)
        if lib.spiral_session_new(ctypes.byref(self.session), self.dict, self.lex, None,
                                  ctypes.byref(err)) < 0:
            self.close()
            raise RuntimeError(str(err))

    def analyze(self, text, lang=None):
        """Scores and hits of one statement (str, or UTF-8 bytes), as plain
        Python values.  Raises ValueError for text the library rejects
        (invalid UTF-8, too many tokens)."""
        data = text.encode("utf-8") if isinstance(text, str) else bytes(text)
        doc = ctypes.c_void_p()
        err = SpiralError()
        if self.lib.spiral_session_analyze(self.session, data, len(data),
                                           lang.encode() if lang else None,
                                           ctypes.byref(doc), ctypes.byref(err)) < 0:
            raise ValueError(str(err))
        sc = SpiralScores()
        self.lib.spiral_doc_scores(doc, ctypes.byref(sc))
        n = ctypes.c_size_t()
        hits = self.lib.spiral_doc_hits(doc, ctypes.byref(n))
        out = {
            "lang": self.lib.spiral_doc_lang(doc).decode(),
            "threat": sc.threat, "reassurance": sc.reassurance, "net": sc.net,
            "tone": sc.tone, "label": sc.label.decode(), "hits": [],
        }
        for i in range(n.value):
            h = hits[i]
            out["hits"].append({
                # start/end are byte offsets into the UTF-8 we passed in
                "text": data[h.start:h.end].decode("utf-8"),
                "start": h.start, "end": h.end, "sentence": h.sentence,
                "category": h.category.decode(), "score": h.score, "weight": h.weight,
                "entry": "%s:%d" % (h.entry_file.decode(), h.entry_line),
                "rules": [self.lib.spiral_rule_name(1 << b).decode()
                          for b in range(8) if h.rules & (1 << b)],
                "target": h.target.decode() if h.target else None,
            })
        return out

    def close(self):
        """Free in reverse order of creation (each free accepts NULL)."""
        self.lib.spiral_session_free(self.session)
        self.lib.spiral_lexicon_free(self.lex)
        self.lib.spiral_dict_free(self.dict)
        self.session = self.lex = self.dict = ctypes.c_void_p()


def main(argv):
    args = argv[1:]
    opts = {"--lib": None, "--lexicons": None, "--dict": None}
    texts = []
    while args:
        a = args.pop(0)
        if a == "--layout":
            print_layout()
            return 0
        if a in opts and args:
            opts[a] = args.pop(0)
        elif a in ("-h", "--help"):
            print(__doc__.strip())
            return 0
        else:
            texts.append(a)
    lexicons = opts["--lexicons"] or os.environ.get("SPIRAL_LEXICONS") \
        or pkg_variable("lexicondir") or "/usr/local/share/spiral/lexicons"
    dict_path = opts["--dict"] or os.environ.get("SPIRAL_DICT") or pkg_variable("dictfile")
    try:
        sp = Spiral(load_library(opts["--lib"]), lexicons, dict_path)
    except (OSError, RuntimeError) as e:
        print("score.py: %s" % e, file=sys.stderr)
        return 1
    if texts:
        items = list(enumerate(texts, 1))
    else:
        # bytes, so that invalid UTF-8 reaches the library and is reported
        items = [(i, line.rstrip(b"\r\n")) for i, line in enumerate(sys.stdin.buffer, 1)]
    sys.stdout.reconfigure(encoding="utf-8")
    print("id\tthreat\treassurance\ttone\tlabel\thits")
    status = 0
    for i, text in items:
        if not text:
            continue
        try:
            r = sp.analyze(text)
        except ValueError as e:
            print("<stdin>:%d: %s" % (i, e), file=sys.stderr)
            status = 1
            continue
        hits = "; ".join('%s "%s" %.4f' % (h["category"], h["text"], h["score"])
                         for h in r["hits"])
        print("%d\t%.4f\t%.4f\t%.4f\t%s\t%s" % (i, r["threat"], r["reassurance"], r["tone"],
                                               r["label"], hits))
    sp.close()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
