#!/usr/bin/env python3
"""Writes the AFQMC train split that the Han question models are fitted on (see fit-question-model.py).

The question model's features depend on how crowded the index is (the engine score and rank, IDFs), so the
models are fitted on an index the size of afqmc_dev: the judged entries of 1,400 train queries and random other
train entries, 7,300 in all. The other 9,172 train queries are kept apart, for learning word evidence
(`replykit learn`) that is as new to the model as a tenant's next questions. afqmc_dev is never read.

Writes into OUT: corpus.jsonl, queries.tsv / qrels.txt (the 1,400), queries_prefix.tsv / qrels_prefix.txt (their
30/50/70 % prefixes), rest_queries.tsv / rest_qrels.txt (the others). Then, for example:
  replykit eval --corpus OUT/corpus.jsonl --queries OUT/queries_prefix.tsv --qrels OUT/qrels_prefix.txt \\
    --mode prefix --as bot --features OUT/typed.tsv
  tools/eval/fit-question-model.py OUT/typed.tsv

Disjoint parts, for the tree models (fit-question-trees.py), which want more fitting queries than one split
holds: `--parts 7 --part K` takes the K-th seventh of the train queries (shuffled by the seed) instead of a
sample of `--queries`, each with its own 7,300 entries; the seven parts together hold every train query once.

Usage: afqmc-fit-split.py OUT [--evaldata DIR] [--seed N] [--parts N --part K]   (the data is read in place,
never copied elsewhere)
"""
import argparse
import json
import os
import random


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--evaldata", default=os.path.join(here, "..", "..", "..", "shared", "evaldata"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=1400)
    parser.add_argument("--entries", type=int, default=7300)
    parser.add_argument("--parts", type=int, default=0, help="split the train queries into this many disjoint parts")
    parser.add_argument("--part", type=int, default=0, help="which part (0-based) to write, with --parts")
    args = parser.parse_args()
    source = os.path.join(args.evaldata, "afqmc_train")
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)

    def lines(name):
        with open(os.path.join(source, name), encoding="utf-8") as f:
            return f.readlines()

    queries = [line.rstrip("\n").split("\t", 1)[0] for line in lines("queries.tsv")]
    judged = {}
    for line in lines("qrels.txt"):
        qid, _, docid, _ = line.split()
        judged.setdefault(qid, []).append(docid)
    if args.parts > 0:
        if not 0 <= args.part < args.parts:
            parser.error(f"--part must be from 0 to {args.parts - 1}")
        shuffled = queries[:]
        rng.shuffle(shuffled)
        chosen = set(shuffled[args.part :: args.parts])
        rng = random.Random(args.seed * 1000 + args.part)  # each part its own distractors
    else:
        chosen = set(rng.sample(queries, args.queries))
    corpus = lines("corpus.jsonl")
    keep = {docid for qid in chosen for docid in judged.get(qid, [])}
    others = [json.loads(line)["id"] for line in corpus]
    others = [docid for docid in others if docid not in keep]
    rng.shuffle(others)
    keep |= set(others[: max(0, args.entries - len(keep))])

    def write(name, rows):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.writelines(rows)

    write("corpus.jsonl", [line for line in corpus if json.loads(line)["id"] in keep])
    for name, rest in (("queries.tsv", "rest_queries.tsv"), ("qrels.txt", "rest_qrels.txt")):
        rows = lines(name)
        key = (lambda row: row.split("\t", 1)[0]) if name.endswith(".tsv") else (lambda row: row.split()[0])
        write(name, [row for row in rows if key(row) in chosen])
        write(rest, [row for row in rows if key(row) not in chosen])
    write("queries_prefix.tsv", [r for r in lines("queries_prefix.tsv") if r.split("\t", 1)[0].split("__")[0] in chosen])
    write("qrels_prefix.txt", [r for r in lines("qrels_prefix.txt") if r.split()[0].split("__")[0] in chosen])
    print(f"{len(keep)} entries, {len(chosen)} fitting queries, {len(queries) - len(chosen)} kept apart -> {args.out}")


if __name__ == "__main__":
    main()
