#!/usr/bin/env python3
"""Writes the CLINC150 split that the LODO study (tools/models/lodo) fits and scores on, by the rule of
tools/models/banking77-fit-split.py.

CLINC150's training examples (corpus_exemplars.jsonl, 100 per in-scope intent, id `intent#n`) that are neither
among the ten per intent in its corpus (the entries' bodies) nor test queries (queries.tsv): 13,498 (qid
`x<line number>`, judged by the example's intent). 3,000 of them, `random.Random(SEED).sample` of those in file
order with seed 7 (as in banking77-fit-split.py and afqmc-fit-split.py), are the fitting questions. The test
queries are never read but to leave them out; queries_oos.tsv is not read.

Writes into OUT: queries.tsv / qrels.txt (the 3,000).

Usage: clinc150-fit-split.py OUT [--evaldata DIR] [--seed N] [--queries N]   (the data is read in place)
"""
import argparse
import json
import os
import random


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--evaldata", default=os.path.join(here, "..", "..", "..", "..", "shared", "evaldata"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--queries", type=int, default=3000)
    args = parser.parse_args()
    folder = os.path.join(args.evaldata, "clinc150")
    os.makedirs(args.out, exist_ok=True)

    with open(os.path.join(folder, "corpus.jsonl"), encoding="utf-8") as f:
        seen = {line.strip() for entry in map(json.loads, f) for line in entry["body"].split("\n")}
    with open(os.path.join(folder, "queries.tsv"), encoding="utf-8") as f:
        seen |= {line.rstrip("\n").split("\t", 1)[1].strip() for line in f}
    examples = []
    with open(os.path.join(folder, "corpus_exemplars.jsonl"), encoding="utf-8") as f:
        for n, entry in enumerate(map(json.loads, f)):
            if entry["title"].strip() not in seen:
                examples.append((f"x{n:05d}", entry["title"].strip(), entry["id"].split("#")[0]))
    chosen = set(random.Random(args.seed).sample([qid for qid, _, _ in examples], args.queries))
    fitting = [e for e in examples if e[0] in chosen]
    with open(os.path.join(args.out, "queries.tsv"), "w", encoding="utf-8") as f:
        f.writelines(f"{qid}\t{text}\n" for qid, text, _ in fitting)
    with open(os.path.join(args.out, "qrels.txt"), "w", encoding="utf-8") as f:
        f.writelines(f"{qid} 0 {intent} 1\n" for qid, _, intent in fitting)
    print(f"{len(examples)} training examples outside the corpus and the test queries: {len(fitting)} fitting "
          f"questions -> {args.out}")


if __name__ == "__main__":
    main()
