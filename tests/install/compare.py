#!/usr/bin/env python3
"""compare.py - the scores examples/score.c (or score.py) printed agree with
those of `spiral score` on the same lines.

Usage: compare.py EXAMPLE_OUTPUT.tsv SPIRAL_SCORE_OUTPUT.jsonl
Each TSV row (id = line number) is matched with the JSON record whose id
ends in ":<line>"; threat, reassurance and tone must agree to 4 decimals,
the label exactly, and the hits' categories and texts in order."""
import json
import sys


def main(tsv_path, jsonl_path):
    cli = {}
    with open(jsonl_path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            cli[int(r["id"].rsplit(":", 1)[1])] = r
    bad = 0
    rows = 0
    with open(tsv_path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header == ["id", "threat", "reassurance", "tone", "label", "hits"], header
        for line in f:
            rows += 1
            fid, threat, reass, tone, label, hits = line.rstrip("\n").split("\t")
            r = cli.get(int(fid))
            if r is None:
                print("compare: line %s: not in the spiral output" % fid)
                bad += 1
                continue
            got = (float(threat), float(reass), float(tone), label)
            want = (r["threat"], r["reassurance"], r["tone"], r["label"])
            if any(abs(a - b) > 1e-4 for a, b in zip(got[:3], want[:3])) or got[3] != want[3]:
                print("compare: line %s: example %r, spiral %r" % (fid, got, want))
                bad += 1
            ex_hits = [h.split(' "', 1) for h in hits.split("; ")] if hits else []
            ex_hits = [(c, t.rsplit('" ', 1)[0]) for c, t in ex_hits]
            cli_hits = [(h["category"], h["text"]) for h in r["hits"]]
            if ex_hits != cli_hits:
                print("compare: line %s: hits %r, spiral %r" % (fid, ex_hits, cli_hits))
                bad += 1
    if rows != len(cli):
        print("compare: %d rows, spiral wrote %d" % (rows, len(cli)))
        bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
