#!/usr/bin/env python3
"""nothing_lost.py - every record is accounted for, and interrupted runs
leave no output behind.

1. 100,000 JSON Lines records (the demo corpus's statements, repeated with
   fresh ids), 1% of them corrupted in turn: invalid UTF-8 in the text or in
   a field, broken JSON (cut short, a missing quote, a trailing comma), a
   field of the wrong type, a record that is not an object or has no text,
   and a record over the --max-bytes limit.  Blank lines are sprinkled in
   (not records).  `spiral score` must report written + rejected == read
   and read == 100,000, name each rejected record's line on stderr (and no
   other line), and write every good record exactly as a run over the good
   records alone does, byte for byte.
2. SIGINT and SIGTERM sent to `spiral score --output FILE` while it reads
   must end it with status 130 and 143 and leave neither FILE nor its
   temporary file; a run that completes leaves FILE and no temporary file;
   --output naming a FIFO writes into it instead of replacing it.

Usage: tests/nothing_lost.py BINARY         (run by `make check`)
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

N = 100_000
MAX_BYTES = 4096
HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "corpora", "demo", "statements.jsonl")


def corrupt(kind, rec, i):
    """The bytes of a bad record (without its newline)."""
    good = json.dumps(rec, ensure_ascii=False).encode()
    if kind == 0:   # invalid UTF-8 in the text
        return good.replace(b'"text": "', b'"text": "\xff\xfe', 1)
    if kind == 1:   # broken JSON: cut short
        return good[: len(good) // 2]
    if kind == 2:   # wrong type for a known field
        bad = dict(rec, actor=[1, 2], text=rec["text"])
        return json.dumps(bad, ensure_ascii=False).encode()
    if kind == 3:   # oversized
        bad = dict(rec, text=rec["text"] + " filler" * (MAX_BYTES // 6))
        return json.dumps(bad, ensure_ascii=False).encode()
    if kind == 4:   # text of the wrong type
        return json.dumps(dict(rec, text=12345)).encode()
    if kind == 5:   # not an object
        return b'["id", "x%d"]' % i
    if kind == 6:   # no text at all
        return json.dumps({"id": rec["id"], "date": rec.get("date")}).encode()
    if kind == 7:   # broken JSON: a missing quote
        return good.replace(b'"text": "', b'"text": ', 1)
    if kind == 8:   # invalid UTF-8 in another field (an overlong '/')
        return good.replace(b'"id": "', b'"id": "\xc0\xaf', 1)
    # trailing comma
    return good[:-1] + b',}'


def generate(dirname):
    demo = [json.loads(line) for line in open(DEMO, encoding="utf-8") if line.strip()]
    full = open(os.path.join(dirname, "full.jsonl"), "wb")
    good = open(os.path.join(dirname, "good.jsonl"), "wb")
    bad_lines = set()
    line = 0
    for i in range(N):
        rec = dict(demo[i % len(demo)])
        rec["id"] = "r%06d" % i
        if i % 997 == 5:        # blank lines are not records
            full.write(b"\n  \n")
            line += 2
        line += 1
        if i % 100 == 37:
            full.write(corrupt((i // 100) % 10, rec, i) + b"\n")
            bad_lines.add(line)
        else:
            data = json.dumps(rec, ensure_ascii=False).encode() + b"\n"
            full.write(data)
            good.write(data)
    full.close()
    good.close()
    return bad_lines


def run(binary, args):
    p = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stderr.decode("utf-8", "replace")


def summary(err):
    m = re.search(r"spiral: (\d+) statements read, (\d+) written, (\d+) rejected", err)
    assert m, "no summary line in:\n" + err[-2000:]
    return tuple(int(x) for x in m.groups())


def check_accounting(binary, d):
    bad_lines = generate(d)
    full, good = os.path.join(d, "full.jsonl"), os.path.join(d, "good.jsonl")
    out_full, out_good = os.path.join(d, "full.out"), os.path.join(d, "good.out")
    limit = "--max-bytes=%d" % MAX_BYTES
    # Without --keep-duplicates the records repeated from the demo corpus
    # are dropped and counted: read = written + rejected + duplicates.
    rc, err = run(binary, ["score", limit, "-o", out_full, full])
    assert rc == 0, "status %d:\n%s" % (rc, err[-2000:])
    read, written, rejected = summary(err)
    m = re.search(r", (\d+) duplicates? dropped", err)
    dups = int(m.group(1)) if m else 0
    assert written + rejected + dups == read, "written %d + rejected %d + duplicates %d != read %d" % (
        written, rejected, dups, read)
    # Every record, duplicates kept: read = written + rejected.
    rc, err = run(binary, ["score", limit, "--keep-duplicates", "-o", out_full, full])
    assert rc == 0, "status %d:\n%s" % (rc, err[-2000:])
    read, written, rejected = summary(err)
    assert read == N, "read %d, not %d" % (read, N)
    assert written + rejected == read, "written %d + rejected %d != read %d" % (
        written, rejected, read)
    assert rejected == len(bad_lines), "rejected %d, corrupted %d" % (rejected, len(bad_lines))
    named = set()
    for msg in err.splitlines():
        m = re.match(r"(.*?):(\d+)(?::\d+)?: error: ", msg)
        if m:
            assert m.group(1) == full, "error names %r: %s" % (m.group(1), msg)
            named.add(int(m.group(2)))
    assert named == bad_lines, "lines named %s, corrupted %s" % (
        sorted(named ^ bad_lines)[:10], "(symmetric difference)")

    rc, err = run(binary, ["score", limit, "--keep-duplicates", "-o", out_good, good])
    assert rc == 0, err[-2000:]
    read, written2, rejected2 = summary(err)
    assert (read, written2, rejected2) == (N - len(bad_lines), written, 0)
    with open(out_full, "rb") as a, open(out_good, "rb") as b:
        assert a.read() == b.read(), "good records differ from a clean run"
    assert not glob.glob(os.path.join(d, "*.tmp.*")), "temporary files left"
    print("nothing-lost: %d read, %d written, %d rejected, each named; "
          "output identical to a clean run" % (N, written, rejected))


def default_signals():
    for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, signal.SIG_DFL)


def check_interrupt(binary, d, sig, status):
    out = os.path.join(d, "interrupted.jsonl")
    p = subprocess.Popen([binary, "score", "-o", out, "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         preexec_fn=default_signals)
    with open(os.path.join(d, "good.jsonl"), "rb") as f:
        p.stdin.write(f.read(1 << 20))
    p.stdin.flush()
    # Wait until the temporary file exists: the program is then mid-run,
    # reading standard input, which stays open.
    deadline = time.time() + 30
    while not glob.glob(out + ".tmp.*"):
        assert time.time() < deadline, "no temporary output file appeared"
        time.sleep(0.01)
    time.sleep(0.2)
    p.send_signal(sig)
    try:
        _, err = p.communicate(timeout=30)
    except BrokenPipeError:
        err = p.stderr.read()
        p.wait(timeout=30)
    assert p.returncode == status, "status %d after signal %d (not %d): %s" % (
        p.returncode, sig, status, err.decode()[-500:])
    assert not os.path.exists(out), "partial output file left"
    assert not glob.glob(out + ".tmp.*"), "temporary file left"
    print("nothing-lost: signal %d ended the run with status %d, no output left" % (sig, status))


def check_completed(binary, d):
    out = os.path.join(d, "complete.jsonl")
    rc, err = run(binary, ["score", "-q", "-o", out, DEMO])
    assert rc == 0, err
    assert os.path.getsize(out) > 0
    assert not glob.glob(out + ".tmp.*"), "temporary file left"


def check_special_output(binary, d):
    """--output naming a FIFO (or a device) writes into it: a temporary file
    renamed over it would replace it (as it once replaced /dev/null)."""
    import threading
    fifo = os.path.join(d, "fifo")
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    rc, err = run(binary, ["score", "-q", "-o", fifo, DEMO])
    reader.join(timeout=60)
    assert rc == 0, err
    assert got and got[0].count(b"\n") > 100, "nothing came through the FIFO"
    assert not os.path.isfile(fifo) and os.path.exists(fifo), "the FIFO was replaced"
    import stat
    assert stat.S_ISFIFO(os.stat(fifo).st_mode), "the FIFO was replaced"
    assert not glob.glob(fifo + ".tmp.*"), "temporary file left"
    print("nothing-lost: --output into a FIFO writes through it")


def main():
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="spiral-nothing-lost-") as d:
        check_accounting(binary, d)
        check_interrupt(binary, d, signal.SIGINT, 130)
        check_interrupt(binary, d, signal.SIGTERM, 143)
        check_completed(binary, d)
        check_special_output(binary, d)


if __name__ == "__main__":
    main()
