#!/usr/bin/env python3
"""read-outputs.py - every output of spiral read into pandas data frames.

The snippets of README.md ("Reading the outputs"), runnable:

    spiral score corpus.jsonl > scores.jsonl
    spiral tokens corpus.jsonl > tokens.jsonl
    spiral compare --side A --side B --json --csv cmp corpus.jsonl > compare.json
    spiral track --csv track --db spiral.db scores.jsonl > track.json
    spiral lexicon stats > stats.tsv
    spiral eval --dump dump.tsv gold.tsv            (optional)
    python3 read-outputs.py DIR     # DIR holds the files above

It prints the shape of each frame and checks that the frames agree with each
other (make check runs it on the demo corpus when pandas is installed:
Debian's python3-pandas).
"""
import json
import os
import sqlite3
import sys

import pandas as pd


def main(d):
    p = lambda name: os.path.join(d, name)  # noqa: E731

    # --- spiral score: JSON Lines, one statement a line -------------------
    with open(p("scores.jsonl"), encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    scores = pd.json_normalize(records)              # meta.* become columns
    hits = pd.json_normalize(records, "hits", ["id", "date", "speaker"],
                             record_prefix="hit.")   # one row per hit
    targets = pd.json_normalize(records, "targets", ["id"], record_prefix="t.")
    print("scores", scores.shape, "hits", hits.shape, "targets", targets.shape)
    print(scores[["id", "threat", "reassurance", "tone", "label"]].head(3))
    print(hits.groupby("hit.category")["hit.score"].sum().sort_values().tail(3))
    assert len(hits) == sum(len(r["hits"]) for r in records)

    # --- spiral tokens: one row per token ---------------------------------
    with open(p("tokens.jsonl"), encoding="utf-8") as f:
        tok = [json.loads(line) for line in f]
    tokens = pd.json_normalize(tok, ["sentences", "tokens"], ["id"])
    print("tokens", tokens.shape, sorted(tokens["kind"].unique()))

    # --- spiral compare: one JSON object, or five CSV files ---------------
    with open(p("compare.json"), encoding="utf-8") as f:
        cmp = json.load(f)
    profile = pd.DataFrame(cmp["languages"]["all"]["profile"])
    profiles_csv = pd.read_csv(p("cmp/profiles.csv"))
    print("profile", profile.shape, "profiles.csv", profiles_csv.shape)
    assert len(profiles_csv[profiles_csv.language == "all"]) == len(profile)

    # --- spiral track: one JSON document, five CSV tables, a SQLite store --
    with open(p("track.json"), encoding="utf-8") as f:
        tr = json.load(f)
    series = pd.json_normalize(tr["dyads"], "series", ["speaker", "target"])
    spiral = pd.json_normalize(tr["pairs"], "spiral", ["a", "b"])
    dyads = pd.read_csv(p("track/dyads.csv"))        # empty cells are NaN
    pairs = pd.read_csv(p("track/pairs.csv"))        # true/false are booleans
    pair_periods = pd.read_csv(p("track/pair_periods.csv"))
    with sqlite3.connect(p("spiral.db")) as con:
        stored = pd.read_sql_query("SELECT id, date, speaker, target, threat, reassurance "
                                   "FROM statements", con)
        stored_hits = pd.read_sql_query("SELECT * FROM hits", con)
        db_pp = pd.read_sql_query("SELECT * FROM pair_periods ORDER BY a, b, period", con)
    print("series", series.shape, "dyads.csv", dyads.shape, "spiral", spiral.shape,
          "pair_periods.csv", pair_periods.shape, "pairs.csv", pairs.shape)
    print("store: statements", stored.shape, "hits", stored_hits.shape,
          "pair_periods", db_pp.shape)
    print(pair_periods[["a", "b", "period", "spiral_score"]].dropna().tail(3))
    assert len(series) == len(dyads) and len(spiral) == len(pair_periods) == len(db_pp)
    assert pairs["runaway"].dtype == bool

    # --- spiral lexicon stats and spiral eval --dump: TSV -----------------
    stats = pd.read_csv(p("stats.tsv"), sep="\t")
    print("lexicon", stats.loc[stats.lang == "all", "entries"].item(), "entries")
    if os.path.exists(p("dump.tsv")):
        dump = pd.read_csv(p("dump.tsv"), sep="\t", quoting=3, dtype={"row": str})
        target_rows = dump[dump.row.str.startswith("#")]   # "#target" lines
        dump = dump[~dump.row.str.startswith("#")].astype({"threat": float})
        print("eval dump", dump.shape, "target rows", target_rows.shape)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
